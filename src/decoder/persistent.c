/*
 * Persistent maps seen from the host: what GL writes into them must reach
 * the guest's shadow where GL makes it visible to the client (a signaled
 * fence, glFinish; guest/persistent.c asks with sglMapsPull). The host
 * keeps, per persistent map, the bytes the guest was last known to hold:
 * what the map held when it was made (or zeros, when the guest got none)
 * updated with every byte the guest sent. A pull answers with the runs of
 * the map that differ from them, so a fence after which GL wrote nothing
 * costs a comparison on the host and an empty reply.
 *
 * Entries are checked against GL before they are read: a map whose buffer
 * was deleted, unmapped or mapped again elsewhere is dropped, its pointer
 * never touched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* Compared in blocks; differing blocks closer than GAP merge into one run. */
#define BLOCK 256
#define GAP 1024
/* A reply carries at most this many bytes of runs; the guest asks again. */
#define REPLY_MAX ((uint64_t)16 << 20)

static void drop(struct sgl_dec *d, size_t i)
{
	free(d->pmaps[i].seen);
	d->pmaps[i] = d->pmaps[--d->npmaps];
}

int sgl_dec_pmap_add(struct sgl_dec *d, uint32_t buffer, uint8_t *host, int64_t offset,
		     int64_t length, bool sent)
{
	for (size_t i = 0; i < d->npmaps; i++)
		if (d->pmaps[i].buffer == buffer || d->pmaps[i].host == host)
			drop(d, i--);
	if (!buffer || length <= 0)
		return 0;
	if (d->npmaps == d->pmaps_cap) {
		size_t cap = d->pmaps_cap ? d->pmaps_cap * 2 : 16;
		struct sgl_pmap *t = realloc(d->pmaps, cap * sizeof(*t));
		if (!t)
			return sgl_dec_fail(d, "out of memory for persistent maps"), -ENOMEM;
		d->pmaps = t;
		d->pmaps_cap = cap;
	}
	uint8_t *seen = sent ? malloc((size_t)length) : calloc(1, (size_t)length);
	if (!seen)
		return sgl_dec_fail(d, "out of memory for a persistent map of %lld bytes",
				    (long long)length), -ENOMEM;
	if (sent)
		memcpy(seen, host, (size_t)length);
	d->pmaps[d->npmaps++] = (struct sgl_pmap){ buffer, host, offset, length, seen };
	return 0;
}

void sgl_dec_pmap_stored(struct sgl_dec *d, const uint8_t *dst, int64_t length)
{
	for (size_t i = 0; i < d->npmaps; i++) {
		const struct sgl_pmap *m = &d->pmaps[i];
		if (dst >= m->host && dst - m->host <= m->length - length) {
			memcpy(m->seen + (dst - m->host), dst, (size_t)length);
			return;
		}
	}
}

void sgl_dec_pmap_remove(struct sgl_dec *d, const void *host)
{
	for (size_t i = 0; i < d->npmaps; i++)
		if (d->pmaps[i].host == host)
			drop(d, i--);
}

void sgl_dec_pmap_finish(struct sgl_dec *d)
{
	while (d->npmaps)
		drop(d, 0);
	free(d->pmaps);
	d->pmaps = NULL;
	d->pmaps_cap = 0;
}

/* Whether entry i is still GL's persistent map of its buffer. */
static bool live(struct sgl_dec *d, const struct sgl_pmap *m)
{
	struct sgl_buffer_site s;
	if (sgl_dec_lookup(d, SGL_OBJ_BUFFER, m->buffer) == 0)
		return false;
	if (sgl_dec_buffer_enter(d, SGL_OP_sglMappedWrite, m->buffer, &s))
		return false;
	void *ptr = NULL;
	GLint64 len = 0;
	d->gl->GetBufferPointerv(s.target, GL_BUFFER_MAP_POINTER, &ptr);
	if (ptr)
		d->gl->GetBufferParameteri64v(s.target, GL_BUFFER_MAP_LENGTH, &len);
	sgl_dec_buffer_leave(d, &s);
	return ptr == m->host && len == m->length;
}

struct run {
	uint32_t map;
	int64_t from, to;     /* in the map */
};

/* The next run of m at or after *at that differs from what the guest has. */
static bool next_run(const struct sgl_pmap *m, int64_t *at, int64_t *from, int64_t *to)
{
	int64_t i = *at;
	while (i < m->length) {
		int64_t n = m->length - i < BLOCK ? m->length - i : BLOCK;
		if (memcmp(m->host + i, m->seen + i, (size_t)n))
			break;
		i += n;
	}
	if (i >= m->length)
		return false;
	*from = i;
	int64_t end = i, quiet = 0;
	while (i < m->length && quiet < GAP) {
		int64_t n = m->length - i < BLOCK ? m->length - i : BLOCK;
		if (memcmp(m->host + i, m->seen + i, (size_t)n)) {
			end = i + n;
			quiet = 0;
		} else {
			quiet += n;
		}
		i += n;
	}
	*to = end;
	*at = end;
	return true;
}

int sgl_hand_sglMapsPull(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	if (size != sizeof(struct sgl_cmd_sglMapsPull))
		return sgl_dec_size_mismatch(d, SGL_OP_sglMapsPull, size,
					     sizeof(struct sgl_cmd_sglMapsPull));
	for (size_t i = 0; i < d->npmaps; i++)
		if (!live(d, &d->pmaps[i]))
			drop(d, i--);
	/* GL's writes are done once the commands before are: the guest asks
	 * after a signaled fence or glFinish, so this waits for nothing. */
	struct run *runs = NULL;
	size_t nruns = 0, cap = 0;
	uint64_t bytes = sizeof(struct sgl_pull_reply);
	bool more = false;
	for (size_t i = 0; i < d->npmaps && !more; i++) {
		int64_t at = 0, from, to;
		while (next_run(&d->pmaps[i], &at, &from, &to)) {
			uint64_t rec = sizeof(struct sgl_pull_record) + sgl_pad8((uint64_t)(to - from));
			if (nruns && bytes + rec > REPLY_MAX) {
				more = true;
				break;
			}
			if (nruns == cap) {
				cap = cap ? cap * 2 : 64;
				struct run *t = realloc(runs, cap * sizeof(*t));
				if (!t) {
					free(runs);
					return sgl_dec_fail(d, "out of memory pulling persistent maps");
				}
				runs = t;
			}
			runs[nruns++] = (struct run){ (uint32_t)i, from, to };
			bytes += rec;
		}
	}
	uint8_t *out = sgl_dec_reply_begin(d, SGL_OP_sglMapsPull, bytes);
	if (!out) {
		free(runs);
		return -EPROTO;
	}
	struct sgl_pull_reply h = { (uint32_t)nruns, more };
	memcpy(out, &h, sizeof(h));
	uint64_t at = sizeof(h);
	for (size_t k = 0; k < nruns; k++) {
		const struct sgl_pmap *m = &d->pmaps[runs[k].map];
		const int64_t len = runs[k].to - runs[k].from;
		struct sgl_pull_record rec = { m->offset + runs[k].from, len, m->buffer, 0 };
		memcpy(out + at, &rec, sizeof(rec));
		memcpy(out + at + sizeof(rec), m->host + runs[k].from, (size_t)len);
		memcpy(m->seen + runs[k].from, m->host + runs[k].from, (size_t)len);
		at += sizeof(rec) + sgl_pad8((uint64_t)len);
	}
	free(runs);
	return sgl_dec_reply_end(d);
}
