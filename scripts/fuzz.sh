#!/bin/sh
# Bounded libFuzzer runs (fuzz/README.md): fuzz_submit on
# sglhost_context_submit(), and the transports' guest-facing parsers
# (fuzz_virtqueue: vhost-user-vsock rings and packets; fuzz_vhost_user:
# vhost-user control messages; fuzz_session: the session protocol;
# fuzz_shm_guest: the guest's side of the shm transport, hostile host).
#
# Builds build-fuzz/ with clang, ASan, UBSan and libFuzzer coverage over the
# whole library, writes each target's seeds (the round-trip test's batches
# for submit, the fuzz_replay_* programs for the others), and fuzzes them in
# turn. Exits 0 when no crash was found, 1 when one was (the reproducer is
# kept under build-fuzz/fuzz-artifacts/), 2 when it could not run.
#
# Environment:
#   FUZZ_SECONDS  total fuzzing time in seconds (default 90): submit gets
#                 half, the other targets share the rest (45, then 11 each)
#   FUZZ_TARGETS  targets to run (default "submit virtqueue vhost_user
#                 session shm_guest"); one target alone gets all of
#                 FUZZ_SECONDS
#   FUZZ_TIMEOUT  seconds one input may run before it counts as a timeout (10)
#   FUZZ_STRICT   1: fail on timeouts and out-of-memory inputs as well
#   FUZZ_LEAKS    1: also detect leaks (off by default: LeakSanitizer's
#                 stop-the-world fails now and then in a process full of
#                 llvmpipe threads, which would make CI fail at random)
#   FUZZ_CORPUS   corpus directory, kept between runs; each target grows
#                 FUZZ_CORPUS/<target> (default build-fuzz/fuzz-corpus)
#   FUZZ_BUILD    build directory (default build-fuzz)
set -eu
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-90}
targets=${FUZZ_TARGETS:-submit virtqueue vhost_user session shm_guest}
timeout_s=${FUZZ_TIMEOUT:-10}
strict=${FUZZ_STRICT:-0}
leaks=${FUZZ_LEAKS:-0}
build=${FUZZ_BUILD:-build-fuzz}
corpus=${FUZZ_CORPUS:-$build/fuzz-corpus}

say() { echo "fuzz: $*"; }
die() { echo "fuzz: $*" >&2; exit 2; }

for t in $targets; do
	case $t in submit | virtqueue | vhost_user | session | shm_guest) ;; *) die "unknown target $t" ;; esac
done
for v in "$seconds" "$timeout_s"; do
	case $v in '' | *[!0-9]*) die "FUZZ_SECONDS and FUZZ_TIMEOUT must be numbers" ;; esac
done

# ---- What the build needs beyond the plain one: clang, its libFuzzer and
# sanitizer runtimes (libclang-rt-N-dev on Debian), cmocka for the tests
# that write the seeds.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
apt_install() {
	command -v apt-get >/dev/null 2>&1 || die "missing: $*; install them (no apt-get here)"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "missing: $*; install them as root"
		sudo="sudo"
	fi
	say "installing $*"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v clang >/dev/null 2>&1; then
	apt_install clang
fi
clang_major=$(clang -dumpversion | cut -d. -f1)
if command -v dpkg-query >/dev/null 2>&1; then
	missing=""
	for p in "libclang-rt-$clang_major-dev" libcmocka-dev; do
		installed "$p" || missing="$missing $p"
	done
	# shellcheck disable=SC2086
	[ -z "$missing" ] || apt_install $missing
fi

# ---- Build. Everything is instrumented (-fsanitize=fuzzer-no-link gives
# the fuzzer coverage of the decoder; ASan/UBSan catch the bugs); only the
# fuzzer and the seed writer are built.
opts="-Dfuzzer=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false"
cflags="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
blog=${TMPDIR:-/tmp}/sglfuzz-build.$$.log
built() {
	[ "$1" -eq 0 ] && { rm -f "$blog"; return 0; }
	tail -n 40 "$blog" >&2
	rm -f "$blog"
	die "$2 failed"
}
if [ -f "$build/build.ninja" ]; then
	if ! grep -A1 '^rule c_COMPILER$' "$build/build.ninja" | grep -q 'command = .*clang'; then
		die "$build/ was configured with another compiler than clang; remove it"
	fi
	# shellcheck disable=SC2086
	meson configure "$build" $opts "-Dc_args=$cflags" >"$blog" 2>&1 && r=0 || r=$?
	built "$r" "meson configure $build"
else
	# shellcheck disable=SC2086
	CC=clang meson setup "$build" $opts "-Dc_args=$cflags" >"$blog" 2>&1 && r=0 || r=$?
	built "$r" "meson setup $build"
fi
# Only the fuzzers and the seed writers are built.
bins=""
for t in $targets; do
	case $t in
	submit) bins="$bins fuzz/fuzz_submit tests/test_roundtrip" ;;
	*) bins="$bins fuzz/fuzz_$t tests/fuzz_replay_$t" ;;
	esac
