// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Response validation and decoding. Responses live in heap buffers of
 * exactly the received length, so ASan catches any read past what the host
 * actually wrote.
 */
#include <stdint.h>

#include "virtgpu_proto.h"
#include "test.h"


#define SENTINEL 0x5A

/* Offsets into the responses, from the specification. */
#define DI_PMODE(i)	(24 + 24 * (i))
#define EDID_SIZE	24
#define EDID_DATA	32

/* A @len byte response of @type; the rest zeroed. */
static u8 *resp_new(size_t len, u32 type)
{
	u8 *r = test_alloc(len);

	if (len >= 4)
		put_le32(r, 0, type);
	return r;
}

/* Copy @len bytes of @src into an exact-size heap buffer. */
static u8 *resp_trunc(const u8 *src, size_t len)
{
	u8 *r = test_alloc(len);

	memcpy(r, src, len);
	return r;
}

static const struct { u32 type; size_t min; } ok_types[] = {
	{ VIRTIO_GPU_RESP_OK_NODATA, 24 },
	{ VIRTIO_GPU_RESP_OK_DISPLAY_INFO, 408 },
	{ VIRTIO_GPU_RESP_OK_CAPSET_INFO, 40 },
	{ VIRTIO_GPU_RESP_OK_CAPSET, 24 },
	{ VIRTIO_GPU_RESP_OK_EDID, 32 },
	{ VIRTIO_GPU_RESP_OK_RESOURCE_UUID, 40 },
	{ VIRTIO_GPU_RESP_OK_MAP_INFO, 32 },
};

TEST(resp_check, null_and_short)
{
	size_t len;

	CHECK_EQ(virtgpu_resp_check(NULL, 0, VIRTIO_GPU_RESP_OK_NODATA), -EPROTO);
	CHECK_EQ(virtgpu_resp_check(NULL, 24, VIRTIO_GPU_RESP_OK_NODATA), -EPROTO);
	for (len = 0; len < 24; len++) {
		/* even an error type is unreadable without a whole header */
		u8 *ok = resp_new(len, VIRTIO_GPU_RESP_OK_NODATA);
		u8 *err = resp_new(len, VIRTIO_GPU_RESP_ERR_UNSPEC);

		test_ctx("len %zu", len);
		CHECK_EQ(virtgpu_resp_check(ok, len, VIRTIO_GPU_RESP_OK_NODATA),
			 -EPROTO);
		CHECK_EQ(virtgpu_resp_check(err, len, VIRTIO_GPU_RESP_OK_NODATA),
			 -EPROTO);
	}
}

TEST(resp_check, error_types)
{
	static const u32 errs[] = {
		0x1200, 0x1201, 0x1202, 0x1203, 0x1204, 0x1205, 0x1206, 0x1280,
		0x12ff,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		u8 *r = resp_new(24, errs[i]);

		/* An error is a bare header, whatever response was expected. */
		for (j = 0; j < ARRAY_SIZE(ok_types); j++) {
			test_ctx("type 0x%x, expecting 0x%x", errs[i],
				 ok_types[j].type);
			CHECK_EQ(virtgpu_resp_check(r, 24, ok_types[j].type), -EIO);
		}
		CHECK(virtgpu_resp_is_error(errs[i]));
	}
}

TEST(resp_check, wrong_type)
{
	static const u32 others[] = {
		0, 0x0100, 0x0300, 0x10ff, 0x1107, 0x11ff, 0x1300, UINT32_MAX,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(ok_types); i++) {
		/* big enough for any type: only the type can be wrong */
		u8 *r = resp_new(1100, ok_types[i].type);

		for (j = 0; j < ARRAY_SIZE(ok_types); j++) {
			test_ctx("type 0x%x, expecting 0x%x", ok_types[i].type,
				 ok_types[j].type);
			CHECK_EQ(virtgpu_resp_check(r, 1100, ok_types[j].type),
				 i == j ? 0 : -EPROTO);
		}
	}
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		u8 *r = resp_new(1100, others[i]);

		test_ctx("type 0x%x", others[i]);
		CHECK_EQ(virtgpu_resp_check(r, 1100, VIRTIO_GPU_RESP_OK_NODATA),
			 -EPROTO);
		CHECK(!virtgpu_resp_is_error(others[i]));
	}
}

