// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Per-file host contexts. A file that uses the 3D uAPI gets one host
 * rendering context, created on its first 3D use (or by CONTEXT_INIT,
 * with an explicit context type), destroyed when the file is closed. The
 * context may use the resources the file holds handles to: they are
 * attached when the context is created or the handle is, and detached
 * when the handle goes. Its fences live on the file's timeline, or on one
 * timeline per ring when CONTEXT_INIT asked for rings.
 */
#include <linux/idr.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/virtgpu_drm.h>

#include "virtgpu_drv.h"

#define VIRTGPU_CONTEXT_NAME_MAX	64

/**
 * struct virtgpu_file - a DRM file's host context
 * @lock: protects everything below
 * @ctx_id: the host context id, allocated at open on a 3D device
 * @created: the host context exists
 * @capset_id: the context type asked by CONTEXT_INIT (0: the default)
 * @num_rings: fence rings asked by CONTEXT_INIT (0: none)
 * @poll_rings: rings whose fences also send a DRM event to the file
 * @name: the debug name the host shows
 * @tl: the timeline of fences not on a ring
 * @rings: one timeline per ring
 */
struct virtgpu_file {
	struct mutex lock;	/* see above */
	u32 ctx_id;
	bool created;
	u32 capset_id;
	u32 num_rings;
	u64 poll_rings;
	char name[VIRTGPU_CONTEXT_NAME_MAX];
	struct virtgpu_timeline *tl;
	struct virtgpu_timeline **rings;
};

int virtgpu_file_open(struct drm_device *dev, struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct virtgpu_file *vfile;
	int id;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;
	mutex_init(&vfile->lock);
	if (virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_VIRGL)) {
		id = virtgpu_hw_ctx_id_alloc(vgdev->hw);
		if (id < 0) {
			kfree(vfile);
			return id;
		}
		vfile->ctx_id = id;
	}
	strscpy(vfile->name, current->comm, TASK_COMM_LEN);
	file->driver_priv = vfile;
	return 0;
}

static void virtgpu_file_put_timelines(struct virtgpu_timeline *tl,
				       struct virtgpu_timeline **rings,
				       unsigned int n)
{
	unsigned int i;

	for (i = 0; rings && i < n; i++)
		virtgpu_timeline_put(rings[i]);
	kfree(rings);
	virtgpu_timeline_put(tl);
}

void virtgpu_file_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct virtgpu_file *vfile = file->driver_priv;

	if (vfile->created) {
		virtgpu_ctx_destroy(vgdev->hw, vfile->ctx_id);
		virtgpu_hw_kick(vgdev->hw);
		atomic_dec(&vgdev->contexts);
	}
	virtgpu_file_put_timelines(vfile->tl, vfile->rings, vfile->num_rings);
	if (vfile->ctx_id)
		virtgpu_hw_ctx_id_free(vgdev->hw, vfile->ctx_id);
	mutex_destroy(&vfile->lock);
	kfree(vfile);
	file->driver_priv = NULL;
}

/* Attach every object @file holds a handle to, for a new context. */
static int virtgpu_file_attach_all(struct virtgpu_device *vgdev,
				   struct drm_file *file, u32 ctx_id)
{
	struct drm_gem_object *obj, **objs;
	unsigned int n = 0, max = 0, i;
	int handle;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle)
		max++;
	spin_unlock(&file->table_lock);
	objs = kvcalloc(max ?: 1, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle) {
		if (n == max)
			break;	/* handles created meanwhile attach themselves */
		drm_gem_object_get(obj);
		objs[n++] = obj;
	}
	spin_unlock(&file->table_lock);
	for (i = 0; i < n; i++) {
		if (to_virtgpu_bo(objs[i])->res_id)
			virtgpu_ctx_attach(vgdev->hw, ctx_id,
					   to_virtgpu_bo(objs[i])->res_id);
		drm_gem_object_put(objs[i]);
	}
	kvfree(objs);
	return 0;
}

/* Create the host context and its timelines; vfile->lock held. */
static int virtgpu_file_create_context(struct virtgpu_device *vgdev,
				       struct drm_file *file,
				       struct virtgpu_file *vfile)
{
	struct virtgpu_timeline *tl, **rings = NULL;
	struct virtgpu_hw *hw = vgdev->hw;
	unsigned int i;
	int ret = -ENOMEM;

	tl = virtgpu_timeline_create(hw, vfile->ctx_id, 0, false);
	if (!tl)
		goto err;
	if (vfile->num_rings) {
		rings = kcalloc(vfile->num_rings, sizeof(*rings), GFP_KERNEL);
		if (!rings)
			goto err;
		for (i = 0; i < vfile->num_rings; i++) {
			rings[i] = virtgpu_timeline_create(hw, vfile->ctx_id, i, true);
			if (!rings[i])
				goto err;
		}
	}
	ret = virtgpu_ctx_create(hw, vfile->ctx_id, vfile->capset_id, vfile->name);
	if (ret) {
		drm_dbg_driver(&vgdev->base, "context %u: create failed: %d\n",
			       vfile->ctx_id, ret);
		goto err;
	}
	vfile->tl = tl;
	vfile->rings = rings;
	vfile->created = true;
	atomic_inc(&vgdev->contexts);
	virtgpu_file_attach_all(vgdev, file, vfile->ctx_id);
	virtgpu_hw_kick(hw);
	return 0;
err:
	virtgpu_file_put_timelines(tl, rings, vfile->num_rings);
	return ret;
}

/**
 * virtgpu_file_context - @file's host context, created on first use
 * @vgdev: the device
 * @file: the DRM file
 * @ctx_id: set to the context's id
 *
 * Return: 0, -ENOSYS without virgl, or the host's refusal.
 */
