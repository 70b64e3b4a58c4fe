// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Register access. Every adapter is driven through QEMU's Bochs VBE "DISPI"
 * registers (MMIO in BAR2 where there is one, else the legacy I/O ports);
 * VMware SVGA can instead run in its native mode, where the host redraws
 * only what SVGA_CMD_UPDATE commands in the FIFO name. The KMS code calls
 * the verbs at the bottom and never touches a register itself.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/iopoll.h>
#include <linux/vgaarb.h>

#include <video/vga.h>

#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_print.h>

#include "qemuvga_drv.h"

#define DISPI_PORT_INDEX	0x1ce
#define DISPI_PORT_DATA		0x1cf
#define DISPI_MMIO_BASE		0x500
#define VGA_MMIO_BASE		0x400	/* VGA ports 0x3c0.. in BAR2 */
#define EDID_MMIO_SIZE		0x400

enum dispi_reg {
	DISPI_ID = 0x0,
	DISPI_XRES = 0x1,
	DISPI_YRES = 0x2,
	DISPI_BPP = 0x3,
	DISPI_ENABLE = 0x4,
	DISPI_BANK = 0x5,
	DISPI_VIRT_WIDTH = 0x6,
	DISPI_VIRT_HEIGHT = 0x7,
	DISPI_X_OFFSET = 0x8,
	DISPI_Y_OFFSET = 0x9,
	DISPI_VIDEO_MEMORY_64K = 0xa,
};

#define DISPI_ENABLED		0x01
#define DISPI_LFB_ENABLED	0x40
#define DISPI_NOCLEARMEM	0x80
#define DISPI_ID_MASK		0xfff0
#define DISPI_ID_BASE		0xb0c0

/* The VGA attribute controller's "palette address source" bit: 0 blanks. */
#define VGA_AR_PAS		0x20

#define QXL_ROM_MAGIC		0x4f525851	/* "QXRO" */
#define QXL_ROM_DRAW_OFFSET	36
#define QXL_ROM_DRAW_SIZE	40
#define QXL_IO_RESET		5

#define SVGA_PORT_INDEX		0
#define SVGA_PORT_VALUE		1
#define SVGA_SYNC_TIMEOUT_US	100000

static void dispi_write(struct qemuvga_device *qdev, u16 reg, u16 val)
{
	if (qdev->mmio) {
		writew(val, qdev->mmio + DISPI_MMIO_BASE + (reg << 1));
	} else {
		outw(reg, DISPI_PORT_INDEX);
		outw(val, DISPI_PORT_DATA);
	}
}

static u16 dispi_read(struct qemuvga_device *qdev, u16 reg)
{
	if (qdev->mmio)
		return readw(qdev->mmio + DISPI_MMIO_BASE + (reg << 1));
	outw(reg, DISPI_PORT_INDEX);
	return inw(DISPI_PORT_DATA);
}

static void vga_write(struct qemuvga_device *qdev, u16 port, u8 val)
{
	if (qdev->mmio)
		writeb(val, qdev->mmio + VGA_MMIO_BASE + port - VGA_ATT_W);
	else
		outb(val, port);
}

static u8 vga_read(struct qemuvga_device *qdev, u16 port)
{
	if (qdev->mmio)
		return readb(qdev->mmio + VGA_MMIO_BASE + port - VGA_ATT_W);
	return inb(port);
}

static void svga_write(struct qemuvga_device *qdev, u32 reg, u32 val)
{
	outl(reg, qdev->svga_port + SVGA_PORT_INDEX);
	outl(val, qdev->svga_port + SVGA_PORT_VALUE);
}

static u32 svga_read(struct qemuvga_device *qdev, u32 reg)
{
	outl(reg, qdev->svga_port + SVGA_PORT_INDEX);
	return inl(qdev->svga_port + SVGA_PORT_VALUE);
}

static u32 fifo_read(struct qemuvga_device *qdev, enum qemuvga_fifo_reg reg)
{
	return readl(qdev->fifo + reg * 4);
}

static void fifo_write(struct qemuvga_device *qdev, enum qemuvga_fifo_reg reg,
		       u32 val)
{
	writel(val, qdev->fifo + reg * 4);
}

/*
 * Makes the host consume the whole FIFO now; QEMU does it synchronously.
 * @atomic: busy-wait (drm_panic), else sleep between polls.
 */
