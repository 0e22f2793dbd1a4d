/*
 * Buffer maps on the guest: the application gets a shadow copy. Reads are
 * filled from the host's reply; writes go back when the buffer is unmapped,
 * or range by range with GL_MAP_FLUSH_EXPLICIT_BIT. Persistent maps cannot
 * work this way and raise GL_INVALID_OPERATION.
 */
#include "encoder.h"

#include <stdlib.h>

static struct sgl_map *find(struct sgl_enc *e, GLenum target)
{
	for (int i = 0; i < SGL_MAX_MAPS; i++)
		if (e->maps[i].target == target)
			return &e->maps[i];
	return NULL;
}

static void set_error(struct sgl_enc *e, GLenum err)
{
	if (e->error == GL_NO_ERROR)
		e->error = err;
}

void *sgl_enc_glMapBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
			       GLsizeiptr length, GLbitfield access)
{
	struct sgl_map *m = find(e, 0);
	if (find(e, target) || offset < 0 || length <= 0 ||
	    (access & (GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT)) || !m ||
	    !(access & (GL_MAP_READ_BIT | GL_MAP_WRITE_BIT))) {
		set_error(e, length < 0 || offset < 0 ? GL_INVALID_VALUE : GL_INVALID_OPERATION);
		return NULL;
	}
	uint8_t *shadow = calloc(1, (size_t)length);
	if (!shadow) {
		set_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	struct sgl_cmd_glMapBufferRange *c = (struct sgl_cmd_glMapBufferRange *)sgl_enc_begin(
		e, SGL_OP_glMapBufferRange, sizeof(*c));
	if (!c) {
		free(shadow);
		return NULL;
	}
	c->offset = offset;
	c->length = length;
	c->target = target;
	c->access = access;
	if (access & GL_MAP_READ_BIT) {
		const uint8_t *r = sgl_enc_reply(e, SGL_OP_glMapBufferRange, (uint64_t)length);
		if (!r) {
			free(shadow);
			return NULL;
		}
		memcpy(shadow, r, (size_t)length);
	}
	*m = (struct sgl_map){ target, shadow, offset, length, access };
	return shadow;
}

void *sgl_enc_glMapBuffer(struct sgl_enc *e, GLenum target, GLenum access)
{
	GLint64 size = 0;
	sgl_enc_glGetBufferParameteri64v(e, target, GL_BUFFER_SIZE, &size);
	GLbitfield bits = access == GL_READ_ONLY ? GL_MAP_READ_BIT :
			  access == GL_WRITE_ONLY ? GL_MAP_WRITE_BIT :
			  access == GL_READ_WRITE ? GL_MAP_READ_BIT | GL_MAP_WRITE_BIT : 0;
	if (!bits) {
		set_error(e, GL_INVALID_ENUM);
		return NULL;
	}
	return sgl_enc_glMapBufferRange(e, target, 0, (GLsizeiptr)size, bits);
}

static void send_range(struct sgl_enc *e, const struct sgl_map *m, int64_t off, int64_t len)
{
	struct sgl_cmd_glUnmapBuffer *c = (struct sgl_cmd_glUnmapBuffer *)sgl_enc_begin(
		e, SGL_OP_glUnmapBuffer, sizeof(*c) + sgl_pad8((uint64_t)len));
	if (!c)
		return;
	c->offset = m->offset + off;
	c->length = len;
	c->target = m->target;
	c->has_data = len > 0;
	memcpy(c + 1, m->shadow + off, (size_t)len);
	sgl_enc_zero_pad((uint8_t *)(c + 1), (uint64_t)len);
}

void sgl_enc_glFlushMappedBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
				      GLsizeiptr length)
{
	struct sgl_map *m = find(e, target);
	if (!m || !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT) || offset < 0 || length < 0 ||
	    offset + length > m->length) {
		set_error(e, m ? GL_INVALID_VALUE : GL_INVALID_OPERATION);
		return;
	}
	send_range(e, m, offset, length);
}

GLboolean sgl_enc_glUnmapBuffer(struct sgl_enc *e, GLenum target)
{
	struct sgl_map *m = find(e, target);
	if (!m) {
		set_error(e, GL_INVALID_OPERATION);
		return GL_FALSE;
	}
	bool write = (m->access & GL_MAP_WRITE_BIT) && !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT);
	send_range(e, m, 0, write ? m->length : 0);
	free(m->shadow);
	memset(m, 0, sizeof(*m));
	return GL_TRUE;
}
