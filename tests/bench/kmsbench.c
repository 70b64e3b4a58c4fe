// SPDX-License-Identifier: GPL-2.0
/*
 * kmsbench: display update throughput and latency through atomic KMS on dumb buffers.
 *
 *   kmsbench [-d /dev/dri/card0] [-m 1920x1080] [-t SECONDS] [-n MAX] [-r RATE] [-T TESTS] [-H]
 *
 * Sets WxH on the first connected output (adding it as a user mode when the connector does
 * not list it), then runs each test for SECONDS (default 5) or MAX updates, whichever ends
 * first; with -r at most RATE updates per second (every test: e.g. the guest CPU per frame of
 * drivers at the same frame rate). TESTS is a comma list of (default: all, in this order)
 *   flip        page flips between two unchanged buffers: commit -> event latency, pacing
 *   full        full-frame updates: write all of the back buffer, flip, wait for the event
 *   full-b2b    the same back to back: the next frame is written and committed without
 *               waiting for the event; only when the kernel refuses a commit with -EBUSY
 *               (the previous one is still in flight) do we wait for an event and retry
 *   damage      one buffer, a 64x64 region rewritten per update, committed with
 *               FB_DAMAGE_CLIPS, waiting for each event
 *   damage-b2b  the same back to back (as full-b2b)
 *   damage-sync the same as blocking commits without an event (what a client that only
 *               declares damage does): the call's latency is what it waits
 *   dirtyfb     the same region updates through the legacy DRM_IOCTL_MODE_DIRTYFB
 *   multi       full-frame updates (as full) on every output at once (connected or not:
 *               QEMU without a display window reports only the first connected), each
 *               in WxH with its own two buffers, flipped as soon as its previous flip's
 *               event came: how many outputs the driver keeps at their refresh
 *   wait        drmWaitVBlank for the next vblank, one after another (not in the default
 *               list): wait_rate, wait_vblanks_per_wait, wait_interval_p50_ms and
 *               wait_paced from the replies' timestamps
 *
 * Every figure is one line "bench <name> <value> <unit>" on stdout; lines starting with '#'
 * are commentary. Commits are nonblocking with DRM_MODE_PAGE_FLIP_EVENT where a test waits
 * for events. "paced" says whether event intervals sit on multiples of the mode's refresh
 * period (a driver with vblank pacing) or not (the in-tree driver up to 6.12 has no vblank
 * and signals as soon as the commit has been queued to the host). On a paced driver every
 * commit on a CRTC completes at most once per refresh (the DRM core makes nonblocking commits
 * fail with -EBUSY, and blocking ones wait, until the previous one has flipped), so the
 * b2b tests top out at the refresh rate there ("busy" counts the -EBUSY waits); the guest
 * CPU time per update ("cpu_ms": busy time of all CPUs from /proc/schedstat, this program
 * and the kernel's commit workers included) is the figure that compares drivers
 * independently of pacing.
 *
 * Figures per test T: T_fps or T_ups (updates per second, wall clock), T_ms_per_frame or
 * T_ms_per_update, T_cpu_ms; for tests that wait for events T_latency_ms (mean, commit
 * ioctl to event read) and T_latency_p95_ms, T_interval_p50_ms (median between the events'
 * kernel timestamps), T_paced; full_write_ms (CPU writing 8 MB), full_upload_MBps; for
 * b2b T_busy_per_*; dirtyfb_ioctl_ms and for damage-sync and dirtyfb T_call_p50_ms and
 * T_call_p99_ms; multi_outputs, multi_fps (per output, mean), multi_fps_min (the slowest
 * output), multi_interval_p50_ms and multi_paced over all outputs, multi_cpu_ms. Plus kms, mode_*, vblank (drmCrtcGetSequence works),
 * damage_clips_prop, *_supported.
 *
 * With -H (x86 guests of QEMU, root) the tests also leave host markers: bytes written to COM1's
 * scratch register, which QEMU's trace (serial_write addr 0x07) stamps with the host's clock
 * beside the RESOURCE_FLUSH commands it processes. A test's begin and end marker and, for
 * the damage tests, a sampled call's damaged 64x64 square; "# mark" lines say which begin
 * marker is which test. tests/bench/hosttrace.py turns them into host-side figures.
 *
 * Exit status: 0 done, 1 error, 3 (KMS_EXIT_NO_KMS) the device has no KMS output to test.
 */
#include "kms.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

#define REGION 64		/* damage tests: edge of the square rewritten per update */
#define EVENT_TIMEOUT_MS 5000

/* Host markers (-H): COM1's scratch register, and what a byte written there means. */
#define MARK_PORT 0x3ff
#define MARK_END 0x0e		/* the test that began last has ended */
#define MARK_BEGIN 0x10		/* + the test's index in tests_all[] */
#define MARK_COL 0x40		/* + column, then MARK_ROW + row: a call damaging that square */
#define MARK_ROW 0x80
#define MARK_EVERY_MS 5.0	/* sampled calls: at most one marked per this interval */

