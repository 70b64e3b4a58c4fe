/* HAVE_DRM_DRIVER_DATE: drm_driver.date, removed in 6.14 */
#include <drm/drm_drv.h>

const struct drm_driver probe = { .date = "0" };
