// SPDX-License-Identifier: GPL-2.0
/*
 * Device-independent half of vgpu-kmstest: pixel formats, the test pattern,
 * the expected image and its PPM file, CVT reduced-blanking timings.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "pattern.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Channel shifts straight from the comments in drm_fourcc.h; virtio-gpu
 * formats (linux/virtio_gpu.h) are named by their bytes in memory.
 */
const struct format_info kms_formats[] = {
	/* [31:0] x:R:G:B 8:8:8:8 little endian */
	{ "XR24", DRM_FORMAT_XRGB8888, false, 16, 8, 0, 24, 2, "B8G8R8X8", 4 },
	{ "AR24", DRM_FORMAT_ARGB8888, true, 16, 8, 0, 24, 1, "B8G8R8A8", 4 },
	/* [31:0] x:B:G:R */
	{ "XB24", DRM_FORMAT_XBGR8888, false, 0, 8, 16, 24, 134, "R8G8B8X8", 4 },
	{ "AB24", DRM_FORMAT_ABGR8888, true, 0, 8, 16, 24, 67, "R8G8B8A8", 4 },
	/* [31:0] B:G:R:x */
	{ "BX24", DRM_FORMAT_BGRX8888, false, 8, 16, 24, 0, 4, "X8R8G8B8", 4 },
	{ "BA24", DRM_FORMAT_BGRA8888, true, 8, 16, 24, 0, 3, "A8R8G8B8", 4 },
	/* [31:0] R:G:B:x */
	{ "RX24", DRM_FORMAT_RGBX8888, false, 24, 16, 8, 0, 68, "X8B8G8R8", 4 },
	{ "RA24", DRM_FORMAT_RGBA8888, true, 24, 16, 8, 0, 121, "A8B8G8R8", 4 },
	/* [15:0] R:G:B 5:6:5 little endian; no virtio twin */
	{ "RG16", DRM_FORMAT_RGB565, false, 11, 5, 0, 0, 0, NULL, 2 },
	/* [7:0] C: an index into the CRTC's gamma LUT */
	{ "C8", DRM_FORMAT_C8, false, 0, 0, 0, 0, 0, NULL, 1 },
};

const size_t kms_num_formats = ARRAY_SIZE(kms_formats);

const struct format_info *format_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < kms_num_formats; i++)
		if (!strcasecmp(kms_formats[i].name, name))
			return &kms_formats[i];
	return NULL;
}

const struct format_info *format_by_fourcc(uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < kms_num_formats; i++)
		if (kms_formats[i].fourcc == fourcc)
			return &kms_formats[i];
	return NULL;
}

