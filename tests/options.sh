# shellcheck shell=sh
# Sourced by the application scripts (tests/openarena.sh, bench/gears.sh,
# bench/glmark.sh, bench/stk.sh): their option parsing.
#
# options USAGE MIN MAX SPEC "$@": SPEC is FLAG:VAR words ("n:runs t:secs"):
# each option -FLAG VALUE sets VAR to VALUE. Then at least MIN and at most
# MAX operands (MAX empty: no limit) must follow the options, which the
# caller drops with `shift "$options_used"`. An unknown option or a wrong
# count of operands prints USAGE on stderr and exits 2.
options() {
	opt_usage=$1 opt_min=$2 opt_max=$3 opt_spec=$4
	shift 4
	opt_string=
	for opt_w in $opt_spec; do
		opt_string=$opt_string${opt_w%%:*}:
	done
	OPTIND=1
	while getopts "$opt_string" opt_flag; do
		opt_var=
		for opt_w in $opt_spec; do
			[ "${opt_w%%:*}" = "$opt_flag" ] && opt_var=${opt_w#*:}
		done
		[ -n "$opt_var" ] || { echo "$opt_usage" >&2; exit 2; }
		eval "$opt_var=\$OPTARG"
	done
	options_used=$((OPTIND - 1))
	shift "$options_used"
	if [ $# -lt "$opt_min" ] || { [ -n "$opt_max" ] && [ $# -gt "$opt_max" ]; }; then
		echo "$opt_usage" >&2
		exit 2
	fi
}
