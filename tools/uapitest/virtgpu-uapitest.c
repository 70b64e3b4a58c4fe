// SPDX-License-Identifier: GPL-2.0
/*
 * virtgpu-uapitest: the 3D uAPI of <drm/virtgpu_drm.h> against the driver
 * under test, one "PASS|FAIL|SKIP name detail" line per check: each ioctl's
 * normal use and its bad inputs (the errno), fences in and out, WAIT busy
 * and idle, PRIME within and across files, implicit sync between two
 * processes sharing a buffer, and syncobjs where the kernel's uAPI has them.
 *
 *   virtgpu-uapitest [-d /dev/dri/renderD128] --virgl yes|no [--syncobj]
 *                    [--skip NAME]...
 *
 * --virgl says whether the device offers VIRGL (from the QEMU command line):
 * the 3D-only ioctls must work then, and fail with ENOSYS otherwise.
 * --syncobj: the kernel's execbuffer has syncobj arrays (Linux 6.5+).
 * --skip NAME: do not run that check (SKIP): input that would kill the host.
 * Exit status: 0 if nothing failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <virtgpu_drm.h>
#include <xf86drm.h>

/*
 * The execbuffer with syncobj arrays (Linux 6.5), which bookworm's libdrm
 * header lacks; its first part is the older struct, so both kernels take it.
 */
struct uapi_syncobj {
	uint32_t handle;
	uint32_t flags;
	uint64_t point;
};

struct uapi_execbuffer {
	uint32_t flags;
	uint32_t size;
	uint64_t command;
	uint64_t bo_handles;
	uint32_t num_bo_handles;
	int32_t fence_fd;
	uint32_t ring_idx;
	uint32_t syncobj_stride;
	uint32_t num_in_syncobjs;
	uint32_t num_out_syncobjs;
	uint64_t in_syncobjs;
	uint64_t out_syncobjs;
};

#define UAPI_EXECBUFFER \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_EXECBUFFER, struct uapi_execbuffer)
#define UAPI_SYNCOBJ_RESET	0x01
#define UAPI_EXECBUF_RING_IDX	0x04

/*
 * The rest of the uAPI newer than bookworm's libdrm header (Linux 5.16):
 * parameters 3-7, RESOURCE_INFO's blob_mem, RESOURCE_CREATE_BLOB and
 * CONTEXT_INIT, laid out as <drm/virtgpu_drm.h> has them.
 */
#define UAPI_PARAM_RESOURCE_BLOB	3
#define UAPI_PARAM_HOST_VISIBLE		4
#define UAPI_PARAM_CROSS_DEVICE		5
#define UAPI_PARAM_CONTEXT_INIT		6
#define UAPI_PARAM_CAPSET_IDS		7

struct uapi_resource_info {
	uint32_t bo_handle;
	uint32_t res_handle;
	uint32_t size;
	uint32_t blob_mem;
};

struct uapi_create_blob {
	uint32_t blob_mem;
	uint32_t blob_flags;
	uint32_t bo_handle;
	uint32_t res_handle;
	uint64_t size;
	uint32_t pad;
	uint32_t cmd_size;
	uint64_t cmd;
	uint64_t blob_id;
};

struct uapi_context_param {
	uint64_t param;
	uint64_t value;
};

struct uapi_context_init {
	uint32_t num_params;
	uint32_t pad;
	uint64_t ctx_set_params;
};

#define UAPI_RESOURCE_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_RESOURCE_INFO, struct uapi_resource_info)
#define UAPI_CREATE_BLOB \
	DRM_IOWR(DRM_COMMAND_BASE + 0x0a, struct uapi_create_blob)
#define UAPI_CONTEXT_INIT \
	DRM_IOWR(DRM_COMMAND_BASE + 0x0b, struct uapi_context_init)
#define UAPI_BLOB_MEM_GUEST	1

/* virgl: PIPE_TEXTURE_2D, PIPE_BUFFER, R8G8B8A8_UNORM, a render target. */
#define TARGET_BUFFER	0
#define TARGET_2D	2
#define FORMAT_RGBA	67
#define BIND_RT		(1 << 1)
/* virtio: B8G8R8X8_UNORM */
#define FORMAT_XRGB	2

static const char *node = "/dev/dri/renderD128";
static bool virgl, syncobj;
static int failed;

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s", ok ? "PASS" : "FAIL", name);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	failed += !ok;
}

