/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device-independent half of vgpu-kmstest: pixel formats, the test pattern,
 * the expected image and its PPM file, CVT reduced-blanking timings.
 */
#ifndef KMSTEST_PATTERN_H
#define KMSTEST_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's attribute shorthands, for checkpatch-clean userspace code. */
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

struct rgb {
	uint8_t r, g, b;
};

struct rect {
	uint32_t x, y, w, h;
};

/*
 * A 32-bit DRM format: the shift of each channel inside the little-endian
 * 32-bit word that drm_fourcc.h defines ("[31:0] x:R:G:B" and so on).
 * The fourth byte is alpha for the A formats and ignored (X) otherwise.
 * RGB565 (RG16) and C8 have cpp 2 and 1 and no virtio twin.
 */
struct format_info {
	const char *name;	/* its fourcc as text, e.g. "XR24" */
	uint32_t fourcc;
	bool alpha;
	uint8_t r_shift, g_shift, b_shift, a_shift;
	/* The virtio-gpu format with the same bytes in memory (name: byte order). */
	uint32_t virtio_format;
	const char *virtio_name;
	uint32_t cpp;
};

/* 256 colours: what a C8 index shows, from the CRTC's gamma LUT. */
struct palette {
	struct rgb c[256];
};

/* One GAMMA_LUT entry, as struct drm_color_lut. */
struct lut_entry {
	uint16_t red, green, blue, reserved;
};

extern const struct format_info kms_formats[];
extern const size_t kms_num_formats;

const struct format_info *format_by_name(const char *name);
const struct format_info *format_by_fourcc(uint32_t fourcc);
void fourcc_str(uint32_t fourcc, char out[5]);

/* Store one pixel at @dst in @fmt's byte order; @a is alpha or the X byte. */
void encode_pixel(const struct format_info *fmt, uint8_t *dst,
		  struct rgb c, uint8_t a);

/*
 * Store pattern colour @c at @dst in any format and return what the screen
 * must show: @c for 32-bit formats, @c cut to 5:6:5 and widened again by
 * repeating its bits for RG16, the palette colour of c8_index(@c) for C8.
 */
struct rgb store_pixel(const struct format_info *fmt, uint8_t *dst,
		       struct rgb c, uint8_t a, const struct palette *pal);
uint8_t c8_index(struct rgb c);
/* An 8-bit channel from the top @bits bits of @v, bits repeated. */
uint8_t widen_bits(uint32_t v, uint32_t bits);

/* GAMMA_LUT @seed (arbitrary 16-bit values) and the palette it gives. */
void lut_make(struct lut_entry lut[256], uint32_t seed);
void palette_from_lut(struct palette *pal, const struct lut_entry lut[256]);
/* Without a LUT: index i is grey i. */
void palette_grey(struct palette *pal);

/*
 * The test pattern of a @w x @h image for @seed: per-channel gradients
 * (R follows x, G follows y, B an 8x8 xor pattern), a band of eight colour
 * bars, a 1-pixel frame with distinct corners and a 1-pixel centre cross.
 * Every channel differs between any two seeds below 256.
 */
struct rgb pattern_rgb(uint32_t x, uint32_t y, uint32_t w, uint32_t h,
		       uint32_t seed);
/* The fourth byte: varying alpha for A formats, varying junk for X ones. */
uint8_t pattern_fourth(uint32_t x, uint32_t y, uint32_t seed, bool alpha);

/* An RGB image: what the screen should show. */
struct image {
	uint32_t w, h;
	uint8_t *rgb;		/* w * h * 3 bytes */
};

int image_alloc(struct image *img, uint32_t w, uint32_t h);
void image_free(struct image *img);
void image_set(struct image *img, uint32_t x, uint32_t y, struct rgb c);
/* Write a binary PPM (P6) to @path through a temporary file and rename. */
int image_write_ppm(const struct image *img, const char *path);

/* Which pixels of a w x h area a paint operation touches. */
enum region {
	REGION_ALL,
	REGION_INSIDE,		/* inside any of the rectangles */
	REGION_OUTSIDE,		/* inside none of them */
};

bool region_has(enum region region, const struct rect *rects, size_t n,
		uint32_t x, uint32_t y);

/* Mode timings, the same fields as struct drm_mode_modeinfo. */
struct timings {
	uint32_t clock;		/* kHz */
	uint16_t hdisplay, hsync_start, hsync_end, htotal;
	uint16_t vdisplay, vsync_start, vsync_end, vtotal;
	uint32_t vrefresh;
};

/*
 * CVT 1.2 reduced blanking (v1) timings for exactly @w x @h at @refresh Hz.
 * Unlike drm_cvt_mode() the width is not rounded to the 8-pixel cell: the
 * test wants odd sizes such as 1001x701. Returns -EINVAL on a bad size.
 */
int cvt_rb_timings(uint32_t w, uint32_t h, uint32_t refresh,
		   struct timings *t);

/* Host-only checks of the encoders, the pattern and CVT; 0 if all pass. */
int pattern_selftest(void);

#endif
