/* Batching and round trips of the guest encoder. */
#include "encoder.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "platform.h"

#define MIN_BATCH 4096

int sgl_enc_init(struct sgl_enc *e, size_t batch_size, const struct sgl_transport_ops *ops,
		 void *user)
{
	memset(e, 0, sizeof(*e));
	e->cap = batch_size < MIN_BATCH ? MIN_BATCH : (batch_size + 7) & ~(size_t)7;
	e->buf = sgl_aligned_alloc(8, e->cap);
	if (!e->buf)
		return -ENOMEM;
	e->cur = e->buf;
	e->end = e->buf + e->cap;
	e->ops = ops;
	e->user = user;
	e->tail_min = SGL_ENC_TAIL_MIN;
	sgl_pixel_store_init(&e->unpack);
	sgl_pixel_store_init(&e->pack);
	return 0;
}

void sgl_enc_finish(struct sgl_enc *e)
{
	sgl_aligned_free(e->buf);
	for (int i = 0; i < SGL_OBJ_COUNT; i++)
		free(e->names[i].free), free(e->names[i].live), free(e->names[i].shader);
	free(e->element_buffers);
	free(e->client_stack);
	sgl_enc_free_maps(e);
	for (size_t i = 0; i < e->nstrings; i++)
		free(e->strings[i].text);
	free(e->strings);
	memset(e, 0, sizeof(*e));
}

/* The flush timer holds the encoder for one send (timer.c). */
void sgl_enc_wait_timer(struct sgl_enc *e)
{
	while (atomic_load_explicit(&e->timer_flushing, memory_order_acquire))
		sched_yield();
}

int sgl_enc_flush(struct sgl_enc *e)
{
	sgl_enc_enter(e);
	int r = sgl_enc_send(e);
	sgl_enc_leave(e);
	return r;
}

int sgl_enc_send(struct sgl_enc *e)
{
	sgl_enc_maps_first(e);
	size_t n = (size_t)(e->cur - e->buf);
	e->cur = e->buf;
	if (!n || e->failed)
		return e->failed ? -EPIPE : 0;
	int r = e->ops->submit(e->user, e->buf, n);
	if (r < 0)
		e->failed = true;
	return r;
}

uint8_t *sgl_enc_begin_slow(struct sgl_enc *e, uint32_t op, uint64_t bytes)
{
	if (bytes > UINT32_MAX || e->failed) {
		if (bytes > UINT32_MAX && e->error == GL_NO_ERROR)
			e->error = GL_OUT_OF_MEMORY;
		return NULL;
	}
	sgl_enc_flush(e);
	if (bytes > e->cap) {
		/* One command larger than the batch: grow the batch for it. */
		size_t cap = e->cap;
		while (cap < bytes)
			cap *= 2;
		uint8_t *n = sgl_aligned_alloc(8, cap);
		if (!n) {
			e->error = GL_OUT_OF_MEMORY;
			return NULL;
		}
		sgl_aligned_free(e->buf);
		e->buf = e->cur = n;
		e->cap = cap;
		e->end = n + cap;
	}
	return sgl_enc_begin(e, op, bytes);
}

uint8_t *sgl_enc_begin_tail(struct sgl_enc *e, uint32_t op, uint64_t bytes, uint64_t tail)
{
	if (bytes > UINT32_MAX || tail > bytes) {
		sgl_enc_error(e, GL_OUT_OF_MEMORY);
		return NULL;
	}
	uint8_t *p = sgl_enc_begin(e, op, bytes - tail);
	if (p) {
		struct sgl_header h = { op, (uint32_t)bytes };
		memcpy(p, &h, sizeof(h));
	}
	return p;
}

void sgl_enc_send_tail(struct sgl_enc *e, const void *src, uint64_t size)
{
	sgl_enc_maps_first(e);
	size_t n = (size_t)(e->cur - e->buf);
	e->cur = e->buf;
	if (e->failed)
		return;
	if (e->ops->submit_tail(e->user, e->buf, n, src, (size_t)size) < 0)
		e->failed = true;
}

const uint8_t *sgl_enc_reply_any(struct sgl_enc *e, uint32_t op, size_t *payload)
{
	const void *reply = NULL;
	size_t size = 0;
	struct sgl_header h;

	sgl_enc_maps_first(e);
	size_t n = (size_t)(e->cur - e->buf);
	e->cur = e->buf;
	if (e->failed)
		return NULL;
	if (e->ops->roundtrip(e->user, e->buf, n, &reply, &size) < 0 || size < sizeof(h)) {
		e->failed = true;
		return NULL;
	}
	memcpy(&h, reply, sizeof(h));
	e->reply_error = h.opcode & SGL_REPLY_GL_ERROR;
	if ((h.opcode & ~SGL_REPLY_GL_ERROR) != op || h.size != size) {
		/* The host answered something else: the stream is out of step. */
		e->failed = true;
		return NULL;
	}
	*payload = size - sizeof(h);
	return (const uint8_t *)reply + sizeof(h);
}

