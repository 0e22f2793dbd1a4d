/*
 * The stream transport: TCP, unix sockets and AF_VSOCK through one code path.
 * Only the address differs; listening, accepting and the channel are the
 * same socket calls whatever the family.
 *
 * Channels are blocking sockets: a write blocks while the peer's receive
 * buffer is full, which is the backpressure channel.h asks for. Listening
 * sockets are non-blocking and polled together with a self-pipe, so that
 * shutdown can wake an accept from any thread, even a signal handler.
 */
#include "transport/stream.h"
#include "sgl_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#define BACKLOG 16

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_vm vm;
	struct sockaddr_storage ss;
};

struct stream_listener {
	struct sgl_listener base;
	int fd;
	/* A byte here cancels every accept, now and later; never drained. */
	int wake[2];
	atomic_bool stopped;
	int64_t port;         /* bound TCP or vsock port, -1 for unix */
	/* The unix socket file this listener made, and its identity, so that
	 * destroy removes it but never a file someone put there since. */
	char *path;
	dev_t dev;
	ino_t ino;
};

struct stream_channel {
	struct sgl_channel base;
	int fd;
	atomic_bool down;
	union sockaddr_any addr;   /* the peer's, for a ticket */
};

/* What a ticket of a stream channel holds; the socket travels beside it. */
#define TICKET_MAGIC 0x53544b54u   /* "STKT" */
struct ticket {
	uint32_t magic;
	union sockaddr_any addr;
};

/* ---------------------------------------------------------------------- */
/* Errors and addresses */

/* A vsock CID: a number, or "any" (listen on every CID of this machine). */
static bool parse_cid(const char *s, unsigned *cid)
{
	unsigned long v;

	if (!strcmp(s, "any")) {
		*cid = VMADDR_CID_ANY;
		return true;
	}
	if (!sgl_addr_number(s, 0, VMADDR_CID_ANY - 1, &v))
		return false;
	*cid = (unsigned)v;
	return true;
}

/* "127.0.0.1:3000", "[::1]:3000". A client that reached a dual-stack
 * listener over IPv4 reads as IPv4, as the user typed it. */
static void format_inet(const union sockaddr_any *a, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in.sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(a->in.sin_port));
	} else if (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr)) {
		inet_ntop(AF_INET, &a->in6.sin6_addr.s6_addr[12], ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(a->in6.sin6_port));
	} else {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, ntohs(a->in6.sin6_port));
	}
}

