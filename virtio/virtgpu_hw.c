// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Device lifetime: feature and config discovery, virtqueue setup, the
 * display/EDID/capset queries, the display-change event, removal, and
 * the accessors the DRM side reads the device's state through.
 *
 * struct virtgpu_hw outlives the virtio device: the DRM device keeps it
 * until its last file is closed, and every command sent after removal
 * fails with -ENODEV without touching the (gone) virtqueues.
 */
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtgpu_compat.h"
#include "virtgpu_hw_priv.h"

/*
 * What we speak. RESOURCE_BLOB and CONTEXT_INIT follow once blob resources
 * and context types are implemented: until then the device behaves, and
 * the uAPI answers, as on a host without them.
 */
const unsigned int virtgpu_hw_features[] = {
#ifdef __LITTLE_ENDIAN
	VIRTIO_GPU_F_VIRGL,	/* virgl command streams are little-endian */
#endif
	VIRTIO_GPU_F_EDID,
	VIRTIO_GPU_F_RESOURCE_UUID,
};

const unsigned int virtgpu_hw_num_features = ARRAY_SIZE(virtgpu_hw_features);

/* How long probe and a display event wait for the host's answers. */
#define VIRTGPU_QUERY_TIMEOUT	(5 * HZ)

enum virtgpu_query_kind { VIRTGPU_Q_EDID, VIRTGPU_Q_DISPLAY, VIRTGPU_Q_CAPSET };

struct virtgpu_query {
	struct virtgpu_vbuf *vbuf;
	enum virtgpu_query_kind kind;
	u32 index;
};

static void virtgpu_hw_store_display_info(struct virtgpu_hw *hw,
					  struct virtgpu_vbuf *vbuf)
{
	struct virtgpu_scanout_info info[VIRTGPU_MAX_SCANOUTS];
	int ret;

	ret = virtgpu_decode_display_info(vbuf->resp, vbuf->resp_written,
					  hw->num_scanouts, info);
	if (ret) {
		dev_err_ratelimited(hw->dev,
				    "invalid display info (%d), keeping the previous one\n",
				    ret);
		return;
	}
	mutex_lock(&hw->state_lock);
	memcpy(hw->scanouts, info, sizeof(info[0]) * hw->num_scanouts);
	mutex_unlock(&hw->state_lock);
}

static void virtgpu_hw_store_edid(struct virtgpu_hw *hw,
				  struct virtgpu_vbuf *vbuf, u32 scanout)
{
	const u8 *edid;
	u8 *copy = NULL, *old;
	u32 len = 0;
	int ret;

	ret = virtgpu_decode_edid(vbuf->resp, vbuf->resp_written, &edid, &len);
	if (ret && ret != -ENODATA) {
		dev_err_ratelimited(hw->dev, "invalid EDID for scanout %u (%d)\n",
				    scanout, ret);
		return;
	}
	if (!ret) {
		copy = kmemdup(edid, len, GFP_KERNEL);
		if (!copy)
			return;
	}
	mutex_lock(&hw->state_lock);
	old = hw->edid[scanout];
	hw->edid[scanout] = copy;
	hw->edid_len[scanout] = len;
	mutex_unlock(&hw->state_lock);
	kfree(old);
}

static void virtgpu_hw_store_capset_info(struct virtgpu_hw *hw,
					 struct virtgpu_vbuf *vbuf, u32 index)
{
	struct virtgpu_capset_info info;
	int ret;

	ret = virtgpu_decode_capset_info(vbuf->resp, vbuf->resp_written, &info);
	if (ret) {
		dev_err_ratelimited(hw->dev, "invalid capset info %u (%d)\n",
				    index, ret);
		return;
	}
	mutex_lock(&hw->state_lock);
	hw->capsets[index] = info;
	mutex_unlock(&hw->state_lock);
}

