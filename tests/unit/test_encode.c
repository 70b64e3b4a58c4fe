// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Command encoders: exact wire bytes, zeroed padding, buffer bounds and
 * argument validation. Buffers start out as 0xAA so that any byte the
 * encoder forgot to write shows up.
 */
#include <stdint.h>

#include "virtgpu_proto.h"
#include "test.h"

#define DIRTY	0xAA
#define SLACK	32

/* Wire sizes from the specification, independent of the uapi structs. */
_Static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "hdr");
_Static_assert(sizeof(struct virtio_gpu_cmd_get_edid) == 32, "get_edid");
_Static_assert(sizeof(struct virtio_gpu_get_capset_info) == 32, "capset_info");
_Static_assert(sizeof(struct virtio_gpu_get_capset) == 32, "get_capset");
_Static_assert(sizeof(struct virtio_gpu_resource_create_2d) == 40, "create_2d");
_Static_assert(sizeof(struct virtio_gpu_resource_unref) == 32, "unref");
_Static_assert(sizeof(struct virtio_gpu_resource_attach_backing) == 32, "attach");
_Static_assert(sizeof(struct virtio_gpu_resource_detach_backing) == 32, "detach");
_Static_assert(sizeof(struct virtio_gpu_mem_entry) == 16, "mem_entry");
_Static_assert(sizeof(struct virtio_gpu_set_scanout) == 48, "set_scanout");
_Static_assert(sizeof(struct virtio_gpu_resource_flush) == 48, "flush");
_Static_assert(sizeof(struct virtio_gpu_transfer_to_host_2d) == 56, "transfer");
_Static_assert(sizeof(struct virtio_gpu_update_cursor) == 56, "cursor");

/* A valid call of every encoder, for the checks they all share. */
struct enc_case {
	const char *name;
	u32 type;
	size_t len;
	int (*enc)(void *buf, size_t size);
};

static int enc_display_info(void *b, size_t s)
{
	return virtgpu_encode_get_display_info(b, s);
}

static int enc_edid(void *b, size_t s)
{
	return virtgpu_encode_get_edid(b, s, 1);
}

static int enc_capset_info(void *b, size_t s)
{
	return virtgpu_encode_get_capset_info(b, s, 1);
}

static int enc_capset(void *b, size_t s)
{
	return virtgpu_encode_get_capset(b, s, 1, 1);
}

static int enc_create_2d(void *b, size_t s)
{
	return virtgpu_encode_resource_create_2d(b, s, 1,
						 VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
						 64, 64);
}

static int enc_unref(void *b, size_t s)
{
	return virtgpu_encode_resource_unref(b, s, 1);
}

static int enc_attach(void *b, size_t s)
{
	return virtgpu_encode_attach_backing(b, s, 1, 1);
}

static int enc_detach(void *b, size_t s)
{
	return virtgpu_encode_detach_backing(b, s, 1);
}

static int enc_set_scanout(void *b, size_t s)
{
	return virtgpu_encode_set_scanout(b, s, 0, 1, 0, 0, 64, 64);
}

static int enc_flush(void *b, size_t s)
{
	return virtgpu_encode_resource_flush(b, s, 1, 0, 0, 64, 64);
}

static int enc_transfer(void *b, size_t s)
{
	return virtgpu_encode_transfer_to_host_2d(b, s, 1, 0, 0, 0, 64, 64);
}

static int enc_update_cursor(void *b, size_t s)
{
	return virtgpu_encode_update_cursor(b, s, 0, 1, 0, 0, 0, 0);
}

static int enc_move_cursor(void *b, size_t s)
{
	return virtgpu_encode_move_cursor(b, s, 0, 0, 0, 0);
}

