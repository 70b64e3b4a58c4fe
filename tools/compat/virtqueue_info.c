/* HAVE_VIRTQUEUE_INFO: 6.11 virtio_find_vqs() takes struct virtqueue_info */
#include <linux/virtio_config.h>

int probe(struct virtio_device *vdev, struct virtqueue *vqs[1]);
int probe(struct virtio_device *vdev, struct virtqueue *vqs[1])
{
	struct virtqueue_info info[] = { { .name = "q" } };

	return virtio_find_vqs(vdev, 1, vqs, info, NULL);
}
