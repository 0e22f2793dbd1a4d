/* Protocol commands about the guest's window and client memory. */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"
#include "contexts/context.h"

int sgl_hand_sglSwapBuffers(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	if (size != sizeof(struct sgl_cmd_sglSwapBuffers))
		return sgl_dec_size_mismatch(d, SGL_OP_sglSwapBuffers, size,
					     sizeof(struct sgl_cmd_sglSwapBuffers));
	if (d->ctx)
		sgl_surface_swap(d->ctx);
	return 0;
}

int sgl_hand_sglResizeSurface(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglResizeSurface c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_sglResizeSurface, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (d->ctx && sgl_surface_resize(d->ctx, c.width, c.height) < 0)
		return sgl_dec_fail(d, "sglResizeSurface: %ux%u is outside the host limits",
				    c.width, c.height);
	return 0;
}
