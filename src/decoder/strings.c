/* Strings in both directions: shader sources in, GetString(i) out. */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* glShaderSource: count u32 lengths (8-byte padded), then the bytes of all
 * strings back to back (padded). Lengths are checked against the payload
 * before GL sees a single pointer. */
int sgl_hand_glShaderSource(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glShaderSource c;
	if (size < sizeof(c))
		return sgl_dec_short(d, SGL_OP_glShaderSource, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (c.count < 0) {
		if (size != sizeof(c))
			return sgl_dec_size_mismatch(d, SGL_OP_glShaderSource, size, sizeof(c));
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 0;
	}
	uint64_t lens_bytes = sgl_pad8((uint64_t)c.count * 4);
	if (lens_bytes > size - sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glShaderSource, size, sizeof(c) + lens_bytes);
	const uint8_t *lens = p + sizeof(c);
	uint64_t total = 0;
	for (int32_t i = 0; i < c.count; i++) {
		uint32_t l;
		memcpy(&l, lens + 4 * (size_t)i, sizeof(l));
		total += l;
	}
	uint64_t expect = sizeof(c) + lens_bytes + sgl_pad8(total);
	if (expect != size)
		return sgl_dec_size_mismatch(d, SGL_OP_glShaderSource, size, expect);
	if (!d->gl->ShaderSource)
		return sgl_dec_missing(d, SGL_OP_glShaderSource);
	GLuint shader;
	int r = sgl_dec_map(d, SGL_OBJ_PROGRAM, c.shader, &shader);
	if (r)
		return r < 0 ? r : 0;
	const GLchar **strs = sgl_dec_scratch(d, (uint64_t)c.count * sizeof(*strs));
	GLint *glens = sgl_dec_scratch(d, (uint64_t)c.count * sizeof(*glens));
	if (c.count && (!strs || !glens))
		return -EPROTO;
	const uint8_t *text = lens + lens_bytes;
	for (int32_t i = 0; i < c.count; i++) {
		uint32_t l;
		memcpy(&l, lens + 4 * (size_t)i, sizeof(l));
		if (l > INT32_MAX)
			return sgl_dec_fail(d, "glShaderSource: string %d is %u bytes long", i, l);
		strs[i] = (const GLchar *)text;
		glens[i] = (GLint)l;
		text += l;
	}
	d->gl->ShaderSource(shader, c.count, strs, glens);
	return 0;
}

static int reply_string(struct sgl_dec *d, uint32_t op, const GLubyte *s)
{
	size_t n = s ? strlen((const char *)s) + 1 : 0;
	uint8_t *r = sgl_dec_reply_begin(d, op, n);
	if (!r)
		return -EPROTO;
	if (n)
		memcpy(r, s, n);
	return sgl_dec_reply_end(d);
}

int sgl_hand_glGetString(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetString c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glGetString, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	return reply_string(d, SGL_OP_glGetString, d->gl->GetString(c.name));
}

int sgl_hand_glGetStringi(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glGetStringi c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_glGetStringi, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (!d->gl->GetStringi)
		return sgl_dec_missing(d, SGL_OP_glGetStringi);
	return reply_string(d, SGL_OP_glGetStringi, d->gl->GetStringi(c.name, c.index));
}