static void skip(const char *name, const char *why)
{
	printf("SKIP %s %s\n", name, why);
	fflush(stdout);
}

/* An ioctl's errno (0 for success), retried on EINTR like drmIoctl(). */
static int io(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? errno : 0;
}

/* "want E, got E" for a result line. */
static bool expect(int got, int want, char *buf, size_t len)
{
	snprintf(buf, len, "errno %s (want %s)", got ? strerror(got) : "0",
		 want ? strerror(want) : "0");
	return got == want;
}

/* Checks --skip names are not run at all (an ioctl that would kill the host). */
static const char *skips[32];
static int num_skips;

static bool skipped(const char *name)
{
	for (int i = 0; i < num_skips; i++) {
		if (!strcmp(skips[i], name)) {
			printf("SKIP %s not run (--skip)\n", name);
			return true;
		}
	}
	return false;
}

#define EXPECT(name, got, want)						\
	do {								\
		char _b[96];						\
		if (skipped(name))					\
			break;						\
		result(expect((got), (want), _b, sizeof(_b)), name, "%s", _b); \
	} while (0)

static int open_node(void)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "cannot open %s: %s\n", node, strerror(errno));
		exit(2);
	}
	return fd;
}

struct res {
	uint32_t bo, id;
	uint32_t size;
};

/* A resource of the kind the device takes: virgl's or a 2D one. */
static int create(int fd, uint32_t w, uint32_t h, uint32_t size, struct res *r)
{
	struct drm_virtgpu_resource_create rc = {
		.target = TARGET_2D, .format = virgl ? FORMAT_RGBA : FORMAT_XRGB,
		.bind = BIND_RT, .width = w, .height = h, .depth = 1,
		.array_size = 1, .size = size,
	};
	int err = io(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc);

	r->bo = rc.bo_handle;
	r->id = rc.res_handle;
	r->size = size;
	return err;
}

/* A virgl buffer of @size bytes. */
static int create_buffer(int fd, uint32_t size, struct res *r)
{
	struct drm_virtgpu_resource_create rc = {
		.target = TARGET_BUFFER, .format = 64 /* R8_UNORM */, .bind = 0,
		.width = size, .height = 1, .depth = 1, .array_size = 1,
		.size = size,
	};
	int err = io(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc);

	r->bo = rc.bo_handle;
	r->id = rc.res_handle;
	r->size = size;
	return err;
}

