// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Damage of a shown framebuffer that reaches the host without making its
 * caller wait. A commit that only declares damage (DIRTYFB, or an atomic
 * commit with FB_DAMAGE_CLIPS and no event, same framebuffer and
 * rectangles) hands its clips to the scanout's queue here and returns.
 * The queue merges them and uploads and flushes them from a worker at
 * most once per refresh period: at once when the last flush is a period
 * old, else when it will be. So no damaged pixel waits longer than a
 * period plus the host's own time, and a client issuing damage faster
 * than the refresh rate costs the host one flush per frame.
 *
 * The worker waits for the scanout's previous flush (a commit's or its
 * own) before sending the next one, so a slow host slows the flushes
 * down, never the client.
 */
#include <linux/dma-fence.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_drv.h"

/* Without a mode's frame duration (never expected): 60 Hz. */
#define VIRTGPU_DAMAGE_DEFAULT_PERIOD_NS	16666667

static struct virtgpu_output *damage_to_output(struct virtgpu_damage *d)
{
	return container_of(d, struct virtgpu_output, damage);
}

/* Add @r to @d's clips; past VIRTGPU_MAX_CLIPS they merge into one. */
static void virtgpu_damage_merge(struct virtgpu_damage *d,
				 const struct drm_rect *r)
{
	unsigned int i;

	for (i = 0; i < d->num_clips; i++) {
		if (virtgpu_rect_contains(&d->clips[i], r))
			return;
		if (virtgpu_rect_contains(r, &d->clips[i])) {
			d->clips[i] = *r;
			return;
		}
	}
	if (d->num_clips < VIRTGPU_MAX_CLIPS) {
		d->clips[d->num_clips++] = *r;
		return;
	}
	for (i = 1; i < d->num_clips; i++)
		virtgpu_rect_cover(&d->clips[0], &d->clips[i]);
	virtgpu_rect_cover(&d->clips[0], r);
	d->num_clips = 1;
}

static u64 virtgpu_damage_period_ns(struct virtgpu_output *output)
{
	struct drm_crtc *crtc = &output->crtc;
	int ns = crtc->dev->vblank[drm_crtc_index(crtc)].framedur_ns;

	return ns > 0 ? ns : VIRTGPU_DAMAGE_DEFAULT_PERIOD_NS;
}

/**
 * virtgpu_damage_add - queue damage of the framebuffer a scanout shows
 * @output: the scanout
 * @fb: the framebuffer, shown on @output (referenced while queued)
 * @clips: damaged rectangles, inside the framebuffer
 * @num_clips: how many
 *
 * Commit tail of a damage-only commit; does not wait for anything.
 */
void virtgpu_damage_add(struct virtgpu_output *output,
			struct drm_framebuffer *fb,
			const struct drm_rect *clips, unsigned int num_clips)
{
	struct virtgpu_damage *d = &output->damage;
	struct drm_framebuffer *old = NULL;
	unsigned long flags;
	unsigned int i;
	ktime_t due;

	if (!num_clips)
		return;
	spin_lock_irqsave(&d->lock, flags);
	if (!d->fb)
		d->since = ktime_get();
	if (d->fb != fb) {
		/* The framebuffer changed: the commit that did it uploaded it. */
		old = d->fb;
		d->fb = fb;
		drm_framebuffer_get(fb);
		d->num_clips = 0;
	}
	for (i = 0; i < num_clips; i++)
		virtgpu_damage_merge(d, &clips[i]);
	d->added++;
	due = ktime_add_ns(d->last, virtgpu_damage_period_ns(output));
	spin_unlock_irqrestore(&d->lock, flags);
	if (old)
		drm_framebuffer_put(old);

	if (ktime_after(due, ktime_get()))
		hrtimer_start(&d->timer, due, HRTIMER_MODE_ABS);
	else
		queue_work(system_highpri_wq, &d->work);
}

static enum hrtimer_restart virtgpu_damage_due(struct hrtimer *timer)
{
	struct virtgpu_damage *d = container_of(timer, struct virtgpu_damage,
						timer);

	queue_work(system_highpri_wq, &d->work);
	return HRTIMER_NORESTART;
}

/*
 * Upload and flush what is queued, if its framebuffer is still shown;
 * @wait: how long it was queued, for the statistics.
 */
