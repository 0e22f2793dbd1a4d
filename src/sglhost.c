/* The public API (include/sglhost.h): argument checks and locking around
 * the hosts, contexts and decoder. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "contexts/context.h"

#define DEFAULT_MAX_SIZE 16384u
#define DEFAULT_MAX_MEMORY (256ull << 20)
#define DEFAULT_MAX_NAME (1u << 22)

SGLHOST_EXPORT void sglhost_config_init(struct sglhost_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = SGLHOST_CONFIG_VERSION;
	cfg->platform = SGLHOST_PLATFORM_AUTO;
	cfg->egl_device_index = -1;
	cfg->log_level = SGLHOST_LOG_WARN;
}

static void *getproc(void *user, const char *name)
{
	return sgl_egl_get_proc(user, name);
}

SGLHOST_EXPORT struct sglhost *sglhost_create(const struct sglhost_config *cfg)
{
	if (!cfg || cfg->version != SGLHOST_CONFIG_VERSION ||
	    (cfg->flags & ~SGLHOST_CONFIG_FPS_OVERLAY) ||
	    cfg->platform > SGLHOST_PLATFORM_SURFACELESS) {
		errno = EINVAL;
		return NULL;
	}
	struct sglhost *host = calloc(1, sizeof(*host));
	if (!host) {
		errno = ENOMEM;
		return NULL;
	}
	host->log.fn = cfg->log;
	host->log.user = cfg->log_user;
	host->log.level = cfg->log_level;
	host->max_width = cfg->max_surface_width ? cfg->max_surface_width : DEFAULT_MAX_SIZE;
	host->max_height = cfg->max_surface_height ? cfg->max_surface_height : DEFAULT_MAX_SIZE;
	host->max_context_memory = cfg->max_context_memory ? cfg->max_context_memory :
							     DEFAULT_MAX_MEMORY;
	host->max_object_name = cfg->max_object_name ? cfg->max_object_name : DEFAULT_MAX_NAME;
	host->fps_overlay = cfg->flags & SGLHOST_CONFIG_FPS_OVERLAY;
	host->egl = sgl_egl_create(cfg, &host->log);
	if (!host->egl) {
		int e = errno;
		free(host);
		errno = e;
		return NULL;
	}
	unsigned missing = sgl_gl_table_load(&host->gl, getproc, host->egl);
	sgl_log_info(&host->log, "EGL display: %s; %u GL entry points unresolved",
		     sgl_egl_platform_name(host->egl), missing);
	pthread_mutex_init(&host->lock, NULL);
	return host;
}

SGLHOST_EXPORT void sglhost_destroy(struct sglhost *host)
{
	if (!host)
		return;
	while (host->contexts)
		sglhost_context_destroy(host->contexts);
	sgl_egl_destroy(host->egl);
	pthread_mutex_destroy(&host->lock);
	free(host);
}

SGLHOST_EXPORT const char *sglhost_platform_name(const struct sglhost *host)
{
	return host ? sgl_egl_platform_name(host->egl) : "";
}

SGLHOST_EXPORT void sglhost_context_config_init(struct sglhost_context_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = SGLHOST_CONTEXT_CONFIG_VERSION;
	cfg->api = SGLHOST_API_GL_COMPAT;
	cfg->width = 640;
	cfg->height = 480;
}

SGLHOST_EXPORT struct sglhost_context *
sglhost_context_create(struct sglhost *host, const struct sglhost_context_config *cfg)
{
	if (!host || !cfg || cfg->version != SGLHOST_CONTEXT_CONFIG_VERSION ||
	    (cfg->flags & ~SGLHOST_CONTEXT_FLAGS_ALL) ||
	    cfg->api < SGLHOST_API_GL_COMPAT || cfg->api > SGLHOST_API_GLES ||
	    cfg->width == 0 || cfg->height == 0 || cfg->width > host->max_width ||
	    cfg->height > host->max_height ||
	    (cfg->share && (cfg->share->host != host || cfg->share->api != cfg->api))) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&host->lock);
	struct sglhost_context *ctx = sgl_context_create(host, cfg);
	if (ctx) {
		ctx->next = host->contexts;
		host->contexts = ctx;
	}
	pthread_mutex_unlock(&host->lock);
	return ctx;
}

SGLHOST_EXPORT void sglhost_context_destroy(struct sglhost_context *ctx)
{
	if (!ctx)
		return;
	struct sglhost *host = ctx->host;
	pthread_mutex_lock(&host->lock);
	for (struct sglhost_context **p = &host->contexts; *p; p = &(*p)->next) {
		if (*p == ctx) {
			*p = ctx->next;
			break;
		}
	}
	sgl_context_destroy(ctx);
	pthread_mutex_unlock(&host->lock);
}

/* Payload pointers are cast to typed GL arrays: they must be 8-aligned. */
static const uint8_t *aligned(struct sglhost_context *ctx, const void *buf, size_t size)
{
	if (((uintptr_t)buf & 7) == 0)
		return buf;
	if (size > ctx->align_cap) {
		uint8_t *n = realloc(ctx->align_buf, size);
		if (!n)
			return NULL;
		ctx->align_buf = n;
		ctx->align_cap = size;
	}
	memcpy(ctx->align_buf, buf, size);
	return ctx->align_buf;
}

