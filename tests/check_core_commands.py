#!/usr/bin/env python3
"""Every command of GL 1.0-2.1, GLES 1.1 and GLES 2.0, as gl.xml lists them,
is an entry point of the guest library and none is on the unsupported list:
an application of that era never meets a command we drop.
Usage: check_core_commands.py GL_XML LIBGL GENERATED_UNSUPPORTED_LIST"""
import subprocess
import sys
import xml.etree.ElementTree as ET

# gl.xml's GLES 1 feature is numbered 1.0 and holds 1.1's commands.
FEATURES = {('gl', (2, 1)), ('gles1', (1, 0)), ('gles2', (2, 0))}


def wanted(xml):
    reg = ET.parse(xml).getroot()
    out = {}
    for f in reg.findall('feature'):
        api, num = f.get('api'), tuple(map(int, f.get('number').split('.')))
        if not any(api == a and num <= top for a, top in FEATURES):
            continue
        for r in f.findall('require'):
            for c in r.findall('command'):
                out.setdefault(c.get('name'), f.get('name'))
    return out


def exported(lib):
    nm = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                        capture_output=True, text=True).stdout
    return {ln.split()[-1] for ln in nm.splitlines() if ln.strip()}


def unsupported(path):
    with open(path) as f:
        return {ln.split('\t')[0] for ln in f if ln.strip() and not ln.startswith('#')}


def main():
    want = wanted(sys.argv[1])
    have = exported(sys.argv[2])
    uns = unsupported(sys.argv[3])
    missing = sorted(n for n in want if n not in have)
    dropped = sorted(n for n in want if n in uns)
    print(f'{len(want)} commands of GL 1.0-2.1, GLES 1.1 and GLES 2.0; '
          f'{len(missing)} not exported, {len(dropped)} unsupported')
    for n in missing:
        print(f'not exported: {n} ({want[n]})')
    for n in dropped:
        print(f'unsupported: {n} ({want[n]})')
    sys.exit(1 if missing or dropped else 0)


main()
