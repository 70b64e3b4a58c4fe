/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The virtio layer: owns the device's virtqueues and speaks the protocol.
 * The DRM layer calls into it and hears back through struct virtgpu_hw_ops.
 */
#ifndef VIRTGPU_HW_H
#define VIRTGPU_HW_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "virtgpu_proto.h"

struct virtio_device;
struct virtqueue;
struct virtgpu_hw;
struct virtgpu_vbuf;

struct virtgpu_hw_ops {
	/* Scanout geometry or EDID may have changed (host display event). */
	void (*display_changed)(struct virtgpu_hw *hw);
};

typedef void (*virtgpu_vbuf_done_t)(struct virtgpu_hw *hw,
				    struct virtgpu_vbuf *vbuf);

/**
 * struct virtgpu_vbuf - one command in flight
 *
 * Allocated with room for the command and its response; freed by the last
 * kref holder (the dequeue path, or a synchronous waiter).
 */
struct virtgpu_vbuf {
	struct kref ref;
	struct list_head node;		/* dequeue list */
	struct list_head batch_node;	/* a waiter's struct virtgpu_batch */
	struct completion done;
	virtgpu_vbuf_done_t done_cb;
	unsigned long priv;
	u32 cmd_type;
	u32 cmd_len;
	u32 resp_len;
	u32 resp_written;
	void *data;		/* optional extra payload, kfree'd with vbuf */
	u32 data_len;
	int status;		/* 0, -EIO (host error), -EPROTO, -ENODEV */
	void *cmd;
	void *resp;
};

/**
 * struct virtgpu_queue - a virtqueue and the state to feed it
 * @lock: serialises every virtqueue call, @pending and @stash
 * @stash: answered commands a panic flush's poll took off the ring, for
 *	the dequeue work to finish
 */
struct virtgpu_queue {
	struct virtgpu_hw *hw;
	struct virtqueue *vq;
	spinlock_t lock;	/* see above */
	unsigned int pending;
	struct list_head stash;
	wait_queue_head_t ack_wait;
	struct work_struct dequeue_work;
};

struct virtgpu_cmd_stats {
	atomic_t sent;
	atomic_t ok;
	atomic_t err;		/* host answered with an error */
	atomic_t invalid;	/* malformed answer, or none (device gone) */
};

/**
 * struct virtgpu_hw - the device as the virtio layer sees it
 * @state_lock: protects @scanouts, @edid, @edid_len and @capsets contents
 * @panic: TRANSFER_TO_HOST_2D and RESOURCE_FLUSH allocated at probe for
 *	virtgpu_hw_panic_flush(), each with a reference of our own
 * @panic_busy: a panic flush is running
 */
struct virtgpu_hw {
	struct virtio_device *vdev;
	const struct virtgpu_hw_ops *ops;
	struct virtgpu_queue ctrlq;
	struct virtgpu_queue cursorq;
	bool removed;

	bool has_virgl;
	bool has_edid;
	bool has_resource_uuid;
	bool has_resource_blob;
	bool has_context_init;
	bool has_indirect;
	bool use_dma_api;	/* VIRTIO_F_ACCESS_PLATFORM: backing via DMA API */
	u32 num_scanouts;
	u32 num_capsets;

	struct mutex state_lock;	/* see above */
	struct virtgpu_scanout_info scanouts[VIRTGPU_MAX_SCANOUTS];
	u8 *edid[VIRTGPU_MAX_SCANOUTS];
	u32 edid_len[VIRTGPU_MAX_SCANOUTS];
	struct virtgpu_capset_info *capsets;

	atomic_t next_resource_id;
	struct work_struct config_work;
	atomic_t display_events;
	struct virtgpu_cmd_stats stats[VIRTGPU_CMD_SLOTS];
	struct virtgpu_vbuf *panic[2];
	atomic_t panic_busy;
};

/* Device features we negotiate, for the virtio_driver's feature table. */
extern const unsigned int virtgpu_hw_features[];
extern const unsigned int virtgpu_hw_num_features;