static void close_bo(int fd, uint32_t bo)
{
	struct drm_gem_close c = { .handle = bo };

	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static int submit(int fd, uint32_t *bos, uint32_t n, uint32_t flags,
		  int in_fd, int *out_fd)
{
	struct uapi_execbuffer eb = {
		.flags = flags, .bo_handles = (uintptr_t)bos,
		.num_bo_handles = n, .fence_fd = in_fd,
	};
	int err = io(fd, UAPI_EXECBUFFER, &eb);

	if (out_fd)
		*out_fd = err ? -1 : eb.fence_fd;
	return err;
}

static bool fence_signalled(int fence_fd, int timeout_ms)
{
	struct pollfd p = { .fd = fence_fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static void test_getparam(int fd)
{
	static const struct { uint64_t param; const char *name; } params[] = {
		{ VIRTGPU_PARAM_3D_FEATURES, "3d-features" },
		{ VIRTGPU_PARAM_CAPSET_QUERY_FIX, "capset-query-fix" },
		{ UAPI_PARAM_RESOURCE_BLOB, "resource-blob" },
		{ UAPI_PARAM_HOST_VISIBLE, "host-visible" },
		{ UAPI_PARAM_CROSS_DEVICE, "cross-device" },
		{ UAPI_PARAM_CONTEXT_INIT, "context-init" },
		{ UAPI_PARAM_CAPSET_IDS, "capset-ids" },
	};
	/* On QEMU 7.2: virgl and capsets 1 and 2 with VIRGL, nothing else. */
	const int64_t want[] = { virgl, 1, 0, 0, 0, 0, virgl ? 6 : 0 };
	struct drm_virtgpu_getparam gp;
	char name[64];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		/* The driver writes an int: the upper half must stay untouched. */
		v = 0xa5a5a5a5a5a5a5a5ull;
		gp = (struct drm_virtgpu_getparam) {
			.param = params[i].param, .value = (uintptr_t)&v,
		};
		snprintf(name, sizeof(name), "getparam-%s", params[i].name);
		if (io(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp)) {
			result(false, name, "errno %s", strerror(errno));
			continue;
		}
		result((int32_t)v == want[i] && (v >> 32) == 0xa5a5a5a5, name,
		       "value %" PRId32 " (want %" PRId64 "), upper half %s",
		       (int32_t)v, want[i],
		       (v >> 32) == 0xa5a5a5a5 ? "untouched" : "written");
	}
	gp = (struct drm_virtgpu_getparam) { .param = 0, .value = (uintptr_t)&v };
	EXPECT("getparam-unknown-0", io(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp), EINVAL);
	gp.param = 1000;
	EXPECT("getparam-unknown-1000", io(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp), EINVAL);
	gp = (struct drm_virtgpu_getparam) { .param = 1, .value = 8 };
	EXPECT("getparam-bad-pointer", io(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp), EFAULT);
}

static void test_create(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct res r;
	int err;

	err = create(fd, 64, 64, 0, &r);
	result(!err && r.id && r.bo, "create", "errno %s, res %u bo %u",
	       strerror(err), r.id, r.bo);
	if (!err)
		close_bo(fd, r.bo);

#define BAD_CREATE(name, field, value)					\
	do {								\
		rc = (struct drm_virtgpu_resource_create) {		\
			.target = TARGET_2D,				\
			.format = virgl ? FORMAT_RGBA : FORMAT_XRGB,	\
			.width = 64, .height = 64, .depth = 1,		\
			.array_size = 1,				\
		};							\
		rc.field = value;					\
		EXPECT(name, io(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc), EINVAL); \
	} while (0)
	BAD_CREATE("create-width-0", width, 0);
	BAD_CREATE("create-height-0", height, 0);
	BAD_CREATE("create-depth-0", depth, 0);
	BAD_CREATE("create-array-0", array_size, 0);
	BAD_CREATE("create-height-huge", height, 1u << 20);
	BAD_CREATE("create-size-over-1g", size, (1u << 30) + 1);
	if (!virgl) {
		BAD_CREATE("create-2d-target-3", target, 3);
		BAD_CREATE("create-2d-format-999", format, 999);
		BAD_CREATE("create-2d-depth-2", depth, 2);
		BAD_CREATE("create-2d-width-over-16384", width, 16385);
	}
}

static void test_info_map(int fd, int fd2)
{
	struct uapi_resource_info ri;
	struct drm_virtgpu_map map;
	struct res r;
	uint8_t *p;
	size_t i;
	bool zero = true;

	if (create(fd, 64, 64, 64 * 64 * 4, &r)) {
		result(false, "info", "create failed");
		return;
	}
	ri = (struct uapi_resource_info) { .bo_handle = r.bo };
	result(!io(fd, UAPI_RESOURCE_INFO, &ri) && ri.res_handle == r.id &&
	       ri.size >= 64 * 64 * 4 && !ri.blob_mem, "info",
	       "res %u (want %u) size %u blob_mem %u", ri.res_handle, r.id,
	       ri.size, ri.blob_mem);
	ri.bo_handle = r.bo + 1000;
	EXPECT("info-bad-handle", io(fd, UAPI_RESOURCE_INFO, &ri), ENOENT);
	/* A handle of another file is no handle here. */
	ri.bo_handle = r.bo;
	EXPECT("info-other-file-handle", io(fd2, UAPI_RESOURCE_INFO, &ri),
	       ENOENT);

	map = (struct drm_virtgpu_map) { .handle = r.bo };
	if (io(fd, DRM_IOCTL_VIRTGPU_MAP, &map)) {
		result(false, "map", "errno %s", strerror(errno));
	} else {
		p = mmap(NULL, 64 * 64 * 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 map.offset);
		if (p == MAP_FAILED) {
			result(false, "map", "mmap: %s", strerror(errno));
		} else {
			/* Fresh pages: nothing of anyone else's. */
			for (i = 0; i < 64 * 64 * 4; i++)
				zero &= !p[i];
			memset(p, 0x5a, 64 * 64 * 4);
			result(zero && p[100] == 0x5a, "map",
			       "offset 0x%llx, fresh pages %s",
			       (unsigned long long)map.offset,
			       zero ? "zeroed" : "NOT zeroed");
			munmap(p, 64 * 64 * 4);
		}
	}
	map = (struct drm_virtgpu_map) { .handle = r.bo + 1000 };
	EXPECT("map-bad-handle", io(fd, DRM_IOCTL_VIRTGPU_MAP, &map), ENOENT);
	map = (struct drm_virtgpu_map) { .handle = r.bo, .pad = 1 };
	EXPECT("map-pad", io(fd, DRM_IOCTL_VIRTGPU_MAP, &map), EINVAL);
	close_bo(fd, r.bo);
}

static void test_transfer(int fd)
{
	struct drm_virtgpu_3d_transfer_to_host t;
	struct drm_virtgpu_3d_transfer_from_host f;
	struct drm_virtgpu_3d_wait w;
	struct res r;

	if (create(fd, 64, 64, 64 * 64 * 4, &r)) {
		result(false, "transfer-to-host", "create failed");
		return;
	}
	t = (struct drm_virtgpu_3d_transfer_to_host) {
		.bo_handle = r.bo, .box = { .w = 64, .h = 64, .d = 1 },
	};
	EXPECT("transfer-to-host", io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t), 0);
	w = (struct drm_virtgpu_3d_wait) { .handle = r.bo };
	EXPECT("transfer-to-host-wait", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), 0);
	t.bo_handle = r.bo + 1000;
	EXPECT("transfer-bad-handle", io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t),
	       ENOENT);
	t.bo_handle = r.bo;
	t.offset = 1u << 30;
	EXPECT("transfer-offset-outside", io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t),
	       EINVAL);
	if (!virgl) {
		t = (struct drm_virtgpu_3d_transfer_to_host) {
			.bo_handle = r.bo, .box = { .x = 32, .w = 64, .h = 64, .d = 1 },
		};
		EXPECT("transfer-2d-box-outside",
		       io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t), EINVAL);
	}
	f = (struct drm_virtgpu_3d_transfer_from_host) {
		.bo_handle = r.bo, .box = { .w = 64, .h = 64, .d = 1 },
	};
	if (virgl) {
		EXPECT("transfer-from-host",
		       io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, &f), 0);
		EXPECT("transfer-from-host-wait", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), 0);
	} else {
		EXPECT("transfer-from-host-2d",
		       io(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, &f), ENOSYS);
	}
	close_bo(fd, r.bo);
}

