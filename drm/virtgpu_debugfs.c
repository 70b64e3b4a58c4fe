// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * debugfs: dri/<minor>/virtgpu/{features,scanouts,capsets,commands,queues,
 * fences,objects,damage} and, where the kernel has drm_panic's hooks,
 * panic_test.
 * The formats are read by the guest tests; keep them stable.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/seq_file.h>

#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_modeset_lock.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"

/* The virtio layer prints its own state; these hand it the seq_file. */
#define VIRTGPU_HW_SHOW(name)						\
static int virtgpu_##name##_show(struct seq_file *m, void *unused)	\
{									\
	struct virtgpu_device *vgdev = m->private;			\
									\
	virtgpu_hw_show_##name(vgdev->hw, m);				\
	return 0;							\
}									\
DEFINE_SHOW_ATTRIBUTE(virtgpu_##name)

VIRTGPU_HW_SHOW(features);
VIRTGPU_HW_SHOW(scanouts);
VIRTGPU_HW_SHOW(capsets);
VIRTGPU_HW_SHOW(commands);
VIRTGPU_HW_SHOW(queues);
VIRTGPU_HW_SHOW(fences);

/* Counts that return to their base once clients have exited. */
static int virtgpu_objects_show(struct seq_file *m, void *unused)
{
	struct virtgpu_device *vgdev = m->private;

	seq_printf(m, "buffer_objects: %d\n", atomic_read(&vgdev->bos));
	seq_printf(m, "contexts: %d\n", atomic_read(&vgdev->contexts));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_objects);

/*
 * Per scanout: damage-only commits queued, flushes sent for them, and how
 * long damage waited in the queue (mean per flush, longest), in us.
 */
static int virtgpu_damage_show(struct seq_file *m, void *unused)
{
	struct virtgpu_device *vgdev = m->private;
	struct virtgpu_damage *d;
	u64 added, flushed;
	s64 sum, longest;
	unsigned int i;

	for (i = 0; i < vgdev->num_outputs; i++) {
		d = &vgdev->outputs[i].damage;
		spin_lock_irq(&d->lock);
		added = d->added;
		flushed = d->flushed;
		sum = d->wait_sum_ns;
		longest = d->wait_max_ns;
		spin_unlock_irq(&d->lock);
		seq_printf(m, "scanout %u: queued %llu flushed %llu wait_mean_us %lld wait_max_us %lld\n",
			   i, added, flushed,
			   flushed ? div64_s64(sum, (s64)flushed * 1000) : 0,
			   div_s64(longest, 1000));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_damage);

#ifdef VIRTGPU_PANIC_HOOKS
/*
 * panic_test: a write runs drm_panic's part for every primary plane, as
 * the panic handler would (local interrupts off, get_scanout_buffer, draw,
 * panic_flush), but draws a pattern a test can check: R = x, G = y (both
 * mod 256), B 0xff or 0x40 in a 16x16 checkerboard.
 */
static int virtgpu_panic_test_draw(struct drm_scanout_buffer *sb)
{
	u32 x, y, v;

	if (sb->format->format != DRM_FORMAT_XRGB8888 &&
	    sb->format->format != DRM_FORMAT_ARGB8888)
		return -EOPNOTSUPP;
	for (y = 0; y < sb->height; y++) {
		for (x = 0; x < sb->width; x++) {
			v = 0xff000000 | (x & 0xff) << 16 | (y & 0xff) << 8 |
			    (((x ^ y) & 16) ? 0xff : 0x40);
			iosys_map_wr(&sb->map[0], (size_t)y * sb->pitch[0] + x * 4,
				     u32, v);
		}
	}
	return 0;
}

static int virtgpu_panic_test_plane(struct drm_plane *plane)
{
	const struct drm_plane_helper_funcs *funcs = plane->helper_private;
	struct drm_scanout_buffer sb = { };
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = funcs->get_scanout_buffer(plane, &sb);
	if (!ret)
		ret = virtgpu_panic_test_draw(&sb);
	if (!ret)
		funcs->panic_flush(plane);
	local_irq_restore(flags);
	return ret;
}

/* 0 if any plane was drawn, else the first plane's error (-ENODEV: none shown). */
static ssize_t virtgpu_panic_test_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *pos)
{
	struct virtgpu_device *vgdev = file->private_data;
	int ret = -ENODEV, r;
	unsigned int i;

	/* The panic handler's lock keeps plane states still; ours are these. */
	drm_modeset_lock_all(&vgdev->base);
	for (i = 0; i < vgdev->num_outputs; i++) {
		r = virtgpu_panic_test_plane(&vgdev->outputs[i].primary);
		if (!r) {
			ret = 0;
			break;
		}
		if (i == 0)
			ret = r;
	}
	drm_modeset_unlock_all(&vgdev->base);
	virtgpu_hw_panic_resume(vgdev->hw);
	return ret ? ret : len;
}

static const struct file_operations virtgpu_panic_test_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = virtgpu_panic_test_write,
	.llseek = noop_llseek,
};
#endif

void virtgpu_debugfs_init(struct drm_minor *minor)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(minor->dev);
	struct dentry *dir;

	dir = debugfs_create_dir("virtgpu", minor->debugfs_root);
	debugfs_create_file("features", 0444, dir, vgdev,
			    &virtgpu_features_fops);
	debugfs_create_file("scanouts", 0444, dir, vgdev,
			    &virtgpu_scanouts_fops);
	debugfs_create_file("capsets", 0444, dir, vgdev,
			    &virtgpu_capsets_fops);
	debugfs_create_file("commands", 0444, dir, vgdev,
			    &virtgpu_commands_fops);
	debugfs_create_file("queues", 0444, dir, vgdev, &virtgpu_queues_fops);
	debugfs_create_file("fences", 0444, dir, vgdev, &virtgpu_fences_fops);
	debugfs_create_file("objects", 0444, dir, vgdev,
			    &virtgpu_objects_fops);
	debugfs_create_file("damage", 0444, dir, vgdev, &virtgpu_damage_fops);
#ifdef VIRTGPU_PANIC_HOOKS
	debugfs_create_file("panic_test", 0200, dir, vgdev,
			    &virtgpu_panic_test_fops);
#endif
}
