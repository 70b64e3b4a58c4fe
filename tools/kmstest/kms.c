// SPDX-License-Identifier: GPL-2.0
/* Shared libdrm helpers for the guest-side KMS tools; see kms.h. */
#define _GNU_SOURCE	/* program_invocation_short_name */
#include "kms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int kms_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

uint32_t kms_prop(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	if (!props)
		return 0;
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (!p)
			continue;
		if (!strcmp(p->name, name)) {
			id = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static void find_planes(int fd, struct kms_output *out)
{
	drmModePlaneRes *pr = drmModeGetPlaneResources(fd);

	if (!pr)
		return;
	for (uint32_t i = 0; i < pr->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(fd, pr->planes[i]);
		uint64_t type;

		if (!p)
			continue;
		if ((p->possible_crtcs & (1u << out->crtc_index)) &&
		    kms_prop(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type)) {
			if (type == DRM_PLANE_TYPE_PRIMARY && !out->primary_id)
				out->primary_id = p->plane_id;
			if (type == DRM_PLANE_TYPE_CURSOR && !out->cursor_id)
				out->cursor_id = p->plane_id;
		}
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pr);
}

int kms_find_outputs(int fd, struct kms_output *outs, int max, int *count, bool all,
		     const char **why)
{
	drmModeRes *res = drmModeGetResources(fd);
	uint32_t used = 0;
	int n = 0;

	*count = 0;
	if (!res) {
		*why = "no KMS resources (DRM_IOCTL_MODE_GETRESOURCES failed)";
		return KMS_EXIT_NO_KMS;
	}
	*why = res->count_crtcs == 0 ? "the device exposes no CRTC" :
	       res->count_connectors == 0 ? "the device exposes no connector" :
	       "no connected connector with a usable CRTC";
	for (int i = 0; i < res->count_connectors && n < max; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
		struct kms_output *out = &outs[n];
		bool found = false;

		if (!c)
			continue;
		memset(out, 0, sizeof(*out));
		for (int e = 0; (all || c->connection == DRM_MODE_CONNECTED) && e < c->count_encoders &&
		     !found; e++) {
			drmModeEncoder *enc = drmModeGetEncoder(fd, c->encoders[e]);

			for (int k = 0; enc && k < res->count_crtcs && k < 32; k++) {
				if (!(enc->possible_crtcs & (1u << k)) || (used & (1u << k)))
					continue;
				used |= 1u << k;
				out->connector_id = c->connector_id;
				out->crtc_id = res->crtcs[k];
				out->crtc_index = k;
				snprintf(out->connector_name, sizeof(out->connector_name), "%s-%u",
					 drmModeGetConnectorTypeName(c->connector_type) ?: "?",
					 c->connector_type_id);
				found = true;
				break;
			}
			drmModeFreeEncoder(enc);
		}
		for (int m = 0; found && m < c->count_modes; m++) {
			if (m == 0 || (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)) {
				out->preferred = c->modes[m];
				if (m)
					break;
			}
		}
		if (found && c->count_modes == 0 && !all) {
			*why = "the connected connector has no modes";
			found = false;
		}
		drmModeFreeConnector(c);
		if (found) {
			find_planes(fd, out);
			n++;
		}
	}
	drmModeFreeResources(res);
	*count = n;
	return n ? 0 : KMS_EXIT_NO_KMS;
}

int kms_find_output(int fd, struct kms_output *out, const char **why)
{
	int n;

	return kms_find_outputs(fd, out, 1, &n, false, why);
}

double kms_mode_refresh(const drmModeModeInfo *m)
{
	if (!m->htotal || !m->vtotal)
		return 0;
	return m->clock * 1000.0 / ((double)m->htotal * m->vtotal);
}

bool kms_find_mode(int fd, uint32_t connector_id, int w, int h, drmModeModeInfo *mode)
{
	drmModeConnector *c = drmModeGetConnector(fd, connector_id);
	bool found = false;
	double best = 1e9;

	if (!c)
		return false;
	for (int i = 0; i < c->count_modes; i++) {
		double d = kms_mode_refresh(&c->modes[i]) - 60.0;

		if (c->modes[i].hdisplay != w || c->modes[i].vdisplay != h)
			continue;
		if (d < 0)
			d = -d;
		if (d < best) {
			best = d;
			*mode = c->modes[i];
			found = true;
		}
	}
	drmModeFreeConnector(c);
	return found;
}

void kms_make_mode(int w, int h, drmModeModeInfo *m)
{
	memset(m, 0, sizeof(*m));
	m->hdisplay = w;
	m->vdisplay = h;
	if (w == 1920 && h == 1080) {	/* CEA-861 VIC 16, 1080p60 */
		m->hsync_start = 2008;
		m->hsync_end = 2052;
		m->htotal = 2200;
		m->vsync_start = 1084;
		m->vsync_end = 1089;
		m->vtotal = 1125;
		m->clock = 148500;
		m->flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_PVSYNC;
	} else {		/* reduced blanking, about 60 Hz */
		m->hsync_start = w + 48;
		m->hsync_end = w + 80;
		m->htotal = w + 160;
		m->vsync_start = h + 3;
		m->vsync_end = h + 8;
		m->vtotal = h + 31;
		m->clock = (uint32_t)(((uint64_t)m->htotal * m->vtotal * 60 + 999) / 1000);
		m->flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	}
	m->vrefresh = 60;
	m->type = DRM_MODE_TYPE_USERDEF;
	snprintf(m->name, sizeof(m->name), "%dx%d", w, h);
}

int kms_dumb_create(int fd, struct kms_dumb *d, uint32_t w, uint32_t h, uint32_t format)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint64_t off;

	memset(d, 0, sizeof(*d));
	if (drmModeCreateDumbBuffer(fd, w, h, 32, 0, &d->handle, &d->pitch, &d->size))
		return -errno;
	d->width = w;
	d->height = h;
	d->format = format;
	handles[0] = d->handle;
	pitches[0] = d->pitch;
	if (drmModeAddFB2(fd, w, h, format, handles, pitches, offsets, &d->fb_id, 0))
		return -errno;
	if (drmModeMapDumbBuffer(fd, d->handle, &off))
		return -errno;
	d->map = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (d->map == MAP_FAILED) {
		d->map = NULL;
		return -errno;
	}
	return 0;
}

void kms_dumb_destroy(int fd, struct kms_dumb *d)
{
	if (d->map)
		munmap(d->map, d->size);
	if (d->fb_id)
		drmModeRmFB(fd, d->fb_id);
	if (d->handle)
		drmModeDestroyDumbBuffer(fd, d->handle);
	memset(d, 0, sizeof(*d));
}

void kms_fill(struct kms_dumb *d, int x, int y, int w, int h, uint32_t value)
{
	for (int row = y; row < y + h; row++) {
		uint32_t *p = (uint32_t *)((char *)d->map + (size_t)row * d->pitch) + x;

		for (int i = 0; i < w; i++)
			p[i] = value;
	}
}
