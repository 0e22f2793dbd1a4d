/*
 * Buffer maps on the guest, through a target (glMapBufferRange) or by name
 * (glMapNamedBufferRange, its EXT_direct_state_access twin): one table of
 * maps keyed by buffer name; a target map resolves the buffer bound to its
 * target. The application gets a shadow copy, the host maps the buffer for
 * real (GL validates the call; the buffer reads as mapped, so commands that
 * must fail on a mapped buffer do). Maps are a round trip: the reply says
 * whether GL mapped the buffer and brings the range's bytes unless the map
 * invalidates them. Written bytes go back with the unmap, or range by range
 * with the explicit flush.
 *
 * The table has no fixed size: an application may keep any number of
 * buffers mapped, within SGL_MAP_BUDGET bytes of shadows (default 4 GiB;
 * beyond it a map raises GL_OUT_OF_MEMORY, as a driver out of memory does).
 * Persistent maps stay in the shadow: persistent.c sends what the
 * application writes before the commands that may read it and brings back
 * what GL writes at fences. See docs/protocol.md.
 */
#include "encoder.h"
#include "watch.h"

#include <stdlib.h>

#include "platform.h"

/* GL_MIN_MAP_BUFFER_ALIGNMENT: the pointer minus the offset is a multiple
 * of it (Mesa says 64). */
#define MAP_ALIGN 64

/* How a map was asked for: the opcodes of its map, flush and unmap. The
 * three kinds share the wire layouts (sgl_wire.h); the `target` field
 * holds the target, or the buffer name for the named kinds. */
enum kind { BY_TARGET, BY_NAME, BY_NAME_EXT };
static const uint32_t ops[3][3] = {
	[BY_TARGET] = { SGL_OP_glMapBufferRange, SGL_OP_glFlushMappedBufferRange,
			SGL_OP_glUnmapBuffer },
	[BY_NAME] = { SGL_OP_glMapNamedBufferRange, SGL_OP_glFlushMappedNamedBufferRange,
		      SGL_OP_glUnmapNamedBuffer },
	[BY_NAME_EXT] = { SGL_OP_glMapNamedBufferRangeEXT,
			  SGL_OP_glFlushMappedNamedBufferRangeEXT,
			  SGL_OP_glUnmapNamedBufferEXT },
};
enum { MAP, FLUSH, UNMAP };

_Static_assert(sizeof(struct sgl_cmd_glMapBufferRange) ==
		       sizeof(struct sgl_cmd_glMapNamedBufferRange),
	       "one map layout");
_Static_assert(sizeof(struct sgl_cmd_glUnmapBuffer) ==
			       sizeof(struct sgl_cmd_glFlushMappedBufferRange) &&
		       sizeof(struct sgl_cmd_glUnmapBuffer) == sizeof(struct sgl_cmd_sglMappedWrite),
	       "one layout for unmaps, flushes and persistent writes");

static uint64_t budget(void)
{
	static uint64_t bytes;
	if (!bytes) {
		const char *env = getenv("SGL_MAP_BUDGET");
		unsigned long long v = env ? strtoull(env, NULL, 0) : 0;
		bytes = v ? v : (uint64_t)4 << 30;
	}
	return bytes;
}

static GLuint bound(struct sgl_enc *e, GLenum target)
{
	GLuint *b = sgl_enc_buffer_binding(e, target);
	return b ? *b : 0;
}

static struct sgl_map *find(struct sgl_enc *e, GLuint buffer)
{
	for (size_t i = 0; i < e->nmaps; i++)
		if (e->maps[i]->buffer == buffer)
			return e->maps[i];
	return NULL;
}

/* The map of the buffer bound to `target`. */
struct sgl_map *sgl_enc_find_map(struct sgl_enc *e, GLenum target)
{
	return find(e, bound(e, target));
}

/* Persistent write maps compared at each sync take at most this many
 * bytes together (SGL_MAP_COMPARE, default 8 MiB: a millisecond or two of
 * memcmp per batch sent); the rest are write-watched. bench/bench_watch
 * measured a protection fault and re-protection at 200 us a page in a
 * loaded VM and comparing at 5 GB/s; syncs happen once per batch, not per
 * draw (persistent.c), so comparing wins until maps are large. */
static uint64_t compare_max(void)
{
	static uint64_t bytes;
	static bool read;
	if (!read) {
		const char *env = getenv("SGL_MAP_COMPARE");
		bytes = env ? strtoull(env, NULL, 0) : 8 << 20;
		read = true;
	}
	return bytes;
}

