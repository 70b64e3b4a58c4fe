// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Modesetting: one primary plane on one CRTC. Framebuffers are shmem GEM
 * objects; an update copies the damaged rectangles into VRAM, where the
 * scanout always starts at offset 0 with a pitch of width * 4. No register
 * is touched here: the hardware verbs live in qemuvga_hw.c.
 */
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_format_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "qemuvga_drv.h"

/* More damage rectangles than this are sent to the host as one. */
#define QEMUVGA_MAX_RECTS	16
#define QEMUVGA_EDID_MAX	1024
#define QEMUVGA_MAX_REFRESH	240

static const u32 qemuvga_formats[] = {
	DRM_FORMAT_XRGB8888,
};

static const u64 qemuvga_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

static int qemuvga_plane_atomic_check(struct drm_plane *plane,
				      struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state = NULL;

	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	/* VRAM holds exactly one mode-sized image: the plane must cover it. */
	return drm_atomic_helper_check_plane_state(new, crtc_state,
						   DRM_PLANE_NO_SCALING,
						   DRM_PLANE_NO_SCALING,
						   false, true);
}

/* Copies @clip (framebuffer coordinates) to VRAM; returns it in CRTC ones. */
static struct drm_rect qemuvga_copy_rect(struct qemuvga_device *qdev,
					 struct drm_plane_state *state,
					 const struct drm_rect *clip)
{
	struct drm_shadow_plane_state *shadow = to_drm_shadow_plane_state(state);
	struct iosys_map dst = IOSYS_MAP_INIT_VADDR_IOMEM(qdev->vram);
	struct drm_rect out = *clip;

	drm_rect_translate(&out, state->dst.x1 - (state->src.x1 >> 16),
			   state->dst.y1 - (state->src.y1 >> 16));
	iosys_map_incr(&dst, out.y1 * qdev->pitch + out.x1 * QEMUVGA_CPP);
	drm_fb_memcpy(&dst, &qdev->pitch, shadow->data, state->fb, clip);
	return out;
}

static void qemuvga_rect_union(struct drm_rect *a, const struct drm_rect *b)
{
	a->x1 = min(a->x1, b->x1);
	a->y1 = min(a->y1, b->y1);
	a->x2 = max(a->x2, b->x2);
	a->y2 = max(a->y2, b->y2);
}

static void qemuvga_plane_atomic_update(struct drm_plane *plane,
					struct drm_atomic_state *state)
{
	struct qemuvga_device *qdev = to_qemuvga_device(plane->dev);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_crtc_state *crtc_state;
	struct drm_rect rects[QEMUVGA_MAX_RECTS];
	struct drm_atomic_helper_damage_iter iter;
	struct drm_rect clip, out;
	unsigned int count = 0;
	int idx;

	if (!new->visible || !new->fb || !new->crtc)
		return;
	if (!drm_dev_enter(plane->dev, &idx))
		return;
	crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	/*
	 * VRAM holds the last framebuffer's pixels: a new framebuffer or a new
	 * mode makes the whole image damaged, whatever the clips say.
	 */
	if (old->fb != new->fb || drm_atomic_crtc_needs_modeset(crtc_state)) {
		drm_rect_fp_to_int(&clip, &new->src);
		rects[count++] = qemuvga_copy_rect(qdev, new, &clip);
	} else {
		drm_atomic_helper_damage_iter_init(&iter, old, new);
		drm_atomic_for_each_plane_damage(&iter, &clip) {
			out = qemuvga_copy_rect(qdev, new, &clip);
			if (count < ARRAY_SIZE(rects))
				rects[count++] = out;
			else
				qemuvga_rect_union(&rects[count - 1], &out);
		}
	}
	qemuvga_hw_update(qdev, rects, count);
	drm_dev_exit(idx);
}

#ifdef VIRTGPU_PANIC_HOOKS
/*
 * drm_panic (6.10+) draws straight into VRAM, which holds the shown image
 * at offset 0 with the mode's size and pitch: the plane covers the CRTC.
 * Called with the plane state stable (drm_panic's lock).
 */
