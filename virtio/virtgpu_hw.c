// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Device lifetime: feature and config discovery, virtqueue setup, the
 * display/EDID/capset queries, the display-change event, and teardown.
 */
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtgpu_compat.h"
#include "virtgpu_hw.h"

const unsigned int virtgpu_hw_features[] = {
#ifdef __LITTLE_ENDIAN
	VIRTIO_GPU_F_VIRGL,	/* virgl command streams are little-endian */
#endif
	VIRTIO_GPU_F_EDID,
	VIRTIO_GPU_F_RESOURCE_UUID,
	VIRTIO_GPU_F_RESOURCE_BLOB,
	VIRTIO_GPU_F_CONTEXT_INIT,
};

const unsigned int virtgpu_hw_num_features = ARRAY_SIZE(virtgpu_hw_features);

/* How long probe and a display event wait for the host's answers. */
#define VIRTGPU_QUERY_TIMEOUT	(5 * HZ)

static void virtgpu_hw_display_info_done(struct virtgpu_hw *hw,
					 struct virtgpu_vbuf *vbuf)
{
	struct virtgpu_scanout_info info[VIRTGPU_MAX_SCANOUTS];
	int ret;

	if (vbuf->status)
		return;
	ret = virtgpu_decode_display_info(vbuf->resp, vbuf->resp_written,
					  hw->num_scanouts, info);
	if (ret) {
		dev_err_ratelimited(&hw->vdev->dev,
				    "invalid display info (%d), keeping the previous one\n",
				    ret);
		return;
	}
	mutex_lock(&hw->state_lock);
	memcpy(hw->scanouts, info, sizeof(info[0]) * hw->num_scanouts);
	mutex_unlock(&hw->state_lock);
}

static void virtgpu_hw_edid_done(struct virtgpu_hw *hw,
				 struct virtgpu_vbuf *vbuf)
{
	u32 scanout = vbuf->priv, len = 0;
	const u8 *edid;
	u8 *copy = NULL, *old;
	int ret;

