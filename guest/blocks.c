/*
 * Encoders written by hand for commands with arrays of pointers: string
 * arrays (transform feedback varyings, uniform names), multi-draws with one
 * index pointer per draw, and glGetBufferPointerv, which the guest answers
 * from its own map shadows. Wire structs in protocol/sgl_wire.h.
 */
#include "encoder.h"

#include <stdlib.h>

void sgl_enc_glTransformFeedbackVaryings(struct sgl_enc *e, GLuint program, GLsizei count,
					 const GLchar *const *varyings, GLenum bufferMode)
{
	struct sgl_cmd_glTransformFeedbackVaryings *c = sgl_enc_string_array(
		e, SGL_OP_glTransformFeedbackVaryings, sizeof(*c), count, varyings, NULL);
	if (!c)
		return;
	c->program = program;
	c->count = count;
	c->bufferMode = bufferMode;
	c->pad_ = 0;
}

void sgl_enc_glGetUniformIndices(struct sgl_enc *e, GLuint program, GLsizei uniformCount,
				 const GLchar *const *uniformNames, GLuint *uniformIndices)
{
	struct sgl_cmd_glGetUniformIndices *c = sgl_enc_string_array(
		e, SGL_OP_glGetUniformIndices, sizeof(*c), uniformCount, uniformNames, NULL);
	if (!c)
		return;
	c->program = program;
	c->count = uniformCount;
	sgl_enc_reply_counted(e, SGL_OP_glGetUniformIndices, uniformIndices, 4,
			      uniformCount > 0 ? (size_t)uniformCount : 0);
}

void sgl_enc_glGetActiveUniformBlockiv(struct sgl_enc *e, GLuint program,
				       GLuint uniformBlockIndex, GLenum pname, GLint *params)
{
	struct sgl_cmd_glGetActiveUniformBlockiv *c =
		(struct sgl_cmd_glGetActiveUniformBlockiv *)sgl_enc_begin(
			e, SGL_OP_glGetActiveUniformBlockiv, sizeof(*c));
	if (!c)
		return;
	c->program = program;
	c->uniformBlockIndex = uniformBlockIndex;
	c->pname = pname;
	c->pad_ = 0;
	/* The application sized `params` from GL_UNIFORM_BLOCK_ACTIVE_UNIFORMS,
	 * which the host used too. */
	sgl_enc_reply_counted(e, SGL_OP_glGetActiveUniformBlockiv, params, 4, SIZE_MAX / 4);
}

/* Multi-draws: one draw per element, so each index pointer travels (or is
 * an offset) exactly as for glDrawElements*. */
void sgl_enc_glMultiDrawElements(struct sgl_enc *e, GLenum mode, const GLsizei *count,
				 GLenum type, const void *const *indices, GLsizei drawcount)
{
	if (drawcount < 0) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	for (GLsizei i = 0; i < drawcount; i++)
		sgl_enc_glDrawElements(e, mode, count[i], type, indices[i]);
}

void sgl_enc_glMultiDrawElementsBaseVertex(struct sgl_enc *e, GLenum mode, const GLsizei *count,
					   GLenum type, const void *const *indices,
					   GLsizei drawcount, const GLint *basevertex)
{
	if (drawcount < 0) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	for (GLsizei i = 0; i < drawcount; i++)
		sgl_enc_glDrawElementsBaseVertex(e, mode, count[i], type, indices[i],
						 basevertex[i]);
}

/* The map pointer is the guest's shadow copy (guest/buffers.c). */
void sgl_enc_glGetBufferPointerv(struct sgl_enc *e, GLenum target, GLenum pname,
				 void **params)
{
	if (pname != GL_BUFFER_MAP_POINTER) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return;
	}
	const struct sgl_map *m = sgl_enc_find_map(e, target);
	*params = m ? m->shadow : NULL;
}

GLuint sgl_enc_glCreateShaderProgramv(struct sgl_enc *e, GLenum type, GLsizei count,
				      const GLchar *const *strings)
{
	if (count < 0) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return 0;
	}
	/* GL sets the source as glShaderSource does, errors included, and
	 * goes on to compile and link: NULL strings travel as empty ones. */
	if (!strings) {
		sgl_enc_error(e, GL_INVALID_VALUE);
	} else {
		for (GLsizei i = 0; i < count; i++) {
			if (!strings[i]) {
				sgl_enc_error(e, GL_INVALID_OPERATION);
				break;
			}
		}
	}
	const uint32_t name = sgl_enc_new_name(e, SGL_OBJ_PROGRAM);
	struct sgl_cmd_glCreateShaderProgramv *c = sgl_enc_string_array(
		e, SGL_OP_glCreateShaderProgramv, sizeof(*c), count, strings, NULL);
	if (!c)
		return 0;
	c->type = type;
	c->count = count;
	c->new_name = name;
	c->pad_ = 0;
	return name;
}
