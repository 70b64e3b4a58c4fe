// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * virtio-gpu wire protocol (VirtIO 1.2, section 5.7): encoders and
 * response validators. Pure code: it also builds in userspace for the
 * unit tests, so it must not use anything beyond virtgpu_proto_env.h.
 */
#include "virtgpu_proto.h"

#define VIRTGPU_CMD_2D_FIRST	VIRTIO_GPU_CMD_GET_DISPLAY_INFO
#define VIRTGPU_CMD_2D_LAST	VIRTIO_GPU_CMD_SET_SCANOUT_BLOB
#define VIRTGPU_CMD_3D_FIRST	VIRTIO_GPU_CMD_CTX_CREATE
#define VIRTGPU_CMD_3D_LAST	VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB

static const char * const virtgpu_cmd_names[VIRTGPU_CMD_SLOTS] = {
	[VIRTGPU_SLOT_GET_DISPLAY_INFO] = "GET_DISPLAY_INFO",
	[VIRTGPU_SLOT_RESOURCE_CREATE_2D] = "RESOURCE_CREATE_2D",
	[VIRTGPU_SLOT_RESOURCE_UNREF] = "RESOURCE_UNREF",
	[VIRTGPU_SLOT_SET_SCANOUT] = "SET_SCANOUT",
	[VIRTGPU_SLOT_RESOURCE_FLUSH] = "RESOURCE_FLUSH",
	[VIRTGPU_SLOT_TRANSFER_TO_HOST_2D] = "TRANSFER_TO_HOST_2D",
	[VIRTGPU_SLOT_RESOURCE_ATTACH_BACKING] = "RESOURCE_ATTACH_BACKING",
	[VIRTGPU_SLOT_RESOURCE_DETACH_BACKING] = "RESOURCE_DETACH_BACKING",
	[VIRTGPU_SLOT_GET_CAPSET_INFO] = "GET_CAPSET_INFO",
	[VIRTGPU_SLOT_GET_CAPSET] = "GET_CAPSET",
	[VIRTGPU_SLOT_GET_EDID] = "GET_EDID",
	[VIRTGPU_SLOT_RESOURCE_ASSIGN_UUID] = "RESOURCE_ASSIGN_UUID",
	[VIRTGPU_SLOT_RESOURCE_CREATE_BLOB] = "RESOURCE_CREATE_BLOB",
	[VIRTGPU_SLOT_SET_SCANOUT_BLOB] = "SET_SCANOUT_BLOB",
	[VIRTGPU_SLOT_CTX_CREATE] = "CTX_CREATE",
	[VIRTGPU_SLOT_CTX_DESTROY] = "CTX_DESTROY",
	[VIRTGPU_SLOT_CTX_ATTACH_RESOURCE] = "CTX_ATTACH_RESOURCE",
	[VIRTGPU_SLOT_CTX_DETACH_RESOURCE] = "CTX_DETACH_RESOURCE",
	[VIRTGPU_SLOT_RESOURCE_CREATE_3D] = "RESOURCE_CREATE_3D",
	[VIRTGPU_SLOT_TRANSFER_TO_HOST_3D] = "TRANSFER_TO_HOST_3D",
	[VIRTGPU_SLOT_TRANSFER_FROM_HOST_3D] = "TRANSFER_FROM_HOST_3D",
	[VIRTGPU_SLOT_SUBMIT_3D] = "SUBMIT_3D",
	[VIRTGPU_SLOT_RESOURCE_MAP_BLOB] = "RESOURCE_MAP_BLOB",
	[VIRTGPU_SLOT_RESOURCE_UNMAP_BLOB] = "RESOURCE_UNMAP_BLOB",
	[VIRTGPU_SLOT_UPDATE_CURSOR] = "UPDATE_CURSOR",
	[VIRTGPU_SLOT_MOVE_CURSOR] = "MOVE_CURSOR",
};

static const char * const virtgpu_ok_names[] = {
	"OK_NODATA", "OK_DISPLAY_INFO", "OK_CAPSET_INFO", "OK_CAPSET",
	"OK_EDID", "OK_RESOURCE_UUID", "OK_MAP_INFO",
};

