/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * virtio-gpu wire protocol: command encoders and response validators.
 *
 * Pure code over caller buffers: no allocation, no locks, no DRM, no
 * virtqueue. Encoders return the command length or a negative errno;
 * decoders check the response type and length before reading a payload.
 */
#ifndef VIRTGPU_PROTO_H
#define VIRTGPU_PROTO_H

#include "virtgpu_proto_env.h"
#include <linux/virtio_gpu.h>

#define VIRTGPU_MAX_SCANOUTS		VIRTIO_GPU_MAX_SCANOUTS
/* Largest scanout rectangle coordinate or size we accept from the host. */
#define VIRTGPU_MAX_DIM			16384
/* Largest scanout position: every head side by side at the largest size. */
#define VIRTGPU_MAX_LAYOUT		(VIRTGPU_MAX_SCANOUTS * VIRTGPU_MAX_DIM)
#define VIRTGPU_EDID_MAX		1024
#define VIRTGPU_EDID_BLOCK		128
/* More capsets than this is a broken host, not a feature. */
#define VIRTGPU_MAX_CAPSETS		64
/* Known capsets are a few KiB; refuse to allocate for absurd sizes. */
#define VIRTGPU_CAPSET_MAX_SIZE		(64 * 1024)

/* Per-context fence rings (the ctrl header's ring_idx is a u8; virgl allows 64). */
#define VIRTGPU_MAX_RINGS		64
/* Largest command stream one SUBMIT_3D carries. */
#define VIRTGPU_MAX_SUBMIT		(16u << 20)

/* RESOURCE_CREATE_3D parameters: virgl's (gallium) target, format and binds. */
struct virtgpu_res_3d {
	u32 target, format, bind;
	u32 width, height, depth, array_size;
	u32 last_level, nr_samples, flags;
};

/* A TRANSFER_{TO,FROM}_HOST_3D box and layout. */
struct virtgpu_transfer_3d {
	u32 x, y, z, w, h, d;
	u64 offset;
	u32 level, stride, layer_stride;
};

struct virtgpu_scanout_info {
	bool enabled;
	u32 x, y, width, height;
	u32 flags;
};

struct virtgpu_capset_info {
	u32 id;
	u32 max_version;
	u32 max_size;
};

/* Dense index of every command type, for per-command counters. */
enum virtgpu_cmd_slot {
	VIRTGPU_SLOT_GET_DISPLAY_INFO,
	VIRTGPU_SLOT_RESOURCE_CREATE_2D,
	VIRTGPU_SLOT_RESOURCE_UNREF,
	VIRTGPU_SLOT_SET_SCANOUT,
	VIRTGPU_SLOT_RESOURCE_FLUSH,
	VIRTGPU_SLOT_TRANSFER_TO_HOST_2D,
	VIRTGPU_SLOT_RESOURCE_ATTACH_BACKING,
	VIRTGPU_SLOT_RESOURCE_DETACH_BACKING,
	VIRTGPU_SLOT_GET_CAPSET_INFO,
	VIRTGPU_SLOT_GET_CAPSET,
	VIRTGPU_SLOT_GET_EDID,
	VIRTGPU_SLOT_RESOURCE_ASSIGN_UUID,
	VIRTGPU_SLOT_RESOURCE_CREATE_BLOB,
	VIRTGPU_SLOT_SET_SCANOUT_BLOB,
	VIRTGPU_SLOT_CTX_CREATE,
	VIRTGPU_SLOT_CTX_DESTROY,
	VIRTGPU_SLOT_CTX_ATTACH_RESOURCE,
	VIRTGPU_SLOT_CTX_DETACH_RESOURCE,
	VIRTGPU_SLOT_RESOURCE_CREATE_3D,
	VIRTGPU_SLOT_TRANSFER_TO_HOST_3D,
	VIRTGPU_SLOT_TRANSFER_FROM_HOST_3D,
	VIRTGPU_SLOT_SUBMIT_3D,
	VIRTGPU_SLOT_RESOURCE_MAP_BLOB,
	VIRTGPU_SLOT_RESOURCE_UNMAP_BLOB,
	VIRTGPU_SLOT_UPDATE_CURSOR,
	VIRTGPU_SLOT_MOVE_CURSOR,
	VIRTGPU_CMD_SLOTS
};