void fourcc_str(uint32_t fourcc, char out[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		char c = (fourcc >> (8 * i)) & 0xff;

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[4] = '\0';
}

void encode_pixel(const struct format_info *fmt, uint8_t *dst,
		  struct rgb c, uint8_t a)
{
	uint32_t v = (uint32_t)c.r << fmt->r_shift |
		     (uint32_t)c.g << fmt->g_shift |
		     (uint32_t)c.b << fmt->b_shift |
		     (uint32_t)a << fmt->a_shift;

	/* DRM formats are little endian whatever the CPU is. */
	dst[0] = v;
	dst[1] = v >> 8;
	dst[2] = v >> 16;
	dst[3] = v >> 24;
}

uint8_t widen_bits(uint32_t v, uint32_t bits)
{
	uint32_t out = 0, have = 0;

	/* v's bits, then v's bits again, until eight are there. */
	while (have < 8) {
		out = out << bits | v;
		have += bits;
	}
	return out >> (have - 8);
}

uint8_t c8_index(struct rgb c)
{
	return c.r * 3 + c.g * 5 + c.b * 7;
}

struct rgb store_pixel(const struct format_info *fmt, uint8_t *dst,
		       struct rgb c, uint8_t a, const struct palette *pal)
{
	uint32_t r5 = c.r >> 3, g6 = c.g >> 2, b5 = c.b >> 3, v;

	switch (fmt->cpp) {
	case 2:
		v = r5 << 11 | g6 << 5 | b5;
		dst[0] = v;
		dst[1] = v >> 8;
		return (struct rgb){ widen_bits(r5, 5), widen_bits(g6, 6),
				     widen_bits(b5, 5) };
	case 1:
		dst[0] = c8_index(c);
		return pal->c[dst[0]];
	}
	encode_pixel(fmt, dst, c, a);
	return c;
}

void lut_make(struct lut_entry lut[256], uint32_t seed)
{
	uint32_t i;

	/* Arbitrary 16-bit values: most are not n * 257, so rounding shows. */
	for (i = 0; i < 256; i++) {
		lut[i].red = i * 40503u + seed * 12345u;
		lut[i].green = ((255 - i) * 257) ^ (seed * 0x0f0fu + i * 3);
		lut[i].blue = i * i * 7 + seed * 999u + 0x40;
		lut[i].reserved = 0;
	}
}

/* 16 to 8 bits to the nearest value: v * 255 / 65535 is v / 257. */
static uint8_t lut_8bit(uint16_t v)
{
	return (2u * v + 257) / 514;
}

void palette_from_lut(struct palette *pal, const struct lut_entry lut[256])
{
	int i;

	for (i = 0; i < 256; i++)
		pal->c[i] = (struct rgb){ lut_8bit(lut[i].red),
					  lut_8bit(lut[i].green),
					  lut_8bit(lut[i].blue) };
}

void palette_grey(struct palette *pal)
{
	int i;

	for (i = 0; i < 256; i++)
		pal->c[i] = (struct rgb){ i, i, i };
}

static const struct rgb bars[8] = {
	{ 255, 255, 255 },	/* white */
	{ 255, 255, 0 },	/* yellow */
	{ 0, 255, 255 },	/* cyan */
	{ 0, 255, 0 },		/* green */
	{ 255, 0, 255 },	/* magenta */
	{ 255, 0, 0 },		/* red */
	{ 0, 0, 255 },		/* blue */
	{ 0, 0, 0 },		/* black */
};

struct rgb pattern_rgb(uint32_t x, uint32_t y, uint32_t w, uint32_t h,
		       uint32_t seed)
{
	struct rgb c;

	/* The 1-pixel frame: each edge and each corner its own colour. */
	if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
		if (y == 0 && x == 0)
			return (struct rgb){ 255, 255, 0 };
		if (y == 0 && x == w - 1)
			return (struct rgb){ 255, 0, 255 };
		if (y == h - 1 && x == 0)
			return (struct rgb){ 0, 255, 255 };
		if (y == h - 1 && x == w - 1)
			return (struct rgb){ 255, 128, 0 };
		if (y == 0)
			return (struct rgb){ 255, 0, 0 };
		if (y == h - 1)
			return (struct rgb){ 0, 255, 0 };
		if (x == 0)
			return (struct rgb){ 0, 0, 255 };
		return (struct rgb){ 255, 255, 255 };
	}
	/* A 1-pixel centre cross. */
	if (x == w / 2 || y == h / 2)
		return (struct rgb){ 0, 0, 0 };
	/* Colour bars, their order rotated by the seed. */
	if (y >= h / 3 && y < h / 3 + h / 6)
		return bars[((uint64_t)x * 8 / w + seed + seed / 8) % 8];

	/*
	 * The gradients repeat every 256 pixels; the other coordinate's
	 * 256-pixel block shifts them so that no shift by a multiple of 256
	 * pixels maps the image onto itself.
	 */
	c.r = x + 37 * (y >> 8) + 61 * seed;
	c.g = y + 59 * (x >> 8) + 97 * seed;
	c.b = ((x >> 3) ^ (y >> 3)) * 8 + 0x35 * seed;
	return c;
}

uint8_t pattern_fourth(uint32_t x, uint32_t y, uint32_t seed, bool alpha)
{
	if (alpha)
		return x * 3 + y * 5 + seed * 7;
	return (x * 7) ^ (y * 13) ^ 0x5a;
}

int image_alloc(struct image *img, uint32_t w, uint32_t h)
{
	img->w = w;
	img->h = h;
	img->rgb = calloc((size_t)w * h, 3);
	return img->rgb ? 0 : -ENOMEM;
}

void image_free(struct image *img)
{
	free(img->rgb);
	img->rgb = NULL;
}

void image_set(struct image *img, uint32_t x, uint32_t y, struct rgb c)
{
	uint8_t *p = img->rgb + ((size_t)y * img->w + x) * 3;

	p[0] = c.r;
	p[1] = c.g;
	p[2] = c.b;
}

int image_write_ppm(const struct image *img, const char *path)
{
	size_t n = (size_t)img->w * img->h * 3;
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "wb");
	if (!f)
		return -errno;
	if (fprintf(f, "P6\n%u %u\n255\n", img->w, img->h) < 0 ||
	    fwrite(img->rgb, 1, n, f) != n)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

