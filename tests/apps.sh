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
#     sgl-host, frames compared as above;
#   - SuperTuxKart (a modern GL 4.5 core engine: persistent coherent maps,
#     instancing, render targets), a one-second profile race at 800x600 with
#     the settings of tests/stk/config.xml, natively and through the drop-in
#     libGL over shm and TCP and through the glvnd vendor: each must finish
#     the race ("Number of frames" from the game) and present frames; the
#     game's clock follows real time, so the frame probe makes it virtual
#     (SGL_PROBE_CLOCK=30: the game's own clock moves 1/30 s per frame
#     presented, tests/probe_clock.c) and the last frame shows the same
#     moment on every run: it must match native's (two native runs: 0.0074%
#     of values off; without the virtual clock 12%, mean 5.6).
#     Skipped, with a "skip" line and no pass, without supertuxkart.
#   - OpenArena (ioquake3: a GL 1.x compatibility classic and a GLSL 3.2
#     core renderer) playing its demo as a timedemo (tests/openarena.sh),
#     natively and through sgl-host, each renderer over two ways: the last
#     frame must match native's (a timedemo follows the demo's clock, so it
#     is the same frame). Skipped, with a "skip" line, without openarena.
#   - Warzone 2100 (GL 3.3 core and GLES 3), its title screen natively and
#     through sgl-host, frame 90 compared. Skipped, with a "skip" line,
#     without warzone2100 (not in scripts/deps.sh: a 150 MB download).
# Usage: apps.sh SGL_HOST LIBGL_DIR [PROBE]   (LIBGL_DIR holds our libGL.so.1;
#   PROBE: frame_probe.so, default the build tree's tests/frame_probe.so)
# Needs glxgears and es2gears_x11 (mesa-utils), glmark2 (glmark2-x11),
# apitrace, Xvfb:
# scripts/deps.sh --apps. Prints "N passed, N failed"; exits 77 when a
# program is missing.
set -u
host=$(readlink -f "$1")
libgl_dir=$(readlink -f "$2")
probe=$(readlink -f "${3:-$(dirname "$host")/../tests/frame_probe.so}")
here=$(cd "$(dirname "$0")" && pwd)
secs=${APPS_SCENE_SECONDS:-1}
for p in Xvfb glxgears es2gears_x11 glmark2 apitrace glretrace eglretrace python3; do
	command -v "$p" >/dev/null || { echo "apps: $p is missing (scripts/deps.sh --apps)"; exit 77; }
done

dir=$(mktemp -d)
shm=/dev/shm/sgl-apps-$$
xvfb_pid=
host_pid=
. "$here/xvfb.sh"
cleanup() {
	stop_pids "$host_pid" "$xvfb_pid"
	rm -rf "$dir" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

start_xvfb 300 "$dir/xvfb.log"

port=$((21000 + $$ % 20000))
start_host "$dir/host.log" 2 "$host" --listen shm --listen "tcp:127.0.0.1:$port" \
	--shm-path "$shm" -x -L info --exit-after 900

# The application benchmark's scenes (bench/glmark_scenes.txt).
grep -v '^#' "$here/../bench/glmark_scenes.txt" | sed "s/\$/:duration=$secs/" >"$dir/scenes.txt"

# Whether the host logged a lost context or a broken session since line $1.
host_clean() {
	! tail -n +"$1" "$dir/host.log" | grep -q "context lost\|session ended"
}

# route WAY command...: runs the command through sgl-host by WAY: shm or
# tcp (the drop-in libGL.so.1 of LIBGL_DIR), or glvnd (libglvnd's libGL
# there, which loads our GLX vendor; over shm).
route() {
	way=$1
	shift
	case $way in
	shm) env LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="shm:$shm" "$@" ;;
	tcp) env LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="tcp:127.0.0.1:$port" "$@" ;;
	glvnd) env LD_LIBRARY_PATH="$libgl_dir/glvnd" __GLX_VENDOR_LIBRARY_NAME=sgl \
		SGL_TRANSPORT="shm:$shm" "$@" ;;
	*) echo "apps: no route $way" >&2; return 2 ;;
	esac
}

