/*
 * Buffer maps. The host maps a buffer for real when the guest does, so GL
 * validates the map and every command that must fail on a mapped buffer
 * fails; the reply carries the range's bytes to the guest's shadow. The
 * bytes the guest wrote arrive with its glUnmapBuffer,
 * glFlushMappedBufferRange or (persistent maps) sglMappedWrite and are
 * copied into the host's map after its bounds are checked. Neither a guest
 * pointer nor the host's map pointer crosses the protocol.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

static int read_range(struct sgl_dec *d, uint32_t op, GLenum target, int64_t offset,
		      int64_t length)
{
	bool bad = offset < 0 || length < 0 || length > SGL_MAX_SEGMENT;
	uint8_t *r = sgl_dec_reply_begin(d, op, bad ? 0 : (uint64_t)length);
	if (!r)
		return -EPROTO;
	if (bad) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
	} else if (length > 0) {
		void *m = d->gl->MapBufferRange(target, (GLintptr)offset, (GLsizeiptr)length,
						GL_MAP_READ_BIT);
		if (m) {
			memcpy(r, m, (size_t)length);
			d->gl->UnmapBuffer(target);
		}
	}
	return sgl_dec_reply_end(d);
}

int sgl_hand_sglBufferReadRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglBufferReadRange c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_sglBufferReadRange, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	return read_range(d, SGL_OP_sglBufferReadRange, c.target, c.offset, c.size);
}

/* Where the guest's bytes for [offset, offset + length) of the buffer
 * bound to `target` go in the host's map of it; NULL (and a GL error)
 * when it is not mapped or the range lies outside the mapped one. */
static uint8_t *mapped_at(struct sgl_dec *d, GLenum target, int64_t offset, int64_t length)
{
	void *ptr = NULL;
	GLint64 moff = 0, mlen = 0;
	d->gl->GetBufferPointerv(target, GL_BUFFER_MAP_POINTER, &ptr);
	if (!ptr) {
		sgl_dec_gl_error(d, GL_INVALID_OPERATION);
		return NULL;
	}
	d->gl->GetBufferParameteri64v(target, GL_BUFFER_MAP_OFFSET, &moff);
	d->gl->GetBufferParameteri64v(target, GL_BUFFER_MAP_LENGTH, &mlen);
	if (offset < moff || length < 0 || length > mlen || offset - moff > mlen - length) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return NULL;
	}
	return (uint8_t *)ptr + (offset - moff);
}

int sgl_hand_glMapBufferRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glMapBufferRange c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glMapBufferRange, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->MapBufferRange || !d->gl->GetBufferPointerv)
		return sgl_dec_missing(d, SGL_OP_glMapBufferRange);
	/* GL checks the arguments; the map stays until the guest's unmap (or
	 * for good, when persistent). Ranges the protocol cannot carry are
	 * refused before GL sees them. */
	void *m = NULL;
	if (c.length > SGL_MAX_SEGMENT)
		sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
	else
		m = d->gl->MapBufferRange(c.target, (GLintptr)c.offset, (GLsizeiptr)c.length,
					  c.access);
	const bool data = m && c.length > 0 &&
			  !(c.access & (GL_MAP_INVALIDATE_RANGE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT));
	struct sgl_map_reply rep = { m != NULL, data };
	uint8_t *r = sgl_dec_reply_begin(d, SGL_OP_glMapBufferRange,
					 sizeof(rep) + (data ? (uint64_t)c.length : 0));
	if (!r)
		return -EPROTO;
	memcpy(r, &rep, sizeof(rep));
	if (data)
		memcpy(r + sizeof(rep), m, (size_t)c.length);
	return sgl_dec_reply_end(d);
}

int sgl_hand_glMapBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	(void)size;
	return sgl_dec_fail(d, "glMapBuffer: guests send it as glMapBufferRange");
}

/* glUnmapBuffer, glFlushMappedBufferRange and sglMappedWrite share one
 * layout: a range and the bytes for it. */
static int read_write(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size,
		      struct sgl_cmd_glUnmapBuffer *c, uint64_t *data)
{
	if (size < sizeof(*c))
		return sgl_dec_short(d, op, size, sizeof(*c));
	memcpy(c, p, sizeof(*c));
	const bool carries = op != SGL_OP_glUnmapBuffer || c->has_data;
	*data = carries && c->length > 0 ? (uint64_t)c->length : 0;
	if (c->length > SGL_MAX_SEGMENT || sizeof(*c) + sgl_pad8(*data) != size)
		return sgl_dec_size_mismatch(d, op, size, sizeof(*c) + sgl_pad8(*data));
	return 0;
}

/* The command's bytes into the host's map of the buffer bound to
 * `target`; false (and a GL error) when they do not fit it. */
static bool store(struct sgl_dec *d, GLenum target, const struct sgl_cmd_glUnmapBuffer *c,
		  const uint8_t *p)
{
	uint8_t *dst = mapped_at(d, target, c->offset, c->length);
	if (dst)
		memcpy(dst, p + sizeof(*c), (size_t)c->length);
	return dst != NULL;
}

int sgl_hand_glUnmapBuffer(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	uint64_t data;
	int r = read_write(d, SGL_OP_glUnmapBuffer, p, size, &c, &data);
	if (r)
		return r;
	if (data)
		store(d, c.target, &c, p);
	d->gl->UnmapBuffer(c.target);
	return 0;
}

int sgl_hand_glFlushMappedBufferRange(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	uint64_t data;
	int r = read_write(d, SGL_OP_glFlushMappedBufferRange, p, size, &c, &data);
	if (r)
		return r;
	GLint64 moff = 0;
	if (!store(d, c.target, &c, p))
		return 0;
	d->gl->GetBufferParameteri64v(c.target, GL_BUFFER_MAP_OFFSET, &moff);
	d->gl->FlushMappedBufferRange(c.target, (GLintptr)(c.offset - moff), (GLsizeiptr)c.length);
	return 0;
}

/* A persistent map's bytes: the buffer need not be bound, so it is bound
 * to GL_COPY_WRITE_BUFFER for the copy and the binding put back. */
int sgl_hand_sglMappedWrite(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	uint64_t data;
	int r = read_write(d, SGL_OP_sglMappedWrite, p, size, &c, &data);
	if (r)
		return r;
	GLuint buffer;
	if (sgl_dec_map(d, SGL_OBJ_BUFFER, c.target, &buffer) || !buffer)
		return 0;
	GLint old = 0;
	d->gl->GetIntegerv(GL_COPY_WRITE_BUFFER_BINDING, &old);
	d->gl->BindBuffer(GL_COPY_WRITE_BUFFER, buffer);
	GLint persistent = 0;
	d->gl->GetBufferParameteriv(GL_COPY_WRITE_BUFFER, GL_BUFFER_ACCESS_FLAGS, &persistent);
	if (persistent & GL_MAP_PERSISTENT_BIT)
		store(d, GL_COPY_WRITE_BUFFER, &c, p);
	d->gl->BindBuffer(GL_COPY_WRITE_BUFFER, (GLuint)old);
	return 0;
}
