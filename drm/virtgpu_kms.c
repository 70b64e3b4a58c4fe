// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mode setting: one output (CRTC, primary and cursor plane, encoder,
 * connector) per scanout, atomic helpers throughout, and a commit tail
 * that notifies the device once for everything a commit queued.
 */
#include <linux/dma-fence.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "virtgpu_drv.h"
#include "virtgpu_modes.h"

/**
 * virtgpu_display_wait - wait for a display command's fence, at most
 *	VIRTGPU_DISPLAY_TIMEOUT: a host that does not answer gets an error,
 *	not a hung task
 * @dev: the DRM device, for the error
 * @f: the fence
 * @what: what the host did not do in time, for the error
 */
void virtgpu_display_wait(struct drm_device *dev, struct dma_fence *f,
			  const char *what)
{
	if (!dma_fence_wait_timeout(f, false, VIRTGPU_DISPLAY_TIMEOUT))
		drm_err_ratelimited(dev, "host did not %s in %u ms\n", what,
				    jiffies_to_msecs(VIRTGPU_DISPLAY_TIMEOUT));
}

/*
 * The host has processed the commit's flushes (so it read every buffer the
 * commit shows) before the commit is done; a host that does not answer
 * gets an error, not a hung task.
 */
static void virtgpu_commit_wait_host(struct drm_atomic_state *state)
{
	struct drm_plane_state *new;
	struct virtgpu_plane_state *vps;
	struct drm_plane *plane;
	int i;

	for_each_new_plane_in_state(state, plane, new, i) {
		vps = to_virtgpu_plane_state(new);
		if (vps->fence_queued)
			virtgpu_display_wait(state->dev,
					     virtgpu_fence_dma(vps->fence),
					     "show a frame");
	}
}

/*
 * Deliver the commit's page-flip events once the host has read the
 * framebuffers they replace (the previous flushes): from then on the
 * client may draw into those while the host copies the new ones.
 */
static void virtgpu_commit_deliver_events(struct drm_atomic_state *state)
{
	struct drm_crtc_state *new;
	struct drm_plane_state *ps;
	struct virtgpu_output *output;
	struct drm_crtc *crtc;
	struct dma_fence *f;
	int i;

	for_each_new_crtc_in_state(state, crtc, new, i) {
		output = crtc_to_virtgpu_output(crtc);
		ps = drm_atomic_get_new_plane_state(state, &output->primary);
		f = ps ? to_virtgpu_plane_state(ps)->prev_flush : NULL;
		if (f)
			virtgpu_display_wait(state->dev, f, "release a frame");
		virtgpu_crtc_deliver_event(crtc, new);
	}
}

/*
 * Pipelined: the events go out when the host has the previous frames,
 * then the commit waits for its own; the next commit queues its commands
 * after that (hw_done), while its client is already drawing.
 */
static void virtgpu_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *dev = state->dev;

	drm_atomic_helper_commit_modeset_disables(dev, state);
	drm_atomic_helper_commit_modeset_enables(dev, state);
	drm_atomic_helper_commit_planes(dev, state,
					DRM_PLANE_COMMIT_ACTIVE_ONLY);
	/* One notification for every command of the commit. */
	virtgpu_hw_kick(to_virtgpu_device(dev)->hw);
	virtgpu_commit_deliver_events(state);
	virtgpu_commit_wait_host(state);
	drm_atomic_helper_commit_hw_done(state);
	vgpu_commit_wait_flip_done(state);
	drm_atomic_helper_cleanup_planes(dev, state);
}

static const struct drm_mode_config_helper_funcs virtgpu_mode_config_helpers = {
	.atomic_commit_tail = virtgpu_commit_tail,
};

/*
 * A new gamma LUT recolours C8 framebuffers: bring the CRTC's planes into
 * the commit (before the plane checks run) so they upload again.
 */
static int virtgpu_atomic_check(struct drm_device *dev,
				struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs;
	struct drm_crtc *crtc;
	int i, ret;

	for_each_new_crtc_in_state(state, crtc, cs, i) {
		if (!cs->color_mgmt_changed)
			continue;
		ret = drm_atomic_add_affected_planes(state, crtc);
		if (ret)
			return ret;
	}
	return drm_atomic_helper_check(dev, state);
}

