/*
 * sglhost_transport.h over the transports' own interfaces (listener.h,
 * channel.h): the public objects are those, seen through opaque types.
 */
#include "sglhost_transport.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sgl_shm.h"
#include "transport/listener.h"
#include "transport/region_listener.h"
#include "transport/session.h"
#include "transport/stream.h"

#define DEFAULT_SLOTS SGL_SHM_DEFAULT_SLOTS
#define DEFAULT_RING SGL_SHM_DEFAULT_RING

static struct sgl_listener *L(struct sglhost_listener *l)
{
	return (struct sgl_listener *)l;
}

static const struct sgl_listener *CL(const struct sglhost_listener *l)
{
	return (const struct sgl_listener *)l;
}

static struct sgl_channel *C(struct sglhost_channel *c)
{
	return (struct sgl_channel *)c;
}

void sglhost_listener_config_init(struct sglhost_listener_config *cfg)
{
	if (cfg)
		*cfg = (struct sglhost_listener_config){ .version = SGLHOST_LISTENER_CONFIG_VERSION };
}

static struct sgl_listener *open_spec(const char *spec, const struct sglhost_listener_config *c,
				      char *err, size_t err_size)
{
	uint32_t slots = c->slots ? c->slots : DEFAULT_SLOTS;
	uint32_t ring = c->ring_size ? c->ring_size : DEFAULT_RING;
	if (!strcmp(spec, "shm") || !strncmp(spec, "shm:", 4)) {
		struct sgl_shm_config sc = {
			.path = spec[3] ? spec + 4 : c->shm_path, .slots = slots,
			.ring_size = ring, .remove_stale = c->remove_stale,
		};
		return sgl_shm_listen(&sc, err, err_size);
	}
	if (sgl_ivshmem_spec(spec))
		return sgl_ivshmem_listen(spec, slots, ring, err, err_size);
	if (!strncmp(spec, "vhost-user-vsock:", 17)) {
		char path[256];
		struct sgl_vhost_vsock_config vc = { .log = c->log, .log_user = c->log_user };
		if (sgl_vhost_vsock_parse(spec, &vc, path, sizeof(path), err, err_size))
			return NULL;
		return sgl_vhost_vsock_listen(&vc, err, err_size);
	}
	return sgl_stream_listen(spec, err, err_size);
}

struct sglhost_listener *sglhost_listener_open(const char *spec,
					       const struct sglhost_listener_config *cfg,
					       char *err, size_t err_size)
{
	char buf[256];
	struct sglhost_listener_config dflt;
	if (!err || !err_size) {
		err = buf;
		err_size = sizeof(buf);
	}
	err[0] = '\0';
	if (!cfg) {
		sglhost_listener_config_init(&dflt);
		cfg = &dflt;
	}
	if (!spec || cfg->version != SGLHOST_LISTENER_CONFIG_VERSION || cfg->flags) {
		snprintf(err, err_size, "bad arguments");
		errno = EINVAL;
		return NULL;
	}
	struct sgl_listener *l = open_spec(spec, cfg, err, err_size);
	if (!l && !errno)
		errno = EINVAL;
	return (struct sglhost_listener *)l;
}

struct sglhost_listener *sglhost_listener_adopt_fd(int fd, char *err, size_t err_size)
{
	char buf[256];
	if (!err || !err_size) {
		err = buf;
		err_size = sizeof(buf);
	}
	if (fd < 0) {
		snprintf(err, err_size, "bad fd");
		errno = EINVAL;
		return NULL;
	}
	return (struct sglhost_listener *)sgl_stream_adopt(fd, err, err_size);
}

struct sglhost_channel *sglhost_listener_accept(struct sglhost_listener *l, int *error)
{
	int e = 0;
	struct sgl_channel *ch = l ? L(l)->ops->accept(L(l), &e) : NULL;
	if (!l)
		e = -EINVAL;
	if (error)
		*error = ch ? 0 : e ? e : -EIO;
	return (struct sglhost_channel *)ch;
}

void sglhost_listener_shutdown(struct sglhost_listener *l)
{
	if (l)
		L(l)->ops->shutdown(L(l));
}

void sglhost_listener_destroy(struct sglhost_listener *l)
{
	if (l)
		L(l)->ops->destroy(L(l));
}

const char *sglhost_listener_describe(const struct sglhost_listener *l)
{
	return l ? CL(l)->desc : "";
}

bool sglhost_listener_needs_token(const struct sglhost_listener *l)
{
	return l && CL(l)->needs_token;
}

bool sglhost_listener_forkable(const struct sglhost_listener *l)
{
	return l && CL(l)->forkable;
}

int64_t sglhost_listener_port(const struct sglhost_listener *l)
{
	return l ? sgl_stream_listener_port((struct sgl_listener *)CL(l)) : -1;
}

int sglhost_channel_ticket(struct sglhost_channel *ch, struct sglhost_channel_ticket *ticket,
			   int *fd)
{
	if (!ch || !ticket || !fd)
		return -EINVAL;
	*fd = -1;
	memset(ticket, 0, sizeof(*ticket));
	if (!C(ch)->ops->ticket)
		return -ENOTSUP;
	return C(ch)->ops->ticket(C(ch), ticket->bytes, sizeof(ticket->bytes), fd);
}

