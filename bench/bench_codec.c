/*
 * Codec micro-benchmark: what the guest encoder and the host decoder cost
 * per small command, without GL, EGL or a transport.
 *
 *  - encode: generated sgl_enc_gl* calls into a batch buffer whose submit
 *    callback only counts the batch (the encoder then reuses the buffer);
 *  - decode+dispatch: sgl_dec_run over one encoded batch, repeatedly, into
 *    the generated no-op GL table, so only our validation, name mapping and
 *    dispatch are timed.
 *
 * Every figure is the median (and minimum) of several timed runs over about
 * a million commands each: the machine may be shared and noisy. The figures
 * are informational; the program exits 0 whatever they are, and non-zero
 * only when the codec itself misbehaves (the decoder loses the context,
 * counts other commands than were encoded, or raises a GL error).
 *
 * Usage: bench_codec [-n COMMANDS] [-r RUNS] [-b BATCH_BYTES] [STREAM...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decoder/decoder.h"
#include "encoder.h"

/* Generated in sgl_gl_noop.c; no header declares it. */
void sgl_gl_table_noop(struct sgl_gl_table *t);

/* Targets of the performance issue, ns per small command. */
#define TARGET_ENCODE_NS 5.0
#define TARGET_DECODE_NS 10.0

#define NTEX 8

enum stream {
	S_VERTEX3F,
	S_UNIFORM4F,
	S_DRAWARRAYS,
	S_COLOR4UB,
	S_BINDTEXTURE,
	S_MIX,
	S_ENTRY,
	S_COUNT,
};

static const char *const stream_names[S_COUNT] = {
	[S_VERTEX3F] = "glVertex3f",
	[S_UNIFORM4F] = "glUniform4f",
	[S_DRAWARRAYS] = "glDrawArrays",
	[S_COLOR4UB] = "glColor4ub",
	[S_BINDTEXTURE] = "glBindTexture",
	[S_MIX] = "mix",
	[S_ENTRY] = "glVertex3f()",
};

/* Commands one loop iteration of a stream emits. The mix is a small
 * textured draw followed by an immediate-mode triangle:
 *   glBindTexture, glUniform4f x2, glDrawArrays,
 *   glBegin, (glColor4ub, glVertex3f) x3, glEnd          = 12 commands. */
#define MIX_COMMANDS 12
static const unsigned stream_unit[S_COUNT] = {
	1, 1, 1, 1, 1, MIX_COMMANDS, 1,
};

/* The application's view: the exported entry point (guest/entry.h: the
 * thread's current encoder, the flush timer's enter/leave marks). */
extern __thread struct sgl_enc *sgl_current_enc;
/* By its symbol: epoxy's header (through the decoder's) makes glVertex3f a
 * macro. */
void entry_vertex3f(GLfloat x, GLfloat y, GLfloat z) __asm__("glVertex3f");

/* ---- Encoder side ---- */

struct sink {
	uint64_t batches;
	uint64_t bytes;
	/* When set, the next batch is copied here (to build the decode input). */
	uint8_t *capture;
	size_t capture_cap;
	size_t captured;
};

static int sink_submit(void *user, const void *buf, size_t size)
{
	struct sink *s = user;
	s->batches++;
	s->bytes += size;
	if (s->capture) {
		if (size > s->capture_cap)
			return -ENOSPC;
		memcpy(s->capture, buf, size);
		s->captured = size;
		s->capture = NULL;
	}
	return 0;
}

static int sink_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			  size_t *reply_size)
{
	(void)user;
	(void)buf;
	(void)size;
	(void)reply;
	(void)reply_size;
	return -ENOTSUP; /* no stream here returns data */
}

static const struct sgl_transport_ops sink_ops = { sink_submit, sink_roundtrip, NULL };

static GLuint textures[NTEX];

/* Keeps a value alive and the memory it points to written, as far as the
 * compiler can tell. */
