/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef VIRTGPU_DRV_H
#define VIRTGPU_DRV_H

#include <linux/hrtimer.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <drm/virtgpu_drm.h>

#include "virtgpu_compat_drm.h"
#include "virtgpu_convert.h"
#include "virtgpu_hw.h"
#include "vgpu_vblank.h"

#define VIRTGPU_DRIVER_NAME	"virtio_gpu"	/* userspace keys on it */
#define VIRTGPU_DRIVER_DESC	"virtio GPU (virtgpu)"

/* QEMU's cursor resources are exactly this size. */
#define VIRTGPU_CURSOR_DIM	64

/* More damage clips than this are uploaded as their bounding box. */
#define VIRTGPU_MAX_CLIPS	16

/* Grow @box to cover @r too (their bounding box). */
static inline void virtgpu_rect_cover(struct drm_rect *box,
				      const struct drm_rect *r)
{
	box->x1 = min(box->x1, r->x1);
	box->y1 = min(box->y1, r->y1);
	box->x2 = max(box->x2, r->x2);
	box->y2 = max(box->y2, r->y2);
}

/* Whether @inner lies inside @outer. */
static inline bool virtgpu_rect_contains(const struct drm_rect *outer,
					 const struct drm_rect *inner)
{
	return outer->x1 <= inner->x1 && outer->y1 <= inner->y1 &&
	       outer->x2 >= inner->x2 && outer->y2 >= inner->y2;
}

/* How long the display waits for the host before saying it did not answer. */
#define VIRTGPU_DISPLAY_TIMEOUT	(2 * HZ)

struct virtgpu_file;

/**
 * struct virtgpu_bo - a GEM object and the host resource it owns
 * @base: a shmem object: the guest pages, which are the resource's backing
 * @res_id: the host resource, 0 without one (a foreign dma-buf, or an
 *	8/16 bpp dumb buffer, which is only ever shown through a shadow)
 * @host_3d: created with RESOURCE_CREATE_3D: the contents live on the host
 *	and only the client's transfers move them
 * @format: the resource's VIRTIO_GPU_FORMAT_* (2D)
 * @width: the resource's width in pixels (2D: the backing's row pitch / 4)
 * @height: the resource's height (2D)
 * @size_3d: RESOURCE_INFO's size: what the client asked for (3D)
 * @sgt: @base's pages while the host may use them
 * @backing: @sgt as the virtio layer knows it
 * @created: signalled when the host has the resource, with its error if
 *	it refused; kept to tell users
 * @views_lock: protects @views
 * @views: more host resources on the same pages, in other formats or row
 *	pitches, for framebuffers that use the pages so (struct virtgpu_view)
 * @host_refs: host resources (@res_id and views) whose RESOURCE_UNREF has
 *	not been answered yet, once the object is being freed
 * @leaked: an UNREF never reached the host: the pages stay allocated
 *
 * The host resources live as long as the GEM object: file handles,
 * framebuffers, dma-bufs and commands in flight all hold GEM references.
 * When the last goes, every resource is released and the pages freed only
 * once the host has answered all of that (or the device is gone).
 */
struct virtgpu_bo {
	struct drm_gem_shmem_object base;
	u32 res_id;
	bool host_3d;
	u32 format;
	u32 width;
	u32 height;
	u32 size_3d;
	struct sg_table *sgt;
	struct virtgpu_backing *backing;
	struct virtgpu_fence *created;
	struct mutex views_lock;	/* see above */
	struct list_head views;
	atomic_t host_refs;
	bool leaked;
};

/* A host resource sharing a buffer object's pages in another layout. */
struct virtgpu_view {
	struct list_head node;
	u32 res_id;
	u32 format;
	u32 width;
	u32 height;
	struct virtgpu_fence *created;
};