/**
 * struct virtgpu_batch - commands a caller waits for together
 *
 * Commands queued with a batch are also referenced by it, so that
 * virtgpu_batch_wait() can bound them all with one deadline.
 */
struct virtgpu_batch {
	struct list_head vbufs;
	int ret;	/* first error seen, also while queueing */
};

/* virtgpu_hw.c: device lifetime and the queries made at probe */
int virtgpu_hw_init(struct virtgpu_hw *hw, struct virtio_device *vdev,
		    const struct virtgpu_hw_ops *ops);
void virtgpu_hw_fini(struct virtgpu_hw *hw);
void virtgpu_hw_config_changed(struct virtgpu_hw *hw);

/* virtgpu_cmd.c: commands for the DRM layer; virtgpu_hw_kick() sends them */
struct sg_table;
int virtgpu_cmd_queue(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf,
		      int encoded, struct virtgpu_batch *b);
int virtgpu_cmd_resource_create_2d(struct virtgpu_hw *hw, struct virtgpu_batch *b,
				   u32 id, u32 format, u32 width, u32 height);
int virtgpu_cmd_attach_backing(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			       u32 id, struct sg_table *sgt);
int virtgpu_cmd_resource_unref(struct virtgpu_hw *hw, u32 id,
			       virtgpu_vbuf_done_t done, unsigned long priv);
int virtgpu_cmd_set_scanout(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			    u32 scanout, u32 id, u32 x, u32 y, u32 w, u32 h);
int virtgpu_cmd_transfer_to_host_2d(struct virtgpu_hw *hw, struct virtgpu_batch *b,
				    u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h);
int virtgpu_cmd_resource_flush(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			       u32 id, u32 x, u32 y, u32 w, u32 h);
int virtgpu_cmd_update_cursor(struct virtgpu_hw *hw, u32 scanout, u32 id,
			      u32 x, u32 y, u32 hot_x, u32 hot_y);
int virtgpu_cmd_move_cursor(struct virtgpu_hw *hw, u32 scanout, u32 id,
			    u32 x, u32 y);
void virtgpu_hw_kick(struct virtgpu_hw *hw);
u32 virtgpu_hw_new_resource_id(struct virtgpu_hw *hw);
int virtgpu_hw_map_backing(struct virtgpu_hw *hw, struct sg_table *sgt);
void virtgpu_hw_unmap_backing(struct virtgpu_hw *hw, struct sg_table *sgt);
void virtgpu_hw_sync_backing(struct virtgpu_hw *hw, struct sg_table *sgt);
int virtgpu_hw_panic_flush(struct virtgpu_hw *hw, struct sg_table *sgt, u32 id,
			   u64 offset, u32 x, u32 y, u32 w, u32 h);
void virtgpu_hw_panic_resume(struct virtgpu_hw *hw);

/* virtgpu_vq.c: command submission */
struct virtgpu_vbuf *virtgpu_vbuf_alloc(u32 cmd_len, u32 resp_len, gfp_t gfp);
void virtgpu_vbuf_put(struct virtgpu_vbuf *vbuf);
int virtgpu_queue_add(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf);
void virtgpu_queue_kick(struct virtgpu_queue *q);
int virtgpu_queue_panic_submit(struct virtgpu_queue *q,
			       struct virtgpu_vbuf **vbufs, unsigned int n);
void virtgpu_batch_init(struct virtgpu_batch *b);
void virtgpu_batch_track(struct virtgpu_batch *b, struct virtgpu_vbuf *vbuf);
int virtgpu_batch_wait(struct virtgpu_batch *b, unsigned long timeout);
void virtgpu_queue_init(struct virtgpu_queue *q, struct virtgpu_hw *hw,
			struct virtqueue *vq);
void virtgpu_queue_drain(struct virtgpu_queue *q);
void virtgpu_queue_done(struct virtqueue *vq);

#endif /* VIRTGPU_HW_H */
