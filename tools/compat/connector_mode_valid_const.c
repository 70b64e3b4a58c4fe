/* HAVE_CONNECTOR_MODE_VALID_CONST: drm_connector_helper_funcs.mode_valid takes a const mode */
#include <drm/drm_modeset_helper_vtables.h>

static enum drm_mode_status probe_valid(struct drm_connector *connector,
					const struct drm_display_mode *mode)
{
	return MODE_OK;
}

const struct drm_connector_helper_funcs probe = { .mode_valid = probe_valid };
