// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fences: a struct virtgpu_fence is a dma_fence that the host's answer to
 * one command signals. Each lives on a timeline: the kernel's own (display
 * flushes, resource creation, transfers), a host context's, or one ring of
 * a context. A fence gets its device-wide fence id when its command enters
 * the ring, under the queue lock, so ids follow ring order; the host
 * answers fenced commands of one timeline in that order, so an answer
 * signals its fence and every earlier one of the timeline still pending.
 *
 * Timelines are reference counted by their owner and by their fences: a
 * fence exported to userspace may outlive the file, even the device, and
 * still needs its lock and name. Removal signals every pending fence with
 * -ENODEV through the queues' drain.
 */
#include <linux/dma-fence.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "virtgpu_hw_priv.h"

static const char *virtgpu_fence_driver_name(struct dma_fence *f)
{
	return "virtgpu";
}

static const char *virtgpu_fence_timeline_name(struct dma_fence *f)
{
	return container_of(f, struct virtgpu_fence, base)->tl->name;
}

static void virtgpu_timeline_release(struct kref *ref)
{
	kfree(container_of(ref, struct virtgpu_timeline, ref));
}

static void virtgpu_fence_release(struct dma_fence *f)
{
	struct virtgpu_fence *fence = container_of(f, struct virtgpu_fence, base);
	struct virtgpu_timeline *tl = fence->tl;

	dma_fence_free(f);
	kref_put(&tl->ref, virtgpu_timeline_release);
}

static const struct dma_fence_ops virtgpu_fence_ops = {
	.get_driver_name = virtgpu_fence_driver_name,
	.get_timeline_name = virtgpu_fence_timeline_name,
	.release = virtgpu_fence_release,
};

static struct virtgpu_timeline *virtgpu_timeline_alloc(u32 ctx_id, u32 ring_idx,
						       bool ring)
{
	struct virtgpu_timeline *tl = kzalloc(sizeof(*tl), GFP_KERNEL);

	if (!tl)
		return NULL;
	kref_init(&tl->ref);
	spin_lock_init(&tl->lock);
	INIT_LIST_HEAD(&tl->pending);
	INIT_LIST_HEAD(&tl->node);
	tl->context = dma_fence_context_alloc(1);
	tl->ctx_id = ctx_id;
	tl->ring_idx = ring_idx;
	tl->ring = ring;
	if (ring)
		snprintf(tl->name, sizeof(tl->name), "ctx%u-ring%u", ctx_id,
			 ring_idx);
	else if (ctx_id)
		snprintf(tl->name, sizeof(tl->name), "ctx%u", ctx_id);
	else
		strscpy(tl->name, "kernel", sizeof(tl->name));
	return tl;
}

/**
 * virtgpu_timeline_create - a timeline for the fences of host context
 *	@ctx_id (0: the kernel's), on ring @ring_idx if @ring
 * @hw: the device
 * @ctx_id: host context id
 * @ring_idx: ring of the context (fewer than VIRTGPU_MAX_RINGS)
 * @ring: whether fences name the ring (VIRTIO_GPU_FLAG_INFO_RING_IDX)
 *
 * Return: the timeline with one reference for the caller, or NULL.
 */
struct virtgpu_timeline *virtgpu_timeline_create(struct virtgpu_hw *hw,
						 u32 ctx_id, u32 ring_idx,
						 bool ring)
{
	struct virtgpu_timeline *tl;

	if (ring_idx >= VIRTGPU_MAX_RINGS)
		return NULL;
	tl = virtgpu_timeline_alloc(ctx_id, ring_idx, ring);
	if (!tl)
		return NULL;
	tl->hw = hw;
	spin_lock(&hw->tl_lock);
	list_add_tail(&tl->node, &hw->timelines);
	spin_unlock(&hw->tl_lock);
	return tl;
}

/**
 * virtgpu_timeline_put - the owner lets go of @tl
 * @tl: a timeline from virtgpu_timeline_create()
 *
 * Pending fences keep it alive (and are signalled when their commands
 * complete); it just leaves the device's list of timelines.
 */
void virtgpu_timeline_put(struct virtgpu_timeline *tl)
{
	struct virtgpu_hw *hw;

	if (!tl)
		return;
	hw = tl->hw;
	if (hw) {
		spin_lock(&hw->tl_lock);
		list_del_init(&tl->node);
		spin_unlock(&hw->tl_lock);
	}
	kref_put(&tl->ref, virtgpu_timeline_release);
}

struct virtgpu_timeline *virtgpu_hw_kernel_timeline(struct virtgpu_hw *hw)
{
	return hw->kernel_tl;
}

u64 virtgpu_timeline_context(const struct virtgpu_timeline *tl)
{
	return tl->context;
}

