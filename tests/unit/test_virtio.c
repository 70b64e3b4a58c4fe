// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The virtio layer (the virtio/ sources, unchanged) against the fake device of
 * fake_virtio.c: submission, answers in and out of order, host errors and
 * malformed answers, a full ring, a host that never answers, removal with
 * commands in flight, DMA mappings, fences that outlive the device, the
 * panic flush. Every test ends with every allocation freed exactly once
 * (ASan reports a double free or a use after free), every fence signalled
 * (the shim warns about one released unsignalled), and no warning.
 */
#include <linux/dma-fence.h>
#include <linux/virtio.h>

#include "fake_virtio.h"
#include "virtgpu_hw.h"
#include "test.h"

/* Internal state the tests look at. */
#include "../../virtio/virtgpu_hw_priv.h"

struct done_log {
	int calls;
	int status;
};

static void done_cb(void *priv, int status)
{
	struct done_log *d = priv;

	d->calls++;
	d->status = status;
}

static void no_display_change(void *priv)
{
}

static const struct virtgpu_hw_ops ops = {
	.display_changed = no_display_change,
};

static long allocs_at_start;

/* A device with @ring descriptors per queue, past its probe queries. */
static struct virtgpu_hw *hw_up(unsigned int ring)
{
	struct virtgpu_hw *hw;

	fake_reset(ring);
	kshim_warnings = 0;
	kshim_errors = 0;
	allocs_at_start = kshim_allocs - kshim_frees;
	hw = virtgpu_hw_create(&fake.vdev, &ops, NULL);
	CHECK(!IS_ERR(hw));
	CHECK(fake.ready);
	return hw;
}

/* Let everything that can happen, happen. */
static void settle(void)
{
	while (kshim_progress())
		;
}

static void hw_down(struct virtgpu_hw *hw)
{
	virtgpu_hw_remove(hw);
	CHECK(fake.reset_done);
	virtgpu_hw_put(hw);
	settle();
	CHECK_EQ(kshim_allocs - kshim_frees, allocs_at_start);
	CHECK_EQ(kshim_warnings, 0);
}

static struct dma_fence *fence_new(struct virtgpu_hw *hw)
{
	struct virtgpu_fence *f = virtgpu_fence_alloc(virtgpu_hw_kernel_timeline(hw));

	CHECK(f);
	return virtgpu_fence_dma(f);
}

static struct virtgpu_fence *vf(struct dma_fence *f)
{
	return container_of(f, struct virtgpu_fence, base);
}

/* RESOURCE_FLUSH of resource 1, fenced. */
static int flush(struct virtgpu_hw *hw, struct dma_fence *f)
{
	return virtgpu_res_flush(hw, NULL, 1, 0, 0, 8, 8, f ? vf(f) : NULL);
}

TEST(virtio, probe_and_remove)
{
	struct virtgpu_scanout_info info;
	struct virtgpu_hw *hw = hw_up(64);

	CHECK_EQ(virtgpu_hw_num_scanouts(hw), 1);
	virtgpu_hw_scanout(hw, 0, &info);
	CHECK(info.enabled && info.width == 1024 && info.height == 768);
	CHECK_EQ(fake.answered[VIRTIO_GPU_CMD_GET_DISPLAY_INFO], 1);
	hw_down(hw);
}

TEST(virtio, fences_in_order)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f[3];
	int i;

	for (i = 0; i < 3; i++) {
		f[i] = fence_new(hw);
		CHECK_EQ(flush(hw, f[i]), 0);
	}
	virtgpu_hw_kick(hw);
	CHECK_EQ(fake.queues[0].notifies, 2);	/* the probe's and ours */
	settle();
	for (i = 0; i < 3; i++) {
		CHECK(f[i]->signalled && !f[i]->error);
		if (i)
			CHECK(f[i]->seqno > f[i - 1]->seqno);
	}
	for (i = 0; i < 3; i++)
		dma_fence_put(f[i]);
	hw_down(hw);
}

/* The newest answer signals the older fences of its timeline too. */
TEST(virtio, fences_out_of_order)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f[3];
	int i;

	fake.newest_first = true;
	for (i = 0; i < 3; i++) {
		f[i] = fence_new(hw);
		flush(hw, f[i]);
	}
	virtgpu_hw_kick(hw);
	settle();
	for (i = 0; i < 3; i++) {
		CHECK(f[i]->signalled && !f[i]->error);
		dma_fence_put(f[i]);
	}
	hw_down(hw);
}

TEST(virtio, host_error)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f = fence_new(hw);

	fake.fail_type = VIRTIO_GPU_CMD_RESOURCE_FLUSH;
	fake.fail_resp = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	flush(hw, f);
	virtgpu_hw_kick(hw);
	settle();
	CHECK(f->signalled);
	CHECK_EQ(f->error, -EIO);
	CHECK_EQ(kshim_errors, 1);	/* one rate-limited error line */
	CHECK_EQ(atomic_read(&hw->stats[VIRTGPU_SLOT_RESOURCE_FLUSH].err), 1);
	dma_fence_put(f);
	hw_down(hw);
}

