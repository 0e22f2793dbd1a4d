#!/bin/sh
# Real applications through sgl-host next to native, in the same run:
# glxgears (FPS, bench/gears.sh) and glmark2 (score, the 14 scenes of
# bench/glmark_scenes.txt at 800x600, bench/glmark.sh), once on the
# system's Mesa and once through the drop-in libGL and an sgl-host this
# script starts, over shared memory and over TCP. Prints the figures,
# the ratio and the target of the performance issue (glxgears >= 0.8x native,
# glmark2 >= 0.75x), and glmark2's scenes side by side; and SuperTuxKart
# (bench/stk.sh: frames presented per second in a race, after loading, at
# 800x600 with tests/stk/config.xml's lowest settings; target >= 0.9x) where
# it is installed (scripts/deps.sh --apps; a "skipped" line otherwise), and
# OpenArena's timedemo with each of its renderers (tests/openarena.sh: the
# GL 1.x classic and the GLSL 3.2 core one; presents per second once the
# level is loaded; target >= 0.9x).
#
# Usage: bench_apps.sh [SGL_HOST [LIBGL_DIR]]
#   defaults: build/examples/sgl-host and build/guest/glx
# Environment (defaults keep a run near two minutes):
#   SGL_BENCH_GEARS_RUNS (1), SGL_BENCH_GEARS_SECS (11: two FPS reports, the
#   first dropped as warm-up), SGL_BENCH_GLMARK_RUNS (1),
#   SGL_BENCH_GLMARK_SECS (3 per scene), SGL_BENCH_SIZE (800x600),
#   SGL_BENCH_STK_SECS (12: the race, of which the last 8 s are counted),
#   SGL_BENCH_OA_FRAMES (400: OpenArena's engine frames before it quits),
#   SGL_BENCH_KEEP=DIR keeps the logs there.
# Installs what it needs when missing (Debian 12: mesa-utils, glmark2-x11,
# xvfb, python3; as root or through sudo).
# Exit: 0 when every figure was measured (whatever it is), 1 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
host=$(readlink -f "${1:-$root/build/examples/sgl-host}")
libgl_dir=$(readlink -f "${2:-$root/build/guest/glx}")
gears_runs=${SGL_BENCH_GEARS_RUNS:-1}
gears_secs=${SGL_BENCH_GEARS_SECS:-11}
glmark_runs=${SGL_BENCH_GLMARK_RUNS:-1}
glmark_secs=${SGL_BENCH_GLMARK_SECS:-3}
size=${SGL_BENCH_SIZE:-800x600}

for f in "$host" "$libgl_dir/libGL.so.1"; do
	[ -e "$f" ] || { echo "bench_apps: missing $f"; exit 1; }
done

