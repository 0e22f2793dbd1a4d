/*
 * Indirect and multi draws with client vertex arrays: the vertices a draw
 * reads are known only from its commands (read here from client memory or
 * fetched from the indirect buffer, a round trip) or its arrays of firsts
 * and counts, so the referenced range of each client array travels first,
 * as for direct draws (arrays.c).
 */
#include "encoder.h"

#include <stdlib.h>

/* Beyond this the commands are not read: the draw goes out as it is. */
#define MAX_INDIRECT_BYTES (1 << 24)

/* The commands as they will be read, in a buffer the caller frees. */
static uint8_t *commands(struct sgl_enc *e, const void *indirect, GLsizei drawcount,
			 GLsizei stride, int size, int64_t *bytes)
{
	*bytes = sgl_indirect_bytes(drawcount, stride, size);
	if (*bytes <= 0 || *bytes > MAX_INDIRECT_BYTES)
		return NULL;
	uint8_t *cmds = malloc((size_t)*bytes);
	if (!cmds)
		return NULL;
	if (sgl_enc_buffer_bound(e, GL_DRAW_INDIRECT_BUFFER_BINDING)) {
		if (sgl_enc_sglBufferReadRange(e, GL_DRAW_INDIRECT_BUFFER,
					       (int64_t)(uintptr_t)indirect, *bytes, cmds) < 0) {
			free(cmds);
			return NULL;
		}
	} else if (indirect) {
		memcpy(cmds, indirect, (size_t)*bytes);
	} else {
		free(cmds);
		return NULL;
	}
	return cmds;
}

static void arrays_range(struct sgl_enc *e, const void *indirect, GLsizei drawcount,
			 GLsizei stride)
{
	int64_t bytes;
	uint8_t *cmds = commands(e, indirect, drawcount, stride, 16, &bytes);
	if (!cmds)
		return;
	int64_t lo = INT64_MAX, hi = -1;
	for (GLsizei i = 0; i < drawcount; i++) {
		uint32_t c[4];     /* count, instanceCount, first, baseInstance */
		memcpy(c, cmds + (int64_t)i * (stride ? stride : 16), sizeof(c));
		if (!c[0] || !c[1])
			continue;
		lo = c[2] < lo ? c[2] : lo;
		hi = (int64_t)c[2] + c[0] - 1 > hi ? (int64_t)c[2] + c[0] - 1 : hi;
	}
	free(cmds);
	if (hi >= lo)
		sgl_enc_send_client_arrays(e, lo, hi - lo + 1);
}

static void elements_range(struct sgl_enc *e, GLenum type, const void *indirect,
			   GLsizei drawcount, GLsizei stride)
{
	int size = type == GL_UNSIGNED_BYTE ? 1 : type == GL_UNSIGNED_SHORT ? 2 :
		   type == GL_UNSIGNED_INT ? 4 : 0;
	int64_t bytes;
	uint8_t *cmds = size ? commands(e, indirect, drawcount, stride, 20, &bytes) : NULL;
	if (!cmds)
		return;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (GLsizei i = 0; i < drawcount; i++) {
		uint32_t c[5];     /* count, instanceCount, firstIndex, baseVertex, baseInstance */
		memcpy(c, cmds + (int64_t)i * (stride ? stride : 20), sizeof(c));
		int64_t l, h;
		if (!c[0] || !c[1] || c[0] > INT32_MAX ||
		    !sgl_enc_index_range(e, (GLsizei)c[0], type,
					 (const void *)(uintptr_t)((uint64_t)c[2] * size), &l, &h))
			continue;
		int64_t base = (int32_t)c[3];
		lo = l + base < lo ? l + base : lo;
		hi = h + base > hi ? h + base : hi;
	}
	free(cmds);
	if (hi >= lo)
		sgl_enc_send_client_arrays(e, lo, hi - lo + 1);
}

void sgl_enc_prepare_glMultiDrawArraysIndirect(struct sgl_enc *e, GLenum mode,
					       const void *indirect, GLsizei drawcount,
					       GLsizei stride)
{
	(void)mode;
	if (sgl_enc_any_client_array(e))
		arrays_range(e, indirect, drawcount, stride);
}

void sgl_enc_prepare_glDrawArraysIndirect(struct sgl_enc *e, GLenum mode, const void *indirect)
{
	sgl_enc_prepare_glMultiDrawArraysIndirect(e, mode, indirect, 1, 0);
}

void sgl_enc_prepare_glMultiDrawElementsIndirect(struct sgl_enc *e, GLenum mode, GLenum type,
						 const void *indirect, GLsizei drawcount,
						 GLsizei stride)
{
	(void)mode;
	/* Indirect indices always live in the element buffer. */
	if (sgl_enc_any_client_array(e) &&
	    sgl_enc_buffer_bound(e, GL_ELEMENT_ARRAY_BUFFER_BINDING))
		elements_range(e, type, indirect, drawcount, stride);
}

void sgl_enc_prepare_glDrawElementsIndirect(struct sgl_enc *e, GLenum mode, GLenum type,
					    const void *indirect)
{
	sgl_enc_prepare_glMultiDrawElementsIndirect(e, mode, type, indirect, 1, 0);
}

void sgl_enc_prepare_glMultiDrawArrays(struct sgl_enc *e, GLenum mode, const GLint *first,
				       const GLsizei *count, GLsizei drawcount)
{
	(void)mode;
	if (!sgl_enc_any_client_array(e) || !first || !count)
		return;
	int64_t lo = INT64_MAX, hi = -1;
	for (GLsizei i = 0; i < drawcount; i++) {
		if (first[i] < 0 || count[i] <= 0)
			continue;
		lo = first[i] < lo ? first[i] : lo;
		hi = (int64_t)first[i] + count[i] - 1 > hi ? (int64_t)first[i] + count[i] - 1 : hi;
	}
	if (hi >= lo)
		sgl_enc_send_client_arrays(e, lo, hi - lo + 1);
}
