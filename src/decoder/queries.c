/* Query objects and textures named by the application without glGen*. */
#include <string.h>

#include "sgl_decoder_hooks.h"

/* "BeginQuery ... If id is an unused name, a query object is created"
 * holds in Mesa's compatibility profile (piglit's arb_occlusion_query2
 * render begins queries it deleted); the core profile and GLES want a
 * name from GenQueries (GL_INVALID_OPERATION). The guest marks the name
 * taken (sgl_enc_track_glBeginQuery). */
static int begin_query_name(struct sgl_dec *d, GLuint *id)
{
	GLuint h = *id ? (GLuint)sgl_dec_lookup(d, SGL_OBJ_QUERY, *id) : 0;
	if (!h && *id && d->ctx_compat && d->gl->GenQueries) {
		uint8_t g[4];
		if (*id > d->maps[SGL_OBJ_QUERY]->max_name) {
			sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
			return 1;
		}
		d->gl->GenQueries(1, &h);
		memcpy(g, id, 4);
		int r = sgl_dec_insert_names(d, SGL_OBJ_QUERY, g, 1, &h);
		if (r < 0)
			return r;
	}
	if (!h && *id)
		return sgl_dec_map_slow(d, SGL_OBJ_QUERY, *id, &h);
	*id = h;
	return 0;
}

int sgl_pre_glBeginQuery(struct sgl_dec *d, GLenum *target, GLuint *id)
{
	(void)target;
	return begin_query_name(d, id);
}

int sgl_pre_glBeginQueryIndexed(struct sgl_dec *d, GLenum *target, GLuint *index, GLuint *id)
{
	(void)target;
	(void)index;
	return begin_query_name(d, id);
}

/* "If an unused name is bound ... a new texture object is created" holds
 * in the compatibility profile and GLES; the core profile wants a name
 * from GenTextures (GL_INVALID_OPERATION). The guest marks the name taken
 * (sgl_enc_track_glBindTexture). */
int sgl_pre_glBindTexture(struct sgl_dec *d, GLenum *target, GLuint *texture)
{
	(void)target;
	GLuint h = *texture ? (GLuint)sgl_dec_lookup(d, SGL_OBJ_TEXTURE, *texture) : 0;
	if (!h && *texture && (d->ctx_compat || d->gles)) {
		uint8_t g[4];
		if (*texture > d->maps[SGL_OBJ_TEXTURE]->max_name) {
			sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
			return 1;
		}
		d->gl->GenTextures(1, &h);
		memcpy(g, texture, 4);
		int r = sgl_dec_insert_names(d, SGL_OBJ_TEXTURE, g, 1, &h);
		if (r < 0)
			return r;
	}
	if (!h && *texture)
		return sgl_dec_map_slow(d, SGL_OBJ_TEXTURE, *texture, &h);
	*texture = h;
	return 0;
}
