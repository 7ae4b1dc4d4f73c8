# outcome.gp: the outcome grid of one workload (wl): for each strategy
# (rows) and machine profile (columns, by physical memory) whether the
# system survived, panicked, hung or survived with kmem_map exhausted
# (too little left for the largest M_WAITOK malloc of the replay), and
# the most descriptors one process held.  Data: grid-WL.tsv (x, y,
# machine, strategy, outcome code, outcome, max_fds).
load plotdir."/common.gp"
file = sprintf("%s/grid-%s.tsv", data, wl)
stats file using 1 nooutput
nmach = STATS_max + 1
set title sprintf("%s: outcome by strategy and physical memory\n(number in each cell: most descriptors one process held)", wl)
set xlabel "machine profile (physical memory)"
set ylabel "strategy"
set xrange [-0.5:nmach - 0.5]
set yrange [nstrat - 0.5:-0.5]
set xtics scale 0 nomirror
set ytics scale 0 nomirror
unset grid
set key outside right top vertical Left reverse noopaque nobox
ocol(c) = c == 0 ? 0xa6dba0 : c == 1 ? 0xe8464a : c == 2 ? 0xfdae61 : c == 4 ? 0xfff176 : 0xdddddd
fds(v) = v == v ? (text ? (v < 10000 ? sprintf("%.0f", v) : sprintf("%.0fk", v / 1000)) : sprintf("%.0f fds", v)) : ""
oword(o) = !text ? o : o eq "survived" ? "ok" : o eq "exhausted" ? "full" : o
# No exit in the text branch: kmbench plot draws every figure of a
# format in one gnuplot, one script loaded after another.
if (text) {
	set title sprintf("%s: outcome by strategy and memory (ok = survived;\nfull = kmem_map exhausted; k = thousand descriptors held)", wl)
	unset key
	plot file using 1:($2 - 0.2):(oword(strcol(6))):xtic(8):ytic(4) \
		with labels notitle, \
	     file using 1:($2 + 0.2):(fds($7)) with labels notitle
} else {
plot file using 1:2:(0.48):(0.46):(ocol($5)):xtic(3):ytic(4) \
	with boxxyerror fs solid 1.0 border lc rgb "#ffffff" lc rgb variable \
	notitle, \
     file using 1:($2 - 0.14):6 with labels font ",11" notitle, \
     file using 1:($2 + 0.16):(fds($7)) with labels font ",10" notitle, \
     keyentry with boxes fs solid 1.0 lc rgb "#a6dba0" title "survived", \
     keyentry with boxes fs solid 1.0 lc rgb "#e8464a" title "panic", \
     keyentry with boxes fs solid 1.0 lc rgb "#fdae61" title "hung", \
     keyentry with boxes fs solid 1.0 lc rgb "#fff176" title "survived, kmem_map exhausted", \
     keyentry with boxes fs solid 1.0 lc rgb "#dddddd" title "not run"
}
