// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mode limits. A virtual display has no pixel clock of its own, but the
 * clock sets our vblank rate, so it must be sane: userspace that asks for
 * INT_MAX kHz or a refresh that overflows gets the mode rejected, not a
 * timer firing every nanosecond. All arithmetic is 64-bit.
 */
#include "virtgpu_modes.h"

static bool virtgpu_timing_ordered(u32 display, u32 sync_start, u32 sync_end,
				   u32 total)
{
	return display <= sync_start && sync_start <= sync_end &&
	       sync_end <= total;
}

enum virtgpu_mode_verdict virtgpu_mode_check(const struct virtgpu_mode_timing *t)
{
	u64 pixels = (u64)t->htotal * t->vtotal;
	u64 clock_hz = (u64)t->clock_khz * 1000;

	if (!t->clock_khz)
		return VIRTGPU_MODE_CLOCK_LOW;
	if (t->clock_khz > VIRTGPU_MAX_CLOCK_KHZ)
		return VIRTGPU_MODE_CLOCK_HIGH;
	if (t->hdisplay < VIRTGPU_MIN_MODE_DIM || t->hdisplay > VIRTGPU_MAX_MODE_DIM ||
	    !virtgpu_timing_ordered(t->hdisplay, t->hsync_start, t->hsync_end,
				    t->htotal))
		return VIRTGPU_MODE_H_ILLEGAL;
	if (t->vdisplay < VIRTGPU_MIN_MODE_DIM || t->vdisplay > VIRTGPU_MAX_MODE_DIM ||
	    !virtgpu_timing_ordered(t->vdisplay, t->vsync_start, t->vsync_end,
				    t->vtotal))
		return VIRTGPU_MODE_V_ILLEGAL;
	/* refresh = clock / pixels, bounded without dividing. */
	if (clock_hz < pixels * VIRTGPU_MIN_REFRESH_HZ ||
	    clock_hz > pixels * VIRTGPU_MAX_REFRESH_HZ)
		return VIRTGPU_MODE_REFRESH;
	return VIRTGPU_MODE_OK;
}
