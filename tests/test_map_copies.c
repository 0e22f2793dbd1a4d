/*
 * The guest's copies of mapped ranges (guest/map_copies.c): a range mapped
 * again needs no download while the host still has what the copy holds
 * (the host compares hashes), and the unmap sends only the blocks that
 * changed; once anything else wrote the buffer (glBufferSubData, the
 * host's GL copying into it) the host sends the bytes again. Every check
 * reads the buffer back through a separate, uncached path.
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

#define SIZE (64 * 1024)
/* A reply without the range: its header and a struct sgl_map_reply. */
#define REPLY_NO_DATA 64

static uint8_t want[SIZE];

static void context(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, 16, 16));
}

/* The buffer's bytes by glGetBufferSubData (no map, no copy). */
static void assert_buffer(struct sgl_enc *e, GLenum target)
{
	static uint8_t got[SIZE];
	memset(got, 0xee, SIZE);
	sgl_enc_glGetBufferSubData(e, target, 0, SIZE, got);
	for (int i = 0; i < SIZE; i++)
		if (got[i] != want[i])
			fail_msg("byte %d: %u, want %u", i, got[i], want[i]);
}

static uint8_t *map(struct harness *h, GLbitfield access, bool expect_download)
{
	uint8_t *p = sgl_enc_glMapBufferRange(&h->enc, GL_ARRAY_BUFFER, 0, SIZE, access);
	assert_non_null(p);
	if (expect_download)
		assert_true(h->reply_size > SIZE);
	else
		assert_in_range(h->reply_size, sizeof(struct sgl_map_reply), REPLY_NO_DATA);
	return p;
}

static void test_unchanged_range_not_downloaded(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	for (int i = 0; i < SIZE; i++)
		want[i] = (uint8_t)(i * 7);
	GLuint b;
	sgl_enc_glGenBuffers(e, 1, &b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, SIZE, want, GL_DYNAMIC_DRAW);

	/* The first map downloads and keeps a copy. */
	uint8_t *p = map(&h, GL_MAP_READ_BIT | GL_MAP_WRITE_BIT, true);
	assert_memory_equal(p, want, SIZE);
	p[100] = want[100] = 1;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_buffer(e, GL_ARRAY_BUFFER);

	/* Mapped again, as glmark2 does every frame: the copy is current.
	 * Scattered writes, some of a byte's old value. */
	for (int round = 0; round < 3; round++) {
		p = map(&h, GL_MAP_WRITE_BIT, false);
		assert_memory_equal(p, want, SIZE);
		for (int i = round; i < SIZE; i += 997) {
			p[i] = want[i] = (uint8_t)(want[i] + round + 1);
			p[i + 1 < SIZE ? i + 1 : i] = want[i + 1 < SIZE ? i + 1 : i];
		}
		assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
		assert_buffer(e, GL_ARRAY_BUFFER);
	}
	/* Unmapped without a write: nothing changes, still current. */
	p = map(&h, GL_MAP_WRITE_BIT, false);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_buffer(e, GL_ARRAY_BUFFER);
	p = map(&h, GL_MAP_READ_BIT, false);
	assert_memory_equal(p, want, SIZE);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

static void test_other_writes_download_again(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	for (int i = 0; i < SIZE; i++)
		want[i] = (uint8_t)(i * 13 + 5);
	GLuint b[2];
	sgl_enc_glGenBuffers(e, 2, b);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, b[0]);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, SIZE, want, GL_DYNAMIC_DRAW);
	uint8_t *p = map(&h, GL_MAP_WRITE_BIT, true);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));

	/* The application's glBufferSubData: the copy is stale. */
	const uint8_t sub[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	sgl_enc_glBufferSubData(e, GL_ARRAY_BUFFER, 4000, sizeof(sub), sub);
	memcpy(want + 4000, sub, sizeof(sub));
	p = map(&h, GL_MAP_READ_BIT | GL_MAP_WRITE_BIT, true);
	assert_memory_equal(p, want, SIZE);
	p[0] = want[0] = 77;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_buffer(e, GL_ARRAY_BUFFER);

	/* The host's GL writes it (a copy from another buffer): the guest
	 * never saw those bytes, the host's hash tells. */
	uint8_t other[SIZE];
	memset(other, 0x5a, SIZE);
	sgl_enc_glBindBuffer(e, GL_COPY_READ_BUFFER, b[1]);
	sgl_enc_glBufferData(e, GL_COPY_READ_BUFFER, SIZE, other, GL_STATIC_DRAW);
	sgl_enc_glCopyBufferSubData(e, GL_COPY_READ_BUFFER, GL_ARRAY_BUFFER, 0, 32768, 1024);
	memset(want + 32768, 0x5a, 1024);
	p = map(&h, GL_MAP_WRITE_BIT, true);
	p[40000] = want[40000] = 3;
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_buffer(e, GL_ARRAY_BUFFER);

	/* Deleted and made again under the same name: downloads. */
	sgl_enc_glDeleteBuffers(e, 1, &b[0]);
	GLuint again;
	sgl_enc_glGenBuffers(e, 1, &again);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, again);
	memset(want, 0x11, SIZE);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, SIZE, want, GL_DYNAMIC_DRAW);
	p = map(&h, GL_MAP_READ_BIT, true);
	assert_memory_equal(p, want, SIZE);
	assert_true(sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER));
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_range_not_downloaded),
		cmocka_unit_test(test_other_writes_download_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