bool region_has(enum region region, const struct rect *rects, size_t n,
		uint32_t x, uint32_t y)
{
	bool inside = false;
	size_t i;

	if (region == REGION_ALL)
		return true;
	for (i = 0; i < n && !inside; i++)
		inside = x >= rects[i].x && x - rects[i].x < rects[i].w &&
			 y >= rects[i].y && y - rects[i].y < rects[i].h;
	return region == REGION_INSIDE ? inside : !inside;
}

/* CVT 1.2, section 5.4 (reduced blanking, v1), in integer arithmetic. */
#define CVT_RB_MIN_VBLANK_US	460
#define CVT_RB_H_BLANK		160
#define CVT_RB_H_SYNC		32
#define CVT_RB_H_FPORCH		48
#define CVT_RB_V_FPORCH		3
#define CVT_MIN_V_BPORCH	6
#define CVT_CLOCK_STEP_KHZ	250

static uint32_t cvt_vsync_lines(uint32_t w, uint32_t h)
{
	if (h % 3 == 0 && h * 4 / 3 == w)
		return 4;
	if (h % 9 == 0 && h * 16 / 9 == w)
		return 5;
	if (h % 10 == 0 && h * 16 / 10 == w)
		return 6;
	if ((h % 4 == 0 && h * 5 / 4 == w) || (h % 9 == 0 && h * 15 / 9 == w))
		return 7;
	return 10;	/* not a CVT aspect ratio */
}

int cvt_rb_timings(uint32_t w, uint32_t h, uint32_t refresh,
		   struct timings *t)
{
	uint64_t hperiod_ps, vbi, vsync, clock;

	if (w < 8 || h < 8 || w > 8192 || h > 8192 || !refresh ||
	    refresh > 240)
		return -EINVAL;
	vsync = cvt_vsync_lines(w, h);
	/* Estimated line period: the frame minus the blanking, over h lines. */
	hperiod_ps = (1000000000000ull / refresh -
		      CVT_RB_MIN_VBLANK_US * 1000000ull) / h;
	vbi = CVT_RB_MIN_VBLANK_US * 1000000ull / hperiod_ps + 1;
	if (vbi < CVT_RB_V_FPORCH + vsync + CVT_MIN_V_BPORCH)
		vbi = CVT_RB_V_FPORCH + vsync + CVT_MIN_V_BPORCH;

	memset(t, 0, sizeof(*t));
	t->hdisplay = w;
	t->htotal = w + CVT_RB_H_BLANK;
	t->hsync_start = w + CVT_RB_H_FPORCH;
	t->hsync_end = t->hsync_start + CVT_RB_H_SYNC;
	t->vdisplay = h;
	t->vtotal = h + vbi;
	t->vsync_start = h + CVT_RB_V_FPORCH;
	t->vsync_end = t->vsync_start + vsync;
	clock = (uint64_t)refresh * t->htotal * t->vtotal / 1000;
	t->clock = clock - clock % CVT_CLOCK_STEP_KHZ;
	t->vrefresh = ((uint64_t)t->clock * 1000 + t->htotal * t->vtotal / 2) /
		      ((uint64_t)t->htotal * t->vtotal);
	return 0;
}

static int st_passed, st_failed;

/* One line of the self-test: "PASS what" or "FAIL what". */
static __printf(2, 3) void st_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		st_passed++;
	else
		st_failed++;
}

/* The virtio format's name spells the bytes encode_pixel() wrote. */
static void selftest_virtio_name(const struct format_info *f,
				 const uint8_t got[4])
{
	const char *n = f->virtio_name;
	uint8_t want[4];
	bool ok = strlen(n) == 8;
	int i;

	for (i = 0; ok && i < 4; i++) {
		ok = n[2 * i + 1] == '8';
		switch (n[2 * i]) {
		case 'R':
			want[i] = 0x11;
			break;
		case 'G':
			want[i] = 0x22;
			break;
		case 'B':
			want[i] = 0x33;
			break;
		case 'A':
		case 'X':
			want[i] = 0x44;
			ok &= (n[2 * i] == 'A') == f->alpha;
			break;
		default:
			ok = false;
		}
	}
	st_result(ok && !memcmp(got, want, 4), "format %s = virtio %s_UNORM (%u)",
		  f->name, n, f->virtio_format);
}

