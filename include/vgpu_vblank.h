/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Simulated vblank and event delivery for display devices without a vblank
 * interrupt, shared by virtgpu.ko and qemuvga.ko (drm/vgpu_vblank.c, built
 * into each module). Each CRTC runs an hrtimer at its mode's refresh rate:
 * page-flip events, drmWaitVBlank and sequence queries then behave like real
 * hardware and clients are paced instead of spinning as fast as the device
 * copies. A commit that only declares damage completes at once.
 */
#ifndef VGPU_VBLANK_H
#define VGPU_VBLANK_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/types.h>

#include <drm/drm_atomic.h>
#include <drm/drm_crtc.h>

#include "virtgpu_compat_drm.h"

/**
 * struct vgpu_vblank - one CRTC's simulated vblank interrupt
 * @timer: fires at the mode's refresh rate while vblank is on
 * @crtc: the CRTC whose vblanks it signals
 * @on: whether the timer should keep firing
 * @period: frame duration of the current mode
 */
struct vgpu_vblank {
	struct hrtimer timer;
	struct drm_crtc *crtc;
	bool on;
	ktime_t period;
};

void vgpu_vblank_init(struct vgpu_vblank *vbl, struct drm_crtc *crtc);
/* For drm_crtc_funcs' enable_vblank, disable_vblank, get_vblank_timestamp. */
int vgpu_vblank_enable(struct vgpu_vblank *vbl);
void vgpu_vblank_disable(struct vgpu_vblank *vbl);
bool vgpu_vblank_timestamp(struct vgpu_vblank *vbl, int *max_error,
			   ktime_t *time);
/* Sleepable teardown, after the CRTC has been turned off. */
void vgpu_vblank_stop(struct vgpu_vblank *vbl);

/* Atomic check: whether the commit only declares damage on @crtc. */
bool vgpu_crtc_damage_only(struct drm_atomic_state *state,
			   struct drm_crtc *crtc, struct drm_crtc_state *cs);
/* Arm an event for the next vblank (sent now if vblank is unavailable). */
void vgpu_crtc_arm_event(struct drm_crtc *crtc,
			 struct drm_pending_vblank_event *event);
/* Atomic flush: arm the commit's event for the next vblank, or send it. */
void vgpu_crtc_flush_event(struct drm_crtc *crtc, struct drm_crtc_state *cs,
			   bool damage_only);
/* Atomic disable, after drm_crtc_vblank_off(): send a disable's event. */
void vgpu_crtc_disable_event(struct drm_crtc *crtc, struct drm_crtc_state *cs);
/* Commit tail, after hw_done: wait until the commit's events are sent. */
void vgpu_commit_wait_flip_done(struct drm_atomic_state *state);

#endif /* VGPU_VBLANK_H */
