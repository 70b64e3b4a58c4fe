/* HAVE_DRM_FBDEV_SHMEM: 6.11 drm_fbdev_shmem_setup() replaced the generic fbdev */
#include <drm/drm_fbdev_shmem.h>

void probe(struct drm_device *dev);
void probe(struct drm_device *dev)
{
	drm_fbdev_shmem_setup(dev, 32);
}
