// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The simulated vblank virtgpu.ko uses too: one source, one object per module. */
#include "vgpu_vblank.c"
