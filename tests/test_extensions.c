/*
 * Extension commands the protocol carries by hand: assembly program strings
 * and pointer queries, ATI fragment shader name ranges, debug labels, groups
 * and the guest-run debug callback, DSA readbacks under a pack state and
 * named-buffer maps, and multi-draw indirect from client memory and from an
 * indirect buffer. Values and pixels are checked against what GL defines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define W 64
#define H 48

#define BLACK RGBA(0, 0, 0, 255)
#define GREEN RGBA(0, 255, 0, 255)

static struct sgl_enc *compat(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, W, H));
	return &h->enc;
}

static void test_program_string_and_pointers(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = compat(&h);

	static const char vp[] = "!!ARBvp1.0\nMOV result.position, vertex.position;\nEND\n";
	GLuint prog;
	sgl_enc_glGenProgramsARB(e, 1, &prog);
	sgl_enc_glBindProgramARB(e, GL_VERTEX_PROGRAM_ARB, prog);
	sgl_enc_glProgramStringARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_FORMAT_ASCII_ARB,
				   (GLsizei)strlen(vp), vp);
	GLint len = 0;
	sgl_enc_glGetProgramivARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_LENGTH_ARB, &len);
	assert_int_equal(len, (GLint)strlen(vp));
	char back[sizeof(vp) + 8];
	memset(back, '#', sizeof(back));
	sgl_enc_glGetProgramStringARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_STRING_ARB, back);
	assert_memory_equal(back, vp, strlen(vp));
	assert_int_equal(back[strlen(vp)], '#');    /* no byte past the program */
	sgl_enc_glGetProgramStringARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_LENGTH_ARB, back);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);

	/* A client array's pointer is the application's own; with a buffer
	 * bound it is the offset GL was given. */
	static const float verts[8];
	sgl_enc_glVertexAttribPointer(e, 3, 2, GL_FLOAT, GL_FALSE, 0, verts);
	void *p = NULL;
	sgl_enc_glGetVertexAttribPointerv(e, 3, GL_VERTEX_ATTRIB_ARRAY_POINTER, &p);
	assert_ptr_equal(p, verts);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, verts);
	sgl_enc_glGetPointerv(e, GL_VERTEX_ARRAY_POINTER, &p);
	assert_ptr_equal(p, verts);
	GLuint buf;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, 64, NULL, GL_STATIC_DRAW);
	sgl_enc_glVertexAttribPointer(e, 3, 2, GL_FLOAT, GL_FALSE, 0, (const void *)24);
	sgl_enc_glGetVertexAttribPointerv(e, 3, GL_VERTEX_ATTRIB_ARRAY_POINTER, &p);
	assert_ptr_equal(p, (void *)24);
	sgl_enc_glColorPointer(e, 4, GL_UNSIGNED_BYTE, 0, (const void *)8);
	sgl_enc_glGetPointerv(e, GL_COLOR_ARRAY_POINTER, &p);
	assert_ptr_equal(p, (void *)8);
	/* Host memory never comes back: the selection buffer is the
	 * application's own. */
	GLuint sel[4];
	sgl_enc_glSelectBuffer(e, 4, sel);
	p = (void *)1;
	sgl_enc_glGetPointerv(e, GL_SELECTION_BUFFER_POINTER, &p);
	assert_ptr_equal(p, sel);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* A quad over the whole window. */
static void full_quad(struct sgl_enc *e)
{
	sgl_enc_glBegin(e, GL_QUADS);
	sgl_enc_glVertex2f(e, -1, -1);
	sgl_enc_glVertex2f(e, 1, -1);
	sgl_enc_glVertex2f(e, 1, 1);
	sgl_enc_glVertex2f(e, -1, 1);
	sgl_enc_glEnd(e);
}

