/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Host test shim: virtio configuration access, backed by fake_virtio.c. */
#ifndef KSHIM_VIRTIO_CONFIG_H
#define KSHIM_VIRTIO_CONFIG_H

#include "virtio.h"

#define VIRTIO_F_VERSION_1		32
#define VIRTIO_RING_F_INDIRECT_DESC	28

static inline bool virtio_has_feature(const struct virtio_device *vdev,
				      unsigned int f)
{
	return vdev->features & BIT_ULL(f);
}
#define virtio_has_dma_quirk(vdev)	((vdev)->dma_quirk)
#define virtio_cread_le(vdev, type, member, ptr) \
	memcpy(ptr, (vdev)->config_space + offsetof(type, member), sizeof(*(ptr)))
#define virtio_cwrite_le(vdev, type, member, ptr) \
	memcpy((vdev)->config_space + offsetof(type, member), ptr, sizeof(*(ptr)))
int virtio_find_vqs(struct virtio_device *vdev, unsigned int n,
		    struct virtqueue *vqs[], vq_callback_t *callbacks[],
		    const char * const names[], void *desc);
void virtio_device_ready(struct virtio_device *vdev);
void virtio_reset_device(struct virtio_device *vdev);

#endif
