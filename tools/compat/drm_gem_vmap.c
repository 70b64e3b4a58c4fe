/* HAVE_DRM_GEM_VMAP: drm_gem_vmap() takes the reservation lock (drm_gem_vmap_unlocked() renamed) */
#include <drm/drm_gem.h>

int probe(struct drm_gem_object *obj, struct iosys_map *map);
int probe(struct drm_gem_object *obj, struct iosys_map *map)
{
	int ret = drm_gem_vmap(obj, map);

	if (!ret)
		drm_gem_vunmap(obj, map);
	return ret;
}
