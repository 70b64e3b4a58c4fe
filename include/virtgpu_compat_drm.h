/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DRM API differences between the kernels we support. Each HAVE_* comes
 * from a compile probe in tools/compat/ run against the target headers.
 */
#ifndef VIRTGPU_COMPAT_DRM_H
#define VIRTGPU_COMPAT_DRM_H

#include <drm/drm_drv.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>

/* 6.14 removed drm_driver.date. */
#ifdef VIRTGPU_HAVE_DRM_DRIVER_DATE
#define VIRTGPU_DRIVER_DATE .date = "0",
#else
#define VIRTGPU_DRIVER_DATE
#endif

/* 6.8 moved cursor hotspots from the framebuffer to the plane state. */
#ifdef VIRTGPU_HAVE_PLANE_STATE_HOTSPOT
#define VIRTGPU_DRIVER_CURSOR_HOTSPOT DRIVER_CURSOR_HOTSPOT
static inline void virtgpu_cursor_hotspot(const struct drm_plane_state *s,
					  int *x, int *y)
{
	*x = s->hotspot_x;
	*y = s->hotspot_y;
}
#else
#define VIRTGPU_DRIVER_CURSOR_HOTSPOT 0
static inline void virtgpu_cursor_hotspot(const struct drm_plane_state *s,
					  int *x, int *y)
{
	*x = s->fb ? s->fb->hot_x : 0;
	*y = s->fb ? s->fb->hot_y : 0;
}
#endif

/* fbdev emulation: 6.11 drm_fbdev_shmem_setup(), before the generic one. */
#ifdef VIRTGPU_HAVE_DRM_FBDEV_SHMEM
#include <drm/drm_fbdev_shmem.h>
#define virtgpu_fbdev_setup(dev) drm_fbdev_shmem_setup(dev, 32)
#else
#include <drm/drm_fb_helper.h>
#define virtgpu_fbdev_setup(dev) drm_fbdev_generic_setup(dev, 32)
#endif

/*
 * 6.10: drm_panic's plane hooks (struct drm_scanout_buffer). Debian's 6.12
 * has them but is built without CONFIG_DRM_PANIC, so only our debugfs
 * panic_test calls them there.
 */
#ifdef VIRTGPU_HAVE_DRM_PANIC
#include <drm/drm_panic.h>
#define VIRTGPU_PANIC_HOOKS 1
#endif

/*
 * PRIME: before 6.6 a driver enables it by setting the fd<->handle
 * callbacks (the defaults since), and dma-buf mmap through gem_prime_mmap.
 */
#ifdef VIRTGPU_HAVE_DRM_DRIVER_PRIME_FD_OPS
#define VIRTGPU_PRIME_FD_OPS \
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
#else
#define VIRTGPU_PRIME_FD_OPS
#endif
#ifdef VIRTGPU_HAVE_DRM_DRIVER_GEM_PRIME_MMAP
#define VIRTGPU_PRIME_MMAP .gem_prime_mmap = drm_gem_prime_mmap,
#else
#define VIRTGPU_PRIME_MMAP
#endif

/*
 * 6.2: a kernel mapping of a GEM object takes its reservation lock, through
 * drm_gem_vmap_unlocked(); before, the shmem helper locked by itself.
 */
static inline int virtgpu_gem_vmap(struct drm_gem_object *obj,
				   struct iosys_map *map)
{
#ifdef VIRTGPU_HAVE_DRM_GEM_VMAP_UNLOCKED
	return drm_gem_vmap_unlocked(obj, map);
#else
	return drm_gem_shmem_vmap(to_drm_gem_shmem_obj(obj), map);
#endif
}

static inline void virtgpu_gem_vunmap(struct drm_gem_object *obj,
				      struct iosys_map *map)
{
#ifdef VIRTGPU_HAVE_DRM_GEM_VMAP_UNLOCKED
	drm_gem_vunmap_unlocked(obj, map);
#else
	drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(obj), map);
#endif
}

#endif /* VIRTGPU_COMPAT_DRM_H */
