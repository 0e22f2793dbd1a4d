/*
 * Buffer maps, through a target or by name (GL 4.5 and
 * EXT_direct_state_access). The host maps a buffer for real when the guest
 * does, so GL validates the map and every command that must fail on a
 * mapped buffer fails; the reply carries the range's bytes to the guest's
 * shadow. The bytes the guest wrote arrive with its unmap, explicit flush
 * or (persistent maps) sglMappedWrite and are copied into the host's map
 * after its bounds are checked. Neither a guest pointer nor the host's map
 * pointer crosses the protocol.
 *
 * One path for both kinds: a command naming a buffer binds it to
 * GL_COPY_WRITE_BUFFER for the call (the binding is put back after), so
 * every map runs through the target entry points.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"
#include "sgl_hash.h"

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

static bool by_name_ext(uint32_t op)
{
	return op == SGL_OP_glMapNamedBufferRangeEXT || op == SGL_OP_glUnmapNamedBufferEXT ||
	       op == SGL_OP_glFlushMappedNamedBufferRangeEXT;
}

static bool by_name(uint32_t op)
{
	switch (op) {
	case SGL_OP_glMapNamedBufferRange:
	case SGL_OP_glFlushMappedNamedBufferRange:
	case SGL_OP_glUnmapNamedBuffer:
	case SGL_OP_sglMappedWrite:
		return true;
	default:
		return by_name_ext(op);
	}
}

/* 0: `s` says where the buffer is; 1: it is none (GL_INVALID_OPERATION
 * recorded, the command is skipped); <0: the context is lost. */
int sgl_dec_buffer_enter(struct sgl_dec *d, uint32_t op, uint32_t target_or_buffer,
			 struct sgl_buffer_site *s)
{
	*s = (struct sgl_buffer_site){ target_or_buffer, 0, false };
	if (!by_name(op))
		return 0;
	GLuint host = 0;
	int r = sgl_dec_map(d, SGL_OBJ_BUFFER, target_or_buffer, &host);
	if (r)
		return r;
	/* The GL 4.5 entry points want a buffer object: a name glGenBuffers
	 * made and nothing bound yet is none. The EXT ones create it, as
	 * binding it does. */
	if (!host || (!by_name_ext(op) && !d->gl->IsBuffer(host))) {
		sgl_dec_gl_error(d, GL_INVALID_OPERATION);
		return 1;
	}
	d->gl->GetIntegerv(GL_COPY_WRITE_BUFFER_BINDING, &s->restore);
	d->gl->BindBuffer(GL_COPY_WRITE_BUFFER, host);
	*s = (struct sgl_buffer_site){ GL_COPY_WRITE_BUFFER, s->restore, true };
	return 0;
}

void sgl_dec_buffer_leave(struct sgl_dec *d, const struct sgl_buffer_site *s)
{
	if (s->bound)
		d->gl->BindBuffer(GL_COPY_WRITE_BUFFER, (GLuint)s->restore);
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

/* The guest's name of the buffer bound to `target`. */
static uint32_t bound_name(struct sgl_dec *d, GLenum target)
{
	GLint host = 0;
	GLenum pname = sgl_buffer_binding_pname(target);
	if (pname)
		d->gl->GetIntegerv(pname, &host);
	return host > 0 ? sgl_dec_reverse(d, SGL_OBJ_BUFFER, (GLuint)host) : 0;
}

/* glMapBufferRange, glMapNamedBufferRange(EXT): one layout. */
int sgl_hand_map_range(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glMapBufferRange c;
	_Static_assert(sizeof(c) == sizeof(struct sgl_cmd_glMapNamedBufferRange), "one layout");
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, op, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->MapBufferRange || !d->gl->GetBufferPointerv)
		return sgl_dec_missing(d, op);
	/* GL checks the arguments; the map stays until the guest's unmap (or
	 * for good, when persistent). Ranges the protocol cannot carry are
	 * refused before GL sees them. */
	struct sgl_buffer_site s;
	int r = sgl_dec_buffer_enter(d, op, c.target, &s);
	if (r < 0)
		return r;
	void *m = NULL;
	if (r == 0 && c.length > SGL_MAX_SEGMENT)
		sgl_dec_gl_error(d, GL_OUT_OF_MEMORY);
	else if (r == 0)
		m = d->gl->MapBufferRange(s.target, (GLintptr)c.offset, (GLsizeiptr)c.length,
					  c.access);
	sgl_dec_buffer_leave(d, &s);
	const bool data = m && c.length > 0 &&
			  !(c.access & (GL_MAP_INVALIDATE_RANGE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT));
	if (m && (c.access & GL_MAP_PERSISTENT_BIT)) {
		/* The guest names the buffer by its name either way. */
		uint32_t name = by_name(op) ? c.target : bound_name(d, c.target);
		if (sgl_dec_pmap_add(d, name, m, c.offset, c.length, data) < 0)
			return -ENOMEM;
	}
	/* The guest's copy of the range may be current: then no bytes. */
	const bool known = data && c.known && sgl_hash64(m, (size_t)c.length) == c.known;
	const bool bytes = data && !known;
	struct sgl_map_reply rep = { m != NULL, known ? SGL_MAP_DATA_KNOWN :
						bytes ? SGL_MAP_DATA : SGL_MAP_NO_DATA };
	uint8_t *out = sgl_dec_reply_begin(d, op, sizeof(rep) + (bytes ? (uint64_t)c.length : 0));
	if (!out)
		return -EPROTO;
	memcpy(out, &rep, sizeof(rep));
	if (bytes)
		memcpy(out + sizeof(rep), m, (size_t)c.length);
	return sgl_dec_reply_end(d);
}

