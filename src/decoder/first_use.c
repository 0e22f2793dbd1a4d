/*
 * Names GL creates on first use: an object the application names without
 * glGen* exists once it is bound or begun, where the profile says so. The
 * guest marks such a name taken (its track hooks), so glGen* never hands
 * it out again.
 */
#include <string.h>

#include "sgl_decoder_hooks.h"

int sgl_dec_map_or_create_slow(struct sgl_dec *d, enum sgl_object_class cls, GLuint *name,
			       bool creates, void (*gen)(GLsizei, GLuint *))
{
	GLuint h = 0;
	if (!creates || !gen)
		return sgl_dec_map_slow(d, cls, *name, &h);
	if (*name > d->maps[cls]->max_name) {
		sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
		return 1;
	}
	uint8_t g[4];
	gen(1, &h);
	memcpy(g, name, 4);
	int r = sgl_dec_insert_names(d, cls, g, 1, &h);
	if (r < 0)
		return r;
	*name = h;
	return 0;
}

/* "BindBuffer ... If an unused name is bound, a buffer object is created"
 * (GL 2.1, ES 2.0 and 3.x; the compatibility profile keeps it, the core
 * profile wants a name from GenBuffers: GL_INVALID_OPERATION). */
int sgl_pre_glBindBuffer(struct sgl_dec *d, GLenum *target, GLuint *buffer)
{
	(void)target;
	return sgl_dec_map_or_create(d, SGL_OBJ_BUFFER, buffer, d->ctx_compat || d->gles,
				     d->gl->GenBuffers);
}

/* "BeginQuery ... If id is an unused name, a query object is created"
 * holds in Mesa's compatibility profile (piglit's arb_occlusion_query2
 * render begins queries it deleted); the core profile and GLES want a
 * name from GenQueries (GL_INVALID_OPERATION). */
int sgl_pre_glBeginQuery(struct sgl_dec *d, GLenum *target, GLuint *id)
{
	(void)target;
	return sgl_dec_map_or_create(d, SGL_OBJ_QUERY, id, d->ctx_compat, d->gl->GenQueries);
}

int sgl_pre_glBeginQueryIndexed(struct sgl_dec *d, GLenum *target, GLuint *index, GLuint *id)
{
	(void)target;
	(void)index;
	return sgl_dec_map_or_create(d, SGL_OBJ_QUERY, id, d->ctx_compat, d->gl->GenQueries);
}

/* "If an unused name is bound ... a new texture object is created" holds
 * in the compatibility profile and GLES; the core profile wants a name
 * from GenTextures (GL_INVALID_OPERATION). */
int sgl_pre_glBindTexture(struct sgl_dec *d, GLenum *target, GLuint *texture)
{
	(void)target;
	return sgl_dec_map_or_create(d, SGL_OBJ_TEXTURE, texture, d->ctx_compat || d->gles,
				     d->gl->GenTextures);
}
