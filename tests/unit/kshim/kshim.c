// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The userspace stand-ins of kshim.h. */
#include "kshim.h"

long kshim_allocs, kshim_frees, kshim_warnings, kshim_errors;
long kshim_dma_maps, kshim_dma_unmaps;
unsigned long jiffies;

void kshim_warn(const char *file, int line, const char *cond)
{
	kshim_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

void *kshim_alloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p)
		kshim_allocs++;
	return p;
}

void kshim_free(const void *p)
{
	if (!p)
		return;
	kshim_frees++;
	free((void *)p);
}

void kshim_lock(int *held, const char *what)
{
	if (*held)
		kshim_warn(__FILE__, __LINE__, what);
	*held = 1;
}

void kshim_unlock(int *held, const char *what)
{
	if (!*held)
		kshim_warn(__FILE__, __LINE__, what);
	*held = 0;
}

void kshim_message(int err, struct device *d, const char *fmt, ...)
{
	va_list ap;

	kshim_errors += err;
	fprintf(stderr, "%s: ", d && d->name ? d->name : "device");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static LIST_HEAD(kshim_works);

bool schedule_work(struct work_struct *w)
{
	if (w->pending)
		return false;
	w->pending = true;
	list_add_tail(&w->node, &kshim_works);
	return true;
}

static void kshim_run(struct work_struct *w)
{
	list_del_init(&w->node);
	w->pending = false;
	w->func(w);
}

bool flush_work(struct work_struct *w)
{
	if (!w->pending)
		return false;
	kshim_run(w);
	return true;
}

bool cancel_work_sync(struct work_struct *w)
{
	if (!w->pending)
		return false;
	list_del_init(&w->node);
	w->pending = false;
	return true;
}

/* The fake device's turn (fake_virtio.c). */
bool fake_step(void);

bool kshim_progress(void)
{
	struct work_struct *w;

	if (!list_empty(&kshim_works)) {
		w = list_first_entry(&kshim_works, struct work_struct, node);
		kshim_run(w);
		return true;
	}
	return fake_step();
}

int dma_map_sgtable(struct device *d, struct sg_table *t,
		    enum dma_data_direction dir, unsigned long attrs)
{
	unsigned int i;

	for (i = 0; i < t->orig_nents; i++) {
		t->sgl[i].dma_address = (uintptr_t)t->sgl[i].buf ^ 0x800000000000ull;
		t->sgl[i].dma_length = t->sgl[i].length;
	}
	t->nents = t->orig_nents;
	kshim_dma_maps++;
	return 0;
}

void dma_unmap_sgtable(struct device *d, struct sg_table *t,
		       enum dma_data_direction dir, unsigned long attrs)
{
	kshim_dma_unmaps++;
}

u64 dma_fence_context_alloc(unsigned int n)
{
	static u64 next = 1;

	next += n;
	return next - n;
}

void dma_fence_init(struct dma_fence *f, const struct dma_fence_ops *ops,
		    spinlock_t *lock, u64 context, u64 seqno)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->lock = lock;
	f->context = context;
	f->seqno = seqno;
	kref_init(&f->refcount);
}

struct dma_fence *dma_fence_get(struct dma_fence *f)
{
	if (f)
		kref_get(&f->refcount);
	return f;
}

static void dma_fence_release(struct kref *k)
{
	struct dma_fence *f = container_of(k, struct dma_fence, refcount);

	/* The kernel warns about fences freed unsignalled, too. */
	WARN_ON(!f->signalled);
	if (f->ops->release)
		f->ops->release(f);
	else
		dma_fence_free(f);
}

void dma_fence_put(struct dma_fence *f)
{
	if (f)
		kref_put(&f->refcount, dma_fence_release);
}

void dma_fence_free(struct dma_fence *f)
{
	kshim_free(f);
}

int dma_fence_signal_locked(struct dma_fence *f)
{
	/* The caller holds the fence's lock. */
	WARN_ON(!f->lock->held);
	if (f->signalled)
		return -EINVAL;
	f->signalled = true;
	return 0;
}

int ida_alloc_min(struct ida *ida, unsigned int min, gfp_t gfp)
{
	unsigned int i;

	for (i = min; i < 8 * sizeof(ida->used); i++) {
		if (!(ida->used & BIT(i))) {
			ida->used |= BIT(i);
			return i;
		}
	}
	return -ENOSPC;
}

void ida_free(struct ida *ida, unsigned int id)
{
	WARN_ON(!(ida->used & BIT(id)));
	ida->used &= ~BIT(id);
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, sizeof(m->buf) - m->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len = min(m->len + n, sizeof(m->buf) - 1);
}
