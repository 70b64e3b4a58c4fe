// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Scanout formats. virtio-gpu names formats by their bytes in memory, DRM
 * by a little-endian 32-bit word, so XRGB8888 (bytes B, G, R, X) is
 * B8G8R8X8. QEMU maps each of these eight onto a pixman format; the
 * mapping below holds for little-endian guests, the only ones we build for.
 * virtio-gpu has no 16-bit or paletted format: RGB565 and C8 framebuffers
 * are converted on the CPU into a B8G8R8X8 shadow (virtgpu_convert.c).
 */
#include "virtgpu_formats.h"

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "virtgpu's format table assumes a little-endian guest"
#endif

static const struct {
	u32 drm;
	u32 virtio;	/* format of the host resource */
	u32 cpp;	/* bytes per pixel of the framebuffer */
} virtgpu_format_map[] = {
	{ DRM_FORMAT_XRGB8888, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4 },
	{ DRM_FORMAT_ARGB8888, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 4 },
	{ DRM_FORMAT_XBGR8888, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 4 },
	{ DRM_FORMAT_ABGR8888, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 4 },
	{ DRM_FORMAT_BGRX8888, VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, 4 },
	{ DRM_FORMAT_BGRA8888, VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, 4 },
	{ DRM_FORMAT_RGBX8888, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, 4 },
	{ DRM_FORMAT_RGBA8888, VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, 4 },
	/* Shown through an XRGB8888 shadow the driver converts into. */
	{ DRM_FORMAT_RGB565, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2 },
	{ DRM_FORMAT_C8, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1 },
};

/* XRGB8888 first: clients that take the first format get the common one. */
const u32 virtgpu_primary_formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
	DRM_FORMAT_BGRX8888, DRM_FORMAT_BGRA8888,
	DRM_FORMAT_RGBX8888, DRM_FORMAT_RGBA8888,
	DRM_FORMAT_RGB565, DRM_FORMAT_C8,
};

const unsigned int virtgpu_num_primary_formats =
	ARRAY_SIZE(virtgpu_primary_formats);

const u32 virtgpu_cursor_formats[] = { DRM_FORMAT_ARGB8888 };

const unsigned int virtgpu_num_cursor_formats =
	ARRAY_SIZE(virtgpu_cursor_formats);

static int virtgpu_format_index(u32 drm_format)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(virtgpu_format_map); i++)
		if (virtgpu_format_map[i].drm == drm_format)
			return i;
	return -1;
}

/*
 * The format of the host resource showing @drm_format; 0 for a format we
 * cannot scan out.
 */
u32 virtgpu_format_to_virtio(u32 drm_format)
{
	int i = virtgpu_format_index(drm_format);

	return i < 0 ? 0 : virtgpu_format_map[i].virtio;
}

/* Bytes per pixel of a framebuffer in @drm_format; 0 if unsupported. */
u32 virtgpu_format_cpp(u32 drm_format)
{
	int i = virtgpu_format_index(drm_format);

	return i < 0 ? 0 : virtgpu_format_map[i].cpp;
}

/* Whether the host sees a converted copy instead of the buffer itself. */
bool virtgpu_format_is_shadowed(u32 drm_format)
{
	u32 cpp = virtgpu_format_cpp(drm_format);

	return cpp && cpp != VIRTGPU_SHADOW_CPP;
}

/*
 * The host copies whole rows of a resource whose width is pitch / cpp, so
 * the pitch must be a whole number of pixels, hold the visible width, and
 * describe a resource the host accepts; every visible byte must lie inside
 * the buffer object. Shadowed formats follow the same rules (the CPU reads
 * their rows). Returns 0 or -EINVAL.
 */
int virtgpu_fb_layout_check(u32 drm_format, u32 width, u32 height, u32 pitch,
			    u32 offset, u64 bo_size)
{
	const u64 cpp = virtgpu_format_cpp(drm_format);
	u64 end;

	if (!cpp)
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
