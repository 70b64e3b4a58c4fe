// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mode fit. The scanout always starts at VRAM offset 0 with a pitch of
 * width * 4, so a mode fits when that many lines fit in VRAM and the
 * adapter will not silently change the width we program.
 */
#include "qemuvga_modes.h"

enum qemuvga_fit qemuvga_mode_fit(const struct qemuvga_limits *l, u32 width,
				  u32 height)
{
	if (width < QEMUVGA_MIN_DIM || height < QEMUVGA_MIN_DIM)
		return QEMUVGA_FIT_TOO_SMALL;
	if (width > l->max_width)
		return QEMUVGA_FIT_TOO_WIDE;
	if (height > l->max_height)
		return QEMUVGA_FIT_TOO_HIGH;
	if (l->width_align > 1 && width % l->width_align)
		return QEMUVGA_FIT_WIDTH_ALIGN;
	if ((u64)qemuvga_pitch(width) * height > l->vram_size)
		return QEMUVGA_FIT_VRAM;
	return QEMUVGA_FIT_OK;
}
