/*
 * Transport benchmark: what a guest program pays, through the guest library
 * and a running sgl-host, for
 *
 *  - a round trip: glGetError in a loop (p50/p90/p99 of single calls);
 *  - bulk uploads: glBufferData of 64 MiB and glTexImage2D 4096x4096 RGBA8,
 *    each followed by glFinish and a glGetError round trip, so the host has
 *    really run the command before the clock stops (median GB/s). An upload
 *    the session cannot carry is reported FAILED and measured again at half
 *    the size;
 *  - presenting a frame: a 1920x1080 context, glClear + swap, the frame
 *    coming back to the guest and copied once, as a window system would
 *    (median ms per frame). Then where the time goes: the same frames on a
 *    host library in this process give the host's clear, swap and rendering,
 *    its readback alone, and the guest's copy; the rest is the transport's.
 *
 * It connects as any guest program does, through $SGL_TRANSPORT (see
 * docs/guest.md). SGL_TRANSPORT=local instead runs the host library in this
 * process with no transport at all (the encoder submits straight into
 * sglhost_context_submit, on the same thread): the floor the transports are
 * compared with, and the host's share of each figure.
 *
 * Each figure is printed on one line with the transport's name and, where
 * the performance issue sets one, its target and PASS / ABOVE TARGET /
 * BELOW TARGET. The figures are informational: the exit status is 0 whatever
 * they are; 1 when a measurement itself failed (the context was lost, the
 * transport refused a message, the host returned other data than was
 * uploaded), 2 when sgl-host cannot be reached.
 *
 * Usage: bench_transport [-n CALLS] [-w WARMUP] [-r RUNS] [-f FRAMES]
 *                        [-b MiB] [-t TEXSIZE] [-s WxH] [-N] [FIGURE...]
 */
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime.h"
#include "sgl_session.h"
#include "sglhost.h"

/* Targets of the issue "Linux guest libraries, sgl-host and the local
 * transports". */
#define TARGET_RT_SHM_US 10.0
#define TARGET_RT_TCP_US 40.0
#define TARGET_UPLOAD_SHM_GBS 2.0

enum figure { F_ROUNDTRIP, F_BUFFER, F_TEXTURE, F_PRESENT, F_COUNT };
static const char *const figure_names[F_COUNT] = { "roundtrip", "buffer", "texture", "present" };

struct options {
	long calls, warmup;
	int runs, frames;
	uint64_t buffer_bytes;
	int tex;
	uint32_t fw, fh;
	bool no_breakdown;
	bool want[F_COUNT];
};

