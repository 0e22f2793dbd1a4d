/*
 * State the decoder tracks or rewrites: pixel store, the GL error it raises
 * itself, buffer-binding checks for offsets, names returned by glGet*.
 */
#include <errno.h>
#include <string.h>

#include "sgl_decoder_hooks.h"

/* glPixelStore (overrides.txt): what the host tracks is what GL took, under
 * the rules the guest applies too (protocol/sgl_pixel_store.c). */
void sgl_post_glPixelStorei(struct sgl_dec *d, GLenum pname, GLint param)
{
	bool pack;
	int i = sgl_pixel_store_param(pname, &pack);
	if (i >= 0)
		sgl_pixel_store_set(&d->pixel[pack], i, param);
}

/* glPopClientAttrib may have restored the pixel store: what GL has now is
 * what the host tracks (the guest restores its copy from its own stack). */
void sgl_post_glPopClientAttrib(struct sgl_dec *d)
{
	for (int pack = 0; pack < 2; pack++) {
		for (int i = 0; i < SGL_PS_ALL; i++) {
			GLint v = 0;
			uint32_t pname = sgl_pixel_store_pname(i, pack);
			if (!pname)
				continue;
			d->gl->GetIntegerv(pname, &v);
			sgl_pixel_store_set(&d->pixel[pack], i, v);
		}
	}
}

/* GL rounds a float pixel-store value to the nearest integer; GL is given
 * the integer the guest's tracking rounded to, by the same function (a
 * driver's own rounding of 1e10 or NaN is undefined C). */
int sgl_pre_glPixelStoref(struct sgl_dec *d, GLenum *pname, GLfloat *param)
{
	int32_t v = sgl_pixel_store_round(*param);
	d->gl->PixelStorei(*pname, v);
	sgl_post_glPixelStorei(d, *pname, v);
	return 1;   /* handled: GL's glPixelStoref is not called */
}

/* Which tight-packing parameters this context's API has: GLES 2.0 only
 * has the alignment; GLES 3 lacks nothing we touch. */
static int pixel_params_available(const struct sgl_dec *d)
{
	return d->gles && d->major < 3 ? 1 : SGL_PS_COUNT;
}

void sgl_dec_pixels_tight(struct sgl_dec *d, bool pack)
{
	int n = pixel_params_available(d);
	for (int i = 0; i < n; i++) {
		int32_t tight = i == SGL_PS_ALIGNMENT ? 1 : 0;
		if (sgl_pixel_store_get(&d->pixel[pack], i) != tight)
			d->gl->PixelStorei(sgl_pixel_store_pname(i, pack), tight);
	}
}

void sgl_dec_pixels_restore(struct sgl_dec *d, bool pack)
{
	int n = pixel_params_available(d);
	for (int i = 0; i < n; i++) {
		int32_t tight = i == SGL_PS_ALIGNMENT ? 1 : 0;
		int32_t v = sgl_pixel_store_get(&d->pixel[pack], i);
		if (v != tight)
			d->gl->PixelStorei(sgl_pixel_store_pname(i, pack), v);
	}
}

int sgl_dec_bad_texunit(struct sgl_dec *d, GLenum texunit)
{
	if (!d->max_texunits) {
		d->gl->GetIntegerv(GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS, &d->max_texunits);
		if (d->max_texunits <= 0)
			d->max_texunits = 1;
	}
	if (texunit >= GL_TEXTURE0 && texunit - GL_TEXTURE0 < (GLenum)d->max_texunits)
		return 0;
	sgl_log_debug(d->log, "%s: texture unit 0x%x out of range", sgl_opcode_name(d->opcode),
		      texunit);
	sgl_dec_gl_error(d, GL_INVALID_ENUM);
	return 1;
}

