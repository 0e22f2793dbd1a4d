#!/bin/sh
# Everything `ninja -C build bench` runs, in order (bench/README.md):
#   1. bench_codec: encode and decode cost per command;
#   2. bench_transport in-process (SGL_TRANSPORT=local), then against an
#      sgl-host this script starts on each local transport in turn (shm,
#      unix, tcp): round trip, uploads, present;
#   3. bench_apps.sh: glxgears and glmark2 through sgl-host next to native
#      (SGL_BENCH_APPS=0 skips it).
#   4. bench_persistent.sh: the engines' persistent-map pattern natively and
#      through sgl-host (with the drop-in libGL), and bench_watch: the ways
#      of finding what the application wrote, side by side.
#   5. bench_windows.sh: the Windows guest under Wine (gears against Wine's
#      builtin opengl32, Winsock and shm round trips), when the 64-bit cross
#      build is there ($SGL_BENCH_WIN64, default build-win-x86_64 beside
#      bench/; SGL_BENCH_WINDOWS=0 skips it).
# Usage: bench.sh BENCH_CODEC SGL_HOST BENCH_TRANSPORT BENCH_APPS [LIBGL_DIR
#        [PERSISTENT_MAPS BENCH_PERSISTENT]]
# Environment:
#   SGL_BENCH_TRANSPORTS  transports for step 2 (default "local shm unix tcp")
#   SGL_BENCH_TRANSPORT_ARGS  extra bench_transport options (e.g. "-n 50000")
#   SGL_BENCH_CODEC=0     skip step 1;  SGL_BENCH_APPS=0: skip step 3
# Exit: 0 when every benchmark ran (whatever the figures), else 1.
set -u
codec=$1
host=$2
transport=$3
apps=$4
libgl_dir=${5:-}
pmaps=${6:-}
bench_pmaps=${7:-}
status=0
dir=$(mktemp -d)
# The shared-memory file on tmpfs, as sgl-host's default /dev/shm/sgl.
shm=$dir/shm
[ -d /dev/shm ] && shm=/dev/shm/sgl-bench-$$
host_pid=
cleanup() {
	if [ -n "$host_pid" ]; then
		kill "$host_pid" 2>/dev/null
		wait "$host_pid" 2>/dev/null
	fi
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n== %s\n' "$*"; }

if [ "${SGL_BENCH_CODEC:-1}" != 0 ]; then
	section "codec: bench_codec"
	"$codec" || status=1
fi

# start_host NAME LISTEN: sgl-host in the background, until it listens.
start_host() {
	log="$dir/host-$1.log"
	"$host" --listen "$2" --shm-path "$shm" -x --exit-after 900 >"$log" 2>&1 &
	host_pid=$!
	i=0
	until grep -q "listening on" "$log" 2>/dev/null || [ $i -ge 200 ]; do
		kill -0 "$host_pid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	grep -q "listening on" "$log" 2>/dev/null && return 0
	echo "$1: sgl-host did not start:"; sed 's/^/  host: /' "$log"
	return 1
}

stop_host() {
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null
	host_pid=
	# Warnings and errors only: its log level is the default.
	grep -v "listening on\|served [0-9]* client" "$log" | sed 's/^/  host: /'
}

section "transports: bench_transport (targets: shm round trip p50 <= 10 us," \
	"tcp <= 40 us, upload >= 2 GB/s over shm)"
port=$((20000 + $$ % 20000))
for t in ${SGL_BENCH_TRANSPORTS:-local shm unix tcp}; do
	case $t in
	local) listen=; client=local ;;
	shm) listen=shm; client=shm:$shm ;;
	unix) listen=unix:$dir/sock; client=$listen ;;
	tcp) listen=tcp:127.0.0.1:$port; client=$listen ;;
	*) echo "unknown transport $t"; status=1; continue ;;
	esac
	if [ -n "$listen" ]; then
		start_host "$t" "$listen" || { status=1; continue; }
	fi
	# shellcheck disable=SC2086
	SGL_TRANSPORT=$client "$transport" ${SGL_BENCH_TRANSPORT_ARGS:-} || status=1
	# Presenting in a stream of frames: beyond the host's rendering (issue
	# 14: <= 0.5 ms at 1920x1080 with frame N read back while N+1 renders).
	# shellcheck disable=SC2086
	[ -n "$listen" ] && { SGL_TRANSPORT=$client "$(dirname "$transport")/bench_present" \
		${SGL_BENCH_PRESENT_ARGS:-} || status=1; }
	[ -n "$listen" ] && stop_host
done

if [ "${SGL_BENCH_APPS:-1}" != 0 ]; then
	section "applications: bench_apps.sh (targets: glxgears >= 0.8x native," \
		"glmark2 >= 0.75x native, SuperTuxKart >= 0.9x native)"
	if [ -z "$libgl_dir" ]; then
		echo "skipped: the drop-in libGL was not built (needs libx11-dev, libxext-dev)"
	else
		sh "$apps" "$host" "$libgl_dir" || status=1
	fi
fi
if [ -n "$pmaps" ]; then
	section "persistent maps: bench_persistent.sh (300 coherent maps written and drawn per frame)"
	sh "$bench_pmaps" "$pmaps" "$host" "$libgl_dir" || status=1
	section "persistent maps: bench_watch (finding what was written: ms per frame)"
	"$(dirname "$pmaps")/bench_watch" 300 16384 192 10 || status=1
fi
if [ "${SGL_BENCH_WINDOWS:-1}" != 0 ]; then
	section "Windows guest under Wine: bench_windows.sh (target: gears >= 0.9x Wine's builtin)"
	win64=${SGL_BENCH_WIN64:-$(dirname "$0")/../build-win-x86_64}
	if [ ! -f "$win64/tests/windows/wgl_gears.exe" ]; then
		echo "skipped: no 64-bit Windows cross build in $win64 (docs/windows.md)"
	else
		sh "$(dirname "$0")/bench_windows.sh" "$host" "$win64" || status=1
	fi
fi
exit $status
