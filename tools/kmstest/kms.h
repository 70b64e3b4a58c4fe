/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small libdrm helpers shared by the guest-side KMS tools (vgpu-kmstest here, kmsbench
 * and kmscursor in tests/bench/): find a connected output, look up properties, dumb
 * buffers, modes. Built on the host (bookworm, gcc-12, libdrm 2.4.114) and run in the
 * sid guest.
 */
#ifndef VIRTGPU_TESTS_KMS_H
#define VIRTGPU_TESTS_KMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

/* Newer than bookworm's libdrm headers. */
#ifndef DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT
#define DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT 6
#endif

/* Exit status of the tools when the device has no KMS to test (no CRTC or connector). */
#define KMS_EXIT_NO_KMS 3

struct kms_output {
	uint32_t connector_id;
	uint32_t crtc_id;
	int crtc_index;
	uint32_t primary_id;	/* 0 if not found (needs universal planes) */
	uint32_t cursor_id;	/* 0 if not found or hidden from this client */
	drmModeModeInfo preferred;
	char connector_name[32];
};

struct kms_dumb {
	uint32_t handle, fb_id, width, height, pitch, format;
	uint64_t size;
	void *map;
};

double now_ms(void);			/* CLOCK_MONOTONIC in ms */
/* "<program>: <message>" on stderr, exit status 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

int kms_open(const char *path);
/*
 * Finds the first connected connector with a CRTC. Returns 0, or KMS_EXIT_NO_KMS with a
 * reason in *why when the device has no CRTC/connector/connected output.
 */
int kms_find_output(int fd, struct kms_output *out, const char **why);
/*
 * Up to max connected connectors (all: disconnected ones too, whose preferred mode may be
 * empty), each with a CRTC of its own; their number in *count.
 */
int kms_find_outputs(int fd, struct kms_output *outs, int max, int *count, bool all,
		     const char **why);
/* Property id by name on an object (0 if absent); its current value in *value if not NULL. */
uint32_t kms_prop(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t *value);
/* Find a mode WxH in the connector's list (preferring the highest refresh near 60 Hz). */
bool kms_find_mode(int fd, uint32_t connector_id, int w, int h, drmModeModeInfo *mode);
/* A 60 Hz user mode WxH (CEA-861 timings for 1920x1080, else a reduced-blanking CVT-like). */
void kms_make_mode(int w, int h, drmModeModeInfo *mode);
double kms_mode_refresh(const drmModeModeInfo *mode);

int kms_dumb_create(int fd, struct kms_dumb *d, uint32_t w, uint32_t h, uint32_t format);
void kms_dumb_destroy(int fd, struct kms_dumb *d);
/* Fill a rectangle of a 32 bpp dumb buffer with one value. */
void kms_fill(struct kms_dumb *d, int x, int y, int w, int h, uint32_t value);

#endif
