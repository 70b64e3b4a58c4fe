// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The 3D encoders: contexts, 3D resources, transfers, command streams, and
 * fenced headers. Exact wire bytes (little-endian fields written out by
 * hand, not through the uapi structs), zeroed padding, -ENOSPC without a
 * write, argument checks.
 */
#include <stdint.h>

#include "virtgpu_proto.h"
#include "test.h"

#define DIRTY	0xAA

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

static u8 *dirty(size_t len)
{
	u8 *b = test_alloc(len);

	memset(b, DIRTY, len);
	return b;
}

/* A header: type at 0, ctx_id at 16, all else zero. */
static void hdr(u8 *w, u32 type, u32 ctx_id)
{
	put32(w, type);
	put32(w + 16, ctx_id);
}

TEST(encode3d, ctx_create)
{
	u8 want[96] = { 0 }, *b = dirty(96);

	hdr(want, VIRTIO_GPU_CMD_CTX_CREATE, 7);
	put32(want + 24, 5);		/* nlen */
	put32(want + 28, 4);		/* context_init: the capset id */
	memcpy(want + 32, "mesa!", 5);
	CHECK_EQ(virtgpu_encode_ctx_create(b, 96, 7, 4, "mesa!"), 96);
	CHECK_MEM(b, want, 96);
}

TEST(encode3d, ctx_create_long_name_truncated)
{
	char name[100];
	u8 *b = dirty(96);

	memset(name, 'x', sizeof(name) - 1);
	name[99] = '\0';
	CHECK_EQ(virtgpu_encode_ctx_create(b, 96, 1, 0, name), 96);
	CHECK_EQ(b[24], 64);		/* nlen: the field's size */
	CHECK_FILL(b + 32, 'x', 64);
	CHECK_EQ(virtgpu_encode_ctx_create(b, 96, 1, 0, NULL), 96);
	CHECK_EQ(b[24], 0);
	CHECK_FILL(b + 32, 0, 64);
}

TEST(encode3d, ctx_rejects)
{
	u8 b[128];

	memset(b, DIRTY, sizeof(b));
	CHECK_EQ(virtgpu_encode_ctx_create(b, sizeof(b), 0, 0, "x"), -EINVAL);
	CHECK_EQ(virtgpu_encode_ctx_create(b, sizeof(b), 1, 256, "x"), -EINVAL);
	CHECK_EQ(virtgpu_encode_ctx_destroy(b, sizeof(b), 0), -EINVAL);
	CHECK_EQ(virtgpu_encode_ctx_resource(b, sizeof(b), true, 0, 1), -EINVAL);
	CHECK_EQ(virtgpu_encode_ctx_resource(b, sizeof(b), true, 1, 0), -EINVAL);
	CHECK_EQ(virtgpu_encode_submit_3d(b, sizeof(b), 0, 16), -EINVAL);
	CHECK_EQ(virtgpu_encode_submit_3d(b, sizeof(b), 1, VIRTGPU_MAX_SUBMIT + 1),
		 -EINVAL);
	CHECK_FILL(b, DIRTY, sizeof(b));
	CHECK_EQ(virtgpu_encode_ctx_create(b, 95, 1, 0, "x"), -ENOSPC);
	CHECK_FILL(b, DIRTY, sizeof(b));
}

TEST(encode3d, ctx_destroy_attach_detach)
{
	u8 want[32] = { 0 }, *b = dirty(32);

	hdr(want, VIRTIO_GPU_CMD_CTX_DESTROY, 9);
	CHECK_EQ(virtgpu_encode_ctx_destroy(b, 24, 9), 24);
	CHECK_MEM(b, want, 24);

	hdr(want, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, 9);
	put32(want + 24, 33);
	CHECK_EQ(virtgpu_encode_ctx_resource(b, 32, true, 9, 33), 32);
	CHECK_MEM(b, want, 32);
	put32(want, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE);
	CHECK_EQ(virtgpu_encode_ctx_resource(b, 32, false, 9, 33), 32);
	CHECK_MEM(b, want, 32);
}

