/*
 * stream.h on Windows: TCP through Winsock, the same byte stream as
 * guest/stream.c's (the session protocol and its token on top are shared,
 * session.c). unix: and vsock: are refused: Wine has no AF_UNIX, and vsock
 * needs virtio-win's viosock provider, not written for yet.
 */
#include "stream.h"
#include "sgl_socket.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"

struct stream_channel {
	struct sgl_channel base;
	SOCKET s;
	atomic_bool down;
};

static struct stream_channel *channel_of(struct sgl_channel *ch)
{
	return (struct stream_channel *)((char *)ch - offsetof(struct stream_channel, base));
}

static int errno_of_wsa(int e)
{
	switch (e) {
	case WSAECONNRESET:
	case WSAECONNABORTED:
	case WSAESHUTDOWN:
		return EPIPE;
	case WSAECONNREFUSED:
		return ECONNREFUSED;
	case WSAETIMEDOUT:
		return ETIMEDOUT;
	case WSAENETUNREACH:
	case WSAEHOSTUNREACH:
		return EHOSTUNREACH;
	default:
		return EIO;
	}
}

/* Blocking recv: a slow host holds us here, and shutdown wakes us. */
static ssize_t channel_read(struct sgl_channel *ch, void *buf, size_t n)
{
	struct stream_channel *c = channel_of(ch);
	int want = n > INT_MAX ? INT_MAX : (int)n;
	for (;;) {
		if (atomic_load(&c->down))
			return -EPIPE;
		int r = recv(c->s, buf, want, 0);
		if (r >= 0)
			return r == 0 && atomic_load(&c->down) ? -EPIPE : r;
		int e = WSAGetLastError();
		if (e != WSAEINTR)
			return -errno_of_wsa(e);
	}
}

static int channel_write(struct sgl_channel *ch, const void *buf, size_t n)
{
	struct stream_channel *c = channel_of(ch);
	const char *p = buf;
	while (n > 0) {
		if (atomic_load(&c->down))
			return -EPIPE;
		int r = send(c->s, p, n > INT_MAX ? INT_MAX : (int)n, 0);
		if (r < 0) {
			int e = WSAGetLastError();
			if (e == WSAEINTR)
				continue;
			return -errno_of_wsa(e);
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void channel_shutdown(struct sgl_channel *ch)
{
	struct stream_channel *c = channel_of(ch);
	atomic_store(&c->down, true);
	shutdown(c->s, SD_BOTH);
}

static void channel_destroy(struct sgl_channel *ch)
{
	struct stream_channel *c = channel_of(ch);
	closesocket(c->s);
	free(c);
	WSACleanup();
}

static const struct sgl_channel_ops channel_ops = {
	.read = channel_read,
	.write = channel_write,
	.shutdown = channel_shutdown,
	.destroy = channel_destroy,
};

static struct sgl_channel *connect_tcp(const char *address, char *err, size_t err_size)
{
	char host[256], name[NI_MAXHOST] = "?";
	const char *port;
	unsigned long num;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_protocol = IPPROTO_TCP, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	SOCKET s = INVALID_SOCKET;
	int last = 0;

	if (!sgl_addr_split(address + 4, host, sizeof(host), &port))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected tcp:HOST:PORT", address);
	if (!sgl_addr_number(port, 1, 65535, &num))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad port '%s' (1-65535)", address, port);
	int r = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &res);
	if (r)
		return sgl_addr_fail(EADDRNOTAVAIL, err, err_size, "%s: cannot resolve '%s' (error %d)",
				     address, host, r);
	/* A name may have several addresses: the first that answers wins. */
	for (const struct addrinfo *ai = res; ai && s == INVALID_SOCKET; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (s == INVALID_SOCKET) {
			last = WSAGetLastError();
			continue;
		}
		if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == SOCKET_ERROR) {
			last = WSAGetLastError();
			closesocket(s);
			s = INVALID_SOCKET;
			continue;
		}
		getnameinfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, name, sizeof(name), NULL, 0,
			    NI_NUMERICHOST);
	}
	freeaddrinfo(res);
	if (s == INVALID_SOCKET)
		return sgl_addr_fail(errno_of_wsa(last), err, err_size,
				     "%s: connect: Winsock error %d", address, last);
	/* Batches end in a small message that waits for a reply: no Nagle. */
	BOOL one = TRUE;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
	struct stream_channel *c = calloc(1, sizeof(*c));
	if (!c) {
		closesocket(s);
		return sgl_addr_fail(ENOMEM, err, err_size, "%s: out of memory", address);
	}
	c->base.ops = &channel_ops;
	c->s = s;
	atomic_init(&c->down, false);
	snprintf(c->base.peer, sizeof(c->base.peer), "tcp %s:%s", name, port);
	return &c->base;
}

/* Frames never come in a System V segment on Windows. */
bool sgl_stream_same_machine(struct sgl_channel *ch)
{
	(void)ch;
	return false;
}

struct sgl_channel *sgl_stream_connect(const char *address, char *err, size_t err_size)
{
	WSADATA wsa;
	if (!address)
		return sgl_addr_fail(EINVAL, err, err_size, "no address");
	if (strncmp(address, "tcp:", 4))
		return sgl_addr_fail(EINVAL, err, err_size,
				     "%s: unknown address (Windows guests: tcp:HOST:PORT, "
				     "shm:FILE)", address);
	/* Every channel holds one Winsock reference (released in destroy). */
	int r = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (r)
		return sgl_addr_fail(EIO, err, err_size, "%s: WSAStartup: error %d", address, r);
	struct sgl_channel *ch = connect_tcp(address, err, err_size);
	if (!ch)
		WSACleanup();
	return ch;
}