struct samples {
	double *v;
	size_t n, cap;
};

struct bench {
	int fd;
	struct kms_output out;
	drmModeModeInfo mode;
	double period_ms;
	struct kms_dumb buf[2];
	int front;		/* index of the buffer on screen */
	uint32_t p_fb, p_crtc, p_damage;
	double seconds;
	long max_updates;
	double rate;		/* -r: at most this many updates per second (0: no limit) */
	bool marks;		/* -H: write host markers */
	double marked_ms;	/* when the last call was marked */
	/* page-flip event state */
	int pending;		/* commits with an event not received yet */
	bool got_event;
	double event_rx_ms;	/* when we read the last one */
	double event_ts_ms;	/* the kernel's timestamp in it */
	unsigned int event_seq;
};

static void fig(const char *name, double value, const char *unit)
{
	printf("bench %s %.2f %s\n", name, value, unit);
	fflush(stdout);
}

static void mark(struct bench *b, unsigned int v)
{
#if defined(__x86_64__) || defined(__i386__)
	if (b->marks)
		outb(v, MARK_PORT);
#endif
}

/* -H: the port is ours to write, or the markers are off (and say why). */
static bool marks_init(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (ioperm(MARK_PORT, 1, 1) == 0)
		return true;
	printf("# no host markers: ioperm: %s\n", strerror(errno));
#else
	printf("# no host markers: not an x86 guest\n");
#endif
	return false;
}

/* Marks the beginning of test I, NAME (also in the output: which marker is which test). */
static void mark_begin(struct bench *b, unsigned int i, const char *name)
{
	if (!b->marks)
		return;
	printf("# mark %u %s\n", MARK_BEGIN + i, name);
	mark(b, MARK_BEGIN + i);
}

/* Marks a call about to damage the REGION square at x, y, at most every MARK_EVERY_MS. */
static void mark_call(struct bench *b, int x, int y)
{
	double t;

	if (!b->marks || x / REGION >= MARK_ROW - MARK_COL || y / REGION >= MARK_ROW)
		return;
	t = now_ms();
	if (t - b->marked_ms < MARK_EVERY_MS)
		return;
	b->marked_ms = t;
	mark(b, MARK_COL + x / REGION);
	mark(b, MARK_ROW + y / REGION);
}

static void add(struct samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double mean(const struct samples *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? sum / s->n : 0;
}

/* Percentile p (0..100) of the samples, nearest rank; sorts them. */
static double pct(struct samples *s, double p)
{
	size_t i;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	i = (size_t)(p / 100.0 * s->n + 0.5);
	i = i ? i - 1 : 0;
	return s->v[i < s->n ? i : s->n - 1];
}

/*
 * Paced: event intervals sit on non-zero multiples of the refresh period (within 15%) and
 * none is shorter than half a period. Needs at least 5 intervals.
 */
static bool paced(struct samples *iv, double period)
{
	size_t on = 0;

	if (iv->n < 5 || period <= 0)
		return false;
	for (size_t i = 0; i < iv->n; i++) {
		double k = (int)(iv->v[i] / period + 0.5);

		if (iv->v[i] < 0.5 * period)
			return false;
		if (k >= 1 && iv->v[i] > (k - 0.15) * period && iv->v[i] < (k + 0.15) * period)
			on++;
	}
	return on * 10 >= iv->n * 9;
}

/*
 * Busy time of all CPUs in ms: the sum of rq_cpu_time (ns spent running tasks other than
 * the idle task, kworkers doing commit work included) over the cpu lines of /proc/schedstat,
 * which is exact where /proc/stat only samples at timer ticks. Falls back to /proc/stat.
 */
static double cpu_busy_ms(void)
{
	unsigned long long v[8] = { 0 }, busy = 0;
	char line[512];
	int cpus = 0;
	FILE *f = fopen("/proc/schedstat", "r");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long x[7];

		if (strncmp(line, "cpu", 3) || sscanf(line, "cpu%*u %llu %llu %llu %llu %llu %llu %llu",
						      &x[0], &x[1], &x[2], &x[3], &x[4], &x[5],
						      &x[6]) != 7)
			continue;
		busy += x[6];
		cpus++;
	}
	if (f)
		fclose(f);
	if (cpus)
		return busy / 1e6;
	f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7]) >= 4)
		busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];	/* all but idle, iowait */
	fclose(f);
	return busy * 1000.0 / sysconf(_SC_CLK_TCK);
}

struct cpu_mark {
	double busy_ms;
};

static void cpu_start(struct cpu_mark *m)
{
	m->busy_ms = cpu_busy_ms();
}

