/*
 * A core-profile WGL program: a 3.3 core context through
 * WGL_ARB_create_context, shaders, a vertex buffer and vertex array, a
 * texture, a framebuffer object with a depth buffer; checks the FBO with
 * glReadPixels and the window with GDI after SwapBuffers. Prints
 * "wgl_core: ok" and exits 0 only when every pixel is right.
 */
#include "wgl_window.h"

#include <GL/gl.h>
#include <GL/glext.h>
#include <stdio.h>
#include <stdlib.h>

#define FUNCS(X) \
	X(PFNGLCREATESHADERPROC, glCreateShader) \
	X(PFNGLSHADERSOURCEPROC, glShaderSource) \
	X(PFNGLCOMPILESHADERPROC, glCompileShader) \
	X(PFNGLGETSHADERIVPROC, glGetShaderiv) \
	X(PFNGLGETSHADERINFOLOGPROC, glGetShaderInfoLog) \
	X(PFNGLCREATEPROGRAMPROC, glCreateProgram) \
	X(PFNGLATTACHSHADERPROC, glAttachShader) \
	X(PFNGLLINKPROGRAMPROC, glLinkProgram) \
	X(PFNGLGETPROGRAMIVPROC, glGetProgramiv) \
	X(PFNGLUSEPROGRAMPROC, glUseProgram) \
	X(PFNGLGETUNIFORMLOCATIONPROC, glGetUniformLocation) \
	X(PFNGLUNIFORM1IPROC, glUniform1i) \
	X(PFNGLUNIFORM1FPROC, glUniform1f) \
	X(PFNGLBINDATTRIBLOCATIONPROC, glBindAttribLocation) \
	X(PFNGLGENBUFFERSPROC, glGenBuffers) \
	X(PFNGLBINDBUFFERPROC, glBindBuffer) \
	X(PFNGLBUFFERDATAPROC, glBufferData) \
	X(PFNGLGENVERTEXARRAYSPROC, glGenVertexArrays) \
	X(PFNGLBINDVERTEXARRAYPROC, glBindVertexArray) \
	X(PFNGLVERTEXATTRIBPOINTERPROC, glVertexAttribPointer) \
	X(PFNGLENABLEVERTEXATTRIBARRAYPROC, glEnableVertexAttribArray) \
	X(PFNGLGENFRAMEBUFFERSPROC, glGenFramebuffers) \
	X(PFNGLBINDFRAMEBUFFERPROC, glBindFramebuffer) \
	X(PFNGLFRAMEBUFFERTEXTURE2DPROC, glFramebufferTexture2D) \
	X(PFNGLGENRENDERBUFFERSPROC, glGenRenderbuffers) \
	X(PFNGLBINDRENDERBUFFERPROC, glBindRenderbuffer) \
	X(PFNGLRENDERBUFFERSTORAGEPROC, glRenderbufferStorage) \
	X(PFNGLFRAMEBUFFERRENDERBUFFERPROC, glFramebufferRenderbuffer) \
	X(PFNGLCHECKFRAMEBUFFERSTATUSPROC, glCheckFramebufferStatus) \
	X(PFNGLACTIVETEXTUREPROC, glActiveTexture)

#define DECLARE(type, name) static type p_##name;
FUNCS(DECLARE)

static bool load(void)
{
	bool ok = true;
#define LOAD(type, name)                                                        \
	p_##name = (type)(void (*)(void))wglGetProcAddress(#name);             \
	if (!p_##name) {                                                       \
		fprintf(stderr, "wgl_core: wglGetProcAddress(%s) is NULL\n", #name); \
		ok = false;                                                    \
	}
	FUNCS(LOAD)
	return ok;
}

static const char *vs_src =
	"#version 330 core\n"
	"in vec3 pos; in vec2 uv; out vec2 v_uv;\n"
	"void main() { v_uv = uv; gl_Position = vec4(pos, 1.0); }\n";
static const char *fs_src =
	"#version 330 core\n"
	"uniform sampler2D tex; uniform float scale; in vec2 v_uv; out vec4 color;\n"
	"void main() { color = texture(tex, v_uv) * scale; }\n";

static GLuint shader(GLenum type, const char *src)
{
	GLuint s = p_glCreateShader(type);
	GLint ok = 0;
	p_glShaderSource(s, 1, &src, NULL);
	p_glCompileShader(s);
	p_glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[512] = "";
		p_glGetShaderInfoLog(s, sizeof(log), NULL, log);
		fprintf(stderr, "wgl_core: shader: %s\n", log);
	}
	return s;
}

static int failures;

static void expect(const char *what, int x, int y, unsigned got, unsigned want)
{
	/* 8-bit channels: a step of rounding either way is fine. */
	for (int sh = 0; sh < 24; sh += 8) {
		int d = (int)((got >> sh) & 0xff) - (int)((want >> sh) & 0xff);
		if (d > 2 || d < -2) {
			printf("wgl_core: %s (%d,%d) = %06x, want %06x\n", what, x, y, got, want);
			failures++;
			return;
		}
	}
}

