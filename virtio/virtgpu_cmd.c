// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Command verbs for the DRM layer: each encodes one command with the
 * protocol code and queues it without notifying the device. The caller
 * batches a whole update and calls virtgpu_hw_kick() once.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "virtgpu_hw.h"

/* Every control command gets at least a header back. */
static struct virtgpu_vbuf *virtgpu_ctrl_alloc(u32 cmd_len)
{
	return virtgpu_vbuf_alloc(cmd_len, sizeof(struct virtio_gpu_ctrl_hdr),
				  GFP_KERNEL);
}

/*
 * Queue an encoded command (or drop it if encoding failed), tracked by @b
 * when given. Consumes the caller's reference to @vbuf.
 */
int virtgpu_cmd_queue(struct virtgpu_queue *q, struct virtgpu_vbuf *vbuf,
		      int encoded, struct virtgpu_batch *b)
{
	int ret = encoded;

	if (encoded < 0) {
		virtgpu_vbuf_put(vbuf);
	} else {
		if (b)
			virtgpu_batch_track(b, vbuf);
		ret = virtgpu_queue_add(q, vbuf);
	}
	if (ret < 0 && b && !b->ret)
		b->ret = ret;
	return ret < 0 ? ret : 0;
}

int virtgpu_cmd_resource_create_2d(struct virtgpu_hw *hw, struct virtgpu_batch *b,
				   u32 id, u32 format, u32 width, u32 height)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_resource_create_2d));
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_resource_create_2d(vbuf->cmd, vbuf->cmd_len,
								   id, format, width,
								   height), b);
}

/* Describe @sgt (mapped with virtgpu_hw_map_backing()) as the backing of @id. */
int virtgpu_cmd_attach_backing(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			       u32 id, struct sg_table *sgt)
{
	unsigned int n = hw->use_dma_api ? sgt->nents : sgt->orig_nents;
	struct virtio_gpu_mem_entry *ents;
	struct virtgpu_vbuf *vbuf;
	struct scatterlist *sg;
	unsigned int i;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_resource_attach_backing));
	if (!vbuf)
		return -ENOMEM;
	ents = kvmalloc_array(n, sizeof(*ents), GFP_KERNEL);
	if (!ents) {
		virtgpu_vbuf_put(vbuf);
		return -ENOMEM;
	}
	vbuf->data = ents;
	vbuf->data_len = n * sizeof(*ents);
	for_each_sg(sgt->sgl, sg, n, i) {
		if (hw->use_dma_api)
			virtgpu_encode_mem_entry(ents, vbuf->data_len, i,
						 sg_dma_address(sg), sg_dma_len(sg));
		else
			virtgpu_encode_mem_entry(ents, vbuf->data_len, i,
						 sg_phys(sg), sg->length);
	}
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_attach_backing(vbuf->cmd, vbuf->cmd_len,
							       id, n), b);
}

/* @done runs once the host has let go of the resource (or never will). */
int virtgpu_cmd_resource_unref(struct virtgpu_hw *hw, u32 id,
			       virtgpu_vbuf_done_t done, unsigned long priv)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_resource_unref));
	if (!vbuf)
		return -ENOMEM;
	vbuf->done_cb = done;
	vbuf->priv = priv;
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_resource_unref(vbuf->cmd, vbuf->cmd_len,
							       id), NULL);
}

int virtgpu_cmd_set_scanout(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			    u32 scanout, u32 id, u32 x, u32 y, u32 w, u32 h)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_set_scanout));
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_set_scanout(vbuf->cmd, vbuf->cmd_len,
							    scanout, id, x, y, w, h), b);
}

int virtgpu_cmd_transfer_to_host_2d(struct virtgpu_hw *hw, struct virtgpu_batch *b,
				    u32 id, u64 offset, u32 x, u32 y, u32 w, u32 h)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_transfer_to_host_2d));
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_transfer_to_host_2d(vbuf->cmd,
								    vbuf->cmd_len, id,
								    offset, x, y, w, h),
				 b);
}

