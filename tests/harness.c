#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void log_fn(void *user, enum sglhost_log_level level, const char *file, int line,
		   const char *msg)
{
	struct harness *h = user;
	size_t n = strlen(h->log);
	(void)level;
	if (n < sizeof(h->log) - 1)
		snprintf(h->log + n, sizeof(h->log) - n, "%s:%d: %s\n", file, line, msg);
}

static int submit(void *user, const void *buf, size_t size)
{
	struct harness *h = user;
	h->last_rc = sglhost_context_submit(h->ctx, buf, size, NULL, NULL);
	return h->last_rc;
}

static int collect(void *user, const void *data, size_t size)
{
	struct harness *h = user;
	if (size > h->reply_cap) {
		uint8_t *n = realloc(h->reply, size);
		if (!n)
			return -1;
		h->reply = n;
		h->reply_cap = size;
	}
	memcpy(h->reply, data, size);
	h->reply_size = size;
	return 0;
}

static int roundtrip(void *user, const void *buf, size_t size, const void **reply,
		     size_t *reply_size)
{
	struct harness *h = user;
	h->reply_size = 0;
	h->last_rc = sglhost_context_submit(h->ctx, buf, size, collect, h);
	if (h->last_rc < 0 || !h->reply_size)
		return -1;
	*reply = h->reply;
	*reply_size = h->reply_size;
	return 0;
}

static const struct sgl_transport_ops ops = { submit, roundtrip, NULL };

bool harness_host(struct harness *h)
{
	return harness_host_flags(h, 0);
}

bool harness_host_flags(struct harness *h, uint32_t flags)
{
	struct sglhost_config cfg;
	memset(h, 0, sizeof(*h));
	sglhost_config_init(&cfg);
	cfg.platform = SGLHOST_PLATFORM_SURFACELESS;
	cfg.log = log_fn;
	cfg.log_user = h;
	cfg.log_level = SGLHOST_LOG_DEBUG;
	cfg.flags = flags;
	h->host = sglhost_create(&cfg);
	return h->host != NULL;
}

bool harness_context(struct harness *h, enum sglhost_api api, uint32_t w, uint32_t hgt)
{
	return harness_context_version(h, api, 0, 0, w, hgt);
}

static bool context_on(struct harness *h, struct sglhost *host, struct sglhost_context *share,
		       enum sglhost_api api, int major, int minor, uint32_t w, uint32_t hgt)
{
	struct sglhost_context_config cc;
	sglhost_context_config_init(&cc);
	cc.api = api;
	cc.major = major;
	cc.minor = minor;
	cc.width = w;
	cc.height = hgt;
	cc.flags = h->flags;
	cc.share = share;
	h->ctx = sglhost_context_create(host, &cc);
	if (!h->ctx)
		return false;
	return sgl_enc_init(&h->enc, 64 * 1024, &ops, h) == 0;
}

bool harness_context_version(struct harness *h, enum sglhost_api api, int major, int minor,
			     uint32_t w, uint32_t hgt)
{
	return context_on(h, h->host, NULL, api, major, minor, w, hgt);
}

void harness_peer(struct harness *p, struct sglhost *host, struct sglhost_context *share,
		  enum sglhost_api api, uint32_t w, uint32_t hgt)
{
	memset(p, 0, sizeof(*p));
	if (!context_on(p, host, share, api, 0, 0, w, hgt))
		fail_msg("no context of api %d, %ux%u on the host", (int)api, w, hgt);
}

void harness_finish(struct harness *h)
{
	if (h->ctx)
		sgl_enc_finish(&h->enc);
	sglhost_context_destroy(h->ctx);
	sglhost_destroy(h->host);
	free(h->reply);
	memset(h, 0, sizeof(*h));
}

struct sgl_enc *harness_start(struct harness *h, enum sglhost_api api, uint32_t w, uint32_t hgt)
{
	if (!harness_host(h))
		skip();
	if (!harness_context(h, api, w, hgt))
		fail_msg("no context of api %d, %ux%u: %s", (int)api, w, hgt, h->log);
	return &h->enc;
}

void harness_end(struct harness *h)
{
	char reason[256];
	if (harness_lost(h, reason, sizeof(reason)))
		fail_msg("context lost: %s", reason);
	harness_finish(h);
}

uint32_t harness_pixel(struct harness *h, uint32_t x, uint32_t y)
{
	uint32_t w, hh;
	sgl_enc_flush(&h->enc);
	sglhost_context_get_size(h->ctx, &w, &hh);
	uint32_t *px = calloc((size_t)w * hh, 4);
	uint32_t v = 0xdeadbeef;
	if (px && sglhost_context_read_pixels(h->ctx, SGLHOST_PIXEL_RGBA8888, px, (size_t)w * 4, w,
					      hh) == 0)
		memcpy(&v, (uint8_t *)px + ((size_t)y * w + x) * 4, 4);
	free(px);
	return v;
}

uint32_t harness_texel(struct sgl_enc *e, GLuint tex, int x, int y)
{
	GLuint fb;
	uint8_t px[4] = { 0xde, 0xad, 0xbe, 0xef };
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferTexture2D(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	assert_int_equal(sgl_enc_glCheckFramebufferStatus(e, GL_FRAMEBUFFER),
			 GL_FRAMEBUFFER_COMPLETE);
	sgl_enc_glReadPixels(e, x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, 0);
	sgl_enc_glDeleteFramebuffers(e, 1, &fb);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	uint32_t v;
	memcpy(&v, px, 4);
	return v;
}

bool harness_lost(struct harness *h, char *reason, size_t size)
{
	struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
	sglhost_context_get_status(h->ctx, &st);
	if (reason)
		snprintf(reason, size, "%s", st.reason);
	return st.lost;
}

GLuint harness_shader(struct sgl_enc *e, GLenum type, const char *src)
{
	GLuint s = sgl_enc_glCreateShader(e, type);
	sgl_enc_glShaderSource(e, s, 1, &src, NULL);
	sgl_enc_glCompileShader(e, s);
	GLint ok = 0;
	sgl_enc_glGetShaderiv(e, s, GL_COMPILE_STATUS, &ok);
	return ok ? s : 0;
}

GLuint harness_vertex_array(struct sgl_enc *e, const float *pos, size_t pos_size,
			    const uint16_t *idx, size_t idx_size)
{
	GLuint vao, bufs[2];
	sgl_enc_glGenVertexArrays(e, 1, &vao);
	sgl_enc_glBindVertexArray(e, vao);
	sgl_enc_glGenBuffers(e, 2, bufs);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, bufs[0]);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, (GLsizeiptr)pos_size, pos, GL_STATIC_DRAW);
	sgl_enc_glBindBuffer(e, GL_ELEMENT_ARRAY_BUFFER, bufs[1]);
	sgl_enc_glBufferData(e, GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)idx_size, idx, GL_STATIC_DRAW);
	sgl_enc_glVertexAttribPointer(e, 0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	return vao;
}
