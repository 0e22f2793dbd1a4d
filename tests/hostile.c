/*
 * Hostile byte streams against one sgl-host listener (issue 14, item 6):
 *
 *   hostile TRANSPORT SECONDS [SEED]
 *
 * TRANSPORT is what a guest puts in $SGL_TRANSPORT (shm:PATH, unix:PATH,
 * tcp:HOST:PORT). For SECONDS it opens streams, up to PARALLEL at a time,
 * each in a child process (so a stream the host leaves hanging is bounded
 * by alarm() and cannot hold the tester up), of these kinds in turn:
 * random bytes, lying headers (sizes far beyond what follows), a valid
 * HELLO then garbage, commands and message kinds out of range, a flood of
 * context creations, broken HELLOs, and slow senders (a byte at a time,
 * then silence). It prints how many streams of each kind it sent and exits
 * 0; whether the host survived and still serves is for the caller
 * (tests/hostile.sh) to check. Exit 1 when not a single stream could be
 * opened (the listener is gone).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "channel.h"
#include "shm.h"
#include "stream.h"
#include "sgl_session.h"
#include "sgl_wire.h"
#include "sgl_wire_id.h"

enum { PARALLEL = 8, STREAM_SECONDS = 5 };

enum kind {
	RANDOM_BYTES, LYING_HEADER, HELLO_GARBAGE, BAD_COMMANDS, CONTEXT_FLOOD,
	BAD_HELLO, SLOW_SENDER, KINDS
};
static const char *const kind_names[KINDS] = {
	"random bytes", "lying header", "valid HELLO then garbage",
	"commands/kinds out of range", "context-creation flood", "broken HELLO",
	"slow sender",
};

static const char *transport;

static uint32_t rnd(void)
{
	return (uint32_t)random() << 16 ^ (uint32_t)random();
}

static void fill(void *buf, size_t n)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)random();
}

static struct sgl_channel *open_channel(void)
{
	char err[256];
	if (!strncmp(transport, "shm:", 4))
		return sgl_shm_connect(transport + 4, err, sizeof(err));
	return sgl_stream_connect(transport, err, sizeof(err));
}

static int send_msg(struct sgl_channel *ch, uint32_t kind, uint32_t context,
		    const void *payload, uint32_t size)
{
	struct sgl_msg_header h = { (uint32_t)sizeof(h) + ((size + 7) & ~7u), kind, context, 0 };
	uint8_t pad[8] = { 0 };
	if (ch->ops->write(ch, &h, sizeof(h)) || (size && ch->ops->write(ch, payload, size)))
		return -1;
	return (size & 7) ? ch->ops->write(ch, pad, 8 - (size & 7)) : 0;
}

static void hello(struct sgl_msg_hello *m)
{
	static const uint8_t wire[32] = SGL_WIRE_ID_BYTES;
	memset(m, 0, sizeof(*m));
	m->magic = SGL_SESSION_MAGIC;
	m->version = SGL_SESSION_VERSION;
	snprintf(m->name, sizeof(m->name), "hostile");
	memcpy(m->wire, wire, sizeof(wire));
}

static int send_hello(struct sgl_channel *ch)
{
	struct sgl_msg_hello m;
	hello(&m);
	return send_msg(ch, SGL_MSG_HELLO, 0, &m, sizeof(m));
}

/* Commands of random opcodes (some in range, most not) and sizes that lie
 * now and then. */
static void bad_commands(struct sgl_channel *ch, uint32_t context)
{
	static uint8_t buf[4096];
	size_t n = 0;
	while (n + sizeof(struct sgl_header) + 16 <= sizeof(buf)) {
		struct sgl_header h = { rnd() % 4 ? rnd() % 4096 : rnd(),
					rnd() % 8 ? 8 + 8 * (rnd() % 3) : rnd() };
		memcpy(buf + n, &h, sizeof(h));
		fill(buf + n + sizeof(h), 16);
		n += sizeof(h) + 16;
	}
	send_msg(ch, SGL_MSG_COMMANDS, context, buf, (uint32_t)n);
}

