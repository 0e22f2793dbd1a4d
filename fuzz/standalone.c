/*
 * A transport fuzz target without libFuzzer (fuzz.h):
 *
 *   fuzz_replay_X --seeds DIR     writes the target's seeds into DIR
 *   fuzz_replay_X [PATH...]       runs the seeds, then every PATH (a file,
 *                                 or every file in a directory)
 *
 * The second form is the meson test that replays fuzz/regressions-X/: an
 * input that breaks the code again aborts (or trips a sanitizer) here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

const int fuzz_standalone = 1;

static unsigned runs;

static void run_one(const char *name, const uint8_t *data, size_t size)
{
	/* A copy of exactly the input's size, as libFuzzer passes it. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		fuzz_die("out of memory");
	memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	printf("# %s: %zu bytes ran\n", name, size);
	runs++;
}

static void emit_run(void *user, const char *name, const uint8_t *data, size_t size)
{
	(void)user;
	run_one(name, data, size);
}

static void emit_write(void *user, const char *name, const uint8_t *data, size_t size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", (const char *)user, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		fuzz_die("%s: %s", path, strerror(errno));
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fuzz_die("%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			fuzz_die("out of memory");
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
	}
	fclose(f);
	run_one(path, buf, n);
	free(buf);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		fuzz_die("%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		fuzz_die("%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && strcmp(names[i]->d_name, "README.md") &&
		    stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			run_file(sub);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--seeds")) {
		fuzz_seeds(emit_write, argv[2]);
		return 0;
	}
	fuzz_seeds(emit_run, NULL);
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%u inputs ran\n", runs);
	return 0;
}
