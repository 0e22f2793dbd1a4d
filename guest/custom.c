/* Encoders written by hand: the commands marked custom in overrides.txt and
 * the protocol-only ones. Their wire structs are in protocol/sgl_wire.h. */
#include "encoder.h"

#include "reported.h"

#include <stdlib.h>
#include <time.h>

#define BEGIN(type, op, extra)                                                   \
	struct sgl_cmd_##type *c = (struct sgl_cmd_##type *)sgl_enc_begin(      \
		e, op, sizeof(struct sgl_cmd_##type) + (extra));                \
	if (!c)                                                                  \
		return

/* The length string i travels with: a NULL array or string (an error the
 * caller raised, where GL raises one) travels as an empty string. */
static uint32_t array_string_len(const GLchar *const *string, const GLint *length, uint64_t i)
{
	if (!string || !string[i])
		return 0;
	return length && length[i] >= 0 ? (uint32_t)length[i] : (uint32_t)strlen(string[i]);
}

void *sgl_enc_string_array(struct sgl_enc *e, uint32_t op, size_t fixed, GLsizei count,
			   const GLchar *const *string, const GLint *length)
{
	uint64_t n = count > 0 ? (uint64_t)count : 0, text = 0;
	for (uint64_t i = 0; i < n; i++)
		text += array_string_len(string, length, i);
	uint64_t lens = sgl_pad8(n * 4);
	uint8_t *c = sgl_enc_begin(e, op, fixed + (count < 0 ? 0 : lens + sgl_pad8(text)));
	if (!c || count < 0)
		return c;
	uint8_t *l = c + fixed, *t = l + lens;
	memset(l, 0, lens);
	for (uint64_t i = 0; i < n; i++) {
		uint32_t len = array_string_len(string, length, i);
		memcpy(l + 4 * i, &len, 4);
		if (len)
			memcpy(t, string[i], len);
		t += len;
	}
	sgl_enc_zero_pad(l + lens, text);
	return c;
}

/*
 * GL looks `shader` up before it reads a string: a name that is not a
 * shader raises GL_INVALID_VALUE (GL_INVALID_OPERATION for a program) and
 * the strings are never touched, whatever they point at (GL 4.6, 7.1:
 * "An INVALID_VALUE error is generated if shader is not the name of either
 * a program or shader object"). A shader this encoder made is known here;
 * any other name is asked of the host. A NULL array or string raises what
 * Mesa raises (the spec does not say).
 */
static bool shader_source_ok(struct sgl_enc *e, GLuint shader, GLsizei count,
			     const GLchar *const *string)
{
	if (!sgl_enc_known_shader(e, shader) && !sgl_enc_glIsShader(e, shader)) {
		sgl_enc_error(e, sgl_enc_glIsProgram(e, shader) ? GL_INVALID_OPERATION :
								 GL_INVALID_VALUE);
		return false;
	}
	if (count < 0 || !string) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return false;
	}
	for (GLsizei i = 0; i < count; i++) {
		if (!string[i]) {
			sgl_enc_error(e, GL_INVALID_OPERATION);
			return false;
		}
	}
	return true;
}

void sgl_enc_glShaderSource(struct sgl_enc *e, GLuint shader, GLsizei count,
			    const GLchar *const *string, const GLint *length)
{
	if (!shader_source_ok(e, shader, count, string))
		return;
	struct sgl_cmd_glShaderSource *c = sgl_enc_string_array(
		e, SGL_OP_glShaderSource, sizeof(*c), count, string, length);
	if (!c)
		return;
	c->shader = shader;
	c->count = count;
}

static const GLubyte *cached(struct sgl_enc *e, uint32_t name, uint32_t index)
{
	for (size_t i = 0; i < e->nstrings; i++)
		if (e->strings[i].name == name && e->strings[i].index == index)
			return (const GLubyte *)e->strings[i].text;
	return NULL;
}

static const GLubyte *keep_string(struct sgl_enc *e, uint32_t name, uint32_t index,
				  const char *s)
{
	if (e->nstrings == e->strings_cap) {
		size_t cap = e->strings_cap ? 2 * e->strings_cap : 16;
		struct sgl_gl_string *n = realloc(e->strings, cap * sizeof(*n));
		if (!n)
			return NULL;
		e->strings = n;
		e->strings_cap = cap;
	}
	char *copy = strdup(s);
	if (!copy)
		return NULL;
	e->strings[e->nstrings++] = (struct sgl_gl_string){ name, index, copy };
	return (const GLubyte *)copy;
}

