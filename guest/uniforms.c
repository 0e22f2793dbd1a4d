/*
 * glUniform*v counts far past the uniform (overrides.txt's uniform_count):
 * GL writes only the elements left in the array from the location and
 * refuses a count > 1 to a non-array, reading the application's values no
 * further. A count whose values fit SGL_UNIFORM_ASK_BYTES travels as it is;
 * a larger one (piglit glsl-uniform-out-of-bounds passes INT_MAX) is cut to
 * one more than the elements left, which the host answers: GL then does
 * what it would have done with the whole count, and the guest reads what GL
 * would have read plus at most one element the application vouched for.
 */
#include "encoder.h"

/* Past the largest default-block uniform array llvmpipe takes (16384
 * components of 4 bytes), so ordinary calls never wait for a reply. */
#define SGL_UNIFORM_ASK_BYTES (64 * 1024)

static int32_t remaining(struct sgl_enc *e, GLuint program, bool current, GLint location)
{
	struct sgl_cmd_sglUniformRemaining *c = (struct sgl_cmd_sglUniformRemaining *)sgl_enc_begin(
		e, SGL_OP_sglUniformRemaining, sizeof(*c));
	if (!c)
		return 0;
	c->program = program;
	c->location = location;
	c->current = current;
	c->pad_ = 0;
	const uint8_t *r = sgl_enc_reply(e, SGL_OP_sglUniformRemaining, 8);
	int32_t n = 0;
	if (r)
		memcpy(&n, r, sizeof(n));
	return n < 0 ? 0 : n;
}

GLsizei sgl_enc_uniform_count(struct sgl_enc *e, GLuint program, bool current, GLint location,
			      GLsizei count, int64_t bytes_each)
{
	/* A negative count raises GL_INVALID_VALUE as it is. */
	if (count <= 1 || bytes_each <= 0 || (int64_t)count <= SGL_UNIFORM_ASK_BYTES / bytes_each)
		return count;
	/* GL ignores location -1 and refuses the other negative ones, reading
	 * nothing either way. */
	if (location < 0)
		return 1;
	int32_t left = remaining(e, program, current, location);
	return left < count - 1 ? left + 1 : count;
}