static void virtgpu_hw_query_add(struct virtgpu_hw *hw, struct virtgpu_batch *b,
				 struct virtgpu_query *q, enum virtgpu_query_kind kind,
				 u32 index)
{
	static const u32 lens[][2] = {
		[VIRTGPU_Q_EDID] = { sizeof(struct virtio_gpu_cmd_get_edid),
				     sizeof(struct virtio_gpu_resp_edid) },
		[VIRTGPU_Q_DISPLAY] = { sizeof(struct virtio_gpu_ctrl_hdr),
					sizeof(struct virtio_gpu_resp_display_info) },
		[VIRTGPU_Q_CAPSET] = { sizeof(struct virtio_gpu_get_capset_info),
				       sizeof(struct virtio_gpu_resp_capset_info) },
	};
	struct virtgpu_vbuf *vbuf;
	int len;

	q->vbuf = NULL;
	vbuf = virtgpu_vbuf_alloc(lens[kind][0], lens[kind][1], GFP_KERNEL);
	if (!vbuf) {
		b->ret = b->ret ?: -ENOMEM;
		return;
	}
	if (kind == VIRTGPU_Q_EDID)
		len = virtgpu_encode_get_edid(vbuf->cmd, vbuf->cmd_len, index);
	else if (kind == VIRTGPU_Q_DISPLAY)
		len = virtgpu_encode_get_display_info(vbuf->cmd, vbuf->cmd_len);
	else
		len = virtgpu_encode_get_capset_info(vbuf->cmd, vbuf->cmd_len, index);
	/* Our own reference: the answer is read after the wait. */
	kref_get(&vbuf->ref);
	q->vbuf = vbuf;
	q->kind = kind;
	q->index = index;
	virtgpu_cmd_submit(hw, vbuf, len, NULL, b);
}

/*
 * Ask for EDIDs, display info and (optionally) capset infos in one batch
 * behind one notification, wait for the answers, store what came back
 * valid. The result is the first failure seen.
 */
static int virtgpu_hw_query(struct virtgpu_hw *hw, bool capsets)
{
	u32 n = VIRTGPU_MAX_SCANOUTS + 1 + (capsets ? hw->num_capsets : 0);
	struct virtgpu_query *qs;
	struct virtgpu_batch b;
	unsigned int i, count = 0;
	int ret;

	qs = kcalloc(n, sizeof(*qs), GFP_KERNEL);
	if (!qs)
		return -ENOMEM;
	virtgpu_batch_init(&b);
	for (i = 0; hw->has_edid && i < hw->num_scanouts; i++)
		virtgpu_hw_query_add(hw, &b, &qs[count++], VIRTGPU_Q_EDID, i);
	virtgpu_hw_query_add(hw, &b, &qs[count++], VIRTGPU_Q_DISPLAY, 0);
	for (i = 0; capsets && i < hw->num_capsets; i++)
		virtgpu_hw_query_add(hw, &b, &qs[count++], VIRTGPU_Q_CAPSET, i);
	virtgpu_queue_kick(&hw->ctrlq);
	ret = virtgpu_batch_wait(&b, VIRTGPU_QUERY_TIMEOUT);

	for (i = 0; i < count; i++) {
		struct virtgpu_vbuf *vbuf = qs[i].vbuf;

		if (!vbuf)
			continue;
		if (completion_done(&vbuf->done) && !vbuf->status) {
			if (qs[i].kind == VIRTGPU_Q_EDID)
				virtgpu_hw_store_edid(hw, vbuf, qs[i].index);
			else if (qs[i].kind == VIRTGPU_Q_DISPLAY)
				virtgpu_hw_store_display_info(hw, vbuf);
			else
				virtgpu_hw_store_capset_info(hw, vbuf, qs[i].index);
		}
		virtgpu_vbuf_put(vbuf);
	}
	kfree(qs);
	return ret;
}

static void virtgpu_hw_config_work(struct work_struct *work)
{
	struct virtgpu_hw *hw = container_of(work, struct virtgpu_hw,
					     config_work);
	u32 events;
	int ret;

	virtio_cread_le(hw->vdev, struct virtio_gpu_config, events_read,
			&events);
	if (events & VIRTIO_GPU_EVENT_DISPLAY) {
		atomic_inc(&hw->display_events);
		ret = virtgpu_hw_query(hw, false);
		if (ret)
			dev_err_ratelimited(hw->dev,
					    "display change: query failed (%d)\n",
					    ret);
		hw->ops->display_changed(hw->ops_priv);
	}
	virtio_cwrite_le(hw->vdev, struct virtio_gpu_config, events_clear,
			 &events);
}

