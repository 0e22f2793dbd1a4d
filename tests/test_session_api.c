/*
 * The public session over bytes the embedder moves (sglhost_session.h):
 * HELLO, a context, a frame drawn by the guest encoder and read back both
 * in the FRAME message and by the embedder in its PRESENT event; bytes fed
 * one at a time and through the zero-copy buffer; a guest breaking the
 * protocol, a wrong token, a failing send callback; migration refused.
 * Out of process (SGLHOST_TEST_HELPER: the sglhost-render built here): a
 * frame through the helper, a protocol error, and the helper killed with
 * SIGSEGV while this process, the embedder, carries on.
 * Only the installed headers and libsglhost.so are used on the host side.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "children.h"
#include "encoder.h"
#include "sgl_session.h"
#include "sgl_wire_id.h"
#include "sglhost_session.h"

#define W 32
#define H 24
#define CTX 7

struct fixture {
	struct sglhost *host;
	struct sglhost_session *s;
	uint8_t out[1 << 16];       /* what the session sent, not yet looked at */
	size_t out_len;
	int send_rc;                /* what the send callback returns */
	int presents, lost, ended, end_error;
	uint32_t present_pixel;     /* RGBA at the center, read in the event */
	char end_text[256];
	bool one_byte;              /* feed one byte at a time */
};

static int on_send(void *user, const void *data, size_t size)
{
	struct fixture *f = user;
	if (f->send_rc)
		return f->send_rc;
	if (size > sizeof(f->out) - f->out_len)
		return -ENOBUFS;
	memcpy(f->out + f->out_len, data, size);
	f->out_len += size;
	return 0;
}

static void on_event(void *user, const struct sglhost_session_event *ev)
{
	struct fixture *f = user;
	uint32_t px[W * H];
	switch (ev->type) {
	case SGLHOST_SESSION_EVENT_PRESENT:
		f->presents++;
		if (ev->width == W && ev->height == H &&
		    sglhost_context_read_pixels(ev->context, SGLHOST_PIXEL_RGBA8888, px, W * 4, W,
						H) == 0)
			f->present_pixel = px[(H / 2) * W + W / 2];
		break;
	case SGLHOST_SESSION_EVENT_CONTEXT_LOST:
		f->lost++;
		break;
	case SGLHOST_SESSION_EVENT_ENDED:
		f->ended++;
		f->end_error = ev->error;
		snprintf(f->end_text, sizeof(f->end_text), "%s", ev->text);
		break;
	default:
		break;
	}
}

static int feed(struct fixture *f, const void *data, size_t size)
{
	if (!f->one_byte)
		return sglhost_session_feed(f->s, data, size);
	/* Through the zero-copy buffer, a byte at a time. */
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++) {
		void *buf;
		size_t room;
		int r = sglhost_session_get_buffer(f->s, &buf, &room);
		if (r)
			return r;
		assert_true(room >= 1);
		memcpy(buf, p + i, 1);
		r = sglhost_session_commit(f->s, 1);
		if (r)
			return r;
	}
	return 0;
}

static int send_msg(struct fixture *f, uint32_t kind, uint32_t context, uint32_t flags,
		    const void *payload, size_t len)
{
	size_t size = (sizeof(struct sgl_msg_header) + len + 7) & ~(size_t)7;
	struct sgl_msg_header h = { (uint32_t)size, kind, context, flags };
	uint8_t *msg = calloc(1, size);
	assert_non_null(msg);
	memcpy(msg, &h, sizeof(h));
	if (len)
		memcpy(msg + sizeof(h), payload, len);
	int r = feed(f, msg, size);
	free(msg);
	return r;
}

static bool whole_message(struct fixture *f)
{
	struct sgl_msg_header h;
	if (f->out_len < sizeof(h))
		return false;
	memcpy(&h, f->out, sizeof(h));
	return f->out_len >= h.size;
}

/* Out of process: waits (5 s at most) for the helper's answers to reach
 * the send callback through get_fd/dispatch. Returns dispatch's last. */
