/*
 * bench_present: what presenting a frame costs beyond the host's own
 * rendering of it, in a steady stream of frames (issue 14, item 3).
 *
 * Through $SGL_TRANSPORT, on one context of WxH (default 1920x1080), in
 * rounds that take the three ways in turn (a burst of load from elsewhere
 * then falls on all of them):
 *
 *   host alone   glClear + glFinish: the host renders the frame and says
 *                so (one round trip); no frame comes back;
 *   synchronous  glClear + swap: the swap waits for the frame, which the
 *                guest then copies once (as a window system does);
 *   pipelined    glClear + deferred swap (SGL_FRAME_LATENCY=1): frame N
 *                is read back on the host and copied here while the guest
 *                draws frame N+1 and the host renders it.
 *
 * Each round times FRAMES frames of each way after a few untimed ones;
 * the figure is ms per frame over the block (a stream, so what overlaps
 * does not count twice). The overhead of a way is its time minus host
 * alone's in the same round, median over the rounds. Every frame shown is
 * checked: the colour it was cleared with, in the order drawn.
 */
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime.h"

#define TARGET_OVERHEAD_MS 0.5

enum way { HOST, SYNC, PIPE, NWAYS };
static const char *const way_names[NWAYS] = {
	"host alone (clear+glFinish)", "synchronous swap (clear+swap)",
	"pipelined swap (deferred)",
};

struct window {                 /* what a window system does with a frame */
	uint8_t *image;
	size_t cap;
	uint32_t shown;             /* frames shown in this block */
	uint32_t bad;               /* ... with another colour than drawn */
	uint32_t first;             /* index of the block's first frame */
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Frame i's colour, BGRA in memory: a red level that changes each frame. */
static uint32_t colour(uint32_t i)
{
	return 0xff000000u | ((i * 37u + 11u) & 0xffu) << 16 | 0x40u;
}

static void draw(uint32_t i)
{
	uint32_t c = colour(i);
	glClearColor((float)((c >> 16) & 0xff) / 255.0f, 0.0f, (float)(c & 0xff) / 255.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
}

static void present_copy(void *user, const struct sgl_frame *f)
{
	struct window *w = user;
	size_t row = (size_t)f->width * 4, bytes = row * f->height;
	if (bytes > w->cap) {
		free(w->image);
		w->image = malloc(bytes);
		w->cap = w->image ? bytes : 0;
		if (!w->image)
			return;
	}
	for (uint32_t y = 0; y < f->height; y++)
		memcpy(w->image + y * row, f->pixels + (size_t)y * f->stride, row);
	uint32_t px;
	memcpy(&px, w->image + (size_t)(f->height / 2) * row + (f->width / 2) * 4, 4);
	if (px != colour(w->first + w->shown))
		w->bad++;
	w->shown++;
}

/* `n` frames of `way` from frame index `first`: ms per frame, or < 0. */
static double block(struct sgl_context *c, enum way way, struct window *w, uint32_t first,
		    uint32_t n)
{
	*w = (struct window){ w->image, w->cap, 0, 0, first };
	double t0 = now_ms();
	int r = 0;
	for (uint32_t i = first; i < first + n && !r; i++) {
		draw(i);
		if (way == HOST)
			glFinish();
		else
			r = sgl_context_swap_deferred(c, present_copy, w, way == PIPE);
	}
	/* The last deferred frame, shown before the clock stops. */
	if (!r && way == PIPE)
		r = sgl_session_show_frame(&c->link);
	double t = now_ms() - t0;
	if (r || c->link.lost) {
		fprintf(stderr, "bench_present: %s failed: %s\n", way_names[way],
			c->link.lost ? c->link.reason : "the transport failed");
		return -1;
	}
	if (way != HOST && (w->shown != n || w->bad)) {
		fprintf(stderr, "bench_present: %s: %u of %u frames shown, %u with other pixels\n",
			way_names[way], w->shown, n, w->bad);
		return -1;
	}
	return t / n;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_present [-f FRAMES] [-r ROUNDS] [-s WxH]\n"
		   "  connects through $SGL_TRANSPORT (shm, unix:PATH, tcp:HOST:PORT, ...)\n"
		   "  -f  timed frames per way and round (default 30)\n"
		   "  -r  rounds (default 9)\n"
		   "  -s  framebuffer size (default 1920x1080)\n");
}

int main(int argc, char **argv)
{
	uint32_t frames = 30, rounds = 9, fw = 1920, fh = 1080;
	int opt;
	while ((opt = getopt(argc, argv, "f:r:s:h")) != -1) {
		switch (opt) {
		case 'f': frames = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'r': rounds = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 's':
			if (sscanf(optarg, "%ux%u", &fw, &fh) != 2)
				fw = 0;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!frames || !rounds || rounds > 101 || !fw || !fh) {
		usage(stderr);
		return 2;
	}
	const char *transport = getenv("SGL_TRANSPORT");
	if (!transport || !strcmp(transport, "local")) {
		fprintf(stderr, "bench_present: needs SGL_TRANSPORT naming a running sgl-host\n");
		return 2;
	}
	char tname[8];
	snprintf(tname, sizeof(tname), "%.*s", (int)strcspn(transport, ":"), transport);
	/* Deferred swaps are what the pipelined way asks for. */
	setenv("SGL_FRAME_LATENCY", "1", 1);
	struct sgl_context *c = sgl_context_new(1 /* GL compatibility */, 0, 0, NULL, fw, fh, 0);
	if (!c) {
		fprintf(stderr, "bench_present: no context through %s\n", transport);
		return 2;
	}
	sgl_context_make_current(c);
	glViewport(0, 0, (GLsizei)fw, (GLsizei)fh);

	double t[NWAYS][101], over[NWAYS][101];
	struct window w = { 0 };
	uint32_t next = 0;
	int status = 0;
	for (uint32_t k = 0; k < rounds && !status; k++) {
		for (int way = 0; way < NWAYS; way++) {
			if (block(c, (enum way)way, &w, next, 3) < 0 ||
			    (t[way][k] = block(c, (enum way)way, &w, next + 3, frames)) < 0) {
				status = 1;
				break;
			}
			next += 3 + frames;
		}
		for (int way = 0; !status && way < NWAYS; way++)
			over[way][k] = t[way][k] - t[HOST][k];
	}
	if (!status) {
		double host = median(t[HOST], rounds);
		printf("%-5s present %ux%u %-32s median %6.2f ms/frame  (%u rounds x %u frames)\n",
		       tname, fw, fh, way_names[HOST], host, rounds, frames);
		for (int way = SYNC; way < NWAYS; way++) {
			double o = median(over[way], rounds);
			printf("%-5s present %ux%u %-32s median %6.2f ms/frame  overhead %+.2f ms",
			       tname, fw, fh, way_names[way], median(t[way], rounds), o);
			if (way == PIPE)
				printf("  target <= %.1f ms  %s", TARGET_OVERHEAD_MS,
				       o <= TARGET_OVERHEAD_MS ? "PASS" : "ABOVE TARGET");
			printf("\n");
		}
	}
	free(w.image);
	sgl_context_make_current(NULL);
	sgl_context_free(c);
	return status;
}
