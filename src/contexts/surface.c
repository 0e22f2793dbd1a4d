/*
 * The window-system framebuffer of a guest context is a host FBO. Guest
 * framebuffer 0 maps to it (decoder/names.c); a swap exchanges the back and
 * front color buffers, so presenting costs no copy on the GPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contexts/context.h"

#ifndef GL_PACK_INVERT_MESA
#define GL_PACK_INVERT_MESA 0x8758
#endif

bool sgl_context_has_extension(struct sglhost_context *ctx, const char *name)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	if (ctx->major >= 3 && gl->GetStringi) {
		GLint n = 0;
		gl->GetIntegerv(GL_NUM_EXTENSIONS, &n);
		for (GLint i = 0; i < n; i++) {
			const char *e = (const char *)gl->GetStringi(GL_EXTENSIONS, (GLuint)i);
			if (e && !strcmp(e, name))
				return true;
		}
		return false;
	}
	const char *all = (const char *)gl->GetString(GL_EXTENSIONS);
	const size_t len = strlen(name);
	for (const char *hit = all; hit && (hit = strstr(hit, name)); hit += len)
		if ((hit == all || hit[-1] == ' ') && (hit[len] == ' ' || hit[len] == '\0'))
			return true;
	return false;
}

/* GLES 1 (GL_OES_framebuffer_object) has one framebuffer binding and one
 * color attachment: no draw/read targets, no front buffer attached to fbo. */
static bool es1(const struct sglhost_context *ctx)
{
	return ctx->dec.gles && ctx->major < 2;
}

static GLenum fb_target(const struct sglhost_context *ctx, GLenum target)
{
	return es1(ctx) ? GL_FRAMEBUFFER : target;
}

static GLenum fb_binding(const struct sglhost_context *ctx, GLenum pname)
{
	return es1(ctx) ? GL_FRAMEBUFFER_BINDING : pname;
}

/* Whether the driver can read rows top-down itself (GL_MESA_pack_invert). */
static bool has_pack_invert(struct sglhost_context *ctx)
{
	return !ctx->dec.gles && sgl_context_has_extension(ctx, "GL_MESA_pack_invert");
}

static GLenum color_format(const struct sglhost_context *ctx)
{
	(void)ctx;
	return GL_RGBA8;
}

/*
 * Desktop GL: the color buffers are textures made with glTexImage2D(GL_RGBA,
 * ..., GL_BGRA, GL_UNSIGNED_BYTE): the driver then stores them as BGRA (Mesa
 * picks the storage that matches the upload's format for an unsized internal
 * format), the layout frames go out in, so reading a frame is a plain copy
 * instead of a per-pixel red/blue swap (on llvmpipe that swap was the host's
 * largest cost per frame in glmark2's fast scenes). GLES does the same with
 * GL_BGRA_EXT where the driver has GL_EXT_texture_format_BGRA8888 and
 * GL_EXT_read_format_bgra; otherwise RGBA8 renderbuffers.
 */
static void color_storage(struct sglhost_context *ctx)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLuint bufs[2] = { s->back_color, s->front_color };
	GLint old = 0, unpack = 0;

	if (!s->color_tex) {
		gl->GetIntegerv(GL_RENDERBUFFER_BINDING, &old);
		for (int i = 0; i < 2; i++) {
			gl->BindRenderbuffer(GL_RENDERBUFFER, bufs[i]);
			gl->RenderbufferStorage(GL_RENDERBUFFER, color_format(ctx),
						(GLsizei)s->width, (GLsizei)s->height);
		}
		gl->BindRenderbuffer(GL_RENDERBUFFER, (GLuint)old);
		return;
	}
	/* No pixels are sent: only an unpack buffer would be read. */
	gl->GetIntegerv(GL_TEXTURE_BINDING_2D, &old);
	if (!es1(ctx))
		gl->GetIntegerv(GL_PIXEL_UNPACK_BUFFER_BINDING, &unpack);
	if (unpack)
		gl->BindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
	for (int i = 0; i < 2; i++) {
		gl->BindTexture(GL_TEXTURE_2D, bufs[i]);
		gl->TexImage2D(GL_TEXTURE_2D, 0, ctx->dec.gles ? GL_BGRA : GL_RGBA,
			       (GLsizei)s->width, (GLsizei)s->height, 0, GL_BGRA, GL_UNSIGNED_BYTE,
			       NULL);
	}
	gl->BindTexture(GL_TEXTURE_2D, (GLuint)old);
	if (unpack)
		gl->BindBuffer(GL_PIXEL_UNPACK_BUFFER, (GLuint)unpack);
}

