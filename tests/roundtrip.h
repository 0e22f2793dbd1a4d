/* Support of the generated round-trip test (protocol/emit_test.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decoder/decoder.h"
#include "encoder.h"

struct log {
	uint8_t buf[1 << 16];
	size_t n;
	unsigned calls;
};

static struct log captured, sink;
static uint32_t target_op;

static struct log *log_begin(uint32_t op)
{
	if (op != target_op) {
		sink.n = 0;
		return &sink;
	}
	captured.calls++;
	return &captured;
}

static void log_bytes(struct log *lg, const void *p, size_t n)
{
	if (n > sizeof(lg->buf) - lg->n)
		n = sizeof(lg->buf) - lg->n;
	memcpy(lg->buf + lg->n, p, n);
	lg->n += n;
}

static void log_u64(struct log *lg, uint64_t v)
{
	log_bytes(lg, &v, sizeof(v));
}

#define HANDLE 0x7005
static uint32_t handles[64];
static uint8_t pattern_in[4096];

static struct sgl_dec dec;
static struct sgl_namemap maps[SGL_OBJ_COUNT];
static struct sgl_mem_budget budget = { 0, 1u << 30 };
static struct sgl_enc enc;

static void reset(uint32_t op)
{
	for (int i = 0; i < SGL_OBJ_COUNT; i++) {
		sgl_namemap_finish(&maps[i]);
		sgl_namemap_init(&maps[i], 1u << 22, &budget);
		if (i)
			assert_int_equal(sgl_namemap_insert(&maps[i], HANDLE, HANDLE), 0);
		dec.maps[i] = &maps[i];
	}
	dec.error = GL_NO_ERROR;
	captured.n = 0;
	captured.calls = 0;
	target_op = op;
}

static void check_alive(void)
{
	if (dec.lost)
		fail_msg("decoder lost the context: %s", dec.reason);
	assert_int_equal(dec.error, GL_NO_ERROR);
	assert_false(enc.failed);
}

static void check_call(uint32_t op, const struct log *want)
{
	if (captured.calls != 1)
		fail_msg("%s: GL entry point called %u times", sgl_opcode_name(op), captured.calls);
	assert_int_equal(captured.n, want->n);
	assert_memory_equal(captured.buf, want->buf, want->n);
}

static void check_pattern(const uint8_t *p, int64_t n, uint8_t v)
{
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(p[i], v);
}

static void check_names(const uint8_t *p, int64_t n, uint32_t v)
{
	for (int64_t i = 0; i < n; i++) {
		uint32_t x;
		memcpy(&x, p + 4 * i, 4);
		assert_int_equal(x, v);
	}
}

static void check_gen(enum sgl_object_class cls, const GLuint *guest, int64_t n)
{
	assert_true(n > 0);
	for (int64_t i = 0; i < n; i++) {
		assert_true(guest[i] != 0);
		assert_int_equal(sgl_namemap_lookup(&maps[cls], guest[i]), 100 + i);
	}
}

static void check_created(enum sgl_object_class cls, uint64_t guest)
{
	assert_true(guest != 0 && guest <= UINT32_MAX);
	assert_int_equal(sgl_namemap_lookup(&maps[cls], (uint32_t)guest), 0x2A);
}
