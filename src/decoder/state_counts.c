/*
 * Reply sizes that GL state decides (overrides.txt's getmap(), pixelmap()
 * and atomicbuf()), asked of the context's GL as the guest asked it before
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

/* A program name the guest never made is not asked (the command raises
 * its error); a bad index raises GL_INVALID_VALUE here as in the command. */
int64_t sgl_dec_atomicbuf_count(struct sgl_dec *d, uint32_t program, uint32_t index,
				uint32_t pname)
{
	if (pname != GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTER_INDICES)
		return sgl_dec_pname_count(d, pname);
	uint64_t host = sgl_dec_lookup(d, SGL_OBJ_PROGRAM, program);
	GLint n = 0;
	if (host && host <= UINT32_MAX && d->gl->GetActiveAtomicCounterBufferiv)
		d->gl->GetActiveAtomicCounterBufferiv((GLuint)host, index,
						      GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTERS, &n);
	return n < 0 ? 0 : n;
}
