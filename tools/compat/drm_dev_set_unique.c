/* HAVE_DRM_DEV_SET_UNIQUE: drm_dev_set_unique(dev, name) */
#include <drm/drm_drv.h>

int probe(struct drm_device *dev);
int probe(struct drm_device *dev)
{
	return drm_dev_set_unique(dev, "pci:0000:00:00.0");
}
