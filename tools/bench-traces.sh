# bench-traces.sh: the traces make bench replays, sourced by bench.sh
# and check-all.sh.  Generates the workloads into $out (once; they are
# deterministic) with $kmbench, and sets $traces to every one of them
# and the shipped recordings of real programs (workloads/traces/),
# comma-separated.
gen() {
	name=$1
	shift
	if [ ! -s "$out/$name.kmt.zst" ]; then
		echo "bench: generating $out/$name.kmt.zst" >&2
		"$kmbench" gen "$name" "$@" -o "$out/$name.kmt.zst.tmp"
		mv "$out/$name.kmt.zst.tmp" "$out/$name.kmt.zst"
	fi
	traces="$traces${traces:+,}$out/$name.kmt.zst"
}
traces=""
mkdir -p "$out"
gen pr14721
gen fd-server
gen fork-server
gen amap-storm
gen heap-growth
gen intr-load
gen under-attack
# And the recordings of real programs that ship with kmbench.
for t in workloads/traces/*.kmt.zst; do
	traces="$traces,$t"
done
