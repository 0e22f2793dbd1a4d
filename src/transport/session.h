/*
 * One client's session on the host: the session protocol
 * (protocol/sgl_session.h) over a channel, run through the public API.
 */
#ifndef SGL_TRANSPORT_SESSION_H
#define SGL_TRANSPORT_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "sglhost.h"
#include "sglhost_session.h"
#include "transport/channel.h"

struct sgl_session_config {
	struct sglhost *host;
	/* Required in HELLO when set (32 bytes). */
	const uint8_t *token;
	bool needs_token;
	uint32_t max_contexts;          /* per client; 0: 64 */
	uint32_t width_limit, height_limit;
	/* Highest GL version a context gets (sgl-host -g); 0: the driver's. */
	int max_major, max_minor;
	/* Log sink for session events (the library's own messages go to the
	 * host's handler). May be NULL. */
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
};

/*
 * Serves `ch` until the client leaves or breaks the protocol, then destroys
 * every context the client created. Returns 0 when the client left, or
 * -errno (the reason was logged). Does not destroy the channel.
 */
int sgl_session_run(const struct sgl_session_config *cfg, struct sgl_channel *ch);

/* The same with a public config (its send callback is the channel's). */
int sgl_session_serve(const struct sglhost_session_config *cfg, struct sgl_channel *ch);

#endif
