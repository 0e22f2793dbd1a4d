#!/bin/sh
# Hostile guests against every listener sgl-host opens on this machine
# without QEMU (shm, unix, tcp on 127.0.0.1), issue 14 item 6: for each,
# tests/hostile sends random bytes, lying headers, HELLO then garbage,
# commands out of range, context-creation floods, broken HELLOs and slow
# senders for SECONDS; then the host must still be running and a real
# client (tests/guest_program) must render through it, frames checked.
# Usage: hostile.sh SGL_HOST HOSTILE GUEST_PROGRAM [SECONDS [SGL-HOST OPTIONS]]
# Prints TAP, and "N passed, N failed".
set -u
host=$1
hostile=$2
prog=$3
seconds=${4:-3}
opts=${5:-}
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"
host_scratch

serve() {   # name listen-spec client-spec
	log="$dir/host-$1.log"
	# shellcheck disable=SC2086
	start_host "$log" 1 env -u LD_LIBRARY_PATH "$host" --listen "$2" --shm-path "$dir/shm" -x \
		--exit-after 120 -L info $opts
	timeout $((seconds + 30)) "$hostile" "$3" "$seconds" >"$dir/hostile.log" 2>&1
	st=$?
	sed 's/^/# /' "$dir/hostile.log"
	result $st "$1: hostile streams sent ($(grep -o '[0-9]* streams sent' "$dir/hostile.log"))" \
		"$dir/hostile.log"
	alive "$host_pid"
	result $? "$1: sgl-host still running after the hostile streams" "$log"
	SGL_TRANSPORT="$3" timeout 60 "$prog" >"$dir/prog.log" 2>&1
	result $? "$1: guest_program renders through the same host afterwards" "$dir/prog.log"
	alive "$host_pid"
	result $? "$1: sgl-host still running after the client" "$log"
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null
	host_pid=
}

serve shm "shm" "shm:$dir/shm"
serve unix "unix:$dir/sock" "unix:$dir/sock"
port=$((20000 + $$ % 20000))
serve tcp "tcp:127.0.0.1:$port" "tcp:127.0.0.1:$port"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
