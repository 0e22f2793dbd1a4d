/*
 * A small GL program run through the guest library and sgl-host over the
 * transport in $SGL_TRANSPORT (tests/integration.sh starts the server). It
 * uses the plain gl* entry points, checks the frame that comes back after
 * the swap, and a readback through glReadPixels. A command the protocol
 * does not carry (build/protocol/unsupported.txt) raises
 * GL_INVALID_OPERATION, as a driver without it does, and says so on stderr
 * once (integration.sh counts the lines).
 * Exit: 0 ok, 1 wrong result, 2 no server.
 */
#include <GL/gl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

#define W 96
#define H 64

void glMultiModeDrawArraysIBM(const GLenum *mode, const GLint *first, const GLsizei *count,
			      GLsizei primcount, GLint modestride);

static struct sgl_frame last;
static uint8_t *last_pixels;

/* Keeps a copy: the frame is valid only during the callback. */
static void keep(void *user, const struct sgl_frame *f)
{
	(void)user;
	free(last_pixels);
	last_pixels = malloc((size_t)f->stride * f->height);
	if (last_pixels)
		memcpy(last_pixels, f->pixels, (size_t)f->stride * f->height);
	last = *f;
	last.pixels = last_pixels;
}

static uint32_t frame_pixel(const struct sgl_frame *f, uint32_t x, uint32_t y)
{
	uint32_t v;
	memcpy(&v, f->pixels + (size_t)y * f->stride + (size_t)x * 4, 4);
	return v & 0xffffff;   /* 0x00RRGGBB */
}

static int check(const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "guest_program: %s: 0x%06x, want 0x%06x\n", what, got, want);
	return 1;
}

/* The frame: red, its left half green. */
static void draw(void)
{
	glViewport(0, 0, W, H);
	glClearColor(1.0f, 0.0f, 0.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);
	glColor3f(0.0f, 1.0f, 0.0f);
	glBegin(GL_QUADS);   /* the left half */
	glVertex2f(-1, -1);
	glVertex2f(0, -1);
	glVertex2f(0, 1);
	glVertex2f(-1, 1);
	glEnd();
}

/*
 * Deferred swaps (SGL_FRAME_LATENCY=1): frame N is shown during swap N+1,
 * while the host handles that swap. Each frame has its own colour: the one
 * shown must be the one drawn before, whole, and from a host on this
 * machine consecutive frames come in two segments in turn (the one shown
 * is not the one the next swap writes).
 */
static int deferred_swaps(struct sgl_context *c)
{
	const char *how = getenv("GUEST_PROGRAM_FRAMES");
	bool shared = how && !strcmp(how, "shared");
	int bad = 0, shmid = -1;
	setenv("SGL_FRAME_LATENCY", "1", 1);
	for (uint32_t frame = 0; frame <= 6; frame++) {
		last.width = 0;
		if (frame < 6) {
			glClearColor((float)(frame * 40 + 20) / 255.0f, 0.0f, 1.0f, 1.0f);
			glClear(GL_COLOR_BUFFER_BIT);
			bad |= sgl_context_swap_deferred(c, keep, NULL, true) != 0;
		} else {
			bad |= sgl_session_show_frame(&c->link) != 0;
		}
		if (frame == 0) {
			bad |= check("nothing shown at the first deferred swap", last.width, 0);
			continue;
		}
		if (last.width != W || last.height != H || !last_pixels) {
			fprintf(stderr, "guest_program: deferred frame %u not shown\n", frame - 1);
			return 1;
		}
		uint32_t want = (uint32_t)((frame - 1) * 40 + 20) << 16 | 0xff;
		bad |= check("deferred frame, top left", frame_pixel(&last, 0, 0), want);
		bad |= check("deferred frame, bottom right", frame_pixel(&last, W - 1, H - 1), want);
		if (shared && (last.shmid < 0 || last.shmid == shmid)) {
			fprintf(stderr, "guest_program: deferred frame %u in segment %d after %d\n",
				frame - 1, last.shmid, shmid);
			bad = 1;
		}
		shmid = last.shmid;
	}
	unsetenv("SGL_FRAME_LATENCY");
	return bad;
}

int main(void)
{
	const char *t = getenv("SGL_TRANSPORT");
	struct sgl_context *c = sgl_context_new(1 /* GL compatibility */, 0, 0, NULL, W, H, 0);
	if (!c)
		return 2;
	sgl_context_make_current(c);
	printf("guest_program: %s over %s, GL %d.%d\n", glGetString(GL_RENDERER), t ? t : "shm",
	       c->major, c->minor);
	fflush(stdout);   /* tests wait for this line */

	/* $GUEST_PROGRAM_PAUSE: seconds to wait after the first frame (while
	 * a test does something to another client). */
	const char *pause = getenv("GUEST_PROGRAM_PAUSE");
	/* $GUEST_PROGRAM_COUNT: frames to draw (3), more for a test that
	 * kills it while it draws (tests/killed.sh). */
	const char *count = getenv("GUEST_PROGRAM_COUNT");
	int frames = count ? atoi(count) : 3;
	if (frames < 3)
		frames = 3;
	int bad = 0;
	for (int frame = 0; frame < frames; frame++) {
		if (frame == 1 && pause)
			usleep((useconds_t)(atof(pause) * 1e6));
		draw();
		if (frame == frames - 1) {
			uint8_t px[4] = { 0 };
			glReadPixels(W / 4, H / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
			bad |= check("glReadPixels", (uint32_t)px[0] << 16 | px[1] << 8 | px[2],
				     0x00ff00);
		}
		last.width = 0;
		if (sgl_context_swap(c, keep, NULL) || last.width != W || last.height != H ||
		    !last_pixels) {
			fprintf(stderr, "guest_program: no frame (%s)\n", c->link.reason);
			return 1;
		}
		/* $GUEST_PROGRAM_FRAMES: how the frame must have come (shared: in
		 * the host's SysV segment, message: in the session message). */
		const char *how = getenv("GUEST_PROGRAM_FRAMES");
		if (how && !strcmp(how, "shared") != (last.shmid >= 0)) {
			fprintf(stderr, "guest_program: frame came %s, wanted %s\n",
				last.shmid >= 0 ? "shared" : "in a message", how);
			bad = 1;
		}
		bad |= check("left", frame_pixel(&last, W / 4, H / 2), 0x00ff00);
		bad |= check("right", frame_pixel(&last, 3 * W / 4, H / 2), 0xff0000);
	}
	/* The last frame is the usual one again: tests look at it
	 * (tests/embed.sh). */
	bad |= deferred_swaps(c);
	draw();
	last.width = 0;
	if (sgl_context_swap(c, keep, NULL) || last.width != W || !last_pixels) {
		fprintf(stderr, "guest_program: no frame after the deferred ones\n");
		return 1;
	}
	bad |= check("last frame, left", frame_pixel(&last, W / 4, H / 2), 0x00ff00);
	bad |= glGetError() != GL_NO_ERROR;
	for (int i = 0; i < 2; i++) {
		glMultiModeDrawArraysIBM(NULL, NULL, NULL, 0, 0);
		if (glGetError() != GL_INVALID_OPERATION) {
			fprintf(stderr, "guest_program: an unsupported command raised no "
				"GL_INVALID_OPERATION\n");
			bad = 1;
		}
	}
	sgl_context_make_current(NULL);
	sgl_context_free(c);
	free(last_pixels);
	printf("guest_program: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