TEST(resp_check, minimum_length)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok_types); i++) {
		u32 type = ok_types[i].type;
		size_t min = ok_types[i].min;
		u8 *exact = resp_new(min, type);

		test_ctx("type 0x%x", type);
		CHECK_EQ(virtgpu_resp_min_len(type), min);
		CHECK_EQ(virtgpu_resp_check(exact, min, type), 0);
		if (min > 24) {
			u8 *shorter = resp_new(min - 1, type);

			CHECK_EQ(virtgpu_resp_check(shorter, min - 1, type), -EPROTO);
		}
	}
}

/* Scanout @i: enabled at (x, y) with size w x h, flags 0xf0 + i. */
static void di_set(u8 *r, u32 i, u32 enabled, u32 x, u32 y, u32 w, u32 h)
{
	put_le32(r, DI_PMODE(i), x);
	put_le32(r, DI_PMODE(i) + 4, y);
	put_le32(r, DI_PMODE(i) + 8, w);
	put_le32(r, DI_PMODE(i) + 12, h);
	put_le32(r, DI_PMODE(i) + 16, enabled);
	put_le32(r, DI_PMODE(i) + 20, 0xf0 + i);
}

static u8 *di_new(void)
{
	return resp_new(sizeof(struct virtio_gpu_resp_display_info),
			VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

static void di_check_one(const struct virtgpu_scanout_info *o, bool enabled,
			 u32 x, u32 y, u32 w, u32 h, u32 flags)
{
	CHECK_EQ(o->enabled, enabled);
	CHECK_EQ(o->x, x);
	CHECK_EQ(o->y, y);
	CHECK_EQ(o->width, w);
	CHECK_EQ(o->height, h);
	CHECK_EQ(o->flags, flags);
}

TEST(display_info, scanouts_1_4_16)
{
	static const u32 counts[] = { 1, 4, 16 };
	struct virtgpu_scanout_info out[16];
	size_t c;
	u32 i;

	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		u32 n = counts[c];
		u8 *r = di_new();

		/* side by side, 1024 wide, every other one disabled */
		for (i = 0; i < n; i++)
			di_set(r, i, !(i & 1), 1024 * i, 16 * i, 1024, 768 - i);
		memset(out, SENTINEL, sizeof(out));
		test_ctx("%u scanouts", n);
		CHECK_EQ(virtgpu_decode_display_info(r, 408, n, out), 0);
		for (i = 0; i < n; i++) {
			test_ctx("%u scanouts, scanout %u", n, i);
			if (i & 1)
				di_check_one(&out[i], false, 0, 0, 0, 0, 0xf0 + i);
			else
				di_check_one(&out[i], true, 1024 * i, 16 * i, 1024,
					     768 - i, 0xf0 + i);
		}
		CHECK_FILL(&out[n], SENTINEL, sizeof(out) - n * sizeof(out[0]));
	}
}

TEST(display_info, limits)
{
	struct virtgpu_scanout_info out[16];
	u8 *r = di_new();

	di_set(r, 0, 1, 0, 0, 16384, 16384);
	di_set(r, 1, 1, 16383, 16383, 1, 1);
	di_set(r, 2, 0xffffffff, 8192, 0, 8192, 1);	/* any non-zero enables */
	di_set(r, 3, 1, 15000, 0, 1920, 1080);		/* heads side by side */
	di_set(r, 4, 1, 262144, 262144, 16384, 16384);
	CHECK_EQ(virtgpu_decode_display_info(r, 408, 5, out), 0);
	di_check_one(&out[3], true, 15000, 0, 1920, 1080, 0xf3);
	di_check_one(&out[4], true, 262144, 262144, 16384, 16384, 0xf4);
	di_check_one(&out[0], true, 0, 0, 16384, 16384, 0xf0);
	di_check_one(&out[1], true, 16383, 16383, 1, 1, 0xf1);
	di_check_one(&out[2], true, 8192, 0, 8192, 1, 0xf2);

	/* No scanouts: nothing to write, out may even be NULL. */
	CHECK_EQ(virtgpu_decode_display_info(r, 408, 0, NULL), 0);
}

TEST(display_info, too_many_scanouts)
{
	struct virtgpu_scanout_info out[17];
	u8 *r = di_new();

	memset(out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_display_info(r, 408, 17, out), -EINVAL);
	CHECK_EQ(virtgpu_decode_display_info(r, 408, UINT32_MAX, out), -EINVAL);
	CHECK_FILL(out, SENTINEL, sizeof(out));
}

TEST(display_info, truncated_and_error)
{
	struct virtgpu_scanout_info out[16];
	u8 *full = di_new();
	u8 *err = resp_new(408, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);

	di_set(full, 0, 1, 0, 0, 640, 480);
	memset(out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_display_info(resp_trunc(full, 407), 407, 1, out),
		 -EPROTO);
	CHECK_EQ(virtgpu_decode_display_info(resp_trunc(full, 24), 24, 1, out),
		 -EPROTO);
	CHECK_EQ(virtgpu_decode_display_info(err, 408, 1, out), -EIO);
	CHECK_EQ(virtgpu_decode_display_info(NULL, 0, 1, out), -EPROTO);
	CHECK_FILL(out, SENTINEL, sizeof(out));
}

/* One bad enabled scanout rejects the whole response, out untouched. */
TEST(display_info, bad_enabled_scanout)
{
	static const struct { u32 x, y, w, h; } bad[] = {
		{ 0, 0, 0, 768 },
		{ 0, 0, 1024, 0 },
		{ 0, 0, 16385, 768 },
		{ 0, 0, 1024, 16385 },
		{ 262145, 0, 1024, 768 },		/* beyond 16 heads of 16384 */
		{ 0, 262145, 1024, 768 },
		{ 1, 0, UINT32_MAX, 768 },		/* x + w wraps to 0 */
		{ 0x80000000, 0, 0x80000000, 768 },
		{ 0, 1, 1024, UINT32_MAX },
		{ UINT32_MAX, UINT32_MAX, 1024, 768 },
	};
	struct virtgpu_scanout_info out[16];
	size_t i;
	u32 at;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (at = 0; at < 16; at += 15) {
			u8 *r = di_new();
			u32 j;

			for (j = 0; j < 16; j++)
				di_set(r, j, 1, 0, 0, 1024, 768);
			di_set(r, at, 1, bad[i].x, bad[i].y, bad[i].w, bad[i].h);
			memset(out, SENTINEL, sizeof(out));
			test_ctx("rect %zu at scanout %u", i, at);
			CHECK_EQ(virtgpu_decode_display_info(r, 408, 16, out),
				 -EPROTO);
			CHECK_FILL(out, SENTINEL, sizeof(out));
		}
	}
}

