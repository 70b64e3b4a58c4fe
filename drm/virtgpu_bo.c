// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Buffer objects: GEM shmem objects that own their host resources. Dumb
 * buffers, the 3D uAPI's resources, imported PRIME buffers and the
 * driver's own (cursor images, RGB565/C8 shadows) are all struct
 * virtgpu_bo. A host resource is created with the object's pages pinned
 * and attached as its backing, asynchronously: its creation fence sits in
 * the object's reservation object (users wait for it) and tells of a host
 * that refused. Framebuffers that use the pages in another format or row
 * pitch get views: more host resources on the same backing, owned by the
 * object too. The last GEM reference releases them all, and the pages go
 * once the host has answered every RESOURCE_UNREF.
 */
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"
#include "virtgpu_formats.h"

/* Largest buffer object: far beyond any scanout or texture we expect. */
#define VIRTGPU_BO_MAX_SIZE	SZ_1G

static void virtgpu_bo_release(struct virtgpu_bo *bo)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct virtgpu_device *vgdev = to_virtgpu_device(obj->dev);
	struct virtgpu_view *v, *tmp;

	list_for_each_entry_safe(v, tmp, &bo->views, node) {
		virtgpu_fence_put(v->created);
		kfree(v);
	}
	virtgpu_fence_put(bo->created);
	if (bo->backing)
		virtgpu_backing_destroy(vgdev->hw, bo->backing);
	if (bo->sgt) {
		sg_free_table(bo->sgt);
		kfree(bo->sgt);
		drm_gem_shmem_unpin(&bo->base);
	}
	mutex_destroy(&bo->views_lock);
	atomic_dec(&vgdev->bos);
	drm_gem_shmem_free(&bo->base);	/* frees bo: base is its first member */
}

/*
 * One RESOURCE_UNREF answered. Until the host has answered (or can no
 * longer, the device being gone) it may still read the pages: a command
 * that never reached it leaves them to a leak rather than to reuse.
 */
static void virtgpu_bo_unref_done(void *priv, int status)
{
	struct virtgpu_bo *bo = priv;
	struct drm_device *dev = bo->base.base.dev;

	if (status == -ENOMEM || status == -ETIMEDOUT || status == -EINTR) {
		dev_warn_ratelimited(dev->dev, "leaking host resource of %zu bytes (%d)\n",
				     bo->base.base.size, status);
		WRITE_ONCE(bo->leaked, true);
	}
	if (!atomic_dec_and_test(&bo->host_refs))
		return;
	if (!READ_ONCE(bo->leaked))
		virtgpu_bo_release(bo);
	drm_dev_put(dev);
}

static void virtgpu_bo_free(struct drm_gem_object *obj)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(obj->dev);
	struct virtgpu_bo *bo = to_virtgpu_bo(obj);
	struct virtgpu_view *v;
	int n = bo->res_id ? 1 : 0;

	list_for_each_entry(v, &bo->views, node)
		n++;
	if (!n) {
		virtgpu_bo_release(bo);
		return;
	}
	/* The answers come after the last file may have closed the device. */
	drm_dev_get(obj->dev);
	atomic_set(&bo->host_refs, n);
	if (bo->res_id)
		virtgpu_res_unref(vgdev->hw, bo->res_id, virtgpu_bo_unref_done, bo);
	list_for_each_entry(v, &bo->views, node)
		virtgpu_res_unref(vgdev->hw, v->res_id, virtgpu_bo_unref_done, bo);
	virtgpu_hw_kick(vgdev->hw);
}

static int virtgpu_bo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	virtgpu_file_attach(file, to_virtgpu_bo(obj));
	return 0;
}

static void virtgpu_bo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	virtgpu_file_detach(file, to_virtgpu_bo(obj));
}