for t in shm tcp; do
	from=$(($(wc -l <"$dir/host.log") + 1))
	log=$dir/gears-$t.log
	route "$t" timeout 7 glxgears -geometry 400x300 >"$log" 2>&1
	grep -q "frames in" "$log" && host_clean "$from"
	result $? "$t: glxgears ($(grep -o '[0-9.]* FPS' "$log" | tail -1))" "$log"

	from=$(($(wc -l <"$dir/host.log") + 1))
	log=$dir/glmark-$t.log
	route "$t" timeout 120 glmark2 -s 400x300 -f "$dir/scenes.txt" >"$log" 2>&1
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
		from=$(($(wc -l <"$dir/host.log") + 1))
		route "$t" timeout 120 glretrace -s - $snap "$dir/scenes.trace" \
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
route shm env SGL_DUMP_FRAME="$dir/es2gears.png" timeout -s INT 8 stdbuf -oL \
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
	route shm timeout 120 eglretrace -s - --snapshot-interval=50 "$dir/es2.trace" \
		>"$dir/es2-sgl.pnm" 2>"$dir/es2-sgl.log"
	python3 "$here/frame_compare.py" "$dir/es2-native.pnm" "$dir/es2-sgl.pnm" \
		>"$dir/es2-cmp.log" 2>&1 && host_clean "$from"
	result $? "shm: eglretrace of es2gears_x11 vs native: $(tail -1 "$dir/es2-cmp.log")" \
		"$dir/es2-cmp.log"
fi

# SuperTuxKart: stk NAME RUNNER...: one profile race, its own HOME, the
# game started through RUNNER (route WAY, or env for the native run).
stk() {
	name=$1
	shift
	h=$dir/stk-$name
	mkdir -p "$h/.config/supertuxkart/config-0.10"
	cp "$here/stk/config.xml" "$h/.config/supertuxkart/config-0.10/"
	"$@" env HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_DATA_HOME="$h/.local/share" \
		XDG_CACHE_HOME="$h/.cache" LD_PRELOAD="$probe" SGL_PROBE_LAST=1 \
		SGL_PROBE_OUT="$dir/stk-$name.ppm" SGL_PROBE_LOG="$dir/stk-$name.probe" \
		SGL_PROBE_CLOCK=30 \
		timeout -s KILL 150 "$stk_bin" --no-start-screen --race-now --track=lighthouse \
		--numkarts=1 --kart=tux --laps=1 --profile-time=1 --seed=1 >"$dir/stk-$name.log" 2>&1
	grep -q "Number of frames" "$dir/stk-$name.log" && [ -s "$dir/stk-$name.ppm" ] &&
		[ "$(sed -n 's/^probe: \([0-9]*\) frames.*/\1/p' "$dir/stk-$name.probe")" -ge 20 ]
}
stk_bin=$(command -v supertuxkart || echo /usr/games/supertuxkart)
if [ ! -x "$stk_bin" ]; then
	echo "skip - supertuxkart is not installed (scripts/deps.sh --apps): SuperTuxKart NOT checked"
elif [ ! -f "$probe" ]; then
	result 1 "SuperTuxKart: $probe is missing (ninja -C build)" /dev/null
elif ! stk native env -u LD_LIBRARY_PATH; then
	result 1 "SuperTuxKart natively (the reference)" "$dir/stk-native.log"
else
	for v in shm tcp glvnd; do
		from=$(($(wc -l <"$dir/host.log") + 1))
		log=$dir/stk-$v.log
		if stk "$v" route "$v"; then
			python3 "$here/frame_compare.py" "$dir/stk-native.ppm" "$dir/stk-$v.ppm" \
				>"$dir/stk-cmp-$v.log" 2>&1 && host_clean "$from" &&
				tail -n +"$from" "$dir/host.log" | grep -q "supertuxkart\" connected"
			st=$?
			# The game's own FPS counts virtual time: the probe's wall clock instead.
			took=$(sed -n 's/^probe: \([0-9]*\) frames.* last at \([0-9.]*\) s/\1 frames in \2 s/p' \
				"$dir/stk-$v.probe")
			native_took=$(sed -n 's/.* last at \([0-9.]*\) s/\1 s/p' "$dir/stk-native.probe")
			result $st "$v: SuperTuxKart race ($took, native $native_took), last frame vs native: $(tail -1 "$dir/stk-cmp-$v.log")" \
				"$dir/stk-cmp-$v.log"
		else
			result 1 "$v: SuperTuxKart race through sgl-host" "$log"
		fi
	done
fi

# OpenArena (ioquake3): its demo as a timedemo, whose frames follow the
# demo's clock (tests/openarena.sh), with each renderer: the classic one in a
# compatibility context, the GLSL one in a 3.2 core context; natively, then
# through the drop-in libGL (opengl1 over shm, opengl2 over TCP) and the
# glvnd vendor; the last frame must match native's.
oa_bin=$(command -v openarena || echo /usr/games/openarena)
if [ ! -x "$oa_bin" ]; then
	echo "skip - openarena is not installed (scripts/deps.sh --apps): OpenArena NOT checked"
elif [ ! -f "$probe" ]; then
	result 1 "OpenArena: $probe is missing (ninja -C build)" /dev/null
