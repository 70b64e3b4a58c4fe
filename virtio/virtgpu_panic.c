// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * drm_panic's flush: upload and show a rectangle with two commands
 * allocated at probe, without sleeping, allocating or waiting for a lock
 * the interrupted context could hold (virtgpu_queue_panic_submit()).
 */
#include "virtgpu_hw_priv.h"

/**
 * virtgpu_hw_panic_flush - TRANSFER_TO_HOST_2D and RESOURCE_FLUSH of a
 *	rectangle of resource @id, polled for their answers
 * @hw: the device
 * @b: the resource's backing
 * @id: the resource
 * @offset: where the rectangle's first pixel is in the backing
 * @x: rectangle
 * @y: rectangle
 * @w: rectangle
 * @h: rectangle
 *
 * Return: 0, -EBUSY while a previous panic flush is running or its
 * commands are still with the device, or another error.
 */
int virtgpu_hw_panic_flush(struct virtgpu_hw *hw, struct virtgpu_backing *b,
			   u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h)
{
	struct virtgpu_vbuf **v = hw->panic;
	int ret;

	if (!v[0] || !v[1])
		return -ENODEV;
	if (atomic_cmpxchg(&hw->panic_busy, 0, 1))
		return -EBUSY;
	/* Only our own reference left: the device is done with them. */
	if (kref_read(&v[0]->ref) != 1 || kref_read(&v[1]->ref) != 1) {
		ret = -EBUSY;
		goto out;
	}
	ret = virtgpu_encode_transfer_to_host_2d(v[0]->cmd, v[0]->cmd_len, id,
						 offset, x, y, w, h);
	if (ret >= 0)
		ret = virtgpu_encode_resource_flush(v[1]->cmd, v[1]->cmd_len, id,
						    x, y, w, h);
	if (ret < 0)
		goto out;
	virtgpu_backing_sync(hw, b);
	ret = virtgpu_queue_panic_submit(&hw->ctrlq, v, 2);
out:
	atomic_set(&hw->panic_busy, 0);
	return ret;
}

/*
 * After a panic flush when the system lives on (the debugfs test): let
 * the completion work finish what the poll took off the ring and wake
 * ring-full waiters. Not for a real panic: it queues work.
 */
void virtgpu_hw_panic_resume(struct virtgpu_hw *hw)
{
	schedule_work(&hw->ctrlq.dequeue_work);
}