const uint8_t *sgl_enc_reply(struct sgl_enc *e, uint32_t op, uint64_t payload)
{
	size_t got;
	const uint8_t *r = sgl_enc_reply_any(e, op, &got);
	if (r && got != sgl_pad8(payload)) {
		e->failed = true;
		return NULL;
	}
	return r;
}

int64_t sgl_enc_pname_count(struct sgl_enc *e, GLenum pname)
{
	int n = sgl_pname_count(pname);
	if (n != SGL_PNAME_COUNT_DYNAMIC)
		return n;
	GLint v = 0;
	sgl_enc_glGetIntegerv(e, sgl_pname_count_source(pname), &v);
	return v < 0 ? 0 : v;
}

GLint sgl_enc_host_limit(struct sgl_enc *e, GLenum pname, GLint fallback)
{
	GLint n = fallback;
	GLenum saved = e->error;
	e->error = GL_NO_ERROR;
	sgl_enc_glGetIntegerv(e, pname, &n);
	e->error = saved;
	return n;
}

/* ---- Buffer bindings the encoder must know to tell offsets from data. ---- */

static GLuint *element_slot(struct sgl_enc *e, GLuint vao)
{
	if (vao >= e->element_cap) {
		size_t cap = e->element_cap ? e->element_cap : 16;
		while (cap <= vao)
			cap *= 2;
		GLuint *n = realloc(e->element_buffers, cap * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + e->element_cap, 0, (cap - e->element_cap) * sizeof(*n));
		e->element_buffers = n;
		e->element_cap = cap;
	}
	return &e->element_buffers[vao];
}

static GLuint *binding(struct sgl_enc *e, GLenum target_or_pname)
{
	int i = sgl_buffer_target_index(target_or_pname);
	if (i == SGL_BUFFER_ELEMENT_ARRAY)
		return element_slot(e, e->vertex_array);
	return i < 0 ? NULL : &e->buffers[i];
}

GLuint *sgl_enc_buffer_binding(struct sgl_enc *e, GLenum target)
{
	return binding(e, target);
}

bool sgl_enc_buffer_bound(struct sgl_enc *e, GLenum pname)
{
	GLuint *b = binding(e, pname);
	return b && *b;
}

void sgl_enc_track_glBindBuffer(struct sgl_enc *e, GLenum target, GLuint buffer)
{
	sgl_enc_claim_name(e, SGL_OBJ_BUFFER, buffer);
	GLuint *b = binding(e, target);
	if (b)
		*b = buffer;
}

/* Binding to an indexed target binds the generic one as well. */
void sgl_enc_track_glBindBufferBase(struct sgl_enc *e, GLenum target, GLuint index,
				    GLuint buffer)
{
	(void)index;
	sgl_enc_track_glBindBuffer(e, target, buffer);
}

void sgl_enc_track_glBindBufferRange(struct sgl_enc *e, GLenum target, GLuint index,
				     GLuint buffer, GLintptr offset, GLsizeiptr size)
{
	(void)index;
	(void)offset;
	(void)size;
	sgl_enc_track_glBindBuffer(e, target, buffer);
}

/* A query begun by an unused name exists now (src/decoder/first_use.c):
 * glGenQueries must not hand the name out. */
void sgl_enc_track_glBeginQuery(struct sgl_enc *e, GLenum target, GLuint id)
{
	(void)target;
	sgl_enc_claim_name(e, SGL_OBJ_QUERY, id);
}

void sgl_enc_track_glBeginQueryIndexed(struct sgl_enc *e, GLenum target, GLuint index, GLuint id)
{
	(void)index;
	sgl_enc_track_glBeginQuery(e, target, id);
}

/* The same for a texture bound by an unused name. */
void sgl_enc_track_glBindTexture(struct sgl_enc *e, GLenum target, GLuint texture)
{
	(void)target;
	sgl_enc_claim_name(e, SGL_OBJ_TEXTURE, texture);
}

void sgl_enc_track_glBindVertexArray(struct sgl_enc *e, GLuint array)
{
	e->vertex_array = array;
}

void sgl_enc_track_glDeleteBuffers(struct sgl_enc *e, GLsizei n, const GLuint *buffers)
{
	/* Deleting a bound buffer unbinds it (GL 4.6 section 6.1.2), and
	 * deleting a mapped one unmaps it. */
	GLuint *element = element_slot(e, e->vertex_array);
	for (GLsizei i = 0; buffers && i < n; i++) {
		if (!buffers[i])
			continue;
		for (int k = 0; k < SGL_BUFFER_TARGETS; k++)
			if (e->buffers[k] == buffers[i])
				e->buffers[k] = 0;
		if (element && *element == buffers[i])
			*element = 0;
		sgl_enc_forget_maps(e, buffers[i]);
	}
}

void sgl_enc_track_glListBase(struct sgl_enc *e, GLuint base)
{
	e->list_base = base;
}
