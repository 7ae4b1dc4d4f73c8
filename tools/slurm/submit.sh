#!/bin/sh
# submit.sh CASES OUT.db [SHARDS] [PER_TASK]: run the case lines of
# CASES (kmbench matrix --list) as a Slurm job array of matrix.sbatch,
# PER_TASK lines (1) a task, each task into a shard of its own under
# SHARDS (./shards), and queue a job that merges the shards into OUT.db
# once every task succeeded (--dependency=afterok).  Prints the two job
# ids.  KMBENCH names the kmbench binary (kmbench on the PATH).
set -eu
if [ $# -lt 2 ]; then
	echo "usage: submit.sh CASES OUT.db [SHARDS] [PER_TASK]" >&2
	exit 2
fi
cases=$(realpath "$1")
out=$(realpath "$2")
shards=${3:-shards}
per=${4:-1}
kb=${KMBENCH:-kmbench}
n=$(wc -l <"$cases")
if [ "$n" -eq 0 ]; then
	echo "submit.sh: $1: no case lines" >&2
	exit 2
fi
tasks=$(( (n + per - 1) / per ))
mkdir -p "$shards"
shards=$(realpath "$shards")
here=$(cd "$(dirname "$0")" && pwd)
array=$(CASES=$cases SHARDS=$shards PER_TASK=$per KMBENCH=$kb \
    sbatch --parsable --array=1-"$tasks" --export=ALL \
    --output="$shards/slurm-%A_%a.out" "$here/matrix.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" \
    --job-name=kmbench-merge --output="$shards/slurm-merge-%j.out" \
    --wrap "'$kb' merge '$out' '$shards'/shard-*.db")
echo "$array ${merge%%;*}"
