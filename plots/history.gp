# history.gp: one figure (metric) of one workload (wl) on one machine
# (machine) across commits, oldest first, one line per strategy (what
# kmbench history prints); a red ring marks a value higher than at the
# previous commit.  Data: history.tsv (index, commit, one column per
# strategy, then one "regressed" column per strategy).
load plotdir."/common.gp"
file = sprintf("%s/history.tsv", data)
stats file using 1 nooutput
n = STATS_records
set title sprintf("%s of %s on %s across commits", metric, wl, machine)
set xlabel "commit (oldest first; + = uncommitted changes)"
set ylabel sprintf("%s (pages)", metric)
set xrange [-0.5:n - 0.5]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set xtics scale 0 nomirror
# The strategies side by side around each commit, so equal values show.
dx(i) = (i - (nstrat + 1) / 2.0) * 0.06
plot file using 1:(NaN):xtic(2) notitle, \
     for [i=1:nstrat] file using ($1 + dx(i)):(column(i + 2)) with linespoints \
	lt i lw width(i) title strategy(i), \
     for [i=1:nstrat] file using ($1 + dx(i)):(column(i + 2 + nstrat)) with points pt 6 ps 4 lw 3 \
	lc rgb "#ff0000" title (i == 1 ? "regressed (higher than previous commit)" : "")
