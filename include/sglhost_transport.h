/*
 * libsglhost transports: where guests come from, for an embedder that lets
 * the library move the bytes (docs/embedding.md). A listener accepts
 * guests; each guest is a channel, served by one session
 * (sglhost_session.h) until it leaves.
 *
 * Listeners (sglhost_listener_open):
 *   "tcp:HOST:PORT", "unix:PATH", "vsock:CID:PORT"   stream sockets
 *   "shm" / "shm:PATH"          a file of client slots for this machine
 *   "ivshmem:PATH[,size=S]"     an ivshmem-plain BAR backing file (polling)
 *   "ivshmem-doorbell:SOCKET[,vectors=N][,size=S]"   the ivshmem server
 *                               QEMU's ivshmem-doorbell connects to
 *   "vhost-user-vsock:PATH[,cid=N][,port=P]"   a vhost-user-vsock back-end
 *                               (QEMU, crosvm --vhost-user vsock,
 *                               cloud-hypervisor --vsock socket=)
 * and sglhost_shm_region_listen(): a shared memory the embedder mapped
 * itself (an ivshmem BAR it emulates), with doorbell and interrupt hooks.
 *
 * Accepting and serving block: run them on threads (the embedder's, or the
 * library's: sglhost_server.h). Conventions of sglhost.h hold.
 *
 * Threads: sglhost_listener_accept() on one thread at a time per listener;
 * sglhost_listener_shutdown() from any thread (it wakes accept);
 * a channel is served by one thread; channels of one listener may be
 * served on different threads at once.
 */
#ifndef SGLHOST_TRANSPORT_H
#define SGLHOST_TRANSPORT_H

#include "sglhost_session.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGLHOST_LISTENER_CONFIG_VERSION 1
#define SGLHOST_SHM_REGION_CONFIG_VERSION 1

struct sglhost_listener;
struct sglhost_channel;

struct sglhost_listener_config {
	uint32_t version;          /* SGLHOST_LISTENER_CONFIG_VERSION */
	uint32_t flags;            /* 0 */
	/* "shm": the file (NULL: /dev/shm/sgl). */
	const char *shm_path;
	/* shm, ivshmem: guests at once (0: 16) and bytes per ring (a power of
	 * two; 0: 1 MiB). */
	uint32_t slots;
	uint32_t ring_size;
	/* shm: remove a file a dead server left first. */
	bool remove_stale;
	/* vhost-user-vsock: frontends coming and going. May be NULL. */
	sglhost_session_log_fn log;
	void *log_user;
};

SGLHOST_EXPORT void sglhost_listener_config_init(struct sglhost_listener_config *cfg);

/*
 * Opens the listener `spec` names (above). NULL on failure, with errno and
 * a message in `err` (`err_size` bytes; `err` may be NULL). The listener
 * owns its socket, file or server thread until sglhost_listener_destroy().
 */
SGLHOST_EXPORT struct sglhost_listener *
sglhost_listener_open(const char *spec, const struct sglhost_listener_config *cfg, char *err,
		      size_t err_size);

/*
 * A listening stream socket the embedder made (its own unix socket, one
 * systemd passed): adopted, so the listener owns `fd` from this call on
 * (closed on failure too; never unlinked). A TCP one beyond loopback, a
 * vsock one or one of another family needs a token, as with
 * sglhost_listener_open(). NULL and errno (EINVAL: not a listening stream
 * socket), with a message in `err`.
 */
SGLHOST_EXPORT struct sglhost_listener *sglhost_listener_adopt_fd(int fd, char *err,
								  size_t err_size);

/*
 * Blocks until a guest arrives: its channel, which the caller owns. NULL
 * with *error = -ECANCELED after sglhost_listener_shutdown(), or another
 * -errno (try again later).
 */
SGLHOST_EXPORT struct sglhost_channel *sglhost_listener_accept(struct sglhost_listener *l,
							       int *error);
/* Wakes a blocked accept and makes it return -ECANCELED; any thread. */
SGLHOST_EXPORT void sglhost_listener_shutdown(struct sglhost_listener *l);
/* Destroys the listener. Its channels must have been destroyed first. */
SGLHOST_EXPORT void sglhost_listener_destroy(struct sglhost_listener *l);
/* "tcp 127.0.0.1:3000", "shm /dev/shm/sgl": valid for its lifetime. */
SGLHOST_EXPORT const char *sglhost_listener_describe(const struct sglhost_listener *l);
/* Guests may reach it from beyond this machine's users (TCP beyond
 * loopback): serve them with SGLHOST_SESSION_REQUIRE_TOKEN. */