static bool is_unmap(uint32_t op)
{
	return op == SGL_OP_glUnmapBuffer || op == SGL_OP_glUnmapNamedBuffer ||
	       op == SGL_OP_glUnmapNamedBufferEXT;
}

/* Unmaps, flushes and sglMappedWrite share one layout: a range and the
 * bytes for it (for unmaps, only when has_data). */
static int read_write(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size,
		      struct sgl_cmd_glUnmapBuffer *c, uint64_t *data)
{
	if (size < sizeof(*c))
		return sgl_dec_short(d, op, size, sizeof(*c));
	memcpy(c, p, sizeof(*c));
	const bool carries = !is_unmap(op) || c->has_data;
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
	if (dst) {
		memcpy(dst, p + sizeof(*c), (size_t)c->length);
		sgl_dec_pmap_stored(d, dst, c->length);
	}
	return dst != NULL;
}

/* Unmaps and explicit flushes: the bytes into the host's map, then GL's
 * unmap or flush of that range. */
int sgl_hand_write_back(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	uint64_t data;
	int r = read_write(d, op, p, size, &c, &data);
	if (r)
		return r;
	struct sgl_buffer_site s;
	r = sgl_dec_buffer_enter(d, op, c.target, &s);
	if (r)
		return r < 0 ? r : 0;
	if (is_unmap(op)) {
		if (data)
			store(d, s.target, &c, p);
		void *ptr = NULL;
		d->gl->GetBufferPointerv(s.target, GL_BUFFER_MAP_POINTER, &ptr);
		if (ptr)
			sgl_dec_pmap_remove(d, ptr);
		d->gl->UnmapBuffer(s.target);
	} else if (store(d, s.target, &c, p)) {
		GLint64 moff = 0;
		d->gl->GetBufferParameteri64v(s.target, GL_BUFFER_MAP_OFFSET, &moff);
		d->gl->FlushMappedBufferRange(s.target, (GLintptr)(c.offset - moff),
					      (GLsizeiptr)c.length);
	}
	sgl_dec_buffer_leave(d, &s);
	return 0;
}

/* A persistent map's bytes, by buffer name: stored in the host's map only
 * while the buffer is persistently mapped (any_map, the `has_data` of the
 * shared layout: in whatever map it has). */
int sgl_hand_sglMappedWrite(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glUnmapBuffer c;
	uint64_t data;
	int r = read_write(d, SGL_OP_sglMappedWrite, p, size, &c, &data);
	if (r || !c.target)
		return r;
	struct sgl_buffer_site s;
	r = sgl_dec_buffer_enter(d, SGL_OP_sglMappedWrite, c.target, &s);
	if (r)
		return r < 0 ? r : 0;
	GLint persistent = 0;
	d->gl->GetBufferParameteriv(s.target, GL_BUFFER_ACCESS_FLAGS, &persistent);
	if ((persistent & GL_MAP_PERSISTENT_BIT) || c.has_data)
		store(d, s.target, &c, p);
	sgl_dec_buffer_leave(d, &s);
	return 0;
}