int virtgpu_cmd_resource_flush(struct virtgpu_hw *hw, struct virtgpu_batch *b,
			       u32 id, u32 x, u32 y, u32 w, u32 h)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_ctrl_alloc(sizeof(struct virtio_gpu_resource_flush));
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				 virtgpu_encode_resource_flush(vbuf->cmd, vbuf->cmd_len,
							       id, x, y, w, h), b);
}

/* The cursor queue carries no responses. */
int virtgpu_cmd_update_cursor(struct virtgpu_hw *hw, u32 scanout, u32 id,
			      u32 x, u32 y, u32 hot_x, u32 hot_y)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_vbuf_alloc(sizeof(struct virtio_gpu_update_cursor), 0,
				  GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->cursorq, vbuf,
				 virtgpu_encode_update_cursor(vbuf->cmd, vbuf->cmd_len,
							      scanout, id, x, y,
							      hot_x, hot_y), NULL);
}

int virtgpu_cmd_move_cursor(struct virtgpu_hw *hw, u32 scanout, u32 id,
			    u32 x, u32 y)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_vbuf_alloc(sizeof(struct virtio_gpu_update_cursor), 0,
				  GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_queue(&hw->cursorq, vbuf,
				 virtgpu_encode_move_cursor(vbuf->cmd, vbuf->cmd_len,
							    scanout, id, x, y), NULL);
}

/* Notify the device once for everything queued on both queues. */
void virtgpu_hw_kick(struct virtgpu_hw *hw)
{
	virtgpu_queue_kick(&hw->ctrlq);
	virtgpu_queue_kick(&hw->cursorq);
}

u32 virtgpu_hw_new_resource_id(struct virtgpu_hw *hw)
{
	/* Never reuse an id: old virglrenderer versions mishandle reuse. */
	return (u32)atomic_inc_return(&hw->next_resource_id);
}

/*
 * Make @sgt addressable by the device: with VIRTIO_F_ACCESS_PLATFORM the
 * device sees DMA addresses of its transport device, otherwise guest
 * physical addresses.
 */
int virtgpu_hw_map_backing(struct virtgpu_hw *hw, struct sg_table *sgt)
{
	if (!hw->use_dma_api)
		return 0;
	return dma_map_sgtable(hw->vdev->dev.parent, sgt, DMA_TO_DEVICE, 0);
}

void virtgpu_hw_unmap_backing(struct virtgpu_hw *hw, struct sg_table *sgt)
{
	if (hw->use_dma_api)
		dma_unmap_sgtable(hw->vdev->dev.parent, sgt, DMA_TO_DEVICE, 0);
}

/*
 * For drm_panic: upload and flush a rectangle of resource @id with the
 * commands allocated at probe, without sleeping or waiting for a lock
 * (virtgpu_queue_panic_submit()). -EBUSY while a previous panic flush is
 * running or its commands are still with the device.
 */
int virtgpu_hw_panic_flush(struct virtgpu_hw *hw, struct sg_table *sgt, u32 id,
			   u64 offset, u32 x, u32 y, u32 w, u32 h)
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
	virtgpu_hw_sync_backing(hw, sgt);
	ret = virtgpu_queue_panic_submit(&hw->ctrlq, v, 2);
out:
	atomic_set(&hw->panic_busy, 0);
	return ret;
}

/*
 * After a panic flush when the system lives on (the debugfs test): let
 * the dequeue work finish what the poll took off the ring and wake
 * ring-full waiters. Not for a real panic: it queues work.
 */
void virtgpu_hw_panic_resume(struct virtgpu_hw *hw)
{
	if (!READ_ONCE(hw->removed))
		schedule_work(&hw->ctrlq.dequeue_work);
}

/* CPU writes must reach memory the device reads (no-op when coherent). */
void virtgpu_hw_sync_backing(struct virtgpu_hw *hw, struct sg_table *sgt)
{
	if (hw->use_dma_api)
		dma_sync_sgtable_for_device(hw->vdev->dev.parent, sgt,
					    DMA_TO_DEVICE);
}