static const char *transport;   /* $SGL_TRANSPORT as given */
static char tname[16];          /* shm, unix, tcp, vsock, local */
static bool local_mode;
static int failures;

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);
	return v[i < n ? i : n - 1];
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(const double *v, size_t n)
{
	double m = v[0];
	for (size_t i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* ------------------------------------------------------------------------
 * A context: through the runtime and sgl-host, or (local) on a host
 * library in this process.
 */

struct local_ctx {
	struct sglhost_context *ctx;
	uint8_t *reply;           /* the last reply, copied as a session would */
	size_t reply_size, reply_cap;
	int rc;
	bool want_frame;
	uint8_t *frame;           /* host-side readback buffer */
	size_t frame_cap;
	uint32_t frame_w, frame_h;
	/* The last present read the frame twice: the first read, the frame's
	 * own, also waits for rendering to finish; the second (the same pixels
	 * again, taken out of the frame's time) is the readback alone. */
	double readback_again_ns;
};

struct bctx {
	struct sgl_context *c;    /* through sgl-host */
	struct sgl_enc enc;       /* local: our own encoder */
	struct local_ctx l;
	struct sgl_enc *e;        /* the encoder in use */
};

static struct sglhost *local_host;

static void local_log(void *user, enum sglhost_log_level level, const char *file, int line,
		      const char *msg)
{
	(void)user;
	(void)file;
	(void)line;
	if (level <= SGLHOST_LOG_WARN)
		fprintf(stderr, "bench_transport: host: %s\n", msg);
}

static int local_submit(void *user, const void *buf, size_t size)
{
	struct local_ctx *l = user;
	l->rc = sglhost_context_submit(l->ctx, buf, size, NULL, NULL);
	return l->rc;
}

static int local_collect(void *user, const void *data, size_t size)
{
	struct local_ctx *l = user;
	if (size > l->reply_cap) {
		uint8_t *n = realloc(l->reply, size);
		if (!n)
			return -ENOMEM;
		l->reply = n;
		l->reply_cap = size;
	}
	memcpy(l->reply, data, size);
	l->reply_size = size;
	return 0;
}

static int local_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			   size_t *reply_size)
{
	struct local_ctx *l = user;
	l->reply_size = 0;
	l->rc = sglhost_context_submit(l->ctx, buf, size, local_collect, l);
	if (l->rc < 0 || !l->reply_size)
		return l->rc < 0 ? l->rc : -EPROTO;
	*reply = l->reply;
	*reply_size = l->reply_size;
	return 0;
}

static const struct sgl_transport_ops local_ops = { local_submit, local_roundtrip, NULL };

/* What sgl-host's session does at a swap (src/transport/session.c), less
 * the sending. */
static void local_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	struct local_ctx *l = user;
	if (!l->want_frame)
		return;
	size_t stride = (size_t)w * 4, bytes = stride * h;
	if (bytes > l->frame_cap) {
		uint8_t *n = realloc(l->frame, bytes);
		if (!n)
			return;
		l->frame = n;
		l->frame_cap = bytes;
	}
	if (sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_BGRA8888, l->frame, stride, w, h))
		return;
	double t0 = now_ns();
	if (sglhost_context_read_pixels(ctx, SGLHOST_PIXEL_BGRA8888, l->frame, stride, w, h))
		return;
	l->readback_again_ns = now_ns() - t0;
	l->frame_w = w;
	l->frame_h = h;
}

static bool bctx_open(struct bctx *b, bool local, uint32_t w, uint32_t h)
{
	memset(b, 0, sizeof(*b));
	if (!local) {
		b->c = sgl_context_new(1 /* GL compatibility */, 0, 0, NULL, w, h, 0);
		if (!b->c)
			return false;
		b->e = &b->c->enc;
		sgl_context_make_current(b->c);
		return true;
	}
	if (!local_host) {
		struct sglhost_config cfg;
		sglhost_config_init(&cfg);
		cfg.log = local_log;
		cfg.log_level = SGLHOST_LOG_WARN;
		local_host = sglhost_create(&cfg);
		if (!local_host) {
			fprintf(stderr, "bench_transport: no EGL display: %s\n", strerror(errno));
			return false;
		}
	}
	struct sglhost_context_config cc;
	sglhost_context_config_init(&cc);
	cc.api = SGLHOST_API_GL_COMPAT;
	cc.width = w;
	cc.height = h;
	cc.present = local_present;
	cc.present_user = &b->l;
	b->l.ctx = sglhost_context_create(local_host, &cc);
	if (!b->l.ctx)
		return false;
	/* The runtime's batch size (guest/runtime.c). */
	if (sgl_enc_init(&b->enc, 256 * 1024, &local_ops, &b->l) < 0) {
		sglhost_context_destroy(b->l.ctx);
		b->l.ctx = NULL;
		return false;
	}
	b->e = &b->enc;
	sgl_current_enc = b->e;
	return true;
}

static void bctx_close(struct bctx *b)
{
	if (b->c) {
		sgl_context_make_current(NULL);
		sgl_context_free(b->c);
	} else if (b->l.ctx) {
		sgl_current_enc = NULL;
		sgl_enc_flush(&b->enc);
		sgl_enc_finish(&b->enc);
		sglhost_context_destroy(b->l.ctx);
		free(b->l.reply);
		free(b->l.frame);
	}
	memset(b, 0, sizeof(*b));
}