static int qemuvga_plane_get_scanout_buffer(struct drm_plane *plane,
					    struct drm_scanout_buffer *sb)
{
	struct qemuvga_device *qdev = to_qemuvga_device(plane->dev);
	struct drm_plane_state *state = plane->state;

	if (!state || !state->fb || !state->visible || !state->crtc)
		return -ENODEV;
	sb->format = drm_format_info(DRM_FORMAT_XRGB8888);
	iosys_map_set_vaddr_iomem(&sb->map[0], qdev->vram);
	sb->pitch[0] = qdev->pitch;
	sb->width = drm_rect_width(&state->dst);
	sb->height = drm_rect_height(&state->dst);
	return 0;
}

/* VBE: QEMU dirty-tracks VRAM by itself. SVGA FIFO: one full-screen update. */
static void qemuvga_plane_panic_flush(struct drm_plane *plane)
{
	struct qemuvga_device *qdev = to_qemuvga_device(plane->dev);
	struct drm_plane_state *state = plane->state;

	if (qdev->path == QEMUVGA_PATH_SVGA_FIFO && state && state->visible)
		qemuvga_hw_panic_update(qdev, &state->dst);
}
#endif

static const struct drm_plane_helper_funcs qemuvga_plane_helper_funcs = {
	DRM_GEM_SHADOW_PLANE_HELPER_FUNCS,
	.atomic_check = qemuvga_plane_atomic_check,
	.atomic_update = qemuvga_plane_atomic_update,
#ifdef VIRTGPU_PANIC_HOOKS
	.get_scanout_buffer = qemuvga_plane_get_scanout_buffer,
	.panic_flush = qemuvga_plane_panic_flush,
#endif
};

static const struct drm_plane_funcs qemuvga_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	DRM_GEM_SHADOW_PLANE_FUNCS,
};

static enum drm_mode_status
qemuvga_crtc_mode_valid(struct drm_crtc *crtc, const struct drm_display_mode *mode)
{
	struct qemuvga_device *qdev = to_qemuvga_device(crtc->dev);
	int refresh;

	if (mode->flags & DRM_MODE_FLAG_INTERLACE)
		return MODE_NO_INTERLACE;
	if (mode->flags & DRM_MODE_FLAG_DBLSCAN)
		return MODE_NO_DBLESCAN;
	refresh = drm_mode_vrefresh(mode);
	if (refresh < 1 || refresh > QEMUVGA_MAX_REFRESH)
		return MODE_BAD;

	switch (qemuvga_mode_fit(&qdev->limits, mode->hdisplay, mode->vdisplay)) {
	case QEMUVGA_FIT_OK:
		return MODE_OK;
	case QEMUVGA_FIT_TOO_SMALL:
		return MODE_BAD;
	case QEMUVGA_FIT_TOO_WIDE:
		return MODE_BAD_HVALUE;
	case QEMUVGA_FIT_TOO_HIGH:
		return MODE_BAD_VVALUE;
	case QEMUVGA_FIT_WIDTH_ALIGN:
		return MODE_H_ILLEGAL;
	case QEMUVGA_FIT_VRAM:
		return MODE_MEM;
	}
	return MODE_BAD;
}

static int qemuvga_crtc_atomic_check(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);

	to_qemuvga_crtc_state(crtc_state)->damage_only =
		vgpu_crtc_damage_only(state, crtc, crtc_state);
	/* The scanout is the primary plane's copy: an enabled CRTC needs it. */
	if (crtc_state->enable &&
	    !(crtc_state->plane_mask & drm_plane_mask(crtc->primary)))
		return -EINVAL;
	return 0;
}

static void qemuvga_crtc_atomic_enable(struct drm_crtc *crtc,
				       struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);

	qemuvga_hw_set_mode(to_qemuvga_device(crtc->dev),
			    crtc_state->mode.hdisplay, crtc_state->mode.vdisplay);
	drm_crtc_vblank_on(crtc);
}

static void qemuvga_crtc_atomic_disable(struct drm_crtc *crtc,
					struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);

	qemuvga_hw_blank(to_qemuvga_device(crtc->dev), true);
	drm_crtc_vblank_off(crtc);
	vgpu_crtc_disable_event(crtc, crtc_state);
}