struct sglhost_channel *sglhost_listener_redeem(struct sglhost_listener *l,
						const struct sglhost_channel_ticket *ticket, int fd)
{
	if (!l || !ticket || !CL(l)->forkable || !CL(l)->ops->redeem) {
		if (fd >= 0)
			close(fd);
		errno = EINVAL;
		return NULL;
	}
	return (struct sglhost_channel *)L(l)->ops->redeem(L(l), ticket->bytes,
							   sizeof(ticket->bytes), fd);
}

int sglhost_channel_serve(struct sglhost_channel *ch, const struct sglhost_session_config *cfg)
{
	if (!ch || !cfg)
		return -EINVAL;
	return sgl_session_serve(cfg, C(ch));
}

void sglhost_channel_shutdown(struct sglhost_channel *ch)
{
	if (!ch)
		return;
	atomic_store(&C(ch)->cancelled, true);
	C(ch)->ops->shutdown(C(ch));
}

const char *sglhost_channel_peer(const struct sglhost_channel *ch)
{
	return ch ? ((const struct sgl_channel *)ch)->peer : "";
}

void sglhost_channel_destroy(struct sglhost_channel *ch)
{
	if (ch)
		C(ch)->ops->destroy(C(ch));
}

void sglhost_shm_region_config_init(struct sglhost_shm_region_config *cfg)
{
	if (cfg)
		*cfg = (struct sglhost_shm_region_config){
			.version = SGLHOST_SHM_REGION_CONFIG_VERSION };
}

struct sglhost_listener *sglhost_shm_region_listen(const struct sglhost_shm_region_config *cfg,
						   char *err, size_t err_size)
{
	char buf[256];
	if (!err || !err_size) {
		err = buf;
		err_size = sizeof(buf);
	}
	if (!cfg || cfg->version != SGLHOST_SHM_REGION_CONFIG_VERSION || cfg->flags) {
		snprintf(err, err_size, "bad arguments");
		errno = EINVAL;
		return NULL;
	}
	return (struct sglhost_listener *)sgl_region_listen(cfg, err, err_size);
}

void sglhost_shm_region_doorbell(struct sglhost_listener *l)
{
	if (l && sgl_region_listener(L(l)))
		sgl_region_doorbell(L(l));
}

void sglhost_shm_region_pause(struct sglhost_listener *l, bool paused)
{
	if (l && sgl_region_listener(L(l)))
		sgl_region_pause(L(l), paused);
}

void sglhost_shm_region_reset(struct sglhost_listener *l)
{
	if (l && sgl_region_listener(L(l)))
		sgl_region_reset(L(l));
}

void sglhost_vhost_vsock_config_init(struct sglhost_vhost_vsock_config *cfg)
{
	if (cfg)
		*cfg = (struct sglhost_vhost_vsock_config){
			.version = SGLHOST_VHOST_VSOCK_CONFIG_VERSION, .listen_fd = -1,
			.frontend_fd = -1 };
}

struct sglhost_listener *sglhost_vhost_vsock_open(const struct sglhost_vhost_vsock_config *cfg,
						  char *err, size_t err_size)
{
	char buf[256];
	if (!err || !err_size) {
		err = buf;
		err_size = sizeof(buf);
	}
	int ways = (cfg && cfg->path) + (cfg && cfg->listen_fd >= 0) + (cfg && cfg->frontend_fd >= 0);
	if (!cfg || cfg->version != SGLHOST_VHOST_VSOCK_CONFIG_VERSION || cfg->flags || ways != 1) {
		snprintf(err, err_size, "bad arguments");
		errno = EINVAL;
		return NULL;
	}
	struct sgl_vhost_vsock_config vc = {
		.path = cfg->path, .connected = cfg->frontend_fd >= 0,
		.frontend_fd = cfg->frontend_fd, .adopt_listen = cfg->listen_fd >= 0,
		.listen_fd = cfg->listen_fd, .guest_cid = cfg->guest_cid, .port = cfg->port,
		.max_connections = cfg->max_connections, .log = cfg->log, .log_user = cfg->log_user,
	};
	return (struct sglhost_listener *)sgl_vhost_vsock_listen(&vc, err, err_size);
}

int sglhost_ivshmem_qemu_args(const char *spec, uint32_t slots, uint32_t ring_size, char *buf,
			      size_t buf_size)
{
	if (!spec || !buf)
		return -EINVAL;
	return sgl_ivshmem_qemu_args(spec, slots ? slots : DEFAULT_SLOTS,
				     ring_size ? ring_size : DEFAULT_RING, buf, buf_size);
}

bool sglhost_ivshmem_spec(const char *spec)
{
	return spec && sgl_ivshmem_spec(spec);
}

int sglhost_vhost_vsock_parse(const char *spec, char *path, size_t path_size,
			      uint64_t *guest_cid, uint32_t *port, char *err, size_t err_size)
{
	char buf[256];
	struct sgl_vhost_vsock_config vc = { 0 };
	if (!err || !err_size) {
		err = buf;
		err_size = sizeof(buf);
	}
	if (!spec || !path) {
		snprintf(err, err_size, "bad arguments");
		return -EINVAL;
	}
	int r = sgl_vhost_vsock_parse(spec, &vc, path, path_size, err, err_size);
	if (r)
		return r;
	if (guest_cid)
		*guest_cid = vc.guest_cid ? vc.guest_cid : SGL_VHOST_VSOCK_DEFAULT_CID;
	if (port)
		*port = vc.port ? vc.port : SGL_VHOST_VSOCK_DEFAULT_PORT;
	return 0;
}
