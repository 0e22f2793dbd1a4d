#!/usr/bin/env python3
"""Draw the conformance gate's test list (gate.list) from piglit's quick profile.

Usage: draw_list.py [--piglit-dir DIR] [--seed N] [--print-counts] > gate.list

The rule, so that anyone can redraw the same list from the same piglit:
  1. Every test of the `quick` profile, read from piglit's own generated
     profile files (tests/quick.meta.xml and the .xml.gz files it names;
     `piglit print-cmd quick` prints the same tests).
  2. Each test goes to one category, decided by the program piglit runs and
     the `api` piglit's own parsers gave it:
       glx        tests piglit runs only on the glx platforms
                  (require_platforms glx / mixed_glx_egl: the glx@ group)
       egl        tests piglit never runs on glx (exclude_platforms glx: the
                  spec@egl* groups); the gate runs them on x11_egl
       gles2      a *_gles2 program (shader_runner_gles2, glslparsertest_gles2,
                  a C test built for GLES 2), or api 'gles2' otherwise
       gles3      a *_gles3 program, or api 'gles3'
       gl-core    shader_runner / glslparsertest tests piglit marks api 'core'
                  (desktop GL 3.1+ / GLSL 1.40+)
       gl-compat  the rest of desktop GL: C tests, api 'compat' shader and
                  parser tests, ARB assembly parser tests
     GLES 1 tests (2 in quick) are left out, as are the WGL ones (Windows).
  3. Tests whose names match SLOW (below) are left out: families measured to
     take 5 s or more each on llvmpipe here (the gate must run in minutes on
     2 cores), and families that need hardware no CI machine has.
  4. Per category, tests are grouped by area (an extension or spec section:
     the name less its last part, at most two parts), each group shuffled with random.Random(SEED), the
     group order shuffled too, and tests taken round robin across groups until
     the category's quota is met: every area is sampled before any area gives
     a second test, so a family of thousands of generated tests (texture
     gather, built-in functions) cannot fill the list.
The list has a section per category (a `# category: NAME` line, which the
gate reads; piglit ignores comments), sorted by name within it. It is drawn
without looking at any result:
tests that fail through sgl-host or natively stay in it and are handled by
expected-failures.txt and native.txt.
"""
import argparse
import ast
import collections
import glob
import gzip
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

SEED = 20261207
QUOTAS = collections.OrderedDict([
    ("gl-compat", 200),
    ("gl-core", 170),
    ("gles2", 130),
    ("gles3", 110),
    ("glx", 75),
    ("egl", 45),
])
# Families measured natively to take 5 s or more per test (llvmpipe, 2 cores
# shared with other work), or that need hardware no CI machine has.
SLOW = [
    r"@execution@built-in-functions@",  # thousands of generated, heavy shaders
    r"^spec@ext_framebuffer_multisample@.*(accuracy|turn-on-off|sample-coverage)",
    r"^spec@arb_texture_multisample@texelfetch",
    r"@max-size|-max-size|@maxsize|max-texture-size|largest possible",
    r"texwrap formats",                 # every format, every wrap mode
    r"^spec@oes_texture_view@rendering-formats",
    r"glsl-max-varyings",
    r"^spec@arb_shader_image_size@builtin",
    r"fbo-extended-blend",
    r"^spec@ext_texture_lod_bias@lodbias",
    r"^fast_color_clear@all-colors",
    r"^spec@ext_texture_env_combine@texture-env-combine",  # over 60 s
    r"tex-miplevel-selection",
    r"blending-in-shader",
    r"texsubimage cube_map_array",
    r"glsl-predication-on-large-array",
    r"^spec@ext_image_dma_buf_import",  # DRM buffers: no CI machine has them
    r"^spec@ext_external_objects",      # Vulkan interop
]
PIGLIT_DIRS = ["/usr/lib/*/piglit", "/usr/lib/piglit", "/usr/local/lib/*/piglit",
               "/usr/local/lib/piglit"]


def piglit_dir(given):
    cands = [given] if given else [d for p in PIGLIT_DIRS for d in sorted(glob.glob(p))]
    for d in cands:
        if d and os.path.exists(os.path.join(d, "tests", "quick.meta.xml")):
            return d
    sys.exit("draw_list: piglit's tests/quick.meta.xml not found "
             "(apt-get install piglit, or --piglit-dir)")


def quick_tests(pdir):
    """(name, program, api, platforms) of every test in the quick profile;
    platforms: 'glx' for glx-only tests, 'egl' for tests never run on glx."""
    meta = ET.parse(os.path.join(pdir, "tests", "quick.meta.xml")).getroot()
    for prof in meta.iter("Profile"):
        path = os.path.join(pdir, "tests", prof.text + ".xml.gz")
        for t in ET.parse(gzip.open(path)).getroot().iter("Test"):
            opts = {o.get("name"): o.get("value") for o in t.iter("option")}
            cmd = ast.literal_eval(opts["command"]) if "command" in opts else ["asmparsertest"]
            api = ast.literal_eval(opts["api"]) if "api" in opts else None
            plat = None
            req = ast.literal_eval(opts.get("require_platforms", "[]"))
            if req:
                plat = "glx" if "glx" in req else "other"
            if "glx" in ast.literal_eval(opts.get("exclude_platforms", "[]")):
                plat = "egl"
            yield t.get("name"), os.path.basename(cmd[0]), api, plat


def category(prog, api, plat):
    if plat in ("glx", "egl"):
        return plat
    if plat or prog.endswith("_gles1"):
        return None
    if prog.endswith("_gles2"):
        return "gles2"
    if prog.endswith("_gles3"):
        return "gles3"
    if api in ("gles2", "gles3"):
        return api
    if api == "core":
        return "gl-core"
    return "gl-compat"


def group(name):
    """The area: the name less its last part, at most two parts
    (spec@arb_sync, glslparsertest@glsl2, shaders, glx)."""
    parts = name.split("@")
    return "@".join(parts[:min(2, len(parts) - 1)])


def draw(tests, seed):
    slow = re.compile("|".join(SLOW))
    rng = random.Random(seed)
    bycat = collections.defaultdict(lambda: collections.defaultdict(list))
    for name, prog, api, plat in tests:
        cat = category(prog, api, plat)
        if cat and not slow.search(name):
            bycat[cat][group(name)].append(name)
    chosen = {}
    for cat, quota in QUOTAS.items():
        groups = []
        for g in sorted(bycat[cat]):
            names = sorted(bycat[cat][g])
            rng.shuffle(names)
            groups.append(names)
        rng.shuffle(groups)
        picked = []
        while len(picked) < quota and any(groups):
            for names in groups:
                if names and len(picked) < quota:
                    picked.append(names.pop())
        chosen[cat] = picked
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--piglit-dir")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--print-counts", action="store_true",
                    help="print per-category counts to stderr")
    args = ap.parse_args()
    chosen = draw(quick_tests(piglit_dir(args.piglit_dir)), args.seed)
    print("# The conformance gate's piglit tests (docs/conformance.md), drawn from piglit's")
    print(f"# quick profile by tests/piglit/draw_list.py --seed {args.seed}; do not edit by hand:")
    print("#   python3 tests/piglit/draw_list.py > tests/piglit/gate.list")
    for c, names in chosen.items():
        print(f"# category: {c} ({len(names)} tests)")
        for n in sorted(names):
            print(n)
        if args.print_counts:
            print(f"{c}: {len(names)}", file=sys.stderr)
    if args.print_counts:
        print(f"total: {sum(map(len, chosen.values()))}", file=sys.stderr)


if __name__ == "__main__":
    main()
