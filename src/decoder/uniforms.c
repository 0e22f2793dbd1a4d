/*
 * glGetUniform*v write as many values as the uniform at `location` has, a
 * number GL does not tell directly: the host finds the active uniform that
 * owns the location, sizes the reply from its type, and sends the count
 * first so the guest copies exactly that much. The same search answers
 * sglUniformRemaining: how many array elements a glUniform*v can write.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

static int components(GLenum type)
{
	switch (type) {
	case GL_FLOAT_VEC2: case GL_INT_VEC2: case GL_UNSIGNED_INT_VEC2: case GL_BOOL_VEC2:
	case GL_DOUBLE_VEC2: case 0x8FE9 /* INT64_VEC2 */: case 0x8FF5 /* UINT64_VEC2 */:
		return 2;
	case GL_FLOAT_VEC3: case GL_INT_VEC3: case GL_UNSIGNED_INT_VEC3: case GL_BOOL_VEC3:
	case GL_DOUBLE_VEC3: case 0x8FEA: case 0x8FF6:
		return 3;
	case GL_FLOAT_VEC4: case GL_INT_VEC4: case GL_UNSIGNED_INT_VEC4: case GL_BOOL_VEC4:
	case GL_DOUBLE_VEC4: case 0x8FEB: case 0x8FF7:
	case GL_FLOAT_MAT2: case GL_DOUBLE_MAT2:
		return 4;
	case GL_FLOAT_MAT2x3: case GL_FLOAT_MAT3x2: case GL_DOUBLE_MAT2x3: case GL_DOUBLE_MAT3x2:
		return 6;
	case GL_FLOAT_MAT2x4: case GL_FLOAT_MAT4x2: case GL_DOUBLE_MAT2x4: case GL_DOUBLE_MAT4x2:
		return 8;
	case GL_FLOAT_MAT3: case GL_DOUBLE_MAT3:
		return 9;
	case GL_FLOAT_MAT3x4: case GL_FLOAT_MAT4x3: case GL_DOUBLE_MAT3x4: case GL_DOUBLE_MAT4x3:
		return 12;
	case GL_FLOAT_MAT4: case GL_DOUBLE_MAT4:
		return 16;
	default:
		return 1;   /* scalars, samplers, images, atomic counters */
	}
}

/* The active uniform of `program` that owns `location`: its type and the
 * array elements from the location to its end (1 for a non-array). */
static bool find_uniform(struct sgl_dec *d, GLuint program, GLint location, GLenum *type,
			 GLint *left)
{
	const struct sgl_gl_table *gl = d->gl;
	GLint n = 0, len = 0, size = 0, max_len = 0;

	gl->GetProgramiv(program, GL_ACTIVE_UNIFORMS, &n);
	gl->GetProgramiv(program, GL_ACTIVE_UNIFORM_MAX_LENGTH, &max_len);
	if (n <= 0 || max_len <= 0 || max_len > 4096)
		return false;
	char *name = sgl_dec_scratch(d, (uint64_t)max_len + 16);
	if (!name)
		return false;
	for (GLint i = 0; i < n; i++) {
		gl->GetActiveUniform(program, (GLuint)i, max_len, &len, &size, type, name);
		GLint base = gl->GetUniformLocation(program, name);
		if (base < 0)
			continue;
		/* Array elements are at consecutive locations from element 0. */
		if (size < 1)
			size = 1;
		if (location >= base && location - base < size) {
			*left = size - (location - base);
			return true;
		}
	}
	return false;
}

/* Values of the uniform at `location` of `program`; 0 when none. */
static int uniform_count(struct sgl_dec *d, GLuint program, GLint location)
{
	GLenum type = 0;
	GLint left = 0;
	return find_uniform(d, program, location, &type, &left) ? components(type) : 0;
}

/* The program glUniform* writes: the current one, else the bound
 * pipeline's active program. */