static bool is_loopback(const union sockaddr_any *a)
{
	const struct in6_addr *x = &a->in6.sin6_addr;

	if (a->sa.sa_family == AF_INET)
		return ntohl(a->in.sin_addr.s_addr) >> 24 == 127;
	if (a->sa.sa_family != AF_INET6)
		return false;
	return IN6_IS_ADDR_LOOPBACK(x) || (IN6_IS_ADDR_V4MAPPED(x) && x->s6_addr[12] == 127);
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
	return sgl_socket_read(c->fd, &c->down, buf, n);
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

static int channel_ticket(struct sgl_channel *ch, void *t, size_t size, int *fd)
{
	struct stream_channel *c = channel_of(ch);
	struct ticket k = { TICKET_MAGIC, c->addr };

	if (size < sizeof(k))
		return -EINVAL;
	memcpy(t, &k, sizeof(k));
	*fd = c->fd;
	return 0;
}

static const struct sgl_channel_ops channel_ops = {
	.read = channel_read,
	.write = channel_write,
	.shutdown = channel_shutdown,
	.destroy = channel_destroy,
	.ticket = channel_ticket,
};

static void format_peer(const union sockaddr_any *a, char *out, size_t size)
{
	char addr[64];

	switch (a->sa.sa_family) {
	case AF_INET:
	case AF_INET6:
		format_inet(a, addr, sizeof(addr));
		snprintf(out, size, "tcp %s", addr);
		break;
	case AF_VSOCK:
		snprintf(out, size, "vsock %u:%u", a->vm.svm_cid, a->vm.svm_port);
		break;
	default:
		/* Unix clients are unnamed: nothing more to say. */
		snprintf(out, size, "unix");
		break;
	}
}

/* Takes ownership of `fd`: a channel, or NULL (and fd closed). */
static struct sgl_channel *channel_new(int fd, const union sockaddr_any *peer)
{
	struct stream_channel *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	c->base.ops = &channel_ops;
	c->fd = fd;
	atomic_init(&c->down, false);
	c->addr = *peer;
	format_peer(peer, c->base.peer, sizeof(c->base.peer));
	/* Batches end in a small message that waits for a reply: do not let
	 * Nagle hold it back. Only a latency loss if this fails. */
	if (peer->sa.sa_family == AF_INET || peer->sa.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return &c->base;
}

/* ---------------------------------------------------------------------- */
/* Listener */

static struct stream_listener *listener_of(struct sgl_listener *l)
{
	return (struct stream_listener *)((char *)l - offsetof(struct stream_listener, base));
}

/* Errors accept() passes on from a client that is already gone, or that a
 * racing accept took: wait for the next one. */
static bool accept_retry(int e)
{
	switch (e) {
	case EINTR: case EAGAIN: case ECONNABORTED: case EPROTO: case ENETDOWN:
	case ENOPROTOOPT: case EHOSTDOWN: case ENONET: case EHOSTUNREACH:
	case EOPNOTSUPP: case ENETUNREACH:
		return true;
	default:
		return false;
	}
}

static struct sgl_channel *listener_accept(struct sgl_listener *base, int *err)
{
	struct stream_listener *l = listener_of(base);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = l->fd, .events = POLLIN },
			{ .fd = l->wake[0], .events = POLLIN },
		};
		if (atomic_load(&l->stopped)) {
			*err = -ECANCELED;
			return NULL;
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			*err = -errno;
			return NULL;
		}
		if (p[1].revents) {
			*err = -ECANCELED;
			return NULL;
		}
		if (!p[0].revents)
			continue;

		union sockaddr_any a;
		socklen_t len = sizeof(a);
		memset(&a, 0, sizeof(a));
		/* The accepted socket is blocking: Linux does not pass on the
		 * listening socket's O_NONBLOCK. */
		int fd = accept4(l->fd, &a.sa, &len, SOCK_CLOEXEC);
		if (fd < 0 && accept_retry(errno))
			continue;
		struct sgl_channel *ch = fd < 0 ? NULL : channel_new(fd, &a);
		if (!ch)
			*err = -errno;
		return ch;
	}
}

/* Async-signal-safe: an atomic store and a write. */
static void listener_shutdown(struct sgl_listener *base)
{
	struct stream_listener *l = listener_of(base);

	atomic_store(&l->stopped, true);
	if (write(l->wake[1], "x", 1) < 0) {
		/* The pipe is full: it was woken long ago. */
	}
}

