/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DRM API differences between the kernels we support. Each HAVE_* comes
 * from a compile probe in tools/compat/ run against the target headers.
 */
#ifndef VIRTGPU_COMPAT_DRM_H
#define VIRTGPU_COMPAT_DRM_H

#include <linux/hrtimer.h>

#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>

/*
 * 7.2 (at the latest) calls the collection of states an atomic update
 * carries struct drm_atomic_commit; the callbacks of every helper vtable and
 * drm_atomic_get_*_state() take it. The old tag was removed outright, so the
 * driver keeps spelling it the old way and the tag is mapped here.
 */
#ifdef VIRTGPU_HAVE_DRM_ATOMIC_COMMIT
#define drm_atomic_state drm_atomic_commit
#endif

/*
 * The same kernels hand .fb_create the format info the core looked up, and
 * drm_gem_fb_init_with_funcs() wants it too. VIRTGPU_FB_CREATE_INFO is the
 * extra parameter of an .fb_create callback (nothing before), written
 * before the command; VIRTGPU_FB_CREATE_INFO_ARG passes it on.
 */
#ifdef VIRTGPU_HAVE_FB_CREATE_FORMAT_INFO
#define VIRTGPU_FB_CREATE_INFO const struct drm_format_info *info,
#define VIRTGPU_FB_CREATE_INFO_ARG info,
#else
#define VIRTGPU_FB_CREATE_INFO
#define VIRTGPU_FB_CREATE_INFO_ARG
#endif

/* drm_gem_fb_init_with_funcs(), with the format info where it takes one. */
static inline int
virtgpu_gem_fb_init(struct drm_device *dev, struct drm_framebuffer *fb,
		    struct drm_file *file, const struct drm_mode_fb_cmd2 *cmd,
		    const struct drm_framebuffer_funcs *funcs)
{
#ifdef VIRTGPU_HAVE_DRM_GEM_FB_INIT_FORMAT_INFO
	const struct drm_format_info *info =
		drm_get_format_info(dev, cmd->pixel_format, cmd->modifier[0]);

	return drm_gem_fb_init_with_funcs(dev, fb, file, info, cmd, funcs);
#else
	return drm_gem_fb_init_with_funcs(dev, fb, file, cmd, funcs);
#endif
}

/*
 * Later kernels tell atomic_async_check whether the update is a page flip:
 * the parameter list of an atomic_async_check callback.
 */
#ifdef VIRTGPU_HAVE_PLANE_ASYNC_CHECK_FLIP
#define VIRTGPU_ASYNC_CHECK_PARAMS \
	struct drm_plane *plane, struct drm_atomic_state *state, bool flip
#else
#define VIRTGPU_ASYNC_CHECK_PARAMS \
	struct drm_plane *plane, struct drm_atomic_state *state
#endif

#ifdef VIRTGPU_HAVE_CONNECTOR_MODE_VALID_CONST
#define VIRTGPU_CONNECTOR_MODE_CONST const
#else
#define VIRTGPU_CONNECTOR_MODE_CONST
#endif

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

/*
 * fbdev emulation: 6.11 drm_fbdev_shmem_setup(), before the generic one;
 * where neither is left, the DRM client setup, which finds the shmem fbdev
 * through the driver's fbdev_probe (VIRTGPU_FBDEV_DRIVER_OPS in struct
 * drm_driver). The probe asks for the header where 7.2 has it (drm/clients/):
 * a kernel with the older place and without drm_fbdev_shmem_setup() would
 * fall to the generic setup and fail to build, not build something else.
 */
#if defined(VIRTGPU_HAVE_DRM_FBDEV_SHMEM)
#include <drm/drm_fbdev_shmem.h>
#define virtgpu_fbdev_setup(dev) drm_fbdev_shmem_setup(dev, 32)
#define VIRTGPU_FBDEV_DRIVER_OPS
#elif defined(VIRTGPU_HAVE_DRM_CLIENT_SETUP)
#include <drm/clients/drm_client_setup.h>
#include <drm/drm_fbdev_shmem.h>
#define virtgpu_fbdev_setup(dev) drm_client_setup_with_color_mode(dev, 32)
#define VIRTGPU_FBDEV_DRIVER_OPS DRM_FBDEV_SHMEM_DRIVER_OPS,
#else
#include <drm/drm_fb_helper.h>
#define virtgpu_fbdev_setup(dev) drm_fbdev_generic_setup(dev, 32)
#define VIRTGPU_FBDEV_DRIVER_OPS
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
 * drm_gem_vmap_unlocked(); before, the shmem helper locked by itself. Later
 * kernels named it drm_gem_vmap() (the old drm_gem_vmap() is the _locked one).
 */
static inline int virtgpu_gem_vmap(struct drm_gem_object *obj,
				   struct iosys_map *map)
{
#if defined(VIRTGPU_HAVE_DRM_GEM_VMAP_UNLOCKED)
	return drm_gem_vmap_unlocked(obj, map);
#elif defined(VIRTGPU_HAVE_DRM_GEM_VMAP)
	return drm_gem_vmap(obj, map);
#else
	return drm_gem_shmem_vmap(to_drm_gem_shmem_obj(obj), map);
#endif
}

static inline void virtgpu_gem_vunmap(struct drm_gem_object *obj,
				      struct iosys_map *map)
{
#if defined(VIRTGPU_HAVE_DRM_GEM_VMAP_UNLOCKED)
	drm_gem_vunmap_unlocked(obj, map);
#elif defined(VIRTGPU_HAVE_DRM_GEM_VMAP)
	drm_gem_vunmap(obj, map);
#else
	drm_gem_shmem_vunmap(to_drm_gem_shmem_obj(obj), map);
#endif
}

/*
 * 6.13: hrtimer_setup() sets the callback, which became private; hrtimer_init()
 * went later. For the vblank timer: here rather than in virtgpu_compat.h, which
 * the virtio layer's host tests build against tests/unit/kshim.
 */
static inline void
virtgpu_hrtimer_setup(struct hrtimer *timer,
		      enum hrtimer_restart (*fn)(struct hrtimer *),
		      clockid_t clock, enum hrtimer_mode mode)
{
#ifdef VIRTGPU_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

#endif /* VIRTGPU_COMPAT_DRM_H */
