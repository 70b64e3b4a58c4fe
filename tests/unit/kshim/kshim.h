/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A userspace stand-in for the kernel facilities the virtio layer uses, so
 * that the virtio/ sources compiles unchanged against a fake virtio device
 * (fake_virtio.c) for host tests. Single-threaded and deterministic:
 *  - anything that would sleep (completion waits, the ring-full wait)
 *    instead calls kshim_progress(), which runs pending work items and lets
 *    the fake device act; when neither can, the wait times out;
 *  - locks check they are not taken twice or released unheld;
 *  - allocations are counted, WARN_ON and error messages too, so a test
 *    can demand that everything was freed and nothing complained.
 * These are test doubles of kernel facilities, not replacements used by
 * the driver.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;
typedef unsigned int gfp_t;
typedef u64 dma_addr_t;

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __must_check
#define __init
#define __exit

#define READ_ONCE(x)		(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define container_of(p, t, m)	((t *)((char *)(p) - offsetof(t, m)))
#define struct_size(p, m, n)	(sizeof(*(p)) + sizeof((p)->m[0]) * (n))
#define IS_ERR(p)		((unsigned long)(p) >= (unsigned long)-4095)
#define ERR_PTR(e)		((void *)(long)(e))
#define PTR_ERR(p)		((long)(p))
#define PAGE_SIZE		4096UL
#define offset_in_page(p)	((unsigned long)(p) & (PAGE_SIZE - 1))

/* Counters a test checks. */
extern long kshim_allocs, kshim_frees, kshim_warnings, kshim_errors;
void kshim_warn(const char *file, int line, const char *cond);

#define WARN_ON(c) ({ bool _c = !!(c); if (_c) kshim_warn(__FILE__, __LINE__, #c); _c; })
#define WARN_ON_ONCE(c) WARN_ON(c)

/* Memory */
#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
#define __GFP_NOWARN	0u
void *kshim_alloc(size_t size);
void kshim_free(const void *p);
#define kmalloc(s, g)		kshim_alloc(s)
#define kzalloc(s, g)		kshim_alloc(s)
#define kcalloc(n, s, g)	kshim_alloc((n) * (s))
#define kvmalloc_array(n, s, g)	kshim_alloc((n) * (s))
#define kvcalloc(n, s, g)	kshim_alloc((n) * (s))
#define vzalloc(s)		kshim_alloc(s)
#define kfree(p)		kshim_free(p)
#define kvfree(p)		kshim_free(p)
static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kshim_alloc(len);

	if (p)
		memcpy(p, src, len);
	return p;
}

static inline size_t strscpy(char *dst, const char *src, size_t size)
{
	int n = snprintf(dst, size, "%s", src);

	return n < 0 ? 0 : min((size_t)n, size - 1);
}

/* Atomics and reference counts (single-threaded: plain arithmetic) */
typedef struct { int counter; } atomic_t;
#define atomic_read(a)		((a)->counter)
#define atomic_set(a, v)	((a)->counter = (v))
#define atomic_inc(a)		((a)->counter++)
#define atomic_dec(a)		((a)->counter--)
#define atomic_inc_return(a)	(++(a)->counter)
#define atomic_dec_and_test(a)	(--(a)->counter == 0)
static inline int atomic_cmpxchg(atomic_t *a, int old, int new)
{
	int cur = a->counter;

	if (cur == old)
		a->counter = new;
	return cur;
}

struct kref { atomic_t refcount; };
#define kref_init(k)	atomic_set(&(k)->refcount, 1)
#define kref_read(k)	atomic_read(&(k)->refcount)
static inline void kref_get(struct kref *k)
{
	WARN_ON(k->refcount.counter <= 0);
	k->refcount.counter++;
}

static inline int kref_put(struct kref *k, void (*release)(struct kref *k))
{
	WARN_ON(k->refcount.counter <= 0);
	if (--k->refcount.counter)
		return 0;
	release(k);
	return 1;
}