static int svga_sync(struct qemuvga_device *qdev, bool atomic)
{
	u32 busy;

	svga_write(qdev, QEMUVGA_SVGA_REG_SYNC, 1);
	if (atomic)
		return read_poll_timeout_atomic(svga_read, busy, !busy, 10,
						SVGA_SYNC_TIMEOUT_US, false,
						qdev, QEMUVGA_SVGA_REG_BUSY);
	return read_poll_timeout(svga_read, busy, !busy, 10,
				 SVGA_SYNC_TIMEOUT_US, false, qdev,
				 QEMUVGA_SVGA_REG_BUSY);
}

/* Ports 0x1ce/0x1cf and the VGA ports reach only the arbiter's device. */
static int qemuvga_claim_ports(struct qemuvga_device *qdev, struct pci_dev *pdev)
{
	struct drm_device *dev = &qdev->base;

	if (!IS_ENABLED(CONFIG_HAS_IOPORT) && !IS_ENABLED(CONFIG_X86))
		return -ENODEV;
	if (vga_default_device() != pdev) {
		drm_err(dev, "not the primary VGA device, its VBE ports are not ours\n");
		return -ENODEV;
	}
	if (!devm_request_region(dev->dev, DISPI_PORT_INDEX, 2, QEMUVGA_NAME)) {
		drm_err(dev, "VBE ports 0x%x-0x%x are busy\n", DISPI_PORT_INDEX,
			DISPI_PORT_DATA);
		return -EBUSY;
	}
	qdev->has_vga = true;
	return 0;
}

static void __iomem *qemuvga_map_bar(struct qemuvga_device *qdev,
				     struct pci_dev *pdev, int bar, bool wc)
{
	resource_size_t start = pci_resource_start(pdev, bar);
	resource_size_t len = pci_resource_len(pdev, bar);
	struct device *d = &pdev->dev;

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || !len)
		return NULL;
	if (!devm_request_mem_region(d, start, len, QEMUVGA_NAME))
		return NULL;
	return wc ? devm_ioremap_wc(d, start, len) : devm_ioremap(d, start, len);
}

static int qemuvga_dispi_init(struct qemuvga_device *qdev,
			      struct pci_dev *pdev, int vram_bar)
{
	struct drm_device *dev = &qdev->base;
	u64 vbe_size;
	u16 id;

	id = dispi_read(qdev, DISPI_ID);
	if ((id & DISPI_ID_MASK) != DISPI_ID_BASE) {
		drm_err(dev, "no Bochs VBE interface (ID 0x%04x)\n", id);
		return -ENODEV;
	}
	qdev->vram = qemuvga_map_bar(qdev, pdev, vram_bar, true);
	if (!qdev->vram) {
		drm_err(dev, "cannot map VRAM (BAR%d)\n", vram_bar);
		return -ENOMEM;
	}
	vbe_size = (u64)dispi_read(qdev, DISPI_VIDEO_MEMORY_64K) * SZ_64K;
	qdev->limits.vram_size = min_t(u64, pci_resource_len(pdev, vram_bar),
				       vbe_size);
	qdev->limits.max_width = QEMUVGA_MAX_FB_DIM;
	qdev->limits.max_height = QEMUVGA_MAX_FB_DIM;
	/* Only the VGA core rounds XRES; bochs-display stores it raw. */
	qdev->limits.width_align = qdev->has_vga ? 8 : 1;
	return 0;
}