static void virtgpu_damage_send(struct virtgpu_output *output,
				struct drm_framebuffer *fb,
				const struct drm_rect *clips,
				unsigned int num_clips, s64 wait)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(output->crtc.dev);
	struct virtgpu_damage *d = &output->damage;
	struct virtgpu_fence *fence;
	struct drm_rect box = clips[0];
	unsigned int i;
	int idx, ret;

	if (output->shown_fb != fb || !drm_dev_enter(&vgdev->base, &idx))
		return;
	fence = virtgpu_fence_alloc(virtgpu_hw_kernel_timeline(vgdev->hw));
	for (i = 0; i < num_clips; i++) {
		/* Host-side (3D) objects: the host has the pixels, only flush. */
		if (to_virtgpu_framebuffer(fb)->upload)
			virtgpu_primary_upload(output, fb, NULL, &clips[i]);
		virtgpu_rect_cover(&box, &clips[i]);
	}
	ret = virtgpu_res_flush(vgdev->hw, NULL,
				to_virtgpu_framebuffer(fb)->res_id, box.x1,
				box.y1, drm_rect_width(&box),
				drm_rect_height(&box), fence);
	virtgpu_hw_kick(vgdev->hw);
	if (ret) {
		drm_err_ratelimited(&vgdev->base,
				    "scanout %u: damage not flushed: %d\n",
				    output->index, ret);
		virtgpu_fence_put(fence);
	} else if (fence) {
		dma_fence_put(output->last_flush);
		output->last_flush = virtgpu_fence_dma(fence);
	}
	spin_lock_irq(&d->lock);
	d->flushed++;
	d->wait_max_ns = max(d->wait_max_ns, wait);
	d->wait_sum_ns += wait;
	spin_unlock_irq(&d->lock);
	drm_dev_exit(idx);
}

static void virtgpu_damage_work(struct work_struct *work)
{
	struct virtgpu_damage *d = container_of(work, struct virtgpu_damage,
						work);
	struct virtgpu_output *output = damage_to_output(d);
	struct drm_rect clips[VIRTGPU_MAX_CLIPS];
	struct drm_framebuffer *fb;
	struct dma_fence *prev;
	unsigned int num_clips;
	s64 wait = 0;

	/* One flush in flight: the host paces the worker. */
	mutex_lock(&output->upload_lock);
	prev = dma_fence_get(output->last_flush);
	mutex_unlock(&output->upload_lock);
	if (prev) {
		virtgpu_display_wait(output->crtc.dev, prev, "flush damage");
		dma_fence_put(prev);
	}

	mutex_lock(&output->upload_lock);
	spin_lock_irq(&d->lock);
	fb = d->fb;
	d->fb = NULL;
	num_clips = d->num_clips;
	memcpy(clips, d->clips, num_clips * sizeof(clips[0]));
	d->num_clips = 0;
	if (fb) {
		d->last = ktime_get();
		wait = ktime_to_ns(ktime_sub(d->last, d->since));
	}
	spin_unlock_irq(&d->lock);
	if (fb)
		virtgpu_damage_send(output, fb, clips, num_clips, wait);
	mutex_unlock(&output->upload_lock);
	if (fb)
		drm_framebuffer_put(fb);
}

/**
 * virtgpu_damage_init - an empty damage queue for @output
 * @output: the scanout
 */
void virtgpu_damage_init(struct virtgpu_output *output)
{
	struct virtgpu_damage *d = &output->damage;

	spin_lock_init(&d->lock);
	virtgpu_hrtimer_setup(&d->timer, virtgpu_damage_due, CLOCK_MONOTONIC,
			      HRTIMER_MODE_ABS);
	INIT_WORK(&d->work, virtgpu_damage_work);
}

/**
 * virtgpu_damage_fini - stop @output's queue and drop what it holds
 * @output: the scanout, whose CRTC no commit touches any more
 */
void virtgpu_damage_fini(struct virtgpu_output *output)
{
	struct virtgpu_damage *d = &output->damage;

	/* The timer queues the work: stop it first. */
	hrtimer_cancel(&d->timer);
	cancel_work_sync(&d->work);
	if (d->fb)
		drm_framebuffer_put(d->fb);
	d->fb = NULL;
}