static void selftest_formats(void)
{
	/*
	 * The bytes in memory of R=0x11 G=0x22 B=0x33 A/X=0x44, written out
	 * by hand from drm_fourcc.h, independently of the shift table.
	 */
	static const struct {
		const char *name;
		uint8_t bytes[4];
	} want[] = {
		{ "XR24", { 0x33, 0x22, 0x11, 0x44 } },
		{ "AR24", { 0x33, 0x22, 0x11, 0x44 } },
		{ "XB24", { 0x11, 0x22, 0x33, 0x44 } },
		{ "AB24", { 0x11, 0x22, 0x33, 0x44 } },
		{ "BX24", { 0x44, 0x11, 0x22, 0x33 } },
		{ "BA24", { 0x44, 0x11, 0x22, 0x33 } },
		{ "RX24", { 0x44, 0x33, 0x22, 0x11 } },
		{ "RA24", { 0x44, 0x33, 0x22, 0x11 } },
	};
	struct rgb c = { 0x11, 0x22, 0x33 };
	size_t i;

	st_result(ARRAY_SIZE(want) + 2 == kms_num_formats,
		  "format table: %zu formats", kms_num_formats);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct format_info *f = format_by_name(want[i].name);
		const uint8_t *b = want[i].bytes;
		uint8_t got[4] = { 0 };
		char name[5] = "?";
		bool alpha;

		if (f) {
			fourcc_str(f->fourcc, name);
			encode_pixel(f, got, c, 0x44);
		}
		alpha = want[i].name[0] == 'A' || want[i].name[1] == 'A';
		st_result(f && !strcmp(name, want[i].name) &&
			  !memcmp(got, b, 4) && f->alpha == alpha,
			  "format %s (fourcc %s%s): bytes %02x %02x %02x %02x, want %02x %02x %02x %02x",
			  want[i].name, name, alpha ? ", alpha" : "",
			  got[0], got[1], got[2], got[3],
			  b[0], b[1], b[2], b[3]);
		if (f)
			selftest_virtio_name(f, got);
	}
}

static void selftest_cvt(void)
{
	/* Published CVT-RB modes (VESA DMT 1024x768R, 1280x800R, ...). */
	static const struct {
		uint32_t w, h, clock, htotal, vtotal, vsync_end;
	} want[] = {
		{ 1024, 768, 56000, 1184, 790, 775 },
		{ 1280, 800, 71000, 1440, 823, 809 },
		{ 1920, 1080, 138500, 2080, 1111, 1088 },
		{ 1920, 1200, 154000, 2080, 1235, 1209 },
	};
	struct timings t;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ret = cvt_rb_timings(want[i].w, want[i].h, 60, &t);
		st_result(!ret && t.clock == want[i].clock &&
			  t.htotal == want[i].htotal &&
			  t.vtotal == want[i].vtotal &&
			  t.vsync_end == want[i].vsync_end && t.vrefresh == 60,
			  "cvt-rb %ux%u@60: %u kHz, htotal %u, vtotal %u, vsync_end %u, %u Hz",
			  want[i].w, want[i].h, t.clock, t.htotal, t.vtotal,
			  t.vsync_end, t.vrefresh);
	}
	ret = cvt_rb_timings(1001, 701, 60, &t);
	st_result(!ret && t.hdisplay == 1001 && t.vdisplay == 701 &&
		  t.vsync_end - t.vsync_start == 10 && t.vrefresh == 60,
		  "cvt-rb 1001x701@60 keeps its size: %u kHz, %u/%u",
		  t.clock, t.htotal, t.vtotal);
	st_result(cvt_rb_timings(0, 768, 60, &t) == -EINVAL,
		  "cvt-rb rejects 0x768");
}

static bool in_bars(uint32_t y, uint32_t h)
{
	return y >= h / 3 && y < h / 3 + h / 6;
}

