// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host resources: created with their backing attached, waited for so that
 * a host that refuses (e.g. out of memory) gives userspace an errno, and
 * released asynchronously: the backing stays pinned until the host has
 * processed RESOURCE_UNREF.
 */
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "virtgpu_drv.h"

/* Creating a resource is rare (first scanout of a framebuffer). */
#define VIRTGPU_RES_TIMEOUT	(5 * HZ)

static void virtgpu_res_free_backing(struct virtgpu_hw *hw,
				     struct virtgpu_res *res)
{
	if (res->sgt) {
		if (res->mapped)
			virtgpu_hw_unmap_backing(hw, res->sgt);
		sg_free_table(res->sgt);
		kfree(res->sgt);
	}
	if (res->shmem) {
		drm_gem_shmem_unpin(res->shmem);
		drm_gem_object_put(&res->shmem->base);
	}
	kvfree(res->kmem);
	kfree(res);
}

static void virtgpu_res_unref_done(struct virtgpu_hw *hw,
				   struct virtgpu_vbuf *vbuf)
{
	virtgpu_res_free_backing(hw, (struct virtgpu_res *)vbuf->priv);
}

/* Queue RESOURCE_UNREF; the backing is freed once the host is done. */
static void virtgpu_res_unref(struct virtgpu_device *vgdev,
			      struct virtgpu_res *res)
{
	struct virtgpu_hw *hw = &vgdev->hw;

	/* On a removed device this fails at once and frees synchronously. */
	if (virtgpu_cmd_resource_unref(hw, res->id, virtgpu_res_unref_done,
				       (unsigned long)res) == -ENOMEM)
		/* Leaking beats freeing pages the host still points at. */
		drm_warn(&vgdev->base, "leaking host resource %u\n", res->id);
	virtgpu_hw_kick(hw);
}

static struct virtgpu_res *virtgpu_res_alloc(u32 format, u32 width, u32 height)
{
	struct virtgpu_res *res = kzalloc(sizeof(*res), GFP_KERNEL);

	if (res) {
		res->format = format;
		res->width = width;
		res->height = height;
	}
	return res;
}

/*
 * Create the host side of @res, whose backing is ready, wait for it, and
 * hand it to *@out. Owns @res on failure.
 */
static int virtgpu_res_create(struct virtgpu_device *vgdev,
			      struct virtgpu_res *res, struct virtgpu_res **out)
{
	struct virtgpu_hw *hw = &vgdev->hw;
	struct virtgpu_batch b;
	int ret;

	ret = virtgpu_hw_map_backing(hw, res->sgt);
	if (ret) {
		virtgpu_res_free_backing(hw, res);
		return ret;
	}
	res->mapped = true;
	res->id = virtgpu_hw_new_resource_id(hw);
	virtgpu_batch_init(&b);
	virtgpu_cmd_resource_create_2d(hw, &b, res->id, res->format, res->width,
				       res->height);
	virtgpu_cmd_attach_backing(hw, &b, res->id, res->sgt);
	virtgpu_hw_kick(hw);
	ret = virtgpu_batch_wait(&b, VIRTGPU_RES_TIMEOUT);
	if (ret) {
		drm_err_ratelimited(&vgdev->base,
				    "host resource %ux%u (format %u) failed: %d\n",
				    res->width, res->height, res->format, ret);
		/* The host may hold a half-made resource: unref frees it all. */
		virtgpu_res_unref(vgdev, res);
		return ret == -EIO ? -ENOMEM : ret;
	}
	mutex_lock(&vgdev->res_lock);
	list_add_tail(&res->node, &vgdev->resources);
	mutex_unlock(&vgdev->res_lock);
	*out = res;
	return 0;
}

/* A resource backed by (and pinning) a GEM object's pages. */
int virtgpu_res_create_shmem(struct virtgpu_device *vgdev,
			     struct drm_gem_shmem_object *shmem, u32 format,
			     u32 width, u32 height, struct virtgpu_res **out)
{
	struct virtgpu_res *res;
	int ret;

	res = virtgpu_res_alloc(format, width, height);
	if (!res)
		return -ENOMEM;
	ret = drm_gem_shmem_pin(shmem);
	if (ret) {
		kfree(res);
		return ret;
	}
	drm_gem_object_get(&shmem->base);
	res->shmem = shmem;
	res->sgt = drm_gem_shmem_get_sg_table(shmem);
	if (IS_ERR(res->sgt)) {
		ret = PTR_ERR(res->sgt);
		res->sgt = NULL;
		virtgpu_res_free_backing(&vgdev->hw, res);
		return ret;
	}
	return virtgpu_res_create(vgdev, res, out);
}

/* A resource backed by driver-owned memory, e.g. the cursor image. */
int virtgpu_res_create_kmem(struct virtgpu_device *vgdev, size_t size,
			    u32 format, u32 width, u32 height,
			    struct virtgpu_res **out)
{
	struct virtgpu_res *res;

	res = virtgpu_res_alloc(format, width, height);
	if (!res)
		return -ENOMEM;
	res->kmem = kzalloc(size, GFP_KERNEL);
	res->sgt = kzalloc(sizeof(*res->sgt), GFP_KERNEL);
	if (!res->kmem || !res->sgt || sg_alloc_table(res->sgt, 1, GFP_KERNEL)) {
		kfree(res->sgt);
		res->sgt = NULL;
		virtgpu_res_free_backing(&vgdev->hw, res);
		return -ENOMEM;
	}
	sg_set_buf(res->sgt->sgl, res->kmem, size);
	return virtgpu_res_create(vgdev, res, out);
}

/*
 * A resource backed by vmalloc'ed pages, for backings too large for one
 * physically contiguous allocation (shadows of whole framebuffers).
 */
int virtgpu_res_create_vmem(struct virtgpu_device *vgdev, size_t size,
			    u32 format, u32 width, u32 height,
			    struct virtgpu_res **out)
{
	unsigned int i, n = DIV_ROUND_UP(size, PAGE_SIZE);
	struct virtgpu_res *res;
	struct page **pages;
	int ret = -ENOMEM;

	res = virtgpu_res_alloc(format, width, height);
	if (!res)
		return -ENOMEM;
	res->kmem = vzalloc(size);
	res->sgt = kzalloc(sizeof(*res->sgt), GFP_KERNEL);
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (res->kmem && res->sgt && pages) {
		for (i = 0; i < n; i++)
			pages[i] = vmalloc_to_page(res->kmem + (size_t)i * PAGE_SIZE);
		ret = sg_alloc_table_from_pages(res->sgt, pages, n, 0, size,
						GFP_KERNEL);
	}
	kvfree(pages);
	if (ret) {
		kfree(res->sgt);
		res->sgt = NULL;
		virtgpu_res_free_backing(&vgdev->hw, res);
		return ret;
	}
	return virtgpu_res_create(vgdev, res, out);
}

void virtgpu_res_release(struct virtgpu_device *vgdev, struct virtgpu_res *res)
{
	mutex_lock(&vgdev->res_lock);
	list_del(&res->node);
	mutex_unlock(&vgdev->res_lock);
	virtgpu_res_unref(vgdev, res);
}