static void test_ati_fragment_shader(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = compat(&h);

	GLuint first = sgl_enc_glGenFragmentShadersATI(e, 3);
	assert_int_not_equal(first, 0);
	/* Green from a constant, in the middle shader of the range. */
	static const float green[4] = { 0, 1, 0, 1 };
	sgl_enc_glBindFragmentShaderATI(e, first + 1);
	sgl_enc_glBeginFragmentShaderATI(e);
	sgl_enc_glColorFragmentOp1ATI(e, GL_MOV_ATI, GL_REG_0_ATI, GL_NONE, GL_NONE,
				      GL_CON_0_ATI, GL_NONE, GL_NONE);
	sgl_enc_glAlphaFragmentOp1ATI(e, GL_MOV_ATI, GL_REG_0_ATI, GL_NONE, GL_CON_0_ATI, GL_NONE,
				      GL_NONE);
	sgl_enc_glSetFragmentShaderConstantATI(e, GL_CON_0_ATI, green);
	sgl_enc_glEndFragmentShaderATI(e);
	/* A name never generated is created by binding it; later ranges
	 * must not hand it out again. */
	sgl_enc_glBindFragmentShaderATI(e, first + 10);
	GLuint next = sgl_enc_glGenFragmentShadersATI(e, 2);
	assert_true(next > first + 10);
	sgl_enc_glBindFragmentShaderATI(e, first + 1);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	sgl_enc_glViewport(e, 0, 0, W, H);
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glEnable(e, GL_FRAGMENT_SHADER_ATI);
	sgl_enc_glColor3f(e, 1, 0, 0);
	full_quad(e);
	sgl_enc_glDisable(e, GL_FRAGMENT_SHADER_ATI);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(&h, W / 2, H / 2), GREEN);

	sgl_enc_glDeleteFragmentShaderATI(e, first + 1);
	sgl_enc_glGenFragmentShadersATI(e, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

struct seen {
	int calls;
	GLenum source, type;
	char text[256];
};

static void on_message(GLenum source, GLenum type, GLuint id, GLenum severity, GLsizei length,
		       const GLchar *message, const void *user)
{
	(void)id;
	(void)severity;
	struct seen *s = (struct seen *)user;
	s->calls++;
	s->source = source;
	s->type = type;
	snprintf(s->text, sizeof(s->text), "%.*s", (int)length, message);
}

static void test_debug(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = compat(&h);
	sgl_enc_glEnable(e, GL_DEBUG_OUTPUT);
	sgl_enc_glEnable(e, GL_DEBUG_OUTPUT_SYNCHRONOUS);

	/* Labels: a NUL-terminated one on a texture (mapped by identifier). */
	GLuint tex[2];
	sgl_enc_glGenTextures(e, 2, tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex[1]);
	sgl_enc_glObjectLabel(e, GL_TEXTURE, tex[1], -1, "checker");
	char label[16] = "";
	GLsizei n = -1;
	sgl_enc_glGetObjectLabel(e, GL_TEXTURE, tex[1], sizeof(label), &n, label);
	assert_int_equal(n, 7);
	assert_string_equal(label, "checker");
	sgl_enc_glGetObjectLabel(e, GL_TEXTURE, tex[0] + 100, sizeof(label), &n, label);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	/* EXT_debug_label names some identifiers its own way. */
	GLuint buf;
	sgl_enc_glGenBuffers(e, 1, &buf);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, buf);
	sgl_enc_glLabelObjectEXT(e, GL_BUFFER_OBJECT_EXT, buf, 3, "vbo");
	sgl_enc_glGetObjectLabelEXT(e, GL_BUFFER_OBJECT_EXT, buf, sizeof(label), &n, label);
	assert_int_equal(n, 3);
	assert_string_equal(label, "vbo");
	sgl_enc_glLabelObjectEXT(e, GL_BUFFER_OBJECT_EXT, buf + 50, 3, "vbo");
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	GLsync sync = sgl_enc_glFenceSync(e, GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
	sgl_enc_glObjectPtrLabel(e, sync, 4, "fence and more");
	sgl_enc_glGetObjectPtrLabel(e, sync, sizeof(label), &n, label);
	assert_int_equal(n, 4);
	assert_string_equal(label, "fenc");

	/* Groups and inserted messages reach the log with their text. */
	while (sgl_enc_glGetDebugMessageLog(e, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL))
		;
	sgl_enc_glPushDebugGroup(e, GL_DEBUG_SOURCE_APPLICATION, 7, -1, "group");
	sgl_enc_glDebugMessageInsert(e, GL_DEBUG_SOURCE_APPLICATION, GL_DEBUG_TYPE_MARKER, 9,
				     GL_DEBUG_SEVERITY_NOTIFICATION, -1, "marker");
	sgl_enc_glPopDebugGroup(e);
	GLuint ids[4];
	GLsizei lens[4];
	char log[256];
	GLuint got = sgl_enc_glGetDebugMessageLog(e, 4, sizeof(log), NULL, NULL, ids, NULL, lens,
						  log);
	assert_int_equal(got, 3);
	assert_int_equal(ids[0], 7);
	assert_int_equal(ids[1], 9);
	assert_string_equal(log + lens[0], "marker");

	/* With a callback the guest runs it at glGetError, and the log the
	 * application sees stays empty. */
	struct seen s = { 0 };
	sgl_enc_glDebugMessageCallback(e, on_message, &s);
	void *cb = NULL;
	sgl_enc_glGetPointerv(e, GL_DEBUG_CALLBACK_FUNCTION, &cb);
	assert_ptr_equal(cb, (void *)(uintptr_t)on_message);
	sgl_enc_glEnable(e, 0xffffffff);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_ENUM);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.source, GL_DEBUG_SOURCE_API);
	assert_int_equal(s.type, GL_DEBUG_TYPE_ERROR);
	assert_non_null(strstr(s.text, "glEnable"));
	assert_int_equal(sgl_enc_glGetDebugMessageLog(e, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL),
			 0);
	sgl_enc_glDebugMessageCallback(e, NULL, NULL);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