/* Whether the context is gone, and why. */
static bool bctx_failed(struct bctx *b, char *why, size_t size)
{
	snprintf(why, size, "the transport failed");
	if (b->c && b->c->link.lost) {
		snprintf(why, size, "context lost: %s", b->c->link.reason);
		return true;
	}
	if (b->l.ctx) {
		struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
		sglhost_context_get_status(b->l.ctx, &st);
		if (st.lost) {
			snprintf(why, size, "context lost: %s", st.reason);
			return true;
		}
	}
	return b->e->failed;
}

static int bctx_swap(struct bctx *b, sgl_present_fn present, void *user)
{
	if (b->c)
		return sgl_context_swap(b->c, present, user);
	struct sgl_enc *e = b->e;
	sgl_enc_begin(e, SGL_OP_sglSwapBuffers, sizeof(struct sgl_cmd_sglSwapBuffers));
	b->l.want_frame = true;
	b->l.frame_w = 0;
	int r = sgl_enc_flush(e);
	b->l.want_frame = false;
	if (r)
		return r;
	if (b->l.frame_w && present) {
		struct sgl_frame f = { b->l.frame_w, b->l.frame_h, b->l.frame_w * 4, b->l.frame,
					-1, 0 };
		present(user, &f);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Output
 */

static void fail_figure(const char *what, struct bctx *b, const char *extra)
{
	char why[320];
	bctx_failed(b, why, sizeof(why));
	printf("%-5s %-36s FAILED: %s\n", tname, what, extra ? extra : why);
	failures++;
}

/* ------------------------------------------------------------------------
 * Round trip
 */

static void bench_roundtrip(struct bctx *b, const struct options *o)
{
	const char *what = "round trip glGetError";
	double *t = malloc((size_t)o->calls * sizeof(*t));
	long errors = 0;
	if (!t) {
		fail_figure(what, b, "out of memory");
		return;
	}
	for (long i = 0; i < o->warmup; i++)
		errors += glGetError() != GL_NO_ERROR;
	for (long i = 0; i < o->calls; i++) {
		double t0 = now_ns();
		GLenum err = glGetError();
		t[i] = now_ns() - t0;
		errors += err != GL_NO_ERROR;
	}
	char why[320];
	if (bctx_failed(b, why, sizeof(why)) || errors) {
		fail_figure(what, b, errors ? "glGetError returned errors" : NULL);
		free(t);
		return;
	}
	qsort(t, (size_t)o->calls, sizeof(*t), cmp_double);
	double p50 = quantile(t, (size_t)o->calls, 0.50) / 1e3;
	double p90 = quantile(t, (size_t)o->calls, 0.90) / 1e3;
	double p99 = quantile(t, (size_t)o->calls, 0.99) / 1e3;
	double target = !strcmp(tname, "shm")   ? TARGET_RT_SHM_US
			: !strcmp(tname, "tcp") ? TARGET_RT_TCP_US
						: 0;
	char verdict[64] = "(no target)";
	if (target)
		snprintf(verdict, sizeof(verdict), "target p50 <= %.0f us  %s", target,
			 p50 <= target ? "PASS" : "ABOVE TARGET");
	printf("%-5s %-36s p50 %7.2f us  p90 %7.2f us  p99 %7.2f us  (min %.2f, %ld calls)  %s\n",
	       tname, what, p50, p90, p99, t[0] / 1e3, o->calls, verdict);
	free(t);
}

/* ------------------------------------------------------------------------
 * Uploads
 */

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (size_t i = 0; i + 8 <= n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

/* One upload: the command, then glFinish and a glGetError round trip, so
 * the host has run both when the clock stops (the guest library only
 * batches glFinish: the round trip is what waits). `encode`: until the call
 * returned, the guest's copy into its batch. */
typedef void (*upload_fn)(uint64_t a, int h, const void *src);

static void upload_buffer(uint64_t bytes, int h, const void *src)
{
	(void)h;
	glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)bytes, src, GL_STREAM_DRAW);
}

static void upload_texture(uint64_t w, int h, const void *src)
{
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, (GLsizei)w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, src);
}

