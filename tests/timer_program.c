/*
 * The flush timer, seen from the host: context A fills a buffer and then
 * waits without glFlush; context B (sharing A's objects, current in another
 * thread, so nothing of A is flushed on its behalf) reads the buffer back.
 * With the timer (default) B sees the data; with SGL_FLUSH_MS=0 it must not
 * (the batch is still in A's encoder). TIMER_EXPECT=flushed|waiting says
 * which is checked. TIMER_EXPECT=busy: large uploads whose copy into the
 * batch outlasts several ticks (run it with SGL_FLUSH_MS=1) must arrive
 * whole: the timer must never send a batch while its owner is inside a
 * call. In the first two modes the process must also stay idle while it
 * waits: the timer sleeps between ticks (a tick deadline on the wrong clock
 * once made it spin a core). Exit: 0 as expected, 1 not, 2 no server.
 */
#define GL_GLEXT_PROTOTYPES
#include <GL/gl.h>
#include <GL/glext.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

static struct sgl_context *a, *b;
static GLuint buffer;
static const char data[16] = "flushed by timer";
static char seen[16];
static GLenum seen_error;

static void *read_in_b(void *arg)
{
	(void)arg;
	sgl_context_make_current(b);
	glGetError();
	glBindBuffer(GL_ARRAY_BUFFER, buffer);
	glGetBufferSubData(GL_ARRAY_BUFFER, 0, sizeof(seen), seen);
	seen_error = glGetError();
	sgl_context_make_current(NULL);
	return NULL;
}

/* Uploads of 48 MiB, each checked at a few places through a readback. */
static int busy(void)
{
	enum { SIZE = 48 << 20 };
	uint32_t *data = malloc(SIZE);
	int bad = 0;
	if (!data)
		return 2;
	glGenBuffers(1, &buffer);
	glBindBuffer(GL_ARRAY_BUFFER, buffer);
	for (uint32_t round = 0; round < 6 && !bad; round++) {
		for (uint32_t i = 0; i < SIZE / 4; i++)
			data[i] = i * 2654435761u + round;
		glBufferData(GL_ARRAY_BUFFER, SIZE, data, GL_STATIC_DRAW);
		for (uint32_t k = 0; k < 8; k++) {
			uint32_t at = (SIZE / 4 - 1) / 7 * k, v = 0;
			glGetBufferSubData(GL_ARRAY_BUFFER, at * 4, 4, &v);
			if (v != data[at]) {
				printf("timer_program: round %u word %u: 0x%08x, sent 0x%08x\n", round,
				       at, v, data[at]);
				bad = 1;
			}
		}
	}
	bad |= glGetError() != GL_NO_ERROR;
	free(data);
	printf("timer_program: large uploads %s\n", bad ? "CORRUPTED" : "whole");
	return bad;
}

int main(void)
{
	const char *expect = getenv("TIMER_EXPECT");
	if (!expect)
		expect = "flushed";
	if (!strcmp(expect, "busy")) {
		if (!(a = sgl_context_new(1, 0, 0, NULL, 16, 16, 0)))
			return 2;
		sgl_context_make_current(a);
		int r = busy();
		sgl_context_make_current(NULL);
		sgl_context_free(a);
		return r;
	}
	if (!(a = sgl_context_new(1, 0, 0, NULL, 16, 16, 0)) ||
	    !(b = sgl_context_new(1, 0, 0, a, 16, 16, 0)))
		return 2;
	sgl_context_make_current(a);
	glGetError();   /* a round trip: everything before is on the host */
	glGenBuffers(1, &buffer);
	glBindBuffer(GL_ARRAY_BUFFER, buffer);
	glBufferData(GL_ARRAY_BUFFER, sizeof(data), data, GL_STATIC_DRAW);
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	usleep(200 * 1000);   /* no GL call: only the timer can send the batch */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double idle_ms = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
	printf("timer_program: %.1f ms of CPU while waiting 200 ms\n", idle_ms);

	pthread_t t;
	pthread_create(&t, NULL, read_in_b, NULL);
	pthread_join(t, NULL);
	bool flushed = seen_error == GL_NO_ERROR && !memcmp(seen, data, sizeof(data));
	printf("timer_program: B %s A's buffer (error 0x%x), expected %s\n",
	       flushed ? "sees" : "does not see", seen_error, expect);

	sgl_context_make_current(NULL);
	sgl_context_free(b);
	sgl_context_free(a);
	if (idle_ms > 40.0)
		printf("timer_program: the process was busy while idle\n");
	return flushed == !strcmp(expect, "flushed") && idle_ms <= 40.0 ? 0 : 1;
}
