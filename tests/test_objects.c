/*
 * Object lifetimes and names as GL defines them, through the protocol:
 * programs and shaders deleted while in use live on (and keep their names)
 * until GL lets them go; names that are not programs are GL_INVALID_VALUE;
 * glDeleteSync(0) is a no-op and waiting on an unknown sync is
 * GL_WAIT_FAILED (src/decoder/names.c, guest/custom.c). A GL 3.1 context
 * without GL_ARB_compatibility draws without host-made errors. Queries
 * begun by names glGenQueries never gave exist in the compatibility profile.
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

static const char *vs_src = "void main() { gl_Position = gl_Vertex; }\n";
static const char *fs_src = "void main() { gl_FragColor = vec4(0.0, 1.0, 0.0, 1.0); }\n";

static void context(struct harness *h)
{
	if (!harness_host(h))
		skip();
	assert_true(harness_context(h, SGLHOST_API_GL_COMPAT, 16, 16));
}

static GLuint shader(struct sgl_enc *e, GLenum type, const char *src)
{
	GLuint s = harness_shader(e, type, src);
	assert_true(s != 0);
	return s;
}

static void test_program_lifetime(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint vs = shader(e, GL_VERTEX_SHADER, vs_src);
	GLuint fs = shader(e, GL_FRAGMENT_SHADER, fs_src);
	GLuint prog = sgl_enc_glCreateProgram(e);
	sgl_enc_glAttachShader(e, prog, vs);
	sgl_enc_glAttachShader(e, prog, fs);
	sgl_enc_glLinkProgram(e, prog);
	sgl_enc_glDeleteShader(e, vs);
	sgl_enc_glDeleteShader(e, fs);
	sgl_enc_glUseProgram(e, prog);
	sgl_enc_glDeleteProgram(e, prog);
	sgl_enc_glDeleteProgram(e, prog);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);

	/* Flagged, still in use: it draws, and answers for itself. */
	GLint status = 0;
	sgl_enc_glGetProgramiv(e, prog, GL_DELETE_STATUS, &status);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(status, GL_TRUE);
	GLint attached = 0;
	sgl_enc_glGetProgramiv(e, prog, GL_ATTACHED_SHADERS, &attached);
	assert_int_equal(attached, 2);
	sgl_enc_glClearColor(e, 1, 0, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glRectf(e, -1, -1, 1, 1);
	assert_int_equal(harness_pixel(&h, 8, 8), RGBA(0, 255, 0, 255));

	/* Let go: now it is gone, and so is its name. New programs and
	 * shaders get fresh names and work. */
	sgl_enc_glUseProgram(e, 0);
	sgl_enc_glGetProgramiv(e, prog, GL_DELETE_STATUS, &status);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	GLuint vs2 = shader(e, GL_VERTEX_SHADER, vs_src);
	assert_true(vs2 != vs && vs2 != fs && vs2 != prog);
	assert_true(sgl_enc_glIsShader(e, vs2));
	assert_false(sgl_enc_glIsProgram(e, prog));

	/* A name that never was a program: GL_INVALID_VALUE, not
	 * GL_INVALID_OPERATION. */
	sgl_enc_glGetProgramiv(e, 4242, GL_LINK_STATUS, &status);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glUseProgram(e, 4242);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	harness_finish(&h);
}

static void test_sync_errors(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	sgl_enc_glDeleteSync(e, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	GLsync s = sgl_enc_glFenceSync(e, GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
	GLenum r = sgl_enc_glClientWaitSync(e, s, GL_SYNC_FLUSH_COMMANDS_BIT, 1000000000);
	assert_true(r == GL_ALREADY_SIGNALED || r == GL_CONDITION_SATISFIED);
	sgl_enc_glDeleteSync(e, s);
	assert_false(sgl_enc_glIsSync(e, s));
	assert_int_equal(sgl_enc_glClientWaitSync(e, s, 0, 0), GL_WAIT_FAILED);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	sgl_enc_glDeleteSync(e, s);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	harness_finish(&h);
}

/* "GL 3.1, no profile" gives a context without fixed-function state: a draw
 * must not make the decoder's array guard touch it (every such call was a
 * GL_INVALID_ENUM the guest saw after its draw). */
static void test_gl31_draw_no_error(void **state)
{
	(void)state;
	struct harness h;
	if (!harness_host(&h))
		skip();
	assert_true(harness_context_version(&h, SGLHOST_API_GL_COMPAT, 3, 1, 16, 16));
	struct sgl_enc *e = &h.enc;
	GLuint vao, vbo;
	const float tri[] = { -1, -1, 3, -1, -1, 3 };
	sgl_enc_glGenVertexArrays(e, 1, &vao);
	sgl_enc_glBindVertexArray(e, vao);
	sgl_enc_glGenBuffers(e, 1, &vbo);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, vbo);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(tri), tri, GL_STATIC_DRAW);
	sgl_enc_glVertexAttribPointer(e, 0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 3);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	harness_finish(&h);
}