static void drop(struct sgl_enc *e, struct sgl_map *m)
{
	if (m->access & GL_MAP_PERSISTENT_BIT)
		e->persistent_maps--;
	if (m->sent) {
		e->unwatched_writes--;
		e->compare_bytes -= (uint64_t)m->length;
	}
	e->map_bytes -= (uint64_t)m->length;
	sgl_aligned_free(m->block);
	free(m->sent);
	sgl_watch_destroy(m->watch);
	for (size_t i = 0; i < e->nmaps; i++) {
		if (e->maps[i] == m) {
			e->maps[i] = e->maps[--e->nmaps];
			break;
		}
	}
	free(m);
}

void sgl_enc_free_maps(struct sgl_enc *e)
{
	while (e->nmaps)
		drop(e, e->maps[0]);
	free(e->maps);
	sgl_map_copy_free(e);
	sgl_aligned_free(e->mbuf);
	e->maps = NULL;
	e->mbuf = NULL;
	e->maps_cap = e->mcap = 0;
}

/* The shadow of [offset, offset + length). A persistent write map's is
 * compared with what the host has at each sync (persistent.c) while the
 * compared maps fit compare_max(), else write-watched (watch.h); either
 * way only what the application wrote travels. The others are plain
 * memory. NULL when out of memory. */
static struct sgl_map *new_map(struct sgl_enc *e, GLuint buffer, int64_t offset,
			       int64_t length, GLbitfield access)
{
	if (e->nmaps == e->maps_cap) {
		size_t cap = e->maps_cap ? e->maps_cap * 2 : 16;
		struct sgl_map **t = realloc(e->maps, cap * sizeof(*t));
		if (!t)
			return NULL;
		e->maps = t;
		e->maps_cap = cap;
	}
	const uint64_t in = (uint64_t)offset & (MAP_ALIGN - 1);
	const size_t size = ((size_t)length + in + MAP_ALIGN - 1) & ~(size_t)(MAP_ALIGN - 1);
	struct sgl_map *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	*m = (struct sgl_map){ .buffer = buffer, .offset = offset, .length = length,
			       .access = access };
	const bool tracked = (access & GL_MAP_PERSISTENT_BIT) && (access & GL_MAP_WRITE_BIT) &&
			     !(access & GL_MAP_FLUSH_EXPLICIT_BIT);
	if (tracked && e->compare_bytes + (uint64_t)length > compare_max())
		m->watch = sgl_watch_create(size, &e->maps_dirty);
	if (m->watch) {
		m->shadow = m->watch->app + in;
		m->lib = m->watch->alias + in;
	} else {
		m->block = sgl_aligned_alloc(MAP_ALIGN, size);
		m->shadow = m->lib = (uint8_t *)m->block + in;
	}
	if (tracked && !m->watch)
		m->sent = malloc((size_t)length);
	if ((!m->block && !m->watch) || (tracked && !m->watch && !m->sent)) {
		sgl_aligned_free(m->block);
		free(m);
		return NULL;
	}
	e->maps[e->nmaps++] = m;
	e->map_bytes += (uint64_t)length;
	if (access & GL_MAP_PERSISTENT_BIT)
		e->persistent_maps++;
	if (m->sent) {
		e->unwatched_writes++;
		e->compare_bytes += (uint64_t)length;
	}
	return m;
}

void sgl_enc_forget_maps(struct sgl_enc *e, GLuint buffer)
{
	sgl_map_copy_forget(e, buffer);
	struct sgl_map *m = find(e, buffer);
	if (!m)
		return;
	/* A draw already in the batch may read what was written: it goes
	 * first, while the map is still known (persistent.c). */
	sgl_enc_maps_first(e);
	drop(e, m);
}

