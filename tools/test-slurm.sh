#!/bin/sh
# test-slurm.sh KMBENCH: make test-slurm.  A one-node Slurm cluster on
# localhost (Debian slurm-wlm and munge): munged, slurmctld and slurmd
# started here on a generated slurm.conf in a temporary directory, on
# loopback ports, and stopped at the end however the test ends.  A
# 20-case matrix (2 strategies x 2 machines x 5 reps) is listed, run by
# tools/slurm/submit.sh as a job array into per-task shards with a
# dependent merge job, and the merged store must hold the 20 cases with
# the same keys, outcomes, settings and deterministic figures as a
# local kmbench matrix over the same cases (tools/store-diff.sh).
# Prints how long it took.
set -eu
KB=$(realpath "${1:?usage: test-slurm.sh KMBENCH}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/tools/store-diff.sh"
for c in munged slurmctld slurmd sbatch squeue sinfo sqlite3; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "test-slurm: $c missing (make deps installs slurm-wlm" \
		    "and munge)" >&2
		exit 1
	}
done
start=$(date +%s)
T=$(mktemp -d /tmp/kmtest-slurm-XXXXXX)
chmod 0755 "$T"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	sleep 1
	for p in $pids; do
		kill -9 "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/work"
chmod 0700 "$T/munge"
# munge: a key of our own, its socket in the temporary directory.
dd if=/dev/urandom of="$T/munge/key" bs=1024 count=1 2>/dev/null
chmod 0400 "$T/munge/key"
munged --force --foreground --key-file="$T/munge/key" \
    --socket="$T/munge/sock" --pid-file="$T/munge/pid" \
    --log-file="$T/munge/log" --seed-file="$T/munge/seed" \
    >"$T/munge/out" 2>&1 &
pids="$pids $!"
# Two free loopback ports.
ports=$(python3 -c 'import socket
s=[socket.socket() for i in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
cport=${ports% *}
dport=${ports#* }
host=$(hostname -s)
cat >"$T/slurm.conf" <<CONF
ClusterName=kmtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$cport
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D -i >"$T/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D >"$T/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; do
	i=$((i + 1))
	if [ $i -gt 60 ]; then
		echo "test-slurm: the node did not come up:" >&2
		tail -5 "$T/slurmctld.log" "$T/slurmd.log" >&2 || true
		exit 1
	fi
	sleep 1
done
cd "$T/work"
export KMBENCH_MACHINES="$SRC/machines"
"$KB" gen pr14721 --param fds=200 -o t.kmt
sel="--strategies panic-only,nointr --machines i386-16M,i386-64M --reps 5"
# shellcheck disable=SC2086
"$KB" matrix --list $sel t.kmt >cases.txt
[ "$(wc -l <cases.txt)" -eq 20 ]
# 20 lines, 2 a task: a 10-task array, then the merge.
KMBENCH="$KB" "$SRC/tools/slurm/submit.sh" cases.txt merged.db shards 2 \
    >jobs
i=0
while [ -n "$(squeue -h -o %i 2>/dev/null)" ]; do
	i=$((i + 1))
	if [ $i -gt 170 ]; then
		echo "test-slurm: jobs still queued after 170 s" >&2
		squeue >&2
		exit 1
	fi
	sleep 1
done
[ -f merged.db ] || {
	echo "test-slurm: no merged store; the jobs' output:" >&2
	cat shards/slurm-*.out >&2 || true
	exit 1
}
[ "$(ls shards/shard-*.db | wc -l)" -eq 10 ]
# shellcheck disable=SC2086
"$KB" matrix --db single.db $sel t.kmt >/dev/null 2>&1
q() { sqlite3 merged.db "$1"; }
[ "$(q 'SELECT count(*) FROM "case"')" -eq 20 ]
d=$(store_diff merged.db single.db)
if [ -n "$d" ]; then
	echo "test-slurm: the merged store differs from a local matrix:" >&2
	echo "$d" | head >&2
	exit 1
fi
echo "test-slurm: 20 cases by a 10-task Slurm array and a merge equal a" \
    "local matrix ($(( $(date +%s) - start )) s)"
