/* HAVE_DRM_GEM_FB_INIT_FORMAT_INFO: drm_gem_fb_init_with_funcs() takes the format info, drm_get_format_info() format and modifier */
#include <drm/drm_fourcc.h>
#include <drm/drm_gem_framebuffer_helper.h>

int probe(struct drm_device *dev, struct drm_framebuffer *fb, struct drm_file *file,
	  const struct drm_mode_fb_cmd2 *cmd, const struct drm_framebuffer_funcs *funcs);
int probe(struct drm_device *dev, struct drm_framebuffer *fb, struct drm_file *file,
	  const struct drm_mode_fb_cmd2 *cmd, const struct drm_framebuffer_funcs *funcs)
{
	const struct drm_format_info *info =
		drm_get_format_info(dev, cmd->pixel_format, cmd->modifier[0]);

	return drm_gem_fb_init_with_funcs(dev, fb, file, info, cmd, funcs);
}