/* glCopyImageSubData names renderbuffers or textures by target: both are
 * guest names the host maps (the host's own window renderbuffers make the
 * host's names differ from the guest's). */
static void test_copy_image_names(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint rb[2], fb;
	sgl_enc_glGenRenderbuffers(e, 2, rb);
	for (int i = 0; i < 2; i++) {
		sgl_enc_glBindRenderbuffer(e, GL_RENDERBUFFER, rb[i]);
		sgl_enc_glRenderbufferStorage(e, GL_RENDERBUFFER, GL_RGBA8, 4, 4);
	}
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferRenderbuffer(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
					  GL_RENDERBUFFER, rb[0]);
	sgl_enc_glClearColor(e, 0, 1, 0, 1);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT);
	sgl_enc_glCopyImageSubData(e, rb[0], GL_RENDERBUFFER, 0, 0, 0, 0, rb[1],
				   GL_RENDERBUFFER, 0, 0, 0, 0, 4, 4, 1);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	sgl_enc_glFramebufferRenderbuffer(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
					  GL_RENDERBUFFER, rb[1]);
	uint8_t px[4] = { 0 };
	sgl_enc_glReadPixels(e, 1, 1, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
	assert_int_equal(px[0], 0);
	assert_int_equal(px[1], 255);
	sgl_enc_glCopyImageSubData(e, 999, GL_RENDERBUFFER, 0, 0, 0, 0, rb[1],
				   GL_RENDERBUFFER, 0, 0, 0, 0, 4, 4, 1);
	assert_int_equal(sgl_enc_glGetError(e), GL_INVALID_VALUE);
	harness_finish(&h);
}

/* GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME answers the guest's names (the
 * host's differ: it made the window's color textures first), for textures
 * and renderbuffers, through the bound and the named queries; the window
 * framebuffer has no object name. */
static void test_attachment_names(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint tex, rb, fb;
	GLint name = -1;
	sgl_enc_glGenTextures(e, 1, &tex);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, tex);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     NULL);
	sgl_enc_glGenRenderbuffers(e, 1, &rb);
	sgl_enc_glBindRenderbuffer(e, GL_RENDERBUFFER, rb);
	sgl_enc_glRenderbufferStorage(e, GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, 4, 4);
	sgl_enc_glGenFramebuffers(e, 1, &fb);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, fb);
	sgl_enc_glFramebufferTexture2D(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex,
				       0);
	sgl_enc_glFramebufferRenderbuffer(e, GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
					  rb);
	sgl_enc_glGetFramebufferAttachmentParameteriv(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
						      GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
						      &name);
	assert_int_equal(name, (GLint)tex);
	sgl_enc_glGetFramebufferAttachmentParameteriv(e, GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT,
						      GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
						      &name);
	assert_int_equal(name, (GLint)rb);
	name = -1;
	sgl_enc_glGetNamedFramebufferAttachmentParameteriv(e, fb, GL_COLOR_ATTACHMENT0,
							   GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
							   &name);
	assert_int_equal(name, (GLint)tex);
	name = -1;
	sgl_enc_glGetNamedFramebufferAttachmentParameterivEXT(e, fb, GL_DEPTH_ATTACHMENT,
							      GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
							      &name);
	assert_int_equal(name, (GLint)rb);
	/* What the guest gets back binds its own texture. */
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, 0);
	sgl_enc_glGetFramebufferAttachmentParameteriv(e, GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
						      GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
						      &name);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, (GLuint)name);
	GLint w = 0;
	sgl_enc_glGetTexLevelParameteriv(e, GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &w);
	assert_int_equal(w, 4);
	sgl_enc_glBindFramebuffer(e, GL_FRAMEBUFFER, 0);
	name = -1;
	sgl_enc_glGetFramebufferAttachmentParameteriv(e, GL_FRAMEBUFFER, GL_BACK_LEFT,
						      GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
						      &name);
	assert_int_equal(name, 0);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* ARB assembly programs and GLSL programs are two namespaces: both may
 * be named 1 (each guest pool starts there) and stay apart. */
