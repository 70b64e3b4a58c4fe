/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The virtio layer's interface to the DRM side. The virtio layer owns the
 * device's virtqueues and protocol state; the DRM side holds a struct
 * virtgpu_hw pointer and calls these functions, never looking inside.
 *
 * Commands are queued without notifying the device; virtgpu_hw_kick()
 * sends everything queued with one notification. Fenced commands signal
 * their struct virtgpu_fence when the host answers, with an error when it
 * refuses or the device went away. Every function that sends a command
 * fails with -ENODEV once the device has been removed, and every done
 * callback runs exactly once, also then.
 */
#ifndef VIRTGPU_HW_H
#define VIRTGPU_HW_H

#include <linux/list.h>
#include <linux/types.h>

#include "virtgpu_proto.h"

struct dma_fence;
struct seq_file;
struct sg_table;
struct virtio_device;
struct virtgpu_hw;
struct virtgpu_fence;
struct virtgpu_timeline;
struct virtgpu_backing;

/* A command's completion: @status 0, or -EIO, -EPROTO, -ENODEV, -ETIMEDOUT. */
typedef void (*virtgpu_done_t)(void *priv, int status);

struct virtgpu_hw_ops {
	/* Scanout geometry or EDID may have changed (host display event). */
	void (*display_changed)(void *priv);
};

enum virtgpu_hw_feature {
	VIRTGPU_HW_VIRGL,
	VIRTGPU_HW_EDID,
	VIRTGPU_HW_RESOURCE_UUID,
	VIRTGPU_HW_RESOURCE_BLOB,
	VIRTGPU_HW_CONTEXT_INIT,
	VIRTGPU_HW_INDIRECT,
};

/**
 * struct virtgpu_cmds - commands allocated ahead of a path that must not
 *	fail (a commit tail): the display verbs take one from here when given
 *	a pool. Fields are the virtio layer's.
 */
struct virtgpu_cmds {
	struct list_head free;
	unsigned int count;
};

/* virtgpu_hw.c: device lifetime and what the device offers */
extern const unsigned int virtgpu_hw_features[];
extern const unsigned int virtgpu_hw_num_features;
struct virtgpu_hw *virtgpu_hw_create(struct virtio_device *vdev,
				     const struct virtgpu_hw_ops *ops,
				     void *ops_priv);
void virtgpu_hw_remove(struct virtgpu_hw *hw);
void virtgpu_hw_get(struct virtgpu_hw *hw);
void virtgpu_hw_put(struct virtgpu_hw *hw);
void virtgpu_hw_config_changed(struct virtgpu_hw *hw);
bool virtgpu_hw_has(const struct virtgpu_hw *hw, enum virtgpu_hw_feature f);
bool virtgpu_hw_removed(const struct virtgpu_hw *hw);
u32 virtgpu_hw_num_scanouts(const struct virtgpu_hw *hw);
void virtgpu_hw_scanout(struct virtgpu_hw *hw, u32 index,
			struct virtgpu_scanout_info *out);
int virtgpu_hw_edid(struct virtgpu_hw *hw, u32 index, u8 *buf, size_t size);
u64 virtgpu_hw_capset_mask(struct virtgpu_hw *hw);
int virtgpu_hw_capset_max(struct virtgpu_hw *hw, u32 id, u32 *max_version,
			  u32 *max_size);
int virtgpu_hw_get_capset(struct virtgpu_hw *hw, u32 id, u32 version,
			  const void **data, u32 *size);
u32 virtgpu_hw_new_resource_id(struct virtgpu_hw *hw);
int virtgpu_hw_ctx_id_alloc(struct virtgpu_hw *hw);
void virtgpu_hw_ctx_id_free(struct virtgpu_hw *hw, u32 ctx_id);
void virtgpu_hw_kick(struct virtgpu_hw *hw);

/* virtgpu_hw_debugfs.c, virtgpu_fence.c: the layer's state for debugfs */
void virtgpu_hw_show_features(struct virtgpu_hw *hw, struct seq_file *m);
void virtgpu_hw_show_scanouts(struct virtgpu_hw *hw, struct seq_file *m);
void virtgpu_hw_show_capsets(struct virtgpu_hw *hw, struct seq_file *m);
void virtgpu_hw_show_commands(struct virtgpu_hw *hw, struct seq_file *m);
void virtgpu_hw_show_queues(struct virtgpu_hw *hw, struct seq_file *m);
void virtgpu_hw_show_fences(struct virtgpu_hw *hw, struct seq_file *m);

