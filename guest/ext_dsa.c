/*
 * EXT_direct_state_access commands that read through a binding (texture
 * images, program strings, array pointers): the guest binds the object,
 * makes the bind-to-edit call the protocol already carries and restores
 * the binding it found, so no command of our own is needed. Named-buffer
 * maps are carried as themselves (buffers.c).
 */
#include "encoder.h"

/* The binding pname of a texture target (cube faces: the cube map). */
static GLenum texture_binding(GLenum target, GLenum *bind_target)
{
	*bind_target = target;
	switch (target) {
	case GL_TEXTURE_1D: return GL_TEXTURE_BINDING_1D;
	case GL_TEXTURE_2D: return GL_TEXTURE_BINDING_2D;
	case GL_TEXTURE_3D: return GL_TEXTURE_BINDING_3D;
	case GL_TEXTURE_1D_ARRAY: return GL_TEXTURE_BINDING_1D_ARRAY;
	case GL_TEXTURE_2D_ARRAY: return GL_TEXTURE_BINDING_2D_ARRAY;
	case GL_TEXTURE_RECTANGLE: return GL_TEXTURE_BINDING_RECTANGLE;
	case GL_TEXTURE_CUBE_MAP_ARRAY: return GL_TEXTURE_BINDING_CUBE_MAP_ARRAY;
	case GL_TEXTURE_CUBE_MAP:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_X:
	case GL_TEXTURE_CUBE_MAP_NEGATIVE_X:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_Y:
	case GL_TEXTURE_CUBE_MAP_NEGATIVE_Y:
	case GL_TEXTURE_CUBE_MAP_POSITIVE_Z:
	case GL_TEXTURE_CUBE_MAP_NEGATIVE_Z:
		*bind_target = GL_TEXTURE_CUBE_MAP;
		return GL_TEXTURE_BINDING_CUBE_MAP;
	default: return 0;
	}
}

/* Binds `texture` for a readback of `target`; false (GL_INVALID_ENUM)
 * for a target with no binding. *old gets what to restore. */
static bool bind_texture(struct sgl_enc *e, GLenum target, GLuint texture, GLint *old)
{
	GLenum bt;
	GLenum binding = texture_binding(target, &bt);
	if (!binding) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return false;
	}
	sgl_enc_glGetIntegerv(e, binding, old);
	sgl_enc_glBindTexture(e, bt, texture);
	return true;
}

static void unbind_texture(struct sgl_enc *e, GLenum target, GLint old)
{
	GLenum bt;
	texture_binding(target, &bt);
	sgl_enc_glBindTexture(e, bt, (GLuint)old);
}

void sgl_enc_glGetTextureImageEXT(struct sgl_enc *e, GLuint texture, GLenum target, GLint level,
				  GLenum format, GLenum type, void *pixels)
{
	GLint old;
	if (!bind_texture(e, target, texture, &old))
		return;
	sgl_enc_glGetTexImage(e, target, level, format, type, pixels);
	unbind_texture(e, target, old);
}

void sgl_enc_glGetCompressedTextureImageEXT(struct sgl_enc *e, GLuint texture, GLenum target,
					    GLint lod, void *img)
{
	GLint old;
	if (!bind_texture(e, target, texture, &old))
		return;
	sgl_enc_glGetCompressedTexImage(e, target, lod, img);
	unbind_texture(e, target, old);
}

/* Multi-texture readbacks: the texture unit made active for the call. */
static GLint use_unit(struct sgl_enc *e, GLenum texunit)
{
	GLint old = GL_TEXTURE0;
	sgl_enc_glGetIntegerv(e, GL_ACTIVE_TEXTURE, &old);
	sgl_enc_glActiveTexture(e, texunit);
	return old;
}

void sgl_enc_glGetMultiTexImageEXT(struct sgl_enc *e, GLenum texunit, GLenum target, GLint level,
				   GLenum format, GLenum type, void *pixels)
{
	GLint old = use_unit(e, texunit);
	sgl_enc_glGetTexImage(e, target, level, format, type, pixels);
	sgl_enc_glActiveTexture(e, (GLenum)old);
}

void sgl_enc_glGetCompressedMultiTexImageEXT(struct sgl_enc *e, GLenum texunit, GLenum target,
					     GLint lod, void *img)
{
	GLint old = use_unit(e, texunit);
	sgl_enc_glGetCompressedTexImage(e, target, lod, img);
	sgl_enc_glActiveTexture(e, (GLenum)old);
}

void sgl_enc_glGetNamedProgramStringEXT(struct sgl_enc *e, GLuint program, GLenum target,
					GLenum pname, void *string)
{
	GLint old = 0;
	sgl_enc_glGetProgramivARB(e, target, GL_PROGRAM_BINDING_ARB, &old);
	sgl_enc_glBindProgramARB(e, target, program);
	sgl_enc_glGetProgramStringARB(e, target, pname, string);
	sgl_enc_glBindProgramARB(e, target, (GLuint)old);
}

/* Client state per texture unit: the client-active unit switched around
 * the call (the guest tracks it, no round trip). */
void sgl_enc_glMultiTexCoordPointerEXT(struct sgl_enc *e, GLenum texunit, GLint size, GLenum type,
				       GLsizei stride, const void *pointer)
{
	GLenum old = e->client_active_texture ? e->client_active_texture : GL_TEXTURE0;
	sgl_enc_glClientActiveTexture(e, texunit);
	sgl_enc_glTexCoordPointer(e, size, type, stride, pointer);
	sgl_enc_glClientActiveTexture(e, old);
}

void sgl_enc_glGetPointeri_vEXT(struct sgl_enc *e, GLenum pname, GLuint index, void **params)
{
	GLenum old = e->client_active_texture ? e->client_active_texture : GL_TEXTURE0;
	sgl_enc_glClientActiveTexture(e, GL_TEXTURE0 + index);
	sgl_enc_glGetPointerv(e, pname, params);
	sgl_enc_glClientActiveTexture(e, old);
}

void sgl_enc_glGetPointerIndexedvEXT(struct sgl_enc *e, GLenum target, GLuint index,
				     void **data)
{
	sgl_enc_glGetPointeri_vEXT(e, target, index, data);
}

/* Vertex array pointers: the array bound around the query. */
void sgl_enc_glGetVertexArrayPointervEXT(struct sgl_enc *e, GLuint vaobj, GLenum pname,
					 void **param)
{
	GLuint old = e->vertex_array;
	sgl_enc_glBindVertexArray(e, vaobj);
	sgl_enc_glGetPointerv(e, pname, param);
	sgl_enc_glBindVertexArray(e, old);
}

void sgl_enc_glGetVertexArrayPointeri_vEXT(struct sgl_enc *e, GLuint vaobj, GLuint index,
					   GLenum pname, void **param)
{
	GLuint old = e->vertex_array;
	sgl_enc_glBindVertexArray(e, vaobj);
	sgl_enc_glGetVertexAttribPointerv(e, index, pname, param);
	sgl_enc_glBindVertexArray(e, old);
}