static const char * const virtgpu_err_names[] = {
	"ERR_UNSPEC", "ERR_OUT_OF_MEMORY", "ERR_INVALID_SCANOUT_ID",
	"ERR_INVALID_RESOURCE_ID", "ERR_INVALID_CONTEXT_ID",
	"ERR_INVALID_PARAMETER",
};

int virtgpu_cmd_slot(u32 type)
{
	if (type >= VIRTGPU_CMD_2D_FIRST && type <= VIRTGPU_CMD_2D_LAST)
		return VIRTGPU_SLOT_GET_DISPLAY_INFO + (type - VIRTGPU_CMD_2D_FIRST);
	if (type >= VIRTGPU_CMD_3D_FIRST && type <= VIRTGPU_CMD_3D_LAST)
		return VIRTGPU_SLOT_CTX_CREATE + (type - VIRTGPU_CMD_3D_FIRST);
	if (type == VIRTIO_GPU_CMD_UPDATE_CURSOR)
		return VIRTGPU_SLOT_UPDATE_CURSOR;
	if (type == VIRTIO_GPU_CMD_MOVE_CURSOR)
		return VIRTGPU_SLOT_MOVE_CURSOR;
	return -EINVAL;
}

const char *virtgpu_type_name(u32 type)
{
	int slot = virtgpu_cmd_slot(type);

	if (slot >= 0)
		return virtgpu_cmd_names[slot];
	if (type >= VIRTIO_GPU_RESP_OK_NODATA &&
	    type - VIRTIO_GPU_RESP_OK_NODATA < ARRAY_SIZE(virtgpu_ok_names))
		return virtgpu_ok_names[type - VIRTIO_GPU_RESP_OK_NODATA];
	if (type >= VIRTIO_GPU_RESP_ERR_UNSPEC &&
	    type - VIRTIO_GPU_RESP_ERR_UNSPEC < ARRAY_SIZE(virtgpu_err_names))
		return virtgpu_err_names[type - VIRTIO_GPU_RESP_ERR_UNSPEC];
	return "UNKNOWN";
}