/**
 * struct virtgpu_framebuffer - a framebuffer and the host resource it shows
 * @lock: protects @res_id, @shadow and the mapping
 * @res_id: the resource scanned out: the buffer object's own or a view of
 *	it, or @shadow's; 0 before the first scanout
 * @backing: that resource's backing (for the panic flush)
 * @upload: the display must copy damage into the resource
 *	(TRANSFER_TO_HOST_2D); not for host-side (3D) objects
 * @shadow: for RGB565 and C8, an XRGB8888 object the display converts into
 * @shadow_map: its kernel mapping
 * @map: kernel mapping of the GEM objects, held while @res_id is set
 * @data: @map plus the framebuffer offsets: the first pixel of each plane
 */
struct virtgpu_framebuffer {
	struct drm_framebuffer base;
	struct mutex lock;	/* see above */
	u32 res_id;
	struct virtgpu_backing *backing;
	bool upload;
	struct virtgpu_bo *shadow;
	struct iosys_map shadow_map;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
};

/**
 * struct virtgpu_plane_state - a plane's state and what its update needs
 * @base: the shadow plane state (the cursor reads its framebuffer mapped)
 * @cmds: commands allocated at atomic_check, so the commit tail cannot run
 *	out of memory
 * @fence: signals when the host has processed the update's last command
 * @fence_queued: the update queued @fence: the commit tail waits for it
 * @prev_flush: the scanout's flush before this update's (referenced): when
 *	it signals, the host has read the framebuffer this update replaces
 */
struct virtgpu_plane_state {
	struct drm_shadow_plane_state base;
	struct virtgpu_cmds cmds;
	struct virtgpu_fence *fence;
	bool fence_queued;
	struct dma_fence *prev_flush;
};

/**
 * struct virtgpu_crtc_state - a CRTC's state
 * @base: the DRM state
 * @cmds: the command its disable may need
 * @damage_only: the commit only declares damage of the shown framebuffers
 *	and asks for no event: it completes at once, the damage is queued
 * @event: the commit's page-flip event, from atomic_flush until the commit
 *	tail delivers it (virtgpu_crtc_deliver_event())
 */
struct virtgpu_crtc_state {
	struct drm_crtc_state base;
	struct virtgpu_cmds cmds;
	bool damage_only;
	struct drm_pending_vblank_event *event;
};

/**
 * struct virtgpu_damage - damage waiting to be flushed (virtgpu_damage.c)
 * @lock: protects @fb, @clips, @num_clips, @since, @last and the counters
 * @fb: the framebuffer the damage is in, referenced; NULL: nothing queued
 * @clips: the damaged rectangles
 * @num_clips: how many
 * @since: when the oldest of them was queued
 * @last: when the last flush was sent
 * @timer: queues @work when the next flush is due
 * @work: uploads and flushes the damage
 * @added: damage-only commits queued (debugfs)
 * @flushed: flushes sent for them (debugfs)
 * @wait_max_ns: longest time damage waited in the queue (debugfs)
 * @wait_sum_ns: total of those waits, one per flush (debugfs)
 */
struct virtgpu_damage {
	spinlock_t lock;	/* see above */
	struct drm_framebuffer *fb;
	struct drm_rect clips[VIRTGPU_MAX_CLIPS];
	unsigned int num_clips;
	ktime_t since;
	ktime_t last;
	struct hrtimer timer;
	struct work_struct work;
	u64 added;
	u64 flushed;
	s64 wait_max_ns;
	s64 wait_sum_ns;
};

/**
 * struct virtgpu_output - one scanout: CRTC, planes, encoder, connector
 * @index: the device's scanout id
 * @upload_lock: serialises uploads to the scanout (commit tail and the
 *	damage worker) and protects @shown_fb, @scanout_res_id, @scanout_rect,
 *	@last_flush and @palette
 * @shown_fb: the framebuffer the primary plane shows, NULL when off;
 *	compared, not referenced
 * @scanout_res_id: resource the host shows (0: none)
 * @scanout_rect: its source rectangle
 * @last_flush: fence of the newest RESOURCE_FLUSH sent to the scanout
 *	(referenced), by a commit or the damage worker; the host processes
 *	them in order
 * @damage: damage of @shown_fb queued by damage-only commits
 * @vblank: simulated vblank interrupt at the mode's refresh rate
 * @cursor: the 64x64 object cursor images are copied into, or NULL
 * @cursor_map: its kernel mapping
 * @palette: C8 colours (XRGB8888) from the CRTC's gamma LUT
 */
