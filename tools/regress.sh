#!/bin/sh
# regress.sh: what make regress runs, the CI gate of docs/regress.md.
# Usage: regress.sh BASE   (from the top of a kmbench git work tree)
#
# Builds commit BASE in a temporary git worktree (removed afterwards,
# also when a step fails or the script is interrupted), runs one fixed
# matrix with BASE's kmbench and with HEAD's (./kmbench, as make regress
# builds it) -- repetition by repetition, the two binaries in turn, so
# that a host that gets busier midway slows both sides alike -- into
# one store, and judges HEAD against BASE with HEAD's kmbench compare.
#
# Exit status: 0 no regression, 1 a deterministic figure changed or a
# latency figure regressed (compare's verdict), 2 no verdict: bad input
# (no BASE, BASE names no commit, BASE is HEAD's own commit, a bad
# REGRESS_* value or trace), BASE does not build, or a matrix, the merge
# or compare failed.  (make itself turns any failure into 2; its
# "Error 1" names the verdict.)
#
# The matrix, each overridable by the environment or make's command line:
#   REGRESS_GEN         generated traces, kmbench gen NAME[:K=V,K=V] each
#                       (default: pr14721, the 2000000-descriptor attack)
#   REGRESS_TRACES      trace files (default: the nginx and PostgreSQL
#                       recordings of workloads/traces)
#   REGRESS_STRATEGIES  comma-separated (default: every strategy)
#   REGRESS_MACHINES    comma-separated (default: i386-16M,i386-64M)
#   REGRESS_REPS        repetitions of every case (default 5: compare
#                       judges latency from 4 a side)
# and the rest:
#   REGRESS_FORMAT      compare's --format: text (default), md, json, junit
#   REGRESS_OUT         write compare's report to this file, not stdout
#   REGRESS_ACCEPT      compare's --accept FIGURE[,FIGURE...]: intended changes
#   REGRESS_DB          the store, made afresh (default bench-out/regress.db;
#                       an existing file without "regress" in its name is
#                       refused, not removed)
#   REGRESS_JOBS        make -j and matrix --jobs (default 2)
# BASE is built with the make variables HEAD was (CC, OPT, CFLAGS on make
# regress's command line or in the environment).
set -u

base=${1:-}
gens=${REGRESS_GEN-pr14721}
traces=${REGRESS_TRACES-workloads/traces/http.kmt.zst workloads/traces/postgres.kmt.zst}
strategies=${REGRESS_STRATEGIES:-}
machines=${REGRESS_MACHINES:-i386-16M,i386-64M}
reps=${REGRESS_REPS:-5}
format=${REGRESS_FORMAT:-text}
out=${REGRESS_OUT:-}
accept=${REGRESS_ACCEPT:-}
db=${REGRESS_DB:-bench-out/regress.db}
jobs=${REGRESS_JOBS:-2}
kmbench=./kmbench

short() {
	echo "$1" | cut -c1-12
}

die() {
	echo "regress: $*" >&2
	exit 2
}

[ -n "$base" ] || die "no BASE: make regress BASE=COMMIT (a commit, branch" \
    "or tag of this repository)"
case $reps in ''|*[!0-9]*|0*) die "REGRESS_REPS '$reps': must be a whole" \
    "number > 0";; esac
case $jobs in ''|*[!0-9]*|0*) die "REGRESS_JOBS '$jobs': must be a whole" \
    "number > 0";; esac
case $format in text|md|json|junit) ;;
*) die "REGRESS_FORMAT '$format': must be text, md, json or junit";; esac
[ -x "$kmbench" ] || die "no $kmbench here: run make regress from the top" \
    "of the source tree"
top=$(git rev-parse --show-toplevel 2>/dev/null) ||
    die "$(pwd) is not in a git work tree"
base_c=$(git rev-parse --verify --quiet --end-of-options "$base^{commit}") ||
    die "BASE '$base' names no commit of this repository"
head_c=$(git rev-parse --verify HEAD) || die "this work tree has no HEAD"
[ "$base_c" != "$head_c" ] || die "BASE '$base' is HEAD's own commit" \
    "$(short "$head_c"): the two builds would be stored under one" \
    "commit; commit the change first, or name an earlier BASE"
for t in $traces; do
	[ -r "$t" ] || die "REGRESS_TRACES: no trace file '$t'"
done
# The store is made afresh: never remove one that is not regress's own.
case ${db##*/} in
*regress*) ;;
*) [ ! -e "$db" ] || die "REGRESS_DB '$db' exists, and regress makes" \
    "its store afresh: name a new file (or one with regress in its name)";;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmbench-regress.XXXXXX") ||
    die "cannot make a temporary directory"
