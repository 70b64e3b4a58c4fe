// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Framebuffers. The DRM core has already refused formats no plane supports
 * (-EINVAL); the layout is checked strictly here (pitch, offset, object
 * size) so bad input fails at ADDFB with -EINVAL, not on the host. The host
 * copy is a resource of the framebuffer's own format whose width is
 * pitch / cpp, so the host's row stride equals ours; it is created on the
 * framebuffer's first scanout and released with the framebuffer. Formats
 * the host lacks (RGB565, C8) get an XRGB8888 shadow in kernel memory
 * instead, which updates convert the damage into.
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

	if (vfb->res) {
		virtgpu_res_release(to_virtgpu_device(fb->dev), vfb->res);
		drm_gem_fb_vunmap(fb, vfb->map);
	}
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
					  const struct drm_mode_fb_cmd2 *cmd)
{
	struct virtgpu_framebuffer *vfb;
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, cmd->handles[0]);
	if (!obj)
		return ERR_PTR(-ENOENT);
	/* Foreign dma-bufs have no pages we can pin for the host. */
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
	ret = drm_gem_fb_init_with_funcs(dev, &vfb->base, file, cmd,
					 &virtgpu_fb_funcs);
	if (ret) {
		mutex_destroy(&vfb->lock);
		kfree(vfb);
		return ERR_PTR(ret);
	}
	return &vfb->base;
}

static int virtgpu_fb_create_res(struct virtgpu_device *vgdev,
				 struct drm_framebuffer *fb,
				 struct virtgpu_res **res)
{
	u32 format = fb->format->format;

	if (virtgpu_format_is_shadowed(format))
		return virtgpu_res_create_vmem(vgdev, (size_t)fb->width *
					       fb->height * VIRTGPU_SHADOW_CPP,
					       virtgpu_format_to_virtio(format),
					       fb->width, fb->height, res);
	return virtgpu_res_create_shmem(vgdev, to_drm_gem_shmem_obj(fb->obj[0]),
					virtgpu_format_to_virtio(format),
					fb->pitches[0] / fb->format->cpp[0],
					fb->height, res);
}

/*
 * The framebuffer's host resource, created on first use. The GEM object is
 * mapped for as long: conversion reads it in the commit tail, and the
 * panic handler must find the pixels without sleeping.
 */
int virtgpu_fb_get_res(struct virtgpu_device *vgdev, struct drm_framebuffer *fb,
		       struct virtgpu_res **res)
{
	struct virtgpu_framebuffer *vfb = to_virtgpu_framebuffer(fb);
	int ret = 0;

	mutex_lock(&vfb->lock);
	if (!vfb->res) {
		ret = drm_gem_fb_vmap(fb, vfb->map, vfb->data);
		/* shmem objects are system memory; conversion relies on it. */
		if (!ret && vfb->map[0].is_iomem) {
			drm_gem_fb_vunmap(fb, vfb->map);
			ret = -EINVAL;
		}
		if (!ret) {
			ret = virtgpu_fb_create_res(vgdev, fb, &vfb->res);
			if (ret)
				drm_gem_fb_vunmap(fb, vfb->map);
		}
	}
	*res = vfb->res;
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

	virtgpu_convert_rect(fb->format->format, vfb->res->kmem, fb->width,
			     vfb->data[0].vaddr, fb->pitches[0], &r, palette);
	return ((u64)r.y * fb->width + r.x) * VIRTGPU_SHADOW_CPP;
}