/* `name` is the target (BY_TARGET) or the buffer; `buffer` the buffer. */
static void *map_range(struct sgl_enc *e, enum kind k, GLenum name, GLuint buffer,
		       GLintptr offset, GLsizeiptr length, GLbitfield access)
{
	/* Arguments GL would refuse are still sent: the host's GL raises the
	 * error it deserves. Only what the shadows cannot hold stops here. */
	const bool fits = offset >= 0 && length > 0 &&
			  (uint64_t)length <= budget() - e->map_bytes && e->map_bytes <= budget();
	if (!fits && offset >= 0 && length > 0) {
		sgl_enc_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	struct sgl_cmd_glMapBufferRange *c = (struct sgl_cmd_glMapBufferRange *)sgl_enc_begin(
		e, ops[k][MAP], sizeof(*c));
	if (!c)
		return NULL;
	c->offset = offset;
	c->length = length;
	c->target = name;
	c->access = access;
	c->known = fits ? sgl_map_copy_known(e, buffer, access, offset, length) : 0;
	const uint64_t known = c->known;
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, ops[k][MAP], &got);
	struct sgl_map_reply rep = { 0, 0 };
	if (r && got >= sizeof(rep))
		memcpy(&rep, r, sizeof(rep));
	const bool bytes = rep.has_data == SGL_MAP_DATA;
	const uint64_t want = sizeof(rep) + (bytes && fits ? sgl_pad8((uint64_t)length) : 0);
	if (!r || !rep.mapped || !fits || got != want)
		return NULL;
	struct sgl_map *m = new_map(e, buffer, offset, length, access);
	if (!m) {
		/* GL mapped it: the host unmaps, the application sees GL's
		 * out-of-memory error. */
		struct sgl_cmd_glUnmapBuffer *u = (struct sgl_cmd_glUnmapBuffer *)sgl_enc_begin(
			e, ops[k][UNMAP], sizeof(*u));
		if (u) {
			u->offset = offset;
			u->length = 0;
			u->target = name;
			u->has_data = 0;
		}
		sgl_enc_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	const bool filled = rep.has_data != SGL_MAP_NO_DATA &&
			    sgl_map_copy_fill(e, m, bytes ? r + sizeof(rep) : NULL, known);
	if (!filled && !m->watch)
		memset(m->lib, 0, (size_t)length);
	if (m->sent)
		memcpy(m->sent, m->lib, (size_t)length);
	return m->shadow;
}

static GLbitfield access_bits(struct sgl_enc *e, GLenum access)
{
	GLbitfield bits = access == GL_READ_ONLY ? GL_MAP_READ_BIT :
			  access == GL_WRITE_ONLY ? GL_MAP_WRITE_BIT :
			  access == GL_READ_WRITE ? GL_MAP_READ_BIT | GL_MAP_WRITE_BIT : 0;
	if (!bits)
		sgl_enc_error(e, GL_INVALID_ENUM);
	return bits;
}

/* One command carrying `len` bytes of the shadow from `off` (relative to
 * the map); persistent.c sends persistent writes with it. */
void sgl_enc_send_map_range(struct sgl_enc *e, uint32_t op, const struct sgl_map *m, int64_t off,
		       int64_t len, uint32_t name, uint32_t flag)
{
	struct sgl_cmd_glUnmapBuffer *c = (struct sgl_cmd_glUnmapBuffer *)sgl_enc_begin(
		e, op, sizeof(*c) + sgl_pad8((uint64_t)len));
	if (!c)
		return;
	c->offset = (m ? m->offset : 0) + off;
	c->length = len;
	c->target = name;
	c->has_data = flag;
	if (len) {
		memcpy(c + 1, m->lib + off, (size_t)len);
		sgl_enc_zero_pad((uint8_t *)(c + 1), (uint64_t)len);
	}
}

static void flush_range(struct sgl_enc *e, enum kind k, GLenum name, struct sgl_map *m,
			GLintptr offset, GLsizeiptr length)
{
	if (!m || !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT)) {
		sgl_enc_error(e, GL_INVALID_OPERATION);
		return;
	}
	if (offset < 0 || length < 0 || offset > m->length || length > m->length - offset) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	sgl_enc_send_map_range(e, ops[k][FLUSH], m, offset, length, name, 0);
}

static GLboolean unmap(struct sgl_enc *e, enum kind k, GLenum name, struct sgl_map *m)
{
	/* Not mapped here: the host's GL raises the error (or unmaps what
	 * it mapped). */
	const bool write = m && (m->access & GL_MAP_WRITE_BIT) &&
			   !(m->access & GL_MAP_FLUSH_EXPLICIT_BIT);
	/* A persistent map's writes that a draw already in the batch reads
	 * go ahead of the batch now: once dropped, the send would miss them
	 * and the draw would run before the unmap's bytes arrive. */
	if (m && (m->access & GL_MAP_PERSISTENT_BIT))
		sgl_enc_maps_first(e);
	/* With the range's bytes at map time kept, only what changed. */
	const bool whole = write && !sgl_map_copy_send_changes(e, m);
	sgl_enc_send_map_range(e, ops[k][UNMAP], m, 0, whole ? m->length : 0, name, whole);
	if (whole)
		sgl_map_copy_keep(e, m);
	if (!m)
		return GL_FALSE;
	drop(e, m);
	return GL_TRUE;
}

void *sgl_enc_glMapBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
			       GLsizeiptr length, GLbitfield access)
{
	return map_range(e, BY_TARGET, target, bound(e, target), offset, length, access);
}

void *sgl_enc_glMapNamedBufferRange(struct sgl_enc *e, GLuint buffer, GLintptr offset,
				    GLsizeiptr length, GLbitfield access)
{
	return map_range(e, BY_NAME, buffer, buffer, offset, length, access);
}

