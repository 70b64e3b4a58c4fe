// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The primary plane: shows a framebuffer's host resource on the scanout.
 * An update uploads only the damaged rectangle (TRANSFER_TO_HOST_2D; not
 * for host-side 3D objects), sets the scanout when the resource or source
 * changed, and flushes the damage with a fenced RESOURCE_FLUSH; the commit
 * tail notifies the device once for all of it and waits for the fence.
 * A commit that only declares damage instead queues it for the damage
 * worker (virtgpu_damage.c) and waits for nothing.
 * Every command comes from the plane state's pool, filled at atomic_check,
 * so the commit tail never allocates. The commit's page-flip event waits
 * for the host to have read the framebuffer being replaced (the previous
 * flush), not the new one: a client draws its next frame while the host
 * copies this one. Before the update runs, prepare_fb
 * has the framebuffer's fences (implicit sync: a client's rendering) in
 * the plane state, which the commit waits for. RGB565 and C8 framebuffers
 * are converted into their XRGB8888 shadow first; C8 takes its colours
 * from the CRTC's gamma LUT. The 32-bit formats ignore the LUT.
 *
 * drm_panic (6.10+): the panic screen is drawn into the framebuffer (or
 * the shadow) mapped at prepare_fb, then uploaded and flushed with
 * commands allocated at probe, without sleeping or waiting for a lock.
 */
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_plane_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"
#include "virtgpu_formats.h"

/* Plane states of both planes: a shadow plane state plus the pool. */
void virtgpu_plane_reset(struct drm_plane *plane)
{
	struct virtgpu_plane_state *vps;

	if (plane->state) {
		virtgpu_plane_destroy_state(plane, plane->state);
		plane->state = NULL;
	}
	vps = kzalloc(sizeof(*vps), GFP_KERNEL);
	if (!vps)
		return;
	virtgpu_cmds_init(&vps->cmds);
	__drm_gem_reset_shadow_plane(plane, &vps->base);
}

struct drm_plane_state *virtgpu_plane_duplicate_state(struct drm_plane *plane)
{
	struct virtgpu_plane_state *vps;

	if (!plane->state)
		return NULL;
	vps = kzalloc(sizeof(*vps), GFP_KERNEL);
	if (!vps)
		return NULL;
	virtgpu_cmds_init(&vps->cmds);
	__drm_gem_duplicate_shadow_plane_state(plane, &vps->base);
	return &vps->base.base;
}

void virtgpu_plane_destroy_state(struct drm_plane *plane,
				 struct drm_plane_state *state)
{
	struct virtgpu_plane_state *vps = to_virtgpu_plane_state(state);

	virtgpu_cmds_release(&vps->cmds);
	virtgpu_fence_put(vps->fence);
	dma_fence_put(vps->prev_flush);
	__drm_gem_destroy_shadow_plane_state(&vps->base);
	kfree(vps);
}

/*
 * Fill @state's pool with @cmds commands and give it a fence: what its
 * update will send, allocated while the commit may still fail.
 */
int virtgpu_plane_reserve(struct drm_plane_state *state, unsigned int cmds)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(state->plane->dev);
	struct virtgpu_plane_state *vps = to_virtgpu_plane_state(state);

	if (cmds > vps->cmds.count &&
	    virtgpu_cmds_reserve(&vps->cmds, cmds - vps->cmds.count))
		return -ENOMEM;
	if (!vps->fence)
		vps->fence = virtgpu_fence_alloc(virtgpu_hw_kernel_timeline(vgdev->hw));
	return vps->fence ? 0 : -ENOMEM;
}

static struct virtgpu_output *plane_to_output(struct drm_plane *plane)
{
	return container_of(plane, struct virtgpu_output, primary);
}

static int virtgpu_primary_atomic_check(struct drm_plane *plane,
					struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state = NULL;
	unsigned int clips;
	int ret;

	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	/* The host scans out a whole resource region: no scaling or placing. */
	ret = drm_atomic_helper_check_plane_state(new, crtc_state,
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  false, true);
	if (ret)
		return ret;
	/* Damage only: the damage worker sends the commands. */
	if (crtc_state && vgpu_crtc_damage_only(state, new->crtc, crtc_state))
		return 0;
	/* A transfer per clip (or one), SET_SCANOUT, RESOURCE_FLUSH. */
	clips = drm_plane_get_damage_clips_count(new);
	if (!clips || clips > VIRTGPU_MAX_CLIPS)
		clips = 1;
	return virtgpu_plane_reserve(new, clips + 2);
}

