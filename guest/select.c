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
	if (r.count > (got - sizeof(r)) / 4)
		return 0;
	void *dst = r.left == GL_SELECT ? e->select_buf : r.left == GL_FEEDBACK ?
		    (void *)e->feedback_buf : NULL;
	uint32_t cap = r.left == GL_SELECT ? e->select_size : e->feedback_size;
	if (dst && r.count)
		memcpy(dst, p + sizeof(r), 4 * (size_t)(r.count < cap ? r.count : cap));
	return r.result;
}
