/* HAVE_DRM_ATOMIC_COMMIT: struct drm_atomic_commit, formerly struct drm_atomic_state (7.2 has it) */
#include <drm/drm_atomic.h>

struct drm_device *probe(struct drm_atomic_commit *commit);
struct drm_device *probe(struct drm_atomic_commit *commit)
{
	return commit->dev;
}
