/*
 * Primitive restart as the guest needs it: a draw from client arrays sends
 * the vertices its indices name, and the restart index names none (it may
 * lie far past the application's arrays). GL_PRIMITIVE_RESTART and
 * NV_primitive_restart's client state are one switch with one index (as in
 * Mesa); GL_PRIMITIVE_RESTART_FIXED_INDEX uses the type's largest value
 * and wins over the other. glEnable inside glNewList(GL_COMPILE) is
 * compiled, not done; glEnableClientState and the index are client state,
 * never compiled.
 */
#include "encoder.h"

static void set_cap(struct sgl_enc *e, GLenum cap, bool on)
{
	if (cap == GL_PRIMITIVE_RESTART || cap == GL_PRIMITIVE_RESTART_NV)
		e->restart = on;
	else if (cap == GL_PRIMITIVE_RESTART_FIXED_INDEX)
		e->restart_fixed = on;
}

void sgl_enc_track_glEnable(struct sgl_enc *e, GLenum cap)
{
	if (!e->list_compiling)
		set_cap(e, cap, true);
}

void sgl_enc_track_glDisable(struct sgl_enc *e, GLenum cap)
{
	if (!e->list_compiling)
		set_cap(e, cap, false);
}

/* glEnableClientState(GL_PRIMITIVE_RESTART_NV) (arrays.c passes it on). */
void sgl_enc_restart_client_state(struct sgl_enc *e, GLenum array, bool on)
{
	if (array == GL_PRIMITIVE_RESTART_NV)
		e->restart = on;
}

void sgl_enc_track_glPrimitiveRestartIndex(struct sgl_enc *e, GLuint index)
{
	e->restart_index = index;
}

void sgl_enc_track_glPrimitiveRestartIndexNV(struct sgl_enc *e, GLuint index)
{
	e->restart_index = index;
}

void sgl_enc_track_glEndList(struct sgl_enc *e)
{
	e->list_compiling = false;
}

bool sgl_enc_restart_index(const struct sgl_enc *e, GLenum type, uint32_t *index)
{
	if (e->restart_fixed) {
		*index = type == GL_UNSIGNED_BYTE ? 0xff : type == GL_UNSIGNED_SHORT ? 0xffff :
			 0xffffffffu;
		return true;
	}
	*index = e->restart_index;
	return e->restart;
}