u32 virtgpu_cmd_resp_type(u32 cmd_type)
{
	switch (cmd_type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	case VIRTIO_GPU_CMD_GET_CAPSET_INFO:
		return VIRTIO_GPU_RESP_OK_CAPSET_INFO;
	case VIRTIO_GPU_CMD_GET_CAPSET:
		return VIRTIO_GPU_RESP_OK_CAPSET;
	case VIRTIO_GPU_CMD_GET_EDID:
		return VIRTIO_GPU_RESP_OK_EDID;
	case VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID:
		return VIRTIO_GPU_RESP_OK_RESOURCE_UUID;
	case VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB:
		return VIRTIO_GPU_RESP_OK_MAP_INFO;
	default:
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
}

/* Smallest well-formed response of each type (payload included). */
size_t virtgpu_resp_min_len(u32 resp_type)
{
	switch (resp_type) {
	case VIRTIO_GPU_RESP_OK_DISPLAY_INFO:
		return sizeof(struct virtio_gpu_resp_display_info);
	case VIRTIO_GPU_RESP_OK_CAPSET_INFO:
		return sizeof(struct virtio_gpu_resp_capset_info);
	case VIRTIO_GPU_RESP_OK_EDID:
		return offsetof(struct virtio_gpu_resp_edid, edid);
	case VIRTIO_GPU_RESP_OK_RESOURCE_UUID:
		return sizeof(struct virtio_gpu_resp_resource_uuid);
	case VIRTIO_GPU_RESP_OK_MAP_INFO:
		return sizeof(struct virtio_gpu_resp_map_info);
	default:
		return sizeof(struct virtio_gpu_ctrl_hdr);
	}
}

bool virtgpu_resp_is_error(u32 resp_type)
{
	return resp_type >= VIRTIO_GPU_RESP_ERR_UNSPEC &&
	       resp_type < VIRTIO_GPU_RESP_ERR_UNSPEC + 0x100;
}

/*
 * Clamp the device's configuration to what the protocol allows.
 * Returns -ERANGE when a value had to be clamped, so the caller can warn.
 */
int virtgpu_config_check(u32 *num_scanouts, u32 *num_capsets)
{
	int ret = 0;

	if (*num_scanouts > VIRTGPU_MAX_SCANOUTS) {
		*num_scanouts = VIRTGPU_MAX_SCANOUTS;
		ret = -ERANGE;
	}
	if (*num_capsets > VIRTGPU_MAX_CAPSETS) {
		*num_capsets = VIRTGPU_MAX_CAPSETS;
		ret = -ERANGE;
	}
	return ret;
}

/* Zero @len bytes of @buf and write a header of @type; -ENOSPC if short. */
static int virtgpu_encode_hdr(void *buf, size_t size, size_t len, u32 type)
{
	struct virtio_gpu_ctrl_hdr *hdr = buf;

	if (!buf || size < len)
		return -ENOSPC;
	memset(buf, 0, len);
	hdr->type = cpu_to_le32(type);
	return (int)len;
}

static bool virtgpu_rect_valid(u32 x, u32 y, u32 w, u32 h)
{
	return w && h && x <= VIRTGPU_MAX_DIM && y <= VIRTGPU_MAX_DIM &&
	       w <= VIRTGPU_MAX_DIM - x && h <= VIRTGPU_MAX_DIM - y;
}

/*
 * Heads may sit side by side in a large virtual desktop: only each head's
 * size is bounded by VIRTGPU_MAX_DIM, its position by VIRTGPU_MAX_LAYOUT.
 */
static bool virtgpu_scanout_rect_valid(u32 x, u32 y, u32 w, u32 h)
{
	return w && h && w <= VIRTGPU_MAX_DIM && h <= VIRTGPU_MAX_DIM &&
	       x <= VIRTGPU_MAX_LAYOUT && y <= VIRTGPU_MAX_LAYOUT;
}

static void virtgpu_put_rect(struct virtio_gpu_rect *r, u32 x, u32 y, u32 w,
			     u32 h)
{
	r->x = cpu_to_le32(x);
	r->y = cpu_to_le32(y);
	r->width = cpu_to_le32(w);
	r->height = cpu_to_le32(h);
}

bool virtgpu_virtio_format_valid(u32 format)
{
	switch (format) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return true;
	default:
		return false;
	}
}

int virtgpu_encode_get_display_info(void *buf, size_t size)
{
	return virtgpu_encode_hdr(buf, size, sizeof(struct virtio_gpu_ctrl_hdr),
				  VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
}

int virtgpu_encode_get_edid(void *buf, size_t size, u32 scanout)
{
	struct virtio_gpu_cmd_get_edid *cmd = buf;
	int len;

	if (scanout >= VIRTGPU_MAX_SCANOUTS)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_GET_EDID);
	if (len > 0)
		cmd->scanout = cpu_to_le32(scanout);
	return len;
}

int virtgpu_encode_get_capset_info(void *buf, size_t size, u32 index)
{
	struct virtio_gpu_get_capset_info *cmd = buf;
	int len;

	if (index >= VIRTGPU_MAX_CAPSETS)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_GET_CAPSET_INFO);
	if (len > 0)
		cmd->capset_index = cpu_to_le32(index);
	return len;
}

int virtgpu_encode_get_capset(void *buf, size_t size, u32 id, u32 version)
{
	struct virtio_gpu_get_capset *cmd = buf;
	int len;

	if (!id)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_GET_CAPSET);
	if (len > 0) {
		cmd->capset_id = cpu_to_le32(id);
		cmd->capset_version = cpu_to_le32(version);
	}
	return len;
}

int virtgpu_encode_resource_create_2d(void *buf, size_t size, u32 res_id,
				      u32 format, u32 width, u32 height)
{
	struct virtio_gpu_resource_create_2d *cmd = buf;
	int len;

	if (!res_id || !virtgpu_virtio_format_valid(format) ||
	    !virtgpu_rect_valid(0, 0, width, height))
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->format = cpu_to_le32(format);
		cmd->width = cpu_to_le32(width);
		cmd->height = cpu_to_le32(height);
	}
	return len;
}