SGLHOST_EXPORT bool sglhost_listener_needs_token(const struct sglhost_listener *l);
/* Its channels stand alone (a socket, a slot of a mapped file): a forked
 * process may serve one while this one leaves it untouched, and destroys
 * it after that process ended. Channels fed by this process's threads
 * (vhost-user, ivshmem doorbells, shm regions) cannot. */
SGLHOST_EXPORT bool sglhost_listener_forkable(const struct sglhost_listener *l);
/*
 * Serving a channel in a process prepared before it was accepted (a warm
 * pool: forked from this one after the listener was opened, its EGL display
 * already made). The accepting process writes a ticket for the channel
 * (and for a socket, gives the channel's descriptor in `*fd`, still its
 * own, to pass with SCM_RIGHTS; -1 when none); the prepared process makes
 * the channel from the ticket with its own copy of the listener (and the
 * descriptor it received, which the channel then owns, closed on failure
 * too). As after a fork, the accepting process leaves its channel untouched
 * until the serving process ended, then destroys it; the serving process
 * ends without destroying its channel. Forkable listeners only: 0 or
 * -EINVAL (-ENOTSUP for other channels); NULL and errno.
 */
struct sglhost_channel_ticket {
	uint8_t bytes[192];
};
SGLHOST_EXPORT int sglhost_channel_ticket(struct sglhost_channel *ch,
					  struct sglhost_channel_ticket *ticket, int *fd);
SGLHOST_EXPORT struct sglhost_channel *
sglhost_listener_redeem(struct sglhost_listener *l, const struct sglhost_channel_ticket *ticket,
			int fd);
/* TCP or vsock: the port bound (the kernel's choice for port 0); else -1. */
SGLHOST_EXPORT int64_t sglhost_listener_port(const struct sglhost_listener *l);

/*
 * Serves the guest on `ch` until it leaves or breaks the session protocol,
 * then destroys every context it created. `cfg->send` is ignored (the
 * channel takes the answers); `cfg->peer` NULL: the channel's. Returns 0
 * when the guest left, or -errno. Does not destroy the channel.
 */
SGLHOST_EXPORT int sglhost_channel_serve(struct sglhost_channel *ch,
					 const struct sglhost_session_config *cfg);
/* Ends a serve on another thread: its channel reads fail from now on. */
SGLHOST_EXPORT void sglhost_channel_shutdown(struct sglhost_channel *ch);
/* "tcp 127.0.0.1:50312", "shm slot 3": valid for the channel's lifetime. */
SGLHOST_EXPORT const char *sglhost_channel_peer(const struct sglhost_channel *ch);
SGLHOST_EXPORT void sglhost_channel_destroy(struct sglhost_channel *ch);

/*
 * A shared memory the embedder owns, laid out as docs/shm-layout.md (the
 * ivshmem layout): the BAR2 backing of an ivshmem device a VMM emulates.
 * The library writes the header and serves the slots; the memory must stay
 * mapped until the listener and all its channels are destroyed.
 */
struct sglhost_shm_region_config {
	uint32_t version;          /* SGLHOST_SHM_REGION_CONFIG_VERSION */
	uint32_t flags;            /* 0 */
	void *memory;              /* 4096-aligned, zero where the slots go */
	uint64_t size;
	uint32_t slots;            /* 0: 16 (fewer when `size` is too small) */
	uint32_t ring_size;        /* a power of two; 0: 1 MiB */
	/* true: the guests run in a VM (another kernel): they beat hearts and
	 * a guest silent `heartbeat_ms` (0: the default) is gone. false: they
	 * are processes of this machine (tests), told by their pids. */
	bool remote;
	uint32_t heartbeat_ms;
	/*
	 * Interrupt out: the host bumped a word a guest may sleep on; raise
	 * the guest's interrupt (an MSI-X vector of the device). Called on the
	 * library's serving threads; it must not block or call back into the
	 * library. NULL: the guests poll.
	 */
	void (*interrupt_guest)(void *user);
	void *interrupt_user;
	const char *name;          /* for logs: "ivshmem vm 3"; may be NULL */
};

