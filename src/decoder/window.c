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
	if (n)
		d->window_draw = *buf;
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
	if (window_bound(d, GL_READ_FRAMEBUFFER_BINDING) && window_buffer(*src, att)) {
		d->window_read = *src;
		*src = att[0];
	}
	return 0;
}

/* The named twins: framebuffer 0 arrives as the window's FBO. */
static int named_draw_buffer(struct sgl_dec *d, GLuint fb, GLenum *buf, bool ext)
{
	GLenum att[2];
	int n = d->default_fbo && fb == d->default_fbo ? window_buffer(*buf, att) : 0;
	if (n)
		d->window_draw = *buf;
	if (n == 1)
		*buf = att[0];
	if (n != 2)
		return 0;
	if (ext)
		d->gl->FramebufferDrawBuffersEXT(fb, 2, att);
	else
		d->gl->NamedFramebufferDrawBuffers(fb, 2, att);
	return 1;
}

static void named_read_buffer(struct sgl_dec *d, GLuint fb, GLenum *src)
{
	GLenum att[2];
	if (d->default_fbo && fb == d->default_fbo && window_buffer(*src, att)) {
		d->window_read = *src;
		*src = att[0];
	}
}

int sgl_pre_glFramebufferDrawBufferEXT(struct sgl_dec *d, GLuint *framebuffer, GLenum *mode)
{
	return named_draw_buffer(d, *framebuffer, mode, true);
}

int sgl_pre_glNamedFramebufferDrawBuffer(struct sgl_dec *d, GLuint *framebuffer, GLenum *buf)
{
	return named_draw_buffer(d, *framebuffer, buf, false);
}

int sgl_pre_glFramebufferReadBufferEXT(struct sgl_dec *d, GLuint *framebuffer, GLenum *mode)
{
	named_read_buffer(d, *framebuffer, mode);
	return 0;
}

int sgl_pre_glNamedFramebufferReadBuffer(struct sgl_dec *d, GLuint *framebuffer, GLenum *src)
{
	named_read_buffer(d, *framebuffer, src);
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

/* The name the application gave when it still names attachments `first`
 * (and `second`; reads take the first of two), else the plain one. */
static GLint given_name(GLenum given, GLint first, GLint second, bool read)
{
	GLenum att[2] = { GL_NONE, GL_NONE };
	int n = window_buffer(given, att);
	if (n && (GLint)att[0] == first && (n == 1 || read || (GLint)att[1] == second))
		return (GLint)given;
	if (first == WIN_FRONT && second == WIN_BACK)
		return GL_FRONT_AND_BACK;
	return window_name(first);
}

/* What the window answers itself where the host GL answers for an FBO.
 * GL_DOUBLEBUFFER: the window's FBO has a back buffer (attachment 0) as
 * every window of ours does, but the host GL says false for any FBO (SDL's
 * SDL_GL_GetAttribute asks, and warzone2100 refuses to start without double
 * buffering). */
static const struct {
	GLenum pname;
	GLint value;
} window_answers[] = {
	{ GL_DOUBLEBUFFER, GL_TRUE },
};

static const GLint *window_answer(GLenum pname)
{
	for (size_t i = 0; i < sizeof(window_answers) / sizeof(window_answers[0]); i++)
		if (window_answers[i].pname == pname)
			return &window_answers[i].value;
	return NULL;
}

bool sgl_dec_window_answer(struct sgl_dec *d, GLenum binding, GLenum pname, GLint *value)
{
	const GLint *a = window_answer(pname);
	if (!a || !window_bound(d, binding))
		return false;
	*value = *a;
	return true;
}

void sgl_dec_window_buffer_names(struct sgl_dec *d, GLenum pname, GLint *data)
{
	if (pname == GL_READ_BUFFER && window_bound(d, GL_READ_FRAMEBUFFER_BINDING)) {
		data[0] = given_name(d->window_read, data[0], GL_NONE, true);
	} else if ((pname == GL_DRAW_BUFFER || pname == GL_DRAW_BUFFER0) &&
		   window_bound(d, GL_DRAW_FRAMEBUFFER_BINDING)) {
		GLint second = GL_NONE;
		d->gl->GetIntegerv(GL_DRAW_BUFFER1, &second);
		data[0] = given_name(d->window_draw, data[0], second, false);
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

/* "The error INVALID_OPERATION is generated by FramebufferParameteri and
 * GetFramebufferParameteriv if the default (zero) framebuffer is bound to
 * target" (ARB_framebuffer_no_attachments). A target GL does not know is
 * GL's to judge (GL_INVALID_ENUM). */
static bool window_target(struct sgl_dec *d, GLenum target)
{
	if (target != GL_FRAMEBUFFER && target != GL_DRAW_FRAMEBUFFER &&
	    target != GL_READ_FRAMEBUFFER)
		return false;
	if (!window_bound(d, binding_of(target)))
		return false;
	sgl_dec_gl_error(d, GL_INVALID_OPERATION);
	return true;
}

int sgl_pre_glFramebufferParameteri(struct sgl_dec *d, GLenum *target, GLenum *pname,
				    GLint *param)
{
	(void)pname;
	(void)param;
	return window_target(d, *target);
}

/* GL 4.5 lets glGetFramebufferParameteriv ask the window about its
 * buffers (GL_DOUBLEBUFFER, GL_IMPLEMENTATION_COLOR_READ_FORMAT...): only
 * the ARB_framebuffer_no_attachments parameters (0x9310-0x9314) are
 * refused. */
int sgl_pre_glGetFramebufferParameteriv(struct sgl_dec *d, GLenum *target, GLenum *pname,
					GLint **params)
{
	(void)params;
	if (*pname < GL_FRAMEBUFFER_DEFAULT_WIDTH ||
	    *pname > GL_FRAMEBUFFER_DEFAULT_FIXED_SAMPLE_LOCATIONS)
		return 0;
	return window_target(d, *target);
}

/* The window's own answers, as glGetIntegerv gives them (GL 4.5 has the
 * two agree: piglit's compare-framebuffer-parameter-with-get). */
void sgl_post_glGetFramebufferParameteriv(struct sgl_dec *d, GLenum target, GLenum pname,
					  GLint *params)
{
	GLint v;
	if (params &&
	    (target == GL_FRAMEBUFFER || target == GL_DRAW_FRAMEBUFFER ||
	     target == GL_READ_FRAMEBUFFER) &&
	    sgl_dec_window_answer(d, binding_of(target), pname, &v))
		params[0] = v;
}

/* The same asked by name (host names here: the window is our FBO). */
void sgl_post_glGetNamedFramebufferParameteriv(struct sgl_dec *d, GLuint framebuffer,
					       GLenum pname, GLint *param)
{
	const GLint *a = window_answer(pname);
	if (param && a && d->default_fbo && (framebuffer == 0 || framebuffer == d->default_fbo))
		param[0] = *a;
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
