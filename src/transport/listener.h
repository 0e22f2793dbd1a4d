/*
 * Where clients come from: a listening socket, or a shared-memory file with
 * client slots. Each accepted client is a channel (channel.h). Transports
 * use only the public API of libsglhost (they live beside it, for sgl-host
 * and for embedders who want them).
 */
#ifndef SGL_TRANSPORT_LISTENER_H
#define SGL_TRANSPORT_LISTENER_H

#include <stdbool.h>
#include <stdint.h>

#include "sglhost.h"
#include "transport/channel.h"

struct sgl_listener;

struct sgl_listener_ops {
	/* Blocks until a client arrives; NULL with *err = -errno on failure,
	 * -ECANCELED after shutdown. */
	struct sgl_channel *(*accept)(struct sgl_listener *l, int *err);
	/* Wakes a blocked accept (from another thread or a signal handler's
	 * thread) and makes it return -ECANCELED. */
	void (*shutdown)(struct sgl_listener *l);
	void (*destroy)(struct sgl_listener *l);
	/* sglhost_listener_redeem: the channel a ticket of this listener's
	 * names, in a process forked from the one that accepted it (owns fd);
	 * NULL and errno. NULL where its channels have no tickets. */
	struct sgl_channel *(*redeem)(struct sgl_listener *l, const void *t, size_t size, int fd);
};

struct sgl_listener {
	const struct sgl_listener_ops *ops;
	char desc[160];       /* "tcp 127.0.0.1:3000", "shm /dev/shm/sgl" */
	/* Clients must present the pre-shared token (listens beyond loopback). */
	bool needs_token;
	/* Each channel stands alone (a socket, or a slot of a mapped file): a
	 * forked process can serve it, provided this one leaves the channel
	 * untouched until that process ends and then destroys it. Channels fed
	 * by this process's threads (vhost-user, ivshmem doorbells) cannot. */
	bool forkable;
};

/* "tcp:HOST:PORT", "unix:PATH", "vsock:CID:PORT". A TCP listen on anything
 * but a loopback address sets needs_token. NULL and a message on failure. */
struct sgl_listener *sgl_stream_listen(const char *address, char *err, size_t err_size);

struct sgl_shm_config {
	const char *path;        /* e.g. /dev/shm/sgl or an ivshmem backing file */
	uint32_t slots;          /* clients at once */
	uint32_t ring_size;      /* bytes per ring, a power of two */
	bool remove_stale;       /* unlink an existing file first (-x) */
	/* ivshmem-plain: `path` is the file QEMU maps as BAR2 (an existing
	 * one, zero or a stale host's, is reused in place and kept at exit),
	 * `size` bytes, a power of two (0: the smallest that fits; fewer
	 * slots when it is too small for `slots`). The guests are in another
	 * kernel: host_pid 0, both sides poll and beat hearts. */
	bool ivshmem;
	uint64_t size;
	uint32_t heartbeat_ms;   /* ivshmem: a guest silent this long is gone (0: default) */
};
struct sgl_listener *sgl_shm_listen(const struct sgl_shm_config *cfg, char *err, size_t err_size);

/* A vhost-user-vsock back-end (docs/vhost-user.md): a unix socket a VMM
 * (QEMU -device vhost-user-vsock-pci, crosvm, cloud-hypervisor) connects
 * to; each guest AF_VSOCK connection to the host (CID 2) on `port` is a
 * client. One frontend at a time; when it leaves, the next may connect. */
#define SGL_VHOST_VSOCK_DEFAULT_CID 3
#define SGL_VHOST_VSOCK_DEFAULT_PORT 3000
struct sgl_vhost_vsock_config {
	const char *path;          /* the socket; a stale one is removed */
	/* Or a frontend already connected: the listener owns `frontend_fd`
	 * (closed when the frontend leaves; none comes after it). */
	bool connected;
	int frontend_fd;
	/* Or a listening socket of the embedder's (adopted; never unlinked). */
	bool adopt_listen;
	int listen_fd;
	uint64_t guest_cid;        /* the guest's CID (config space); 0: 3 */
	uint32_t port;             /* the vsock port served; 0: 3000 */
	uint32_t max_connections;  /* per device; 0: 16 */
	/* Frontends coming and going, guests breaking rules. May be NULL. */
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
};
struct sgl_listener *sgl_vhost_vsock_listen(const struct sgl_vhost_vsock_config *cfg, char *err,
					    size_t err_size);
/* "vhost-user-vsock:PATH[,cid=N][,port=P]": fills `cfg` (its path in
 * `buf`); 0, or -EINVAL and a message. */
int sgl_vhost_vsock_parse(const char *spec, struct sgl_vhost_vsock_config *cfg, char *buf,
			  size_t buf_size, char *err, size_t err_size);

/* ivshmem-doorbell: the listener is the ivshmem server QEMU connects to
 * (protocol v0 on a unix socket) and peer 0; each QEMU gets its own memory
 * of `size` bytes laid out as the shm transport (docs/ivshmem.md). */
struct sgl_ivshmem_server_config {
	const char *path;        /* the unix socket (a stale one is replaced) */
	uint32_t slots, ring_size;
	uint64_t size;           /* per VM, a power of two; 0: the smallest that fits */
	uint32_t vectors;        /* eventfds per side (QEMU's vectors= at least this); 0: 1 */
	uint32_t heartbeat_ms;   /* a guest silent this long is gone (0: default) */
};
struct sgl_listener *sgl_ivshmem_server_listen(const struct sgl_ivshmem_server_config *cfg,
					       char *err, size_t err_size);

/* "ivshmem:PATH[,size=S]" and "ivshmem-doorbell:SOCKET[,vectors=N][,size=S]"
 * (S in bytes, or with a K, M or G suffix). `slots` and `ring_size` as in
 * sgl_shm_config. sgl_ivshmem_listen: the listener; sgl_ivshmem_qemu_args:
 * the QEMU arguments that go with it, with the BAR size. */
bool sgl_ivshmem_spec(const char *spec);
struct sgl_listener *sgl_ivshmem_listen(const char *spec, uint32_t slots, uint32_t ring_size,
					char *err, size_t err_size);
int sgl_ivshmem_qemu_args(const char *spec, uint32_t slots, uint32_t ring_size, char *buf,
			  size_t buf_size);

#endif
