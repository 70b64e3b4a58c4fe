// SPDX-License-Identifier: GPL-2.0
/*
 * kmscursor: drive the hardware cursor of the first connected output through the legacy
 * and the atomic uAPI, and print what the device should have been told, for
 * tests/guest/cursor.sh to compare with what QEMU saw.
 *
 *   kmscursor [-d /dev/dri/card0] [-o cursor.bgra]
 *
 * -o saves the 64x64 ARGB8888 cursor image (little-endian B,G,R,A bytes, as scanned out).
 * Output lines:
 *   expect NAME TYPE X Y RES HNAME HOT_X HOT_Y
 *       a cursor command the device should receive, in order: TYPE update|move|any, X Y
 *       its position or "- -" (not checked), RES set|none (a resource or none); HNAME the
 *       check its hotspot HOT_X,HOT_Y belongs to, or "- - -" (hotspot not checked)
 *   skip NAME REASON                       a check that cannot run on this kernel/driver
 *   info TEXT
 * Positions are the plane's CRTC_X/CRTC_Y: where the top-left corner of the cursor image
 * goes on the CRTC. The hotspot is separate, relative to that corner (see cursor.sh).
 * Exit status: 0 done, 1 error, 3 no KMS output.
 */
#include "kms.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>

#define CURSOR 64

static int fd;
static struct kms_output out;

#define ANY INT_MIN	/* expect(): a value not checked */

/* One command the device should get; HNAME names the check of its hotspot (NULL: none). */
static void expect(const char *name, const char *type, int x, int y, bool res,
		   const char *hname, int hx, int hy)
{
	char pos[32], hot[32];

	snprintf(pos, sizeof(pos), x == ANY ? "- -" : "%d %d", x, y);
	snprintf(hot, sizeof(hot), hname ? "%d %d" : "- -", hx, hy);
	printf("expect %s %s %s %s %s %s\n", name, type, pos, res ? "set" : "none",
	       hname ?: "-", hot);
}

static void legacy_move(int x, int y)
{
	if (drmModeMoveCursor(fd, out.crtc_id, x, y))
		die("drmModeMoveCursor(%d, %d): %s", x, y, strerror(errno));
}

/* The cursor image: transparent, with an opaque pattern in the top-left 40x40. */
static void draw_cursor(struct kms_dumb *d)
{
	kms_fill(d, 0, 0, CURSOR, CURSOR, 0);
	for (int y = 0; y < 40; y++) {
		uint32_t *p = (uint32_t *)((char *)d->map + (size_t)y * d->pitch);

		for (int x = 0; x < 40; x++)
			if (x == 0 || y == 0 || x == 39 || y == 39 || ((x + y) & 7) < 3)
				p[x] = 0xff000000u | (uint32_t)(x * 6) << 16 |
				       (uint32_t)(y * 6) << 8 | 0x40u;
	}
}

struct cursor_props {
	uint32_t fb, crtc, sx, sy, sw, sh, cx, cy, cw, ch, hx, hy;
};

static void atomic_cursor(struct cursor_props *p, const struct kms_dumb *d, int x, int y,
			  int hx, int hy, bool set_fb)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	if (set_fb) {
		drmModeAtomicAddProperty(req, out.cursor_id, p->fb, d->fb_id);
		drmModeAtomicAddProperty(req, out.cursor_id, p->crtc, out.crtc_id);
		drmModeAtomicAddProperty(req, out.cursor_id, p->sx, 0);
		drmModeAtomicAddProperty(req, out.cursor_id, p->sy, 0);
		drmModeAtomicAddProperty(req, out.cursor_id, p->sw, (uint64_t)CURSOR << 16);
		drmModeAtomicAddProperty(req, out.cursor_id, p->sh, (uint64_t)CURSOR << 16);
		drmModeAtomicAddProperty(req, out.cursor_id, p->cw, CURSOR);
		drmModeAtomicAddProperty(req, out.cursor_id, p->ch, CURSOR);
	}
	drmModeAtomicAddProperty(req, out.cursor_id, p->cx, (uint64_t)(int64_t)x);
	drmModeAtomicAddProperty(req, out.cursor_id, p->cy, (uint64_t)(int64_t)y);
	if (hx != ANY && p->hx) {
		drmModeAtomicAddProperty(req, out.cursor_id, p->hx, hx);
		drmModeAtomicAddProperty(req, out.cursor_id, p->hy, hy);
	}
	/* Blocking: each command reaches the device before the next step. */
	if (drmModeAtomicCommit(fd, req, 0, NULL))
		die("atomic cursor commit (%d, %d): %s", x, y, strerror(errno));
	drmModeAtomicFree(req);
}

