#!/bin/sh
# glxgears' frame rate in the caller's environment (DISPLAY, and for our
# libGL LD_LIBRARY_PATH and SGL_TRANSPORT): RUNS runs of SECS seconds, the
# median of the FPS reports. glxgears prints one every 5 s; a run's first
# is its warm-up and is dropped when the run has more.
#
# Usage: gears.sh [-n RUNS] [-t SECS] [-s WxH] OUTDIR
#   defaults: -n 1 -t 11 (two reports) -s 800x600
# Writes OUTDIR/gears<N>.log. Last line printed:
#   glxgears median_fps=<F> samples=<N> renderer=<GL_RENDERER>
# or "glxgears: no FPS report" (exit 1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/options.sh
. "$here/../tests/options.sh"
runs=1
secs=11
size=800x600
options "usage: gears.sh [-n RUNS] [-t SECS] [-s WxH] OUTDIR" 1 1 "n:runs t:secs s:size" "$@"
shift "$options_used"
out=$1
mkdir -p "$out"

: >"$out/samples"
i=1
while [ "$i" -le "$runs" ]; do
	# SIGINT: glxgears leaves as on a key press.
	timeout -s INT "$secs" glxgears -info -geometry "$size+0+0" >"$out/gears$i.log" 2>&1
	grep -o '= *[0-9.]* FPS' "$out/gears$i.log" | tr -dc '0-9.\n' >"$out/run$i.fps"
	if [ "$(wc -l <"$out/run$i.fps")" -gt 1 ]; then
		tail -n +2 "$out/run$i.fps" >>"$out/samples"
	else
		cat "$out/run$i.fps" >>"$out/samples"
	fi
	echo "run $i: $(tr '\n' ' ' <"$out/run$i.fps")FPS" >&2
	i=$((i + 1))
done

renderer=$(sed -n 's/^GL_RENDERER *= *//p' "$out/gears1.log" | head -n 1)
sort -n "$out/samples" | awk -v r="$renderer" '
	{ v[NR] = $1 }
	END {
		if (NR == 0) { print "glxgears: no FPS report"; exit 1 }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "glxgears median_fps=%.1f samples=%d renderer=%s\n", m, NR, r
	}'
