# latency-cdf.gp: the distribution of one operation's latency (op),
# successful calls only, as a cumulative fraction of calls, one line per
# strategy, rebuilt from the stored histograms of the repetitions of
# one workload (wl) on one machine (machine).  Data:
# latency-cdf-OP-STRATEGY.tsv (ns, fraction of calls below).
load plotdir."/common.gp"
f(s) = sprintf("%s/latency-cdf-%s-%s.tsv", data, op, s)
set title sprintf("%s latency, successful calls: %s on %s", op, wl, machine)
set xlabel "latency (ns, log scale)"
set ylabel "fraction of calls at or below"
set logscale x 10
set yrange [0:1.02]
plot for [i=1:nstrat] f(strategy(i)) using 1:2 with steps lt i \
	lw width(i) title strategy(i)
