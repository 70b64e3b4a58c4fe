/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qemuvga: KMS for QEMU's std VGA, bochs-display, qxl-vga (in VGA mode) and
 * VMware SVGA II adapters. One CRTC, primary plane, encoder and connector;
 * framebuffers live in shmem and the damaged parts are copied into VRAM.
 */
#ifndef QEMUVGA_DRV_H
#define QEMUVGA_DRV_H

#include <linux/pci.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>

#include "qemuvga_modes.h"
#include "qemuvga_svga.h"
#include "vgpu_vblank.h"
#include "virtgpu_compat_drm.h"

#define QEMUVGA_NAME		"qemuvga"

enum qemuvga_model {
	QEMUVGA_BOCHS,		/* 1234:1111: std VGA, secondary-vga, bochs-display */
	QEMUVGA_QXL,		/* 1b36:0100 in VGA mode */
	QEMUVGA_VMWARE,		/* 15ad:0405 */
};

/* How screen updates reach the host. */
enum qemuvga_path {
	QEMUVGA_PATH_DISPI,	/* QEMU dirty-tracks VRAM by itself */
	QEMUVGA_PATH_SVGA_FIFO,	/* VMware SVGA mode: SVGA_CMD_UPDATE per rect */
};

struct qemuvga_device {
	struct drm_device base;

	/* hw: set at probe, read-only afterwards */
	enum qemuvga_model model;
	enum qemuvga_path path;
	void __iomem *mmio;	/* BAR2 registers, or NULL: DISPI over I/O ports */
	bool has_vga;		/* a VGA core: attribute-controller blanking */
	void __iomem *vram;
	struct qemuvga_limits limits;
	unsigned long svga_port;	/* VMware index/value ports */
	void __iomem *fifo;		/* VMware command FIFO */
	u32 fifo_size;

	/* mode: changed only in atomic commits (serialised by the core) */
	u32 pitch;

	/* drm */
	struct drm_plane primary;
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;
	struct vgpu_vblank vblank;	/* simulated, at the mode's refresh */
};

/* A CRTC state that knows whether its commit only declares damage. */
struct qemuvga_crtc_state {
	struct drm_crtc_state base;
	bool damage_only;
};

static inline struct qemuvga_crtc_state *
to_qemuvga_crtc_state(struct drm_crtc_state *state)
{
	return container_of(state, struct qemuvga_crtc_state, base);
}

static inline struct qemuvga_device *to_qemuvga_device(struct drm_device *dev)
{
	return container_of(dev, struct qemuvga_device, base);
}

/* qemuvga_hw.c: the only code that touches registers. */
int qemuvga_hw_init(struct qemuvga_device *qdev, struct pci_dev *pdev,
		    bool vmware_fifo);
void qemuvga_hw_set_mode(struct qemuvga_device *qdev, u32 width, u32 height);
void qemuvga_hw_blank(struct qemuvga_device *qdev, bool blank);
void qemuvga_hw_update(struct qemuvga_device *qdev, const struct drm_rect *rects,
		       unsigned int count);
void qemuvga_hw_panic_update(struct qemuvga_device *qdev,
			     const struct drm_rect *rect);
int qemuvga_hw_read_edid(struct qemuvga_device *qdev, u8 *buf, size_t len);
const char *qemuvga_model_name(enum qemuvga_model model);

/* qemuvga_kms.c */
int qemuvga_kms_init(struct qemuvga_device *qdev);
void qemuvga_kms_fini(struct qemuvga_device *qdev);

#endif /* QEMUVGA_DRV_H */