static int virtgpu_encode_res_cmd(void *buf, size_t size, u32 type, u32 res_id)
{
	struct virtio_gpu_resource_unref *cmd = buf;
	int len;

	if (!res_id)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd), type);
	if (len > 0)
		cmd->resource_id = cpu_to_le32(res_id);
	return len;
}

int virtgpu_encode_resource_unref(void *buf, size_t size, u32 res_id)
{
	return virtgpu_encode_res_cmd(buf, size,
				      VIRTIO_GPU_CMD_RESOURCE_UNREF, res_id);
}

int virtgpu_encode_detach_backing(void *buf, size_t size, u32 res_id)
{
	/* Same layout as UNREF: a header and a resource id. */
	return virtgpu_encode_res_cmd(buf, size,
				      VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
				      res_id);
}

/* The mem entries follow as a separate buffer (virtgpu_encode_mem_entry). */
int virtgpu_encode_attach_backing(void *buf, size_t size, u32 res_id,
				  u32 nr_entries)
{
	struct virtio_gpu_resource_attach_backing *cmd = buf;
	int len;

	if (!res_id || !nr_entries)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->nr_entries = cpu_to_le32(nr_entries);
	}
	return len;
}

int virtgpu_encode_mem_entry(void *buf, size_t size, u32 index, u64 addr,
			     u32 length)
{
	struct virtio_gpu_mem_entry *ent = buf;

	if (!buf || !length)
		return -EINVAL;
	if (size / sizeof(*ent) <= index)
		return -ENOSPC;
	ent += index;
	ent->addr = cpu_to_le64(addr);
	ent->length = cpu_to_le32(length);
	ent->padding = 0;
	return sizeof(*ent);
}

int virtgpu_encode_set_scanout(void *buf, size_t size, u32 scanout,
			       u32 res_id, u32 x, u32 y, u32 w, u32 h)
{
	struct virtio_gpu_set_scanout *cmd = buf;
	int len;

	/* Resource 0 disables the scanout; its rectangle is ignored. */
	if (scanout >= VIRTGPU_MAX_SCANOUTS ||
	    (res_id && !virtgpu_rect_valid(x, y, w, h)))
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_SET_SCANOUT);
	if (len > 0) {
		cmd->scanout_id = cpu_to_le32(scanout);
		cmd->resource_id = cpu_to_le32(res_id);
		if (res_id)
			virtgpu_put_rect(&cmd->r, x, y, w, h);
	}
	return len;
}

int virtgpu_encode_resource_flush(void *buf, size_t size, u32 res_id,
				  u32 x, u32 y, u32 w, u32 h)
{
	struct virtio_gpu_resource_flush *cmd = buf;
	int len;

	if (!res_id || !virtgpu_rect_valid(x, y, w, h))
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		virtgpu_put_rect(&cmd->r, x, y, w, h);
	}
	return len;
}

int virtgpu_encode_transfer_to_host_2d(void *buf, size_t size, u32 res_id,
				       u64 offset, u32 x, u32 y, u32 w, u32 h)
{
	struct virtio_gpu_transfer_to_host_2d *cmd = buf;
	int len;

	if (!res_id || !virtgpu_rect_valid(x, y, w, h))
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->offset = cpu_to_le64(offset);
		virtgpu_put_rect(&cmd->r, x, y, w, h);
	}
	return len;
}

static int virtgpu_encode_cursor(void *buf, size_t size, u32 type,
				 u32 scanout, u32 x, u32 y)
{
	struct virtio_gpu_update_cursor *cmd = buf;
	int len;

	if (scanout >= VIRTGPU_MAX_SCANOUTS)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd), type);
	if (len > 0) {
		cmd->pos.scanout_id = cpu_to_le32(scanout);
		cmd->pos.x = cpu_to_le32(x);
		cmd->pos.y = cpu_to_le32(y);
	}
	return len;
}

/* Resource 0 hides the cursor. */
int virtgpu_encode_update_cursor(void *buf, size_t size, u32 scanout,
				 u32 res_id, u32 x, u32 y, u32 hot_x,
				 u32 hot_y)
{
	struct virtio_gpu_update_cursor *cmd = buf;
	int len;

	len = virtgpu_encode_cursor(buf, size, VIRTIO_GPU_CMD_UPDATE_CURSOR,
				    scanout, x, y);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->hot_x = cpu_to_le32(hot_x);
		cmd->hot_y = cpu_to_le32(hot_y);
	}
	return len;
}

