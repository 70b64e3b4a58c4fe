// SPDX-License-Identifier: GPL-2.0
/*
 * virtgpu-clients: the 3D and KMS clients the stress and removal tests run
 * against the driver (tests/guest/stress.sh, tests/guest/unplug.sh).
 *
 *   virtgpu-clients stress [-t SECONDS] [-p PROCS]
 *       PROCS processes (default 4), each with two files on the render node,
 *       creating 3D buffers, writing them through MAP + mmap, transferring,
 *       submitting with out-fences and waiting (poll, WAIT, NOWAIT), sharing
 *       them through PRIME, closing handles and sometimes the whole file with
 *       work in flight. Every 2 s one worker is killed (SIGKILL, mid-call)
 *       and replaced. Exit 0 if no call failed unexpectedly.
 *   virtgpu-clients submit
 *       EXECBUFFER + out-fence + poll until the device goes away; then
 *       "END submit: ..." with the errno that ended it and how many fences
 *       signalled with and without an error. Exit 0 when it ended with
 *       ENODEV and every fence signalled.
 *   virtgpu-clients flip
 *       Becomes DRM master on card0, lights the first connected connector
 *       with two dumb buffers (both mmapped) and page-flips between them,
 *       waiting for each event and declaring 8 small rectangles of the
 *       shown one damaged (DIRTYFB) after each, until a call fails; then
 *       writes to both mappings, waits up to 5 s for a flip still pending,
 *       and prints "END flip: ...". Exit 0 when it ended with ENODEV and no event was
 *       lost.
 *   virtgpu-clients show RRGGBB [-t SECONDS]
 *       A solid colour on the first connected connector, held SECONDS
 *       (default 10) or until killed.
 *
 * Lines starting "ERROR" say what failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sync_file.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "virgl_client.h"

#define RENDER_NODE	"/dev/dri/renderD128"
#define CARD_NODE	"/dev/dri/card0"
#define MAX_WORKERS	16
#define LIVE_BOS	8

static int open_node(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		printf("ERROR open %s: %s\n", path, strerror(errno));
	return fd;
}

/* Waits for a sync_file; returns its status: 1 signalled, < 0 its error. */
static int fence_wait(int fence_fd, int timeout_ms)
{
	struct sync_file_info info = { 0 };
	struct pollfd pfd = { .fd = fence_fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	if (io(fence_fd, SYNC_IOC_FILE_INFO, &info))
		return -EINVAL;
	return info.status;
}

static int submit(int fd, uint32_t *bos, uint32_t n, int *fence_fd)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = fence_fd ? VIRTGPU_EXECBUF_FENCE_FD_OUT : 0,
		.size = sizeof(virgl_nops), .command = (uintptr_t)virgl_nops,
		.bo_handles = (uintptr_t)bos, .num_bo_handles = n,
		.fence_fd = -1,
	};
	int err = io(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);

	if (fence_fd)
		*fence_fd = err ? -1 : eb.fence_fd;
	return err;
}

/* ---- stress ---------------------------------------------------------- */

#define CHECK(call, what)						\
	do {								\
		int _e = (call);					\
		if (_e) {						\
			printf("ERROR worker %d: %s: %s\n", id, what,	\
			       strerror(_e));				\
			return 1;					\
		}							\
	} while (0)

/* Mappings kept past their handle's close, even their file's. */
struct maps {
	void *p[64];
	size_t size[64];
	unsigned int n;
};

static void maps_drop(struct maps *m)
{
	while (m->n) {
		m->n--;
		munmap(m->p[m->n], m->size[m->n]);
	}
}

/* One round on @fd: a new buffer, written, transferred, used, shared. */
static int stress_round(int id, int fd, int fd2, uint32_t *live, unsigned int *n,
			struct maps *m)
{
	struct drm_virtgpu_map map = { 0 };
	struct drm_virtgpu_3d_transfer_to_host t = { 0 };
	struct drm_virtgpu_3d_wait w = { 0 };
	uint32_t size = 4096u << (rand() % 6), bo, imported;
	int fence_fd, prime, status;
	void *p;

	CHECK(create_buffer(fd, size, &bo), "RESOURCE_CREATE");
	map.handle = bo;
	CHECK(io(fd, DRM_IOCTL_VIRTGPU_MAP, &map), "MAP");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	if (p == MAP_FAILED) {
		printf("ERROR worker %d: mmap: %s\n", id, strerror(errno));
		return 1;
	}
	memset(p, id, size);
	t.bo_handle = bo;
	t.box.w = size;
	t.box.h = 1;
	t.box.d = 1;
	CHECK(io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t), "TRANSFER_TO_HOST");
	live[*n % LIVE_BOS] = bo;
	CHECK(submit(fd, live, *n < LIVE_BOS ? *n + 1 : LIVE_BOS, &fence_fd),
	      "EXECBUFFER");
	switch (rand() % 3) {
	case 0:
		status = fence_wait(fence_fd, 10000);
		if (status != 1) {
			printf("ERROR worker %d: out-fence status %d\n", id, status);
			return 1;
		}
		break;
	case 1:
		w.handle = bo;
		CHECK(io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), "WAIT");
		break;
	default:	/* leave it in flight; NOWAIT may say busy */
		w.handle = bo;
		w.flags = VIRTGPU_WAIT_NOWAIT;
		status = io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w);
		if (status && status != EBUSY)
			CHECK(status, "WAIT NOWAIT");
	}
	close(fence_fd);
	CHECK(drmPrimeHandleToFD(fd, bo, DRM_CLOEXEC, &prime) ? errno : 0,
	      "PRIME export");
	CHECK(drmPrimeFDToHandle(fd2, prime, &imported) ? errno : 0, "PRIME import");
	close(prime);
	CHECK(submit(fd2, &imported, 1, NULL), "EXECBUFFER on the importer");
	close_bo(fd2, imported);
	if (rand() % 2 || m->n == 64) {
		munmap(p, size);
	} else {
		m->p[m->n] = p;
		m->size[m->n++] = size;
	}
	(*n)++;
	if (*n >= LIVE_BOS)
		close_bo(fd, live[*n % LIVE_BOS]);
	return 0;
}

