/*
 * Commands with arrays of pointers (guest/blocks.c): transform feedback
 * varyings and uniform names travel as string arrays (strings.c); uniform
 * block queries are sized here from GL's own answer.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* The fixed struct of a string-array command into `c`, then its strings
 * (NUL-terminated copies); every such struct has its count at offset 12. */
static int read_strings(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size,
			void *c, size_t fixed, const GLchar ***strs)
{
	_Static_assert(offsetof(struct sgl_cmd_glTransformFeedbackVaryings, count) == 12, "");
	_Static_assert(offsetof(struct sgl_cmd_glGetUniformIndices, count) == 12, "");
	_Static_assert(offsetof(struct sgl_cmd_glCreateShaderProgramv, count) == 12, "");
	if (size < fixed)
		return sgl_dec_short(d, op, size, fixed);
	memcpy(c, p, fixed);
	int32_t count;
	memcpy(&count, p + 12, sizeof(count));
	GLint *lens = NULL;
	return sgl_dec_string_array(d, op, p, size, fixed, count, true, strs, &lens);
}

int sgl_hand_glTransformFeedbackVaryings(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glTransformFeedbackVaryings c;
	const uint32_t op = SGL_OP_glTransformFeedbackVaryings;
	const GLchar **names = NULL;
	int r = read_strings(d, op, p, size, &c, sizeof(c), &names);
	if (r)
		return r < 0 ? r : 0;
	if (!d->gl->TransformFeedbackVaryings)
		return sgl_dec_missing(d, op);
	GLuint program;
	r = sgl_dec_map(d, SGL_OBJ_PROGRAM, c.program, &program);
	if (r)
		return r < 0 ? r : 0;
	d->gl->TransformFeedbackVaryings(program, c.count, names, c.bufferMode);
	return 0;
}

/* Replies u32 n, pad, then n u32 values at *out (zeroed). */
static uint8_t *counted_reply(struct sgl_dec *d, uint32_t op, uint32_t n, GLuint **out)
{
	uint8_t *r = sgl_dec_reply_begin(d, op, 8 + (uint64_t)n * 4);
	if (!r)
		return NULL;
	memcpy(r, &n, 4);
	*out = (GLuint *)(void *)(r + 8);
	return r;
}

int sgl_hand_glGetUniformIndices(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetUniformIndices c;
	const uint32_t op = SGL_OP_glGetUniformIndices;
	const GLchar **names = NULL;
	int r = read_strings(d, op, p, size, &c, sizeof(c), &names);
	if (r < 0)
		return r;
	if (!d->gl->GetUniformIndices)
		return sgl_dec_missing(d, op);
	GLuint program = 0;
	if (r == 0)
		r = sgl_dec_map(d, SGL_OBJ_PROGRAM, c.program, &program);
	if (r < 0)
		return r;
	/* n = 0 when GL writes nothing (a negative count, an unknown program). */
	GLuint *out;
	if (!counted_reply(d, op, r == 0 ? (uint32_t)c.count : 0, &out))
		return -EPROTO;
	if (r == 0)
		d->gl->GetUniformIndices(program, c.count, names, out);
	return sgl_dec_reply_end(d);
}

/* GL_UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES has one value per active uniform
 * of the block; every other pname one. */
int sgl_hand_glGetActiveUniformBlockiv(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetActiveUniformBlockiv c;
	const uint32_t op = SGL_OP_glGetActiveUniformBlockiv;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetActiveUniformBlockiv)
		return sgl_dec_missing(d, op);
	GLuint program = 0;
	int r = sgl_dec_map(d, SGL_OBJ_PROGRAM, c.program, &program);
	if (r < 0)
		return r;
	uint32_t n = 0;
	if (r == 0) {
		GLint count = 1;
		if (c.pname == GL_UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES) {
			count = -1;
			d->gl->GetActiveUniformBlockiv(program, c.uniformBlockIndex,
						       GL_UNIFORM_BLOCK_ACTIVE_UNIFORMS, &count);
		}
		/* -1 (still): GL raised an error for the block or program. */
		n = count > 0 && count <= 1 << 20 ? (uint32_t)count : 0;
	}
	GLuint *out;
	if (!counted_reply(d, op, n, &out))
		return -EPROTO;
	if (n == 1 && c.pname != GL_UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES) {
		/* Room for a driver that writes more than one value. */
		GLint v[4] = { 0 };
		d->gl->GetActiveUniformBlockiv(program, c.uniformBlockIndex, c.pname, v);
		memcpy(out, v, 4);
	} else if (n) {
		d->gl->GetActiveUniformBlockiv(program, c.uniformBlockIndex, c.pname,
					       (GLint *)out);
	} else if (r == 0) {
		/* Let GL raise the error the arguments deserve. */
		GLint v[4] = { 0 };
		d->gl->GetActiveUniformBlockiv(program, c.uniformBlockIndex, c.pname, v);
	}
	return sgl_dec_reply_end(d);
}

int sgl_hand_glCreateShaderProgramv(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glCreateShaderProgramv c;
	const uint32_t op = SGL_OP_glCreateShaderProgramv;
	const GLchar **srcs = NULL;
	/* NUL-terminated copies: GL reads each source up to its NUL. */
	int r = read_strings(d, op, p, size, &c, sizeof(c), &srcs);
	if (r)
		return r < 0 ? r : 0;
	if (!d->gl->CreateShaderProgramv)
		return sgl_dec_missing(d, op);
	GLuint prog = d->gl->CreateShaderProgramv(c.type, c.count, srcs);
	r = sgl_dec_created(d, SGL_OBJ_PROGRAM, c.new_name, (uint64_t)prog);
	return r < 0 ? r : 0;
}