struct virtgpu_output {
	struct drm_crtc crtc;
	struct drm_plane primary;
	struct drm_plane cursor_plane;
	struct drm_encoder encoder;
	struct drm_connector connector;
	unsigned int index;

	struct mutex upload_lock;	/* see above */
	struct drm_framebuffer *shown_fb;
	u32 scanout_res_id;
	struct drm_rect scanout_rect;
	struct dma_fence *last_flush;
	struct virtgpu_damage damage;

	struct vgpu_vblank vblank;

	struct virtgpu_bo *cursor;
	struct iosys_map cursor_map;
	u32 palette[VIRTGPU_PALETTE_SIZE];
};

/**
 * struct virtgpu_device - one virtio-gpu device
 * @base: the DRM device; first, so DRM can manage our lifetime
 * @hw: the virtio layer's device, referenced until the DRM device goes
 * @outputs: one per scanout, @num_outputs of them
 * @kms_ready: the mode config is complete (and needs shutting down)
 * @bos: buffer objects alive (debugfs: returns to its base when clients exit)
 * @contexts: host contexts alive
 */
struct virtgpu_device {
	struct drm_device base;
	struct virtgpu_hw *hw;
	struct virtgpu_output *outputs;
	unsigned int num_outputs;
	bool kms_ready;
	atomic_t bos;
	atomic_t contexts;
};

static inline struct virtgpu_device *to_virtgpu_device(struct drm_device *dev)
{
	return container_of(dev, struct virtgpu_device, base);
}

static inline struct virtgpu_bo *to_virtgpu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct virtgpu_bo, base.base);
}

static inline struct virtgpu_framebuffer *to_virtgpu_framebuffer(struct drm_framebuffer *fb)
{
	return container_of(fb, struct virtgpu_framebuffer, base);
}

static inline struct virtgpu_plane_state *to_virtgpu_plane_state(struct drm_plane_state *s)
{
	return container_of(s, struct virtgpu_plane_state, base.base);
}

static inline struct virtgpu_crtc_state *to_virtgpu_crtc_state(struct drm_crtc_state *s)
{
	return container_of(s, struct virtgpu_crtc_state, base);
}

static inline struct virtgpu_output *crtc_to_virtgpu_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct virtgpu_output, crtc);
}

static inline struct virtgpu_output *connector_to_virtgpu_output(struct drm_connector *c)
{
	return container_of(c, struct virtgpu_output, connector);
}

/* virtgpu_bo.c: buffer objects and their host resources */
struct drm_gem_object *virtgpu_bo_create_object(struct drm_device *dev,
						size_t size);
struct virtgpu_bo *virtgpu_bo_create(struct virtgpu_device *vgdev, size_t size);
int virtgpu_bo_host_2d(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		       u32 format, u32 width, u32 height);
int virtgpu_bo_host_3d(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		       const struct virtgpu_res_3d *params);
int virtgpu_bo_wait_created(struct virtgpu_bo *bo);
int virtgpu_bo_view(struct virtgpu_device *vgdev, struct virtgpu_bo *bo,
		    u32 format, u32 width, u32 height, u32 *res_id);
int virtgpu_bo_dumb_create(struct drm_file *file, struct drm_device *dev,
			   struct drm_mode_create_dumb *args);
struct virtgpu_bo *virtgpu_bo_create_kernel(struct virtgpu_device *vgdev,
					    u32 format, u32 width, u32 height,
					    struct iosys_map *map);
void virtgpu_bo_put_kernel(struct virtgpu_bo *bo, struct iosys_map *map);