done
# shellcheck disable=SC2086
ninja -C "$build" $bins >"$blog" 2>&1 && r=0 || r=$?
built "$r" "building $build"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sglfuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
artifacts=$build/fuzz-artifacts/$(date +%Y%m%d-%H%M%S)
mkdir -p "$artifacts"

# ---- Seeds of fuzz_submit: every batch the round-trip test encodes (one
# per generated command), prefixed with the fuzzer's context selector 0 (GL
# compat: the profile where the most commands reach the driver).
submit_seeds() {
	mkdir "$tmp/raw"
	if ! write_seeds "$build/tests/test_roundtrip" "$build/roundtrip-seeds.log"; then
		n=$(find "$tmp/raw" -type f | wc -l)
		say "warning: $build/tests/test_roundtrip failed after $n seeds (a sanitizer report" \
			"in the test? see $build/roundtrip-seeds.log)"
		# The batches do not depend on the build: an uninstrumented test
		# binary writes the same ones.
		if [ -x build/tests/test_roundtrip ]; then
			say "writing the seeds with build/tests/test_roundtrip instead"
			write_seeds build/tests/test_roundtrip "$build/roundtrip-seeds-plain.log" ||
				say "warning: build/tests/test_roundtrip failed too; fuzzing anyway"
		fi
	fi
	for f in "$tmp/raw"/*; do
		[ -f "$f" ] || continue
		{ printf '\000'; cat "$f"; } >"$1/${f##*/}"
	done
}
write_seeds() {
	SGL_WRITE_SEEDS=$tmp/raw ASAN_OPTIONS=detect_leaks=0 EGL_PLATFORM=surfaceless \
		"$1" >"$2" 2>&1
}