static int pump(struct fixture *f, bool until_message)
{
	int r = sglhost_session_dispatch(f->s);
	for (int i = 0; !r && i < 500 && !(until_message && whole_message(f)); i++) {
		int fd = sglhost_session_get_fd(f->s);
		if (fd < 0)
			break;
		struct pollfd p = { fd, POLLIN, 0 };
		poll(&p, 1, 10);
		r = sglhost_session_dispatch(f->s);
		if (r)
			break;
	}
	return r;
}

/* Takes the first message the session sent: its header, payload at *p. */
static struct sgl_msg_header take(struct fixture *f, uint8_t *payload, size_t cap)
{
	struct sgl_msg_header h;
	pump(f, true);
	assert_true(f->out_len >= sizeof(h));
	memcpy(&h, f->out, sizeof(h));
	assert_true(h.size >= sizeof(h) && h.size <= f->out_len);
	size_t n = h.size - sizeof(h);
	if (payload)
		memcpy(payload, f->out + sizeof(h), n < cap ? n : cap);
	memmove(f->out, f->out + h.size, f->out_len - h.size);
	f->out_len -= h.size;
	return h;
}

static bool out_of_process;

static struct fixture *setup_session(uint32_t flags, const uint8_t *token)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	struct sglhost_config hc;
	sglhost_config_init(&hc);
	hc.platform = SGLHOST_PLATFORM_SURFACELESS;
	f.host = sglhost_create(&hc);
	if (!f.host)
		return NULL;
	struct sglhost_session_config sc;
	sglhost_session_config_init(&sc);
	sc.host = f.host;
	sc.flags = flags;
	if (out_of_process) {
		/* The helper opens a display of its own. */
		sglhost_destroy(f.host);
		f.host = NULL;
		sc.host = NULL;
		sc.flags |= SGLHOST_SESSION_OUT_OF_PROCESS;
		sc.host_config = &hc;
		sc.helper_path = getenv("SGLHOST_TEST_HELPER");
		assert_non_null(sc.helper_path);
	}
	if (token)
		memcpy(sc.token, token, 32);
	sc.max_width = 1024;
	sc.max_height = 768;
	sc.peer = "test";
	sc.send = on_send;
	sc.send_user = &f;
	sc.event = on_event;
	sc.event_user = &f;
	f.s = sglhost_session_create(&sc);
	assert_non_null(f.s);
	return &f;
}

static void teardown_session(struct fixture *f)
{
	sglhost_session_destroy(f->s);
	sglhost_destroy(f->host);
}

static int hello(struct fixture *f, const uint8_t *token)
{
	struct sgl_msg_hello m = { SGL_SESSION_MAGIC, SGL_SESSION_VERSION, { 0 }, "test",
				   SGL_WIRE_ID_BYTES };
	if (token)
		memcpy(m.token, token, 32);
	return send_msg(f, SGL_MSG_HELLO, 0, 0, &m, sizeof(m));
}

/* The encoder's batches become COMMANDS for context CTX asking for a frame. */
static int enc_submit(void *user, const void *buf, size_t size)
{
	return send_msg(user, SGL_MSG_COMMANDS, CTX, SGL_MSG_F_WANTS_FRAME, buf, size);
}

static int enc_roundtrip(void *user, const void *buf, size_t size, const void **reply,
			 size_t *reply_size)
{
	(void)user, (void)buf, (void)size, (void)reply, (void)reply_size;
	return -1;
}

