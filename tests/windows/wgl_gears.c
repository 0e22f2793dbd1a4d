/*
 * A gears demo through WGL and GL 1.1 (display lists, immediate mode,
 * lighting): three meshing gears turning for N frames (argv[1], default
 * 300). Prints the frame rate, and checks that the gears were presented:
 * the window's center pixel, behind the red gear, must not be the clear
 * color; then text through wglUseFontBitmaps must light pixels.
 * "wgl_gears: N frames in S s = F FPS". With a second argument, the swap
 * interval set through WGL_EXT_swap_control first (and read back).
 */
#include "wgl_window.h"

#include <GL/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265f

/* A gear of `teeth` teeth between radii r0 (hole) and r1 (root), teeth
 * reaching r2, `width` thick: front and back faces, tooth flanks and the
 * outer and inner cylinders. */
static void gear(float r0, float r1, float r2, float width, int teeth)
{
	const float da = 2 * PI / teeth / 4, hw = width / 2;
	glShadeModel(GL_FLAT);
	for (int side = 0; side < 2; side++) {
		const float z = side ? -hw : hw;
		glNormal3f(0, 0, side ? -1.0f : 1.0f);
		glBegin(GL_QUAD_STRIP);
		for (int i = 0; i <= teeth; i++) {
			float a = i * 2 * PI / teeth;
			glVertex3f(r0 * cosf(a), r0 * sinf(a), z);
			glVertex3f(r1 * cosf(a), r1 * sinf(a), z);
			glVertex3f(r0 * cosf(a), r0 * sinf(a), z);
			glVertex3f(r1 * cosf(a + 3 * da), r1 * sinf(a + 3 * da), z);
		}
		glEnd();
		glBegin(GL_QUADS);
		for (int i = 0; i < teeth; i++) {
			float a = i * 2 * PI / teeth;
			glVertex3f(r1 * cosf(a), r1 * sinf(a), z);
			glVertex3f(r2 * cosf(a + da), r2 * sinf(a + da), z);
			glVertex3f(r2 * cosf(a + 2 * da), r2 * sinf(a + 2 * da), z);
			glVertex3f(r1 * cosf(a + 3 * da), r1 * sinf(a + 3 * da), z);
		}
		glEnd();
	}
	/* The outward faces of the teeth. */
	glBegin(GL_QUAD_STRIP);
	for (int i = 0; i < teeth; i++) {
		float a = i * 2 * PI / teeth;
		const float pts[4][2] = { { r1 * cosf(a), r1 * sinf(a) },
					  { r2 * cosf(a + da), r2 * sinf(a + da) },
					  { r2 * cosf(a + 2 * da), r2 * sinf(a + 2 * da) },
					  { r1 * cosf(a + 3 * da), r1 * sinf(a + 3 * da) } };
		for (int k = 0; k < 4; k++) {
			const float *p = pts[k], *q = pts[(k + 1) % 4];
			glNormal3f(q[1] - p[1], p[0] - q[0], 0);
			glVertex3f(p[0], p[1], hw);
			glVertex3f(p[0], p[1], -hw);
		}
	}
	glVertex3f(r1, 0, hw);
	glVertex3f(r1, 0, -hw);
	glEnd();
	glShadeModel(GL_SMOOTH);
	/* The hole. */
	glBegin(GL_QUAD_STRIP);
	for (int i = 0; i <= teeth; i++) {
		float a = i * 2 * PI / teeth;
		glNormal3f(-cosf(a), -sinf(a), 0);
		glVertex3f(r0 * cosf(a), r0 * sinf(a), -hw);
		glVertex3f(r0 * cosf(a), r0 * sinf(a), hw);
	}
	glEnd();
}

static GLuint make_gear(const float color[4], float r0, float r1, float r2, float w, int teeth)
{
	GLuint list = glGenLists(1);
	glNewList(list, GL_COMPILE);
	glMaterialfv(GL_FRONT, GL_AMBIENT_AND_DIFFUSE, color);
	gear(r0, r1, r2, w, teeth);
	glEndList();
	return list;
}

/* Text through wglUseFontBitmaps: the lit pixels of "WWWW" in the
 * system font, read back with glReadPixels. */
static int font_pixels(struct test_window *w)
{
	static unsigned char px[300 * 40 * 4];
	glDisable(GL_LIGHTING);
	glDisable(GL_DEPTH_TEST);
	glClear(GL_COLOR_BUFFER_BIT);
	SelectObject(w->dc, GetStockObject(SYSTEM_FONT));
	if (!wglUseFontBitmapsA(w->dc, 0, 128, 1000))
		return -1;
	glMatrixMode(GL_PROJECTION);
	glLoadIdentity();
	glOrtho(0, w->width, 0, w->height, -1, 1);
	glMatrixMode(GL_MODELVIEW);
	glLoadIdentity();
	glColor3f(1, 1, 1);
	glRasterPos2i(10, 10);
	glListBase(1000);
	glCallLists(4, GL_UNSIGNED_BYTE, "WWWW");
	glReadPixels(0, 0, 300, 40, GL_RGBA, GL_UNSIGNED_BYTE, px);
	int lit = 0;
	for (int i = 0; i < 300 * 40; i++)
		lit += px[4 * i] > 128;
	return lit;
}