/* The framebuffer's fences into the state, its host resource ready. */
static int virtgpu_primary_prepare_fb(struct drm_plane *plane,
				      struct drm_plane_state *new)
{
	int ret;

	if (!new->fb)
		return 0;
	ret = drm_gem_plane_helper_prepare_fb(plane, new);
	if (ret)
		return ret;
	return virtgpu_fb_prepare(to_virtgpu_device(plane->dev), new->fb);
}

/**
 * virtgpu_primary_upload - upload rectangle @r of @fb, shown on @output, to
 *	its host resource: from the framebuffer's pages, or for a shadowed
 *	format from the shadow after converting the rectangle into it
 * @output: the scanout; its upload_lock held
 * @fb: the framebuffer, prepared (virtgpu_fb_prepare())
 * @pool: preallocated commands, or NULL to allocate
 * @r: the rectangle, inside @fb
 */
void virtgpu_primary_upload(struct virtgpu_output *output,
			    struct drm_framebuffer *fb, struct virtgpu_cmds *pool,
			    const struct drm_rect *r)
{
	struct virtgpu_framebuffer *vfb = to_virtgpu_framebuffer(fb);
	struct virtgpu_hw *hw = to_virtgpu_device(fb->dev)->hw;
	u64 offset;

	if (vfb->shadow)
		offset = virtgpu_fb_update_shadow(fb, r, output->palette);
	else
		offset = fb->offsets[0] + (u64)r->y1 * fb->pitches[0] +
			 r->x1 * fb->format->cpp[0];
	virtgpu_backing_sync(hw, vfb->backing);
	virtgpu_res_transfer_2d(hw, pool, vfb->res_id, offset, r->x1,
				r->y1, drm_rect_width(r), drm_rect_height(r), NULL);
}

/*
 * Upload what changed and return its bounding box in @flush: everything
 * when @full, the host shows something else or the framebuffer changed
 * (each buffer has its own host copy, and damage clips describe changes
 * since the previous frame, not since this buffer was last shown),
 * otherwise each damage clip on its own, so that pixels changed outside
 * the declared damage do not reach the screen. Host-side (3D) objects
 * need no upload: only the flush of their damage.
 */
static bool virtgpu_primary_upload_damage(struct virtgpu_output *output,
					  struct drm_plane_state *old,
					  struct virtgpu_plane_state *vps,
					  bool full, struct drm_rect *flush)
{
	struct drm_plane_state *new = &vps->base.base;
	bool upload = to_virtgpu_framebuffer(new->fb)->upload;
	struct drm_atomic_helper_damage_iter iter;
	struct drm_rect clip;
	bool any = false;

	if (!full && old->fb == new->fb &&
	    drm_plane_get_damage_clips_count(new) <= VIRTGPU_MAX_CLIPS) {
		drm_atomic_helper_damage_iter_init(&iter, old, new);
		drm_atomic_for_each_plane_damage(&iter, &clip) {
			if (upload)
				virtgpu_primary_upload(output, new->fb,
						       &vps->cmds, &clip);
			if (any)
				virtgpu_rect_cover(flush, &clip);
			else
				*flush = clip;
			any = true;
		}
		return any;
	}
	if (full || old->fb != new->fb) {
		*flush = new->src;
		drm_rect_fp_to_int(flush, flush);
	} else if (!drm_atomic_helper_damage_merged(old, new, flush)) {
		return false;
	}
	if (upload)
		virtgpu_primary_upload(output, new->fb, &vps->cmds, flush);
	return true;
}

/* C8 colours: the CRTC's gamma LUT (256 entries, see the CRTC check). */
static void virtgpu_primary_palette(struct virtgpu_output *output,
				    const struct drm_crtc_state *crtc_state)
{
	if (crtc_state && crtc_state->gamma_lut)
		virtgpu_palette_from_lut(output->palette,
					 crtc_state->gamma_lut->data);
	else
		virtgpu_palette_grey(output->palette);
}

/*
 * A damage-only commit: the clips join the scanout's damage queue, which
 * flushes them within a refresh period (virtgpu_damage.c).
 */