/* virtgpu_file.c: per-file host contexts */
int virtgpu_file_open(struct drm_device *dev, struct drm_file *file);
void virtgpu_file_postclose(struct drm_device *dev, struct drm_file *file);
int virtgpu_file_context(struct virtgpu_device *vgdev, struct drm_file *file,
			 u32 *ctx_id);
struct virtgpu_timeline *virtgpu_file_timeline(struct drm_file *file,
					       bool ring, u32 ring_idx);
bool virtgpu_file_polls_ring(struct drm_file *file, u32 ring_idx);
void virtgpu_file_attach(struct drm_file *file, struct virtgpu_bo *bo);
void virtgpu_file_detach(struct drm_file *file, struct virtgpu_bo *bo);
int virtgpu_context_init_ioctl(struct drm_device *dev, void *data,
			       struct drm_file *file);

/* virtgpu_ioctl.c, virtgpu_submit.c: the 3D uAPI, indexed by ioctl number */
#define VIRTGPU_NUM_IOCTLS	(DRM_VIRTGPU_CONTEXT_INIT + 1)
extern const struct drm_ioctl_desc virtgpu_ioctls[VIRTGPU_NUM_IOCTLS];
int virtgpu_execbuffer_ioctl(struct drm_device *dev, void *data,
			     struct drm_file *file);

/* virtgpu_fb.c */
struct drm_framebuffer *virtgpu_fb_create(struct drm_device *dev,
					  struct drm_file *file,
					  VIRTGPU_FB_CREATE_INFO
					  const struct drm_mode_fb_cmd2 *cmd);
int virtgpu_fb_prepare(struct virtgpu_device *vgdev, struct drm_framebuffer *fb);
u64 virtgpu_fb_update_shadow(struct drm_framebuffer *fb,
			     const struct drm_rect *rect, const u32 *palette);

/* virtgpu_plane.c, virtgpu_cursor.c */
int virtgpu_primary_plane_init(struct virtgpu_device *vgdev,
			       struct virtgpu_output *output);
int virtgpu_cursor_plane_init(struct virtgpu_device *vgdev,
			      struct virtgpu_output *output);
void virtgpu_plane_reset(struct drm_plane *plane);
struct drm_plane_state *virtgpu_plane_duplicate_state(struct drm_plane *plane);
void virtgpu_plane_destroy_state(struct drm_plane *plane,
				 struct drm_plane_state *state);
int virtgpu_plane_reserve(struct drm_plane_state *state, unsigned int cmds);
void virtgpu_primary_upload(struct virtgpu_output *output,
			    struct drm_framebuffer *fb, struct virtgpu_cmds *pool,
			    const struct drm_rect *r);

/* virtgpu_damage.c */
void virtgpu_damage_init(struct virtgpu_output *output);
void virtgpu_damage_fini(struct virtgpu_output *output);
void virtgpu_damage_add(struct virtgpu_output *output,
			struct drm_framebuffer *fb,
			const struct drm_rect *clips, unsigned int num_clips);

/* virtgpu_crtc.c */
int virtgpu_crtc_init(struct virtgpu_device *vgdev, struct virtgpu_output *output);
void virtgpu_crtc_stop_vblank(struct virtgpu_output *output);
void virtgpu_crtc_deliver_event(struct drm_crtc *crtc,
				struct drm_crtc_state *cs);

/* virtgpu_connector.c */
int virtgpu_connector_init(struct virtgpu_device *vgdev,
			   struct virtgpu_output *output);
enum drm_mode_status virtgpu_mode_valid(const struct drm_display_mode *mode);

/* virtgpu_kms.c */
void virtgpu_display_wait(struct drm_device *dev, struct dma_fence *f,
			  const char *what);
int virtgpu_kms_init(struct virtgpu_device *vgdev);
void virtgpu_kms_fini(struct virtgpu_device *vgdev);
void virtgpu_kms_display_changed(struct virtgpu_device *vgdev);

/* virtgpu_debugfs.c */
struct drm_minor;
void virtgpu_debugfs_init(struct drm_minor *minor);

#endif /* VIRTGPU_DRV_H */
