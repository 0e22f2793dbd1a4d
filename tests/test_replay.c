/*
 * Replays the inputs the fuzzer once broke the host with (fuzz/regressions/,
 * fuzz_submit's format: byte 0 picks the context API, the rest is a command
 * stream). Each must run without crashing the host, leave the context in a
 * state consistent with the submit's result, and leave the host able to
 * render in a fresh context. Exit 0 or 1; prints "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglhost.h"

static void quiet(void *user, enum sglhost_log_level l, const char *f, int n, const char *m)
{
	(void)user, (void)l, (void)f, (void)n, (void)m;
}

static int sink(void *user, const void *data, size_t size)
{
	(void)user;
	uint32_t hdr[2];
	if (size < 8 || size % 8)
		return -EBADMSG;
	memcpy(hdr, data, 8);
	return hdr[1] == size ? 0 : -EBADMSG;
}

static int replay(struct sglhost *host, const char *path)
{
	static const enum sglhost_api apis[4] = { SGLHOST_API_GL_COMPAT, SGLHOST_API_GL_CORE,
						  SGLHOST_API_GLES, SGLHOST_API_GLES };
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = aligned_alloc(8, 1 << 20);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!n) {
		free(buf);
		return -1;
	}
	struct sglhost_context_config cc;
	sglhost_context_config_init(&cc);
	cc.api = apis[buf[0] & 3];
	cc.width = 64;
	cc.height = 64;
	struct sglhost_context *ctx = sglhost_context_create(host, &cc);
	int bad = !ctx;
	if (ctx) {
		uint8_t *cmds = aligned_alloc(8, (n + 15) & ~(size_t)7);   /* C11: a multiple of 8 */
		memcpy(cmds, buf + 1, n - 1);
		int r = sglhost_context_submit(ctx, cmds, n - 1, sink, NULL);
		struct sglhost_context_status st = { .version = SGLHOST_STATUS_VERSION };
		sglhost_context_get_status(ctx, &st);
		/* 0 <=> alive; -EPROTO <=> lost with a reason. */
		bad |= r == 0 ? st.lost : !(r == -EPROTO && st.lost && st.reason[0]);
		printf("# %s: %s%s\n", path, r ? "lost: " : "ran", r ? st.reason : "");
		free(cmds);
		sglhost_context_destroy(ctx);
	}
	free(buf);
	return bad;
}

int main(int argc, char **argv)
{
	struct sglhost_config cfg;
	sglhost_config_init(&cfg);
	cfg.platform = SGLHOST_PLATFORM_SURFACELESS;
	cfg.log = quiet;
	cfg.max_context_memory = 64 << 20;
	struct sglhost *host = sglhost_create(&cfg);
	if (!host)
		return 77;
	int passed = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		int r = replay(host, argv[i]);
		printf("%s - %s\n", r ? "not ok" : "ok", argv[i]);
		r ? failed++ : passed++;
	}
	/* The host still renders for others. */
	struct sglhost_context_config cc;
	sglhost_context_config_init(&cc);
	struct sglhost_context *ctx = sglhost_context_create(host, &cc);
	if (!ctx) {
		printf("not ok - a fresh context after the replays\n");
		failed++;
	} else {
		printf("ok - a fresh context after the replays\n");
		passed++;
		sglhost_context_destroy(ctx);
	}
	sglhost_destroy(host);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