# ---- Packages ----
missing=
need() {   # program package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need glxgears mesa-utils
need glmark2 glmark2-x11   # Debian 12's package of the GLX (X11) glmark2
need Xvfb xvfb
need python3 python3
if [ -n "$missing" ]; then
	echo "bench_apps: installing$missing"
	sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086 # one word per package
	{ $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $missing; } \
		>/dev/null 2>&1 || { echo "bench_apps: could not install$missing"; exit 1; }
fi

# ---- Xvfb and sgl-host, ours to stop ----
dir=$(mktemp -d)
shm=$dir/shm   # on tmpfs, as sgl-host's default /dev/shm/sgl
[ -d /dev/shm ] && shm=/dev/shm/sgl-bench-apps-$$
xvfb_pid=
host_pid=
# start_xvfb, stop_pids: the tests' own Xvfb helpers.
. "$root/tests/xvfb.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	if [ -n "${SGL_BENCH_KEEP:-}" ]; then
		mkdir -p "$SGL_BENCH_KEEP" && cp -r "$dir"/. "$SGL_BENCH_KEEP"/
	fi
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One X server for both pipelines: the same screen, the same costs.
start_xvfb 120 "$dir/xvfb.log" || { echo "bench_apps: Xvfb did not start"; exit 1; }

port=$((22000 + $$ % 20000))
"$host" -l shm -l "tcp:127.0.0.1:$port" --shm-path "$shm" -x -L info >"$dir/host.log" 2>&1 &
host_pid=$!
i=0
until [ "$(grep -c "listening on" "$dir/host.log")" -ge 2 ] || [ $i -ge 200 ]; do
	sleep 0.1; i=$((i + 1))
done
[ "$(grep -c "listening on" "$dir/host.log")" -ge 2 ] ||
	{ echo "bench_apps: sgl-host did not start:"; cat "$dir/host.log"; exit 1; }
echo "bench_apps: DISPLAY $DISPLAY; $(grep "listening on" "$dir/host.log")"

# ---- Runs: native and ours alternate ----
connects() { grep -c "connected" "$dir/host.log"; }
# run LABEL TRANSPORT SCRIPT ARGS...: TRANSPORT "native" is the system's
# libGL, otherwise our drop-in libGL over that SGL_TRANSPORT.
run() {
	label=$1
	transport=$2
	shift 2
	c0=$(connects)
	echo "bench_apps: $label" >&2
	if [ "$transport" = native ]; then
		env -u LD_LIBRARY_PATH -u SGL_TRANSPORT sh "$@"
	else
		env LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$transport" sh "$@"
	fi >"$dir/$label.out" 2>"$dir/$label.err"
	echo "$(($(connects) - c0))" >"$dir/$label.clients"
}
gears() {   # label transport
	run "$1" "$2" "$here/gears.sh" -n "$gears_runs" -t "$gears_secs" -s "$size" "$dir/$1"
}
glmark() {   # label transport
	run "$1" "$2" "$here/glmark.sh" -n "$glmark_runs" -d "$glmark_secs" -s "$size" "$dir/$1"
}
gears gears-native native
gears gears-sgl "shm:$shm"
glmark glmark-native native
glmark glmark-sgl "shm:$shm"
gears gears-tcp "tcp:127.0.0.1:$port"
glmark glmark-tcp "tcp:127.0.0.1:$port"
# frame_probe.so: the build tree's, beside the drop-in libGL's folder.
probe=$(readlink -f "$libgl_dir/../../tests/frame_probe.so")
stk_secs=${SGL_BENCH_STK_SECS:-12}
have_stk= stk_why="supertuxkart is not installed (scripts/deps.sh --apps)"
{ command -v supertuxkart || [ -x /usr/games/supertuxkart ]; } >/dev/null 2>&1 && have_stk=1
# The probe is built with the tests (meson -Dtests: cmocka).
if [ -n "$have_stk" ] && [ ! -f "$probe" ]; then
	have_stk= stk_why="no tests/frame_probe.so in the build (it comes with the tests: scripts/deps.sh --tests)"
fi
stk() {   # label transport
	run "$1" "$2" "$here/stk.sh" -t "$stk_secs" -w $((stk_secs * 2 / 3)) "$probe" "$dir/$1"
}
if [ -n "$have_stk" ]; then
	stk stk-native native
	stk stk-sgl "shm:$shm"
	stk stk-tcp "tcp:127.0.0.1:$port"
fi
# OpenArena's timedemo (tests/openarena.sh), both renderers: presents per
# second once the level is loaded; the demo's clock, not real time, so both
# sides render the same frames.
oa_frames=${SGL_BENCH_OA_FRAMES:-400}
have_oa= oa_why="openarena is not installed (scripts/deps.sh --apps)"
{ command -v openarena || [ -x /usr/games/openarena ]; } >/dev/null 2>&1 && have_oa=1
if [ -n "$have_oa" ] && [ ! -f "$probe" ]; then
	have_oa= oa_why="no tests/frame_probe.so in the build (it comes with the tests: scripts/deps.sh --tests)"
fi
oa() {   # label transport renderer
	run "$1" "$2" "$root/tests/openarena.sh" -r "$3" -n "$oa_frames" -s "$size" "$probe" "$dir/$1"
}
if [ -n "$have_oa" ]; then
	for r in 1 2; do
		oa "oa$r-native" native "opengl$r"
		oa "oa$r-sgl" "shm:$shm" "opengl$r"
		oa "oa$r-tcp" "tcp:127.0.0.1:$port" "opengl$r"
	done
fi

# ---- Figures ----
fps() { sed -n 's/^glxgears median_fps=\([0-9.]*\).*/\1/p' "$dir/$1.out"; }
score() { sed -n 's/^score=\([0-9.]*\) .*/\1/p' "$dir/$1.out"; }
status=0
# line NAME UNIT NATIVE OURS TARGET NATIVE_RUN OUR_RUN TRANSPORT: the runs'
# names.
line() {
	if [ -z "$3" ] || [ -z "$4" ] || [ "$4" = NA ] || [ "$3" = NA ]; then
		printf '%-9s FAILED: no figure (native "%s", sgl-host "%s")\n' "$1" "$3" "$4"
		for l in "$6" "$7"; do
			{ cat "$dir/$l.err" "$dir/$l.out"; grep -h "^Error" "$dir/$l"/*.log; } 2>/dev/null |
				tail -4 | sed "s/^/  $l: /"
		done
		status=1
		return
	fi
	awk -v n="$1" -v u="$2" -v a="$3" -v b="$4" -v t="$5" -v c="$(cat "$dir/$7.clients")" \
		-v tr="$8" \
		'BEGIN { r = b / a;
		printf "%-9s native %7.1f %s   sgl-host (%s) %7.1f %s   ratio %.2fx   " \
		       "target >= %.2fx  %s%s\n", n, a, u, tr, b, u, r, t,
		       (r >= t ? "PASS" : "BELOW TARGET"),
		       (c > 0 ? "" : "  (WARNING: sgl-host saw no client: not our libGL?)") }'
}
scenes() {   # NATIVE_DIR SGL_DIR
	[ -f "$1/summary.tsv" ] && [ -f "$2/summary.tsv" ] || return 0
	echo "glmark2 scenes (FPS): native, sgl-host, ratio"
	awk -F'\t' 'NR == FNR { if (FNR > 1) nat[$1] = $2; next }
		FNR > 1 && $1 != "score" && ($1 in nat) {
		name = $1
		if (length(name) > 44) {   # scene ... last option
			k = split(name, part, ":")
			name = part[1] " .. " part[k]
		}
		printf "  %-44s %6s %6s  %5.2fx\n", name, nat[$1], $2, (nat[$1] > 0 ? $2 / nat[$1] : 0) }' \
		"$1/summary.tsv" "$2/summary.tsv"
}
echo "bench_apps: $size, glxgears $gears_runs x ${gears_secs} s," \
	"glmark2 $glmark_runs x 14 scenes x ${glmark_secs} s (medians)"
line glxgears FPS "$(fps gears-native)" "$(fps gears-sgl)" 0.8 gears-native gears-sgl shm
line glxgears FPS "$(fps gears-native)" "$(fps gears-tcp)" 0.8 gears-native gears-tcp tcp
line glmark2 score "$(score glmark-native)" "$(score glmark-sgl)" 0.75 glmark-native glmark-sgl shm
line glmark2 score "$(score glmark-native)" "$(score glmark-tcp)" 0.75 glmark-native glmark-tcp tcp
stkfps() { sed -n 's/^stk fps=\([0-9.]*\) .*/\1/p' "$dir/$1.out"; }
if [ -n "$have_stk" ]; then
	line stk FPS "$(stkfps stk-native)" "$(stkfps stk-sgl)" 0.9 stk-native stk-sgl shm
	line stk FPS "$(stkfps stk-native)" "$(stkfps stk-tcp)" 0.9 stk-native stk-tcp tcp
else
	echo "stk       skipped: $stk_why"
fi
oafps() { sed -n 's/^openarena fps=\([0-9.]*\) .*/\1/p' "$dir/$1.out"; }
if [ -n "$have_oa" ]; then
	for r in 1 2; do
		line "oa-gl$r" FPS "$(oafps "oa$r-native")" "$(oafps "oa$r-sgl")" 0.9 "oa$r-native" "oa$r-sgl" shm
		line "oa-gl$r" FPS "$(oafps "oa$r-native")" "$(oafps "oa$r-tcp")" 0.9 "oa$r-native" "oa$r-tcp" tcp
	done
else
	echo "openarena skipped: $oa_why"
fi
scenes "$dir/glmark-native" "$dir/glmark-sgl"
if grep -q "context lost\|session ended" "$dir/host.log"; then
	echo "bench_apps: sgl-host reported:"
	grep "context lost\|session ended" "$dir/host.log" | sed 's/^/  /'
fi
exit $status