TEST(display_info, disabled_garbage_zeroed)
{
	struct virtgpu_scanout_info out[2];
	u8 *r = di_new();

	di_set(r, 0, 0, UINT32_MAX, 0x80000000, 0, UINT32_MAX);
	di_set(r, 1, 0, 1, 2, 3, 4);
	memset(out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_display_info(r, 408, 2, out), 0);
	di_check_one(&out[0], false, 0, 0, 0, 0, 0xf0);
	di_check_one(&out[1], false, 0, 0, 0, 0, 0xf1);
}

TEST(display_info, beyond_num_scanouts_ignored)
{
	struct virtgpu_scanout_info out[16];
	u8 *r = di_new();
	u32 i;

	di_set(r, 0, 1, 0, 0, 800, 600);
	di_set(r, 1, 0, 0, 0, 0, 0);
	for (i = 2; i < 16; i++)
		di_set(r, i, 1, UINT32_MAX, UINT32_MAX, 0, 0);
	memset(out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_display_info(r, 408, 2, out), 0);
	di_check_one(&out[0], true, 0, 0, 800, 600, 0xf0);
	di_check_one(&out[1], false, 0, 0, 0, 0, 0xf1);
	CHECK_FILL(&out[2], SENTINEL, sizeof(out) - 2 * sizeof(out[0]));
}