/* QEMU takes a move with resource 0 as "pointer hidden": pass the cursor's. */
int virtgpu_encode_move_cursor(void *buf, size_t size, u32 scanout,
			       u32 res_id, u32 x, u32 y)
{
	struct virtio_gpu_update_cursor *cmd = buf;
	int len;

	len = virtgpu_encode_cursor(buf, size, VIRTIO_GPU_CMD_MOVE_CURSOR,
				    scanout, x, y);
	if (len > 0)
		cmd->resource_id = cpu_to_le32(res_id);
	return len;
}

/*
 * Make an encoded control command fenced: the host answers it once the
 * work it starts is done and echoes @fence_id. With @ring (per-context
 * fence rings, VIRTIO_GPU_F_CONTEXT_INIT) the fence belongs to ring
 * @ring_idx of the command's context instead of the device-wide order.
 */
int virtgpu_hdr_set_fence(void *buf, size_t size, u64 fence_id, bool ring,
			  u32 ring_idx)
{
	struct virtio_gpu_ctrl_hdr *hdr = buf;
	u32 flags;

	if (!buf || size < sizeof(*hdr))
		return -ENOSPC;
	if (!fence_id || (ring && ring_idx >= VIRTGPU_MAX_RINGS))
		return -EINVAL;
	flags = le32_to_cpu(hdr->flags) | VIRTIO_GPU_FLAG_FENCE;
	if (ring)
		flags |= VIRTIO_GPU_FLAG_INFO_RING_IDX;
	hdr->flags = cpu_to_le32(flags);
	hdr->fence_id = cpu_to_le64(fence_id);
	hdr->ring_idx = ring ? (u8)ring_idx : 0;
	return 0;
}

/*
 * CTX_CREATE: @capset_id 0 lets the host pick (virgl); the debug name is
 * truncated to the field and need not be NUL-terminated on the wire.
 */
int virtgpu_encode_ctx_create(void *buf, size_t size, u32 ctx_id,
			      u32 capset_id, const char *name)
{
	struct virtio_gpu_ctx_create *cmd = buf;
	size_t nlen = name ? strnlen(name, sizeof(cmd->debug_name)) : 0;
	int len;

	if (!ctx_id || capset_id > VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_CTX_CREATE);
	if (len > 0) {
		cmd->hdr.ctx_id = cpu_to_le32(ctx_id);
		cmd->nlen = cpu_to_le32((u32)nlen);
		cmd->context_init = cpu_to_le32(capset_id);
		if (nlen)
			memcpy(cmd->debug_name, name, nlen);
	}
	return len;
}

int virtgpu_encode_ctx_destroy(void *buf, size_t size, u32 ctx_id)
{
	struct virtio_gpu_ctx_destroy *cmd = buf;
	int len;

	if (!ctx_id)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_CTX_DESTROY);
	if (len > 0)
		cmd->hdr.ctx_id = cpu_to_le32(ctx_id);
	return len;
}

/* CTX_ATTACH_RESOURCE (@attach) or CTX_DETACH_RESOURCE. */
int virtgpu_encode_ctx_resource(void *buf, size_t size, bool attach,
				u32 ctx_id, u32 res_id)
{
	struct virtio_gpu_ctx_resource *cmd = buf;
	int len;

	if (!ctx_id || !res_id)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 attach ? VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE :
					  VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE);
	if (len > 0) {
		cmd->hdr.ctx_id = cpu_to_le32(ctx_id);
		cmd->resource_id = cpu_to_le32(res_id);
	}
	return len;
}

