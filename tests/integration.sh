#!/bin/sh
# End to end on this machine: sgl-host serves each local transport (shm,
# unix, tcp) and GL programs render through the guest libraries:
#   - tests/guest_program (the guest runtime, no X), checking the frames;
#   - with $TIMER_PROGRAM: tests/timer_program, the batch flush timer;
#   - with GLX_SMOKE: glx_smoke under Xvfb through the drop-in libGL.so.1 and,
#     with GLVND_DIR, through glvnd and libGLX_sgl.so.0, checking the window.
#   - with $EGL_SMOKE and $EGL_VENDOR_JSON in the environment: egl_smoke
#     through glvnd's libEGL/libGLESv2 and libEGL_sgl.so.0, in pbuffer mode
#     without X and on the default X11 display, and in window mode under Xvfb.
#   - with $EGL_SMOKE and LIBGL_DIR: egl_smoke the same ways through the
#     drop-in set alone (LD_LIBRARY_PATH=LIBGL_DIR: libEGL.so.1,
#     libGLESv2.so.2 and libGL.so.1 there); with $EGL_VENDOR_JSON too, the
#     mix of glvnd's libEGL and our vendor with the drop-in libGL/libGLESv2
#     must fail at eglInitialize with one line saying why, not crash.
#   - with $EGL_GLES1: egl_gles1 (EGL + GLES 1.1, fixed point) in pbuffer and
#     surfaceless modes, through glvnd and our vendor and through the drop-in set.
#   - isolation: a client whose host process crashes (SIGSEGV sent to it)
#     loses its context; a client beside it and the next one carry on.
#   - with $SGLHOST_RENDER: all of it again on a unix socket with
#     --isolation=helper (GL in a sglhost-render process per client).
# Usage: integration.sh SGL_HOST GUEST_PROGRAM [GLX_SMOKE LIBGL_DIR [GLVND_DIR]]
# Prints "N passed, N failed".
set -u
host=$1
prog=$2
glx_smoke=${3:-}
libgl_dir=${4:-}
glvnd_dir=${5:-}
dir=$(mktemp -d)
xvfb_pid=
cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"

start_xvfb() {
	command -v Xvfb >/dev/null || return 1
	# A display nobody uses: no lock file, no socket; retry if Xvfb dies
	# (another one took the number meanwhile).
	for n in $(seq $((100 + $$ % 100)) 299); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
		# Not with meson's LD_LIBRARY_PATH: Xvfb links libGL.so.1 and
		# would load our drop-in one (under ASan it then cannot start).
		env -u LD_LIBRARY_PATH Xvfb ":$n" -screen 0 1024x768x24 -noreset -nolisten tcp \
			>"$dir/xvfb.log" 2>&1 &
		xvfb_pid=$!
		i=0
		while [ ! -e "/tmp/.X11-unix/X$n" ] && [ $i -lt 100 ] &&
			kill -0 "$xvfb_pid" 2>/dev/null; do
			sleep 0.1; i=$((i + 1))
		done
		if [ -e "/tmp/.X11-unix/X$n" ] && kill -0 "$xvfb_pid" 2>/dev/null; then
			export DISPLAY=":$n"
			return 0
		fi
		kill "$xvfb_pid" 2>/dev/null
		xvfb_pid=
	done
	return 1
}