static void test_dsa_readback_and_maps(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = compat(&h);

	GLuint tex;
	sgl_enc_glCreateTextures(e, GL_TEXTURE_2D, 1, &tex);
	sgl_enc_glTextureStorage2D(e, tex, 1, GL_RGBA8, 4, 4);
	uint32_t texels[16];
	for (int i = 0; i < 16; i++)
		texels[i] = 0x01020300u + (uint32_t)i;
	sgl_enc_glTextureSubImage2D(e, tex, 0, 0, 0, 4, 4, GL_RGBA, GL_UNSIGNED_BYTE, texels);

	/* The 2x2 block at (1, 1) into column 1 of a 4-wide buffer: GL skips
	 * every other byte, which must keep its value. */
	uint32_t out[16];
	memset(out, 0xab, sizeof(out));
	sgl_enc_glPixelStorei(e, GL_PACK_ROW_LENGTH, 4);
	sgl_enc_glPixelStorei(e, GL_PACK_SKIP_PIXELS, 1);
	sgl_enc_glGetTextureSubImage(e, tex, 0, 1, 1, 0, 2, 2, 1, GL_RGBA, GL_UNSIGNED_BYTE,
				     sizeof(out), out);
	sgl_enc_glPixelStorei(e, GL_PACK_ROW_LENGTH, 0);
	sgl_enc_glPixelStorei(e, GL_PACK_SKIP_PIXELS, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	for (int i = 0; i < 16; i++) {
		int x = i % 4, y = i / 4;
		uint32_t want = x >= 1 && x < 3 && y < 2 ? texels[(y + 1) * 4 + x] : 0xababababu;
		assert_int_equal(out[i], want);
	}
	/* Too small a buffer: GL's error, nothing written. */
	memset(out, 0xab, sizeof(out));
	sgl_enc_glGetTextureImage(e, tex, 0, GL_RGBA, GL_UNSIGNED_BYTE, 8, out);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_int_equal(out[0], 0xababababu);

	/* Parameters of several values, by pname. */
	static const GLint border[4] = { 1, 2, 3, 4 };
	GLint back[4] = { 0 };
	sgl_enc_glTextureParameteriv(e, tex, GL_TEXTURE_SWIZZLE_RGBA, (const GLint[4]){
		GL_BLUE, GL_GREEN, GL_RED, GL_ALPHA });
	sgl_enc_glGetTextureParameteriv(e, tex, GL_TEXTURE_SWIZZLE_RGBA, back);
	assert_int_equal(back[0], GL_BLUE);
	assert_int_equal(back[2], GL_RED);
	sgl_enc_glTextureParameterIiv(e, tex, GL_TEXTURE_BORDER_COLOR, border);
	sgl_enc_glGetTextureParameterIiv(e, tex, GL_TEXTURE_BORDER_COLOR, back);
	assert_memory_equal(back, border, sizeof(border));

	/* Named maps: read what is there, write a range back. */
	GLuint buf;
	static const uint8_t init[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	sgl_enc_glCreateBuffers(e, 1, &buf);
	sgl_enc_glNamedBufferData(e, buf, sizeof(init), init, GL_DYNAMIC_DRAW);
	uint8_t *m = sgl_enc_glMapNamedBufferRange(e, buf, 2, 4,
						    GL_MAP_READ_BIT | GL_MAP_WRITE_BIT);
	assert_non_null(m);
	assert_memory_equal(m, init + 2, 4);
	void *ptr = NULL;
	sgl_enc_glGetNamedBufferPointerv(e, buf, GL_BUFFER_MAP_POINTER, &ptr);
	assert_ptr_equal(ptr, m);
	m[0] = 42;
	assert_int_equal(sgl_enc_glUnmapNamedBuffer(e, buf), GL_TRUE);
	uint8_t now[8];
	sgl_enc_glGetNamedBufferSubData(e, buf, 0, sizeof(now), now);
	assert_int_equal(now[2], 42);
	assert_int_equal(now[3], 4);
	assert_int_equal(sgl_enc_glUnmapNamedBuffer(e, buf), GL_FALSE);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_OPERATION);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Left half of the window: two triangles; the right half is not drawn. */
static const float left_half[] = { -1, -1, 0, -1, 0, 1, -1, -1, 0, 1, -1, 1 };

static void draw_indirect(struct harness *h, bool in_buffer, bool client_vertices)
{
	struct sgl_enc *e = &h->enc;
	/* Two draws of one triangle each: {count, instances, first, base}. */
	static const GLuint cmds[2][4] = { { 3, 1, 0, 0 }, { 3, 1, 3, 0 } };
	GLuint bufs[2];
	sgl_enc_glGenBuffers(e, 2, bufs);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, client_vertices ? 0 : bufs[0]);
	if (!client_vertices)
		sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(left_half), left_half,
				     GL_STATIC_DRAW);
	sgl_enc_glVertexPointer(e, 2, GL_FLOAT, 0, client_vertices ? left_half : NULL);
	sgl_enc_glEnableClientState(e, GL_VERTEX_ARRAY);
	if (in_buffer) {
		sgl_enc_glBindBuffer(e, GL_DRAW_INDIRECT_BUFFER, bufs[1]);
		sgl_enc_glBufferData(e, GL_DRAW_INDIRECT_BUFFER, sizeof(cmds), cmds,
				     GL_STATIC_DRAW);
	}
	sgl_enc_glClearColor(e, 0, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glColor3f(e, 0, 1, 0);
	sgl_enc_glMultiDrawArraysIndirect(e, GL_TRIANGLES, in_buffer ? NULL : cmds, 2, 0);
	sgl_enc_glDisableClientState(e, GL_VERTEX_ARRAY);
	sgl_enc_glBindBuffer(e, GL_DRAW_INDIRECT_BUFFER, 0);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, 0);
	sgl_enc_glDeleteBuffers(e, 2, bufs);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_sglSwapBuffers(e);
	assert_int_equal(harness_pixel(h, W / 4, H / 4), GREEN);
	assert_int_equal(harness_pixel(h, W / 4, 3 * H / 4), GREEN);
	assert_int_equal(harness_pixel(h, 3 * W / 4, H / 2), BLACK);
}

static void test_multi_draw_indirect(void **state)
{
	(void)state;
	struct harness h;
	struct sgl_enc *e = compat(&h);
	sgl_enc_glViewport(e, 0, 0, W, H);
	draw_indirect(&h, false, false);   /* commands in client memory */
	draw_indirect(&h, true, false);    /* commands in a buffer */
	draw_indirect(&h, true, true);     /* ... drawing client vertex arrays */
	/* A stride GL refuses: its error, and nothing travels for it. */
	static const GLuint cmd[4] = { 3, 1, 0, 0 };
	sgl_enc_glMultiDrawArraysIndirect(e, GL_TRIANGLES, cmd, 1, 3);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_string_and_pointers),
		cmocka_unit_test(test_ati_fragment_shader),
		cmocka_unit_test(test_debug),
		cmocka_unit_test(test_dsa_readback_and_maps),
		cmocka_unit_test(test_multi_draw_indirect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