static const struct drm_gem_object_funcs virtgpu_bo_funcs = {
	.free = virtgpu_bo_free,
	.open = virtgpu_bo_open,
	.close = virtgpu_bo_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/* drm_driver.gem_create_object: every GEM object of the device is ours. */
struct drm_gem_object *virtgpu_bo_create_object(struct drm_device *dev,
						size_t size)
{
	struct virtgpu_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	/* The host reads guest RAM coherently: keep CPU mappings cached. */
	bo->base.map_wc = false;
	mutex_init(&bo->views_lock);
	INIT_LIST_HEAD(&bo->views);
	bo->base.base.funcs = &virtgpu_bo_funcs;
	atomic_inc(&to_virtgpu_device(dev)->bos);
	return &bo->base.base;
}

/* A buffer object of @size bytes (page aligned), no host resource yet. */
struct virtgpu_bo *virtgpu_bo_create(struct virtgpu_device *vgdev, size_t size)
{
	struct drm_gem_shmem_object *shmem;

	if (!size || size > VIRTGPU_BO_MAX_SIZE)
		return ERR_PTR(-EINVAL);
	shmem = drm_gem_shmem_create(&vgdev->base, PAGE_ALIGN(size));
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	return to_virtgpu_bo(&shmem->base);
}

/* Pin the pages and hand them to the virtio layer, once; views_lock held. */
static int virtgpu_bo_backing(struct virtgpu_device *vgdev,
			      struct virtgpu_bo *bo)
{
	struct virtgpu_backing *b;
	struct sg_table *sgt;
	int ret;

	if (bo->backing)
		return 0;
	if (bo->base.base.import_attach)
		return -EINVAL;	/* a foreign dma-buf's pages are not ours */
	ret = drm_gem_shmem_pin(&bo->base);
	if (ret)
		return ret;
	sgt = drm_gem_shmem_get_sg_table(&bo->base);
	if (IS_ERR(sgt)) {
		drm_gem_shmem_unpin(&bo->base);
		return PTR_ERR(sgt);
	}
	b = virtgpu_backing_create(vgdev->hw, sgt);
	if (IS_ERR(b)) {
		sg_free_table(sgt);
		kfree(sgt);
		drm_gem_shmem_unpin(&bo->base);
		return PTR_ERR(b);
	}
	bo->sgt = sgt;
	bo->backing = b;
	return 0;
}

/* Users of the object wait for the host to have the resource. */
static void virtgpu_bo_fence_resv(struct virtgpu_bo *bo,
				  struct virtgpu_fence *fence)
{
	struct dma_resv *resv = bo->base.base.resv;

	dma_resv_lock(resv, NULL);
	if (!dma_resv_reserve_fences(resv, 1))
		dma_resv_add_fence(resv, virtgpu_fence_dma(fence),
				   DMA_RESV_USAGE_KERNEL);
	else	/* no memory: wait instead, users then find it done */
		dma_fence_wait_timeout(virtgpu_fence_dma(fence), false,
				       VIRTGPU_DISPLAY_TIMEOUT);
	dma_resv_unlock(resv);
}

/* Create one host resource on @bo's backing; @res_id set once queued. */
static int virtgpu_bo_new_resource(struct virtgpu_device *vgdev,
				   struct virtgpu_bo *bo,
				   const struct virtgpu_res_3d *params_3d,
				   u32 format, u32 width, u32 height,
				   u32 *res_id, struct virtgpu_fence **created)
{
	struct virtgpu_hw *hw = vgdev->hw;
	struct virtgpu_fence *fence;
	u32 id;
	int ret;

	ret = virtgpu_bo_backing(vgdev, bo);
	if (ret)
		return ret;
	fence = virtgpu_fence_alloc(virtgpu_hw_kernel_timeline(hw));
	if (!fence)
		return -ENOMEM;
	id = virtgpu_hw_new_resource_id(hw);
	if (params_3d)
		ret = virtgpu_res_create_3d(hw, id, params_3d, bo->backing, fence);
	else
		ret = virtgpu_res_create_2d(hw, id, format, width, height,
					    bo->backing, fence);
	virtgpu_hw_kick(hw);
	if (ret) {
		/* The create never reached the host: no resource to free. */
		virtgpu_fence_put(fence);
		return ret;
	}
	virtgpu_bo_fence_resv(bo, fence);
	*res_id = id;
	*created = fence;
	return 0;
}

/**
 * virtgpu_bo_host_2d - give @bo its host resource: 2D, @format, @width
 *	pixels per backing row, @height rows
 * @vgdev: the device
 * @bo: a buffer object without a resource
 * @format: VIRTIO_GPU_FORMAT_*
 * @width: pixels per row; the backing's row pitch is @width * 4
 * @height: rows
 *
 * Return: 0 once the host has been asked, or an error.
 */
int virtgpu_bo_host_2d(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		       u32 format, u32 width, u32 height)
{
	int ret;

	mutex_lock(&bo->views_lock);
	ret = virtgpu_bo_new_resource(vgdev, bo, NULL, format, width, height,
				      &bo->res_id, &bo->created);
	if (!ret) {
		bo->format = format;
		bo->width = width;
		bo->height = height;
	}
	mutex_unlock(&bo->views_lock);
	return ret;
}

/* As virtgpu_bo_host_2d(), a virgl resource whose contents live on the host. */
int virtgpu_bo_host_3d(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		       const struct virtgpu_res_3d *params)
{
	int ret;

	mutex_lock(&bo->views_lock);
	ret = virtgpu_bo_new_resource(vgdev, bo, params, 0, 0, 0, &bo->res_id,
				      &bo->created);
	if (!ret)
		bo->host_3d = true;
	mutex_unlock(&bo->views_lock);
	return ret;
}

static int virtgpu_fence_wait_created(struct drm_device *dev,
				      struct virtgpu_fence *created)
{
	struct dma_fence *f = virtgpu_fence_dma(created);
	long left;

	left = dma_fence_wait_timeout(f, true, VIRTGPU_DISPLAY_TIMEOUT);
	if (left < 0)
		return left;
	if (!left) {
		drm_err_ratelimited(dev, "host did not create a resource in %u ms\n",
				    jiffies_to_msecs(VIRTGPU_DISPLAY_TIMEOUT));
		return -ETIMEDOUT;
	}
	/* A host that refused is most likely out of memory. */
	return f->error == -EIO ? -ENOMEM : f->error;
}

/* 0 once the host has @bo's resource; its refusal as an errno. */
int virtgpu_bo_wait_created(struct virtgpu_bo *bo)
{
	if (!bo->created)
		return bo->res_id ? 0 : -EINVAL;
	return virtgpu_fence_wait_created(bo->base.base.dev, bo->created);
}

/**
 * virtgpu_bo_view - a 2D host resource on @bo's pages: @format, @width
 *	pixels per row, at least @height rows
 * @vgdev: the device
 * @bo: a buffer object whose contents live in its pages
 * @format: VIRTIO_GPU_FORMAT_* (32 bits per pixel)
 * @width: pixels per row (row pitch / 4)
 * @height: rows needed
 * @res_id: set to the resource
 *
 * The object's own resource when it fits, else a view, created once and
 * kept with the object. Waits for the host (bounded): a refusal is an
 * errno here, not a black screen later.
 *
 * Return: 0 or an error.
 */
int virtgpu_bo_view(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		    u32 format, u32 width, u32 height, u32 *res_id)
{
	struct virtgpu_fence *created = NULL;
	struct virtgpu_view *v;
	int ret = 0;

	mutex_lock(&bo->views_lock);
	if (bo->res_id && !bo->host_3d && bo->format == format &&
	    bo->width == width && bo->height >= height) {
		*res_id = bo->res_id;
		created = bo->created;
		goto wait;
	}
	list_for_each_entry(v, &bo->views, node) {
		if (v->format == format && v->width == width && v->height >= height) {
			*res_id = v->res_id;
			created = v->created;
			goto wait;
		}
	}
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = virtgpu_bo_new_resource(vgdev, bo, NULL, format, width, height,
				      &v->res_id, &v->created);
	if (ret) {
		kfree(v);
		goto unlock;
	}
	v->format = format;
	v->width = width;
	v->height = height;
	list_add_tail(&v->node, &bo->views);
	*res_id = v->res_id;
	created = v->created;
wait:
	if (created)
		dma_fence_get(virtgpu_fence_dma(created));
unlock:
	mutex_unlock(&bo->views_lock);
	if (created) {
		ret = virtgpu_fence_wait_created(&vgdev->base, created);
		virtgpu_fence_put(created);
	}
	return ret;
}

/*
 * DUMB_CREATE: 8, 16 or 32 bits per pixel, rows of exactly width * bpp / 8
 * bytes. A 32-bit buffer gets an XRGB8888 host resource at once (PRIME and
 * 3D users see it); 8 and 16-bit ones are only shown through shadows.
 */
int virtgpu_bo_dumb_create(struct drm_file *file, struct drm_device *dev,
			   struct drm_mode_create_dumb *args)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct virtgpu_bo *bo;
	u64 pitch, size;
	int ret;

	if (args->bpp != 8 && args->bpp != 16 && args->bpp != 32)
		return -EINVAL;
	if (!args->width || !args->height || args->width > VIRTGPU_MAX_DIM ||
	    args->height > VIRTGPU_MAX_DIM)
		return -EINVAL;
	pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	size = pitch * args->height;
	if (size > VIRTGPU_BO_MAX_SIZE)
		return -EINVAL;

	bo = virtgpu_bo_create(vgdev, size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	if (args->bpp == 32) {
		ret = virtgpu_bo_host_2d(vgdev, bo,
					 virtgpu_format_to_virtio(DRM_FORMAT_XRGB8888),
					 args->width, args->height);
		if (ret)
			goto out;
	}
	ret = drm_gem_handle_create(file, &bo->base.base, &args->handle);
	if (!ret) {
		args->pitch = pitch;
		args->size = bo->base.base.size;
	}
out:
	drm_gem_object_put(&bo->base.base);
	return ret;
}

/**
 * virtgpu_bo_create_kernel - a buffer object of the driver's own: a
 *	@width x @height 2D resource in @format, mapped at @map, created on the
 *	host (waited for)
 * @vgdev: the device
 * @format: VIRTIO_GPU_FORMAT_*
 * @width: pixels
 * @height: pixels
 * @map: set to the kernel mapping of the pages
 *
 * Return: the object (put with virtgpu_bo_put_kernel()), or an ERR_PTR.
 */
struct virtgpu_bo *virtgpu_bo_create_kernel(struct virtgpu_device *vgdev,
					    u32 format, u32 width, u32 height,
					    struct iosys_map *map)
{
	struct virtgpu_bo *bo;
	int ret;

	bo = virtgpu_bo_create(vgdev, (size_t)width * height * 4);
	if (IS_ERR(bo))
		return bo;
	ret = virtgpu_bo_host_2d(vgdev, bo, format, width, height);
	if (!ret)
		ret = virtgpu_bo_wait_created(bo);
	if (!ret)
		ret = virtgpu_gem_vmap(&bo->base.base, map);
	if (ret) {
		drm_gem_object_put(&bo->base.base);
		return ERR_PTR(ret);
	}
	return bo;
}

void virtgpu_bo_put_kernel(struct virtgpu_bo *bo, struct iosys_map *map)
{
	if (!bo)
		return;
	virtgpu_gem_vunmap(&bo->base.base, map);
	drm_gem_object_put(&bo->base.base);
}
