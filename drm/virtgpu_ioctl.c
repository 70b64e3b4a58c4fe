// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The 3D uAPI of <drm/virtgpu_drm.h> but command submission
 * (virtgpu_submit.c) and context setup (virtgpu_file.c): parameters and
 * capsets, resources, their transfers, waits and mappings. Every argument
 * is checked before anything happens: unknown flags and params, sizes and
 * counts out of range are -EINVAL, unknown handles -ENOENT, bad user
 * pointers -EFAULT; the 3D-only ioctls are -ENOSYS without virgl, as in
 * Linux's own virtio-gpu driver.
 */
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/virtgpu_drm.h>

#include "virtgpu_drv.h"

/* WAIT's longest block, as Linux's virtio-gpu driver. */
#define VIRTGPU_WAIT_TIMEOUT	(15 * HZ)
/* Largest 3D resource dimension and layer count we pass on. */
#define VIRTGPU_MAX_3D_DIM	16384u
#define VIRTGPU_MAX_3D_LAYERS	2048u
/* PIPE_TEXTURE_2D, the only target of a 2D resource. */
#define VIRTGPU_TARGET_2D	2

static bool virtgpu_3d(struct virtgpu_device *vgdev)
{
	return virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_VIRGL);
}

static int virtgpu_getparam_ioctl(struct drm_device *dev, void *data,
				  struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct drm_virtgpu_getparam *args = data;
	int value;

	switch (args->param) {
	case VIRTGPU_PARAM_3D_FEATURES:
		value = virtgpu_3d(vgdev);
		break;
	case VIRTGPU_PARAM_CAPSET_QUERY_FIX:
		value = 1;
		break;
	/* Not offered yet: as on a host without blobs or context types. */
	case VIRTGPU_PARAM_RESOURCE_BLOB:
	case VIRTGPU_PARAM_HOST_VISIBLE:
	case VIRTGPU_PARAM_CROSS_DEVICE:
		value = 0;
		break;
	case VIRTGPU_PARAM_CONTEXT_INIT:
		value = virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_CONTEXT_INIT);
		break;
	case VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs:
		value = (int)virtgpu_hw_capset_mask(vgdev->hw);
		break;
#ifdef VIRTGPU_PARAM_EXPLICIT_DEBUG_NAME
	case VIRTGPU_PARAM_EXPLICIT_DEBUG_NAME:
		value = virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_CONTEXT_INIT);
		break;
#endif
	default:
		return -EINVAL;
	}
	/* An int, as userspace (Mesa, minigbm) reads it. */
	if (copy_to_user(u64_to_user_ptr(args->value), &value, sizeof(value)))
		return -EFAULT;
	return 0;
}

static int virtgpu_get_caps_ioctl(struct drm_device *dev, void *data,
				  struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct drm_virtgpu_get_caps *args = data;
	const void *caps;
	u32 size;
	int ret;

	if (!virtgpu_3d(vgdev))
		return -ENOSYS;
	if (args->pad)
		return -EINVAL;
	ret = virtgpu_hw_get_capset(vgdev->hw, args->cap_set_id,
				    args->cap_set_ver, &caps, &size);
	if (ret)
		return ret;
	/* What fits; the rest of the caller's buffer keeps its defaults. */
	size = min(size, args->size);
	if (copy_to_user(u64_to_user_ptr(args->addr), caps, size))
		return -EFAULT;
	return 0;
}

static int virtgpu_create_check_2d(const struct drm_virtgpu_resource_create *rc)
{
	if (rc->target != VIRTGPU_TARGET_2D || rc->depth != 1 ||
	    rc->array_size != 1 || rc->last_level > 1 || rc->nr_samples > 1 ||
	    !virtgpu_virtio_format_valid(rc->format) || !rc->width ||
	    !rc->height || rc->width > VIRTGPU_MAX_DIM ||
	    rc->height > VIRTGPU_MAX_DIM)
		return -EINVAL;
	return 0;
}

/* The host checks virgl's targets, formats and binds; we check the sizes. */
static int virtgpu_create_check_3d(const struct drm_virtgpu_resource_create *rc)
{
	if (!rc->width || !rc->height || !rc->depth || !rc->array_size ||
	    rc->height > VIRTGPU_MAX_3D_DIM || rc->depth > VIRTGPU_MAX_3D_DIM ||
	    rc->array_size > VIRTGPU_MAX_3D_LAYERS || rc->last_level > 31 ||
	    rc->nr_samples > 32)
		return -EINVAL;
	return 0;
}

