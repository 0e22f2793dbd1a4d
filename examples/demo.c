/*
 * sgl-host --demo: renders a built-in scene through the whole path in one
 * process: the guest encoder turns GL calls into protocol commands, the
 * public API decodes and runs them in a headless EGL context, and the last
 * frame is read back and written to a PNG.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sglhost.h"
#include "encoder.h"
#include "png.h"
#include "scene.h"
#include "sgl-host.h"

struct app {
	struct sglhost *host;
	struct sglhost_context *ctx;
	struct sgl_enc enc;
	uint8_t *reply;
	size_t reply_size, reply_cap;
	unsigned presents;
};

static int submit(void *user, const void *buf, size_t size)
{
	struct app *a = user;
	return sglhost_context_submit(a->ctx, buf, size, NULL, NULL);
}

static int collect(void *user, const void *data, size_t size)
{
	struct app *a = user;
	if (size > a->reply_cap) {
		uint8_t *n = realloc(a->reply, size);
		if (!n)
			return -ENOMEM;
		a->reply = n;
		a->reply_cap = size;
	}
	memcpy(a->reply, data, size);
	a->reply_size = size;
	return 0;
}

static int roundtrip(void *user, const void *buf, size_t size, const void **reply,
		     size_t *reply_size)
{
	struct app *a = user;
	a->reply_size = 0;
	int r = sglhost_context_submit(a->ctx, buf, size, collect, a);
	if (r < 0 || !a->reply_size)
		return r < 0 ? r : -EPROTO;
	*reply = a->reply;
	*reply_size = a->reply_size;
	return 0;
}

static const struct sgl_transport_ops in_process = { submit, roundtrip, NULL };

static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	struct app *a = user;
	(void)ctx;
	(void)w;
	(void)h;
	a->presents++;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run(struct app *a, const struct demo_options *o)
{
	char err[1024] = "";
	struct scene s;
	bool gles = o->api == SGLHOST_API_GLES;

	if (!scene_init(&s, &a->enc, gles, (int)o->width, (int)o->height, err, sizeof(err))) {
		fprintf(stderr, "sgl-host: shaders failed: %s\n", err);
		return 1;
	}
	const char *version = (const char *)sgl_enc_glGetString(&a->enc, GL_VERSION);
	const char *renderer = (const char *)sgl_enc_glGetString(&a->enc, GL_RENDERER);
	printf("sgl-host: EGL display: %s\n", sglhost_platform_name(a->host));
	printf("sgl-host: host GL: %s, %s\n", version ? version : "?", renderer ? renderer : "?");

	double t0 = now();
	for (int i = 0; i < o->frames; i++)
		scene_draw(&s, &a->enc, (float)i / 60.0f);
	sgl_enc_glFinish(&a->enc);
	GLenum glerr = sgl_enc_glGetError(&a->enc);
	double dt = now() - t0;

	struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
	sglhost_context_get_status(a->ctx, &st);
	if (st.lost || a->enc.failed) {
		fprintf(stderr, "sgl-host: context lost: %s\n", st.reason);
		return 1;
	}
	printf("sgl-host: %d frames (%u presented) of %ux%u in %.3f s: %.1f FPS; GL error 0x%x\n",
	       o->frames, a->presents, o->width, o->height, dt, o->frames / dt, glerr);
	printf("sgl-host: %llu commands, %llu bytes decoded\n", (unsigned long long)st.commands,
	       (unsigned long long)st.bytes);

	size_t stride = (size_t)o->width * 4;
	uint8_t *px = malloc(stride * o->height);
	if (!px)
		return 1;
	int r = sglhost_context_read_pixels(a->ctx, SGLHOST_PIXEL_RGBA8888, px, stride, o->width,
					    o->height);
	if (!r)
		r = png_write_rgba(o->output, px, o->width, o->height, stride);
	free(px);
	if (r) {
		fprintf(stderr, "sgl-host: cannot write %s: %s\n", o->output, strerror(-r));
		return 1;
	}
	printf("sgl-host: last frame written to %s\n", o->output);
	return glerr == GL_NO_ERROR ? 0 : 1;
}

int demo_main(const struct demo_options *o, const struct sglhost_config *cfg)
{
	struct app a = { 0 };
	struct sglhost_context_config cc;
	int r = 1;

	a.host = sglhost_create(cfg);
	if (!a.host) {
		fprintf(stderr, "sgl-host: no EGL display: %s\n", strerror(errno));
		return 1;
	}
	sglhost_context_config_init(&cc);
	cc.api = o->api;
	cc.width = o->width;
	cc.height = o->height;
	cc.present = on_present;
	cc.present_user = &a;
	a.ctx = sglhost_context_create(a.host, &cc);
	if (!a.ctx) {
		fprintf(stderr, "sgl-host: cannot create a context: %s\n", strerror(errno));
		goto out;
	}
	if (sgl_enc_init(&a.enc, 64 * 1024, &in_process, &a) < 0)
		goto out;
	r = run(&a, o);
	sgl_enc_finish(&a.enc);
out:
	sglhost_context_destroy(a.ctx);
	sglhost_destroy(a.host);
	free(a.reply);
	return r;
}
