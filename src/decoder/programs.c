/*
 * Assembly programs and pointer queries: glGetProgramStringARB (its length
 * is the program's, which only the host knows), glGetVertexAttribPointerv
 * and glGetPointerv (only buffer offsets come back: the guest answers for
 * its client arrays and debug callback itself), the ranges of names
 * glGenFragmentShadersATI makes, and include search paths.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* Above this a range would mostly be a way to burn host memory. */
#define MAX_ATI_SHADER_RANGE 4096

int sgl_hand_glGetProgramStringARB(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetProgramStringARB c;
	const uint32_t op = SGL_OP_glGetProgramStringARB;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetProgramStringARB || !d->gl->GetProgramivARB)
		return sgl_dec_missing(d, op);
	/* An unknown target raises its error here, and leaves len at 0. */
	GLint len = 0;
	d->gl->GetProgramivARB(c.target, GL_PROGRAM_LENGTH_ARB, &len);
	if (c.pname != GL_PROGRAM_STRING_ARB) {
		sgl_dec_gl_error(d, GL_INVALID_ENUM);
		len = 0;
	}
	if (len < 0)
		len = 0;
	uint8_t *r = sgl_dec_reply_begin(d, op, 8 + (uint64_t)len);
	if (!r)
		return -EPROTO;
	uint32_t n = (uint32_t)len;
	memcpy(r, &n, 4);
	if (len)
		d->gl->GetProgramStringARB(c.target, c.pname, r + 8);
	return sgl_dec_reply_end(d);
}

static int pointer_reply(struct sgl_dec *d, uint32_t op, void *ptr)
{
	uint8_t *r = sgl_dec_reply_begin(d, op, 8);
	if (!r)
		return -EPROTO;
	uint64_t v = (uint64_t)(uintptr_t)ptr;
	memcpy(r, &v, 8);
	return sgl_dec_reply_end(d);
}

/* The host points GL only at buffers (client arrays are streamed into
 * buffers of its own): the value is an offset, never host memory. */
int sgl_hand_glGetVertexAttribPointerv(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetVertexAttribPointerv c;
	const uint32_t op = SGL_OP_glGetVertexAttribPointerv;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetVertexAttribPointerv)
		return sgl_dec_missing(d, op);
	void *ptr = NULL;
	d->gl->GetVertexAttribPointerv(c.index, c.pname, &ptr);
	return pointer_reply(d, op, ptr);
}

int sgl_hand_glGetPointerv(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetPointerv c;
	const uint32_t op = SGL_OP_glGetPointerv;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetPointerv)
		return sgl_dec_missing(d, op);
	void *ptr = NULL;
	switch (c.pname) {
	case GL_VERTEX_ARRAY_POINTER:
	case GL_NORMAL_ARRAY_POINTER:
	case GL_COLOR_ARRAY_POINTER:
	case GL_SECONDARY_COLOR_ARRAY_POINTER:
	case GL_FOG_COORD_ARRAY_POINTER:
	case GL_TEXTURE_COORD_ARRAY_POINTER:
	case GL_INDEX_ARRAY_POINTER:
	case GL_EDGE_FLAG_ARRAY_POINTER:
	case GL_POINT_SIZE_ARRAY_POINTER_OES:
		d->gl->GetPointerv(c.pname, &ptr);
		break;
	case GL_FEEDBACK_BUFFER_POINTER:
	case GL_SELECTION_BUFFER_POINTER:
	case GL_DEBUG_CALLBACK_FUNCTION:
	case GL_DEBUG_CALLBACK_USER_PARAM:
		/* Host memory or the host's callback: never the guest's business. */
		break;
	default: {
		/* Let GL raise the error the pname deserves. */
		void *scratch[4] = { NULL };
		d->gl->GetPointerv(c.pname, scratch);
		break;
	}
	}
	return pointer_reply(d, op, ptr);
}

/* As display lists: the guest picks a range of names, each maps to the
 * matching name of the host's range. */
