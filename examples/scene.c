#include "scene.h"

#include <math.h>
#include <stdio.h>

static const char *vs_src =
	"layout(location = 0) in vec3 pos;\n"
	"layout(location = 1) in vec2 uv_in;\n"
	"uniform mat4 mvp;\n"
	"out vec2 uv;\n"
	"out float shade;\n"
	"void main() {\n"
	"	uv = uv_in;\n"
	"	shade = 0.6 + 0.4 * abs(pos.z + pos.x * 0.5);\n"
	"	gl_Position = mvp * vec4(pos, 1.0);\n"
	"}\n";
static const char *fs_src =
	"in vec2 uv;\n"
	"in float shade;\n"
	"uniform sampler2D tex;\n"
	"out vec4 color;\n"
	"void main() { color = vec4(texture(tex, uv).rgb * shade, 1.0); }\n";

static GLuint compile(struct sgl_enc *e, GLenum type, bool gles, const char *body, char *err,
		      size_t err_size)
{
	const char *src[2] = { gles ? "#version 300 es\nprecision mediump float;\n" :
				      "#version 330 core\n", body };
	GLuint s = sgl_enc_glCreateShader(e, type);
	sgl_enc_glShaderSource(e, s, 2, src, NULL);
	sgl_enc_glCompileShader(e, s);
	GLint ok = 0;
	sgl_enc_glGetShaderiv(e, s, GL_COMPILE_STATUS, &ok);
	if (!ok)
		sgl_enc_glGetShaderInfoLog(e, s, (GLsizei)err_size, NULL, err);
	return ok ? s : 0;
}

