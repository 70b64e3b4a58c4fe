/* HAVE_FB_CREATE_FORMAT_INFO: drm_mode_config_funcs.fb_create and its GEM helpers take the format info */
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_mode_config.h>

static struct drm_framebuffer *probe_create(struct drm_device *dev, struct drm_file *file,
					    const struct drm_format_info *info,
					    const struct drm_mode_fb_cmd2 *cmd)
{
	return drm_gem_fb_create_with_dirty(dev, file, info, cmd);
}

const struct drm_mode_config_funcs probe = { .fb_create = probe_create };