static void selftest_pattern(void)
{
	uint32_t w = 1001, h = 701, x, y, seed, same;
	struct rgb a, b;

	/* Between two head seeds every channel of every gradient pixel differs. */
	for (seed = 1; seed < 4; seed++) {
		same = 0;
		for (y = 1; y < h - 1; y++) {
			for (x = 1; x < w - 1; x++) {
				if (x == w / 2 || y == h / 2 || in_bars(y, h))
					continue;
				a = pattern_rgb(x, y, w, h, 0);
				b = pattern_rgb(x, y, w, h, seed * 8);
				same += a.r == b.r || a.g == b.g || a.b == b.b;
			}
		}
		st_result(!same, "pattern seeds 0 and %u: %u pixels share a channel value",
			  seed * 8, same);
	}
	/* Neighbouring rows and columns differ: catches off-by-one errors. */
	same = 0;
	for (y = 1; y + 2 < h; y++) {
		if (in_bars(y, h) || in_bars(y + 1, h))
			continue;
		a = pattern_rgb(5, y, w, h, 0);
		b = pattern_rgb(5, y + 1, w, h, 0);
		same += !memcmp(&a, &b, sizeof(a));
		a = pattern_rgb(y % (w - 3) + 1, 20, w, h, 0);
		b = pattern_rgb(y % (w - 3) + 2, 20, w, h, 0);
		same += !memcmp(&a, &b, sizeof(a));
	}
	st_result(!same, "pattern: %u equal neighbours", same);
	/* No shift by 256 pixels maps the gradient onto itself. */
	a = pattern_rgb(100, 100, w, h, 0);
	b = pattern_rgb(356, 100, w, h, 0);
	same = !memcmp(&a, &b, sizeof(a));
	b = pattern_rgb(100, 356, w, h, 0);
	same += !memcmp(&a, &b, sizeof(a));
	st_result(!same, "pattern: not periodic in 256 pixels");
	/* The bars band switches colour with the seed (flip A/B, damage). */
	a = pattern_rgb(1, h / 3, w, h, 0);
	b = pattern_rgb(1, h / 3, w, h, 1);
	st_result(memcmp(&a, &b, sizeof(a)), "pattern: bars rotate with the seed");
}

/* RG16 and C8 against values worked out by hand. */
static void selftest_small_formats(void)
{
	const struct format_info *f16 = format_by_name("RG16");
	const struct format_info *f8 = format_by_name("C8");
	struct lut_entry lut[256];
	struct palette pal;
	uint8_t b[2] = { 0 };
	struct rgb got;

	st_result(f16 && f16->cpp == 2 && f8 && f8->cpp == 1 &&
		  f16->fourcc == DRM_FORMAT_RGB565 && f8->fourcc == DRM_FORMAT_C8,
		  "formats RG16 (cpp 2) and C8 (cpp 1)");
	if (!f16 || !f8)
		return;
	/* 0x12 0x34 0x56 -> r5 2, g6 13, b5 10 -> 0x11aa bytes aa 11. */
	got = store_pixel(f16, b, (struct rgb){ 0x12, 0x34, 0x56 }, 0, NULL);
	st_result(b[0] == 0xaa && b[1] == 0x11 && got.r == 0x10 &&
		  got.g == 0x34 && got.b == 0x52,
		  "RG16 #123456: bytes %02x %02x, shows #%02x%02x%02x, want aa 11, #103452",
		  b[0], b[1], got.r, got.g, got.b);
	got = store_pixel(f16, b, (struct rgb){ 0xff, 0xff, 0xff }, 0, NULL);
	st_result(b[0] == 0xff && b[1] == 0xff && got.r == 0xff && got.g == 0xff &&
		  got.b == 0xff, "RG16 white stays white");
	st_result(widen_bits(1, 5) == 0x08 && widen_bits(16, 5) == 0x84 &&
		  widen_bits(1, 6) == 0x04 && widen_bits(32, 6) == 0x82,
		  "bit replication of 5 and 6 bits");
	lut[0] = (struct lut_entry){ 0, 128, 129, 0 };
	lut[1] = (struct lut_entry){ 0xffff, 0x8080, 0x807f, 0 };
	memset(lut + 2, 0, sizeof(lut) - 2 * sizeof(lut[0]));
	palette_from_lut(&pal, lut);
	st_result(pal.c[0].r == 0 && pal.c[0].g == 0 && pal.c[0].b == 1 &&
		  pal.c[1].r == 255 && pal.c[1].g == 128 && pal.c[1].b == 128,
		  "LUT 16 -> 8 bits rounds to nearest");
	palette_grey(&pal);
	got = store_pixel(f8, b, (struct rgb){ 1, 2, 3 }, 0, &pal);
	st_result(b[0] == 34 && got.r == 34 && got.g == 34 && got.b == 34,
		  "C8 index of #010203 is 3 + 10 + 21 = %u, grey shows it", b[0]);
}

int pattern_selftest(void)
{
	selftest_formats();
	selftest_small_formats();
	selftest_cvt();
	selftest_pattern();
	printf("%d passed, %d failed\n", st_passed, st_failed);
	return st_failed ? 1 : 0;
}
