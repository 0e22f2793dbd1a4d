/* sgl-host: the pieces main() puts together. */
#ifndef SGL_HOST_H
#define SGL_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "sglhost.h"

struct demo_options {
	const char *output;
	int frames;
	uint32_t width, height;
	enum sglhost_api api;
};

struct server_options {
	const char *listen[4];       /* transports to serve, e.g. "shm", "tcp:127.0.0.1:3000" */
	int nlisten;
	const char *shm_path;
	uint32_t shm_slots;
	bool remove_stale;
	uint8_t token[32];
	bool has_token;
	uint32_t max_width, max_height;
	int gl_major, gl_minor;      /* highest GL version contexts get; 0: the driver's */
	enum sglhost_log_level log_level;
	double exit_after;           /* seconds; 0: run until a signal */
	bool thread_isolation;       /* --isolation=thread: clients share one process */
	bool helper_isolation;       /* --isolation=helper: sglhost-render per client */
	const char *helper_path;     /* --helper; NULL: the installed one */
	unsigned pool_size;          /* --pool: processes kept ready (process isolation) */
	unsigned source_clients;     /* --source-clients: clients at once per source; 0: any */
	double source_rate;          /* --source-rate: new clients per second per source; 0: any */
};

void host_log(void *user, enum sglhost_log_level level, const char *file, int line,
	      const char *msg);
void session_log(void *user, enum sglhost_log_level level, const char *msg);

/* -v: QEMU and libvirt snippets for each listen address (vmargs.c);
 * `examples`: for every transport on example addresses instead. */
void print_vm_args(const struct server_options *o, bool examples);

int demo_main(const struct demo_options *o, const struct sglhost_config *cfg);
int server_main(const struct server_options *o, const struct sglhost_config *cfg);

#endif
