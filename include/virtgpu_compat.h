/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel API differences outside DRM (virtgpu_compat_drm.h has DRM's).
 * Each HAVE_* comes from a compile probe in tools/compat/ run against the
 * target headers; these two headers are the only places that test them.
 */
#ifndef VIRTGPU_COMPAT_H
#define VIRTGPU_COMPAT_H

#include <linux/module.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

/* 6.11: virtio_find_vqs() takes struct virtqueue_info. */
static inline int virtgpu_find_vqs(struct virtio_device *vdev,
				   struct virtqueue *vqs[2],
				   vq_callback_t *cb)
{
#ifdef VIRTGPU_HAVE_VIRTQUEUE_INFO
	struct virtqueue_info info[] = {
		{ .name = "control", .callback = cb },
		{ .name = "cursor", .callback = cb },
	};

	return virtio_find_vqs(vdev, 2, vqs, info, NULL);
#else
	vq_callback_t *cbs[] = { cb, cb };
	static const char * const names[] = { "control", "cursor" };

	return virtio_find_vqs(vdev, 2, vqs, cbs, names, NULL);
#endif
}

/*
 * 6.3: register_virtio_driver() became a macro that passes THIS_MODULE.
 * Before, the caller sets the owner, or sysfs shows no module behind the
 * driver (/sys/bus/virtio/drivers/<name>/module).
 */
static inline int virtgpu_register_virtio_driver(struct virtio_driver *drv)
{
#ifdef VIRTGPU_HAVE_REGISTER_VIRTIO_DRIVER_OWNER
	return register_virtio_driver(drv);
#else
	drv->driver.owner = THIS_MODULE;
	return register_virtio_driver(drv);
#endif
}

#endif /* VIRTGPU_COMPAT_H */
