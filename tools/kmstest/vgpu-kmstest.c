// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu-kmstest: put known pixels on one or more heads with atomic KMS and
 * write the image each head should show, so a test can compare it with a
 * screendump taken by QEMU. Commands:
 *
 *   list                    connectors, modes, CRTCs, planes and their formats
 *   show HEAD...            light the heads in one atomic commit, hold them
 *   damage HEAD...          show; then change sub-rectangles and declare them
 *                           with FB_DAMAGE_CLIPS or DIRTYFB (--burst: one
 *                           small tile per call, many calls back to back)
 *   flip HEAD...            show; page-flip between two framebuffers --count
 *                           times (step 1), then --count times more (step 2)
 *   lut HEAD...             show with GAMMA_LUT 0; then set GAMMA_LUT 1 alone
 *   pattern WxH SEED FILE   only write the expected image of a pattern
 *   panic-pattern WxH FILE  the image virtgpu's debugfs panic_test draws
 *   selftest                check the pixel encoders and CVT (no device)
 *
 * Synchronisation with a test script: after each step the expected images
 * are written (--expect) and then the step number (--ready). Between steps
 * the tool waits for SIGUSR1; after the last one it holds the display until
 * SIGTERM or SIGINT. Errors name the failing call and its errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <virtgpu_drm.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "kms.h"
#include "pattern.h"

#define MAX_HEADS	16
#define MAX_RECTS	8
#define SEED_STRIDE	8	/* head i draws with seed + 8 * i */
#define SEED_FLIP	1	/* flip's second framebuffer */
#define SEED_DAMAGE	2	/* what damage draws inside its rectangles */
#define SEED_OUTSIDE	3	/* what damage --outside draws elsewhere */
#define BURST_TILE	48	/* damage --burst: tile size in pixels */
#define LUT_SEED_CHANGE	1	/* the GAMMA_LUT lut switches to */
#define FLIP_TIMEOUT_MS	5000

struct buffer {
	uint32_t handle;
	uint32_t fb_id;
	uint32_t pitch;
	uint32_t offset;	/* offsets[0] of the framebuffer */
	uint64_t size;
	uint8_t *map;
};

struct head {
	/* from the command line */
	const char *conn_arg;
	const char *mode_arg;
	const struct format_info *fmt;
	uint32_t seed;
	/* resolved */
	uint32_t conn_id;
	char conn_name[32];
	uint32_t crtc_id;
	int crtc_index;
	uint32_t plane_id;
	drmModeModeInfo mode;
	uint32_t mode_blob;
	struct buffer buf[2];
	int shown;		/* index of the buffer on screen */
	struct image expect;
	struct rect rects[MAX_RECTS];
	size_t num_rects;
	struct palette pal;	/* what C8 indices show */
	uint32_t lut_seed;
	bool has_lut;		/* GAMMA_LUT set from lut_seed, else 0 */
};

struct options {
	const char *device;
	uint32_t seed;
	uint32_t pad;		/* extra pixels per dumb buffer row */
	uint32_t offset_rows, offset_px;
	const char *expect;
	const char *ready;
	int hold;		/* seconds; < 0: until a signal */
	bool dirtyfb;
	bool outside;
	unsigned int burst;	/* damage: calls of one tile each; 0: one call */
	struct rect rects[MAX_RECTS];
	size_t num_rects;
	unsigned int count;
	bool virtio_resource;
	bool lut;
};

static struct options opt = {
	.device = "/dev/dri/card0",
	.hold = -1,
	.count = 60,
};

static int drm_fd = -1;
static struct head heads[MAX_HEADS];
static int num_heads;
static sigset_t wait_set;

/* "Invalid argument (EINVAL)" for -@err or errno */
static const char *err_str(int err)
{
	static char buf[96];
	const char *name;

	if (err < 0)
		err = -err;
	name = strerrorname_np(err);
	snprintf(buf, sizeof(buf), "%s (%s)", strerror(err), name ? name : "?");
	return buf;
}

/* Seconds, CLOCK_MONOTONIC. */
static double now(void)
{
	return now_ms() / 1e3;
}

/* ---- properties ---------------------------------------------------- */

static uint32_t find_prop(uint32_t obj, uint32_t type, const char *name,
			  uint64_t *value)
{
	return kms_prop(drm_fd, obj, type, name, value);
}

static void add_prop(drmModeAtomicReqPtr req, uint32_t obj, uint32_t type,
		     const char *name, uint64_t value)
{
	uint32_t id = find_prop(obj, type, name, NULL);

	if (!id)
		die("object %u has no property %s", obj, name);
	if (drmModeAtomicAddProperty(req, obj, id, value) < 0)
		die("drmModeAtomicAddProperty %s: %s", name, err_str(errno));
}

static const char *plane_type_name(uint64_t type)
{
	switch (type) {
	case DRM_PLANE_TYPE_PRIMARY:
		return "primary";
	case DRM_PLANE_TYPE_CURSOR:
		return "cursor";
	case DRM_PLANE_TYPE_OVERLAY:
		return "overlay";
	}
	return "?";
}

/* ---- objects ------------------------------------------------------- */

static void connector_name(drmModeConnectorPtr c, char *buf, size_t len)
{
	const char *type = drmModeGetConnectorTypeName(c->connector_type);

	snprintf(buf, len, "%s-%u", type ? type : "Unknown",
		 c->connector_type_id);
}

static const char *conn_status(drmModeConnection s)
{
	return s == DRM_MODE_CONNECTED ? "connected" :
	       s == DRM_MODE_DISCONNECTED ? "disconnected" : "unknown";
}

static void print_mode(const char *indent, int i, const drmModeModeInfo *m)
{
	printf("%smode %d: %ux%u@%u %s clock %u h %u %u %u %u v %u %u %u %u flags 0x%x type 0x%x\n",
	       indent, i, m->hdisplay, m->vdisplay, m->vrefresh,
	       m->type & DRM_MODE_TYPE_PREFERRED ? "preferred" : "-",
	       m->clock, m->hsync_start, m->hsync_end, m->htotal, m->hskew,
	       m->vsync_start, m->vsync_end, m->vtotal, m->vscan, m->flags,
	       m->type);
}

