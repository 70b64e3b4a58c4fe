/* HAVE_DRM_GEM_VMAP_UNLOCKED: 6.2 drm_gem_vmap_unlocked() (vmap takes the resv lock) */
#include <drm/drm_gem.h>

int probe(struct drm_gem_object *obj, struct iosys_map *map);
int probe(struct drm_gem_object *obj, struct iosys_map *map)
{
	return drm_gem_vmap_unlocked(obj, map);
}