# The long steps run in the background, waited for, so that a signal
# stops the script at once (sh runs a trap only when its foreground
# child is done); the trap stops the step, then cleans up.
child=
run() {
	"$@" &
	child=$!
	wait "$child"
	st=$?
	child=
	return "$st"
}
cleanup() {
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	if [ -d "$tmp/base" ]; then
		git worktree remove --force "$tmp/base" 2>/dev/null
	fi
	rm -rf "$tmp"
	git worktree prune 2>/dev/null
}
trap cleanup EXIT
trap 'echo "regress: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# BASE, built on its own: its sources, its Makefile, its machines/.
echo "regress: building BASE $base ($(short "$base_c")) in a temporary" \
    "worktree" >&2
git worktree add --detach --quiet "$tmp/base" "$base_c" 2>"$tmp/wt.log" ||
    { cat "$tmp/wt.log" >&2; die "cannot check out BASE '$base'"; }
# make's variables (CC, OPT, CFLAGS given to make regress or in the
# environment) reach this build too: both sides are built alike.
if ! run make -C "$tmp/base" -j"$jobs" --no-print-directory kmbench \
    >"$tmp/build.log" 2>&1; then
	tail -n 20 "$tmp/build.log" >&2
	die "BASE '$base' ($(short "$base_c")) does not build"
fi

# The traces, the same bytes for both sides: generated by HEAD's kmbench
# beside the store (their names are the cases' labels, so they are
# given as paths from the top of the tree, where both matrices run).
mkdir -p "$(dirname "$db")" || die "cannot make the directory of $db"
gdir="$(dirname "$db")/regress-traces"
rm -rf "$gdir"
mkdir -p "$gdir" || die "cannot make $gdir"
set --
for g in $gens; do
	name=${g%%:*}
	f="$gdir/$(echo "$g" | tr ':,=/' '-_._').kmt.zst"
	set -- "$@" "$f"
	params=
	if [ "$name" != "$g" ]; then
		params=$(echo "${g#*:}" | tr ',' ' ')
	fi
	gargs=
	for p in $params; do
		gargs="$gargs --param $p"
	done
	# shellcheck disable=SC2086
	"$kmbench" gen "$name" $gargs -o "$f" >/dev/null ||
	    die "REGRESS_GEN '$g': kmbench gen failed"
done
set -- "$@" $traces
[ $# -gt 0 ] || die "no traces: REGRESS_GEN and REGRESS_TRACES are both empty"

rm -f "$db" "$db-wal" "$db-shm"
sopt=
[ -z "$strategies" ] || sopt="--strategies $strategies"

# One repetition more a round, BASE then HEAD; matrix reuses the
# repetitions stored before.
r=1
while [ "$r" -le "$reps" ]; do
	echo "regress: repetition $r of $reps: BASE, then HEAD" >&2
	# shellcheck disable=SC2086
	run env KMBENCH_MACHINES="$tmp/base/machines" "$tmp/base/kmbench" \
	    matrix --db "$tmp/base.db" --jobs "$jobs" --reps "$r" $sopt \
	    --machines "$machines" "$@" >"$tmp/matrix.log" 2>&1 ||
	    { tail -n 5 "$tmp/matrix.log" >&2;
	    die "BASE's kmbench matrix failed"; }
	# shellcheck disable=SC2086
	run env KMBENCH_MACHINES="$top/machines" "$kmbench" matrix --db "$db" \
	    --jobs "$jobs" --reps "$r" $sopt --machines "$machines" "$@" \
	    >"$tmp/matrix.log" 2>&1 ||
	    { tail -n 5 "$tmp/matrix.log" >&2;
	    die "HEAD's kmbench matrix failed"; }
	r=$((r + 1))
done
"$kmbench" merge --force --quiet "$db" "$tmp/base.db" >/dev/null ||
    die "cannot merge BASE's cases into $db"

set -- --db "$db" --format "$format"
[ -z "$accept" ] || set -- "$@" --accept "$accept"
if [ -n "$out" ]; then
	"$kmbench" compare "$@" "$base_c" "$head_c" >"$out"
else
	"$kmbench" compare "$@" "$base_c" "$head_c"
fi
rc=$?
case $rc in
0) echo "regress: no regression from BASE $base ($(short "$base_c")) to" \
    "HEAD ($(short "$head_c")); the store is $db" >&2;;
1) echo "regress: REGRESSION from BASE $base ($(short "$base_c")) to HEAD" \
    "($(short "$head_c")): see ${out:-the figures above}; the store is" \
    "$db" >&2;;
*) echo "regress: kmbench compare failed (exit $rc)" >&2; rc=2;;
esac
exit "$rc"