static void run_stream(enum kind k)
{
	struct sgl_channel *ch = open_channel();
	if (!ch)
		_exit(3);
	static uint8_t buf[65536];
	struct sgl_msg_create_context cc;
	struct sgl_msg_hello m;
	switch (k) {
	case RANDOM_BYTES:
		fill(buf, sizeof(buf));
		ch->ops->write(ch, buf, 1 + rnd() % sizeof(buf));
		break;
	case LYING_HEADER: {
		/* A size far beyond what follows, then a few bytes and the end. */
		struct sgl_msg_header h = { rnd() % 2 ? 0x0ffffff8u : rnd() | 0x100000u,
					    rnd() % 2 ? SGL_MSG_HELLO : rnd(), rnd(), rnd() };
		if (rnd() % 2)
			send_hello(ch);
		ch->ops->write(ch, &h, sizeof(h));
		fill(buf, 256);
		ch->ops->write(ch, buf, rnd() % 256);
		break;
	}
	case HELLO_GARBAGE:
		send_hello(ch);
		fill(buf, sizeof(buf));
		ch->ops->write(ch, buf, 1 + rnd() % sizeof(buf));
		break;
	case BAD_COMMANDS:
		send_hello(ch);
		for (int i = 0; i < 8; i++) {
			if (rnd() % 3 == 0) {   /* a message kind out of range */
				fill(buf, 64);
				send_msg(ch, rnd() % 2 ? 5 + rnd() % 59 : rnd(), rnd() % 4, buf,
					 rnd() % 64);
			} else {
				bad_commands(ch, rnd() % 4);
			}
		}
		break;
	case CONTEXT_FLOOD:
		send_hello(ch);
		for (int i = 0; i < 200; i++) {
			memset(&cc, 0, sizeof(cc));
			cc.api = rnd() % 4 ? 1 : rnd();
			cc.major = rnd() % 4 ? 0 : (int32_t)rnd();
			cc.share = rnd() % 4 ? 0 : rnd() % 300;
			cc.width = rnd() % 8 ? 1 + rnd() % 64 : rnd();
			cc.height = rnd() % 8 ? 1 + rnd() % 64 : rnd();
			cc.flags = rnd() % 4;
			if (send_msg(ch, SGL_MSG_CREATE_CONTEXT, 1 + rnd() % 1000, &cc, sizeof(cc)))
				break;
			if (rnd() % 8 == 0)
				send_msg(ch, SGL_MSG_DESTROY_CONTEXT, rnd() % 1000, NULL, 0);
		}
		break;
	case BAD_HELLO: {
		hello(&m);
		switch (rnd() % 4) {
		case 0: m.magic = rnd(); break;
		case 1: m.version = rnd(); break;
		case 2: memset(m.name, 'x', sizeof(m.name)); break;   /* no NUL */
		default: m.wire[rnd() % 32] ^= 0xff; break;
		}
		/* Sometimes short, sometimes a size not a multiple of 8. */
		struct sgl_msg_header h = { (uint32_t)sizeof(h) + (uint32_t)sizeof(m), SGL_MSG_HELLO, 0, 0 };
		if (rnd() % 3 == 0)
			h.size = rnd() % 2 ? rnd() % 16 : h.size - 1 - rnd() % 7;
		ch->ops->write(ch, &h, sizeof(h));
		ch->ops->write(ch, &m, sizeof(m));
		break;
	}
	case SLOW_SENDER: {
		/* A valid HELLO a byte at a time, then silence. */
		struct sgl_msg_header h = { (uint32_t)sizeof(h) + (uint32_t)sizeof(m), SGL_MSG_HELLO, 0, 0 };
		hello(&m);
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + sizeof(h), &m, sizeof(m));
		size_t n = rnd() % (sizeof(h) + sizeof(m));
		for (size_t i = 0; i < n; i++) {
			if (ch->ops->write(ch, buf + i, 1))
				break;
			usleep(2000);
		}
		usleep(500000);
		break;
	}
	default:
		break;
	}
	ch->ops->shutdown(ch);
	ch->ops->destroy(ch);
	_exit(0);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: hostile TRANSPORT SECONDS [SEED]\n");
		return 2;
	}
	transport = argv[1];
	double seconds = atof(argv[2]);
	unsigned seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : (unsigned)getpid();
	signal(SIGPIPE, SIG_IGN);
	printf("hostile: %s for %.1f s, seed %u\n", transport, seconds, seed);
	fflush(stdout);

	unsigned sent[KINDS] = { 0 }, opened = 0, refused = 0, killed = 0, total = 0;
	pid_t kids[PARALLEL] = { 0 };
	enum kind kid_kind[PARALLEL];
	double end = now() + seconds;
	int running = 0;
	for (unsigned n = 0; now() < end || running; n++) {
		int slot = -1;
		for (int i = 0; i < PARALLEL; i++)
			if (!kids[i] && slot < 0)
				slot = i;
		if (slot >= 0 && now() < end) {
			enum kind k = (enum kind)(n % KINDS);
			unsigned s = seed * 2654435761u + n;
			pid_t p = fork();
			if (p == 0) {
				srandom(s);
				alarm(STREAM_SECONDS);
				run_stream(k);
			}
			if (p > 0) {
				kids[slot] = p;
				kid_kind[slot] = k;
				running++;
				total++;
				continue;
			}
		}
		int status;
		pid_t p = waitpid(-1, &status, 0);
		for (int i = 0; i < PARALLEL && p > 0; i++) {
			if (kids[i] != p)
				continue;
			kids[i] = 0;
			running--;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
				refused++;
			} else {
				opened++;
				sent[kid_kind[i]]++;
				if (WIFSIGNALED(status))
					killed++;
			}
		}
	}
	for (int k = 0; k < KINDS; k++)
		printf("hostile: %s: %u streams\n", kind_names[k], sent[k]);
	printf("hostile: %s: %u streams sent, %u connections refused, %u held past %d s "
	       "(ended by the tester)\n", transport, opened, refused, killed, STREAM_SECONDS);
	return opened ? 0 : 1;
}