static void test_caps(int fd)
{
	struct drm_virtgpu_get_caps c;
	uint8_t buf[8192];
	size_t i, used = 0;
	int err;

	memset(buf, 0xaa, sizeof(buf));
	c = (struct drm_virtgpu_get_caps) {
		.cap_set_id = 2, .addr = (uintptr_t)buf, .size = sizeof(buf),
	};
	err = io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c);
	if (!virgl) {
		EXPECT("get-caps-2d", err, ENOSYS);
		return;
	}
	/* The host's capset, then the caller's bytes untouched. */
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0xaa)
			used = i + 1;
	result(!err && used > 0 && used < sizeof(buf), "get-caps-2",
	       "errno %s, %zu bytes written of %zu", strerror(err), used,
	       sizeof(buf));
	c.cap_set_id = 1;
	EXPECT("get-caps-1", io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c), 0);
	c.cap_set_id = 3;
	EXPECT("get-caps-absent-3", io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c), EINVAL);
	c.cap_set_id = 9999;
	EXPECT("get-caps-absent-9999", io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c), EINVAL);
	c.cap_set_id = 2;
	c.cap_set_ver = 1000;
	EXPECT("get-caps-version-too-new", io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c), EINVAL);
	c.cap_set_ver = 0;
	c.addr = 8;
	EXPECT("get-caps-bad-pointer", io(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &c), EFAULT);
}

static void test_unoffered(int fd)
{
	struct uapi_context_param p = { .param = 1, .value = 2 };
	struct uapi_context_init ci = {
		.num_params = 1, .ctx_set_params = (uintptr_t)&p,
	};
	struct uapi_create_blob b = { .blob_mem = UAPI_BLOB_MEM_GUEST, .size = 4096 };

	EXPECT("context-init-unoffered", io(fd, UAPI_CONTEXT_INIT, &ci), EINVAL);
	EXPECT("create-blob-unoffered", io(fd, UAPI_CREATE_BLOB, &b), EINVAL);
}