static void frame(bool one_byte)
{
	struct fixture *f = setup_session(0, NULL);
	if (!f)
		skip();
	f->one_byte = one_byte;
	assert_int_equal(hello(f, NULL), 0);
	uint8_t p[8192];
	struct sgl_msg_header h = take(f, p, sizeof(p));
	assert_int_equal(h.kind, SGL_MSG_WELCOME);
	struct sgl_msg_welcome w;
	memcpy(&w, p, sizeof(w));
	assert_int_equal(w.max_width, 1024);

	struct sgl_msg_create_context cc = { SGLHOST_API_GL_COMPAT, 0, 0, 0, W, H, 0, 0 };
	assert_int_equal(send_msg(f, SGL_MSG_CREATE_CONTEXT, CTX, 0, &cc, sizeof(cc)), 0);
	h = take(f, p, sizeof(p));
	assert_int_equal(h.kind, SGL_MSG_CONTEXT_CREATED);
	struct sgl_msg_context_created r;
	memcpy(&r, p, sizeof(r));
	assert_int_equal(r.status, 0);

	struct sgl_transport_ops ops = { enc_submit, enc_roundtrip, NULL };
	struct sgl_enc e;
	assert_int_equal(sgl_enc_init(&e, 4 << 20, &ops, f), 0);
	/* One batch of about 1 MiB: the session's buffer grows as it comes. */
	for (int i = 0; i < 40000; i++)
		sgl_enc_glClearColor(&e, 0.0f, 0.0f, 1.0f, 1.0f);
	sgl_enc_glClearColor(&e, 0.0f, 1.0f, 0.0f, 1.0f);
	sgl_enc_glClear(&e, GL_COLOR_BUFFER_BIT);
	sgl_enc_sglSwapBuffers(&e);
	assert_int_equal(sgl_enc_flush(&e), 0);
	sgl_enc_finish(&e);

	h = take(f, p, sizeof(p));
	assert_int_equal(f->presents, 1);
	if (!out_of_process)
		assert_int_equal(f->present_pixel, 0xff00ff00u);   /* RGBA 0,255,0,255 */
	assert_int_equal(h.kind, SGL_MSG_FRAME);
	assert_int_equal(h.context, CTX);
	assert_false(h.flags & SGL_MSG_F_FRAME_SHARED);
	struct sgl_msg_frame fr;
	memcpy(&fr, p, sizeof(fr));
	assert_int_equal(fr.width, W);
	assert_int_equal(fr.height, H);
	uint32_t bgra;
	memcpy(&bgra, p + sizeof(fr) + (size_t)(H / 2) * fr.stride + (W / 2) * 4, 4);
	assert_int_equal(bgra, 0xff00ff00u);   /* B 0, G 255, R 0, A 255 */
	assert_int_equal(f->lost, 0);
	assert_false(sglhost_session_ended(f->s));
	assert_int_equal(sglhost_session_save(f->s, p, &(size_t){ sizeof(p) }), -ENOTSUP);
	teardown_session(f);
}

/* The ways a frame is tried (cmocka prestate). */
enum mode { WHOLE, ONE_BYTE, OUT_OF_PROCESS };
static const enum mode modes[] = { WHOLE, ONE_BYTE, OUT_OF_PROCESS };

static void test_frame(void **state)
{
	enum mode m = *(const enum mode *)*state;
	out_of_process = m == OUT_OF_PROCESS;
	frame(m == ONE_BYTE);
	out_of_process = false;
}

static pid_t helper_pid(void)
{
	return child_named("sglhost-render");
}

static const struct sgl_msg_create_context context_msg = {
	SGLHOST_API_GL_COMPAT, 0, 0, 0, W, H, 0, 0 };

/* Out of process, welcomed, with context CTX. */
static struct fixture *oop_with_context(void)
{
	out_of_process = true;
	struct fixture *f = setup_session(0, NULL);
	out_of_process = false;
	assert_non_null(f);
	assert_int_equal(hello(f, NULL), 0);
	assert_int_equal(take(f, NULL, 0).kind, SGL_MSG_WELCOME);
	assert_int_equal(send_msg(f, SGL_MSG_CREATE_CONTEXT, CTX, 0, &context_msg,
				  sizeof(context_msg)), 0);
	assert_int_equal(take(f, NULL, 0).kind, SGL_MSG_CONTEXT_CREATED);
	return f;
}

