# bench-phase.sh: the wall and CPU time of each phase of make bench,
# on stderr, sourced by bench.sh.  "phase NAME" ends the phase that
# began at the last call (or when this file was sourced) and names it;
# the CPU time is that of the commands the shell ran and waited for
# (POSIX times: children's user and system).  "phase_total" prints the
# sum.  The build, run by make before bench.sh, is timed by the
# Makefile the same way (tools/bench-phase.sh build COMMAND...).

# Now, in ns.  phase_cpu sets phase_cpu to the children's user and
# system CPU time as times(1) prints it ("0m1.410000s 0m0.020000s"):
# times is run in this shell, not in a command substitution, whose
# subshell has no children.
phase_now() {
	date +%s%N
}
phase_tmp=${TMPDIR:-/tmp}/kmbench-phase.$$
phase_cpu() {
	times >"$phase_tmp"
	{ read -r _ _; read -r phase_cpu; } <"$phase_tmp"
	rm -f "$phase_tmp"
}

phase_t0=$(phase_now)
phase_cpu
phase_c0=$phase_cpu
phase_start=$phase_t0
phase_cstart=$phase_c0

# Print NAME T0 T1 "U0 S0" "U1 S1".
phase_print() {
	echo "$1 $2 $3 $4 $5" | awk 'function s(t,  a) {
		split(t, a, "m"); return a[1] * 60 + a[2] }
	    { printf "bench: phase %-9s %6.1f s wall, %6.1f s user, " \
		"%5.1f s sys\n", $1, ($3 - $2) / 1e9, s($6) - s($4),
		s($7) - s($5) }' >&2
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
	    "$phase_cpu"
}

# Run as a script: "sh tools/bench-phase.sh NAME COMMAND...": time one
# command as a phase of its own (the Makefile's build).
case $0 in
*bench-phase.sh)
	name=$1
	shift
	"$@"
	phase "$name"
	;;
esac
