/* Protocol commands about the guest's window and client memory. */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"
#include "contexts/context.h"

int sgl_hand_sglSwapBuffers(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	if (size != sizeof(struct sgl_cmd_sglSwapBuffers))
		return sgl_dec_size_mismatch(d, SGL_OP_sglSwapBuffers, size,
					     sizeof(struct sgl_cmd_sglSwapBuffers));
	if (d->ctx)
		sgl_surface_swap(d->ctx);
	return 0;
}

int sgl_hand_sglResizeSurface(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	struct sgl_cmd_sglResizeSurface c;
	if (size != sizeof(c))
		return sgl_dec_size_mismatch(d, SGL_OP_sglResizeSurface, size, sizeof(c));
	memcpy(&c, p, sizeof(c));
	if (d->ctx && sgl_surface_resize(d->ctx, c.width, c.height) < 0)
		return sgl_dec_fail(d, "sglResizeSurface: %ux%u is outside the host limits",
				    c.width, c.height);
	return 0;
}

/* ---- The default framebuffer is our FBO: the back buffer is attachment
 * 0, the front buffer attachment 1 (src/contexts/surface.c). ---- */

enum { WIN_BACK = GL_COLOR_ATTACHMENT0, WIN_FRONT = GL_COLOR_ATTACHMENT1 };

static bool window_bound(struct sgl_dec *d, GLenum binding)
{
	GLint fb = 0;
	d->gl->GetIntegerv(binding, &fb);
	return d->default_fbo && (GLuint)fb == d->default_fbo;
}

/* The attachments a window buffer names: 0 when `buf` is no such name. */
static int window_buffer(GLenum buf, GLenum out[2])
{
	switch (buf) {
	case GL_BACK:
	case GL_BACK_LEFT:
		out[0] = WIN_BACK;
		return 1;
	case GL_FRONT:
	case GL_FRONT_LEFT:
		out[0] = WIN_FRONT;
		return 1;
	case GL_LEFT:
	case GL_FRONT_AND_BACK:
		out[0] = WIN_FRONT;
		out[1] = WIN_BACK;
		return 2;
	default:
		return 0;
	}
}

int sgl_pre_glDrawBuffer(struct sgl_dec *d, GLenum *buf)
{
	GLenum att[2];
	int n = window_bound(d, GL_DRAW_FRAMEBUFFER_BINDING) ? window_buffer(*buf, att) : 0;
	if (n == 1)
		*buf = att[0];
	if (n != 2)
		return 0;
	/* Both buffers: only glDrawBuffers can name two attachments. */
	d->gl->DrawBuffers(2, att);
	return 1;
}

int sgl_pre_glReadBuffer(struct sgl_dec *d, GLenum *src)
{
	GLenum att[2];
	/* GL_LEFT and GL_FRONT_AND_BACK read the front buffer. */
	if (window_bound(d, GL_READ_FRAMEBUFFER_BINDING) && window_buffer(*src, att))
		*src = att[0];
	return 0;
}

int sgl_pre_glDrawBuffers(struct sgl_dec *d, GLsizei *n, const GLenum **bufs)
{
	if (!*bufs || *n <= 0 || !window_bound(d, GL_DRAW_FRAMEBUFFER_BINDING))
		return 0;
	GLenum *copy = sgl_dec_scratch(d, (uint64_t)*n * sizeof(GLenum));
	if (!copy)
		return -EPROTO;
	for (GLsizei i = 0; i < *n; i++) {
		GLenum att[2];
		/* Two-buffer names are errors in glDrawBuffers: GL says so. */
		copy[i] = window_buffer((*bufs)[i], att) == 1 ? att[0] : (*bufs)[i];
	}
	*bufs = copy;
	return 0;
}

static GLint window_name(GLint att)
{
	return att == WIN_BACK ? GL_BACK : att == WIN_FRONT ? GL_FRONT : att;
}

void sgl_dec_window_buffer_names(struct sgl_dec *d, GLenum pname, GLint *data)
{
	if (pname == GL_READ_BUFFER && window_bound(d, GL_READ_FRAMEBUFFER_BINDING)) {
		data[0] = window_name(data[0]);
	} else if ((pname == GL_DRAW_BUFFER || pname == GL_DRAW_BUFFER0) &&
		   window_bound(d, GL_DRAW_FRAMEBUFFER_BINDING)) {
		GLint second = GL_NONE;
		d->gl->GetIntegerv(GL_DRAW_BUFFER1, &second);
		data[0] = data[0] == WIN_FRONT && second == WIN_BACK ? GL_FRONT_AND_BACK :
			  window_name(data[0]);
	}
}

static GLenum binding_of(GLenum target)
{
	return target == GL_READ_FRAMEBUFFER ? GL_READ_FRAMEBUFFER_BINDING :
	       GL_DRAW_FRAMEBUFFER_BINDING;
}

/* Default-framebuffer attachment names (GL_BACK_LEFT, GL_DEPTH...) become
 * the window FBO's attachments. */
int sgl_pre_glGetFramebufferAttachmentParameteriv(struct sgl_dec *d, GLenum *target,
						  GLenum *attachment, GLenum *pname,
						  GLint **params)
{
	GLenum att[2];
	(void)pname;
	(void)params;
	if (!window_bound(d, binding_of(*target)))
		return 0;
	if (*attachment == GL_DEPTH)
		*attachment = GL_DEPTH_ATTACHMENT;
	else if (*attachment == GL_STENCIL)
		*attachment = GL_STENCIL_ATTACHMENT;
	else if (window_buffer(*attachment, att) == 1)
		*attachment = att[0];
	return 0;
}

/* GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME comes back in the guest's names:
 * the object's namespace is the attachment's GL_..._OBJECT_TYPE. Host and
 * guest names differ (the host makes objects of its own, e.g. the window's
 * color textures), so an untranslated name would point at another object. */
static void guest_object_name(struct sgl_dec *d, GLint type, GLint *name)
{
	enum sgl_object_class cls = type == GL_TEXTURE ? SGL_OBJ_TEXTURE :
				    type == GL_RENDERBUFFER ? SGL_OBJ_RENDERBUFFER : SGL_OBJ_NONE;
	if (cls != SGL_OBJ_NONE && *name > 0)
		*name = (GLint)sgl_dec_reverse(d, cls, (GLuint)*name);
}

/* The named queries (GL 4.5 and EXT_direct_state_access). */
static void named_object_name(struct sgl_dec *d, GLuint framebuffer, GLenum attachment,
			      GLenum pname, GLint *params, bool ext)
{
	GLint type = GL_NONE;
	if (!params || pname != GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME)
		return;
	if (framebuffer == d->default_fbo) {
		params[0] = 0;
		return;
	}
	if (ext)
		d->gl->GetNamedFramebufferAttachmentParameterivEXT(
			framebuffer, attachment, GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE, &type);
	else
		d->gl->GetNamedFramebufferAttachmentParameteriv(
			framebuffer, attachment, GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE, &type);
	guest_object_name(d, type, params);
}

void sgl_post_glGetNamedFramebufferAttachmentParameteriv(struct sgl_dec *d, GLuint framebuffer,
							 GLenum attachment, GLenum pname,
							 GLint *params)
{
	named_object_name(d, framebuffer, attachment, pname, params, false);
}

void sgl_post_glGetNamedFramebufferAttachmentParameterivEXT(struct sgl_dec *d, GLuint framebuffer,
							    GLenum attachment, GLenum pname,
							    GLint *params)
{
	named_object_name(d, framebuffer, attachment, pname, params, true);
}

/* What a window framebuffer says about its buffers: no object behind them.
 * Other framebuffers name their objects in the guest's names. */
void sgl_post_glGetFramebufferAttachmentParameteriv(struct sgl_dec *d, GLenum target,
						    GLenum attachment, GLenum pname,
						    GLint *params)
{
	if (params && pname == GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME &&
	    !window_bound(d, binding_of(target))) {
		GLint type = GL_NONE;
		d->gl->GetFramebufferAttachmentParameteriv(target, attachment,
							   GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE,
							   &type);
		guest_object_name(d, type, params);
		return;
	}
	if (!params || !window_bound(d, binding_of(target)))
		return;
	if (pname == GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE && params[0] != GL_NONE)
		params[0] = GL_FRAMEBUFFER_DEFAULT;
	else if (pname == GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME)
		params[0] = 0;
}

/* GL_OES_framebuffer_object (GLES 1): framebuffer 0 has no attachments to
 * ask about, GL_INVALID_OPERATION as the driver says; any other answers
 * as the core query does. */
int sgl_pre_glGetFramebufferAttachmentParameterivOES(struct sgl_dec *d, GLenum *target,
						     GLenum *attachment, GLenum *pname,
						     GLint **params)
{
	(void)attachment;
	(void)pname;
	(void)params;
	if (!window_bound(d, binding_of(*target)))
		return 0;
	sgl_dec_gl_error(d, GL_INVALID_OPERATION);
	return 1;
}

void sgl_post_glGetFramebufferAttachmentParameterivOES(struct sgl_dec *d, GLenum target,
						       GLenum attachment, GLenum pname,
						       GLint *params)
{
	sgl_post_glGetFramebufferAttachmentParameteriv(d, target, attachment, pname, params);
}

/* GL_FRONT_AND_BACK is one draw buffer of the window, two attachments of
 * ours: clearing draw buffer 0 clears both. */
static bool both_buffers(struct sgl_dec *d, GLenum buffer, GLint drawbuffer)
{
	GLint first = GL_NONE, second = GL_NONE;
	if (buffer != GL_COLOR || drawbuffer != 0 || !window_bound(d, GL_DRAW_FRAMEBUFFER_BINDING))
		return false;
	d->gl->GetIntegerv(GL_DRAW_BUFFER0, &first);
	d->gl->GetIntegerv(GL_DRAW_BUFFER1, &second);
	return first == WIN_FRONT && second == WIN_BACK;
}

int sgl_pre_glClearBufferfv(struct sgl_dec *d, GLenum *buffer, GLint *drawbuffer,
			    const GLfloat **value)
{
	if (*value && both_buffers(d, *buffer, *drawbuffer))
		d->gl->ClearBufferfv(GL_COLOR, 1, *value);
	return 0;
}

int sgl_pre_glClearBufferiv(struct sgl_dec *d, GLenum *buffer, GLint *drawbuffer,
			    const GLint **value)
{
	if (*value && both_buffers(d, *buffer, *drawbuffer))
		d->gl->ClearBufferiv(GL_COLOR, 1, *value);
	return 0;
}

int sgl_pre_glClearBufferuiv(struct sgl_dec *d, GLenum *buffer, GLint *drawbuffer,
			     const GLuint **value)
{
	if (*value && both_buffers(d, *buffer, *drawbuffer))
		d->gl->ClearBufferuiv(GL_COLOR, 1, *value);
	return 0;
}
