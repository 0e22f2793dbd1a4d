#!/bin/sh
# Real applications through sgl-host, under their own Xvfb (-noreset):
#   - glxgears, and the 14 glmark2 scenes of bench/glmark_scenes.txt, run to
#     the end through our libGL.so.1 over shared memory and over TCP;
#   - a glmark2 trace recorded natively (apitrace) is replayed natively and
#     through sgl-host over each transport; the frames glretrace captures
#     must match native llvmpipe's within a small tolerance
#     (tests/frame_compare.py);
#   - EGL and GLES 2 through the drop-in folder alone (its libEGL.so.1 and
#     libGLESv2.so.2): es2gears_x11 must report its FPS and leave a frame
#     with a picture (SGL_DUMP_FRAME, tests/png_check.py); a trace of it
#     recorded natively is replayed by eglretrace natively and through
#     sgl-host, frames compared as above.
# Usage: apps.sh SGL_HOST LIBGL_DIR   (LIBGL_DIR holds our libGL.so.1)
# Needs glxgears and es2gears_x11 (mesa-utils), glmark2 (glmark2-x11),
# apitrace, Xvfb:
# scripts/deps.sh --apps. Prints "N passed, N failed"; exits 77 when a
# program is missing.
set -u
host=$(readlink -f "$1")
libgl_dir=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
secs=${APPS_SCENE_SECONDS:-1}
for p in Xvfb glxgears es2gears_x11 glmark2 apitrace glretrace eglretrace python3; do
	command -v "$p" >/dev/null || { echo "apps: $p is missing (scripts/deps.sh --apps)"; exit 77; }
done

dir=$(mktemp -d)
shm=/dev/shm/sgl-apps-$$
passed=0
failed=0
xvfb_pid=
host_pid=
. "$here/xvfb.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

result() {   # status name log
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2"
		[ -f "$3" ] && tail -15 "$3" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

start_xvfb 300 "$dir/xvfb.log"

port=$((21000 + $$ % 20000))
"$host" --listen shm --listen "tcp:127.0.0.1:$port" --shm-path "$shm" -x -L info \
	--exit-after 900 >"$dir/host.log" 2>&1 &
host_pid=$!
i=0
until [ "$(grep -c "listening on" "$dir/host.log" 2>/dev/null)" -ge 2 ] || [ $i -ge 200 ]; do
	sleep 0.1; i=$((i + 1))
done

# The application benchmark's scenes (bench/glmark_scenes.txt).
grep -v '^#' "$here/../bench/glmark_scenes.txt" | sed "s/\$/:duration=$secs/" >"$dir/scenes.txt"

# Whether the host logged a lost context or a broken session since line $1.
host_clean() {
	! tail -n +"$1" "$dir/host.log" | grep -q "context lost\|session ended"
}

ours() {   # transport command...
	transport=$1
	shift
	LD_LIBRARY_PATH=$libgl_dir SGL_TRANSPORT=$transport "$@"
}

for t in shm tcp; do
	case $t in
	shm) spec=shm:$shm ;;
	tcp) spec=tcp:127.0.0.1:$port ;;
	esac
	from=$(($(wc -l <"$dir/host.log") + 1))
	log=$dir/gears-$t.log
	ours "$spec" timeout 7 glxgears -geometry 400x300 >"$log" 2>&1
	grep -q "frames in" "$log" && host_clean "$from"
	result $? "$t: glxgears ($(grep -o '[0-9.]* FPS' "$log" | tail -1))" "$log"

	from=$(($(wc -l <"$dir/host.log") + 1))
	log=$dir/glmark-$t.log
	ours "$spec" timeout 120 glmark2 -s 400x300 -f "$dir/scenes.txt" >"$log" 2>&1
	scenes=$(grep -c "FPS:" "$log")
	[ "$scenes" -eq 14 ] && grep -q "glmark2 Score" "$log" && host_clean "$from"
	result $? "$t: glmark2, $scenes of 14 scenes ($(grep -o 'Score: [0-9]*' "$log"))" "$log"
done

# Frames: a short trace of the scenes, recorded on native llvmpipe.
sed "s/duration=$secs/duration=0.3/" "$dir/scenes.txt" >"$dir/short.txt"
timeout 120 apitrace trace -o "$dir/scenes.trace" glmark2 -s 320x240 -f "$dir/short.txt" \
	>"$dir/trace.log" 2>&1
if [ ! -s "$dir/scenes.trace" ]; then
	result 1 "apitrace recorded the glmark2 scenes natively" "$dir/trace.log"
else
	snap="--snapshot-interval=${APPS_SNAPSHOT_INTERVAL:-20}"
	timeout 120 glretrace -s - $snap "$dir/scenes.trace" >"$dir/native.pnm" 2>"$dir/native.log"
	for t in shm tcp; do
		case $t in
		shm) spec=shm:$shm ;;
		tcp) spec=tcp:127.0.0.1:$port ;;
		esac
		from=$(($(wc -l <"$dir/host.log") + 1))
		ours "$spec" timeout 120 glretrace -s - $snap "$dir/scenes.trace" \
			>"$dir/sgl-$t.pnm" 2>"$dir/sgl-$t.log"
		python3 "$here/frame_compare.py" "$dir/native.pnm" "$dir/sgl-$t.pnm" \
			>"$dir/cmp-$t.log" 2>&1 && host_clean "$from"
		result $? "$t: glretrace frames vs native: $(tail -1 "$dir/cmp-$t.log")" \
			"$dir/cmp-$t.log"
	done
fi

# es2gears_x11 (EGL on X11, GLES 2) reports every 5 s.
from=$(($(wc -l <"$dir/host.log") + 1))
log=$dir/es2gears.log
rm -f "$dir/es2gears.png"
ours "shm:$shm" env SGL_DUMP_FRAME="$dir/es2gears.png" timeout -s INT 8 stdbuf -oL \
	es2gears_x11 -info >"$log" 2>&1
grep -q "EGL_VENDOR = libsglhost" "$log" && grep -q "frames in" "$log" &&
	python3 "$here/png_check.py" "$dir/es2gears.png" 300 300 >>"$log" 2>&1 && host_clean "$from"
result $? "shm: es2gears_x11 through the drop-in libEGL ($(grep -o '[0-9.]* FPS' "$log" | tail -1))" \
	"$log"

timeout -s INT 4 apitrace trace --api egl -o "$dir/es2.trace" es2gears_x11 >"$dir/es2trace.log" 2>&1
if [ ! -s "$dir/es2.trace" ]; then
	result 1 "apitrace recorded es2gears_x11 natively" "$dir/es2trace.log"
else
	timeout 120 eglretrace -s - --snapshot-interval=50 "$dir/es2.trace" >"$dir/es2-native.pnm" \
		2>"$dir/es2-native.log"
	from=$(($(wc -l <"$dir/host.log") + 1))
	ours "shm:$shm" timeout 120 eglretrace -s - --snapshot-interval=50 "$dir/es2.trace" \
		>"$dir/es2-sgl.pnm" 2>"$dir/es2-sgl.log"
	python3 "$here/frame_compare.py" "$dir/es2-native.pnm" "$dir/es2-sgl.pnm" \
		>"$dir/es2-cmp.log" 2>&1 && host_clean "$from"
	result $? "shm: eglretrace of es2gears_x11 vs native: $(tail -1 "$dir/es2-cmp.log")" \
		"$dir/es2-cmp.log"
fi

if ! kill -0 "$host_pid" 2>/dev/null; then
	result 1 "sgl-host still running at the end" "$dir/host.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
