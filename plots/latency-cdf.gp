# latency-cdf.gp: the distribution of one series' latency (op: malloc,
# fdexpand: the successful calls; fdexpand.refused: the refused ones),
# as a cumulative fraction of calls, one line per
# strategy, rebuilt from the stored histograms of the repetitions of
# one workload (wl) on one machine (machine).  Data:
# latency-cdf-OP-STRATEGY.tsv (ns, fraction of calls below).
load plotdir."/common.gp"
f(s) = sprintf("%s/latency-cdf-%s-%s.tsv", data, op, s)
refused = strstrt(op, ".refused") > 0
set title sprintf("%s latency, %s calls: %s on %s", refused ? op[1:strstrt(op, ".refused") - 1] : op, refused ? "refused" : "successful", wl, machine)
set xlabel "latency (ns, log scale)"
set ylabel "fraction of calls at or below"
set logscale x 10
set yrange [0:1.02]
plot for [i=1:nstrat] f(strategy(i)) using 1:2 with steps lt i \
	lw width(i) title strategy(i)
