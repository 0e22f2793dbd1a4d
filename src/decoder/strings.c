/* Strings in both directions: shader sources in, GetString(i) out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_decoder_hooks.h"
#include "contexts/context.h"

/*
 * String arrays (glShaderSource, glTransformFeedbackVaryings,
 * glGetUniformIndices): after the command's fixed struct of `fixed` bytes,
 * `count` u32 lengths (8-byte padded), then the bytes of all strings back to
 * back (padded). Lengths are checked against the payload before GL sees a
 * single pointer. With `nul`, the strings are copied NUL-terminated (GL
 * reads varyings and uniform names up to a NUL). The pointers, lengths and
 * copies share one scratch block (a second scratch call could move the
 * first). Returns 0 with `strs`/`lens` filled, 1 when count is negative
 * (GL_INVALID_VALUE recorded), <0 on a bad command.
 */
int sgl_dec_string_array(struct sgl_dec *d, uint32_t op, const uint8_t *p, uint32_t size,
			 size_t fixed, int32_t count, bool nul, const GLchar ***strs,
			 GLint **lens)
{
	if (count < 0) {
		if (size != fixed)
			return sgl_dec_size_mismatch(d, op, size, fixed);
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 1;
	}
	uint64_t lens_bytes = sgl_pad8((uint64_t)count * 4);
	if (lens_bytes > size - fixed)
		return sgl_dec_size_mismatch(d, op, size, fixed + lens_bytes);
	const uint8_t *l = p + fixed;
	uint64_t total = 0;
	for (int32_t i = 0; i < count; i++) {
		uint32_t n;
		memcpy(&n, l + 4 * (size_t)i, sizeof(n));
		if (n > INT32_MAX)
			return sgl_dec_fail(d, "%s: string %d is %u bytes long",
					    sgl_opcode_name(op), i, n);
		total += n;
	}
	uint64_t expect = fixed + lens_bytes + sgl_pad8(total);
	if (expect != size)
		return sgl_dec_size_mismatch(d, op, size, expect);
	/* count < 2^31 and total < 2^32: no overflow in 64 bits. */
	uint64_t ptr_bytes = (uint64_t)count * sizeof(GLchar *);
	uint64_t copy_bytes = nul ? total + (uint64_t)count : 0;
	uint8_t *block = sgl_dec_scratch(d, ptr_bytes + lens_bytes + copy_bytes);
	if (!block)
		return -EPROTO;
	*strs = (const GLchar **)(void *)block;
	*lens = (GLint *)(void *)(block + ptr_bytes);
	char *copy = (char *)block + ptr_bytes + lens_bytes;
	const uint8_t *text = l + lens_bytes;
	for (int32_t i = 0; i < count; i++) {
		uint32_t n;
		memcpy(&n, l + 4 * (size_t)i, sizeof(n));
		(*lens)[i] = (GLint)n;
		if (nul) {
			memcpy(copy, text, n);
			copy[n] = '\0';
			(*strs)[i] = copy;
			copy += n + 1;
		} else {
			(*strs)[i] = (const GLchar *)text;
		}
		text += n;
	}
	return 0;
}

