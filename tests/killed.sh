#!/bin/sh
# Clients killed mid-stream in --isolation=thread (issue 14, item 5, the
# bounded version): N guest_programs, each killed with SIGKILL at a random
# moment (0-250 ms after it starts, most while it draws), one after another
# on a unix socket. The server's resident memory (VmRSS) after all N must
# stay within 10% of where it settled after the first WARM; then the host
# must still be running and serve a client to the end.
# Usage: killed.sh SGL_HOST GUEST_PROGRAM [N [WARM]]
set -u
host=$1
prog=$2
n=${3:-200}
warm=${4:-50}
# shellcheck source-path=SCRIPTDIR source=tap.sh
. "$(dirname "$0")/tap.sh"
host_scratch

rss() {   # kB
	awk '/^VmRSS:/ { print $2 }' "/proc/$host_pid/status" 2>/dev/null
}

# A moment for the host to end the last client's session.
settle() {
	sleep 1
}

# Under AddressSanitizer (build-asan) freed memory waits in a quarantine of
# 256 MB before it is reused, so the host's VmRSS climbs by that much and then
# swings by tens of MB as the quarantine turns over: no level to compare with.
# A 16 MB quarantine (still enough to catch a use after free of a session's
# objects) lets the level settle as it does without ASan. Other builds
# ignore ASAN_OPTIONS.
start_host "$dir/host.log" 1 env -u LD_LIBRARY_PATH \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16" \
	"$host" --listen "unix:$dir/sock" --isolation=thread -x --exit-after 600 -L info
start=$(rss)
echo "# VmRSS at start: $start kB"
base=
k=1
drawing=0
while [ $k -le "$n" ]; do
	GUEST_PROGRAM_COUNT=1000000 SGL_TRANSPORT="unix:$dir/sock" "$prog" >"$dir/c.log" 2>&1 &
	c=$!
	ms=$(($(od -An -N2 -tu2 /dev/urandom) % 250))
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 "$c" 2>/dev/null
	wait "$c" 2>/dev/null
	# Killed after its context was made (so while it drew), or before.
	grep -q " over unix" "$dir/c.log" && drawing=$((drawing + 1))
	if [ $((k % 50)) -eq 0 ] || [ "$k" -eq "$warm" ]; then
		settle
		echo "# VmRSS after $k killed clients: $(rss) kB"
	fi
	[ "$k" -eq "$warm" ] && base=$(rss)
	k=$((k + 1))
done
alive "$host_pid" || { echo "not ok - sgl-host died"; sed 's/^/# host: /' "$dir/host.log"; exit 1; }
final=$(rss)
limit=$((base + base / 10))
echo "# $drawing of $n clients were killed after their context was made (while drawing)"
echo "# VmRSS: $start kB at start, $base kB after $warm killed clients, $final kB after $n (limit $limit kB)"
failed=0
if [ "$final" -le "$limit" ]; then
	echo "ok - VmRSS after $n killed clients within 10% of where it was after $warm"
else
	echo "not ok - VmRSS grew from $base to $final kB over $((n - warm)) killed clients"
	failed=1
fi
if SGL_TRANSPORT="unix:$dir/sock" timeout 60 "$prog" >"$dir/prog.log" 2>&1; then
	echo "ok - guest_program renders through the same host afterwards"
else
	echo "not ok - guest_program after the killed clients"
	sed 's/^/# /' "$dir/prog.log"
	failed=1
fi
# Stopped as a person would (SIGTERM): under AddressSanitizer
# (build-asan, LeakSanitizer on) its report of leaks comes at that exit.
kill "$host_pid" 2>/dev/null
wait "$host_pid" 2>/dev/null
host_pid=
if grep -q "ERROR: LeakSanitizer" "$dir/host.log"; then
	echo "not ok - LeakSanitizer: the host leaked"
	grep -A12 "ERROR: LeakSanitizer\|^Direct leak\|^Indirect leak\|SUMMARY" "$dir/host.log" |
		sed 's/^/# host: /'
	failed=1
fi
exit $failed