static const GLubyte *get_string(struct sgl_enc *e, uint32_t op, uint32_t name,
				 uint32_t index)
{
	const GLubyte *cached_s = cached(e, name, index);
	if (cached_s)
		return cached_s;
	struct sgl_cmd_glGetStringi *c = (struct sgl_cmd_glGetStringi *)sgl_enc_begin(
		e, op, op == SGL_OP_glGetString ? sizeof(struct sgl_cmd_glGetString) : sizeof(*c));
	if (!c)
		return NULL;
	c->name = name;
	c->index = op == SGL_OP_glGetString ? 0 : index;   /* glGetString's pad_ */
	/* One NUL-terminated string of the host's length. */
	size_t n;
	const char *s = (const char *)sgl_enc_reply_any(e, op, &n);
	if (!s || e->reply_error || n == 0 || !memchr(s, 0, n))
		return NULL;
	/* GL strings stay valid for the context's life: keep a copy (of
	 * what the environment makes of it, reported.c). */
	char *changed = op == SGL_OP_glGetString ? sgl_reported_string(name, s) : NULL;
	const GLubyte *r = keep_string(e, name, index, changed ? changed : s);
	free(changed);
	return r;
}

const GLubyte *sgl_enc_glGetString(struct sgl_enc *e, GLenum name)
{
	return get_string(e, SGL_OP_glGetString, name, UINT32_MAX);
}

const GLubyte *sgl_enc_glGetStringi(struct sgl_enc *e, GLenum name, GLuint index)
{
	return get_string(e, SGL_OP_glGetStringi, name, index);
}

GLenum sgl_enc_glGetError(struct sgl_enc *e)
{
	sgl_enc_debug_drain(e);
	if (e->error != GL_NO_ERROR) {
		GLenum r = e->error;
		e->error = GL_NO_ERROR;
		return r;
	}
	sgl_enc_begin(e, SGL_OP_glGetError, sizeof(struct sgl_header));
	const uint8_t *r = sgl_enc_reply(e, SGL_OP_glGetError, 8);
	uint32_t v = GL_NO_ERROR;
	if (r)
		memcpy(&v, r, 4);
	return v;
}

GLuint sgl_enc_glGenLists(struct sgl_enc *e, GLsizei range)
{
	/* A contiguous range: take fresh names past the pool's end. */
	struct sgl_name_pool *p = &e->names[SGL_OBJ_DISPLAY_LIST];
	if (range <= 0 || (uint64_t)p->next + (uint64_t)range > UINT32_MAX) {
		if (range < 0)
			e->error = GL_INVALID_VALUE;
		return 0;
	}
	GLuint first = p->next + 1;
	p->next += (uint32_t)range;
	struct sgl_cmd_glGenLists *c = (struct sgl_cmd_glGenLists *)sgl_enc_begin(
		e, SGL_OP_glGenLists, sizeof(*c));
	if (!c)
		return 0;
	c->first = first;
	c->range = range;
	return first;
}

void sgl_enc_track_glNewList(struct sgl_enc *e, GLuint list, GLenum mode)
{
	/* The host creates the list; glGenLists must never hand it out again.
	 * Far names are left alone (the next range would start past them). */
	struct sgl_name_pool *p = &e->names[SGL_OBJ_DISPLAY_LIST];
	if (mode == GL_COMPILE || mode == GL_COMPILE_AND_EXECUTE)
		e->list_compiling = mode == GL_COMPILE;   /* restart.c */
	if (list > p->next && list < (1u << 24))
		p->next = list;
}

void sgl_enc_glDeleteLists(struct sgl_enc *e, GLuint list, GLsizei range)
{
	BEGIN(glDeleteLists, SGL_OP_glDeleteLists, 0);
	c->list = list;
	c->range = range;
}

