/*
 * glInterleavedArrays (GL 1.1) is defined by the GL as a sequence of other
 * array commands (GL 2.1 section 2.8, Table 2.5): the guest makes those
 * calls, so the host never sees the command and client arrays travel as
 * any other's.
 */
#include "encoder.h"

#define F ((int)sizeof(GLfloat))
#define C 4    /* four unsigned bytes, rounded up to a multiple of F */

/* A row of Table 2.5: which arrays are enabled, their sizes, the color
 * type, the offsets of color, normal and vertex, and the row's size. */
struct layout {
	GLenum format;
	bool et, ec, en;
	int st, sc, sv;
	GLenum tc;
	int pc, pn, pv, s;
};

static const struct layout table[] = {
	{ GL_V2F, false, false, false, 0, 0, 2, 0, 0, 0, 0, 2 * F },
	{ GL_V3F, false, false, false, 0, 0, 3, 0, 0, 0, 0, 3 * F },
	{ GL_C4UB_V2F, false, true, false, 0, 4, 2, GL_UNSIGNED_BYTE, 0, 0, C, C + 2 * F },
	{ GL_C4UB_V3F, false, true, false, 0, 4, 3, GL_UNSIGNED_BYTE, 0, 0, C, C + 3 * F },
	{ GL_C3F_V3F, false, true, false, 0, 3, 3, GL_FLOAT, 0, 0, 3 * F, 6 * F },
	{ GL_N3F_V3F, false, false, true, 0, 0, 3, 0, 0, 0, 3 * F, 6 * F },
	{ GL_C4F_N3F_V3F, false, true, true, 0, 4, 3, GL_FLOAT, 0, 4 * F, 7 * F, 10 * F },
	{ GL_T2F_V3F, true, false, false, 2, 0, 3, 0, 0, 0, 2 * F, 5 * F },
	{ GL_T4F_V4F, true, false, false, 4, 0, 4, 0, 0, 0, 4 * F, 8 * F },
	{ GL_T2F_C4UB_V3F, true, true, false, 2, 4, 3, GL_UNSIGNED_BYTE, 2 * F, 0, C + 2 * F,
	  C + 5 * F },
	{ GL_T2F_C3F_V3F, true, true, false, 2, 3, 3, GL_FLOAT, 2 * F, 0, 5 * F, 8 * F },
	{ GL_T2F_N3F_V3F, true, false, true, 2, 0, 3, 0, 0, 2 * F, 5 * F, 8 * F },
	{ GL_T2F_C4F_N3F_V3F, true, true, true, 2, 4, 3, GL_FLOAT, 2 * F, 6 * F, 9 * F, 12 * F },
	{ GL_T4F_C4F_N3F_V4F, true, true, true, 4, 4, 4, GL_FLOAT, 4 * F, 8 * F, 11 * F, 15 * F },
};

static void client_state(struct sgl_enc *e, GLenum array, bool on)
{
	if (on)
		sgl_enc_glEnableClientState(e, array);
	else
		sgl_enc_glDisableClientState(e, array);
}

void sgl_enc_glInterleavedArrays(struct sgl_enc *e, GLenum format, GLsizei stride,
				 const void *pointer)
{
	const struct layout *l = NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && !l; i++)
		if (table[i].format == format)
			l = &table[i];
	if (!l) {
		sgl_enc_error(e, GL_INVALID_ENUM);
		return;
	}
	if (stride < 0) {
		sgl_enc_error(e, GL_INVALID_VALUE);
		return;
	}
	const GLsizei str = stride ? stride : l->s;
	const uint8_t *p = pointer;
	client_state(e, GL_EDGE_FLAG_ARRAY, false);
	client_state(e, GL_INDEX_ARRAY, false);
	client_state(e, GL_SECONDARY_COLOR_ARRAY, false);
	client_state(e, GL_FOG_COORD_ARRAY, false);
	client_state(e, GL_TEXTURE_COORD_ARRAY, l->et);
	if (l->et)
		sgl_enc_glTexCoordPointer(e, l->st, GL_FLOAT, str, p);
	client_state(e, GL_COLOR_ARRAY, l->ec);
	if (l->ec)
		sgl_enc_glColorPointer(e, l->sc, l->tc, str, p + l->pc);
	client_state(e, GL_NORMAL_ARRAY, l->en);
	if (l->en)
		sgl_enc_glNormalPointer(e, GL_FLOAT, str, p + l->pn);
	client_state(e, GL_VERTEX_ARRAY, true);
	sgl_enc_glVertexPointer(e, l->sv, GL_FLOAT, str, p + l->pv);
}