/* Lists */
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD(n)	struct list_head n = { &(n), &(n) }
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list_head *l) { return l->next == l; }
static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	list_del(e);
	list_add_tail(e, h);
}
static inline void list_splice_tail_init(struct list_head *l, struct list_head *h)
{
	if (list_empty(l))
		return;
	l->next->prev = h->prev;
	h->prev->next = l->next;
	l->prev->next = h;
	h->prev = l->prev;
	INIT_LIST_HEAD(l);
}
static inline void list_splice(struct list_head *l, struct list_head *h)
{
	if (list_empty(l))
		return;
	l->next->prev = h;
	l->prev->next = h->next;
	h->next->prev = l->prev;
	h->next = l->next;
}
#define list_entry(p, t, m)		container_of(p, t, m)
#define list_first_entry(h, t, m)	list_entry((h)->next, t, m)
#define list_for_each_entry(p, h, m)					\
	for (p = list_entry((h)->next, __typeof__(*p), m); &p->m != (h);	\
	     p = list_entry(p->m.next, __typeof__(*p), m))
#define list_for_each_entry_safe(p, n, h, m)				\
	for (p = list_entry((h)->next, __typeof__(*p), m),		\
	     n = list_entry(p->m.next, __typeof__(*p), m); &p->m != (h);	\
	     p = n, n = list_entry(n->m.next, __typeof__(*n), m))

/* Locks: taken once at a time, released only when held */
typedef struct { int held; } spinlock_t;
struct mutex { int held; };
void kshim_lock(int *held, const char *what);
void kshim_unlock(int *held, const char *what);
#define spin_lock_init(l)		((l)->held = 0)
#define spin_lock(l)			kshim_lock(&(l)->held, "spinlock")
#define spin_unlock(l)			kshim_unlock(&(l)->held, "spinlock")
#define spin_lock_irq(l)		spin_lock(l)
#define spin_unlock_irq(l)		spin_unlock(l)
#define spin_lock_irqsave(l, f)		((void)(f), spin_lock(l))
#define spin_unlock_irqrestore(l, f)	((void)(f), spin_unlock(l))
#define spin_trylock(l)			((l)->held ? 0 : (spin_lock(l), 1))
#define mutex_init(m)			((m)->held = 0)
#define mutex_destroy(m)		WARN_ON((m)->held)
#define mutex_lock(m)			kshim_lock(&(m)->held, "mutex")
#define mutex_unlock(m)			kshim_unlock(&(m)->held, "mutex")

/* Time: waits take no time; jiffies only move when a test moves them */
#define HZ	100
extern unsigned long jiffies;
#define jiffies_to_msecs(j)	((j) * 1000 / HZ)
#define udelay(us)		((void)(us))

/* Progress instead of sleeping: false when nothing can move any more. */
bool kshim_progress(void);

struct completion { bool done; };
#define init_completion(c)	((c)->done = false)
#define reinit_completion(c)	((c)->done = false)
#define complete_all(c)		((c)->done = true)
#define completion_done(c)	((c)->done)
static inline unsigned long wait_for_completion_timeout(struct completion *c,
							unsigned long t)
{
	while (!c->done)
		if (!kshim_progress())
			return 0;
	return t ? t : 1;
}

typedef struct { int unused; } wait_queue_head_t;
#define init_waitqueue_head(w)	((void)(w))
#define wake_up_all(w)		((void)(w))
#define wait_event_killable_timeout(wq, cond, t) ({			\
	long _left = (t);						\
	while (!(cond)) {						\
		if (!kshim_progress()) {				\
			_left = 0;					\
			break;						\
		}							\
	}								\
	_left;								\
})
#define ERESTARTSYS	512

/* Work items: run by kshim_progress() or flush_work() */
struct work_struct {
	void (*func)(struct work_struct *w);
	bool pending;
	struct list_head node;
};
#define INIT_WORK(w, f)	((w)->func = (f), (w)->pending = false, INIT_LIST_HEAD(&(w)->node))
bool schedule_work(struct work_struct *w);
bool flush_work(struct work_struct *w);
bool cancel_work_sync(struct work_struct *w);

/* Devices and messages */
struct device {
	const char *name;
	struct device *parent;
	int refs;
};
static inline struct device *get_device(struct device *d)
{
	if (d)
		d->refs++;
	return d;
}
static inline void put_device(struct device *d)
{
	if (d)
		WARN_ON(--d->refs < 0);
}
void kshim_message(int err, struct device *d, const char *fmt, ...) __printf(3, 4);
#define dev_err(d, ...)			kshim_message(1, d, __VA_ARGS__)
#define dev_err_ratelimited(d, ...)	kshim_message(1, d, __VA_ARGS__)
#define dev_warn(d, ...)		kshim_message(1, d, __VA_ARGS__)

