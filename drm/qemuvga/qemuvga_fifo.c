// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SVGA command FIFO ring arithmetic. The host consumes 32-bit words from
 * STOP up to NEXT_CMD, wrapping from MAX back to MIN; one word always stays
 * unused so that NEXT_CMD == STOP means empty, never full.
 */
#include "qemuvga_svga.h"

bool qemuvga_fifo_valid(const struct qemuvga_fifo_ring *r, u32 fifo_size)
{
	if ((r->min | r->max | r->next_cmd | r->stop) & 3)
		return false;
	if (r->min < QEMUVGA_FIFO_NUM_REGS * 4 || r->max > fifo_size ||
	    r->min > r->max || r->max - r->min < QEMUVGA_FIFO_MIN_DATA)
		return false;
	return r->next_cmd >= r->min && r->next_cmd < r->max &&
	       r->stop >= r->min && r->stop < r->max;
}

/* Bytes the guest may append without overtaking the host. */
u32 qemuvga_fifo_free(const struct qemuvga_fifo_ring *r)
{
	u32 span = r->max - r->min;
	u32 used;

	if (r->next_cmd >= r->stop)
		used = r->next_cmd - r->stop;
	else
		used = span - (r->stop - r->next_cmd);
	return span - used - 4;
}

u32 qemuvga_fifo_step(const struct qemuvga_fifo_ring *r, u32 pos)
{
	pos += 4;
	return pos >= r->max ? r->min : pos;
}

/* Encodes SVGA_CMD_UPDATE of one rectangle; returns the word count. */
int qemuvga_svga_encode_update(u32 *words, u32 n, u32 x, u32 y, u32 w, u32 h)
{
	if (n < QEMUVGA_SVGA_UPDATE_WORDS)
		return -ENOSPC;
	if (!w || !h)
		return -EINVAL;
	words[0] = QEMUVGA_SVGA_CMD_UPDATE;
	words[1] = x;
	words[2] = y;
	words[3] = w;
	words[4] = h;
	return QEMUVGA_SVGA_UPDATE_WORDS;
}
