/*
 * sglhost-render: the helper process of an out-of-process session
 * (sglhost_session.h, SGLHOST_SESSION_OUT_OF_PROCESS). Started by the
 * library with one end of a socket pair as descriptor `argv[1]`; reads the
 * settings (helper_proto.h), makes a host of its own, and serves the
 * session over the socket with the public API, until the socket closes.
 * A crash in here (the GL driver) is the embedder's lost session, nothing
 * more. Exit status: 0 when the embedder closed the socket, else the
 * errno the session ended with.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sglhost_session.h"
#include "transport/helper_proto.h"

static int send_all(void *user, const void *data, size_t size)
{
	int fd = *(int *)user;
	const char *p = data;
	while (size) {
		ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t size)
{
	char *p = buf;
	while (size) {
		ssize_t n = read(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sgl_helper_init in;
	if (argc != 2)
		return EINVAL;
	int fd = atoi(argv[1]);
	signal(SIGPIPE, SIG_IGN);
	if (read_all(fd, &in, sizeof(in)) || in.magic != SGL_HELPER_MAGIC)
		return EPROTO;
	in.render_node[sizeof(in.render_node) - 1] = '\0';
	in.peer[sizeof(in.peer) - 1] = '\0';

	struct sglhost_config hc;
	sglhost_config_init(&hc);
	hc.platform = (enum sglhost_platform)in.platform;
	hc.flags = in.host_flags;
	hc.render_node = in.render_node[0] ? in.render_node : NULL;
	hc.egl_device_index = in.egl_device_index;
	hc.max_surface_width = in.max_surface_width;
	hc.max_surface_height = in.max_surface_height;
	hc.max_context_memory = in.max_context_memory;
	hc.max_object_name = in.max_object_name;
	struct sglhost *host = sglhost_create(&hc);
	if (!host)
		return errno ? errno : ENODEV;

	struct sglhost_session_config sc;
	sglhost_session_config_init(&sc);
	sc.host = host;
	sc.flags = in.session_flags & SGLHOST_SESSION_REQUIRE_TOKEN;
	memcpy(sc.token, in.token, sizeof(sc.token));
	sc.max_contexts = in.max_contexts;
	sc.max_width = in.max_width;
	sc.max_height = in.max_height;
	sc.max_major = in.max_major;
	sc.max_minor = in.max_minor;
	sc.peer = in.peer;
	sc.send = send_all;
	sc.send_user = &fd;
	struct sglhost_session *s = sglhost_session_create(&sc);
	if (!s)
		return ENOMEM;
	int r = 0;
	for (;;) {
		void *buf;
		size_t room;
		r = sglhost_session_get_buffer(s, &buf, &room);
		if (r)
			break;
		ssize_t n = read(fd, buf, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {   /* the embedder closed its end */
			r = 0;
			break;
		}
		r = sglhost_session_commit(s, (size_t)n);
		if (r)
			break;
	}
	sglhost_session_destroy(s);
	sglhost_destroy(host);
	return r < 0 && -r < 126 ? -r : 0;
}
