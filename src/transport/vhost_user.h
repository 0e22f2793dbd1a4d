/*
 * The vhost-user control plane, back-end side: one frontend connection
 * (QEMU, crosvm, cloud-hypervisor) setting up a device's memory and rings.
 * The device model (vsock.c) only reads the rings this leaves ready.
 *
 * A frontend that breaks the protocol (oversized or truncated messages,
 * too many fds, bad ring indices, memory regions that overlap or overflow)
 * gets its connection dropped with the reason in `why`; the caller tears
 * the device down and waits for the next frontend.
 */
#ifndef SGL_TRANSPORT_VHOST_USER_H
#define SGL_TRANSPORT_VHOST_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sglhost.h"
#include "transport/guest_memory.h"
#include "transport/vhost_user_proto.h"
#include "transport/virtqueue.h"

#define SGL_VU_MAX_QUEUES 3
/* The largest payload any message we handle has is SET_MEM_TABLE's (264
 * bytes) or GET_CONFIG's (268): more than this is a broken frontend. */
#define SGL_VU_MAX_PAYLOAD 4096
/* A frontend that stops mid-message this long is dropped. */
#define SGL_VU_IO_TIMEOUT_MS 2000

struct sgl_vu_msg {
	struct vhost_user_header hdr;
	uint8_t payload[SGL_VU_MAX_PAYLOAD];
	int fds[VHOST_USER_MAX_FDS];
	unsigned nfds;
};

struct sgl_vu {
	int fd;                      /* the frontend connection, -1 when none */
	/* What the device offers. */
	uint64_t features;
	uint64_t protocol_features;
	unsigned nqueues;            /* rings the frontend may use */
	const uint8_t *config;       /* device config space (GET_CONFIG) */
	size_t config_size;
	/* What the frontend chose. */
	uint64_t acked_features;
	uint64_t acked_protocol;
	struct sgl_gmem mem;
	struct sgl_vq vq[SGL_VU_MAX_QUEUES];
	/* Called when the device must forget its state: RESET_OWNER,
	 * RESET_DEVICE, and the frontend leaving. */
	void (*reset)(void *user);
	void *user;
	/* Traces each message at debug level. May be NULL. */
	void (*log)(void *user, enum sglhost_log_level level, const char *msg);
	void *log_user;
	char why[192];               /* why the connection was dropped */
};

/* Sets the device's offer; no frontend yet. */
void sgl_vu_init(struct sgl_vu *vu, uint64_t features, unsigned nqueues, const uint8_t *config,
		 size_t config_size);
/* Takes a connected frontend socket (and sets its I/O timeouts). */
void sgl_vu_attach(struct sgl_vu *vu, int fd);
/* Closes the frontend socket and every fd it gave, unmaps its memory,
 * forgets features and rings, and calls reset. */
void sgl_vu_detach(struct sgl_vu *vu);

/* Reads one message (blocks until it is whole). 0, -EPIPE when the
 * frontend closed between messages, or -EPROTO with `why`. */
int sgl_vu_recv(struct sgl_vu *vu, struct sgl_vu_msg *msg);
/* Acts on it and replies where due; takes the message's fds. 0, or
 * -EPROTO (the connection must be dropped) with `why`. */
int sgl_vu_handle(struct sgl_vu *vu, struct sgl_vu_msg *msg);
/* Formats and passes a line to a session-style log callback (NULL: none);
 * shared by the vhost-user-vsock files. */
void sgl_vu_log(void (*log)(void *user, enum sglhost_log_level level, const char *msg),
		void *user, enum sglhost_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The name of a request, for logs. */
const char *sgl_vu_request_name(uint32_t request);

#endif