static GLuint current_program(struct sgl_dec *d)
{
	GLint prog = 0, pipe = 0;
	d->gl->GetIntegerv(GL_CURRENT_PROGRAM, &prog);
	if (prog == 0 && d->gl->GetProgramPipelineiv) {
		d->gl->GetIntegerv(GL_PROGRAM_PIPELINE_BINDING, &pipe);
		if (pipe > 0)
			d->gl->GetProgramPipelineiv((GLuint)pipe, GL_ACTIVE_PROGRAM, &prog);
	}
	return prog > 0 ? (GLuint)prog : 0;
}

/* sglUniformRemaining (overrides.txt's uniform_count): the elements a
 * glUniform*v at the location can write, 0 where there is no uniform (the
 * command then raises GL's error). Asks only valid objects: no GL error. */
int sgl_hand_sglUniformRemaining(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglUniformRemaining c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_sglUniformRemaining, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	uint8_t *reply = sgl_dec_reply_begin(d, SGL_OP_sglUniformRemaining, 8);
	if (!reply)
		return -EPROTO;
	uint64_t host = c.current ? current_program(d) : sgl_dec_lookup(d, SGL_OBJ_PROGRAM, c.program);
	GLint linked = 0, left = 0;
	GLenum type = 0;
	if (host && host <= UINT32_MAX && d->gl->IsProgram((GLuint)host)) {
		d->gl->GetProgramiv((GLuint)host, GL_LINK_STATUS, &linked);
		if (!linked || c.location < 0 ||
		    !find_uniform(d, (GLuint)host, c.location, &type, &left))
			left = 0;
	}
	int32_t n = left;
	memcpy(reply, &n, sizeof(n));
	memset(reply + 4, 0, 4);
	return sgl_dec_reply_end(d);
}

/* The glGetUniform*v family (overrides.txt: custom get_uniform); `op` says
 * which, and the size of its values. */
int sgl_hand_get_uniform(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size)
{
	uint32_t esize = op == SGL_OP_glGetUniformdv || op == SGL_OP_glGetUniformi64vARB ||
				 op == SGL_OP_glGetUniformui64vARB ? 8 : 4;
	struct sgl_cmd_glGetUniform c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	GLuint program = 0;
	int r = c.program ? sgl_dec_map(d, SGL_OBJ_PROGRAM, c.program, &program) : 1;
	int count = r == 0 && c.location >= 0 ? uniform_count(d, program, c.location) : 0;
	if (r == 1 && !c.program)
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
	if (r < 0)
		return r;
	uint8_t *reply = sgl_dec_reply_begin(d, op, 8 + (uint64_t)count * esize);
	if (!reply)
		return -EPROTO;
	uint32_t n = (uint32_t)count;
	memcpy(reply, &n, 4);
	void *out = reply + 8;
	if (count == 0) {
		/* Let GL raise the error an invalid location deserves; room
		 * for the largest uniform in case the driver writes anyway. */
		if (r == 0) {
			GLdouble scratch[16];
			d->gl->GetUniformfv(program, c.location, (GLfloat *)(void *)scratch);
		}
		return sgl_dec_reply_end(d);
	}
	switch (op) {
	case SGL_OP_glGetUniformfv: d->gl->GetUniformfv(program, c.location, out); break;
	case SGL_OP_glGetUniformiv: d->gl->GetUniformiv(program, c.location, out); break;
	case SGL_OP_glGetUniformuiv: d->gl->GetUniformuiv(program, c.location, out); break;
	case SGL_OP_glGetUniformdv: d->gl->GetUniformdv(program, c.location, out); break;
	case SGL_OP_glGetUniformi64vARB:
		if (d->gl->GetUniformi64vARB)
			d->gl->GetUniformi64vARB(program, c.location, out);
		break;
	case SGL_OP_glGetUniformui64vARB:
		if (d->gl->GetUniformui64vARB)
			d->gl->GetUniformui64vARB(program, c.location, out);
		break;
	default: break;
	}
	return sgl_dec_reply_end(d);
}