static const struct enc_case enc_cases[] = {
	{ "get_display_info", VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
	  sizeof(struct virtio_gpu_ctrl_hdr), enc_display_info },
	{ "get_edid", VIRTIO_GPU_CMD_GET_EDID,
	  sizeof(struct virtio_gpu_cmd_get_edid), enc_edid },
	{ "get_capset_info", VIRTIO_GPU_CMD_GET_CAPSET_INFO,
	  sizeof(struct virtio_gpu_get_capset_info), enc_capset_info },
	{ "get_capset", VIRTIO_GPU_CMD_GET_CAPSET,
	  sizeof(struct virtio_gpu_get_capset), enc_capset },
	{ "resource_create_2d", VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
	  sizeof(struct virtio_gpu_resource_create_2d), enc_create_2d },
	{ "resource_unref", VIRTIO_GPU_CMD_RESOURCE_UNREF,
	  sizeof(struct virtio_gpu_resource_unref), enc_unref },
	{ "attach_backing", VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
	  sizeof(struct virtio_gpu_resource_attach_backing), enc_attach },
	{ "detach_backing", VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
	  sizeof(struct virtio_gpu_resource_detach_backing), enc_detach },
	{ "set_scanout", VIRTIO_GPU_CMD_SET_SCANOUT,
	  sizeof(struct virtio_gpu_set_scanout), enc_set_scanout },
	{ "resource_flush", VIRTIO_GPU_CMD_RESOURCE_FLUSH,
	  sizeof(struct virtio_gpu_resource_flush), enc_flush },
	{ "transfer_to_host_2d", VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
	  sizeof(struct virtio_gpu_transfer_to_host_2d), enc_transfer },
	{ "update_cursor", VIRTIO_GPU_CMD_UPDATE_CURSOR,
	  sizeof(struct virtio_gpu_update_cursor), enc_update_cursor },
	{ "move_cursor", VIRTIO_GPU_CMD_MOVE_CURSOR,
	  sizeof(struct virtio_gpu_update_cursor), enc_move_cursor },
};


/* Heap buffer of exactly @len dirty bytes: ASan catches any write past it. */
static u8 *dirty_buf(size_t len)
{
	u8 *buf = test_alloc(len);

	memset(buf, DIRTY, len);
	return buf;
}

/* Encode with a valid call into an exact-size buffer and compare bytes. */
#define CHECK_ENCODES(call, want)						\
	do {									\
		u8 *_buf = dirty_buf(sizeof(want));				\
		CHECK_EQ(call(_buf, sizeof(want)), (int)sizeof(want));		\
		CHECK_MEM(_buf, want, sizeof(want));				\
	} while (0)

/* @call, given a large dirty buffer, must return @err and write nothing. */
#define CHECK_REJECTS(err, call, ...)						\
	do {									\
		u8 _buf[64 + SLACK];						\
		memset(_buf, DIRTY, sizeof(_buf));				\
		CHECK_EQ(call(_buf, sizeof(_buf), __VA_ARGS__), err);		\
		CHECK_FILL(_buf, DIRTY, sizeof(_buf));				\
	} while (0)

TEST(encode, common_type_length_and_header)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(enc_cases); i++) {
		const struct enc_case *c = &enc_cases[i];
		u8 *exact = dirty_buf(c->len);
		u8 big[64 + SLACK];
		u32 type;

		test_ctx("%s", c->name);
		CHECK_EQ(c->enc(exact, c->len), (int)c->len);
		type = exact[0] | exact[1] << 8 | exact[2] << 16 | (u32)exact[3] << 24;
		CHECK_EQ(type, c->type);
		/* flags, fence_id, ctx_id, ring_idx and padding */
		CHECK_FILL(exact + 4, 0, 20);

		/* A larger buffer gets the same bytes and nothing beyond. */
		memset(big, DIRTY, sizeof(big));
		CHECK_EQ(c->enc(big, sizeof(big)), (int)c->len);
		CHECK_MEM(big, exact, c->len);
		CHECK_FILL(big + c->len, DIRTY, sizeof(big) - c->len);
	}
}

TEST(encode, common_enospc_writes_nothing)
{
	size_t i, size;

	for (i = 0; i < ARRAY_SIZE(enc_cases); i++) {
		const struct enc_case *c = &enc_cases[i];
		u8 buf[64 + SLACK];

		for (size = 0; size < c->len; size++) {
			test_ctx("%s, size %zu", c->name, size);
			memset(buf, DIRTY, sizeof(buf));
			CHECK_EQ(c->enc(buf, size), -ENOSPC);
			/* canary: the bytes after @size too */
			CHECK_FILL(buf, DIRTY, sizeof(buf));
		}
		test_ctx("%s, NULL buffer", c->name);
		CHECK(c->enc(NULL, c->len) < 0);
	}
}

TEST(encode, get_display_info_bytes)
{
	static const u8 want[24] = {
		0x00, 0x01, 0x00, 0x00,	/* type 0x0100 */
	};

	CHECK_ENCODES(virtgpu_encode_get_display_info, want);
}

static int edid_scanout3(void *b, size_t s)
{
	return virtgpu_encode_get_edid(b, s, 3);
}