static inline void keep(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Emits `iters` iterations of stream `s` (iters * stream_unit[s] commands).
 * The arguments change every iteration so nothing is loop-invariant. */
static void encode_stream(struct sgl_enc *e, enum stream s, uint64_t iters)
{
	float x = 0.0f, y = 1.0f, z = 2.0f;
	uint32_t i;

	switch (s) {
	case S_VERTEX3F:
		for (uint64_t n = 0; n < iters; n++) {
			sgl_enc_glVertex3f(e, x, y, z);
			x += 1.0f;
			y -= 0.5f;
		}
		break;
	case S_UNIFORM4F:
		for (uint64_t n = 0; n < iters; n++) {
			sgl_enc_glUniform4f(e, (GLint)(n & 15), x, y, z, 1.0f);
			x += 1.0f;
		}
		break;
	case S_DRAWARRAYS:
		for (uint64_t n = 0; n < iters; n++)
			sgl_enc_glDrawArrays(e, GL_TRIANGLES, (GLint)(n & 1023), 3);
		break;
	case S_ENTRY:
		sgl_current_enc = e;
		for (uint64_t n = 0; n < iters; n++) {
			entry_vertex3f(x, y, z);
			x += 1.0f;
			y -= 0.5f;
		}
		sgl_current_enc = NULL;
		break;
	case S_COLOR4UB:
		for (uint64_t n = 0; n < iters; n++) {
			i = (uint32_t)n;
			sgl_enc_glColor4ub(e, (GLubyte)i, (GLubyte)(i >> 8), 0x80, 0xff);
		}
		break;
	case S_BINDTEXTURE:
		for (uint64_t n = 0; n < iters; n++)
			sgl_enc_glBindTexture(e, GL_TEXTURE_2D, textures[n & (NTEX - 1)]);
		break;
	case S_MIX:
		for (uint64_t n = 0; n < iters; n++) {
			i = (uint32_t)n;
			sgl_enc_glBindTexture(e, GL_TEXTURE_2D, textures[n & (NTEX - 1)]);
			sgl_enc_glUniform4f(e, 0, x, y, z, 1.0f);
			sgl_enc_glUniform4f(e, 1, z, y, x, 0.0f);
			sgl_enc_glDrawArrays(e, GL_TRIANGLES, (GLint)(n & 1023), 6);
			sgl_enc_glBegin(e, GL_TRIANGLES);
			sgl_enc_glColor4ub(e, (GLubyte)i, 0, 0, 0xff);
			sgl_enc_glVertex3f(e, x, y, z);
			sgl_enc_glColor4ub(e, 0, (GLubyte)i, 0, 0xff);
			sgl_enc_glVertex3f(e, y, z, x);
			sgl_enc_glColor4ub(e, 0, 0, (GLubyte)i, 0xff);
			sgl_enc_glVertex3f(e, z, x, y);
			sgl_enc_glEnd(e);
			x += 1.0f;
			y -= 0.5f;
		}
		break;
	case S_COUNT:
		break;
	}
	keep(e->cur);
}

/* ---- Decoder side ---- */

static struct sgl_mem_budget budget = { 0, 1u << 30 };
static struct sgl_namemap maps[SGL_OBJ_COUNT];
static struct sgl_gl_table gl_noop;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "bench_codec: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void dec_setup(struct sgl_dec *d, struct sgl_enc *e)
{
	sgl_gl_table_noop(&gl_noop);
	sgl_dec_init(d, &gl_noop, &budget, NULL);
	for (int i = 0; i < SGL_OBJ_COUNT; i++) {
		sgl_namemap_init(&maps[i], 1u << 22, &budget);
		d->maps[i] = &maps[i];
	}
	/* Textures named the way an application gets them (the guest picks
	 * the names), then known to the host as they would be after
	 * glGenTextures. */
	sgl_enc_gen_names(e, SGL_OBJ_TEXTURE, NTEX, textures);
	for (int i = 0; i < NTEX; i++)
		if (sgl_namemap_insert(&maps[SGL_OBJ_TEXTURE], textures[i], 1000 + i) < 0)
			die("cannot map texture name %u", textures[i]);
}

static void dec_check(const struct sgl_dec *d, const char *stream, uint64_t expect)
{
	if (d->lost)
		die("%s: the decoder lost the context: %s", stream, d->reason);
	if (d->commands != expect)
		die("%s: the decoder ran %llu commands, expected %llu", stream,
		    (unsigned long long)d->commands, (unsigned long long)expect);
	if (d->error != GL_NO_ERROR)
		die("%s: the decoder raised GL error 0x%04x", stream, d->error);
}

/* ---- Timing ---- */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct figure {
	double median_ns, min_ns; /* per command */
};

static struct figure summarize(double *per_cmd, int runs)
{
	qsort(per_cmd, (size_t)runs, sizeof(*per_cmd), cmp_double);
	struct figure f;
	f.min_ns = per_cmd[0];
	f.median_ns = runs & 1 ? per_cmd[runs / 2]
			       : (per_cmd[runs / 2 - 1] + per_cmd[runs / 2]) / 2;
	return f;
}

static void format_rate(char *out, size_t n, double bytes_per_cmd, double ns_per_cmd)
{
	double mbs = bytes_per_cmd / ns_per_cmd * 1e3; /* bytes/ns = GB/s */
	if (mbs >= 1000.0)
		snprintf(out, n, "%.1f GB/s", mbs / 1e3);
	else
		snprintf(out, n, "%.0f MB/s", mbs);
}

struct options {
	uint64_t commands;
	int runs;
	size_t batch;
	bool want[S_COUNT];
};

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-n COMMANDS] [-r RUNS] [-b BATCH_BYTES] [STREAM...]\n"
		"  -n  commands per timed run (default 1000000)\n"
		"  -r  timed runs per figure; the median and minimum are printed (default 15)\n"
		"  -b  encoder batch size in bytes, also the size of the batch decoded\n"
		"      (default 1048576)\n"
		"  streams: glVertex3f glUniform4f glDrawArrays glColor4ub glBindTexture mix\n"
		"           (default: all)\n",
		argv0);
}

