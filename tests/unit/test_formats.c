// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Scanout format mapping and framebuffer layout rules (drm/virtgpu_formats.c). */
#include "test.h"
#include "virtgpu_formats.h"

/*
 * Expected mapping, from the byte order each name describes: DRM formats
 * are little-endian words, virtio formats list bytes in memory order.
 */
TEST(formats, primary_mapping)
{
	static const struct { u32 drm, virtio; } want[] = {
		{ DRM_FORMAT_XRGB8888, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM },
		{ DRM_FORMAT_ARGB8888, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM },
		{ DRM_FORMAT_XBGR8888, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM },
		{ DRM_FORMAT_ABGR8888, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM },
		{ DRM_FORMAT_BGRX8888, VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM },
		{ DRM_FORMAT_BGRA8888, VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM },
		{ DRM_FORMAT_RGBX8888, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM },
		{ DRM_FORMAT_RGBA8888, VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM },
	};
	unsigned int i;

	CHECK_EQ(virtgpu_num_primary_formats, 10);
	CHECK_EQ(virtgpu_primary_formats[0], DRM_FORMAT_XRGB8888);
	for (i = 0; i < 8; i++) {
		test_ctx("format %u", i);
		CHECK_EQ(virtgpu_format_to_virtio(want[i].drm), want[i].virtio);
		CHECK_EQ(virtgpu_format_cpp(want[i].drm), 4);
		CHECK_EQ(virtgpu_format_is_shadowed(want[i].drm), 0);
	}
	for (i = 0; i < virtgpu_num_primary_formats; i++) {
		test_ctx("primary format %u", i);
		CHECK_EQ(virtgpu_format_to_virtio(virtgpu_primary_formats[i]) != 0, 1);
	}
	CHECK_EQ(virtgpu_num_cursor_formats, 1);
	CHECK_EQ(virtgpu_cursor_formats[0], DRM_FORMAT_ARGB8888);
}

/* No 16-bit or paletted host format: an XRGB8888 shadow shows them. */
TEST(formats, shadowed)
{
	CHECK_EQ(virtgpu_format_to_virtio(DRM_FORMAT_RGB565),
		 VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
	CHECK_EQ(virtgpu_format_to_virtio(DRM_FORMAT_C8),
		 VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
	CHECK_EQ(virtgpu_format_cpp(DRM_FORMAT_RGB565), 2);
	CHECK_EQ(virtgpu_format_cpp(DRM_FORMAT_C8), 1);
	CHECK_EQ(virtgpu_format_is_shadowed(DRM_FORMAT_RGB565), 1);
	CHECK_EQ(virtgpu_format_is_shadowed(DRM_FORMAT_C8), 1);
	CHECK_EQ(virtgpu_format_is_shadowed(DRM_FORMAT_BGR565), 0);
	CHECK_EQ(virtgpu_format_cpp(DRM_FORMAT_BGR565), 0);
}

TEST(formats, unsupported)
{
	static const u32 bad[] = {
		DRM_FORMAT_BGR565, DRM_FORMAT_RGB888, DRM_FORMAT_XRGB2101010,
		DRM_FORMAT_NV12, DRM_FORMAT_R8, DRM_FORMAT_XRGB16161616F, 0,
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_ctx("format %u", i);
		CHECK_EQ(virtgpu_format_to_virtio(bad[i]), 0);
		CHECK_EQ(virtgpu_fb_layout_check(bad[i], 64, 64, 256, 0, 1 << 20),
			 -EINVAL);
	}
}

TEST(fb_layout, accepted)
{
	/* Exact fit, wider pitch, an offset, a 1x1 buffer, the largest. */
	CHECK_EQ(virtgpu_fb_layout_check(DRM_FORMAT_XRGB8888, 1024, 768, 4096, 0,
					 4096 * 768), 0);
	CHECK_EQ(virtgpu_fb_layout_check(DRM_FORMAT_XRGB8888, 1001, 701, 4096, 0,
					 4096 * 700 + 4004), 0);
	CHECK_EQ(virtgpu_fb_layout_check(DRM_FORMAT_ABGR8888, 64, 64, 256, 512,
					 512 + 256 * 64), 0);
	CHECK_EQ(virtgpu_fb_layout_check(DRM_FORMAT_XRGB8888, 1, 1, 4, 0, 4), 0);
	CHECK_EQ(virtgpu_fb_layout_check(DRM_FORMAT_XRGB8888, 16384, 16384, 65536, 0,
					 65536ULL * 16384), 0);
}

TEST(fb_layout, rejected)
{
	const u32 f = DRM_FORMAT_XRGB8888;

	CHECK_EQ(virtgpu_fb_layout_check(f, 0, 768, 4096, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 0, 4096, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 16385, 1, 65540, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 1, 16385, 4, 0, 1 << 24), -EINVAL);
	/* Pitch: too small, not whole pixels, zero, wider than the host allows. */
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 768, 4092, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 768, 4098, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 768, 0, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 1, 65540, 0, 1 << 24), -EINVAL);
	/* Object one byte too small; an offset pushing past the end. */
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 768, 4096, 0, 4096 * 768 - 1),
		 -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f, 64, 64, 256, 4, 256 * 64), -EINVAL);
	/* 32-bit overflow of offset + pitch * height must not wrap to "fits". */
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 16384, 65536, 0xfffff000u,
					 1ULL << 32), -EINVAL);
	/* IGT kms_addfb_basic bad-pitch-65536: legal pitch, object too small. */
	CHECK_EQ(virtgpu_fb_layout_check(f, 1024, 1024, 65536, 0, 4096 * 1024),
		 -EINVAL);
}

/* 16- and 8-bit framebuffers: the same rules in their own pixel size. */
TEST(fb_layout, small_formats)
{
	const u32 f16 = DRM_FORMAT_RGB565, f8 = DRM_FORMAT_C8;

	/* IGT kms_addfb_basic size-max, too-wide, too-high (4 MiB object). */
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1024, 2048, 2048, 0, 4 << 20), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f8, 2048, 2048, 2048, 0, 4 << 20), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1025, 2048, 2048, 0, 4 << 20), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f8, 2049, 2048, 2048, 0, 4 << 20), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1024, 2049, 2048, 0, 4 << 20), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f8, 2048, 2049, 2048, 0, 4 << 20), -EINVAL);
	/* Odd sizes: any 8-bit pitch is whole pixels, an odd 16-bit one not. */
	CHECK_EQ(virtgpu_fb_layout_check(f8, 1001, 701, 1001, 0, 1001 * 701), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1001, 701, 2002, 0, 2002 * 701), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1001, 701, 2003, 0, 1 << 24), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 1001, 701, 2000, 0, 1 << 24), -EINVAL);
	/* Exact end, one byte short, an offset, the largest pitch. */
	CHECK_EQ(virtgpu_fb_layout_check(f16, 64, 64, 128, 6, 6 + 128 * 64), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 64, 64, 128, 6, 5 + 128 * 64), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f8, 16, 1, 16384, 0, 16384), 0);
	CHECK_EQ(virtgpu_fb_layout_check(f8, 16, 1, 16385, 0, 1 << 20), -EINVAL);
	CHECK_EQ(virtgpu_fb_layout_check(f16, 16, 1, 32770, 0, 1 << 20), -EINVAL);
}