/* Guest CPU ms (all CPUs) spent since cpu_start, per update. */
static double cpu_ms_per(const struct cpu_mark *m, long updates)
{
	return updates ? (cpu_busy_ms() - m->busy_ms) / updates : 0;
}

static void flip_handler(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			 unsigned int crtc_id, void *data)
{
	struct bench *b = data;

	(void)fd;
	(void)crtc_id;
	b->pending--;
	b->got_event = true;
	b->event_rx_ms = now_ms();
	b->event_ts_ms = sec * 1e3 + usec / 1e3;
	b->event_seq = seq;
}

/* Read the events that are there; with wait, block until at least one came. */
static void read_events(struct bench *b, bool wait)
{
	drmEventContext ev = { .version = 3, .page_flip_handler2 = flip_handler };
	double end = now_ms() + EVENT_TIMEOUT_MS;

	b->got_event = false;
	do {
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
		int left = wait ? (int)(end - now_ms()) : 0;

		if (wait && left <= 0)
			die("no page-flip event within %d ms", EVENT_TIMEOUT_MS);
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & POLLIN)
			drmHandleEvent(b->fd, &ev);
		else if (!wait)
			break;
	} while (wait && !b->got_event);
}

static void wait_event(struct bench *b)
{
	read_events(b, true);
}

/*
 * Nonblocking commit of the primary plane showing buf[idx] (with a damage blob if non-zero),
 * with a page-flip event. While the previous commit is still in flight the kernel refuses
 * with -EBUSY: then wait for its event and retry, counting that in *busy if not NULL. So
 * back-to-back loops go as fast as the driver accepts commits, without burning CPU.
 */
static void commit(struct bench *b, int idx, uint32_t damage_blob, long *busy)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	int ret;

	drmModeAtomicAddProperty(req, b->out.primary_id, b->p_fb, b->buf[idx].fb_id);
	drmModeAtomicAddProperty(req, b->out.primary_id, b->p_crtc, b->out.crtc_id);
	if (damage_blob)
		drmModeAtomicAddProperty(req, b->out.primary_id, b->p_damage, damage_blob);
	while ((ret = drmModeAtomicCommit(b->fd, req, flags, b)) && errno == EBUSY) {
		if (busy)
			(*busy)++;
		if (b->pending)
			wait_event(b);
		else
			usleep(200);	/* busy with a commit that is not ours */
	}
	if (ret)
		die("atomic commit: %s", strerror(errno));
	b->pending++;
	drmModeAtomicFree(req);
}