else
	for r in opengl1 opengl2; do
		if ! env -u LD_LIBRARY_PATH sh "$here/openarena.sh" -r $r "$probe" "$dir/oa-$r-native" \
			>"$dir/oa-$r-native.out" 2>&1; then
			result 1 "OpenArena $r natively (the reference)" "$dir/oa-$r-native/oa.log"
			continue
		fi
		native_fps=$(sed -n 's/.*fps=\([0-9.]*\).*/\1/p' "$dir/oa-$r-native.out")
		case $r in opengl1) ways="shm glvnd" ;; *) ways="tcp glvnd" ;; esac
		for v in $ways; do
			from=$(($(wc -l <"$dir/host.log") + 1))
			o=$dir/oa-$r-$v
			route "$v" sh "$here/openarena.sh" -r $r "$probe" "$o" >"$o.out" 2>&1 &&
				python3 "$here/frame_compare.py" "$dir/oa-$r-native/frame.ppm" "$o/frame.ppm" \
				--max-bad 0.01 >"$o.cmp" 2>&1 && host_clean "$from" &&
				tail -n +"$from" "$dir/host.log" | grep -q "ioquake3\" connected"
			result $? "$v: OpenArena $r timedemo ($(tail -1 "$o.out"), native $native_fps), last frame vs native: $(tail -1 "$o.cmp" 2>/dev/null)" \
				"$o.cmp"
		done
	done
fi

# Warzone 2100: an SDL engine with SDL linked in (the probe wraps the dlsym
# that finds glXSwapBuffers), its title screen (a 3D backdrop, menus, text)
# in a GL 3.3 core context (--gfxbackend=opengl) and in GLES 3 through
# GLX_EXT_create_context_es2_profile (--gfxbackend=opengles). Its clock and
# its srand(time(NULL)) backdrop follow the probe's virtual clock, so frame
# 90 is the same on every run: it must match native's. Each run is stopped
# after WZ_SECONDS (SIGINT: the game quits); rates are frames per second
# presented from frame 20 on (the probe's wall clock).
wz_bin=$(command -v warzone2100 || echo /usr/games/warzone2100)
wz() {   # NAME BACKEND RUNNER... (route WAY, or env for the native run)
	name=$1 backend=$2
	shift 2
	rm -rf "$dir/wz-$name"
	mkdir -p "$dir/wz-$name"
	"$@" env LD_PRELOAD="$probe" SGL_PROBE_FRAMES=90 SGL_PROBE_CLOCK=30 SGL_PROBE_FROM=20 \
		SGL_PROBE_OUT="$dir/wz-$name.ppm" SGL_PROBE_LOG="$dir/wz-$name.probe" \
		timeout -s INT "${WZ_SECONDS:-20}" "$wz_bin" --configdir="$dir/wz-$name" --window \
		--resolution=640x480 --nosound --gfxbackend="$backend" >"$dir/wz-$name.log" 2>&1
	[ -s "$dir/wz-$name.ppm" ]
}
wz_rate() {
	sed -n 's/.*from frame 20: \([0-9.]*\) per second/\1/p' "$dir/wz-$1.probe" 2>/dev/null
}
if [ ! -x "$wz_bin" ]; then
	echo "skip - warzone2100 is not installed (apt-get install warzone2100): Warzone 2100 NOT checked"
elif [ ! -f "$probe" ]; then
	result 1 "Warzone 2100: $probe is missing (ninja -C build)" /dev/null
else
	for b in opengl opengles; do
		if ! wz "$b-native" $b env -u LD_LIBRARY_PATH; then
			result 1 "Warzone 2100 $b natively (the reference)" "$dir/wz-$b-native.log"
			continue
		fi
		case $b in opengl) ways="shm glvnd" ;; *) ways="tcp" ;; esac
		for v in $ways; do
			from=$(($(wc -l <"$dir/host.log") + 1))
			wz "$b-$v" $b route "$v" &&
				python3 "$here/frame_compare.py" "$dir/wz-$b-native.ppm" "$dir/wz-$b-$v.ppm" \
				>"$dir/wz-$b-$v.cmp" 2>&1 && host_clean "$from" &&
				tail -n +"$from" "$dir/host.log" | grep -q "warzone2100\" connected"
			result $? "$v: Warzone 2100 $b title screen ($(wz_rate "$b-$v") frames/s, native $(wz_rate "$b-native")), frame 90 vs native: $(tail -1 "$dir/wz-$b-$v.cmp" 2>/dev/null)" \
				"$dir/wz-$b-$v.log"
		done
	done
fi

if ! kill -0 "$host_pid" 2>/dev/null; then
	result 1 "sgl-host still running at the end" "$dir/host.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
