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
	case GL_EDGE_FLAG_ARRAY: return FIXED_BASE + 5;
	case GL_INDEX_ARRAY: return FIXED_BASE + 6;
	case GL_POINT_SIZE_ARRAY_OES: return FIXED_BASE + 7;
	case GL_TEXTURE_COORD_ARRAY: {
		unsigned unit = e->client_active_texture ? e->client_active_texture - GL_TEXTURE0 : 0;
		return unit < SGL_TEXCOORD_ARRAYS ? TEXCOORD_BASE + (int)unit : -1;
	}
	default: return -1;
	}
}

/*
 * Whether GL has generic attribute `index` (it raises GL_INVALID_VALUE for
 * index >= GL_MAX_VERTEX_ATTRIBS, and nothing may be recorded for it).
 * Every GL has at least 16: the host's limit is asked only for an index
 * above that, once.
 */
static bool attrib_exists(struct sgl_enc *e, GLuint index)
{
	if (index < 16)
		return true;
	if (!e->max_vertex_attribs) {
		GLint n = sgl_enc_host_limit(e, GL_MAX_VERTEX_ATTRIBS, 16);
		e->max_vertex_attribs = n < 16 ? 16 : (uint32_t)n;
	}
	return index < e->max_vertex_attribs;
}

/* The slot of generic attribute `index`, or -1 where there is none. */
int sgl_enc_generic_slot(struct sgl_enc *e, GLuint index)
{
	return index < SGL_GENERIC_ARRAYS && attrib_exists(e, index) ? (int)index : -1;
}

/* 64-bit attributes take buffer offsets only: a client pointer is the
 * host's GL_INVALID_OPERATION, but GL judges the index first. */
void sgl_enc_glVertexAttribLPointer(struct sgl_enc *e, GLuint index, GLint size, GLenum type,
				    GLsizei stride, const void *pointer)
{
	if (!attrib_exists(e, index)) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	sgl_enc_raw_glVertexAttribLPointer(e, index, size, type, stride, pointer);
}

/* The array id sglClientArrayData uses for a slot. */
static uint32_t wire_array(int slot)
{
	if (slot < FIXED_BASE)
		return (uint32_t)slot;
	if (slot >= FIXED_BASE + 5 && slot < TEXCOORD_BASE)
		return SGL_ARRAY_EDGE_FLAG + (uint32_t)(slot - FIXED_BASE - 5);
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

/* What sglClientArrayData can carry (the host checks again). */
static bool streamable(GLint size, GLenum type, GLsizei stride)
{
	switch (type) {
	case GL_BYTE: case GL_UNSIGNED_BYTE: case GL_SHORT: case GL_UNSIGNED_SHORT:
	case GL_HALF_FLOAT: case GL_INT: case GL_UNSIGNED_INT: case GL_FLOAT: case GL_FIXED:
	case GL_DOUBLE: case GL_INT_2_10_10_10_REV: case GL_UNSIGNED_INT_2_10_10_10_REV:
	case GL_UNSIGNED_INT_10F_11F_11F_REV:
		break;
	default:
		return false;
	}
	return stride >= 0 && ((size >= 1 && size <= 4) || size == GL_BGRA);
}

/* Records a client pointer and returns the pointer the host gets: the
 * buffer offset as it is, or NULL for application memory. The host still
 * gets the call, so GL checks size and type, raises its errors and answers
 * glGet* about the array; the data follows at draw time. */
static const void *record(struct sgl_enc *e, int slot, GLint size, GLenum type, uint32_t flags,
			  GLsizei stride, const void *pointer)
{
	if (slot < 0 || !streamable(size, type, stride))
		return e->buffers[SGL_BUFFER_ARRAY] ? pointer : NULL;   /* GL raises the error */
	struct sgl_array_state *a = &e->arrays[slot];
	a->client = !e->buffers[SGL_BUFFER_ARRAY] && e->vertex_array == 0 && pointer;
	update_mask(e, slot);
	if (!a->client)
		return pointer;   /* an offset, or rejected by the host */
	a->size = size;
	a->type = type;
	a->flags = flags;
	a->stride = stride;
	a->pointer = pointer;
	return NULL;
}

void sgl_enc_glVertexAttribPointer(struct sgl_enc *e, GLuint index, GLint size, GLenum type,
				   GLboolean normalized, GLsizei stride, const void *pointer)
{
	int slot = sgl_enc_generic_slot(e, index);
	sgl_enc_raw_glVertexAttribPointer(e, index, size, type, normalized, stride,
					  record(e, slot, size, type, normalized ? 1 : 0, stride,
						 pointer));
}

void sgl_enc_glVertexAttribIPointer(struct sgl_enc *e, GLuint index, GLint size, GLenum type,
				    GLsizei stride, const void *pointer)
{
	int slot = sgl_enc_generic_slot(e, index);
	sgl_enc_raw_glVertexAttribIPointer(e, index, size, type, stride,
					   record(e, slot, size, type, 2, stride, pointer));
}

void sgl_enc_glVertexPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			     const void *pointer)
{
	sgl_enc_raw_glVertexPointer(e, size, type, stride,
			record(e, fixed_slot(e, GL_VERTEX_ARRAY), size, type, 0, stride, pointer));
}