static void modeset(struct bench *b)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blob, conn_crtc, mode_id, active;
	uint32_t w = b->mode.hdisplay, h = b->mode.vdisplay;
	struct { const char *name; uint32_t *id; } pp[] = {
		{ "FB_ID", &b->p_fb }, { "CRTC_ID", &b->p_crtc },
	};
	const char *geo[] = { "SRC_X", "SRC_Y", "SRC_W", "SRC_H",
			      "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H" };
	uint64_t geo_val[] = { 0, 0, (uint64_t)w << 16, (uint64_t)h << 16, 0, 0, w, h };

	conn_crtc = kms_prop(b->fd, b->out.connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
			     NULL);
	mode_id = kms_prop(b->fd, b->out.crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", NULL);
	active = kms_prop(b->fd, b->out.crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", NULL);
	for (size_t i = 0; i < 2; i++)
		*pp[i].id = kms_prop(b->fd, b->out.primary_id, DRM_MODE_OBJECT_PLANE, pp[i].name,
				     NULL);
	b->p_damage = kms_prop(b->fd, b->out.primary_id, DRM_MODE_OBJECT_PLANE,
			       "FB_DAMAGE_CLIPS", NULL);
	if (!conn_crtc || !mode_id || !active || !b->p_fb || !b->p_crtc)
		die("missing atomic properties (connector CRTC_ID, CRTC MODE_ID/ACTIVE, plane "
		    "FB_ID/CRTC_ID)");
	if (drmModeCreatePropertyBlob(b->fd, &b->mode, sizeof(b->mode), &blob))
		die("mode blob: %s", strerror(errno));
	drmModeAtomicAddProperty(req, b->out.connector_id, conn_crtc, b->out.crtc_id);
	drmModeAtomicAddProperty(req, b->out.crtc_id, mode_id, blob);
	drmModeAtomicAddProperty(req, b->out.crtc_id, active, 1);
	drmModeAtomicAddProperty(req, b->out.primary_id, b->p_fb, b->buf[0].fb_id);
	drmModeAtomicAddProperty(req, b->out.primary_id, b->p_crtc, b->out.crtc_id);
	for (size_t i = 0; i < 8; i++) {
		uint32_t id = kms_prop(b->fd, b->out.primary_id, DRM_MODE_OBJECT_PLANE, geo[i],
				       NULL);

		if (!id)
			die("plane has no %s property", geo[i]);
		drmModeAtomicAddProperty(req, b->out.primary_id, id, geo_val[i]);
	}
	if (drmModeAtomicCommit(b->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
		die("modeset %s: %s", b->mode.name, strerror(errno));
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(b->fd, blob);
	b->front = 0;
}

/* Whether update n runs; with -r it first waits for its slot (start + n / rate). */
static bool time_left(struct bench *b, double start, long n)
{
	double wait = b->rate > 0 ? start + n * 1000.0 / b->rate - now_ms() : 0;

	if (b->max_updates && n >= b->max_updates)
		return false;
	if (wait > 0)
		usleep((useconds_t)(wait * 1000));
	return n < 3 || now_ms() - start < b->seconds * 1000;
}

/* Full-buffer content for frame n: changes every frame. */
static void write_frame(struct kms_dumb *d, long n)
{
	uint32_t base = 0x00204080u + (uint32_t)n * 0x00030507u;

	for (uint32_t y = 0; y < d->height; y++) {
		uint32_t *p = (uint32_t *)((char *)d->map + (size_t)y * d->pitch);
		uint32_t v = (base + y * 0x00010101u) & 0x00ffffffu;

		for (uint32_t x = 0; x < d->width; x++)
			p[x] = v;
	}
}

static void region_at(struct bench *b, long n, int *x, int *y)
{
	int cols = b->mode.hdisplay / REGION, rows = b->mode.vdisplay / REGION;

	*x = (int)(n % cols) * REGION;
	*y = (int)((n / cols) % rows) * REGION;
}

static void report_events(const char *t, struct bench *b, struct samples *lat,
			  struct samples *iv)
{
	char name[64];
	bool p = paced(iv, b->period_ms);

	snprintf(name, sizeof(name), "%s_latency_ms", t);
	fig(name, mean(lat), "ms");
	snprintf(name, sizeof(name), "%s_latency_p95_ms", t);
	fig(name, pct(lat, 95), "ms");
	snprintf(name, sizeof(name), "%s_interval_p50_ms", t);
	fig(name, pct(iv, 50), "ms");
	snprintf(name, sizeof(name), "%s_paced", t);
	fig(name, p, "bool");
}

static void test_flip(struct bench *b)
{
	struct samples lat = { 0 }, iv = { 0 };
	double start = now_ms(), prev_ts = 0, t0;
	unsigned int seq0 = 0;
	long n = 0;

	while (time_left(b, start, n)) {
		t0 = now_ms();
		commit(b, !b->front, 0, NULL);
		wait_event(b);
		b->front = !b->front;
		add(&lat, b->event_rx_ms - t0);
		if (n == 0)
			seq0 = b->event_seq;
		else
			add(&iv, b->event_ts_ms - prev_ts);
		prev_ts = b->event_ts_ms;
		n++;
	}
	fig("flip_rate", n * 1000.0 / (now_ms() - start), "flips/s");
	fig("flip_vblanks_per_flip", n > 1 ? (double)(b->event_seq - seq0) / (n - 1) : 0,
	    "vblanks");
	report_events("flip", b, &lat, &iv);
	free(lat.v);
	free(iv.v);
}

/* drmWaitVBlank(RELATIVE, 1) in a loop: the reply's sequence and timestamp per wait. */
static void test_wait(struct bench *b)
{
	struct samples lat = { 0 }, iv = { 0 };
	double start = now_ms(), prev_ts = 0, ts, t0;
	unsigned int seq0 = 0, seq = 0;
	long n = 0;

	while (time_left(b, start, n)) {
		drmVBlank vbl = { 0 };

		vbl.request.type = DRM_VBLANK_RELATIVE |
			((b->out.crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT) &
			 DRM_VBLANK_HIGH_CRTC_MASK);
		vbl.request.sequence = 1;
		t0 = now_ms();
		if (drmWaitVBlank(b->fd, &vbl)) {
			printf("# wait: drmWaitVBlank: %s\n", strerror(errno));
			fig("wait_supported", 0, "bool");
			free(lat.v);
			free(iv.v);
			return;
		}
		add(&lat, now_ms() - t0);
		ts = vbl.reply.tval_sec * 1000.0 + vbl.reply.tval_usec / 1000.0;
		seq = vbl.reply.sequence;
		if (n == 0)
			seq0 = seq;
		else
			add(&iv, ts - prev_ts);
		prev_ts = ts;
		n++;
	}
	fig("wait_supported", 1, "bool");
	fig("wait_rate", n * 1000.0 / (now_ms() - start), "waits/s");
	fig("wait_vblanks_per_wait", n > 1 ? (double)(seq - seq0) / (n - 1) : 0, "vblanks");
	report_events("wait", b, &lat, &iv);
	free(lat.v);
	free(iv.v);
}

static void test_full(struct bench *b)
{
	struct samples lat = { 0 }, iv = { 0 }, wr = { 0 };
	double start = now_ms(), prev_ts = 0, t0, t1;
	struct cpu_mark cpu;
	long n = 0;

	cpu_start(&cpu);
	while (time_left(b, start, n)) {
		t0 = now_ms();
		write_frame(&b->buf[!b->front], n);
		t1 = now_ms();
		commit(b, !b->front, 0, NULL);
		wait_event(b);
		b->front = !b->front;
		add(&wr, t1 - t0);
		add(&lat, b->event_rx_ms - t1);
		if (n)
			add(&iv, b->event_ts_ms - prev_ts);
		prev_ts = b->event_ts_ms;
		n++;
	}
	t0 = now_ms() - start;
	fig("full_fps", n * 1000.0 / t0, "frames/s");
	fig("full_ms_per_frame", t0 / n, "ms");
	fig("full_write_ms", mean(&wr), "ms");
	fig("full_cpu_ms", cpu_ms_per(&cpu, n), "ms");
	fig("full_upload_MBps", n * (double)b->buf[0].pitch * b->buf[0].height / 1e3 / t0,
	    "MB/s");
	report_events("full", b, &lat, &iv);
	free(lat.v);
	free(iv.v);
	free(wr.v);
}

/* Wait for the events of every commit made (the end of a back-to-back run). */
static void drain(struct bench *b)
{
	while (b->pending > 0)
		wait_event(b);
}

static void test_full_b2b(struct bench *b)
{
	double start = now_ms(), t;
	struct cpu_mark cpu;
	long n = 0, busy = 0;

	cpu_start(&cpu);
	while (time_left(b, start, n)) {
		read_events(b, false);
		write_frame(&b->buf[!b->front], n);
		commit(b, !b->front, 0, &busy);
		b->front = !b->front;
		n++;
	}
	drain(b);
	t = now_ms() - start;
	fig("full_b2b_fps", n * 1000.0 / t, "frames/s");
	fig("full_b2b_ms_per_frame", t / n, "ms");
	fig("full_b2b_cpu_ms", cpu_ms_per(&cpu, n), "ms");
	fig("full_b2b_busy_per_frame", (double)busy / n, "EBUSY");
}

static uint32_t damage_blob(struct bench *b, int x, int y)
{
	struct drm_mode_rect r = { x, y, x + REGION, y + REGION };
	uint32_t id;

	if (drmModeCreatePropertyBlob(b->fd, &r, sizeof(r), &id))
		die("damage blob: %s", strerror(errno));
	return id;
}

static void test_damage(struct bench *b, bool b2b)
{
	struct samples lat = { 0 }, iv = { 0 };
	struct kms_dumb *d = &b->buf[b->front];
	double start = now_ms(), prev_ts = 0, t0, t;
	const char *name = b2b ? "damage_b2b" : "damage";
	struct cpu_mark cpu;
	long n = 0, busy = 0;
	char fname[64];
	int x, y;

	snprintf(fname, sizeof(fname), "%s_supported", name);
	fig(fname, b->p_damage != 0, "bool");
	if (!b->p_damage) {
		printf("# %s: the primary plane has no FB_DAMAGE_CLIPS property\n", name);
		return;
	}
	cpu_start(&cpu);
	while (time_left(b, start, n)) {
		uint32_t blob;

		if (b2b)
			read_events(b, false);
		region_at(b, n, &x, &y);
		kms_fill(d, x, y, REGION, REGION, 0x00ff0000u ^ (uint32_t)n * 0x0a0b0cu);
		blob = damage_blob(b, x, y);
		mark_call(b, x, y);
		t0 = now_ms();
		commit(b, b->front, blob, &busy);
		drmModeDestroyPropertyBlob(b->fd, blob);	/* the commit holds a reference */
		if (!b2b) {
			wait_event(b);
			add(&lat, b->event_rx_ms - t0);
			if (n)
				add(&iv, b->event_ts_ms - prev_ts);
			prev_ts = b->event_ts_ms;
		}
		n++;
	}
	drain(b);
	t = now_ms() - start;
	snprintf(fname, sizeof(fname), "%s_ups", name);
	fig(fname, n * 1000.0 / t, "updates/s");
	snprintf(fname, sizeof(fname), "%s_ms_per_update", name);
	fig(fname, t / n, "ms");
	snprintf(fname, sizeof(fname), "%s_cpu_ms", name);
	fig(fname, cpu_ms_per(&cpu, n), "ms");
	if (b2b) {
		snprintf(fname, sizeof(fname), "%s_busy_per_update", name);
		fig(fname, (double)busy / n, "EBUSY");
	} else {
		report_events(name, b, &lat, &iv);
	}
	free(lat.v);
	free(iv.v);
}

/* Blocking damage commits without an event: the call is all the client waits for. */
static void test_damage_sync(struct bench *b)
{
	struct kms_dumb *d = &b->buf[b->front];
	double start = now_ms(), t0, t;
	struct samples call = { 0 };
	struct cpu_mark cpu;
	long n = 0;
	int x, y;

	fig("damage_sync_supported", b->p_damage != 0, "bool");
	if (!b->p_damage) {
		printf("# damage_sync: the primary plane has no FB_DAMAGE_CLIPS property\n");
		return;
	}
	cpu_start(&cpu);
	while (time_left(b, start, n)) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		uint32_t blob;

		region_at(b, n, &x, &y);
		kms_fill(d, x, y, REGION, REGION, 0x000000ffu ^ (uint32_t)n * 0x0b0a0cu);
		blob = damage_blob(b, x, y);
		drmModeAtomicAddProperty(req, b->out.primary_id, b->p_fb, d->fb_id);
		drmModeAtomicAddProperty(req, b->out.primary_id, b->p_crtc, b->out.crtc_id);
		drmModeAtomicAddProperty(req, b->out.primary_id, b->p_damage, blob);
		mark_call(b, x, y);
		t0 = now_ms();
		if (drmModeAtomicCommit(b->fd, req, 0, NULL))
			die("blocking damage commit: %s", strerror(errno));
		add(&call, now_ms() - t0);
		drmModeAtomicFree(req);
		drmModeDestroyPropertyBlob(b->fd, blob);
		n++;
	}
	t = now_ms() - start;
	fig("damage_sync_ups", n * 1000.0 / t, "updates/s");
	fig("damage_sync_cpu_ms", cpu_ms_per(&cpu, n), "ms");
	fig("damage_sync_call_p50_ms", pct(&call, 50), "ms");
	fig("damage_sync_call_p99_ms", pct(&call, 99), "ms");
	free(call.v);
}

static void test_dirtyfb(struct bench *b)
{
	struct kms_dumb *d = &b->buf[b->front];
	struct samples call = { 0 };
	double start = now_ms(), t0, t;
	struct cpu_mark cpu;
	long n = 0;
	int x, y;

	cpu_start(&cpu);
	while (time_left(b, start, n)) {
		drmModeClip clip;
		int ret;

		region_at(b, n, &x, &y);
		kms_fill(d, x, y, REGION, REGION, 0x0000ff00u ^ (uint32_t)n * 0x0c0b0au);
		clip = (drmModeClip){ x, y, x + REGION, y + REGION };
		mark_call(b, x, y);
		t0 = now_ms();
		ret = drmModeDirtyFB(b->fd, d->fb_id, &clip, 1) ? errno : 0;
		if (n == 0)
			fig("dirtyfb_supported", ret != ENOSYS && ret != EOPNOTSUPP, "bool");
		if (ret == ENOSYS || ret == EOPNOTSUPP) {
			printf("# dirtyfb: DRM_IOCTL_MODE_DIRTYFB: %s\n", strerror(ret));
			free(call.v);
			return;
		}
		if (ret)
			die("DIRTYFB: %s", strerror(ret));
		add(&call, now_ms() - t0);
		n++;
	}
	t = now_ms() - start;
	fig("dirtyfb_ups", n * 1000.0 / t, "updates/s");
	fig("dirtyfb_ms_per_update", t / n, "ms");
	fig("dirtyfb_ioctl_ms", mean(&call), "ms");
	fig("dirtyfb_cpu_ms", cpu_ms_per(&cpu, n), "ms");
	fig("dirtyfb_call_p50_ms", pct(&call, 50), "ms");
	fig("dirtyfb_call_p99_ms", pct(&call, 99), "ms");
	free(call.v);
}

#define MAX_HEADS 16

/* One output of the multi test. */
struct head {
	struct bench *b;
	struct kms_output out;
	drmModeModeInfo mode;
	struct kms_dumb buf[2];
	int front;
	bool pending;
	long frames;
	double prev_ts;
	struct samples iv;
};

static void head_handler(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			 unsigned int crtc_id, void *data)
{
	struct head *h = data;
	double ts = sec * 1e3 + usec / 1e3;

	(void)fd;
	(void)seq;
	(void)crtc_id;
	if (h->frames)
		add(&h->iv, ts - h->prev_ts);
	h->prev_ts = ts;
	h->frames++;
	h->pending = false;
	h->b->got_event = true;
}

/* Modeset every head in one commit, each showing its buffer 0. */
static void heads_modeset(struct bench *b, struct head *heads, int n)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blobs[MAX_HEADS];

	for (int i = 0; i < n; i++) {
		struct head *h = &heads[i];
		uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay;
		const char *geo[] = { "SRC_W", "SRC_H", "CRTC_W", "CRTC_H" };
		uint64_t val[] = { (uint64_t)w << 16, (uint64_t)hh << 16, w, hh };

		if (drmModeCreatePropertyBlob(b->fd, &h->mode, sizeof(h->mode), &blobs[i]))
			die("mode blob: %s", strerror(errno));
		drmModeAtomicAddProperty(req, h->out.connector_id,
					 kms_prop(b->fd, h->out.connector_id,
						  DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", NULL),
					 h->out.crtc_id);
		drmModeAtomicAddProperty(req, h->out.crtc_id,
					 kms_prop(b->fd, h->out.crtc_id, DRM_MODE_OBJECT_CRTC,
						  "MODE_ID", NULL), blobs[i]);
		drmModeAtomicAddProperty(req, h->out.crtc_id,
					 kms_prop(b->fd, h->out.crtc_id, DRM_MODE_OBJECT_CRTC,
						  "ACTIVE", NULL), 1);
		drmModeAtomicAddProperty(req, h->out.primary_id, b->p_fb, h->buf[0].fb_id);
		drmModeAtomicAddProperty(req, h->out.primary_id, b->p_crtc, h->out.crtc_id);
		for (size_t g = 0; g < 4; g++)
			drmModeAtomicAddProperty(req, h->out.primary_id,
						 kms_prop(b->fd, h->out.primary_id,
							  DRM_MODE_OBJECT_PLANE, geo[g], NULL),
						 val[g]);
	}
	if (drmModeAtomicCommit(b->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL))
		die("modeset of %d outputs: %s", n, strerror(errno));
	drmModeAtomicFree(req);
	for (int i = 0; i < n; i++)
		drmModeDestroyPropertyBlob(b->fd, blobs[i]);
}

static void head_flip(struct bench *b, struct head *h)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	write_frame(&h->buf[!h->front], h->frames);
	drmModeAtomicAddProperty(req, h->out.primary_id, b->p_fb, h->buf[!h->front].fb_id);
	drmModeAtomicAddProperty(req, h->out.primary_id, b->p_crtc, h->out.crtc_id);
	if (drmModeAtomicCommit(b->fd, req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
				h))
		die("flip on CRTC %u: %s", h->out.crtc_id, strerror(errno));
	drmModeAtomicFree(req);
	h->front = !h->front;
	h->pending = true;
}

static void test_multi(struct bench *b)
{
	drmEventContext ev = { .version = 3, .page_flip_handler2 = head_handler };
	struct kms_output outs[MAX_HEADS];
	struct head heads[MAX_HEADS] = { 0 };
	struct samples iv = { 0 };
	double start, t, fps, fps_min = 1e9, fps_sum = 0;
	struct cpu_mark cpu;
	const char *why;
	long frames = 0;
	int n;

	if (kms_find_outputs(b->fd, outs, MAX_HEADS, &n, true, &why))
		die("multi: %s", why);
	for (int i = 0; i < n; i++) {
		struct head *h = &heads[i];

		h->b = b;
		h->out = outs[i];
		if (!h->out.primary_id)
			die("no primary plane for CRTC %u", h->out.crtc_id);
		if (!kms_find_mode(b->fd, h->out.connector_id, b->mode.hdisplay,
				   b->mode.vdisplay, &h->mode))
			h->mode = b->mode;
		for (int k = 0; k < 2; k++) {
			int ret = kms_dumb_create(b->fd, &h->buf[k], h->mode.hdisplay,
						  h->mode.vdisplay, DRM_FORMAT_XRGB8888);

			if (ret)
				die("dumb buffer: %s", strerror(-ret));
		}
	}
	heads_modeset(b, heads, n);
	fig("multi_outputs", n, "outputs");
	start = now_ms();
	cpu_start(&cpu);
	while (now_ms() - start < b->seconds * 1000) {
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };

		for (int i = 0; i < n; i++)
			if (!heads[i].pending)
				head_flip(b, &heads[i]);
		if (poll(&pfd, 1, EVENT_TIMEOUT_MS) <= 0)
			die("multi: no page-flip event within %d ms", EVENT_TIMEOUT_MS);
		drmHandleEvent(b->fd, &ev);
	}
	for (int i = 0; i < n; i++)
		while (heads[i].pending) {
			struct pollfd pfd = { .fd = b->fd, .events = POLLIN };

			if (poll(&pfd, 1, EVENT_TIMEOUT_MS) <= 0)
				die("multi: no page-flip event within %d ms", EVENT_TIMEOUT_MS);
			drmHandleEvent(b->fd, &ev);
		}
	t = now_ms() - start;
	for (int i = 0; i < n; i++) {
		fps = heads[i].frames * 1000.0 / t;
		fps_sum += fps;
		fps_min = fps < fps_min ? fps : fps_min;
		frames += heads[i].frames;
		for (size_t k = 0; k < heads[i].iv.n; k++)
			add(&iv, heads[i].iv.v[k]);
		free(heads[i].iv.v);
	}
	fig("multi_fps", fps_sum / n, "frames/s");
	fig("multi_fps_min", fps_min, "frames/s");
	fig("multi_cpu_ms", cpu_ms_per(&cpu, frames), "ms");
	fig("multi_interval_p50_ms", pct(&iv, 50), "ms");
	fig("multi_paced", paced(&iv, b->period_ms), "bool");
	free(iv.v);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			kms_dumb_destroy(b->fd, &heads[i].buf[k]);
}

