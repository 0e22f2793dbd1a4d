/*
 * libFuzzer target on sglhost_context_submit(): the whole guest command
 * stream decoder, with real GL underneath (Mesa; llvmpipe without a GPU).
 *
 * Input: byte 0 selects the context, the rest is the command buffer:
 *   (byte 0 & 3) == 0: GL compatibility profile, highest version
 *                   1: GL core profile, highest version
 *                   2: GLES, highest version
 *                   3: GLES 2.0 asked for (the decoder behaves differently
 *                      below 3.0; Mesa gives 3.2 all the same)
 * The other bits of byte 0 are reserved (ignored). scripts/fuzz.sh turns the
 * round-trip test's batches into seeds by prefixing them with 0x00.
 *
 * Every outcome the API documents for guest input (0, -EPROTO with the
 * context lost, a GL error) is fine; anything the sanitizers or the checks
 * below catch is a bug in the library.
 *
 * Contexts: by default every input runs on a fresh context, so an input
 * reproduces alone. SGL_FUZZ_CONTEXTS=reuse keeps one context per selector
 * across inputs and replaces it only when it got lost: faster where context
 * creation is slow, but GL state then carries over from earlier inputs and a
 * crash may need them to reproduce. See fuzz/README.md for the numbers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglhost.h"
#include "sgl_protocol.h"
#include "sgl_wire.h"

#define FUZZ_EXPORT __attribute__((visibility("default")))

/* Keep legal-but-huge requests (a 16384x16384 surface is 3 GiB of
 * renderbuffers) under libFuzzer's RSS limit: these are host settings a
 * real embedder chooses too. */
#define FUZZ_MAX_SURFACE 1024u
#define FUZZ_MAX_CONTEXT_MEMORY (64ull << 20)
#define FUZZ_SURFACE 64u

#define SELECTORS 4

static struct sglhost *host;
static bool reuse;
static struct sglhost_context *cached[SELECTORS];

/* The input without byte 0, 8-byte aligned (malloc), exactly as long as
 * the input so that ASan catches any read past its end. */
static uint64_t *abuf;
static size_t abuf_cap;

/* Pixels the present callback reads back into. */
static uint8_t *pixels;
static size_t pixels_cap;

/* Defaults for running this binary, also when reproducing a crash; the
 * environment (ASAN_OPTIONS, UBSAN_OPTIONS) overrides them. Mesa frees
 * megabytes per context: a 64 MiB quarantine (default 256) makes a context
 * about 1.5x cheaper and still holds everything the decoder frees in one
 * input. */
FUZZ_EXPORT const char *__asan_default_options(void);
FUZZ_EXPORT const char *__asan_default_options(void)
{
	return "quarantine_size_mb=64";
}

FUZZ_EXPORT const char *__ubsan_default_options(void);
FUZZ_EXPORT const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}

static void log_discard(void *user, enum sglhost_log_level level, const char *file, int line,
			const char *msg)
{
	(void)user;
	(void)level;
	(void)file;
	(void)line;
	(void)msg;
}

/* A broken API promise: report it to libFuzzer as a crash. */
__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz_submit: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

struct sink {
	unsigned replies;
	uint64_t sum;
};

static int reply_sink(void *user, const void *data, size_t size)
{
	struct sink *s = user;
	struct sgl_header h;

	if (!data)
		die("reply %u: NULL data of %zu bytes", s->replies, size);
	if (size < sizeof(h))
		die("reply %u: %zu bytes, shorter than a header", s->replies, size);
	memcpy(&h, data, sizeof(h));
	if (h.size != size)
		die("reply %u: header size %u, but %zu bytes were passed", s->replies, h.size,
		    size);
	if (size & 7)
		die("reply %u: size %zu is not a multiple of 8", s->replies, size);
	/* The top bit flags a reply whose command raised a GL error
	 * (SGL_REPLY_GL_ERROR); the rest is the command's opcode. */
	if ((h.opcode & ~SGL_REPLY_GL_ERROR) >= SGL_OP_COUNT)
		die("reply %u: opcode %u out of range", s->replies, h.opcode);
	/* Touch every byte so that ASan checks the whole range is readable. */
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++)
		s->sum += p[i];
	s->replies++;
	return 0;
}

/* Exercises the read-back path from within submit, as the API allows. */
static void present(void *user, struct sglhost_context *ctx, uint32_t width, uint32_t height)
{
	(void)user;
	uint32_t w, h;
	if (sglhost_context_get_size(ctx, &w, &h) < 0 || w != width || h != height)
		die("present: size %ux%u does not match get_size (%ux%u)", width, height, w, h);
	size_t need = (size_t)width * height * 4;
	if (need > pixels_cap) {
		uint8_t *n = realloc(pixels, need);
		if (!n)
			return;
		pixels = n;
		pixels_cap = need;
	}
	int r = sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_BGRA8888, pixels,
					    (size_t)width * 4, width, height);
	if (r < 0)
		die("present: read_pixels failed: %d", r);
}

