/*
 * The guest end of the stream transport: TCP, unix sockets and AF_VSOCK
 * through one code path. The channel is the host's (src/transport/stream.c)
 * seen from the other side: a blocking socket, so a write blocks while the
 * host is slow to read (backpressure).
 */
#include "stream.h"
#include "sgl_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "channel.h"

/* Newer than the kernel headers of some distributions. */
#ifndef VMADDR_CID_LOCAL
#define VMADDR_CID_LOCAL 1
#endif

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_vm vm;
	struct sockaddr_storage ss;
};

struct stream_channel {
	struct sgl_channel base;
	int fd;
	atomic_bool down;
	bool same_machine;   /* unix, or TCP to a loopback address */
	/* Bytes received ahead of what was asked: a small read (a message
	 * header) takes what is there, so a reply's header and payload come
	 * in one recv instead of two. */
	uint8_t ahead[4096];
	size_t ahead_at, ahead_end;
};

/* ---------------------------------------------------------------------- */
/* Errors and addresses */

/* A vsock CID to connect to: a number, "host" (the hypervisor's host, as
 * seen from a VM) or "local" (this machine, through vsock_loopback). */
static bool parse_cid(const char *s, unsigned *cid)
{
	unsigned long v;

	if (!strcmp(s, "host")) {
		*cid = VMADDR_CID_HOST;
		return true;
	}
	if (!strcmp(s, "local")) {
		*cid = VMADDR_CID_LOCAL;
		return true;
	}
	if (!sgl_addr_number(s, 0, VMADDR_CID_ANY - 1, &v))
		return false;
	*cid = (unsigned)v;
	return true;
}

/* "127.0.0.1:3000", "[::1]:3000". */
static void format_inet(const union sockaddr_any *a, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in.sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(a->in.sin_port));
	} else {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, ntohs(a->in6.sin6_port));
	}
}

/* ---------------------------------------------------------------------- */
/* Channel */

static struct stream_channel *channel_of(struct sgl_channel *ch)
{
	return (struct stream_channel *)((char *)ch - offsetof(struct stream_channel, base));
}

static ssize_t channel_read(struct sgl_channel *ch, void *buf, size_t n)
{
	struct stream_channel *c = channel_of(ch);
	if (c->ahead_at == c->ahead_end) {
		if (n >= sizeof(c->ahead))
			return sgl_socket_read(c->fd, &c->down, buf, n);
		ssize_t r = sgl_socket_read(c->fd, &c->down, c->ahead, sizeof(c->ahead));
		if (r <= 0)
			return r;
		c->ahead_at = 0;
		c->ahead_end = (size_t)r;
	}
	size_t k = c->ahead_end - c->ahead_at;
	k = k < n ? k : n;
	memcpy(buf, c->ahead + c->ahead_at, k);
	c->ahead_at += k;
	return (ssize_t)k;
}

static int channel_write(struct sgl_channel *ch, const void *buf, size_t n)
{
	struct stream_channel *c = channel_of(ch);
	return sgl_socket_write(c->fd, &c->down, buf, n);
}

static void channel_shutdown(struct sgl_channel *ch)
{
	struct stream_channel *c = channel_of(ch);

	atomic_store(&c->down, true);
	/* Wakes a recv or send blocked in another thread; the fd stays open
	 * (and its number unused by others) until destroy. */
	shutdown(c->fd, SHUT_RDWR);
}

static void channel_destroy(struct sgl_channel *ch)
{
	struct stream_channel *c = channel_of(ch);

	close(c->fd);
	free(c);
}

static const struct sgl_channel_ops channel_ops = {
	.read = channel_read,
	.write = channel_write,
	.shutdown = channel_shutdown,
	.destroy = channel_destroy,
};

/* ---------------------------------------------------------------------- */
/* Connecting */

/* The end of a connect that a signal interrupted: it goes on in the
 * background, so wait for it rather than start another. */
static int wait_connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int e = 0;
	socklen_t len = sizeof(e);

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return -errno;
	return -e;
}

/* A connected blocking socket, or -errno. A TCP connect that EINTR cut
 * short carries on (the retry says EALREADY), a unix or vsock one is
 * abandoned (the retry starts again): the loop covers both. */
