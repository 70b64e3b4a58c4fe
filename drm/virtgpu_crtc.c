// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CRTCs and their vblank. The device has no vblank interrupt, so each
 * CRTC runs an hrtimer at its mode's refresh rate: page-flip events,
 * drmWaitVBlank and sequence queries then behave like real hardware and
 * clients are paced instead of spinning as fast as the host copies. The
 * timer and the event logic are shared with qemuvga (vgpu_vblank.c).
 *
 * The gamma LUT (legacy gamma and GAMMA_LUT, 256 entries) is the palette
 * of C8 framebuffers; the host has no LUT, so other formats ignore it.
 */
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_drv.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "virtgpu_drv.h"
#include "virtgpu_modes.h"

static int virtgpu_crtc_enable_vblank(struct drm_crtc *crtc)
{
	return vgpu_vblank_enable(&crtc_to_virtgpu_output(crtc)->vblank);
}

static void virtgpu_crtc_disable_vblank(struct drm_crtc *crtc)
{
	vgpu_vblank_disable(&crtc_to_virtgpu_output(crtc)->vblank);
}

static bool virtgpu_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					      int *max_error, ktime_t *time,
					      bool in_vblank_irq)
{
	return vgpu_vblank_timestamp(&crtc_to_virtgpu_output(crtc)->vblank,
				     max_error, time);
}

/* Only for sleepable teardown, after the CRTC has been turned off. */
void virtgpu_crtc_stop_vblank(struct virtgpu_output *output)
{
	vgpu_vblank_stop(&output->vblank);
}

static enum drm_mode_status virtgpu_crtc_mode_valid(struct drm_crtc *crtc,
						    const struct drm_display_mode *mode)
{
	return virtgpu_mode_valid(mode);
}

static void virtgpu_crtc_atomic_enable(struct drm_crtc *crtc,
				       struct drm_atomic_state *state)
{
	drm_crtc_vblank_on(crtc);
}

static void virtgpu_crtc_atomic_disable(struct drm_crtc *crtc,
					struct drm_atomic_state *state)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(crtc->dev);
	struct virtgpu_output *output = crtc_to_virtgpu_output(crtc);
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	int idx;

	mutex_lock(&output->upload_lock);
	if (drm_dev_enter(crtc->dev, &idx)) {
		virtgpu_scanout_set(vgdev->hw, &to_virtgpu_crtc_state(cs)->cmds,
				    output->index, 0, 0, 0, 0, 0);
		drm_dev_exit(idx);
	}
	output->scanout_res_id = 0;
	output->shown_fb = NULL;
	mutex_unlock(&output->upload_lock);
	drm_crtc_vblank_off(crtc);
	vgpu_crtc_disable_event(crtc, cs);
}

/*
 * Keep the commit's event for the commit tail, which arms it once the host
 * has read the framebuffer being replaced (virtgpu_kms.c); a damage-only
 * commit's, or one on an inactive CRTC, completes now (vgpu_vblank.c).
 */
static void virtgpu_crtc_atomic_flush(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(cs);

	if (cs->event && cs->active && !vcs->damage_only) {
		vcs->event = cs->event;
		cs->event = NULL;
		return;
	}
	vgpu_crtc_flush_event(crtc, cs, vcs->damage_only);
}

/**
 * virtgpu_crtc_deliver_event - arm a commit's page-flip event, kept by
 *	atomic_flush, for the next vblank
 * @crtc: the CRTC
 * @cs: its new state in the commit
 */
void virtgpu_crtc_deliver_event(struct drm_crtc *crtc,
				struct drm_crtc_state *cs)
{
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(cs);

	if (vcs->event)
		vgpu_crtc_arm_event(crtc, vcs->event);
	vcs->event = NULL;
}

/*
 * A LUT is a C8 palette: exactly one entry per index. A modeset may
 * disable the scanout: its command is allocated now.
 */