static void storage(struct sglhost_context *ctx)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLint old = 0;

	color_storage(ctx);
	gl->GetIntegerv(GL_RENDERBUFFER_BINDING, &old);
	if (s->depth_format) {
		gl->BindRenderbuffer(GL_RENDERBUFFER, s->depth_rb);
		gl->RenderbufferStorage(GL_RENDERBUFFER, s->depth_format, (GLsizei)s->width,
					(GLsizei)s->height);
	}
	gl->BindRenderbuffer(GL_RENDERBUFFER, (GLuint)old);
}

static void attach_color(struct sglhost_context *ctx, GLenum attachment, GLuint buf)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	if (ctx->surface.color_tex)
		gl->FramebufferTexture2D(GL_FRAMEBUFFER, attachment, GL_TEXTURE_2D, buf, 0);
	else
		gl->FramebufferRenderbuffer(GL_FRAMEBUFFER, attachment, GL_RENDERBUFFER, buf);
}

/* Attaches back (attachment 0), front (attachment 1) and, the `first`
 * time, depth/stencil to fbo, and front to front_fbo; restores bindings. */
static void attach(struct sglhost_context *ctx, bool first)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLint draw = 0, read = 0;

	gl->GetIntegerv(fb_binding(ctx, GL_DRAW_FRAMEBUFFER_BINDING), &draw);
	gl->GetIntegerv(fb_binding(ctx, GL_READ_FRAMEBUFFER_BINDING), &read);
	gl->BindFramebuffer(GL_FRAMEBUFFER, s->fbo);
	attach_color(ctx, GL_COLOR_ATTACHMENT0, s->back_color);
	if (!es1(ctx))
		attach_color(ctx, GL_COLOR_ATTACHMENT1, s->front_color);
	/* Attached once: a swap changes only the color buffers. */
	if (first && s->depth_format && s->depth_format != GL_STENCIL_INDEX8)
		gl->FramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER,
					    s->depth_rb);
	if (first && s->depth_format && s->depth_format != GL_DEPTH_COMPONENT24)
		gl->FramebufferRenderbuffer(GL_FRAMEBUFFER, GL_STENCIL_ATTACHMENT, GL_RENDERBUFFER,
					    s->depth_rb);
	gl->BindFramebuffer(GL_FRAMEBUFFER, s->front_fbo);
	attach_color(ctx, GL_COLOR_ATTACHMENT0, s->front_color);
	gl->BindFramebuffer(fb_target(ctx, GL_DRAW_FRAMEBUFFER), (GLuint)draw);
	gl->BindFramebuffer(fb_target(ctx, GL_READ_FRAMEBUFFER), (GLuint)read);
}

/* The depth/stencil buffer the guest's configuration has (0: none):
 * stencil alone still comes packed with depth, which GL drivers store. */
static GLenum depth_format(uint32_t flags)
{
	bool depth = !(flags & SGLHOST_CONTEXT_NO_DEPTH);
	bool stencil = !(flags & SGLHOST_CONTEXT_NO_STENCIL);
	if (stencil)
		return depth ? GL_DEPTH24_STENCIL8 : GL_STENCIL_INDEX8;
	return depth ? GL_DEPTH_COMPONENT24 : 0;
}

