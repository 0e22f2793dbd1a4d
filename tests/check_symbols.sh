#!/bin/sh
# The library exports exactly the symbols listed in src/sglhost.syms.
# Usage: check_symbols.sh LIBRARY SYMS_FILE
set -eu
lib=$1
want=$2
got=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^SGLHOST_' | sed 's/@.*//' | sort)
if [ "$got" = "$(sort "$want")" ]; then
	echo "ok: $(echo "$got" | wc -l) exported symbols match $want"
	exit 0
fi
echo "exported symbols differ from $want (< listed, > exported):"
echo "$got" | diff "$want" - || true
exit 1