void sgl_enc_glNormalPointer(struct sgl_enc *e, GLenum type, GLsizei stride, const void *pointer)
{
	sgl_enc_raw_glNormalPointer(e, type, stride,
			record(e, fixed_slot(e, GL_NORMAL_ARRAY), 3, type, 1, stride, pointer));
}

void sgl_enc_glColorPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			    const void *pointer)
{
	sgl_enc_raw_glColorPointer(e, size, type, stride,
			record(e, fixed_slot(e, GL_COLOR_ARRAY), size, type, 1, stride, pointer));
}

void sgl_enc_glSecondaryColorPointer(struct sgl_enc *e, GLint size, GLenum type,
				     GLsizei stride, const void *pointer)
{
	sgl_enc_raw_glSecondaryColorPointer(e, size, type, stride,
			record(e, fixed_slot(e, GL_SECONDARY_COLOR_ARRAY), size, type, 1, stride,
			       pointer));
}

void sgl_enc_glFogCoordPointer(struct sgl_enc *e, GLenum type, GLsizei stride,
			       const void *pointer)
{
	sgl_enc_raw_glFogCoordPointer(e, type, stride,
			record(e, fixed_slot(e, GL_FOG_COORD_ARRAY), 1, type, 0, stride, pointer));
}

void sgl_enc_glTexCoordPointer(struct sgl_enc *e, GLint size, GLenum type, GLsizei stride,
			       const void *pointer)
{
	sgl_enc_raw_glTexCoordPointer(e, size, type, stride,
			record(e, fixed_slot(e, GL_TEXTURE_COORD_ARRAY), size, type, 0, stride,
			       pointer));
}

void sgl_enc_glEdgeFlagPointer(struct sgl_enc *e, GLsizei stride, const void *pointer)
{
	sgl_enc_raw_glEdgeFlagPointer(e, stride,
			record(e, fixed_slot(e, GL_EDGE_FLAG_ARRAY), 1, GL_UNSIGNED_BYTE, 0, stride,
			       pointer));
}

void sgl_enc_glIndexPointer(struct sgl_enc *e, GLenum type, GLsizei stride, const void *pointer)
{
	sgl_enc_raw_glIndexPointer(e, type, stride,
			record(e, fixed_slot(e, GL_INDEX_ARRAY), 1, type, 0, stride, pointer));
}

void sgl_enc_glPointSizePointerOES(struct sgl_enc *e, GLenum type, GLsizei stride,
				   const void *pointer)
{
	sgl_enc_raw_glPointSizePointerOES(e, type, stride,
			record(e, fixed_slot(e, GL_POINT_SIZE_ARRAY_OES), 1, type, 0, stride,
			       pointer));
}

void sgl_enc_track_glVertexAttribDivisor(struct sgl_enc *e, GLuint index, GLuint divisor)
{
	int slot = e->vertex_array == 0 ? sgl_enc_generic_slot(e, index) : -1;
	if (slot >= 0)
		e->arrays[slot].divisor = divisor;
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
		enable(e, sgl_enc_generic_slot(e, index), true);
}

void sgl_enc_track_glDisableVertexAttribArray(struct sgl_enc *e, GLuint index)
{
	if (e->vertex_array == 0)
		enable(e, sgl_enc_generic_slot(e, index), false);
}

void sgl_enc_track_glEnableClientState(struct sgl_enc *e, GLenum array)
{
	enable(e, fixed_slot(e, array), true);
	sgl_enc_restart_client_state(e, array, true);
}

void sgl_enc_track_glDisableClientState(struct sgl_enc *e, GLenum array)
{
	enable(e, fixed_slot(e, array), false);
	sgl_enc_restart_client_state(e, array, false);
}

void sgl_enc_track_glClientActiveTexture(struct sgl_enc *e, GLenum texture)
{
	e->client_active_texture = texture;
}

/* Sends vertices [first, first + count) of every enabled client array; an
 * array with a divisor sends the elements `instances` instances from
 * `base_instance` on read (a draw that is not instanced reads instance 0). */
static void send_arrays(struct sgl_enc *e, int64_t first, int64_t count, int64_t instances,
			int64_t base_instance)
{
	if (e->vertex_array != 0 || first < 0 || count <= 0 || first + count > INT32_MAX)
		return;
	for (int i = 0; i < SGL_ARRAY_SLOTS; i++) {
		const struct sgl_array_state *a = &e->arrays[i];
		if (!(e->client_mask & ((uint64_t)1 << i)))
			continue;
		int64_t f = first, n = count;
		if (i < SGL_GENERIC_ARRAYS && a->divisor) {
			f = base_instance;
			n = instances > 1 ? (instances - 1) / a->divisor + 1 : 1;
			if (f < 0 || f + n > INT32_MAX)
				continue;
		}
		sgl_enc_sglClientArrayData(e, wire_array(i), a->size, a->type, a->flags,
					   (GLint)f, (GLsizei)n, a->pointer, a->stride);
	}
}

