#!/bin/sh
# The installed headers compile alone, included twice, as C and as C++,
# without warnings. Usage: check_headers.sh INCLUDE_DIR HEADER...
# Compilers: $CC (cc) and $CXX (c++); exit 77 (skipped) without a C++ one.
set -eu
inc=$1
shift
cc=${CC:-cc}
cxx=${CXX:-c++}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
command -v "${cxx##* }" >/dev/null 2>&1 || { echo "skip: no C++ compiler ($cxx)"; exit 77; }
n=0
for h in "$@"; do
	h=$(basename "$h")
	printf '#include <%s>\n#include <%s>\nint sgl_header_check_%s;\n' "$h" "$h" "$n" >"$dir/t.c"
	$cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$inc" -c "$dir/t.c" -o "$dir/t.o" ||
		{ echo "not ok: $h as C"; exit 1; }
	cp "$dir/t.c" "$dir/t.cpp"
	$cxx -std=c++11 -Wall -Wextra -Werror -pedantic -I"$inc" -c "$dir/t.cpp" -o "$dir/t.o" ||
		{ echo "not ok: $h as C++"; exit 1; }
	echo "ok: $h (C11 and C++11, included twice)"
	n=$((n + 1))
done