static uint32_t cprop(const char *name)
{
	return kms_prop(fd, out.cursor_id, DRM_MODE_OBJECT_PLANE, name, NULL);
}

static void skip_atomic(bool all, const char *why)
{
	if (all) {
		printf("skip cursor-atomic-update %s\n", why);
		printf("skip cursor-atomic-move %s\n", why);
	}
	printf("skip cursor-atomic-hotspot %s\n", why);
	printf("skip cursor-atomic-hotspot-change %s\n", why);
}

static void atomic_part(struct kms_dumb *cur)
{
	struct cursor_props p;
	bool hotspot_cap;

	if (drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		skip_atomic(true, "the driver has no atomic modesetting");
		return;
	}
	/*
	 * Linux 6.8+: drivers for virtual hardware (DRIVER_CURSOR_HOTSPOT) hide their cursor
	 * plane from atomic clients that do not set this cap; with it the plane gets
	 * HOTSPOT_X/HOTSPOT_Y. Older kernels reject the unknown cap (-EINVAL).
	 */
	hotspot_cap = drmSetClientCap(fd, DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT, 1) == 0;
	printf("info DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT: %s\n",
	       hotspot_cap ? "accepted" : strerror(errno));
	out.cursor_id = 0;
	{
		const char *why;
		struct kms_output o;

		if (kms_find_output(fd, &o, &why) == 0 && o.crtc_id == out.crtc_id)
			out.cursor_id = o.cursor_id;
	}
	if (!out.cursor_id) {
		skip_atomic(true, "no cursor plane visible to atomic clients");
		return;
	}
	p = (struct cursor_props){
		.fb = cprop("FB_ID"), .crtc = cprop("CRTC_ID"),
		.sx = cprop("SRC_X"), .sy = cprop("SRC_Y"),
		.sw = cprop("SRC_W"), .sh = cprop("SRC_H"),
		.cx = cprop("CRTC_X"), .cy = cprop("CRTC_Y"),
		.cw = cprop("CRTC_W"), .ch = cprop("CRTC_H"),
		.hx = cprop("HOTSPOT_X"), .hy = cprop("HOTSPOT_Y"),
	};
	if (!p.fb || !p.crtc || !p.sx || !p.sy || !p.sw || !p.sh || !p.cx || !p.cy || !p.cw ||
	    !p.ch)
		die("cursor plane %u lacks standard plane properties", out.cursor_id);
	if (!p.hx || !p.hy)
		p.hx = p.hy = 0;
	printf("info cursor plane %u, HOTSPOT_X/Y properties: %s\n", out.cursor_id,
	       p.hx ? "yes" : "no");

	/* A new framebuffer on the plane: an update with the image and (if any) hotspot. */
	atomic_cursor(&p, cur, 200, 120, 10, 12, true);
	expect("cursor-atomic-update", "update", 200, 120, true,
	       p.hx ? "cursor-atomic-hotspot" : NULL, 10, 12);
	/* Position only: CRTC_X/CRTC_Y. */
	atomic_cursor(&p, cur, 400, 300, ANY, ANY, false);
	expect("cursor-atomic-move", "any", 400, 300, true, NULL, 0, 0);
	atomic_cursor(&p, cur, 10, 20, ANY, ANY, false);
	expect("cursor-atomic-move", "any", 10, 20, true, NULL, 0, 0);
	if (p.hx) {
		/* Same image and position, new hotspot: must reach the device as an update. */
		atomic_cursor(&p, cur, 10, 20, 30, 40, false);
		expect("cursor-atomic-hotspot-change", "update", 10, 20, true,
		       "cursor-atomic-hotspot-change", 30, 40);
	} else {
		skip_atomic(false, "the cursor plane has no HOTSPOT_X/HOTSPOT_Y properties (Linux "
			    "6.8+ with DRIVER_CURSOR_HOTSPOT)");
	}
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/dri/card0", *save = NULL, *why;
	struct kms_dumb fb, cur;
	drmModeModeInfo mode;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:o:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'o': save = optarg; break;
		default:
			fprintf(stderr, "usage: kmscursor [-d DEVICE] [-o IMAGE]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = kms_open(dev);
	/* A driver without DRIVER_MODESET refuses KMS client caps with -EOPNOTSUPP. */
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) && errno == EOPNOTSUPP) {
		printf("info no KMS: the driver does not do modesetting\n");
		return KMS_EXIT_NO_KMS;
	}
	if (kms_find_output(fd, &out, &why)) {
		printf("info no KMS: %s\n", why);
		return KMS_EXIT_NO_KMS;
	}
	mode = out.preferred;
	ret = kms_dumb_create(fd, &fb, mode.hdisplay, mode.vdisplay, DRM_FORMAT_XRGB8888);
	if (ret)
		die("scanout buffer: %s", strerror(-ret));
	kms_fill(&fb, 0, 0, mode.hdisplay, mode.vdisplay, 0x00303030);
	if (drmModeSetCrtc(fd, out.crtc_id, fb.fb_id, 0, 0, &out.connector_id, 1, &mode))
		die("drmModeSetCrtc %s: %s", mode.name, strerror(errno));
	printf("info %s CRTC %u mode %s\n", out.connector_name, out.crtc_id, mode.name);

	ret = kms_dumb_create(fd, &cur, CURSOR, CURSOR, DRM_FORMAT_ARGB8888);
	if (ret)
		die("cursor buffer: %s", strerror(-ret));
	draw_cursor(&cur);
	if (save) {
		FILE *f = fopen(save, "wb");

		for (int y = 0; f && y < CURSOR; y++)
			fwrite((char *)cur.map + (size_t)y * cur.pitch, 4, CURSOR, f);
		if (!f || fclose(f))
			die("%s: %s", save, strerror(errno));
	}

	/* Legacy uAPI (what X servers and simple clients use). */
	legacy_move(32, 48);	/* no cursor yet: only sets where it will appear */
	if (drmModeSetCursor2(fd, out.crtc_id, cur.handle, CURSOR, CURSOR, 5, 7))
		die("drmModeSetCursor2: %s", strerror(errno));
	expect("cursor-update", "update", 32, 48, true, "cursor-hotspot", 5, 7);
	legacy_move(100, 200);
	expect("cursor-move", "any", 100, 200, true, NULL, 0, 0);
	legacy_move(300, 150);
	expect("cursor-move", "any", 300, 150, true, NULL, 0, 0);
	legacy_move(mode.hdisplay - 40, mode.vdisplay - 30);	/* partly off the right edge */
	expect("cursor-move", "any", mode.hdisplay - 40, mode.vdisplay - 30, true, NULL, 0, 0);
	/* Same image, another hotspot. */
	if (drmModeSetCursor2(fd, out.crtc_id, cur.handle, CURSOR, CURSOR, 20, 3))
		die("drmModeSetCursor2: %s", strerror(errno));
	expect("cursor-update", "update", mode.hdisplay - 40, mode.vdisplay - 30, true,
	       "cursor-hotspot", 20, 3);

	atomic_part(&cur);

	if (drmModeSetCursor(fd, out.crtc_id, 0, 0, 0))
		die("drmModeSetCursor(0): %s", strerror(errno));
	expect("cursor-disable", "update", ANY, ANY, false, NULL, 0, 0);
	printf("info done\n");
	kms_dumb_destroy(fd, &cur);
	kms_dumb_destroy(fd, &fb);
	close(fd);
	return 0;
}
