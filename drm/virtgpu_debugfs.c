// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * debugfs: dri/<minor>/virtgpu/{features,scanouts,capsets,commands}.
 * The formats are read by the guest tests; keep them stable.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <drm/drm_file.h>

#include "virtgpu_drv.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static int virtgpu_features_show(struct seq_file *m, void *unused)
{
	struct virtgpu_hw *hw = &((struct virtgpu_device *)m->private)->hw;

	seq_printf(m, "virgl: %s\n", yes_no(hw->has_virgl));
	seq_printf(m, "edid: %s\n", yes_no(hw->has_edid));
	seq_printf(m, "resource_uuid: %s\n", yes_no(hw->has_resource_uuid));
	seq_printf(m, "resource_blob: %s\n", yes_no(hw->has_resource_blob));
	seq_printf(m, "context_init: %s\n", yes_no(hw->has_context_init));
	seq_printf(m, "indirect_desc: %s\n", yes_no(hw->has_indirect));
	seq_printf(m, "num_scanouts: %u\n", hw->num_scanouts);
	seq_printf(m, "num_capsets: %u\n", hw->num_capsets);
	seq_printf(m, "display_events: %d\n", atomic_read(&hw->display_events));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_features);

static int virtgpu_scanouts_show(struct seq_file *m, void *unused)
{
	struct virtgpu_hw *hw = &((struct virtgpu_device *)m->private)->hw;
	unsigned int i;

	mutex_lock(&hw->state_lock);
	for (i = 0; i < hw->num_scanouts; i++) {
		const struct virtgpu_scanout_info *s = &hw->scanouts[i];

		seq_printf(m, "scanout %u: enabled=%d x=%u y=%u width=%u height=%u flags=0x%x edid=%u\n",
			   i, s->enabled, s->x, s->y, s->width, s->height,
			   s->flags, hw->edid_len[i]);
	}
	mutex_unlock(&hw->state_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_scanouts);

static int virtgpu_capsets_show(struct seq_file *m, void *unused)
{
	struct virtgpu_hw *hw = &((struct virtgpu_device *)m->private)->hw;
	unsigned int i;

	mutex_lock(&hw->state_lock);
	for (i = 0; i < hw->num_capsets; i++)
		seq_printf(m, "capset %u: id=%u max_version=%u max_size=%u\n",
			   i, hw->capsets[i].id, hw->capsets[i].max_version,
			   hw->capsets[i].max_size);
	mutex_unlock(&hw->state_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_capsets);

static int virtgpu_commands_show(struct seq_file *m, void *unused)
{
	struct virtgpu_hw *hw = &((struct virtgpu_device *)m->private)->hw;
	unsigned int type;
	int slot;

	seq_puts(m, "command sent ok err invalid\n");
	/* Walk the type space so the output follows the specification. */
	for (type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
	     type <= VIRTIO_GPU_CMD_MOVE_CURSOR; type++) {
		slot = virtgpu_cmd_slot(type);
		if (slot < 0)
			continue;
		seq_printf(m, "%s %d %d %d %d\n", virtgpu_type_name(type),
			   atomic_read(&hw->stats[slot].sent),
			   atomic_read(&hw->stats[slot].ok),
			   atomic_read(&hw->stats[slot].err),
			   atomic_read(&hw->stats[slot].invalid));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(virtgpu_commands);

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
}
