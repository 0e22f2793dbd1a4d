/*
 * Reply sizes that GL state decides (overrides.txt's getmap() and
 * pixelmap()), asked of the context's GL as the guest asked it before
 * sending the command (guest/state_counts.c). Only valid targets are asked,
 * so the query itself raises no GL error.
 */
#include "sgl_decoder_hooks.h"

int64_t sgl_dec_getmap_count(struct sgl_dec *d, uint32_t target, uint32_t query)
{
	GLint order[2] = { 0, 0 };
	if (query == GL_COEFF && sgl_getmap_dims(target))
		d->gl->GetMapiv(target, GL_ORDER, order);
	return sgl_getmap_values(target, query, order[0], order[1]);
}

int64_t sgl_dec_pixelmap_count(struct sgl_dec *d, uint32_t map)
{
	uint32_t pname = sgl_pixelmap_size_pname(map);
	GLint n = 0;
	if (pname)
		d->gl->GetIntegerv(pname, &n);
	return n < 0 ? 0 : n;
}
