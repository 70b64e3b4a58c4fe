// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Scanout formats. virtio-gpu names formats by their bytes in memory, DRM
 * by a little-endian 32-bit word, so XRGB8888 (bytes B, G, R, X) is
 * B8G8R8X8. QEMU maps each of these eight onto a pixman format; the
 * mapping below holds for little-endian guests, the only ones we build for.
 */
#include "virtgpu_formats.h"

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "virtgpu's format table assumes a little-endian guest"
#endif

static const struct {
	u32 drm;
	u32 virtio;
} virtgpu_format_map[] = {
	{ DRM_FORMAT_XRGB8888, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM },
	{ DRM_FORMAT_ARGB8888, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM },
	{ DRM_FORMAT_XBGR8888, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM },
	{ DRM_FORMAT_ABGR8888, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM },
	{ DRM_FORMAT_BGRX8888, VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM },
	{ DRM_FORMAT_BGRA8888, VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM },
	{ DRM_FORMAT_RGBX8888, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM },
	{ DRM_FORMAT_RGBA8888, VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM },
};

/* XRGB8888 first: clients that take the first format get the common one. */
const u32 virtgpu_primary_formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
	DRM_FORMAT_BGRX8888, DRM_FORMAT_BGRA8888,
	DRM_FORMAT_RGBX8888, DRM_FORMAT_RGBA8888,
};

const unsigned int virtgpu_num_primary_formats =
	ARRAY_SIZE(virtgpu_primary_formats);

const u32 virtgpu_cursor_formats[] = { DRM_FORMAT_ARGB8888 };

const unsigned int virtgpu_num_cursor_formats =
	ARRAY_SIZE(virtgpu_cursor_formats);

/* Returns 0 for a format the device cannot scan out. */
u32 virtgpu_format_to_virtio(u32 drm_format)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(virtgpu_format_map); i++)
		if (virtgpu_format_map[i].drm == drm_format)
			return virtgpu_format_map[i].virtio;
	return 0;
}

/*
 * The host copies whole rows of a resource whose width is pitch / cpp, so
 * the pitch must be a whole number of pixels, hold the visible width, and
 * describe a resource the host accepts; every visible byte must lie inside
 * the buffer object. Returns 0 or -EINVAL.
 */
int virtgpu_fb_layout_check(u32 drm_format, u32 width, u32 height, u32 pitch,
			    u32 offset, u64 bo_size)
{
	const u64 cpp = VIRTGPU_FORMAT_CPP;
	u64 end;

	if (!virtgpu_format_to_virtio(drm_format))
		return -EINVAL;
	if (!width || !height || width > VIRTGPU_MAX_DIM || height > VIRTGPU_MAX_DIM)
		return -EINVAL;
	if (pitch % cpp || pitch < width * cpp || pitch / cpp > VIRTGPU_MAX_DIM)
		return -EINVAL;
	end = (u64)offset + (u64)pitch * (height - 1) + width * cpp;
	if (end > bo_size)
		return -EINVAL;
	return 0;
}
