#!/bin/sh
# The Windows guest under Wine (docs/windows.md), in one Wine prefix:
#   - wgl_gears (GL 1.1 display lists, 300x300) through our opengl32.dll over
#     TCP (Winsock) and over shm (a file mapping of sgl-host's ivshmem file),
#     next to the same program on Wine's builtin opengl32 (llvmpipe through
#     GLX) in the same run; target >= 0.9x of the builtin;
#   - wgl_roundtrip: glGetError round trips through our DLL over both.
#
#   sh bench/bench_windows.sh SGL_HOST BUILD_WIN64
#
# Each gears configuration runs SGL_BENCH_WIN_ROUNDS times (default 5),
# the configurations interleaved round by round so that load changes hit
# them alike; the median is reported, with the load average. Ours runs with
# each swap waiting for its frame and with SGL_FRAME_LATENCY=1 (the frame
# shown at the next swap, so the host renders frame N+1 while frame N
# travels and is shown; docs/windows.md).
# SGL_BENCH_WIN_FRAMES (default 600): gears frames per run. Exit 0 when
# every program ran (whatever the figures), else 1.
set -u
host=$(realpath "$1")
b64=$(realpath "$2")
here=$(dirname "$0")
. "$here/../tests/windows/tap.sh"
# Every round of every configuration against one sgl-host: on a loaded
# machine 5 rounds outlast the tests' 600 s.
SGL_WIN_HOST_SECONDS=${SGL_WIN_HOST_SECONDS:-3600}
. "$here/../tests/windows/wine_env.sh"
frames=${SGL_BENCH_WIN_FRAMES:-600}
out="$dir/x86_64"
mkdir -p "$out"
for f in opengl32.dll; do cp "$b64/guest/windows/$f" "$out/"; done
for p in wgl_gears wgl_roundtrip; do cp "$b64/tests/windows/$p.exe" "$out/"; done

rounds=${SGL_BENCH_WIN_ROUNDS:-5}

# run LOG OVERRIDES TRANSPORT PROGRAM ARG [LATENCY]: the program's output in
# $out/LOG.log; fails unless the program said ok.
run() {
	run_log=$out/$1.log run_dlls=$2 run_transport=$3
	SGL_FRAME_LATENCY=${6:-0} SGL_TRANSPORT=$run_transport \
		WINEDLLOVERRIDES="$run_dlls$overrides" \
		timeout 300 "$wine64" "$out/$4.exe" "$5" 2>&1 | tr -d '\r' >"$run_log"
	grep -q "^$4: ok 64-bit" "$run_log"
}

gears_fps() {
	sed -n 's/.* = \([0-9.]*\) FPS$/\1/p' "$out/$1.log"
}

median() {
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

configs="builtin tcp tcp-latency shm shm-latency"
echo "wgl_gears, $frames frames, 300x300, $rounds rounds interleaved, medians" \
	"(target: >= 0.9x Wine's builtin opengl32); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ran_ok=0
for k in $(seq "$rounds"); do
	for c in $configs; do
		case $c in
		builtin) run "$c-$k" "" "" wgl_gears "$frames" ;;
		tcp*) run "$c-$k" "opengl32=n,b;" "tcp:127.0.0.1:$port" wgl_gears "$frames" \
			"$([ "$c" = tcp-latency ] && echo 1)" ;;
		shm*) run "$c-$k" "opengl32=n,b;" "shm:Z:\\dev\\shm\\$shm_name" wgl_gears \
			"$frames" "$([ "$c" = shm-latency ] && echo 1)" ;;
		esac || { ran_ok=1; echo "# $c round $k failed: $(tail -1 "$out/$c-$k.log")"; }
		eval "fps_$(echo "$c" | tr - _)=\"\${fps_$(echo "$c" | tr - _):-} $(gears_fps "$c-$k")\""
	done
done
base=$(echo "$fps_builtin" | median)
result $ran_ok "builtin opengl32: median $base FPS (runs:$fps_builtin)"
for c in tcp tcp-latency shm shm-latency; do
	runs=$(eval echo "\$fps_$(echo "$c" | tr - _)")
	fps=$(echo "$runs" | median)
	ratio=$(awk -v a="${fps:-0}" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
	verdict=$(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 0.9) ? "PASS" : "BELOW TARGET" }')
	result $ran_ok "ours over $c: median $fps FPS, ${ratio}x the builtin ($verdict) (runs: $runs)"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "wgl_roundtrip: glGetError round trips through our opengl32.dll"
for t in "tcp:127.0.0.1:$port" "shm:Z:\\dev\\shm\\$shm_name"; do
	name=${t%%:*}
	run "rt-$name" "opengl32=n,b;" "$t" wgl_roundtrip 2000
	result $? "over $name: $(sed -n 's/^wgl_roundtrip: \(.*round trips.*\)$/\1/p' "$out/rt-$name.log")" \
		"$out/rt-$name.log"
done
echo "$passed ran, $failed failed"
[ "$failed" -eq 0 ]