int sgl_surface_init(struct sglhost_context *ctx, uint32_t width, uint32_t height,
		     uint32_t flags)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLuint fbos[2], colors[2];

	s->color_tex = gl->TexImage2D && gl->FramebufferTexture2D &&
		       (!ctx->dec.gles ||
			(sgl_context_has_extension(ctx, "GL_EXT_texture_format_BGRA8888") &&
			 sgl_context_has_extension(ctx, "GL_EXT_read_format_bgra")));
	gl->GenFramebuffers(2, fbos);
	if (s->color_tex)
		gl->GenTextures(2, colors);
	else
		gl->GenRenderbuffers(2, colors);
	gl->GenRenderbuffers(1, &s->depth_rb);
	s->fbo = fbos[0];
	s->front_fbo = fbos[1];
	s->back_color = colors[0];
	s->front_color = colors[1];
	s->width = width;
	s->height = height;
	s->depth_format = depth_format(flags);
	storage(ctx);
	attach(ctx, true);
	if (gl->GetError() != GL_NO_ERROR)
		return -ENOMEM;
	/* Mesa draws window framebuffers upside down compared with FBOs
	 * (its y flip changes which pixels lines, points and stipples
	 * touch): ours are windows, so they draw as windows do. Reads and
	 * blits still see GL's orientation. front_fbo stays unflipped: read
	 * through it, the stored rows come top row first, as a frame goes
	 * out, with neither a flip nor GL_MESA_pack_invert (whose inverted
	 * read of a flipped framebuffer is Mesa's slow path). */
	if (gl->FramebufferParameteri && sgl_context_has_extension(ctx, "GL_MESA_framebuffer_flip_y")) {
		gl->BindFramebuffer(GL_FRAMEBUFFER, s->fbo);
		gl->FramebufferParameteri(GL_FRAMEBUFFER, GL_FRAMEBUFFER_FLIP_Y_MESA, GL_TRUE);
		s->flip_y = gl->GetError() == GL_NO_ERROR;
	}
	/* What a window system does on the first make-current. */
	gl->BindFramebuffer(GL_FRAMEBUFFER, s->fbo);
	gl->Viewport(0, 0, (GLsizei)width, (GLsizei)height);
	gl->Scissor(0, 0, (GLsizei)width, (GLsizei)height);
	ctx->dec.default_fbo = s->fbo;
	s->pack_invert = has_pack_invert(ctx);
	return 0;
}

void sgl_surface_finish(struct sglhost_context *ctx)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLuint fbos[2] = { s->fbo, s->front_fbo };
	GLuint colors[2] = { s->back_color, s->front_color };

	gl->DeleteFramebuffers(2, fbos);
	if (s->color_tex)
		gl->DeleteTextures(2, colors);
	else
		gl->DeleteRenderbuffers(2, colors);
	gl->DeleteRenderbuffers(1, &s->depth_rb);
	memset(s, 0, sizeof(*s));
}

int sgl_surface_resize(struct sglhost_context *ctx, uint32_t width, uint32_t height)
{
	if (width == 0 || height == 0 || width > ctx->host->max_width ||
	    height > ctx->host->max_height)
		return -EINVAL;
	ctx->surface.width = width;
	ctx->surface.height = height;
	storage(ctx);
	return 0;
}

void sgl_surface_swap(struct sglhost_context *ctx)
{
	struct sgl_surface *s = &ctx->surface;
	GLuint t = s->back_color;

	/* Flush so the front image is complete before anyone reads it. */
	ctx->host->gl.Flush();
	s->back_color = s->front_color;
	s->front_color = t;
	attach(ctx, false);
	s->swapped = true;
	if (ctx->host->fps_overlay) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		sgl_fps_tick(&s->fps, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
	}
	if (ctx->present)
		ctx->present(ctx->present_user, ctx, s->width, s->height);
}

/* Saves what a readback must not disturb in the guest's state. */
struct read_state {
	GLint read_fb, pack_buffer, read_buffer;
};

/* Straight into `dst`, top row first, when the rows come that way (a
 * flipped frame read through front_fbo, or GL_MESA_pack_invert) and the
 * stride is whole pixels: no staging copy. */
static void read_direct(struct sglhost_context *ctx, GLenum format, void *dst, size_t stride,
			bool invert)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	GLint was = 0;

	if (s->pack_invert) {
		gl->GetIntegerv(GL_PACK_INVERT_MESA, &was);
		gl->PixelStorei(GL_PACK_INVERT_MESA, invert);
	}
	if (stride != (size_t)s->width * 4)
		gl->PixelStorei(GL_PACK_ROW_LENGTH, (GLint)(stride / 4));
	gl->ReadPixels(0, 0, (GLsizei)s->width, (GLsizei)s->height, format, GL_UNSIGNED_BYTE, dst);
	if (stride != (size_t)s->width * 4)
		gl->PixelStorei(GL_PACK_ROW_LENGTH, 0);
	if (s->pack_invert)
		gl->PixelStorei(GL_PACK_INVERT_MESA, was);
}