/* Dimensions of a texture target's images; 0 for one GL does not know. */
static int target_dims(GLenum target)
{
	switch (target) {
	case GL_TEXTURE_1D: case GL_PROXY_TEXTURE_1D: case GL_TEXTURE_BUFFER:
		return 1;
	case GL_TEXTURE_2D: case GL_TEXTURE_1D_ARRAY: case GL_TEXTURE_RECTANGLE:
	case GL_TEXTURE_CUBE_MAP: case GL_TEXTURE_2D_MULTISAMPLE:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_X: case GL_TEXTURE_CUBE_MAP_NEGATIVE_X:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_Y: case GL_TEXTURE_CUBE_MAP_NEGATIVE_Y:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_Z: case GL_TEXTURE_CUBE_MAP_NEGATIVE_Z:
	case GL_PROXY_TEXTURE_2D: case GL_PROXY_TEXTURE_1D_ARRAY:
	case GL_PROXY_TEXTURE_RECTANGLE: case GL_PROXY_TEXTURE_CUBE_MAP:
		return 2;
	case GL_TEXTURE_3D: case GL_TEXTURE_2D_ARRAY: case GL_TEXTURE_CUBE_MAP_ARRAY:
	case GL_TEXTURE_2D_MULTISAMPLE_ARRAY: case GL_PROXY_TEXTURE_3D:
	case GL_PROXY_TEXTURE_2D_ARRAY: case GL_PROXY_TEXTURE_CUBE_MAP_ARRAY:
		return 3;
	default:
		return 0;
	}
}

int sgl_dec_bad_textarget(struct sgl_dec *d, GLenum target, int dims)
{
	int t = target_dims(target);
	/* An image command's target names images of its own dimensions (a
	 * whole cube map is no image target). */
	if (t && (!dims || (t == dims && target != GL_TEXTURE_CUBE_MAP &&
			    target != GL_TEXTURE_BUFFER)))
		return 0;
	sgl_log_debug(d->log, "%s: texture target 0x%x unknown here", sgl_opcode_name(d->opcode),
		      target);
	sgl_dec_gl_error(d, GL_INVALID_ENUM);
	return 1;
}

int sgl_dec_bad_level(struct sgl_dec *d, GLint level)
{
	if (!d->max_levels) {
		GLint size = 1;
		d->gl->GetIntegerv(GL_MAX_TEXTURE_SIZE, &size);
		d->max_levels = 1;
		while (size > 1 && d->max_levels < 32) {
			size >>= 1;
			d->max_levels++;
		}
	}
	if (level >= 0 && level < d->max_levels)
		return 0;
	sgl_log_debug(d->log, "%s: level %d out of range", sgl_opcode_name(d->opcode), level);
	sgl_dec_gl_error(d, GL_INVALID_VALUE);
	return 1;
}

int sgl_dec_no_image_ext(struct sgl_dec *d, bool multitex, GLuint unit_or_texture, GLenum target,
			 GLint level)
{
	GLint w = 0;
	if (multitex && d->gl->GetMultiTexLevelParameterivEXT)
		d->gl->GetMultiTexLevelParameterivEXT(unit_or_texture, target, level,
						      GL_TEXTURE_WIDTH, &w);
	else if (!multitex && d->gl->GetTextureLevelParameterivEXT)
		d->gl->GetTextureLevelParameterivEXT(unit_or_texture, target, level,
						     GL_TEXTURE_WIDTH, &w);
	if (w > 0)
		return 0;
	sgl_log_debug(d->log, "%s: no image at level %d", sgl_opcode_name(d->opcode), level);
	sgl_dec_gl_error(d, GL_INVALID_OPERATION);
	return 1;
}

int sgl_dec_check_binding(struct sgl_dec *d, GLenum pname)
{
	GLint bound = 0;
	d->gl->GetIntegerv(pname, &bound);
	if (bound)
		return 0;
	sgl_log_debug(d->log, "%s: a buffer offset with no buffer bound",
		      sgl_opcode_name(d->opcode));
	sgl_dec_gl_error(d, GL_INVALID_OPERATION);
	return 1;
}

int64_t sgl_dec_pname_count(struct sgl_dec *d, GLenum pname)
{
	int n = sgl_pname_count(pname);
	if (n != SGL_PNAME_COUNT_DYNAMIC)
		return n;
	GLint v = 0;
	d->gl->GetIntegerv(sgl_pname_count_source(pname), &v);
	return v < 0 ? 0 : v;
}

/* glGetError: the decoder's own error first, as if GL had raised it. */
int sgl_hand_glGetError(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	if (size != sizeof(struct sgl_header))
		return sgl_dec_size_mismatch(d, SGL_OP_glGetError, size, sizeof(struct sgl_header));
	uint8_t *r = sgl_dec_reply_begin(d, SGL_OP_glGetError, 8);
	if (!r)
		return -EPROTO;
	uint32_t e = d->error;
	d->error = GL_NO_ERROR;
	if (e == GL_NO_ERROR)
		e = d->gl->GetError();
	memcpy(r, &e, sizeof(e));
	return sgl_dec_reply_end(d);
}

/* ---- Names returned by glGet*: host names back to guest names. ---- */