int main(void)
{
	struct test_window w;
	const int W = 128, H = 128, F = 64;
	if (!test_window_open(&w, "wgl_core", W, H, 24, 8, 3, 3) || !load())
		return 1;
	printf("wgl_core: %s GL_RENDERER=%s GL_VERSION=%s\n", test_arch(),
	       (const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VERSION));

	GLuint prog = p_glCreateProgram();
	p_glAttachShader(prog, shader(GL_VERTEX_SHADER, vs_src));
	p_glAttachShader(prog, shader(GL_FRAGMENT_SHADER, fs_src));
	p_glBindAttribLocation(prog, 0, "pos");
	p_glBindAttribLocation(prog, 1, "uv");
	p_glLinkProgram(prog);
	GLint linked = 0;
	p_glGetProgramiv(prog, GL_LINK_STATUS, &linked);
	if (!linked) {
		fprintf(stderr, "wgl_core: link failed\n");
		return 1;
	}

	/* Two quads: the full one at depth 0, a smaller one behind it. */
	static const float verts[] = {
		-1, -1, 0, 0, 0,  1, -1, 0, 1, 0,  1, 1, 0, 1, 1,
		-1, -1, 0, 0, 0,  1, 1, 0, 1, 1,  -1, 1, 0, 0, 1,
		-.5f, -.5f, .5f, 0, 0,  .5f, -.5f, .5f, 0, 0,  .5f, .5f, .5f, 0, 0,
	};
	GLuint vao, vbo;
	p_glGenVertexArrays(1, &vao);
	p_glBindVertexArray(vao);
	p_glGenBuffers(1, &vbo);
	p_glBindBuffer(GL_ARRAY_BUFFER, vbo);
	p_glBufferData(GL_ARRAY_BUFFER, sizeof(verts), verts, GL_STATIC_DRAW);
	p_glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 20, (void *)0);
	p_glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 20, (void *)12);
	p_glEnableVertexAttribArray(0);
	p_glEnableVertexAttribArray(1);

	/* 2x2 texels: red, green (bottom row), blue, white (top row). */
	static const unsigned char texels[] = { 255, 0, 0, 255, 0, 255, 0, 255,
						0, 0, 255, 255, 255, 255, 255, 255 };
	GLuint tex[2];
	glGenTextures(2, tex);
	p_glActiveTexture(GL_TEXTURE0);
	glBindTexture(GL_TEXTURE_2D, tex[0]);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 2, 2, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);

	/* The FBO: a color texture and a depth renderbuffer. */
	glBindTexture(GL_TEXTURE_2D, tex[1]);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, F, F, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	GLuint fbo, rb;
	p_glGenFramebuffers(1, &fbo);
	p_glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	p_glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex[1], 0);
	p_glGenRenderbuffers(1, &rb);
	p_glBindRenderbuffer(GL_RENDERBUFFER, rb);
	p_glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, F, F);
	p_glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, rb);
	GLenum status = p_glCheckFramebufferStatus(GL_FRAMEBUFFER);
	if (status != GL_FRAMEBUFFER_COMPLETE) {
		fprintf(stderr, "wgl_core: framebuffer status %#x\n", status);
		return 1;
	}

	/* Into the FBO: the textured quad, then the black quad behind it,
	 * which the depth test must hide. */
	glViewport(0, 0, F, F);
	glClearColor(0, 0, 0, 1);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	glEnable(GL_DEPTH_TEST);
	p_glUseProgram(prog);
	p_glUniform1i(p_glGetUniformLocation(prog, "tex"), 0);
	glBindTexture(GL_TEXTURE_2D, tex[0]);
	p_glUniform1f(p_glGetUniformLocation(prog, "scale"), 1.0f);
	glDrawArrays(GL_TRIANGLES, 0, 6);
	p_glUniform1f(p_glGetUniformLocation(prog, "scale"), 0.0f);
	glDrawArrays(GL_TRIANGLES, 6, 3);

	const unsigned quad[4] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };   /* BL BR TL TR */
	unsigned char px[4];
	for (int i = 0; i < 4; i++) {
		int x = (i & 1) ? 3 * F / 4 : F / 4, y = (i & 2) ? 3 * F / 4 : F / 4;
		glReadPixels(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
		expect("fbo glReadPixels", x, y, (px[0] << 16) | (px[1] << 8) | px[2], quad[i]);
	}

	/* The FBO's texture, halved, on the window; presented by SwapBuffers. */
	p_glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glViewport(0, 0, W, H);
	glClearColor(0.25f, 0.25f, 0.25f, 1);
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	glBindTexture(GL_TEXTURE_2D, tex[1]);
	p_glUniform1f(p_glGetUniformLocation(prog, "scale"), 0.5f);
	glDrawArrays(GL_TRIANGLES, 0, 6);
	GLenum err = glGetError();
	if (err) {
		printf("wgl_core: glGetError %#x\n", err);
		failures++;
	}
	if (!SwapBuffers(w.dc)) {
		printf("wgl_core: SwapBuffers failed\n");
		failures++;
	}
	/* Top-left origin here: the top row is the texture's top. */
	const unsigned shown[4] = { 0x7f0000, 0x007f00, 0x00007f, 0x7f7f7f };
	for (int i = 0; i < 4; i++) {
		int x = (i & 1) ? 3 * W / 4 : W / 4, y = (i & 2) ? H / 4 : 3 * H / 4;
		expect("window GetPixel", x, y, test_window_pixel(&w, x, y), shown[i]);
	}
	if (!test_window_dump(&w))
		return 1;
	test_window_close(&w);
	if (failures) {
		printf("wgl_core: FAILED (%d wrong)\n", failures);
		return 1;
	}
	printf("wgl_core: ok %s\n", test_arch());
	return 0;
}
