/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Which display sizes a QEMU VGA-family adapter can scan out. Pure code
 * (builds in userspace too, for the unit tests).
 */
#ifndef QEMUVGA_MODES_H
#define QEMUVGA_MODES_H

#include "virtgpu_proto_env.h"

/* bochs-display shows nothing below 64x64; the others accept it too. */
#define QEMUVGA_MIN_DIM		64
/* Framebuffers live in system memory, so they may be larger than a mode. */
#define QEMUVGA_MAX_FB_DIM	8192
#define QEMUVGA_CPP		4

struct qemuvga_limits {
	u64 vram_size;		/* bytes the adapter can scan out from */
	u32 max_width;
	u32 max_height;
	/* QEMU's VGA core rounds XRES down to a multiple of 8. */
	u32 width_align;
};

enum qemuvga_fit {
	QEMUVGA_FIT_OK,
	QEMUVGA_FIT_TOO_SMALL,
	QEMUVGA_FIT_TOO_WIDE,
	QEMUVGA_FIT_TOO_HIGH,
	QEMUVGA_FIT_WIDTH_ALIGN,
	QEMUVGA_FIT_VRAM,
};

static inline u32 qemuvga_pitch(u32 width)
{
	return width * QEMUVGA_CPP;
}

enum qemuvga_fit qemuvga_mode_fit(const struct qemuvga_limits *l, u32 width,
				  u32 height);

#endif /* QEMUVGA_MODES_H */
