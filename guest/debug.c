/*
 * KHR_debug / ARB_debug_output on the guest. Strings given with a negative
 * length are measured here, so they travel with their length like any
 * other array. The application's callback cannot run on the host: while
 * one is set, the guest drains the host's message log at each glGetError
 * and glFinish and calls it with every message, so the log the
 * application sees stays empty, as GL specifies with a callback.
 */
#include "encoder.h"

#include <stdlib.h>

static GLsizei measured(const GLchar *s, GLsizei length)
{
	if (!s)
		return 0;
	return length < 0 ? (GLsizei)strnlen(s, INT32_MAX) : length;
}

void sgl_enc_glObjectLabel(struct sgl_enc *e, GLenum identifier, GLuint name, GLsizei length,
			   const GLchar *label)
{
	sgl_enc_raw_glObjectLabel(e, identifier, name, measured(label, length), label);
}

void sgl_enc_glPushDebugGroup(struct sgl_enc *e, GLenum source, GLuint id, GLsizei length,
			      const GLchar *message)
{
	sgl_enc_raw_glPushDebugGroup(e, source, id, measured(message, length), message);
}

void sgl_enc_glDebugMessageInsert(struct sgl_enc *e, GLenum source, GLenum type, GLuint id,
				  GLenum severity, GLsizei length, const GLchar *buf)
{
	sgl_enc_raw_glDebugMessageInsert(e, source, type, id, severity, measured(buf, length), buf);
}

void sgl_enc_glObjectPtrLabel(struct sgl_enc *e, const void *ptr, GLsizei length,
			      const GLchar *label)
{
	GLsizei n = measured(label, length);
	uint64_t bytes = n > 0 ? (uint64_t)n : 0;
	struct sgl_cmd_glObjectPtrLabel *c = (struct sgl_cmd_glObjectPtrLabel *)sgl_enc_begin(
		e, SGL_OP_glObjectPtrLabel, sizeof(*c) + sgl_pad8(bytes));
	if (!c)
		return;
	c->sync = (uint64_t)(uintptr_t)ptr;
	c->length = n;
	c->has_label = label != NULL;
	if (bytes)
		memcpy(c + 1, label, (size_t)bytes);
	sgl_enc_zero_pad((uint8_t *)(c + 1), bytes);
}

void sgl_enc_glGetObjectPtrLabel(struct sgl_enc *e, const void *ptr, GLsizei bufSize,
				 GLsizei *length, GLchar *label)
{
	struct sgl_cmd_glGetObjectPtrLabel *c = (struct sgl_cmd_glGetObjectPtrLabel *)sgl_enc_begin(
		e, SGL_OP_glGetObjectPtrLabel, sizeof(*c));
	if (!c)
		return;
	c->sync = (uint64_t)(uintptr_t)ptr;
	c->bufSize = bufSize;
	c->pad_ = 0;
	uint64_t want = bufSize > 0 ? (uint64_t)bufSize : 0;
	const uint8_t *r = sgl_enc_reply(e, SGL_OP_glGetObjectPtrLabel, 8 + want);
	if (!r || e->reply_error)
		return;
	int32_t n;
	memcpy(&n, r, 4);
	if (length)
		*length = n;
	if (label && want)
		memcpy(label, r + 8, (size_t)want);
}

void sgl_enc_glDebugMessageCallback(struct sgl_enc *e, GLDEBUGPROC callback,
				    const void *userParam)
{
	e->debug_callback = callback;
	e->debug_user = userParam;
}

#define DRAIN_BATCH 16
#define DRAIN_TEXT 4096

/* Runs the application's callback with what the host logged since. */
void sgl_enc_debug_drain(struct sgl_enc *e)
{
	if (!e->debug_callback || e->debug_draining || e->failed)
		return;
	e->debug_draining = true;
	GLchar *text = malloc(DRAIN_BATCH * DRAIN_TEXT);
	GLenum src[DRAIN_BATCH], type[DRAIN_BATCH], sev[DRAIN_BATCH];
	GLuint ids[DRAIN_BATCH];
	GLsizei len[DRAIN_BATCH];
	GLuint n = text ? DRAIN_BATCH : 0;
	while (n == DRAIN_BATCH && e->debug_callback) {
		n = sgl_enc_glGetDebugMessageLog(e, DRAIN_BATCH, DRAIN_BATCH * DRAIN_TEXT, src, type,
						 ids, sev, len, text);
		size_t at = 0;
		for (GLuint i = 0; i < n && i < DRAIN_BATCH; i++) {
			if (len[i] <= 0 || (size_t)len[i] > DRAIN_BATCH * DRAIN_TEXT - at)
				break;
			/* GL counts the NUL in the lengths it logs; callbacks get
			 * the length without it. */
			e->debug_callback(src[i], type[i], ids[i], sev[i], len[i] - 1, text + at,
					  e->debug_user);
			at += (size_t)len[i];
		}
	}
	free(text);
	e->debug_draining = false;
}