/* Called by the virtio core, possibly in interrupt context. */
void virtgpu_hw_config_changed(struct virtgpu_hw *hw)
{
	if (!READ_ONCE(hw->removed))
		schedule_work(&hw->config_work);
}

/*
 * A device feature in use: one we asked for (virtio_has_feature() BUGs on
 * any other) that the device offered.
 */
static bool virtgpu_hw_negotiated(struct virtio_device *vdev, unsigned int f)
{
	unsigned int i;

	for (i = 0; i < virtgpu_hw_num_features; i++)
		if (virtgpu_hw_features[i] == f)
			return virtio_has_feature(vdev, f);
	return false;
}

static void virtgpu_hw_read_features(struct virtgpu_hw *hw)
{
	struct virtio_device *vdev = hw->vdev;
	u32 num_scanouts, num_capsets;

	hw->has_virgl = virtgpu_hw_negotiated(vdev, VIRTIO_GPU_F_VIRGL);
	hw->has_edid = virtgpu_hw_negotiated(vdev, VIRTIO_GPU_F_EDID);
	hw->has_resource_uuid = virtgpu_hw_negotiated(vdev, VIRTIO_GPU_F_RESOURCE_UUID);
	hw->has_resource_blob = virtgpu_hw_negotiated(vdev, VIRTIO_GPU_F_RESOURCE_BLOB);
	hw->has_context_init = virtgpu_hw_negotiated(vdev, VIRTIO_GPU_F_CONTEXT_INIT);
	hw->has_indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	hw->use_dma_api = !virtio_has_dma_quirk(vdev);

	virtio_cread_le(vdev, struct virtio_gpu_config, num_scanouts,
			&num_scanouts);
	virtio_cread_le(vdev, struct virtio_gpu_config, num_capsets,
			&num_capsets);
	if (virtgpu_config_check(&num_scanouts, &num_capsets))
		dev_warn(&vdev->dev,
			 "device config out of range, using %u scanouts, %u capsets\n",
			 num_scanouts, num_capsets);
	hw->num_scanouts = num_scanouts;
	hw->num_capsets = num_capsets;
}

/* The panic flush's commands, so that a panic need not allocate them. */
static void virtgpu_hw_alloc_panic(struct virtgpu_hw *hw)
{
	const u32 resp = sizeof(struct virtio_gpu_ctrl_hdr);

	hw->panic[0] = virtgpu_vbuf_alloc(sizeof(struct virtio_gpu_transfer_to_host_2d),
					  resp, GFP_KERNEL);
	hw->panic[1] = virtgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_flush),
					  resp, GFP_KERNEL);
	/* Without them there is just no panic output. */
}

static void virtgpu_hw_release(struct kref *ref)
{
	struct virtgpu_hw *hw = container_of(ref, struct virtgpu_hw, ref);
	struct virtgpu_capset_cache *c, *tmp;
	unsigned int i;

	/* Commands failed after removal finish their callbacks first. */
	flush_work(&hw->ctrlq.dequeue_work);
	flush_work(&hw->cursorq.dequeue_work);
	for (i = 0; i < VIRTGPU_MAX_SCANOUTS; i++)
		kfree(hw->edid[i]);
	kfree(hw->capsets);
	list_for_each_entry_safe(c, tmp, &hw->caps, node)
		kfree(c);
	for (i = 0; i < ARRAY_SIZE(hw->panic); i++)
		if (hw->panic[i])
			virtgpu_vbuf_put(hw->panic[i]);
	virtgpu_timeline_put(hw->kernel_tl);
	WARN_ON(!list_empty(&hw->backings));
	ida_destroy(&hw->ctx_ida);
	put_device(hw->dma_dev);
	put_device(hw->dev);
	kfree(hw);
}

void virtgpu_hw_get(struct virtgpu_hw *hw)
{
	kref_get(&hw->ref);
}

