// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Mode limits and frame period (drm/virtgpu_modes.c). */
#include <limits.h>

#include "test.h"
#include "virtgpu_modes.h"

/* CEA 1920x1080@60 and DMT 1024x768@60, from their specifications. */
static const struct virtgpu_mode_timing m1080 = {
	148500, 1920, 2008, 2052, 2200, 1080, 1084, 1089, 1125
};
static const struct virtgpu_mode_timing m768 = {
	65000, 1024, 1048, 1184, 1344, 768, 771, 777, 806
};

TEST(modes, standard_modes_ok)
{
	CHECK_EQ(virtgpu_mode_check(&m1080), VIRTGPU_MODE_OK);
	CHECK_EQ(virtgpu_mode_check(&m768), VIRTGPU_MODE_OK);
}

TEST(modes, clock_limits)
{
	struct virtgpu_mode_timing t = m1080;

	t.clock_khz = 0;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_CLOCK_LOW);
	/* IGT kms_invalid_mode int-max-clock */
	t.clock_khz = INT_MAX;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_CLOCK_HIGH);
	t.clock_khz = UINT32_MAX;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_CLOCK_HIGH);
	t.clock_khz = VIRTGPU_MAX_CLOCK_KHZ + 1;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_CLOCK_HIGH);
}

TEST(modes, refresh_limits)
{
	struct virtgpu_mode_timing t = m1080;

	/* 1080p at 2.4 kHz: a legal clock, an absurd refresh. */
	t.clock_khz = 148500 * 40;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_REFRESH);
	t = m768;
	t.clock_khz = 65000 * 5;	/* ~300 Hz */
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_REFRESH);
	t.clock_khz = 1;		/* ~0.001 Hz */
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_REFRESH);
	/* Huge totals must not overflow into a plausible refresh. */
	t = m768;
	t.htotal = UINT32_MAX;
	t.vtotal = UINT32_MAX;
	t.hsync_end = t.hsync_start;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_REFRESH);
}

TEST(modes, geometry_limits)
{
	struct virtgpu_mode_timing t = m768;

	t.hdisplay = 31;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_H_ILLEGAL);
	t = m768;
	t.hsync_start = 1000;		/* before the end of the active area */
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_H_ILLEGAL);
	t = m768;
	t.htotal = 1100;		/* before hsync end */
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_H_ILLEGAL);
	t = m768;
	t.vdisplay = 8193;
	t.vsync_start = t.vsync_end = t.vtotal = 8200;
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_V_ILLEGAL);
	t = m768;
	t.vsync_end = 770;		/* before vsync start */
	CHECK_EQ(virtgpu_mode_check(&t), VIRTGPU_MODE_V_ILLEGAL);
}
