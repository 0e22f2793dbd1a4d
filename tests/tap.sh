# shellcheck shell=sh
# Sourced by the shell tests (integration.sh, apps.sh, embed.sh, hostile.sh,
# killed.sh, soak.sh): TAP result lines and their counts (each script but
# killed.sh ends with "$passed passed, $failed failed"), and sgl-host
# started in the background.
passed=0
failed=0

# result STATUS NAME [LOG]: "ok - NAME", or "not ok - NAME (exit STATUS)"
# followed by the end of LOG, each line behind "# ".
result() {
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2 (exit $1)"
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 60 "$3" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

# host_scratch: a temporary folder $dir; at exit (a trap) the sgl-host of
# $host_pid is stopped and $dir removed.
host_scratch() {
	dir=$(mktemp -d)
	host_pid=
	trap '[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null; rm -rf "$dir"' EXIT
}

# start_host LOG COUNT COMMAND...: sgl-host's COMMAND in the background, its
# output in LOG and its pid in $host_pid; returns when LOG says "listening
# on" COUNT times (once per listener), or false after 20 s without.
start_host() {
	start_log=$1 start_count=$2
	shift 2
	"$@" >"$start_log" 2>&1 &
	# shellcheck disable=SC2034 # the caller's
	host_pid=$!
	start_i=0
	while :; do
		start_n=$(grep -c "listening on" "$start_log" 2>/dev/null)
		[ "${start_n:-0}" -ge "$start_count" ] && return 0
		[ "$start_i" -ge 200 ] && return 1
		sleep 0.1
		start_i=$((start_i + 1))
	done
}

# alive PID: the process runs and is not a zombie.
alive() {
	[ -r "/proc/$1/stat" ] && ! awk '{ exit $3 == "Z" ? 0 : 1 }' "/proc/$1/stat"
}
