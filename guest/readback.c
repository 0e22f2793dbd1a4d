/*
 * Texture readbacks sized by bufSize (src/decoder/readback.c): the
 * application's buffer travels to the host and back, so the bytes GL skips
 * under the pack state keep their values.
 */
#include "encoder.h"

static void readback(struct sgl_enc *e, uint32_t op, struct sgl_cmd_texture_readback a,
		     void *pixels)
{
	bool off = sgl_enc_buffer_bound(e, GL_PIXEL_PACK_BUFFER_BINDING);
	uint64_t n = !off && a.bufSize > 0 ? (uint64_t)a.bufSize : 0;
	struct sgl_cmd_texture_readback *c = (struct sgl_cmd_texture_readback *)sgl_enc_begin(
		e, op, sizeof(*c) + sgl_pad8(n));
	if (!c)
		return;
	a.hdr = c->hdr;
	a.offset = off ? (uint64_t)(uintptr_t)pixels : 0;
	a.has_offset = off;
	*c = a;
	uint8_t *data = (uint8_t *)(c + 1);
	if (pixels)
		memcpy(data, pixels, (size_t)n);
	else
		memset(data, 0, (size_t)n);
	sgl_enc_zero_pad(data, n);
	if (off)
		return;
	const uint8_t *r = sgl_enc_reply(e, op, n);
	if (r && pixels && !e->reply_error)
		memcpy(pixels, r, (size_t)n);
}

void sgl_enc_glGetTextureImage(struct sgl_enc *e, GLuint texture, GLint level, GLenum format,
			       GLenum type, GLsizei bufSize, void *pixels)
{
	readback(e, SGL_OP_glGetTextureImage, (struct sgl_cmd_texture_readback){
		.texture = texture, .level = level, .format = format, .type = type,
		.bufSize = bufSize }, pixels);
}

void sgl_enc_glGetTextureSubImage(struct sgl_enc *e, GLuint texture, GLint level, GLint xoffset,
				  GLint yoffset, GLint zoffset, GLsizei width, GLsizei height,
				  GLsizei depth, GLenum format, GLenum type, GLsizei bufSize,
				  void *pixels)
{
	readback(e, SGL_OP_glGetTextureSubImage, (struct sgl_cmd_texture_readback){
		.texture = texture, .level = level, .xoffset = xoffset, .yoffset = yoffset,
		.zoffset = zoffset, .width = width, .height = height, .depth = depth,
		.format = format, .type = type, .bufSize = bufSize }, pixels);
}

void sgl_enc_glGetCompressedTextureImage(struct sgl_enc *e, GLuint texture, GLint level,
					 GLsizei bufSize, void *pixels)
{
	readback(e, SGL_OP_glGetCompressedTextureImage, (struct sgl_cmd_texture_readback){
		.texture = texture, .level = level, .bufSize = bufSize }, pixels);
}

void sgl_enc_glGetCompressedTextureSubImage(struct sgl_enc *e, GLuint texture, GLint level,
					    GLint xoffset, GLint yoffset, GLint zoffset,
					    GLsizei width, GLsizei height, GLsizei depth,
					    GLsizei bufSize, void *pixels)
{
	readback(e, SGL_OP_glGetCompressedTextureSubImage, (struct sgl_cmd_texture_readback){
		.texture = texture, .level = level, .xoffset = xoffset, .yoffset = yoffset,
		.zoffset = zoffset, .width = width, .height = height, .depth = depth,
		.bufSize = bufSize }, pixels);
}
