/*
 * Helpers over any guest channel (channel.h). The same as the host's
 * src/transport/channel.c under a guest name, so that a program (a test, an
 * in-process loopback) can link both sides.
 */
#include "channel.h"
#include "stream.h"

#include <errno.h>

int sgl_guest_channel_read_all(struct sgl_channel *ch, void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = ch->ops->read(ch, p, n);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EPIPE;
		/* A transport that claims more than it was given is broken;
		 * do not walk past the buffer on its word. */
		if ((size_t)r > n)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
