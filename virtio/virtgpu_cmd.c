// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Building and queueing commands: a command buffer comes from the
 * caller's pool of preallocated ones or is allocated, is encoded by the
 * protocol code, and is queued with its optional fence; an encoding
 * failure still completes it (callback, fence) like any other command.
 */
#include <linux/slab.h>

#include "virtgpu_hw_priv.h"

/* Every control command gets at least a header back. */
#define VIRTGPU_RESP_HDR	sizeof(struct virtio_gpu_ctrl_hdr)

void virtgpu_cmds_init(struct virtgpu_cmds *c)
{
	INIT_LIST_HEAD(&c->free);
	c->count = 0;
}

/**
 * virtgpu_cmds_reserve - allocate @n small command buffers into @c
 * @c: the pool
 * @n: how many more
 *
 * For paths that may not fail once they start (a commit tail): the
 * display and resource verbs given @c take their buffer from it.
 *
 * Return: 0, or -ENOMEM (the pool keeps what it got).
 */
int virtgpu_cmds_reserve(struct virtgpu_cmds *c, unsigned int n)
{
	struct virtgpu_vbuf *vbuf;

	while (n--) {
		vbuf = virtgpu_vbuf_alloc(VIRTGPU_SMALL_CMD, VIRTGPU_RESP_HDR,
					  GFP_KERNEL);
		if (!vbuf)
			return -ENOMEM;
		list_add_tail(&vbuf->node, &c->free);
		c->count++;
	}
	return 0;
}

/* Free what the pool still holds. */
void virtgpu_cmds_release(struct virtgpu_cmds *c)
{
	struct virtgpu_vbuf *vbuf, *tmp;

	list_for_each_entry_safe(vbuf, tmp, &c->free, node) {
		list_del_init(&vbuf->node);
		virtgpu_vbuf_put(vbuf);
	}
	c->count = 0;
}

/*
 * A command buffer of @cmd_len bytes with room for a header answer: from
 * @pool when given (the command must fit VIRTGPU_SMALL_CMD), else newly
 * allocated. Without one (pool empty, memory short) @fence, the fence the
 * command would have carried, is signalled with -ENOMEM, and NULL returned.
 */
struct virtgpu_vbuf *virtgpu_cmd_get(struct virtgpu_hw *hw,
				     struct virtgpu_cmds *pool, u32 cmd_len,
				     struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf = NULL;

	if (!pool) {
		vbuf = virtgpu_vbuf_alloc(cmd_len, VIRTGPU_RESP_HDR, GFP_KERNEL);
	} else if (!WARN_ON_ONCE(cmd_len > VIRTGPU_SMALL_CMD) &&
		   !list_empty(&pool->free)) {
		vbuf = list_first_entry(&pool->free, struct virtgpu_vbuf, node);
		list_del_init(&vbuf->node);
		pool->count--;
		vbuf->cmd_len = cmd_len;
	}
	if (!vbuf && fence)
		virtgpu_fence_complete(fence, -ENOMEM);
	return vbuf;
}

/**
 * virtgpu_cmd_submit - queue an encoded control command
 * @hw: the device
 * @vbuf: from virtgpu_cmd_get(); consumed
 * @encoded: the encoder's result: the length, or a negative errno
 * @fence: signalled with the answer; the command takes a reference
 * @b: a batch to track the command for a synchronous waiter, or NULL
 *
 * A command that cannot be queued (bad encoding, device gone, ring full
 * too long) completes with the error: its fence is signalled and its
 * callback runs, from the completion work.
 *
 * Return: 0 or the error.
 */
int virtgpu_cmd_submit(struct virtgpu_hw *hw, struct virtgpu_vbuf *vbuf,
		       int encoded, struct virtgpu_fence *fence,
		       struct virtgpu_batch *b)
{
	int ret;

	if (fence) {
		dma_fence_get(&fence->base);
		vbuf->fence = fence;
	}
	if (b)
		virtgpu_batch_track(b, vbuf);
	if (encoded < 0) {
		/* Complete it like any failed command, with the header typed. */
		vbuf->cmd_type = le32_to_cpu(((struct virtio_gpu_ctrl_hdr *)
					      vbuf->cmd)->type);
		ret = virtgpu_queue_add_failed(&hw->ctrlq, vbuf, encoded);
	} else {
		vbuf->cmd_len = encoded;
		ret = virtgpu_queue_add(&hw->ctrlq, vbuf);
	}
	if (ret && b && !b->ret)
		b->ret = ret;
	return ret;
}

/* Notify the device once for everything queued on both queues. */
void virtgpu_hw_kick(struct virtgpu_hw *hw)
{
	virtgpu_queue_kick(&hw->ctrlq);
	virtgpu_queue_kick(&hw->cursorq);
}