/* virtgpu_cmd.c: preallocated commands */
void virtgpu_cmds_init(struct virtgpu_cmds *c);
int virtgpu_cmds_reserve(struct virtgpu_cmds *c, unsigned int n);
void virtgpu_cmds_release(struct virtgpu_cmds *c);

/* virtgpu_fence.c: fences on per-context (and per-ring) timelines */
struct virtgpu_timeline *virtgpu_timeline_create(struct virtgpu_hw *hw,
						 u32 ctx_id, u32 ring_idx,
						 bool ring);
void virtgpu_timeline_put(struct virtgpu_timeline *tl);
struct virtgpu_timeline *virtgpu_hw_kernel_timeline(struct virtgpu_hw *hw);
u64 virtgpu_timeline_context(const struct virtgpu_timeline *tl);
struct virtgpu_fence *virtgpu_fence_alloc(struct virtgpu_timeline *tl);
struct dma_fence *virtgpu_fence_dma(struct virtgpu_fence *fence);
void virtgpu_fence_put(struct virtgpu_fence *fence);

/* virtgpu_backing.c: guest pages the host reads and writes */
struct virtgpu_backing *virtgpu_backing_create(struct virtgpu_hw *hw,
					       struct sg_table *sgt);
void virtgpu_backing_destroy(struct virtgpu_hw *hw, struct virtgpu_backing *b);
void virtgpu_backing_sync(struct virtgpu_hw *hw, struct virtgpu_backing *b);

/* virtgpu_res.c: host resources */
int virtgpu_res_create_2d(struct virtgpu_hw *hw, u32 id, u32 format, u32 width,
			  u32 height, struct virtgpu_backing *b,
			  struct virtgpu_fence *fence);
int virtgpu_res_create_3d(struct virtgpu_hw *hw, u32 id,
			  const struct virtgpu_res_3d *params,
			  struct virtgpu_backing *b, struct virtgpu_fence *fence);
int virtgpu_res_unref(struct virtgpu_hw *hw, u32 id, virtgpu_done_t done,
		      void *priv);
int virtgpu_res_transfer_2d(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			    u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h,
			    struct virtgpu_fence *fence);
int virtgpu_res_transfer_3d(struct virtgpu_hw *hw, bool to_host, u32 ctx_id,
			    u32 id, const struct virtgpu_transfer_3d *t,
			    struct virtgpu_fence *fence);
int virtgpu_res_flush(struct virtgpu_hw *hw, struct virtgpu_cmds *pool, u32 id,
		      u32 x, u32 y, u32 w, u32 h, struct virtgpu_fence *fence);

/* virtgpu_display.c: scanouts and the cursor */
int virtgpu_scanout_set(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			u32 scanout, u32 id, u32 x, u32 y, u32 w, u32 h);
int virtgpu_cursor_update(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			  u32 scanout, u32 id, u32 x, u32 y, u32 hot_x,
			  u32 hot_y);
int virtgpu_cursor_move(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			u32 scanout, u32 id, u32 x, u32 y);

/* virtgpu_ctx.c: host rendering contexts */
int virtgpu_ctx_create(struct virtgpu_hw *hw, u32 ctx_id, u32 capset_id,
		       const char *name);
int virtgpu_ctx_destroy(struct virtgpu_hw *hw, u32 ctx_id);
int virtgpu_ctx_attach(struct virtgpu_hw *hw, u32 ctx_id, u32 res_id);
int virtgpu_ctx_detach(struct virtgpu_hw *hw, u32 ctx_id, u32 res_id);
int virtgpu_ctx_submit(struct virtgpu_hw *hw, u32 ctx_id, void *stream,
		       u32 len, struct virtgpu_fence *fence,
		       virtgpu_done_t done, void *priv);

/* virtgpu_panic.c: drm_panic's flush, which neither sleeps nor allocates */
int virtgpu_hw_panic_flush(struct virtgpu_hw *hw, struct virtgpu_backing *b,
			   u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h);
void virtgpu_hw_panic_resume(struct virtgpu_hw *hw);

#endif /* VIRTGPU_HW_H */
