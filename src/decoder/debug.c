/*
 * Debug labels: the name in glObjectLabel / glGetObjectLabel belongs to the
 * namespace its identifier says; sync objects are labelled through their
 * guest handle (glObjectPtrLabel, glGetObjectPtrLabel).
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

static enum sgl_object_class label_class(GLenum identifier)
{
	switch (identifier) {
	case GL_BUFFER: return SGL_OBJ_BUFFER;
	case GL_SHADER:
	case GL_PROGRAM: return SGL_OBJ_PROGRAM;
	case GL_VERTEX_ARRAY: return SGL_OBJ_VERTEX_ARRAY;
	case GL_QUERY: return SGL_OBJ_QUERY;
	case GL_PROGRAM_PIPELINE: return SGL_OBJ_PROGRAM_PIPELINE;
	case GL_TRANSFORM_FEEDBACK: return SGL_OBJ_TRANSFORM_FEEDBACK;
	case GL_SAMPLER: return SGL_OBJ_SAMPLER;
	case GL_TEXTURE: return SGL_OBJ_TEXTURE;
	case GL_RENDERBUFFER: return SGL_OBJ_RENDERBUFFER;
	case GL_FRAMEBUFFER: return SGL_OBJ_FRAMEBUFFER;
	case GL_DISPLAY_LIST: return SGL_OBJ_DISPLAY_LIST;
	/* EXT_debug_label's own names for some of them. */
	case GL_BUFFER_OBJECT_EXT: return SGL_OBJ_BUFFER;
	case GL_SHADER_OBJECT_EXT:
	case GL_PROGRAM_OBJECT_EXT: return SGL_OBJ_PROGRAM;
	case GL_VERTEX_ARRAY_OBJECT_EXT: return SGL_OBJ_VERTEX_ARRAY;
	case GL_QUERY_OBJECT_EXT: return SGL_OBJ_QUERY;
	case GL_PROGRAM_PIPELINE_OBJECT_EXT: return SGL_OBJ_PROGRAM_PIPELINE;
	default: return SGL_OBJ_NONE;
	}
}

/* 1 (skip the call) when the name is unknown: `error`, as GL says for a
 * name that is no object of the identifier's type (KHR_debug:
 * GL_INVALID_VALUE, EXT_debug_label: GL_INVALID_OPERATION). An unknown
 * identifier goes to GL as it is, for its GL_INVALID_ENUM. */
static int map_label_name(struct sgl_dec *d, GLenum identifier, GLuint *name, GLenum error)
{
	enum sgl_object_class cls = label_class(identifier);
	if (cls == SGL_OBJ_NONE)
		return 0;
	uint64_t h = sgl_dec_lookup(d, cls, *name);
	if (!h) {
		sgl_dec_gl_error(d, error);
		return 1;
	}
	*name = (GLuint)h;
	return 0;
}

int sgl_pre_glObjectLabel(struct sgl_dec *d, GLenum *identifier, GLuint *name, GLsizei *length,
			  const GLchar **label)
{
	(void)length;
	(void)label;
	return map_label_name(d, *identifier, name, GL_INVALID_VALUE);
}

int sgl_pre_glGetObjectLabel(struct sgl_dec *d, GLenum *identifier, GLuint *name,
			     GLsizei *bufSize, GLsizei **length, GLchar **label)
{
	(void)bufSize;
	(void)length;
	(void)label;
	return map_label_name(d, *identifier, name, GL_INVALID_VALUE);
}

int sgl_pre_glLabelObjectEXT(struct sgl_dec *d, GLenum *type, GLuint *object, GLsizei *length,
			     const GLchar **label)
{
	(void)length;
	(void)label;
	return map_label_name(d, *type, object, GL_INVALID_OPERATION);
}

int sgl_pre_glGetObjectLabelEXT(struct sgl_dec *d, GLenum *type, GLuint *object,
				GLsizei *bufSize, GLsizei **length, GLchar **label)
{
	(void)bufSize;
	(void)length;
	(void)label;
	return map_label_name(d, *type, object, GL_INVALID_OPERATION);
}

int sgl_hand_glObjectPtrLabel(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glObjectPtrLabel c;
	const uint32_t op = SGL_OP_glObjectPtrLabel;
	if (size < sizeof(c))
		return sgl_dec_short(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	uint64_t n = c.has_label && c.length > 0 ? (uint64_t)c.length : 0;
	if (sizeof(c) + sgl_pad8(n) != size)
		return sgl_dec_size_mismatch(d, op, size, sizeof(c) + sgl_pad8(n));
	if (!d->gl->ObjectPtrLabel)
		return sgl_dec_missing(d, op);
	GLsync sync;
	if (sgl_dec_map_sync(d, c.sync, &sync))
		return 0;
	if (c.length < 0) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	/* Copied out of the command: GL reads exactly `length` bytes. */
	GLchar *label = NULL;
	if (c.has_label) {
		label = sgl_dec_scratch(d, n + 1);
		if (!label)
			return -EPROTO;
		memcpy(label, p + sizeof(c), n);
		label[n] = 0;
	}
	d->gl->ObjectPtrLabel(sync, (GLsizei)n, label);
	return 0;
}

int sgl_hand_glGetObjectPtrLabel(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetObjectPtrLabel c;
	const uint32_t op = SGL_OP_glGetObjectPtrLabel;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetObjectPtrLabel)
		return sgl_dec_missing(d, op);
	uint64_t want = c.bufSize > 0 ? (uint64_t)c.bufSize : 0;
	uint8_t *r = sgl_dec_reply_begin(d, op, 8 + want);
	if (!r)
		return -EPROTO;
	GLsync sync;
	if (c.bufSize < 0)
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
	else if (sgl_dec_map_sync(d, c.sync, &sync) == 0) {
		GLsizei n = 0;
		d->gl->GetObjectPtrLabel(sync, c.bufSize, &n, want ? (GLchar *)(r + 8) : NULL);
		memcpy(r, &n, 4);
	}
	return sgl_dec_reply_end(d);
}
