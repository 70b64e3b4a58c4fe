// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual connectors and encoders. A connector is connected when the host
 * says its scanout is enabled; its modes are the host's EDID's plus the
 * standard list, and the host's current size is always present and
 * preferred, so a host-side resize is one re-probe away.
 */
#include <linux/slab.h>

#include <drm/drm_atomic_state_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_modes.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_simple_kms_helper.h>

#include "virtgpu_drv.h"
#include "virtgpu_modes.h"

/* The size offered when the host tells us nothing, as the in-tree driver. */
#define VIRTGPU_FALLBACK_WIDTH	1024
#define VIRTGPU_FALLBACK_HEIGHT	768

enum drm_mode_status virtgpu_mode_valid(const struct drm_display_mode *mode)
{
	const struct virtgpu_mode_timing t = {
		.clock_khz = mode->clock,
		.hdisplay = mode->hdisplay, .hsync_start = mode->hsync_start,
		.hsync_end = mode->hsync_end, .htotal = mode->htotal,
		.vdisplay = mode->vdisplay, .vsync_start = mode->vsync_start,
		.vsync_end = mode->vsync_end, .vtotal = mode->vtotal,
	};

	if (mode->flags & (DRM_MODE_FLAG_INTERLACE | DRM_MODE_FLAG_DBLSCAN))
		return MODE_NO_INTERLACE;
	switch (virtgpu_mode_check(&t)) {
	case VIRTGPU_MODE_OK:
		return MODE_OK;
	case VIRTGPU_MODE_CLOCK_LOW:
		return MODE_CLOCK_LOW;
	case VIRTGPU_MODE_CLOCK_HIGH:
		return MODE_CLOCK_HIGH;
	case VIRTGPU_MODE_H_ILLEGAL:
		return MODE_H_ILLEGAL;
	case VIRTGPU_MODE_V_ILLEGAL:
		return MODE_V_ILLEGAL;
	default:
		return MODE_BAD;
	}
}

static enum drm_mode_status
virtgpu_connector_mode_valid(struct drm_connector *c,
			     VIRTGPU_CONNECTOR_MODE_CONST struct drm_display_mode *mode)
{
	return virtgpu_mode_valid(mode);
}

/* Mark the mode of the host's size preferred, adding it if missing. */
static int virtgpu_connector_prefer(struct drm_connector *connector,
				    u32 width, u32 height)
{
	struct drm_display_mode *mode, *found = NULL;
	int added = 0;

	list_for_each_entry(mode, &connector->probed_modes, head) {
		if (mode->hdisplay == width && mode->vdisplay == height && !found)
			found = mode;
		else
			mode->type &= ~DRM_MODE_TYPE_PREFERRED;
	}
	if (!found) {
		found = drm_cvt_mode(connector->dev, width, height, 60, false,
				     false, false);
		if (!found)
			return 0;
		drm_mode_probed_add(connector, found);
		added = 1;
	}
	found->type |= DRM_MODE_TYPE_PREFERRED;
	return added;
}

static int virtgpu_connector_get_modes(struct drm_connector *connector)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(connector->dev);
	struct virtgpu_output *output = connector_to_virtgpu_output(connector);
	struct virtgpu_scanout_info info;
	struct edid *edid;
	int count;

	virtgpu_hw_scanout(vgdev->hw, output->index, &info);
	edid = kzalloc(VIRTGPU_EDID_MAX, GFP_KERNEL);
	if (edid && !virtgpu_hw_edid(vgdev->hw, output->index, (u8 *)edid,
				     VIRTGPU_EDID_MAX)) {
		kfree(edid);
		edid = NULL;
	}

	drm_connector_update_edid_property(connector, edid);
	count = edid ? drm_add_edid_modes(connector, edid) : 0;
	kfree(edid);
	/*
	 * And the standard (DMT) modes up to our maximum, which any size can
	 * show: what users pick from, as on the in-tree driver. The probe
	 * helper drops the ones the EDID listed already.
	 */
	count += drm_add_modes_noedid(connector, VIRTGPU_MAX_MODE_DIM,
				      VIRTGPU_MAX_MODE_DIM);

	if (info.enabled)
		count += virtgpu_connector_prefer(connector, info.width,
						  info.height);
	else
		count += virtgpu_connector_prefer(connector, VIRTGPU_FALLBACK_WIDTH,
						  VIRTGPU_FALLBACK_HEIGHT);
	return count;
}

static enum drm_connector_status
virtgpu_connector_detect(struct drm_connector *connector, bool force)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(connector->dev);
	struct virtgpu_output *output = connector_to_virtgpu_output(connector);
	struct virtgpu_scanout_info info;

	virtgpu_hw_scanout(vgdev->hw, output->index, &info);
	return info.enabled ? connector_status_connected :
			      connector_status_disconnected;
}

static const struct drm_connector_helper_funcs virtgpu_connector_helper_funcs = {
	.get_modes = virtgpu_connector_get_modes,
	.mode_valid = virtgpu_connector_mode_valid,
};

static const struct drm_connector_funcs virtgpu_connector_funcs = {
	.detect = virtgpu_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

int virtgpu_connector_init(struct virtgpu_device *vgdev,
			   struct virtgpu_output *output)
{
	struct drm_connector *connector = &output->connector;
	int ret;

	ret = drm_simple_encoder_init(&vgdev->base, &output->encoder,
				      DRM_MODE_ENCODER_VIRTUAL);
	if (ret)
		return ret;
	output->encoder.possible_crtcs = drm_crtc_mask(&output->crtc);

	ret = drm_connector_init(&vgdev->base, connector,
				 &virtgpu_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	drm_connector_helper_add(connector, &virtgpu_connector_helper_funcs);
	connector->polled = DRM_CONNECTOR_POLL_HPD;
	if (virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_EDID))
		drm_connector_attach_edid_property(connector);
	return drm_connector_attach_encoder(connector, &output->encoder);
}