void *sgl_enc_glMapNamedBufferRangeEXT(struct sgl_enc *e, GLuint buffer, GLintptr offset,
				       GLsizeiptr length, GLbitfield access)
{
	return map_range(e, BY_NAME_EXT, buffer, buffer, offset, length, access);
}

/* The whole-buffer maps are sent as ranges over the buffer's size (the
 * size query raises GL's error for a target or name that has no buffer). */
void *sgl_enc_glMapBuffer(struct sgl_enc *e, GLenum target, GLenum access)
{
	GLint64 size = 0;
	sgl_enc_glGetBufferParameteri64v(e, target, GL_BUFFER_SIZE, &size);
	GLbitfield bits = access_bits(e, access);
	return bits ? sgl_enc_glMapBufferRange(e, target, 0, (GLsizeiptr)size, bits) : NULL;
}

void *sgl_enc_glMapNamedBuffer(struct sgl_enc *e, GLuint buffer, GLenum access)
{
	GLint64 size = 0;
	sgl_enc_glGetNamedBufferParameteri64v(e, buffer, GL_BUFFER_SIZE, &size);
	GLbitfield bits = access_bits(e, access);
	return bits ? map_range(e, BY_NAME, buffer, buffer, 0, (GLsizeiptr)size, bits) : NULL;
}

void *sgl_enc_glMapNamedBufferEXT(struct sgl_enc *e, GLuint buffer, GLenum access)
{
	GLint size = 0;
	sgl_enc_glGetNamedBufferParameterivEXT(e, buffer, GL_BUFFER_SIZE, &size);
	GLbitfield bits = access_bits(e, access);
	return bits ? map_range(e, BY_NAME_EXT, buffer, buffer, 0, size, bits) : NULL;
}

void sgl_enc_glFlushMappedBufferRange(struct sgl_enc *e, GLenum target, GLintptr offset,
				      GLsizeiptr length)
{
	flush_range(e, BY_TARGET, target, sgl_enc_find_map(e, target), offset, length);
}

void sgl_enc_glFlushMappedNamedBufferRange(struct sgl_enc *e, GLuint buffer, GLintptr offset,
					   GLsizeiptr length)
{
	flush_range(e, BY_NAME, buffer, find(e, buffer), offset, length);
}

void sgl_enc_glFlushMappedNamedBufferRangeEXT(struct sgl_enc *e, GLuint buffer,
					      GLintptr offset, GLsizeiptr length)
{
	flush_range(e, BY_NAME_EXT, buffer, find(e, buffer), offset, length);
}

GLboolean sgl_enc_glUnmapBuffer(struct sgl_enc *e, GLenum target)
{
	return unmap(e, BY_TARGET, target, sgl_enc_find_map(e, target));
}

GLboolean sgl_enc_glUnmapNamedBuffer(struct sgl_enc *e, GLuint buffer)
{
	return unmap(e, BY_NAME, buffer, find(e, buffer));
}

GLboolean sgl_enc_glUnmapNamedBufferEXT(struct sgl_enc *e, GLuint buffer)
{
	return unmap(e, BY_NAME_EXT, buffer, find(e, buffer));
}

/* The map pointer is the guest's shadow. A buffer the guest has not mapped
 * asks the host, whose GL raises the error for a name that is no buffer. */
static void *named_pointer(struct sgl_enc *e, enum kind k, GLuint buffer, GLenum pname)
{
	if (pname != GL_BUFFER_MAP_POINTER) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return NULL;
	}
	const struct sgl_map *m = find(e, buffer);
	if (m)
		return m->shadow;
	GLint mapped = 0;
	if (k == BY_NAME_EXT)
		sgl_enc_glGetNamedBufferParameterivEXT(e, buffer, GL_BUFFER_MAPPED, &mapped);
	else
		sgl_enc_glGetNamedBufferParameteriv(e, buffer, GL_BUFFER_MAPPED, &mapped);
	return NULL;
}

void sgl_enc_glGetNamedBufferPointerv(struct sgl_enc *e, GLuint buffer, GLenum pname,
				      void **params)
{
	void *p = named_pointer(e, BY_NAME, buffer, pname);
	if (pname == GL_BUFFER_MAP_POINTER)
		*params = p;
}

void sgl_enc_glGetNamedBufferPointervEXT(struct sgl_enc *e, GLuint buffer, GLenum pname,
					 void **params)
{
	void *p = named_pointer(e, BY_NAME_EXT, buffer, pname);
	if (pname == GL_BUFFER_MAP_POINTER)
		*params = p;
}