void virtgpu_hw_put(struct virtgpu_hw *hw)
{
	if (hw)
		kref_put(&hw->ref, virtgpu_hw_release);
}

/**
 * virtgpu_hw_create - take over @vdev: features, virtqueues, first queries
 * @vdev: the virtio-gpu device
 * @ops: how to tell the DRM side about host events
 * @ops_priv: passed to @ops
 *
 * A host that fails the queries leaves the device usable with what could
 * be learnt (and an error in the log), not a failed probe.
 *
 * Return: the device state with one reference for the caller (dropped
 * with virtgpu_hw_put() after virtgpu_hw_remove()), or an ERR_PTR.
 */
struct virtgpu_hw *virtgpu_hw_create(struct virtio_device *vdev,
				     const struct virtgpu_hw_ops *ops,
				     void *ops_priv)
{
	struct virtqueue *vqs[2];
	struct virtgpu_hw *hw;
	int ret;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return ERR_PTR(-ENODEV);
	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	kref_init(&hw->ref);
	hw->vdev = vdev;
	hw->dev = get_device(&vdev->dev);
	hw->dma_dev = get_device(vdev->dev.parent);
	hw->ops = ops;
	hw->ops_priv = ops_priv;
	mutex_init(&hw->state_lock);
	mutex_init(&hw->backing_lock);
	spin_lock_init(&hw->tl_lock);
	INIT_LIST_HEAD(&hw->backings);
	INIT_LIST_HEAD(&hw->timelines);
	INIT_LIST_HEAD(&hw->caps);
	ida_init(&hw->ctx_ida);
	INIT_WORK(&hw->config_work, virtgpu_hw_config_work);
	/* Queues exist before anything can fail: release flushes their work. */
	virtgpu_queue_init(&hw->ctrlq, hw, NULL);
	virtgpu_queue_init(&hw->cursorq, hw, NULL);
	WRITE_ONCE(hw->removed, true);
	virtgpu_hw_read_features(hw);

	ret = -ENOMEM;
	hw->kernel_tl = virtgpu_timeline_create(hw, 0, 0, false);
	hw->capsets = kcalloc(hw->num_capsets, sizeof(*hw->capsets), GFP_KERNEL);
	if (!hw->kernel_tl || (hw->num_capsets && !hw->capsets))
		goto err;
	virtgpu_hw_alloc_panic(hw);

	ret = virtgpu_find_vqs(vdev, vqs, virtgpu_queue_done);
	if (ret)
		goto err;
	hw->ctrlq.vq = vqs[0];
	hw->cursorq.vq = vqs[1];
	vdev->priv = hw;
	WRITE_ONCE(hw->removed, false);
	virtio_device_ready(vdev);

	ret = virtgpu_hw_query(hw, true);
	if (ret)
		dev_err(&vdev->dev, "initial display/capset query failed (%d)\n",
			ret);
	return hw;

err:
	virtgpu_hw_put(hw);
	return ERR_PTR(ret);
}

/**
 * virtgpu_hw_remove - the virtio device goes away
 * @hw: from virtgpu_hw_create()
 *
 * Stops new commands (-ENODEV), resets the device, completes every
 * command in flight (answered ones normally, the rest with -ENODEV, so
 * every fence is signalled and every callback has run), unmaps every
 * backing and deletes the virtqueues. @hw itself stays until its last
 * reference is dropped.
 */
void virtgpu_hw_remove(struct virtgpu_hw *hw)
{
	struct virtio_device *vdev = hw->vdev;

	/* The display may still show something; a host gone takes 1 s. */
	virtgpu_scanouts_off(hw, HZ);

	/*
	 * Submitters test @removed under their queue's lock: once each lock
	 * has been taken after the store, none is still adding to a queue
	 * that is about to go. One lock at a time: they are of one class.
	 */
	spin_lock(&hw->ctrlq.lock);
	WRITE_ONCE(hw->removed, true);
	spin_unlock(&hw->ctrlq.lock);
	spin_lock(&hw->cursorq.lock);
	spin_unlock(&hw->cursorq.lock);
	wake_up_all(&hw->ctrlq.ack_wait);
	wake_up_all(&hw->cursorq.ack_wait);
	cancel_work_sync(&hw->config_work);

	virtio_reset_device(vdev);
	virtgpu_queue_drain(&hw->ctrlq);
	virtgpu_queue_drain(&hw->cursorq);
	virtgpu_backing_unmap_all(hw);
	vdev->config->del_vqs(vdev);
	vdev->priv = NULL;
	hw->ctrlq.vq = NULL;
	hw->cursorq.vq = NULL;
}

