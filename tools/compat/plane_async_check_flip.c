/* HAVE_PLANE_ASYNC_CHECK_FLIP: drm_plane_helper_funcs.atomic_async_check takes a flip flag */
#include <drm/drm_modeset_helper_vtables.h>

int probe(const struct drm_plane_helper_funcs *funcs, struct drm_plane *plane);
int probe(const struct drm_plane_helper_funcs *funcs, struct drm_plane *plane)
{
	return funcs->atomic_async_check(plane, NULL, true);
}
