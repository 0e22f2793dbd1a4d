/*
 * Buffer maps through the protocol (guest/buffers.c, src/decoder/buffers.c):
 * the host maps for real, so GL's own errors and the mapped state show; the
 * shadow keeps GL_MIN_MAP_BUFFER_ALIGNMENT; bytes a write map did not touch
 * keep their value; explicit flushes send only their range; maps follow the
 * buffer, not the target; persistent maps reach the host before the
 * commands that read them. Named maps (GL 4.5, EXT_direct_state_access)
 * take the same path. Query results into a query buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define SIZE 256

static void context(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, 16, 16));
}

static GLuint buffer_with_bytes(struct sgl_enc *e, GLenum target, uint8_t first)
{
	uint8_t bytes[SIZE];
	for (int i = 0; i < SIZE; i++)
		bytes[i] = (uint8_t)(first + i);
	GLuint b;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, target, b);
	sgl_enc_glBufferData(e, target, SIZE, bytes, GL_STATIC_DRAW);
	return b;
}

static void read_back(struct sgl_enc *e, GLenum target, uint8_t *out)
{
	const uint8_t *r = sgl_enc_glMapBufferRange(e, target, 0, SIZE, GL_MAP_READ_BIT);
	assert_non_null(r);
	memcpy(out, r, SIZE);
	assert_true(sgl_enc_glUnmapBuffer(e, target));
}

static void test_map_semantics(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint b = buffer_with_bytes(e, GL_ARRAY_BUFFER, 0);

	/* Alignment, and the host sees the buffer mapped. */
	uint8_t *w = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 3, 10, GL_MAP_WRITE_BIT);
	assert_non_null(w);
	assert_int_equal(((uintptr_t)w - 3) % 64, 0);
	GLint mapped = 0;
	sgl_enc_glGetBufferParameteriv(e, GL_ARRAY_BUFFER, GL_BUFFER_MAPPED, &mapped);
	assert_int_equal(mapped, GL_TRUE);
	/* GL's own errors: no data into a mapped buffer, no second map. */
	uint8_t junk[4] = { 0 };
	sgl_enc_glBufferSubData(e, GL_ARRAY_BUFFER, 0, 4, junk);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_null(sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 4, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	/* A write map without invalidation keeps the bytes it does not write. */
	assert_int_equal(w[0], 3);
	w[1] = 200;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	uint8_t got[SIZE];
	read_back(e, GL_ARRAY_BUFFER, got);
	assert_int_equal(got[3], 3);
	assert_int_equal(got[4], 200);
	assert_int_equal(got[5], 5);
	assert_int_equal(got[12], 12);

	/* Out of range: GL_INVALID_VALUE from the host and no pointer. */
	assert_null(sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 1, SIZE, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);

	/* Explicit flushes: only the flushed range lands. */
	w = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 16, 32,
				     GL_MAP_WRITE_BIT | GL_MAP_FLUSH_EXPLICIT_BIT);
	assert_non_null(w);
	memset(w, 77, 32);
	sgl_enc_glFlushMappedBufferRange(e, GL_ARRAY_BUFFER, 4, 4);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	read_back(e, GL_ARRAY_BUFFER, got);
	assert_int_equal(got[19], 19);
	assert_int_equal(got[20], 77);
	assert_int_equal(got[23], 77);
	assert_int_equal(got[24], 24);

	/* The map belongs to the buffer: another buffer on the same target
	 * maps on its own, and each unmap finds its own shadow. */
	w = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 8, GL_MAP_WRITE_BIT);
	assert_non_null(w);
	w[0] = 1;
	GLuint other = buffer_with_bytes(e, GL_ARRAY_BUFFER, 100);
	uint8_t *w2 = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 8, GL_MAP_WRITE_BIT);
	assert_non_null(w2);
	w2[0] = 2;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	read_back(e, GL_ARRAY_BUFFER, got);
	assert_int_equal(got[0], 1);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, other);
	read_back(e, GL_ARRAY_BUFFER, got);
	assert_int_equal(got[0], 2);
	assert_int_equal(got[1], 101);

	/* Deleting a mapped buffer unmaps it: the name maps again later. */
	assert_non_null(sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 8, GL_MAP_READ_BIT));
	sgl_enc_glDeleteBuffers(e, 1, &other);
	assert_false(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

/* A coherent persistent map written after the buffer was unbound reaches
 * the host before a copy reads it, and again after a later write. */
static void test_persistent(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint src;
	sgl_enc_glGenBuffers(e, 1, &src);
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, src);
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	sgl_enc_glBufferStorage(e, GL_COPY_READ_BUFFER, SIZE, NULL, bits);
	uint8_t *p = sgl_enc_glMapBufferRange(e, GL_COPY_READ_BUFFER, 0, SIZE, bits);
	assert_non_null(p);
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, 0);
	buffer_with_bytes(e, GL_COPY_WRITE_BUFFER, 0);

	uint8_t got[SIZE];
	for (int round = 1; round <= 2; round++) {
		memset(p, 10 * round, SIZE);
		sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, src);
		sgl_enc_glCopyBufferSubData(e, GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, 0, 0,
					    SIZE);
		sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, 0);
		read_back(e, GL_COPY_WRITE_BUFFER, got);
		assert_int_equal(got[0], 10 * round);
		assert_int_equal(got[SIZE - 1], 10 * round);
	}
	/* Still mapped on the host: no data store for it. */
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, src);
	GLint mapped = 0;
	sgl_enc_glGetBufferParameteriv(e, GL_COPY_READ_BUFFER, GL_BUFFER_MAPPED, &mapped);
	assert_int_equal(mapped, GL_TRUE);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_COPY_READ_BUFFER));
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(e->persistent_maps, 0);
	harness_finish(&h);
}

