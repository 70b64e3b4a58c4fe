/* HAVE_DRM_DRIVER_PRIME_FD_OPS: drm_driver.prime_handle_to_fd (until 6.6 PRIME needs it set) */
#include <drm/drm_drv.h>
#include <drm/drm_prime.h>

const struct drm_driver probe_driver = {
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
};
