/* HAVE_DRM_DRIVER_GEM_PRIME_MMAP: drm_driver.gem_prime_mmap (dma-buf mmap, until 6.6) */
#include <drm/drm_drv.h>
#include <drm/drm_prime.h>

const struct drm_driver probe_driver = {
	.gem_prime_mmap = drm_gem_prime_mmap,
};