static struct sglhost *host_get(void)
{
	if (host)
		return host;
	const char *mode = getenv("SGL_FUZZ_CONTEXTS");
	reuse = mode && !strcmp(mode, "reuse");

	struct sglhost_config cfg;
	sglhost_config_init(&cfg);
	cfg.platform = SGLHOST_PLATFORM_SURFACELESS;
	cfg.log = log_discard;
	cfg.log_level = SGLHOST_LOG_DEBUG;   /* the messages are built, then dropped */
	cfg.max_surface_width = FUZZ_MAX_SURFACE;
	cfg.max_surface_height = FUZZ_MAX_SURFACE;
	cfg.max_context_memory = FUZZ_MAX_CONTEXT_MEMORY;
	host = sglhost_create(&cfg);
	if (!host) {
		fprintf(stderr, "fuzz_submit: no surfaceless EGL display (errno %d); "
			"is Mesa (libegl-mesa0) installed?\n", errno);
		exit(1);
	}
	return host;
}

static struct sglhost_context *context_create(unsigned sel)
{
	static struct {
		enum sglhost_api api;
		int major, minor;
		bool pinned;   /* major.minor is what the driver gave last time */
	} configs[SELECTORS] = {
		{ SGLHOST_API_GL_COMPAT, 0, 0, false },
		{ SGLHOST_API_GL_CORE, 0, 0, false },
		{ SGLHOST_API_GLES, 0, 0, false },
		{ SGLHOST_API_GLES, 2, 0, true },
	};
	struct sglhost_context_config cc;
	sglhost_context_config_init(&cc);
	cc.api = configs[sel].api;
	cc.major = configs[sel].major;
	cc.minor = configs[sel].minor;
	cc.width = FUZZ_SURFACE;
	cc.height = FUZZ_SURFACE;
	cc.present = present;
	struct sglhost_context *ctx = sglhost_context_create(host_get(), &cc);
	if (!ctx) {
		/* The driver may lack an API: not the decoder's fault. But the
		 * fuzzer is blind then, so say so once. */
		static bool said[SELECTORS];
		if (!said[sel]) {
			said[sel] = true;
			fprintf(stderr, "fuzz_submit: cannot create context %u (errno %d)\n", sel,
				errno);
		}
		return NULL;
	}
	if (!configs[sel].pinned) {
		/* "Highest version" makes EGL try versions from 4.6 down, and a
		 * refused version costs Mesa a whole context: ask for the one
		 * we got from now on (the same context, 20% faster). */
		struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
		if (sglhost_context_get_status(ctx, &st) == 0 && st.major > 0) {
			configs[sel].major = st.major;
			configs[sel].minor = st.minor;
			configs[sel].pinned = true;
		}
	}
	return ctx;
}

static struct sglhost_context_status status(struct sglhost_context *ctx)
{
	struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
	if (sglhost_context_get_status(ctx, &st) < 0)
		die("get_status failed");
	if (st.lost != (st.reason[0] != '\0'))
		die("status: lost %d with reason \"%s\"", st.lost, st.reason);
	return st;
}

FUZZ_EXPORT int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0] & (SELECTORS - 1);
	data++;
	size--;

	host_get();
	struct sglhost_context *ctx = reuse ? cached[sel] : NULL;
	if (!ctx && !(ctx = context_create(sel)))
		return 0;

	/* The API wants an 8-byte aligned, stable copy of guest memory. */
	uint8_t *buf = NULL;
	if (size) {
		if (size != abuf_cap) {
			free(abuf);
			abuf = malloc(size);   /* malloc alignment is at least 8 */
			abuf_cap = abuf ? size : 0;
			if (!abuf)
				return 0;
		}
		memcpy(abuf, data, size);
		buf = (uint8_t *)abuf;
	}

	struct sink sink = { 0, 0 };
	struct sglhost_context_status before = status(ctx);
	int r = sglhost_context_submit(ctx, buf, size, reply_sink, &sink);
	struct sglhost_context_status after = status(ctx);
	bool lost = after.lost;
	uint64_t ran = after.bytes - before.bytes;
	if (r == 0 && (lost || ran != size))
		die("submit returned 0, but lost %d, %llu of %zu bytes run", lost,
		    (unsigned long long)ran, size);
	if (r == -EPROTO && (!lost || ran >= size))
		die("submit returned -EPROTO, but lost %d, %llu of %zu bytes run", lost,
		    (unsigned long long)ran, size);
	if (r != 0 && r != -EPROTO)
		die("submit returned %d", r);   /* a context here is never lost before */
	if (after.commands < before.commands || after.bytes < before.bytes)
		die("status: commands or bytes went backwards");

	/* The next submit on a lost context must be refused. */
	if (lost && sglhost_context_submit(ctx, buf, size, reply_sink, &sink) != -EPIPE)
		die("submit on a lost context did not return -EPIPE");

	if (reuse && !lost) {
		cached[sel] = ctx;
	} else {
		cached[sel] = NULL;
		sglhost_context_destroy(ctx);
	}
	return 0;
}