int sgl_hand_glGenFragmentShadersATI(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGenFragmentShadersATI c;
	const uint32_t op = SGL_OP_glGenFragmentShadersATI;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GenFragmentShadersATI)
		return sgl_dec_missing(d, op);
	if (c.range == 0) {
		/* GL raises GL_INVALID_VALUE for 0 and inside Begin/End. */
		d->gl->GenFragmentShadersATI(0);
		return 0;
	}
	if (c.range > MAX_ATI_SHADER_RANGE || c.first == 0 ||
	    (uint64_t)c.first + c.range - 1 > d->maps[SGL_OBJ_FRAGMENT_SHADER_ATI]->max_name)
		return sgl_dec_fail(d, "glGenFragmentShadersATI: bad guest range %u+%u", c.first,
				    c.range);
	for (uint32_t i = 0; i < c.range; i++)
		if (sgl_dec_lookup(d, SGL_OBJ_FRAGMENT_SHADER_ATI, c.first + i))
			return sgl_dec_fail(d, "glGenFragmentShadersATI: name %u is in use",
					    c.first + i);
	GLuint base = d->gl->GenFragmentShadersATI(c.range);
	if (!base)
		return 0;
	for (uint32_t i = 0; i < c.range; i++) {
		int r = sgl_dec_created(d, SGL_OBJ_FRAGMENT_SHADER_ATI, c.first + i, base + i);
		if (r < 0)
			return r;
	}
	return 0;
}

int sgl_hand_glBindFragmentShaderATI(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glBindFragmentShaderATI c;
	const uint32_t op = SGL_OP_glBindFragmentShaderATI;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->BindFragmentShaderATI || !d->gl->GenFragmentShadersATI)
		return sgl_dec_missing(d, op);
	GLuint h = (GLuint)sgl_dec_lookup(d, SGL_OBJ_FRAGMENT_SHADER_ATI, c.id);
	if (c.id && !h) {
		/* GL creates the shader of an unused name on bind. Where GL
		 * refuses (inside Begin/End) it raised its error already. */
		if (c.id > d->maps[SGL_OBJ_FRAGMENT_SHADER_ATI]->max_name)
			return sgl_dec_fail(d, "glBindFragmentShaderATI: name %u passes the limit",
					    c.id);
		h = d->gl->GenFragmentShadersATI(1);
		int r = h ? sgl_dec_created(d, SGL_OBJ_FRAGMENT_SHADER_ATI, c.id, h) : 0;
		if (r < 0 || !h)
			return r;
	}
	d->gl->BindFragmentShaderATI(h);
	return 0;
}

int sgl_hand_glCompileShaderIncludeARB(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glCompileShaderIncludeARB c;
	const uint32_t op = SGL_OP_glCompileShaderIncludeARB;
	if (size < sizeof(c))
		return sgl_dec_short(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	const GLchar **paths = NULL;
	GLint *lens = NULL;
	/* NUL-terminated copies: GL reads each path up to its NUL. */
	int r = sgl_dec_string_array(d, op, p, size, sizeof(c), c.count, true, &paths, &lens);
	if (r)
		return r < 0 ? r : 0;
	if (!d->gl->CompileShaderIncludeARB)
		return sgl_dec_missing(d, op);
	/* "An INVALID_OPERATION error is generated if <shader> is not the name
	 * of a valid shader object generated by CreateShader"
	 * (ARB_shading_language_include), not the GL_INVALID_VALUE of other
	 * shader commands; a program's name is GL's to judge. */
	GLuint shader = (GLuint)sgl_dec_lookup(d, SGL_OBJ_PROGRAM, c.shader);
	if (!shader) {
		sgl_dec_gl_error(d, GL_INVALID_OPERATION);
		return 0;
	}
	d->gl->CompileShaderIncludeARB(shader, c.count, c.count ? paths : NULL, NULL);
	return 0;
}