bool virtgpu_hw_has(const struct virtgpu_hw *hw, enum virtgpu_hw_feature f)
{
	switch (f) {
	case VIRTGPU_HW_VIRGL:
		return hw->has_virgl;
	case VIRTGPU_HW_EDID:
		return hw->has_edid;
	case VIRTGPU_HW_RESOURCE_UUID:
		return hw->has_resource_uuid;
	case VIRTGPU_HW_RESOURCE_BLOB:
		return hw->has_resource_blob;
	case VIRTGPU_HW_CONTEXT_INIT:
		return hw->has_context_init;
	case VIRTGPU_HW_INDIRECT:
		return hw->has_indirect;
	}
	return false;
}

bool virtgpu_hw_removed(const struct virtgpu_hw *hw)
{
	return READ_ONCE(hw->removed);
}

u32 virtgpu_hw_num_scanouts(const struct virtgpu_hw *hw)
{
	return hw->num_scanouts;
}

void virtgpu_hw_scanout(struct virtgpu_hw *hw, u32 index,
			struct virtgpu_scanout_info *out)
{
	memset(out, 0, sizeof(*out));
	if (index >= hw->num_scanouts)
		return;
	mutex_lock(&hw->state_lock);
	*out = hw->scanouts[index];
	mutex_unlock(&hw->state_lock);
}

/* Copy scanout @index's EDID into @buf; returns its length, 0 for none. */
int virtgpu_hw_edid(struct virtgpu_hw *hw, u32 index, u8 *buf, size_t size)
{
	int len = 0;

	if (index >= hw->num_scanouts)
		return 0;
	mutex_lock(&hw->state_lock);
	if (hw->edid[index] && hw->edid_len[index] <= size) {
		len = hw->edid_len[index];
		memcpy(buf, hw->edid[index], len);
	}
	mutex_unlock(&hw->state_lock);
	return len;
}

/* Bit n set: the device has capset id n (ids up to 63). */
u64 virtgpu_hw_capset_mask(struct virtgpu_hw *hw)
{
	u64 mask = 0;
	unsigned int i;

	mutex_lock(&hw->state_lock);
	for (i = 0; i < hw->num_capsets; i++)
		if (hw->capsets[i].id && hw->capsets[i].id < 64)
			mask |= BIT_ULL(hw->capsets[i].id);
	mutex_unlock(&hw->state_lock);
	return mask;
}

/* The device's max_version and max_size of capset @id; -EINVAL if none. */
int virtgpu_hw_capset_max(struct virtgpu_hw *hw, u32 id, u32 *max_version,
			  u32 *max_size)
{
	unsigned int i;
	int ret = -EINVAL;

	mutex_lock(&hw->state_lock);
	for (i = 0; id && i < hw->num_capsets; i++) {
		if (hw->capsets[i].id == id) {
			*max_version = hw->capsets[i].max_version;
			*max_size = hw->capsets[i].max_size;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&hw->state_lock);
	return ret;
}

u32 virtgpu_hw_new_resource_id(struct virtgpu_hw *hw)
{
	/* Never reuse an id: old virglrenderer versions mishandle reuse. */
	return (u32)atomic_inc_return(&hw->next_resource_id);
}

/* A host context id, 1 and up; negative errno when none is left. */
int virtgpu_hw_ctx_id_alloc(struct virtgpu_hw *hw)
{
	return ida_alloc_min(&hw->ctx_ida, 1, GFP_KERNEL);
}

void virtgpu_hw_ctx_id_free(struct virtgpu_hw *hw, u32 ctx_id)
{
	ida_free(&hw->ctx_ida, ctx_id);
}
