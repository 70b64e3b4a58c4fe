// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host rendering contexts (virgl): create and destroy them, attach the
 * resources they may use, submit command streams, and fetch capsets, the
 * host's description of what a context type can do (cached per id and
 * version for the device's life).
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "virtgpu_hw_priv.h"

/* A context or capset answer is a round trip to a host that may be busy. */
#define VIRTGPU_CTX_TIMEOUT	(5 * HZ)

/* Queue a fixed-size command and wait for its answer. */
static int virtgpu_ctx_sync(struct virtgpu_hw *hw, struct virtgpu_vbuf *vbuf,
			    int encoded)
{
	struct virtgpu_batch b;

	virtgpu_batch_init(&b);
	virtgpu_cmd_submit(hw, vbuf, encoded, NULL, &b);
	virtgpu_hw_kick(hw);
	return virtgpu_batch_wait(&b, VIRTGPU_CTX_TIMEOUT);
}

/**
 * virtgpu_ctx_create - create host context @ctx_id and wait for the host
 * @hw: the device
 * @ctx_id: from virtgpu_hw_ctx_id_alloc()
 * @capset_id: the context type (VIRTIO_GPU_F_CONTEXT_INIT), 0 for virgl
 * @name: debug name shown by the host, may be NULL
 *
 * Return: 0, -EIO if the host refused, or another error.
 */
int virtgpu_ctx_create(struct virtgpu_hw *hw, u32 ctx_id, u32 capset_id,
		       const char *name)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_ctx_create), NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_ctx_sync(hw, vbuf,
				virtgpu_encode_ctx_create(vbuf->cmd, vbuf->cmd_len,
							  ctx_id, capset_id, name));
}

/* Queued, not waited for: the context's owner is going away. */
int virtgpu_ctx_destroy(struct virtgpu_hw *hw, u32 ctx_id)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_ctx_destroy), NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_ctx_destroy(vbuf->cmd, vbuf->cmd_len,
							     ctx_id), NULL, NULL);
}

static int virtgpu_ctx_resource(struct virtgpu_hw *hw, bool attach, u32 ctx_id,
				u32 res_id)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_ctx_resource),
			       NULL);
	if (!vbuf)
		return -ENOMEM;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_ctx_resource(vbuf->cmd, vbuf->cmd_len,
							      attach, ctx_id, res_id),
				  NULL, NULL);
}

/* Let context @ctx_id use resource @res_id (queued). */
int virtgpu_ctx_attach(struct virtgpu_hw *hw, u32 ctx_id, u32 res_id)
{
	return virtgpu_ctx_resource(hw, true, ctx_id, res_id);
}

int virtgpu_ctx_detach(struct virtgpu_hw *hw, u32 ctx_id, u32 res_id)
{
	return virtgpu_ctx_resource(hw, false, ctx_id, res_id);
}

/**
 * virtgpu_ctx_submit - run a command stream in context @ctx_id
 * @hw: the device
 * @ctx_id: the context
 * @stream: the stream, kvmalloc'ed; the command owns and frees it
 * @len: its length in bytes (at most VIRTGPU_MAX_SUBMIT)
 * @fence: signalled when the host has executed it
 * @done: runs exactly once when the command completes (or fails)
 * @priv: for @done
 *
 * Return: 0 once queued, or the error @done and @fence got.
 */
int virtgpu_ctx_submit(struct virtgpu_hw *hw, u32 ctx_id, void *stream,
		       u32 len, struct virtgpu_fence *fence,
		       virtgpu_done_t done, void *priv)
{
	struct virtgpu_vbuf *vbuf;

	vbuf = virtgpu_cmd_get(hw, NULL, sizeof(struct virtio_gpu_cmd_submit), fence);
	if (!vbuf) {
		kvfree(stream);
		if (done)
			done(priv, -ENOMEM);
		return -ENOMEM;
	}
	vbuf->payload = stream;
	vbuf->payload_len = len;
	vbuf->done_cb = done;
	vbuf->priv = priv;
	return virtgpu_cmd_submit(hw, vbuf,
				  virtgpu_encode_submit_3d(vbuf->cmd, vbuf->cmd_len,
							   ctx_id, len),
				  fence, NULL);
}

static struct virtgpu_capset_cache *virtgpu_caps_find(struct virtgpu_hw *hw,
						      u32 id, u32 version)
{
	struct virtgpu_capset_cache *c;

	list_for_each_entry(c, &hw->caps, node)
		if (c->id == id && c->version == version)
			return c;
	return NULL;
}

/**
 * virtgpu_hw_get_capset - capset @id at @version, fetched once
 * @hw: the device
 * @id: a capset id the device listed
 * @version: at most the listed max_version
 * @data: set to the cached data, valid for the device's life
 * @size: set to its size
 *
 * Return: 0, -EINVAL for a capset or version the device does not have,
 * -EIO if the host refused, or another error.
 */
int virtgpu_hw_get_capset(struct virtgpu_hw *hw, u32 id, u32 version,
			  const void **data, u32 *size)
{
	struct virtgpu_capset_cache *c;
	struct virtgpu_vbuf *vbuf;
	struct virtgpu_batch b;
	u32 max_version, max_size;
	const u8 *payload;
	int ret;

	ret = virtgpu_hw_capset_max(hw, id, &max_version, &max_size);
	if (ret || version > max_version)
		return -EINVAL;
	mutex_lock(&hw->state_lock);
	c = virtgpu_caps_find(hw, id, version);
	mutex_unlock(&hw->state_lock);
	if (c)
		goto found;

	vbuf = virtgpu_vbuf_alloc(sizeof(struct virtio_gpu_get_capset),
				  sizeof(struct virtio_gpu_resp_capset) + max_size,
				  GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	virtgpu_batch_init(&b);
	kref_get(&vbuf->ref);	/* read the answer after the wait */
	virtgpu_cmd_submit(hw, vbuf,
			   virtgpu_encode_get_capset(vbuf->cmd, vbuf->cmd_len, id,
						     version), NULL, &b);
	virtgpu_hw_kick(hw);
	ret = virtgpu_batch_wait(&b, VIRTGPU_CTX_TIMEOUT);
	if (!ret)
		ret = virtgpu_decode_capset(vbuf->resp, vbuf->resp_written,
					    max_size, &payload);
	if (!ret) {
		c = kmalloc(struct_size(c, data, max_size), GFP_KERNEL);
		if (c) {
			c->id = id;
			c->version = version;
			c->size = max_size;
			memcpy(c->data, payload, max_size);
		} else {
			ret = -ENOMEM;
		}
	}
	virtgpu_vbuf_put(vbuf);
	if (ret)
		return ret;
	mutex_lock(&hw->state_lock);
	if (virtgpu_caps_find(hw, id, version)) {	/* fetched meanwhile */
		kfree(c);
		c = virtgpu_caps_find(hw, id, version);
	} else {
		list_add_tail(&c->node, &hw->caps);
	}
	mutex_unlock(&hw->state_lock);
found:
	*data = c->data;
	*size = c->size;
	return 0;
}
