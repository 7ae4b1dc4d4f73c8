# maps.gp: one map's use (map: kmem_map or kernel_map) over the replay
# of one workload (wl) on one machine (machine): pages held, one line
# per strategy, the map's size as a ceiling, and the panic or the hang
# marked with a black ring.  Data: maps-WL-MAP-STRATEGY.tsv (a header
# line with the key's title, then event and pages), maps-WL-MAP-marks.tsv,
# maps-WL-MAP-ceiling.tsv.
load plotdir."/common.gp"
f(s) = sprintf("%s/maps-%s-%s-%s.tsv", data, wl, map, s)
marks = sprintf("%s/maps-%s-%s-marks.tsv", data, wl, map)
stats sprintf("%s/maps-%s-%s-ceiling.tsv", data, wl, map) using 1 nooutput
ceiling = STATS_max
stats sprintf("%s/maps-%s-%s-ceiling.tsv", data, wl, map) using 2 nooutput
top = STATS_max
stats sprintf("%s/maps-%s-%s-ceiling.tsv", data, wl, map) using 3 nooutput
nmarks = STATS_max
stats sprintf("%s/maps-%s-%s-ceiling.tsv", data, wl, map) using 4 nooutput
nsamples = STATS_max
set title sprintf("%s use replaying %s on %s", map, wl, machine)
set xlabel "trace event (millions)"
set xrange [0:*]
# A short trace has few samples (every 10000 events, and the end):
# each is then marked, since a line through one point draws nothing.
style = nsamples < 20 ? "linespoints" : "lines"
set ylabel "pages held (4 KiB pages)"
# A map far larger than its use (kernel_map) gets a log scale, so the
# lines stay apart from the axis.
logy = ceiling > 0 && top > 0 && ceiling > 20 * top
if (logy) {
	set logscale y 10
	set yrange [1:ceiling * 4]
	set ylabel "pages held (4 KiB pages, log scale)"
} else {
	if (ceiling > 0) { set yrange [0:ceiling * 1.12] } else { set yrange [0:*] }
}
ctitle = sprintf("%s size: %.0f pages", map, ceiling)
# Without a panic or a hang there are no marks (and gnuplot 5.4 crashes
# on labels whose points are all undefined).
if (nmarks > 0) {
plot (ceiling > 0 ? ceiling : NaN) with lines lt LT_CEIL title ctitle, \
     for [i=1:nstrat] f(strategy(i)) using ($1 / 1e6):2 with @style lt i \
	lw width(i) title columnheader(2), \
     marks using ($2 / 1e6):3 with points pt 6 ps 3.5 lw 3 lc rgb "#000000" \
	title "panic or hang", \
     marks using ($2 / 1e6):3:4 with labels offset 0, 1.6 font ",12" notitle
} else {
plot (ceiling > 0 ? ceiling : NaN) with lines lt LT_CEIL title ctitle, \
     for [i=1:nstrat] f(strategy(i)) using ($1 / 1e6):2 with @style lt i \
	lw width(i) title columnheader(2)
}
