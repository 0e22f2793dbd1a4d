/*
 * libsglhost servers: listeners (sglhost_transport.h) served by the
 * library's own threads, a session per guest, with the embedder's main loop
 * told what happens (docs/embedding.md). The three ways to integrate:
 *
 * 1. The embedder moves the bytes: sglhost_session.h alone, fed from its
 *    own loop (its fds, its threads). Nothing runs behind its back.
 * 2. A server with SGLHOST_SERVER_DISPATCH: the library's threads accept
 *    and serve; events are queued and given only in
 *    sglhost_server_dispatch(), on the embedder's thread, when the
 *    descriptor of sglhost_server_get_fd() polls readable (as libwayland's
 *    wl_event_loop_get_fd / wl_event_loop_dispatch).
 * 3. A server without it: events are given on the library's serving
 *    threads, one thread per guest, concurrently.
 *
 * With SGLHOST_SESSION_OUT_OF_PROCESS in the session template, every guest
 * gets its own helper process (sglhost_session.h): a GL driver crash ends
 * that guest's session, nothing else. This works with every listener,
 * vhost-user and shared-memory regions included.
 *
 * Conventions of sglhost.h hold. Threads: create, add_listener, dispatch
 * and destroy from one thread (the embedder's main loop).
 */
#ifndef SGLHOST_SERVER_H
#define SGLHOST_SERVER_H

#include "sglhost_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGLHOST_SERVER_CONFIG_VERSION 1

/* Events wait for sglhost_server_dispatch(). */
#define SGLHOST_SERVER_DISPATCH (1u << 0)
/* With SGLHOST_SERVER_DISPATCH: PRESENT events carry a copy of the frame
 * (sglhost_session_event.pixels), read on the serving thread: what a VMM
 * shows on its own display. In process only (a helper keeps its frames). */
#define SGLHOST_SERVER_COPY_FRAMES (1u << 1)
#define SGLHOST_SERVER_FLAGS_ALL (SGLHOST_SERVER_DISPATCH | SGLHOST_SERVER_COPY_FRAMES)

struct sglhost_server;

struct sglhost_server_config {
	uint32_t version;          /* SGLHOST_SERVER_CONFIG_VERSION */
	uint32_t flags;            /* SGLHOST_SERVER_* */
	/*
	 * The template of every guest's session (sglhost_session.h): `host`
	 * (shared by the sessions, which run on different threads), or
	 * SGLHOST_SESSION_OUT_OF_PROCESS with `host_config`. `send` and
	 * `peer` are the server's. `event` gets every session's events, their
	 * `peer` naming the guest; with SGLHOST_SERVER_DISPATCH PRESENT events
	 * carry no context (the guest has moved on by the time they are
	 * given): ask for SGLHOST_SERVER_COPY_FRAMES to get the pixels.
	 * What it points to (host, host_config, helper_path) must outlive the
	 * server. SGLHOST_SESSION_REQUIRE_TOKEN is added for listeners that
	 * need it (sglhost_listener_needs_token).
	 */
	struct sglhost_session_config session;
	uint32_t max_clients;      /* guests at once, all listeners; 0: 64 */
};

SGLHOST_EXPORT void sglhost_server_config_init(struct sglhost_server_config *cfg);

/* NULL and errno (EINVAL: bad config; ENOMEM). */
SGLHOST_EXPORT struct sglhost_server *sglhost_server_create(const struct sglhost_server_config *cfg);

/*
 * Serves `l` from now on, on a thread of the library; the server owns the
 * listener (destroyed with the server, or here on failure). -EACCES when
 * the listener needs a token and the template has none (all zeros);
 * -ENOSPC beyond 8 listeners; -errno.
 */
SGLHOST_EXPORT int sglhost_server_add_listener(struct sglhost_server *srv,
					       struct sglhost_listener *l);

/* SGLHOST_SERVER_DISPATCH: readable while events wait; owned by the
 * server. -1 without the flag. */
SGLHOST_EXPORT int sglhost_server_get_fd(const struct sglhost_server *srv);

/* Gives the waiting events on this thread. Returns how many, or -errno.
 * Never blocks. */
SGLHOST_EXPORT int sglhost_server_dispatch(struct sglhost_server *srv);

/* Guests being served now. */
SGLHOST_EXPORT unsigned sglhost_server_clients(const struct sglhost_server *srv);

/*
 * Stops accepting, ends every session (their guests see the channel go),
 * waits for the serving threads and destroys the listeners. Events not
 * dispatched are dropped. NULL is a no-op. A session stuck in the GL
 * driver (in process) holds this up; out of process, a stuck helper does
 * not (its session is ended and the helper killed).
 */
SGLHOST_EXPORT void sglhost_server_destroy(struct sglhost_server *srv);

#ifdef __cplusplus
}
#endif

#endif
