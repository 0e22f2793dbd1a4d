/*
 * vhost-user control plane (vhost_user.h): message I/O, feature and
 * protocol negotiation, device config, replies. Memory and ring messages
 * are in vhost_user_rings.c.
 */
#include "transport/vhost_user.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "transport/vhost_user_internal.h"

static const char *const names[] = {
	[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
	[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
	[VHOST_USER_SET_OWNER] = "SET_OWNER",
	[VHOST_USER_RESET_OWNER] = "RESET_OWNER",
	[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VHOST_USER_SET_LOG_BASE] = "SET_LOG_BASE",
	[VHOST_USER_SET_LOG_FD] = "SET_LOG_FD",
	[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
	[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
	[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
	[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
	[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
	[VHOST_USER_SET_VRING_ERR] = "SET_VRING_ERR",
	[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VHOST_USER_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	[VHOST_USER_SET_BACKEND_REQ_FD] = "SET_BACKEND_REQ_FD",
	[VHOST_USER_GET_CONFIG] = "GET_CONFIG",
	[VHOST_USER_SET_CONFIG] = "SET_CONFIG",
	[VHOST_USER_RESET_DEVICE] = "RESET_DEVICE",
	[VHOST_USER_GET_MAX_MEM_SLOTS] = "GET_MAX_MEM_SLOTS",
	[VHOST_USER_ADD_MEM_REG] = "ADD_MEM_REG",
	[VHOST_USER_REM_MEM_REG] = "REM_MEM_REG",
};

const char *sgl_vu_request_name(uint32_t request)
{
	if (request < sizeof(names) / sizeof(names[0]) && names[request])
		return names[request];
	return "unknown request";
}

int sgl_vu_fail(struct sgl_vu *vu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vu->why, sizeof(vu->why), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

void sgl_vu_log(void (*log)(void *user, enum sglhost_log_level level, const char *msg),
		void *user, enum sglhost_log_level level, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(user, level, msg);
}

void sgl_vu_init(struct sgl_vu *vu, uint64_t features, unsigned nqueues, const uint8_t *config,
		 size_t config_size)
{
	memset(vu, 0, sizeof(*vu));
	vu->fd = -1;
	vu->features = features | 1ull << VIRTIO_F_VERSION_1 |
		       1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	vu->protocol_features = 1ull << VHOST_USER_PROTOCOL_F_MQ |
				1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK |
				1ull << VHOST_USER_PROTOCOL_F_CONFIG |
				1ull << VHOST_USER_PROTOCOL_F_RESET_DEVICE |
				1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS;
	vu->nqueues = nqueues > SGL_VU_MAX_QUEUES ? SGL_VU_MAX_QUEUES : nqueues;
	vu->config = config;
	vu->config_size = config_size;
	sgl_gmem_init(&vu->mem);
	for (unsigned i = 0; i < SGL_VU_MAX_QUEUES; i++)
		sgl_vq_init(&vu->vq[i]);
}

void sgl_vu_attach(struct sgl_vu *vu, int fd)
{
	struct timeval tv = { SGL_VU_IO_TIMEOUT_MS / 1000, SGL_VU_IO_TIMEOUT_MS % 1000 * 1000 };

	vu->fd = fd;
	vu->why[0] = '\0';
	/* A frontend that stops mid-message, or stops reading our replies,
	 * must not hold the device thread forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void sgl_vu_reset_rings(struct sgl_vu *vu)
{
	for (unsigned i = 0; i < SGL_VU_MAX_QUEUES; i++)
		sgl_vq_reset(&vu->vq[i]);
	if (vu->reset)
		vu->reset(vu->user);
}

void sgl_vu_detach(struct sgl_vu *vu)
{
	if (vu->fd >= 0)
		close(vu->fd);
	vu->fd = -1;
	sgl_vu_reset_rings(vu);
	sgl_gmem_clear(&vu->mem);
	vu->acked_features = 0;
	vu->acked_protocol = 0;
}

/* ---------------------------------------------------------------------- */
/* Message I/O */

/* recvmsg into `buf`, collecting fds into msg. Returns bytes, 0 at end of
 * stream, or -EPROTO with why. */
static ssize_t recv_part(struct sgl_vu *vu, struct sgl_vu_msg *msg, void *buf, size_t n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, n };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t r;

	do
		r = recvmsg(vu->fd, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return sgl_vu_fail(vu, "frontend stalled in the middle of a message");
	if (r < 0)
		return sgl_vu_fail(vu, "frontend connection: %s", strerror(errno));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (msg->nfds < VHOST_USER_MAX_FDS)
				msg->fds[msg->nfds++] = fd;
			else
				close(fd);
		}
	}
	/* The kernel drops (and closes) what did not fit: more than 8. */
	if (mh.msg_flags & MSG_CTRUNC)
		return sgl_vu_fail(vu, "more than %d fds with one message", VHOST_USER_MAX_FDS);
	return r;
}

void sgl_vu_close_fds(struct sgl_vu_msg *msg)
{
	for (unsigned i = 0; i < msg->nfds; i++)
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
	msg->nfds = 0;
}

static int recv_all(struct sgl_vu *vu, struct sgl_vu_msg *msg, void *buf, size_t n, bool first)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = recv_part(vu, msg, (char *)buf + done, n - done);
		if (r < 0)
			return (int)r;
		if (r == 0 && first && done == 0) {
			snprintf(vu->why, sizeof(vu->why), "frontend closed the connection");
			return -EPIPE;
		}
		if (r == 0)
			return sgl_vu_fail(vu, "frontend closed the connection mid-message");
		done += (size_t)r;
	}
	return 0;
}

int sgl_vu_recv(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	int r;

	msg->nfds = 0;
	r = recv_all(vu, msg, &msg->hdr, sizeof(msg->hdr), true);
	if (!r && (msg->hdr.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		r = sgl_vu_fail(vu, "%s: protocol version %u", sgl_vu_request_name(msg->hdr.request),
				msg->hdr.flags & VHOST_USER_VERSION_MASK);
	if (!r && msg->hdr.size > SGL_VU_MAX_PAYLOAD)
		r = sgl_vu_fail(vu, "%s: oversized message (%u bytes)",
				sgl_vu_request_name(msg->hdr.request), msg->hdr.size);
	if (!r)
		r = recv_all(vu, msg, msg->payload, msg->hdr.size, false);
	if (r)
		sgl_vu_close_fds(msg);
	return r;
}

int sgl_vu_reply(struct sgl_vu *vu, const struct sgl_vu_msg *msg, const void *payload,
		 size_t size)
{
	struct vhost_user_header h = {
		msg->hdr.request, VHOST_USER_VERSION | VHOST_USER_REPLY, (uint32_t)size,
	};
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t want = sizeof(h) + size;
	ssize_t r;

	do
		r = sendmsg(vu->fd, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	/* Replies are tiny: a short send means the frontend stopped reading. */
	if (r != (ssize_t)want)
		return sgl_vu_fail(vu, "%s: reply not sent: %s", sgl_vu_request_name(h.request),
				   r < 0 ? strerror(errno) : "frontend not reading");
	return 0;
}

int sgl_vu_reply_u64(struct sgl_vu *vu, const struct sgl_vu_msg *msg, uint64_t v)
{
	return sgl_vu_reply(vu, msg, &v, sizeof(v));
}

int sgl_vu_payload_u64(struct sgl_vu *vu, const struct sgl_vu_msg *msg, uint64_t *v)
{
	if (msg->hdr.size != sizeof(*v))
		return sgl_vu_fail(vu, "%s: payload of %u bytes, not 8",
				   sgl_vu_request_name(msg->hdr.request), msg->hdr.size);
	memcpy(v, msg->payload, sizeof(*v));
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Features and config */

/* GET_CONFIG and SET_CONFIG: {offset, size, flags} then `size` bytes. */
static int config_header(struct sgl_vu *vu, const struct sgl_vu_msg *msg,
			 struct vhost_user_config *c)
{
	const char *name = sgl_vu_request_name(msg->hdr.request);

	if (msg->hdr.size < sizeof(*c))
		return sgl_vu_fail(vu, "%s: %u bytes", name, msg->hdr.size);
	memcpy(c, msg->payload, sizeof(*c));
	if (c->size > VHOST_USER_MAX_CONFIG_SIZE || msg->hdr.size != sizeof(*c) + c->size)
		return sgl_vu_fail(vu, "%s: size %u in a %u-byte message", name, c->size,
				   msg->hdr.size);
	return 0;
}

static int get_config(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	struct vhost_user_config c;
	uint8_t out[sizeof(c) + VHOST_USER_MAX_CONFIG_SIZE] = { 0 };

	if (config_header(vu, msg, &c) < 0)
		return -EPROTO;
	memcpy(out, &c, sizeof(c));
	/* Bytes past the device's config space read as zero. */
	for (uint64_t i = 0; i < c.size; i++)
		if ((uint64_t)c.offset + i < vu->config_size)
			out[sizeof(c) + i] = vu->config[c.offset + i];
	return sgl_vu_reply(vu, msg, out, sizeof(c) + c.size);
}

/* SET_CONFIG: virtio-vsock's config (the guest CID) is read-only. */
static int set_config(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	struct vhost_user_config c;

	return config_header(vu, msg, &c) < 0 ? -EPROTO : 1;
}

/* 0 done, 1 refused (a nack where one is due), -EPROTO; *replied when the
 * message had a reply of its own. */
static int dispatch(struct sgl_vu *vu, struct sgl_vu_msg *msg, bool *replied)
{
	uint64_t v = 0;
	int r;

	switch (msg->hdr.request) {
	case VHOST_USER_GET_FEATURES:
		*replied = true;
		return sgl_vu_reply_u64(vu, msg, vu->features);
	case VHOST_USER_SET_FEATURES:
		if ((r = sgl_vu_payload_u64(vu, msg, &v)) < 0)
			return r;
		if (v & ~vu->features)
			return sgl_vu_fail(vu, "SET_FEATURES 0x%llx: 0x%llx not offered",
					   (unsigned long long)v,
					   (unsigned long long)(v & ~vu->features));
		vu->acked_features = v;
		for (unsigned i = 0; i < SGL_VU_MAX_QUEUES; i++)
			vu->vq[i].indirect = v >> VIRTIO_RING_F_INDIRECT_DESC & 1;
		return 0;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		*replied = true;
		return sgl_vu_reply_u64(vu, msg, vu->protocol_features);
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		if ((r = sgl_vu_payload_u64(vu, msg, &v)) < 0)
			return r;
		if (v & ~vu->protocol_features)
			return sgl_vu_fail(vu, "SET_PROTOCOL_FEATURES 0x%llx: 0x%llx not offered",
					   (unsigned long long)v,
					   (unsigned long long)(v & ~vu->protocol_features));
		vu->acked_protocol = v;
		return 0;
	case VHOST_USER_GET_QUEUE_NUM:
		*replied = true;
		return sgl_vu_reply_u64(vu, msg, vu->nqueues);
	case VHOST_USER_SET_OWNER:
		return 0;
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_RESET_DEVICE:
		sgl_vu_reset_rings(vu);
		return 0;
	case VHOST_USER_GET_CONFIG:
		*replied = true;
		return get_config(vu, msg);
	case VHOST_USER_SET_CONFIG:
		return set_config(vu, msg);
	case VHOST_USER_GET_MAX_MEM_SLOTS:
		*replied = true;
		return sgl_vu_reply_u64(vu, msg, SGL_GMEM_MAX_REGIONS);
	case VHOST_USER_SET_MEM_TABLE:
	case VHOST_USER_ADD_MEM_REG:
	case VHOST_USER_REM_MEM_REG:
		return sgl_vu_handle_memory(vu, msg);
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_ADDR:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
	case VHOST_USER_SET_VRING_ENABLE:
		return sgl_vu_handle_ring(vu, msg, replied);
	default:
		/* Logging, postcopy, back-end requests...: never offered. Their
		 * fds are closed below. */
		return 1;
	}
}

int sgl_vu_handle(struct sgl_vu *vu, struct sgl_vu_msg *msg)
{
	bool replied = false;

	sgl_vu_log(vu->log, vu->log_user, SGLHOST_LOG_DEBUG, "vhost-user: %s (flags 0x%x, %u bytes, %u fds)",
		    sgl_vu_request_name(msg->hdr.request), msg->hdr.flags, msg->hdr.size, msg->nfds);
	int r = dispatch(vu, msg, &replied);
	sgl_vu_close_fds(msg);
	if (r < 0)
		return r;
	if (r > 0)
		sgl_vu_log(vu->log, vu->log_user, SGLHOST_LOG_DEBUG, "vhost-user: %s refused",
			    sgl_vu_request_name(msg->hdr.request));
	/* REPLY_ACK: a status for every message that asks and has no reply
	 * of its own (0 is success). */
	if ((msg->hdr.flags & VHOST_USER_NEED_REPLY) && !replied &&
	    (vu->acked_protocol >> VHOST_USER_PROTOCOL_F_REPLY_ACK & 1))
		return sgl_vu_reply_u64(vu, msg, r ? 1 : 0);
	return 0;
}
