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
	struct list_head node;
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
 * @lock: serialises every virtqueue call and @pending
 */
struct virtgpu_queue {
	struct virtgpu_hw *hw;
	struct virtqueue *vq;
	spinlock_t lock;	/* see above */
	unsigned int pending;
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
	u32 num_scanouts;
	u32 num_capsets;

	struct mutex state_lock;	/* see above */
	struct virtgpu_scanout_info scanouts[VIRTGPU_MAX_SCANOUTS];
	u8 *edid[VIRTGPU_MAX_SCANOUTS];
	u32 edid_len[VIRTGPU_MAX_SCANOUTS];
	struct virtgpu_capset_info *capsets;

	struct work_struct config_work;
	atomic_t display_events;
	struct virtgpu_cmd_stats stats[VIRTGPU_CMD_SLOTS];
};

/* Device features we negotiate, for the virtio_driver's feature table. */
extern const unsigned int virtgpu_hw_features[];
extern const unsigned int virtgpu_hw_num_features;

/* virtgpu_hw.c: device lifetime and the queries made at probe */
int virtgpu_hw_init(struct virtgpu_hw *hw, struct virtio_device *vdev,
		    const struct virtgpu_hw_ops *ops);
void virtgpu_hw_fini(struct virtgpu_hw *hw);
void virtgpu_hw_config_changed(struct virtgpu_hw *hw);

/* virtgpu_vq.c: command submission */
struct virtgpu_vbuf *virtgpu_vbuf_alloc(u32 cmd_len, u32 resp_len, gfp_t gfp);
void virtgpu_vbuf_put(struct virtgpu_vbuf *vbuf);
int virtgpu_queue_add(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf);
void virtgpu_queue_kick(struct virtgpu_queue *q);
int virtgpu_vbuf_wait(struct virtgpu_vbuf *vbuf, unsigned long deadline);
void virtgpu_queue_init(struct virtgpu_queue *q, struct virtgpu_hw *hw,
			struct virtqueue *vq);
void virtgpu_queue_drain(struct virtgpu_queue *q);
void virtgpu_queue_done(struct virtqueue *vq);

#endif /* VIRTGPU_HW_H */
