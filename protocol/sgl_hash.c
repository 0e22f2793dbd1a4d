/*
 * sgl_hash64 (sgl_hash.h): four independent multiply-rotate lanes over
 * 32-byte stripes (they run side by side in the CPU: several GB/s), the
 * tail zero-padded into one last stripe, then the lanes and the length
 * folded and finished with an avalanche step (the splitmix64 mixer's
 * shifts and multipliers), so that every input bit reaches every output
 * bit.
 */
#include "sgl_hash.h"

#include <string.h>

#define GOLDEN 0x9e3779b97f4a7c15ull
#define MIX1 0xbf58476d1ce4e5b9ull
#define MIX2 0x94d049bb133111ebull

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t word(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t lane(uint64_t acc, uint64_t w, uint64_t k)
{
	return rotl((acc ^ w) * k, 29) + w;
}

static inline uint64_t avalanche(uint64_t x)
{
	x = (x ^ (x >> 30)) * MIX1;
	x = (x ^ (x >> 27)) * MIX2;
	return x ^ (x >> 31);
}

uint64_t sgl_hash64(const void *data, size_t size)
{
	const uint8_t *p = data;
	uint64_t a = GOLDEN, b = MIX1, c = MIX2, d = GOLDEN ^ (uint64_t)size;
	size_t n = size;
	for (; n >= 32; p += 32, n -= 32) {
		a = lane(a, word(p), MIX1 | 1);
		b = lane(b, word(p + 8), MIX2 | 1);
		c = lane(c, word(p + 16), GOLDEN | 1);
		d = lane(d, word(p + 24), MIX1 ^ MIX2 ^ 1);
	}
	if (n) {
		uint8_t last[32] = { 0 };
		memcpy(last, p, n);
		last[31] ^= (uint8_t)(0x80 | n);
		a = lane(a, word(last), MIX1 | 1);
		b = lane(b, word(last + 8), MIX2 | 1);
		c = lane(c, word(last + 16), GOLDEN | 1);
		d = lane(d, word(last + 24), MIX1 ^ MIX2 ^ 1);
	}
	uint64_t h = avalanche(a) ^ rotl(avalanche(b), 17) ^ rotl(avalanche(c), 34) ^
		     rotl(avalanche(d), 51);
	h = avalanche(h ^ (uint64_t)size * GOLDEN);
	return h ? h : 1;
}
