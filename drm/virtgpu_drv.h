/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef VIRTGPU_DRV_H
#define VIRTGPU_DRV_H

#include <drm/drm_device.h>

#include "virtgpu_hw.h"

#define VIRTGPU_DRIVER_NAME	"virtio_gpu"	/* userspace keys on it */
#define VIRTGPU_DRIVER_DESC	"virtio GPU (virtgpu)"

/**
 * struct virtgpu_device - one virtio-gpu device
 * @base: the DRM device; first, so DRM can manage our lifetime
 * @hw: the device's protocol state, owned by the virtio layer
 */
struct virtgpu_device {
	struct drm_device base;
	struct virtgpu_hw hw;
};

static inline struct virtgpu_device *to_virtgpu_device(struct drm_device *dev)
{
	return container_of(dev, struct virtgpu_device, base);
}

static inline struct virtgpu_device *hw_to_virtgpu_device(struct virtgpu_hw *hw)
{
	return container_of(hw, struct virtgpu_device, hw);
}

/* virtgpu_debugfs.c */
struct drm_minor;
void virtgpu_debugfs_init(struct drm_minor *minor);

#endif /* VIRTGPU_DRV_H */
