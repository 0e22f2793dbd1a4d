/*
 * What the transport fuzz targets share (fuzz/README.md): each defines
 * LLVMFuzzerTestOneInput and writes its own seeds, so that no corpus is
 * committed. standalone.c runs a target without libFuzzer: it writes the
 * seeds for scripts/fuzz.sh and replays inputs (the seeds themselves and
 * fuzz/regressions-<target>/) as a meson test.
 */
#ifndef SGL_FUZZ_H
#define SGL_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_EXPORT __attribute__((visibility("default")))

typedef void (*fuzz_emit_fn)(void *user, const char *name, const uint8_t *data, size_t size);

/* Defined (1) only in standalone.c: a target that lacks something it
 * needs (an EGL display) exits 77 there, which meson counts as a skip. */
extern const int fuzz_standalone __attribute__((weak));

/* Calls `emit` once per seed input (names are plain file names). */
void fuzz_seeds(fuzz_emit_fn emit, void *user);

FUZZ_EXPORT int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the code under test: a crash for libFuzzer. */
__attribute__((format(printf, 1, 2), noreturn)) static inline void fuzz_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Open file descriptors of the process (LeakSanitizer does not see fds or
 * mappings): -1 when /proc is missing. */
int fuzz_count_fds(void);
/* Lines of /proc/self/maps that contain `what` ("SYSV" for System V
 * segments attached), or -1. */
int fuzz_count_maps(const char *what);

/* A memfd of `size` bytes (its fd in *fd) and a shared mapping of it. */
uint8_t *fuzz_memfd_map(const char *name, size_t size, int *fd);

/* Little-endian readers of the input (zero past its end). */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (in->left) {
			v |= (uint64_t)in->p[0] << (8 * i);
			in->p++;
			in->left--;
		}
	}
	return v;
}

#endif
