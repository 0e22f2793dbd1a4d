/*
 * Selection and feedback: the host owns the buffers GL writes (the
 * application's pointer means nothing there); glRenderMode brings their
 * contents back into the application's buffer when the mode ends.
 */
#include "encoder.h"

#include <string.h>

void sgl_enc_glSelectBuffer(struct sgl_enc *e, GLsizei size, GLuint *buffer)
{
	struct sgl_cmd_glSelectBuffer *c = (struct sgl_cmd_glSelectBuffer *)sgl_enc_begin(
		e, SGL_OP_glSelectBuffer, sizeof(*c));
	if (!c)
		return;
	c->size = size;
	c->pad_ = 0;
	if (size >= 0 && (uint32_t)size <= SGL_RENDER_BUFFER_MAX) {
		e->select_buf = buffer;
		e->select_size = (uint32_t)size;
	}
}

void sgl_enc_glFeedbackBuffer(struct sgl_enc *e, GLsizei size, GLenum type, GLfloat *buffer)
{
	struct sgl_cmd_glFeedbackBuffer *c = (struct sgl_cmd_glFeedbackBuffer *)sgl_enc_begin(
		e, SGL_OP_glFeedbackBuffer, sizeof(*c));
	if (!c)
		return;
	c->size = size;
	c->type = type;
	if (size >= 0 && (uint32_t)size <= SGL_RENDER_BUFFER_MAX) {
		e->feedback_buf = buffer;
		e->feedback_size = (uint32_t)size;
	}
}

GLint sgl_enc_glRenderMode(struct sgl_enc *e, GLenum mode)
{
	struct sgl_render_mode_reply r;
	struct sgl_cmd_glRenderMode *c = (struct sgl_cmd_glRenderMode *)sgl_enc_begin(
		e, SGL_OP_glRenderMode, sizeof(*c));
	if (!c)
		return 0;
	c->mode = mode;
	c->pad_ = 0;
	/* The reply's size depends on the host's state: take what came. */
	size_t got = 0;
	const uint8_t *p = sgl_enc_reply_any(e, SGL_OP_glRenderMode, &got);
	if (!p || got < sizeof(r))
		return 0;
	memcpy(&r, p, sizeof(r));
	if (e->reply_error)
		return r.result;
	if (r.count > (got - sizeof(r)) / 4)
		return 0;
	void *dst = r.left == GL_SELECT ? e->select_buf : r.left == GL_FEEDBACK ?
		    (void *)e->feedback_buf : NULL;
	uint32_t cap = r.left == GL_SELECT ? e->select_size : e->feedback_size;
	if (dst && r.count)
		memcpy(dst, p + sizeof(r), 4 * (size_t)(r.count < cap ? r.count : cap));
	return r.result;
}

/* ---- Pointer queries: client arrays and the selection/feedback buffers
 * are the application's pointers, kept here; the rest (buffer offsets)
 * come from the host. ---- */

static void *reply_pointer(struct sgl_enc *e, uint32_t op)
{
	uint64_t v = 0;
	const uint8_t *r = sgl_enc_reply(e, op, 8);
	if (r)
		memcpy(&v, r, 8);
	return (void *)(uintptr_t)v;
}

static void *host_attrib_pointer(struct sgl_enc *e, GLuint index, GLenum pname)
{
	struct sgl_cmd_glGetVertexAttribPointerv *c =
		(struct sgl_cmd_glGetVertexAttribPointerv *)sgl_enc_begin(
			e, SGL_OP_glGetVertexAttribPointerv, sizeof(*c));
	if (!c)
		return NULL;
	c->index = index;
	c->pname = pname;
	return reply_pointer(e, SGL_OP_glGetVertexAttribPointerv);
}

static void *host_pointer(struct sgl_enc *e, GLenum pname)
{
	struct sgl_cmd_glGetPointerv *c = (struct sgl_cmd_glGetPointerv *)sgl_enc_begin(
		e, SGL_OP_glGetPointerv, sizeof(*c));
	if (!c)
		return NULL;
	c->pname = pname;
	c->pad_ = 0;
	return reply_pointer(e, SGL_OP_glGetPointerv);
}

static const struct sgl_array_state *client_array(struct sgl_enc *e, int slot)
{
	if (slot < 0 || e->vertex_array != 0 || !e->arrays[slot].client)
		return NULL;
	return &e->arrays[slot];
}

void sgl_enc_glGetVertexAttribPointerv(struct sgl_enc *e, GLuint index, GLenum pname,
				       void **pointer)
{
	const struct sgl_array_state *a = client_array(e, pname == GL_VERTEX_ATTRIB_ARRAY_POINTER ?
						       sgl_enc_generic_slot(e, index) : -1);
	e->reply_error = false;
	void *v = a ? (void *)(uintptr_t)a->pointer :
		  host_attrib_pointer(e, index, pname);
	if (pointer && !e->reply_error)   /* GL writes nothing on error */
		*pointer = v;
}

void sgl_enc_glGetPointerv(struct sgl_enc *e, GLenum pname, void **params)
{
	static const GLenum fixed[] = { GL_VERTEX_ARRAY_POINTER, GL_NORMAL_ARRAY_POINTER,
					GL_COLOR_ARRAY_POINTER, GL_SECONDARY_COLOR_ARRAY_POINTER,
					GL_FOG_COORD_ARRAY_POINTER, GL_EDGE_FLAG_ARRAY_POINTER,
					GL_INDEX_ARRAY_POINTER, GL_POINT_SIZE_ARRAY_POINTER_OES };
	const struct sgl_array_state *a = NULL;
	void *v;
	e->reply_error = false;
	for (int i = 0; i < (int)(sizeof(fixed) / sizeof(fixed[0])); i++)
		if (pname == fixed[i])
			a = client_array(e, SGL_GENERIC_ARRAYS + i);
	if (pname == GL_TEXTURE_COORD_ARRAY_POINTER) {
		unsigned unit = e->client_active_texture ? e->client_active_texture - GL_TEXTURE0 : 0;
		if (unit < SGL_TEXCOORD_ARRAYS)
			a = client_array(e, SGL_GENERIC_ARRAYS + SGL_FIXED_ARRAYS + (int)unit);
	}
	if (a)
		v = (void *)(uintptr_t)a->pointer;
	else if (pname == GL_DEBUG_CALLBACK_FUNCTION)
		v = (void *)(uintptr_t)e->debug_callback;
	else if (pname == GL_DEBUG_CALLBACK_USER_PARAM)
		v = (void *)(uintptr_t)e->debug_user;
	else if (pname == GL_SELECTION_BUFFER_POINTER)
		v = e->select_buf;
	else if (pname == GL_FEEDBACK_BUFFER_POINTER)
		v = e->feedback_buf;
	else
		v = host_pointer(e, pname);
	if (params && !e->reply_error)   /* GL writes nothing on error */
		*params = v;
}