static int cmd_list(void)
{
	drmModeResPtr res = drmModeGetResources(drm_fd);
	drmModePlaneResPtr pres = drmModeGetPlaneResources(drm_fd);
	char name[32], fcc[5];
	uint64_t value;
	int i, j;

	if (!res || !pres)
		die("drmModeGetResources: %s", err_str(errno));
	printf("min %ux%u max %ux%u\n", res->min_width, res->min_height,
	       res->max_width, res->max_height);
	for (i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(drm_fd, res->connectors[i]);

		if (!c)
			continue;
		connector_name(c, name, sizeof(name));
		printf("connector %d: id %u %s %s, %dx%d mm, %d modes, encoders",
		       i, c->connector_id, name, conn_status(c->connection),
		       c->mmWidth, c->mmHeight, c->count_modes);
		for (j = 0; j < c->count_encoders; j++) {
			drmModeEncoderPtr e = drmModeGetEncoder(drm_fd, c->encoders[j]);

			printf(" %u(crtcs 0x%x)", c->encoders[j],
			       e ? e->possible_crtcs : 0);
			drmModeFreeEncoder(e);
		}
		printf("\n");
		for (j = 0; j < c->count_modes; j++)
			print_mode("  ", j, &c->modes[j]);
		drmModeFreeConnector(c);
	}
	for (i = 0; i < res->count_crtcs; i++) {
		drmModeCrtcPtr c = drmModeGetCrtc(drm_fd, res->crtcs[i]);

		if (!c)
			continue;
		find_prop(c->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", &value);
		printf("crtc %d: id %u active %" PRIu64 " fb %u mode %ux%u\n", i,
		       c->crtc_id, value, c->buffer_id,
		       c->mode_valid ? c->mode.hdisplay : 0,
		       c->mode_valid ? c->mode.vdisplay : 0);
		drmModeFreeCrtc(c);
	}
	for (i = 0; i < (int)pres->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(drm_fd, pres->planes[i]);
		bool damage;

		if (!p)
			continue;
		value = 0;
		find_prop(p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &value);
		damage = find_prop(p->plane_id, DRM_MODE_OBJECT_PLANE,
				   "FB_DAMAGE_CLIPS", NULL);
		printf("plane %d: id %u %s crtcs 0x%x fb %u%s formats", i,
		       p->plane_id, plane_type_name(value), p->possible_crtcs,
		       p->fb_id, damage ? " FB_DAMAGE_CLIPS" : "");
		for (j = 0; j < (int)p->count_formats; j++) {
			fourcc_str(p->formats[j], fcc);
			printf(" %s", fcc);
		}
		printf("\n");
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
	drmModeFreeResources(res);
	return 0;
}

static drmModeConnectorPtr get_connector(const char *arg, drmModeResPtr res)
{
	char name[32], *end;
	long idx;
	int i;

	idx = strtol(arg, &end, 10);
	if (*arg && !*end) {
		if (idx < 0 || idx >= res->count_connectors)
			die("connector %s: only %d connectors", arg,
			    res->count_connectors);
		return drmModeGetConnector(drm_fd, res->connectors[idx]);
	}
	for (i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(drm_fd, res->connectors[i]);

		if (!c)
			continue;
		connector_name(c, name, sizeof(name));
		if (!strcasecmp(name, arg))
			return c;
		drmModeFreeConnector(c);
	}
	die("no connector named %s", arg);
}

static void pick_mode(struct head *h, drmModeConnectorPtr c)
{
	unsigned int w, hh, refresh = 0;
	struct timings t;
	const drmModeModeInfo *found = NULL;
	int idx = h - heads;
	char tail;
	int i, n, ret;

	if (!strcmp(h->mode_arg, "preferred")) {
		for (i = 0; i < c->count_modes && !found; i++)
			if (c->modes[i].type & DRM_MODE_TYPE_PREFERRED)
				found = &c->modes[i];
		if (!found && c->count_modes)
			found = &c->modes[0];
		if (!found)
			die("%s has no modes: give WxH", h->conn_name);
		h->mode = *found;
		printf("head %d: %s preferred mode %ux%u@%u\n", idx,
		       h->conn_name, found->hdisplay, found->vdisplay,
		       found->vrefresh);
		return;
	}
	n = sscanf(h->mode_arg, "%ux%u@%u%c", &w, &hh, &refresh, &tail);
	if (n != 2 && n != 3)
		die("bad mode %s: want WxH, WxH@REFRESH or preferred",
		    h->mode_arg);
	if (n == 2) {
		for (i = 0; i < c->count_modes; i++) {
			const drmModeModeInfo *m = &c->modes[i];

			if (m->hdisplay != w || m->vdisplay != hh ||
			    (m->flags & DRM_MODE_FLAG_INTERLACE))
				continue;
			if (!found || (m->type & DRM_MODE_TYPE_PREFERRED))
				found = m;
		}
		if (found) {
			h->mode = *found;
			printf("head %d: %s mode %ux%u@%u from the connector's list\n",
			       idx, h->conn_name, w, hh, found->vrefresh);
			return;
		}
		printf("head %d: %s: %ux%u is not in the connector's list (%d modes): using CVT-RB at 60 Hz\n",
		       idx, h->conn_name, w, hh, c->count_modes);
		refresh = 60;
	}
	ret = cvt_rb_timings(w, hh, refresh, &t);
	if (ret)
		die("cannot make a CVT-RB mode %ux%u@%u", w, hh, refresh);
	memset(&h->mode, 0, sizeof(h->mode));
	h->mode.clock = t.clock;
	h->mode.hdisplay = t.hdisplay;
	h->mode.hsync_start = t.hsync_start;
	h->mode.hsync_end = t.hsync_end;
	h->mode.htotal = t.htotal;
	h->mode.vdisplay = t.vdisplay;
	h->mode.vsync_start = t.vsync_start;
	h->mode.vsync_end = t.vsync_end;
	h->mode.vtotal = t.vtotal;
	h->mode.vrefresh = t.vrefresh;
	h->mode.flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	h->mode.type = DRM_MODE_TYPE_USERDEF;
	snprintf(h->mode.name, sizeof(h->mode.name), "%ux%u", w, hh);
	printf("head %d: %s CVT-RB mode %ux%u@%u, %u kHz, htotal %u, vtotal %u\n",
	       idx, h->conn_name, w, hh, refresh, t.clock, t.htotal, t.vtotal);
}

static uint32_t crtcs_used;

static void resolve_head(struct head *h, drmModeResPtr res,
			 drmModePlaneResPtr pres)
{
	drmModeConnectorPtr c = get_connector(h->conn_arg, res);
	uint32_t possible = 0;
	uint64_t type;
	int i;

	if (!c)
		die("connector %s: %s", h->conn_arg, err_str(errno));
	h->conn_id = c->connector_id;
	connector_name(c, h->conn_name, sizeof(h->conn_name));
	for (i = 0; i < c->count_encoders; i++) {
		drmModeEncoderPtr e = drmModeGetEncoder(drm_fd, c->encoders[i]);

		if (e)
			possible |= e->possible_crtcs;
		drmModeFreeEncoder(e);
	}
	possible &= ~crtcs_used;
	if (!possible)
		die("%s: no free CRTC", h->conn_name);
	h->crtc_index = ffs(possible) - 1;
	if (h->crtc_index >= res->count_crtcs)
		die("%s: CRTC index %d out of range", h->conn_name, h->crtc_index);
	crtcs_used |= 1u << h->crtc_index;
	h->crtc_id = res->crtcs[h->crtc_index];

	for (i = 0; i < (int)pres->count_planes && !h->plane_id; i++) {
		drmModePlanePtr p = drmModeGetPlane(drm_fd, pres->planes[i]);

		if (!p)
			continue;
		type = ~0ull;
		find_prop(p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type);
		if (type == DRM_PLANE_TYPE_PRIMARY &&
		    (p->possible_crtcs & (1u << h->crtc_index)))
			h->plane_id = p->plane_id;
		drmModeFreePlane(p);
	}
	if (!h->plane_id)
		die("%s: no primary plane for CRTC %u", h->conn_name, h->crtc_id);

	pick_mode(h, c);
	drmModeFreeConnector(c);
	if (drmModeCreatePropertyBlob(drm_fd, &h->mode, sizeof(h->mode),
				      &h->mode_blob))
		die("%s: cannot create the mode blob: %s", h->conn_name,
		    err_str(errno));
	printf("head %d: %s (connector %u) crtc %u plane %u %ux%u %s seed %u\n",
	       (int)(h - heads), h->conn_name, h->conn_id, h->crtc_id,
	       h->plane_id, h->mode.hdisplay, h->mode.vdisplay, h->fmt->name,
	       h->seed);
}

/* The plane's format list, for error messages: " (plane 31 lists XR24)". */
static const char *plane_formats_note(const struct head *h)
{
	static char buf[256];
	drmModePlanePtr p = drmModeGetPlane(drm_fd, h->plane_id);
	size_t len;
	uint32_t i;
	bool listed = false;

	if (!p)
		return "";
	len = snprintf(buf, sizeof(buf), " (plane %u lists", h->plane_id);
	for (i = 0; i < p->count_formats && len + 6 < sizeof(buf); i++) {
		fourcc_str(p->formats[i], buf + len + 1);
		buf[len] = ' ';
		len += 5;
		listed |= p->formats[i] == h->fmt->fourcc;
	}
	snprintf(buf + len, sizeof(buf) - len, "%s)",
		 listed ? "" : ", not this format");
	drmModeFreePlane(p);
	return buf;
}

/* ---- buffers and painting ------------------------------------------ */

/*
 * --virtio-resource: not a dumb buffer but a virtio-gpu 2D resource created
 * with the virtio format of the head's DRM format (virtgpu uAPI), so that
 * QEMU scans out that format even when the driver's planes only take XR24.
 * This checks the test pattern and QEMU's screendump, not the KMS driver.
 */
static void create_virtio_resource(struct head *h, struct buffer *b,
				   uint32_t bo_w, uint32_t bo_h)
{
	struct drm_virtgpu_resource_create rc = {
		.target = 2,	/* PIPE_TEXTURE_2D */
		.format = h->fmt->virtio_format,
		.width = bo_w,
		.height = bo_h,
		.depth = 1,
		.array_size = 1,
		.size = bo_w * bo_h * 4,
		.stride = bo_w * 4,
	};
	struct drm_virtgpu_map map = { 0 };

	if (drmIoctl(drm_fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc))
		die("VIRTGPU_RESOURCE_CREATE %s_UNORM %ux%u: %s",
		    h->fmt->virtio_name, bo_w, bo_h, err_str(errno));
	b->handle = rc.bo_handle;
	b->pitch = bo_w * 4;
	b->size = rc.size;
	map.handle = b->handle;
	if (drmIoctl(drm_fd, DRM_IOCTL_VIRTGPU_MAP, &map))
		die("VIRTGPU_MAP: %s", err_str(errno));
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      drm_fd, map.offset);
	if (b->map == MAP_FAILED)
		die("mmap virtio resource: %s", err_str(errno));
	printf("head %d: virtio resource %u %s_UNORM %ux%u\n", (int)(h - heads),
	       rc.res_handle, h->fmt->virtio_name, bo_w, bo_h);
}

/* --virtio-resource: copy the painted buffer to the host resource. */
static void upload_virtio_resource(struct head *h, struct buffer *b)
{
	struct drm_virtgpu_3d_transfer_to_host t = {
		.bo_handle = b->handle,
		.box = { .w = b->pitch / 4, .h = b->size / b->pitch, .d = 1 },
	};

	if (drmIoctl(drm_fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t))
		die("VIRTGPU_TRANSFER_TO_HOST: %s", err_str(errno));
	printf("head %d: uploaded %ux%u\n", (int)(h - heads), t.box.w, t.box.h);
}

static void create_buffer(struct head *h, struct buffer *b)
{
	uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay;
	struct drm_mode_create_dumb create = { 0 };
	struct drm_mode_map_dumb map = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint32_t fourcc = h->fmt->fourcc;
	uint64_t need;
	size_t i;

	create.width = w + opt.pad;
	/* Room for the offset: a few more rows than it spans. */
	create.height = hh + opt.offset_rows + (opt.offset_px ? 1 : 0);
	create.bpp = h->fmt->cpp * 8;
	if (opt.virtio_resource) {
		create_virtio_resource(h, b, create.width, create.height);
		/* The kernel's idea of the format does not reach the host. */
		fourcc = DRM_FORMAT_XRGB8888;
	} else if (drmIoctl(drm_fd, DRM_IOCTL_MODE_CREATE_DUMB, &create)) {
		die("CREATE_DUMB %ux%u: %s", create.width, create.height,
		    err_str(errno));
	} else {
		b->handle = create.handle;
		b->pitch = create.pitch;
		b->size = create.size;
	}
	b->offset = opt.offset_rows * b->pitch + opt.offset_px * h->fmt->cpp;
	need = (uint64_t)b->offset + (uint64_t)(hh - 1) * b->pitch +
	       w * h->fmt->cpp;
	if (need > b->size)
		die("dumb buffer of %" PRIu64 " bytes (pitch %u) is too small for offset %u",
		    b->size, b->pitch, b->offset);

	if (!opt.virtio_resource) {
		map.handle = b->handle;
		if (drmIoctl(drm_fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
			die("MAP_DUMB: %s", err_str(errno));
		b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, drm_fd, map.offset);
		if (b->map == MAP_FAILED)
			die("mmap dumb buffer: %s", err_str(errno));
	}
	/* Junk everywhere the framebuffer does not cover: pitch padding, offset. */
	for (i = 0; i + 4 <= b->size; i += 4)
		memcpy(b->map + i, "\xde\xad\xbe\xef", 4);

	handles[0] = b->handle;
	pitches[0] = b->pitch;
	offsets[0] = b->offset;
	if (drmModeAddFB2(drm_fd, w, hh, fourcc, handles, pitches,
			  offsets, &b->fb_id, 0))
		die("ADDFB2 %s %ux%u pitch %u offset %u: %s%s", h->fmt->name,
		    w, hh, b->pitch, b->offset, err_str(errno),
		    plane_formats_note(h));
	printf("head %d: fb %u %s %ux%u pitch %u offset %u (dumb %ux%u, %" PRIu64 " bytes)\n",
	       (int)(h - heads), b->fb_id, h->fmt->name, w, hh, b->pitch,
	       b->offset, create.width, create.height, b->size);
}

/*
 * Paint @seed's pattern into the pixels of @region: into buffer @b unless it
 * is NULL, and into the expected image if @expect (the screen should show it).
 */
static void paint(struct head *h, struct buffer *b, uint32_t seed,
		  enum region region, bool expect)
{
	uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay, x, y;
	uint32_t x0 = 0, y0 = 0, x1 = w, y1 = hh;
	bool alpha = h->fmt->alpha;
	struct rgb c, shown;
	uint8_t junk[4];
	size_t i;

	if (region == REGION_INSIDE) {	/* only the rectangles' bounding box */
		x0 = w;
		y0 = hh;
		x1 = 0;
		y1 = 0;
		for (i = 0; i < h->num_rects; i++) {
			const struct rect *r = &h->rects[i];

			x0 = r->x < x0 ? r->x : x0;
			y0 = r->y < y0 ? r->y : y0;
			x1 = r->x + r->w > x1 ? r->x + r->w : x1;
			y1 = r->y + r->h > y1 ? r->y + r->h : y1;
		}
	}
	for (y = y0; y < y1; y++) {
		uint8_t *row = b ? b->map + b->offset + (size_t)y * b->pitch : NULL;

		for (x = x0; x < x1; x++) {
			if (region != REGION_ALL &&
			    !region_has(region, h->rects, h->num_rects, x, y))
				continue;
			c = pattern_rgb(x, y, w, hh, seed);
			shown = store_pixel(h->fmt,
					    row ? row + x * h->fmt->cpp : junk, c,
					    pattern_fourth(x, y, seed, alpha),
					    &h->pal);
			if (expect)
				image_set(&h->expect, x, y, shown);
		}
	}
}

/* The palette C8 shows: GAMMA_LUT @seed, or the grey ramp without one. */
static void head_set_lut(struct head *h, bool has_lut, uint32_t seed)
{
	struct lut_entry lut[256];

	h->has_lut = has_lut;
	h->lut_seed = seed;
	if (!has_lut) {
		palette_grey(&h->pal);
		return;
	}
	lut_make(lut, seed);
	palette_from_lut(&h->pal, lut);
}

/*
 * GAMMA_LUT of the head's CRTC: its lut_seed's table, or none. CRTCs
 * without the property (the in-tree driver) are left alone, unless a LUT
 * is wanted.
 */
static void add_lut(drmModeAtomicReqPtr req, const struct head *h)
{
	struct lut_entry lut[256];
	uint32_t blob = 0;

	if (!find_prop(h->crtc_id, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT", NULL) &&
	    !h->has_lut)
		return;
	if (h->has_lut) {
		lut_make(lut, h->lut_seed);
		if (drmModeCreatePropertyBlob(drm_fd, lut, sizeof(lut), &blob))
			die("GAMMA_LUT blob: %s", err_str(errno));
	}
	add_prop(req, h->crtc_id, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT", blob);
	printf("head %d: GAMMA_LUT %s\n", (int)(h - heads),
	       h->has_lut ? (h->lut_seed ? "table 1" : "table 0") : "none");
}

static void setup_heads(int nbuf)
{
	drmModeResPtr res = drmModeGetResources(drm_fd);
	drmModePlaneResPtr pres = drmModeGetPlaneResources(drm_fd);
	double t0 = now();
	int i, j;

	if (!res || !pres)
		die("drmModeGetResources: %s", err_str(errno));
	for (i = 0; i < num_heads; i++) {
		struct head *h = &heads[i];

		resolve_head(h, res, pres);
		head_set_lut(h, opt.lut, 0);
		if (image_alloc(&h->expect, h->mode.hdisplay, h->mode.vdisplay))
			die("out of memory");
		for (j = 0; j < nbuf; j++) {
			create_buffer(h, &h->buf[j]);
			paint(h, &h->buf[j], h->seed + (j ? SEED_FLIP : 0),
			      REGION_ALL, j == 0);
			if (opt.virtio_resource)
				upload_virtio_resource(h, &h->buf[j]);
		}
	}
	printf("setup: %d heads, %d buffers each, painted in %.3f s\n", num_heads,
	       nbuf, now() - t0);
	drmModeFreePlaneResources(pres);
	drmModeFreeResources(res);
}

/* ---- commits and steps --------------------------------------------- */

static void commit_modeset(void)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	double t0 = now();
	int i;

	for (i = 0; i < num_heads; i++) {
		struct head *h = &heads[i];
		uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay;

		add_prop(req, h->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
			 h->crtc_id);
		add_prop(req, h->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID",
			 h->mode_blob);
		add_prop(req, h->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
		add_lut(req, h);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID",
			 h->buf[0].fb_id);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID",
			 h->crtc_id);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W",
			 (uint64_t)w << 16);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H",
			 (uint64_t)hh << 16);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W", w);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H", hh);
		h->shown = 0;
	}
	if (drmModeAtomicCommit(drm_fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				NULL))
		die("atomic modeset commit (%d heads, %s %ux%u): %s%s",
		    num_heads, heads[0].fmt->name, heads[0].mode.hdisplay,
		    heads[0].mode.vdisplay, err_str(errno),
		    plane_formats_note(&heads[0]));
	drmModeAtomicFree(req);
	printf("modeset: %d heads in one commit, %.3f s\n", num_heads,
	       now() - t0);
}