int virtgpu_cmd_slot(u32 type);
const char *virtgpu_type_name(u32 type);
u32 virtgpu_cmd_resp_type(u32 cmd_type);
size_t virtgpu_resp_min_len(u32 resp_type);
bool virtgpu_resp_is_error(u32 resp_type);

int virtgpu_config_check(u32 *num_scanouts, u32 *num_capsets);
bool virtgpu_virtio_format_valid(u32 format);

/* Encoders: fill @buf (of @size bytes); return the command length. */
int virtgpu_encode_get_display_info(void *buf, size_t size);
int virtgpu_encode_get_edid(void *buf, size_t size, u32 scanout);
int virtgpu_encode_get_capset_info(void *buf, size_t size, u32 index);
int virtgpu_encode_get_capset(void *buf, size_t size, u32 id, u32 version);
int virtgpu_encode_resource_create_2d(void *buf, size_t size, u32 res_id,
				      u32 format, u32 width, u32 height);
int virtgpu_encode_resource_unref(void *buf, size_t size, u32 res_id);
int virtgpu_encode_attach_backing(void *buf, size_t size, u32 res_id,
				  u32 nr_entries);
int virtgpu_encode_mem_entry(void *buf, size_t size, u32 index, u64 addr,
			     u32 length);
int virtgpu_encode_detach_backing(void *buf, size_t size, u32 res_id);
int virtgpu_encode_set_scanout(void *buf, size_t size, u32 scanout,
			       u32 res_id, u32 x, u32 y, u32 w, u32 h);
int virtgpu_encode_resource_flush(void *buf, size_t size, u32 res_id,
				  u32 x, u32 y, u32 w, u32 h);
int virtgpu_encode_transfer_to_host_2d(void *buf, size_t size, u32 res_id,
				       u64 offset, u32 x, u32 y, u32 w, u32 h);
int virtgpu_encode_update_cursor(void *buf, size_t size, u32 scanout,
				 u32 res_id, u32 x, u32 y, u32 hot_x,
				 u32 hot_y);
int virtgpu_encode_move_cursor(void *buf, size_t size, u32 scanout,
			       u32 res_id, u32 x, u32 y);

/* 3D: contexts, resources, transfers and command streams. */
int virtgpu_hdr_set_fence(void *buf, size_t size, u64 fence_id, bool ring,
			  u32 ring_idx);
int virtgpu_encode_ctx_create(void *buf, size_t size, u32 ctx_id,
			      u32 capset_id, const char *name);
int virtgpu_encode_ctx_destroy(void *buf, size_t size, u32 ctx_id);
int virtgpu_encode_ctx_resource(void *buf, size_t size, bool attach,
				u32 ctx_id, u32 res_id);
int virtgpu_encode_resource_create_3d(void *buf, size_t size, u32 res_id,
				      const struct virtgpu_res_3d *p);
int virtgpu_encode_transfer_3d(void *buf, size_t size, bool to_host,
			       u32 ctx_id, u32 res_id,
			       const struct virtgpu_transfer_3d *t);
int virtgpu_encode_submit_3d(void *buf, size_t size, u32 ctx_id,
			     u32 stream_len);

/* Validators: 0, -EIO for an error response, -EPROTO for a bad one. */
u64 virtgpu_resp_fence_id(const void *resp, size_t len);
int virtgpu_resp_check(const void *resp, size_t len, u32 expect_type);
int virtgpu_decode_display_info(const void *resp, size_t len,
				u32 num_scanouts,
				struct virtgpu_scanout_info *out);
int virtgpu_decode_edid(const void *resp, size_t len, const u8 **edid,
			u32 *edid_len);
int virtgpu_decode_capset_info(const void *resp, size_t len,
			       struct virtgpu_capset_info *out);
int virtgpu_decode_capset(const void *resp, size_t len, u32 expect_size,
			  const u8 **data);

#endif /* VIRTGPU_PROTO_H */
