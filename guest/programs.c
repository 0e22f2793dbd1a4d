/*
 * Assembly programs: glGetProgramStringARB, whose length only the host
 * knows, and the ranges of names glGenFragmentShadersATI returns (picked
 * here, as display lists are). Shader includes: named strings whose
 * negative lengths (NUL-terminated) are measured here, and search paths.
 */
#include "encoder.h"

#include <stdlib.h>

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
	if (!r || e->reply_error || got < 8)
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
		sgl_enc_error(e, GL_OUT_OF_MEMORY);
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

static GLint measured(const GLchar *s, GLint length)
{
	return s && length < 0 ? (GLint)strnlen(s, INT32_MAX) : length;
}

void sgl_enc_glNamedStringARB(struct sgl_enc *e, GLenum type, GLint namelen, const GLchar *name,
			      GLint stringlen, const GLchar *string)
{
	sgl_enc_raw_glNamedStringARB(e, type, measured(name, namelen), name,
				     measured(string, stringlen), string);
}

void sgl_enc_glDeleteNamedStringARB(struct sgl_enc *e, GLint namelen, const GLchar *name)
{
	sgl_enc_raw_glDeleteNamedStringARB(e, measured(name, namelen), name);
}

GLboolean sgl_enc_glIsNamedStringARB(struct sgl_enc *e, GLint namelen, const GLchar *name)
{
	return sgl_enc_raw_glIsNamedStringARB(e, measured(name, namelen), name);
}

void sgl_enc_glGetNamedStringARB(struct sgl_enc *e, GLint namelen, const GLchar *name,
				 GLsizei bufSize, GLint *stringlen, GLchar *string)
{
	sgl_enc_raw_glGetNamedStringARB(e, measured(name, namelen), name, bufSize, stringlen,
					string);
}

void sgl_enc_glGetNamedStringivARB(struct sgl_enc *e, GLint namelen, const GLchar *name,
				   GLenum pname, GLint *params)
{
	sgl_enc_raw_glGetNamedStringivARB(e, measured(name, namelen), name, pname, params);
}

void sgl_enc_glCompileShaderIncludeARB(struct sgl_enc *e, GLuint shader, GLsizei count,
				       const GLchar *const *path, const GLint *length)
{
	/* GL_INVALID_VALUE for a NULL path, as GL raises it. */
	bool null = count > 0 && !path;
	for (GLsizei i = 0; !null && i < count; i++)
		null = !path[i];
	if (null) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	struct sgl_cmd_glCompileShaderIncludeARB *c = sgl_enc_string_array(
		e, SGL_OP_glCompileShaderIncludeARB, sizeof(*c), count, path, length);
	if (!c)
		return;
	c->shader = shader;
	c->count = count;
}
