/* In-process transport for tests: the guest encoder submits straight into a
 * host context through the public API. */
#ifndef SGL_TEST_HARNESS_H
#define SGL_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sglhost.h"
#include "encoder.h"

struct harness {
	struct sglhost *host;
	struct sglhost_context *ctx;
	struct sgl_enc enc;
	uint8_t *reply;
	size_t reply_size, reply_cap;
	int last_rc;
	uint32_t flags;     /* sglhost_context_config.flags of the next context */
	char log[4096];
};

/* Creates a surfaceless host (returns false if EGL is unavailable). */
bool harness_host(struct harness *h);
/* The same with sglhost_config.flags `flags`. */
bool harness_host_flags(struct harness *h, uint32_t flags);
/* A context of `api` sized w x h, and an encoder feeding it. */
bool harness_context(struct harness *h, enum sglhost_api api, uint32_t w, uint32_t hgt);
/* The same, asking for GL version major.minor (0.0: the highest). */
bool harness_context_version(struct harness *h, enum sglhost_api api, int major, int minor,
			     uint32_t w, uint32_t hgt);
/* For a cmocka test: `p` becomes another context (and encoder) on `host`,
 * in the share group of `share` (NULL: none), for tests with several
 * contexts per host; fails the test where it is not made. p->host stays
 * NULL (the host is the caller's); harness_finish(p) ends the context. */
void harness_peer(struct harness *p, struct sglhost *host, struct sglhost_context *share,
		  enum sglhost_api api, uint32_t w, uint32_t hgt);
void harness_finish(struct harness *h);
/* For a cmocka test: a host and a context of `api` sized w x h, as
 * harness_host() and harness_context() make them. Skips the test where EGL
 * is unavailable and fails it where the context is not made; returns the
 * encoder. */
struct sgl_enc *harness_start(struct harness *h, enum sglhost_api api, uint32_t w, uint32_t hgt);
/* For a cmocka test: fails it where the context was lost, then
 * harness_finish(). */
void harness_end(struct harness *h);
/* Reads pixel (x, y) (y from the top) of the framebuffer as RGBA. */
uint32_t harness_pixel(struct harness *h, uint32_t x, uint32_t y);
/* For a cmocka test: texel (x, y) of 2D texture `tex` as RGBA, read
 * through a framebuffer of the encoder's context, which fails the test
 * where GL raises an error. */
uint32_t harness_texel(struct sgl_enc *e, GLuint tex, int x, int y);
bool harness_lost(struct harness *h, char *reason, size_t size);
/* A vertex array object, bound, drawing 2D float positions (attribute 0)
 * and 16-bit indices from two new buffers; GL_ARRAY_BUFFER stays bound to
 * the positions' buffer. Returns the vertex array object. */
GLuint harness_vertex_array(struct sgl_enc *e, const float *pos, size_t pos_size,
			    const uint16_t *idx, size_t idx_size);
/* A compiled shader of `type`, or 0. */
GLuint harness_shader(struct sgl_enc *e, GLenum type, const char *src);

#define RGBA(r, g, b, a) ((uint32_t)(r) | (uint32_t)(g) << 8 | (uint32_t)(b) << 16 | (uint32_t)(a) << 24)
#define BLACK RGBA(0, 0, 0, 255)
#define RED RGBA(255, 0, 0, 255)
#define GREEN RGBA(0, 255, 0, 255)
#define BLUE RGBA(0, 0, 255, 255)

#endif
