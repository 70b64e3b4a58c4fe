// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qemuvga: a simple KMS driver for QEMU's non-virtio display adapters.
 *
 * It binds by exact vendor:device only and never a VirtIO device: virtio-vga
 * carries the same VGA/VBE registers, but belongs to virtgpu.ko. Only VMware
 * SVGA II, which no in-tree driver handles under QEMU, loads automatically;
 * for std VGA and qxl-vga it is loaded on purpose (see README.md).
 */
#include <linux/aperture.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_module.h>
#include <drm/drm_print.h>

#include "qemuvga_drv.h"
#include "virtgpu_compat_drm.h"

#define PCI_DEVICE_ID_QEMU_VGA		0x1111
#define PCI_VENDOR_ID_QEMU_VGA		0x1234
#define PCI_DEVICE_ID_QXL		0x0100
#define PCI_DEVICE_ID_VMWARE_SVGA2	0x0405

static int qemuvga_modeset = -1;
MODULE_PARM_DESC(modeset, "Disable/Enable modesetting");
module_param_named(modeset, qemuvga_modeset, int, 0400);

/*
 * VBE by default: with a display attached, QEMU redraws every SVGA_CMD_UPDATE
 * on its own, costing it several times the host CPU of VBE's dirty tracking
 * (Documentation/qemuvga.md, Measurements).
 */
static bool qemuvga_vmware_fifo;
MODULE_PARM_DESC(vmware_fifo,
		 "VMware SVGA: native mode with SVGA_CMD_UPDATE (1) or VBE (0, default)");
module_param_named(vmware_fifo, qemuvga_vmware_fifo, bool, 0400);

DEFINE_DRM_GEM_FOPS(qemuvga_fops);

static const struct drm_driver qemuvga_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC,
	.fops = &qemuvga_fops,
	.name = QEMUVGA_NAME,
	.desc = "QEMU std VGA, qxl-vga and VMware SVGA",
	VIRTGPU_DRIVER_DATE
	VIRTGPU_FBDEV_DRIVER_OPS
	.major = 1,
	.minor = 0,
	DRM_GEM_SHMEM_DRIVER_OPS,
};

static int qemuvga_pci_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct qemuvga_device *qdev;
	struct drm_device *dev;
	int ret;

	/* The ID table cannot match VirtIO; this keeps it that way. */
	if (pdev->vendor == PCI_VENDOR_ID_REDHAT_QUMRANET)
		return -ENODEV;
	/*
	 * VMware's SVGA value register is a 32-bit port at an odd address
	 * (BAR0 + 1), which only x86's port instructions reach. Elsewhere the
	 * I/O space is a memory-mapped window where that access aborts (arm64:
	 * an external abort, an oops): refuse before touching anything.
	 */
	if (ent->driver_data == QEMUVGA_VMWARE && !IS_ENABLED(CONFIG_X86)) {
		dev_info(&pdev->dev, "VMware SVGA II needs x86 port I/O\n");
		return -ENODEV;
	}

	ret = aperture_remove_conflicting_pci_devices(pdev, QEMUVGA_NAME);
	if (ret)
		return ret;

	qdev = devm_drm_dev_alloc(&pdev->dev, &qemuvga_drm_driver,
				  struct qemuvga_device, base);
	if (IS_ERR(qdev))
		return PTR_ERR(qdev);
	dev = &qdev->base;
	qdev->model = ent->driver_data;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = qemuvga_hw_init(qdev, pdev, qemuvga_vmware_fifo);
	if (ret)
		return ret;
	ret = qemuvga_kms_init(qdev);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, dev);
	ret = drm_dev_register(dev, 0);
	if (ret)
		return ret;
	drm_info(dev, "%s, %llu KiB VRAM, %s updates, %s registers\n",
		 qemuvga_model_name(qdev->model), qdev->limits.vram_size / SZ_1K,
		 qdev->path == QEMUVGA_PATH_SVGA_FIFO ? "SVGA FIFO" : "VBE",
		 qdev->svga_port && qdev->path == QEMUVGA_PATH_SVGA_FIFO ? "SVGA" :
		 qdev->mmio ? "MMIO" : "port");
	virtgpu_fbdev_setup(dev);
	return 0;
}

static void qemuvga_pci_remove(struct pci_dev *pdev)
{
	struct drm_device *dev = pci_get_drvdata(pdev);

	drm_dev_unplug(dev);
	drm_atomic_helper_shutdown(dev);
	qemuvga_kms_fini(to_qemuvga_device(dev));
}

static void qemuvga_pci_shutdown(struct pci_dev *pdev)
{
	struct drm_device *dev = pci_get_drvdata(pdev);

	drm_atomic_helper_shutdown(dev);
	qemuvga_kms_fini(to_qemuvga_device(dev));
}

static const struct pci_device_id qemuvga_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_QEMU_VGA, PCI_DEVICE_ID_QEMU_VGA),
	  .driver_data = QEMUVGA_BOCHS },
	/* Only the VGA-class qxl-vga has a VGA mode; secondary qxl does not. */
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_QXL),
	  .class = PCI_CLASS_DISPLAY_VGA << 8, .class_mask = 0xffff00,
	  .driver_data = QEMUVGA_QXL },
	{ PCI_DEVICE(PCI_VENDOR_ID_VMWARE, PCI_DEVICE_ID_VMWARE_SVGA2),
	  .driver_data = QEMUVGA_VMWARE },
	{ }
};

/*
 * Autoload only where no in-tree driver works under QEMU: vmwgfx refuses
 * QEMU's SVGA device. bochs and qxl stay the default for the others.
 */
static const struct pci_device_id qemuvga_autoload_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_VMWARE, PCI_DEVICE_ID_VMWARE_SVGA2) },
	{ }
};
MODULE_DEVICE_TABLE(pci, qemuvga_autoload_ids);

static struct pci_driver qemuvga_pci_driver = {
	.name = QEMUVGA_NAME,
	.id_table = qemuvga_pci_ids,
	.probe = qemuvga_pci_probe,
	.remove = qemuvga_pci_remove,
	.shutdown = qemuvga_pci_shutdown,
};

drm_module_pci_driver_if_modeset(qemuvga_pci_driver, qemuvga_modeset);

MODULE_DESCRIPTION("KMS for QEMU std VGA, bochs-display, qxl-vga and VMware SVGA");
MODULE_LICENSE("Dual MIT/GPL");
