/*
 * glPushClientAttrib / glPopClientAttrib: the host's GL keeps the real
 * stack; the guest keeps a copy of the client state it tracks itself, so
 * that after a pop it describes what GL restored: the vertex arrays
 * (client pointers, enables, bindings, primitive restart) for
 * GL_CLIENT_VERTEX_ARRAY_BIT, the pixel store for GL_CLIENT_PIXEL_STORE_BIT.
 * A push past GL_MAX_CLIENT_ATTRIB_STACK_DEPTH and a pop of an empty stack
 * change nothing (GL raises GL_STACK_OVERFLOW / GL_STACK_UNDERFLOW).
 */
#include "encoder.h"

#include <stdlib.h>

struct sgl_client_attrib {
	GLbitfield mask;
	struct sgl_array_state arrays[SGL_ARRAY_SLOTS];
	uint64_t client_mask;
	GLenum client_active_texture;
	GLuint array_buffer, vertex_array, element_buffer;
	bool restart, restart_fixed;
	GLuint restart_index;
	struct sgl_pixel_store unpack, pack;
};

static bool push(struct sgl_enc *e, GLbitfield mask)
{
	if (!e->client_max) {
		GLint n = sgl_enc_host_limit(e, GL_MAX_CLIENT_ATTRIB_STACK_DEPTH, 16);
		e->client_max = n < 1 ? 1 : n > 256 ? 256 : (uint32_t)n;
	}
	if (e->client_depth >= e->client_max)
		return false;
	if (!e->client_stack) {
		e->client_stack = calloc(e->client_max, sizeof(*e->client_stack));
		if (!e->client_stack)
			return false;
	}
	struct sgl_client_attrib *a = &e->client_stack[e->client_depth++];
	GLuint *element = sgl_enc_buffer_binding(e, GL_ELEMENT_ARRAY_BUFFER);
	a->mask = mask;
	memcpy(a->arrays, e->arrays, sizeof(a->arrays));
	a->client_mask = e->client_mask;
	a->client_active_texture = e->client_active_texture;
	a->array_buffer = e->buffers[SGL_BUFFER_ARRAY];
	a->vertex_array = e->vertex_array;
	a->element_buffer = element ? *element : 0;
	a->restart = e->restart;
	a->restart_fixed = e->restart_fixed;
	a->restart_index = e->restart_index;
	a->unpack = e->unpack;
	a->pack = e->pack;
	return true;
}

void sgl_enc_track_glPushClientAttrib(struct sgl_enc *e, GLbitfield mask)
{
	push(e, mask);
}

/* EXT_direct_state_access: push, then the pushed state goes back to GL's
 * defaults. */
void sgl_enc_track_glPushClientAttribDefaultEXT(struct sgl_enc *e, GLbitfield mask)
{
	if (!push(e, mask))
		return;
	if (mask & GL_CLIENT_VERTEX_ARRAY_BIT) {
		memset(e->arrays, 0, sizeof(e->arrays));
		e->client_mask = 0;
		e->client_active_texture = GL_TEXTURE0;
		e->buffers[SGL_BUFFER_ARRAY] = 0;
		e->vertex_array = 0;
		GLuint *element = sgl_enc_buffer_binding(e, GL_ELEMENT_ARRAY_BUFFER);
		if (element)
			*element = 0;
		e->restart = e->restart_fixed = false;
		e->restart_index = 0;
	}
	if (mask & GL_CLIENT_PIXEL_STORE_BIT) {
		sgl_pixel_store_init(&e->unpack);
		sgl_pixel_store_init(&e->pack);
	}
}

void sgl_enc_track_glPopClientAttrib(struct sgl_enc *e)
{
	if (!e->client_depth)
		return;
	const struct sgl_client_attrib *a = &e->client_stack[--e->client_depth];
	if (a->mask & GL_CLIENT_VERTEX_ARRAY_BIT) {
		memcpy(e->arrays, a->arrays, sizeof(e->arrays));
		e->client_mask = a->client_mask;
		e->client_active_texture = a->client_active_texture;
		e->buffers[SGL_BUFFER_ARRAY] = a->array_buffer;
		e->vertex_array = a->vertex_array;
		GLuint *element = sgl_enc_buffer_binding(e, GL_ELEMENT_ARRAY_BUFFER);
		if (element)
			*element = a->element_buffer;
		e->restart = a->restart;
		e->restart_fixed = a->restart_fixed;
		e->restart_index = a->restart_index;
	}
	if (a->mask & GL_CLIENT_PIXEL_STORE_BIT) {
		e->unpack = a->unpack;
		e->pack = a->pack;
	}
}
