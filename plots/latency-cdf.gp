# latency-cdf.gp: the distribution of one operation's latency (op) as a
# cumulative fraction of calls, one line per strategy, rebuilt from the
# stored histograms (every case merged).  Data:
# latency-cdf-OP-STRATEGY.tsv (ns, fraction of calls below).
load plotdir."/common.gp"
f(s) = sprintf("%s/latency-cdf-%s-%s.tsv", data, op, s)
set title sprintf("Distribution of %s latency by strategy (all cases merged)", op)
set xlabel "latency (ns, log scale)"
set ylabel "fraction of calls at or below"
set logscale x 10
set yrange [0:1.02]
set key bottom right
plot for [i=1:4] f(strategy(i)) using 1:2 with steps lt i \
	lw (8 - 1.5 * i) title strategy(i)
