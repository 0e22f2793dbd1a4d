/*
 * GL_EXT_vertex_array's pointer commands (GL 1.0's vertex arrays, before
 * GL 1.1 made them core): the core commands with a `count` that GL 1.1
 * and every driver since ignore (Mesa's *PointerEXT drop it too). They
 * never travel (overrides.txt: guest_only); the core commands record client
 * arrays and send buffer offsets as usual (arrays.c).
 */
#include "encoder.h"

void sgl_enc_glVertexPointerEXT(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
				GLsizei count, const void *pointer)
{
	(void)count;
	sgl_enc_glVertexPointer(e, size, type, stride, pointer);
}

void sgl_enc_glNormalPointerEXT(struct sgl_enc *e, GLenum type, GLsizei stride, GLsizei count,
				const void *pointer)
{
	(void)count;
	sgl_enc_glNormalPointer(e, type, stride, pointer);
}

void sgl_enc_glColorPointerEXT(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			       GLsizei count, const void *pointer)
{
	(void)count;
	sgl_enc_glColorPointer(e, size, type, stride, pointer);
}

void sgl_enc_glIndexPointerEXT(struct sgl_enc *e, GLenum type, GLsizei stride, GLsizei count,
			       const void *pointer)
{
	(void)count;
	sgl_enc_glIndexPointer(e, type, stride, pointer);
}

void sgl_enc_glTexCoordPointerEXT(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
				  GLsizei count, const void *pointer)
{
	(void)count;
	sgl_enc_glTexCoordPointer(e, size, type, stride, pointer);
}

void sgl_enc_glEdgeFlagPointerEXT(struct sgl_enc *e, GLsizei stride, GLsizei count,
				  const GLboolean *pointer)
{
	(void)count;
	sgl_enc_glEdgeFlagPointer(e, stride, pointer);
}