static void test_oop_crash(void **state)
{
	(void)state;
	struct fixture *f = oop_with_context();
	/* A driver crash, as a guest's commands might cause one. */
	pid_t pid = helper_pid();
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGSEGV), 0);
	assert_int_equal(pump(f, false), -ECONNABORTED);
	assert_int_equal(f->ended, 1);
	assert_int_equal(f->end_error, -ECONNABORTED);
	/* Under a sanitizer the crash is its report and an exit status. */
	assert_true(strstr(f->end_text, "the helper process died (signal 11") ||
		    strstr(f->end_text, "the helper process failed (exit status"));
	assert_true(sglhost_session_ended(f->s));
	assert_int_equal(hello(f, NULL), -EPIPE);
	teardown_session(f);
}

/* Out of process, feed never waits for the helper: with the helper stopped
 * (SIGSTOP, as a driver stuck in the GPU), 4 MiB of batches are taken at
 * once and queued; once it runs again, dispatch passes them on and the
 * session goes on. */
static void test_oop_stuck_helper(void **state)
{
	enum { N = 1 << 18 };   /* empty COMMANDS messages, 16 bytes each */
	(void)state;
	struct fixture *f = oop_with_context();
	struct sgl_msg_header *batch = calloc(N, sizeof(*batch));
	assert_non_null(batch);
	for (int i = 0; i < N; i++)
		batch[i] = (struct sgl_msg_header){ sizeof(*batch), SGL_MSG_COMMANDS, CTX, 0 };
	pid_t pid = helper_pid();
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sglhost_session_feed(f->s, batch, (size_t)N * sizeof(*batch)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# 4 MiB fed to a stopped helper in %.1f ms, %zu bytes queued\n", ms,
	       sglhost_session_pending(f->s));
	assert_true(sglhost_session_pending(f->s) > 0);
	assert_true(ms < 2000);
	assert_int_equal(kill(pid, SIGCONT), 0);
	for (int i = 0; i < 1000 && sglhost_session_pending(f->s); i++) {
		struct pollfd p = { sglhost_session_get_fd(f->s), POLLOUT, 0 };
		poll(&p, 1, 10);
		assert_int_equal(sglhost_session_dispatch(f->s), 0);
	}
	assert_int_equal(sglhost_session_pending(f->s), 0);
	free(batch);
	/* Still there: a second context is made. */
	assert_int_equal(send_msg(f, SGL_MSG_CREATE_CONTEXT, CTX + 1, 0, &context_msg,
				  sizeof(context_msg)), 0);
	assert_int_equal(take(f, NULL, 0).kind, SGL_MSG_CONTEXT_CREATED);
	assert_int_equal(f->ended, 0);
	teardown_session(f);
}

/* A guest that speaks before HELLO: BYE with the reason, the session ends
 * with -EPROTO and that reason, later feeds are refused. */
static void not_hello_first(bool oop)
{
	out_of_process = oop;
	struct fixture *f = setup_session(0, NULL);
	out_of_process = false;
	if (!f)
		skip();
	/* Out of process: 0, or already the end when the helper was quick. */
	int r = send_msg(f, SGL_MSG_COMMANDS, 1, 0, NULL, 0);
	assert_true(r == -EPROTO || (oop && r == 0));
	uint8_t p[256];
	struct sgl_msg_header h = take(f, p, sizeof(p));
	assert_int_equal(h.kind, SGL_MSG_BYE);
	assert_string_equal((char *)p, "the first message must be HELLO");
	assert_int_equal(pump(f, false), -EPROTO);
	assert_int_equal(f->ended, 1);
	assert_int_equal(f->end_error, -EPROTO);
	assert_string_equal(f->end_text, "the first message must be HELLO");
	assert_true(sglhost_session_ended(f->s));
	assert_int_equal(hello(f, NULL), -EPIPE);
	assert_int_equal(f->ended, 1);
	teardown_session(f);
}

static void test_not_hello_first(void **state)
{
	not_hello_first(*(const enum mode *)*state == OUT_OF_PROCESS);
}