static uint32_t list_at(GLenum type, const void *lists, GLsizei i)
{
	const uint8_t *b = lists;
	switch (type) {
	case GL_BYTE: return (uint32_t)(int32_t)((const int8_t *)b)[i];
	case GL_UNSIGNED_BYTE: return b[i];
	case GL_SHORT: return (uint32_t)(int32_t)((const int16_t *)lists)[i];
	case GL_UNSIGNED_SHORT: return ((const uint16_t *)lists)[i];
	case GL_INT: return (uint32_t)((const int32_t *)lists)[i];
	case GL_UNSIGNED_INT: return ((const uint32_t *)lists)[i];
	case GL_FLOAT: return (uint32_t)((const float *)lists)[i];
	case GL_2_BYTES: return (uint32_t)b[2 * i] << 8 | b[2 * i + 1];
	case GL_3_BYTES: return (uint32_t)b[3 * i] << 16 | (uint32_t)b[3 * i + 1] << 8 | b[3 * i + 2];
	case GL_4_BYTES:
		return (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	default: return 0;
	}
}


void sgl_enc_glCallLists(struct sgl_enc *e, GLsizei n, GLenum type, const void *lists)
{
	uint64_t count = n > 0 && lists ? (uint64_t)n : 0;
	BEGIN(glCallLists, SGL_OP_glCallLists, sgl_pad8(count * 4));
	c->n = n > 0 && !lists ? 0 : n;
	c->pad_ = 0;
	uint8_t *out = (uint8_t *)(c + 1);
	for (uint64_t i = 0; i < count; i++) {
		uint32_t name = e->list_base + list_at(type, lists, (GLsizei)i);
		memcpy(out + 4 * i, &name, 4);
	}
	sgl_enc_zero_pad(out, count * 4);
}

/* glPixelStore (track, overrides.txt): the state GL keeps on the host, by
 * the rules the host applies too (protocol/sgl_pixel_store.c); client
 * images are laid out by it. */
void sgl_enc_track_glPixelStorei(struct sgl_enc *e, GLenum pname, GLint param)
{
	bool pack;
	int i = sgl_pixel_store_param(pname, &pack);
	if (i >= 0)
		sgl_pixel_store_set(pack ? &e->pack : &e->unpack, i, param);
}

void sgl_enc_track_glPixelStoref(struct sgl_enc *e, GLenum pname, GLfloat param)
{
	sgl_enc_track_glPixelStorei(e, pname, sgl_pixel_store_round(param));
}

void sgl_enc_sglSwapBuffers(struct sgl_enc *e)
{
	sgl_enc_sync_maps(e);
	sgl_enc_begin(e, SGL_OP_sglSwapBuffers, sizeof(struct sgl_cmd_sglSwapBuffers));
	sgl_enc_flush(e);
}

void sgl_enc_sglResizeSurface(struct sgl_enc *e, uint32_t width, uint32_t height)
{
	BEGIN(sglResizeSurface, SGL_OP_sglResizeSurface, 0);
	c->width = width;
	c->height = height;
}

void sgl_enc_sglClientArrayData(struct sgl_enc *e, uint32_t array, GLint size, GLenum type,
				uint32_t flags, GLint first, GLsizei count, const void *data,
				GLsizei stride)
{
	/* elem: bytes of one element; the caller has validated size/type. */
	uint32_t comps = size == GL_BGRA ? 4 : (uint32_t)size;
	uint32_t tb = type == GL_DOUBLE ? 8 : type == GL_FLOAT || type == GL_INT ||
		      type == GL_UNSIGNED_INT || type == GL_FIXED ? 4 :
		      type == GL_SHORT || type == GL_UNSIGNED_SHORT || type == GL_HALF_FLOAT ? 2 : 1;
	bool packed = type == GL_INT_2_10_10_10_REV || type == GL_UNSIGNED_INT_2_10_10_10_REV ||
		      type == GL_UNSIGNED_INT_10F_11F_11F_REV;
	uint64_t elem = packed ? 4 : tb * comps;
	uint64_t bytes = count > 0 ? elem * (uint64_t)count : 0;
	if (bytes > UINT32_MAX)
		return;
	BEGIN(sglClientArrayData, SGL_OP_sglClientArrayData, sgl_pad8(bytes));
	c->array = array;
	c->size = size;
	c->type = type;
	c->normalized = flags;
	c->first = first;
	c->count = count > 0 ? count : 0;
	c->bytes = (uint32_t)bytes;
	c->pad_ = 0;
	uint64_t step = stride ? (uint64_t)stride : elem;
	const uint8_t *src = (const uint8_t *)data + (uint64_t)first * step;
	uint8_t *dst = (uint8_t *)(c + 1);
	for (GLsizei i = 0; i < c->count; i++)
		memcpy(dst + (uint64_t)i * elem, src + (uint64_t)i * step, elem);
	sgl_enc_zero_pad(dst, bytes);
}

int sgl_enc_sglBufferReadRange(struct sgl_enc *e, GLenum target, int64_t offset, int64_t size,
			       void *out)
{
	struct sgl_cmd_sglBufferReadRange *c = (struct sgl_cmd_sglBufferReadRange *)sgl_enc_begin(
		e, SGL_OP_sglBufferReadRange, sizeof(*c));
	if (!c)
		return -1;
	c->offset = offset;
	c->size = size;
	c->target = target;
	c->pad_ = 0;
	const uint8_t *r = sgl_enc_reply(e, SGL_OP_sglBufferReadRange,
					 offset < 0 || size < 0 ? 0 : (uint64_t)size);
	if (!r)
		return -1;
	if (size > 0)
		memcpy(out, r, (size_t)size);
	return 0;
}

void sgl_enc_glFinish(struct sgl_enc *e)
{
	sgl_enc_sync_maps(e);
	if (sgl_enc_begin(e, SGL_OP_glFinish, sizeof(struct sgl_header)))
		sgl_enc_reply(e, SGL_OP_glFinish, 0);
	sgl_enc_pull_maps(e);
	sgl_enc_debug_drain(e);
}

void sgl_enc_track_glFlush(struct sgl_enc *e)
{
	sgl_enc_flush(e);
}

size_t sgl_enc_reply_counted(struct sgl_enc *e, uint32_t op, void *out, size_t esize,
			     size_t max)
{
	size_t size;
	const uint8_t *r = sgl_enc_reply_any(e, op, &size);
	uint32_t count;
	if (!r || size < 8)
		return 0;
	memcpy(&count, r, 4);
	if (e->reply_error || count > max || 8 + (uint64_t)count * esize > size)
		return 0;
	if (out)
		memcpy(out, r + 8, count * esize);
	return count;
}

/* glGetUniform*v: the host sends how many values the uniform has first
 * (src/decoder/uniforms.c); exactly that many are copied. */
static void get_uniform(struct sgl_enc *e, uint32_t op, GLuint program, GLint location,
			void *params, size_t esize)
{
	struct sgl_cmd_glGetUniform *c = (struct sgl_cmd_glGetUniform *)sgl_enc_begin(
		e, op, sizeof(*c));
	if (!c)
		return;
	c->program = program;
	c->location = location;
	sgl_enc_reply_counted(e, op, params, esize, 16);
}

void sgl_enc_glGetUniformfv(struct sgl_enc *e, GLuint program, GLint location, GLfloat *params)
{
	get_uniform(e, SGL_OP_glGetUniformfv, program, location, params, 4);
}

void sgl_enc_glGetUniformiv(struct sgl_enc *e, GLuint program, GLint location, GLint *params)
{
	get_uniform(e, SGL_OP_glGetUniformiv, program, location, params, 4);
}

void sgl_enc_glGetUniformuiv(struct sgl_enc *e, GLuint program, GLint location, GLuint *params)
{
	get_uniform(e, SGL_OP_glGetUniformuiv, program, location, params, 4);
}

void sgl_enc_glGetUniformdv(struct sgl_enc *e, GLuint program, GLint location,
			    GLdouble *params)
{
	get_uniform(e, SGL_OP_glGetUniformdv, program, location, params, 8);
}

void sgl_enc_glGetUniformi64vARB(struct sgl_enc *e, GLuint program, GLint location,
				 GLint64 *params)
{
	get_uniform(e, SGL_OP_glGetUniformi64vARB, program, location, params, 8);
}

void sgl_enc_glGetUniformui64vARB(struct sgl_enc *e, GLuint program, GLint location,
				  GLuint64 *params)
{
	get_uniform(e, SGL_OP_glGetUniformui64vARB, program, location, params, 8);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * glClientWaitSync: the host waits at most 100 ms per call
 * (src/decoder/state.c) and answers GL_TIMEOUT_EXPIRED when that ran out,
 * so the wait is repeated here until the application's timeout has passed
 * on the guest's clock: "ClientWaitSync will block and will wait up to
 * <timeout> nanoseconds for <sync> to become signaled" (GL 4.6, 4.1.1).
 * The flush the flags ask for happens once, with the first wait.
 *
 * It never returns 0: the host answers 0 when it did not wait (an unknown
 * sync, with GL_INVALID_VALUE), and a lost context cannot wait either. GL
 * says GL_WAIT_FAILED for both. A signaled fence makes what GL wrote into
 * persistent maps the client's to read (persistent.c).
 */
GLenum sgl_enc_glClientWaitSync(struct sgl_enc *e, GLsync sync, GLbitfield flags,
				GLuint64 timeout)
{
	uint64_t start = now_ns();
	GLuint64 left = timeout;
	for (;;) {
		GLenum r = sgl_enc_raw_glClientWaitSync(e, sync, flags, left);
		if (!r)
			return GL_WAIT_FAILED;
		if (r != GL_TIMEOUT_EXPIRED) {
			if (r == GL_ALREADY_SIGNALED || r == GL_CONDITION_SATISFIED)
				sgl_enc_pull_maps(e);
			return r;
		}
		uint64_t spent = now_ns() - start;
		if (spent >= timeout)
			return r;
		left = timeout - spent;
		flags &= ~(GLbitfield)GL_SYNC_FLUSH_COMMANDS_BIT;
	}
}

/*
 * glGetSynciv: engines poll their fences (GL_SYNC_STATUS) rather than wait
 * on them, and read what the GPU wrote into a persistent map once the
 * fence is GL_SIGNALED, as after a wait: the guest then pulls the host's
 * writes (persistent.c) before the application sees the answer.
 */
void sgl_enc_glGetSynciv(struct sgl_enc *e, GLsync sync, GLenum pname, GLsizei count,
			 GLsizei *length, GLint *values)
{
	sgl_enc_raw_glGetSynciv(e, sync, pname, count, length, values);
	if (pname == GL_SYNC_STATUS && count >= 1 && values && values[0] == GL_SIGNALED)
		sgl_enc_pull_maps(e);
}
