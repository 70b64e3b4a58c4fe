/* HAVE_PLANE_STATE_HOTSPOT: 6.8 moved cursor hotspots to drm_plane_state */
#include <drm/drm_drv.h>
#include <drm/drm_plane.h>

int probe(const struct drm_plane_state *s);
int probe(const struct drm_plane_state *s)
{
	return s->hotspot_x + DRIVER_CURSOR_HOTSPOT;
}
