/* HAVE_VIRTGPU_EXECBUF_SYNCOBJS: 6.5 drm_virtgpu_execbuffer's syncobj arrays */
#include <drm/drm.h>
#include <drm/virtgpu_drm.h>

int probe(struct drm_virtgpu_execbuffer *e, struct drm_virtgpu_execbuffer_syncobj *s);
int probe(struct drm_virtgpu_execbuffer *e, struct drm_virtgpu_execbuffer_syncobj *s)
{
	return e->num_in_syncobjs + e->num_out_syncobjs + e->syncobj_stride +
	       (int)s->point + VIRTGPU_EXECBUF_SYNCOBJ_RESET;
}
