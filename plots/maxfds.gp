# maxfds.gp: the most descriptors the attacker of one workload (wl)
# holds at once against physical memory, one line per strategy; a
# cross marks a case where the system panicked or hung.  Data:
# maxfds-WL.tsv (physmem_mib, four strategies, four "failed" columns).
load plotdir."/common.gp"
file = sprintf("%s/maxfds-%s.tsv", data, wl)
set title sprintf("%s attack: most descriptors the attacker holds, by physical memory", wl)
set xlabel "physical memory (MiB, log2 scale)"
set ylabel "most descriptors open at once"
set logscale x 2
set xtics (16, 32, 64, 128, 256, 512, 1024, 2048)
set format y "%.0f"
set yrange [0:*]
set offsets graph 0.04, graph 0.04, graph 0.1, 0
set key bottom right
plot for [i=1:4] file using 1:(column(i + 1)) with linespoints lt i \
	lw (8 - 1.5 * i) title strategy(i), \
     for [i=1:4] file using 1:(column(i + 5)) with points lc rgb "#000000" pt 2 \
	ps 3 lw 2 title (i == 1 ? "system panicked or hung" : "")