static int virtgpu_resource_create_ioctl(struct drm_device *dev, void *data,
					 struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct drm_virtgpu_resource_create *rc = data;
	bool is_3d = virtgpu_3d(vgdev);
	struct virtgpu_res_3d params;
	struct virtgpu_bo *bo;
	size_t size;
	u32 ctx_id;
	int ret;

	ret = is_3d ? virtgpu_create_check_3d(rc) : virtgpu_create_check_2d(rc);
	if (ret)
		return ret;
	if (is_3d) {
		/* Its handle attaches the resource to the file's context. */
		ret = virtgpu_file_context(vgdev, file, &ctx_id);
		if (ret)
			return ret;
		/* Size 0: no guest copy wanted (e.g. multisampled), one page. */
		size = rc->size ?: PAGE_SIZE;
	} else {
		/* The host copies whole rows of 4-byte pixels from the backing. */
		size = max_t(size_t, rc->size, (size_t)rc->width * rc->height * 4);
	}

	bo = virtgpu_bo_create(vgdev, size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	if (is_3d) {
		params = (struct virtgpu_res_3d) {
			.target = rc->target, .format = rc->format,
			.bind = rc->bind, .width = rc->width,
			.height = rc->height, .depth = rc->depth,
			.array_size = rc->array_size,
			.last_level = rc->last_level,
			.nr_samples = rc->nr_samples, .flags = rc->flags,
		};
		ret = virtgpu_bo_host_3d(vgdev, bo, &params);
		bo->size_3d = rc->size;
	} else {
		ret = virtgpu_bo_host_2d(vgdev, bo, rc->format, rc->width,
					 rc->height);
	}
	if (!ret)
		ret = drm_gem_handle_create(file, &bo->base.base, &rc->bo_handle);
	if (!ret)
		rc->res_handle = bo->res_id;
	drm_gem_object_put(&bo->base.base);
	return ret;
}

static int virtgpu_resource_info_ioctl(struct drm_device *dev, void *data,
				       struct drm_file *file)
{
	struct drm_virtgpu_resource_info *ri = data;
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, ri->bo_handle);
	if (!obj)
		return -ENOENT;
	ri->res_handle = to_virtgpu_bo(obj)->res_id;
	ri->size = obj->size;
	ri->blob_mem = 0;
	drm_gem_object_put(obj);
	return 0;
}

static int virtgpu_map_ioctl(struct drm_device *dev, void *data,
			     struct drm_file *file)
{
	struct drm_virtgpu_map *map = data;

	if (map->pad)
		return -EINVAL;
	return drm_gem_dumb_map_offset(file, dev, map->handle, &map->offset);
}

static int virtgpu_wait_ioctl(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct drm_virtgpu_3d_wait *args = data;
	struct drm_gem_object *obj;
	long ret;

	if (args->flags & ~VIRTGPU_WAIT_NOWAIT)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	/* Every fence: creation, transfers, submissions, the display's. */
	if (args->flags & VIRTGPU_WAIT_NOWAIT) {
		ret = dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ) ?
		      0 : -EBUSY;
	} else {
		ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
					    VIRTGPU_WAIT_TIMEOUT);
		ret = ret < 0 ? ret : ret ? 0 : -EBUSY;
	}
	drm_gem_object_put(obj);
	return ret;
}

/*
 * Queue one fenced transfer of @bo with its reservation locked, the fence
 * published as @usage once numbered.
 */
static int virtgpu_transfer(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
			    bool to_host, u32 ctx_id,
			    const struct virtgpu_transfer_3d *t,
			    enum dma_resv_usage usage)
{
	struct dma_resv *resv = bo->base.base.resv;
	struct virtgpu_fence *fence;
	int ret;

	fence = virtgpu_fence_alloc(virtgpu_hw_kernel_timeline(vgdev->hw));
	if (!fence)
		return -ENOMEM;
	ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret)
		goto out;
	ret = dma_resv_reserve_fences(resv, 1);
	if (ret)
		goto unlock;
	virtgpu_backing_sync(vgdev->hw, bo->backing);
	if (ctx_id)
		ret = virtgpu_res_transfer_3d(vgdev->hw, to_host, ctx_id,
					      bo->res_id, t, fence);
	else
		ret = virtgpu_res_transfer_2d(vgdev->hw, NULL, bo->res_id,
					      t->offset, t->x, t->y, t->w, t->h,
					      fence);
	virtgpu_hw_kick(vgdev->hw);
	if (!ret)
		dma_resv_add_fence(resv, virtgpu_fence_dma(fence), usage);