static int parse(int argc, char **argv, struct options *o)
{
	int c;
	o->commands = 1000000;
	o->runs = 15;
	o->batch = 1u << 20;
	while ((c = getopt(argc, argv, "n:r:b:h")) != -1) {
		switch (c) {
		case 'n':
			o->commands = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			o->runs = atoi(optarg);
			break;
		case 'b':
			o->batch = strtoull(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
			return -1;
		}
	}
	if (o->commands < MIX_COMMANDS || o->runs < 1 || o->runs > 1000 || o->batch < 4096) {
		usage(argv[0]);
		return -1;
	}
	bool any = optind < argc;
	for (int s = 0; s < S_COUNT; s++)
		o->want[s] = !any;
	for (int a = optind; a < argc; a++) {
		int s;
		for (s = 0; s < S_COUNT; s++)
			if (!strcmp(argv[a], stream_names[s]))
				break;
		if (s == S_COUNT) {
			fprintf(stderr, "%s: unknown stream %s\n", argv[0], argv[a]);
			usage(argv[0]);
			return -1;
		}
		o->want[s] = true;
	}
	return 0;
}

/* Per-stream state of a benchmark. */
struct bench {
	const char *name;
	enum stream s;
	uint64_t iters, ncmd;    /* encode: loop iterations and commands of a run */
	uint8_t *batch;          /* decode input: one encoded batch */
	size_t batch_bytes;
	uint64_t passes, dcmd;   /* decode: passes over the batch and commands of a run */
	double bytes_per_cmd;
	double *enc_ns, *dec_ns; /* per-command time of each run */
};

/* Encodes one batch of the stream, as the encoder submits it (whole
 * iterations only): the decoder's input. */
static void prepare(struct bench *b, struct sgl_enc *enc, struct sink *sink,
		    const struct options *o)
{
	unsigned unit = stream_unit[b->s];

	b->iters = o->commands / unit;
	b->ncmd = b->iters * unit;
	sgl_enc_flush(enc);
	uint8_t *before = enc->cur;
	encode_stream(enc, b->s, 1);
	size_t unit_bytes = (size_t)(enc->cur - before);
	enc->cur = before;
	enc->commands -= unit;
	uint64_t batch_iters = o->batch / unit_bytes;
	uint64_t batch_cmds = batch_iters * unit;

	b->batch = aligned_alloc(64, (o->batch + 63) & ~(size_t)63);
	b->enc_ns = calloc((size_t)o->runs, sizeof(double));
	b->dec_ns = calloc((size_t)o->runs, sizeof(double));
	if (!b->batch || !b->enc_ns || !b->dec_ns)
		die("out of memory");
	sink->capture = b->batch;
	sink->capture_cap = o->batch;
	sink->captured = 0;
	encode_stream(enc, b->s, batch_iters);
	sgl_enc_flush(enc);
	if (enc->failed || sink->captured != batch_iters * unit_bytes)
		die("%s: encoding the decode input failed", b->name);
	b->batch_bytes = sink->captured;
	b->bytes_per_cmd = (double)unit_bytes / unit;
	b->passes = (b->ncmd + batch_cmds - 1) / batch_cmds;
	b->dcmd = b->passes * batch_cmds;
}

static double time_encode(struct bench *b, struct sgl_enc *enc)
{
	uint64_t commands0 = enc->commands;
	sgl_enc_flush(enc);
	double t0 = now_ns();
	encode_stream(enc, b->s, b->iters);
	double t1 = now_ns();
	if (enc->failed || enc->commands - commands0 != b->ncmd)
		die("%s: the encoder failed or lost commands", b->name);
	return (t1 - t0) / (double)b->ncmd;
}

static double time_decode(struct bench *b, struct sgl_dec *dec)
{
	dec->commands = 0;
	double t0 = now_ns();
	for (uint64_t p = 0; p < b->passes; p++) {
		keep(b->batch);
		if (sgl_dec_run(dec, b->batch, b->batch_bytes, NULL, NULL) < 0)
			break;
	}
	double t1 = now_ns();
	dec_check(dec, b->name, b->dcmd);
	return (t1 - t0) / (double)b->dcmd;
}

static bool any_noisy;

static void print_figure(const char *what, struct figure f, double bytes_per_cmd, double target)
{
	bool noisy = f.median_ns > 1.25 * f.min_ns;
	any_noisy |= noisy;
	char rate[32];
	format_rate(rate, sizeof(rate), bytes_per_cmd, f.median_ns);
	printf("  %s %5.2f ns/cmd (min %5.2f, %9s) %-12s%s", what, f.median_ns, f.min_ns, rate,
	       f.median_ns <= target ? "PASS" : "ABOVE TARGET",
	       noisy ? " noisy" : "      ");
}

int main(int argc, char **argv)
{
	struct options o;
	struct sink sink = { 0 };
	struct sgl_enc enc;
	struct sgl_dec dec;
	struct bench benches[S_COUNT];
	int nb = 0;

	if (parse(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sgl_enc_init(&enc, o.batch, &sink_ops, &sink) < 0)
		die("out of memory");
	dec_setup(&dec, &enc);

	printf("libsglhost codec benchmark: %llu commands per run, median (min) of %d runs, "
	       "%zu-byte batches\n",
	       (unsigned long long)o.commands, o.runs, o.batch);
	printf("targets: encode <= %.0f ns/cmd, decode+dispatch <= %.0f ns/cmd "
	       "(informational: the exit status is 0 either way)\n",
	       TARGET_ENCODE_NS, TARGET_DECODE_NS);
#ifndef __OPTIMIZE__
	printf("warning: built without optimisation; the figures mean little\n");
#endif

	for (int s = 0; s < S_COUNT; s++) {
		if (!o.want[s])
			continue;
		struct bench *b = &benches[nb++];
		memset(b, 0, sizeof(*b));
		b->name = stream_names[s];
		b->s = (enum stream)s;
		prepare(b, &enc, &sink, &o);
	}

	/* Round r times every stream once: a burst of load from elsewhere on
	 * the machine then spreads over all streams instead of spoiling one.
	 * Round -1 warms caches and branch predictors and is not counted. */
	for (int r = -1; r < o.runs; r++) {
		for (int i = 0; i < nb; i++) {
			double e = time_encode(&benches[i], &enc);
			double d = time_decode(&benches[i], &dec);
			if (r >= 0) {
				benches[i].enc_ns[r] = e;
				benches[i].dec_ns[r] = d;
			}
		}
	}

	for (int i = 0; i < nb; i++) {
		struct bench *b = &benches[i];
		printf("%-13s", b->name);
		print_figure("encode", summarize(b->enc_ns, o.runs), b->bytes_per_cmd,
			     TARGET_ENCODE_NS);
		print_figure("decode+dispatch", summarize(b->dec_ns, o.runs), b->bytes_per_cmd,
			     TARGET_DECODE_NS);
		printf("  [%.1f B/cmd]\n", b->bytes_per_cmd);
		free(b->batch);
		free(b->enc_ns);
		free(b->dec_ns);
	}
	if (any_noisy)
		printf("noisy: the median is over 1.25x the minimum, the machine was busy; "
		       "the minimum is the better estimate\n");
	printf("encoder: %llu batches submitted, %.1f MiB\n", (unsigned long long)sink.batches,
	       (double)sink.bytes / (1 << 20));

	sgl_dec_finish(&dec);
	for (int i = 0; i < SGL_OBJ_COUNT; i++)
		sgl_namemap_finish(&maps[i]);
	sgl_enc_finish(&enc);
	return 0;
}
