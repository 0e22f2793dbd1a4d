/*
 * Reply sizes that GL state decides (overrides.txt's getmap(), pixelmap()
 * and atomicbuf()): the guest asks the host's GL before the command, as the
 * host's decoder asks it again (src/decoder/state_counts.c); both answer
 * from the same state, so both agree on the size.
 */
#include "encoder.h"

/* The query must leave the application's error state as it was. */
static void ask(struct sgl_enc *e, void (*query)(struct sgl_enc *, GLenum, GLenum, GLint *),
		GLenum a, GLenum b, GLint *v)
{
	GLenum saved = e->error;
	e->error = GL_NO_ERROR;
	query(e, a, b, v);
	e->error = saved;
}

static void get_map_order(struct sgl_enc *e, GLenum target, GLenum query, GLint *v)
{
	sgl_enc_glGetMapiv(e, target, query, v);
}

static void get_integer(struct sgl_enc *e, GLenum pname, GLenum unused, GLint *v)
{
	(void)unused;
	sgl_enc_glGetIntegerv(e, pname, v);
}

int64_t sgl_enc_getmap_count(struct sgl_enc *e, uint32_t target, uint32_t query)
{
	GLint order[2] = { 0, 0 };
	if (query == GL_COEFF && sgl_getmap_dims(target))
		ask(e, get_map_order, target, GL_ORDER, order);
	return sgl_getmap_values(target, query, order[0], order[1]);
}

int64_t sgl_enc_pixelmap_count(struct sgl_enc *e, uint32_t map)
{
	uint32_t pname = sgl_pixelmap_size_pname(map);
	GLint n = 0;
	if (pname)
		ask(e, get_integer, pname, 0, &n);
	return n < 0 ? 0 : n;
}

/* The indices of an atomic counter buffer: one per counter it holds. A
 * query GL refuses writes nothing, so the count is 0 (and the command
 * itself raises the error). */
int64_t sgl_enc_atomicbuf_count(struct sgl_enc *e, uint32_t program, uint32_t index,
				uint32_t pname)
{
	if (pname != GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTER_INDICES)
		return sgl_enc_pname_count(e, pname);
	GLint n = 0;
	GLenum saved = e->error;
	e->error = GL_NO_ERROR;
	sgl_enc_glGetActiveAtomicCounterBufferiv(e, program, index,
						 GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTERS, &n);
	e->error = saved;
	return n < 0 ? 0 : n;
}
