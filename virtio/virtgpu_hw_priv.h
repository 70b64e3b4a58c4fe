/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The virtio layer's own structures. Only virtio/ includes this header:
 * the DRM side sees struct virtgpu_hw and the rest as opaque types and
 * goes through the functions of virtgpu_hw.h.
 */
#ifndef VIRTGPU_HW_PRIV_H
#define VIRTGPU_HW_PRIV_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "virtgpu_hw.h"

struct virtio_device;
struct virtqueue;

/**
 * struct virtgpu_vbuf - one command, queued or about to be
 * @ref: the queue holds one reference while the command is in flight; a
 *	synchronous waiter holds another
 * @node: entry in the dequeue or completion list
 * @batch_node: entry in a struct virtgpu_batch
 * @done: completed when the answer (or the failure) has been handled
 * @done_cb: runs exactly once, from the completion work, with the status
 * @fence: signalled with the answer; emitted (numbered) when queued
 * @payload: optional second buffer sent after the command (mem entries, a
 *	command stream); kvfree'd with the vbuf
 * @status: 0, -EIO (host error), -EPROTO (malformed answer), -ENODEV
 *	(device gone), -ETIMEDOUT (never queued: ring full too long)
 */
struct virtgpu_vbuf {
	struct kref ref;
	struct list_head node;
	struct list_head batch_node;
	struct completion done;
	virtgpu_done_t done_cb;
	void *priv;
	struct virtgpu_fence *fence;
	u32 cmd_type;
	u32 cmd_len;
	u32 resp_len;
	u32 resp_written;
	void *payload;
	u32 payload_len;
	int status;
	void *cmd;
	void *resp;
};

/*
 * A command buffer large enough for every fixed-size command the DRM side
 * sends from a commit tail (transfers, SET_SCANOUT, RESOURCE_FLUSH, cursor).
 */
#define VIRTGPU_SMALL_CMD	64

/**
 * struct virtgpu_queue - a virtqueue and the state to feed it
 * @lock: serialises every virtqueue call, @pending and @stash
 * @stash: answered commands a panic flush's poll took off the ring
 * @failed: commands that never reached the ring, for the completion work
 * @notifies: notifications actually sent to the device
 */
struct virtgpu_queue {
	struct virtgpu_hw *hw;
	struct virtqueue *vq;
	spinlock_t lock;	/* see above */
	unsigned int pending;
	struct list_head stash;
	struct list_head failed;
	wait_queue_head_t ack_wait;
	struct work_struct dequeue_work;
	atomic_t notifies;
};

/**
 * struct virtgpu_timeline - a dma_fence context: the kernel's commands, or
 *	one host context's (or one of its rings)
 * @ref: held by the owner and by every fence on the timeline, so a fence
 *	that outlives the device still has its lock and name
 * @lock: the fences' dma_fence lock; protects @pending and the counters
 * @pending: emitted, unsignalled fences in emission (= fence id) order
 * @hw: the device, for its owner's virtgpu_timeline_put() only: fences may
 *	outlive the device
 * @node: entry in virtgpu_hw.timelines
 */
struct virtgpu_timeline {
	struct kref ref;
	spinlock_t lock;	/* see above */
	struct virtgpu_hw *hw;
	u64 context;
	u32 ctx_id;
	u32 ring_idx;
	bool ring;
	struct list_head pending;
	u64 last_emitted;
	u64 last_signalled;
	struct list_head node;
	char name[32];
};

/**
 * struct virtgpu_fence - a dma_fence signalled by the host's answer to
 *	the command that carries it
 * @node: entry in the timeline's pending list once emitted
 * @fence_id: the device-wide id sent in the command header, 0 until emitted
 */
struct virtgpu_fence {
	struct dma_fence base;
	struct virtgpu_timeline *tl;
	struct list_head node;
	u64 fence_id;
};

struct virtgpu_cmd_stats {
	atomic_t sent;
	atomic_t ok;
	atomic_t err;		/* host answered with an error */
	atomic_t invalid;	/* malformed answer, or none (device gone) */
};

/**
 * struct virtgpu_backing - guest pages attached to host resources
 * @sgt: the pages, owned by the caller
 * @mapped: @sgt is DMA-mapped (only with the DMA API, until removal)
 * @node: entry in virtgpu_hw.backings, so removal can unmap it while the
 *	transport device still exists
 */
struct virtgpu_backing {
	struct sg_table *sgt;
	bool mapped;
	struct list_head node;
};

