// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Scanouts and the cursor: SET_SCANOUT on the control queue, cursor
 * updates and moves on the cursor queue (which answers nothing). Queued,
 * not notified: virtgpu_hw_kick().
 */
#include "virtgpu_hw_priv.h"

/* SET_SCANOUT, tracked in @b for a waiter when given. */
static int virtgpu_scanout_queue(struct virtgpu_hw *hw,
				 struct virtgpu_cmds *pool,
				 struct virtgpu_batch *b, u32 scanout, u32 id,
				 u32 x, u32 y, u32 w, u32 h)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, pool, sizeof(struct virtio_gpu_set_scanout),
			       NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_set_scanout(vbuf->cmd, vbuf->cmd_len,
							     scanout, id, x, y, w, h),
				  NULL, b);
}

/**
 * virtgpu_scanout_set - show rectangle @x, @y, @w x @h of resource @id on
 *	@scanout (resource 0 disables it)
 * @hw: the device
 * @pool: preallocated commands to take from, or NULL
 * @scanout: the scanout
 * @id: the resource, or 0
 * @x: source rectangle in the resource
 * @y: source rectangle in the resource
 * @w: source rectangle in the resource
 * @h: source rectangle in the resource
 *
 * Return: 0 once queued, or an error.
 */
int virtgpu_scanout_set(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			u32 scanout, u32 id, u32 x, u32 y, u32 w, u32 h)
{
	return virtgpu_scanout_queue(hw, pool, NULL, scanout, id, x, y, w, h);
}

/*
 * Turn every scanout off and wait for the host, at most @timeout jiffies.
 * Removal does this before the reset: QEMU 7.2's GL display tears a GL
 * scanout down from the vCPU thread when a reset finds one on, and crashes.
 */
void virtgpu_scanouts_off(struct virtgpu_hw *hw, unsigned long timeout)
{
	struct virtgpu_batch b;
	u32 i;

	virtgpu_batch_init(&b);
	/* Best effort: a scanout that cannot be turned off leaves the rest. */
	for (i = 0; i < hw->num_scanouts; i++)
		virtgpu_scanout_queue(hw, NULL, &b, i, 0, 0, 0, 0, 0);
	virtgpu_hw_kick(hw);
	virtgpu_batch_wait(&b, timeout);
}

/* The cursor queue carries no answers. */
static int virtgpu_cursor_submit(struct virtgpu_hw *hw,
				 struct virtgpu_vbuf *vbuf, int encoded)
{
	vbuf->resp_len = 0;
	if (encoded < 0)
		return virtgpu_queue_add_failed(&hw->cursorq, vbuf, encoded);
	vbuf->cmd_len = encoded;
	return virtgpu_queue_add(&hw->cursorq, vbuf);
}

/**
 * virtgpu_cursor_update - show cursor image resource @id (0: hide) on
 *	@scanout, its top-left corner at @x, @y, its hotspot at @hot_x, @hot_y
 * @hw: the device
 * @pool: preallocated commands to take from, or NULL
 * @scanout: the scanout
 * @id: a 64x64 resource, or 0
 * @x: position of the image's top-left corner
 * @y: position of the image's top-left corner
 * @hot_x: pointer position inside the image
 * @hot_y: pointer position inside the image
 *
 * Return: 0 once queued, or an error.
 */
int virtgpu_cursor_update(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			  u32 scanout, u32 id, u32 x, u32 y, u32 hot_x,
			  u32 hot_y)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, pool, sizeof(struct virtio_gpu_update_cursor),
			       NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cursor_submit(hw, vbuf,
				     virtgpu_encode_update_cursor(vbuf->cmd,
								  vbuf->cmd_len, scanout,
								  id, x, y, hot_x, hot_y));
}

/* As virtgpu_cursor_update(), the image and hotspot unchanged. */
int virtgpu_cursor_move(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			u32 scanout, u32 id, u32 x, u32 y)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, pool, sizeof(struct virtio_gpu_update_cursor),
			       NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cursor_submit(hw, vbuf,
				     virtgpu_encode_move_cursor(vbuf->cmd, vbuf->cmd_len,
								scanout, id, x, y));
}