	if (vbuf->status)
		return;
	ret = virtgpu_decode_edid(vbuf->resp, vbuf->resp_written, &edid, &len);
	if (ret && ret != -ENODATA) {
		dev_err_ratelimited(&hw->vdev->dev,
				    "invalid EDID for scanout %u (%d)\n",
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

static void virtgpu_hw_capset_info_done(struct virtgpu_hw *hw,
					struct virtgpu_vbuf *vbuf)
{
	struct virtgpu_capset_info info;
	int ret;

	if (vbuf->status)
		return;
	ret = virtgpu_decode_capset_info(vbuf->resp, vbuf->resp_written, &info);
	if (ret) {
		dev_err_ratelimited(&hw->vdev->dev,
				    "invalid capset info %lu (%d)\n",
				    vbuf->priv, ret);
		return;
	}
	mutex_lock(&hw->state_lock);
	hw->capsets[vbuf->priv] = info;
	mutex_unlock(&hw->state_lock);
}

static struct virtgpu_vbuf *virtgpu_hw_query_vbuf(struct virtgpu_batch *b,
						  u32 cmd_len, u32 resp_len,
						  virtgpu_vbuf_done_t done,
						  unsigned long priv)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_vbuf_alloc(cmd_len, resp_len, GFP_KERNEL);
	if (!vbuf) {
		b->ret = b->ret ?: -ENOMEM;
		return NULL;
	}
	vbuf->done_cb = done;
	vbuf->priv = priv;
	return vbuf;
}

/*
 * Ask for EDIDs, display info and (optionally) capset infos in one batch
 * behind one notification, and wait for all answers. The response
 * callbacks update the state; the result is the first failure seen.
 */
static int virtgpu_hw_query(struct virtgpu_hw *hw, bool capsets)
{
	struct virtgpu_vbuf *vbuf;
	struct virtgpu_batch b;
	unsigned int i;

	virtgpu_batch_init(&b);
	for (i = 0; hw->has_edid && i < hw->num_scanouts; i++) {
		vbuf = virtgpu_hw_query_vbuf(&b, sizeof(struct virtio_gpu_cmd_get_edid),
					     sizeof(struct virtio_gpu_resp_edid),
					     virtgpu_hw_edid_done, i);
		if (vbuf)
			virtgpu_cmd_queue(&hw->ctrlq, vbuf,
					  virtgpu_encode_get_edid(vbuf->cmd,
								  vbuf->cmd_len, i), &b);
	}
	vbuf = virtgpu_hw_query_vbuf(&b, sizeof(struct virtio_gpu_ctrl_hdr),
				     sizeof(struct virtio_gpu_resp_display_info),
				     virtgpu_hw_display_info_done, 0);
	if (vbuf)
		virtgpu_cmd_queue(&hw->ctrlq, vbuf,
				  virtgpu_encode_get_display_info(vbuf->cmd,
								  vbuf->cmd_len), &b);
	for (i = 0; capsets && i < hw->num_capsets; i++) {
		vbuf = virtgpu_hw_query_vbuf(&b, sizeof(struct virtio_gpu_get_capset_info),
					     sizeof(struct virtio_gpu_resp_capset_info),
					     virtgpu_hw_capset_info_done, i);
		if (vbuf)
			virtgpu_cmd_queue(&hw->ctrlq, vbuf,
					  virtgpu_encode_get_capset_info(vbuf->cmd,
									 vbuf->cmd_len, i),
					  &b);
	}
	virtgpu_queue_kick(&hw->ctrlq);
	return virtgpu_batch_wait(&b, VIRTGPU_QUERY_TIMEOUT);
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
			dev_err_ratelimited(&hw->vdev->dev,
					    "display change: query failed (%d)\n",
					    ret);
		hw->ops->display_changed(hw);
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

static void virtgpu_hw_read_features(struct virtgpu_hw *hw)
{
	struct virtio_device *vdev = hw->vdev;
	u32 num_scanouts, num_capsets;

	hw->has_virgl = virtio_has_feature(vdev, VIRTIO_GPU_F_VIRGL);
	hw->has_edid = virtio_has_feature(vdev, VIRTIO_GPU_F_EDID);
	hw->has_resource_uuid = virtio_has_feature(vdev, VIRTIO_GPU_F_RESOURCE_UUID);
	hw->has_resource_blob = virtio_has_feature(vdev, VIRTIO_GPU_F_RESOURCE_BLOB);
	hw->has_context_init = virtio_has_feature(vdev, VIRTIO_GPU_F_CONTEXT_INIT);
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

static void virtgpu_hw_free_state(struct virtgpu_hw *hw)
{
	unsigned int i;

	for (i = 0; i < VIRTGPU_MAX_SCANOUTS; i++) {
		kfree(hw->edid[i]);
		hw->edid[i] = NULL;
	}
	kfree(hw->capsets);
	hw->capsets = NULL;
	for (i = 0; i < ARRAY_SIZE(hw->panic); i++) {
		if (hw->panic[i])
			virtgpu_vbuf_put(hw->panic[i]);
		hw->panic[i] = NULL;
	}
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

int virtgpu_hw_init(struct virtgpu_hw *hw, struct virtio_device *vdev,
		    const struct virtgpu_hw_ops *ops)
{
	struct virtqueue *vqs[2];
	int ret;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;

	hw->vdev = vdev;
	vdev->priv = hw;
	hw->ops = ops;
	mutex_init(&hw->state_lock);
	INIT_WORK(&hw->config_work, virtgpu_hw_config_work);
	virtgpu_hw_read_features(hw);

	hw->capsets = kcalloc(hw->num_capsets, sizeof(*hw->capsets),
			      GFP_KERNEL);
	if (hw->num_capsets && !hw->capsets)
		return -ENOMEM;
	virtgpu_hw_alloc_panic(hw);

	ret = virtgpu_find_vqs(vdev, vqs, virtgpu_queue_done);
	if (ret)
		goto err_free_state;
	virtgpu_queue_init(&hw->ctrlq, hw, vqs[0]);
	virtgpu_queue_init(&hw->cursorq, hw, vqs[1]);
	virtio_device_ready(vdev);

	/* A silent or confused host leaves us with no modes, not no driver. */
	ret = virtgpu_hw_query(hw, true);
	if (ret)
		dev_err(&vdev->dev, "initial display/capset query failed (%d)\n",
			ret);
	return 0;

err_free_state:
	virtgpu_hw_free_state(hw);
	return ret;
}

void virtgpu_hw_fini(struct virtgpu_hw *hw)
{
	struct virtio_device *vdev = hw->vdev;

	WRITE_ONCE(hw->removed, true);
	wake_up_all(&hw->ctrlq.ack_wait);
	wake_up_all(&hw->cursorq.ack_wait);
	cancel_work_sync(&hw->config_work);

	virtio_reset_device(vdev);
	virtgpu_queue_drain(&hw->ctrlq);
	virtgpu_queue_drain(&hw->cursorq);
	vdev->config->del_vqs(vdev);
	virtgpu_hw_free_state(hw);
}
