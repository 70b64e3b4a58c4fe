/* HAVE_DRM_CLIENT_SETUP: fbdev through <drm/clients/drm_client_setup.h> and the driver's fbdev_probe */
#include <drm/clients/drm_client_setup.h>
#include <drm/drm_drv.h>
#include <drm/drm_fbdev_shmem.h>

const struct drm_driver probe_driver = { DRM_FBDEV_SHMEM_DRIVER_OPS };

void probe(struct drm_device *dev);
void probe(struct drm_device *dev)
{
	drm_client_setup_with_color_mode(dev, 32);
}
