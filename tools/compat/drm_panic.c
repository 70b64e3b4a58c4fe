/* HAVE_DRM_PANIC: 6.10 drm_plane_helper_funcs.get_scanout_buffer/panic_flush */
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_panic.h>

static int probe_get(struct drm_plane *plane, struct drm_scanout_buffer *sb)
{
	return sb->width ? 0 : -ENODEV;
}

static void probe_flush(struct drm_plane *plane)
{
}

const struct drm_plane_helper_funcs probe = {
	.get_scanout_buffer = probe_get,
	.panic_flush = probe_flush,
};
