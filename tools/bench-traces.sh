# bench-traces.sh: the traces make bench replays, sourced by bench.sh
# (with $mode quick or full) and check-all.sh.  Generates the workloads
# into $out (once; they are deterministic), each in the binary form
# ($out/NAME.kmb.zst) that the cases replay and in the text form
# ($out/NAME.kmt.zst) for people to read, both written by the generator
# (the binary the same bytes as a conversion of the text); converts the
# shipped recordings of real programs (workloads/traces/) to the binary
# form; and sets $traces to the binary files, comma-separated.  A binary
# trace holds the same events and is decoded about three times as fast
# as text: a third of a replay's time on the largest traces
# (docs/replay-speed.md).  A conversion older than its text is made
# again.
gen() {
	name=$1
	shift
	# A form that is not zstd (an interrupted or foreign file) is made
	# again; so is a text form from before kmtrace 2 (no end line), or
	# one written as plain text under this name (make bench did until
	# the generator was told a name ending in .zst: every case hashed
	# 55 MB of pr14721 where it now hashes 1.3).
	for f in "$out/$name.kmt.zst" "$out/$name.kmb.zst"; do
		if [ -s "$f" ] && { [ "$(head -c 4 "$f" | od -An -tx1 |
		    tr -d ' \n')" != 28b52ffd ] || { [ "${f%.kmt.zst}" != "$f" ] &&
		    "$kmbench" run --parse-only "$f" 2>&1 >/dev/null |
		    grep -q 'kmtrace 1'; }; }; then
			rm -f "$f"
		fi
		if [ ! -s "$f" ]; then
			echo "bench: generating $f" >&2
			echo "gen $f $name${*:+ $*}" >>"$jobs"
		fi
	done
	traces="$traces${traces:+,}$out/$name.kmb.zst"
}
# Replay TEXT (a .kmt.zst) as $out/NAME.kmb.zst, converted below.
tobin() {
	bname=$(basename "$1" .kmt.zst)
	if [ ! -s "$out/$bname.kmb.zst" ] || [ "$1" -nt "$out/$bname.kmb.zst" ]
	then
		echo "convert $out/$bname.kmb.zst $1" >>"$jobs"
		nconvert=$((nconvert + 1))
	fi
	traces="$traces${traces:+,}$out/$bname.kmb.zst"
}
traces=""
nconvert=0
mkdir -p "$out"
jobs=$(mktemp "${TMPDIR:-/tmp}/kmbench-traces.XXXXXX")
gen pr14721
gen fd-server
gen fork-server
gen amap-storm
gen heap-growth
gen intr-load
gen under-attack
# And the recordings of real programs that ship with kmbench
# (workloads/traces/README.md).  linux-build, 1.5 million events, only
# when $mode is full (make bench-full): at 5 repetitions of every
# strategy on every machine it alone would take make bench past its 3
# minutes on 2 cores.  make check-traces leaves it out likewise (its
# TRACES may name it).
for t in workloads/traces/*.kmt.zst; do
	case $t in
	*/linux-build.kmt.zst) [ "${mode:-quick}" = full ] || continue ;;
	esac
	tobin "$t"
done
[ "$nconvert" -eq 0 ] ||
    echo "bench: converting $nconvert traces to binary" >&2
# Two at a time, the longest first (under-attack's text, then
# pr14721's), each line "gen OUT NAME PARAMS..." or "convert OUT IN";
# each output is moved or written into place only when whole (a
# generator's through a temporary name that keeps OUT's ending).
export kmbench out
if [ -s "$jobs" ] && ! { grep "under-attack.kmt" "$jobs"
    grep "pr14721.kmt" "$jobs"
    grep -v "under-attack.kmt\|pr14721.kmt" "$jobs"; } |
    xargs -P 2 -L 1 sh -c 'what=$0 dst=$1; shift
	case $what in
	gen)
		tmp=$(dirname "$dst")/tmp.$(basename "$dst")
		"$kmbench" gen "$@" -o "$tmp" && mv "$tmp" "$dst" ;;
	convert)
		"$kmbench" convert "$1" "$dst" ;;
	esac'; then
	rm -f "$jobs"
	echo "bench: making the traces failed" >&2
	exit 1
fi
rm -f "$jobs"
