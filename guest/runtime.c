#include "runtime.h"
#include "timer.h"

#include "overlay.h"
#include "platform.h"
#include "png.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_SIZE (256 * 1024)

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgl_session *session;
static bool session_failed;

struct sgl_session *sgl_runtime_session_if_open(void)
{
	pthread_mutex_lock(&session_lock);
	struct sgl_session *s = session;
	pthread_mutex_unlock(&session_lock);
	return s;
}

struct sgl_session *sgl_runtime_session(void)
{
	pthread_mutex_lock(&session_lock);
	if (!session && !session_failed) {
		char err[512];
		session = sgl_session_open(NULL, sgl_program_name(), err, sizeof(err));
		if (!session) {
			/* Every context creation fails from now on (glXCreateContext
			 * and eglCreateContext return NULL, eglInitialize fails): a
			 * refused session, a protocol mismatch included, is never a
			 * context lost later. */
			session_failed = true;
			fprintf(stderr, "sgl: no session with sgl-host: %s\n", err);
		}
	}
	pthread_mutex_unlock(&session_lock);
	return session;
}

struct sgl_context *sgl_context_new(uint32_t api, int major, int minor,
				    struct sgl_context *share, uint32_t width, uint32_t height,
				    uint32_t flags)
{
	struct sgl_session *s = sgl_runtime_session();
	struct sgl_context *c;
	if (!s || !(c = calloc(1, sizeof(*c))))
		return NULL;
	c->id = sgl_session_new_context_id(s);
	c->api = api;
	c->width = width ? width : 1;
	c->height = height ? height : 1;
	int r = sgl_session_create_context(s, c->id, api, major, minor, share ? share->id : 0,
					   c->width, c->height, flags, &c->major, &c->minor);
	if (r) {
		free(c);
		return NULL;
	}
	c->link = (struct sgl_session_link){ .session = s, .context = c->id,
					    .frames = { SGL_FRAME_VIEW_INIT, SGL_FRAME_VIEW_INIT } };
	if (sgl_enc_init(&c->enc, BATCH_SIZE, &sgl_session_transport, &c->link) < 0) {
		sgl_session_destroy_context(s, c->id);
		free(c);
		return NULL;
	}
	sgl_timer_add(&c->enc);
	return c;
}

void sgl_context_free(struct sgl_context *c)
{
	if (!c)
		return;
	if (sgl_current_enc == &c->enc)
		sgl_context_make_current(NULL);
	sgl_timer_remove(&c->enc);
	sgl_enc_flush(&c->enc);
	sgl_session_show_frame(&c->link);
	sgl_session_destroy_context(c->link.session, c->id);
	sgl_session_link_finish(&c->link);
	sgl_enc_finish(&c->enc);
	if (c->overlay)
		free(c->overlay->pixels);
	free(c->overlay);
	free(c);
}

static __thread struct sgl_context *current;

void sgl_context_make_current(struct sgl_context *c)
{
	/* What the old context batched goes out before the switch, so two
	 * contexts' commands keep their order on the host. */
	if (current && current != c) {
		sgl_enc_flush(&current->enc);
		sgl_session_show_frame(&current->link);
	}
	current = c;
	sgl_current_enc = c ? &c->enc : NULL;
}

struct sgl_context *sgl_context_current(void)
{
	return current;
}

void sgl_context_resize(struct sgl_context *c, uint32_t width, uint32_t height)
{
	if (!width || !height || (width == c->width && height == c->height))
		return;
	c->width = width;
	c->height = height;
	sgl_enc_enter(&c->enc);
	sgl_enc_sglResizeSurface(&c->enc, width, height);
	sgl_enc_leave(&c->enc);
}

/*
 * SGL_DUMP_FRAME=FILE.png: the last frame presented is written there when
 * the process exits (for scripts that show what an application drew).
 */
static pthread_mutex_t dump_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *dump_pixels;
static uint32_t dump_width, dump_height;

static void write_dump(void)
{
	const char *path = getenv("SGL_DUMP_FRAME");
	pthread_mutex_lock(&dump_lock);
	size_t n = (size_t)dump_width * dump_height;
	uint8_t *rgba = path && dump_pixels ? malloc(n * 4) : NULL;
	if (rgba) {
		for (size_t i = 0; i < n; i++) {   /* BGRA -> RGBA, opaque */
			rgba[4 * i] = dump_pixels[4 * i + 2];
			rgba[4 * i + 1] = dump_pixels[4 * i + 1];
			rgba[4 * i + 2] = dump_pixels[4 * i];
			rgba[4 * i + 3] = 255;
		}
		png_write_rgba(path, rgba, dump_width, dump_height, (size_t)dump_width * 4);
		free(rgba);
	}
	pthread_mutex_unlock(&dump_lock);
}

static void dump_at_exit(void)
{
	write_dump();
	pthread_mutex_lock(&dump_lock);
	free(dump_pixels);
	dump_pixels = NULL;
	pthread_mutex_unlock(&dump_lock);
}

static void write_dump(void);

/* Also written at most once a second while running: applications that end
 * by a signal never reach atexit. */
static void keep_frame(const struct sgl_frame *f)
{
	static bool registered;
	static struct timespec last;
	struct timespec now;
	size_t row = (size_t)f->width * 4;
	pthread_mutex_lock(&dump_lock);
	if (!registered) {
		atexit(dump_at_exit);
		registered = true;
	}
	uint8_t *p = realloc(dump_pixels, row * f->height);
	if (p) {
		for (uint32_t y = 0; y < f->height; y++)
			memcpy(p + y * row, f->pixels + (size_t)y * f->stride, row);
		dump_pixels = p;
		dump_width = f->width;
		dump_height = f->height;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool due = now.tv_sec > last.tv_sec;
	if (due)
		last = now;
	pthread_mutex_unlock(&dump_lock);
	if (due)
		write_dump();
}

struct present_chain {
	sgl_present_fn present;
	void *user;
};

static void present_and_keep(void *user, const struct sgl_frame *f)
{
	struct present_chain *p = user;
	if (p->present)
		p->present(p->user, f);
	keep_frame(f);
}

int sgl_context_swap(struct sgl_context *c, sgl_present_fn present, void *user)
{
	return sgl_context_swap_deferred(c, present, user, false);
}

int sgl_context_swap_deferred(struct sgl_context *c, sgl_present_fn present, void *user,
			      bool may_defer)
{
	if (sgl_overlay_enabled() && present &&
	    (c->overlay || (c->overlay = calloc(1, sizeof(*c->overlay))))) {
		c->overlay->present = present;
		c->overlay->user = user;
		present = sgl_overlay_present;
		user = c->overlay;
		/* A deferred frame is forgotten by the caller's `user`
		 * (sgl_session_forget_present), which the overlay hides. */
		may_defer = false;
	}
	struct present_chain p = { present, user };
	sgl_enc_enter(&c->enc);
	/* The environment is read once, not at every frame. */
	static int dump = -1;
	if (dump < 0)
		dump = getenv("SGL_DUMP_FRAME") != NULL;
	int r = dump ? sgl_session_swap(&c->enc, present_and_keep, &p, false) :
		       sgl_session_swap(&c->enc, present, user, may_defer);
	sgl_enc_leave(&c->enc);
	return r;
}
