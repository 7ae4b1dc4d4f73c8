# frag.gp: fragmentation of one map (map) over the replay of one
# workload (wl) on one machine (machine): above, external fragmentation
# (1 - largest free extent / free pages); below, the footprint (the
# strategy's line type) against the live bytes asked (points, every
# fourth sample, a point type per strategy that no line or other
# figure's strategy uses), one colour per strategy.  Data:
# frag-WL-MAP-STRATEGY.tsv (a header line with the key's titles, then
# event, external, footprint, live).
load plotdir."/common.gp"
if (text) set terminal dumb nofeed size 72,48 noenhanced
f(s) = sprintf("%s/frag-%s-%s-%s.tsv", data, wl, map, s)
livept(i) = int(word("2 3 4 8 10 11 12 14", (i - 1) % 8 + 1))
set multiplot layout 2,1 title sprintf("%s fragmentation replaying %s on %s", map, wl, machine)
set xlabel "trace event (millions)"
set ylabel "external fragmentation"
set yrange [0:1.05]
# The key beside each plot in PNG and SVG (below them it would fall on
# the lower plot), below it in text.
if (!text) {
	set lmargin at screen 0.10
	set rmargin at screen 0.62
	set key outside right top vertical maxcols 1 maxrows 20
}
plot for [i=1:nstrat] f(strategy(i)) using ($1 / 1e6):2 with lines lt i \
	lw width(i) title columnheader(2)
set ylabel "MiB"
set yrange [0:*]
# In PNG and SVG one key entry stands for every strategy's live bytes
# (its colour tells whose): a dozen entries would not fit beside the
# plot.  In text, where colour is lost, each has its own.
if (text) {
plot for [i=1:nstrat] f(strategy(i)) using ($1 / 1e6):($3 / 1048576) with lines lt i \
	lw width(i) title columnheader(3), \
     for [i=1:nstrat] f(strategy(i)) every 4 using ($1 / 1e6):($4 / 1048576) \
	with points lt i pt livept(i) ps 0.8 title columnheader(4)
} else {
plot for [i=1:nstrat] f(strategy(i)) using ($1 / 1e6):($3 / 1048576) with lines lt i \
	lw width(i) title columnheader(3), \
     for [i=1:nstrat] f(strategy(i)) every 4 using ($1 / 1e6):($4 / 1048576) \
	with points lt i pt livept(i) ps 0.8 notitle, \
     keyentry with points lc rgb "#555555" pt 2 ps 0.8 \
	title "live bytes (points, in the\nstrategy's colour)"
}
unset multiplot
