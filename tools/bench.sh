#!/bin/sh
# bench.sh: what make bench runs for now: the PR kern/14721 dup storm
# (a root process dup'ing one descriptor until its table cannot grow)
# replayed on i386-64M under every strategy, one line each.
set -e
out=bench-out
mkdir -p "$out"
trace="$out/dupstorm.kmt.gz"
if [ ! -s "$trace" ]; then
	echo "bench: writing $trace (8000000 dups)" >&2
	awk 'BEGIN {
		print "kmtrace 1"
		print "@ source make bench"
		print "@ command PR kern/14721: dup one descriptor up to 8000000"
		print "0 100 spawn"
		print "0 100 sysctl maxfiles 10000000"
		print "0 100 limit nofile 10000000"
		print "0 100 open 3"
		for (fd = 4; fd < 8000000; fd++)
			printf "%d 100 dup 3 %d\n", fd * 1000, fd
	}' | gzip -1 >"$trace.tmp"
	mv "$trace.tmp" "$trace"
fi
echo "PR kern/14721 dup storm on i386-64M ($trace):"
printf '%-11s %-10s %-28s %9s %9s %9s %11s %11s\n' strategy machine \
    outcome max_fds refused hung "kmem_map pk" "kernel pk"
for s in $(./kmbench strategies | awk '{ print $1 }'); do
	./kmbench run --brief --strategy "$s" --machine i386-64M "$trace"
done
