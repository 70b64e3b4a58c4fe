/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Scanout formats and framebuffer layout rules. Pure code (builds in
 * userspace too): DRM fourcc <-> virtio-gpu format, and the checks a
 * framebuffer must pass before the host can scan it out.
 */
#ifndef VIRTGPU_FORMATS_H
#define VIRTGPU_FORMATS_H

#include "virtgpu_proto.h"
#ifdef __KERNEL__
#include <drm/drm_fourcc.h>
#else
#include <drm_fourcc.h>		/* libdrm's copy of the uapi header */
#endif

/*
 * Host resources are 32 bits per pixel; 16- and 8-bit framebuffers (one
 * plane, like all we take) are converted into a shadow of that size.
 */
#define VIRTGPU_SHADOW_CPP	4

extern const u32 virtgpu_primary_formats[];
extern const unsigned int virtgpu_num_primary_formats;
extern const u32 virtgpu_cursor_formats[];
extern const unsigned int virtgpu_num_cursor_formats;

u32 virtgpu_format_to_virtio(u32 drm_format);
u32 virtgpu_format_cpp(u32 drm_format);
bool virtgpu_format_is_shadowed(u32 drm_format);
int virtgpu_fb_layout_check(u32 drm_format, u32 width, u32 height, u32 pitch,
			    u32 offset, u64 bo_size);

#endif /* VIRTGPU_FORMATS_H */
