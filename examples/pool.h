/*
 * sgl-host's serving processes (--isolation=process), all forked by the
 * zygote (zygote.h), and the warm pool of them: processes forked ahead of
 * the connections, each with its EGL display made, waiting for a channel;
 * refilled in the background. A new client is served by one that is ready
 * (a ticket and, for a socket, its descriptor, sent over a socket pair):
 * no fork and no EGL initialisation on its way to the first reply. When
 * none is ready it gets a new one.
 */
#ifndef SGL_HOST_POOL_H
#define SGL_HOST_POOL_H

#include <stdbool.h>
#include <sys/types.h>

#include "sglhost_transport.h"

struct pool;

/* `size` processes (0: none) kept ready for channels of `listeners[i]`,
 * served with `sessions[i]` (its host set in the worker): both must be
 * set already and outlive the pool. Call it while this process has one
 * thread (it forks the zygote). Workers start on the pool's own thread.
 * NULL and errno. */
struct pool *pool_create(unsigned size, const struct sglhost_config *host_cfg,
			 struct sglhost_listener *const *listeners,
			 const struct sglhost_session_config *const *sessions, int n);
/* Hands `ch`, accepted on listener `index`, to a ready worker (`*ready`
 * true), or to one forked for it (never waits for a display): the pid now
 * serving it, or -1 and errno. The channel stays the caller's, untouched
 * until that pid ended. */
pid_t pool_serve(struct pool *p, int index, struct sglhost_channel *ch, bool *ready);
/* A worker that ended (they are the zygote's children, not the caller's),
 * or the zygote itself (the caller's child: never waitpid(-1), whose
 * other children are not the pool's), with its waitpid() status; false
 * when none. Never waits. One caller at a time. */
bool pool_ended(struct pool *p, pid_t *pid, int *status);
/* `pid` ended (pool_ended): true when it was a worker still waiting, or
 * the zygote. */
bool pool_reaped(struct pool *p, pid_t pid);
/* Stops refilling and ends the waiting workers (reaped by the caller, or
 * by pool_destroy). */
void pool_stop(struct pool *p);
void pool_destroy(struct pool *p);

#endif
