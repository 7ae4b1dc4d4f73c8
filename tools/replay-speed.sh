#!/bin/sh
#
# replay-speed.sh: how fast kmbench replays, in events a second.
#
# Regenerates 10-million-event traces in text (.kmt) and binary (.kmb)
# form, then times, RUNS times each and taking the median:
#   run --parse-only                      (the parse lower bound)
#   run --no-latency --no-probes, and with the probes, for each strategy
# and prints a table of events a second and the ratios the targets of
# docs/replay-speed.md are about.  Runs without and with the probes
# alternate, and on/off is the median of the RUNS pairs' ratios, so
# that the host's speed drifting between runs cancels out.  With RSS=1
# it also compares the peak RSS of a 10M and a 100M event flat-memory
# trace (slow: writes ~600 MB).
#
# Environment: KMBENCH (./kmbench), DIR (/tmp/kmbench-replay-speed),
# RUNS (5), MACHINE (i386-64M), STRATEGIES (all), TRACES (fd-server
# intr-load), RSS (0).
#
set -eu

KMBENCH=${KMBENCH:-./kmbench}
DIR=${DIR:-/tmp/kmbench-replay-speed}
RUNS=${RUNS:-5}
MACHINE=${MACHINE:-i386-64M}
STRATEGIES=${STRATEGIES:-$($KMBENCH strategies | awk 'NF && !/:$/ { print $1 }')}
TRACES=${TRACES:-fd-server intr-load}
RSS=${RSS:-0}

mkdir -p "$DIR"

# The generator parameters that give 10 million events.
params()
{
	case $1 in
	fd-server)	echo "--param conns=5000000" ;;
	intr-load)	echo "--param seconds=500" ;;
	pr14721)	echo "--param fds=10000000" ;;
	*)		echo "replay-speed.sh: no 10M parameters for $1" >&2
			exit 1 ;;
	esac
}

gen()
{
	# $1 generator, $2 output; the generator writes .kmb as binary.
	[ -s "$2" ] || $KMBENCH gen "$1" $(params "$1") -o "$2" >/dev/null
}

now()
{
	date +%s%N
}

# The median of column COL of FILE, divided by DIV, in printf FORMAT.
colmedian()
{
	sort -g -k "$2,$2" "$1" | awk -v c="$2" -v d="$3" -v f="$4" '
	    { t[NR] = $c }
	    END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf f "\n", m / d }'
}

# Median wall time in seconds of RUNS runs of "$@".
median()
{
	i=0
	: > "$DIR/times"
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		echo $(( t1 - t0 )) >> "$DIR/times"
		i=$((i + 1))
	done
	colmedian "$DIR/times" 1 1e9 %.3f
}

# Median wall times of RUNS alternating runs of "$1" and "$2" (each a
# quoted command line), and the median of their ratios, second over
# first: "T1 T2 RATIO".
paired()
{
	i=0
	: > "$DIR/pairs"
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		$1 >/dev/null
		t1=$(now)
		$2 >/dev/null
		t2=$(now)
		echo $(( t1 - t0 )) $(( t2 - t1 )) |
		    awk '{ print $1, $2, $2 / $1 }' >> "$DIR/pairs"
		i=$((i + 1))
	done
	echo "$(colmedian "$DIR/pairs" 1 1e9 %.3f)" \
	    "$(colmedian "$DIR/pairs" 2 1e9 %.3f)" \
	    "$(colmedian "$DIR/pairs" 3 1 %.2f)"
}

events()
{
	$KMBENCH run --parse-only --json "$1" |
	    sed 's/.*"events":\([0-9]*\).*/\1/'
}

rate()
{
	awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f", n / s / 1e6 }'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

printf '%-10s %-4s %-11s %8s %8s %8s %8s %6s %6s\n' trace form strategy \
    "off(s)" "Mev/s" "on(s)" "Mev/s" on/off x-parse
for tr in $TRACES; do
	gen "$tr" "$DIR/$tr.kmt"
	gen "$tr" "$DIR/$tr.kmb"
	n=$(events "$DIR/$tr.kmb")
	for form in kmt kmb; do
		f=$DIR/$tr.$form
		p=$(median $KMBENCH run --parse-only "$f")
		printf '%-10s %-4s %-11s %8s %8s\n' "$tr" "$form" \
		    "parse-only" "$p" "$(rate "$n" "$p")"
		for s in $STRATEGIES; do
			run="$KMBENCH run --brief --no-latency --strategy $s"
			run="$run --machine $MACHINE"
			set -- $(paired "$run --no-probes $f" "$run $f")
			printf '%-10s %-4s %-11s %8s %8s %8s %8s %6s %6s\n' \
			    "$tr" "$form" "$s" "$1" "$(rate "$n" "$1")" \
			    "$2" "$(rate "$n" "$2")" "$3" "$(ratio "$1" "$p")"
		done
	done
done

if [ "$RSS" = 1 ]; then
	$KMBENCH gen fd-server --param conns=5000000 -o "$DIR/rss10m.kmb" \
	    >/dev/null
	$KMBENCH gen fd-server --param conns=50000000 -o "$DIR/rss100m.kmb" \
	    >/dev/null
	for f in rss10m rss100m; do
		/usr/bin/time -f "%M" -o "$DIR/$f.rss" $KMBENCH run --brief \
		    --strategy panic-only --machine "$MACHINE" \
		    "$DIR/$f.kmb" >/dev/null
		echo "$f: $(events "$DIR/$f.kmb") events, peak RSS" \
		    "$(cat "$DIR/$f.rss") KB"
	done
	rm -f "$DIR/rss100m.kmb"
fi
