#!/usr/bin/env python3
"""Checks that a file is a whole, valid PNG of a given size with a picture in it.

Usage: png_check.py FILE WIDTH HEIGHT

Reads every chunk (CRCs checked), inflates the image data and undoes the
row filters, then requires 8-bit RGB or RGBA, the given size, and at
least two different colors (a frame of one flat color is no picture of an
application). Exits 0 when all holds, 1 otherwise; prints one line.
"""
import struct
import sys
import zlib


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
            elif ftype != 0:
                raise ValueError(f'unknown row filter {ftype}')
        rows.append(bytes(line))
        prev = line
    return rows


def check(path, width, height):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('no PNG signature')
    i, ihdr, idat = 8, None, b''
    while True:
        if i + 12 > len(data):
            raise ValueError('truncated (no IEND)')
        length, ctype = struct.unpack('>I4s', data[i:i + 8])
        if i + 12 + length > len(data):
            raise ValueError(f'chunk {ctype!r} is truncated')
        body = data[i + 8:i + 8 + length]
        crc, = struct.unpack('>I', data[i + 8 + length:i + 12 + length])
        if zlib.crc32(ctype + body) != crc:
            raise ValueError(f'chunk {ctype!r} fails its CRC')
        i += 12 + length
        if ctype == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif ctype == b'IDAT':
            idat += body
        elif ctype == b'IEND':
            break
    if ihdr is None:
        raise ValueError('no IHDR')
    w, h, depth, color, _, _, interlace = ihdr
    if (w, h) != (width, height):
        raise ValueError(f'{w}x{h}, expected {width}x{height}')
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f'depth {depth} color type {color} interlace {interlace}: '
                         'not plain 8-bit RGB/RGBA')
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    if len(raw) != h * (1 + w * bpp):
        raise ValueError(f'image data is {len(raw)} bytes, expected {h * (1 + w * bpp)}')
    colors = set()
    for row in unfilter(raw, w, h, bpp):
        colors.update(row[x:x + 3] for x in range(0, len(row), bpp * 16))
        if len(colors) > 1:
            return f'{w}x{h}, {len(data)} bytes'
    raise ValueError('every pixel has one color')


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = sys.argv[1]
    try:
        what = check(path, int(sys.argv[2]), int(sys.argv[3]))
    except (OSError, ValueError, zlib.error) as e:
        print(f'png_check: {path}: {e}')
        return 1
    print(f'png_check: {path}: valid PNG, {what}, not one flat color')
    return 0


if __name__ == '__main__':
    sys.exit(main())
