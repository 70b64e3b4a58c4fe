// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Deterministic robustness test: random responses of random length fed to
 * every decoder, under ASan/UBSan. Purely random bytes would almost never
 * get past the type check, so most inputs get a plausible type and
 * boundary values in the fields the decoders look at.
 */
#include <stdint.h>
#include <stdlib.h>

#include "virtgpu_proto.h"
#include "test.h"

#define ITERATIONS	100000
#define MAX_LEN		1200
#define SEED		0x5eed5eed12345678ULL

static u64 rng;

/* splitmix64: tiny, good enough, and the same on every host */
static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 rnd_below(u32 n)
{
	return (u32)(rnd() % n);
}

/* Mostly values near the limits the decoders check. */
static u32 rnd_field(void)
{
	static const u32 edge[] = {
		0, 1, 2, 127, 128, 129, 256, 1023, 1024, 1025, 16383, 16384,
		16385, 65535, 65536, 65537, 0x7fffffff, 0x80000000, UINT32_MAX - 1,
		UINT32_MAX,
	};

	switch (rnd_below(4)) {
	case 0:
		return edge[rnd_below(sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return rnd_below(20000);
	case 2:
		return rnd_below(2);
	default:
		return (u32)rnd();
	}
}

static void put_field(u8 *buf, size_t len, size_t off, u32 v)
{
	if (off + 4 <= len)
		put_le32(buf, off, v);
}

/* Random bytes, then usually the @expect type and plausible fields. */
static void fill(u8 *buf, size_t len, u32 expect)
{
	static const u8 magic[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)rnd();
	switch (rnd_below(8)) {
	case 0 ... 4:
		put_field(buf, len, 0, expect);
		break;
	case 5:
		put_field(buf, len, 0, VIRTIO_GPU_RESP_ERR_UNSPEC + rnd_below(0x110));
		break;
	case 6:
		put_field(buf, len, 0, VIRTIO_GPU_RESP_OK_NODATA + rnd_below(8));
		break;
	}
	if (rnd_below(4) == 0)
		return;
	switch (expect) {
	case VIRTIO_GPU_RESP_OK_DISPLAY_INFO:
		for (i = 0; i < VIRTGPU_MAX_SCANOUTS; i++) {
			size_t off = 24 + 24 * i;
			bool sane = rnd_below(4);

			put_field(buf, len, off, sane ? rnd_below(8192) : rnd_field());
			put_field(buf, len, off + 4, sane ? rnd_below(8192) : rnd_field());
			put_field(buf, len, off + 8, sane ? 1 + rnd_below(8192) : rnd_field());
			put_field(buf, len, off + 12, sane ? 1 + rnd_below(8192) : rnd_field());
			put_field(buf, len, off + 16, rnd_field());
		}
		break;
	case VIRTIO_GPU_RESP_OK_EDID:
		put_field(buf, len, 24, rnd_below(2) ? 128 * rnd_below(10) : rnd_field());
		if (rnd_below(4) && len >= 40)
			memcpy(buf + 32, magic, sizeof(magic));
		break;
	case VIRTIO_GPU_RESP_OK_CAPSET_INFO:
		put_field(buf, len, 24, rnd_field());
		put_field(buf, len, 32, rnd_field());
		break;
	}
}

static bool ret_allowed(int ret)
{
	return ret == 0 || ret == -EIO || ret == -EPROTO || ret == -ENODATA ||
	       ret == -EINVAL;
}

static void check_outcome(const char *dec, unsigned long iter, size_t len,
			  int ret, bool sane)
{
	if (ret_allowed(ret) && sane)
		return;
	test_ctx("%s, iteration %lu, len %zu, ret %d", dec, iter, len, ret);
	CHECK(ret_allowed(ret));
	CHECK(sane);
}

static bool rect_ok(const struct virtgpu_scanout_info *s)
{
	if (!s->enabled)
		return !s->x && !s->y && !s->width && !s->height;
	return s->width && s->height && s->width <= 16384 &&
	       s->height <= 16384 && s->x <= 16 * 16384 && s->y <= 16 * 16384;
}

/*
 * Each step decodes into locals and frees the buffer before checking, so a
 * failed check leaks nothing.
 */
static bool step_display_info(unsigned long iter, size_t len)
{
	struct virtgpu_scanout_info out[VIRTGPU_MAX_SCANOUTS + 4];
	u32 n = rnd_below(VIRTGPU_MAX_SCANOUTS + 4);
	u8 *buf = malloc(len ? len : 1);
	bool sane = true;
	int ret;
	u32 i;

	CHECK(buf);
	fill(buf, len, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	ret = virtgpu_decode_display_info(buf, len, n, out);
	for (i = 0; !ret && i < n; i++)
		sane &= rect_ok(&out[i]);
	if (ret == -EINVAL || ret == -ENODATA)
		sane &= ret == -EINVAL && n > VIRTGPU_MAX_SCANOUTS;
	free(buf);
	check_outcome("display_info", iter, len, ret, sane);
	return !ret;
}

static bool step_edid(unsigned long iter, size_t len)
{
	u8 *buf = malloc(len ? len : 1);
	const u8 *edid = NULL;
	u32 edid_len = 0;
	bool sane = true;
	int ret;

	CHECK(buf);
	fill(buf, len, VIRTIO_GPU_RESP_OK_EDID);
	ret = virtgpu_decode_edid(buf, len, &edid, &edid_len);
	if (!ret)
		sane = edid == buf + 32 && edid_len && edid_len <= 1024 &&
		       edid_len % 128 == 0 && edid_len <= len - 32 &&
		       edid[0] == 0 && edid[1] == 0xff && edid[7] == 0;
	sane &= ret != -EINVAL;
	free(buf);
	check_outcome("edid", iter, len, ret, sane);
	return !ret;
}

static bool step_capset_info(unsigned long iter, size_t len)
{
	u8 *buf = malloc(len ? len : 1);
	struct virtgpu_capset_info out = { 0 };
	bool sane = true;
	int ret;

	CHECK(buf);
	fill(buf, len, VIRTIO_GPU_RESP_OK_CAPSET_INFO);
	ret = virtgpu_decode_capset_info(buf, len, &out);
	if (!ret)
		sane = out.id && out.max_size && out.max_size <= 65536;
	sane &= ret != -EINVAL && ret != -ENODATA;
	free(buf);
	check_outcome("capset_info", iter, len, ret, sane);
	return !ret;
}

static bool step_capset(unsigned long iter, size_t len)
{
	u32 size = rnd_below(4) ? rnd_below(MAX_LEN) : rnd_field();
	u8 *buf = malloc(len ? len : 1);
	const u8 *data = NULL;
	bool sane = true;
	int ret;

	CHECK(buf);
	fill(buf, len, VIRTIO_GPU_RESP_OK_CAPSET);
	ret = virtgpu_decode_capset(buf, len, size, &data);
	if (!ret)
		sane = data == buf + 24 && len >= 24 && size <= len - 24;
	sane &= ret != -EINVAL && ret != -ENODATA;
	free(buf);
	check_outcome("capset", iter, len, ret, sane);
	return !ret;
}

static bool step_resp_check(unsigned long iter, size_t len)
{
	u32 expect = VIRTIO_GPU_RESP_OK_NODATA + rnd_below(7);
	u8 *buf = malloc(len ? len : 1);
	int ret;

	CHECK(buf);
	fill(buf, len, expect);
	ret = virtgpu_resp_check(buf, len, expect);
	free(buf);
	check_outcome("resp_check", iter, len, ret,
		      ret == 0 || ret == -EIO || ret == -EPROTO);
	return !ret;
}

TEST(random, decoders)
{
	unsigned long i, ok[5] = { 0 };

	rng = SEED;
	for (i = 0; i < ITERATIONS; i++) {
		/* Lengths around the struct sizes matter most; hit them often. */
		size_t len = rnd_below(2) ? rnd_below(MAX_LEN + 1) :
			     (size_t)(rnd_below(2) ? 408 : 1056) - 8 + rnd_below(16);
		ok[0] += step_display_info(i, len);
		ok[1] += step_edid(i, len);
		ok[2] += step_capset_info(i, len);
		ok[3] += step_capset(i, len);
		ok[4] += step_resp_check(i, len);
	}
	/* Otherwise the test would silently only exercise the early exits. */
	test_ctx("successes %lu %lu %lu %lu %lu", ok[0], ok[1], ok[2], ok[3], ok[4]);
	for (i = 0; i < 5; i++)
		CHECK(ok[i] >= 1000);
}