static void listener_destroy(struct sgl_listener *base)
{
	struct stream_listener *l = listener_of(base);
	struct stat st;

	if (l->path && stat(l->path, &st) == 0 && st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	free(l->path);
	close(l->wake[0]);
	close(l->wake[1]);
	close(l->fd);
	free(l);
}

static struct sgl_channel *listener_redeem(struct sgl_listener *base, const void *t,
					   size_t size, int fd)
{
	struct ticket k;

	(void)base;
	if (size >= sizeof(k))
		memcpy(&k, t, sizeof(k));
	if (size < sizeof(k) || k.magic != TICKET_MAGIC || fd < 0) {
		if (fd >= 0)
			close(fd);
		errno = EINVAL;
		return NULL;
	}
	return channel_new(fd, &k.addr);
}

static const struct sgl_listener_ops listener_ops = {
	.accept = listener_accept,
	.shutdown = listener_shutdown,
	.destroy = listener_destroy,
	.redeem = listener_redeem,
};

int64_t sgl_stream_listener_port(struct sgl_listener *l)
{
	if (!l || l->ops != &listener_ops)
		return -1;
	return listener_of(l)->port;
}

/* A bound, listening socket, or -errno with *step naming the call that
 * failed. Non-blocking: accept runs only after poll saw a client, and must
 * not block should that client be gone by then. */
static int open_listening(const union sockaddr_any *a, socklen_t len, const char **step)
{
	int one = 1, e;
	int fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	*step = "socket";
	if (fd < 0)
		return -errno;
	/* TCP: restart at once on a port whose old connections linger in
	 * TIME_WAIT. */
	*step = "setsockopt";
	if (a->sa.sa_family != AF_UNIX && a->sa.sa_family != AF_VSOCK &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	*step = "bind";
	if (bind(fd, &a->sa, len) < 0)
		goto fail;
	*step = "listen";
	if (listen(fd, BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	return -e;
}

/* Wraps a listening fd (closed on failure). */
static struct stream_listener *listener_new(int fd)
{
	struct stream_listener *l = calloc(1, sizeof(*l));
	int e;

	if (!l)
		goto fail;
	if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail_free;
	l->base.ops = &listener_ops;
	l->base.forkable = true;
	l->fd = fd;
	l->port = -1;
	atomic_init(&l->stopped, false);
	return l;

fail_free:
	e = errno;
	free(l);
	errno = e;
fail:
	e = errno;
	close(fd);
	errno = e;
	return NULL;
}

/* The address the kernel gave a listening socket (the port of port 0); `a`
 * keeps what bind was given should the kernel not say. */
static void bound_address(int fd, union sockaddr_any *a)
{
	union sockaddr_any got;
	socklen_t len = sizeof(got);

	if (getsockname(fd, &got.sa, &len) == 0 && len <= sizeof(got))
		*a = got;
}

/* ---------------------------------------------------------------------- */
/* A listening socket the embedder made (systemd's, a VMM's): adopted, never
 * unlinked; the token policy from its address as for our own. */

struct sgl_listener *sgl_stream_adopt(int fd, char *err, size_t err_size)
{
	union sockaddr_any a;
	socklen_t len = sizeof(a);
	int listening = 0, type = 0, flags;
	socklen_t ilen = sizeof(int);

	memset(&a, 0, sizeof(a));
	int e = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) < 0 ||
	    getsockname(fd, &a.sa, &len) < 0)
		e = errno;
	else if (!listening || type != SOCK_STREAM)
		e = EINVAL;
	/* accept runs after poll saw a client, and must not block. */
	else if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
		 fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		e = errno;
	if (e) {
		close(fd);
		return sgl_addr_fail(e, err, err_size, "fd %d: not a listening stream socket: %s",
				     fd, strerror(e));
	}
	struct stream_listener *l = listener_new(fd);
	if (!l)
		return sgl_addr_fail(errno, err, err_size, "fd %d: %s", fd, strerror(errno));
	char name[64];
	switch (a.sa.sa_family) {
	case AF_UNIX:
		snprintf(l->base.desc, sizeof(l->base.desc), "unix fd %d %s", fd,
			 len > offsetof(struct sockaddr_un, sun_path) ? a.un.sun_path : "");
		l->base.needs_token = false;
		break;
	case AF_INET:
	case AF_INET6:
		format_inet(&a, name, sizeof(name));
		snprintf(l->base.desc, sizeof(l->base.desc), "tcp fd %d %s", fd, name);
		l->port = ntohs(a.sa.sa_family == AF_INET ? a.in.sin_port : a.in6.sin6_port);
		l->base.needs_token = !is_loopback(&a);
		break;
	default:   /* vsock, and what we do not know: as beyond this machine */
		snprintf(l->base.desc, sizeof(l->base.desc), "fd %d (family %d)", fd,
			 a.sa.sa_family);
		l->base.needs_token = true;
		break;
	}
	return &l->base;
}

/* ---------------------------------------------------------------------- */
/* tcp:HOST:PORT */

static struct sgl_listener *listen_tcp(const char *address, char *err, size_t err_size)
{
	char host[256];
	const char *port;
	unsigned long num;
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL;
	union sockaddr_any a;
	const char *step = "bind";
	int fd = -EADDRNOTAVAIL;
	char name[64];

	if (!sgl_addr_split(address + 4, host, sizeof(host), &port))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected tcp:HOST:PORT", address);
	if (!sgl_addr_number(port, 0, 65535, &num))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad port '%s' (0-65535)", address, port);
	/* An empty host means the safe default, not every interface. */
	int r = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &res);
	if (r == EAI_SYSTEM)
		return sgl_addr_fail(errno, err, err_size, "%s: cannot resolve '%s': %s", address, host,
			    strerror(errno));
	if (r)
		return sgl_addr_fail(EADDRNOTAVAIL, err, err_size, "%s: cannot resolve '%s': %s", address,
			    host, gai_strerror(r));
	for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(a))
			continue;
		memset(&a, 0, sizeof(a));
		memcpy(&a, ai->ai_addr, ai->ai_addrlen);
		fd = open_listening(&a, ai->ai_addrlen, &step);
	}
	freeaddrinfo(res);
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: %s: %s", address, step, strerror(-fd));

	struct stream_listener *l = listener_new(fd);
	if (!l)
		return sgl_addr_fail(errno, err, err_size, "%s: %s", address, strerror(errno));
	bound_address(fd, &a);
	format_inet(&a, name, sizeof(name));
	snprintf(l->base.desc, sizeof(l->base.desc), "tcp %s", name);
	l->port = ntohs(a.sa.sa_family == AF_INET ? a.in.sin_port : a.in6.sin6_port);
	/* Anyone on the network can reach a non-loopback listen. */
	l->base.needs_token = !is_loopback(&a);
	return &l->base;
}

