/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef VIRTGPU_DRV_H
#define VIRTGPU_DRV_H

#include <linux/hrtimer.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>

#include "virtgpu_convert.h"
#include "virtgpu_hw.h"

#define VIRTGPU_DRIVER_NAME	"virtio_gpu"	/* userspace keys on it */
#define VIRTGPU_DRIVER_DESC	"virtio GPU (virtgpu)"

/* QEMU's cursor resources are exactly this size. */
#define VIRTGPU_CURSOR_DIM	64

/**
 * struct virtgpu_res - a host resource and the guest memory backing it
 * @id: host resource id
 * @shmem: pinned GEM object providing the backing, or NULL for @kmem
 * @kmem: kernel memory (kmalloc or vmalloc) providing the backing of a
 *	driver-owned resource: a cursor image or a framebuffer's shadow
 * @sgt: the backing pages
 * @mapped: @sgt is mapped for the device (a no-op without the DMA API)
 * @node: entry in virtgpu_device.resources, for re-creation after a reset
 */
struct virtgpu_res {
	u32 id;
	u32 format;
	u32 width;
	u32 height;
	struct drm_gem_shmem_object *shmem;
	void *kmem;
	struct sg_table *sgt;
	bool mapped;
	struct list_head node;
};

/**
 * struct virtgpu_framebuffer - a framebuffer and its host copy
 * @res: the host resource scanned out for this framebuffer, created on
 *	first use with the framebuffer's format and pitch, or for a shadowed
 *	format an XRGB8888 shadow of the framebuffer's size; under @lock
 * @map: kernel mapping of the GEM objects, held while @res exists
 * @data: @map plus the framebuffer offsets: the first pixel of each plane
 */
struct virtgpu_framebuffer {
	struct drm_framebuffer base;
	struct mutex lock;	/* see above */
	struct virtgpu_res *res;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
};

/**
 * struct virtgpu_output - one scanout: CRTC, planes, encoder, connector
 * @index: the device's scanout id
 * @scanout_res_id: resource the host shows (0: none); commit tail only
 * @scanout_rect: its source rectangle; commit tail only
 * @vblank_timer: simulated vblank interrupt at the mode's refresh rate
 * @vblank_on: whether the timer should keep firing
 * @vblank_period: frame duration of the current mode
 * @cursor: the 64x64 host resource cursor images are copied into
 * @palette: C8 colours (XRGB8888) from the CRTC's gamma LUT; commit tail only
 */
struct virtgpu_output {
	struct drm_crtc crtc;
	struct drm_plane primary;
	struct drm_plane cursor_plane;
	struct drm_encoder encoder;
	struct drm_connector connector;
	unsigned int index;

	u32 scanout_res_id;
	struct drm_rect scanout_rect;

	struct hrtimer vblank_timer;
	bool vblank_on;
	ktime_t vblank_period;

	struct virtgpu_res *cursor;
	u32 palette[VIRTGPU_PALETTE_SIZE];
};

/**
 * struct virtgpu_device - one virtio-gpu device
 * @base: the DRM device; first, so DRM can manage our lifetime
 * @hw: the device's protocol state, owned by the virtio layer
 * @outputs: one per scanout, @num_outputs of them
 * @kms_ready: the mode config is complete (and needs shutting down)
 * @res_lock: protects @resources
 * @resources: every live host resource
 */
struct virtgpu_device {
	struct drm_device base;
	struct virtgpu_hw hw;
	struct virtgpu_output *outputs;
	unsigned int num_outputs;
	bool kms_ready;
	struct mutex res_lock;	/* see above */
	struct list_head resources;
};

static inline struct virtgpu_device *to_virtgpu_device(struct drm_device *dev)
{
	return container_of(dev, struct virtgpu_device, base);
}

static inline struct virtgpu_device *hw_to_virtgpu_device(struct virtgpu_hw *hw)
{
	return container_of(hw, struct virtgpu_device, hw);
}

static inline struct virtgpu_framebuffer *to_virtgpu_framebuffer(struct drm_framebuffer *fb)
{
	return container_of(fb, struct virtgpu_framebuffer, base);
}

static inline struct virtgpu_output *crtc_to_virtgpu_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct virtgpu_output, crtc);
}

static inline struct virtgpu_output *connector_to_virtgpu_output(struct drm_connector *c)
{
	return container_of(c, struct virtgpu_output, connector);
}

/* virtgpu_gem.c */
struct drm_gem_object *virtgpu_gem_create_object(struct drm_device *dev,
						 size_t size);

/* virtgpu_res.c */
int virtgpu_res_create_shmem(struct virtgpu_device *vgdev,
			     struct drm_gem_shmem_object *shmem, u32 format,
			     u32 width, u32 height, struct virtgpu_res **out);
int virtgpu_res_create_kmem(struct virtgpu_device *vgdev, size_t size,
			    u32 format, u32 width, u32 height,
			    struct virtgpu_res **out);
int virtgpu_res_create_vmem(struct virtgpu_device *vgdev, size_t size,
			    u32 format, u32 width, u32 height,
			    struct virtgpu_res **out);
void virtgpu_res_release(struct virtgpu_device *vgdev, struct virtgpu_res *res);

/* virtgpu_fb.c */
struct drm_framebuffer *virtgpu_fb_create(struct drm_device *dev,
					  struct drm_file *file,
					  const struct drm_mode_fb_cmd2 *cmd);
int virtgpu_fb_get_res(struct virtgpu_device *vgdev, struct drm_framebuffer *fb,
		       struct virtgpu_res **res);
u64 virtgpu_fb_update_shadow(struct drm_framebuffer *fb,
			     const struct drm_rect *rect, const u32 *palette);

/* virtgpu_plane.c, virtgpu_cursor.c */
int virtgpu_primary_plane_init(struct virtgpu_device *vgdev,
			       struct virtgpu_output *output);
int virtgpu_cursor_plane_init(struct virtgpu_device *vgdev,
			      struct virtgpu_output *output);

/* virtgpu_crtc.c */
int virtgpu_crtc_init(struct virtgpu_device *vgdev, struct virtgpu_output *output);
void virtgpu_crtc_stop_vblank(struct virtgpu_output *output);

/* virtgpu_connector.c */
int virtgpu_connector_init(struct virtgpu_device *vgdev,
			   struct virtgpu_output *output);
enum drm_mode_status virtgpu_mode_valid(const struct drm_display_mode *mode);

/* virtgpu_kms.c */
int virtgpu_kms_init(struct virtgpu_device *vgdev);
void virtgpu_kms_fini(struct virtgpu_device *vgdev);
void virtgpu_kms_display_changed(struct virtgpu_device *vgdev);

/* virtgpu_debugfs.c */
struct drm_minor;
void virtgpu_debugfs_init(struct drm_minor *minor);

#endif /* VIRTGPU_DRV_H */
