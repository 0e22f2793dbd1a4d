#!/usr/bin/env python3
"""`gen.py --explain` tells the truth: for a few commands of every kind,
each place it names (generated file:line in the build, hand-written
file:line in the source) holds that command, and each overrides.txt line it
quotes is the file's line of that number.
Usage: check_explain.py GEN_PY BUILD_PROTOCOL_DIR GL_XML"""
import os
import re
import sys

gen, build = sys.argv[1], sys.argv[2]
src = os.path.dirname(os.path.dirname(os.path.abspath(gen)))
sys.path.insert(0, os.path.dirname(os.path.abspath(gen)))
import gen as generator  # noqa: E402
from explain import explain  # noqa: E402

# One generation for every case (as `gen.py --explain` does once each).
texts, model = generator.generate(sys.argv[3], os.path.join(src, 'protocol'))
with open(os.path.join(src, 'protocol', 'overrides.txt')) as f:
    overrides = f.read().split('\n')
# generated; alias; hooks on both sides; custom; EXT_dsa checks; unsupported.
cases = ['glTexImage2D', 'glBindBufferARB', 'glDrawElements', 'glShaderSource',
         'glCopyTextureSubImage2DEXT', 'glMultiTexEnvfEXT', 'glImportMemoryFdEXT',
         'glGetTextureSubImage', 'glDebugMessageCallback']
bad = 0
for name in cases:
    out = explain(name, model, texts, src, build)
    root = out.split(':', 1)[0]
    places = re.findall(r'(\S+\.[ch]):(\d+)', out)
    for path, line in places:
        full = path if os.path.isabs(path) else os.path.join(src, path)
        with open(full) as f:
            text = f.read().split('\n')[int(line) - 1]
        c = model['cmds'].get(root)
        family = c is not None and c.shared and f'sgl_hand_{c.shared}(' in text
        if root not in text and not family:
            print(f'{name}: {path}:{line} is "{text.strip()}", not {root}')
            bad += 1
    for num, text in re.findall(r'line (\d+) +(.*)', out):
        if ' '.join(overrides[int(num) - 1].split('#')[0].split()) != text.strip():
            print(f'{name}: overrides.txt line {num} is not "{text}"')
            bad += 1
    print(f'{name}: {len(places)} places checked')
# Every hand-written piece of every command is found where --explain looks
# (a definition the search misses reads as "the link fails").
hand = [c.name for c in model['cmds'].values()
        if c.kind == 'custom' or c.pre or c.post or c.track or c.prepare or c.wrap]
for name in hand:
    out = explain(name, model, texts, src, build)
    for line in out.split('\n'):
        if 'not found' in line:
            print(f'{name}: {line.strip()}')
            bad += 1
print(f'{len(hand)} commands with hand-written code: every piece found')
sys.exit(1 if bad else 0)
