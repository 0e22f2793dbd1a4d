/*
 * Buffer maps on the guest: the application gets a shadow copy, the host
 * maps the buffer for real (GL validates the call; the buffer reads as
 * mapped, so commands that must fail on a mapped buffer do). Maps are a
 * round trip: the reply says whether GL mapped the buffer and brings the
 * range's bytes unless the map invalidates them. Written bytes go back with
 * glUnmapBuffer, or range by range with glFlushMappedBufferRange.
 *
 * Persistent maps stay in the shadow: before every command that may read
 * the buffer (draws, glFlush, glFinish, fences, barriers, swaps) the guest
 * sends the whole range (sglMappedWrite). See docs/protocol.md.
 */
#include "encoder.h"

#include <stdlib.h>

/* GL_MIN_MAP_BUFFER_ALIGNMENT: the pointer minus the offset is a multiple
 * of it (Mesa says 64). */
#define MAP_ALIGN 64

static void set_error(struct sgl_enc *e, GLenum err)
{
	if (e->error == GL_NO_ERROR)
		e->error = err;
}

static GLuint bound(struct sgl_enc *e, GLenum target)
{
	GLuint *b = sgl_enc_buffer_binding(e, target);
	return b ? *b : 0;
}

/* The map of the buffer bound to `target`; for targets the guest does not
 * track, the latest map made through `target`. */
struct sgl_map *sgl_enc_find_map(struct sgl_enc *e, GLenum target)
{
	const bool tracked = sgl_enc_buffer_binding(e, target) != NULL;
	const GLuint buffer = bound(e, target);
	for (int i = 0; i < SGL_MAX_MAPS; i++) {
		struct sgl_map *m = &e->maps[i];
		if (m->target && (tracked ? m->buffer == buffer : m->target == target))
			return m;
	}
	return NULL;
}

static void drop(struct sgl_enc *e, struct sgl_map *m)
{
	if (m->access & GL_MAP_PERSISTENT_BIT)
		e->persistent_maps--;
	free(m->block);
	memset(m, 0, sizeof(*m));
}

void sgl_enc_forget_maps(struct sgl_enc *e, GLuint buffer)
{
	for (int i = 0; i < SGL_MAX_MAPS; i++)
		if (e->maps[i].target && e->maps[i].buffer == buffer)
			drop(e, &e->maps[i]);
}

void *sgl_enc_glMapBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
			       GLsizeiptr length, GLbitfield access)
{
	struct sgl_map *m = NULL;
	for (int i = 0; i < SGL_MAX_MAPS && !m; i++)
		if (!e->maps[i].target)
			m = &e->maps[i];
	/* Arguments GL would refuse are still sent: the host's GL raises the
	 * error it deserves. Only what the shadow cannot hold stops here. */
	const bool fits = offset >= 0 && length > 0 && (uint64_t)length <= SIZE_MAX - 2 * MAP_ALIGN;
	uint8_t *block = fits ? aligned_alloc(MAP_ALIGN,
					      ((size_t)length + 2 * MAP_ALIGN - 1) & ~(size_t)(MAP_ALIGN - 1))
			      : NULL;
	if (fits && (!m || !block)) {
		free(block);
		set_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	struct sgl_cmd_glMapBufferRange *c = (struct sgl_cmd_glMapBufferRange *)sgl_enc_begin(
		e, SGL_OP_glMapBufferRange, sizeof(*c));
	if (!c) {
		free(block);
		return NULL;
	}
	c->offset = offset;
	c->length = length;
	c->target = target;
	c->access = access;
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, SGL_OP_glMapBufferRange, &got);
	struct sgl_map_reply rep = { 0, 0 };
	if (r && got >= sizeof(rep))
		memcpy(&rep, r, sizeof(rep));
	const uint64_t want = sizeof(rep) + (rep.has_data && fits ? sgl_pad8((uint64_t)length) : 0);
	if (!r || !rep.mapped || !block || got != want) {
		free(block);
		return NULL;
	}
	uint8_t *shadow = block + ((uint64_t)offset & (MAP_ALIGN - 1));
	if (rep.has_data)
		memcpy(shadow, r + sizeof(rep), (size_t)length);
	else
		memset(shadow, 0, (size_t)length);
	*m = (struct sgl_map){ target, bound(e, target), shadow, block, offset, length, access };
	if (access & GL_MAP_PERSISTENT_BIT)
		e->persistent_maps++;
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

/* One command carrying `len` bytes of the shadow from `off` (relative to
 * the map). */
static void send_range(struct sgl_enc *e, uint32_t op, const struct sgl_map *m, int64_t off,
		       int64_t len, uint32_t target_or_buffer, uint32_t flag)
{
	struct sgl_cmd_glUnmapBuffer *c = (struct sgl_cmd_glUnmapBuffer *)sgl_enc_begin(
		e, op, sizeof(*c) + sgl_pad8((uint64_t)len));
	if (!c)
		return;
	_Static_assert(sizeof(struct sgl_cmd_glUnmapBuffer) ==
			       sizeof(struct sgl_cmd_glFlushMappedBufferRange) &&
		       sizeof(struct sgl_cmd_glUnmapBuffer) == sizeof(struct sgl_cmd_sglMappedWrite),
		       "one layout for the three");
	c->offset = m->offset + off;
	c->length = len;
	c->target = target_or_buffer;
	c->has_data = flag;
	memcpy(c + 1, m->shadow + off, (size_t)len);
	sgl_enc_zero_pad((uint8_t *)(c + 1), (uint64_t)len);
}

void sgl_enc_sync_maps_slow(struct sgl_enc *e)
{
	for (int i = 0; i < SGL_MAX_MAPS; i++) {
		const struct sgl_map *m = &e->maps[i];
		const GLbitfield a = m->access;
		if (m->target && (a & GL_MAP_PERSISTENT_BIT) && (a & GL_MAP_WRITE_BIT) &&
		    !(a & GL_MAP_FLUSH_EXPLICIT_BIT))
			send_range(e, SGL_OP_sglMappedWrite, m, 0, m->length, m->buffer, 0);
	}
}

void sgl_enc_glFlushMappedBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
				      GLsizeiptr length)
{
	struct sgl_map *m = sgl_enc_find_map(e, target);
	if (!m || !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT)) {
		set_error(e, GL_INVALID_OPERATION);
		return;
	}
	if (offset < 0 || length < 0 || offset > m->length || length > m->length - offset) {
		set_error(e, GL_INVALID_VALUE);
		return;
	}
	send_range(e, SGL_OP_glFlushMappedBufferRange, m, offset, length, target, 0);
}

GLboolean sgl_enc_glUnmapBuffer(struct sgl_enc *e, GLenum target)
{
	struct sgl_map *m = sgl_enc_find_map(e, target);
	if (!m) {
		/* The host's GL raises the error (or unmaps what it mapped). */
		struct sgl_cmd_glUnmapBuffer *c = (struct sgl_cmd_glUnmapBuffer *)sgl_enc_begin(
			e, SGL_OP_glUnmapBuffer, sizeof(*c));
		if (c) {
			c->offset = 0;
			c->length = 0;
			c->target = target;
			c->has_data = 0;
		}
		return GL_FALSE;
	}
	bool write = (m->access & GL_MAP_WRITE_BIT) && !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT);
	send_range(e, SGL_OP_glUnmapBuffer, m, 0, write ? m->length : 0, target, write);
	drop(e, m);
	return GL_TRUE;
}