/* A capset fetched with GET_CAPSET, kept for the device's life. */
struct virtgpu_capset_cache {
	struct list_head node;
	u32 id;
	u32 version;
	u32 size;
	u8 data[];
};

/**
 * struct virtgpu_hw - the device as the virtio layer sees it
 * @ref: the virtio device's (dropped at removal) and the DRM device's
 * @dev: the virtio device's struct device, referenced for messages
 * @dma_dev: the transport device the DMA API maps for
 * @removed: set once at removal; every new command then fails -ENODEV
 * @state_lock: protects @scanouts, @edid, @edid_len, @capsets and @caps
 * @backing_lock: protects @backings
 * @tl_lock: protects @timelines
 * @fence_seq: last fence id handed out; under ctrlq.lock
 * @kernel_tl: the timeline of the kernel's own fenced commands
 * @panic: TRANSFER_TO_HOST_2D and RESOURCE_FLUSH allocated at probe for
 *	virtgpu_hw_panic_flush(), each with a reference of our own
 */
struct virtgpu_hw {
	struct kref ref;
	struct virtio_device *vdev;
	struct device *dev;
	struct device *dma_dev;
	const struct virtgpu_hw_ops *ops;
	void *ops_priv;
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
	struct list_head caps;

	atomic_t next_resource_id;
	struct ida ctx_ida;
	struct work_struct config_work;
	atomic_t display_events;
	struct virtgpu_cmd_stats stats[VIRTGPU_CMD_SLOTS];

	struct mutex backing_lock;	/* see above */
	struct list_head backings;
	spinlock_t tl_lock;		/* see above */
	struct list_head timelines;
	u64 fence_seq;
	struct virtgpu_timeline *kernel_tl;

	struct virtgpu_vbuf *panic[2];
	atomic_t panic_busy;
};

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

/* virtgpu_vq.c */
struct virtgpu_vbuf *virtgpu_vbuf_alloc(u32 cmd_len, u32 resp_len, gfp_t gfp);
void virtgpu_vbuf_put(struct virtgpu_vbuf *vbuf);
int virtgpu_queue_add(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf);
int virtgpu_queue_add_failed(struct virtgpu_queue *q,
			     struct virtgpu_vbuf *vbuf, int status);
void virtgpu_queue_kick(struct virtgpu_queue *q);
void virtgpu_queue_init(struct virtgpu_queue *q, struct virtgpu_hw *hw,
			struct virtqueue *vq);
void virtgpu_queue_drain(struct virtgpu_queue *q);
void virtgpu_queue_done(struct virtqueue *vq);
void virtgpu_batch_init(struct virtgpu_batch *b);
void virtgpu_batch_track(struct virtgpu_batch *b, struct virtgpu_vbuf *vbuf);
int virtgpu_batch_wait(struct virtgpu_batch *b, unsigned long timeout);
int virtgpu_queue_panic_submit(struct virtgpu_queue *q,
			       struct virtgpu_vbuf **vbufs, unsigned int n);
struct virtgpu_cmd_stats *virtgpu_hw_stats(struct virtgpu_hw *hw, u32 cmd_type);

/* virtgpu_cmd.c: building and queueing commands */
struct virtgpu_vbuf *virtgpu_cmd_get(struct virtgpu_hw *hw,
				     struct virtgpu_cmds *pool, u32 cmd_len,
				     struct virtgpu_fence *fence);
int virtgpu_cmd_submit(struct virtgpu_hw *hw, struct virtgpu_vbuf *vbuf,
		       int encoded, struct virtgpu_fence *fence,
		       struct virtgpu_batch *b);

/* virtgpu_fence.c */
void virtgpu_fence_emit(struct virtgpu_hw *hw, struct virtgpu_fence *fence,
			void *cmd, u32 cmd_len);
void virtgpu_fence_unemit(struct virtgpu_fence *fence);
void virtgpu_fence_complete(struct virtgpu_fence *fence, int status);

/* virtgpu_display.c */
void virtgpu_scanouts_off(struct virtgpu_hw *hw, unsigned long timeout);

/* virtgpu_backing.c */
int virtgpu_backing_mem_entries(struct virtgpu_hw *hw,
				const struct virtgpu_backing *b,
				void **entries, u32 *len, u32 *count);
void virtgpu_backing_unmap_all(struct virtgpu_hw *hw);

#endif /* VIRTGPU_HW_PRIV_H */