/* The host validates formats and binds (they are virgl's, not virtio's). */
int virtgpu_encode_resource_create_3d(void *buf, size_t size, u32 res_id,
				      const struct virtgpu_res_3d *p)
{
	struct virtio_gpu_resource_create_3d *cmd = buf;
	int len;

	if (!res_id || !p || !p->width || !p->height || !p->depth ||
	    !p->array_size)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_RESOURCE_CREATE_3D);
	if (len > 0) {
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->target = cpu_to_le32(p->target);
		cmd->format = cpu_to_le32(p->format);
		cmd->bind = cpu_to_le32(p->bind);
		cmd->width = cpu_to_le32(p->width);
		cmd->height = cpu_to_le32(p->height);
		cmd->depth = cpu_to_le32(p->depth);
		cmd->array_size = cpu_to_le32(p->array_size);
		cmd->last_level = cpu_to_le32(p->last_level);
		cmd->nr_samples = cpu_to_le32(p->nr_samples);
		cmd->flags = cpu_to_le32(p->flags);
	}
	return len;
}

/* TRANSFER_TO_HOST_3D (@to_host) or TRANSFER_FROM_HOST_3D, in @ctx_id. */
int virtgpu_encode_transfer_3d(void *buf, size_t size, bool to_host,
			       u32 ctx_id, u32 res_id,
			       const struct virtgpu_transfer_3d *t)
{
	struct virtio_gpu_transfer_host_3d *cmd = buf;
	int len;

	if (!res_id || !t)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 to_host ? VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D :
					   VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D);
	if (len > 0) {
		cmd->hdr.ctx_id = cpu_to_le32(ctx_id);
		cmd->box.x = cpu_to_le32(t->x);
		cmd->box.y = cpu_to_le32(t->y);
		cmd->box.z = cpu_to_le32(t->z);
		cmd->box.w = cpu_to_le32(t->w);
		cmd->box.h = cpu_to_le32(t->h);
		cmd->box.d = cpu_to_le32(t->d);
		cmd->offset = cpu_to_le64(t->offset);
		cmd->resource_id = cpu_to_le32(res_id);
		cmd->level = cpu_to_le32(t->level);
		cmd->stride = cpu_to_le32(t->stride);
		cmd->layer_stride = cpu_to_le32(t->layer_stride);
	}
	return len;
}

/* SUBMIT_3D: the command stream of @stream_len bytes follows as payload. */
int virtgpu_encode_submit_3d(void *buf, size_t size, u32 ctx_id,
			     u32 stream_len)
{
	struct virtio_gpu_cmd_submit *cmd = buf;
	int len;

	if (!ctx_id || stream_len > VIRTGPU_MAX_SUBMIT)
		return -EINVAL;
	len = virtgpu_encode_hdr(buf, size, sizeof(*cmd),
				 VIRTIO_GPU_CMD_SUBMIT_3D);
	if (len > 0) {
		cmd->hdr.ctx_id = cpu_to_le32(ctx_id);
		cmd->size = cpu_to_le32(stream_len);
	}
	return len;
}

/* The fence id a response carries, 0 if it carries none. */
u64 virtgpu_resp_fence_id(const void *resp, size_t len)
{
	const struct virtio_gpu_ctrl_hdr *hdr = resp;

	if (!resp || len < sizeof(*hdr) ||
	    !(le32_to_cpu(hdr->flags) & VIRTIO_GPU_FLAG_FENCE))
		return 0;
	return le64_to_cpu(hdr->fence_id);
}

int virtgpu_resp_check(const void *resp, size_t len, u32 expect_type)
{
	const struct virtio_gpu_ctrl_hdr *hdr = resp;
	u32 type;

	if (!resp || len < sizeof(*hdr))
		return -EPROTO;
	type = le32_to_cpu(hdr->type);
	if (virtgpu_resp_is_error(type))
		return -EIO;
	if (type != expect_type || len < virtgpu_resp_min_len(type))
		return -EPROTO;
	return 0;
}

int virtgpu_decode_display_info(const void *resp, size_t len,
				u32 num_scanouts,
				struct virtgpu_scanout_info *out)
{
	const struct virtio_gpu_resp_display_info *info = resp;
	u32 i;
	int ret;

