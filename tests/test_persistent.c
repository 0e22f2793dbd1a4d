/*
 * Persistent maps at the scale engines use them (guest/persistent.c,
 * guest/watch.c, src/decoder/persistent.c): hundreds of buffers mapped at
 * once, written every frame and drawn from without an unmap; only what
 * the application wrote travels; what the host's GL writes into a
 * persistent map is in the shadow after a signaled fence or glFinish;
 * deleting a mapped buffer unmaps it; a draw followed by the map's end
 * sees what was written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grid_quad.h"
#include "harness.h"

/* Counts the bytes the encoder hands the transport. */
static const struct sgl_transport_ops *real_ops;
static uint64_t sent;

static int count_submit(void *user, const void *buf, size_t size)
{
	sent += size;
	return real_ops->submit(user, buf, size);
}

static int count_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			   size_t *reply_size)
{
	sent += size;
	return real_ops->roundtrip(user, buf, size, reply, reply_size);
}

static const struct sgl_transport_ops counting = { count_submit, count_roundtrip, NULL };

static void context(struct harness *h, uint32_t w, uint32_t hgt)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, w, hgt));
	real_ops = h->enc.ops;
	h->enc.ops = &counting;
}

#define GRID 16
#define NBUF (GRID * GRID)
#define PX 4          /* pixels per cell side */

static uint32_t cell_color(int i, int frame)
{
	static const uint32_t colors[3] = { RED, GREEN, BLUE };
	return colors[(i + frame) % 3];
}

/* 256 buffers mapped persistent and coherent at once (the guest used to
 * stop at 16), each rewritten every frame and drawn from without an
 * unmap; every cell shows its frame's color. */
static void test_many_maps_drawn(void **state)
{
	(void)state;
	struct harness h;
	context(&h, GRID * PX, GRID * PX);
	struct sgl_enc *e = &h.enc;
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	GLuint bufs[NBUF];
	struct grid_vertex *maps[NBUF];
	sgl_enc_glGenBuffers(e, NBUF, bufs);
	for (int i = 0; i < NBUF; i++) {
		sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, bufs[i]);
		sgl_enc_glBufferStorage(e, GL_ARRAY_BUFFER, 4 * sizeof(struct grid_vertex), NULL,
					bits);
		maps[i] = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0,
						   4 * sizeof(struct grid_vertex), bits);
		assert_non_null(maps[i]);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	for (int frame = 0; frame < 3; frame++) {
		sgl_enc_glClearColor(e, 0, 0, 0, 1);
		sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
		for (int i = 0; i < NBUF; i++) {
			grid_quad(maps[i], GRID, i, cell_color(i, frame));
			sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, bufs[i]);
			sgl_enc_glVertexPointer(e, 2, GL_FLOAT, sizeof(struct grid_vertex),
						(void *)0);
			sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, sizeof(struct grid_vertex),
					       (void *)offsetof(struct grid_vertex, rgba));
			sgl_enc_glDrawArrays(e, GL_TRIANGLE_FAN, 0, 4);
		}
		for (int i = 0; i < NBUF; i++) {
			/* harness_pixel counts y from the top. */
			uint32_t x = (uint32_t)(i % GRID) * PX + PX / 2;
			uint32_t y = (uint32_t)(GRID - 1 - i / GRID) * PX + PX / 2;
			if (harness_pixel(&h, x, y) != cell_color(i, frame))
				fail_msg("frame %d cell %d: %08x, want %08x", frame, i,
					 harness_pixel(&h, x, y), cell_color(i, frame));
		}
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glDeleteBuffers(e, NBUF, bufs);
	assert_int_equal(e->nmaps, 0);
	harness_finish(&h);
}

/* Draws after a small write to a large coherent map send the written
 * pages, not the whole map per draw. */