static int virtgpu_crtc_atomic_check(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(cs);

	vcs->damage_only = vgpu_crtc_damage_only(state, crtc, cs);

	if (cs->gamma_lut &&
	    drm_color_lut_size(cs->gamma_lut) != VIRTGPU_PALETTE_SIZE) {
		drm_dbg_atomic(crtc->dev, "gamma LUT of %d entries, want %d\n",
			       drm_color_lut_size(cs->gamma_lut),
			       VIRTGPU_PALETTE_SIZE);
		return -EINVAL;
	}
	if (drm_atomic_crtc_needs_modeset(cs) && !vcs->cmds.count)
		return virtgpu_cmds_reserve(&vcs->cmds, 1);
	return 0;
}

static void virtgpu_crtc_destroy_state(struct drm_crtc *crtc,
				       struct drm_crtc_state *state)
{
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(state);

	virtgpu_cmds_release(&vcs->cmds);
	__drm_atomic_helper_crtc_destroy_state(state);
	kfree(vcs);
}

static void virtgpu_crtc_reset(struct drm_crtc *crtc)
{
	struct virtgpu_crtc_state *vcs;

	if (crtc->state) {
		virtgpu_crtc_destroy_state(crtc, crtc->state);
		crtc->state = NULL;
	}
	vcs = kzalloc(sizeof(*vcs), GFP_KERNEL);
	if (!vcs)
		return;
	virtgpu_cmds_init(&vcs->cmds);
	__drm_atomic_helper_crtc_reset(crtc, &vcs->base);
}

static struct drm_crtc_state *virtgpu_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct virtgpu_crtc_state *vcs;

	if (!crtc->state)
		return NULL;
	vcs = kzalloc(sizeof(*vcs), GFP_KERNEL);
	if (!vcs)
		return NULL;
	virtgpu_cmds_init(&vcs->cmds);
	__drm_atomic_helper_crtc_duplicate_state(crtc, &vcs->base);
	return &vcs->base;
}

static const struct drm_crtc_helper_funcs virtgpu_crtc_helper_funcs = {
	.mode_valid = virtgpu_crtc_mode_valid,
	.atomic_check = virtgpu_crtc_atomic_check,
	.atomic_flush = virtgpu_crtc_atomic_flush,
	.atomic_enable = virtgpu_crtc_atomic_enable,
	.atomic_disable = virtgpu_crtc_atomic_disable,
};

static const struct drm_crtc_funcs virtgpu_crtc_funcs = {
	.reset = virtgpu_crtc_reset,
	.destroy = drm_crtc_cleanup,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = virtgpu_crtc_duplicate_state,
	.atomic_destroy_state = virtgpu_crtc_destroy_state,
	.enable_vblank = virtgpu_crtc_enable_vblank,
	.disable_vblank = virtgpu_crtc_disable_vblank,
	.get_vblank_timestamp = virtgpu_crtc_get_vblank_timestamp,
};

/* Legacy GETGAMMA before any SETGAMMA reads the identity ramp. */
static void virtgpu_crtc_init_gamma(struct drm_crtc *crtc)
{
	u16 *r = crtc->gamma_store, *g = r + crtc->gamma_size,
	    *b = g + crtc->gamma_size;
	u32 i;

	for (i = 0; i < crtc->gamma_size; i++) {
		r[i] = i * 0x101;
		g[i] = r[i];
		b[i] = r[i];
	}
}

int virtgpu_crtc_init(struct virtgpu_device *vgdev, struct virtgpu_output *output)
{
	int ret;

	vgpu_vblank_init(&output->vblank, &output->crtc);
	mutex_init(&output->upload_lock);
	virtgpu_damage_init(output);
	ret = drm_crtc_init_with_planes(&vgdev->base, &output->crtc,
					&output->primary, &output->cursor_plane,
					&virtgpu_crtc_funcs, NULL);
	if (ret)
		return ret;
	drm_crtc_helper_add(&output->crtc, &virtgpu_crtc_helper_funcs);
	ret = drm_mode_crtc_set_gamma_size(&output->crtc, VIRTGPU_PALETTE_SIZE);
	if (ret)
		return ret;
	virtgpu_crtc_init_gamma(&output->crtc);
	drm_crtc_enable_color_mgmt(&output->crtc, 0, false, VIRTGPU_PALETTE_SIZE);
	return 0;
}
