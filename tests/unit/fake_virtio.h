/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The fake virtio-gpu device of fake_virtio.c and its knobs. */
#ifndef FAKE_VIRTIO_H
#define FAKE_VIRTIO_H

#include <linux/virtio.h>
#include <linux/virtio_gpu.h>

#define FAKE_MAX_ENTRIES	256

struct fake_entry {
	void *data;
	unsigned int ndesc;
	void *cmd;
	u32 cmd_len;
	u32 payload_len;
	void *resp;
	u32 resp_len;
	u32 written;
};

struct fake_queue {
	struct virtqueue vq;
	struct fake_entry pending[FAKE_MAX_ENTRIES];	/* added, not answered */
	unsigned int npending;
	struct fake_entry used[FAKE_MAX_ENTRIES];	/* answered, not collected */
	unsigned int nused;
	unsigned int added, kicked, notifies;
	bool deleted;
};

/**
 * struct fake_device - the device and what the test wants of it
 * @answer: the device answers at all (false: a host that hangs)
 * @newest_first: answers come out of order, newest first
 * @answer_on_notify: answers at once when notified (the panic path polls)
 * @fail_type: this command type gets @fail_resp
 * @malformed_type: this command type gets an answer of the wrong type
 * @answered: commands answered, by type
 */
struct fake_device {
	struct virtio_device vdev;
	struct device transport;
	struct virtio_gpu_config config;
	struct fake_queue queues[2];
	unsigned int ring_size;
	bool answer;
	bool newest_first;
	bool answer_on_notify;
	u32 fail_type;
	u32 fail_resp;
	u32 malformed_type;
	bool ready;
	bool reset_done;
	unsigned int answered[0x1000];
};

extern struct fake_device fake;

void fake_reset(unsigned int ring_size);
bool fake_step(void);

#endif /* FAKE_VIRTIO_H */
