# sweep.gp: one figure (figure) of one workload (wl) on one machine
# (machine) against a setting a matrix swept (key), one line per
# strategy (kmbench plot --sweep KEY --figure FIGURE).  Data: sweep.tsv
# (the key's value, then one column per strategy; NaN where a strategy
# has no case at that value).
load plotdir."/common.gp"
file = sprintf("%s/sweep.tsv", data)
set title sprintf("%s of %s on %s against %s", figure, wl, machine, key)
set xlabel key
set ylabel figure
set yrange [0:*]
set offsets graph 0.02, graph 0.02, graph 0.1, 0
plot for [i=1:nstrat] file using 1:(column(i + 1)) with linespoints \
	lt i lw width(i) title strategy(i)