SGLHOST_EXPORT int sglhost_context_submit(struct sglhost_context *ctx, const void *buf,
					  size_t size, sglhost_reply_fn reply, void *user)
{
	if (!ctx || (!buf && size))
		return -EINVAL;
	if (ctx->dec.lost)
		return -EPIPE;
	if (!sgl_egl_make_current(ctx->host->egl, ctx->egl))
		return -EIO;
	const uint8_t *b = size ? aligned(ctx, buf, size) : buf;
	if (size && !b)
		return -ENOMEM;
	return sgl_dec_run(&ctx->dec, b, size, reply, user);
}

SGLHOST_EXPORT int sglhost_context_read_pixels(struct sglhost_context *ctx,
					       enum sglhost_pixel_format format, void *dst,
					       size_t stride, uint32_t width, uint32_t height)
{
	if (!ctx || !dst || (format != SGLHOST_PIXEL_RGBA8888 && format != SGLHOST_PIXEL_BGRA8888))
		return -EINVAL;
	if (width != ctx->surface.width || height != ctx->surface.height ||
	    stride < (size_t)width * 4)
		return -EINVAL;
	if (ctx->dec.lost)
		return -EPIPE;
	if (!sgl_egl_make_current(ctx->host->egl, ctx->egl))
		return -EIO;
	int r = sgl_surface_read(ctx, format, dst, stride);
	if (r == 0 && ctx->host->fps_overlay && ctx->surface.swapped)
		sgl_overlay_draw(dst, width, height, stride, ctx->surface.fps.fps);
	return r;
}

SGLHOST_EXPORT int sglhost_context_get_size(const struct sglhost_context *ctx, uint32_t *width,
					    uint32_t *height)
{
	if (!ctx || !width || !height)
		return -EINVAL;
	*width = ctx->surface.width;
	*height = ctx->surface.height;
	return 0;
}

SGLHOST_EXPORT int sglhost_context_resize(struct sglhost_context *ctx, uint32_t width,
					  uint32_t height)
{
	if (!ctx)
		return -EINVAL;
	if (!sgl_egl_make_current(ctx->host->egl, ctx->egl))
		return -EIO;
	return sgl_surface_resize(ctx, width, height);
}

SGLHOST_EXPORT int sglhost_context_get_status(const struct sglhost_context *ctx,
					      struct sglhost_context_status *status)
{
	if (!ctx || !status || status->version != SGLHOST_STATUS_VERSION)
		return -EINVAL;
	status->lost = ctx->dec.lost;
	memcpy(status->reason, ctx->dec.reason, sizeof(status->reason));
	status->reason[sizeof(status->reason) - 1] = '\0';
	status->commands = ctx->dec.commands;
	status->bytes = ctx->dec.bytes;
	status->major = ctx->major;
	status->minor = ctx->minor;
	return 0;
}
