/*
 * Client-side vertex arrays. A pointer given while no GL_ARRAY_BUFFER is
 * bound points into application memory the host cannot see: the guest
 * records it, and before each draw sends the range the draw reads of every
 * enabled client array (sglClientArrayData); the host streams it into a
 * buffer of its own. Only the default vertex array object is tracked.
 */
#include "encoder.h"

#include <stdlib.h>

#define FIXED_BASE SGL_GENERIC_ARRAYS
#define TEXCOORD_BASE (SGL_GENERIC_ARRAYS + SGL_FIXED_ARRAYS)

static int fixed_slot(struct sgl_enc *e, GLenum cap)
{
	switch (cap) {
	case GL_VERTEX_ARRAY: return FIXED_BASE + 0;
	case GL_NORMAL_ARRAY: return FIXED_BASE + 1;
	case GL_COLOR_ARRAY: return FIXED_BASE + 2;
	case GL_SECONDARY_COLOR_ARRAY: return FIXED_BASE + 3;
	case GL_FOG_COORD_ARRAY: return FIXED_BASE + 4;
	case GL_TEXTURE_COORD_ARRAY: {
		unsigned unit = e->client_active_texture ? e->client_active_texture - GL_TEXTURE0 : 0;
		return unit < SGL_TEXCOORD_ARRAYS ? TEXCOORD_BASE + (int)unit : -1;
	}
	default: return -1;
	}
}

/* The array id sglClientArrayData uses for a slot. */
static uint32_t wire_array(int slot)
{
	if (slot < FIXED_BASE)
		return (uint32_t)slot;
	if (slot < TEXCOORD_BASE)
		return SGL_ARRAY_VERTEX + (uint32_t)(slot - FIXED_BASE);
	return SGL_ARRAY_TEXCOORD + (uint32_t)(slot - TEXCOORD_BASE);
}

static void update_mask(struct sgl_enc *e, int slot)
{
	const struct sgl_array_state *a = &e->arrays[slot];
	uint64_t bit = (uint64_t)1 << slot;
	e->client_mask = a->enabled && a->client ? e->client_mask | bit : e->client_mask & ~bit;
}

/* Records a client pointer; false when the pointer is a buffer offset and
 * goes to the host as it is. */
static bool record(struct sgl_enc *e, int slot, GLint size, GLenum type, uint32_t flags,
		   GLsizei stride, const void *pointer)
{
	if (slot < 0)
		return false;
	struct sgl_array_state *a = &e->arrays[slot];
	a->client = !e->array_buffer && e->vertex_array == 0 && pointer;
	update_mask(e, slot);
	if (!a->client)
		return false;
	a->size = size;
	a->type = type;
	a->flags = flags;
	a->stride = stride;
	a->pointer = pointer;
	return true;
}

void sgl_enc_glVertexAttribPointer(struct sgl_enc *e, GLuint index, GLint size, GLenum type,
				   GLboolean normalized, GLsizei stride, const void *pointer)
{
	if (!record(e, index < SGL_GENERIC_ARRAYS ? (int)index : -1, size, type,
		    normalized ? 1 : 0, stride, pointer))
		sgl_enc_raw_glVertexAttribPointer(e, index, size, type, normalized, stride, pointer);
}

void sgl_enc_glVertexAttribIPointer(struct sgl_enc *e, GLuint index, GLint size, GLenum type,
				    GLsizei stride, const void *pointer)
{
	if (!record(e, index < SGL_GENERIC_ARRAYS ? (int)index : -1, size, type, 2, stride,
		    pointer))
		sgl_enc_raw_glVertexAttribIPointer(e, index, size, type, stride, pointer);
}

void sgl_enc_glVertexPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			     const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_VERTEX_ARRAY), size, type, 0, stride, pointer))
		sgl_enc_raw_glVertexPointer(e, size, type, stride, pointer);
}

void sgl_enc_glNormalPointer(struct sgl_enc *e, GLenum type, GLsizei stride, const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_NORMAL_ARRAY), 3, type, 1, stride, pointer))
		sgl_enc_raw_glNormalPointer(e, type, stride, pointer);
}

void sgl_enc_glColorPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			    const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_COLOR_ARRAY), size, type, 1, stride, pointer))
		sgl_enc_raw_glColorPointer(e, size, type, stride, pointer);
}

void sgl_enc_glSecondaryColorPointer(struct sgl_enc *e, GLint size, GLenum type,
				     GLsizei stride, const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_SECONDARY_COLOR_ARRAY), size, type, 1, stride, pointer))
		sgl_enc_raw_glSecondaryColorPointer(e, size, type, stride, pointer);
}

void sgl_enc_glFogCoordPointer(struct sgl_enc *e, GLenum type, GLsizei stride,
			       const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_FOG_COORD_ARRAY), 1, type, 0, stride, pointer))
		sgl_enc_raw_glFogCoordPointer(e, type, stride, pointer);
}