static GLuint reverse_binding(struct sgl_dec *d, GLenum pname, GLuint host)
{
	enum sgl_object_class cls = sgl_pname_object_class(pname);
	if (cls == SGL_OBJ_NONE)
		return host;
	return sgl_dec_reverse(d, cls, host);
}

void sgl_post_glGetIntegerv(struct sgl_dec *d, GLenum pname, GLint *data)
{
	GLint v;
	if (data && sgl_dec_window_answer(d, GL_DRAW_FRAMEBUFFER_BINDING, pname, &v))
		data[0] = v;
	if (data)
		sgl_dec_window_buffer_names(d, pname, data);
	if (data && pname == GL_NUM_EXTENSIONS)
		data[0] = (GLint)sgl_dec_extension_count(d);
	if (data && sgl_pname_object_class(pname) != SGL_OBJ_NONE)
		data[0] = (GLint)reverse_binding(d, pname, (GLuint)data[0]);
}

void sgl_post_glGetInteger64v(struct sgl_dec *d, GLenum pname, GLint64 *data)
{
	if (data && pname == GL_NUM_EXTENSIONS)
		data[0] = sgl_dec_extension_count(d);
	if (data && sgl_pname_object_class(pname) != SGL_OBJ_NONE)
		data[0] = reverse_binding(d, pname, (GLuint)data[0]);
}

void sgl_post_glGetBooleanv(struct sgl_dec *d, GLenum pname, GLboolean *data)
{
	GLint v;
	if (data && sgl_dec_window_answer(d, GL_DRAW_FRAMEBUFFER_BINDING, pname, &v))
		data[0] = v ? GL_TRUE : GL_FALSE;
}

/* Indexed bindings (GL_UNIFORM_BUFFER_BINDING, ...) name objects too. */
void sgl_post_glGetIntegeri_v(struct sgl_dec *d, GLenum target, GLuint index, GLint *data)
{
	(void)index;
	if (data && sgl_pname_object_class(target) != SGL_OBJ_NONE)
		data[0] = (GLint)reverse_binding(d, target, (GLuint)data[0]);
}

void sgl_post_glGetInteger64i_v(struct sgl_dec *d, GLenum target, GLuint index, GLint64 *data)
{
	(void)index;
	if (data && sgl_pname_object_class(target) != SGL_OBJ_NONE)
		data[0] = reverse_binding(d, target, (GLuint)data[0]);
}

void sgl_post_glGetFloatv(struct sgl_dec *d, GLenum pname, GLfloat *data)
{
	GLint v;
	if (data && sgl_dec_window_answer(d, GL_DRAW_FRAMEBUFFER_BINDING, pname, &v))
		data[0] = (GLfloat)v;
	if (data && sgl_pname_object_class(pname) != SGL_OBJ_NONE)
		data[0] = (GLfloat)reverse_binding(d, pname, (GLuint)data[0]);
}

void sgl_post_glGetDoublev(struct sgl_dec *d, GLenum pname, GLdouble *data)
{
	if (data && sgl_pname_object_class(pname) != SGL_OBJ_NONE)
		data[0] = reverse_binding(d, pname, (GLuint)data[0]);
}

/* GLES 1's 16.16 answers: a name n is n << 16. */
void sgl_post_glGetFixedv(struct sgl_dec *d, GLenum pname, GLfixed *data)
{
	if (data && sgl_pname_object_class(pname) != SGL_OBJ_NONE && data[0] >= 0)
		data[0] = (GLfixed)(reverse_binding(d, pname, (GLuint)data[0] >> 16) << 16);
}

/* Object-valued answers of per-object queries (overrides.txt `names_by`):
 * the first value, when `pname` names an object. */
void sgl_dec_reverse_pname(struct sgl_dec *d, GLenum pname, GLint *params)
{
	if (params && sgl_pname_object_class(pname) != SGL_OBJ_NONE)
		params[0] = (GLint)reverse_binding(d, pname, (GLuint)params[0]);
}

/* A pipeline names the program of each stage (pname: the stage's shader
 * type) and its active program. */
void sgl_post_glGetProgramPipelineiv(struct sgl_dec *d, GLuint pipeline, GLenum pname,
				     GLint *params)
{
	(void)pipeline;
	switch (pname) {
	case GL_ACTIVE_PROGRAM:
	case GL_VERTEX_SHADER:
	case GL_FRAGMENT_SHADER:
	case GL_GEOMETRY_SHADER:
	case GL_TESS_CONTROL_SHADER:
	case GL_TESS_EVALUATION_SHADER:
	case GL_COMPUTE_SHADER:
		if (params && params[0] > 0)
			params[0] = (GLint)sgl_dec_reverse(d, SGL_OBJ_PROGRAM, (GLuint)params[0]);
		break;
	default:
		break;
	}
}

