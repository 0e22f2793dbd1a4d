/*
 * Copies of mapped buffer ranges (encoder.h, struct sgl_map_copy).
 *
 * A map that does not invalidate its range needs the range's bytes: the
 * host sends them with its reply. An application that maps the same range
 * every frame to change part of it (glMapBuffer(GL_WRITE_ONLY) of a vertex
 * buffer) would so download the whole range and upload it whole at the
 * unmap, every frame. Instead the guest keeps a copy of the range as the
 * host has it after the unmap, and sends its hash with the next map: the
 * host hashes its mapped bytes and, when they agree (nothing else wrote
 * the buffer: not the host's GL, not another context, not a
 * glBufferSubData), says so instead of sending them. The unmap then sends
 * only the 256-byte blocks that differ from the copy, as sglMappedWrite
 * ahead of an unmap without bytes. The hash, not bookkeeping of every
 * command that may write a buffer, decides whether the copy is current.
 *
 * Only maps of 4 KiB or more that are neither persistent (persistent.c
 * tracks those) nor invalidating; at most SGL_MAP_COPIES copies and
 * COPY_BUDGET bytes per context, the least recently used replaced.
 * SGL_MAP_COPIES=0 turns them off.
 */
#include "encoder.h"

#include <stdlib.h>
#include <string.h>

#include "sgl_hash.h"

#define COPY_MIN 4096
#define COPY_BUDGET (32u << 20)
#define BLOCK 256

/* SGL_MAP_COPIES=0 turns them off (to compare). */
static bool enabled(void)
{
	static int on = -1;
	if (on < 0) {
		const char *env = getenv("SGL_MAP_COPIES");
		on = !env || strcmp(env, "0") != 0;
	}
	return on;
}

static bool worth_a_copy(GLbitfield access, int64_t length)
{
	return enabled() && !(access & (GL_MAP_PERSISTENT_BIT | GL_MAP_INVALIDATE_RANGE_BIT |
			   GL_MAP_INVALIDATE_BUFFER_BIT)) &&
	       length >= COPY_MIN && (uint64_t)length <= COPY_BUDGET / 2;
}

static struct sgl_map_copy *find(struct sgl_enc *e, GLuint buffer, int64_t offset, int64_t length)
{
	for (int i = 0; i < SGL_MAP_COPIES; i++) {
		struct sgl_map_copy *c = &e->copies[i];
		if (c->hash && c->buffer == buffer && c->offset == offset && c->length == length)
			return c;
	}
	return NULL;
}

static void release(struct sgl_enc *e, struct sgl_map_copy *c)
{
	e->copy_bytes -= (uint64_t)c->length;
	free(c->bytes);
	*c = (struct sgl_map_copy){ 0 };
}

/* A slot for a copy of `length` bytes of the range: its old copy's, a free
 * one, or the least recently used one (others go too while the copies
 * would pass the budget). NULL when out of memory. */
static struct sgl_map_copy *take(struct sgl_enc *e, GLuint buffer, int64_t offset, int64_t length)
{
	struct sgl_map_copy *c = find(e, buffer, offset, length);
	if (!c) {
		for (int i = 0; i < SGL_MAP_COPIES && !c; i++)
			if (!e->copies[i].hash)
				c = &e->copies[i];
		if (!c) {
			c = &e->copies[0];
			for (int i = 1; i < SGL_MAP_COPIES; i++)
				if (e->copies[i].used < c->used)
					c = &e->copies[i];
			release(e, c);
		}
	}
	while (e->copy_bytes - (c->hash ? (uint64_t)c->length : 0) + (uint64_t)length > COPY_BUDGET) {
		struct sgl_map_copy *old = NULL;
		for (int i = 0; i < SGL_MAP_COPIES; i++)
			if (&e->copies[i] != c && e->copies[i].hash &&
			    (!old || e->copies[i].used < old->used))
				old = &e->copies[i];
		if (!old)
			break;
		release(e, old);
	}
	if (!c->hash) {
		c->bytes = malloc((size_t)length);
		if (!c->bytes)
			return NULL;
		e->copy_bytes += (uint64_t)length;
		*c = (struct sgl_map_copy){ buffer, offset, length, 0, c->bytes, 0 };
	}
	c->used = ++e->copy_clock;
	return c;
}

uint64_t sgl_map_copy_known(struct sgl_enc *e, GLuint buffer, GLbitfield access, int64_t offset,
			    int64_t length)
{
	if (!worth_a_copy(access, length))
		return 0;
	struct sgl_map_copy *c = find(e, buffer, offset, length);
	if (!c)
		return 0;
	c->used = ++e->copy_clock;
	return c->hash;
}

static void keep(struct sgl_enc *e, const struct sgl_map *m, uint64_t *base)
{
	struct sgl_map_copy *c = take(e, m->buffer, m->offset, m->length);
	if (!c)
		return;   /* no copy: the next map downloads */
	memcpy(c->bytes, m->lib, (size_t)m->length);
	c->hash = sgl_hash64(c->bytes, (size_t)m->length);
	if (base)
		*base = c->hash;
}

bool sgl_map_copy_fill(struct sgl_enc *e, struct sgl_map *m, const uint8_t *reply_bytes,
		       uint64_t known)
{
	if (!reply_bytes) {
		struct sgl_map_copy *c = find(e, m->buffer, m->offset, m->length);
		if (!known || !c || c->hash != known)
			return false;
		memcpy(m->lib, c->bytes, (size_t)m->length);
		m->base = known;
		return true;
	}
	memcpy(m->lib, reply_bytes, (size_t)m->length);
	if (worth_a_copy(m->access, m->length))
		keep(e, m, &m->base);
	return true;
}

static void send_run(struct sgl_enc *e, const struct sgl_map *m, struct sgl_map_copy *c,
		     int64_t from, int64_t to)
{
	memcpy(c->bytes + from, m->lib + from, (size_t)(to - from));
	sgl_enc_send_map_range(e, SGL_OP_sglMappedWrite, m, from, to - from, m->buffer, 1);
}

bool sgl_map_copy_send_changes(struct sgl_enc *e, const struct sgl_map *m)
{
	struct sgl_map_copy *c = m->base ? find(e, m->buffer, m->offset, m->length) : NULL;
	if (!c || c->hash != m->base)
		return false;
	int64_t from = -1;
	bool changed = false;
	for (int64_t i = 0; i < m->length; i += BLOCK) {
		const int64_t n = m->length - i < BLOCK ? m->length - i : BLOCK;
		const bool differs = memcmp(m->lib + i, c->bytes + i, (size_t)n) != 0;
		if (differs && from < 0) {
			from = i;
		} else if (!differs && from >= 0) {
			send_run(e, m, c, from, i);
			from = -1;
		}
		changed |= differs;
	}
	if (from >= 0)
		send_run(e, m, c, from, m->length);
	if (changed)
		c->hash = sgl_hash64(c->bytes, (size_t)m->length);
	c->used = ++e->copy_clock;
	return true;
}

void sgl_map_copy_keep(struct sgl_enc *e, const struct sgl_map *m)
{
	if (worth_a_copy(m->access, m->length))
		keep(e, m, NULL);
}

void sgl_map_copy_forget(struct sgl_enc *e, GLuint buffer)
{
	for (int i = 0; i < SGL_MAP_COPIES; i++)
		if (e->copies[i].hash && e->copies[i].buffer == buffer)
			release(e, &e->copies[i]);
}

void sgl_map_copy_free(struct sgl_enc *e)
{
	for (int i = 0; i < SGL_MAP_COPIES; i++)
		if (e->copies[i].hash)
			release(e, &e->copies[i]);
}