static void test_submit(int fd)
{
	struct uapi_execbuffer eb;
	uint32_t cmd[4] = { 0 }, bad = 12345;
	int out, out2, busy = 0, i;
	struct drm_virtgpu_3d_wait w;
	struct res r;

	if (!virgl) {
		EXPECT("submit-2d", submit(fd, NULL, 0, 0, -1, NULL), ENOSYS);
		return;
	}
	EXPECT("submit-empty", submit(fd, NULL, 0, 0, -1, NULL), 0);
	if (create_buffer(fd, 4096, &r)) {
		result(false, "submit-bo", "create failed");
		return;
	}
	EXPECT("submit-bo", submit(fd, &r.bo, 1, 0, -1, NULL), 0);
	EXPECT("submit-bad-handle", submit(fd, &bad, 1, 0, -1, NULL), ENOENT);
	EXPECT("submit-bad-flags", submit(fd, NULL, 0, 0x80, -1, NULL), EINVAL);
	EXPECT("submit-ring-without-rings",
	       submit(fd, NULL, 0, UAPI_EXECBUF_RING_IDX, -1, NULL), EINVAL);
	eb = (struct uapi_execbuffer) { .size = 6, .command = (uintptr_t)cmd,
					.fence_fd = -1 };
	EXPECT("submit-size-unaligned", io(fd, UAPI_EXECBUFFER, &eb), EINVAL);
	eb = (struct uapi_execbuffer) { .size = 16, .command = 8, .fence_fd = -1 };
	EXPECT("submit-bad-command-pointer", io(fd, UAPI_EXECBUFFER, &eb), EFAULT);
	eb = (struct uapi_execbuffer) { .ring_idx = 1, .fence_fd = -1 };
	EXPECT("submit-ring-idx-without-flag", io(fd, UAPI_EXECBUFFER, &eb), EINVAL);
	eb = (struct uapi_execbuffer) { .bo_handles = 8, .num_bo_handles = 1,
					.fence_fd = -1 };
	EXPECT("submit-bad-bo-pointer", io(fd, UAPI_EXECBUFFER, &eb), EFAULT);

	/* Fences out and in. */
	if (submit(fd, &r.bo, 1, VIRTGPU_EXECBUF_FENCE_FD_OUT, -1, &out) || out < 0) {
		result(false, "fence-out", "no fence fd");
	} else {
		result(fence_signalled(out, 5000), "fence-out",
		       "sync_file %d signalled", out);
		result(!submit(fd, &r.bo, 1, VIRTGPU_EXECBUF_FENCE_FD_IN |
			       VIRTGPU_EXECBUF_FENCE_FD_OUT, out, &out2) &&
		       fence_signalled(out2, 5000), "fence-in", "waited on %d", out);
		/* The in-fence stays the caller's. */
		result(fcntl(out, F_GETFD) != -1, "fence-in-fd-kept", "%s",
		       "the kernel did not close it");
		close(out);
		close(out2);
	}
	EXPECT("fence-in-bad-fd",
	       submit(fd, NULL, 0, VIRTGPU_EXECBUF_FENCE_FD_IN, 999, NULL), EINVAL);

	/* WAIT: busy right after a submission (at least once), idle after. */
	w = (struct drm_virtgpu_3d_wait) { .handle = r.bo, .flags = VIRTGPU_WAIT_NOWAIT };
	for (i = 0; i < 200; i++) {
		int err;

		submit(fd, &r.bo, 1, 0, -1, NULL);
		err = io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w);
		if (err && err != EBUSY) {
			busy = -err;
			break;
		}
		busy += err == EBUSY;
	}
	result(busy > 0, "wait-nowait-busy", "EBUSY %d of 200 times right after a submit",
	       busy);
	w.flags = 0;
	EXPECT("wait", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), 0);
	w.flags = VIRTGPU_WAIT_NOWAIT;
	EXPECT("wait-nowait-idle", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), 0);
	w.flags = 2;
	EXPECT("wait-bad-flags", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), EINVAL);
	w = (struct drm_virtgpu_3d_wait) { .handle = r.bo + 1000 };
	EXPECT("wait-bad-handle", io(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), ENOENT);
	close_bo(fd, r.bo);
}

