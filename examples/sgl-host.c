/*
 * sgl-host: the standalone libsglhost program.
 *
 * For now it renders a built-in scene through the whole path in one process:
 * the guest encoder turns GL calls into protocol commands, the public API
 * decodes and runs them in a headless EGL context, and the last frame is
 * read back and written to a PNG. (Serving guests over transports comes
 * with the transports.)
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

struct app {
	struct sglhost *host;
	struct sglhost_context *ctx;
	struct sgl_enc enc;
	uint8_t *reply;
	size_t reply_size, reply_cap;
	unsigned presents;
	enum sglhost_log_level verbosity;
};

static void log_fn(void *user, enum sglhost_log_level level, const char *file, int line,
		   const char *msg)
{
	static const char *const names[] = { "", "error", "warning", "info", "debug" };
	(void)user;
	fprintf(stderr, "sgl-host: %s: %s (%s:%d)\n", names[level], msg, file, line);
}

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

static const struct sgl_transport_ops in_process = { submit, roundtrip };

static void on_present(void *user, struct sglhost_context *ctx, uint32_t w, uint32_t h)
{
	struct app *a = user;
	(void)ctx;
	(void)w;
	(void)h;
	a->presents++;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sgl-host [OPTION]...\n"
		"Render a built-in scene through libsglhost (guest encoder -> decoder ->\n"
		"headless EGL) and write the last frame to a PNG.\n\n"
		"  -o, --output=FILE        PNG to write (default: sgl-host.png)\n"
		"  -f, --frames=N           frames to render (default: 120)\n"
		"  -s, --size=WxH           framebuffer size (default: 640x480)\n"
		"  -a, --api=API            gl (compatibility), core or gles (default: core)\n"
		"  -P, --platform=NAME      auto, surfaceless, render-node or device (default: auto)\n"
		"  -d, --render-node=PATH   render node for the render-node platform\n"
		"  -l, --log-level=LEVEL    error, warning, info or debug (default: warning)\n"
		"  -h, --help               show this help\n");
}

struct options {
	const char *output;
	int frames;
	uint32_t width, height;
	enum sglhost_api api;
	enum sglhost_platform platform;
	const char *render_node;
	enum sglhost_log_level log_level;
};

static int parse_enum(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "frames", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "api", required_argument, NULL, 'a' },
		{ "platform", required_argument, NULL, 'P' },
		{ "render-node", required_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const apis[] = { "gl", "core", "gles" };
	static const char *const platforms[] = { "auto", "render-node", "device", "surfaceless" };
	static const char *const levels[] = { "silent", "error", "warning", "info", "debug" };
	int c, v;

	*o = (struct options){ "sgl-host.png", 120, 640, 480, SGLHOST_API_GL_CORE,
			       SGLHOST_PLATFORM_AUTO, NULL, SGLHOST_LOG_WARN };
	while ((c = getopt_long(argc, argv, "o:f:s:a:P:d:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'f': o->frames = atoi(optarg); break;
		case 's':
			if (sscanf(optarg, "%ux%u", &o->width, &o->height) != 2)
				return -1;
			break;
		case 'a':
			if ((v = parse_enum(optarg, apis, 3)) < 0)
				return -1;
			o->api = (enum sglhost_api)(v + 1);
			break;
		case 'P':
			if ((v = parse_enum(optarg, platforms, 4)) < 0)
				return -1;
			o->platform = (enum sglhost_platform)v;
			break;
		case 'd': o->render_node = optarg; break;
		case 'l':
			if ((v = parse_enum(optarg, levels, 5)) < 0)
				return -1;
			o->log_level = (enum sglhost_log_level)v;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return optind == argc && o->frames > 0 ? 0 : -1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run(struct app *a, const struct options *o)
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
	free((void *)version);
	free((void *)renderer);

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

int main(int argc, char **argv)
{
	struct options o;
	struct app a = { 0 };
	struct sglhost_config cfg;
	struct sglhost_context_config cc;
	int r = 1;

	if (parse(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	sglhost_config_init(&cfg);
	cfg.platform = o.platform;
	cfg.render_node = o.render_node;
	cfg.log = log_fn;
	cfg.log_level = o.log_level;
	a.host = sglhost_create(&cfg);
	if (!a.host) {
		fprintf(stderr, "sgl-host: no EGL display: %s\n", strerror(errno));
		return 1;
	}
	sglhost_context_config_init(&cc);
	cc.api = o.api;
	cc.width = o.width;
	cc.height = o.height;
	cc.present = on_present;
	cc.present_user = &a;
	a.ctx = sglhost_context_create(a.host, &cc);
	if (!a.ctx) {
		fprintf(stderr, "sgl-host: cannot create a context: %s\n", strerror(errno));
		goto out;
	}
	if (sgl_enc_init(&a.enc, 64 * 1024, &in_process, &a) < 0)
		goto out;
	r = run(&a, &o);
	sgl_enc_finish(&a.enc);
out:
	sglhost_context_destroy(a.ctx);
	sglhost_destroy(a.host);
	free(a.reply);
	return r;
}