static int qemuvga_bochs_init(struct qemuvga_device *qdev, struct pci_dev *pdev)
{
	int ret;

	qdev->has_vga = (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
	qdev->mmio = qemuvga_map_bar(qdev, pdev, 2, false);
	if (!qdev->mmio) {
		/* std VGA with mmio=off: ports, which need a VGA core. */
		if (!qdev->has_vga)
			return -ENODEV;
		ret = qemuvga_claim_ports(qdev, pdev);
		if (ret)
			return ret;
	}
	return qemuvga_dispi_init(qdev, pdev, 0);
}

static int qemuvga_qxl_init(struct qemuvga_device *qdev, struct pci_dev *pdev)
{
	struct drm_device *dev = &qdev->base;
	void __iomem *rom;
	u32 magic, draw_offset, draw_size;
	int ret;

	/* Secondary qxl (display-other class) has no VGA mode at all. */
	if ((pdev->class >> 8) != PCI_CLASS_DISPLAY_VGA)
		return -ENODEV;
	rom = pci_iomap(pdev, 2, 0);
	if (!rom)
		return -ENOMEM;
	magic = readl(rom);
	draw_offset = readl(rom + QXL_ROM_DRAW_OFFSET);
	draw_size = readl(rom + QXL_ROM_DRAW_SIZE);
	pci_iounmap(pdev, rom);
	if (magic != QXL_ROM_MAGIC || draw_offset) {
		drm_err(dev, "unexpected QXL ROM (magic 0x%08x, draw area at %u)\n",
			magic, draw_offset);
		return -ENODEV;
	}
	/* A native-mode QXL (left by the qxl driver) returns to VGA mode. */
	if (pci_resource_flags(pdev, 3) & IORESOURCE_IO)
		outb(0, pci_resource_start(pdev, 3) + QXL_IO_RESET);

	ret = qemuvga_claim_ports(qdev, pdev);
	if (ret)
		return ret;
	ret = qemuvga_dispi_init(qdev, pdev, 0);
	if (ret)
		return ret;
	qdev->limits.vram_size = min_t(u64, qdev->limits.vram_size, draw_size);
	return 0;
}

/* Hands a VMware adapter back in VGA mode, for the console or a reload. */
static void qemuvga_svga_release(void *data)
{
	struct qemuvga_device *qdev = data;

	if (svga_sync(qdev, false))
		drm_err(&qdev->base, "SVGA FIFO did not drain\n");
	svga_write(qdev, QEMUVGA_SVGA_REG_ENABLE, 0);
	svga_write(qdev, QEMUVGA_SVGA_REG_CONFIG_DONE, 0);
}

static int qemuvga_fifo_init(struct qemuvga_device *qdev, struct pci_dev *pdev)
{
	struct drm_device *dev = &qdev->base;
	u32 mem_size = svga_read(qdev, QEMUVGA_SVGA_REG_MEM_SIZE);

	qdev->fifo = qemuvga_map_bar(qdev, pdev, 2, false);
	if (!qdev->fifo)
		return -ENOMEM;
	qdev->fifo_size = min_t(u64, mem_size, pci_resource_len(pdev, 2));
	if (qdev->fifo_size < QEMUVGA_FIFO_NUM_REGS * 4 + QEMUVGA_FIFO_MIN_DATA) {
		drm_err(dev, "SVGA FIFO of %u bytes is too small\n", qdev->fifo_size);
		return -ENODEV;
	}
	qdev->fifo_size = round_down(qdev->fifo_size, 4);
	fifo_write(qdev, QEMUVGA_FIFO_MIN, QEMUVGA_FIFO_NUM_REGS * 4);
	fifo_write(qdev, QEMUVGA_FIFO_MAX, qdev->fifo_size);
	fifo_write(qdev, QEMUVGA_FIFO_NEXT_CMD, QEMUVGA_FIFO_NUM_REGS * 4);
	fifo_write(qdev, QEMUVGA_FIFO_STOP, QEMUVGA_FIFO_NUM_REGS * 4);
	/* The host reads the FIFO registers only once CONFIG_DONE is set. */
	wmb();
	svga_write(qdev, QEMUVGA_SVGA_REG_CONFIG_DONE, 1);
	return devm_add_action_or_reset(dev->dev, qemuvga_svga_release, qdev);
}

static int qemuvga_vmware_init(struct qemuvga_device *qdev,
			       struct pci_dev *pdev, bool use_fifo)
{
	struct drm_device *dev = &qdev->base;
	u32 id;
	int ret;

	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO))
		return -ENODEV;
	qdev->svga_port = pci_resource_start(pdev, 0);
	if (!devm_request_region(dev->dev, qdev->svga_port,
				 pci_resource_len(pdev, 0), QEMUVGA_NAME))
		return -EBUSY;
	svga_write(qdev, QEMUVGA_SVGA_REG_ID, QEMUVGA_SVGA_ID_2);
	id = svga_read(qdev, QEMUVGA_SVGA_REG_ID);
	if (id != QEMUVGA_SVGA_ID_2) {
		drm_err(dev, "SVGA II not supported (ID 0x%08x)\n", id);
		return -ENODEV;
	}
	/* Out of SVGA mode: the host then shows the VGA/VBE state. */
	svga_write(qdev, QEMUVGA_SVGA_REG_ENABLE, 0);
	svga_write(qdev, QEMUVGA_SVGA_REG_CONFIG_DONE, 0);

	if (!use_fifo) {
		ret = qemuvga_claim_ports(qdev, pdev);
		if (ret)
			return ret;
		return qemuvga_dispi_init(qdev, pdev, 1);
	}

	qdev->path = QEMUVGA_PATH_SVGA_FIFO;
	qdev->vram = qemuvga_map_bar(qdev, pdev, 1, true);
	if (!qdev->vram)
		return -ENOMEM;
	qdev->limits.vram_size = min_t(u64, pci_resource_len(pdev, 1),
				       svga_read(qdev, QEMUVGA_SVGA_REG_VRAM_SIZE));
	qdev->limits.max_width = min_t(u32, QEMUVGA_MAX_FB_DIM,
				       svga_read(qdev, QEMUVGA_SVGA_REG_MAX_WIDTH));
	qdev->limits.max_height = min_t(u32, QEMUVGA_MAX_FB_DIM,
					svga_read(qdev, QEMUVGA_SVGA_REG_MAX_HEIGHT));
	qdev->limits.width_align = 1;
	return qemuvga_fifo_init(qdev, pdev);
}