clients() {   # name client-transport
	# Frames come in the host's SysV segment on this machine (shm, unix,
	# TCP to loopback), in the session messages otherwise (tests/vm: TCP
	# from a VM), or when that is turned off.
	frames=message
	case "$2" in shm*|unix:*|tcp:127.*) frames=shared ;; esac
	GUEST_PROGRAM_FRAMES=$frames SGL_TRANSPORT="$2" timeout 60 "$prog" >"$dir/prog.log" 2>&1
	result $? "$1: guest_program (frames $frames)" "$dir/prog.log"
	[ "$(grep -c "^sgl: glMultiModeDrawArraysIBM is not supported: GL_INVALID_OPERATION$" \
		"$dir/prog.log")" -eq 1 ]
	result $? "$1: an unsupported command: one line on stderr, the first time" "$dir/prog.log"
	if [ -n "${TIMER_PROGRAM:-}" ]; then
		TIMER_EXPECT=flushed SGL_TRANSPORT="$2" timeout 60 "$TIMER_PROGRAM" \
			>"$dir/timer.log" 2>&1
		result $? "$1: the flush timer sends a batch left waiting" "$dir/timer.log"
		TIMER_EXPECT=waiting SGL_FLUSH_MS=0 SGL_TRANSPORT="$2" timeout 60 \
			"$TIMER_PROGRAM" >"$dir/timer.log" 2>&1
		result $? "$1: with SGL_FLUSH_MS=0 the batch waits" "$dir/timer.log"
		TIMER_EXPECT=busy SGL_FLUSH_MS=1 SGL_TRANSPORT="$2" timeout 60 \
			"$TIMER_PROGRAM" >"$dir/timer.log" 2>&1
		result $? "$1: the timer leaves a batch alone during a call" "$dir/timer.log"
	fi
	if [ "$frames" = shared ]; then
		GUEST_PROGRAM_FRAMES=message SGL_NO_SHARED_FRAMES=1 SGL_TRANSPORT="$2" \
			timeout 60 "$prog" >"$dir/prog.log" 2>&1
		result $? "$1: guest_program (SGL_NO_SHARED_FRAMES=1)" "$dir/prog.log"
	fi
	[ -n "$glx_smoke" ] || return 0
	LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$2" GLX_SMOKE_VENDOR=libsglhost \
		timeout 60 "$glx_smoke" >"$dir/glx.log" 2>&1
	result $? "$1: glx_smoke through libGL.so.1" "$dir/glx.log"
	[ -n "$glvnd_dir" ] || return 0
	LD_LIBRARY_PATH="$glvnd_dir" __GLX_VENDOR_LIBRARY_NAME=sgl SGL_TRANSPORT="$2" \
		GLX_SMOKE_VENDOR=libsglhost timeout 60 "$glx_smoke" attribs >"$dir/glvnd.log" 2>&1
	result $? "$1: glx_smoke through glvnd" "$dir/glvnd.log"
}

# An exit of 77 ("cannot run here") is a failure too: everything it needs
# is set up here.
egl_smoke=${EGL_SMOKE:-}
egl_json=${EGL_VENDOR_JSON:-}
egl_gles1=${EGL_GLES1:-}
egl_clients() {   # name client-transport
	[ -n "$egl_smoke" ] || return 0
	env -u DISPLAY -u EGL_PLATFORM __EGL_VENDOR_LIBRARY_FILENAMES="$egl_json" \
		SGL_TRANSPORT="$2" EGL_SMOKE_VENDOR=libsglhost \
		timeout 60 "$egl_smoke" pbuffer >"$dir/egl.log" 2>&1
	result $? "$1: egl_smoke pbuffer without X through glvnd" "$dir/egl.log"
	for mode in pbuffer surfaceless; do
		[ -n "$egl_gles1" ] || break
		env -u DISPLAY -u EGL_PLATFORM __EGL_VENDOR_LIBRARY_FILENAMES="$egl_json" \
			SGL_TRANSPORT="$2" EGL_SMOKE_VENDOR=libsglhost \
			timeout 60 "$egl_gles1" $mode >"$dir/gles1.log" 2>&1
		result $? "$1: egl_gles1 $mode (GLES 1.1) through glvnd" "$dir/gles1.log"
	done
	[ -n "$egl_window" ] || return 0
	env -u EGL_PLATFORM __EGL_VENDOR_LIBRARY_FILENAMES="$egl_json" SGL_TRANSPORT="$2" \
		EGL_SMOKE_VENDOR=libsglhost timeout 60 "$egl_smoke" pbuffer >"$dir/egl.log" 2>&1
	result $? "$1: egl_smoke pbuffer on the X11 default display through glvnd" \
		"$dir/egl.log"
	__EGL_VENDOR_LIBRARY_FILENAMES="$egl_json" SGL_TRANSPORT="$2" \
		EGL_SMOKE_VENDOR=libsglhost timeout 60 "$egl_smoke" window >"$dir/egl.log" 2>&1
	result $? "$1: egl_smoke window through glvnd" "$dir/egl.log"
}