static void write_expect(void)
{
	char path[PATH_MAX];
	int i, ret;

	if (!opt.expect)
		return;
	for (i = 0; i < num_heads; i++) {
		snprintf(path, sizeof(path), "%s-%d.ppm", opt.expect, i);
		ret = image_write_ppm(&heads[i].expect, path);
		if (ret)
			die("cannot write %s: %s", path, err_str(ret));
	}
}

/*
 * Wait for SIGUSR1 (returns true) or SIGTERM/SIGINT/SIGHUP (false), at most
 * --hold seconds if that is positive.
 */
static bool wait_signal(void)
{
	struct timespec ts = { .tv_sec = opt.hold };
	int sig;

	do {
		sig = opt.hold <= 0 ? sigwaitinfo(&wait_set, NULL) :
				      sigtimedwait(&wait_set, NULL, &ts);
	} while (sig < 0 && errno == EINTR);
	if (sig < 0 && errno == EAGAIN)
		die("no signal within %d s: giving up", opt.hold);
	if (sig < 0)
		die("sigwaitinfo: %s", err_str(errno));
	return sig == SIGUSR1;
}

/*
 * Step @step is committed: publish its expected images, then its number.
 * Returns false if the script told us to stop instead of going on.
 */
static bool step_done(int step, bool last)
{
	char tmp[PATH_MAX];
	FILE *f;

	write_expect();
	printf("step %d committed\n", step);
	fflush(stdout);
	if (opt.ready) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", opt.ready);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%d\n", step) < 0 || fclose(f) ||
		    rename(tmp, opt.ready))
			die("cannot write %s: %s", opt.ready, err_str(errno));
	}
	if (last && !opt.hold)
		return false;
	if (!opt.ready && !last) {
		/* By hand: pause so the first image can be seen. */
		sleep(1);
		return true;
	}
	return wait_signal() && !last;
}

