// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The cursor plane. QEMU takes cursor images only from 64x64 resources, so
 * each output owns such a buffer object and cursor framebuffers (any size
 * up to 64x64, any pitch) are copied into it. The image must reach the
 * host over the control queue before UPDATE_CURSOR arrives on the cursor
 * queue: the upload is fenced and waited for (bounded). Moves alone are
 * MOVE_CURSORs, which is also what legacy cursor ioctls get
 * (atomic_async_update), so they never wait for a vblank nor race a
 * pending flip's state. Commands come from the plane state's pool, filled
 * at atomic_check (async_check for moves). An output whose cursor object
 * could not be made has a working plane that shows nothing.
 */
#include <linux/iosys-map.h>
#include <linux/string.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"
#include "virtgpu_formats.h"

#define VIRTGPU_CURSOR_BYTES	(VIRTGPU_CURSOR_DIM * VIRTGPU_CURSOR_DIM * 4)

static struct virtgpu_output *cursor_to_output(struct drm_plane *plane)
{
	return container_of(plane, struct virtgpu_output, cursor_plane);
}

static int virtgpu_cursor_atomic_check(struct drm_plane *plane,
				       struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state = NULL;
	int ret;

	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	ret = drm_atomic_helper_check_plane_state(new, crtc_state,
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING, true, true);
	if (ret)
		return ret;
	if (new->fb && (new->fb->width > VIRTGPU_CURSOR_DIM ||
			new->fb->height > VIRTGPU_CURSOR_DIM))
		return -EINVAL;
	/* The image upload and the UPDATE_CURSOR (or a MOVE_CURSOR). */
	return virtgpu_plane_reserve(new, 2);
}

/*
 * Copy the cursor image into the 64x64 one. Use the unclipped source: the
 * host clips the cursor itself, and a cursor hanging off the screen's edge
 * must keep its whole image for when it moves back.
 */
static void virtgpu_cursor_copy(struct virtgpu_output *output,
				struct drm_plane_state *new)
{
	struct drm_shadow_plane_state *shadow = to_drm_shadow_plane_state(new);
	struct drm_framebuffer *fb = new->fb;
	u32 w = min_t(u32, new->src_w >> 16, VIRTGPU_CURSOR_DIM);
	u32 h = min_t(u32, new->src_h >> 16, VIRTGPU_CURSOR_DIM);
	u32 x = new->src_x >> 16, y = new->src_y >> 16;
	struct iosys_map src = shadow->data[0];
	u8 *dst = output->cursor_map.vaddr;
	u32 row;

	memset(dst, 0, VIRTGPU_CURSOR_BYTES);
	iosys_map_incr(&src, fb->offsets[0] + (size_t)y * fb->pitches[0] + x * 4);
	for (row = 0; row < h; row++) {
		iosys_map_memcpy_from(dst + row * VIRTGPU_CURSOR_DIM * 4, &src, 0,
				      w * 4);
		iosys_map_incr(&src, fb->pitches[0]);
	}
}

/* Upload the copied image and wait for it, so UPDATE_CURSOR finds it. */
static void virtgpu_cursor_upload(struct virtgpu_device *vgdev,
				  struct virtgpu_output *output,
				  struct virtgpu_plane_state *vps)
{
	struct virtgpu_bo *cursor = output->cursor;
	struct dma_fence *f = virtgpu_fence_dma(vps->fence);

	virtgpu_backing_sync(vgdev->hw, cursor->backing);
	virtgpu_res_transfer_2d(vgdev->hw, &vps->cmds, cursor->res_id, 0, 0, 0,
				VIRTGPU_CURSOR_DIM, VIRTGPU_CURSOR_DIM, vps->fence);
	virtgpu_hw_kick(vgdev->hw);
	if (dma_fence_wait_timeout(f, false, VIRTGPU_DISPLAY_TIMEOUT) <= 0 ||
	    f->error)
		drm_err_ratelimited(&vgdev->base,
				    "cursor image upload slow or failed (%d)\n",
				    f->error);
}

