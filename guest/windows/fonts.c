/*
 * wglUseFontBitmaps: one display list per glyph of the DC's font, each a
 * glBitmap of the glyph GDI rasterizes (GetGlyphOutline GGO_BITMAP) that
 * moves the raster position by the glyph's advance. Encoded into the
 * current context like any other GL call.
 */
#include "wgl_internal.h"

#include <stdlib.h>
#include <string.h>

/* GGO_BITMAP rows: 1 bit per pixel, each row padded to 32 bits, top row
 * first; glBitmap takes the bottom row first (with unpack alignment 4 the
 * same padding). */
static BOOL glyph_list(struct sgl_enc *e, HDC hdc, UINT ch, GLuint list, bool wide)
{
	static const MAT2 identity = { { 0, 1 }, { 0, 0 }, { 0, 0 }, { 0, 1 } };
	GLYPHMETRICS gm;
	DWORD size = wide ? GetGlyphOutlineW(hdc, ch, GGO_BITMAP, &gm, 0, NULL, &identity) :
			    GetGlyphOutlineA(hdc, ch, GGO_BITMAP, &gm, 0, NULL, &identity);
	if (size == GDI_ERROR)
		return FALSE;
	uint8_t *top = size ? malloc(size) : NULL, *bottom = size ? malloc(size) : NULL;
	BOOL ok = !size || (top && bottom);
	if (ok && size) {
		ok = (wide ? GetGlyphOutlineW(hdc, ch, GGO_BITMAP, &gm, size, top, &identity) :
			     GetGlyphOutlineA(hdc, ch, GGO_BITMAP, &gm, size, top, &identity)) !=
		     GDI_ERROR;
		size_t row = ((gm.gmBlackBoxX + 31) / 32) * 4;
		for (UINT y = 0; ok && y < gm.gmBlackBoxY && (y + 1) * row <= size; y++)
			memcpy(bottom + (gm.gmBlackBoxY - 1 - y) * row, top + y * row, row);
	}
	if (ok) {
		/* An empty glyph (a space) only moves the raster position. */
		sgl_enc_glNewList(e, list, GL_COMPILE);
		sgl_enc_glBitmap(e, size ? (GLsizei)gm.gmBlackBoxX : 0, size ? (GLsizei)gm.gmBlackBoxY : 0,
				 (GLfloat)-gm.gmptGlyphOrigin.x,
				 (GLfloat)((LONG)gm.gmBlackBoxY - gm.gmptGlyphOrigin.y),
				 gm.gmCellIncX, gm.gmCellIncY, size ? bottom : NULL);
		sgl_enc_glEndList(e);
	}
	free(top);
	free(bottom);
	return ok;
}

static BOOL use_font_bitmaps(HDC hdc, DWORD first, DWORD count, DWORD base, bool wide)
{
	struct sgl_context *c = sgl_context_current();
	if (!c) {
		SetLastError(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	struct sgl_enc *e = &c->enc;
	BOOL ok = TRUE;
	sgl_enc_enter(e);
	int32_t align = e->unpack.alignment;
	sgl_enc_glPixelStorei(e, GL_UNPACK_ALIGNMENT, 4);
	for (DWORD i = 0; i < count && ok; i++)
		ok = glyph_list(e, hdc, first + i, base + i, wide);
	sgl_enc_glPixelStorei(e, GL_UNPACK_ALIGNMENT, align);
	sgl_enc_leave(e);
	return ok;
}

BOOL WINAPI wglUseFontBitmapsA(HDC hdc, DWORD first, DWORD count, DWORD base)
{
	return use_font_bitmaps(hdc, first, count, base, false);
}

BOOL WINAPI wglUseFontBitmapsW(HDC hdc, DWORD first, DWORD count, DWORD base)
{
	return use_font_bitmaps(hdc, first, count, base, true);
}