void sgl_enc_glTexCoordPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			       const void *pointer)
{
	if (!record(e, fixed_slot(e, GL_TEXTURE_COORD_ARRAY), size, type, 0, stride, pointer))
		sgl_enc_raw_glTexCoordPointer(e, size, type, stride, pointer);
}

static void enable(struct sgl_enc *e, int slot, bool on)
{
	if (slot < 0)
		return;
	e->arrays[slot].enabled = on;
	update_mask(e, slot);
}

void sgl_enc_track_glEnableVertexAttribArray(struct sgl_enc *e, GLuint index)
{
	if (e->vertex_array == 0)
		enable(e, index < SGL_GENERIC_ARRAYS ? (int)index : -1, true);
}

void sgl_enc_track_glDisableVertexAttribArray(struct sgl_enc *e, GLuint index)
{
	if (e->vertex_array == 0)
		enable(e, index < SGL_GENERIC_ARRAYS ? (int)index : -1, false);
}

void sgl_enc_track_glEnableClientState(struct sgl_enc *e, GLenum array)
{
	enable(e, fixed_slot(e, array), true);
}

void sgl_enc_track_glDisableClientState(struct sgl_enc *e, GLenum array)
{
	enable(e, fixed_slot(e, array), false);
}

void sgl_enc_track_glClientActiveTexture(struct sgl_enc *e, GLenum texture)
{
	e->client_active_texture = texture;
}

/* Sends vertices [first, first + count) of every enabled client array. */
void sgl_enc_send_client_arrays(struct sgl_enc *e, int64_t first, int64_t count)
{
	if (e->vertex_array != 0 || first < 0 || count <= 0 || first + count > INT32_MAX)
		return;
	for (int i = 0; i < SGL_ARRAY_SLOTS; i++) {
		const struct sgl_array_state *a = &e->arrays[i];
		if (e->client_mask & ((uint64_t)1 << i))
			sgl_enc_sglClientArrayData(e, wire_array(i), a->size, a->type, a->flags,
						   (GLint)first, (GLsizei)count, a->pointer,
						   a->stride);
	}
}

bool sgl_enc_any_client_array(const struct sgl_enc *e)
{
	return e->client_mask && e->vertex_array == 0;
}

void sgl_enc_prepare_glDrawArrays(struct sgl_enc *e, GLenum mode, GLint first, GLsizei count)
{
	(void)mode;
	if (sgl_enc_any_client_array(e))
		sgl_enc_send_client_arrays(e, first, count);
}

void sgl_enc_prepare_glDrawArraysInstanced(struct sgl_enc *e, GLenum mode, GLint first,
					   GLsizei count, GLsizei instancecount)
{
	(void)instancecount;
	sgl_enc_prepare_glDrawArrays(e, mode, first, count);
}

/* The lowest and highest index a draw reads; the indices may sit in an
 * element buffer on the host, then they are fetched (a round trip). */
bool sgl_enc_index_range(struct sgl_enc *e, GLsizei count, GLenum type, const void *indices,
			 int64_t *lo, int64_t *hi)
{
	int size = type == GL_UNSIGNED_BYTE ? 1 : type == GL_UNSIGNED_SHORT ? 2 :
		   type == GL_UNSIGNED_INT ? 4 : 0;
	if (!size || count <= 0)
		return false;
	const uint8_t *p = indices;
	uint8_t *fetched = NULL;
	if (sgl_enc_buffer_bound(e, GL_ELEMENT_ARRAY_BUFFER_BINDING)) {
		fetched = malloc((size_t)count * (size_t)size);
		if (!fetched || sgl_enc_sglBufferReadRange(e, GL_ELEMENT_ARRAY_BUFFER,
							   (int64_t)(uintptr_t)indices,
							   (int64_t)count * size, fetched) < 0) {
			free(fetched);
			return false;
		}
		p = fetched;
	}
	if (!p)
		return false;
	uint32_t mn = UINT32_MAX, mx = 0;
	for (GLsizei i = 0; i < count; i++) {
		uint32_t v = size == 1 ? p[i] : size == 2 ? ((const uint16_t *)(const void *)p)[i] :
			     ((const uint32_t *)(const void *)p)[i];
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
	}
	free(fetched);
	*lo = mn;
	*hi = mx;
	return true;
}

static void prepare_elements(struct sgl_enc *e, GLsizei count, GLenum type, const void *indices,
			     GLint basevertex)
{
	int64_t lo, hi;
	if (sgl_enc_any_client_array(e) && sgl_enc_index_range(e, count, type, indices, &lo, &hi))
		sgl_enc_send_client_arrays(e, lo + basevertex, hi - lo + 1);
}