int qemuvga_hw_init(struct qemuvga_device *qdev, struct pci_dev *pdev,
		    bool vmware_fifo)
{
	switch (qdev->model) {
	case QEMUVGA_BOCHS:
		return qemuvga_bochs_init(qdev, pdev);
	case QEMUVGA_QXL:
		return qemuvga_qxl_init(qdev, pdev);
	case QEMUVGA_VMWARE:
		return qemuvga_vmware_init(qdev, pdev, vmware_fifo);
	}
	return -ENODEV;
}

void qemuvga_hw_blank(struct qemuvga_device *qdev, bool blank)
{
	int idx;

	if (!drm_dev_enter(&qdev->base, &idx))
		return;
	if (qdev->path == QEMUVGA_PATH_SVGA_FIFO) {
		if (blank)
			svga_write(qdev, QEMUVGA_SVGA_REG_ENABLE, 0);
	} else if (qdev->has_vga) {
		/* Reading IS1 resets the attribute controller's flip-flop. */
		vga_write(qdev, VGA_MIS_W, VGA_MIS_COLOR);
		vga_read(qdev, VGA_IS1_RC);
		vga_write(qdev, VGA_ATT_W, blank ? 0 : VGA_AR_PAS);
	} else if (blank) {
		dispi_write(qdev, DISPI_ENABLE, 0);
	}
	drm_dev_exit(idx);
}

void qemuvga_hw_set_mode(struct qemuvga_device *qdev, u32 width, u32 height)
{
	u32 pitch;
	int idx;

	if (!drm_dev_enter(&qdev->base, &idx))
		return;
	qdev->pitch = qemuvga_pitch(width);
	if (qdev->path == QEMUVGA_PATH_SVGA_FIFO) {
		svga_write(qdev, QEMUVGA_SVGA_REG_WIDTH, width);
		svga_write(qdev, QEMUVGA_SVGA_REG_HEIGHT, height);
		svga_write(qdev, QEMUVGA_SVGA_REG_BITS_PER_PIXEL, 32);
		svga_write(qdev, QEMUVGA_SVGA_REG_ENABLE, 1);
		pitch = svga_read(qdev, QEMUVGA_SVGA_REG_BYTES_PER_LINE);
		if (pitch != qdev->pitch ||
		    svga_read(qdev, QEMUVGA_SVGA_REG_FB_OFFSET))
			drm_err_ratelimited(&qdev->base,
					    "SVGA refused %ux%u (pitch %u)\n",
					    width, height, pitch);
	} else {
		dispi_write(qdev, DISPI_ENABLE, 0);
		dispi_write(qdev, DISPI_BPP, 32);
		dispi_write(qdev, DISPI_XRES, width);
		dispi_write(qdev, DISPI_YRES, height);
		dispi_write(qdev, DISPI_BANK, 0);
		/* The plane update that follows writes every pixel. */
		dispi_write(qdev, DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED |
			    DISPI_NOCLEARMEM);
		/* Enabling resets these on the VGA core; bochs-display needs them. */
		dispi_write(qdev, DISPI_VIRT_WIDTH, width);
		dispi_write(qdev, DISPI_X_OFFSET, 0);
		dispi_write(qdev, DISPI_Y_OFFSET, 0);
		if (dispi_read(qdev, DISPI_XRES) != width ||
		    dispi_read(qdev, DISPI_YRES) != height)
			drm_err_ratelimited(&qdev->base,
					    "VBE refused %ux%u\n", width, height);
	}
	drm_dev_exit(idx);
	qemuvga_hw_blank(qdev, false);
}

