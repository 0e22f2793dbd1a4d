/* Strings in both directions: shader sources in, GetString(i) out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgl_decoder_hooks.h"
#include "contexts/context.h"

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