static const struct drm_mode_config_funcs virtgpu_mode_config_funcs = {
	.fb_create = virtgpu_fb_create,
	.atomic_check = virtgpu_atomic_check,
	.atomic_commit = drm_atomic_helper_commit,
};

static int virtgpu_output_init(struct virtgpu_device *vgdev, unsigned int index)
{
	struct virtgpu_output *output = &vgdev->outputs[index];
	int ret;

	output->index = index;
	ret = virtgpu_primary_plane_init(vgdev, output);
	if (!ret)
		ret = virtgpu_cursor_plane_init(vgdev, output);
	if (!ret)
		ret = virtgpu_crtc_init(vgdev, output);
	if (!ret)
		ret = virtgpu_connector_init(vgdev, output);
	return ret;
}

int virtgpu_kms_init(struct virtgpu_device *vgdev)
{
	struct drm_device *dev = &vgdev->base;
	unsigned int i;
	int ret;

	vgdev->num_outputs = virtgpu_hw_num_scanouts(vgdev->hw);
	if (!vgdev->num_outputs)
		return 0;
	/* Allocated before the mode config, so freed after its cleanup. */
	vgdev->outputs = drmm_kcalloc(dev, vgdev->num_outputs,
				      sizeof(*vgdev->outputs), GFP_KERNEL);
	if (!vgdev->outputs)
		return -ENOMEM;
	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;

	dev->mode_config.min_width = VIRTGPU_MIN_MODE_DIM;
	dev->mode_config.min_height = VIRTGPU_MIN_MODE_DIM;
	dev->mode_config.max_width = VIRTGPU_MAX_MODE_DIM;
	dev->mode_config.max_height = VIRTGPU_MAX_MODE_DIM;
	dev->mode_config.cursor_width = VIRTGPU_CURSOR_DIM;
	dev->mode_config.cursor_height = VIRTGPU_CURSOR_DIM;
	dev->mode_config.preferred_depth = 24;
	dev->mode_config.fb_modifiers_not_supported = true;
	dev->mode_config.funcs = &virtgpu_mode_config_funcs;
	dev->mode_config.helper_private = &virtgpu_mode_config_helpers;

	for (i = 0; i < vgdev->num_outputs; i++) {
		ret = virtgpu_output_init(vgdev, i);
		if (ret)
			return ret;
	}
	ret = drm_vblank_init(dev, vgdev->num_outputs);
	if (ret)
		return ret;
	drm_mode_config_reset(dev);
	drm_kms_helper_poll_init(dev);
	vgdev->kms_ready = true;
	return 0;
}

/* After the device is unplugged: turn everything off, drop host state. */
void virtgpu_kms_fini(struct virtgpu_device *vgdev)
{
	unsigned int i;

	if (!vgdev->outputs)
		return;
	/* A half-made mode config has no state to shut down. */
	if (vgdev->kms_ready) {
		drm_kms_helper_poll_fini(&vgdev->base);
		drm_atomic_helper_shutdown(&vgdev->base);
	}
	for (i = 0; i < vgdev->num_outputs; i++) {
		if (vgdev->outputs[i].crtc.dev) {	/* initialised */
			virtgpu_crtc_stop_vblank(&vgdev->outputs[i]);
			virtgpu_damage_fini(&vgdev->outputs[i]);
		}
		dma_fence_put(vgdev->outputs[i].last_flush);
		vgdev->outputs[i].last_flush = NULL;
		virtgpu_bo_put_kernel(vgdev->outputs[i].cursor,
				      &vgdev->outputs[i].cursor_map);
		vgdev->outputs[i].cursor = NULL;
	}
}

/*
 * The host changed its displays. Re-probe connectors; a pure resize does
 * not change connector status, so send the uevent ourselves then.
 */
void virtgpu_kms_display_changed(struct virtgpu_device *vgdev)
{
	struct drm_device *dev = &vgdev->base;

	if (!vgdev->num_outputs)
		return;
	if (!drm_helper_hpd_irq_event(dev))
		drm_kms_helper_hotplug_event(dev);
}
