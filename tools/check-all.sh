#!/bin/sh
# check-all.sh: what make check-traces runs.  Replays every trace make
# bench replays (tools/bench-traces.sh) under every strategy on every
# machine profile with kmbench run --check, which verifies every
# invariant of docs/invariants.md after every event.  Prints a line per
# case and, at the end, the cases, the events replayed under --check
# and every violation.  Exit status 1 on a violation or a failed case.
#
# Environment: KMBENCH (default ./kmbench), JOBS (cases at once,
# default 1), and to narrow the sweep STRATEGIES, MACHINES, TRACES
# (space-separated; by default all).  Smallest traces first.
set -u
if [ "${1:-}" = "--case" ]; then
	# One case: sh check-all.sh --case BIN DIR TRACE STRATEGY MACHINE
	bin=$2 dir=$3 t=$4 s=$5 m=$6
	f=$dir/$(echo "$s-$m-$t" | tr '/' '_')
	"$bin" run --check --json --no-latency --strategy "$s" \
	    --machine "$m" "$t" >"$f.json" 2>"$f.err"
	rc=$?
	ev=$(grep -o '"events":[0-9]*' "$f.json" | head -n 1 | cut -d: -f2)
	if [ $rc -eq 0 ] && [ -n "$ev" ]; then
		line="ok $ev $s $m $t"
	elif grep -q "invariant broken" "$f.err"; then
		line="VIOLATION $s $m $t: $(head -n 1 "$f.err")"
	else
		line="FAILED $s $m $t: exit $rc: $(head -n 1 "$f.err")"
	fi
	rm -f "$f.json" "$f.err"
	echo "$line" >>"$dir/results"
	echo "check-all: $line" >&2
	exit 0
fi

kmbench=${KMBENCH:-./kmbench}
out=bench-out
jobs=${JOBS:-1}
[ -x "$kmbench" ] || { echo "check-all: no $kmbench (make)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/check-all.XXXXXX) || exit 2
# A copy of the binary: a rebuild during the run does not mix binaries.
cp "$kmbench" "$tmp/kmbench" || exit 2
t0=$(date +%s)

summary() {
	r=$tmp/results
	touch "$r"
	ncases=$(wc -l <"$r")
	events=$(awk '$1 == "ok" { n += $2 } END { printf "%d", n }' "$r")
	nviol=$(grep -c '^VIOLATION' "$r")
	nfail=$(grep -c '^FAILED' "$r")
	grep -v '^ok' "$r" | sed 's/^/check-all: /'
	echo "check-all: $ncases of $total cases, $events events replayed" \
	    "under --check, $nviol violations, $nfail failed, in" \
	    "$(($(date +%s) - t0)) s"
	rm -rf "$tmp"
	[ "$ncases" -eq "$total" ] && [ "$nviol" -eq 0 ] && [ "$nfail" -eq 0 ]
}
total=0
# ^C reaches the cases too; the summary counts those finished.
trap 'echo "check-all: interrupted" >&2; summary; exit 130' INT TERM

if [ -z "${TRACES:-}" ]; then
	. tools/bench-traces.sh
	TRACES=$(echo "$traces" | tr ',' ' ')
fi
STRATEGIES=${STRATEGIES:-$("$tmp/kmbench" strategies | awk 'NF && !/:$/ { print $1 }')}
MACHINES=${MACHINES:-$(ls machines)}
# shellcheck disable=SC2086
TRACES=$(ls -1rS $TRACES)		# smallest first
for t in $TRACES; do
	for m in $MACHINES; do
		for s in $STRATEGIES; do
			echo "$t $s $m"
		done
	done
done >"$tmp/cases"
total=$(wc -l <"$tmp/cases")
echo "check-all: $total cases ($(echo $STRATEGIES | wc -w) strategies," \
    "$(echo $MACHINES | wc -w) machines, $(echo $TRACES | wc -w) traces)," \
    "$jobs at a time" >&2
# shellcheck disable=SC2016
xargs -P "$jobs" -n 3 sh -c 'exec sh "$0" --case "$1" "$2" "$3" "$4" "$5"' \
    "$0" "$tmp/kmbench" "$tmp" <"$tmp/cases" || true
summary
