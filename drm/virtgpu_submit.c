// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * EXECBUFFER: a command stream for the file's host context. Everything
 * that can fail is done before the stream is queued: arguments checked,
 * objects looked up, in-fences (sync_file, syncobjs) found and waited for,
 * the out fence, its sync_file and fd, syncobj points and the ring event
 * allocated, reservations locked and fence slots reserved. Then the
 * submission is queued with a fence on the context's timeline (or ring),
 * which goes into every listed object's reservation (implicit sync with
 * other processes and the display) and out to userspace. The objects stay
 * referenced until the host has executed the stream.
 */
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/virtgpu_drm.h>

#include "virtgpu_drv.h"

/* More objects than this in one submission is not a real client. */
#define VIRTGPU_MAX_SUBMIT_BOS	(64 * 1024)

/*
 * The objects a submission uses, kept until the host is done with it: the
 * command holds a reference, the ioctl another until it has unlocked their
 * reservations.
 */
struct virtgpu_submit_objs {
	struct kref ref;
	struct drm_gem_object **objs;
	u32 count;
};

/* A syncobj to update after the submission, with its chain node if timeline. */
struct virtgpu_out_syncobj {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/* VIRTGPU_EVENT_FENCE_SIGNALED for a polled ring. */
struct virtgpu_ring_event {
	struct drm_pending_event base;
	struct drm_event event;
	struct dma_fence_cb cb;
	struct drm_device *dev;
};

struct virtgpu_submit {
	struct virtgpu_device *vgdev;
	struct drm_file *file;
	struct drm_virtgpu_execbuffer *args;
	u32 ctx_id;
	struct virtgpu_timeline *tl;
	struct virtgpu_submit_objs *objs;
	void *stream;
	struct virtgpu_fence *fence;
	struct sync_file *sync_file;
	int out_fd;
	struct virtgpu_out_syncobj *out_syncobjs;
	u32 num_out_syncobjs;
	struct virtgpu_ring_event *event;
	struct ww_acquire_ctx ticket;
	bool locked;
};

static void virtgpu_submit_objs_release(struct kref *ref)
{
	struct virtgpu_submit_objs *o = container_of(ref, struct virtgpu_submit_objs,
						     ref);
	u32 i;

	for (i = 0; i < o->count; i++)
		drm_gem_object_put(o->objs[i]);
	kvfree(o->objs);
	kfree(o);
}

static void virtgpu_submit_objs_put(struct virtgpu_submit_objs *o)
{
	if (o)
		kref_put(&o->ref, virtgpu_submit_objs_release);
}

/* The submission's command completed: the host is done with the objects. */
static void virtgpu_submit_done(void *priv, int status)
{
	virtgpu_submit_objs_put(priv);
}

static int virtgpu_submit_lookup(struct virtgpu_submit *s)
{
	struct drm_virtgpu_execbuffer *args = s->args;
	int ret;

	s->objs = kzalloc(sizeof(*s->objs), GFP_KERNEL);
	if (!s->objs)
		return -ENOMEM;
	kref_init(&s->objs->ref);
	if (!args->num_bo_handles)
		return 0;
	ret = drm_gem_objects_lookup(s->file, u64_to_user_ptr(args->bo_handles),
				     args->num_bo_handles, &s->objs->objs);
	if (ret)
		return ret;
	s->objs->count = args->num_bo_handles;
	return 0;
}

/* Wait for an in-fence, unless the host orders it before us anyway. */
static int virtgpu_submit_wait(struct virtgpu_submit *s, struct dma_fence *f)
{
	if (f->context == virtgpu_timeline_context(s->tl))
		return 0;
	return dma_fence_wait(f, true);
}

static int virtgpu_submit_in_fence(struct virtgpu_submit *s)
{
	struct dma_fence *f;
	int ret;

	if (!(s->args->flags & VIRTGPU_EXECBUF_FENCE_FD_IN))
		return 0;
	f = sync_file_get_fence(s->args->fence_fd);
	if (!f)
		return -EINVAL;
	ret = virtgpu_submit_wait(s, f);
	dma_fence_put(f);
	return ret;
}

#ifdef VIRTGPU_HAVE_VIRTGPU_EXECBUF_SYNCOBJS
static int virtgpu_syncobj_entries(struct virtgpu_submit *s, u64 uptr, u32 n,
				   struct drm_virtgpu_execbuffer_syncobj **out)
{
	struct drm_virtgpu_execbuffer_syncobj *e;
	u32 i;

