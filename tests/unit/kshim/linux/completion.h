/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Host test shim: see kshim.h. */
#include "../kshim.h"