# The drop-in set alone: the system's libEGL and libGLESv2 that egl_smoke
# is linked with are replaced by ours, whatever the vendor JSON says.
dropin_egl_clients() {   # name client-transport
	[ -n "$egl_smoke" ] && [ -n "$libgl_dir" ] || return 0
	env -u DISPLAY -u EGL_PLATFORM LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$2" \
		EGL_SMOKE_VENDOR=libsglhost timeout 60 "$egl_smoke" pbuffer >"$dir/egl.log" 2>&1
	result $? "$1: egl_smoke pbuffer without X through the drop-in libEGL" "$dir/egl.log"
	for mode in pbuffer surfaceless; do
		[ -n "$egl_gles1" ] || break
		env -u DISPLAY -u EGL_PLATFORM LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$2" \
			EGL_SMOKE_VENDOR=libsglhost timeout 60 "$egl_gles1" $mode >"$dir/gles1.log" 2>&1
		result $? "$1: egl_gles1 $mode (GLES 1.1) through the drop-in libEGL and libGLESv1_CM" \
			"$dir/gles1.log"
	done
	[ -n "$egl_window" ] || return 0
	# Our vendor named as well: the drop-in libEGL.so.1 is no glvnd.
	# shellcheck disable=SC2086 # nothing or one word
	env ${egl_json:+__EGL_VENDOR_LIBRARY_FILENAMES=$egl_json} LD_LIBRARY_PATH="$libgl_dir" \
		SGL_TRANSPORT="$2" EGL_SMOKE_VENDOR=libsglhost \
		timeout 60 "$egl_smoke" window >"$dir/egl.log" 2>&1
	result $? "$1: egl_smoke window through the drop-in libEGL" "$dir/egl.log"
}

# glvnd's libEGL with our vendor, and the drop-in libGLESv2/libGL (a folder
# with those two only): GL calls would miss the vendor's contexts. It must
# fail at eglInitialize (egl_smoke: exit 77) with our one line, no signal,
# no assertion.
mix_egl_client() {   # name client-transport
	[ -n "$egl_smoke" ] && [ -n "$libgl_dir" ] && [ -n "$egl_json" ] || return 0
	mkdir -p "$dir/mix"
	ln -sf "$libgl_dir/libGL.so.1" "$libgl_dir/libGLESv2.so.2" "$dir/mix/"
	env -u DISPLAY -u EGL_PLATFORM LD_LIBRARY_PATH="$dir/mix" SGL_TRANSPORT="$2" \
		__EGL_VENDOR_LIBRARY_FILENAMES="$egl_json" timeout 60 "$egl_smoke" pbuffer \
		>"$dir/mix.log" 2>&1
	rc=$?
	echo "(exit $rc)" >>"$dir/mix.log"
	{
		[ "$rc" -eq 77 ] &&
			[ "$(grep -c "^sgl: EGL: libEGL_sgl (the glvnd vendor) cannot work with the drop-in libGL.so.1" \
				"$dir/mix.log")" -eq 1 ] &&
			! grep -qi "assert\|GL_VERSION" "$dir/mix.log"
	}
	result $? "$1: glvnd's libEGL + our vendor + the drop-in libGL: one clear line, no crash" \
		"$dir/mix.log"
}

# Two clients paused after their first frame; the process serving the
# second (the child of the host that appeared with it) gets SIGSEGV, as from
# a crash in the driver. The first must finish with right frames, the second
# must report its context lost, and a third must be served.
wait_for_line() {   # file text
	i=0
	until grep -q "$2" "$1" 2>/dev/null || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done
}
isolation() {   # name client-transport host-pid host-log
	# No lines of an earlier transport's run may be taken for this one's.
	rm -f "$dir/iso-a.log" "$dir/iso-b.log"
	GUEST_PROGRAM_PAUSE=4 SGL_TRANSPORT="$2" timeout 60 "$prog" >"$dir/iso-a.log" 2>&1 &
	a=$!
	wait_for_line "$dir/iso-a.log" " over "
	pgrep -P "$3" | sort >"$dir/children-before"
	GUEST_PROGRAM_PAUSE=4 SGL_TRANSPORT="$2" timeout 60 "$prog" >"$dir/iso-b.log" 2>&1 &
	b=$!
	wait_for_line "$dir/iso-b.log" " over "
	# The process serving b: sgl-host names it (a pooled one was there
	# before b came); else (helpers) the host's child that is new since.
	victim=$(sed -n 's/.*: served by process \([0-9]*\) .*/\1/p' "$4" | tail -n 1)
	[ -n "$victim" ] || victim=$(pgrep -P "$3" | sort | comm -13 "$dir/children-before" - | head -n 1)
	[ -n "$victim" ] && kill -SEGV "$victim"
	wait "$a"; sa=$?
	wait "$b"; sb=$?
	{
		echo "client a: exit $sa"; cat "$dir/iso-a.log"
		echo "client b: exit $sb (served by pid $victim)"; cat "$dir/iso-b.log"
	} >"$dir/iso.log"
	ok=1
	[ "$sa" -eq 0 ] || ok=0
	[ "$sb" -eq 1 ] && grep -q "no frame" "$dir/iso-b.log" || ok=0
	# A signal, or an exit status where a sanitizer reports the crash.
	grep -q "the \(process serving it\|helper process\) \(died (signal 11\|failed (exit status\)" \
		"$4" || ok=0
	SGL_TRANSPORT="$2" timeout 60 "$prog" >>"$dir/iso.log" 2>&1 || ok=0
	[ $ok -eq 1 ]
	result $? "$1: a crash in one client's host process loses that client only" "$dir/iso.log"
}

