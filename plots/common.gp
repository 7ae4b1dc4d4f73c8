# common.gp: what every kmbench figure shares, loaded first by each
# script.  kmbench plot defines fmt (png, svg or txt), out (the output
# file), data (the directory of the TSV files), plotdir and strategies
# (the names shown, in order, one word each).  Sets the terminal (PNG
# 1024x640, SVG 1024x640, text 72 columns), reads tab-separated data,
# and gives each strategy its line type in every figure: 1 panic-only
# magenta, solid and widest; 2 canfail blue, dashed; 3 nointr green,
# dotted; 4 fdlimit orange, dash-dot; then 5 to 8 for other strategies.
# A strategy drawn later is narrower and broken, so a line under it
# shows through; the data files' headers name a strategy hidden under
# another in its key entry (runner/export.c).
#
# Keys are outside the plot, below it, so that they never cover data;
# in text each line type has its own character (*, #, $, %, ...) and
# nothing else uses it.
if (!exists("fmt")) fmt = "png"
if (fmt eq "png") {
	set terminal pngcairo size 1024,640 noenhanced font "Sans,12"
} else {
	if (fmt eq "svg") {
		set terminal svg size 1024,640 noenhanced font "Sans,12"
	} else {
		set terminal dumb nofeed size 72,24 noenhanced
	}
}
if (exists("out")) set output out
text = (fmt eq "txt")
set datafile separator "\t"
set datafile commentschars "#"
set encoding utf8

if (!exists("strategies")) strategies = "panic-only canfail nointr fdlimit"
nstrat = words(strategies)
set linetype 1 lc rgb "#d6277f" lw 2 pt 7 ps 1.3 dt 1	# panic-only
set linetype 2 lc rgb "#1f6fb4" lw 2 pt 5 ps 1.3 dt (14,7)	# canfail
set linetype 3 lc rgb "#2a9d3a" lw 2 pt 9 ps 1.5 dt (4,6)	# nointr
set linetype 4 lc rgb "#f08000" lw 2 pt 13 ps 1.5 dt (14,6,4,6)	# fdlimit
set linetype 5 lc rgb "#7b3294" lw 2 pt 11 ps 1.5 dt (8,4)
set linetype 6 lc rgb "#8c6d31" lw 2 pt 15 ps 1.5 dt (2,4)
set linetype 7 lc rgb "#17becf" lw 2 pt 3 ps 1.5 dt (10,4,2,4)
set linetype 8 lc rgb "#525252" lw 2 pt 1 ps 1.5 dt (20,5)
strategy(i) = word(strategies, i)
# Widths: the first strategy widest, each later one narrower.
width(i) = 7 - 5.0 * (i - 1) / (nstrat > 1 ? nstrat - 1 : 1)
# The line type of what is not a strategy (a map's size): grey and
# dashed; in text "=", which no strategy of the first six uses.
LT_CEIL = text ? 7 : 9
if (!text) set linetype LT_CEIL lc rgb "#555555" lw 2 dt 2

set grid back lc rgb "#dddddd"
set key outside below center horizontal maxcols 2 height 1 noopaque nobox
if (text) unset grid
