# latency-pct.gp: the latency percentiles (p50, p99, p99.9, max) of
# malloc(9) and fdexpand for each strategy, every stored case merged.
# Data: latency-pct.tsv (label, one column of ns per strategy).
load plotdir."/common.gp"
file = sprintf("%s/latency-pct.tsv", data)
set title "Latency percentiles of malloc(9) and fdexpand by strategy"
set ylabel "latency (ns, log scale)"
set xlabel "operation and percentile (every stored case of the strategy)" offset 0,-1
set logscale y 10
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics scale 0 nomirror
set yrange [1:*]
set key top left
# Tic labels on two lines: the operation, then the percentile.
tic(s) = text ? sprintf("%s%s", word(s, 1) eq "malloc" ? "m" : "f", word(s, 2)[1:1] eq "p" ? word(s, 2)[2:] : word(s, 2)) : sprintf("%s\n%s", word(s, 1), word(s, 2))
if (text) set title "malloc(9) and fdexpand latency percentiles (ns)"
if (text) set key top left noopaque nobox
if (text) set xlabel "m: malloc(9), f: fdexpand; 50, 99, 99.9: percentiles"
plot for [i=1:4] file using (column(i + 1)):xtic(tic(strcol(1))) lt i title strategy(i)
