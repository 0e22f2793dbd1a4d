/*
 * A Direct3D 11 program: under Wine, d3d11 runs on WineD3D, which draws
 * with OpenGL (core contexts through wglCreateContextAttribsARB) through
 * opengl32.dll, ours with the DLL override. It clears the swap chain's
 * back buffer, reads it back through a staging texture (D3D itself, not
 * GDI) and presents.
 *   "d3d11_clear: ok 64-bit"
 */
#define COBJMACROS
#include <windows.h>

#include <d3d11.h>
#include <stdio.h>

#define W 128
#define H 96

static LRESULT CALLBACK wndproc(HWND wnd, UINT msg, WPARAM wp, LPARAM lp)
{
	return DefWindowProcA(wnd, msg, wp, lp);
}

static int fail(const char *what, HRESULT hr)
{
	printf("d3d11_clear: FAIL %s (hr %#lx)\n", what, (unsigned long)hr);
	return 1;
}

int main(void)
{
	WNDCLASSA wc = { .lpfnWndProc = wndproc, .hInstance = GetModuleHandleA(NULL),
			 .lpszClassName = "d3d11_clear" };
	RegisterClassA(&wc);
	HWND wnd = CreateWindowA("d3d11_clear", "d3d11_clear", WS_POPUP | WS_VISIBLE, 0, 0, W, H,
				 NULL, NULL, wc.hInstance, NULL);
	if (!wnd)
		return fail("no window", 0);
	DXGI_SWAP_CHAIN_DESC sd = {
		.BufferDesc = { .Width = W, .Height = H, .Format = DXGI_FORMAT_R8G8B8A8_UNORM },
		.SampleDesc = { .Count = 1 },
		.BufferUsage = DXGI_USAGE_RENDER_TARGET_OUTPUT,
		.BufferCount = 1,
		.OutputWindow = wnd,
		.Windowed = TRUE,
		.SwapEffect = DXGI_SWAP_EFFECT_DISCARD,
	};
	IDXGISwapChain *chain;
	ID3D11Device *dev;
	ID3D11DeviceContext *ctx;
	D3D_FEATURE_LEVEL level;
	HRESULT hr = D3D11CreateDeviceAndSwapChain(NULL, D3D_DRIVER_TYPE_HARDWARE, NULL, 0, NULL, 0,
						   D3D11_SDK_VERSION, &sd, &chain, &dev, &level,
						   &ctx);
	if (FAILED(hr))
		return fail("D3D11CreateDeviceAndSwapChain", hr);
	printf("d3d11_clear: feature level %#x\n", (unsigned)level);

	ID3D11Texture2D *back, *staging;
	ID3D11RenderTargetView *rtv;
	hr = IDXGISwapChain_GetBuffer(chain, 0, &IID_ID3D11Texture2D, (void **)&back);
	if (SUCCEEDED(hr))
		hr = ID3D11Device_CreateRenderTargetView(dev, (ID3D11Resource *)back, NULL, &rtv);
	if (FAILED(hr))
		return fail("the back buffer's render target view", hr);
	static const float blue[4] = { 0, 0, 1, 1 };
	ID3D11DeviceContext_ClearRenderTargetView(ctx, rtv, blue);

	D3D11_TEXTURE2D_DESC td;
	ID3D11Texture2D_GetDesc(back, &td);
	td.Usage = D3D11_USAGE_STAGING;
	td.BindFlags = 0;
	td.CPUAccessFlags = D3D11_CPU_ACCESS_READ;
	hr = ID3D11Device_CreateTexture2D(dev, &td, NULL, &staging);
	if (FAILED(hr))
		return fail("a staging texture", hr);
	ID3D11DeviceContext_CopyResource(ctx, (ID3D11Resource *)staging, (ID3D11Resource *)back);
	D3D11_MAPPED_SUBRESOURCE m;
	hr = ID3D11DeviceContext_Map(ctx, (ID3D11Resource *)staging, 0, D3D11_MAP_READ, 0, &m);
	if (FAILED(hr))
		return fail("Map", hr);
	const BYTE *p = (const BYTE *)m.pData + (H / 2) * m.RowPitch + (W / 2) * 4;
	unsigned rgb = (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
	ID3D11DeviceContext_Unmap(ctx, (ID3D11Resource *)staging, 0);
	hr = IDXGISwapChain_Present(chain, 0, 0);
	if (FAILED(hr))
		return fail("Present", hr);
	printf("d3d11_clear: middle %06x\n", rgb);
	ID3D11Texture2D_Release(staging);
	ID3D11RenderTargetView_Release(rtv);
	ID3D11Texture2D_Release(back);
	ID3D11DeviceContext_Release(ctx);
	IDXGISwapChain_Release(chain);
	ID3D11Device_Release(dev);
	DestroyWindow(wnd);
	if (rgb != 0x0000ff)
		return fail("pixels", 0);
	printf("d3d11_clear: ok %s\n", sizeof(void *) == 8 ? "64-bit" : "32-bit");
	return 0;
}
