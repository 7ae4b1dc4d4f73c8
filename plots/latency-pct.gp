# latency-pct.gp: the latency percentiles (p50, p99, p99.9, max) of the
# successful calls of malloc(9) and fdexpand for each strategy, on one
# workload (wl) and machine (machine): the median over repetitions, an
# error bar from the least to the greatest.  A max that was a host stall
# (over 100 times the p99.9, docs/metrics.md) is left out.  Data:
# latency-pct.tsv (label, then median, least and greatest per strategy),
# latency-stalls.tsv (how many maxima were left out).
load plotdir."/common.gp"
file = sprintf("%s/latency-pct.tsv", data)
stats sprintf("%s/latency-stalls.tsv", data) using 1 nooutput
stalls = STATS_max
set title sprintf("malloc(9) and fdexpand latency, successful calls: %s on %s", wl, machine)
set ylabel "latency (ns, log scale)"
set xlabel sprintf("operation and percentile (bars: least to greatest over repetitions%s)", stalls > 0 ? "; max left out where it was a host stall" : "") offset 0,-1
set logscale y 10
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics scale 0 nomirror
set yrange [1:*]
# Tic labels on two lines: the operation, then the percentile.
tic(s) = text ? sprintf("%s%s", word(s, 1) eq "malloc" ? "m" : "f", word(s, 2)[1:1] eq "p" ? word(s, 2)[2:] : word(s, 2)) : sprintf("%s\n%s", word(s, 1), word(s, 2))
if (text) set title sprintf("latency (ns), successful calls: %s on %s", wl, machine)
# In text the bars' characters stand for the strategies: said in the
# x label, four to a line, since the dumb terminal draws no sample of a
# filled box.
if (text) {
	keychars = ""
	do for [i=1:nstrat] {
		keychars = keychars . sprintf("  %s %s", "*#$%@&=*#$%@&="[i:i], strategy(i))
		# Four to a line: seven would run past 72 columns.
		if (i % 4 == 0 && i < nstrat) { keychars = keychars . "\n     " }
	}
	set xlabel "m: malloc(9), f: fdexpand; 50, 99, 99.9: percentiles\nbars:".keychars
	unset key
}
plot for [i=1:nstrat] file using (column(3 * i - 1)):(column(3 * i)):(column(3 * i + 1)):xtic(tic(strcol(1))) \
	lt i title strategy(i)