static void virtgpu_primary_queue_damage(struct virtgpu_output *output,
					 struct drm_plane_state *old,
					 struct drm_plane_state *new)
{
	struct drm_atomic_helper_damage_iter iter;
	struct drm_rect clips[VIRTGPU_MAX_CLIPS];
	unsigned int n = 0;

	if (drm_plane_get_damage_clips_count(new) > VIRTGPU_MAX_CLIPS) {
		if (drm_atomic_helper_damage_merged(old, new, &clips[0]))
			n = 1;
	} else {
		drm_atomic_helper_damage_iter_init(&iter, old, new);
		drm_atomic_for_each_plane_damage(&iter, &clips[n]) {
			if (++n == VIRTGPU_MAX_CLIPS)
				break;
		}
	}
	virtgpu_damage_add(output, new->fb, clips, n);
}

/* Show @vps's framebuffer: upload, scan out and flush; upload_lock held. */
static void virtgpu_primary_show(struct virtgpu_output *output,
				 struct drm_plane_state *old,
				 struct virtgpu_plane_state *vps,
				 struct drm_crtc_state *crtc_state)
{
	struct drm_plane_state *new = &vps->base.base;
	struct virtgpu_hw *hw = to_virtgpu_device(output->crtc.dev)->hw;
	struct drm_framebuffer *fb = new->fb;
	struct virtgpu_framebuffer *vfb;
	struct drm_rect src, damage = { };
	bool rescan, damaged, recolour;

	if (!fb || !new->visible || !to_virtgpu_framebuffer(fb)->res_id) {
		/* Primary plane off on a lit CRTC: blank the scanout. */
		if (output->scanout_res_id)
			virtgpu_scanout_set(hw, &vps->cmds, output->index, 0, 0, 0,
					    0, 0);
		output->scanout_res_id = 0;
		output->shown_fb = NULL;
		vps->prev_flush = output->last_flush;
		output->last_flush = NULL;
		return;
	}
	vfb = to_virtgpu_framebuffer(fb);
	src = new->src;
	drm_rect_fp_to_int(&src, &src);
	rescan = output->scanout_res_id != vfb->res_id ||
		 !drm_rect_equals(&output->scanout_rect, &src);
	/* A new palette changes every pixel of a C8 framebuffer. */
	recolour = fb->format->format == DRM_FORMAT_C8 &&
		   (!crtc_state || crtc_state->color_mgmt_changed);
	if (fb->format->format == DRM_FORMAT_C8)
		virtgpu_primary_palette(output, crtc_state ?: new->crtc->state);

	damaged = virtgpu_primary_upload_damage(output, old, vps,
						rescan || recolour, &damage);
	if (rescan) {
		virtgpu_scanout_set(hw, &vps->cmds, output->index, vfb->res_id,
				    src.x1, src.y1, drm_rect_width(&src),
				    drm_rect_height(&src));
		output->scanout_res_id = vfb->res_id;
		output->scanout_rect = src;
	}
	output->shown_fb = fb;
	if (damaged &&
	    !virtgpu_res_flush(hw, &vps->cmds, vfb->res_id, damage.x1,
			       damage.y1, drm_rect_width(&damage),
			       drm_rect_height(&damage), vps->fence)) {
		vps->fence_queued = true;
		vps->prev_flush = output->last_flush;
		output->last_flush = dma_fence_get(virtgpu_fence_dma(vps->fence));
	}
}

static void virtgpu_primary_atomic_update(struct drm_plane *plane,
					  struct drm_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct virtgpu_output *output = plane_to_output(plane);
	struct drm_crtc_state *crtc_state = NULL;
	int idx;

	if (!drm_dev_enter(plane->dev, &idx))
		return;
	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	if (crtc_state && to_virtgpu_crtc_state(crtc_state)->damage_only &&
	    new->fb && new->fb == output->shown_fb) {
		virtgpu_primary_queue_damage(output, old, new);
	} else {
		mutex_lock(&output->upload_lock);
		virtgpu_primary_show(output, old, to_virtgpu_plane_state(new),
				     crtc_state);
		mutex_unlock(&output->upload_lock);
	}
	drm_dev_exit(idx);
}

