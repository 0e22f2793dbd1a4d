/*
 * PNG (RFC 2083) with a zlib stream (RFC 1950) of stored deflate blocks
 * (RFC 1951 section 3.2.4): no compression, no dependency.
 */
#include "png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc(uint32_t c, const uint8_t *p, size_t n)
{
	c = ~c;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
	uint8_t hdr[8], tail[4];
	be32(hdr, (uint32_t)n);
	memcpy(hdr + 4, type, 4);
	uint32_t c = crc(crc(0, hdr + 4, 4), data, n);
	be32(tail, c);
	return fwrite(hdr, 1, 8, f) == 8 && fwrite(data, 1, n, f) == n &&
	       fwrite(tail, 1, 4, f) == 4 ? 0 : -EIO;
}

int png_write_rgba(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height,
		   size_t stride)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t row = (size_t)width * 4 + 1;   /* filter byte + pixels */
	size_t raw = row * height;
	size_t blocks = (raw + 65534) / 65535;
	size_t zsize = 2 + raw + 5 * blocks + 4;
	uint8_t *z = malloc(zsize), *rawbuf = malloc(raw);
	int r = -ENOMEM;

	if (!z || !rawbuf)
		goto out;
	crc_init();
	for (uint32_t y = 0; y < height; y++) {
		rawbuf[y * row] = 0;
		memcpy(rawbuf + y * row + 1, rgba + y * stride, (size_t)width * 4);
	}
	uint8_t *p = z;
	*p++ = 0x78;   /* deflate, 32K window */
	*p++ = 0x01;   /* no preset dictionary, check bits */
	uint32_t a = 1, b = 0;
	for (size_t off = 0; off < raw; off += 65535) {
		size_t n = raw - off < 65535 ? raw - off : 65535;
		*p++ = off + n == raw;   /* BFINAL, BTYPE=00 */
		*p++ = (uint8_t)n;
		*p++ = (uint8_t)(n >> 8);
		*p++ = (uint8_t)~n;
		*p++ = (uint8_t)(~n >> 8);
		memcpy(p, rawbuf + off, n);
		for (size_t i = 0; i < n; i++) {
			a = (a + rawbuf[off + i]) % 65521;
			b = (b + a) % 65521;
		}
		p += n;
	}
	be32(p, b << 16 | a);

	uint8_t ihdr[13];
	be32(ihdr, width);
	be32(ihdr + 4, height);
	ihdr[8] = 8;    /* bit depth */
	ihdr[9] = 6;    /* RGBA */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	FILE *f = fopen(path, "wb");
	if (!f) {
		r = -errno;
		goto out;
	}
	r = fwrite(sig, 1, 8, f) == 8 ? 0 : -EIO;
	if (!r)
		r = chunk(f, "IHDR", ihdr, sizeof(ihdr));
	if (!r)
		r = chunk(f, "IDAT", z, zsize);
	if (!r)
		r = chunk(f, "IEND", NULL, 0);
	if (fclose(f) && !r)
		r = -EIO;
out:
	free(z);
	free(rawbuf);
	return r;
}
