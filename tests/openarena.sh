#!/bin/sh
# OpenArena (the ioquake3 engine) playing its own demo, demo088-test1, as a
# timedemo, in the caller's environment (DISPLAY, and for our libGL
# LD_LIBRARY_PATH and SGL_TRANSPORT, or the glvnd vendor's variables).
# A timedemo renders every frame of the demo at the demo's own clock,
# whatever the speed, so the frame shown after N engine frames is the same
# on every run: the last frame is compared exactly, the rate is the speed.
# Two renderers of one engine, two different paths through GL:
#   opengl1: the classic Quake III renderer, a compatibility context (GL 1.x
#            fixed function, client vertex arrays, glDrawElements from them);
#   opengl2: ioquake3's newer renderer, a 3.2 core context (GLSL, VAOs,
#            VBOs, FBOs, sRGB and HDR render targets).
# The console's notify lines (who fragged whom) expire in real time, not
# the demo's: they are off (con_notifytime 0) so that the frame is exact.
#
# Usage: openarena.sh [-r RENDERER] [-n FRAMES] [-s WxH] PROBE OUTDIR
#   defaults: -r opengl1 -n 200 -s 320x240
# The game quits after FRAMES engine frames (its loading takes a few of
# them, presenting nothing). Writes OUTDIR/oa.log, OUTDIR/probe.log and the
# last frame presented as OUTDIR/frame.ppm. Last line printed:
#   openarena fps=<presents per second from the 20th> frames=<presents> renderer=<R>
# or "openarena: ..." saying what failed (exit 1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=options.sh
. "$here/options.sh"
rend=opengl1
n=200
size=320x240
options "usage: openarena.sh [-r RENDERER] [-n FRAMES] [-s WxH] PROBE OUTDIR" 2 2 \
	"r:rend n:n s:size" "$@"
shift "$options_used"
probe=$1
out=$2
bin=$(command -v openarena || echo /usr/games/openarena)
[ -x "$bin" ] || { echo "openarena: not installed (scripts/deps.sh --apps)"; exit 1; }
[ -f "$probe" ] || { echo "openarena: no $probe (ninja -C build)"; exit 1; }
mkdir -p "$out/home"
rm -f "$out/frame.ppm" "$out/probe.log"
# com_hunkmegs: the demo's map does not load in the default 128 MB.
env HOME="$out/home" LD_PRELOAD="$probe" SGL_PROBE_LAST=1 SGL_PROBE_OUT="$out/frame.ppm" \
	SGL_PROBE_LOG="$out/probe.log" SGL_PROBE_FROM=20 timeout -s KILL 300 "$bin" \
	+set com_hunkmegs 512 +set s_initsound 0 +set r_fullscreen 0 +set r_mode -1 \
	+set r_customwidth "${size%x*}" +set r_customheight "${size#*x}" +set cl_renderer "$rend" \
	+set con_notifytime 0 +set timedemo 1 +set nextdemo quit +demo demo088-test1 \
	+wait "$n" +quit >"$out/oa.log" 2>&1
total=$(sed -n 's/^probe: \([0-9]*\) frames,.*/\1/p' "$out/probe.log" 2>/dev/null)
fps=$(sed -n 's/.*from frame 20: \([0-9.]*\) per second/\1/p' "$out/probe.log" 2>/dev/null)
if [ -z "$fps" ] || [ ! -s "$out/frame.ppm" ]; then
	echo "openarena: the demo did not play (see $out/oa.log)"
	exit 1
fi
echo "openarena fps=$fps frames=$total renderer=$rend"
