#!/bin/sh
# bench.sh: what make bench runs.  Generates the workloads (once; they
# are deterministic), adds the shipped recordings of real programs
# (workloads/traces/), replays every one under every strategy on every
# machine profile into bench.db, prints one line per case, and adds 4
# more repetitions of every case of one machine, i386-64M, so that
# kmbench compare can judge latency between two commits (it needs 4 a
# side; KMBENCH_REPS and KMBENCH_LATENCY_MACHINE override; 5 of every
# case would take make bench past 3 minutes).  Cases already stored for
# this commit are reused.  Then the scale cliffs of the recorded
# servers and the least kmem_map of each trace under each strategy on
# i386-64M (tools/bench-scale.sh; "sh tools/bench.sh full", make
# bench-full, searches more of them), with the plots drawn meanwhile.
# Then the report, as text and as HTML pages (bench-out/html/).  Each
# phase's wall and CPU time goes to stderr (tools/bench-phase.sh).
set -e
mode=${1:-quick}
out=bench-out
db=${KMBENCH_DB:-bench.db}
reps=${KMBENCH_REPS:-5}
latmachine=${KMBENCH_LATENCY_MACHINE:-i386-64M}
kmbench=./kmbench
. tools/bench-phase.sh
. tools/bench-traces.sh
phase generate
./kmbench matrix --db "$db" --jobs 2 --traces "$traces"
phase matrix
# The repetitions for compare: the first is stored already and reused.
./kmbench matrix --db "$db" --jobs 2 --reps "$reps" --machines "$latmachine" \
    --traces "$traces" >/dev/null
phase reps
# The plots read the matrix's cases, not the searches': they are drawn
# while the searches run, on what the searches leave of the two cores
# (the store's readers do not wait for its writer).
# Their own wall time is printed before the phase's.
beside plots ./kmbench plot --db "$db" --out "$out/plots"
. tools/bench-scale.sh "$mode"
beside_wait plots "the plots took" "of the phase below"
phase scale+plot
# The text report and, at once on the other core, the same as a static
# site, with the plots inline, the last two commits compared and every
# figure across commits (open $out/html/index.html).
./kmbench report --db "$db" --plots "$out/plots" >"$out/report.txt" &
text_pid=$!
html_rc=0
./kmbench report --db "$db" --plots "$out/plots" --format html \
    -o "$out/html" || html_rc=$?
wait "$text_pid"
[ "$html_rc" -eq 0 ] || exit "$html_rc"
phase report
phase_total
# The outcome grid of the attack, from the report, on the terminal (the
# report has one for every trace).
echo
awk '/^Outcome of the pr14721/ { on = 1; print; next }
    on && (/^Outcome of / || /^Headline figures/) { exit }
    on { print }' "$out/report.txt"
# And how many copies of each recorded server the machines hold.
sed -n '/^Real workloads/,$p' "$out/report.txt" |
    sed '/^The least kmem_map/,$d; /^No text plots/,$d; /^Plots (from/,$d' |
    head -60
# And the least kmem_map each strategy needs for each trace.
awk '/^The least kmem_map/ { on = 1 } on { print }
    on && /^$/ && ++blank == 2 { exit }' "$out/report.txt"
echo "bench: results in $db, plots in $out/plots, report in" \
    "$out/report.txt and $out/html/index.html" >&2
