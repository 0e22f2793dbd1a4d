# Sourced by the Windows guest's test scripts (run.sh, installer.sh): Wine's
# loaders, the TAP result lines and their counts, and the check that Wine
# is there at all.
wine64=/usr/lib/wine/wine64
wine32=/usr/lib/wine/wine
passed=0 failed=0 skipped=0

result() {   # status description [log]
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1)); echo "ok - $2"
	else
		failed=$((failed + 1)); echo "not ok - $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/# /' "$3" | tail -30
	fi
}

if [ ! -x "$wine64" ]; then
	echo "not ok - wine64 is not installed (scripts/deps.sh --windows)"
	exit 1
fi
