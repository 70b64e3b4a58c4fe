// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Command submission over the kernel's virtqueues: queueing with bounded
 * ring-full waits, fence numbering in ring order, batched notification,
 * and one completion path for every command, answered or not: the
 * dequeue work validates answers, signals fences, runs callbacks.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/virtio.h>

#include "virtgpu_hw_priv.h"

/* How long a full ring may keep a command out before we give up on it. */
#define VIRTGPU_RING_TIMEOUT	(5 * HZ)

struct virtgpu_vbuf *virtgpu_vbuf_alloc(u32 cmd_len, u32 resp_len, gfp_t gfp)
{
	struct virtgpu_vbuf *vbuf;

	/* One allocation: command and response live right after the struct. */
	vbuf = kzalloc(sizeof(*vbuf) + cmd_len + resp_len, gfp);
	if (!vbuf)
		return NULL;
	kref_init(&vbuf->ref);
	init_completion(&vbuf->done);
	INIT_LIST_HEAD(&vbuf->node);
	vbuf->cmd = vbuf + 1;
	vbuf->cmd_len = cmd_len;
	vbuf->resp = (u8 *)vbuf->cmd + cmd_len;
	vbuf->resp_len = resp_len;
	return vbuf;
}

static void virtgpu_vbuf_release(struct kref *ref)
{
	struct virtgpu_vbuf *vbuf = container_of(ref, struct virtgpu_vbuf, ref);

	if (vbuf->fence)
		virtgpu_fence_put(vbuf->fence);
	kvfree(vbuf->payload);
	kfree(vbuf);
}

void virtgpu_vbuf_put(struct virtgpu_vbuf *vbuf)
{
	kref_put(&vbuf->ref, virtgpu_vbuf_release);
}

struct virtgpu_cmd_stats *virtgpu_hw_stats(struct virtgpu_hw *hw, u32 cmd_type)
{
	int slot = virtgpu_cmd_slot(cmd_type);

	return slot < 0 ? NULL : &hw->stats[slot];
}

/*
 * The single end of every command: count it, signal its fence, run its
 * callback, wake waiters, drop the queue's reference. Process context,
 * never with a queue lock held (the callback may free memory or sleep).
 */
static void virtgpu_vbuf_finish(struct virtgpu_hw *hw,
				struct virtgpu_vbuf *vbuf, int status)
{
	struct virtgpu_cmd_stats *stats = virtgpu_hw_stats(hw, vbuf->cmd_type);
	const char *name = virtgpu_type_name(vbuf->cmd_type);
	u32 resp_type = 0;

	if (!status && vbuf->resp_len) {
		if (vbuf->resp_written >= sizeof(struct virtio_gpu_ctrl_hdr))
			resp_type = le32_to_cpu(((struct virtio_gpu_ctrl_hdr *)
						 vbuf->resp)->type);
		status = virtgpu_resp_check(vbuf->resp, vbuf->resp_written,
					    virtgpu_cmd_resp_type(vbuf->cmd_type));
	}
	vbuf->status = status;

	if (status == -EIO)
		dev_err_ratelimited(hw->dev, "%s failed: %s (0x%x)\n",
				    name, virtgpu_type_name(resp_type),
				    resp_type);
	else if (status == -EPROTO)
		dev_err_ratelimited(hw->dev,
				    "%s: malformed response (type 0x%x, %u bytes)\n",
				    name, resp_type, vbuf->resp_written);
	if (stats)
		atomic_inc(!status ? &stats->ok :
			   status == -EIO ? &stats->err : &stats->invalid);

	if (vbuf->fence)
		virtgpu_fence_complete(vbuf->fence, status);
	if (vbuf->done_cb)
		vbuf->done_cb(vbuf->priv, status);
	complete_all(&vbuf->done);
	virtgpu_vbuf_put(vbuf);
}

