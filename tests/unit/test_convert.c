// SPDX-License-Identifier: GPL-2.0 OR MIT
/* RGB565 and C8 conversion into the XRGB8888 shadow (drm/virtgpu_convert.c). */
#include "test.h"
#include "virtgpu_convert.h"
#include "virtgpu_formats.h"

/* The 8-bit value of an n-bit one by repeating its bits: the definition. */
static u32 widen(u32 v, u32 bits)
{
	u32 out = 0, i;

	for (i = 0; i < 8; i++)
		out |= ((v >> (bits - 1 - i % bits)) & 1) << (7 - i);
	return out;
}

TEST(convert, rgb565_every_value)
{
	u8 *src = test_alloc(65536 * 2);
	u32 *dst = test_alloc(65536 * 4 + 4);
	u32 v, want;

	for (v = 0; v < 65536; v++) {
		src[2 * v] = v & 0xff;
		src[2 * v + 1] = v >> 8;
	}
	dst[65536] = 0xdeadbeef;
	virtgpu_convert_rgb565_row(dst, src, 65536);
	for (v = 0; v < 65536; v++) {
		want = widen(v >> 11, 5) << 16 | widen((v >> 5) & 63, 6) << 8 |
		       widen(v & 31, 5);
		test_ctx("rgb565 0x%04x", v);
		CHECK_EQ(dst[v], want);
	}
	CHECK_EQ(dst[65536], 0xdeadbeef);	/* nothing past n */
	/* Known points: black, white, pure channels, the lowest steps. */
	CHECK_EQ(dst[0x0000], 0x000000);
	CHECK_EQ(dst[0xffff], 0xffffff);
	CHECK_EQ(dst[0xf800], 0xff0000);
	CHECK_EQ(dst[0x07e0], 0x00ff00);
	CHECK_EQ(dst[0x001f], 0x0000ff);
	CHECK_EQ(dst[0x0801], 0x080008);
	CHECK_EQ(dst[0x0020], 0x000400);
	CHECK_EQ(dst[0x8410], 0x848284);
}

TEST(convert, lut_rounding)
{
	u32 v, k;

	/* Round to nearest of v * 255 / 65535, checked without division. */
	for (v = 0; v < 65536; v++) {
		k = virtgpu_lut_to_8bit(v);
		test_ctx("lut 0x%04x -> %u", v, k);
		CHECK(k <= 255);
		CHECK(2 * v * 255 <= 65535 * (2 * k + 1));
		CHECK(k == 0 || 2 * v * 255 >= 65535 * (2 * k - 1));
	}
	for (k = 0; k < 256; k++)
		CHECK_EQ(virtgpu_lut_to_8bit(k * 257), k);
	CHECK_EQ(virtgpu_lut_to_8bit(128), 0);
	CHECK_EQ(virtgpu_lut_to_8bit(129), 1);
}

TEST(convert, palettes)
{
	struct drm_color_lut *lut = test_alloc(256 * sizeof(*lut));
	u32 *pal = test_alloc(256 * 4);
	u32 i;

	virtgpu_palette_grey(pal);
	for (i = 0; i < 256; i++)
		CHECK_EQ(pal[i], i * 0x010101);
	for (i = 0; i < 256; i++) {
		lut[i].red = i * 257;
		lut[i].green = 0xffff - i * 257;
		lut[i].blue = i == 7 ? 0x1234 : 0;
		lut[i].reserved = 0xffff;	/* ignored */
	}
	virtgpu_palette_from_lut(pal, lut);
	for (i = 0; i < 256; i++) {
		test_ctx("entry %u", i);
		CHECK_EQ(pal[i], i << 16 | (255 - i) << 8 | (i == 7 ? 0x12 : 0));
	}
}

TEST(convert, c8_row)
{
	u32 *pal = test_alloc(256 * 4), *dst = test_alloc(257 * 4);
	u8 *src = test_alloc(256);
	u32 i;

	for (i = 0; i < 256; i++) {
		pal[i] = 0x10000 * (255 - i) + i;
		src[i] = 255 - i;
	}
	dst[256] = 0x55;
	virtgpu_convert_c8_row(dst, src, 256, pal);
	for (i = 0; i < 256; i++)
		CHECK_EQ(dst[i], pal[255 - i]);
	CHECK_EQ(dst[256], 0x55);
}

/* A rectangle lands at the same place in the shadow; nothing else changes. */
static void check_rect(u32 format, u32 cpp)
{
	const u32 w = 13, h = 9, pitch = w * cpp + 5, dw = 17;
	const struct virtgpu_conv_rect r = { 3, 2, 7, 5 };
	u8 *src = test_alloc(pitch * h);
	u32 *dst = test_alloc(dw * h * 4), *pal = test_alloc(256 * 4);
	u32 x, y, want;

	for (x = 0; x < 256; x++)
		pal[x] = x * 0x030201;
	for (x = 0; x < pitch * h; x++)
		src[x] = x * 7 + 1;
	for (x = 0; x < dw * h; x++)
		dst[x] = 0xcafe;
	CHECK_EQ(virtgpu_convert_rect(format, dst, dw, src, pitch, &r, pal), 0);
	for (y = 0; y < h; y++) {
		for (x = 0; x < dw; x++) {
			const u8 *p = src + y * pitch + x * cpp;
			u32 v;

			test_ctx("cpp %u x %u y %u", cpp, x, y);
			if (x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + r.h) {
				want = 0xcafe;
			} else if (cpp == 1) {
				want = pal[p[0]];
			} else {
				v = p[0] | p[1] << 8;
				want = widen(v >> 11, 5) << 16 |
				       widen((v >> 5) & 63, 6) << 8 |
				       widen(v & 31, 5);
			}
			CHECK_EQ(dst[y * dw + x], want);
		}
	}
}

TEST(convert, rect)
{
	const struct virtgpu_conv_rect r = { 0, 0, 1, 1 };
	u32 dst = 0;
	u8 src[4] = { 0 };

	check_rect(DRM_FORMAT_RGB565, 2);
	check_rect(DRM_FORMAT_C8, 1);
	CHECK_EQ(virtgpu_convert_rect(DRM_FORMAT_XRGB8888, &dst, 1, src, 4, &r,
				      NULL), -EINVAL);
	CHECK_EQ(dst, 0);
}
