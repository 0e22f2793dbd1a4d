/*
 * Selection and feedback modes. glSelectBuffer and glFeedbackBuffer hand GL
 * a buffer it writes during later draws: it must be ours and live as long
 * as GL may use it (never a reply buffer). glRenderMode returns what was
 * written to the guest, which copies it into the application's buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* A new buffer for GL; the old one is freed once GL no longer has it. */
static int set_buffer(struct sgl_dec *d, GLenum busy_mode, int32_t size, void **buf,
		      uint32_t *cur_size, void (*give)(struct sgl_dec *, int32_t, void *, GLenum),
		      GLenum type)
{
	GLint mode = GL_RENDER;
	d->gl->GetIntegerv(GL_RENDER_MODE, &mode);
	if (size < 0 || (uint32_t)size > SGL_RENDER_BUFFER_MAX || (GLenum)mode == busy_mode) {
		/* GL: negative size is GL_INVALID_VALUE, a change while the
		 * mode runs GL_INVALID_OPERATION; ours is only a bound. */
		sgl_dec_gl_error(d, (GLenum)mode == busy_mode ? GL_INVALID_OPERATION :
				    GL_INVALID_VALUE);
		return 0;
	}
	void *fresh = calloc(size ? (size_t)size : 1, 4);
	if (!fresh) {
		sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
		return 0;
	}
	give(d, size, fresh, type);
	if (d->gl->GetError() != GL_NO_ERROR) {
		/* GL kept the old buffer (a bad feedback type). */
		free(fresh);
		sgl_dec_gl_error(d, GL_INVALID_ENUM);
		return 0;
	}
	free(*buf);
	*buf = fresh;
	*cur_size = (uint32_t)size;
	return 0;
}

static void give_select(struct sgl_dec *d, int32_t size, void *buf, GLenum type)
{
	(void)type;
	d->gl->SelectBuffer(size, buf);
}

static void give_feedback(struct sgl_dec *d, int32_t size, void *buf, GLenum type)
{
	d->gl->FeedbackBuffer(size, type, buf);
}

int sgl_hand_glSelectBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glSelectBuffer c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glSelectBuffer, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->SelectBuffer || !d->gl->RenderMode)
		return sgl_dec_missing(d, SGL_OP_glSelectBuffer);
	return set_buffer(d, GL_SELECT, c.size, &d->select_buf, &d->select_size, give_select, 0);
}

int sgl_hand_glFeedbackBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glFeedbackBuffer c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glFeedbackBuffer, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->FeedbackBuffer || !d->gl->RenderMode)
		return sgl_dec_missing(d, SGL_OP_glFeedbackBuffer);
	return set_buffer(d, GL_FEEDBACK, c.size, &d->feedback_buf, &d->feedback_size,
			  give_feedback, c.type);
}

int sgl_hand_glRenderMode(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glRenderMode c;
	struct sgl_render_mode_reply r = { 0 };
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glRenderMode, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->RenderMode)
		return sgl_dec_missing(d, SGL_OP_glRenderMode);
	GLint left = GL_RENDER;
	d->gl->GetIntegerv(GL_RENDER_MODE, &left);
	r.result = d->gl->RenderMode(c.mode);
	r.left = (uint32_t)left;
	GLint now = GL_RENDER;
	d->gl->GetIntegerv(GL_RENDER_MODE, &now);
	const void *src = NULL;
	if (now != left && left == GL_SELECT && d->select_buf) {
		/* Hit records: their length is not the hit count; all of it. */
		src = d->select_buf;
		r.count = d->select_size;
	} else if (now != left && left == GL_FEEDBACK && d->feedback_buf) {
		src = d->feedback_buf;
		r.count = r.result < 0 || (uint32_t)r.result > d->feedback_size ?
				  d->feedback_size : (uint32_t)r.result;
	}
	uint8_t *out = sgl_dec_reply_begin(d, SGL_OP_glRenderMode, sizeof(r) + sgl_pad8(4ull * r.count));
	if (!out)
		return -EPROTO;
	memcpy(out, &r, sizeof(r));
	if (r.count)
		memcpy(out + sizeof(r), src, 4ull * r.count);
	return sgl_dec_reply_end(d);
}
