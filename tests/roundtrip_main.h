/* main() of the generated round-trip test. */
static uint8_t reply[1 << 20];
static size_t reply_size;
static const char *seed_dir;
static unsigned seed_count;

/* With SGL_WRITE_SEEDS=DIR every batch is also written out: the corpus
 * the decoder fuzzer starts from. */
static void write_seed(const void *buf, size_t size)
{
	char path[4096];
	if (!seed_dir)
		return;
	snprintf(path, sizeof(path), "%s/roundtrip-%04u.bin", seed_dir, seed_count++);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(buf, 1, size, f);
		fclose(f);
	}
}

static int collect(void *user, const void *data, size_t size)
{
	(void)user;
	if (size > sizeof(reply))
		return -1;
	memcpy(reply, data, size);
	reply_size = size;
	return 0;
}

static int submit(void *user, const void *buf, size_t size)
{
	(void)user;
	write_seed(buf, size);
	return sgl_dec_run(&dec, buf, size, NULL, NULL);
}

static int roundtrip(void *user, const void *buf, size_t size, const void **r, size_t *rsize)
{
	(void)user;
	write_seed(buf, size);
	reply_size = 0;
	int rc = sgl_dec_run(&dec, buf, size, collect, NULL);
	if (rc < 0 || !reply_size)
		return -1;
	*r = reply;
	*rsize = reply_size;
	return 0;
}

/* Large segments from the application's memory: the batch and the tail
 * become one buffer again, as the session does on the wire. */
static uint8_t *joined;
static size_t joined_cap;
static unsigned tails;

static int submit_tail(void *user, const void *buf, size_t size, const void *tail,
		       size_t tail_size)
{
	size_t padded = (tail_size + 7) & ~(size_t)7;
	if (size + padded > joined_cap) {
		free(joined);
		joined_cap = size + padded;
		if (!(joined = malloc(joined_cap)))
			return -1;
	}
	memcpy(joined, buf, size);
	memcpy(joined + size, tail, tail_size);
	memset(joined + size + tail_size, 0, padded - tail_size);
	tails++;
	return submit(user, joined, size + padded);
}

static const struct sgl_transport_ops ops = { submit, roundtrip, submit_tail };
static struct sgl_gl_table table;

int main(void)
{
	seed_dir = getenv("SGL_WRITE_SEEDS");
	for (size_t i = 0; i < 64; i++)
		handles[i] = HANDLE;
	for (size_t i = 0; i < sizeof(pattern_in); i++)
		pattern_in[i] = (uint8_t)(i * 7 + 1);
	fill_mock_table(&table);
	sgl_dec_init(&dec, &table, &budget, NULL);
	if (sgl_enc_init(&enc, 1 << 16, &ops, NULL) < 0)
		return 1;
	printf("# %zu generated commands\n", sizeof(tests) / sizeof(tests[0]));
	/* SGL_ROUNDTRIP_TAILS=1: every eligible segment is sent as a tail, as
	 * large uploads are (meson runs the test both ways). */
	const char *t = getenv("SGL_ROUNDTRIP_TAILS");
	bool with_tails = t && *t && strcmp(t, "0");
	if (with_tails)
		enc.tail_min = 1;
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	printf("# %u commands sent with a tail segment\n", tails);
	if (with_tails && !tails)
		r = 1;
	free(joined);
	sgl_enc_finish(&enc);
	sgl_dec_finish(&dec);
	return r;
}