static void default_rects(struct head *h)
{
	uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay;
	size_t i;

	if (opt.num_rects) {
		for (i = 0; i < opt.num_rects; i++) {
			const struct rect *r = &opt.rects[i];

			if (!r->w || !r->h || r->x + r->w > w || r->y + r->h > hh)
				die("rectangle %u,%u %ux%u is outside %ux%u",
				    r->x, r->y, r->w, r->h, w, hh);
			h->rects[i] = *r;
		}
		h->num_rects = opt.num_rects;
		return;
	}
	/* Odd positions and sizes, away from the edges and from each other. */
	h->rects[0] = (struct rect){ w / 5 + 1, hh / 4 + 3, w / 3 + 1, hh / 5 + 1 };
	h->rects[1] = (struct rect){ w * 3 / 5 + 3, hh * 3 / 5 + 1, w / 4 - 1, hh / 6 + 3 };
	h->num_rects = opt.outside ? 1 : 2;
}

static void commit_damage(void)
{
	drmModeAtomicReqPtr req;
	drmModeClip clips[MAX_RECTS];
	uint32_t blob;
	size_t j;
	int i;

	if (opt.dirtyfb) {
		for (i = 0; i < num_heads; i++) {
			struct head *h = &heads[i];

			for (j = 0; j < h->num_rects; j++)
				clips[j] = (drmModeClip) {
					h->rects[j].x, h->rects[j].y,
					h->rects[j].x + h->rects[j].w,
					h->rects[j].y + h->rects[j].h };
			if (drmModeDirtyFB(drm_fd, h->buf[0].fb_id, clips,
					   h->num_rects))
				die("DIRTYFB fb %u, %zu clips: %s",
				    h->buf[0].fb_id, h->num_rects,
				    err_str(errno));
		}
		if (!opt.burst)
			printf("damage: DIRTYFB done\n");
		return;
	}
	req = drmModeAtomicAlloc();
	for (i = 0; i < num_heads; i++) {
		struct head *h = &heads[i];
		struct drm_mode_rect r[MAX_RECTS];

		if (!find_prop(h->plane_id, DRM_MODE_OBJECT_PLANE,
			       "FB_DAMAGE_CLIPS", NULL))
			die("plane %u has no FB_DAMAGE_CLIPS property: %s",
			    h->plane_id, err_str(ENOENT));
		for (j = 0; j < h->num_rects; j++)
			r[j] = (struct drm_mode_rect) {
				h->rects[j].x, h->rects[j].y,
				h->rects[j].x + h->rects[j].w,
				h->rects[j].y + h->rects[j].h };
		if (drmModeCreatePropertyBlob(drm_fd, r, h->num_rects * sizeof(r[0]),
					      &blob))
			die("damage clips blob: %s", err_str(errno));
		/* Same framebuffer, same CRTC: only the damage is new. */
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID",
			 h->buf[0].fb_id);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID",
			 h->crtc_id);
		add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE,
			 "FB_DAMAGE_CLIPS", blob);
	}
	if (drmModeAtomicCommit(drm_fd, req, 0, NULL))
		die("atomic damage commit: %s", err_str(errno));
	drmModeAtomicFree(req);
	if (!opt.burst)
		printf("damage: atomic commit with FB_DAMAGE_CLIPS done\n");
}