static void test_damage_events(struct bench *b)
{
	test_damage(b, false);
}

static void test_damage_b2b(struct bench *b)
{
	test_damage(b, true);
}

/* Every test, in the order they run (a test's index is its host marker). */
static const struct {
	const char *name;
	void (*run)(struct bench *b);
} tests_all[] = {
	{ "flip", test_flip },
	{ "full", test_full },
	{ "full-b2b", test_full_b2b },
	{ "damage", test_damage_events },
	{ "damage-b2b", test_damage_b2b },
	{ "damage-sync", test_damage_sync },
	{ "dirtyfb", test_dirtyfb },
	{ "wait", test_wait },
	{ "multi", test_multi },
};

static void usage(void)
{
	fprintf(stderr, "usage: kmsbench [-d DEVICE] [-m WxH] [-t SECONDS] [-n MAX] [-r RATE] "
		"[-T flip,full,full-b2b,damage,damage-b2b,damage-sync,dirtyfb,wait,multi] [-H]\n");
	exit(2);
}

static bool wanted(const char *list, const char *t)
{
	size_t len = strlen(t);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, t, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/dri/card0", *tests = "flip,full,full-b2b,damage,damage-b2b,damage-sync,dirtyfb";
	struct bench b = { .seconds = 5 };
	int w = 1920, h = 1080, opt, ret;
	const char *why;
	uint64_t seq, ns;
	bool user_mode;

	while ((opt = getopt(argc, argv, "d:m:t:n:r:T:Hh")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'm': if (sscanf(optarg, "%dx%d", &w, &h) != 2) usage(); break;
		case 't': b.seconds = atof(optarg); break;
		case 'n': b.max_updates = atol(optarg); break;
		case 'r': b.rate = atof(optarg); break;
		case 'T': tests = optarg; break;
		case 'H': b.marks = true; break;
		default: usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (b.marks)
		b.marks = marks_init();
	b.fd = kms_open(dev);
	/* A driver without DRIVER_MODESET refuses KMS client caps with -EOPNOTSUPP. */
	if (drmSetClientCap(b.fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0 || errno != EOPNOTSUPP)
		ret = kms_find_output(b.fd, &b.out, &why);
	else
		ret = KMS_EXIT_NO_KMS, why = "the driver does not do modesetting";
	if (ret == KMS_EXIT_NO_KMS) {
		printf("# no KMS: %s\n", why);
		fig("kms", 0, "bool");
		return KMS_EXIT_NO_KMS;
	}
	if (drmSetClientCap(b.fd, DRM_CLIENT_CAP_ATOMIC, 1))
		die("DRM_CLIENT_CAP_ATOMIC: %s", strerror(errno));
	if (!b.out.primary_id)
		die("no primary plane for CRTC %u", b.out.crtc_id);
	user_mode = !kms_find_mode(b.fd, b.out.connector_id, w, h, &b.mode);
	if (user_mode)
		kms_make_mode(w, h, &b.mode);
	b.period_ms = 1000.0 / kms_mode_refresh(&b.mode);
	for (int i = 0; i < 2; i++) {
		ret = kms_dumb_create(b.fd, &b.buf[i], w, h, DRM_FORMAT_XRGB8888);
		if (ret)
			die("dumb buffer %dx%d: %s", w, h, strerror(-ret));
		write_frame(&b.buf[i], -1 - i);
	}
	modeset(&b);
	printf("# %s, CRTC %u, primary plane %u, mode %s %.2f Hz%s\n", b.out.connector_name,
	       b.out.crtc_id, b.out.primary_id, b.mode.name, kms_mode_refresh(&b.mode),
	       user_mode ? " (user mode)" : "");
	fig("kms", 1, "bool");
	fig("mode_width", w, "px");
	fig("mode_height", h, "px");
	fig("mode_refresh", kms_mode_refresh(&b.mode), "Hz");
	fig("mode_user", user_mode, "bool");
	fig("vblank", drmCrtcGetSequence(b.fd, b.out.crtc_id, &seq, &ns) == 0, "bool");
	fig("damage_clips_prop", b.p_damage != 0, "bool");
	for (unsigned int i = 0; i < sizeof(tests_all) / sizeof(tests_all[0]); i++) {
		if (!wanted(tests, tests_all[i].name))
			continue;
		mark_begin(&b, i, tests_all[i].name);
		tests_all[i].run(&b);
		mark(&b, MARK_END);
	}
	printf("# done\n");
	for (int i = 0; i < 2; i++)
		kms_dumb_destroy(b.fd, &b.buf[i]);
	close(b.fd);
	return 0;
}
