# bench-phase.sh: the wall and CPU time of each phase of make bench,
# on stderr, sourced by bench.sh.  "phase NAME" ends the phase that
# began at the last call (or when this file was sourced) and names it;
# the CPU time is that of the commands the shell ran and waited for
# (POSIX times: children's user and system).  "phase_total" prints the
# sum.  The build, run by make before bench.sh, is timed the same way
# by the Makefile ("sh tools/bench-phase.sh build COMMAND..."), which
# leaves its start and CPU time in the file $KMBENCH_PHASES; bench.sh,
# given the same file, counts the build in its total.

# Now, in ns.  phase_cpu sets phase_cpu to the children's user and
# system CPU time in seconds ("1.41 0.02"), from what times(1) prints
# ("0m1.410000s 0m0.020000s"): times is run in this shell, not in a
# command substitution, whose subshell has no children.
phase_now() {
	date +%s%N
}
phase_tmp=${TMPDIR:-/tmp}/kmbench-phase.$$
phase_cpu() {
	times >"$phase_tmp"
	phase_cpu=$(awk 'function s(t,  a) { split(t, a, "m")
		return a[1] * 60 + a[2] } NR == 2 { print s($1), s($2) }' \
	    "$phase_tmp")
	rm -f "$phase_tmp"
}

phase_t0=$(phase_now)
phase_cpu
phase_c0=$phase_cpu
phase_start=$phase_t0
phase_cstart=$phase_c0
# CPU seconds spent before this shell's phases (the Makefile's build).
phase_cpre="0 0"
if [ -n "${KMBENCH_PHASES:-}" ] && [ -s "$KMBENCH_PHASES" ]; then
	read -r phase_start phase_cpre <"$KMBENCH_PHASES"
fi

# Print NAME T0 T1 "U0 S0" "U1 S1" ["U S" more CPU].
phase_print() {
	echo "$1 $2 $3 $4 $5 ${6:-0 0}" | awk '{
	    printf "bench: phase %-9s %6.1f s wall, %6.1f s user, " \
		"%5.1f s sys\n", $1, ($3 - $2) / 1e9, $6 - $4 + $8,
		$7 - $5 + $9 }' >&2
}

phase() {
	phase_t1=$(phase_now)
	phase_cpu
	phase_print "$1" "$phase_t0" "$phase_t1" "$phase_c0" "$phase_cpu"
	phase_t0=$phase_t1
	phase_c0=$phase_cpu
}

phase_total() {
	phase_t1=$(phase_now)
	phase_cpu
	phase_print total "$phase_start" "$phase_t1" "$phase_cstart" \
	    "$phase_cpu" "$phase_cpre"
}

# "beside NAME COMMAND...": COMMAND in the background, beside the phases,
# timed.  "beside_wait NAME BEFORE AFTER" waits for it, exits with its
# status if it failed, and prints "bench: BEFORE N s wall AFTER".  Its
# CPU time counts in the phase during which the shell reaps it.
beside() {
	_name=$1
	shift
	(
		_t0=$(phase_now)
		_rc=0
		"$@" || _rc=$?
		echo "$_t0 $(phase_now)" >"$phase_tmp.$_name"
		exit "$_rc"
	) &
	eval "beside_$_name=\$!"
}

beside_wait() {
	_rc=0
	eval "wait \"\$beside_$1\"" || _rc=$?
	read -r _t0 _t1 <"$phase_tmp.$1" || true
	rm -f "$phase_tmp.$1"
	[ "$_rc" -eq 0 ] || exit "$_rc"
	awk -v a="$_t0" -v b="$_t1" -v x="$2" -v y="$3" 'BEGIN {
	    printf "bench: %s %.1f s wall %s\n", x, (b - a) / 1e9, y }' >&2
}

# Run as a script: "sh tools/bench-phase.sh NAME COMMAND...": time one
# command as a phase of its own (the Makefile's build), and leave its
# start and CPU seconds in $KMBENCH_PHASES for bench.sh's total.
case $0 in
*bench-phase.sh)
	name=$1
	shift
	"$@"
	phase "$name"
	if [ -n "${KMBENCH_PHASES:-}" ]; then
		echo "$phase_start $phase_cstart $phase_cpu" | awk '{
		    print $1, $4 - $2, $5 - $3 }' >"$KMBENCH_PHASES"
	fi
	;;
esac