static bool timed_uploads(struct bctx *b, const struct options *o, upload_fn up, uint64_t a, int h,
			  const void *src, double *total, double *encode)
{
	for (int r = -1; r < o->runs; r++) {   /* run -1 warms up: allocations */
		double t0 = now_ns();
		up(a, h, src);
		double t1 = now_ns();
		glFinish();
		GLenum err = glGetError();
		double t2 = now_ns();
		if (err != GL_NO_ERROR || b->e->failed)
			return false;
		if (r >= 0) {
			total[r] = t2 - t0;
			encode[r] = t1 - t0;
		}
	}
	return true;
}

static void print_upload(const char *what, uint64_t bytes, double *total, double *encode,
			 int runs)
{
	double best = minimum(total, (size_t)runs);
	double med = median(total, (size_t)runs);
	double enc = median(encode, (size_t)runs);
	double gbs = (double)bytes / med;   /* bytes per ns = GB/s */
	char verdict[64] = "(no target)";
	if (!strcmp(tname, "shm"))
		snprintf(verdict, sizeof(verdict), "target >= %.0f GB/s  %s", TARGET_UPLOAD_SHM_GBS,
			 gbs >= TARGET_UPLOAD_SHM_GBS ? "PASS" : "BELOW TARGET");
	printf("%-5s %-36s median %6.2f GB/s  (best %.2f; %.1f ms: guest encode %.1f, "
	       "transfer+host %.1f; %d runs)  %s%s\n",
	       tname, what, gbs, (double)bytes / best, med / 1e6, enc / 1e6, (med - enc) / 1e6,
	       runs, verdict, med > 1.25 * best ? "  noisy" : "");
}

/* A command of `bytes` in one session message, or not. */
static bool over_message_limit(uint64_t bytes)
{
	return !local_mode && bytes + sizeof(struct sgl_msg_header) > SGL_SESSION_MAX_MESSAGE;
}

enum upload_result { UPLOAD_OK, UPLOAD_FAILED, UPLOAD_TOO_BIG };

static enum upload_result upload_failed(struct bctx *b, const char *what, uint64_t cmd_bytes)
{
	if (over_message_limit(cmd_bytes)) {
		char extra[256];
		snprintf(extra, sizeof(extra),
			 "a %llu-byte command does not fit in one session message "
			 "(%llu bytes > SGL_SESSION_MAX_MESSAGE %u)",
			 (unsigned long long)cmd_bytes,
			 (unsigned long long)(cmd_bytes + sizeof(struct sgl_msg_header)),
			 SGL_SESSION_MAX_MESSAGE);
		fail_figure(what, b, extra);
		return UPLOAD_TOO_BIG;
	}
	fail_figure(what, b, NULL);
	return UPLOAD_FAILED;
}

static enum upload_result bench_buffer(struct bctx *b, const struct options *o, uint64_t n,
				       const char *note)
{
	char what[96];
	snprintf(what, sizeof(what), "upload glBufferData %llu MiB%s",
		 (unsigned long long)(n >> 20), note);
	enum upload_result res = UPLOAD_FAILED;
	uint8_t *src = malloc(n), back[64];
	double *total = calloc((size_t)o->runs, sizeof(double));
	double *encode = calloc((size_t)o->runs, sizeof(double));
	if (!src || !total || !encode || n < sizeof(back)) {
		fail_figure(what, b, "out of memory (or -b too small)");
		goto out;
	}
	fill(src, n, 1);
	GLuint buf = 0;
	glGenBuffers(1, &buf);
	glBindBuffer(GL_ARRAY_BUFFER, buf);
	if (!timed_uploads(b, o, upload_buffer, n, 0, src, total, encode)) {
		res = upload_failed(b, what, sizeof(struct sgl_cmd_glBufferData) + n);
		goto out;
	}
	/* The host has the bytes: read the last 64 back. */
	memset(back, 0, sizeof(back));
	glGetBufferSubData(GL_ARRAY_BUFFER, (GLintptr)(n - sizeof(back)), sizeof(back), back);
	if (b->e->failed || memcmp(back, src + n - sizeof(back), sizeof(back))) {
		fail_figure(what, b, "the buffer read back differs from what was uploaded");
		goto out;
	}
	glBindBuffer(GL_ARRAY_BUFFER, 0);
	glDeleteBuffers(1, &buf);
	print_upload(what, n, total, encode, o->runs);
	res = UPLOAD_OK;
out:
	free(src);
	free(total);
	free(encode);
	return res;
}

