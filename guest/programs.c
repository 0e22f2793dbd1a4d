/*
 * Assembly programs: glGetProgramStringARB, whose length only the host
 * knows, and the ranges of names glGenFragmentShadersATI returns (picked
 * here, as display lists are).
 */
#include "encoder.h"

void sgl_enc_glGetProgramStringARB(struct sgl_enc *e, GLenum target, GLenum pname,
				   void *string)
{
	struct sgl_cmd_glGetProgramStringARB *c =
		(struct sgl_cmd_glGetProgramStringARB *)sgl_enc_begin(
			e, SGL_OP_glGetProgramStringARB, sizeof(*c));
	if (!c)
		return;
	c->target = target;
	c->pname = pname;
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, SGL_OP_glGetProgramStringARB, &got);
	uint32_t n;
	if (!r || got < 8)
		return;
	memcpy(&n, r, 4);
	/* The application sized `string` from GL_PROGRAM_LENGTH_ARB. */
	if (string && n <= got - 8)
		memcpy(string, r + 8, n);
}

GLuint sgl_enc_glGenFragmentShadersATI(struct sgl_enc *e, GLuint range)
{
	struct sgl_name_pool *p = &e->names[SGL_OBJ_FRAGMENT_SHADER_ATI];
	GLuint first = 0;
	/* Range 0 still travels: GL raises the error. */
	if (range && (uint64_t)p->next + range <= UINT32_MAX) {
		first = p->next + 1;
		p->next += range;
	} else if (range) {
		if (e->error == GL_NO_ERROR)
			e->error = GL_OUT_OF_MEMORY;
		return 0;
	}
	struct sgl_cmd_glGenFragmentShadersATI *c =
		(struct sgl_cmd_glGenFragmentShadersATI *)sgl_enc_begin(
			e, SGL_OP_glGenFragmentShadersATI, sizeof(*c));
	if (!c)
		return 0;
	c->first = first;
	c->range = range;
	return first;
}

void sgl_enc_glBindFragmentShaderATI(struct sgl_enc *e, GLuint id)
{
	/* Binding a name never generated creates it: later ranges start
	 * past it, so the host never sees a name twice. */
	struct sgl_name_pool *p = &e->names[SGL_OBJ_FRAGMENT_SHADER_ATI];
	if (id > p->next)
		p->next = id;
	struct sgl_cmd_glBindFragmentShaderATI *c =
		(struct sgl_cmd_glBindFragmentShaderATI *)sgl_enc_begin(
			e, SGL_OP_glBindFragmentShaderATI, sizeof(*c));
	if (!c)
		return;
	c->id = id;
	c->pad_ = 0;
}
