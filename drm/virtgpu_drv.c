// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * virtgpu: a DRM driver for the virtio-gpu device (VIRTIO_ID_GPU).
 *
 * This file is the bus glue: the virtio_driver, the drm_driver, and the
 * probe/remove sequence that ties the DRM device to the virtio layer.
 */
#include <linux/aperture.h>
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/virtio.h>
#include <linux/virtio_ids.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "virtgpu_compat.h"
#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"

DEFINE_DRM_GEM_FOPS(virtgpu_fops);

/*
 * Version 0.1: Mesa's virgl winsys takes major 0 and uses sync_file fences
 * from minor 1 on.
 */
static const struct drm_driver virtgpu_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_ATOMIC | DRIVER_GEM |
			   DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE | VIRTGPU_DRIVER_CURSOR_HOTSPOT,
	.fops = &virtgpu_fops,
	.open = virtgpu_file_open,
	.postclose = virtgpu_file_postclose,
	.ioctls = virtgpu_ioctls,
	.num_ioctls = VIRTGPU_NUM_IOCTLS,
	.gem_create_object = virtgpu_bo_create_object,
	.dumb_create = virtgpu_bo_dumb_create,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	VIRTGPU_PRIME_FD_OPS
	VIRTGPU_PRIME_MMAP
	.debugfs_init = virtgpu_debugfs_init,
	.name = VIRTGPU_DRIVER_NAME,
	.desc = VIRTGPU_DRIVER_DESC,
	VIRTGPU_DRIVER_DATE
	VIRTGPU_FBDEV_DRIVER_OPS
	.major = 0,
	.minor = 1,
	.patchlevel = 0,
};

/* The host's display configuration changed: re-probe, tell userspace. */
static void virtgpu_display_changed(void *priv)
{
	struct virtgpu_device *vgdev = priv;
	int idx;

	if (!drm_dev_enter(&vgdev->base, &idx))
		return;
	virtgpu_kms_display_changed(vgdev);
	drm_dev_exit(idx);
}

static const struct virtgpu_hw_ops virtgpu_hw_ops = {
	.display_changed = virtgpu_display_changed,
};

/* virtio-vga shares its framebuffer BAR with the firmware's console. */
static int virtgpu_remove_conflicting_vga(struct virtio_device *vdev)
{
	struct pci_dev *pdev;

	if (!dev_is_pci(vdev->dev.parent))
		return 0;
	pdev = to_pci_dev(vdev->dev.parent);
	if ((pdev->class >> 8) != PCI_CLASS_DISPLAY_VGA)
		return 0;
	return aperture_remove_conflicting_pci_devices(pdev, VIRTGPU_DRIVER_NAME);
}

/* Userspace (libdrm, Xorg) identifies PCI-backed devices by bus id. */
static int virtgpu_set_unique(struct drm_device *dev, struct device *parent)
{
#ifdef VIRTGPU_HAVE_DRM_DEV_SET_UNIQUE
	char unique[32];

	if (dev_is_pci(parent)) {
		snprintf(unique, sizeof(unique), "pci:%s",
			 pci_name(to_pci_dev(parent)));
		return drm_dev_set_unique(dev, unique);
	}
#endif
	return 0;
}

static void virtgpu_log_features(struct virtgpu_device *vgdev)
{
	struct virtgpu_hw *hw = vgdev->hw;

#define VIRTGPU_SIGN(f) (virtgpu_hw_has(hw, VIRTGPU_HW_##f) ? '+' : '-')
	drm_info(&vgdev->base,
		 "features: %cvirgl %cedid %cresource_uuid %cresource_blob %ccontext_init; %u scanouts, %u capsets\n",
		 VIRTGPU_SIGN(VIRGL), VIRTGPU_SIGN(EDID),
		 VIRTGPU_SIGN(RESOURCE_UUID), VIRTGPU_SIGN(RESOURCE_BLOB),
		 VIRTGPU_SIGN(CONTEXT_INIT), virtgpu_hw_num_scanouts(hw),
		 (unsigned int)hweight64(virtgpu_hw_capset_mask(hw)));
#undef VIRTGPU_SIGN
}