/**
 * virtgpu_fence_alloc - a fence on @tl for one command not yet queued
 * @tl: its timeline
 *
 * The fence is not numbered before its command is queued; until then it
 * must not be published (added to a reservation object or exported).
 *
 * Return: the fence, or NULL without memory.
 */
struct virtgpu_fence *virtgpu_fence_alloc(struct virtgpu_timeline *tl)
{
	struct virtgpu_fence *fence = kzalloc(sizeof(*fence), GFP_KERNEL);

	if (!fence)
		return NULL;
	kref_get(&tl->ref);
	fence->tl = tl;
	INIT_LIST_HEAD(&fence->node);
	dma_fence_init(&fence->base, &virtgpu_fence_ops, &tl->lock, tl->context, 0);
	return fence;
}

struct dma_fence *virtgpu_fence_dma(struct virtgpu_fence *fence)
{
	return &fence->base;
}

void virtgpu_fence_put(struct virtgpu_fence *fence)
{
	if (fence)
		dma_fence_put(&fence->base);
}

/*
 * Number @fence and mark its command @cmd as fenced. Called under the
 * control queue's lock right before the command enters the ring, so ids
 * (and dma_fence seqnos) follow ring order. The pending list holds a
 * reference until the fence is signalled.
 */
void virtgpu_fence_emit(struct virtgpu_hw *hw, struct virtgpu_fence *fence,
			void *cmd, u32 cmd_len)
{
	struct virtgpu_timeline *tl = fence->tl;

	unsigned long flags;

	fence->fence_id = ++hw->fence_seq;
	fence->base.seqno = fence->fence_id;
	virtgpu_hdr_set_fence(cmd, cmd_len, fence->fence_id, tl->ring,
			      tl->ring_idx);
	/* Others take a dma_fence lock from any context: always irqsave. */
	spin_lock_irqsave(&tl->lock, flags);
	dma_fence_get(&fence->base);
	list_add_tail(&fence->node, &tl->pending);
	tl->last_emitted = fence->fence_id;
	spin_unlock_irqrestore(&tl->lock, flags);
}

/* The command did not enter the ring after all: forget the number. */
void virtgpu_fence_unemit(struct virtgpu_fence *fence)
{
	struct virtgpu_timeline *tl = fence->tl;
	unsigned long flags;

	spin_lock_irqsave(&tl->lock, flags);
	list_del_init(&fence->node);
	spin_unlock_irqrestore(&tl->lock, flags);
	dma_fence_put(&fence->base);
	fence->fence_id = 0;
	fence->base.seqno = 0;
}

/*
 * @fence's command is done with @status: signal it, with @status as its
 * error, and every fence emitted before it on its timeline. A fence whose
 * command never entered the ring is signalled alone.
 */
void virtgpu_fence_complete(struct virtgpu_fence *fence, int status)
{
	struct virtgpu_timeline *tl = fence->tl;
	struct virtgpu_fence *f, *tmp;
	LIST_HEAD(signalled);
	unsigned long flags;

	spin_lock_irqsave(&tl->lock, flags);
	if (!fence->fence_id) {
		if (status)
			dma_fence_set_error(&fence->base, status);
		dma_fence_signal_locked(&fence->base);
		spin_unlock_irqrestore(&tl->lock, flags);
		return;
	}
	list_for_each_entry_safe(f, tmp, &tl->pending, node) {
		if (f->fence_id > fence->fence_id)
			break;
		if (f == fence && status)
			dma_fence_set_error(&f->base, status);
		dma_fence_signal_locked(&f->base);
		tl->last_signalled = f->fence_id;
		list_move_tail(&f->node, &signalled);
	}
	spin_unlock_irqrestore(&tl->lock, flags);
	/* The pending list's references, dropped outside the lock. */
	list_for_each_entry_safe(f, tmp, &signalled, node) {
		list_del_init(&f->node);
		dma_fence_put(&f->base);
	}
}

/* debugfs: every timeline's last emitted and signalled fence id. */
void virtgpu_hw_show_fences(struct virtgpu_hw *hw, struct seq_file *m)
{
	struct virtgpu_timeline *tl;
	struct virtgpu_fence *f;
	unsigned int pending;

	seq_printf(m, "fence_seq %llu\n", hw->fence_seq);
	spin_lock(&hw->tl_lock);
	list_for_each_entry(tl, &hw->timelines, node) {
		pending = 0;
		spin_lock_irq(&tl->lock);
		list_for_each_entry(f, &tl->pending, node)
			pending++;
		seq_printf(m, "timeline %s context %llu emitted %llu signalled %llu pending %u\n",
			   tl->name, tl->context, tl->last_emitted,
			   tl->last_signalled, pending);
		spin_unlock_irq(&tl->lock);
	}
	spin_unlock(&hw->tl_lock);
}