/* ---------------------------------------------------------------------- */
/* unix:PATH */

/* A socket file left by a server that died makes bind fail: remove it, but
 * only if nobody answers on it, for a live server keeps its socket. (A live
 * server sees the probe as a client that leaves at once.) 0 or -errno. */
static int remove_stale(const union sockaddr_any *a, socklen_t len)
{
	struct stat st;

	if (lstat(a->un.sun_path, &st) < 0)
		return 0; /* nothing there, or bind will say why */
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	/* Non-blocking: a live server with a full backlog says EAGAIN rather
	 * than making us wait. */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int r = connect(fd, &a->sa, len) < 0 ? errno : 0;
	close(fd);
	if (r == 0 || r == EAGAIN || r == EINPROGRESS)
		return -EADDRINUSE;
	if (r != ECONNREFUSED)
		return 0;
	if (unlink(a->un.sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int sgl_unix_remove_stale(const char *path)
{
	union sockaddr_any a;

	memset(&a, 0, sizeof(a));
	if (strlen(path) >= sizeof(a.un.sun_path))
		return -ENAMETOOLONG;
	a.un.sun_family = AF_UNIX;
	memcpy(a.un.sun_path, path, strlen(path) + 1);
	return remove_stale(&a, sizeof(a.un));
}

static struct sgl_listener *listen_unix(const char *address, char *err, size_t err_size)
{
	const char *path = address + 5;
	union sockaddr_any a;
	const char *step;
	struct stat st = { 0 };

	memset(&a, 0, sizeof(a));
	if (!*path)
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected unix:PATH", address);
	if (strlen(path) >= sizeof(a.un.sun_path))
		return sgl_addr_fail(ENAMETOOLONG, err, err_size, "%s: path longer than %zu bytes", address,
			    sizeof(a.un.sun_path) - 1);
	a.un.sun_family = AF_UNIX;
	memcpy(a.un.sun_path, path, strlen(path) + 1);
	socklen_t len = sizeof(a.un);

	int r = remove_stale(&a, len);
	if (r == -EADDRINUSE)
		return sgl_addr_fail(EADDRINUSE, err, err_size, "%s: a server is already listening there",
			    address);
	if (r == -ENOTSOCK)
		return sgl_addr_fail(EEXIST, err, err_size, "%s: exists and is not a socket", address);
	if (r < 0)
		return sgl_addr_fail(-r, err, err_size, "%s: removing the stale socket: %s", address,
			    strerror(-r));
	int fd = open_listening(&a, len, &step);
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: %s: %s", address, step, strerror(-fd));
	/* Before anything can fail: a file that is ours must go with us. */
	if (stat(path, &st) < 0)
		memset(&st, 0, sizeof(st));

	struct stream_listener *l = listener_new(fd);
	char *copy = l ? strdup(path) : NULL;
	if (!copy) {
		int e = l ? ENOMEM : errno;
		if (l)
			listener_destroy(&l->base);
		unlink(path);
		return sgl_addr_fail(e, err, err_size, "%s: %s", address, strerror(e));
	}
	l->path = copy;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	snprintf(l->base.desc, sizeof(l->base.desc), "unix %s", path);
	/* Only who may open the file reaches us: the host's own users. */
	l->base.needs_token = false;
	return &l->base;
}

/* ---------------------------------------------------------------------- */
/* vsock:CID:PORT */

static struct sgl_listener *listen_vsock(const char *address, char *err, size_t err_size)
{
	char cid_str[16];
	const char *port;
	unsigned cid;
	unsigned long num;
	union sockaddr_any a;
	const char *step;

	if (!sgl_addr_split(address + 6, cid_str, sizeof(cid_str), &port))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: expected vsock:CID:PORT", address);
	if (!parse_cid(cid_str, &cid))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad CID '%s' (a number or \"any\")",
			    address, cid_str);
	if (!sgl_addr_number(port, 0, VMADDR_PORT_ANY - 1, &num))
		return sgl_addr_fail(EINVAL, err, err_size, "%s: bad port '%s'", address, port);
	memset(&a, 0, sizeof(a));
	a.vm.svm_family = AF_VSOCK;
	a.vm.svm_cid = cid;
	/* Port 0 means "pick one", as for TCP; vsock spells it PORT_ANY. */
	a.vm.svm_port = num ? (unsigned)num : VMADDR_PORT_ANY;

	int fd = open_listening(&a, sizeof(a.vm), &step);
	if (fd == -EAFNOSUPPORT)
		return sgl_addr_fail(EAFNOSUPPORT, err, err_size, "%s: this kernel has no vsock", address);
	if (fd < 0)
		return sgl_addr_fail(-fd, err, err_size, "%s: %s: %s", address, step, strerror(-fd));
	struct stream_listener *l = listener_new(fd);
	if (!l)
		return sgl_addr_fail(errno, err, err_size, "%s: %s", address, strerror(errno));
	bound_address(fd, &a);
	l->port = a.vm.svm_port;
	if (cid == VMADDR_CID_ANY)
		snprintf(l->base.desc, sizeof(l->base.desc), "vsock any:%u", a.vm.svm_port);
	else
		snprintf(l->base.desc, sizeof(l->base.desc), "vsock %u:%u", cid, a.vm.svm_port);
	/* A VM is not the host's own user. */
	l->base.needs_token = true;
	return &l->base;
}

struct sgl_listener *sgl_stream_listen(const char *address, char *err, size_t err_size)
{
	if (!address)
		return sgl_addr_fail(EINVAL, err, err_size, "no address");
	if (!strncmp(address, "tcp:", 4))
		return listen_tcp(address, err, err_size);
	if (!strncmp(address, "unix:", 5))
		return listen_unix(address, err, err_size);
	if (!strncmp(address, "vsock:", 6))
		return listen_vsock(address, err, err_size);
	return sgl_addr_fail(EINVAL, err, err_size,
		    "%s: unknown address (tcp:HOST:PORT, unix:PATH or vsock:CID:PORT)", address);
}