/* Scatterlists over plain memory */
struct page;
struct scatterlist {
	void *buf;
	unsigned int length;
	dma_addr_t dma_address;
	unsigned int dma_length;
	bool last;
};
struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents;
	unsigned int orig_nents;
};
static inline void sg_init_one(struct scatterlist *sg, const void *buf,
			       unsigned int len)
{
	memset(sg, 0, sizeof(*sg));
	sg->buf = (void *)buf;
	sg->length = len;
	sg->last = true;
}
static inline int sg_alloc_table(struct sg_table *t, unsigned int n, gfp_t g)
{
	t->sgl = kshim_alloc(n * sizeof(*t->sgl));
	if (!t->sgl)
		return -ENOMEM;
	t->nents = t->orig_nents = n;
	t->sgl[n - 1].last = true;
	return 0;
}
static inline void sg_free_table(struct sg_table *t)
{
	if (t->sgl)
		kshim_free(t->sgl);
	t->sgl = NULL;
}
#define sg_next(sg)			((sg)->last ? NULL : (sg) + 1)
#define for_each_sg(sgl, sg, n, i)	for ((i) = 0, (sg) = (sgl); (i) < (n); (i)++, (sg)++)
#define for_each_sgtable_sg(t, sg, i)	for_each_sg((t)->sgl, sg, (t)->orig_nents, i)
#define sg_phys(sg)			((u64)(uintptr_t)(sg)->buf)
#define sg_dma_address(sg)		((sg)->dma_address)
#define sg_dma_len(sg)			((sg)->dma_length)
#define is_vmalloc_addr(p)		false
#define vmalloc_to_page(p)		NULL
#define sg_set_page(sg, p, len, off)	((void)0)

/* The DMA API: counted, so tests see maps and unmaps balance */
enum dma_data_direction { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE };
extern long kshim_dma_maps, kshim_dma_unmaps;
int dma_map_sgtable(struct device *d, struct sg_table *t, enum dma_data_direction dir,
		    unsigned long attrs);
void dma_unmap_sgtable(struct device *d, struct sg_table *t,
		       enum dma_data_direction dir, unsigned long attrs);
#define dma_sync_sgtable_for_device(d, t, dir)	((void)0)

/* dma_fence: the part the virtio layer uses */
struct dma_fence;
struct dma_fence_ops {
	const char *(*get_driver_name)(struct dma_fence *f);
	const char *(*get_timeline_name)(struct dma_fence *f);
	void (*release)(struct dma_fence *f);
};
struct dma_fence {
	const struct dma_fence_ops *ops;
	spinlock_t *lock;
	u64 context;
	u64 seqno;
	bool signalled;
	int error;
	struct kref refcount;
};
u64 dma_fence_context_alloc(unsigned int n);
void dma_fence_init(struct dma_fence *f, const struct dma_fence_ops *ops,
		    spinlock_t *lock, u64 context, u64 seqno);
struct dma_fence *dma_fence_get(struct dma_fence *f);
void dma_fence_put(struct dma_fence *f);
void dma_fence_free(struct dma_fence *f);
int dma_fence_signal_locked(struct dma_fence *f);
static inline void dma_fence_set_error(struct dma_fence *f, int error)
{
	WARN_ON(f->signalled);
	f->error = error;
}
static inline bool dma_fence_is_signaled(struct dma_fence *f)
{
	return f->signalled;
}

/* ida */
struct ida { unsigned long used; };
#define ida_init(i)		((i)->used = 0)
#define ida_destroy(i)		((i)->used = 0)
int ida_alloc_min(struct ida *ida, unsigned int min, gfp_t gfp);
void ida_free(struct ida *ida, unsigned int id);

/* seq_file into a buffer */
struct seq_file {
	char buf[4096];
	size_t len;
};
void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
#define seq_puts(m, s)	seq_printf(m, "%s", s)

/* Modules and drivers (for virtgpu_compat.h) */
struct module;
#define THIS_MODULE	((struct module *)NULL)
struct device_driver { const char *name; struct module *owner; };

#endif /* KSHIM_H */