/* vmalloc'ed payloads (large backing lists, streams) are not contiguous. */
static int virtgpu_vmalloc_sgt(struct sg_table *sgt, void *data, u32 len)
{
	unsigned int n = DIV_ROUND_UP(offset_in_page(data) + len, PAGE_SIZE);
	struct scatterlist *sg;
	unsigned int i, chunk;
	int ret;

	ret = sg_alloc_table(sgt, n, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(sgt, sg, i) {
		chunk = min_t(u32, len, PAGE_SIZE - offset_in_page(data));
		sg_set_page(sg, vmalloc_to_page(data), chunk, offset_in_page(data));
		data += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Add @vbuf to the ring, numbering its fence in ring order. Sleeps
 * (killable, bounded) while the ring is full; checks for removal first,
 * so a removed device's virtqueue is never touched.
 */
static int virtgpu_queue_add_sgs(struct virtgpu_queue *q,
				 struct virtgpu_vbuf *vbuf,
				 struct scatterlist **sgs, unsigned int outs,
				 unsigned int ins, unsigned int need)
{
	struct virtgpu_hw *hw = q->hw;
	long left;
	int ret;

	for (;;) {
		spin_lock(&q->lock);
		if (READ_ONCE(hw->removed)) {
			ret = -ENODEV;
			break;
		}
		if (vbuf->fence)
			virtgpu_fence_emit(hw, vbuf->fence, vbuf->cmd,
					   vbuf->cmd_len);
		ret = virtqueue_add_sgs(q->vq, sgs, outs, ins, vbuf, GFP_ATOMIC);
		if (ret && vbuf->fence)
			virtgpu_fence_unemit(vbuf->fence);
		if (ret != -ENOSPC)
			break;
		spin_unlock(&q->lock);
		/* Let the device drain what is queued, then retry. */
		virtgpu_queue_kick(q);
		left = wait_event_killable_timeout(q->ack_wait,
						   READ_ONCE(hw->removed) ||
						   q->vq->num_free >= need,
						   VIRTGPU_RING_TIMEOUT);
		if (left == -ERESTARTSYS)
			return -EINTR;
		if (!left && !READ_ONCE(hw->removed)) {
			dev_err_ratelimited(hw->dev,
					    "%s queue full for %u s: the host does not answer\n",
					    q == &hw->ctrlq ? "control" : "cursor",
					    VIRTGPU_RING_TIMEOUT / HZ);
			return -ETIMEDOUT;
		}
	}
	if (!ret)
		q->pending++;
	spin_unlock(&q->lock);
	return ret;
}

/*
 * Hand a command that never reached the ring to the completion work,
 * which finishes it with @status (its fence, its callback). Returns
 * @status.
 */
int virtgpu_queue_add_failed(struct virtgpu_queue *q,
			     struct virtgpu_vbuf *vbuf, int status)
{
	vbuf->status = status;
	spin_lock(&q->lock);
	list_add_tail(&vbuf->node, &q->failed);
	spin_unlock(&q->lock);
	schedule_work(&q->dequeue_work);
	return status;
}

/*
 * Queue @vbuf without notifying the device; virtgpu_queue_kick() does that
 * once for a batch. Takes over the caller's reference to @vbuf, also on
 * failure, when the command completes with the error from the completion
 * work like an answered one: its fence is signalled, its callback runs.
 */
int virtgpu_queue_add(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf)
{
	struct scatterlist cmd_sg, data_sg, resp_sg, *sgs[3];
	struct virtgpu_hw *hw = q->hw;
	struct sg_table data_sgt = { };
	struct virtgpu_cmd_stats *stats;
	unsigned int outs = 0, ins = 0, need;
	int ret = 0;

	vbuf->cmd_type = le32_to_cpu(((struct virtio_gpu_ctrl_hdr *)vbuf->cmd)->type);
	sg_init_one(&cmd_sg, vbuf->cmd, vbuf->cmd_len);
	sgs[outs++] = &cmd_sg;
	need = 1;
	if (vbuf->payload_len && is_vmalloc_addr(vbuf->payload)) {
		ret = virtgpu_vmalloc_sgt(&data_sgt, vbuf->payload,
					  vbuf->payload_len);
		sgs[outs++] = data_sgt.sgl;
		need += data_sgt.nents;
	} else if (vbuf->payload_len) {
		sg_init_one(&data_sg, vbuf->payload, vbuf->payload_len);
		sgs[outs++] = &data_sg;
		need++;
	}
	if (vbuf->resp_len) {
		sg_init_one(&resp_sg, vbuf->resp, vbuf->resp_len);
		sgs[outs + ins++] = &resp_sg;
		need++;
	}
	if (!ret)
		ret = virtgpu_queue_add_sgs(q, vbuf, sgs, outs, ins,
					    hw->has_indirect ? 1 : need);
	/* The ring holds its own descriptors now: the table can go. */
	sg_free_table(&data_sgt);

	stats = virtgpu_hw_stats(hw, vbuf->cmd_type);
	if (ret)
		return virtgpu_queue_add_failed(q, vbuf, ret);
	if (stats)
		atomic_inc(&stats->sent);
	return 0;
}

void virtgpu_queue_kick(struct virtgpu_queue *q)
{
	bool notify = false;

	spin_lock(&q->lock);
	/* After removal the virtqueue is gone; pending was cleared by drain. */
	if (q->pending && !READ_ONCE(q->hw->removed))
		notify = virtqueue_kick_prepare(q->vq);
	q->pending = 0;
	spin_unlock(&q->lock);
	/* Notifying may trap to the host: do it outside the lock. */
	if (notify) {
		virtqueue_notify(q->vq);
		atomic_inc(&q->notifies);
	}
}

void virtgpu_batch_init(struct virtgpu_batch *b)
{
	INIT_LIST_HEAD(&b->vbufs);
	b->ret = 0;
}

/* Keep a reference to @vbuf, which is about to be queued, for the waiter. */
void virtgpu_batch_track(struct virtgpu_batch *b, struct virtgpu_vbuf *vbuf)
{
	kref_get(&vbuf->ref);
	list_add_tail(&vbuf->batch_node, &b->vbufs);
}

/*
 * Wait for every command of @b, at most @timeout jiffies in all, and drop
 * the batch's references. Returns the first error (-ETIMEDOUT if the host
 * did not answer in time; such commands are freed when it does).
 */
int virtgpu_batch_wait(struct virtgpu_batch *b, unsigned long timeout)
{
	unsigned long deadline = jiffies + timeout;
	struct virtgpu_vbuf *vbuf, *tmp;
	long left;
	int ret;

	list_for_each_entry_safe(vbuf, tmp, &b->vbufs, batch_node) {
		left = (long)(deadline - jiffies);
		if (left > 0 && wait_for_completion_timeout(&vbuf->done, left))
			ret = vbuf->status;
		else
			ret = completion_done(&vbuf->done) ? vbuf->status : -ETIMEDOUT;
		if (ret && !b->ret)
			b->ret = ret;
		list_del(&vbuf->batch_node);
		virtgpu_vbuf_put(vbuf);
	}
	return b->ret;
}

/*
 * Completion work: answered commands (off the ring, or stashed by a panic
 * flush's poll) and commands that never got there. After removal the
 * virtqueue is gone and only the lists are looked at.
 */
static void virtgpu_queue_dequeue_work(struct work_struct *work)
{
	struct virtgpu_queue *q = container_of(work, struct virtgpu_queue,
					       dequeue_work);
	struct virtgpu_vbuf *vbuf, *tmp;
	LIST_HEAD(done);
	LIST_HEAD(failed);
	unsigned int len;

	spin_lock(&q->lock);
	/* Answered before anything still on the ring. */
	list_splice_tail_init(&q->stash, &done);
	list_splice_tail_init(&q->failed, &failed);
	if (!READ_ONCE(q->hw->removed)) {
		do {
			virtqueue_disable_cb(q->vq);
			while ((vbuf = virtqueue_get_buf(q->vq, &len))) {
				/* Never trust the device's length beyond our buffer. */
				vbuf->resp_written = min(len, vbuf->resp_len);
				list_add_tail(&vbuf->node, &done);
			}
		} while (!virtqueue_enable_cb(q->vq));
	}
	spin_unlock(&q->lock);

	list_for_each_entry_safe(vbuf, tmp, &done, node) {
		list_del(&vbuf->node);
		virtgpu_vbuf_finish(q->hw, vbuf, 0);
	}
	list_for_each_entry_safe(vbuf, tmp, &failed, node) {
		list_del(&vbuf->node);
		virtgpu_vbuf_finish(q->hw, vbuf, vbuf->status);
	}
	wake_up_all(&q->ack_wait);
}

/* Virtqueue interrupt callback: defer to process context. */
void virtgpu_queue_done(struct virtqueue *vq)
{
	struct virtgpu_hw *hw = vq->vdev->priv;

	/* vq->priv belongs to the transport; find our queue by index. */
	schedule_work(vq->index == 0 ? &hw->ctrlq.dequeue_work :
		      &hw->cursorq.dequeue_work);
}

void virtgpu_queue_init(struct virtgpu_queue *q, struct virtgpu_hw *hw,
			struct virtqueue *vq)
{
	q->hw = hw;
	q->vq = vq;
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->stash);
	INIT_LIST_HEAD(&q->failed);
	init_waitqueue_head(&q->ack_wait);
	INIT_WORK(&q->dequeue_work, virtgpu_queue_dequeue_work);
}

/*
 * After the device has been reset, with hw->removed set: finish what it
 * answered, then fail every command it never will (-ENODEV), so that
 * fences signal and waiters and callbacks all return. The virtqueue is
 * not touched after this.
 */
void virtgpu_queue_drain(struct virtgpu_queue *q)
{
	struct virtgpu_vbuf *vbuf;
	LIST_HEAD(done);
	unsigned int len;

	flush_work(&q->dequeue_work);
	spin_lock(&q->lock);
	while ((vbuf = virtqueue_get_buf(q->vq, &len))) {
		vbuf->resp_written = min(len, vbuf->resp_len);
		list_add_tail(&vbuf->node, &done);
	}
	while ((vbuf = virtqueue_detach_unused_buf(q->vq))) {
		vbuf->status = -ENODEV;
		list_add_tail(&vbuf->node, &q->failed);
	}
	q->pending = 0;
	list_splice(&done, &q->stash);
	spin_unlock(&q->lock);
	/* The work now only looks at the lists. */
	virtgpu_queue_dequeue_work(&q->dequeue_work);
}

/* Poll for a panic flush's answers for about a second, in 5 us steps. */
#define VIRTGPU_PANIC_POLLS	200000

static void virtgpu_vbuf_no_release(struct kref *ref)
{
	/* Panic commands keep a reference of their own: never reached. */
}

/*
 * Queue @n commands (n <= 8) allocated beforehand, notify the device and
 * busy-wait for the answers, for a panic: no sleeping, no lock wait (the
 * interrupted context may hold the queue lock: then -EBUSY), no allocation
 * but the virtqueue's GFP_ATOMIC indirect table, which falls back to
 * direct descriptors. The caller holds a reference to each command, so
 * none is freed here or by the dequeue work. Answers of other commands
 * that the poll takes off the ring go to @stash for the dequeue work.
 * Returns 0 when every command was answered OK, -ETIMEDOUT if some were
 * not (the dequeue work finishes them later), or the first error.
 */
int virtgpu_queue_panic_submit(struct virtgpu_queue *q,
			       struct virtgpu_vbuf **vbufs, unsigned int n)
{
	struct scatterlist cmd_sg, resp_sg, *sgs[2] = { &cmd_sg, &resp_sg };
	struct virtgpu_cmd_stats *stats;
	unsigned int i, added, polls, len;
	unsigned long queued = 0, answered = 0;
	struct virtgpu_vbuf *vbuf;
	int ret = 0;

	if (n > 8)
		return -EINVAL;
	if (READ_ONCE(q->hw->removed))
		return -ENODEV;
	if (!spin_trylock(&q->lock))
		return -EBUSY;
	for (added = 0; added < n; added++) {
		vbuf = vbufs[added];
		vbuf->cmd_type = le32_to_cpu(((struct virtio_gpu_ctrl_hdr *)
					      vbuf->cmd)->type);
		vbuf->resp_written = 0;
		vbuf->status = 0;
		reinit_completion(&vbuf->done);
		sg_init_one(&cmd_sg, vbuf->cmd, vbuf->cmd_len);
		sg_init_one(&resp_sg, vbuf->resp, vbuf->resp_len);
		kref_get(&vbuf->ref);	/* the ring's, as for any command */
		ret = virtqueue_add_sgs(q->vq, sgs, 1, 1, vbuf,
					GFP_ATOMIC | __GFP_NOWARN);
		if (ret) {
			kref_put(&vbuf->ref, virtgpu_vbuf_no_release);
			break;
		}
		queued |= BIT(added);
		stats = virtgpu_hw_stats(q->hw, vbuf->cmd_type);
		if (stats)
			atomic_inc(&stats->sent);
	}
	if (added && virtqueue_kick_prepare(q->vq)) {
		virtqueue_notify(q->vq);
		atomic_inc(&q->notifies);
	}
	q->pending = 0;

	for (polls = 0; answered != queued && polls < VIRTGPU_PANIC_POLLS;
	     polls++) {
		while ((vbuf = virtqueue_get_buf(q->vq, &len))) {
			vbuf->resp_written = min(len, vbuf->resp_len);
			for (i = 0; i < added && vbuf != vbufs[i]; i++)
				;
			if (i < added)
				answered |= BIT(i);
			else
				list_add_tail(&vbuf->node, &q->stash);
		}
		if (answered != queued)
			udelay(5);
	}
	spin_unlock(&q->lock);

	/* No callbacks, fences or waiters: finishing them takes no wait. */
	for (i = 0; i < added; i++) {
		if (!(answered & BIT(i))) {
			ret = ret ?: -ETIMEDOUT;
			continue;
		}
		virtgpu_vbuf_finish(q->hw, vbufs[i], 0);
		ret = ret ?: vbufs[i]->status;
	}
	return ret;
}