/* A guest must not park the decoding thread: waits are capped at 100 ms;
 * GL_TIMEOUT_EXPIRED tells the guest to wait again. */
int sgl_pre_glClientWaitSync(struct sgl_dec *d, GLsync *sync, GLbitfield *flags,
			     GLuint64 *timeout)
{
	(void)d;
	(void)sync;
	(void)flags;
	const GLuint64 cap = 100 * 1000 * 1000ull;
	if (*timeout > cap)
		*timeout = cap;
	return 0;
}

/* ---- Range draws: the range is a hint we do not pass on (see
 * overrides.txt); returning 1 skips the generated call. ---- */

int sgl_pre_glDrawRangeElements(struct sgl_dec *d, GLenum *mode, GLuint *start, GLuint *end,
				GLsizei *count, GLenum *type, const void **indices)
{
	(void)start;
	(void)end;
	d->gl->DrawElements(*mode, *count, *type, *indices);
	return 1;
}

int sgl_pre_glDrawRangeElementsBaseVertex(struct sgl_dec *d, GLenum *mode, GLuint *start,
					  GLuint *end, GLsizei *count, GLenum *type,
					  const void **indices, GLint *basevertex)
{
	(void)start;
	(void)end;
	if (d->gl->DrawElementsBaseVertex)
		d->gl->DrawElementsBaseVertex(*mode, *count, *type, *indices, *basevertex);
	return 1;
}

/* glFinish: done when GL is; the empty reply tells the guest so. */
int sgl_hand_glFinish(struct sgl_dec *d, const uint8_t *p, uint32_t size)
{
	(void)p;
	if (size != sizeof(struct sgl_header))
		return sgl_dec_size_mismatch(d, SGL_OP_glFinish, size, sizeof(struct sgl_header));
	d->gl->Finish();
	if (!sgl_dec_reply_begin(d, SGL_OP_glFinish, 0))
		return -EPROTO;
	return sgl_dec_reply_end(d);
}

/* ---- Image copies: srcName/dstName are renderbuffers for
 * GL_RENDERBUFFER, textures otherwise; GL says GL_INVALID_VALUE for a name
 * that is no such object. ---- */

static int map_image(struct sgl_dec *d, GLenum target, GLuint *name)
{
	enum sgl_object_class cls = target == GL_RENDERBUFFER ? SGL_OBJ_RENDERBUFFER :
								SGL_OBJ_TEXTURE;
	uint64_t h = *name ? sgl_dec_lookup(d, cls, *name) : 0;
	if (!h) {
		sgl_dec_gl_error(d, GL_INVALID_VALUE);
		return 1;
	}
	*name = (GLuint)h;
	return 0;
}

int sgl_pre_glCopyImageSubData(struct sgl_dec *d, GLuint *srcName, GLenum *srcTarget,
			       GLint *srcLevel, GLint *srcX, GLint *srcY, GLint *srcZ,
			       GLuint *dstName, GLenum *dstTarget, GLint *dstLevel, GLint *dstX,
			       GLint *dstY, GLint *dstZ, GLsizei *srcWidth, GLsizei *srcHeight,
			       GLsizei *srcDepth)
{
	(void)srcLevel, (void)srcX, (void)srcY, (void)srcZ, (void)dstLevel;
	(void)dstX, (void)dstY, (void)dstZ, (void)srcWidth, (void)srcHeight, (void)srcDepth;
	return map_image(d, *srcTarget, srcName) || map_image(d, *dstTarget, dstName);
}

int sgl_pre_glCopyImageSubDataNV(struct sgl_dec *d, GLuint *srcName, GLenum *srcTarget,
				 GLint *srcLevel, GLint *srcX, GLint *srcY, GLint *srcZ,
				 GLuint *dstName, GLenum *dstTarget, GLint *dstLevel, GLint *dstX,
				 GLint *dstY, GLint *dstZ, GLsizei *width, GLsizei *height,
				 GLsizei *depth)
{
	return sgl_pre_glCopyImageSubData(d, srcName, srcTarget, srcLevel, srcX, srcY, srcZ,
					  dstName, dstTarget, dstLevel, dstX, dstY, dstZ, width,
					  height, depth);
}
