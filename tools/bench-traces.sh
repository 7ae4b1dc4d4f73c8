# bench-traces.sh: the traces make bench replays, sourced by bench.sh
# (with $mode quick or full) and check-all.sh.  Generates the workloads
# into $out (once; they are deterministic) in the binary form
# ($out/NAME.kmb.zst), converts the shipped recordings of real programs
# (workloads/traces/) to it, and sets $traces to those files,
# comma-separated.  A binary trace holds the same events and is decoded
# about three times as fast as text: a third of a replay's time on the
# largest traces (docs/replay-speed.md).  The text forms stay for people
# to read: text_forms converts each generated trace back to
# $out/NAME.kmt.zst, byte for byte what the generator writes as text,
# and bench.sh runs it beside the matrix, which needs only the binary.
# A conversion older than its text is made again.
gen() {
	name=$1
	shift
	# A binary form that is not zstd (an interrupted or foreign file)
	# is made again.
	if [ -s "$out/$name.kmb.zst" ] && [ "$(head -c 4 "$out/$name.kmb.zst" |
	    od -An -tx1 | tr -d ' \n')" != 28b52ffd ]; then
		rm -f "$out/$name.kmb.zst"
	fi
	if [ ! -s "$out/$name.kmb.zst" ]; then
		echo "bench: generating $out/$name.kmb.zst" >&2
		echo "$name${*:+ $*}" >>"$generate"
	fi
	# The text form, from before kmtrace 2 (no end line), written as
	# plain text under this name (make bench did until the generator
	# was told a name ending in .zst), or older than the binary form,
	# is made again from the binary.
	if [ -s "$out/$name.kmt.zst" ] && { "$kmbench" run --parse-only \
	    "$out/$name.kmt.zst" 2>&1 >/dev/null | grep -q 'kmtrace 1' ||
	    [ "$(head -c 4 "$out/$name.kmt.zst" | od -An -tx1 |
	    tr -d ' \n')" != 28b52ffd ]; }; then
		rm -f "$out/$name.kmt.zst"
	fi
	echo "$out/$name.kmb.zst $out/$name.kmt.zst" >>"$totext"
	traces="$traces${traces:+,}$out/$name.kmb.zst"
}
# Replay TEXT (a .kmt.zst) as $out/NAME.kmb.zst, converted below.
tobin() {
	bname=$(basename "$1" .kmt.zst)
	if [ ! -s "$out/$bname.kmb.zst" ] || [ "$1" -nt "$out/$bname.kmb.zst" ]
	then
		echo "$1 $out/$bname.kmb.zst" >>"$convert"
	fi
	traces="$traces${traces:+,}$out/$bname.kmb.zst"
}
# The text forms of the generated traces that are missing or older than
# their binary forms, two at a time, each run as "$@ kmbench convert"
# (bench.sh: nice -n 19); each is written whole or not at all.
text_forms() {
	while read -r bin txt; do
		if [ ! -s "$txt" ] || [ "$bin" -nt "$txt" ]; then
			echo "$bin $txt"
		fi
	done <"$totext" | xargs -P 2 -L 1 "$@" "$kmbench" convert || {
		echo "bench: kmbench convert (the text forms) failed" >&2
		rm -f "$totext"
		return 1
	}
	rm -f "$totext"
}
traces=""
mkdir -p "$out"
convert=$(mktemp "${TMPDIR:-/tmp}/kmbench-convert.XXXXXX")
generate=$(mktemp "${TMPDIR:-/tmp}/kmbench-generate.XXXXXX")
totext=$(mktemp "${TMPDIR:-/tmp}/kmbench-totext.XXXXXX")
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
# Two generators at a time, then two conversions; each output is moved
# or written into place only when whole.
export kmbench out
if [ -s "$generate" ] && ! xargs -P 2 -L 1 sh -c '"$kmbench" gen "$0" "$@" \
    -o "$out/$0.tmp.kmb.zst" && mv "$out/$0.tmp.kmb.zst" \
    "$out/$0.kmb.zst"' <"$generate"; then
	rm -f "$convert" "$generate" "$totext"
	echo "bench: kmbench gen failed" >&2
	exit 1
fi
rm -f "$generate"
if [ -s "$convert" ]; then
	echo "bench: converting $(wc -l <"$convert") traces to binary" >&2
	xargs -P 2 -L 1 "$kmbench" convert <"$convert" || {
		rm -f "$convert" "$totext"
		echo "bench: kmbench convert failed" >&2
		exit 1
	}
fi
rm -f "$convert"
