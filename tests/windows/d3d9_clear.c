/*
 * A Direct3D 9 program: under Wine, d3d9 runs on WineD3D, which draws with
 * OpenGL through opengl32.dll, ours with the DLL override (the path SharedGL
 * shows for DirectX games). It clears the back buffer, draws a
 * pre-transformed triangle, presents, and reads the render target back
 * through D3D itself (GetRenderTargetData, LockRect): the clear color in a
 * corner, the triangle's in its middle.
 *   "d3d9_clear: ok 64-bit"
 */
#define COBJMACROS
#include <windows.h>

#include <d3d9.h>
#include <stdio.h>

#define W 128
#define H 96

struct vertex {
	float x, y, z, rhw;
	DWORD color;
};

static LRESULT CALLBACK wndproc(HWND wnd, UINT msg, WPARAM wp, LPARAM lp)
{
	return DefWindowProcA(wnd, msg, wp, lp);
}

static int fail(const char *what, HRESULT hr)
{
	printf("d3d9_clear: FAIL %s (hr %#lx)\n", what, (unsigned long)hr);
	return 1;
}

static DWORD pixel(const D3DLOCKED_RECT *r, int x, int y)
{
	return ((const DWORD *)((const BYTE *)r->pBits + y * r->Pitch))[x] & 0xffffff;
}

int main(void)
{
	WNDCLASSA wc = { .lpfnWndProc = wndproc, .hInstance = GetModuleHandleA(NULL),
			 .lpszClassName = "d3d9_clear" };
	RegisterClassA(&wc);
	HWND wnd = CreateWindowA("d3d9_clear", "d3d9_clear", WS_POPUP | WS_VISIBLE, 0, 0, W, H,
				 NULL, NULL, wc.hInstance, NULL);
	IDirect3D9 *d3d = Direct3DCreate9(D3D_SDK_VERSION);
	if (!wnd || !d3d)
		return fail("no window or no Direct3D 9", 0);
	D3DPRESENT_PARAMETERS pp = {
		.BackBufferWidth = W, .BackBufferHeight = H, .BackBufferFormat = D3DFMT_X8R8G8B8,
		.BackBufferCount = 1, .SwapEffect = D3DSWAPEFFECT_DISCARD, .hDeviceWindow = wnd,
		.Windowed = TRUE,
	};
	IDirect3DDevice9 *dev;
	HRESULT hr = IDirect3D9_CreateDevice(d3d, D3DADAPTER_DEFAULT, D3DDEVTYPE_HAL, wnd,
					     D3DCREATE_SOFTWARE_VERTEXPROCESSING, &pp, &dev);
	if (FAILED(hr))
		return fail("CreateDevice", hr);
	D3DADAPTER_IDENTIFIER9 id;
	if (SUCCEEDED(IDirect3D9_GetAdapterIdentifier(d3d, D3DADAPTER_DEFAULT, 0, &id)))
		printf("d3d9_clear: adapter %s\n", id.Description);

	static const struct vertex tri[3] = {
		{ W / 2.0f, 8, 0.5f, 1, 0xffff0000 },
		{ W - 8.0f, H - 8.0f, 0.5f, 1, 0xffff0000 },
		{ 8, H - 8.0f, 0.5f, 1, 0xffff0000 },
	};
	IDirect3DDevice9_Clear(dev, 0, NULL, D3DCLEAR_TARGET, D3DCOLOR_XRGB(0, 0, 255), 1.0f, 0);
	IDirect3DDevice9_BeginScene(dev);
	IDirect3DDevice9_SetRenderState(dev, D3DRS_LIGHTING, FALSE);
	IDirect3DDevice9_SetRenderState(dev, D3DRS_CULLMODE, D3DCULL_NONE);
	IDirect3DDevice9_SetFVF(dev, D3DFVF_XYZRHW | D3DFVF_DIFFUSE);
	hr = IDirect3DDevice9_DrawPrimitiveUP(dev, D3DPT_TRIANGLELIST, 1, tri, sizeof(tri[0]));
	IDirect3DDevice9_EndScene(dev);
	if (FAILED(hr))
		return fail("DrawPrimitiveUP", hr);

	/* The frame read back before Present (DISCARD leaves the back buffer
	 * undefined after it). */
	IDirect3DSurface9 *rt, *sys;
	hr = IDirect3DDevice9_GetRenderTarget(dev, 0, &rt);
	if (SUCCEEDED(hr))
		hr = IDirect3DDevice9_CreateOffscreenPlainSurface(dev, W, H, D3DFMT_X8R8G8B8,
								  D3DPOOL_SYSTEMMEM, &sys, NULL);
	if (SUCCEEDED(hr))
		hr = IDirect3DDevice9_GetRenderTargetData(dev, rt, sys);
	D3DLOCKED_RECT r;
	if (SUCCEEDED(hr))
		hr = IDirect3DSurface9_LockRect(sys, &r, NULL, D3DLOCK_READONLY);
	if (FAILED(hr))
		return fail("reading the render target back", hr);
	DWORD corner = pixel(&r, 2, 2), middle = pixel(&r, W / 2, H / 2);
	IDirect3DSurface9_UnlockRect(sys);
	hr = IDirect3DDevice9_Present(dev, NULL, NULL, NULL, NULL);
	if (FAILED(hr))
		return fail("Present", hr);
	printf("d3d9_clear: corner %06lx, middle %06lx\n", (unsigned long)corner,
	       (unsigned long)middle);
	IDirect3DSurface9_Release(sys);
	IDirect3DSurface9_Release(rt);
	IDirect3DDevice9_Release(dev);
	IDirect3D9_Release(d3d);
	DestroyWindow(wnd);
	if (corner != 0x0000ff || middle != 0xff0000)
		return fail("pixels", 0);
	printf("d3d9_clear: ok %s\n", sizeof(void *) == 8 ? "64-bit" : "32-bit");
	return 0;
}
