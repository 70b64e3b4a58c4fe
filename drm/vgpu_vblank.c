// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Simulated vblank (include/vgpu_vblank.h). This one source is built into
 * both modules: virtgpu.ko links it as drm/vgpu_vblank.o, qemuvga.ko through
 * drm/qemuvga/qemuvga_vblank.c, which includes it (Kbuild would warn about
 * one object in two modules). Nothing here is exported.
 */
#include <linux/math64.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_vblank.h>

#include "vgpu_vblank.h"

static enum hrtimer_restart vgpu_vblank_fire(struct hrtimer *timer)
{
	struct vgpu_vblank *vbl = container_of(timer, struct vgpu_vblank, timer);

	if (!READ_ONCE(vbl->on))
		return HRTIMER_NORESTART;
	/* Move on first: the timestamp below reads the previous expiry. */
	hrtimer_forward_now(timer, vbl->period);
	drm_crtc_handle_vblank(vbl->crtc);
	return HRTIMER_RESTART;
}

void vgpu_vblank_init(struct vgpu_vblank *vbl, struct drm_crtc *crtc)
{
	vbl->crtc = crtc;
	vbl->on = false;
	virtgpu_hrtimer_setup(&vbl->timer, vgpu_vblank_fire, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL);
}

int vgpu_vblank_enable(struct vgpu_vblank *vbl)
{
	struct drm_crtc *crtc = vbl->crtc;
	struct drm_vblank_crtc *vblank = &crtc->dev->vblank[drm_crtc_index(crtc)];

	vbl->period = ns_to_ktime(vblank->framedur_ns);
	WRITE_ONCE(vbl->on, true);
	hrtimer_start(&vbl->timer, vbl->period, HRTIMER_MODE_REL);
	return 0;
}

/*
 * Called with vblank locks held that the timer callback also takes, so do
 * not wait for a running callback: it sees @on false and stops.
 */
void vgpu_vblank_disable(struct vgpu_vblank *vbl)
{
	WRITE_ONCE(vbl->on, false);
	hrtimer_try_to_cancel(&vbl->timer);
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
bool vgpu_vblank_timestamp(struct vgpu_vblank *vbl, int *max_error,
			   ktime_t *time)
{
	ktime_t now = ktime_get(), expires;
	s64 period = ktime_to_ns(vbl->period);

	*max_error = 0;
	if (!READ_ONCE(vbl->on) || period <= 0) {
		*time = now;
		return true;
	}
	expires = hrtimer_get_expires(&vbl->timer);
	if (ktime_after(expires, now))
		*time = ktime_sub_ns(expires, period);
	else
		*time = ktime_add_ns(expires,
				     div64_s64(ktime_to_ns(ktime_sub(now, expires)),
					       period) * period);
	return true;
}

void vgpu_vblank_stop(struct vgpu_vblank *vbl)
{
	WRITE_ONCE(vbl->on, false);
	hrtimer_cancel(&vbl->timer);
}

/*
 * Whether the commit only declares damage on @crtc: no event, no modeset
 * or colour change, and its planes keep their framebuffers and rectangles
 * (only the primary plane may be in the commit). Such a commit has only
 * the helpers' own event, which nobody reads: vgpu_crtc_flush_event()
 * completes it at once, so the commit (DIRTYFB, a blocking commit with
 * FB_DAMAGE_CLIPS) neither waits for a vblank nor makes the next one wait.
 */
bool vgpu_crtc_damage_only(struct drm_atomic_state *state,
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

/* Arm @event for the next vblank; send it now if vblank cannot be had. */
void vgpu_crtc_arm_event(struct drm_crtc *crtc,
			 struct drm_pending_vblank_event *event)
{
	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/*
 * Deliver the commit's event at the next (simulated) vblank; a damage-only
 * commit's, or one on an inactive CRTC, now.
 */
void vgpu_crtc_flush_event(struct drm_crtc *crtc, struct drm_crtc_state *cs,
			   bool damage_only)
{
	struct drm_pending_vblank_event *event = cs->event;

	if (!event)
		return;
	cs->event = NULL;
	if (cs->active && !damage_only) {
		vgpu_crtc_arm_event(crtc, event);
		return;
	}
	spin_lock_irq(&crtc->dev->event_lock);
	drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

/* A disable with an event completes now: no more vblanks will come. */
void vgpu_crtc_disable_event(struct drm_crtc *crtc, struct drm_crtc_state *cs)
{
	spin_lock_irq(&crtc->dev->event_lock);
	if (cs->event && !cs->active) {
		drm_crtc_send_vblank_event(crtc, cs->event);
		cs->event = NULL;
	}
	spin_unlock_irq(&crtc->dev->event_lock);
}

void vgpu_commit_wait_flip_done(struct drm_atomic_state *state)
{
	struct drm_device *dev = state->dev;

	/*
	 * Every CRTC of the commit has an event, sent at the next simulated
	 * vblank; waiting for those tolerates a host that starves our timer
	 * better than the 100 ms vblank-count wait would.
	 */
	drm_atomic_helper_wait_for_flip_done(dev, state);
	/*
	 * flip_done completes just before the event joins the file's queue,
	 * both under event_lock: taking the lock once means a blocking commit
	 * never returns before poll() can see its event.
	 */
	spin_lock_irq(&dev->event_lock);
	spin_unlock_irq(&dev->event_lock);
}