static void test_bad_size(void **state)
{
	(void)state;
	struct fixture *f = setup_session(0, NULL);
	if (!f)
		skip();
	struct sgl_msg_header h = { 12, SGL_MSG_HELLO, 0, 0 };   /* not a multiple of 8 */
	assert_int_equal(feed(f, &h, sizeof(h)), -EPROTO);
	assert_int_equal(f->ended, 1);
	/* Too large: refused on its header, nothing allocated for it. */
	teardown_session(f);
	f = setup_session(0, NULL);
	assert_int_equal(hello(f, NULL), 0);
	struct sgl_msg_header big = { SGL_SESSION_MAX_MESSAGE + 8, SGL_MSG_COMMANDS, 1, 0 };
	assert_int_equal(feed(f, &big, sizeof(big)), -EPROTO);
	teardown_session(f);
}

static void test_token(void **state)
{
	(void)state;
	uint8_t token[32], wrong[32];
	memset(token, 0x5a, sizeof(token));
	memcpy(wrong, token, sizeof(wrong));
	wrong[31] ^= 1;
	struct fixture *f = setup_session(SGLHOST_SESSION_REQUIRE_TOKEN, token);
	if (!f)
		skip();
	assert_int_equal(hello(f, wrong), -EACCES);
	assert_int_equal(take(f, NULL, 0).kind, SGL_MSG_BYE);
	teardown_session(f);
	f = setup_session(SGLHOST_SESSION_REQUIRE_TOKEN, token);
	assert_int_equal(hello(f, token), 0);
	assert_int_equal(take(f, NULL, 0).kind, SGL_MSG_WELCOME);
	teardown_session(f);
	/* A required token of zeros matches nobody, zeros included. */
	f = setup_session(SGLHOST_SESSION_REQUIRE_TOKEN, NULL);
	assert_int_equal(hello(f, NULL), -EACCES);
	teardown_session(f);
}

static void test_send_fails(void **state)
{
	(void)state;
	struct fixture *f = setup_session(0, NULL);
	if (!f)
		skip();
	f->send_rc = -EPIPE;
	assert_int_equal(hello(f, NULL), -EPIPE);
	assert_int_equal(f->ended, 1);
	assert_int_equal(f->end_error, -EPIPE);
	teardown_session(f);
}

static void test_arguments(void **state)
{
	(void)state;
	struct sglhost_session_config sc;
	sglhost_session_config_init(&sc);
	errno = 0;
	assert_null(sglhost_session_create(&sc));   /* no host, no send */
	assert_int_equal(errno, EINVAL);
	assert_null(sglhost_session_create(NULL));
	sglhost_session_destroy(NULL);
	assert_int_equal(sglhost_session_feed(NULL, "", 0), -EINVAL);
	struct fixture *f = setup_session(0, NULL);
	if (!f)
		skip();
	void *buf;
	size_t room;
	assert_int_equal(sglhost_session_get_buffer(f->s, &buf, &room), 0);
	assert_int_equal(room, sizeof(struct sgl_msg_header));
	assert_int_equal(sglhost_session_commit(f->s, room + 1), -EINVAL);
	assert_false(sglhost_session_ended(f->s));
	teardown_session(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "frame", test_frame, NULL, NULL, (void *)&modes[WHOLE] },
		{ "frame_one_byte", test_frame, NULL, NULL, (void *)&modes[ONE_BYTE] },
		{ "not_hello_first", test_not_hello_first, NULL, NULL, (void *)&modes[WHOLE] },
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_send_fails),
		cmocka_unit_test(test_arguments),
		{ "oop_frame", test_frame, NULL, NULL, (void *)&modes[OUT_OF_PROCESS] },
		cmocka_unit_test(test_oop_crash),
		cmocka_unit_test(test_oop_stuck_helper),
		{ "oop_not_hello_first", test_not_hello_first, NULL, NULL,
		  (void *)&modes[OUT_OF_PROCESS] },
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
