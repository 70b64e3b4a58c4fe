// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Framebuffers on buffer objects. The DRM core has already refused formats
 * no plane supports (-EINVAL); the layout is checked strictly here (pitch,
 * offset, object size) so bad input fails at ADDFB with -EINVAL, not on
 * the host. What the host scans out is decided on the framebuffer's first
 * scanout (virtgpu_fb_prepare()):
 *  - an object whose contents live on the host (a 3D resource): its own
 *    resource, shown as it is;
 *  - otherwise a 2D resource on the object's pages in the framebuffer's
 *    format, pitch / cpp pixels wide, so the host's row stride is the
 *    framebuffer's: the object's own resource when it fits, else a view
 *    the object keeps (virtgpu_bo_view());
 *  - RGB565 and C8, which the host has no format for: an XRGB8888 shadow
 *    object of the framebuffer's size, owned by it, which updates convert
 *    the damage into.
 */
#include <linux/slab.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_rect.h>

#include "virtgpu_drv.h"
#include "virtgpu_formats.h"

static void virtgpu_fb_destroy(struct drm_framebuffer *fb)
{
	struct virtgpu_framebuffer *vfb = to_virtgpu_framebuffer(fb);
	struct virtgpu_bo *shadow = vfb->shadow;

	if (vfb->res_id)
		drm_gem_fb_vunmap(fb, vfb->map);
	if (shadow)
		virtgpu_bo_put_kernel(shadow, &vfb->shadow_map);
	mutex_destroy(&vfb->lock);
	drm_gem_fb_destroy(fb);	/* frees vfb: base is its first member */
}

static const struct drm_framebuffer_funcs virtgpu_fb_funcs = {
	.destroy = virtgpu_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

struct drm_framebuffer *virtgpu_fb_create(struct drm_device *dev,
					  struct drm_file *file,
					  VIRTGPU_FB_CREATE_INFO
					  const struct drm_mode_fb_cmd2 *cmd)
{
	struct virtgpu_framebuffer *vfb;
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, cmd->handles[0]);
	if (!obj)
		return ERR_PTR(-ENOENT);
	/* Foreign dma-bufs have no pages we can give the host. */
	ret = obj->import_attach ? -EINVAL :
	      virtgpu_fb_layout_check(cmd->pixel_format, cmd->width, cmd->height,
				      cmd->pitches[0], cmd->offsets[0], obj->size);
	drm_gem_object_put(obj);
	if (ret) {
		drm_dbg_kms(dev, "rejecting fb %ux%u %p4cc pitch %u offset %u\n",
			    cmd->width, cmd->height, &cmd->pixel_format,
			    cmd->pitches[0], cmd->offsets[0]);
		return ERR_PTR(ret);
	}

	vfb = kzalloc(sizeof(*vfb), GFP_KERNEL);
	if (!vfb)
		return ERR_PTR(-ENOMEM);
	mutex_init(&vfb->lock);
	ret = virtgpu_gem_fb_init(dev, &vfb->base, file, cmd, &virtgpu_fb_funcs);
	if (ret) {
		mutex_destroy(&vfb->lock);
		kfree(vfb);
		return ERR_PTR(ret);
	}
	return &vfb->base;
}

/* Pick (and create) the resource the host scans out; vfb->lock held. */
static int virtgpu_fb_host_res(struct virtgpu_device *vgdev,
			       struct virtgpu_framebuffer *vfb)
{
	struct drm_framebuffer *fb = &vfb->base;
	struct virtgpu_bo *bo = to_virtgpu_bo(fb->obj[0]);
	u32 format = fb->format->format;
	struct virtgpu_bo *shadow;
	int ret;

	if (virtgpu_format_is_shadowed(format)) {
		shadow = virtgpu_bo_create_kernel(vgdev, virtgpu_format_to_virtio(format),
						  fb->width, fb->height, &vfb->shadow_map);
		if (IS_ERR(shadow))
			return PTR_ERR(shadow);
		vfb->shadow = shadow;
		vfb->res_id = shadow->res_id;
		vfb->backing = shadow->backing;
		vfb->upload = true;
		return 0;
	}
	if (bo->host_3d) {
		ret = virtgpu_bo_wait_created(bo);
		if (!ret) {
			vfb->res_id = bo->res_id;
			vfb->backing = bo->backing;
		}
		return ret;
	}
	ret = virtgpu_bo_view(vgdev, bo, virtgpu_format_to_virtio(format),
			      fb->pitches[0] / fb->format->cpp[0], fb->height,
			      &vfb->res_id);
	vfb->backing = bo->backing;
	vfb->upload = true;
	return ret;
}

/**
 * virtgpu_fb_prepare - make @fb ready for scanout: its host resource, and
 *	a kernel mapping of its object for conversion and drm_panic
 * @vgdev: the device
 * @fb: the framebuffer
 *
 * Called from prepare_fb, so a host that refuses gives the commit an
 * errno. Done once; kept until the framebuffer is destroyed.
 *
 * Return: 0 or an error.
 */
int virtgpu_fb_prepare(struct virtgpu_device *vgdev, struct drm_framebuffer *fb)
{
	struct virtgpu_framebuffer *vfb = to_virtgpu_framebuffer(fb);
	int ret = 0;

	mutex_lock(&vfb->lock);
	if (vfb->res_id)
		goto unlock;
	ret = drm_gem_fb_vmap(fb, vfb->map, vfb->data);
	/* shmem objects are system memory; conversion relies on it. */
	if (!ret && vfb->map[0].is_iomem) {
		drm_gem_fb_vunmap(fb, vfb->map);
		ret = -EINVAL;
	}
	if (ret)
		goto unlock;
	ret = virtgpu_fb_host_res(vgdev, vfb);
	if (ret) {
		vfb->res_id = 0;
		drm_gem_fb_vunmap(fb, vfb->map);
		if (vfb->shadow)
			virtgpu_bo_put_kernel(vfb->shadow, &vfb->shadow_map);
		vfb->shadow = NULL;
	}
unlock:
	mutex_unlock(&vfb->lock);
	return ret;
}

/*
 * Convert @rect (inside the framebuffer) of a shadowed framebuffer into its
 * shadow; C8 looks colours up in @palette. Returns the byte offset of the
 * rectangle in the shadow, for TRANSFER_TO_HOST_2D. Commit tail only.
 */
u64 virtgpu_fb_update_shadow(struct drm_framebuffer *fb,
			     const struct drm_rect *rect, const u32 *palette)
{
	struct virtgpu_framebuffer *vfb = to_virtgpu_framebuffer(fb);
	struct virtgpu_conv_rect r = {
		.x = rect->x1, .y = rect->y1,
		.w = drm_rect_width(rect), .h = drm_rect_height(rect),
	};

	virtgpu_convert_rect(fb->format->format,
			     vfb->shadow_map.vaddr, fb->width,
			     vfb->data[0].vaddr, fb->pitches[0], &r, palette);
	return ((u64)r.y * fb->width + r.x) * VIRTGPU_SHADOW_CPP;
}
