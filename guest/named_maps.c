/*
 * Maps of named buffers (GL 4.5 direct state access). As with target maps
 * (buffers.c) the application gets a shadow copy and the host never keeps
 * a buffer mapped; here the shadow is filled with glGetNamedBufferSubData
 * and written back with glNamedBufferSubData, at unmap or per flushed
 * range, so no command of our own is needed.
 */
#include "encoder.h"

#include <stdlib.h>

static struct sgl_map *find_named(struct sgl_enc *e, GLuint buffer)
{
	for (int i = 0; buffer && i < SGL_MAX_MAPS; i++)
		if (e->named_maps[i].target == buffer)
			return &e->named_maps[i];
	return NULL;
}

void *sgl_enc_glMapNamedBufferRange(struct sgl_enc *e, GLuint buffer, GLintptr offset,
				    GLsizeiptr length, GLbitfield access)
{
	struct sgl_map *m = NULL;
	for (int i = 0; i < SGL_MAX_MAPS && !m; i++)
		if (!e->named_maps[i].target)
			m = &e->named_maps[i];
	if (offset < 0 || length <= 0) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return NULL;
	}
	if (!buffer || find_named(e, buffer) || !m ||
	    (access & (GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT)) ||
	    !(access & (GL_MAP_READ_BIT | GL_MAP_WRITE_BIT))) {
		sgl_enc_error(e, GL_INVALID_OPERATION);
		return NULL;
	}
	/* The size query raises GL_INVALID_OPERATION itself for a name that
	 * is no buffer; it then reads as 0. */
	GLint64 size = 0;
	sgl_enc_glGetNamedBufferParameteri64v(e, buffer, GL_BUFFER_SIZE, &size);
	if (e->failed || size <= 0 || offset > size || length > size - offset) {
		if (size > 0)
			sgl_enc_error(e, GL_INVALID_VALUE);
		return NULL;
	}
	uint8_t *shadow = calloc(1, (size_t)length);
	if (!shadow) {
		sgl_enc_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	if (access & GL_MAP_READ_BIT) {
		sgl_enc_glGetNamedBufferSubData(e, buffer, offset, length, shadow);
		if (e->failed) {
			free(shadow);
			return NULL;
		}
	}
	*m = (struct sgl_map){ .target = buffer, .shadow = shadow, .block = shadow,
				.offset = offset, .length = length, .access = access };
	return shadow;
}

void *sgl_enc_glMapNamedBuffer(struct sgl_enc *e, GLuint buffer, GLenum access)
{
	GLbitfield bits = access == GL_READ_ONLY ? GL_MAP_READ_BIT :
			  access == GL_WRITE_ONLY ? GL_MAP_WRITE_BIT :
			  access == GL_READ_WRITE ? GL_MAP_READ_BIT | GL_MAP_WRITE_BIT : 0;
	if (!bits) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return NULL;
	}
	GLint64 size = 0;
	if (buffer)
		sgl_enc_glGetNamedBufferParameteri64v(e, buffer, GL_BUFFER_SIZE, &size);
	if (buffer && size <= 0)
		return NULL;
	return sgl_enc_glMapNamedBufferRange(e, buffer, 0, (GLsizeiptr)size, bits);
}

void sgl_enc_glFlushMappedNamedBufferRange(struct sgl_enc *e, GLuint buffer, GLintptr offset,
					   GLsizeiptr length)
{
	struct sgl_map *m = find_named(e, buffer);
	if (!m || !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT)) {
		sgl_enc_error(e, GL_INVALID_OPERATION);
		return;
	}
	if (offset < 0 || length < 0 || offset > m->length || length > m->length - offset) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	if (length)
		sgl_enc_glNamedBufferSubData(e, buffer, m->offset + offset, length,
					     m->shadow + offset);
}

GLboolean sgl_enc_glUnmapNamedBuffer(struct sgl_enc *e, GLuint buffer)
{
	struct sgl_map *m = find_named(e, buffer);
	if (!m) {
		sgl_enc_error(e, GL_INVALID_OPERATION);
		return GL_FALSE;
	}
	if ((m->access & GL_MAP_WRITE_BIT) && !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT))
		sgl_enc_glNamedBufferSubData(e, buffer, m->offset, m->length, m->shadow);
	free(m->block);
	memset(m, 0, sizeof(*m));
	return GL_TRUE;
}

void sgl_enc_glGetNamedBufferPointerv(struct sgl_enc *e, GLuint buffer, GLenum pname,
				      void **params)
{
	if (pname != GL_BUFFER_MAP_POINTER) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return;
	}
	const struct sgl_map *m = find_named(e, buffer);
	*params = m ? m->shadow : NULL;
}