static void virtgpu_cursor_atomic_update(struct drm_plane *plane,
					 struct drm_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct virtgpu_plane_state *vps = to_virtgpu_plane_state(new);
	struct virtgpu_device *vgdev = to_virtgpu_device(plane->dev);
	struct virtgpu_output *output = cursor_to_output(plane);
	int hot_x, hot_y, old_hot_x, old_hot_y, idx;
	struct virtgpu_hw *hw = vgdev->hw;

	if (!output->cursor || !drm_dev_enter(plane->dev, &idx))
		return;
	if (!new->fb || !new->visible) {
		if (old->fb && old->visible)
			virtgpu_cursor_update(hw, &vps->cmds, output->index, 0, 0,
					      0, 0, 0);
		goto out;
	}
	virtgpu_cursor_hotspot(new, &hot_x, &hot_y);
	virtgpu_cursor_hotspot(old, &old_hot_x, &old_hot_y);

	if (new->fb == old->fb && old->visible && hot_x == old_hot_x &&
	    hot_y == old_hot_y) {
		virtgpu_cursor_move(hw, &vps->cmds, output->index,
				    output->cursor->res_id, new->crtc_x,
				    new->crtc_y);
		goto out;
	}
	virtgpu_cursor_copy(output, new);
	virtgpu_cursor_upload(vgdev, output, vps);
	virtgpu_cursor_update(hw, &vps->cmds, output->index,
			      output->cursor->res_id, new->crtc_x, new->crtc_y,
			      hot_x, hot_y);
out:
	drm_dev_exit(idx);
}

/* Legacy cursor moves: same image, new position, no vblank wait. */
static int virtgpu_cursor_atomic_async_check(VIRTGPU_ASYNC_CHECK_PARAMS)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *cur = plane->state;
	int hot_x, hot_y, cur_hot_x, cur_hot_y;

	if (!cur || !cur->fb || !cur->visible || cur->fb != new->fb ||
	    cur->crtc != new->crtc || !new->crtc ||
	    !cursor_to_output(plane)->cursor)
		return -EINVAL;
	virtgpu_cursor_hotspot(new, &hot_x, &hot_y);
	virtgpu_cursor_hotspot(cur, &cur_hot_x, &cur_hot_y);
	if (hot_x != cur_hot_x || hot_y != cur_hot_y ||
	    new->src_w != cur->src_w || new->src_h != cur->src_h ||
	    new->src_x != cur->src_x || new->src_y != cur->src_y ||
	    new->crtc_w != cur->crtc_w || new->crtc_h != cur->crtc_h)
		return -EINVAL;
	/* The MOVE_CURSOR, from the new state's pool, which lives until after. */
	return virtgpu_plane_reserve(new, 1);
}

static void virtgpu_cursor_atomic_async_update(struct drm_plane *plane,
					       struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct virtgpu_device *vgdev = to_virtgpu_device(plane->dev);
	struct virtgpu_output *output = cursor_to_output(plane);
	int idx;

	plane->state->crtc_x = new->crtc_x;
	plane->state->crtc_y = new->crtc_y;
	if (!drm_dev_enter(plane->dev, &idx))
		return;
	virtgpu_cursor_move(vgdev->hw, &to_virtgpu_plane_state(new)->cmds,
			    output->index, output->cursor->res_id, new->crtc_x,
			    new->crtc_y);
	virtgpu_hw_kick(vgdev->hw);
	drm_dev_exit(idx);
}

static const struct drm_plane_helper_funcs virtgpu_cursor_helper_funcs = {
	DRM_GEM_SHADOW_PLANE_HELPER_FUNCS,
	.atomic_check = virtgpu_cursor_atomic_check,
	.atomic_update = virtgpu_cursor_atomic_update,
	.atomic_async_check = virtgpu_cursor_atomic_async_check,
	.atomic_async_update = virtgpu_cursor_atomic_async_update,
};

static const struct drm_plane_funcs virtgpu_cursor_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = virtgpu_plane_reset,
	.atomic_duplicate_state = virtgpu_plane_duplicate_state,
	.atomic_destroy_state = virtgpu_plane_destroy_state,
};

int virtgpu_cursor_plane_init(struct virtgpu_device *vgdev,
			      struct virtgpu_output *output)
{
	struct drm_plane *plane = &output->cursor_plane;
	struct virtgpu_bo *cursor;
	int ret;

	ret = drm_universal_plane_init(&vgdev->base, plane, BIT(output->index),
				       &virtgpu_cursor_funcs,
				       virtgpu_cursor_formats,
				       virtgpu_num_cursor_formats, NULL,
				       DRM_PLANE_TYPE_CURSOR, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(plane, &virtgpu_cursor_helper_funcs);

	/* Without a cursor object the plane still works, invisibly. */
	cursor = virtgpu_bo_create_kernel(vgdev,
					  virtgpu_format_to_virtio(DRM_FORMAT_ARGB8888),
					  VIRTGPU_CURSOR_DIM, VIRTGPU_CURSOR_DIM,
					  &output->cursor_map);
	if (IS_ERR(cursor))
		drm_warn(&vgdev->base, "no cursor on scanout %u: %ld\n",
			 output->index, PTR_ERR(cursor));
	else
		output->cursor = cursor;
	return 0;
}