/*
 * The copy is done once the plane is updated; the event waits for the next
 * simulated vblank (vgpu_vblank.c), except a damage-only commit's.
 */
static void qemuvga_crtc_atomic_flush(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);

	vgpu_crtc_flush_event(crtc, crtc_state,
			      to_qemuvga_crtc_state(crtc_state)->damage_only);
}

static const struct drm_crtc_helper_funcs qemuvga_crtc_helper_funcs = {
	.mode_valid = qemuvga_crtc_mode_valid,
	.atomic_check = qemuvga_crtc_atomic_check,
	.atomic_enable = qemuvga_crtc_atomic_enable,
	.atomic_disable = qemuvga_crtc_atomic_disable,
	.atomic_flush = qemuvga_crtc_atomic_flush,
};

static void qemuvga_crtc_destroy_state(struct drm_crtc *crtc,
				       struct drm_crtc_state *state)
{
	__drm_atomic_helper_crtc_destroy_state(state);
	kfree(to_qemuvga_crtc_state(state));
}

static void qemuvga_crtc_reset(struct drm_crtc *crtc)
{
	struct qemuvga_crtc_state *qcs;

	if (crtc->state) {
		qemuvga_crtc_destroy_state(crtc, crtc->state);
		crtc->state = NULL;
	}
	qcs = kzalloc(sizeof(*qcs), GFP_KERNEL);
	if (qcs)
		__drm_atomic_helper_crtc_reset(crtc, &qcs->base);
}

static struct drm_crtc_state *qemuvga_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct qemuvga_crtc_state *qcs;

	if (!crtc->state)
		return NULL;
	qcs = kzalloc(sizeof(*qcs), GFP_KERNEL);
	if (!qcs)
		return NULL;
	__drm_atomic_helper_crtc_duplicate_state(crtc, &qcs->base);
	return &qcs->base;
}

static int qemuvga_crtc_enable_vblank(struct drm_crtc *crtc)
{
	return vgpu_vblank_enable(&to_qemuvga_device(crtc->dev)->vblank);
}

static void qemuvga_crtc_disable_vblank(struct drm_crtc *crtc)
{
	vgpu_vblank_disable(&to_qemuvga_device(crtc->dev)->vblank);
}

static bool qemuvga_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					      int *max_error, ktime_t *time,
					      bool in_vblank_irq)
{
	return vgpu_vblank_timestamp(&to_qemuvga_device(crtc->dev)->vblank,
				     max_error, time);
}

static const struct drm_crtc_funcs qemuvga_crtc_funcs = {
	.reset = qemuvga_crtc_reset,
	.destroy = drm_crtc_cleanup,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = qemuvga_crtc_duplicate_state,
	.atomic_destroy_state = qemuvga_crtc_destroy_state,
	.enable_vblank = qemuvga_crtc_enable_vblank,
	.disable_vblank = qemuvga_crtc_disable_vblank,
	.get_vblank_timestamp = qemuvga_crtc_get_vblank_timestamp,
};

static const struct drm_encoder_funcs qemuvga_encoder_funcs = {
	.destroy = drm_encoder_cleanup,
};

/* std VGA and bochs-display carry an EDID; the others get the DMT list. */
static int qemuvga_connector_get_modes(struct drm_connector *connector)
{
	struct qemuvga_device *qdev = to_qemuvga_device(connector->dev);
	struct edid *edid = NULL;
	int count = 0;
	u8 *buf;
	int len;

	buf = kmalloc(QEMUVGA_EDID_MAX, GFP_KERNEL);
	if (buf) {
		len = qemuvga_hw_read_edid(qdev, buf, QEMUVGA_EDID_MAX);
		if (len > 0 && drm_edid_is_valid((struct edid *)buf))
			edid = (struct edid *)buf;
	}
	drm_connector_update_edid_property(connector, edid);
	if (edid)
		count = drm_add_edid_modes(connector, edid);
	if (!count) {
		count = drm_add_modes_noedid(connector, qdev->limits.max_width,
					     qdev->limits.max_height);
		drm_set_preferred_mode(connector, 1024, 768);
	}
	kfree(buf);
	return count;
}

static const struct drm_connector_helper_funcs qemuvga_connector_helper_funcs = {
	.get_modes = qemuvga_connector_get_modes,
};