TEST(virtio, malformed_answer)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f = fence_new(hw);

	fake.malformed_type = VIRTIO_GPU_CMD_RESOURCE_FLUSH;
	flush(hw, f);
	virtgpu_hw_kick(hw);
	settle();
	CHECK_EQ(f->error, -EPROTO);
	CHECK_EQ(atomic_read(&hw->stats[VIRTGPU_SLOT_RESOURCE_FLUSH].invalid), 1);
	dma_fence_put(f);
	hw_down(hw);
}

/* Four descriptors: two commands at a time; the rest wait for answers. */
TEST(virtio, full_ring)
{
	struct virtgpu_hw *hw = hw_up(4);
	struct dma_fence *f[10];
	int i;

	for (i = 0; i < 10; i++) {
		f[i] = fence_new(hw);
		CHECK_EQ(flush(hw, f[i]), 0);
	}
	virtgpu_hw_kick(hw);
	settle();
	for (i = 0; i < 10; i++) {
		CHECK(f[i]->signalled && !f[i]->error);
		dma_fence_put(f[i]);
	}
	CHECK_EQ(fake.answered[VIRTIO_GPU_CMD_RESOURCE_FLUSH], 10);
	hw_down(hw);
}

/*
 * A host that stops answering: the command that finds the ring full gives
 * up (-ETIMEDOUT, its fence and callback told); removal ends the rest.
 */
TEST(virtio, host_never_answers)
{
	struct virtgpu_hw *hw = hw_up(4);
	struct dma_fence *f[3];
	struct done_log d = { };
	int i;

	fake.answer = false;
	for (i = 0; i < 2; i++) {
		f[i] = fence_new(hw);
		CHECK_EQ(flush(hw, f[i]), 0);
	}
	CHECK_EQ(virtgpu_res_unref(hw, 7, done_cb, &d), -ETIMEDOUT);
	f[2] = fence_new(hw);
	CHECK_EQ(flush(hw, f[2]), -ETIMEDOUT);
	settle();
	CHECK_EQ(d.calls, 1);
	CHECK_EQ(d.status, -ETIMEDOUT);
	CHECK(f[2]->signalled && f[2]->error == -ETIMEDOUT);
	CHECK(!f[0]->signalled && !f[1]->signalled);
	CHECK_EQ(kshim_errors, 2);	/* "control queue full" twice */

	virtgpu_hw_remove(hw);
	for (i = 0; i < 3; i++)
		CHECK(f[i]->signalled);
	CHECK_EQ(f[0]->error, -ENODEV);
	CHECK_EQ(f[1]->error, -ENODEV);
	for (i = 0; i < 3; i++)
		dma_fence_put(f[i]);
	virtgpu_hw_put(hw);
	settle();
	CHECK_EQ(kshim_allocs - kshim_frees, allocs_at_start);
	CHECK_EQ(kshim_warnings, 0);
}

/*
 * Removal with commands in flight: every one completes once, with -ENODEV
 * where the host never answered; commands after removal fail the same way,
 * their callbacks run, without touching the gone virtqueues.
 */
TEST(virtio, removal_in_flight)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct done_log d1 = { }, d2 = { }, d3 = { };
	struct dma_fence *f1 = fence_new(hw), *f2 = fence_new(hw);
	void *stream;

	flush(hw, f1);
	virtgpu_hw_kick(hw);
	settle();			/* f1 answered */
	fake.answer = false;
	virtgpu_res_unref(hw, 5, done_cb, &d1);
	stream = kvcalloc(1, 64, GFP_KERNEL);
	virtgpu_ctx_submit(hw, 1, stream, 64, vf(f2), done_cb, &d2);
	virtgpu_hw_kick(hw);

	virtgpu_hw_remove(hw);
	CHECK(fake.queues[0].deleted);
	CHECK(f1->signalled && !f1->error);
	CHECK(f2->signalled && f2->error == -ENODEV);
	CHECK(d1.calls == 1 && d1.status == -ENODEV);
	CHECK(d2.calls == 1 && d2.status == -ENODEV);

	CHECK_EQ(virtgpu_res_unref(hw, 6, done_cb, &d3), -ENODEV);
	settle();
	CHECK(d3.calls == 1 && d3.status == -ENODEV);
	CHECK(virtgpu_hw_removed(hw));
	dma_fence_put(f1);
	dma_fence_put(f2);
	virtgpu_hw_put(hw);
	settle();
	CHECK_EQ(kshim_allocs - kshim_frees, allocs_at_start);
	CHECK_EQ(kshim_warnings, 0);
}

