// SPDX-License-Identifier: GPL-2.0 OR MIT
/* qemuvga's pure code: mode fit and the SVGA FIFO ring. */
#include "test.h"
#include "qemuvga_modes.h"
#include "qemuvga_svga.h"

/* QEMU's std VGA default: 16 MiB VBE memory, XRES rounded to 8. */
static const struct qemuvga_limits stdvga = {
	.vram_size = 16 << 20, .max_width = 8192, .max_height = 8192,
	.width_align = 8,
};

TEST(qemuvga, mode_fit)
{
	struct qemuvga_limits anyw = stdvga;

	CHECK_EQ(qemuvga_mode_fit(&stdvga, 1024, 768), QEMUVGA_FIT_OK);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 1920, 1080), QEMUVGA_FIT_OK);
	/* 2048 * 2048 * 4 is exactly 16 MiB; one more line is not. */
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 2048, 2048), QEMUVGA_FIT_OK);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 2048, 2049), QEMUVGA_FIT_VRAM);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 1366, 768), QEMUVGA_FIT_WIDTH_ALIGN);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 63, 480), QEMUVGA_FIT_TOO_SMALL);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 640, 63), QEMUVGA_FIT_TOO_SMALL);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 8200, 64), QEMUVGA_FIT_TOO_WIDE);
	CHECK_EQ(qemuvga_mode_fit(&stdvga, 64, 8200), QEMUVGA_FIT_TOO_HIGH);
	/* bochs-display stores XRES as written. */
	anyw.width_align = 1;
	CHECK_EQ(qemuvga_mode_fit(&anyw, 1366, 768), QEMUVGA_FIT_OK);
	/* No 32-bit overflow of pitch * height. */
	anyw.max_width = UINT32_MAX / 4;
	anyw.max_height = UINT32_MAX;
	CHECK_EQ(qemuvga_mode_fit(&anyw, 65536, 65536), QEMUVGA_FIT_VRAM);
	CHECK_EQ(qemuvga_pitch(1024), 4096);
}

static struct qemuvga_fifo_ring ring(u32 next, u32 stop)
{
	struct qemuvga_fifo_ring r = { 16, 65536, next, stop };

	return r;
}

TEST(qemuvga, fifo_valid)
{
	struct qemuvga_fifo_ring r = ring(16, 16);

	CHECK(qemuvga_fifo_valid(&r, 65536));
	CHECK(!qemuvga_fifo_valid(&r, 32768));		/* max beyond the BAR */
	r.next_cmd = 18;
	CHECK(!qemuvga_fifo_valid(&r, 65536));		/* unaligned */
	r = ring(65536, 16);
	CHECK(!qemuvga_fifo_valid(&r, 65536));		/* next at max */
	r = ring(16, 12);
	CHECK(!qemuvga_fifo_valid(&r, 65536));		/* stop below min */
	r = ring(16, 16);
	r.min = 8;
	CHECK(!qemuvga_fifo_valid(&r, 65536));		/* overlaps the registers */
	r = ring(16, 16);
	r.max = 16 + 10 * 1024 - 4;
	CHECK(!qemuvga_fifo_valid(&r, 65536));		/* QEMU ignores it */
}

TEST(qemuvga, fifo_free_and_wrap)
{
	struct qemuvga_fifo_ring r = ring(16, 16);
	u32 span = 65536 - 16;

	/* Empty: all but the one word that tells full from empty. */
	CHECK_EQ(qemuvga_fifo_free(&r), span - 4);
	r = ring(116, 16);
	CHECK_EQ(qemuvga_fifo_free(&r), span - 100 - 4);
	/* The writer has wrapped and is 4 bytes behind the reader: full. */
	r = ring(1000, 1004);
	CHECK_EQ(qemuvga_fifo_free(&r), 0);
	r = ring(65532, 16);
	CHECK_EQ(qemuvga_fifo_free(&r), 0);
	CHECK_EQ(qemuvga_fifo_step(&r, 65532), 16);
	CHECK_EQ(qemuvga_fifo_step(&r, 16), 20);
}

/* Writes words the way the driver does and reads them back as QEMU does. */
TEST(qemuvga, fifo_roundtrip_across_wrap)
{
	static u32 fifo[65536 / 4];
	struct qemuvga_fifo_ring r = ring(65536 - 8, 65536 - 8);
	u32 words[QEMUVGA_SVGA_UPDATE_WORDS];
	u32 pos, got[QEMUVGA_SVGA_UPDATE_WORDS];
	int n, i;

	n = qemuvga_svga_encode_update(words, 5, 10, 20, 300, 400);
	CHECK_EQ(n, 5);
	CHECK(qemuvga_fifo_free(&r) >= (u32)n * 4);
	for (i = 0; i < n; i++) {
		fifo[r.next_cmd / 4] = words[i];
		r.next_cmd = qemuvga_fifo_step(&r, r.next_cmd);
	}
	CHECK_EQ(r.next_cmd, 16 + 12);
	for (i = 0, pos = r.stop; pos != r.next_cmd; i++) {
		got[i] = fifo[pos / 4];
		pos += 4;
		if (pos >= r.max)
			pos = r.min;
	}
	CHECK_EQ(i, 5);
	CHECK_EQ(got[0], QEMUVGA_SVGA_CMD_UPDATE);
	CHECK_EQ(got[1], 10);
	CHECK_EQ(got[2], 20);
	CHECK_EQ(got[3], 300);
	CHECK_EQ(got[4], 400);
	CHECK_EQ(qemuvga_svga_encode_update(words, 4, 0, 0, 1, 1), -ENOSPC);
	CHECK_EQ(qemuvga_svga_encode_update(words, 5, 0, 0, 0, 1), -EINVAL);
}