/* 6 faces x 2 triangles x 3 vertices of (x, y, z, u, v). */
static void cube(float *v)
{
	static const int faces[6][4][3] = {
		{ { -1, -1, 1 }, { 1, -1, 1 }, { 1, 1, 1 }, { -1, 1, 1 } },
		{ { 1, -1, -1 }, { -1, -1, -1 }, { -1, 1, -1 }, { 1, 1, -1 } },
		{ { -1, -1, -1 }, { -1, -1, 1 }, { -1, 1, 1 }, { -1, 1, -1 } },
		{ { 1, -1, 1 }, { 1, -1, -1 }, { 1, 1, -1 }, { 1, 1, 1 } },
		{ { -1, 1, 1 }, { 1, 1, 1 }, { 1, 1, -1 }, { -1, 1, -1 } },
		{ { -1, -1, -1 }, { 1, -1, -1 }, { 1, -1, 1 }, { -1, -1, 1 } },
	};
	static const float uvs[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
	static const int tri[6] = { 0, 1, 2, 0, 2, 3 };
	for (int f = 0; f < 6; f++)
		for (int i = 0; i < 6; i++) {
			const int *p = faces[f][tri[i]];
			float *o = v + (f * 6 + i) * 5;
			o[0] = (float)p[0];
			o[1] = (float)p[1];
			o[2] = (float)p[2];
			o[3] = uvs[tri[i]][0];
			o[4] = uvs[tri[i]][1];
		}
}

bool scene_init(struct scene *s, struct sgl_enc *e, bool gles, int width, int height,
		char *err, size_t err_size)
{
	GLuint vs = compile(e, GL_VERTEX_SHADER, gles, vs_src, err, err_size);
	GLuint fs = vs ? compile(e, GL_FRAGMENT_SHADER, gles, fs_src, err, err_size) : 0;
	if (!fs)
		return false;
	s->program = sgl_enc_glCreateProgram(e);
	sgl_enc_glAttachShader(e, s->program, vs);
	sgl_enc_glAttachShader(e, s->program, fs);
	sgl_enc_glLinkProgram(e, s->program);
	sgl_enc_glDeleteShader(e, vs);
	sgl_enc_glDeleteShader(e, fs);
	s->mvp = sgl_enc_glGetUniformLocation(e, s->program, "mvp");
	s->width = width;
	s->height = height;

	static float verts[36 * 5];
	cube(verts);
	sgl_enc_glGenVertexArrays(e, 1, &s->vao);
	sgl_enc_glBindVertexArray(e, s->vao);
	sgl_enc_glGenBuffers(e, 1, &s->vbo);
	sgl_enc_glBindBuffer(e, GL_ARRAY_BUFFER, s->vbo);
	sgl_enc_glBufferData(e, GL_ARRAY_BUFFER, sizeof(verts), verts, GL_STATIC_DRAW);
	sgl_enc_glVertexAttribPointer(e, 0, 3, GL_FLOAT, GL_FALSE, 20, (const void *)0);
	sgl_enc_glVertexAttribPointer(e, 1, 2, GL_FLOAT, GL_FALSE, 20, (const void *)12);
	sgl_enc_glEnableVertexAttribArray(e, 0);
	sgl_enc_glEnableVertexAttribArray(e, 1);

	/* A checkerboard with a coloured border. */
	static uint8_t img[64][64][4];
	for (int y = 0; y < 64; y++)
		for (int x = 0; x < 64; x++) {
			bool edge = x < 3 || y < 3 || x > 60 || y > 60;
			bool dark = ((x / 8) ^ (y / 8)) & 1;
			img[y][x][0] = edge ? 240 : dark ? 40 : 230;
			img[y][x][1] = edge ? 120 : dark ? 60 : 230;
			img[y][x][2] = edge ? 30 : dark ? 140 : 240;
			img[y][x][3] = 255;
		}
	sgl_enc_glGenTextures(e, 1, &s->texture);
	sgl_enc_glBindTexture(e, GL_TEXTURE_2D, s->texture);
	sgl_enc_glTexImage2D(e, GL_TEXTURE_2D, 0, GL_RGBA8, 64, 64, 0, GL_RGBA, GL_UNSIGNED_BYTE, img);
	sgl_enc_glGenerateMipmap(e, GL_TEXTURE_2D);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
	sgl_enc_glTexParameteri(e, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);

	sgl_enc_glEnable(e, GL_DEPTH_TEST);
	sgl_enc_glUseProgram(e, s->program);
	return true;
}

static void mat_mul(float *r, const float *a, const float *b)
{
	float t[16];
	for (int c = 0; c < 4; c++)
		for (int rr = 0; rr < 4; rr++) {
			float v = 0;
			for (int k = 0; k < 4; k++)
				v += a[k * 4 + rr] * b[c * 4 + k];
			t[c * 4 + rr] = v;
		}
	for (int i = 0; i < 16; i++)
		r[i] = t[i];
}

void scene_draw(struct scene *s, struct sgl_enc *e, float t)
{
	float aspect = (float)s->width / (float)s->height, f = 1.0f / tanf(0.5f);
	float n = 1.0f, fa = 20.0f;
	float proj[16] = { f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (fa + n) / (n - fa), -1,
			   0, 0, 2 * fa * n / (n - fa), 0 };
	float a = t * 0.9f, b = t * 0.6f;
	float ry[16] = { cosf(a), 0, -sinf(a), 0, 0, 1, 0, 0, sinf(a), 0, cosf(a), 0, 0, 0, 0, 1 };
	float rx[16] = { 1, 0, 0, 0, 0, cosf(b), sinf(b), 0, 0, -sinf(b), cosf(b), 0, 0, 0, 0, 1 };
	float tr[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -5, 1 };
	float mvp[16];
	mat_mul(mvp, rx, ry);
	mat_mul(mvp, tr, mvp);
	mat_mul(mvp, proj, mvp);

	sgl_enc_glViewport(e, 0, 0, s->width, s->height);
	sgl_enc_glClearColor(e, 0.12f, 0.14f, 0.18f, 1.0f);
	sgl_enc_glClear(e, GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	sgl_enc_glUniformMatrix4fv(e, s->mvp, 1, GL_FALSE, mvp);
	sgl_enc_glDrawArrays(e, GL_TRIANGLES, 0, 36);
	sgl_enc_sglSwapBuffers(e);
}