int main(int argc, char **argv)
{
	struct test_window w;
	const int W = 300, H = 300;
	int frames = argc > 1 ? atoi(argv[1]) : 300;
	if (!test_window_open(&w, "wgl_gears", W, H, 24, 0, 0, 0))
		return 1;
	printf("wgl_gears: %s GL_RENDERER=%s\n", test_arch(), (const char *)glGetString(GL_RENDERER));
	printf("wgl_gears: GL_VERSION=%s GLSL=%s\n", (const char *)glGetString(GL_VERSION),
	       (const char *)glGetString(0x8B8C /* GL_SHADING_LANGUAGE_VERSION */));
	if (argc > 2) {
		BOOL(WINAPI * set)(int) = (BOOL(WINAPI *)(int))(void (*)(void))wglGetProcAddress(
			"wglSwapIntervalEXT");
		int(WINAPI * get)(void) = (int(WINAPI *)(void))(void (*)(void))wglGetProcAddress(
			"wglGetSwapIntervalEXT");
		int interval = atoi(argv[2]);
		if (!set || !get || !set(interval) || get() != interval) {
			printf("wgl_gears: FAILED: swap interval %d not taken\n", interval);
			return 1;
		}
		printf("wgl_gears: swap interval %d\n", interval);
	}

	static const float light[4] = { 5, 5, 10, 0 };
	static const float red[4] = { 0.8f, 0.1f, 0, 1 }, green[4] = { 0, 0.8f, 0.2f, 1 },
			   blue[4] = { 0.2f, 0.2f, 1, 1 };
	glLightfv(GL_LIGHT0, GL_POSITION, light);
	glEnable(GL_CULL_FACE);
	glEnable(GL_LIGHTING);
	glEnable(GL_LIGHT0);
	glEnable(GL_DEPTH_TEST);
	glEnable(GL_NORMALIZE);
	GLuint g1 = make_gear(red, 1.0f, 4.0f, 5.0f, 1.0f, 20);
	GLuint g2 = make_gear(green, 0.5f, 2.0f, 3.0f, 2.0f, 10);
	GLuint g3 = make_gear(blue, 1.3f, 2.0f, 3.0f, 0.5f, 10);

	glViewport(0, 0, W, H);
	glMatrixMode(GL_PROJECTION);
	glLoadIdentity();
	glFrustum(-1, 1, -1, 1, 5, 60);
	glMatrixMode(GL_MODELVIEW);

	LARGE_INTEGER freq, t0, t1;
	QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&t0);
	for (int f = 0; f < frames; f++) {
		float angle = f * 2.0f;
		MSG msg;
		while (PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE))
			DispatchMessageA(&msg);
		glClearColor(0, 0, 0, 1);
		glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
		glLoadIdentity();
		glTranslatef(0, 0, -40);
		glRotatef(20, 1, 0, 0);
		glRotatef(30, 0, 1, 0);
		glPushMatrix();
		glTranslatef(-3, -2, 0);
		glRotatef(angle, 0, 0, 1);
		glCallList(g1);
		glPopMatrix();
		glPushMatrix();
		glTranslatef(3.1f, -2, 0);
		glRotatef(-2 * angle - 9, 0, 0, 1);
		glCallList(g2);
		glPopMatrix();
		glPushMatrix();
		glTranslatef(-3.1f, 4.2f, 0);
		glRotatef(-2 * angle - 25, 0, 0, 1);
		glCallList(g3);
		glPopMatrix();
		if (!SwapBuffers(w.dc)) {
			printf("wgl_gears: SwapBuffers failed at frame %d\n", f);
			return 1;
		}
	}
	glFinish();
	QueryPerformanceCounter(&t1);
	double s = (double)(t1.QuadPart - t0.QuadPart) / (double)freq.QuadPart;
	GLenum err = glGetError();
	/* The red gear covers the window's center-left. */
	unsigned px = test_window_pixel(&w, W / 2 - 40, H / 2 + 20);
	if (!test_window_dump(&w))
		return 1;
	int lit = font_pixels(&w);
	printf("wgl_gears: wglUseFontBitmaps text: %d pixels lit\n", lit);
	test_window_close(&w);
	printf("wgl_gears: %d frames in %.2f s = %.1f FPS\n", frames, s, frames / s);
	if (err || (px >> 16) < 0x20 || px == 0 || lit < 20) {
		printf("wgl_gears: FAILED (glGetError %#x, pixel %06x)\n", err, px);
		return 1;
	}
	printf("wgl_gears: ok %s (pixel %06x)\n", test_arch(), px);
	return 0;
}
