#!/bin/sh
# glmark2 (GLX) on the scenes of bench/glmark_scenes.txt in the caller's
# environment (DISPLAY, and for our libGL LD_LIBRARY_PATH and
# SGL_TRANSPORT): RUNS runs, each scene DUR seconds; the median FPS of each
# scene and the median score over the runs.
#
# Usage: glmark.sh [-n RUNS] [-d DUR] [-s WxH] OUTDIR [GLMARK2_ARGS...]
#   defaults: -n 1 -d 3 -s 800x600
# Writes OUTDIR/run<N>.log, OUTDIR/scenes.txt (what glmark2 ran) and
# OUTDIR/summary.tsv (scene, median FPS, the runs' FPS; last row the
# score). Last line printed: score=<median score> runs=<runs with a score>;
# exit 1 when no run gave a score.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/options.sh
. "$here/../tests/options.sh"
runs=1
dur=3
size=800x600
options "usage: glmark.sh [-n RUNS] [-d DUR] [-s WxH] OUTDIR [GLMARK2_ARGS...]" 1 "" \
	"n:runs d:dur s:size" "$@"
shift "$options_used"
out=$1
shift
mkdir -p "$out"

grep -v '^#' "$here/glmark_scenes.txt" | sed "s/\$/:duration=$dur/" >"$out/scenes.txt"
i=1
while [ "$i" -le "$runs" ]; do
	glmark2 -s "$size" -f "$out/scenes.txt" "$@" >"$out/run$i.log" 2>&1
	echo "run $i: exit $?, $(grep -c 'FPS:' "$out/run$i.log") scenes," \
		"$(grep -o 'Score: [0-9]*' "$out/run$i.log")" >&2
	i=$((i + 1))
done

python3 - "$out" "$runs" <<'PY'
import os, re, statistics, sys

out, runs = sys.argv[1], int(sys.argv[2])
fps, scores = {}, []
for i in range(1, runs + 1):
    text = open(os.path.join(out, f'run{i}.log'), errors='replace').read()
    # "[scene] option=value:option=value: FPS: 123 FrameTime: ..."
    for scene, opts, value in re.findall(r'^\[(\w+)\] (.*?): FPS: (\d+)', text, re.M):
        opts = ':'.join(o for o in opts.split(':') if not o.startswith('duration='))
        name = scene if opts in ('', '<default>') else f'{scene}:{opts}'
        fps.setdefault(name, []).append(int(value))
    score = re.search(r'glmark2 Score: (\d+)', text)
    if score:
        scores.append(int(score.group(1)))
with open(os.path.join(out, 'summary.tsv'), 'w') as f:
    f.write('scene\tmedian_fps\truns\n')
    for name, values in fps.items():
        f.write(f'{name}\t{statistics.median(values):g}\t{",".join(map(str, values))}\n')
    score = f'{statistics.median(scores):g}' if scores else 'NA'
    f.write(f'score\t{score}\t{",".join(map(str, scores))}\n')
print(f'score={score} runs={len(scores)}')
sys.exit(0 if scores else 1)
PY
