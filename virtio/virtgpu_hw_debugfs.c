// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The virtio layer's state, printed for the DRM side's debugfs files
 * (dri/<minor>/virtgpu/). The guest tests read these formats: keep them
 * stable.
 */
#include <linux/seq_file.h>
#include <linux/virtio.h>

#include "virtgpu_hw_priv.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

void virtgpu_hw_show_features(struct virtgpu_hw *hw, struct seq_file *m)
{
	seq_printf(m, "virgl: %s\n", yes_no(hw->has_virgl));
	seq_printf(m, "edid: %s\n", yes_no(hw->has_edid));
	seq_printf(m, "resource_uuid: %s\n", yes_no(hw->has_resource_uuid));
	seq_printf(m, "resource_blob: %s\n", yes_no(hw->has_resource_blob));
	seq_printf(m, "context_init: %s\n", yes_no(hw->has_context_init));
	seq_printf(m, "indirect_desc: %s\n", yes_no(hw->has_indirect));
	seq_printf(m, "num_scanouts: %u\n", hw->num_scanouts);
	seq_printf(m, "num_capsets: %u\n", hw->num_capsets);
	seq_printf(m, "display_events: %d\n", atomic_read(&hw->display_events));
	seq_printf(m, "removed: %s\n", yes_no(READ_ONCE(hw->removed)));
}

void virtgpu_hw_show_scanouts(struct virtgpu_hw *hw, struct seq_file *m)
{
	unsigned int i;

	mutex_lock(&hw->state_lock);
	for (i = 0; i < hw->num_scanouts; i++) {
		const struct virtgpu_scanout_info *s = &hw->scanouts[i];

		seq_printf(m, "scanout %u: enabled=%d x=%u y=%u width=%u height=%u flags=0x%x edid=%u\n",
			   i, s->enabled, s->x, s->y, s->width, s->height,
			   s->flags, hw->edid_len[i]);
	}
	mutex_unlock(&hw->state_lock);
}

void virtgpu_hw_show_capsets(struct virtgpu_hw *hw, struct seq_file *m)
{
	struct virtgpu_capset_cache *c;
	unsigned int i;

	mutex_lock(&hw->state_lock);
	for (i = 0; i < hw->num_capsets; i++)
		seq_printf(m, "capset %u: id=%u max_version=%u max_size=%u\n",
			   i, hw->capsets[i].id, hw->capsets[i].max_version,
			   hw->capsets[i].max_size);
	list_for_each_entry(c, &hw->caps, node)
		seq_printf(m, "cached: id=%u version=%u size=%u\n", c->id,
			   c->version, c->size);
	mutex_unlock(&hw->state_lock);
}

void virtgpu_hw_show_commands(struct virtgpu_hw *hw, struct seq_file *m)
{
	struct virtgpu_cmd_stats *s;
	unsigned int type;

	seq_puts(m, "command sent ok err invalid\n");
	/* Walk the type space so the output follows the specification. */
	for (type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
	     type <= VIRTIO_GPU_CMD_MOVE_CURSOR; type++) {
		s = virtgpu_hw_stats(hw, type);
		if (!s)
			continue;
		seq_printf(m, "%s %d %d %d %d\n", virtgpu_type_name(type),
			   atomic_read(&s->sent), atomic_read(&s->ok),
			   atomic_read(&s->err), atomic_read(&s->invalid));
	}
}

void virtgpu_hw_show_queues(struct virtgpu_hw *hw, struct seq_file *m)
{
	struct virtgpu_queue *qs[] = { &hw->ctrlq, &hw->cursorq };
	static const char * const names[] = { "control", "cursor" };
	unsigned int i, free;

	for (i = 0; i < ARRAY_SIZE(qs); i++) {
		spin_lock(&qs[i]->lock);
		free = READ_ONCE(hw->removed) ? 0 : qs[i]->vq->num_free;
		spin_unlock(&qs[i]->lock);
		seq_printf(m, "%s: notifications %d free_descriptors %u\n",
			   names[i], atomic_read(&qs[i]->notifies), free);
	}
}