static void test_arb_program_names(void **state)
{
	(void)state;
	static const char vp[] = "!!ARBvp1.0\nMOV result.position, vertex.position;\nEND\n";
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint glsl = sgl_enc_glCreateProgram(e), arb = 0;
	sgl_enc_glGenProgramsARB(e, 1, &arb);
	assert_int_equal(arb, glsl);
	sgl_enc_glBindProgramARB(e, GL_VERTEX_PROGRAM_ARB, arb);
	sgl_enc_glProgramStringARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_FORMAT_ASCII_ARB,
				   (GLsizei)strlen(vp), vp);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_true(sgl_enc_glIsProgramARB(e, arb));
	assert_true(sgl_enc_glIsProgram(e, glsl));
	GLint bound = -1;
	sgl_enc_glGetProgramivARB(e, GL_VERTEX_PROGRAM_ARB, GL_PROGRAM_LENGTH_ARB, &bound);
	assert_int_equal(bound, (GLint)strlen(vp));
	sgl_enc_glDeleteProgramsARB(e, 1, &arb);
	assert_false(sgl_enc_glIsProgramARB(e, arb));
	assert_true(sgl_enc_glIsProgram(e, glsl));
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);
}

/* Compatibility profile: glBeginQuery of a name glGenQueries never gave
 * (or one deleted) creates the query; glGenQueries does not hand it out
 * afterwards. The core profile wants generated names. */
static void test_query_without_gen(void **state)
{
	(void)state;
	struct harness h;
	context(&h);
	struct sgl_enc *e = &h.enc;
	GLuint q[2] = { 0, 0 };
	sgl_enc_glGenQueries(e, 2, q);
	sgl_enc_glDeleteQueries(e, 2, q);
	sgl_enc_glBeginQuery(e, GL_ANY_SAMPLES_PASSED, q[0]);
	sgl_enc_glEndQuery(e, GL_ANY_SAMPLES_PASSED);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	GLint result = 2;
	sgl_enc_glGetQueryObjectiv(e, q[0], GL_QUERY_RESULT, &result);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_int_equal(result, GL_FALSE);
	GLuint again[2] = { 0, 0 };
	sgl_enc_glGenQueries(e, 2, again);
	assert_true(again[0] != q[0] && again[1] != q[0]);
	sgl_enc_glBeginQuery(e, GL_SAMPLES_PASSED, again[0]);
	sgl_enc_glEndQuery(e, GL_SAMPLES_PASSED);
	assert_int_equal(sgl_enc_glGetError(e), GL_NO_ERROR);
	assert_false(harness_lost(&h, NULL, 0));
	harness_finish(&h);

	struct harness core;
	assert_true(harness_host(&core));
	assert_true(harness_context(&core, SGLHOST_API_GL_CORE, 16, 16));
	sgl_enc_glBeginQuery(&core.enc, GL_ANY_SAMPLES_PASSED, 77);
	assert_int_equal(sgl_enc_glGetError(&core.enc), GL_INVALID_OPERATION);
	assert_false(harness_lost(&core, NULL, 0));
	harness_finish(&core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_lifetime),
		cmocka_unit_test(test_sync_errors),
		cmocka_unit_test(test_gl31_draw_no_error),
		cmocka_unit_test(test_copy_image_names),
		cmocka_unit_test(test_attachment_names),
		cmocka_unit_test(test_arb_program_names),
		cmocka_unit_test(test_query_without_gen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