TEST(encode, get_edid_bytes)
{
	static const u8 want[32] = {
		0x0a, 0x01, 0x00, 0x00,	0, 0, 0, 0,	/* type 0x010a, flags */
		0, 0, 0, 0, 0, 0, 0, 0,			/* fence_id */
		0, 0, 0, 0, 0, 0, 0, 0,			/* ctx_id, ring_idx, pad */
		0x03, 0x00, 0x00, 0x00,			/* scanout */
		0x00, 0x00, 0x00, 0x00,			/* padding */
	};

	CHECK_ENCODES(edid_scanout3, want);
}

TEST(encode, get_edid_invalid)
{
	u8 buf[32];

	CHECK_EQ(virtgpu_encode_get_edid(buf, sizeof(buf), 15), 32);
	CHECK_EQ(buf[24], 15);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_get_edid, 16);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_get_edid, UINT32_MAX);
}

static int capset_info_idx(void *b, size_t s)
{
	return virtgpu_encode_get_capset_info(b, s, 0x3f);
}

TEST(encode, get_capset_info)
{
	u8 want[32] = { 0 };

	put_le32(want, 0, VIRTIO_GPU_CMD_GET_CAPSET_INFO);
	put_le32(want, 24, 0x3f);
	CHECK_ENCODES(capset_info_idx, want);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_get_capset_info, 64);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_get_capset_info, UINT32_MAX);
}

static int capset_id_ver(void *b, size_t s)
{
	return virtgpu_encode_get_capset(b, s, 0x01020304, 0x0a0b0c0d);
}

TEST(encode, get_capset)
{
	u8 want[32] = { 0 };

	put_le32(want, 0, VIRTIO_GPU_CMD_GET_CAPSET);
	put_le32(want, 24, 0x01020304);
	put_le32(want, 28, 0x0a0b0c0d);
	CHECK_ENCODES(capset_id_ver, want);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_get_capset, 0, 1);
}

static int create_2d_case(void *b, size_t s)
{
	return virtgpu_encode_resource_create_2d(b, s, 0x01020304,
						 VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM,
						 0x0506, 0x0708);
}

TEST(encode, resource_create_2d)
{
	static const u32 formats[] = { 1, 2, 3, 4, 67, 68, 121, 134 };
	u8 want[40] = { 0 };
	u8 buf[40];
	size_t i;

	put_le32(want, 0, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	put_le32(want, 24, 0x01020304);
	put_le32(want, 28, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM);
	put_le32(want, 32, 0x0506);
	put_le32(want, 36, 0x0708);
	CHECK_ENCODES(create_2d_case, want);

	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		test_ctx("format %u", formats[i]);
		CHECK_EQ(virtgpu_encode_resource_create_2d(buf, sizeof(buf), 1,
							   formats[i], 1, 1), 40);
		CHECK_EQ(buf[28], formats[i]);
	}
	test_ctx("limits");
	CHECK_EQ(virtgpu_encode_resource_create_2d(buf, sizeof(buf), UINT32_MAX, 1,
						   16384, 16384), 40);
}

TEST(encode, resource_create_2d_invalid)
{
	static const u32 bad_formats[] = {
		0, 5, 66, 69, 120, 122, 133, 135, UINT32_MAX,
	};
	size_t i;

	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 0, 1, 64, 64);
	for (i = 0; i < ARRAY_SIZE(bad_formats); i++) {
		test_ctx("format %u", bad_formats[i]);
		CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1,
			      bad_formats[i], 64, 64);
	}
	test_ctx("size");
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1, 1, 0, 64);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1, 1, 64, 0);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1, 1, 16385, 64);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1, 1, 64, 16385);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_create_2d, 1, 1,
		      UINT32_MAX, UINT32_MAX);
}

static int unref_case(void *b, size_t s)
{
	return virtgpu_encode_resource_unref(b, s, 0x01020304);
}

static int detach_case(void *b, size_t s)
{
	return virtgpu_encode_detach_backing(b, s, 0x01020304);
}

static int attach_case(void *b, size_t s)
{
	return virtgpu_encode_attach_backing(b, s, 0x01020304, 0x0a0b0c0d);
}

TEST(encode, resource_unref_detach_attach)
{
	u8 want[32] = { 0 };

	put_le32(want, 0, VIRTIO_GPU_CMD_RESOURCE_UNREF);
	put_le32(want, 24, 0x01020304);
	CHECK_ENCODES(unref_case, want);

	put_le32(want, 0, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING);
	CHECK_ENCODES(detach_case, want);

	put_le32(want, 0, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	put_le32(want, 28, 0x0a0b0c0d);
	CHECK_ENCODES(attach_case, want);

	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_unref, 0);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_detach_backing, 0);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_attach_backing, 0, 1);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_attach_backing, 1, 0);
}