# What the environment changes in a guest (guest/reported.c, pacing.c,
# overlay.c), through the drop-in libGL: reported versions, presents paced
# to swap interval 1 (20 swaps at 60 Hz: at least 0.3 s), and the FPS
# overlay's white digits in the window's top-left, absent without it.
env_clients() {   # name client-transport
	[ -n "$glx_smoke" ] || return 0
	LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$2" GLX_VERSION_OVERRIDE=1.3 \
		GL_VERSION_OVERRIDE=2.1 GLSL_VERSION_OVERRIDE=120 SGL_FPS_OVERLAY=1 \
		timeout 60 "$glx_smoke" env >"$dir/env.log" 2>&1
	rc=$?
	LD_LIBRARY_PATH="$libgl_dir" SGL_TRANSPORT="$2" timeout 60 "$glx_smoke" env \
		>"$dir/noenv.log" 2>&1
	[ $rc -eq 0 ] && grep -q "GLX 1\.3 (1\.3), GL_VERSION 2\.1 .*, GLSL 1\.20$" "$dir/env.log"
	result $? "$1: GLX_VERSION_OVERRIDE, GL_VERSION_OVERRIDE, GLSL_VERSION_OVERRIDE reported" \
		"$dir/env.log"
	s=$(sed -n 's/.*20 swaps in \([0-9.]*\) s$/\1/p' "$dir/env.log")
	awk -v s="${s:-0}" 'BEGIN { exit !(s >= 0.3 && s < 2) }'
	result $? "$1: glXSwapIntervalEXT(1) paces presents: 20 swaps in $s s" "$dir/env.log"
	with=$(sed -n 's/.*: \([0-9]*\) white pixels top-left$/\1/p' "$dir/env.log")
	without=$(sed -n 's/.*: \([0-9]*\) white pixels top-left$/\1/p' "$dir/noenv.log")
	[ "${with:-0}" -ge 20 ] && [ "${without:-1}" -eq 0 ]
	result $? "$1: SGL_FPS_OVERLAY=1 draws into the window ($with white pixels top-left, $without without)" \
		"$dir/noenv.log"
}

serve() {   # name listen-spec client-spec [more sgl-host options]
	log="$dir/host-$1.log"
	# Not with meson's LD_LIBRARY_PATH either: it names the drop-in folder,
	# whose libEGL.so.1 (ours, a guest) the host's libepoxy would load.
	# shellcheck disable=SC2086
	start_host "$log" 1 env -u LD_LIBRARY_PATH "$host" --listen "$2" --shm-path "$dir/shm" -x \
		--exit-after 120 -L info ${4:-}
	clients "$1" "$3"
	[ "$1" = unix ] && env_clients "$1" "$3"
	egl_clients "$1" "$3"
	dropin_egl_clients "$1" "$3"
	mix_egl_client "$1" "$3"
	[ "$1" = unix ] || isolation "$1" "$3" "$host_pid" "$log"
	[ "$failed" -gt 0 ] && sed "s/^/# host: /" "$log"
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null
	grep -q "context lost\|session ended" "$log" && sed 's/^/# host: /' "$log"
	return 0
}

if [ -n "$glx_smoke" ] && ! start_xvfb; then
	echo "not ok - Xvfb (needed for the GLX checks) did not start"
	failed=$((failed + 1))
	glx_smoke=
fi
egl_window=$egl_smoke
if [ -n "$egl_smoke" ] && [ -z "$xvfb_pid" ] && ! start_xvfb; then
	echo "not ok - Xvfb (needed for the EGL window checks) did not start"
	failed=$((failed + 1))
	egl_window=
fi
serve shm "shm" "shm:$dir/shm"
serve unix "unix:$dir/sock" "unix:$dir/sock"
port=$((20000 + $$ % 20000))
serve tcp "tcp:127.0.0.1:$port" "tcp:127.0.0.1:$port"
# --isolation=helper: every client's GL in a sglhost-render the library
# starts (with $SGLHOST_RENDER, the one of this build).
[ -n "${SGLHOST_RENDER:-}" ] && serve helper "unix:$dir/sock-helper" "unix:$dir/sock-helper" \
	"--isolation=helper --helper=$SGLHOST_RENDER"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