#ifdef VIRTGPU_PANIC_HOOKS
/*
 * The shown framebuffer and source rectangle, for a framebuffer whose
 * pixels are in guest memory. Called with the plane state stable
 * (drm_panic's lock, or the debugfs test's modeset locks); a visible
 * framebuffer went through prepare_fb.
 */
static struct virtgpu_framebuffer *virtgpu_panic_fb(struct drm_plane *plane,
						    struct drm_rect *src)
{
	struct drm_plane_state *s = plane->state;
	struct virtgpu_framebuffer *vfb;

	if (!s || !s->fb || !s->visible)
		return NULL;
	vfb = to_virtgpu_framebuffer(s->fb);
	if (!vfb->res_id || !vfb->upload)
		return NULL;
	*src = s->src;
	drm_rect_fp_to_int(src, src);
	return vfb;
}

static int virtgpu_primary_get_scanout_buffer(struct drm_plane *plane,
					      struct drm_scanout_buffer *sb)
{
	struct virtgpu_framebuffer *vfb;
	struct drm_framebuffer *fb;
	struct drm_rect src;

	vfb = virtgpu_panic_fb(plane, &src);
	if (!vfb)
		return -ENODEV;
	fb = &vfb->base;
	if (vfb->shadow) {
		/* The host shows the XRGB8888 shadow: draw there. */
		sb->format = drm_format_info(DRM_FORMAT_XRGB8888);
		sb->map[0] = vfb->shadow_map;
		sb->pitch[0] = fb->width * VIRTGPU_SHADOW_CPP;
		iosys_map_incr(&sb->map[0], (size_t)src.y1 * sb->pitch[0] +
			       src.x1 * VIRTGPU_SHADOW_CPP);
	} else {
		sb->format = fb->format;
		sb->map[0] = vfb->data[0];
		sb->pitch[0] = fb->pitches[0];
		iosys_map_incr(&sb->map[0], (size_t)src.y1 * fb->pitches[0] +
			       src.x1 * fb->format->cpp[0]);
	}
	sb->width = drm_rect_width(&src);
	sb->height = drm_rect_height(&src);
	return 0;
}

/* Upload and flush the whole source rectangle; nobody waits for more. */
static void virtgpu_primary_panic_flush(struct drm_plane *plane)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(plane->dev);
	struct virtgpu_framebuffer *vfb;
	struct drm_framebuffer *fb;
	struct drm_rect src;
	u64 offset;

	vfb = virtgpu_panic_fb(plane, &src);
	if (!vfb)
		return;
	fb = &vfb->base;
	if (vfb->shadow)
		offset = ((u64)src.y1 * fb->width + src.x1) * VIRTGPU_SHADOW_CPP;
	else
		offset = fb->offsets[0] + (u64)src.y1 * fb->pitches[0] +
			 src.x1 * fb->format->cpp[0];
	virtgpu_hw_panic_flush(vgdev->hw, vfb->backing, vfb->res_id, offset,
			       src.x1, src.y1, drm_rect_width(&src),
			       drm_rect_height(&src));
}
#endif

static const struct drm_plane_helper_funcs virtgpu_primary_helper_funcs = {
	.prepare_fb = virtgpu_primary_prepare_fb,
	.atomic_check = virtgpu_primary_atomic_check,
	.atomic_update = virtgpu_primary_atomic_update,
#ifdef VIRTGPU_PANIC_HOOKS
	.get_scanout_buffer = virtgpu_primary_get_scanout_buffer,
	.panic_flush = virtgpu_primary_panic_flush,
#endif
};

static const struct drm_plane_funcs virtgpu_primary_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = virtgpu_plane_reset,
	.atomic_duplicate_state = virtgpu_plane_duplicate_state,
	.atomic_destroy_state = virtgpu_plane_destroy_state,
};

int virtgpu_primary_plane_init(struct virtgpu_device *vgdev,
			       struct virtgpu_output *output)
{
	struct drm_plane *plane = &output->primary;
	int ret;

	ret = drm_universal_plane_init(&vgdev->base, plane, BIT(output->index),
				       &virtgpu_primary_funcs,
				       virtgpu_primary_formats,
				       virtgpu_num_primary_formats, NULL,
				       DRM_PLANE_TYPE_PRIMARY, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(plane, &virtgpu_primary_helper_funcs);
	drm_plane_enable_fb_damage_clips(plane);
	return 0;
}
