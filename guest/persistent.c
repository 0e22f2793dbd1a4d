/*
 * Persistent maps (GL_MAP_PERSISTENT_BIT) between the application's shadow
 * and the host's real map, both ways.
 *
 * Guest to host: GL lets the application write a persistent map at any
 * time and requires the GPU to see the bytes at the next command that uses
 * the buffer (coherent maps) or after glMemoryBarrier(
 * GL_CLIENT_MAPPED_BUFFER_BARRIER_BIT) or a fence (others). A command that
 * may read a buffer (the `sync_maps` directive in protocol/overrides.txt)
 * marks the batch; when a marked batch is sent, the guest first sends, in
 * a batch of its own, what was written (and so does a map's end, unmap or
 * delete, in a marked batch: buffers.c). The host runs the batch's
 * commands after the writes, as a GPU runs queued commands after the
 * application's writes: GL gives an application no way to tell (bytes a
 * queued command reads must not change until a fence says it ran), and a
 * frame's hundred draws cost one sync instead of a hundred. What is sent: the written
 * pages of each write-watched map (watch.h), nothing when nothing was
 * written; for the others (small ones, SGL_MAP_WATCH=0; buffers.c says
 * which) the runs that differ from a copy of what the host has; explicitly flushed
 * maps send only what glFlushMappedBufferRange names (buffers.c). Never
 * the whole map: bytes the application did not write would overwrite what
 * the host's GL wrote meanwhile.
 *
 * Host to guest: what the host's GL writes into a persistent map
 * (transform feedback, image and buffer stores, query results,
 * glCopyBufferSubData) is the client's to see once a fence it waited for
 * is signaled or glFinish returned (GL 4.6 section 6.2, "the client must
 * ... call FenceSync ... then ClientWaitSync or Finish"). There the guest
 * asks (sglMapsPull) and the host answers with the bytes that differ from
 * what the guest was last known to hold (src/decoder/persistent.c).
 */
#include "encoder.h"
#include "watch.h"

#include <stdlib.h>

#include "platform.h"

struct run_ctx {
	struct sgl_enc *e;
	const struct sgl_map *m;
	size_t in;      /* the shadow's start within the watched pages */
};

/* A run of written pages, clipped to the map's range. */
static void send_run(void *user, size_t off, size_t len)
{
	const struct run_ctx *r = user;
	const int64_t from = (int64_t)off - (int64_t)r->in;
	const int64_t to = (int64_t)(off + len) - (int64_t)r->in;
	const int64_t a = from < 0 ? 0 : from;
	const int64_t b = to > r->m->length ? r->m->length : to;
	if (b > a)
		sgl_enc_send_map_range(r->e, SGL_OP_sglMappedWrite, r->m, a, b - a, r->m->buffer, 0);
}

/* Blocks compared; runs of differing blocks go as one command. */
#define BLOCK 256

static void send_run_of(struct sgl_enc *e, const struct sgl_map *m, uint8_t *copy,
			uint32_t any_map, int64_t from, int64_t to)
{
	memcpy(copy + from, m->lib + from, (size_t)(to - from));
	sgl_enc_send_map_range(e, SGL_OP_sglMappedWrite, m, from, to - from, m->buffer, any_map);
}

bool sgl_enc_send_changed(struct sgl_enc *e, const struct sgl_map *m, uint8_t *copy,
			  uint32_t any_map)
{
	int64_t from = -1;
	bool changed = false;
	for (int64_t i = 0; i < m->length; i += BLOCK) {
		const int64_t n = m->length - i < BLOCK ? m->length - i : BLOCK;
		const bool differs = memcmp(m->lib + i, copy + i, (size_t)n) != 0;
		if (differs && from < 0) {
			from = i;
		} else if (!differs && from >= 0) {
			send_run_of(e, m, copy, any_map, from, i);
			from = -1;
		}
		changed |= differs;
	}
	if (from >= 0)
		send_run_of(e, m, copy, any_map, from, m->length);
	return changed;
}

