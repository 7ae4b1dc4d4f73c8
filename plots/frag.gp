# frag.gp: fragmentation of one map (map) over the replay of one
# workload (wl) on one machine (machine): above, external fragmentation
# (1 - largest free extent / free pages); below, the footprint (solid)
# against the live bytes asked (dashed), one colour per strategy.
# Data: frag-WL-MAP-STRATEGY.tsv (event, external, footprint, live).
load plotdir."/common.gp"
if (text) set terminal dumb nofeed size 72,44 noenhanced
f(s) = sprintf("%s/frag-%s-%s-%s.tsv", data, wl, map, s)
set multiplot layout 2,1 title sprintf("%s fragmentation replaying %s on %s", map, wl, machine)
set xlabel "trace event (millions)"
set ylabel "external fragmentation"
set yrange [0:1.05]
if (!text) {
	set lmargin at screen 0.08
	set rmargin at screen 0.72
	set key outside right top noopaque
} else {
	set key top left
}
plot for [i=1:4] f(strategy(i)) using ($1 / 1e6):2 with lines lt i \
	lw (8 - 1.5 * i) title strategy(i)
set ylabel "MiB"
set yrange [0:*]
plot for [i=1:4] f(strategy(i)) using ($1 / 1e6):($3 / 1048576) with lines lt i \
	lw (8 - 1.5 * i) title sprintf("%s footprint", strategy(i)), \
     for [i=1:4] f(strategy(i)) using ($1 / 1e6):($4 / 1048576) with lines lt i \
	dt 2 lw 1.5 title sprintf("%s live", strategy(i))
unset multiplot