static GLuint named_with_bytes(struct sgl_enc *e, uint8_t first)
{
	uint8_t bytes[SIZE];
	for (int i = 0; i < SIZE; i++)
		bytes[i] = (uint8_t)(first + i);
	GLuint b;
	sgl_enc_glCreateBuffers(e, 1, &b);
	sgl_enc_glNamedBufferData(e, b, SIZE, bytes, GL_STATIC_DRAW);
	return b;
}

static GLint named_mapped(struct sgl_enc *e, GLuint b)
{
	GLint mapped = -1;
	sgl_enc_glGetNamedBufferParameteriv(e, b, GL_BUFFER_MAPPED, &mapped);
	return mapped;
}

/* Named maps (GL 4.5) run through the host's GL as target maps do: the
 * data is read, writes land at unmap, only flushed ranges land, the host
 * sees the buffer mapped and raises its own errors; a buffer mapped by
 * name is the same one a target map reaches. */
static void test_named_maps(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint b = named_with_bytes(e, 0);
	uint8_t got[SIZE];

	/* A read map sees the data; the host says mapped; the pointer query
	 * answers the map. */
	const uint8_t *r = sgl_enc_glMapNamedBufferRange(e, b, 8, 16, GL_MAP_READ_BIT);
	assert_non_null(r);
	assert_int_equal(((uintptr_t)r - 8) % 64, 0);
	assert_int_equal(r[0], 8);
	assert_int_equal(r[15], 23);
	assert_int_equal(named_mapped(e, b), GL_TRUE);
	void *ptr = NULL;
	sgl_enc_glGetNamedBufferPointerv(e, b, GL_BUFFER_MAP_POINTER, &ptr);
	assert_ptr_equal(ptr, r);
	GLint64 moff = 0, mlen = 0;
	sgl_enc_glGetNamedBufferParameteri64v(e, b, GL_BUFFER_MAP_OFFSET, &moff);
	sgl_enc_glGetNamedBufferParameteri64v(e, b, GL_BUFFER_MAP_LENGTH, &mlen);
	assert_int_equal(moff, 8);
	assert_int_equal(mlen, 16);
	/* GL's own errors: a second map, data into a mapped buffer. */
	assert_null(sgl_enc_glMapNamedBufferRange(e, b, 0, 4, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	uint8_t junk[4] = { 0 };
	sgl_enc_glNamedBufferSubData(e, b, 10, 4, junk);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_true(sgl_enc_glUnmapNamedBuffer(e, b));
	assert_int_equal(named_mapped(e, b), GL_FALSE);
	sgl_enc_glGetNamedBufferPointerv(e, b, GL_BUFFER_MAP_POINTER, &ptr);
	assert_null(ptr);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	/* A write map lands at unmap and keeps the bytes it did not write. */
	uint8_t *w = sgl_enc_glMapNamedBufferRange(e, b, 3, 10, GL_MAP_WRITE_BIT);
	assert_non_null(w);
	w[1] = 200;
	assert_true(sgl_enc_glUnmapNamedBuffer(e, b));
	sgl_enc_glGetNamedBufferSubData(e, b, 0, SIZE, got);
	assert_int_equal(got[3], 3);
	assert_int_equal(got[4], 200);
	assert_int_equal(got[5], 5);

	/* Explicit flushes: only the flushed range lands. */
	w = sgl_enc_glMapNamedBufferRange(e, b, 16, 32,
					  GL_MAP_WRITE_BIT | GL_MAP_FLUSH_EXPLICIT_BIT);
	assert_non_null(w);
	memset(w, 77, 32);
	sgl_enc_glFlushMappedNamedBufferRange(e, b, 4, 4);
	assert_true(sgl_enc_glUnmapNamedBuffer(e, b));
	sgl_enc_glGetNamedBufferSubData(e, b, 0, SIZE, got);
	assert_int_equal(got[19], 19);
	assert_int_equal(got[20], 77);
	assert_int_equal(got[23], 77);
	assert_int_equal(got[24], 24);

	/* Out of range, no buffer, no such name: the host's errors. */
	assert_null(sgl_enc_glMapNamedBufferRange(e, b, 1, SIZE, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	GLuint gen_only;
	sgl_enc_glGenBuffers(e, 1, &gen_only);
	assert_null(sgl_enc_glMapNamedBufferRange(e, gen_only, 0, 4, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_false(sgl_enc_glUnmapNamedBuffer(e, b));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glGetNamedBufferPointerv(e, 4321, GL_BUFFER_MAP_POINTER, &ptr);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);

	/* One buffer, one map: mapped by name, it is mapped through its
	 * target too, and either unmap ends it. */
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	w = sgl_enc_glMapNamedBuffer(e, b, GL_READ_WRITE);
	assert_non_null(w);
	assert_int_equal(w[SIZE - 1], (SIZE - 1) & 0xff);
	assert_null(sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 4, GL_MAP_READ_BIT));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glGetBufferPointerv(e, GL_ARRAY_BUFFER, GL_BUFFER_MAP_POINTER, &ptr);
	assert_ptr_equal(ptr, w);
	w[0] = 99;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_false(sgl_enc_glUnmapNamedBuffer(e, b));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	sgl_enc_glGetNamedBufferSubData(e, b, 0, 1, got);
	assert_int_equal(got[0], 99);

	/* The EXT_direct_state_access twins are the same maps. */
	w = sgl_enc_glMapNamedBufferEXT(e, b, GL_READ_WRITE);
	assert_non_null(w);
	assert_int_equal(w[0], 99);
	assert_int_equal(named_mapped(e, b), GL_TRUE);
	sgl_enc_glGetNamedBufferPointervEXT(e, b, GL_BUFFER_MAP_POINTER, &ptr);
	assert_ptr_equal(ptr, w);
	w[1] = 98;
	assert_true(sgl_enc_glUnmapNamedBufferEXT(e, b));
	w = sgl_enc_glMapNamedBufferRangeEXT(e, b, 32, 8,
					     GL_MAP_WRITE_BIT | GL_MAP_FLUSH_EXPLICIT_BIT);
	assert_non_null(w);
	memset(w, 55, 8);
	sgl_enc_glFlushMappedNamedBufferRangeEXT(e, b, 0, 2);
	assert_true(sgl_enc_glUnmapNamedBufferEXT(e, b));
	sgl_enc_glGetNamedBufferSubData(e, b, 0, SIZE, got);
	assert_int_equal(got[1], 98);
	assert_int_equal(got[32], 55);
	assert_int_equal(got[33], 55);
	assert_int_equal(got[34], 34);

	/* Deleting a buffer mapped by name unmaps it. */
	assert_non_null(sgl_enc_glMapNamedBufferRange(e, b, 0, 8, GL_MAP_READ_BIT));
	sgl_enc_glDeleteBuffers(e, 1, &b);
	assert_false(sgl_enc_glUnmapNamedBuffer(e, b));
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A persistent coherent named map, never unmapped: what the guest writes
 * is what a draw reads and what a readback of the buffer returns. */
static void test_named_persistent(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	GLuint b;
	sgl_enc_glCreateBuffers(e, 1, &b);
	sgl_enc_glNamedBufferStorage(e, b, SIZE, NULL, bits | GL_MAP_READ_BIT);
	float *v = sgl_enc_glMapNamedBufferRange(e, b, 0, SIZE, bits);
	assert_non_null(v);
	assert_int_equal(e->persistent_maps, 1);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, NULL);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, 0);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glColor3f(e, 1, 0, 0);
	/* The whole window, then its left half only: the second draw reads
	 * the second write. */
	static const float full[8] = { -1, -1, 1, -1, 1, 1, -1, 1 };
	static const float left[8] = { -1, -1, 0, -1, 0, 1, -1, 1 };
	for (int round = 0; round < 2; round++) {
		memcpy(v, round ? left : full, sizeof(full));
		sgl_enc_glClearColor(e, 0, 0, 0, 1);
		sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
		sgl_enc_glDrawArrays(e, GL_TRIANGLE_FAN, 0, 4);
		uint8_t px[2][4];
		sgl_enc_glReadPixels(e, 2, 8, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px[0]);
		sgl_enc_glReadPixels(e, 13, 8, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px[1]);
		assert_int_equal(px[0][0], 255);
		assert_int_equal(px[1][0], round ? 0 : 255);
	}
	/* A readback of a persistently mapped buffer sees the latest write. */
	memset((uint8_t *)v + 100, 42, 4);
	uint8_t got[4];
	sgl_enc_glGetNamedBufferSubData(e, b, 100, 4, got);
	assert_int_equal(got[0], 42);
	assert_int_equal(got[3], 42);
	assert_int_equal(named_mapped(e, b), GL_TRUE);
	assert_true(sgl_enc_glUnmapNamedBuffer(e, b));
	assert_int_equal(named_mapped(e, b), GL_FALSE);
	assert_int_equal(e->persistent_maps, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* With a query buffer bound, glGetQueryObject* takes an offset into it:
 * the result lands there and nothing is written through the pointer. */
static void test_query_buffer(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint q;
	sgl_enc_glGenQueries(e, 1, &q);
	sgl_enc_glBeginQuery(e, GL_SAMPLES_PASSED, q);
	sgl_enc_glEndQuery(e, GL_SAMPLES_PASSED);
	sgl_enc_glFinish(e);
	GLuint qbo = buffer_with_bytes(e, GL_QUERY_BUFFER, 0xc0);
	sgl_enc_glGetQueryObjectuiv(e, q, GL_QUERY_RESULT_AVAILABLE, (GLuint *)(uintptr_t)4);
	sgl_enc_glGetQueryObjectui64v(e, q, GL_QUERY_RESULT, (GLuint64 *)(uintptr_t)8);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	uint8_t got[SIZE];
	read_back(e, GL_QUERY_BUFFER, got);
	uint32_t avail;
	uint64_t result;
	memcpy(&avail, got + 4, 4);
	memcpy(&result, got + 8, 8);
	assert_int_equal(got[3], 0xc3);
	assert_int_equal(avail, 1);
	assert_int_equal(result, 0);
	assert_int_equal(got[16], 0xd0);
	(void)qbo;
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_semantics),
		cmocka_unit_test(test_persistent),
		cmocka_unit_test(test_named_maps),
		cmocka_unit_test(test_named_persistent),
		cmocka_unit_test(test_query_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
