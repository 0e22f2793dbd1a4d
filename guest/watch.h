/*
 * Write-watched memory: the pages of a persistent map's shadow, readable by
 * the application and write-protected until it writes them. The first write
 * to a page faults once; the fault handler (SIGSEGV, chained to any handler
 * the application has) lifts the protection of that page and marks it
 * dirty. Collecting the dirty pages protects them again, so a command that
 * may read a persistent map costs nothing when nothing was written and one
 * copy of each written page otherwise. The library reads and writes the
 * same pages through a second mapping (`alias`) that is never protected.
 *
 * Measured against copying whole maps, comparing against a copy and the
 * kernel's soft-dirty bits: bench/bench_watch.c, docs/protocol.md.
 */
#ifndef SGL_GUEST_WATCH_H
#define SGL_GUEST_WATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sgl_watch {
	uint8_t *app;         /* the application's view, page aligned */
	uint8_t *alias;       /* the library's view of the same pages */
	size_t size;          /* bytes, a multiple of the page size */
	size_t npages;
	_Atomic uint64_t *bits;   /* one per page: written since the last collect */
	atomic_bool dirty;        /* some bit may be set */
	_Atomic uint32_t *pending; /* the owner's count of dirty watches */
};

/* Write-watched pages covering `size` bytes (zero-filled); `pending` is
 * incremented when the watch becomes dirty. NULL when watching is off
 * (SGL_MAP_WATCH=0) or the memory cannot be had. */
struct sgl_watch *sgl_watch_create(size_t size, _Atomic uint32_t *pending);
void sgl_watch_destroy(struct sgl_watch *w);

/* Calls `fn` with each run of pages written since the last collect (byte
 * offset and length in the watch), after protecting them again: bytes
 * written after the protection fault again and go at the next collect. */
typedef void (*sgl_watch_fn)(void *user, size_t offset, size_t length);
void sgl_watch_collect(struct sgl_watch *w, sgl_watch_fn fn, void *user);

/* Whether watching is available (the handler is installed). */
bool sgl_watch_enabled(void);

#endif