TEST(encode, mem_entry)
{
	u8 want[3 * 16];
	u8 *buf = dirty_buf(sizeof(want));

	/* Only entry 1 is written; its neighbours keep their old bytes. */
	memset(want, DIRTY, sizeof(want));
	put_le64(want, 16, 0x1122334455667788ULL);
	put_le32(want, 24, 0x01020304);
	put_le32(want, 28, 0);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, sizeof(want), 1,
					  0x1122334455667788ULL, 0x01020304), 16);
	CHECK_MEM(buf, want, sizeof(want));

	/* The last entry that fits, in an exact-size buffer. */
	put_le64(want, 32, UINT64_MAX);
	put_le32(want, 40, UINT32_MAX);
	put_le32(want, 44, 0);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, sizeof(want), 2, UINT64_MAX,
					  UINT32_MAX), 16);
	CHECK_MEM(buf, want, sizeof(want));
}

TEST(encode, mem_entry_invalid)
{
	u8 buf[3 * 16 + SLACK];

	memset(buf, DIRTY, sizeof(buf));
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 48, 0, 0x1000, 0), -EINVAL);
	CHECK_EQ(virtgpu_encode_mem_entry(NULL, 48, 0, 0x1000, 4096), -EINVAL);
	/* Index beyond the array: reported as a too-small buffer. */
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 48, 3, 0x1000, 4096), -ENOSPC);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 47, 2, 0x1000, 4096), -ENOSPC);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 15, 0, 0x1000, 4096), -ENOSPC);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 0, 0, 0x1000, 4096), -ENOSPC);
	/* index * 16 wraps in 32 bits: the bound must not be computed that way */
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 48, UINT32_MAX, 0x1000, 4096),
		 -ENOSPC);
	CHECK_EQ(virtgpu_encode_mem_entry(buf, 48, 0x10000000, 0x1000, 4096),
		 -ENOSPC);
	CHECK_FILL(buf, DIRTY, sizeof(buf));
}

/* Rectangles every rect-taking encoder must refuse. */
static const struct { u32 x, y, w, h; } bad_rects[] = {
	{ 0, 0, 0, 1 },
	{ 0, 0, 1, 0 },
	{ 0, 0, 16385, 1 },
	{ 0, 0, 1, 16385 },
	{ 16384, 0, 1, 1 },
	{ 0, 16384, 1, 1 },
	{ 1, 0, 16384, 1 },
	{ 0, 1, 1, 16384 },
	{ 16383, 0, 2, 1 },
	{ UINT32_MAX, 0, 1, 1 },
	{ 0, UINT32_MAX, 1, 1 },
	/* x + w or y + h wrap around to a small value */
	{ 1, 0, UINT32_MAX, 1 },
	{ 0, 1, 1, UINT32_MAX },
	{ 0x80000000, 0, 0x80000000, 1 },
	{ 0, 0x80000000, 1, 0x80000000 },
	{ 16000, 0, UINT32_MAX - 15999, 1 },
	{ 0, 16000, 1, UINT32_MAX - 15999 },
	{ UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX },
};

static const struct { u32 x, y, w, h; } good_rects[] = {
	{ 0, 0, 1, 1 },
	{ 0, 0, 16384, 16384 },
	{ 16383, 16383, 1, 1 },
	{ 8192, 100, 8192, 16284 },
};

static int set_scanout_case(void *b, size_t s)
{
	return virtgpu_encode_set_scanout(b, s, 5, 0x0a0b0c0d,
					  0x0102, 0x0304, 0x0506, 0x0708);
}

TEST(encode, set_scanout_bytes)
{
	static const u8 want[48] = {
		0x03, 0x01, 0x00, 0x00, 0, 0, 0, 0,	/* type 0x0103, flags */
		0, 0, 0, 0, 0, 0, 0, 0,			/* fence_id */
		0, 0, 0, 0, 0, 0, 0, 0,			/* ctx_id, ring_idx, pad */
		0x02, 0x01, 0x00, 0x00,			/* r.x */
		0x04, 0x03, 0x00, 0x00,			/* r.y */
		0x06, 0x05, 0x00, 0x00,			/* r.width */
		0x08, 0x07, 0x00, 0x00,			/* r.height */
		0x05, 0x00, 0x00, 0x00,			/* scanout_id */
		0x0d, 0x0c, 0x0b, 0x0a,			/* resource_id */
	};

	CHECK_ENCODES(set_scanout_case, want);
}