SGLHOST_EXPORT void sglhost_shm_region_config_init(struct sglhost_shm_region_config *cfg);

/* A listener on the region (accept gives its slots' guests). NULL and errno
 * (EINVAL: geometry, see `err`). */
SGLHOST_EXPORT struct sglhost_listener *
sglhost_shm_region_listen(const struct sglhost_shm_region_config *cfg, char *err,
			  size_t err_size);
/* Doorbell in: a guest rang (wrote the device's doorbell register). Wakes
 * the accept and the sessions asleep on the region. Any thread; never
 * blocks. Without doorbells the library looks every few milliseconds. */
SGLHOST_EXPORT void sglhost_shm_region_doorbell(struct sglhost_listener *l);
/* The VM is paused (true) or runs again (false): a remote region's guests
 * beat no hearts while paused, and must not be taken for gone. Sessions
 * themselves never time out; they simply wait. Any thread. */
SGLHOST_EXPORT void sglhost_shm_region_pause(struct sglhost_listener *l, bool paused);
/*
 * The VM went away at once (guest reset, power off): every session on the
 * region ends as if its guest left, their contexts are destroyed, and the
 * region accepts no one more. To serve the guest that boots next: destroy
 * the listener (after its channels: sglhost_server_destroy does both),
 * zero the memory, and open a new one on it.
 */
SGLHOST_EXPORT void sglhost_shm_region_reset(struct sglhost_listener *l);

/*
 * A vhost-user-vsock back-end (docs/vhost-user.md) with all its settings:
 * on a socket `path` it makes and listens on, or on `listen_fd`, a
 * listening unix socket of the embedder's (a frontend at a time; when one
 * leaves the next may connect), or on `frontend_fd`, a vhost-user
 * connection the VMM already made (a socketpair end, an fd passed by a
 * launcher; when that frontend leaves no other comes). Fds given are the
 * listener's from then on. Each guest AF_VSOCK connection to the host
 * (CID 2) on `port` is a channel.
 */
#define SGLHOST_VHOST_VSOCK_CONFIG_VERSION 1
struct sglhost_vhost_vsock_config {
	uint32_t version;          /* SGLHOST_VHOST_VSOCK_CONFIG_VERSION */
	uint32_t flags;            /* 0 */
	const char *path;          /* or NULL with listen_fd or frontend_fd */
	int listen_fd;             /* -1 (config_init): none */
	int frontend_fd;           /* -1 (config_init): none */
	uint64_t guest_cid;        /* the guest's CID (device config space); 0: 3 */
	uint32_t port;             /* 0: 3000 */
	uint32_t max_connections;  /* guest connections at once; 0: 16 */
	sglhost_session_log_fn log;   /* frontends coming and going; may be NULL */
	void *log_user;
};

SGLHOST_EXPORT void sglhost_vhost_vsock_config_init(struct sglhost_vhost_vsock_config *cfg);
/* NULL and errno, with a message in `err`. */
SGLHOST_EXPORT struct sglhost_listener *
sglhost_vhost_vsock_open(const struct sglhost_vhost_vsock_config *cfg, char *err,
			 size_t err_size);

/* For VM configuration tools (sgl-host -v). */
/* The QEMU arguments and "# comment" lines for an ivshmem spec. Length or
 * -errno. */
SGLHOST_EXPORT int sglhost_ivshmem_qemu_args(const char *spec, uint32_t slots,
					     uint32_t ring_size, char *buf, size_t buf_size);
/* "ivshmem:" or "ivshmem-doorbell:". */
SGLHOST_EXPORT bool sglhost_ivshmem_spec(const char *spec);
/* "vhost-user-vsock:PATH[,cid=N][,port=P]": the socket path (in `path`),
 * the guest CID and port, defaults filled. 0, or -EINVAL and a message. */
SGLHOST_EXPORT int sglhost_vhost_vsock_parse(const char *spec, char *path, size_t path_size,
					     uint64_t *guest_cid, uint32_t *port, char *err,
					     size_t err_size);

#ifdef __cplusplus
}
#endif

#endif
