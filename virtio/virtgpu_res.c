// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host resources: the sequences that create them (CREATE + ATTACH_BACKING),
 * move pixels between them and their guest backing, flush them to the
 * display, and release them. Queued, not notified: virtgpu_hw_kick().
 */
#include <linux/slab.h>

#include "virtgpu_hw_priv.h"

/* ATTACH_BACKING of @b to resource @id; @fence signals with its answer. */
static int virtgpu_res_attach(struct virtgpu_hw *hw, u32 id,
			      struct virtgpu_backing *b,
			      struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;
	u32 len = 0, count = 0;
	void *ents = NULL;
	int ret;

	vbuf = virtgpu_cmd_get(hw, NULL,
			       sizeof(struct virtio_gpu_resource_attach_backing),
			       fence);
	if (!vbuf)
		return -ENOMEM;
	ret = virtgpu_backing_mem_entries(hw, b, &ents, &len, &count);
	if (!ret) {
		vbuf->payload = ents;
		vbuf->payload_len = len;
		ret = virtgpu_encode_attach_backing(vbuf->cmd, vbuf->cmd_len, id,
						    count);
	}
	return virtgpu_cmd_submit(hw, vbuf, ret, fence, NULL);
}

/*
 * Queue the CREATE in @vbuf (@encoded: its length, or an encoding error),
 * then the ATTACH_BACKING of @b, which carries @fence.
 */
static int virtgpu_res_create(struct virtgpu_hw *hw, struct virtgpu_vbuf *vbuf,
			      int encoded, u32 id, struct virtgpu_backing *b,
			      struct virtgpu_fence *fence)
{
	int ret = virtgpu_cmd_submit(hw, vbuf, encoded, NULL, NULL);

	if (ret) {
		if (fence)
			virtgpu_fence_complete(fence, ret);
		return ret;
	}
	virtgpu_res_attach(hw, id, b, fence);
	return 0;
}

/**
 * virtgpu_res_create_2d - create a 2D resource and attach its backing
 * @hw: the device
 * @id: a new id from virtgpu_hw_new_resource_id()
 * @format: a VIRTIO_GPU_FORMAT_*
 * @width: in pixels; the backing's rows are @width pixels apart
 * @height: in pixels
 * @b: the backing, which must outlive the resource
 * @fence: signalled when the host has both (with its error if it refused)
 *
 * Return: 0 once CREATE is queued (a failed attach then shows in @fence),
 * or an error: nothing reached the host, and @fence is signalled with it.
 */
int virtgpu_res_create_2d(struct virtgpu_hw *hw, u32 id, u32 format, u32 width,
			  u32 height, struct virtgpu_backing *b,
			  struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_resource_create_2d),
			       fence);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_res_create(hw, vbuf,
				  virtgpu_encode_resource_create_2d(vbuf->cmd, vbuf->cmd_len,
								    id, format, width,
								    height), id, b, fence);
}

/**
 * virtgpu_res_create_3d - create a virgl resource and attach its backing
 * @hw: the device
 * @id: a new id from virtgpu_hw_new_resource_id()
 * @params: target, format, binds and size, as virgl takes them
 * @b: the backing (also for host-side resources: transfers use it)
 * @fence: as for virtgpu_res_create_2d()
 *
 * Return: as for virtgpu_res_create_2d().
 */
int virtgpu_res_create_3d(struct virtgpu_hw *hw, u32 id,
			  const struct virtgpu_res_3d *params,
			  struct virtgpu_backing *b, struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_resource_create_3d),
			       fence);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_res_create(hw, vbuf,
				  virtgpu_encode_resource_create_3d(vbuf->cmd, vbuf->cmd_len,
								    id, params),
				  id, b, fence);
}

/**
 * virtgpu_res_unref - release resource @id
 * @hw: the device
 * @id: the resource
 * @done: runs exactly once when the host has let go of the resource and
 *	its backing, or never will again (device removed): then the backing
 *	may be freed. With any other error (no memory, ring full too long)
 *	the host may still read the backing: @done gets that error, and the
 *	caller must not free it.
 * @priv: for @done
 *
 * Return: 0 once queued, or the error @done got.
 */
int virtgpu_res_unref(struct virtgpu_hw *hw, u32 id, virtgpu_done_t done,
		      void *priv)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_resource_unref),
			       NULL);
	if (!vbuf) {
		done(priv, virtgpu_hw_removed(hw) ? -ENODEV : -ENOMEM);
		return -ENOMEM;
	}
	vbuf->done_cb = done;
	vbuf->priv = priv;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_resource_unref(vbuf->cmd, vbuf->cmd_len,
								id), NULL, NULL);
}

/**
 * virtgpu_res_transfer_2d - copy a rectangle from the backing to the host
 * @hw: the device
 * @pool: preallocated commands to take from, or NULL
 * @id: the resource
 * @offset: where the rectangle's first pixel is in the backing
 * @x: rectangle in the resource
 * @y: rectangle in the resource
 * @w: rectangle in the resource
 * @h: rectangle in the resource
 * @fence: optional
 *
 * Return: 0 once queued, or an error.
 */
int virtgpu_res_transfer_2d(struct virtgpu_hw *hw, struct virtgpu_cmds *pool,
			    u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h,
			    struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, pool,
			       sizeof(struct virtio_gpu_transfer_to_host_2d), fence);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_transfer_to_host_2d(vbuf->cmd,
								     vbuf->cmd_len, id,
								     offset, x, y, w, h),
				  fence, NULL);
}

/**
 * virtgpu_res_transfer_3d - TRANSFER_TO_HOST_3D (@to_host) or
 *	TRANSFER_FROM_HOST_3D of a box, in host context @ctx_id
 * @hw: the device
 * @to_host: the direction
 * @ctx_id: the context whose view of the resource is transferred
 * @id: the resource
 * @t: box, level, offset and strides; the host checks them
 * @fence: signalled when the host is done with the backing
 *
 * Return: 0 once queued, or an error.
 */
int virtgpu_res_transfer_3d(struct virtgpu_hw *hw, bool to_host, u32 ctx_id,
			    u32 id, const struct virtgpu_transfer_3d *t,
			    struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_transfer_host_3d),
			       fence);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_transfer_3d(vbuf->cmd, vbuf->cmd_len,
							     to_host, ctx_id, id, t),
				  fence, NULL);
}

/**
 * virtgpu_res_flush - show a rectangle of resource @id wherever it is
 *	scanned out
 * @hw: the device
 * @pool: preallocated commands to take from, or NULL
 * @id: the resource
 * @x: rectangle
 * @y: rectangle
 * @w: rectangle
 * @h: rectangle
 * @fence: optional: signalled once the host has shown it
 *
 * Return: 0 once queued, or an error.
 */
int virtgpu_res_flush(struct virtgpu_hw *hw, struct virtgpu_cmds *pool, u32 id,
		      u32 x, u32 y, u32 w, u32 h, struct virtgpu_fence *fence)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, pool, sizeof(struct virtio_gpu_resource_flush),
			       fence);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_resource_flush(vbuf->cmd, vbuf->cmd_len,
								id, x, y, w, h),
				  fence, NULL);
}