unlock:
	dma_resv_unlock(resv);
out:
	virtgpu_fence_put(fence);
	return ret;
}

static int virtgpu_transfer_ioctl(struct drm_device *dev, struct drm_file *file,
				  bool to_host, u32 handle,
				  const struct drm_virtgpu_3d_box *box, u32 level,
				  u32 offset, u32 stride, u32 layer_stride)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct virtgpu_transfer_3d t = {
		.x = box->x, .y = box->y, .z = box->z,
		.w = box->w, .h = box->h, .d = box->d,
		.offset = offset, .level = level,
		.stride = stride, .layer_stride = layer_stride,
	};
	struct drm_gem_object *obj;
	struct virtgpu_bo *bo;
	u32 ctx_id = 0;
	int ret;

	if (!to_host && !virtgpu_3d(vgdev))
		return -ENOSYS;
	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return -ENOENT;
	bo = to_virtgpu_bo(obj);
	ret = -EINVAL;
	if (!bo->res_id || !bo->backing || offset >= obj->size)
		goto out;
	if (virtgpu_3d(vgdev)) {
		ret = virtgpu_file_context(vgdev, file, &ctx_id);
		if (ret)
			goto out;
	} else if (level || box->z || box->d > 1 || !box->w || !box->h ||
		   box->x > bo->width || box->w > bo->width - box->x ||
		   box->y > bo->height || box->h > bo->height - box->y) {
		goto out;	/* 2D: one level, one layer, inside the resource */
	}
	/* The host reads the pages (to host) or writes them (from host). */
	ret = virtgpu_transfer(vgdev, bo, to_host, ctx_id, &t,
			       to_host ? DMA_RESV_USAGE_READ : DMA_RESV_USAGE_WRITE);
out:
	drm_gem_object_put(obj);
	return ret;
}

static int virtgpu_transfer_to_host_ioctl(struct drm_device *dev, void *data,
					  struct drm_file *file)
{
	struct drm_virtgpu_3d_transfer_to_host *args = data;

	return virtgpu_transfer_ioctl(dev, file, true, args->bo_handle,
				      &args->box, args->level, args->offset,
				      args->stride, args->layer_stride);
}

static int virtgpu_transfer_from_host_ioctl(struct drm_device *dev, void *data,
					    struct drm_file *file)
{
	struct drm_virtgpu_3d_transfer_from_host *args = data;

	return virtgpu_transfer_ioctl(dev, file, false, args->bo_handle,
				      &args->box, args->level, args->offset,
				      args->stride, args->layer_stride);
}

/* Blob resources come with a later host; as on a host without them. */
static int virtgpu_resource_create_blob_ioctl(struct drm_device *dev,
					      void *data, struct drm_file *file)
{
	return -EINVAL;
}

/*
 * Each ioctl runs only while the device is there: drm_ioctl() already
 * refuses an unplugged device, and the virtio layer fails commands that
 * race with removal.
 */
#define VIRTGPU_IOCTL(name, fn) \
	DRM_IOCTL_DEF_DRV(VIRTGPU_##name, fn, DRM_RENDER_ALLOW)

const struct drm_ioctl_desc virtgpu_ioctls[VIRTGPU_NUM_IOCTLS] = {
	VIRTGPU_IOCTL(MAP, virtgpu_map_ioctl),
	VIRTGPU_IOCTL(EXECBUFFER, virtgpu_execbuffer_ioctl),
	VIRTGPU_IOCTL(GETPARAM, virtgpu_getparam_ioctl),
	VIRTGPU_IOCTL(RESOURCE_CREATE, virtgpu_resource_create_ioctl),
	VIRTGPU_IOCTL(RESOURCE_INFO, virtgpu_resource_info_ioctl),
	VIRTGPU_IOCTL(TRANSFER_FROM_HOST, virtgpu_transfer_from_host_ioctl),
	VIRTGPU_IOCTL(TRANSFER_TO_HOST, virtgpu_transfer_to_host_ioctl),
	VIRTGPU_IOCTL(WAIT, virtgpu_wait_ioctl),
	VIRTGPU_IOCTL(GET_CAPS, virtgpu_get_caps_ioctl),
	VIRTGPU_IOCTL(RESOURCE_CREATE_BLOB, virtgpu_resource_create_blob_ioctl),
	VIRTGPU_IOCTL(CONTEXT_INIT, virtgpu_context_init_ioctl),
};
