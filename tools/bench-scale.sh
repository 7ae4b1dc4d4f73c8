# bench-scale.sh: the scale cliffs of make bench, sourced by bench.sh
# (with $out, $db and $kmbench set).  For each recorded server, each
# machine and each strategy, "kmbench capacity --vary scale --clean"
# finds the most copies of the server that run at once without a panic,
# a hung process or a refused call, and replays the copies of the grid
# below as well; every search and replay is stored in $db, where the
# report's real-workloads section reads them.
#
# $1 is quick (make bench) or full (make bench-full).  quick searches
# each recorded server on one machine, up to 64 copies with the grid
# 1, 2, 4, ... 64, so that make bench stays under 3 minutes on 2 cores:
# i386-32M (on i386-64M nginx C10K's cliff lies at 59 copies, and its
# search replays 100 million events over the strategies), and the
# small nginx recording not at all; full searches every server on
# every machine with a finer grid.  Both modes search the least
# kmem_map (nkmempages) of pr14721 and of each server under each
# strategy on i386-64M, full over a wider range.  A search done for
# this commit and these traces is not done again (the stamp file
# $out/scale-MODE.stamp).

scale_mode=${1:-quick}
# The recorded servers, with the machine quick mode searches each on
# (- for none); those missing from workloads/traces/ are passed over.
# Each is read in its binary conversion (bench-traces.sh).
scale_servers="$out/http.kmb.zst -
$out/nginx-c10k.kmb.zst i386-32M
$out/postgres.kmb.zst i386-32M
$out/redis-bgsave.kmb.zst i386-32M"
if [ "$scale_mode" = full ]; then
	scale_grid=1,2,3,4,6,8,12,16,24,32,48,64
else
	scale_grid=1,2,4,8,16,32,64
fi
scale_to=64
# The least kmem_map (nkmempages) of pr14721 and each recorded server
# under each strategy on i386-64M, both modes: quick bisects 64 to
# 16384 pages (64 MiB; pr14721 under panic-only needs 8007), starting
# from kmem_map's top (capacity's guess), and checks one more point each
# side for monotony, 20 replays a search at most (5.9 s of CPU, 3.0 s
# wall, for the 35 searches); full 64 to 32768, two each side.  An
# answer of 64 reads "64 or less" in the report.
if [ "$scale_mode" = full ]; then
	kmem_range="--from 64 --to 32768 --checks 2"
else
	kmem_range="--from 64 --to 16384 --checks 1"
fi

scale_jobs() {
	machines=$("$kmbench" machines | awk '!/:$/ && NF > 1 { print $1 }')
	strategies=$("$kmbench" strategies | awk '!/:$/ && NF > 1 { print $1 }')
	# The least kmem_map first: pr14721's searches are the longest.
	for t in "$out/pr14721.kmb.zst" $(echo "$scale_servers" |
	    awk '{ print $1 }'); do
		[ -s "$t" ] || continue
		for s in $strategies; do
			echo "nkmempages $t i386-64M $s"
		done
	done
	echo "$scale_servers" | while read -r t quick; do
		[ -s "$t" ] || continue
		if [ "$scale_mode" = full ]; then ms=$machines;
		elif [ "$quick" = - ]; then continue;
		else ms=$quick; fi
		for m in $ms; do
			for s in $strategies; do
				echo "scale $t $m $s"
			done
		done
	done
}

scale_stamp="$out/scale-$scale_mode.stamp"
scale_now=$({ git rev-parse HEAD 2>/dev/null || echo nogit;
    git status --porcelain 2>/dev/null | head -c 200;
    ls -l $(echo "$scale_servers" | awk '{ print $1 }') 2>/dev/null; echo "$db"; } |
    cksum)
if [ -s "$db" ] && [ "$(cat "$scale_stamp" 2>/dev/null)" = "$scale_now" ]
then
	echo "bench: scale cliffs already searched for this commit" >&2
else
	n=$(scale_jobs | wc -l)
	echo "bench: $n capacity searches (scale cliffs of the recorded" \
	    "servers, least kmem_map)" >&2
	export kmbench db scale_to scale_grid kmem_range
	# One search a line: KEY TRACE MACHINE STRATEGY.  Exit status 3
	# (nothing in the range survives) is an answer, not a failure.
	# Each search is a process whose heap grows to tens of MiB, a page
	# fault per 4 KiB (dear on a virtual machine): glibc's heap in
	# transparent huge pages took the 56 searches from 6.8 s to 6.0 s
	# (docs/replay-speed.md).  No figure depends on it.
	scale_jobs | GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1 \
	    xargs -P 2 -L 1 sh -c '
		if [ "$0" = scale ]; then
			set -- --vary scale --clean --checks 0 --to "$scale_to" \
			    --grid "$scale_grid" --strategy "$3" --machine "$2" \
			    "$1"
		else
			# shellcheck disable=SC2086
			set -- --vary nkmempages $kmem_range \
			    --strategy "$3" --machine "$2" "$1"
		fi
		"$kmbench" capacity --db "$db" "$@" >/dev/null ||
		    [ $? -eq 3 ] || { echo "bench: capacity $*: failed" >&2;
		    exit 255; }'
	echo "$scale_now" >"$scale_stamp"
fi
