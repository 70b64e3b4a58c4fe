// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * RGB565 and C8 to XRGB8888, for the shadow resources of formats the host
 * lacks. The result is a CPU word 0x00RRGGBB, which on our little-endian
 * guests is the B8G8R8X8 the host resource holds.
 *
 * RGB565 channels widen by bit replication (r8 = r5 << 3 | r5 >> 2), so
 * 0 stays 0 and full scale becomes 255. A C8 index looks its colour up in
 * a 256-entry palette, built from the CRTC's gamma LUT: 16-bit entries are
 * rounded to the nearest 8-bit value, v * 255 / 65535.
 */
#include "virtgpu_convert.h"

#ifdef __KERNEL__
#include <drm/drm_fourcc.h>
#else
#include <drm_fourcc.h>
#endif

u8 virtgpu_lut_to_8bit(u16 v)
{
	return ((u32)v * 255 + 32767) / 65535;
}

/* Without a LUT, index i is grey level i. */
void virtgpu_palette_grey(u32 *palette)
{
	u32 i;

	for (i = 0; i < VIRTGPU_PALETTE_SIZE; i++)
		palette[i] = i << 16 | i << 8 | i;
}

/* @lut has VIRTGPU_PALETTE_SIZE entries (the CRTC's gamma size). */
void virtgpu_palette_from_lut(u32 *palette, const struct drm_color_lut *lut)
{
	u32 i;

	for (i = 0; i < VIRTGPU_PALETTE_SIZE; i++)
		palette[i] = (u32)virtgpu_lut_to_8bit(lut[i].red) << 16 |
			     (u32)virtgpu_lut_to_8bit(lut[i].green) << 8 |
			     virtgpu_lut_to_8bit(lut[i].blue);
}

/* @src is little-endian RGB565 (drm_fourcc.h: [15:0] R:G:B 5:6:5). */
void virtgpu_convert_rgb565_row(u32 *dst, const u8 *src, u32 n)
{
	u32 i, v, r, g, b;

	for (i = 0; i < n; i++) {
		v = src[2 * i] | (u32)src[2 * i + 1] << 8;
		r = v >> 11;
		g = (v >> 5) & 0x3f;
		b = v & 0x1f;
		dst[i] = (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 |
			 (b << 3 | b >> 2);
	}
}

void virtgpu_convert_c8_row(u32 *dst, const u8 *src, u32 n,
			    const u32 *palette)
{
	u32 i;

	for (i = 0; i < n; i++)
		dst[i] = palette[src[i]];
}

/*
 * Convert rectangle @r of a framebuffer whose first pixel is at @src, rows
 * @src_pitch bytes apart, into the same rectangle of a shadow @dst_width
 * pixels wide. The caller has checked @r against both buffers. Returns 0,
 * or -EINVAL for a format that needs no conversion.
 */
int virtgpu_convert_rect(u32 drm_format, u32 *dst, u32 dst_width,
			 const u8 *src, u32 src_pitch,
			 const struct virtgpu_conv_rect *r, const u32 *palette)
{
	size_t d = (size_t)r->y * dst_width + r->x;
	size_t s = (size_t)r->y * src_pitch;
	u32 row;

	if (drm_format != DRM_FORMAT_RGB565 && drm_format != DRM_FORMAT_C8)
		return -EINVAL;
	for (row = 0; row < r->h; row++) {
		if (drm_format == DRM_FORMAT_RGB565)
			virtgpu_convert_rgb565_row(dst + d, src + s + r->x * 2,
						   r->w);
		else
			virtgpu_convert_c8_row(dst + d, src + s + r->x, r->w,
					       palette);
		d += dst_width;
		s += src_pitch;
	}
	return 0;
}
