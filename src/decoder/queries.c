/* Query objects and textures named by the application without glGen*. */
#include <string.h>

#include "sgl_decoder_hooks.h"

/* The host object for guest name *name, made by `gen` when the name is
 * unused and `creates` (GL makes the object on first use); otherwise
 * GL's error for an unknown name. 0 stays 0. */
static int map_or_create(struct sgl_dec *d, enum sgl_object_class cls, GLuint *name,
			 bool creates, void (*gen)(GLsizei, GLuint *))
{
	GLuint h = *name ? (GLuint)sgl_dec_lookup(d, cls, *name) : 0;
	if (!h && *name && creates && gen) {
		uint8_t g[4];
		if (*name > d->maps[cls]->max_name) {
			sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
			return 1;
		}
		gen(1, &h);
		memcpy(g, name, 4);
		int r = sgl_dec_insert_names(d, cls, g, 1, &h);
		if (r < 0)
			return r;
	}
	if (!h && *name)
		return sgl_dec_map_slow(d, cls, *name, &h);
	*name = h;
	return 0;
}

/* "BeginQuery ... If id is an unused name, a query object is created"
 * holds in Mesa's compatibility profile (piglit's arb_occlusion_query2
 * render begins queries it deleted); the core profile and GLES want a
 * name from GenQueries (GL_INVALID_OPERATION). The guest marks the name
 * taken (sgl_enc_track_glBeginQuery). */
int sgl_pre_glBeginQuery(struct sgl_dec *d, GLenum *target, GLuint *id)
{
	(void)target;
	return map_or_create(d, SGL_OBJ_QUERY, id, d->ctx_compat, d->gl->GenQueries);
}

int sgl_pre_glBeginQueryIndexed(struct sgl_dec *d, GLenum *target, GLuint *index, GLuint *id)
{
	(void)target;
	(void)index;
	return map_or_create(d, SGL_OBJ_QUERY, id, d->ctx_compat, d->gl->GenQueries);
}

/* "If an unused name is bound ... a new texture object is created" holds
 * in the compatibility profile and GLES; the core profile wants a name
 * from GenTextures (GL_INVALID_OPERATION). The guest marks the name taken
 * (sgl_enc_track_glBindTexture). */
int sgl_pre_glBindTexture(struct sgl_dec *d, GLenum *target, GLuint *texture)
{
	(void)target;
	return map_or_create(d, SGL_OBJ_TEXTURE, texture, d->ctx_compat || d->gles,
			     d->gl->GenTextures);
}
