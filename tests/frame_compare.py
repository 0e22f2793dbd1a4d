#!/usr/bin/env python3
"""Compares two streams of PNM frames (glretrace -s -) frame by frame.

Usage: frame_compare.py REFERENCE.pnm CANDIDATE.pnm [--max-bad FRACTION] [--max-mean M]

A channel value counts as bad when it differs by more than 8 (of 255) from
the reference. A frame passes when at most FRACTION (default 0.002) of its
values are bad and the mean absolute difference is under M (default 1.0). Exits 0 when
both streams have the same number of frames, of the same sizes, and every
frame passes; the last line is a summary.
"""
import sys


def frames(path):
    data = open(path, 'rb').read()
    i, out = 0, []
    while i < len(data):
        fields = []
        while len(fields) < 4:
            while i < len(data) and data[i:i + 1].isspace():
                i += 1
            if data[i:i + 1] == b'#':
                while i < len(data) and data[i:i + 1] != b'\n':
                    i += 1
                continue
            j = i
            while j < len(data) and not data[j:j + 1].isspace():
                j += 1
            if j == i:
                raise ValueError(f'{path}: truncated header at byte {i}')
            fields.append(data[i:j])
            i = j
        i += 1
        if fields[0] not in (b'P6', b'P7') or fields[3] != b'255':
            raise ValueError(f'{path}: not an 8-bit PNM frame: {fields!r}')
        w, h = int(fields[1]), int(fields[2])
        n = w * h * (3 if fields[0] == b'P6' else 4)
        if i + n > len(data):
            raise ValueError(f'{path}: frame {len(out)} is truncated')
        out.append((w, h, data[i:i + n]))
        i += n
    return out


def main():
    args = sys.argv[1:]
    max_bad, max_mean = 0.002, 1.0
    if '--max-bad' in args:
        k = args.index('--max-bad')
        max_bad = float(args[k + 1])
        del args[k:k + 2]
    if '--max-mean' in args:
        k = args.index('--max-mean')
        max_mean = float(args[k + 1])
        del args[k:k + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ref, cand = frames(args[0]), frames(args[1])
    ok = len(ref) == len(cand) and len(ref) > 0
    worst_bad, worst_mean = 0.0, 0.0
    for k, (a, b) in enumerate(zip(ref, cand)):
        if a[:2] != b[:2]:
            print(f'frame {k}: size {b[0]}x{b[1]}, reference {a[0]}x{a[1]}')
            ok = False
            continue
        if a[2] == b[2]:
            continue
        diffs = [abs(x - y) for x, y in zip(a[2], b[2])]
        bad = sum(1 for d in diffs if d > 8) / len(diffs)
        mean = sum(diffs) / len(diffs)
        worst_bad, worst_mean = max(worst_bad, bad), max(worst_mean, mean)
        if bad > max_bad or mean >= max_mean:
            print(f'frame {k}: {bad:.4%} of values off by more than 8, mean difference {mean:.3f}')
            ok = False
    print(f'{len(cand)} of {len(ref)} frames, worst: {worst_bad:.4%} of values off by more '
          f'than 8, mean difference {worst_mean:.3f}: {"ok" if ok else "DIFFERENT"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