static const struct drm_connector_funcs qemuvga_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/*
 * The default tail updates planes before enabling CRTCs; here the copy needs
 * the new mode's pitch, so CRTCs go first. A commit with an event returns
 * (or lets the next one start) at the simulated vblank that sends it.
 */
static void qemuvga_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *dev = state->dev;

	drm_atomic_helper_commit_modeset_disables(dev, state);
	drm_atomic_helper_commit_modeset_enables(dev, state);
	drm_atomic_helper_commit_planes(dev, state, 0);
	drm_atomic_helper_commit_hw_done(state);
	vgpu_commit_wait_flip_done(state);
	drm_atomic_helper_cleanup_planes(dev, state);
}

static const struct drm_mode_config_helper_funcs qemuvga_mode_config_helper_funcs = {
	.atomic_commit_tail = qemuvga_atomic_commit_tail,
};

/*
 * 6.1's core takes any format and modifier in ADDFB2; refuse what the plane
 * cannot show, as newer cores do (without the flag, modifier[0] is linear).
 */
static struct drm_framebuffer *
qemuvga_fb_create(struct drm_device *dev, struct drm_file *file,
		  VIRTGPU_FB_CREATE_INFO const struct drm_mode_fb_cmd2 *cmd)
{
	if (!drm_any_plane_has_format(dev, cmd->pixel_format, cmd->modifier[0]))
		return ERR_PTR(-EINVAL);
	return drm_gem_fb_create_with_dirty(dev, file, VIRTGPU_FB_CREATE_INFO_ARG cmd);
}

static const struct drm_mode_config_funcs qemuvga_mode_config_funcs = {
	.fb_create = qemuvga_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

int qemuvga_kms_init(struct qemuvga_device *qdev)
{
	struct drm_device *dev = &qdev->base;
	int ret;

	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;
	dev->mode_config.min_width = QEMUVGA_MIN_DIM;
	dev->mode_config.min_height = QEMUVGA_MIN_DIM;
	dev->mode_config.max_width = QEMUVGA_MAX_FB_DIM;
	dev->mode_config.max_height = QEMUVGA_MAX_FB_DIM;
	dev->mode_config.preferred_depth = 24;
	dev->mode_config.funcs = &qemuvga_mode_config_funcs;
	dev->mode_config.helper_private = &qemuvga_mode_config_helper_funcs;

	ret = drm_universal_plane_init(dev, &qdev->primary, 0, &qemuvga_plane_funcs,
				       qemuvga_formats, ARRAY_SIZE(qemuvga_formats),
				       qemuvga_modifiers, DRM_PLANE_TYPE_PRIMARY,
				       NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(&qdev->primary, &qemuvga_plane_helper_funcs);
	drm_plane_enable_fb_damage_clips(&qdev->primary);

	ret = drm_crtc_init_with_planes(dev, &qdev->crtc, &qdev->primary, NULL,
					&qemuvga_crtc_funcs, NULL);
	if (ret)
		return ret;
	drm_crtc_helper_add(&qdev->crtc, &qemuvga_crtc_helper_funcs);
	vgpu_vblank_init(&qdev->vblank, &qdev->crtc);

	ret = drm_encoder_init(dev, &qdev->encoder, &qemuvga_encoder_funcs,
			       DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	qdev->encoder.possible_crtcs = drm_crtc_mask(&qdev->crtc);

	ret = drm_connector_init(dev, &qdev->connector, &qemuvga_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	drm_connector_helper_add(&qdev->connector, &qemuvga_connector_helper_funcs);
	if (qdev->mmio)
		drm_connector_attach_edid_property(&qdev->connector);
	ret = drm_connector_attach_encoder(&qdev->connector, &qdev->encoder);
	if (ret)
		return ret;

	ret = drm_vblank_init(dev, 1);
	if (ret)
		return ret;
	drm_mode_config_reset(dev);
	return 0;
}

/* After the CRTC has been shut down: the vblank timer must not outlive it. */
void qemuvga_kms_fini(struct qemuvga_device *qdev)
{
	if (qdev->vblank.crtc)
		vgpu_vblank_stop(&qdev->vblank);
}