static void test_syncobj(int fd)
{
	struct uapi_syncobj in = { 0 }, out = { 0 };
	struct uapi_execbuffer eb;
	uint32_t binary, timeline;
	uint64_t point = 5;

	if (!virgl || !syncobj) {
		skip("syncobj", virgl ? "the kernel's uAPI has no execbuffer syncobjs (< 6.5)" :
				       "no virgl");
		return;
	}
	if (drmSyncobjCreate(fd, 0, &binary) || drmSyncobjCreate(fd, 0, &timeline)) {
		result(false, "syncobj", "create: %s", strerror(errno));
		return;
	}
	out.handle = binary;
	eb = (struct uapi_execbuffer) {
		.fence_fd = -1, .syncobj_stride = sizeof(out),
		.num_out_syncobjs = 1, .out_syncobjs = (uintptr_t)&out,
	};
	EXPECT("syncobj-out", io(fd, UAPI_EXECBUFFER, &eb), 0);
	result(!drmSyncobjWait(fd, &binary, 1, INT64_MAX, 0, NULL), "syncobj-out-wait",
	       "%s", "signalled");
	in = (struct uapi_syncobj) { .handle = binary, .flags = UAPI_SYNCOBJ_RESET };
	out = (struct uapi_syncobj) { .handle = timeline, .point = point };
	eb = (struct uapi_execbuffer) {
		.fence_fd = -1, .syncobj_stride = sizeof(in),
		.num_in_syncobjs = 1, .in_syncobjs = (uintptr_t)&in,
		.num_out_syncobjs = 1, .out_syncobjs = (uintptr_t)&out,
	};
	EXPECT("syncobj-in-reset-timeline-out", io(fd, UAPI_EXECBUFFER, &eb), 0);
	result(!drmSyncobjTimelineWait(fd, &timeline, &point, 1, INT64_MAX, 0, NULL),
	       "syncobj-timeline-point", "point %" PRIu64 " signalled", point);
	/* RESET left the binary syncobj without a fence. */
	EXPECT("syncobj-reset", drmSyncobjWait(fd, &binary, 1, 0, 0, NULL) ? errno : 0,
	       EINVAL);
	eb.syncobj_stride = 8;
	EXPECT("syncobj-bad-stride", io(fd, UAPI_EXECBUFFER, &eb), EINVAL);
	eb.syncobj_stride = sizeof(in);
	in.handle = 9999;
	in.flags = 0;
	EXPECT("syncobj-bad-handle", io(fd, UAPI_EXECBUFFER, &eb), ENOENT);
	in.handle = timeline;
	in.flags = 0x80;
	EXPECT("syncobj-bad-flags", io(fd, UAPI_EXECBUFFER, &eb), EINVAL);
	drmSyncobjDestroy(fd, binary);
	drmSyncobjDestroy(fd, timeline);
}

/*
 * PRIME: an export imports back as the same handle; another file imports
 * it as the same host resource and sees the same pages.
 */
static void test_prime(int fd, int fd2)
{
	struct uapi_resource_info ri;
	struct drm_virtgpu_map map;
	uint32_t h, h2;
	struct res r;
	int dmabuf;
	uint32_t *a, *b;

	if (create(fd, 64, 64, 64 * 64 * 4, &r) ||
	    drmPrimeHandleToFD(fd, r.bo, DRM_CLOEXEC | DRM_RDWR, &dmabuf)) {
		result(false, "prime-export", "%s", strerror(errno));
		return;
	}
	result(!drmPrimeFDToHandle(fd, dmabuf, &h) && h == r.bo, "prime-same-file",
	       "handle %u (want %u)", h, r.bo);
	if (drmPrimeFDToHandle(fd2, dmabuf, &h2)) {
		result(false, "prime-other-file", "import: %s", strerror(errno));
		goto out;
	}
	ri = (struct uapi_resource_info) { .bo_handle = h2 };
	result(!io(fd2, UAPI_RESOURCE_INFO, &ri) && ri.res_handle == r.id,
	       "prime-other-file", "res %u (want %u)", ri.res_handle, r.id);
	map = (struct drm_virtgpu_map) { .handle = r.bo };
	io(fd, DRM_IOCTL_VIRTGPU_MAP, &map);
	a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	map = (struct drm_virtgpu_map) { .handle = h2 };
	io(fd2, DRM_IOCTL_VIRTGPU_MAP, &map);
	b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, map.offset);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		result(false, "prime-same-pages", "mmap: %s", strerror(errno));
	} else {
		a[7] = 0x12345678;
		result(b[7] == 0x12345678, "prime-same-pages", "0x%08x", b[7]);
	}
	if (a != MAP_FAILED)
		munmap(a, 4096);
	if (b != MAP_FAILED)
		munmap(b, 4096);
	/* The dma-buf keeps the object (and its host resource) alive. */
	close_bo(fd, r.bo);
	close_bo(fd2, h2);
	result(!drmPrimeFDToHandle(fd2, dmabuf, &h2), "prime-dmabuf-keeps-object",
	       "re-imported as %u", h2);
	ri = (struct uapi_resource_info) { .bo_handle = h2 };
	result(!io(fd2, UAPI_RESOURCE_INFO, &ri) && ri.res_handle == r.id,
	       "prime-dmabuf-keeps-resource", "res %u (want %u)", ri.res_handle, r.id);
	close_bo(fd2, h2);
