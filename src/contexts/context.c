/* Guest contexts: EGL context, share groups and object-name maps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "contexts/context.h"

bool sgl_object_class_shared(enum sgl_object_class cls)
{
	/* Container objects are per context in GL; everything else is shared. */
	switch (cls) {
	case SGL_OBJ_FRAMEBUFFER:
	case SGL_OBJ_VERTEX_ARRAY:
	case SGL_OBJ_TRANSFORM_FEEDBACK:
	case SGL_OBJ_PROGRAM_PIPELINE:
	case SGL_OBJ_QUERY:
		return false;
	default:
		return true;
	}
}

static struct sgl_share_group *share_group_create(struct sglhost *host)
{
	struct sgl_share_group *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->refs = 1;
	g->budget.limit = host->max_context_memory;
	for (int i = 1; i < SGL_OBJ_COUNT; i++)
		if (sgl_object_class_shared(i))
			sgl_namemap_init(&g->maps[i], host->max_object_name, &g->budget);
	return g;
}

static void share_group_unref(struct sgl_share_group *g)
{
	if (!g || --g->refs)
		return;
	for (int i = 1; i < SGL_OBJ_COUNT; i++)
		if (sgl_object_class_shared(i))
			sgl_namemap_finish(&g->maps[i]);
	free(g);
}

static void wire_maps(struct sglhost_context *ctx)
{
	for (int i = 1; i < SGL_OBJ_COUNT; i++) {
		if (sgl_object_class_shared(i)) {
			ctx->dec.maps[i] = &ctx->share->maps[i];
		} else {
			sgl_namemap_init(&ctx->own[i], ctx->host->max_object_name, &ctx->budget);
			ctx->dec.maps[i] = &ctx->own[i];
		}
	}
	/* Slot 0 (SGL_OBJ_NONE) points somewhere valid and empty. */
	sgl_namemap_init(&ctx->own[0], 0, &ctx->budget);
	ctx->dec.maps[0] = &ctx->own[0];
}

static void unwire_maps(struct sglhost_context *ctx)
{
	for (int i = 0; i < SGL_OBJ_COUNT; i++)
		if (i == 0 || !sgl_object_class_shared(i))
			sgl_namemap_finish(&ctx->own[i]);
}


/* A compatibility-profile request can still give a context without the
 * fixed-function pipeline: GL 3.1 without GL_ARB_compatibility (what a
 * driver returns for "3.1, no profile"). The decoder must not touch
 * fixed-function state there: every such call is a GL error the guest
 * would see. */
static bool has_fixed_function(struct sglhost_context *ctx)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	GLint major = 0, minor = 0, mask = 0;
	if (ctx->major < 3)
		return true;
	gl->GetIntegerv(GL_MAJOR_VERSION, &major);
	gl->GetIntegerv(GL_MINOR_VERSION, &minor);
	bool compat;
	if (major > 3 || (major == 3 && minor >= 2)) {
		gl->GetIntegerv(GL_CONTEXT_PROFILE_MASK, &mask);
		compat = mask & GL_CONTEXT_COMPATIBILITY_PROFILE_BIT;
	} else {
		compat = major < 3 || minor == 0 ||
			 sgl_context_has_extension(ctx, "GL_ARB_compatibility");
	}
	for (int i = 0; i < 8 && gl->GetError() != GL_NO_ERROR; i++)
		;   /* a GL 2 driver refused GL_MAJOR_VERSION: not the guest's error */
	return compat;
}

struct sglhost_context *sgl_context_create(struct sglhost *host,
					   const struct sglhost_context_config *cfg)
{
	struct sglhost_context *ctx = calloc(1, sizeof(*ctx));
	EGLContext share = cfg->share ? cfg->share->egl : EGL_NO_CONTEXT;
	int err = ENOMEM;

	if (!ctx)
		goto err;
	ctx->host = host;
	ctx->api = cfg->api;
	ctx->present = cfg->present;
	ctx->present_user = cfg->present_user;
	ctx->budget.limit = host->max_context_memory;
	ctx->egl = sgl_egl_context_create(host->egl, cfg->api, cfg->major, cfg->minor, cfg->flags, share,
					  &ctx->major, &ctx->minor);
	if (ctx->egl == EGL_NO_CONTEXT) {
		err = ENOTSUP;
		goto err_free;
	}
	if (cfg->share) {
		ctx->share = cfg->share->share;
		ctx->share->refs++;
	} else if (!(ctx->share = share_group_create(host))) {
		goto err_egl;
	}
	sgl_dec_init(&ctx->dec, &host->gl, &ctx->budget, &host->log);
	ctx->dec.ctx = ctx;
	ctx->dec.gles = cfg->api == SGLHOST_API_GLES;
	ctx->dec.ctx_compat = cfg->api == SGLHOST_API_GL_COMPAT;
	ctx->dec.major = ctx->major;
	ctx->dec.minor = ctx->minor;
	wire_maps(ctx);
	if (!sgl_egl_make_current(host->egl, ctx->egl)) {
		err = EIO;
		goto err_maps;
	}
	if (ctx->dec.ctx_compat && !has_fixed_function(ctx))
		ctx->dec.ctx_compat = false;
	if (sgl_surface_init(ctx, cfg->width, cfg->height, cfg->flags) < 0) {
		sgl_log_error(&host->log, "cannot make a %ux%u framebuffer", cfg->width,
			      cfg->height);
		goto err_maps;
	}
	return ctx;

err_maps:
	unwire_maps(ctx);
	sgl_dec_finish(&ctx->dec);
	share_group_unref(ctx->share);
err_egl:
	sgl_egl_context_destroy(host->egl, ctx->egl);
err_free:
	free(ctx);
err:
	errno = err;
	return NULL;
}

void sgl_context_destroy(struct sglhost_context *ctx)
{
	struct sglhost *host = ctx->host;

	if (sgl_egl_make_current(host->egl, ctx->egl)) {
		sgl_surface_finish(ctx);
		for (int i = 0; i < SGL_STREAM_SLOTS; i++)
			if (ctx->dec.streams[i].buffer)
				host->gl.DeleteBuffers(1, &ctx->dec.streams[i].buffer);
		if (ctx->dec.null_buffer)
			host->gl.DeleteBuffers(1, &ctx->dec.null_buffer);
	}
	unwire_maps(ctx);
	sgl_dec_finish(&ctx->dec);
	share_group_unref(ctx->share);
	/* Destroying the EGL context frees the objects only it referenced. */
	sgl_egl_context_destroy(host->egl, ctx->egl);
	free(ctx->align_buf);
	free(ctx->read_buf);
	free(ctx);
}
