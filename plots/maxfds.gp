# maxfds.gp: the most descriptors one process of one workload (wl)
# holds at once against physical memory, one line per strategy.  Each
# strategy's points sit a little left or right of the machine's memory
# (dx), so that equal values show side by side; a black ring around a
# strategy's point marks a case where the system panicked or hung.
# Data: maxfds-WL.tsv (physmem_mib, one column per strategy, then one
# "failed" column per strategy); its header line holds the key titles.
load plotdir."/common.gp"
file = sprintf("%s/maxfds-%s.tsv", data, wl)
set title sprintf("%s: most descriptors one process holds, by physical memory", wl)
set xlabel "physical memory (MiB, log2 scale; strategies side by side)"
set ylabel "most descriptors open at once"
set logscale x 2
set xtics (16, 32, 64, 128, 256, 512, 1024, 2048)
set format y "%.0f"
set yrange [0:*]
stats file using 1 nooutput
set xrange [STATS_min / 1.4:STATS_max * 1.4]
set offsets 0, 0, graph 0.1, 0
dx(i) = 2 ** ((i - (nstrat + 1) / 2.0) * 0.05)
plot for [i=1:nstrat] file using ($1 * dx(i)):(column(i + 1)) with linespoints lt i \
	lw width(i) title columnheader(i + 1), \
     for [i=1:nstrat] file using ($1 * dx(i)):(column(i + 1 + nstrat)) with points \
	lc rgb "#000000" pt 6 ps 3 lw 2 title (i == 1 ? "panicked or hung" : "")
