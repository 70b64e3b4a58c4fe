/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the 3D test and benchmark clients share (tools/uapitest/virtgpu-clients.c,
 * tests/bench/gpubench.c): ioctls retried on EINTR/EAGAIN, a clock, and virgl
 * buffers with NOP command streams.
 */
#ifndef VIRGL_CLIENT_H
#define VIRGL_CLIENT_H

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>

#include <drm.h>
#include <virtgpu_drm.h>

/* Gallium's PIPE_BUFFER target, virgl's R8_UNORM format and vertex-buffer bind. */
#define VIRGL_TARGET_BUFFER	0
#define VIRGL_FORMAT_R8		64
#define VIRGL_BIND_VERTEX	(1 << 4)

/* Four virgl NOPs (command 0, length 0): the smallest stream the host runs. */
static const uint32_t virgl_nops[4];

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ioctl, again while interrupted; 0 or its errno. */
static inline int io(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? errno : 0;
}

/* A @size-byte virgl buffer resource; 0 or the errno. */
static inline int create_buffer(int fd, uint32_t size, uint32_t *handle)
{
	struct drm_virtgpu_resource_create rc = {
		.target = VIRGL_TARGET_BUFFER, .format = VIRGL_FORMAT_R8,
		.bind = VIRGL_BIND_VERTEX, .width = size, .height = 1,
		.depth = 1, .array_size = 1, .size = size,
	};
	int err = io(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc);

	*handle = rc.bo_handle;
	return err;
}

static inline int close_bo(int fd, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	return io(fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

#endif /* VIRGL_CLIENT_H */