/* A fence exported to userspace outlives the device and the layer. */
TEST(virtio, fence_outlives_device)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f = fence_new(hw);

	fake.answer = false;
	flush(hw, f);
	virtgpu_hw_kick(hw);
	virtgpu_hw_remove(hw);
	virtgpu_hw_put(hw);
	settle();
	CHECK(f->signalled && f->error == -ENODEV);
	CHECK_STR(f->ops->get_timeline_name(f), "kernel");
	dma_fence_put(f);
	CHECK_EQ(kshim_allocs - kshim_frees, allocs_at_start);
}

/* With the DMA API, removal unmaps; a backing freed later does not again. */
TEST(virtio, backings_unmapped_at_removal)
{
	struct virtgpu_backing *b;
	struct virtgpu_hw *hw;
	struct sg_table sgt;
	char pages[2][64];
	long maps, unmaps;

	fake_reset(64);
	fake.vdev.dma_quirk = false;	/* VIRTIO_F_ACCESS_PLATFORM */
	allocs_at_start = kshim_allocs - kshim_frees;
	hw = virtgpu_hw_create(&fake.vdev, &ops, NULL);
	CHECK(!IS_ERR(hw));
	CHECK_EQ(sg_alloc_table(&sgt, 2, GFP_KERNEL), 0);
	sg_init_one(&sgt.sgl[0], pages[0], 64);
	sgt.sgl[0].last = false;
	sg_init_one(&sgt.sgl[1], pages[1], 64);
	maps = kshim_dma_maps;
	unmaps = kshim_dma_unmaps;
	b = virtgpu_backing_create(hw, &sgt);
	CHECK(!IS_ERR(b));
	CHECK_EQ(kshim_dma_maps, maps + 1);
	virtgpu_hw_remove(hw);
	CHECK_EQ(kshim_dma_unmaps, unmaps + 1);
	virtgpu_backing_destroy(hw, b);
	CHECK_EQ(kshim_dma_unmaps, unmaps + 1);
	/* After removal, nothing new is mapped. */
	CHECK_EQ(PTR_ERR(virtgpu_backing_create(hw, &sgt)), -ENODEV);
	sg_free_table(&sgt);
	virtgpu_hw_put(hw);
	settle();
	CHECK_EQ(kshim_allocs - kshim_frees, allocs_at_start);
}

/* Commands from a pool; an empty pool fails the command, fence told. */
TEST(virtio, command_pool)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f = fence_new(hw);
	struct virtgpu_cmds pool;

	virtgpu_cmds_init(&pool);
	CHECK_EQ(virtgpu_cmds_reserve(&pool, 2), 0);
	CHECK_EQ(virtgpu_res_transfer_2d(hw, &pool, 1, 0, 0, 0, 8, 8, NULL), 0);
	CHECK_EQ(virtgpu_scanout_set(hw, &pool, 0, 1, 0, 0, 8, 8), 0);
	CHECK_EQ(pool.count, 0);
	CHECK_EQ(virtgpu_res_flush(hw, &pool, 1, 0, 0, 8, 8, vf(f)), -ENOMEM);
	CHECK(f->signalled && f->error == -ENOMEM);
	virtgpu_cmds_reserve(&pool, 3);
	virtgpu_cmds_release(&pool);
	virtgpu_hw_kick(hw);
	settle();
	CHECK_EQ(fake.answered[VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D], 1);
	CHECK_EQ(fake.answered[VIRTIO_GPU_CMD_SET_SCANOUT], 1);
	dma_fence_put(f);
	hw_down(hw);
}

/* A command the encoder refuses completes with the encoder's error. */
TEST(virtio, bad_encoding_completes)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct dma_fence *f = fence_new(hw);

	/* Resource 0 is no resource: the encoder says -EINVAL. */
	CHECK_EQ(virtgpu_res_flush(hw, NULL, 0, 0, 0, 8, 8, vf(f)), -EINVAL);
	settle();
	CHECK(f->signalled && f->error == -EINVAL);
	dma_fence_put(f);
	hw_down(hw);
}

/* drm_panic's flush polls the ring; the device answers when notified. */
TEST(virtio, panic_flush)
{
	struct virtgpu_hw *hw = hw_up(64);
	struct virtgpu_backing *b;
	struct sg_table sgt;
	char page[64];

	CHECK_EQ(sg_alloc_table(&sgt, 1, GFP_KERNEL), 0);
	sg_init_one(&sgt.sgl[0], page, sizeof(page));
	b = virtgpu_backing_create(hw, &sgt);
	CHECK(!IS_ERR(b));
	fake.answer_on_notify = true;
	CHECK_EQ(virtgpu_hw_panic_flush(hw, b, 1, 0, 0, 0, 8, 8), 0);
	CHECK_EQ(fake.answered[VIRTIO_GPU_CMD_RESOURCE_FLUSH], 1);
	/* Its commands are free again: a second panic flush works too. */
	CHECK_EQ(virtgpu_hw_panic_flush(hw, b, 1, 0, 0, 0, 8, 8), 0);
	virtgpu_hw_panic_resume(hw);
	virtgpu_backing_destroy(hw, b);
	sg_free_table(&sgt);
	hw_down(hw);
}
