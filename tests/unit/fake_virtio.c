// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A fake virtio-gpu device for host tests of the virtio layer: virtqueues
 * of a chosen size that hold the driver's buffers until the device "runs"
 * (fake_step(), called whenever the driver would sleep), and a device that
 * answers as a test programs it: in order or newest first, with an error
 * or a malformed answer for one command type, immediately on notify (for
 * the panic path), or never.
 */
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>

#include "fake_virtio.h"
#include "virtgpu_proto_env.h"

struct fake_device fake;

static unsigned int sg_count(struct scatterlist *sg)
{
	unsigned int n = 0;

	for (; sg; sg = sg_next(sg))
		n++;
	return n;
}

int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[],
		      unsigned int out_sgs, unsigned int in_sgs, void *data,
		      gfp_t gfp)
{
	struct fake_queue *q = vq->fake;
	struct fake_entry *e;
	struct scatterlist *sg;
	unsigned int i, need = 0;

	if (q->deleted || fake.reset_done)
		kshim_warn(__FILE__, __LINE__, "virtqueue used after reset or deletion");
	for (i = 0; i < out_sgs + in_sgs; i++)
		need += sg_count(sgs[i]);
	if (virtio_has_feature(vq->vdev, VIRTIO_RING_F_INDIRECT_DESC))
		need = 1;
	if (vq->num_free < need || q->npending == FAKE_MAX_ENTRIES)
		return -ENOSPC;
	e = &q->pending[q->npending++];
	memset(e, 0, sizeof(*e));
	e->data = data;
	e->ndesc = need;
	/* The command is the first out buffer; a payload may follow. */
	e->cmd = sgs[0]->buf;
	e->cmd_len = sgs[0]->length;
	for (i = 1; i < out_sgs; i++)
		for (sg = sgs[i]; sg; sg = sg_next(sg))
			e->payload_len += sg->length;
	if (in_sgs) {
		e->resp = sgs[out_sgs]->buf;
		e->resp_len = sgs[out_sgs]->length;
	}
	vq->num_free -= need;
	q->added++;
	return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	struct fake_queue *q = vq->fake;
	bool kick = q->added != q->kicked;

	q->kicked = q->added;
	return kick;
}

bool virtqueue_notify(struct virtqueue *vq)
{
	vq->fake->notifies++;
	if (fake.answer_on_notify)
		fake_step();
	return true;
}

void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len)
{
	struct fake_queue *q = vq->fake;
	struct fake_entry e;

	if (!q->nused)
		return NULL;
	e = q->used[0];
	memmove(q->used, q->used + 1, --q->nused * sizeof(q->used[0]));
	vq->num_free += e.ndesc;
	*len = e.written;
	return e.data;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	return !vq->fake->nused;
}

void *virtqueue_detach_unused_buf(struct virtqueue *vq)
{
	struct fake_queue *q = vq->fake;
	struct fake_entry e;

	if (!q->npending)
		return NULL;
	e = q->pending[0];
	memmove(q->pending, q->pending + 1, --q->npending * sizeof(q->pending[0]));
	vq->num_free += e.ndesc;
	return e.data;
}

static void fake_del_vqs(struct virtio_device *vdev)
{
	fake.queues[0].deleted = true;
	fake.queues[1].deleted = true;
}

static const struct virtio_config_ops fake_config_ops = {
	.del_vqs = fake_del_vqs,
};

int virtio_find_vqs(struct virtio_device *vdev, unsigned int n,
		    struct virtqueue *vqs[], vq_callback_t *callbacks[],
		    const char * const names[], void *desc)
{
	unsigned int i;

	for (i = 0; i < n && i < 2; i++) {
		struct fake_queue *q = &fake.queues[i];

		q->vq.vdev = vdev;
		q->vq.index = i;
		q->vq.num_free = fake.ring_size;
		q->vq.callback = callbacks[i];
		q->vq.fake = q;
		vqs[i] = &q->vq;
	}
	return 0;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	fake.ready = true;
}

void virtio_reset_device(struct virtio_device *vdev)
{
	fake.reset_done = true;
}

/* The device's answer to one command, by the test's rules. */
static void fake_answer(struct fake_entry *e)
{
	struct virtio_gpu_ctrl_hdr *cmd = e->cmd, *resp = e->resp;
	u32 type = le32_to_cpu(cmd->type);
	u32 rtype = VIRTIO_GPU_RESP_OK_NODATA;
	size_t len = sizeof(*resp);

	fake.answered[type & 0xfff]++;
	if (!resp)
		return;	/* the cursor queue answers nothing */
	memset(resp, 0, e->resp_len);
	if (type == VIRTIO_GPU_CMD_GET_DISPLAY_INFO) {
		struct virtio_gpu_resp_display_info *di = e->resp;

		rtype = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
		len = sizeof(*di);
		di->pmodes[0].enabled = cpu_to_le32(1);
		di->pmodes[0].r.width = cpu_to_le32(1024);
		di->pmodes[0].r.height = cpu_to_le32(768);
	}
	if (type == fake.fail_type)
		rtype = fake.fail_resp;
	if (type == fake.malformed_type)
		rtype = VIRTIO_GPU_RESP_OK_CAPSET;	/* not what this command gets */
	resp->type = cpu_to_le32(rtype);
	/* A fenced command's answer carries its fence back. */
	if (le32_to_cpu(cmd->flags) & VIRTIO_GPU_FLAG_FENCE) {
		resp->flags = cmd->flags;
		resp->fence_id = cmd->fence_id;
		resp->ring_idx = cmd->ring_idx;
	}
	e->written = min(len, (size_t)e->resp_len);
}

bool fake_step(void)
{
	bool moved = false;
	unsigned int i, k;

	if (!fake.answer || fake.reset_done)
		return false;
	for (k = 0; k < 2; k++) {
		struct fake_queue *q = &fake.queues[k];

		if (!q->npending || q->deleted)
			continue;
		/* Answer everything available, oldest or newest first. */
		for (i = 0; i < q->npending; i++) {
			struct fake_entry *e = &q->pending[fake.newest_first ?
							   q->npending - 1 - i : i];

			fake_answer(e);
			q->used[q->nused++] = *e;
		}
		q->npending = 0;
		moved = true;
		if (q->vq.callback)
			q->vq.callback(&q->vq);
	}
	return moved;
}

/* A fresh device: @ring_size descriptors per queue, answering in order. */
void fake_reset(unsigned int ring_size)
{
	memset(&fake, 0, sizeof(fake));
	fake.ring_size = ring_size;
	fake.answer = true;
	fake.vdev.dev.name = "fake-virtio-gpu";
	fake.vdev.features = BIT_ULL(VIRTIO_F_VERSION_1);
	fake.vdev.dma_quirk = true;
	fake.vdev.config = &fake_config_ops;
	fake.vdev.dev.parent = &fake.transport;
	fake.transport.name = "fake-transport";
	fake.config.num_scanouts = cpu_to_le32(1);
	memcpy(fake.vdev.config_space, &fake.config, sizeof(fake.config));
}