static void test_only_written_pages_travel(void **state)
{
	(void)state;
	struct harness h;
	context(&h, 16, 16);
	struct sgl_enc *e = &h.enc;
	enum { BIG = 4 << 20, DRAWS = 50 };
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	GLuint b;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glBufferStorage(e, GL_ARRAY_BUFFER, BIG, NULL, bits);
	uint8_t *p = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, BIG, bits);
	assert_non_null(p);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, (void *)0);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glFinish(e);
	sent = 0;
	for (int i = 0; i < DRAWS; i++) {
		p[1000000 + i] = (uint8_t)i;
		sgl_enc_glDrawArrays(e, GL_POINTS, 0, 1);
	}
	sgl_enc_glFinish(e);
	/* One page per draw and the commands: far below one map per draw. */
	assert_true(sent < (uint64_t)DRAWS * 8192 + 65536);
	/* And the bytes are there. */
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, b);
	uint8_t got[DRAWS];
	GLuint dst;
	sgl_enc_glGenBuffers(e, 1, &dst);
	sgl_enc_glBindBuffer(e, GL_COPY_WRITE_BUFFER, dst);
	sgl_enc_glBufferData(e, GL_COPY_WRITE_BUFFER, DRAWS, NULL, GL_STATIC_READ);
	sgl_enc_glCopyBufferSubData(e, GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, 1000000, 0,
				    DRAWS);
	sgl_enc_glGetBufferSubData(e, GL_COPY_WRITE_BUFFER, 0, DRAWS, got);
	for (int i = 0; i < DRAWS; i++)
		assert_int_equal(got[i], i);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

/* How the application learns that GL is done. */
enum done_by { BY_WAIT, BY_POLL, BY_FINISH };

/* What GL writes into a persistent map (here glCopyBufferSubData into it)
 * is in the application's map once a fence it waited for is signaled, or
 * it polled as GL_SIGNALED, or after glFinish; bytes the application wrote
 * itself stay. Coherent and not (the latter with
 * GL_CLIENT_MAPPED_BUFFER_BARRIER_BIT). */
