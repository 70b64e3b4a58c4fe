/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * CPU conversion of 16- and 8-bit framebuffers into the XRGB8888 shadow
 * the host scans out. Pure code (builds in userspace too).
 */
#ifndef VIRTGPU_CONVERT_H
#define VIRTGPU_CONVERT_H

#include "virtgpu_proto.h"
#ifdef __KERNEL__
#include <drm/drm_mode.h>	/* struct drm_color_lut */
#else
#include <drm_mode.h>		/* libdrm's copy of the uapi header */
#endif

/* C8 indices, legacy gamma and GAMMA_LUT entries. */
#define VIRTGPU_PALETTE_SIZE	256

/* A rectangle of a framebuffer, in pixels. */
struct virtgpu_conv_rect {
	u32 x, y, w, h;
};

u8 virtgpu_lut_to_8bit(u16 v);
void virtgpu_palette_grey(u32 *palette);
void virtgpu_palette_from_lut(u32 *palette, const struct drm_color_lut *lut);
void virtgpu_convert_rgb565_row(u32 *dst, const u8 *src, u32 n);
void virtgpu_convert_c8_row(u32 *dst, const u8 *src, u32 n,
			    const u32 *palette);
int virtgpu_convert_rect(u32 drm_format, u32 *dst, u32 dst_width,
			 const u8 *src, u32 src_pitch,
			 const struct virtgpu_conv_rect *r, const u32 *palette);

#endif /* VIRTGPU_CONVERT_H */
