// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * GEM objects are plain shmem objects: guest pages the host reads when a
 * framebuffer on them is uploaded. Host resources belong to framebuffers
 * (virtgpu_fb.c), which know the format and pitch the host must use.
 */
#include <linux/slab.h>

#include "virtgpu_drv.h"

struct drm_gem_object *virtgpu_gem_create_object(struct drm_device *dev,
						 size_t size)
{
	struct drm_gem_shmem_object *shmem;

	shmem = kzalloc(sizeof(*shmem), GFP_KERNEL);
	if (!shmem)
		return ERR_PTR(-ENOMEM);
	/* The host reads guest RAM coherently: keep CPU mappings cached. */
	shmem->map_wc = false;
	return &shmem->base;
}
