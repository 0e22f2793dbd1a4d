#!/bin/sh
# The library exports exactly the symbols listed in src/sglhost.syms.
# With INCLUDE_DIR, each one is also declared in an installed header there.
# Usage: check_symbols.sh LIBRARY SYMS_FILE [INCLUDE_DIR]
set -eu
lib=$1
want=$2
inc=${3:-}
if [ -n "$inc" ]; then
	for s in $(cat "$want"); do
		grep -Eq "(^|[ *])$s\(" "$inc"/*.h || { echo "$s is exported but in no header of $inc"; exit 1; }
	done
fi
got=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^SGLHOST_' | sed 's/@.*//' | sort)
if [ "$got" = "$(sort "$want")" ]; then
	echo "ok: $(echo "$got" | wc -l) exported symbols match $want"
	exit 0
fi
echo "exported symbols differ from $want (< listed, > exported):"
echo "$got" | diff "$want" - || true
exit 1