static void gl_writes_visible(bool coherent, enum done_by by)
{
	struct harness h;
	context(&h, 16, 16);
	struct sgl_enc *e = &h.enc;
	enum { N = 3 * 4096 };
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT |
				(coherent ? GL_MAP_COHERENT_BIT : 0);
	GLuint b, src;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_COPY_WRITE_BUFFER, b);
	sgl_enc_glBufferStorage(e, GL_COPY_WRITE_BUFFER, N, NULL, bits | GL_DYNAMIC_STORAGE_BIT);
	uint8_t *p = sgl_enc_glMapBufferRange(e, GL_COPY_WRITE_BUFFER, 0, N, bits);
	assert_non_null(p);
	static uint8_t bytes[N];
	for (int i = 0; i < N; i++)
		bytes[i] = (uint8_t)(i * 7 + 1);
	sgl_enc_glGenBuffers(e, 1, &src);
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, src);
	sgl_enc_glBufferData(e, GL_COPY_READ_BUFFER, N, bytes, GL_STATIC_DRAW);
	for (int round = 0; round < 2; round++) {
		/* The application writes the last page, GL the first two. */
		memset(p + 2 * 4096, 0x5A + round, 4096);
		sgl_enc_glCopyBufferSubData(e, GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER,
					    round, 0, 2 * 4096);
		if (!coherent)
			sgl_enc_glMemoryBarrier(e, GL_CLIENT_MAPPED_BUFFER_BARRIER_BIT);
		if (by == BY_FINISH) {
			sgl_enc_glFinish(e);
		} else if (by == BY_POLL) {
			GLsync f = sgl_enc_glFenceSync(e, GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
			sgl_enc_glFlush(e);
			GLint status = GL_UNSIGNALED;
			for (int tries = 0; status != GL_SIGNALED && tries < 100000; tries++)
				sgl_enc_glGetSynciv(e, f, GL_SYNC_STATUS, 1, NULL, &status);
			assert_int_equal(status, GL_SIGNALED);
			sgl_enc_glDeleteSync(e, f);
		} else {
			GLsync f = sgl_enc_glFenceSync(e, GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
			GLenum r = sgl_enc_glClientWaitSync(e, f, GL_SYNC_FLUSH_COMMANDS_BIT,
							    GL_TIMEOUT_IGNORED);
			assert_true(r == GL_ALREADY_SIGNALED || r == GL_CONDITION_SATISFIED);
			sgl_enc_glDeleteSync(e, f);
		}
		for (int i = 0; i < 2 * 4096; i++)
			if (p[i] != bytes[i + round])
				fail_msg("round %d byte %d: %u, want %u", round, i, p[i],
					 bytes[i + round]);
		for (int i = 2 * 4096; i < N; i++)
			assert_int_equal(p[i], 0x5A + round);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

static void test_gl_writes_fence_coherent(void **state)
{
	(void)state;
	gl_writes_visible(true, BY_WAIT);
}

static void test_gl_writes_fence(void **state)
{
	(void)state;
	gl_writes_visible(false, BY_WAIT);
}

static void test_gl_writes_polled(void **state)
{
	(void)state;
	gl_writes_visible(true, BY_POLL);
}

static void test_gl_writes_finish(void **state)
{
	(void)state;
	gl_writes_visible(true, BY_FINISH);
}

/* GL 4.6 section 6.3.1: deleting a mapped buffer unmaps it. The name
 * comes back as a new buffer (piglit delete-mapped-buffer's sequence). */
static void test_delete_while_mapped(void **state)
{
	(void)state;
	struct harness h;
	context(&h, 16, 16);
	struct sgl_enc *e = &h.enc;
	GLfloat one = 1.0f;
	GLuint b;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, 4, &one, GL_STATIC_DRAW);
	sgl_enc_glDeleteBuffers(e, 1, &b);
	for (int round = 0; round < 2; round++) {
		sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
		sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, 4, NULL, GL_STATIC_DRAW);
		GLfloat *v = sgl_enc_glMapBuffer(e, GL_ARRAY_BUFFER, GL_WRITE_ONLY);
		if (!v)
			fail_msg("round %d: no map, GL error %#x", round, sgl_enc_glGetError(e));
		*v = one;
		if (round == 0)
			assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
		sgl_enc_glDeleteBuffers(e, 1, &b);
		assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	}
	assert_int_equal(e->nmaps, 0);
	/* Persistent too, and the name maps again. */
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glBufferStorage(e, GL_ARRAY_BUFFER, 64, NULL, bits);
	uint8_t *p = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 64, bits);
	assert_non_null(p);
	p[0] = 1;
	sgl_enc_glDeleteBuffers(e, 1, &b);
	sgl_enc_glFinish(e);
	assert_int_equal(e->persistent_maps, 0);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	GLint mapped = -1;
	sgl_enc_glGetBufferParameteriv(e, GL_ARRAY_BUFFER, GL_BUFFER_MAPPED, &mapped);
	assert_int_equal(mapped, GL_FALSE);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

/* A draw from a persistent map, then the map's end (unmap or delete) in
 * the same batch, as SuperTuxKart draws its minimap into a texture once at
 * load and drops the mesh: the draw must see what was written (the guest
 * used to drop the map before the batch went, and the written bytes never
 * travelled ahead of the draw: the minimap was missing). */
static void draw_then_end(bool unmap)
{
	struct harness h;
	context(&h, 8, 8);
	struct sgl_enc *e = &h.enc;
	const GLbitfield bits = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
	GLuint b;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glBufferStorage(e, GL_ARRAY_BUFFER, 4 * sizeof(struct grid_vertex), NULL, bits);
	struct grid_vertex *v = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0,
						    4 * sizeof(struct grid_vertex), bits);
	assert_non_null(v);
	sgl_enc_glFinish(e);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	/* The whole viewport: GRID cells of 2/GRID; one cell scaled up. */
	grid_quad(v, GRID, 0, GREEN);
	for (int k = 0; k < 4; k++) {
		v[k].x = v[k].x == -1.0f ? -1.0f : 1.0f;
		v[k].y = v[k].y == -1.0f ? -1.0f : 1.0f;
	}
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glEnableClientState(e, GL_COLOR_ARRAY);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, sizeof(struct grid_vertex), (void *)0);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, sizeof(struct grid_vertex),
			       (void *)offsetof(struct grid_vertex, rgba));
	sgl_enc_glDrawArrays(e, GL_TRIANGLE_FAN, 0, 4);
	if (unmap)
		assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	else
		sgl_enc_glDeleteBuffers(e, 1, &b);
	if (harness_pixel(&h, 4, 4) != GREEN)
		fail_msg("drawn then %s: %08x, want %08x", unmap ? "unmapped" : "deleted",
			 harness_pixel(&h, 4, 4), GREEN);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(e->nmaps, 0);
	harness_finish(&h);
}

static void test_draw_then_unmap(void **state)
{
	(void)state;
	draw_then_end(true);
}

static void test_draw_then_delete(void **state)
{
	(void)state;
	draw_then_end(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_maps_drawn),
		cmocka_unit_test(test_only_written_pages_travel),
		cmocka_unit_test(test_gl_writes_fence_coherent),
		cmocka_unit_test(test_gl_writes_fence),
		cmocka_unit_test(test_gl_writes_polled),
		cmocka_unit_test(test_gl_writes_finish),
		cmocka_unit_test(test_delete_while_mapped),
		cmocka_unit_test(test_draw_then_unmap),
		cmocka_unit_test(test_draw_then_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