static int open_connected(const union sockaddr_any *a, socklen_t len)
{
	int fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	while (connect(fd, &a->sa, len) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EISCONN)
			break;
		r = errno == EALREADY || errno == EINPROGRESS ? wait_connected(fd) : -errno;
		break;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Takes ownership of `fd`: a channel, or NULL (and fd closed). */
static struct sgl_channel *channel_new(int fd, const char *peer)
{
	struct stream_channel *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	c->base.ops = &channel_ops;
	c->fd = fd;
	atomic_init(&c->down, false);
	snprintf(c->base.peer, sizeof(c->base.peer), "%s", peer);
	return &c->base;
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
static bool is_loopback(const union sockaddr_any *a)
{
	if (a->sa.sa_family == AF_INET)
		return (ntohl(a->in.sin_addr.s_addr) >> 24) == 127;
	if (a->sa.sa_family != AF_INET6)
		return false;
	const struct in6_addr *v6 = &a->in6.sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(v6) || (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
}

static struct sgl_channel *connect_tcp(const char *address, char *err, size_t err_size)
{
	char host[256], name[64], peer[80];
	const char *port;
	unsigned long num;
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL;
	union sockaddr_any a;
	int fd = -EADDRNOTAVAIL, one = 1;

	if (!sgl_addr_split(address + 4, host, sizeof(host), &port))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected tcp:HOST:PORT", address);
	if (!sgl_addr_number(port, 1, 65535, &num))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad port '%s' (1-65535)", address, port);
	int r = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &res);
	if (r == EAI_SYSTEM)
		return sgl_addr_fail(errno, err, err_size, "%s: cannot resolve '%s': %s", address, host,
			    strerror(errno));
	if (r)
		return sgl_addr_fail(EADDRNOTAVAIL, err, err_size, "%s: cannot resolve '%s': %s", address,
			    host, gai_strerror(r));
	/* A name may have several addresses (::1 and 127.0.0.1): the first
	 * that answers wins. */
	for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(a))
			continue;
		memset(&a, 0, sizeof(a));
		memcpy(&a, ai->ai_addr, ai->ai_addrlen);
		fd = open_connected(&a, ai->ai_addrlen);
	}
	freeaddrinfo(res);
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: connect: %s", address, strerror(-fd));
	/* Batches end in a small message that waits for a reply: do not let
	 * Nagle hold it back. Only a latency loss if this fails. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	format_inet(&a, name, sizeof(name));
	snprintf(peer, sizeof(peer), "tcp %s", name);
	struct sgl_channel *ch = channel_new(fd, peer);
	if (ch)
		channel_of(ch)->same_machine = is_loopback(&a);
	return ch ? ch : sgl_addr_fail(ENOMEM, err, err_size, "%s: out of memory", address);
}

bool sgl_stream_same_machine(struct sgl_channel *ch)
{
	return channel_of(ch)->same_machine;
}

static struct sgl_channel *connect_unix(const char *address, char *err, size_t err_size)
{
	const char *path = address + 5;
	union sockaddr_any a;

	memset(&a, 0, sizeof(a));
	if (!*path)
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected unix:PATH", address);
	if (strlen(path) >= sizeof(a.un.sun_path))
		return sgl_addr_fail(ENAMETOOLONG, err, err_size, "%s: path longer than %zu bytes", address,
			    sizeof(a.un.sun_path) - 1);
	a.un.sun_family = AF_UNIX;
	memcpy(a.un.sun_path, path, strlen(path) + 1);
	int fd = open_connected(&a, sizeof(a.un));
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: connect: %s", address, strerror(-fd));
	struct sgl_channel *ch = channel_new(fd, "unix");
	if (ch)
		channel_of(ch)->same_machine = true;
	return ch ? ch : sgl_addr_fail(ENOMEM, err, err_size, "%s: out of memory", address);
}

static struct sgl_channel *connect_vsock(const char *address, char *err, size_t err_size)
{
	char cid_str[16], peer[48];
	const char *port;
	unsigned cid;
	unsigned long num;
	union sockaddr_any a;

	if (!sgl_addr_split(address + 6, cid_str, sizeof(cid_str), &port))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected vsock:CID:PORT", address);
	if (!parse_cid(cid_str, &cid))
		return sgl_addr_fail(EINVAL, err, err_size,
			    "%s: bad CID '%s' (a number, \"host\" or \"local\")", address, cid_str);
	if (!sgl_addr_number(port, 1, VMADDR_PORT_ANY - 1, &num))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad port '%s'", address, port);
	memset(&a, 0, sizeof(a));
	a.vm.svm_family = AF_VSOCK;
	a.vm.svm_cid = cid;
	a.vm.svm_port = (unsigned)num;
	int fd = open_connected(&a, sizeof(a.vm));
	if (fd == -EAFNOSUPPORT)
		return sgl_addr_fail(EAFNOSUPPORT, err, err_size, "%s: this kernel has no vsock", address);
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: connect: %s", address, strerror(-fd));
	snprintf(peer, sizeof(peer), "vsock %u:%u", cid, a.vm.svm_port);
	struct sgl_channel *ch = channel_new(fd, peer);
	return ch ? ch : sgl_addr_fail(ENOMEM, err, err_size, "%s: out of memory", address);
}

struct sgl_channel *sgl_stream_connect(const char *address, char *err, size_t err_size)
{
	if (!address)
		return sgl_addr_fail(EINVAL, err, err_size, "no address");
	if (!strncmp(address, "tcp:", 4))
		return connect_tcp(address, err, err_size);
	if (!strncmp(address, "unix:", 5))
		return connect_unix(address, err, err_size);
	if (!strncmp(address, "vsock:", 6))
		return connect_vsock(address, err, err_size);
	return sgl_addr_fail(EINVAL, err, err_size,
		    "%s: unknown address (tcp:HOST:PORT, unix:PATH or vsock:CID:PORT)", address);
}
