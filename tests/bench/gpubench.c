// SPDX-License-Identifier: GPL-2.0
/*
 * gpubench: the 3D uAPI's costs on a virgl device, as "bench NAME VALUE UNIT" lines (the
 * format of kmsbench; tests/bench/run.py --suite 3d tabulates them). Not a test: nothing
 * here passes or fails on a figure.
 *
 *   gpubench [-d /dev/dri/renderD128] [-t SECONDS] [-T exec,wait,create]
 *
 *   exec    EXECBUFFER of a 16-byte command stream (virgl NOPs) with an out-fence, then
 *           poll() on the fence fd until it signals, one at a time: round trips per second
 *           and the submit-to-signal latency (median and 99th percentile).
 *   wait    the same command stream naming a 4 KiB buffer, then VIRTGPU_WAIT on that
 *           buffer (how Mesa's virgl waits for the host): round trips per second.
 *   create  RESOURCE_CREATE of a 4 KiB virgl buffer, then GEM_CLOSE: pairs per second.
 *
 * Exit status: 0 when every benchmark ran, 1 when an ioctl failed, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virgl_client.h"

#define BUFFER_SIZE		4096
#define MAX_SAMPLES		(1 << 20)

static int fail(const char *what, int err)
{
	fprintf(stderr, "gpubench: %s: %s\n", what, strerror(err));
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int bench_exec(int fd, double seconds)
{
	double *lat = malloc(MAX_SAMPLES * sizeof(*lat));
	double start = now_s(), end = start + seconds, t0, t1 = start;
	size_t n = 0;
	int err = 0;

	if (!lat)
		return fail("malloc", ENOMEM);
	while (t1 < end && n < MAX_SAMPLES) {
		struct drm_virtgpu_execbuffer eb = {
			.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT,
			.size = sizeof(virgl_nops), .command = (uintptr_t)virgl_nops,
			.fence_fd = -1,
		};
		struct pollfd pfd = { .events = POLLIN };

		t0 = now_s();
		err = io(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);
		if (err)
			break;
		pfd.fd = eb.fence_fd;
		if (poll(&pfd, 1, 10000) != 1) {
			err = ETIMEDOUT;
			close(eb.fence_fd);
			break;
		}
		t1 = now_s();
		close(eb.fence_fd);
		lat[n++] = (t1 - t0) * 1e6;
	}
	if (err) {
		free(lat);
		return fail("exec: EXECBUFFER with an out-fence", err);
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("bench exec_roundtrips %.0f per_s\n", n / (t1 - start));
	printf("bench exec_fence_latency_median %.0f us\n", lat[n / 2]);
	printf("bench exec_fence_latency_p99 %.0f us\n", lat[n * 99 / 100]);
	free(lat);
	return 0;
}

static int bench_wait(int fd, double seconds)
{
	double start = now_s(), end = start + seconds, t = start;
	uint32_t bo;
	size_t n = 0;
	int err = create_buffer(fd, BUFFER_SIZE, &bo);

	if (err)
		return fail("wait: RESOURCE_CREATE", err);
	while (!err && t < end) {
		struct drm_virtgpu_execbuffer eb = {
			.size = sizeof(virgl_nops), .command = (uintptr_t)virgl_nops,
			.bo_handles = (uintptr_t)&bo, .num_bo_handles = 1,
			.fence_fd = -1,
		};
		struct drm_virtgpu_3d_wait w = { .handle = bo };

		err = io(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);
		if (!err)
			err = io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w);
		t = now_s();
		n++;
	}
	close_bo(fd, bo);
	if (err)
		return fail("wait: EXECBUFFER + WAIT", err);
	printf("bench wait_roundtrips %.0f per_s\n", n / (t - start));
	return 0;
}

static int bench_create(int fd, double seconds)
{
	double start = now_s(), end = start + seconds, t = start;
	size_t n = 0;
	uint32_t bo;
	int err = 0;

	while (!err && t < end) {
		err = create_buffer(fd, BUFFER_SIZE, &bo);
		if (!err)
			err = close_bo(fd, bo);
		t = now_s();
		n++;
	}
	if (err)
		return fail("create: RESOURCE_CREATE + GEM_CLOSE", err);
	printf("bench create_destroy %.0f per_s\n", n / (t - start));
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/dri/renderD128", *tests = "exec,wait,create";
	double seconds = 5;
	int fd, opt, rc = 0;
	char *list, *name, *save;

	while ((opt = getopt(argc, argv, "d:t:T:")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'T':
			tests = optarg;
			break;
		default:
			fprintf(stderr, "usage: gpubench [-d DEV] [-t SECONDS] [-T exec,wait,create]\n");
			return 2;
		}
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(dev, errno);
	list = strdup(tests);
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (!strcmp(name, "exec")) {
			rc |= bench_exec(fd, seconds);
		} else if (!strcmp(name, "wait")) {
			rc |= bench_wait(fd, seconds);
		} else if (!strcmp(name, "create")) {
			rc |= bench_create(fd, seconds);
		} else {
			fprintf(stderr, "gpubench: unknown benchmark %s\n", name);
			rc = 2;
		}
		fflush(stdout);
	}
	free(list);
	close(fd);
	return rc;
}
