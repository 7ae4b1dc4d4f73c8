#!/bin/sh
# bench.sh: what make bench runs.  Generates the workloads (once; they
# are deterministic), adds the shipped recordings of real programs
# (workloads/traces/), replays every one under every strategy on every
# machine profile into bench.db (cases already stored for this commit
# are reused), prints one line per case, draws the plots and writes the
# report.
set -e
out=bench-out
db=${KMBENCH_DB:-bench.db}
kmbench=./kmbench
. tools/bench-traces.sh
./kmbench matrix --db "$db" --jobs 2 --traces "$traces"
./kmbench plot --db "$db" --out "$out/plots"
./kmbench report --db "$db" --plots "$out/plots" >"$out/report.txt"
# The outcome grid, from the report, on the terminal.
echo
sed -n '/^Outcome of the/,/^Headline figures/p' "$out/report.txt" |
    sed '$d'
echo "bench: results in $db, plots in $out/plots, report in" \
    "$out/report.txt" >&2
