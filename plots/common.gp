# common.gp: what every kmbench figure shares, loaded first by each
# script.  kmbench plot defines fmt (png, svg or txt), out (the output
# file), data (the directory of the TSV files) and plotdir.  Sets the
# terminal (PNG 1024x640, SVG 1024x640, text 72 columns), reads
# tab-separated data, and gives each strategy its colour: linetype 1
# panic-only, 2 canfail, 3 nointr, 4 fdlimit, in every figure.
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

strategies = "panic-only canfail nointr fdlimit"
set linetype 1 lc rgb "#d6277f" lw 2 pt 7 ps 1.3	# panic-only: magenta
set linetype 2 lc rgb "#1f6fb4" lw 2 pt 5 ps 1.3	# canfail: blue
set linetype 3 lc rgb "#2a9d3a" lw 2 pt 9 ps 1.5	# nointr: green
set linetype 4 lc rgb "#f08000" lw 2 pt 13 ps 1.5	# fdlimit: orange
strategy(i) = word(strategies, i)

set grid back lc rgb "#dddddd"
set key opaque box lc rgb "#bbbbbb"
if (text) { set key noopaque nobox; unset grid }
