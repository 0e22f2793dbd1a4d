/*
 * End to end, GL core on llvmpipe: the hand-written commands with arrays of
 * pointers (transform feedback varyings, uniform names, multi-draws, the map
 * pointer) and the clear / indexed-state commands sized by an argument
 * (glClearBuffer*v, glClearBufferData, glClearTexImage, viewport arrays,
 * glGet*i_v) and glCreateShaderProgramv, and the indices of an atomic
 * counter buffer (sized by GL state, overrides.txt's atomicbuf()). Every check reads back real values
 * or pixels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 32
#define H 16

static GLuint shader(struct sgl_enc *e, GLenum type, const char *src)
{
	GLuint s = sgl_enc_glCreateShader(e, type);
	sgl_enc_glShaderSource(e, s, 1, &src, NULL);
	sgl_enc_glCompileShader(e, s);
	GLint ok = 0;
	sgl_enc_glGetShaderiv(e, s, GL_COMPILE_STATUS, &ok);
	assert_int_equal(ok, 1);
	return s;
}

static GLuint program(struct sgl_enc *e, const char *vs, const char *fs,
		      const char *const *varyings, int nvaryings)
{
	GLuint p = sgl_enc_glCreateProgram(e);
	sgl_enc_glAttachShader(e, p, shader(e, GL_VERTEX_SHADER, vs));
	if (fs)
		sgl_enc_glAttachShader(e, p, shader(e, GL_FRAGMENT_SHADER, fs));
	if (varyings)
		sgl_enc_glTransformFeedbackVaryings(e, p, nvaryings, varyings,
						    GL_INTERLEAVED_ATTRIBS);
	sgl_enc_glLinkProgram(e, p);
	GLint ok = 0;
	sgl_enc_glGetProgramiv(e, p, GL_LINK_STATUS, &ok);
	assert_int_equal(ok, 1);
	return p;
}

/* Two varyings captured for 4 points, read back from the buffer. */
static void transform_feedback(struct sgl_enc *e)
{
	static const char *vs =
		"#version 330 core\n"
		"out float twice; out float neg;\n"
		"void main() { twice = float(gl_VertexID) * 2.0; neg = -float(gl_VertexID);\n"
		"  gl_Position = vec4(0.0); }\n";
	static const char *const names[] = { "twice", "neg" };
	GLuint p = program(e, vs, NULL, names, 2);
	GLuint buf, vao;
	sgl_enc_glGenVertexArrays(e, 1, &vao);
	sgl_enc_glBindVertexArray(e, vao);
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_TRANSFORM_FEEDBACK_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_TRANSFORM_FEEDBACK_BUFFER, 8 * sizeof(float), NULL,
			     GL_STATIC_READ);
	sgl_enc_glBindBufferBase(e, GL_TRANSFORM_FEEDBACK_BUFFER, 0, buf);
	GLint bound = -1;
	sgl_enc_glGetIntegeri_v(e, GL_TRANSFORM_FEEDBACK_BUFFER_BINDING, 0, &bound);
	assert_int_equal(bound, (GLint)buf);   /* the guest's name, not the host's */
	sgl_enc_glUseProgram(e, p);
	sgl_enc_glEnable(e, GL_RASTERIZER_DISCARD);
	sgl_enc_glBeginTransformFeedback(e, GL_POINTS);
	sgl_enc_glDrawArrays(e, GL_POINTS, 0, 4);
	sgl_enc_glEndTransformFeedback(e);
	sgl_enc_glDisable(e, GL_RASTERIZER_DISCARD);
	float got[8] = { 0 };
	sgl_enc_glGetBufferSubData(e, GL_TRANSFORM_FEEDBACK_BUFFER, 0, sizeof(got), got);
	for (int i = 0; i < 4; i++) {
		assert_true(got[2 * i] == 2.0f * (float)i);
		assert_true(got[2 * i + 1] == -(float)i);
	}
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