out:
	close(dmabuf);
}

/*
 * Implicit sync between processes: a child imports the buffer through a
 * dma-buf; its WAIT returns only once the parent's submission on it is
 * done, whose fence is then signalled.
 */
static void test_implicit_sync(int fd)
{
	struct res r;
	int dmabuf, out, status, pipefd[2];
	pid_t pid;
	char c;

	if (!virgl) {
		skip("implicit-sync", "needs virgl submissions");
		return;
	}
	if (create_buffer(fd, 1 << 20, &r) ||
	    drmPrimeHandleToFD(fd, r.bo, DRM_CLOEXEC | DRM_RDWR, &dmabuf) ||
	    pipe(pipefd)) {
		result(false, "implicit-sync", "setup: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (!pid) {
		struct drm_virtgpu_3d_wait w = { 0 };
		int cfd = open_node(), ok;
		uint32_t h;

		close(pipefd[1]);
		ok = !drmPrimeFDToHandle(cfd, dmabuf, &h);
		w.handle = h;
		if (read(pipefd[0], &c, 1) != 1)	/* the parent submitted */
			_exit(3);
		ok = ok && !io(cfd, DRM_IOCTL_VIRTGPU_WAIT, &w);
		/* Tell the parent the wait returned. */
		_exit(ok ? 0 : 1);
	}
	close(pipefd[0]);
	submit(fd, &r.bo, 1, VIRTGPU_EXECBUF_FENCE_FD_OUT, -1, &out);
	if (write(pipefd[1], "x", 1) != 1)
		result(false, "implicit-sync", "pipe");
	waitpid(pid, &status, 0);
	/* The child's WAIT returned: the parent's fence must be signalled now. */
	result(WIFEXITED(status) && !WEXITSTATUS(status) && out >= 0 &&
	       fence_signalled(out, 0), "implicit-sync",
	       "child WAIT %s, parent fence %s at that point",
	       WIFEXITED(status) && !WEXITSTATUS(status) ? "ok" : "failed",
	       out >= 0 && fence_signalled(out, 0) ? "signalled" : "NOT signalled");
	if (out >= 0)
		close(out);
	close(pipefd[1]);
	close(dmabuf);
	close_bo(fd, r.bo);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "virgl", required_argument, NULL, 'v' },
		{ "syncobj", no_argument, NULL, 's' },
		{ "skip", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c, fd, fd2;
	bool have_virgl = false;

	/* A line per check as it ends: a host that dies shows where. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			node = optarg;
			break;
		case 'v':
			virgl = !strcmp(optarg, "yes");
			have_virgl = true;
			break;
		case 's':
			syncobj = true;
			break;
		case 'k':
			if (num_skips == (int)(sizeof(skips) / sizeof(skips[0])))
				return 2;
			skips[num_skips++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!have_virgl) {
		fprintf(stderr, "usage: %s [-d NODE] --virgl yes|no [--syncobj]\n", argv[0]);
		return 2;
	}
	fd = open_node();
	fd2 = open_node();
	test_getparam(fd);
	test_create(fd);
	test_info_map(fd, fd2);
	test_transfer(fd);
	test_caps(fd);
	test_unoffered(fd);
	test_submit(fd);
	test_syncobj(fd);
	test_prime(fd, fd2);
	test_implicit_sync(fd);
	close(fd2);
	close(fd);
	printf("uapitest: %d failed\n", failed);
	return failed ? 1 : 0;
}