# ---- One target: libFuzzer first runs every corpus input and seed (so a
# change that makes an old input crash is caught), then mutates until its
# time has passed. Some valid GL runs long (a draw of a billion points on
# llvmpipe) or allocates much: libFuzzer stops on such an input as a
# timeout/OOM; it is recorded, and fuzzing resumes for the time left (not
# with FUZZ_STRICT=1). Crashes, sanitizer reports and leaks fail the run.
# `timeout` is a backstop only: libFuzzer stops by itself.
# fuzz_target NAME SECONDS: sets $rc, $fail, $slow; appends to $summary.
summary=""
fuzz_target() {
	name=$1 tseconds=$2
	fuzzer=$build/fuzz/fuzz_$name
	seeds=$tmp/seeds-$name
	tcorpus=$corpus/$name
	mkdir -p "$seeds" "$tcorpus"
	if [ "$name" = submit ]; then
		submit_seeds "$seeds"
	else
		ASAN_OPTIONS=detect_leaks=0 EGL_PLATFORM=surfaceless \
			"$build/tests/fuzz_replay_$name" --seeds "$seeds" ||
			die "$build/tests/fuzz_replay_$name could not write the seeds"
	fi
	nseeds=$(find "$seeds" -type f | wc -l)
	[ "$nseeds" -gt 0 ] || die "no seeds for fuzz_$name"
	# The transport inputs are small messages; longer ones only slow
	# the fuzzer down (fuzz_virtqueue's carry a memory image).
	case $name in
	submit) maxlen="" ;;
	virtqueue) maxlen="-max_len=70000" ;;
	*) maxlen="-max_len=8192" ;;
	esac
	before=$(find "$tcorpus" -type f | wc -l)
	log=$artifacts/fuzz-$name.log
	: >"$log"
	say "fuzz_$name: $nseeds seeds, $before inputs in $tcorpus; fuzzing for $tseconds s"
	start=$(date +%s)
	rounds=0
	slow=0
	while :; do
		left=$((start + tseconds - $(date +%s)))
		[ "$left" -gt 0 ] || left=1
		rounds=$((rounds + 1))
		echo "==== round $rounds: -max_total_time=$left" >>"$log"
		set +e
		# shellcheck disable=SC2086
		EGL_PLATFORM=surfaceless timeout -k 10 $((left + 2 * timeout_s + 300)) \
			"$fuzzer" -max_total_time="$left" -timeout="$timeout_s" -rss_limit_mb=4096 \
			-detect_leaks="$leaks" $maxlen \
			-artifact_prefix="$artifacts/$name-" -print_final_stats=1 \
			"$tcorpus" "$seeds" >"$tmp/round.log" 2>&1
		rc=$?
		set -e
		cat "$tmp/round.log" >>"$log"
		if [ "$rc" -eq 0 ]; then
			break
		elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			say "warning: libFuzzer did not stop by itself and was killed (a very large corpus?)"
			break
		elif grep -q -e '^==[0-9]*== ERROR: libFuzzer: timeout' \
			-e '^==[0-9]*== ERROR: libFuzzer: out-of-memory' "$tmp/round.log"; then
			slow=$((slow + 1))
			what=$(grep -o -m 1 -e 'ERROR: libFuzzer: [a-z-]*' "$tmp/round.log")
			say "round $rounds stopped on ${what#ERROR: libFuzzer: } (expensive GL, see fuzz/README.md)"
			[ "$strict" != 1 ] || { fail=1; break; }
			# Resuming replays the corpus first: only worth it with time left.
			[ $((start + tseconds - $(date +%s))) -ge 20 ] || break
		else
			fail=1
			break
		fi
	done

	after=$(find "$tcorpus" -type f | wc -l)
	execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{n += $2} END {print n + 0}')
	elapsed=$(($(date +%s) - start))
	line="fuzz_$name: $execs inputs run in $elapsed s ($((execs / (elapsed > 0 ? elapsed : 1))) per second), $rounds round(s); corpus $before -> $after inputs"
	say "$line"
	summary="$summary
fuzz: $line"
	grep -h -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE) ' "$log" | tail -n 1 | sed 's/^/fuzz: last: /'
	if [ "$slow" -gt 0 ]; then
		say "expensive inputs (timeout-*/oom-*, when libFuzzer wrote them):"
		find "$artifacts" -type f \( -name "$name-timeout-*" -o -name "$name-oom-*" \
			-o -name "$name-slow-unit-*" \) | sed 's/^/fuzz:   /'
	fi
}

# ---- The time: submit half, the others share the rest.
ntargets=$(echo "$targets" | wc -w)
fail=0
rc=0
for t in $targets; do
	if [ "$ntargets" -eq 1 ]; then
		tsec=$seconds
	elif [ "$t" = submit ]; then
		tsec=$((seconds / 2))
	elif echo " $targets " | grep -q ' submit '; then
		tsec=$(((seconds - seconds / 2) / (ntargets - 1)))
	else
		tsec=$((seconds / ntargets))
	fi
	[ "$tsec" -gt 0 ] || tsec=1
	fuzz_target "$t" "$tsec"
	[ "$fail" -eq 0 ] || break
done
[ -z "$summary" ] || echo "fuzz: summary:$summary"

if [ "$fail" -ne 0 ]; then
	echo "fuzz: fuzz_$name FAILED (libFuzzer exit status $rc); the end of $log:" >&2
	grep -v -e '^Mesa .* implementation error' -e '^Please report at' "$tmp/round.log" |
		tail -n 80 >&2
	art=$(find "$artifacts" -type f -name "$name-leak-*" | head -n 1)
	if [ -n "$art" ]; then
		# Leak stacks from the fast unwinder end at the first driver frame
		# (Debian's Mesa has no frame pointers): replay with the slow one.
		echo "fuzz: $art replayed with the slow unwinder:" >&2
		ASAN_OPTIONS=fast_unwind_on_malloc=0 EGL_PLATFORM=surfaceless \
			timeout -k 5 120 "$fuzzer" "$art" 2>&1 |
			sed -n '/ERROR: LeakSanitizer/,/^SUMMARY/p' | head -n 60 >&2 || :
	fi
	echo "fuzz: reproducers in $artifacts/; replay one with: $fuzzer FILE" >&2
	exit 1
fi
say "no crash found; logs in $artifacts/"
