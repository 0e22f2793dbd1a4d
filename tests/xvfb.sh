# shellcheck shell=sh
# Sourced by tests/apps.sh and tests/piglit/gate.sh: an Xvfb of their own,
# and stopping what they started.
#
# start_xvfb BASE LOG: start Xvfb on the first free display from BASE + $$ % 100,
# export DISPLAY, set xvfb_pid (the caller stops it by that pid); 1 when the
# server did not come up within 10 s.
# -noreset: without it Xvfb resets whenever its last client leaves and drops
# the connections that arrive meanwhile (a few % of piglit's test starts
# under -j 2 fail to connect).
start_xvfb() {
	_n=$(($1 + $$ % 100))
	while [ -e "/tmp/.X$_n-lock" ] || [ -e "/tmp/.X11-unix/X$_n" ]; do _n=$((_n + 1)); done
	env -u LD_LIBRARY_PATH Xvfb ":$_n" -screen 0 1280x1024x24 -noreset -nolisten tcp \
		>"$2" 2>&1 &
	xvfb_pid=$!
	export DISPLAY=":$_n"
	_i=0
	while [ ! -e "/tmp/.X11-unix/X$_n" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -e "/tmp/.X11-unix/X$_n" ]
}

# stop_pids PID...: stop the processes the caller started (Xvfb, sgl-host),
# each by its pid, and reap them; empty arguments are skipped.
stop_pids() {
	for _pid in "$@"; do
		[ -n "$_pid" ] || continue
		kill "$_pid" 2>/dev/null
		wait "$_pid" 2>/dev/null
	done
}