	ret = virtgpu_resp_check(resp, len, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	if (ret)
		return ret;
	if (num_scanouts > VIRTGPU_MAX_SCANOUTS)
		return -EINVAL;

	/* Validate everything first: a bad entry must not change anything. */
	for (i = 0; i < num_scanouts; i++) {
		const struct virtio_gpu_display_one *p = &info->pmodes[i];

		if (le32_to_cpu(p->enabled) &&
		    !virtgpu_scanout_rect_valid(le32_to_cpu(p->r.x), le32_to_cpu(p->r.y),
						le32_to_cpu(p->r.width),
						le32_to_cpu(p->r.height)))
			return -EPROTO;
	}
	for (i = 0; i < num_scanouts; i++) {
		const struct virtio_gpu_display_one *p = &info->pmodes[i];

		out[i].enabled = le32_to_cpu(p->enabled) != 0;
		out[i].flags = le32_to_cpu(p->flags);
		if (out[i].enabled) {
			out[i].x = le32_to_cpu(p->r.x);
			out[i].y = le32_to_cpu(p->r.y);
			out[i].width = le32_to_cpu(p->r.width);
			out[i].height = le32_to_cpu(p->r.height);
		} else {
			out[i].x = 0;
			out[i].y = 0;
			out[i].width = 0;
			out[i].height = 0;
		}
	}
	return 0;
}

static const u8 virtgpu_edid_magic[8] = {
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00
};

/* Returns -ENODATA when the host has no EDID for the scanout. */
int virtgpu_decode_edid(const void *resp, size_t len, const u8 **edid,
			u32 *edid_len)
{
	const struct virtio_gpu_resp_edid *r = resp;
	size_t avail;
	u32 size;
	int ret;

	ret = virtgpu_resp_check(resp, len, VIRTIO_GPU_RESP_OK_EDID);
	if (ret)
		return ret;
	avail = len - offsetof(struct virtio_gpu_resp_edid, edid);
	size = le32_to_cpu(r->size);
	if (!size)
		return -ENODATA;
	if (size > VIRTGPU_EDID_MAX || size > avail ||
	    size % VIRTGPU_EDID_BLOCK)
		return -EPROTO;
	if (memcmp(r->edid, virtgpu_edid_magic, sizeof(virtgpu_edid_magic)))
		return -EPROTO;
	*edid = r->edid;
	*edid_len = size;
	return 0;
}

int virtgpu_decode_capset_info(const void *resp, size_t len,
			       struct virtgpu_capset_info *out)
{
	const struct virtio_gpu_resp_capset_info *r = resp;
	u32 id, max_size;
	int ret;

	ret = virtgpu_resp_check(resp, len, VIRTIO_GPU_RESP_OK_CAPSET_INFO);
	if (ret)
		return ret;
	id = le32_to_cpu(r->capset_id);
	max_size = le32_to_cpu(r->capset_max_size);
	if (!id || !max_size || max_size > VIRTGPU_CAPSET_MAX_SIZE)
		return -EPROTO;
	out->id = id;
	out->max_version = le32_to_cpu(r->capset_max_version);
	out->max_size = max_size;
	return 0;
}

int virtgpu_decode_capset(const void *resp, size_t len, u32 expect_size,
			  const u8 **data)
{
	const struct virtio_gpu_resp_capset *r = resp;
	int ret;

	ret = virtgpu_resp_check(resp, len, VIRTIO_GPU_RESP_OK_CAPSET);
	if (ret)
		return ret;
	if (len - sizeof(r->hdr) < expect_size)
		return -EPROTO;
	*data = r->capset_data;
	return 0;
}

/* The wire layout is fixed by the specification. */
static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "ctrl_hdr");
static_assert(sizeof(struct virtio_gpu_resp_display_info) == 408, "display_info");
static_assert(sizeof(struct virtio_gpu_resp_edid) == 1056, "resp_edid");
static_assert(sizeof(struct virtio_gpu_resp_capset_info) == 40, "capset_info");
static_assert(sizeof(struct virtio_gpu_update_cursor) == 56, "update_cursor");
static_assert(sizeof(struct virtio_gpu_mem_entry) == 16, "mem_entry");
static_assert(sizeof(struct virtio_gpu_ctx_create) == 96, "ctx_create");
static_assert(sizeof(struct virtio_gpu_resource_create_3d) == 72, "create_3d");
static_assert(sizeof(struct virtio_gpu_transfer_host_3d) == 72, "transfer_3d");
static_assert(sizeof(struct virtio_gpu_cmd_submit) == 32, "submit_3d");
