// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Backings: guest pages a host resource reads from and writes to. With
 * VIRTIO_F_ACCESS_PLATFORM the device sees the pages through the DMA API
 * of its transport device, otherwise by guest physical address. The
 * virtio layer owns the DMA mappings and keeps a list of them: removal
 * unmaps every one while the transport device still exists, so a backing
 * freed later (its resource's last user gone) never touches a device that
 * went away.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "virtgpu_hw_priv.h"

/**
 * virtgpu_backing_create - make @sgt addressable by the device
 * @hw: the device
 * @sgt: the pages; they must stay allocated (and @sgt with them) until
 *	virtgpu_backing_destroy(), which the caller may only call once no
 *	host resource uses them any more
 *
 * Return: the backing, or an ERR_PTR.
 */
struct virtgpu_backing *virtgpu_backing_create(struct virtgpu_hw *hw,
					       struct sg_table *sgt)
{
	struct virtgpu_backing *b;
	int ret = 0;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->sgt = sgt;
	INIT_LIST_HEAD(&b->node);
	mutex_lock(&hw->backing_lock);
	if (hw->removed)
		ret = -ENODEV;
	else if (hw->use_dma_api)
		ret = dma_map_sgtable(hw->dma_dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (!ret) {
		b->mapped = hw->use_dma_api;
		list_add_tail(&b->node, &hw->backings);
	}
	mutex_unlock(&hw->backing_lock);
	if (ret) {
		kfree(b);
		return ERR_PTR(ret);
	}
	return b;
}

void virtgpu_backing_destroy(struct virtgpu_hw *hw, struct virtgpu_backing *b)
{
	if (!b)
		return;
	mutex_lock(&hw->backing_lock);
	list_del(&b->node);
	if (b->mapped)
		dma_unmap_sgtable(hw->dma_dev, b->sgt, DMA_BIDIRECTIONAL, 0);
	mutex_unlock(&hw->backing_lock);
	kfree(b);
}

/* CPU writes must reach memory the device reads (no-op when coherent). */
void virtgpu_backing_sync(struct virtgpu_hw *hw, struct virtgpu_backing *b)
{
	if (b->mapped)
		dma_sync_sgtable_for_device(hw->dma_dev, b->sgt,
					    DMA_BIDIRECTIONAL);
}

/*
 * The ATTACH_BACKING payload for @b: one virtio_gpu_mem_entry per DMA
 * segment (or page run without the DMA API), kvmalloc'ed for the vbuf.
 */
int virtgpu_backing_mem_entries(struct virtgpu_hw *hw,
				const struct virtgpu_backing *b,
				void **entries, u32 *len, u32 *count)
{
	struct sg_table *sgt = b->sgt;
	unsigned int n = b->mapped ? sgt->nents : sgt->orig_nents;
	struct virtio_gpu_mem_entry *ents;
	struct scatterlist *sg;
	unsigned int i;

	if (!n)
		return -EINVAL;
	ents = kvmalloc_array(n, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	for_each_sg(sgt->sgl, sg, n, i) {
		if (b->mapped)
			virtgpu_encode_mem_entry(ents, n * sizeof(*ents), i,
						 sg_dma_address(sg),
						 sg_dma_len(sg));
		else
			virtgpu_encode_mem_entry(ents, n * sizeof(*ents), i,
						 sg_phys(sg), sg->length);
	}
	*entries = ents;
	*len = n * sizeof(*ents);
	*count = n;
	return 0;
}

/* Removal: the device is reset and answers nothing more; unmap it all. */
void virtgpu_backing_unmap_all(struct virtgpu_hw *hw)
{
	struct virtgpu_backing *b;

	mutex_lock(&hw->backing_lock);
	list_for_each_entry(b, &hw->backings, node) {
		if (b->mapped)
			dma_unmap_sgtable(hw->dma_dev, b->sgt,
					  DMA_BIDIRECTIONAL, 0);
		b->mapped = false;
	}
	mutex_unlock(&hw->backing_lock);
}