int sgl_surface_read(struct sglhost_context *ctx, enum sglhost_pixel_format format, void *dst,
		     size_t stride)
{
	const struct sgl_gl_table *gl = &ctx->host->gl;
	struct sgl_surface *s = &ctx->surface;
	struct read_state st = { 0, 0, GL_COLOR_ATTACHMENT0 };
	size_t row = (size_t)s->width * 4;
	/* GL reads BGRA itself (the X11 layout): no swizzle here; GLES only
	 * with GL_EXT_read_format_bgra (checked with the BGRA color buffers). */
	bool bgra_read = format == SGLHOST_PIXEL_BGRA8888 && (!ctx->dec.gles || s->color_tex);
	/* After a swap a flipped frame is read through front_fbo top-down. */
	bool stored_top_down = s->swapped && s->flip_y;
	bool direct = (stored_top_down || s->pack_invert) &&
		      (format == SGLHOST_PIXEL_RGBA8888 || bgra_read) && stride % 4 == 0 &&
		      stride / 4 <= INT32_MAX;
	uint8_t *tmp = ctx->read_buf;

	if (!direct && row * s->height > ctx->read_cap) {
		tmp = realloc(ctx->read_buf, row * s->height);
		if (!tmp)
			return -ENOMEM;
		ctx->read_buf = tmp;
		ctx->read_cap = row * s->height;
	}
	gl->GetIntegerv(fb_binding(ctx, GL_READ_FRAMEBUFFER_BINDING), &st.read_fb);
	if (!es1(ctx))
		gl->GetIntegerv(GL_PIXEL_PACK_BUFFER_BINDING, &st.pack_buffer);
	gl->BindFramebuffer(fb_target(ctx, GL_READ_FRAMEBUFFER), s->swapped ? s->front_fbo : s->fbo);
	/* Before the first swap the frame is the back buffer, whatever the
	 * guest reads from (fbo's read buffer is the guest's state). */
	bool set_read = !s->swapped && gl->ReadBuffer && (!ctx->dec.gles || ctx->major >= 3);
	if (set_read) {
		gl->GetIntegerv(GL_READ_BUFFER, &st.read_buffer);
		gl->ReadBuffer(GL_COLOR_ATTACHMENT0);
	}
	if (st.pack_buffer)
		gl->BindBuffer(GL_PIXEL_PACK_BUFFER, 0);
	sgl_dec_pixels_tight(&ctx->dec, true);
	if (direct)
		read_direct(ctx, bgra_read ? GL_BGRA : GL_RGBA, dst, stride, !stored_top_down);
	else
		gl->ReadPixels(0, 0, (GLsizei)s->width, (GLsizei)s->height,
			       bgra_read ? GL_BGRA : GL_RGBA, GL_UNSIGNED_BYTE, tmp);
	sgl_dec_pixels_restore(&ctx->dec, true);
	if (st.pack_buffer)
		gl->BindBuffer(GL_PIXEL_PACK_BUFFER, (GLuint)st.pack_buffer);
	if (set_read)
		gl->ReadBuffer((GLenum)st.read_buffer);
	gl->BindFramebuffer(fb_target(ctx, GL_READ_FRAMEBUFFER), (GLuint)st.read_fb);
	if (direct)
		return 0;

	/* GL rows go bottom-up (unless stored top-down); callers get the
	 * top row first. */
	for (uint32_t y = 0; y < s->height; y++) {
		uint32_t from = stored_top_down ? y : s->height - 1 - y;
		const uint8_t *src = tmp + (size_t)from * row;
		uint8_t *out = (uint8_t *)dst + (size_t)y * stride;
		if (format == SGLHOST_PIXEL_RGBA8888 || bgra_read) {
			memcpy(out, src, row);
			continue;
		}
		for (uint32_t x = 0; x < s->width; x++) {
			out[4 * x + 0] = src[4 * x + 2];
			out[4 * x + 1] = src[4 * x + 1];
			out[4 * x + 2] = src[4 * x + 0];
			out[4 * x + 3] = src[4 * x + 3];
		}
	}
	return 0;
}