TEST(encode, set_scanout_rects)
{
	u8 buf[48];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good_rects); i++) {
		test_ctx("good rect %zu", i);
		CHECK_EQ(virtgpu_encode_set_scanout(buf, sizeof(buf), 15, 1,
						    good_rects[i].x, good_rects[i].y,
						    good_rects[i].w, good_rects[i].h),
			 48);
	}
	for (i = 0; i < ARRAY_SIZE(bad_rects); i++) {
		test_ctx("bad rect %zu", i);
		CHECK_REJECTS(-EINVAL, virtgpu_encode_set_scanout, 0, 1,
			      bad_rects[i].x, bad_rects[i].y,
			      bad_rects[i].w, bad_rects[i].h);
	}
	test_ctx("scanout");
	CHECK_REJECTS(-EINVAL, virtgpu_encode_set_scanout, 16, 1, 0, 0, 64, 64);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_set_scanout, UINT32_MAX, 1,
		      0, 0, 64, 64);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_set_scanout, 16, 0, 0, 0, 0, 0);
}

/* Resource 0 disables the scanout: any rectangle, written as zeroes. */
TEST(encode, set_scanout_disable)
{
	u8 want[48] = { 0 };
	size_t i;

	put_le32(want, 0, VIRTIO_GPU_CMD_SET_SCANOUT);
	put_le32(want, 40, 7);
	for (i = 0; i < ARRAY_SIZE(bad_rects) + ARRAY_SIZE(good_rects); i++) {
		u8 *buf = dirty_buf(sizeof(want));
		u32 x, y, w, h;

		if (i < ARRAY_SIZE(bad_rects)) {
			x = bad_rects[i].x, y = bad_rects[i].y;
			w = bad_rects[i].w, h = bad_rects[i].h;
		} else {
			size_t j = i - ARRAY_SIZE(bad_rects);

			x = good_rects[j].x, y = good_rects[j].y;
			w = good_rects[j].w, h = good_rects[j].h;
		}
		test_ctx("rect %u,%u %ux%u", x, y, w, h);
		CHECK_EQ(virtgpu_encode_set_scanout(buf, sizeof(want), 7, 0,
						    x, y, w, h), 48);
		CHECK_MEM(buf, want, sizeof(want));
	}
}

static int flush_case(void *b, size_t s)
{
	return virtgpu_encode_resource_flush(b, s, 0x0a0b0c0d,
					     0x0102, 0x0304, 0x0506, 0x0708);
}

TEST(encode, resource_flush)
{
	u8 want[48] = { 0 };
	u8 buf[48];
	size_t i;

	put_le32(want, 0, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	put_le32(want, 24, 0x0102);
	put_le32(want, 28, 0x0304);
	put_le32(want, 32, 0x0506);
	put_le32(want, 36, 0x0708);
	put_le32(want, 40, 0x0a0b0c0d);
	CHECK_ENCODES(flush_case, want);

	for (i = 0; i < ARRAY_SIZE(good_rects); i++) {
		test_ctx("good rect %zu", i);
		CHECK_EQ(virtgpu_encode_resource_flush(buf, sizeof(buf), 1,
						       good_rects[i].x, good_rects[i].y,
						       good_rects[i].w, good_rects[i].h),
			 48);
	}
	for (i = 0; i < ARRAY_SIZE(bad_rects); i++) {
		test_ctx("bad rect %zu", i);
		CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_flush, 1,
			      bad_rects[i].x, bad_rects[i].y,
			      bad_rects[i].w, bad_rects[i].h);
	}
	test_ctx("res_id 0");
	CHECK_REJECTS(-EINVAL, virtgpu_encode_resource_flush, 0, 0, 0, 64, 64);
}

static int transfer_case(void *b, size_t s)
{
	return virtgpu_encode_transfer_to_host_2d(b, s, 0x0a0b0c0d,
						  0x1122334455667788ULL,
						  1, 2, 0x0300, 0x0400);
}

