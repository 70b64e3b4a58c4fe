/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Host test shim: a virtio device and its queues, backed by fake_virtio.c. */
#ifndef KSHIM_VIRTIO_H
#define KSHIM_VIRTIO_H

#include "../kshim.h"

struct virtqueue;
struct virtio_device;
typedef void vq_callback_t(struct virtqueue *vq);

struct virtio_config_ops {
	void (*del_vqs)(struct virtio_device *vdev);
};

struct virtio_device {
	struct device dev;
	void *priv;
	const struct virtio_config_ops *config;
	u64 features;
	bool dma_quirk;		/* true: guest physical addresses, no DMA API */
	u8 config_space[64];
	struct fake_device *fake;
};

struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index;
	unsigned int num_free;
	vq_callback_t *callback;
	struct fake_queue *fake;
};

struct virtio_driver {
	struct device_driver driver;
};

int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[],
		      unsigned int out_sgs, unsigned int in_sgs, void *data,
		      gfp_t gfp);
bool virtqueue_kick_prepare(struct virtqueue *vq);
bool virtqueue_notify(struct virtqueue *vq);
void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len);
void virtqueue_disable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb(struct virtqueue *vq);
void *virtqueue_detach_unused_buf(struct virtqueue *vq);
static inline int register_virtio_driver(struct virtio_driver *drv)
{
	return 0;
}

#endif