void sgl_enc_prepare_glDrawElements(struct sgl_enc *e, GLenum mode, GLsizei count, GLenum type,
				    const void *indices)
{
	(void)mode;
	prepare_elements(e, count, type, indices, 0);
}

void sgl_enc_prepare_glDrawElementsInstanced(struct sgl_enc *e, GLenum mode, GLsizei count,
					     GLenum type, const void *indices, GLsizei instancecount)
{
	(void)mode;
	(void)instancecount;
	prepare_elements(e, count, type, indices, 0);
}

void sgl_enc_prepare_glDrawElementsBaseVertex(struct sgl_enc *e, GLenum mode, GLsizei count,
					      GLenum type, const void *indices, GLint basevertex)
{
	(void)mode;
	prepare_elements(e, count, type, indices, basevertex);
}

void sgl_enc_prepare_glDrawElementsInstancedBaseVertex(struct sgl_enc *e, GLenum mode,
						       GLsizei count, GLenum type,
						       const void *indices, GLsizei instancecount,
						       GLint basevertex)
{
	(void)mode;
	(void)instancecount;
	prepare_elements(e, count, type, indices, basevertex);
}

void sgl_enc_prepare_glDrawRangeElements(struct sgl_enc *e, GLenum mode, GLuint start,
					 GLuint end, GLsizei count, GLenum type,
					 const void *indices)
{
	(void)mode;
	if (sgl_enc_any_client_array(e) && end >= start)
		sgl_enc_send_client_arrays(e, start, (int64_t)end - start + 1);
	(void)count;
	(void)type;
	(void)indices;
}

void sgl_enc_prepare_glDrawRangeElementsBaseVertex(struct sgl_enc *e, GLenum mode, GLuint start,
						   GLuint end, GLsizei count, GLenum type,
						   const void *indices, GLint basevertex)
{
	(void)mode;
	(void)count;
	(void)type;
	(void)indices;
	if (sgl_enc_any_client_array(e) && end >= start)
		sgl_enc_send_client_arrays(e, (int64_t)start + basevertex, (int64_t)end - start + 1);
}

/* Pointer queries: a client array's pointer is the application's, known
 * here; anything else is a buffer offset the host gives back. */
static void *host_pointer(struct sgl_enc *e, uint32_t op, uint32_t a, uint32_t b)
{
	struct sgl_cmd_glGetPointerv *c = (struct sgl_cmd_glGetPointerv *)sgl_enc_begin(
		e, op, sizeof(*c));
	_Static_assert(sizeof(*c) == sizeof(struct sgl_cmd_glGetVertexAttribPointerv),
		       "both pointer queries carry two u32");
	if (!c)
		return NULL;
	c->pname = a;
	c->pad_ = b;
	const uint8_t *r = sgl_enc_reply(e, op, 8);
	uint64_t v = 0;
	if (r)
		memcpy(&v, r, 8);
	return (void *)(uintptr_t)v;
}

void sgl_enc_glGetVertexAttribPointerv(struct sgl_enc *e, GLuint index, GLenum pname,
				       void **pointer)
{
	if (index < SGL_GENERIC_ARRAYS && e->arrays[index].client &&
	    pname == GL_VERTEX_ATTRIB_ARRAY_POINTER) {
		*pointer = (void *)e->arrays[index].pointer;
		return;
	}
	*pointer = host_pointer(e, SGL_OP_glGetVertexAttribPointerv, index, pname);
}

void sgl_enc_glGetPointerv(struct sgl_enc *e, GLenum pname, void **params)
{
	int slot = -1;
	switch (pname) {
	case GL_DEBUG_CALLBACK_FUNCTION:
		*params = (void *)(uintptr_t)e->debug_callback;
		return;
	case GL_DEBUG_CALLBACK_USER_PARAM:
		*params = (void *)e->debug_user;
		return;
	case GL_VERTEX_ARRAY_POINTER: slot = fixed_slot(e, GL_VERTEX_ARRAY); break;
	case GL_NORMAL_ARRAY_POINTER: slot = fixed_slot(e, GL_NORMAL_ARRAY); break;
	case GL_COLOR_ARRAY_POINTER: slot = fixed_slot(e, GL_COLOR_ARRAY); break;
	case GL_SECONDARY_COLOR_ARRAY_POINTER: slot = fixed_slot(e, GL_SECONDARY_COLOR_ARRAY); break;
	case GL_FOG_COORD_ARRAY_POINTER: slot = fixed_slot(e, GL_FOG_COORD_ARRAY); break;
	case GL_TEXTURE_COORD_ARRAY_POINTER: slot = fixed_slot(e, GL_TEXTURE_COORD_ARRAY); break;
	default: break;
	}
	if (slot >= 0 && e->arrays[slot].client) {
		*params = (void *)e->arrays[slot].pointer;
		return;
	}
	*params = host_pointer(e, SGL_OP_glGetPointerv, pname, 0);
}
