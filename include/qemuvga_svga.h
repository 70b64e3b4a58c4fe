/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * VMware SVGA II as QEMU emulates it: register numbers, the command FIFO's
 * ring arithmetic and the one command we send. Pure code (builds in
 * userspace too); the driver does the I/O.
 */
#ifndef QEMUVGA_SVGA_H
#define QEMUVGA_SVGA_H

#include "virtgpu_proto_env.h"

#define QEMUVGA_SVGA_ID_2		0x90000002u

/* Index/value registers behind I/O BAR0 (index at +0, value at +1). */
enum qemuvga_svga_reg {
	QEMUVGA_SVGA_REG_ID = 0,
	QEMUVGA_SVGA_REG_ENABLE = 1,
	QEMUVGA_SVGA_REG_WIDTH = 2,
	QEMUVGA_SVGA_REG_HEIGHT = 3,
	QEMUVGA_SVGA_REG_MAX_WIDTH = 4,
	QEMUVGA_SVGA_REG_MAX_HEIGHT = 5,
	QEMUVGA_SVGA_REG_BITS_PER_PIXEL = 7,
	QEMUVGA_SVGA_REG_BYTES_PER_LINE = 12,
	QEMUVGA_SVGA_REG_FB_OFFSET = 14,
	QEMUVGA_SVGA_REG_VRAM_SIZE = 15,
	QEMUVGA_SVGA_REG_MEM_SIZE = 19,
	QEMUVGA_SVGA_REG_CONFIG_DONE = 20,
	QEMUVGA_SVGA_REG_SYNC = 21,
	QEMUVGA_SVGA_REG_BUSY = 22,
};

/* The FIFO (BAR2) starts with four registers, as byte offsets into it. */
enum qemuvga_fifo_reg {
	QEMUVGA_FIFO_MIN = 0,
	QEMUVGA_FIFO_MAX = 1,
	QEMUVGA_FIFO_NEXT_CMD = 2,
	QEMUVGA_FIFO_STOP = 3,
	QEMUVGA_FIFO_NUM_REGS = 4,
};

/* QEMU ignores a FIFO whose data area is smaller than this. */
#define QEMUVGA_FIFO_MIN_DATA		(10 * 1024)

#define QEMUVGA_SVGA_CMD_UPDATE		1
#define QEMUVGA_SVGA_UPDATE_WORDS	5

struct qemuvga_fifo_ring {
	u32 min;	/* first data byte */
	u32 max;	/* end of the data area */
	u32 next_cmd;	/* where the guest writes next */
	u32 stop;	/* where the host reads next */
};

bool qemuvga_fifo_valid(const struct qemuvga_fifo_ring *r, u32 fifo_size);
u32 qemuvga_fifo_free(const struct qemuvga_fifo_ring *r);
u32 qemuvga_fifo_step(const struct qemuvga_fifo_ring *r, u32 pos);
int qemuvga_svga_encode_update(u32 *words, u32 n, u32 x, u32 y, u32 w, u32 h);

#endif /* QEMUVGA_SVGA_H */
