/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Display mode limits. Pure code (builds in userspace too): the checks a
 * mode must pass to be offered or set.
 */
#ifndef VIRTGPU_MODES_H
#define VIRTGPU_MODES_H

#include "virtgpu_proto.h"

/* The largest framebuffer and mode we accept, as the in-tree driver. */
#define VIRTGPU_MIN_MODE_DIM	32
#define VIRTGPU_MAX_MODE_DIM	8192
/* 8192x8192 at 60 Hz with CVT blanking needs a little over 5 GHz. */
#define VIRTGPU_MAX_CLOCK_KHZ	6000000
#define VIRTGPU_MIN_REFRESH_HZ	1
#define VIRTGPU_MAX_REFRESH_HZ	240

enum virtgpu_mode_verdict {
	VIRTGPU_MODE_OK,
	VIRTGPU_MODE_CLOCK_LOW,
	VIRTGPU_MODE_CLOCK_HIGH,
	VIRTGPU_MODE_H_ILLEGAL,
	VIRTGPU_MODE_V_ILLEGAL,
	VIRTGPU_MODE_REFRESH,
};

struct virtgpu_mode_timing {
	u32 clock_khz;
	u32 hdisplay, hsync_start, hsync_end, htotal;
	u32 vdisplay, vsync_start, vsync_end, vtotal;
};

enum virtgpu_mode_verdict virtgpu_mode_check(const struct virtgpu_mode_timing *t);

#endif /* VIRTGPU_MODES_H */
