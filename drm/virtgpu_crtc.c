// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CRTCs and their vblank. The device has no vblank interrupt, so each
 * CRTC runs an hrtimer at its mode's refresh rate: page-flip events,
 * drmWaitVBlank and sequence queries then behave like real hardware and
 * clients are paced instead of spinning as fast as the host copies.
 *
 * The gamma LUT (legacy gamma and GAMMA_LUT, 256 entries) is the palette
 * of C8 framebuffers; the host has no LUT, so other formats ignore it.
 */
#include <linux/math64.h>
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

static enum hrtimer_restart virtgpu_vblank_fire(struct hrtimer *timer)
{
	struct virtgpu_output *output = container_of(timer, struct virtgpu_output,
						     vblank_timer);

	if (!READ_ONCE(output->vblank_on))
		return HRTIMER_NORESTART;
	/* Move on first: the timestamp below reads the previous expiry. */
	hrtimer_forward_now(timer, output->vblank_period);
	drm_crtc_handle_vblank(&output->crtc);
	return HRTIMER_RESTART;
}

static int virtgpu_crtc_enable_vblank(struct drm_crtc *crtc)
{
	struct virtgpu_output *output = crtc_to_virtgpu_output(crtc);
	struct drm_vblank_crtc *vblank = &crtc->dev->vblank[drm_crtc_index(crtc)];

	output->vblank_period = ns_to_ktime(vblank->framedur_ns);
	WRITE_ONCE(output->vblank_on, true);
	hrtimer_start(&output->vblank_timer, output->vblank_period,
		      HRTIMER_MODE_REL);
	return 0;
}

/*
 * Called with vblank locks held that the timer callback also takes, so do
 * not wait for a running callback: it sees vblank_on false and stops.
 */
static void virtgpu_crtc_disable_vblank(struct drm_crtc *crtc)
{
	struct virtgpu_output *output = crtc_to_virtgpu_output(crtc);

	WRITE_ONCE(output->vblank_on, false);
	hrtimer_try_to_cancel(&output->vblank_timer);
}

/*
 * While the timer runs, the last vblank is the newest tick not after now:
 * the timer's previous expiry, or a later one if the callback is late (a
 * busy host delays it), so an event armed meanwhile targets the next tick,
 * never one that has already passed. While it is off, "now" keeps the
 * count ticking with wall time; returning false instead would make the
 * core store a zero timestamp when vblank is switched back on, and the
 * next count would jump by the uptime.
 */
static bool virtgpu_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					      int *max_error, ktime_t *time,
					      bool in_vblank_irq)
{
	struct virtgpu_output *output = crtc_to_virtgpu_output(crtc);
	ktime_t now = ktime_get(), expires;
	s64 period = ktime_to_ns(output->vblank_period);

	*max_error = 0;
	if (!READ_ONCE(output->vblank_on) || period <= 0) {
		*time = now;
		return true;
	}
	expires = hrtimer_get_expires(&output->vblank_timer);
	if (ktime_after(expires, now))
		*time = ktime_sub_ns(expires, period);
	else
		*time = ktime_add_ns(expires, div64_s64(ktime_to_ns(ktime_sub(now, expires)),
							period) * period);
	return true;
}

/* Only for sleepable teardown, after the CRTC has been turned off. */
void virtgpu_crtc_stop_vblank(struct virtgpu_output *output)
{
	WRITE_ONCE(output->vblank_on, false);
	hrtimer_cancel(&output->vblank_timer);
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

	/* A disable with an event completes now: no more vblanks will come. */
	spin_lock_irq(&crtc->dev->event_lock);
	if (cs->event && !cs->active) {
		drm_crtc_send_vblank_event(crtc, cs->event);
		cs->event = NULL;
	}
	spin_unlock_irq(&crtc->dev->event_lock);
}

/*
 * Keep the commit's event for the commit tail, which delivers it once the
 * host has read the framebuffer being replaced. A damage-only commit has
 * only the helpers' own event, which nobody reads: completing it now lets
 * the commit return at once.
 */
static void virtgpu_crtc_atomic_flush(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(cs);
	struct drm_pending_vblank_event *event = cs->event;

	if (!event)
		return;
	cs->event = NULL;
	if (cs->active && !vcs->damage_only) {
		vcs->event = event;
		return;
	}
	spin_lock_irq(&crtc->dev->event_lock);
	drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/**
 * virtgpu_crtc_deliver_event - arm a commit's page-flip event for the next
 *	vblank, like a display that latches a new frame at its vblank
 * @crtc: the CRTC
 * @cs: its new state in the commit
 */
void virtgpu_crtc_deliver_event(struct drm_crtc *crtc,
				struct drm_crtc_state *cs)
{
	struct virtgpu_crtc_state *vcs = to_virtgpu_crtc_state(cs);
	struct drm_pending_vblank_event *event = vcs->event;

	if (!event)
		return;
	vcs->event = NULL;
	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/**
 * virtgpu_crtc_damage_only - whether a commit only declares damage on a CRTC
 * @state: the commit
 * @crtc: the CRTC
 * @cs: its new state
 *
 * No event, no modeset or colour change, and its planes keep their
 * framebuffers and rectangles (only the primary plane may be in the
 * commit). Such a commit completes at once; its damage is queued.
 */
bool virtgpu_crtc_damage_only(struct drm_atomic_state *state,
			      struct drm_crtc *crtc, struct drm_crtc_state *cs)
{
	struct drm_plane_state *old, *new;
	struct drm_plane *plane;
	int i;

	if (cs->event || !cs->active || drm_atomic_crtc_needs_modeset(cs) ||
	    cs->color_mgmt_changed)
		return false;
	for_each_oldnew_plane_in_state(state, plane, old, new, i) {
		if (old->crtc != crtc && new->crtc != crtc)
			continue;
		if (plane->type != DRM_PLANE_TYPE_PRIMARY ||
		    old->crtc != new->crtc || !new->fb || old->fb != new->fb ||
		    old->visible != new->visible ||
		    !drm_rect_equals(&old->src, &new->src) ||
		    !drm_rect_equals(&old->dst, &new->dst))
			return false;
	}
	return true;
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

	vcs->damage_only = virtgpu_crtc_damage_only(state, crtc, cs);

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

	virtgpu_hrtimer_setup(&output->vblank_timer, virtgpu_vblank_fire,
			      CLOCK_MONOTONIC, HRTIMER_MODE_REL);
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