	*out = NULL;
	if (!n)
		return 0;
	if (s->args->syncobj_stride != sizeof(*e) || n > VIRTGPU_MAX_SUBMIT_BOS)
		return -EINVAL;
	e = vmemdup_user(u64_to_user_ptr(uptr), array_size(n, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < n; i++) {
		if (e[i].flags & ~VIRTGPU_EXECBUF_SYNCOBJ_FLAGS) {
			kvfree(e);
			return -EINVAL;
		}
	}
	*out = e;
	return 0;
}

static int virtgpu_submit_in_syncobjs(struct virtgpu_submit *s)
{
	struct drm_virtgpu_execbuffer_syncobj *e;
	struct dma_fence *f;
	u32 i, n = s->args->num_in_syncobjs;
	int ret;

	ret = virtgpu_syncobj_entries(s, s->args->in_syncobjs, n, &e);
	if (ret || !n)
		return ret;
	for (i = 0; i < n && !ret; i++) {
		ret = drm_syncobj_find_fence(s->file, e[i].handle, e[i].point, 0, &f);
		if (ret)
			break;
		ret = virtgpu_submit_wait(s, f);
		dma_fence_put(f);
	}
	/* Resets only once every wait succeeded. */
	for (i = 0; i < n && !ret; i++) {
		if (e[i].flags & VIRTGPU_EXECBUF_SYNCOBJ_RESET) {
			struct drm_syncobj *so = drm_syncobj_find(s->file, e[i].handle);

			if (so) {
				drm_syncobj_replace_fence(so, NULL);
				drm_syncobj_put(so);
			}
		}
	}
	kvfree(e);
	return ret;
}

static int virtgpu_submit_out_syncobjs(struct virtgpu_submit *s)
{
	struct drm_virtgpu_execbuffer_syncobj *e;
	u32 i, n = s->args->num_out_syncobjs;
	int ret;

	ret = virtgpu_syncobj_entries(s, s->args->out_syncobjs, n, &e);
	if (ret || !n)
		return ret;
	s->out_syncobjs = kvcalloc(n, sizeof(*s->out_syncobjs), GFP_KERNEL);
	if (!s->out_syncobjs) {
		kvfree(e);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct virtgpu_out_syncobj *o = &s->out_syncobjs[i];

		s->num_out_syncobjs++;
		o->syncobj = drm_syncobj_find(s->file, e[i].handle);
		if (!o->syncobj) {
			ret = -ENOENT;
			break;
		}
		o->point = e[i].point;
		if (o->point) {
			o->chain = dma_fence_chain_alloc();
			if (!o->chain) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	kvfree(e);
	return ret;
}
#else
static int virtgpu_submit_in_syncobjs(struct virtgpu_submit *s)
{
	return 0;
}

static int virtgpu_submit_out_syncobjs(struct virtgpu_submit *s)
{
	return 0;
}
#endif

static void virtgpu_submit_signal_syncobjs(struct virtgpu_submit *s)
{
	struct dma_fence *f = virtgpu_fence_dma(s->fence);
	u32 i;

	for (i = 0; i < s->num_out_syncobjs; i++) {
		struct virtgpu_out_syncobj *o = &s->out_syncobjs[i];

		if (o->chain) {
			drm_syncobj_add_point(o->syncobj, o->chain, f, o->point);
			o->chain = NULL;
		} else {
			drm_syncobj_replace_fence(o->syncobj, f);
		}
	}
}

static void virtgpu_ring_event_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct virtgpu_ring_event *e = container_of(cb, struct virtgpu_ring_event, cb);

	drm_send_event(e->dev, &e->base);
}

static int virtgpu_submit_event(struct virtgpu_submit *s, bool ring)
{
	struct virtgpu_ring_event *e;
	int ret;

	if (!ring || !virtgpu_file_polls_ring(s->file, s->args->ring_idx))
		return 0;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->event.type = VIRTGPU_EVENT_FENCE_SIGNALED;
	e->event.length = sizeof(e->event);
	e->dev = &s->vgdev->base;
	ret = drm_event_reserve_init(&s->vgdev->base, s->file, &e->base, &e->event);
	if (ret) {
		kfree(e);
		return ret;
	}
	s->event = e;
	return 0;
}

static int virtgpu_submit_prepare(struct virtgpu_submit *s)
{
	struct drm_virtgpu_execbuffer *args = s->args;
	bool ring = args->flags & VIRTGPU_EXECBUF_RING_IDX;
	u32 i;
	int ret;

	ret = virtgpu_file_context(s->vgdev, s->file, &s->ctx_id);
	if (ret)
		return ret;
	s->tl = virtgpu_file_timeline(s->file, ring, args->ring_idx);
	if (!s->tl)
		return -EINVAL;	/* a ring the context does not have */
	ret = virtgpu_submit_lookup(s);
	if (!ret && args->size) {
		s->stream = vmemdup_user(u64_to_user_ptr(args->command), args->size);
		if (IS_ERR(s->stream)) {
			ret = PTR_ERR(s->stream);
			s->stream = NULL;
		}
	}
	if (!ret)
		ret = virtgpu_submit_in_fence(s);
	if (!ret)
		ret = virtgpu_submit_in_syncobjs(s);
	if (!ret)
		ret = virtgpu_submit_out_syncobjs(s);
	if (!ret)
		ret = virtgpu_submit_event(s, ring);
	if (ret)
		return ret;

	s->fence = virtgpu_fence_alloc(s->tl);
	if (!s->fence)
		return -ENOMEM;
	if (args->flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) {
		s->out_fd = get_unused_fd_flags(O_CLOEXEC);
		if (s->out_fd < 0)
			return s->out_fd;
		s->sync_file = sync_file_create(virtgpu_fence_dma(s->fence));
		if (!s->sync_file)
			return -ENOMEM;
	}
	if (s->objs->count) {
		ret = drm_gem_lock_reservations(s->objs->objs, s->objs->count,
						&s->ticket);
		if (ret)
			return ret;
		s->locked = true;
		for (i = 0; i < s->objs->count; i++) {
			ret = dma_resv_reserve_fences(s->objs->objs[i]->resv, 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Queue the stream; past this point nothing fails but the device itself.
 * The reservations are still locked: the fence goes into them first.
 */
static int virtgpu_submit_commit(struct virtgpu_submit *s)
{
	struct dma_fence *f = virtgpu_fence_dma(s->fence);
	struct virtgpu_submit_objs *objs = s->objs;
	u32 i;
	int ret;

	for (i = 0; i < objs->count; i++)
		virtgpu_backing_sync(s->vgdev->hw, to_virtgpu_bo(objs->objs[i])->backing);
	kref_get(&objs->ref);	/* the command's, dropped when it completes */
	ret = virtgpu_ctx_submit(s->vgdev->hw, s->ctx_id, s->stream,
				 s->args->size, s->fence, virtgpu_submit_done,
				 objs);
	s->stream = NULL;
	virtgpu_hw_kick(s->vgdev->hw);
	if (ret)
		return ret;
	for (i = 0; i < objs->count; i++)
		dma_resv_add_fence(objs->objs[i]->resv, f, DMA_RESV_USAGE_WRITE);
	virtgpu_submit_signal_syncobjs(s);
	if (s->event) {
		if (dma_fence_add_callback(f, &s->event->cb, virtgpu_ring_event_cb))
			drm_send_event(&s->vgdev->base, &s->event->base);
		s->event = NULL;
	}
	if (s->sync_file) {
		fd_install(s->out_fd, s->sync_file->file);
		s->args->fence_fd = s->out_fd;
		s->sync_file = NULL;
		s->out_fd = -1;
	}
	return 0;
}

static void virtgpu_submit_cleanup(struct virtgpu_submit *s)
{
	u32 i;

	if (s->locked)
		drm_gem_unlock_reservations(s->objs->objs, s->objs->count,
					    &s->ticket);
	for (i = 0; i < s->num_out_syncobjs; i++) {
		if (s->out_syncobjs[i].syncobj)
			drm_syncobj_put(s->out_syncobjs[i].syncobj);
		dma_fence_chain_free(s->out_syncobjs[i].chain);
	}
	kvfree(s->out_syncobjs);
	if (s->event)
		drm_event_cancel_free(&s->vgdev->base, &s->event->base);
	if (s->sync_file)
		fput(s->sync_file->file);
	if (s->out_fd >= 0)
		put_unused_fd(s->out_fd);
	virtgpu_fence_put(s->fence);
	kvfree(s->stream);
	virtgpu_submit_objs_put(s->objs);
}

int virtgpu_execbuffer_ioctl(struct drm_device *dev, void *data,
			     struct drm_file *file)
{
	struct virtgpu_device *vgdev = to_virtgpu_device(dev);
	struct drm_virtgpu_execbuffer *args = data;
	struct virtgpu_submit s = {
		.vgdev = vgdev, .file = file, .args = args, .out_fd = -1,
	};
	int ret;

	if (!virtgpu_hw_has(vgdev->hw, VIRTGPU_HW_VIRGL))
		return -ENOSYS;
	if (args->flags & ~VIRTGPU_EXECBUF_FLAGS || args->size % 4 ||
	    args->size > VIRTGPU_MAX_SUBMIT ||
	    args->num_bo_handles > VIRTGPU_MAX_SUBMIT_BOS ||
	    (!(args->flags & VIRTGPU_EXECBUF_RING_IDX) && args->ring_idx))
		return -EINVAL;

	ret = virtgpu_submit_prepare(&s);
	if (!ret)
		ret = virtgpu_submit_commit(&s);
	virtgpu_submit_cleanup(&s);
	return ret;
}