/* A full-size EDID response carrying @size bytes of a valid-looking EDID. */
static u8 *edid_new(u32 size)
{
	static const u8 magic[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	u8 *r = resp_new(sizeof(struct virtio_gpu_resp_edid),
			 VIRTIO_GPU_RESP_OK_EDID);
	u32 i;

	put_le32(r, EDID_SIZE, size);
	memcpy(r + EDID_DATA, magic, sizeof(magic));
	for (i = 8; i < 1024; i++)
		r[EDID_DATA + i] = (u8)i;
	return r;
}

TEST(edid, valid)
{
	static const u32 sizes[] = { 128, 256, 384, 1024 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *full = edid_new(sizes[i]);
		/* as much as the host wrote: the whole struct, or just the EDID */
		u8 *exact = resp_trunc(full, EDID_DATA + sizes[i]);
		const u8 *edid = NULL;
		u32 len = 0;

		test_ctx("size %u", sizes[i]);
		CHECK_EQ(virtgpu_decode_edid(full, 1056, &edid, &len), 0);
		CHECK(edid == full + EDID_DATA);
		CHECK_EQ(len, sizes[i]);

		edid = NULL;
		len = 0;
		CHECK_EQ(virtgpu_decode_edid(exact, EDID_DATA + sizes[i], &edid,
					     &len), 0);
		CHECK(edid == exact + EDID_DATA);
		CHECK_EQ(len, sizes[i]);
		CHECK_MEM(edid, full + EDID_DATA, len);
	}
}

TEST(edid, no_data)
{
	u8 *r = edid_new(0);
	const u8 *edid = NULL;
	u32 len = 7;

	CHECK_EQ(virtgpu_decode_edid(r, 1056, &edid, &len), -ENODATA);
	/* a bare size field, no EDID bytes at all */
	CHECK_EQ(virtgpu_decode_edid(resp_trunc(r, 32), 32, &edid, &len), -ENODATA);
	CHECK(!edid);
	CHECK_EQ(len, 7);
}

/* Outputs must not change on failure. */
static void edid_expect(const u8 *r, size_t rlen, int err)
{
	const u8 *edid = NULL;
	u32 len = 7;

	CHECK_EQ(virtgpu_decode_edid(r, rlen, &edid, &len), err);
	CHECK(!edid);
	CHECK_EQ(len, 7);
}

TEST(edid, bad_size)
{
	static const u32 sizes[] = {
		1, 8, 64, 127, 129, 200, 255, 1000, 1025, 1152, 2048,
		0x80000000, UINT32_MAX,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		test_ctx("size %u", sizes[i]);
		edid_expect(edid_new(sizes[i]), 1056, -EPROTO);
	}
}

TEST(edid, truncated)
{
	u8 *r = edid_new(256);

	/* claims 256 bytes, the host wrote fewer */
	edid_expect(resp_trunc(r, EDID_DATA + 255), EDID_DATA + 255, -EPROTO);
	edid_expect(resp_trunc(r, EDID_DATA + 128), EDID_DATA + 128, -EPROTO);
	edid_expect(resp_trunc(r, EDID_DATA), EDID_DATA, -EPROTO);
	/* not even the size field */
	edid_expect(resp_trunc(r, EDID_DATA - 1), EDID_DATA - 1, -EPROTO);
	edid_expect(resp_trunc(r, 24), 24, -EPROTO);
	edid_expect(NULL, 0, -EPROTO);
}

TEST(edid, bad_magic)
{
	u32 i;

	for (i = 0; i < 8; i++) {
		u8 *r = edid_new(128);

		r[EDID_DATA + i] ^= 0x01;
		test_ctx("byte %u", i);
		edid_expect(r, 1056, -EPROTO);
	}
}

TEST(edid, error_response)
{
	u8 *r = edid_new(128);

	put_le32(r, 0, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
	edid_expect(r, 1056, -EIO);
	edid_expect(resp_trunc(r, 24), 24, -EIO);
	put_le32(r, 0, VIRTIO_GPU_RESP_OK_NODATA);
	edid_expect(r, 1056, -EPROTO);
}

static u8 *capset_info_new(u32 id, u32 version, u32 size)
{
	u8 *r = resp_new(sizeof(struct virtio_gpu_resp_capset_info),
			 VIRTIO_GPU_RESP_OK_CAPSET_INFO);

	put_le32(r, 24, id);
	put_le32(r, 28, version);
	put_le32(r, 32, size);
	put_le32(r, 36, 0xdeadbeef);	/* padding: ignored */
	return r;
}

TEST(capset_info, valid)
{
	struct virtgpu_capset_info out;

	memset(&out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_capset_info(capset_info_new(2, 0x01020304, 0x1000),
					    40, &out), 0);
	CHECK_EQ(out.id, 2);
	CHECK_EQ(out.max_version, 0x01020304);
	CHECK_EQ(out.max_size, 0x1000);

	CHECK_EQ(virtgpu_decode_capset_info(capset_info_new(UINT32_MAX, 0, 65536),
					    40, &out), 0);
	CHECK_EQ(out.id, UINT32_MAX);
	CHECK_EQ(out.max_version, 0);
	CHECK_EQ(out.max_size, 65536);

	CHECK_EQ(virtgpu_decode_capset_info(capset_info_new(1, 1, 1), 40, &out), 0);
	CHECK_EQ(out.max_size, 1);
}

static void capset_info_expect(const u8 *r, size_t len, int err)
{
	struct virtgpu_capset_info out;

	memset(&out, SENTINEL, sizeof(out));
	CHECK_EQ(virtgpu_decode_capset_info(r, len, &out), err);
	CHECK_FILL(&out, SENTINEL, sizeof(out));
}

TEST(capset_info, invalid)
{
	u8 *r;

	capset_info_expect(capset_info_new(0, 1, 0x1000), 40, -EPROTO);
	capset_info_expect(capset_info_new(1, 1, 0), 40, -EPROTO);
	capset_info_expect(capset_info_new(1, 1, 65537), 40, -EPROTO);
	capset_info_expect(capset_info_new(1, 1, UINT32_MAX), 40, -EPROTO);

	r = capset_info_new(1, 1, 0x1000);
	capset_info_expect(resp_trunc(r, 39), 39, -EPROTO);
	capset_info_expect(resp_trunc(r, 24), 24, -EPROTO);
	capset_info_expect(NULL, 0, -EPROTO);

	put_le32(r, 0, VIRTIO_GPU_RESP_ERR_UNSPEC);
	capset_info_expect(r, 40, -EIO);
	put_le32(r, 0, VIRTIO_GPU_RESP_OK_CAPSET);
	capset_info_expect(r, 40, -EPROTO);
}

TEST(capset, valid)
{
	u8 *r = resp_new(24 + 100, VIRTIO_GPU_RESP_OK_CAPSET);
	const u8 *data = NULL;

	CHECK_EQ(virtgpu_decode_capset(r, 124, 100, &data), 0);
	CHECK(data == r + 24);

	/* the host may send more than the capset's size */
	data = NULL;
	CHECK_EQ(virtgpu_decode_capset(r, 124, 99, &data), 0);
	CHECK(data == r + 24);

	data = NULL;
	r = resp_new(24, VIRTIO_GPU_RESP_OK_CAPSET);
	CHECK_EQ(virtgpu_decode_capset(r, 24, 0, &data), 0);
	CHECK(data == r + 24);
}

static void capset_expect(const u8 *r, size_t len, u32 size, int err)
{
	const u8 *data = NULL;

	CHECK_EQ(virtgpu_decode_capset(r, len, size, &data), err);
	CHECK(!data);
}

TEST(capset, invalid)
{
	u8 *r = resp_new(24 + 100, VIRTIO_GPU_RESP_OK_CAPSET);

	capset_expect(r, 124, 101, -EPROTO);
	capset_expect(r, 124, UINT32_MAX, -EPROTO);
	capset_expect(resp_trunc(r, 24), 24, 1, -EPROTO);
	capset_expect(resp_trunc(r, 23), 23, 0, -EPROTO);
	capset_expect(NULL, 0, 0, -EPROTO);

	put_le32(r, 0, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
	capset_expect(r, 124, 100, -EIO);
	put_le32(r, 0, VIRTIO_GPU_RESP_OK_CAPSET_INFO);
	capset_expect(r, 124, 100, -EPROTO);
}
