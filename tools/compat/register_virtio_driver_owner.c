/* HAVE_REGISTER_VIRTIO_DRIVER_OWNER: 6.3 __register_virtio_driver(drv, owner) */
#include <linux/module.h>
#include <linux/virtio.h>

int probe(struct virtio_driver *drv);
int probe(struct virtio_driver *drv)
{
	return __register_virtio_driver(drv, THIS_MODULE);
}