static enum upload_result bench_texture(struct bctx *b, const struct options *o, int w, int h,
					const char *note)
{
	char what[96];
	snprintf(what, sizeof(what), "upload glTexImage2D %dx%d RGBA8%s", w, h, note);
	enum upload_result res = UPLOAD_FAILED;
	uint64_t n = (uint64_t)w * (uint64_t)h * 4;
	uint8_t *src = malloc(n);
	double *total = calloc((size_t)o->runs, sizeof(double));
	double *encode = calloc((size_t)o->runs, sizeof(double));
	if (!src || !total || !encode) {
		fail_figure(what, b, "out of memory");
		goto out;
	}
	fill(src, n, 2);
	GLuint tex = 0, fbo = 0;
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
	if (!timed_uploads(b, o, upload_texture, (uint64_t)w, h, src, total, encode)) {
		res = upload_failed(b, what, sizeof(struct sgl_cmd_glTexImage2D) + n);
		goto out;
	}
	/* The host has the texels: read one back through a framebuffer. */
	uint8_t px[4] = { 0 };
	int x = w - 3, y = h / 2;
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	glReadPixels(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDeleteFramebuffers(1, &fbo);
	glBindTexture(GL_TEXTURE_2D, 0);
	glDeleteTextures(1, &tex);
	if (b->e->failed || memcmp(px, src + ((size_t)y * (size_t)w + (size_t)x) * 4, 4)) {
		fail_figure(what, b, "the texel read back differs from what was uploaded");
		goto out;
	}
	print_upload(what, n, total, encode, o->runs);
	res = UPLOAD_OK;
out:
	free(src);
	free(total);
	free(encode);
	return res;
}

/* ------------------------------------------------------------------------
 * Present
 */

struct window {                 /* what a window system does with a frame */
	uint8_t *image;
	size_t cap;
	uint32_t w, h;
	uint32_t center;            /* BGRA of the middle pixel, for the check */
	double copy_ns;
};

static void present_copy(void *user, const struct sgl_frame *f)
{
	struct window *win = user;
	size_t row = (size_t)f->width * 4, bytes = row * f->height;
	double t0 = now_ns();
	if (bytes > win->cap) {
		free(win->image);
		win->image = malloc(bytes);
		win->cap = win->image ? bytes : 0;
		if (!win->image)
			return;
	}
	for (uint32_t y = 0; y < f->height; y++)
		memcpy(win->image + y * row, f->pixels + (size_t)y * f->stride, row);
	win->copy_ns = now_ns() - t0;
	win->w = f->width;
	win->h = f->height;
	memcpy(&win->center, win->image + (size_t)(f->height / 2) * row + (f->width / 2) * 4, 4);
}

static void bctx_make_current(struct bctx *b)
{
	if (b->c)
		sgl_context_make_current(b->c);
	else
		sgl_current_enc = b->e;
}

struct present_result {
	double frame, best;         /* ms per frame: median, minimum */
	double copy;                /* the guest's copy of the frame */
	double readback;            /* local: host read_pixels of a rendered frame */
};

/* One frame of glClear + swap on `b`; its time in ns, or < 0 (and a
 * FAILED line) when it failed. */
static double present_frame(struct bctx *b, int i, const char *what, struct window *win,
			    const struct options *o)
{
	/* Red and blue frames in turn: the check below sees each. */
	bool red = i & 1;
	bctx_make_current(b);
	double t0 = now_ns();
	glClearColor(red ? 1.0f : 0.0f, 0.0f, red ? 0.0f : 1.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	win->w = 0;
	int r = bctx_swap(b, present_copy, win);
	double t1 = now_ns();
	if (r || win->w != o->fw || win->h != o->fh) {
		fail_figure(what, b, r ? NULL : "no frame came back");
		return -1;
	}
	if ((win->center & 0xffffff) != (red ? 0xff0000u : 0x0000ffu)) {
		fail_figure(what, b, "the frame that came back has other pixels");
		return -1;
	}
	/* Local: the second readback is ours, not the frame's. */
	return t1 - t0 - b->l.readback_again_ns;
}

/*
 * Frames on each of `n` contexts, in blocks taken in turn (three rounds of
 * a block per context): a burst of load from elsewhere on the machine then
 * falls on all of them, and their difference still means something. Not
 * frame by frame: two llvmpipe instances taking turns at every frame
 * evict each other's caches and wake each other's threads, and both
 * figures double.
 */
static bool measure_present(struct bctx **b, int n, const struct options *o,
			    const char *const *what, struct present_result *res)
{
	const int warm = 5, rounds = n > 1 ? 3 : 1;
	size_t frames = (size_t)o->frames;
	bool ok = false;
	double *t[2] = { 0 }, *copy[2] = { 0 }, *rb[2] = { 0 };
	struct window win[2] = { { 0 } };
	for (int k = 0; k < n; k++) {
		t[k] = calloc(frames, sizeof(double));
		copy[k] = calloc(frames, sizeof(double));
		rb[k] = calloc(frames, sizeof(double));
		if (!t[k] || !copy[k] || !rb[k]) {
			fail_figure(what[k], b[k], "out of memory");
			goto out;
		}
		bctx_make_current(b[k]);
		glViewport(0, 0, (GLsizei)o->fw, (GLsizei)o->fh);
	}
	for (int round = 0; round < rounds; round++) {
		int first = o->frames * round / rounds, end = o->frames * (round + 1) / rounds;
		for (int k = 0; k < n; k++) {
			for (int i = first - warm; i < end; i++) {
				double ns = present_frame(b[k], i, what[k], &win[k], o);
				if (ns < 0)
					goto out;
				if (i >= first) {
					t[k][i] = ns;
					copy[k][i] = win[k].copy_ns;
					rb[k][i] = b[k]->l.readback_again_ns;
				}
			}
		}
	}
	for (int k = 0; k < n; k++) {
		res[k].best = minimum(t[k], frames) / 1e6;
		res[k].frame = median(t[k], frames) / 1e6;
		res[k].copy = median(copy[k], frames) / 1e6;
		res[k].readback = median(rb[k], frames) / 1e6;
	}
	ok = true;
out:
	for (int k = 0; k < n; k++) {
		free(t[k]);
		free(copy[k]);
		free(rb[k]);
		free(win[k].image);
	}
	bctx_make_current(b[0]);
	return ok;
}

/* Frame-sized glGetBufferSubData, the same bytes back without a readback
 * (host memcpy, reply, the guest's copy out): median ms, < 0 on failure. */
static double measure_download(struct bctx *b, const struct options *o, const char *what)
{
	size_t bytes = (size_t)o->fw * o->fh * 4, n = (size_t)o->frames;
	uint8_t *src = malloc(bytes), *dst = malloc(bytes);
	double *t = calloc(n, sizeof(double)), ms = -1;
	if (!src || !dst || !t) {
		fail_figure(what, b, "out of memory");
		goto out;
	}
	GLuint buf = 0;
	fill(src, bytes, 3);
	glGenBuffers(1, &buf);
	glBindBuffer(GL_COPY_READ_BUFFER, buf);
	glBufferData(GL_COPY_READ_BUFFER, (GLsizeiptr)bytes, src, GL_STATIC_READ);
	for (int i = -5; i < o->frames; i++) {
		double t0 = now_ns();
		glGetBufferSubData(GL_COPY_READ_BUFFER, 0, (GLsizeiptr)bytes, dst);
		if (i >= 0)
			t[i] = now_ns() - t0;
	}
	glBindBuffer(GL_COPY_READ_BUFFER, 0);
	glDeleteBuffers(1, &buf);
	if (b->e->failed || memcmp(src, dst, bytes))
		fail_figure(what, b, "glGetBufferSubData returned other bytes than were uploaded");
	else
		ms = median(t, n) / 1e6;
out:
	free(src);
	free(dst);
	free(t);
	return ms;
}

/*
 * The present figure, then where its time goes. Through a transport, the
 * same frames also run, interleaved, on a host library in this process (no
 * transport): that says what the host's rendering and readback and the
 * guest's copy cost; the difference is the transport's, the frame's
 * transfer and the wake-ups.
 */
static void bench_present(struct bctx *b, const struct options *o)
{
	char what[64];
	const char *whats[2] = { what, "present in-process (breakdown)" };
	struct present_result res[2];
	struct bctx lb, *ctxs[2] = { b, &lb };
	int n = 1;
	snprintf(what, sizeof(what), "present %ux%u (clear+swap)", o->fw, o->fh);
	if (!local_mode && !o->no_breakdown) {
		if (bctx_open(&lb, true, o->fw, o->fh))
			n = 2;
		else
			printf("%-5s %-36s (no in-process host for the breakdown)\n", tname,
			       "present: where the time goes");
		bctx_make_current(b);
	}
	bool ok = measure_present(ctxs, n, o, whats, res);
	if (n == 2)
		bctx_close(&lb);
	bctx_make_current(b);
	if (!ok)
		return;
	const struct present_result *r = &res[0], *l = &res[n - 1];
	bool noisy = r->frame > 1.25 * r->best;
	printf("%-5s %-36s median %6.2f ms/frame (%.0f fps; best %.2f; %d frames)  (no target)%s\n",
	       tname, what, r->frame, 1e3 / r->frame, r->best, o->frames, noisy ? "  noisy" : "");

	if (!local_mode && n == 1)
		return;
	double down = measure_download(b, o, what);
	if (down < 0)
		return;
	/* Whether llvmpipe renders the clear during the swap's flush or while
	 * the readback waits varies from frame to frame: one figure for both. */
	double render = l->frame - l->readback - l->copy;
	printf("%-5s %-36s %s: host clear+swap+rendering %.2f ms, readback %.2f ms, "
	       "guest copy %.2f ms",
	       tname, "present: where the time goes", local_mode ? "here" : "in-process", render,
	       l->readback, l->copy);
	if (!local_mode)
		printf(" (%.2f); transport (frame transfer, wake-ups) %.2f ms", l->frame,
		       r->frame - l->frame);
	printf("  [%.1f MiB by glGetBufferSubData: %.2f ms]\n",
	       (double)o->fw * o->fh * 4 / (1 << 20), down);
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_transport [-n CALLS] [-w WARMUP] [-r RUNS] [-f FRAMES] [-b MiB]\n"
		"                       [-t TEXSIZE] [-s WxH] [-N] [FIGURE...]\n"
		"  connects through $SGL_TRANSPORT (shm, shm:PATH, unix:PATH, tcp:HOST:PORT,\n"
		"  vsock:CID:PORT; 'local': the host library in this process, no transport)\n"
		"  -n  timed glGetError round trips (default 20000)\n"
		"  -w  untimed round trips first (default 2000)\n"
		"  -r  timed uploads per figure (default 9, after one untimed)\n"
		"  -f  timed frames (default 60, after 5 untimed)\n"
		"  -b  glBufferData size in MiB (default 64)\n"
		"  -t  glTexImage2D width and height (default 4096)\n"
		"  -s  framebuffer size for the present figure (default 1920x1080)\n"
		"  -N  no in-process run of the present figure to say where its time goes\n"
		"      (it needs this machine's EGL: leave it out in a VM guest)\n"
		"  FIGURE: roundtrip buffer texture present (default: all)\n");
}

static long positive(const char *s, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || *end || v < 1 || v > max ? -1 : v;
}

static int parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){ 20000, 2000, 9, 60, 64ull << 20, 4096, 1920, 1080, false, { false } };
	int c;
	long v;
	unsigned w, h;
	while ((c = getopt(argc, argv, "n:w:r:f:b:t:s:Nh")) != -1) {
		switch (c) {
		case 'n':
			if ((o->calls = positive(optarg, 100000000)) < 0)
				goto bad;
			break;
		case 'w':
			if ((o->warmup = positive(optarg, 100000000)) < 0)
				goto bad;
			break;
		case 'r':
			if ((v = positive(optarg, 1000)) < 0)
				goto bad;
			o->runs = (int)v;
			break;
		case 'f':
			if ((v = positive(optarg, 100000)) < 0)
				goto bad;
			o->frames = (int)v;
			break;
		case 'b':
			if ((v = positive(optarg, 4096)) < 0)
				goto bad;
			o->buffer_bytes = (uint64_t)v << 20;
			break;
		case 't':
			if ((v = positive(optarg, 16384)) < 0)
				goto bad;
			o->tex = (int)v;
			break;
		case 's':
			if (sscanf(optarg, "%ux%u", &w, &h) != 2 || !w || !h || w > 16384 || h > 16384)
				goto bad;
			o->fw = w;
			o->fh = h;
			break;
		case 'N':
			o->no_breakdown = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	bool any = false;
	for (int i = optind; i < argc; i++) {
		int f;
		for (f = 0; f < F_COUNT && strcmp(argv[i], figure_names[f]); f++)
			;
		if (f == F_COUNT)
			goto bad;
		o->want[f] = any = true;
	}
	for (int f = 0; !any && f < F_COUNT; f++)
		o->want[f] = true;
	return 0;
bad:
	usage(stderr);
	return -1;
}

/* A figure that lost its context does not take the next ones along. */
static bool reopen_if_failed(struct bctx *b, const struct options *o)
{
	char why[320];
	if (!bctx_failed(b, why, sizeof(why)))
		return true;
	bctx_close(b);
	if (bctx_open(b, local_mode, o->fw, o->fh))
		return true;
	printf("%-5s no new context after a failure\n", tname);
	return false;
}

int main(int argc, char **argv)
{
	struct options o;
	struct bctx b;

	if (parse(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	transport = getenv("SGL_TRANSPORT");
	if (!transport || !*transport)
		transport = "shm";
	local_mode = !strcmp(transport, "local");
	size_t n = strcspn(transport, ":");
	snprintf(tname, sizeof(tname), "%.*s", (int)(n < sizeof(tname) ? n : sizeof(tname) - 1),
		 transport);

	if (!bctx_open(&b, local_mode, o.fw, o.fh)) {
		fprintf(stderr, "bench_transport: %s: no context (is sgl-host running?)\n",
			transport);
		return 2;
	}
	printf("%-5s transport %s, GL %s, %s\n", tname, transport,
	       (const char *)glGetString(GL_VERSION), (const char *)glGetString(GL_RENDERER));
#ifndef __OPTIMIZE__
	printf("%-5s warning: built without optimisation; the figures mean little\n", tname);
#endif
	if (o.want[F_ROUNDTRIP])
		bench_roundtrip(&b, &o);
	for (int f = F_BUFFER; f < F_COUNT; f++) {
		if (!o.want[f])
			continue;
		/* An upload too big for one message: measured again at half the
		 * size (still reported as a failure), so there is a figure. */
		for (int half = 0; half < 2; half++) {
			if (!reopen_if_failed(&b, &o))
				return 1;
			enum upload_result r = UPLOAD_OK;
			const char *note = half ? " (full size failed)" : "";
			if (f == F_BUFFER)
				r = bench_buffer(&b, &o, o.buffer_bytes >> half, note);
			else if (f == F_TEXTURE)
				r = bench_texture(&b, &o, o.tex, o.tex >> half, note);
			else
				bench_present(&b, &o);
			if (r != UPLOAD_TOO_BIG)
				break;
		}
	}
	bctx_close(&b);
	sglhost_destroy(local_host);
	return failures ? 1 : 0;
}
