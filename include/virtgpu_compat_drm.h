/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DRM API differences between the kernels we support. Each HAVE_* comes
 * from a compile probe in tools/compat/ run against the target headers.
 */
#ifndef VIRTGPU_COMPAT_DRM_H
#define VIRTGPU_COMPAT_DRM_H

#include <drm/drm_drv.h>
#include <drm/drm_framebuffer.h>
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

#endif /* VIRTGPU_COMPAT_DRM_H */
