#!/bin/sh
# SuperTuxKart's frame rate in the caller's environment (DISPLAY, and for our
# libGL LD_LIBRARY_PATH and SGL_TRANSPORT, or the glvnd vendor's variables):
# one profile race on lighthouse (tests/stk/config.xml: 800x600, lowest
# settings; one AI-driven kart, no countdown) of SECS seconds of game time,
# which follows real time; the frames presented in the last WINDOW seconds
# before the race ends (loading excluded), counted by frame_probe.so.
#
# Usage: stk.sh [-t SECS] [-w WINDOW] PROBE OUTDIR
#   defaults: -t 12 -w 8
# Writes OUTDIR/stk.log. Last line printed:
#   stk fps=<F> frames=<K> window=<W> game_fps=<the game's own Average FPS>
# or "stk: ..." saying what failed (exit 1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/options.sh
. "$here/../tests/options.sh"
secs=12
win=8
options "usage: stk.sh [-t SECS] [-w WINDOW] PROBE OUTDIR" 2 2 "t:secs w:win" "$@"
shift "$options_used"
probe=$1
out=$2
bin=$(command -v supertuxkart || echo /usr/games/supertuxkart)
[ -x "$bin" ] || { echo "stk: supertuxkart is not installed (scripts/deps.sh --apps)"; exit 1; }
[ -f "$probe" ] || { echo "stk: no $probe (ninja -C build)"; exit 1; }
mkdir -p "$out/home/.config/supertuxkart/config-0.10"
cp "$here/../tests/stk/config.xml" "$out/home/.config/supertuxkart/config-0.10/"
h=$out/home
env HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_DATA_HOME="$h/.local/share" \
	XDG_CACHE_HOME="$h/.cache" LD_PRELOAD="$probe" SGL_PROBE_LOG="$out/probe.log" \
	SGL_PROBE_WINDOW="$win" timeout -s KILL $((secs * 10 + 120)) "$bin" --no-start-screen \
	--race-now --track=lighthouse --numkarts=1 --kart=tux --laps=9 --profile-time="$secs" \
	--seed=1 >"$out/stk.log" 2>&1
game=$(sed -n 's/.*Average FPS: \([0-9.]*\).*/\1/p' "$out/stk.log")
line=$(grep "in the last" "$out/probe.log" 2>/dev/null)
if [ -z "$game" ] || [ -z "$line" ]; then
	echo "stk: the race did not finish (see $out/stk.log)"
	exit 1
fi
k=$(echo "$line" | sed 's/^probe: \([0-9]*\) frames.*/\1/')
fps=$(echo "$line" | sed 's/.*: \([0-9.]*\) per second/\1/')
echo "stk fps=$fps frames=$k window=$win game_fps=$game"