/* The DRM device is gone (its last file closed): drop the virtio layer. */
static void virtgpu_release_hw(struct drm_device *dev, void *hw)
{
	virtgpu_hw_put(hw);
}

static int virtgpu_probe(struct virtio_device *vdev)
{
	struct virtgpu_device *vgdev;
	struct virtgpu_hw *hw;
	int ret;

	ret = virtgpu_remove_conflicting_vga(vdev);
	if (ret)
		return ret;

	vgdev = devm_drm_dev_alloc(&vdev->dev, &virtgpu_driver,
				   struct virtgpu_device, base);
	if (IS_ERR(vgdev))
		return PTR_ERR(vgdev);

	dev_set_drvdata(&vdev->dev, vgdev);
	ret = virtgpu_set_unique(&vgdev->base, vdev->dev.parent);
	if (ret)
		return ret;

	hw = virtgpu_hw_create(vdev, &virtgpu_hw_ops, vgdev);
	if (IS_ERR(hw))
		return PTR_ERR(hw);
	vgdev->hw = hw;
	/* From here the DRM device owns a reference, dropped at its release. */
	ret = drmm_add_action_or_reset(&vgdev->base, virtgpu_release_hw, hw);
	if (ret)
		goto err_remove;

	/* With nomodeset, stay a render-only device. */
	if (!drm_firmware_drivers_only()) {
		ret = virtgpu_kms_init(vgdev);
		if (ret)
			goto err_kms_fini;
	}
	ret = drm_dev_register(&vgdev->base, 0);
	if (ret)
		goto err_kms_fini;
	virtgpu_log_features(vgdev);
	if (vgdev->num_outputs)
		virtgpu_fbdev_setup(&vgdev->base);
	return 0;

err_kms_fini:
	virtgpu_kms_fini(vgdev);
err_remove:
	virtgpu_hw_remove(hw);
	return ret;
}

/*
 * Unplug: ioctls and display paths stop (drm_dev_enter() fails), the mode
 * config is shut down, then the virtio layer completes everything in flight
 * and forgets the device. Files may stay open; the DRM device and the
 * virtio layer's state go with the last of them.
 */
static void virtgpu_remove(struct virtio_device *vdev)
{
	struct virtgpu_device *vgdev = dev_get_drvdata(&vdev->dev);

	drm_dev_unplug(&vgdev->base);
	virtgpu_kms_fini(vgdev);
	virtgpu_hw_remove(vgdev->hw);
}

static void virtgpu_config_changed(struct virtio_device *vdev)
{
	/* The virtio layer owns vdev->priv. */
	virtgpu_hw_config_changed(vdev->priv);
}

static const struct virtio_device_id virtgpu_id_table[] = {
	{ VIRTIO_ID_GPU, VIRTIO_DEV_ANY_ID },
	{ }
};
MODULE_DEVICE_TABLE(virtio, virtgpu_id_table);

static struct virtio_driver virtgpu_virtio_driver = {
	.driver.name = KBUILD_MODNAME,
	.id_table = virtgpu_id_table,
	.probe = virtgpu_probe,
	.remove = virtgpu_remove,
	.config_changed = virtgpu_config_changed,
};

static int __init virtgpu_init(void)
{
	/* The virtio layer decides which device features we speak. */
	virtgpu_virtio_driver.feature_table = virtgpu_hw_features;
	virtgpu_virtio_driver.feature_table_size = virtgpu_hw_num_features;
	return virtgpu_register_virtio_driver(&virtgpu_virtio_driver);
}
module_init(virtgpu_init);

static void __exit virtgpu_exit(void)
{
	unregister_virtio_driver(&virtgpu_virtio_driver);
}
module_exit(virtgpu_exit);

MODULE_DESCRIPTION("DRM/KMS driver for the virtio-gpu device");
MODULE_LICENSE("Dual MIT/GPL");