int virtgpu_file_context(struct virtgpu_device *vgdev, struct drm_file *file,
			 u32 *ctx_id)
{
	struct virtgpu_file *vfile = file->driver_priv;
	int ret = 0;

	if (!vfile->ctx_id)
		return -ENOSYS;
	mutex_lock(&vfile->lock);
	if (!vfile->created)
		ret = virtgpu_file_create_context(vgdev, file, vfile);
	mutex_unlock(&vfile->lock);
	*ctx_id = vfile->ctx_id;
	return ret;
}

/*
 * The timeline for @file's next fence: ring @ring_idx's, or the file's.
 * The context must exist (virtgpu_file_context()). NULL for a ring the
 * context does not have.
 */
struct virtgpu_timeline *virtgpu_file_timeline(struct drm_file *file,
					       bool ring, u32 ring_idx)
{
	struct virtgpu_file *vfile = file->driver_priv;

	if (!ring)
		return vfile->tl;
	return ring_idx < vfile->num_rings ? vfile->rings[ring_idx] : NULL;
}

/* Whether fences of ring @ring_idx also send @file a DRM event. */
bool virtgpu_file_polls_ring(struct drm_file *file, u32 ring_idx)
{
	struct virtgpu_file *vfile = file->driver_priv;

	return ring_idx < 64 && (vfile->poll_rings & BIT_ULL(ring_idx));
}

/* Tell @file's host context, if it has one, about @bo's resource. */
static void virtgpu_file_ctx_resource(struct drm_file *file,
				      struct virtgpu_bo *bo, bool attach)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(bo->base.base.dev);
	struct virtgpu_file *vfile = file->driver_priv;

	if (!vfile || !bo->res_id)
		return;
	mutex_lock(&vfile->lock);
	if (vfile->created) {
		if (attach)
			virtgpu_ctx_attach(vgdev->hw, vfile->ctx_id, bo->res_id);
		else
			virtgpu_ctx_detach(vgdev->hw, vfile->ctx_id, bo->res_id);
		virtgpu_hw_kick(vgdev->hw);
	}
	mutex_unlock(&vfile->lock);
}

/* A handle to @bo was created in @file: its context may use the resource. */
void virtgpu_file_attach(struct drm_file *file, struct virtgpu_bo *bo)
{
	virtgpu_file_ctx_resource(file, bo, true);
}

void virtgpu_file_detach(struct drm_file *file, struct virtgpu_bo *bo)
{
	virtgpu_file_ctx_resource(file, bo, false);
}

static int virtgpu_context_param(struct virtgpu_device *vgdev,
				 struct virtgpu_file *vfile,
				 const struct drm_virtgpu_context_set_param *p)
{
	u64 mask;

	switch (p->param) {
	case VIRTGPU_CONTEXT_PARAM_CAPSET_ID:
		mask = virtgpu_hw_capset_mask(vgdev->hw);
		if (p->value >= 64 || !(mask & BIT_ULL(p->value)))
			return -EINVAL;
		vfile->capset_id = p->value;
		return 0;
	case VIRTGPU_CONTEXT_PARAM_NUM_RINGS:
		if (p->value > VIRTGPU_MAX_RINGS)
			return -EINVAL;
		vfile->num_rings = p->value;
		return 0;
	case VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK:
		vfile->poll_rings = p->value;
		return 0;
#ifdef VIRTGPU_CONTEXT_PARAM_DEBUG_NAME
	case VIRTGPU_CONTEXT_PARAM_DEBUG_NAME: {
		long len = strncpy_from_user(vfile->name, u64_to_user_ptr(p->value),
					     sizeof(vfile->name) - 1);

		if (len < 0)
			return len;
		vfile->name[len] = '\0';
		return 0;
	}
#endif
	default:
		return -EINVAL;
	}
}

/*
 * CONTEXT_INIT: the context's type, rings and name, set once before the
 * context exists. Needs VIRTIO_GPU_F_CONTEXT_INIT: -EINVAL without it,
 * as on a host without the feature.
 */
int virtgpu_context_init_ioctl(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct drm_virtgpu_context_init *args = data;
	struct drm_virtgpu_context_set_param *params;
	struct virtgpu_file *vfile = file->driver_priv;
	unsigned long seen = 0;
	unsigned int i;
	int ret;

	if (!virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_CONTEXT_INIT) || !vfile->ctx_id)
		return -EINVAL;
	if (args->pad || !args->num_params || args->num_params > 4)
		return -EINVAL;
	params = memdup_user(u64_to_user_ptr(args->ctx_set_params),
			     array_size(args->num_params, sizeof(*params)));
	if (IS_ERR(params))
		return PTR_ERR(params);

	mutex_lock(&vfile->lock);
	if (vfile->created) {
		ret = -EEXIST;
		goto out;
	}
	for (i = 0; i < args->num_params; i++) {
		/* Each parameter once. */
		if (params[i].param >= BITS_PER_LONG ||
		    test_and_set_bit(params[i].param, &seen)) {
			ret = -EINVAL;
			goto out;
		}
		ret = virtgpu_context_param(vgdev, vfile, &params[i]);
		if (ret)
			goto out;
	}
	if (vfile->poll_rings && vfile->num_rings < 64 &&
	    vfile->poll_rings >> vfile->num_rings) {
		ret = -EINVAL;	/* polling rings the context does not have */
		goto out;
	}
	ret = virtgpu_file_create_context(vgdev, file, vfile);
out:
	if (ret && !vfile->created) {
		vfile->capset_id = 0;
		vfile->num_rings = 0;
		vfile->poll_rings = 0;
	}
	mutex_unlock(&vfile->lock);
	kfree(params);
	return ret;
}