static int stress_worker(int id, double end)
{
	uint32_t live[LIVE_BOS];
	struct maps m = { .n = 0 };
	unsigned int n = 0;
	int fd, fd2, ret = 0;

	srand(getpid());
	while (!ret && now_s() < end) {
		fd = open_node(RENDER_NODE);
		fd2 = open_node(RENDER_NODE);
		if (fd < 0 || fd2 < 0)
			return 1;
		n = 0;
		/* Some dozen rounds, then close with whatever is in flight. */
		for (int i = rand() % 40; !ret && i >= 0 && now_s() < end; i--)
			ret = stress_round(id, fd, fd2, live, &n, &m);
		close(fd);
		close(fd2);
		maps_drop(&m);
	}
	return ret;
}

static pid_t spawn(int id, double end)
{
	pid_t pid = fork();

	if (pid == 0) {
		fflush(stdout);
		_exit(stress_worker(id, end));
	}
	return pid;
}

static int cmd_stress(double seconds, int procs)
{
	pid_t pids[MAX_WORKERS];
	double end = now_s() + seconds, next_kill = now_s() + 2;
	int status, failed = 0, killed = 0, i;
	pid_t pid;

	for (i = 0; i < procs; i++)
		pids[i] = spawn(i, end);
	while (now_s() < end) {
		usleep(100000);
		if (now_s() < next_kill)
			continue;
		next_kill += 2;
		i = rand() % procs;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		killed++;
		pids[i] = spawn(i, end);
	}
	for (i = 0; i < procs; i++) {
		pid = waitpid(pids[i], &status, 0);
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("ERROR worker %d: %s %d\n", i,
			       WIFSIGNALED(status) ? "signal" : "exit status",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			failed++;
		}
	}
	printf("END stress: %d workers for %.0f s, %d killed and replaced, %d failed\n",
	       procs, seconds, killed, failed);
	return failed ? 1 : 0;
}

/* ---- submit ---------------------------------------------------------- */

static int cmd_submit(void)
{
	unsigned long ok = 0, errors = 0, pending = 0;
	int fd = open_node(RENDER_NODE), fence_fd, status, err;
	uint32_t bo;

	if (fd < 0)
		return 1;
	err = create_buffer(fd, 65536, &bo);
	printf("READY submit\n");
	fflush(stdout);
	while (!err) {
		err = submit(fd, &bo, 1, &fence_fd);
		if (err)
			break;
		/* A host that never answers must not hold us beyond 20 s. */
		status = fence_wait(fence_fd, 20000);
		close(fence_fd);
		if (status == 1)
			ok++;
		else if (status < 0)
			errors++;
		else
			pending++;
		if (status != 1)
			break;
	}
	/* After removal every call must say so. */
	if (!err) {
		err = submit(fd, &bo, 1, NULL);
		if (err == 0)
			err = -1;
	}
	printf("END submit: ended with %s; fences: %lu signalled, %lu with an error, %lu never\n",
	       err > 0 ? strerror(err) : "no error", ok, errors, pending);
	close(fd);
	return err == ENODEV && !pending ? 0 : 1;
}

/* ---- KMS ------------------------------------------------------------- */

struct kms_buf {
	uint32_t handle, fb, pitch;
	uint64_t size;
	uint32_t *map;
};

struct kms {
	int fd;
	uint32_t crtc, conn;
	drmModeModeInfo mode;
	struct kms_buf buf[2];
};

