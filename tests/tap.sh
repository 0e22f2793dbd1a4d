# shellcheck shell=sh
# Sourced by the shell tests (integration.sh, apps.sh, embed.sh, hostile.sh):
# TAP result lines and their counts; each script ends with
# "$passed passed, $failed failed".
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