int sgl_hand_glShaderSource(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_glShaderSource c;
	if (size < sizeof(c))
		return sgl_dec_short(d, SGL_OP_glShaderSource, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	const GLchar **strs = NULL;
	GLint *glens = NULL;
	int r = sgl_dec_string_array(d, SGL_OP_glShaderSource, p, size, sizeof(c), c.count,
				     false, &strs, &glens);
	if (r)
		return r < 0 ? r : 0;
	if (!d->gl->ShaderSource)
		return sgl_dec_missing(d, SGL_OP_glShaderSource);
	GLuint shader;
	r = sgl_dec_map(d, SGL_OBJ_PROGRAM, c.shader, &shader);
	if (r)
		return r < 0 ? r : 0;
	d->gl->ShaderSource(shader, c.count, strs, glens);
	return 0;
}

/*
 * Extensions: a guest may only hear of extensions whose commands the
 * protocol carries (a GPU driver exposes many we do not generate), so
 * GL_EXTENSIONS, glGetStringi(GL_EXTENSIONS) and GL_NUM_EXTENSIONS all
 * answer from one filtered list, built on first use.
 */
extern const char *const sgl_forwardable_extensions[];
extern const size_t sgl_forwardable_extension_count;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool forwardable(const char *name)
{
	return bsearch(&name, sgl_forwardable_extensions, sgl_forwardable_extension_count,
		       sizeof(char *), cmp_name) != NULL;
}

/* Appends `name` (len bytes) if forwardable; `out` has room for it. */
static void keep(struct sgl_dec *d, char *out, size_t *used, const char *name, size_t len)
{
	char tmp[256];
	if (len == 0 || len >= sizeof(tmp))
		return;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	if (!forwardable(tmp))
		return;
	if (*used)
		out[(*used)++] = ' ';
	memcpy(out + *used, tmp, len);
	*used += len;
	d->ext_count++;
}

static void build_extensions(struct sgl_dec *d)
{
	const struct sgl_gl_table *gl = d->gl;
	GLint n = 0;
	size_t cap = 1, used = 0;
	bool indexed = gl->GetStringi && (d->gles ? d->major >= 3 : d->major >= 3);

	if (indexed) {
		gl->GetIntegerv(GL_NUM_EXTENSIONS, &n);
		for (GLint i = 0; i < n; i++) {
			const GLubyte *s = gl->GetStringi(GL_EXTENSIONS, (GLuint)i);
			cap += s ? strlen((const char *)s) + 1 : 0;
		}
	} else {
		const GLubyte *s = gl->GetString(GL_EXTENSIONS);
		cap += s ? strlen((const char *)s) : 0;
	}
	d->ext_joined = malloc(cap);
	if (!d->ext_joined)
		return;
	d->ext_count = 0;
	if (indexed) {
		for (GLint i = 0; i < n; i++) {
			const char *s = (const char *)gl->GetStringi(GL_EXTENSIONS, (GLuint)i);
			if (s)
				keep(d, d->ext_joined, &used, s, strlen(s));
		}
	} else {
		const char *s = (const char *)gl->GetString(GL_EXTENSIONS);
		while (s && *s) {
			size_t len = strcspn(s, " ");
			keep(d, d->ext_joined, &used, s, len);
			s += len;
			s += strspn(s, " ");
		}
	}
	d->ext_joined[used] = '\0';
	/* A NUL-separated copy indexed for glGetStringi. */
	char *copy = malloc(used + 1);
	d->ext_names = calloc(d->ext_count ? d->ext_count : 1, sizeof(char *));
	if (!copy || !d->ext_names) {
		free(copy);
		d->ext_count = 0;
		return;
	}
	memcpy(copy, d->ext_joined, used + 1);
	uint32_t k = 0;
	for (char *t = strtok(copy, " "); t && k < d->ext_count; t = strtok(NULL, " "))
		d->ext_names[k++] = t;
	/* ext_names[0] owns `copy`. */
	if (!k)
		free(copy);
}

uint32_t sgl_dec_extension_count(struct sgl_dec *d)
{
	if (!d->ext_joined)
		build_extensions(d);
	return d->ext_count;
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
	/* GL core has no GL_EXTENSIONS string: GL raises the error then. */
	bool core = !d->gles && d->ctx && d->ctx->api == SGLHOST_API_GL_CORE;
	if (c.name == GL_EXTENSIONS && !core) {
		sgl_dec_extension_count(d);
		if (d->ext_joined)
			return reply_string(d, SGL_OP_glGetString, (const GLubyte *)d->ext_joined);
	}
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
	if (c.name == GL_EXTENSIONS) {
		uint32_t n = sgl_dec_extension_count(d);
		if (c.index < n)
			return reply_string(d, SGL_OP_glGetStringi, (const GLubyte *)d->ext_names[c.index]);
		/* Out of range: let GL raise GL_INVALID_VALUE. */
		return reply_string(d, SGL_OP_glGetStringi, d->gl->GetStringi(c.name, UINT32_MAX));
	}
	return reply_string(d, SGL_OP_glGetStringi, d->gl->GetStringi(c.name, c.index));
}