static int kms_buf_create(struct kms *k, struct kms_buf *b, uint32_t rgb)
{
	struct drm_mode_create_dumb cd = {
		.width = k->mode.hdisplay, .height = k->mode.vdisplay, .bpp = 32,
	};
	struct drm_mode_map_dumb md = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	if (io(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return errno;
	b->handle = cd.handle;
	b->pitch = cd.pitch;
	b->size = cd.size;
	md.handle = cd.handle;
	if (io(k->fd, DRM_IOCTL_MODE_MAP_DUMB, &md))
		return errno;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, md.offset);
	if (b->map == MAP_FAILED)
		return errno;
	for (uint64_t i = 0; i < b->size / 4; i++)
		b->map[i] = rgb;
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	if (drmModeAddFB2(k->fd, cd.width, cd.height, 0x34325258 /* XR24 */,
			  handles, pitches, offsets, &b->fb, 0))
		return errno;
	return 0;
}

static int kms_open(struct kms *k, uint32_t rgb0, uint32_t rgb1)
{
	drmModeRes *res;
	drmModeConnector *c = NULL;
	int i, err;

	memset(k, 0, sizeof(*k));
	k->fd = open_node(CARD_NODE);
	if (k->fd < 0)
		return 1;
	if (drmSetMaster(k->fd))
		printf("note: not DRM master: %s\n", strerror(errno));
	res = drmModeGetResources(k->fd);
	if (!res || !res->count_crtcs) {
		printf("ERROR no KMS resources\n");
		return 1;
	}
	for (i = 0; i < res->count_connectors; i++) {
		c = drmModeGetConnector(k->fd, res->connectors[i]);
		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes)
			break;
		drmModeFreeConnector(c);
		c = NULL;
	}
	if (!c) {
		printf("ERROR no connected connector\n");
		return 1;
	}
	k->conn = c->connector_id;
	k->mode = c->modes[0];
	k->crtc = res->crtcs[0];
	drmModeFreeConnector(c);
	drmModeFreeResources(res);
	err = kms_buf_create(k, &k->buf[0], rgb0);
	if (!err)
		err = kms_buf_create(k, &k->buf[1], rgb1);
	if (!err && drmModeSetCrtc(k->fd, k->crtc, k->buf[0].fb, 0, 0, &k->conn, 1,
				   &k->mode))
		err = errno;
	if (err) {
		printf("ERROR lighting the display: %s\n", strerror(err));
		return 1;
	}
	return 0;
}

static bool flip_event_seen;

static void on_flip(int fd, unsigned int seq, unsigned int s, unsigned int us,
		    void *data)
{
	(void)fd; (void)seq; (void)s; (void)us; (void)data;
	flip_event_seen = true;
}

/* Waits up to @ms for the flip event; true when it came. */
static bool flip_wait(int fd, int ms)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double end = now_s() + ms / 1e3;

	flip_event_seen = false;
	while (!flip_event_seen && now_s() < end) {
		if (poll(&pfd, 1, 100) == 1 && drmHandleEvent(fd, &ev))
			break;
	}
	return flip_event_seen;
}

static int cmd_flip(void)
{
	unsigned long flips = 0, dirty = 0;
	struct kms k;
	bool pending = false, lost = false;
	int err = 0;

	if (kms_open(&k, 0x00204080, 0x00e08020))
		return 1;
	printf("READY flip\n");
	fflush(stdout);
	while (!err) {
		if (drmModePageFlip(k.fd, k.crtc, k.buf[(flips + 1) % 2].fb,
				    DRM_MODE_PAGE_FLIP_EVENT, NULL)) {
			err = errno;
			break;
		}
		pending = true;
		if (!flip_wait(k.fd, 5000)) {
			lost = true;
			break;
		}
		pending = false;
		flips++;
		/* Damage of the shown buffer: the damage queue is busy at removal too. */
		for (int d = 0; d < 8 && !err; d++) {
			drmModeClip clip = { d * 16, 0, d * 16 + 16, 16 };

			if (drmModeDirtyFB(k.fd, k.buf[flips % 2].fb, &clip, 1))
				err = errno;
			else
				dirty++;
		}
	}
	/* The mappings stay usable after removal: the pages are ours. */
	for (int i = 0; i < 2; i++)
		memset(k.buf[i].map, 0x5a, k.buf[i].size);
	if (pending && !lost)
		lost = !flip_wait(k.fd, 5000);
	printf("END flip: %lu flips, %lu DIRTYFB, ended with %s%s\n", flips, dirty,
	       err ? strerror(err) : "a lost event", lost ? ", an event lost" : "");
	close(k.fd);
	return err == ENODEV && !lost ? 0 : 1;
}

static int cmd_show(const char *rgb, double seconds)
{
	struct kms k;
	uint32_t c = strtoul(rgb, NULL, 16);

	if (kms_open(&k, c, c))
		return 1;
	printf("READY show %06x\n", c);
	fflush(stdout);
	usleep(seconds * 1e6);
	close(k.fd);
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = -1;
	int procs = 4, opt;
	const char *cmd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "t:p:")) != -1) {
		switch (opt) {
		case 't':
			seconds = atof(optarg);
			break;
		case 'p':
			procs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (!strcmp(cmd, "stress") && procs >= 1 && procs <= MAX_WORKERS)
		return cmd_stress(seconds < 0 ? 60 : seconds, procs);
	if (!strcmp(cmd, "submit"))
		return cmd_submit();
	if (!strcmp(cmd, "flip"))
		return cmd_flip();
	if (!strcmp(cmd, "show") && optind < argc)
		return cmd_show(argv[optind], seconds < 0 ? 10 : seconds);
usage:
	fprintf(stderr, "usage: virtgpu-clients stress [-t S] [-p N] | submit | flip | show RRGGBB [-t S]\n");
	return 2;
}