TEST(encode, transfer_to_host_2d)
{
	static const u8 want[56] = {
		0x05, 0x01, 0x00, 0x00, 0, 0, 0, 0,	/* type 0x0105, flags */
		0, 0, 0, 0, 0, 0, 0, 0,			/* fence_id */
		0, 0, 0, 0, 0, 0, 0, 0,			/* ctx_id, ring_idx, pad */
		0x01, 0x00, 0x00, 0x00,			/* r.x */
		0x02, 0x00, 0x00, 0x00,			/* r.y */
		0x00, 0x03, 0x00, 0x00,			/* r.width */
		0x00, 0x04, 0x00, 0x00,			/* r.height */
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* offset */
		0x0d, 0x0c, 0x0b, 0x0a,			/* resource_id */
		0x00, 0x00, 0x00, 0x00,			/* padding */
	};
	u8 buf[56];
	size_t i;

	CHECK_ENCODES(transfer_case, want);

	for (i = 0; i < ARRAY_SIZE(good_rects); i++) {
		test_ctx("good rect %zu", i);
		CHECK_EQ(virtgpu_encode_transfer_to_host_2d(buf, sizeof(buf), 1,
							    UINT64_MAX,
							    good_rects[i].x,
							    good_rects[i].y,
							    good_rects[i].w,
							    good_rects[i].h), 56);
	}
	for (i = 0; i < ARRAY_SIZE(bad_rects); i++) {
		test_ctx("bad rect %zu", i);
		CHECK_REJECTS(-EINVAL, virtgpu_encode_transfer_to_host_2d, 1, 0,
			      bad_rects[i].x, bad_rects[i].y,
			      bad_rects[i].w, bad_rects[i].h);
	}
	test_ctx("res_id 0");
	CHECK_REJECTS(-EINVAL, virtgpu_encode_transfer_to_host_2d, 0, 0,
		      0, 0, 64, 64);
}

static int update_cursor_case(void *b, size_t s)
{
	return virtgpu_encode_update_cursor(b, s, 2, 0x0a0b0c0d, 0x01020304,
					    0x05060708, 0x11, 0x22);
}

TEST(encode, update_cursor)
{
	static const u8 want[56] = {
		0x00, 0x03, 0x00, 0x00, 0, 0, 0, 0,	/* type 0x0300, flags */
		0, 0, 0, 0, 0, 0, 0, 0,			/* fence_id */
		0, 0, 0, 0, 0, 0, 0, 0,			/* ctx_id, ring_idx, pad */
		0x02, 0x00, 0x00, 0x00,			/* pos.scanout_id */
		0x04, 0x03, 0x02, 0x01,			/* pos.x */
		0x08, 0x07, 0x06, 0x05,			/* pos.y */
		0x00, 0x00, 0x00, 0x00,			/* pos.padding */
		0x0d, 0x0c, 0x0b, 0x0a,			/* resource_id */
		0x11, 0x00, 0x00, 0x00,			/* hot_x */
		0x22, 0x00, 0x00, 0x00,			/* hot_y */
		0x00, 0x00, 0x00, 0x00,			/* padding */
	};

	CHECK_ENCODES(update_cursor_case, want);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_update_cursor, 16, 1, 0, 0, 0, 0);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_update_cursor, UINT32_MAX, 0,
		      0, 0, 0, 0);
}

static int hide_cursor_case(void *b, size_t s)
{
	return virtgpu_encode_update_cursor(b, s, 15, 0, 10, 20, 3, 4);
}

/* Resource 0 hides the cursor and is a valid request. */
TEST(encode, update_cursor_hide)
{
	u8 want[56] = { 0 };

	put_le32(want, 0, VIRTIO_GPU_CMD_UPDATE_CURSOR);
	put_le32(want, 24, 15);
	put_le32(want, 28, 10);
	put_le32(want, 32, 20);
	put_le32(want, 44, 3);
	put_le32(want, 48, 4);
	CHECK_ENCODES(hide_cursor_case, want);
}

static int move_cursor_case(void *b, size_t s)
{
	return virtgpu_encode_move_cursor(b, s, 15, 0x0a0b0c0d, 0x01020304,
					  0x05060708);
}

TEST(encode, move_cursor)
{
	u8 want[56] = { 0 };

	/*
	 * Same struct as UPDATE_CURSOR. The resource must be the cursor's
	 * (QEMU hides a cursor moved with resource 0); the hotspot stays zero.
	 */
	put_le32(want, 0, VIRTIO_GPU_CMD_MOVE_CURSOR);
	put_le32(want, 24, 15);
	put_le32(want, 28, 0x01020304);
	put_le32(want, 32, 0x05060708);
	put_le32(want, 40, 0x0a0b0c0d);
	CHECK_ENCODES(move_cursor_case, want);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_move_cursor, 16, 1, 0, 0);
	CHECK_REJECTS(-EINVAL, virtgpu_encode_move_cursor, UINT32_MAX, 1, 0, 0);
}