static void sync_writes(struct sgl_enc *e)
{
	const bool watched = atomic_exchange(&e->maps_dirty, 0) != 0;
	for (size_t i = 0; i < e->nmaps; i++) {
		const struct sgl_map *m = e->maps[i];
		const GLbitfield a = m->access;
		if (!(a & GL_MAP_PERSISTENT_BIT) || !(a & GL_MAP_WRITE_BIT) ||
		    (a & GL_MAP_FLUSH_EXPLICIT_BIT))
			continue;
		if (m->sent) {
			sgl_enc_send_changed(e, m, m->sent, 0);
		} else if (m->watch && watched) {
			struct run_ctx r = { e, m, (size_t)(m->shadow - m->watch->app) };
			sgl_watch_collect(m->watch, send_run, &r);
		}
	}
}

/* One reply's records into the shadows; false when it is malformed. */
static bool apply(struct sgl_enc *e, const uint8_t *p, size_t size, bool *more)
{
	struct sgl_pull_reply h;
	if (size < sizeof(h))
		return false;
	memcpy(&h, p, sizeof(h));
	*more = h.more != 0;
	size_t at = sizeof(h);
	for (uint32_t i = 0; i < h.count; i++) {
		struct sgl_pull_record rec;
		if (size - at < sizeof(rec))
			return false;
		memcpy(&rec, p + at, sizeof(rec));
		at += sizeof(rec);
		if (rec.length < 0 || (uint64_t)rec.length > size - at)
			return false;
		struct sgl_map *m = NULL;
		for (size_t k = 0; k < e->nmaps && !m; k++)
			if (e->maps[k]->buffer == rec.buffer)
				m = e->maps[k];
		/* A buffer the guest unmapped meanwhile: nothing to fill. */
		if (m && rec.offset >= m->offset && rec.length <= m->length &&
		    rec.offset - m->offset <= m->length - rec.length) {
			memcpy(m->lib + (rec.offset - m->offset), p + at, (size_t)rec.length);
			if (m->sent)
				memcpy(m->sent + (rec.offset - m->offset), p + at,
				       (size_t)rec.length);
		}
		at += sgl_pad8((uint64_t)rec.length);
		if (at > size)
			return false;
	}
	return true;
}

/* The writes in a batch of their own (e->mbuf), submitted ahead of the
 * batch being sent; sending them may flush that batch more than once. */
void sgl_enc_maps_first_slow(struct sgl_enc *e)
{
	uint8_t *buf = e->buf, *cur = e->cur, *end = e->end;
	const size_t cap = e->cap;
	e->maps_wanted = false;
	if (!e->mbuf) {
		e->mcap = 64 << 10;
		e->mbuf = sgl_aligned_alloc(8, e->mcap);
		if (!e->mbuf) {
			e->failed = true;   /* the writes cannot travel: the context is gone */
			return;
		}
	}
	e->buf = e->cur = e->mbuf;
	e->end = e->mbuf + e->mcap;
	e->cap = e->mcap;
	e->maps_syncing = true;
	sync_writes(e);
	sgl_enc_send(e);
	e->maps_syncing = false;
	e->mbuf = e->buf;     /* sgl_enc_begin_slow may have grown it */
	e->mcap = e->cap;
	e->buf = buf;
	e->cur = cur;
	e->end = end;
	e->cap = cap;
}

void sgl_enc_pull_maps_slow(struct sgl_enc *e)
{
	/* What the application wrote reaches the host first (ahead of the
	 * pull's batch): the host's answer is then only what its GL wrote. */
	sgl_enc_sync_maps(e);
	bool more = true;
	for (int rounds = 0; more && rounds < 1024; rounds++) {
		if (!sgl_enc_begin(e, SGL_OP_sglMapsPull, sizeof(struct sgl_cmd_sglMapsPull)))
			return;
		size_t got;
		const uint8_t *r = sgl_enc_reply_any(e, SGL_OP_sglMapsPull, &got);
		if (!r || !apply(e, r, got, &more))
			return;
	}
}