/* Names changed rectangles to a host that does not track VRAM writes. */
static void qemuvga_fifo_update(struct qemuvga_device *qdev,
				const struct drm_rect *rects, unsigned int count,
				bool atomic)
{
	struct qemuvga_fifo_ring ring;
	u32 words[QEMUVGA_SVGA_UPDATE_WORDS];
	unsigned int i;
	int idx, n, w;

	if (qdev->path != QEMUVGA_PATH_SVGA_FIFO || !count)
		return;
	if (!drm_dev_enter(&qdev->base, &idx))
		return;
	ring.min = fifo_read(qdev, QEMUVGA_FIFO_MIN);
	ring.max = fifo_read(qdev, QEMUVGA_FIFO_MAX);
	ring.next_cmd = fifo_read(qdev, QEMUVGA_FIFO_NEXT_CMD);
	for (i = 0; i < count; i++) {
		n = qemuvga_svga_encode_update(words, ARRAY_SIZE(words),
					       rects[i].x1, rects[i].y1,
					       drm_rect_width(&rects[i]),
					       drm_rect_height(&rects[i]));
		if (n < 0)
			continue;
		ring.stop = fifo_read(qdev, QEMUVGA_FIFO_STOP);
		if (!qemuvga_fifo_valid(&ring, qdev->fifo_size)) {
			drm_err_ratelimited(&qdev->base, "SVGA FIFO corrupt\n");
			break;
		}
		if (qemuvga_fifo_free(&ring) < n * 4) {
			/* Publish what we wrote, then let the host drain it. */
			wmb();
			fifo_write(qdev, QEMUVGA_FIFO_NEXT_CMD, ring.next_cmd);
			if (svga_sync(qdev, atomic)) {
				drm_err_ratelimited(&qdev->base,
						    "SVGA FIFO stuck\n");
				break;
			}
			ring.stop = fifo_read(qdev, QEMUVGA_FIFO_STOP);
			if (qemuvga_fifo_free(&ring) < n * 4)
				break;
		}
		for (w = 0; w < n; w++) {
			writel(words[w], qdev->fifo + ring.next_cmd);
			ring.next_cmd = qemuvga_fifo_step(&ring, ring.next_cmd);
		}
	}
	/* Commands must be visible before the host sees the new NEXT_CMD. */
	wmb();
	fifo_write(qdev, QEMUVGA_FIFO_NEXT_CMD, ring.next_cmd);
	drm_dev_exit(idx);
}

void qemuvga_hw_update(struct qemuvga_device *qdev, const struct drm_rect *rects,
		       unsigned int count)
{
	qemuvga_fifo_update(qdev, rects, count, false);
}

/*
 * drm_panic's flush: the same commands without sleeping or taking a lock.
 * The other CPUs are stopped, so a commit they were in cannot interleave.
 */
void qemuvga_hw_panic_update(struct qemuvga_device *qdev,
			     const struct drm_rect *rect)
{
	qemuvga_fifo_update(qdev, rect, 1, true);
}

/* Copies the EDID QEMU places at the start of BAR2; returns its length. */
int qemuvga_hw_read_edid(struct qemuvga_device *qdev, u8 *buf, size_t len)
{
	static const u8 header[] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	size_t size, i;
	int idx;

	if (!qdev->mmio || len < EDID_LENGTH)
		return -ENODEV;
	if (!drm_dev_enter(&qdev->base, &idx))
		return -ENODEV;
	for (i = 0; i < EDID_LENGTH; i++)
		buf[i] = readb(qdev->mmio + i);
	size = EDID_LENGTH * (1 + (size_t)buf[0x7e]);
	if (memcmp(buf, header, sizeof(header)) ||
	    size > min_t(size_t, len, EDID_MMIO_SIZE)) {
		drm_dev_exit(idx);
		return -ENODEV;
	}
	for (; i < size; i++)
		buf[i] = readb(qdev->mmio + i);
	drm_dev_exit(idx);
	return size;
}

const char *qemuvga_model_name(enum qemuvga_model model)
{
	switch (model) {
	case QEMUVGA_BOCHS:
		return "bochs";
	case QEMUVGA_QXL:
		return "qxl-vga";
	case QEMUVGA_VMWARE:
		return "vmware-svga";
	}
	return "unknown";
}