TEST(encode3d, resource_create_3d)
{
	const struct virtgpu_res_3d p = {
		.target = 2, .format = 67, .bind = 2, .width = 640, .height = 480,
		.depth = 1, .array_size = 1, .last_level = 3, .nr_samples = 4,
		.flags = 1,
	};
	u8 want[72] = { 0 }, *b = dirty(72);
	const u32 fields[] = { 12, 2, 67, 2, 640, 480, 1, 1, 3, 4, 1 };
	size_t i;

	hdr(want, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, 0);
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		put32(want + 24 + 4 * i, fields[i]);
	CHECK_EQ(virtgpu_encode_resource_create_3d(b, 72, 12, &p), 72);
	CHECK_MEM(b, want, 72);
	CHECK_EQ(virtgpu_encode_resource_create_3d(b, 72, 0, &p), -EINVAL);
	CHECK_EQ(virtgpu_encode_resource_create_3d(b, 71, 12, &p), -ENOSPC);
}

TEST(encode3d, transfer_3d)
{
	const struct virtgpu_transfer_3d t = {
		.x = 1, .y = 2, .z = 3, .w = 4, .h = 5, .d = 6,
		.offset = 0x123456789ull, .level = 7, .stride = 8, .layer_stride = 9,
	};
	u8 want[72] = { 0 }, *b = dirty(72);
	u32 i;

	hdr(want, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, 5);
	for (i = 0; i < 6; i++)
		put32(want + 24 + 4 * i, i + 1);
	put64(want + 48, 0x123456789ull);
	put32(want + 56, 44);		/* resource id */
	put32(want + 60, 7);
	put32(want + 64, 8);
	put32(want + 68, 9);
	CHECK_EQ(virtgpu_encode_transfer_3d(b, 72, true, 5, 44, &t), 72);
	CHECK_MEM(b, want, 72);
	put32(want, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D);
	CHECK_EQ(virtgpu_encode_transfer_3d(b, 72, false, 5, 44, &t), 72);
	CHECK_MEM(b, want, 72);
	CHECK_EQ(virtgpu_encode_transfer_3d(b, 72, true, 5, 0, &t), -EINVAL);
}

TEST(encode3d, submit_3d)
{
	u8 want[32] = { 0 }, *b = dirty(32);

	hdr(want, VIRTIO_GPU_CMD_SUBMIT_3D, 3);
	put32(want + 24, 4096);
	CHECK_EQ(virtgpu_encode_submit_3d(b, 32, 3, 4096), 32);
	CHECK_MEM(b, want, 32);
	/* An empty stream is a valid submission. */
	CHECK_EQ(virtgpu_encode_submit_3d(b, 32, 3, 0), 32);
}

TEST(encode3d, fence_header)
{
	u8 *b = dirty(32);

	CHECK_EQ(virtgpu_encode_ctx_resource(b, 32, true, 9, 33), 32);
	CHECK_EQ(virtgpu_hdr_set_fence(b, 32, 0x1122334455ull, false, 0), 0);
	CHECK_EQ(b[4], VIRTIO_GPU_FLAG_FENCE);
	CHECK_EQ(b[8], 0x55);
	CHECK_EQ(b[12], 0x11);
	CHECK_EQ(b[16], 9);		/* ctx_id kept */
	CHECK_EQ(b[20], 0);
	CHECK_EQ(virtgpu_resp_fence_id(b, 24), 0x1122334455ull);

	CHECK_EQ(virtgpu_hdr_set_fence(b, 32, 7, true, 63), 0);
	CHECK_EQ(b[4], VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX);
	CHECK_EQ(b[20], 63);
	CHECK_EQ(b[0], VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE & 0xff);	/* type kept */

	CHECK_EQ(virtgpu_hdr_set_fence(b, 32, 0, false, 0), -EINVAL);
	CHECK_EQ(virtgpu_hdr_set_fence(b, 32, 7, true, 64), -EINVAL);
	CHECK_EQ(virtgpu_hdr_set_fence(b, 23, 7, false, 0), -ENOSPC);
	/* An answer without the flag carries no fence, whatever the id field. */
	b[4] = 0;
	CHECK_EQ(virtgpu_resp_fence_id(b, 24), 0);
	CHECK_EQ(virtgpu_resp_fence_id(b, 23), 0);
}
