/* Frames from the host shown in a window with GDI. */
#include "wgl_internal.h"

void sgl_wgl_dc_size(HDC hdc, uint32_t *width, uint32_t *height)
{
	HWND wnd = WindowFromDC(hdc);
	RECT r;
	*width = *height = 0;
	if (wnd && GetClientRect(wnd, &r) && r.right > r.left && r.bottom > r.top) {
		*width = (uint32_t)(r.right - r.left);
		*height = (uint32_t)(r.bottom - r.top);
	}
}

/*
 * A 32-bit DIB whose rows are the frame's: BGRX in memory is what GDI's
 * 32-bit DIBs hold (the high byte ignored), and a negative height says the
 * first row is the top one, as the host sends it. The stride becomes the
 * DIB's width; only `width` columns are copied out of it.
 */
void sgl_wgl_present(void *user, const struct sgl_frame *f)
{
	HDC hdc = user;
	if (!hdc || f->stride % 4 || f->width > INT32_MAX || f->height > INT32_MAX)
		return;
	BITMAPINFO bmi = { .bmiHeader = {
		.biSize = sizeof(BITMAPINFOHEADER),
		.biWidth = (LONG)(f->stride / 4),
		.biHeight = -(LONG)f->height,
		.biPlanes = 1,
		.biBitCount = 32,
		.biCompression = BI_RGB,
	} };
	SetDIBitsToDevice(hdc, 0, 0, f->width, f->height, 0, 0, 0, f->height, f->pixels, &bmi,
			  DIB_RGB_COLORS);
}
