/*
 * The process sgl-host forks its serving processes from. A fork copies
 * only the thread that calls it: in a process whose other threads may hold
 * a lock (an allocator's, a listener's) at that moment, the child can find
 * it held forever or its data half changed. GCC 12's AddressSanitizer does
 * not even take its allocator's locks around fork(), and a child forked
 * next to a busy accept thread crashed in the driver's shader compiler. So
 * sgl-host forks one process while it still has a single thread, and that
 * process, which never starts a thread, forks every serving process
 * afterwards. It reports their ends, since it is their parent.
 */
#ifndef SGL_HOST_ZYGOTE_H
#define SGL_HOST_ZYGOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct zygote;

/* In each child: `fd` is its end of a socket pair, the other end the
 * caller's (zygote_fork). Must not return. */
typedef void (*zygote_child_fn)(void *arg, int fd);

/* Forks the zygote: call it while this process has one thread. It dies
 * with the calling thread (PR_SET_PDEATHSIG), and its children with it.
 * NULL and errno. */
struct zygote *zygote_start(zygote_child_fn child, void *arg);
/* A new child (running `child`): its pid, and `*fd` our end of its socket
 * pair (SOCK_SEQPACKET, close-on-exec); -1 and errno. Not thread-safe: one
 * caller at a time. */
pid_t zygote_fork(struct zygote *z, int *fd);
/* A child that ended since the last call, with its waitpid() status;
 * false when none (never waits). One caller at a time. */
bool zygote_ended(struct zygote *z, pid_t *pid, int *status);
/* The zygote's own pid (the caller's child), or -1 with none. */
pid_t zygote_pid(const struct zygote *z);
/* Lets it go: it ends, and the children it still has are killed. */
void zygote_destroy(struct zygote *z);

/* One message of `len` bytes with a descriptor (-1: none) over a
 * SOCK_SEQPACKET socket, and its reception (`*fd` -1 when none came): 0
 * when whole, -1 otherwise. */
int fd_send(int sock, const void *buf, size_t len, int fd);
int fd_recv(int sock, void *buf, size_t len, int *fd);

#endif