void sgl_enc_send_client_arrays(struct sgl_enc *e, int64_t first, int64_t count)
{
	send_arrays(e, first, count, 1, 0);
}

bool sgl_enc_any_client_array(const struct sgl_enc *e)
{
	return e->client_mask && e->vertex_array == 0;
}

void sgl_enc_prepare_glDrawArrays(struct sgl_enc *e, GLenum mode, GLint first, GLsizei count)
{
	(void)mode;
	if (sgl_enc_any_client_array(e))
		send_arrays(e, first, count, 1, 0);
}

void sgl_enc_prepare_glDrawArraysInstanced(struct sgl_enc *e, GLenum mode, GLint first,
					   GLsizei count, GLsizei instancecount)
{
	(void)mode;
	if (sgl_enc_any_client_array(e))
		send_arrays(e, first, count, instancecount, 0);
}

void sgl_enc_prepare_glDrawArraysInstancedBaseInstance(struct sgl_enc *e, GLenum mode,
						       GLint first, GLsizei count,
						       GLsizei instancecount, GLuint baseinstance)
{
	(void)mode;
	if (sgl_enc_any_client_array(e))
		send_arrays(e, first, count, instancecount, baseinstance);
}

/* The lowest and highest index a draw reads, the restart index left out
 * (restart.c); the indices may sit in an element buffer on the host, then
 * they are fetched (a round trip). False: it reads no vertex. */
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
	uint32_t restart;
	bool skip = sgl_enc_restart_index(e, type, &restart);
	uint32_t mn = UINT32_MAX, mx = 0;
	bool any = false;
	for (GLsizei i = 0; i < count; i++) {
		uint32_t v = size == 1 ? p[i] : size == 2 ? ((const uint16_t *)(const void *)p)[i] :
			     ((const uint32_t *)(const void *)p)[i];
		if (skip && v == restart)
			continue;
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
		any = true;
	}
	free(fetched);
	*lo = mn;
	*hi = mx;
	return any;
}

static void prepare_elements(struct sgl_enc *e, GLsizei count, GLenum type, const void *indices,
			     GLint basevertex, GLsizei instances, GLuint base_instance)
{
	int64_t lo, hi;
	if (sgl_enc_any_client_array(e) && sgl_enc_index_range(e, count, type, indices, &lo, &hi))
		send_arrays(e, lo + basevertex, hi - lo + 1, instances, base_instance);
}

void sgl_enc_prepare_glDrawElements(struct sgl_enc *e, GLenum mode, GLsizei count, GLenum type,
				    const void *indices)
{
	(void)mode;
	prepare_elements(e, count, type, indices, 0, 1, 0);
}

void sgl_enc_prepare_glDrawElementsInstanced(struct sgl_enc *e, GLenum mode, GLsizei count,
					     GLenum type, const void *indices, GLsizei instancecount)
{
	(void)mode;
	prepare_elements(e, count, type, indices, 0, instancecount, 0);
}

void sgl_enc_prepare_glDrawElementsInstancedBaseInstance(struct sgl_enc *e, GLenum mode,
							 GLsizei count, GLenum type,
							 const void *indices,
							 GLsizei instancecount,
							 GLuint baseinstance)
{
	(void)mode;
	prepare_elements(e, count, type, indices, 0, instancecount, baseinstance);
}

void sgl_enc_prepare_glDrawElementsBaseVertex(struct sgl_enc *e, GLenum mode, GLsizei count,
					      GLenum type, const void *indices, GLint basevertex)
{
	(void)mode;
	prepare_elements(e, count, type, indices, basevertex, 1, 0);
}

void sgl_enc_prepare_glDrawElementsInstancedBaseVertex(struct sgl_enc *e, GLenum mode,
						       GLsizei count, GLenum type,
						       const void *indices, GLsizei instancecount,
						       GLint basevertex)
{
	(void)mode;
	prepare_elements(e, count, type, indices, basevertex, instancecount, 0);
}

void sgl_enc_prepare_glDrawRangeElements(struct sgl_enc *e, GLenum mode, GLuint start,
					 GLuint end, GLsizei count, GLenum type,
					 const void *indices)
{
	(void)mode;
	if (sgl_enc_any_client_array(e) && end >= start)
		send_arrays(e, start, (int64_t)end - start + 1, 1, 0);
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
		send_arrays(e, (int64_t)start + basevertex, (int64_t)end - start + 1, 1, 0);
}