/* Block index, active uniforms and their indices agree with the names. */
static void uniform_blocks(struct sgl_enc *e)
{
	static const char *vs =
		"#version 330 core\n"
		"layout(std140) uniform Blk { vec4 first; vec4 second; float third; };\n"
		"void main() { gl_Position = first + second + vec4(third); }\n";
	static const char *fs =
		"#version 330 core\nout vec4 c; void main() { c = vec4(1.0); }\n";
	GLuint p = program(e, vs, fs, NULL, 0);
	assert_int_equal(sgl_enc_glGetUniformBlockIndex(e, p, "Blk"), 0);
	assert_true(sgl_enc_glGetUniformBlockIndex(e, p, "Nope") == GL_INVALID_INDEX);
	GLint n = 0, size = 0;
	sgl_enc_glGetActiveUniformBlockiv(e, p, 0, GL_UNIFORM_BLOCK_ACTIVE_UNIFORMS, &n);
	assert_int_equal(n, 3);
	sgl_enc_glGetActiveUniformBlockiv(e, p, 0, GL_UNIFORM_BLOCK_DATA_SIZE, &size);
	assert_int_equal(size, 48);
	GLint active[4] = { -1, -1, -1, -1 };
	sgl_enc_glGetActiveUniformBlockiv(e, p, 0, GL_UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES,
					  active);
	assert_int_equal(active[3], -1);   /* exactly 3 written */

	static const char *const names[] = { "third", "first", "missing", "second" };
	GLuint idx[4];
	sgl_enc_glGetUniformIndices(e, p, 4, names, idx);
	assert_true(idx[2] == GL_INVALID_INDEX);
	GLint offsets[3] = { -1, -1, -1 };
	GLuint found[3] = { idx[0], idx[1], idx[3] };
	sgl_enc_glGetActiveUniformsiv(e, p, 3, found, GL_UNIFORM_OFFSET, offsets);
	assert_int_equal(offsets[0], 32);
	assert_int_equal(offsets[1], 0);
	assert_int_equal(offsets[2], 16);
	for (int i = 0; i < 3; i++)
		assert_true((GLint)found[i] == active[0] || (GLint)found[i] == active[1] ||
			    (GLint)found[i] == active[2]);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

/* glClearBufferData with one GL_RG32UI pixel; glClearTexImage with one
 * RGBA pixel; both read back. */
static void clear_objects(struct sgl_enc *e)
{
	GLuint buf;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_COPY_WRITE_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_COPY_WRITE_BUFFER, 32, NULL, GL_STATIC_DRAW);
	static const GLuint pair[2] = { 0xdeadbeef, 7 };
	sgl_enc_glClearBufferData(e, GL_COPY_WRITE_BUFFER, GL_RG32UI, GL_RG_INTEGER,
				  GL_UNSIGNED_INT, pair);
	sgl_enc_glClearBufferSubData(e, GL_COPY_WRITE_BUFFER, GL_RG32UI, 24, 8, GL_RG_INTEGER,
				     GL_UNSIGNED_INT, NULL);
	GLuint got[8];
	sgl_enc_glGetBufferSubData(e, GL_COPY_WRITE_BUFFER, 0, sizeof(got), got);
	for (int i = 0; i < 3; i++)
		assert_true(got[2 * i] == 0xdeadbeef && got[2 * i + 1] == 7);
	assert_true(got[6] == 0 && got[7] == 0);

	GLuint tex;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 4, 2, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     NULL);
	static const uint8_t px[4] = { 10, 20, 30, 40 };
	sgl_enc_glClearTexImage(e, tex, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
	static const uint8_t px2[4] = { 1, 2, 3, 4 };
	sgl_enc_glClearTexSubImage(e, tex, 0, 3, 1, 0, 1, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px2);
	uint8_t img[2][4][4];
	sgl_enc_glGetTexImage(e, GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, img);
	assert_memory_equal(img[0][0], px, 4);
	assert_memory_equal(img[1][2], px, 4);
	assert_memory_equal(img[1][3], px2, 4);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

/* Viewport arrays and the indexed queries that read them back. */
static void viewports(struct sgl_enc *e)
{
	static const float vp[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	sgl_enc_glViewportArrayv(e, 1, 2, vp);
	static const GLint sc[4] = { 3, 4, 5, 6 };
	sgl_enc_glScissorArrayv(e, 2, 1, sc);
	static const GLdouble dr[2] = { 0.25, 0.75 };
	sgl_enc_glDepthRangeArrayv(e, 2, 1, dr);
	GLfloat f[5] = { 0, 0, 0, 0, -1 };
	sgl_enc_glGetFloati_v(e, GL_VIEWPORT, 2, f);
	assert_true(f[0] == 5 && f[1] == 6 && f[2] == 7 && f[3] == 8 && f[4] == -1);
	GLint s[4] = { 0 };
	sgl_enc_glGetIntegeri_v(e, GL_SCISSOR_BOX, 2, s);
	assert_memory_equal(s, sc, sizeof(s));
	GLdouble d[3] = { 0, 0, -1 };
	sgl_enc_glGetDoublei_v(e, GL_DEPTH_RANGE, 2, d);
	assert_true(d[0] == 0.25 && d[1] == 0.75 && d[2] == -1);
	/* Back to one full viewport for the draws. */
	sgl_enc_glViewport(e, 0, 0, W, H);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
}

/* glClearBufferfv clears to blue; glMultiDrawElementsBaseVertex draws two
 * quads (one per half, the right one through basevertex) in green, with a
 * pipeline of two glCreateShaderProgramv programs. */
static void clear_and_multidraw(struct harness *h)
{
	struct sgl_enc *e = &h->enc;
	static const GLfloat blue[4] = { 0, 0, 1, 1 };
	sgl_enc_glClearBufferfv(e, GL_COLOR, 0, blue);
	static const char *vs =
		"#version 330 core\nlayout(location = 0) in vec2 pos;\n"
		"void main() { gl_Position = vec4(pos, 0.0, 1.0); }\n";
	static const char *fs =
		"#version 330 core\nout vec4 c; void main() { c = vec4(0.0, 1.0, 0.0, 1.0); }\n";
	/* Separable programs from glCreateShaderProgramv, in a pipeline. */
	GLuint vp = sgl_enc_glCreateShaderProgramv(e, GL_VERTEX_SHADER, 1, &vs);
	GLuint fp = sgl_enc_glCreateShaderProgramv(e, GL_FRAGMENT_SHADER, 1, &fs);
	GLint linked = 0, separable = 0;
	sgl_enc_glGetProgramiv(e, fp, GL_LINK_STATUS, &linked);
	sgl_enc_glGetProgramiv(e, fp, GL_PROGRAM_SEPARABLE, &separable);
	assert_true(linked == 1 && separable == 1);
	GLuint pipe;
	sgl_enc_glGenProgramPipelines(e, 1, &pipe);
	sgl_enc_glUseProgramStages(e, pipe, GL_VERTEX_SHADER_BIT, vp);
	sgl_enc_glUseProgramStages(e, pipe, GL_FRAGMENT_SHADER_BIT, fp);
	sgl_enc_glUseProgram(e, 0);
	sgl_enc_glBindProgramPipeline(e, pipe);
	/* Left quad x in [-1, -0.5], right quad x in [0.5, 1]. */
	static const float pos[16] = { -1, -1, -0.5f, -1, -0.5f, 1, -1, 1,
				       0.5f, -1, 1, -1, 1, 1, 0.5f, 1 };
	static const uint16_t idx[6] = { 0, 1, 2, 0, 2, 3 };
	harness_vertex_array(e, pos, sizeof(pos), idx, sizeof(idx));

	/* The map pointer is the one glMapBufferRange returned, NULL after. */
	void *ptr = (void *)1;
	void *m = sgl_enc_glMapBufferRange(e, GL_ARRAY_BUFFER, 0, 8, GL_MAP_READ_BIT);
	sgl_enc_glGetBufferPointerv(e, GL_ARRAY_BUFFER, GL_BUFFER_MAP_POINTER, &ptr);
	assert_ptr_equal(ptr, m);
	sgl_enc_glUnmapBuffer(e, GL_ARRAY_BUFFER);
	sgl_enc_glGetBufferPointerv(e, GL_ARRAY_BUFFER, GL_BUFFER_MAP_POINTER, &ptr);
	assert_null(ptr);

	static const GLsizei counts[2] = { 6, 6 };
	static const void *const offsets[2] = { NULL, NULL };
	static const GLint base[2] = { 0, 4 };
	sgl_enc_glMultiDrawElementsBaseVertex(e, GL_TRIANGLES, counts, GL_UNSIGNED_SHORT,
					      offsets, 2, base);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_false(harness_lost(h, NULL, 0));
	assert_int_equal(harness_pixel(h, 2, H / 2), RGBA(0, 255, 0, 255));
	assert_int_equal(harness_pixel(h, W - 3, H / 2), RGBA(0, 255, 0, 255));
	assert_int_equal(harness_pixel(h, W / 2, H / 2), RGBA(0, 0, 255, 255));
}

/* GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTER_INDICES writes one index
 * per counter of the buffer (piglit active-counters: only the first came
 * back); a bad buffer index raises GL_INVALID_VALUE and writes nothing. */
static void atomic_counter_indices(struct sgl_enc *e)
{
	static const char *vs =
		"#version 330 core\n"
		"void main() { gl_Position = vec4(0.0); }\n";
	static const char *fs =
		"#version 330 core\n"
		"#extension GL_ARB_shader_atomic_counters : require\n"
		"layout(binding = 0) uniform atomic_uint a[2];\n"
		"layout(binding = 0) uniform atomic_uint b;\n"
		"layout(binding = 0) uniform atomic_uint c;\n"
		"out vec4 color;\n"
		"void main() { color = vec4(float(atomicCounter(a[0]) + atomicCounter(a[1])\n"
		"  + atomicCounter(b) + atomicCounter(c))); }\n";
	GLuint p = program(e, vs, fs, NULL, 0);
	GLint buffers = 0, counters = 0;
	sgl_enc_glGetProgramiv(e, p, GL_ACTIVE_ATOMIC_COUNTER_BUFFERS, &buffers);
	assert_int_equal(buffers, 1);
	sgl_enc_glGetActiveAtomicCounterBufferiv(e, p, 0,
		GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTERS, &counters);
	assert_int_equal(counters, 3);
	GLint idx[4] = { -7, -7, -7, -7 };
	sgl_enc_glGetActiveAtomicCounterBufferiv(e, p, 0,
		GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTER_INDICES, idx);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	/* Three distinct uniforms, each an atomic counter; the fourth untouched. */
	for (int i = 0; i < 3; i++) {
		GLuint u = (GLuint)idx[i];
		GLint type = 0;
		assert_true(idx[i] >= 0);
		sgl_enc_glGetActiveUniformsiv(e, p, 1, &u, GL_UNIFORM_TYPE, &type);
		assert_int_equal(type, GL_UNSIGNED_INT_ATOMIC_COUNTER);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(idx[i], idx[j]);
	}
	assert_int_equal(idx[3], -7);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	GLint keep = 0x5eed;
	sgl_enc_glGetActiveAtomicCounterBufferiv(e, p, 1,
		GL_ATOMIC_COUNTER_BUFFER_ACTIVE_ATOMIC_COUNTER_INDICES, &keep);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_int_equal(keep, 0x5eed);
	sgl_enc_glGetActiveAtomicCounterBufferiv(e, p, 1, GL_ATOMIC_COUNTER_BUFFER_BINDING,
						 &keep);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_int_equal(keep, 0x5eed);
	sgl_enc_glDeleteProgram(e, p);
}

static void test_core(void **state)
{
	(void)state;
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context(&h, SGLHOST_API_GL_CORE, W, H));
	transform_feedback(&h.enc);
	uniform_blocks(&h.enc);
	clear_objects(&h.enc);
	viewports(&h.enc);
	clear_and_multidraw(&h);
	atomic_counter_indices(&h.enc);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