static int cmd_show(void)
{
	setup_heads(1);
	commit_modeset();
	step_done(1, true);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * damage --burst: --burst calls back to back, each repainting one tile of
 * head 0 with a new seed and declaring only it; the tiles wander over the
 * screen and overlap. The expected image is the last state of every pixel.
 */
static void damage_burst(void)
{
	struct head *h = &heads[0];
	uint32_t w = h->mode.hdisplay, hh = h->mode.vdisplay;
	double *took, t0;
	unsigned int k;

	if (w <= BURST_TILE || hh <= BURST_TILE)
		die("--burst needs a mode larger than %u pixels", BURST_TILE);
	took = calloc(opt.burst, sizeof(*took));
	if (!took)
		die("out of memory");
	h->num_rects = 1;
	for (k = 0; k < opt.burst; k++) {
		h->rects[0] = (struct rect){ k * 97 % (w - BURST_TILE),
					     k * 61 % (hh - BURST_TILE),
					     BURST_TILE, BURST_TILE };
		printf("head 0: burst tile %u,%u %ux%u\n", h->rects[0].x,
		       h->rects[0].y, BURST_TILE, BURST_TILE);
		paint(h, &h->buf[0], h->seed + SEED_DAMAGE + k, REGION_INSIDE,
		      true);
		t0 = now();
		commit_damage();
		took[k] = (now() - t0) * 1e6;
	}
	qsort(took, opt.burst, sizeof(*took), cmp_double);
	printf("burst: %u calls, median %.0f us, max %.0f us\n", opt.burst,
	       took[opt.burst / 2], took[opt.burst - 1]);
	free(took);
}

static int cmd_damage(void)
{
	size_t j;
	int i;

	setup_heads(1);
	for (i = 0; i < num_heads; i++)
		default_rects(&heads[i]);
	commit_modeset();
	if (!step_done(1, false))
		return 0;
	if (opt.burst) {
		damage_burst();
		step_done(2, true);
		return 0;
	}

	for (i = 0; i < num_heads; i++) {
		struct head *h = &heads[i];

		for (j = 0; j < h->num_rects; j++)
			printf("head %d: damage %u,%u %ux%u\n", i,
			       h->rects[j].x, h->rects[j].y, h->rects[j].w,
			       h->rects[j].h);
		if (opt.outside)
			printf("head %d: every pixel outside the damage changed too, undeclared\n",
			       i);
		paint(h, &h->buf[0], h->seed + SEED_DAMAGE, REGION_INSIDE, true);
		/* Undeclared changes must not reach the screen. */
		if (opt.outside)
			paint(h, &h->buf[0], h->seed + SEED_OUTSIDE,
			      REGION_OUTSIDE, false);
	}
	commit_damage();
	step_done(2, true);
	return 0;
}

/* Step 1 as show, with GAMMA_LUT 0; step 2 sets GAMMA_LUT 1, nothing else. */
static int cmd_lut(void)
{
	drmModeAtomicReqPtr req;
	int i;

	opt.lut = true;
	setup_heads(1);
	commit_modeset();
	if (!step_done(1, false))
		return 0;
	req = drmModeAtomicAlloc();
	for (i = 0; i < num_heads; i++) {
		struct head *h = &heads[i];

		head_set_lut(h, true, LUT_SEED_CHANGE);
		paint(h, NULL, h->seed, REGION_ALL, true);
		add_lut(req, h);
	}
	if (drmModeAtomicCommit(drm_fd, req, 0, NULL))
		die("atomic GAMMA_LUT commit: %s", err_str(errno));
	drmModeAtomicFree(req);
	printf("lut: GAMMA_LUT changed, nothing else\n");
	step_done(2, true);
	return 0;
}

static void flip_handler(int fd, unsigned int seq, unsigned int sec,
			 unsigned int usec, unsigned int crtc_id, void *data)
{
	int *pending = data;

	(void)fd;
	(void)seq;
	(void)sec;
	(void)usec;
	(void)crtc_id;
	(*pending)--;
}

static void wait_flip_events(int *pending, unsigned int flip)
{
	drmEventContext ev = {
		.version = 3,
		.page_flip_handler2 = flip_handler,
	};
	struct pollfd pfd = { .fd = drm_fd, .events = POLLIN };
	double deadline = now() + FLIP_TIMEOUT_MS / 1000.0;
	int ret;

	while (*pending > 0) {
		ret = poll(&pfd, 1, (int)((deadline - now()) * 1000));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			die("poll: %s", err_str(errno));
		if (!ret)
			die("flip %u: %d of %d page flip events missing after %d ms",
			    flip, *pending, num_heads, FLIP_TIMEOUT_MS);
		if (drmHandleEvent(drm_fd, &ev))
			die("drmHandleEvent: %s", err_str(errno));
	}
}

/* @count page flips, each waited for; returns the seconds they took. */
static double flip_stream(unsigned int count)
{
	unsigned int n;
	double t0 = now();
	int i, pending;

	for (n = 1; n <= count; n++) {
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();

		for (i = 0; i < num_heads; i++) {
			struct head *h = &heads[i];

			h->shown ^= 1;
			add_prop(req, h->plane_id, DRM_MODE_OBJECT_PLANE,
				 "FB_ID", h->buf[h->shown].fb_id);
		}
		pending = num_heads;
		if (drmModeAtomicCommit(drm_fd, req,
					DRM_MODE_ATOMIC_NONBLOCK |
					DRM_MODE_PAGE_FLIP_EVENT, &pending))
			die("flip %u: atomic commit: %s", n, err_str(errno));
		drmModeAtomicFree(req);
		wait_flip_events(&pending, n);
	}
	return now() - t0;
}

/*
 * Two streams of --count flips, the expected images written after each:
 * with an odd count they end on different buffers, so a driver that sends
 * flip events without changing the scanout cannot match both.
 */
static int cmd_flip(void)
{
	double dt;
	int i, step;

	setup_heads(2);
	commit_modeset();
	for (step = 1; step <= 2; step++) {
		dt = flip_stream(opt.count);
		for (i = 0; i < num_heads; i++) {
			struct head *h = &heads[i];

			paint(h, NULL, h->seed + (h->shown ? SEED_FLIP : 0),
			      REGION_ALL, true);
		}
		printf("flip: step %d: %u flips in %.3f s (%.1f/s), %d heads, last fb %s\n",
		       step, opt.count, dt, dt > 0 ? opt.count / dt : 0.0,
		       num_heads, heads[0].shown ? "B" : "A");
		if (!step_done(step, step == 2))
			break;
	}
	return 0;
}

static int cmd_pattern(int argc, char **argv)
{
	unsigned int w, h, seed, x, y;
	struct image img;
	int ret;

	if (argc != 3 || sscanf(argv[0], "%ux%u", &w, &h) != 2 ||
	    sscanf(argv[1], "%u", &seed) != 1 || !w || !h)
		die("usage: pattern WxH SEED FILE.ppm");
	if (image_alloc(&img, w, h))
		die("out of memory");
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			image_set(&img, x, y, pattern_rgb(x, y, w, h, seed));
	ret = image_write_ppm(&img, argv[2]);
	if (ret)
		die("cannot write %s: %s", argv[2], err_str(ret));
	image_free(&img);
	return 0;
}

/*
 * What dri/N/virtgpu/panic_test draws through drm_panic's hooks: red is
 * x and green y (mod 256), blue 0xff or 0x40 in a 16x16 checkerboard whose
 * top-left square is 0x40.
 */
static int cmd_panic_pattern(int argc, char **argv)
{
	unsigned int w, h, x, y;
	struct image img;
	int ret;

	if (argc != 2 || sscanf(argv[0], "%ux%u", &w, &h) != 2 || !w || !h)
		die("usage: panic-pattern WxH FILE.ppm");
	if (image_alloc(&img, w, h))
		die("out of memory");
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			image_set(&img, x, y, (struct rgb){
				x % 256, y % 256,
				(x / 16 + y / 16) % 2 ? 0xff : 0x40 });
	ret = image_write_ppm(&img, argv[1]);
	if (ret)
		die("cannot write %s: %s", argv[1], err_str(ret));
	image_free(&img);
	return 0;
}

/* ---- command line -------------------------------------------------- */

static void help(FILE *f)
{
	fputs("usage: vgpu-kmstest [-d DEVICE] COMMAND [OPTIONS] [HEAD...]\n"
	      "commands:\n"
	      "  list                   connectors, modes, CRTCs, planes, formats\n"
	      "  show HEAD...           light the heads in one atomic commit and hold\n"
	      "  damage HEAD...         show (step 1), then on SIGUSR1 repaint rectangles\n"
	      "                         and declare only them as damage (step 2)\n"
	      "  flip HEAD...           show, then --count page flips between two fbs,\n"
	      "                         then (step 2) --count more\n"
	      "  lut HEAD...            show with GAMMA_LUT table 0 (step 1), then on\n"
	      "                         SIGUSR1 commit GAMMA_LUT table 1 alone (step 2)\n"
	      "  pattern WxH SEED FILE  write the expected PPM of a pattern (no device)\n"
	      "  panic-pattern WxH FILE the PPM virtgpu's debugfs panic_test draws\n"
	      "  selftest               check encoders, pattern, CVT (no device)\n"
	      "HEAD: CONNECTOR[:MODE[:FORMAT]]\n"
	      "  CONNECTOR  index (0, 1, ...) or name (Virtual-1)\n"
	      "  MODE       preferred (default); WxH from the connector's list (else\n"
	      "             CVT-RB at 60 Hz); WxH@R always CVT reduced blanking\n"
	      "  FORMAT     XR24 (default) AR24 XB24 AB24 BX24 BA24 RX24 RA24 RG16 C8\n"
	      "options:\n"
	      "  -s, --seed N       pattern seed of head 0; head i uses N + 8*i\n"
	      "  -p, --pad PX       dumb buffers PX pixels wider: pitch > width * 4\n"
	      "  -o, --offset R[,C] framebuffer offsets[0] = R * pitch + C * 4\n"
	      "  -e, --expect PFX   after each step write head i's image to PFX-i.ppm\n"
	      "  -r, --ready FILE   then write the step number to FILE; between steps\n"
	      "                     wait for SIGUSR1 (without it: go on after 1 s)\n"
	      "  -H, --hold S       after the last step hold the display until SIGTERM/\n"
	      "                     SIGINT, at most S s (default: no limit; 0: exit)\n"
	      "  --dirtyfb          damage: declare damage with DIRTYFB, not\n"
	      "                     FB_DAMAGE_CLIPS\n"
	      "  --outside          damage: also change every pixel outside the\n"
	      "                     rectangles without declaring it\n"
	      "  --rect X,Y,W,H     damage: a rectangle (repeatable; default two, one\n"
	      "                     with --outside)\n"
	      "  --burst N          damage: N calls back to back, each declaring one\n"
	      "                     48x48 tile it repainted; prints their latency\n"
	      "  -n, --count N      flip: number of flips (default 60)\n"
	      "  --virtio-resource  show: a virtio-gpu 2D resource in the format's virtio\n"
	      "                     twin (virtgpu uAPI) under an XR24 framebuffer, to\n"
	      "                     check QEMU and the pattern, not the KMS driver\n"
	      "  --lut              show, damage, flip: set the CRTC's GAMMA_LUT to\n"
	      "                     table 0 (the C8 palette); without it GAMMA_LUT is\n"
	      "                     cleared where the CRTC has one (grey C8)\n", f);
}

static uint32_t parse_u32(const char *s, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		die("bad %s: %s", what, s);
	return v;
}

static void parse_head(const char *arg)
{
	struct head *h;
	char *s, *mode, *fmt;

	if (num_heads == MAX_HEADS)
		die("at most %d heads", MAX_HEADS);
	h = &heads[num_heads];
	s = strdup(arg);
	if (!s)
		die("out of memory");
	h->conn_arg = strsep(&s, ":");
	mode = strsep(&s, ":");
	fmt = strsep(&s, ":");
	if (s)
		die("bad head %s: want CONNECTOR[:MODE[:FORMAT]]", arg);
	h->mode_arg = mode && *mode ? mode : "preferred";
	h->fmt = format_by_name(fmt && *fmt ? fmt : "XR24");
	if (!h->fmt)
		die("unknown format %s (known: XR24 AR24 XB24 AB24 BX24 BA24 RX24 RA24 RG16 C8)",
		    fmt);
	h->seed = opt.seed + SEED_STRIDE * num_heads;
	num_heads++;
}

enum {
	OPT_DIRTYFB = 256,
	OPT_OUTSIDE,
	OPT_BURST,
	OPT_RECT,
	OPT_VIRTIO_RESOURCE,
	OPT_LUT,
};

static const struct option long_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "seed", required_argument, NULL, 's' },
	{ "pad", required_argument, NULL, 'p' },
	{ "offset", required_argument, NULL, 'o' },
	{ "expect", required_argument, NULL, 'e' },
	{ "ready", required_argument, NULL, 'r' },
	{ "hold", required_argument, NULL, 'H' },
	{ "count", required_argument, NULL, 'n' },
	{ "dirtyfb", no_argument, NULL, OPT_DIRTYFB },
	{ "outside", no_argument, NULL, OPT_OUTSIDE },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "rect", required_argument, NULL, OPT_RECT },
	{ "virtio-resource", no_argument, NULL, OPT_VIRTIO_RESOURCE },
	{ "lut", no_argument, NULL, OPT_LUT },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static void parse_options(int argc, char **argv)
{
	struct rect *r;
	int c;

	while ((c = getopt_long(argc, argv, "+d:s:p:o:e:r:H:n:h", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 's':
			opt.seed = parse_u32(optarg, "seed");
			break;
		case 'p':
			opt.pad = parse_u32(optarg, "pad");
			break;
		case 'o':
			if (sscanf(optarg, "%u,%u", &opt.offset_rows,
				   &opt.offset_px) < 1)
				die("bad offset %s: want ROWS[,PIXELS]", optarg);
			break;
		case 'e':
			opt.expect = optarg;
			break;
		case 'r':
			opt.ready = optarg;
			break;
		case 'H':
			opt.hold = parse_u32(optarg, "hold");
			break;
		case 'n':
			opt.count = parse_u32(optarg, "count");
			break;
		case OPT_DIRTYFB:
			opt.dirtyfb = true;
			break;
		case OPT_OUTSIDE:
			opt.outside = true;
			break;
		case OPT_BURST:
			opt.burst = strtoul(optarg, NULL, 0);
			break;
		case OPT_VIRTIO_RESOURCE:
			opt.virtio_resource = true;
			break;
		case OPT_LUT:
			opt.lut = true;
			break;
		case OPT_RECT:
			if (opt.num_rects == MAX_RECTS)
				die("at most %d rectangles", MAX_RECTS);
			r = &opt.rects[opt.num_rects++];
			if (sscanf(optarg, "%u,%u,%u,%u", &r->x, &r->y, &r->w,
				   &r->h) != 4)
				die("bad rectangle %s: want X,Y,W,H", optarg);
			break;
		case 'h':
			help(stdout);
			exit(0);
		default:
			help(stderr);
			exit(2);
		}
	}
}

static void open_device(void)
{
	drm_fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (drm_fd < 0)
		die("open %s: %s", opt.device, err_str(errno));
	if (drmSetClientCap(drm_fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1))
		die("DRM_CLIENT_CAP_UNIVERSAL_PLANES: %s", err_str(errno));
	if (drmSetClientCap(drm_fd, DRM_CLIENT_CAP_ATOMIC, 1))
		die("DRM_CLIENT_CAP_ATOMIC (no atomic modesetting): %s",
		    err_str(errno));
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Block the control signals: sigwaitinfo() picks them up. */
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGUSR1);
	sigaddset(&wait_set, SIGTERM);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGHUP);
	sigprocmask(SIG_BLOCK, &wait_set, NULL);

	parse_options(argc, argv);
	if (optind >= argc) {
		help(stderr);
		return 2;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "selftest"))
		return pattern_selftest();
	if (!strcmp(cmd, "pattern"))
		return cmd_pattern(argc - optind, argv + optind);
	if (!strcmp(cmd, "panic-pattern"))
		return cmd_panic_pattern(argc - optind, argv + optind);

	/* Options may also follow the command. */
	parse_options(argc, argv);
	for (i = optind; i < argc; i++)
		parse_head(argv[i]);

	open_device();
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!num_heads)
		die("%s: give at least one HEAD", cmd);
	if (opt.virtio_resource && strcmp(cmd, "show"))
		die("--virtio-resource works with show only");
	for (i = 0; i < num_heads && opt.virtio_resource; i++)
		if (!heads[i].fmt->virtio_name)
			die("--virtio-resource: %s has no virtio format",
			    heads[i].fmt->name);
	if (!strcmp(cmd, "show"))
		return cmd_show();
	if (!strcmp(cmd, "damage"))
		return cmd_damage();
	if (!strcmp(cmd, "flip"))
		return cmd_flip();
	if (!strcmp(cmd, "lut"))
		return cmd_lut();
	die("unknown command %s", cmd);
}
