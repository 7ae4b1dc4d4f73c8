#!/bin/sh
# test-ssh.sh KMBENCH: make test-ssh.  The GNU parallel --sshloginfile
# recipe of docs/scale-out.md run for real, over ssh to 127.0.0.1: an
# sshd of our own (Debian openssh-server) started here on a generated
# sshd_config in a temporary directory, listening on loopback only, on
# a free port, with a host key and a client key made for the test, and
# stopped at the end however the test ends.  A 12-case matrix (3
# strategies x 2 machines x 2 reps) is listed and run by parallel as 2
# jobs on the sshlogin 2/127.0.0.1, each kmbench case writing
# shard-$(hostname)-{%}.db in the --workdir; the shards are collected
# by scp into another directory and merged, and the merged store must
# hold the 12 cases with the same keys, outcomes, settings and
# deterministic figures as a local kmbench matrix over the same cases
# (both ways, as tests/test_case.c's parallel_equals_single checks),
# and kmbench compare between the two must report no change.  KMBENCH
# must have machines/ beside it: the jobs run in a fresh ssh session,
# which does not carry KMBENCH_MACHINES.  Prints how long it took.
set -eu
KB=$(realpath "${1:?usage: test-ssh.sh KMBENCH}")
. "$(dirname "$0")/store-diff.sh"
fail() {
	echo "test-ssh: $*" >&2
	exit 1
}
for c in ssh scp ssh-keygen parallel sqlite3 python3 timeout; do
	command -v "$c" >/dev/null 2>&1 ||
	    fail "$c missing (make test-ssh installs openssh-server," \
	    "openssh-client and parallel)"
done
[ -x /usr/sbin/sshd ] ||
    fail "/usr/sbin/sshd missing (Debian package openssh-server)"
[ -d "$(dirname "$KB")/machines" ] ||
    fail "no machines/ beside $KB (the jobs' ssh sessions do not" \
    "carry KMBENCH_MACHINES)"
start=$(date +%s)
T=$(mktemp -d /tmp/kmtest-ssh-XXXXXX)
sshd_pid=""
par_pid=""
madedir=""
# PID and its descendants (by parent id), PID first.
tree() {
	ps -e -o pid= -o ppid= | awk -v root="$1" '
	    { kids[$2] = kids[$2] " " $1 }
	    END { q = root; while (q != "") {
		n = split(q, a, " "); q = ""
		for (i = 1; i <= n; i++) {
			printf "%s ", a[i]; q = q " " kids[a[i]] } } }'
}
# Whether PID runs (a zombie has ended).
alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	'' | Z*) return 1 ;;
	esac
}
cleanup() {
	# sshd, parallel (when interrupted) and every process they started
	# (a session's job outlives its connection): stopped until no new
	# one appears, so that none starts another meanwhile, then ended.
	procs=""
	n=0
	while [ -n "$sshd_pid$par_pid" ] && [ $n -lt 10 ]; do
		next=$(for r in $sshd_pid $par_pid; do tree "$r"; done)
		[ "$next" != "$procs" ] || break
		procs=$next
		# shellcheck disable=SC2086
		kill -STOP $procs 2>/dev/null || true
		n=$((n + 1))
	done
	if [ -n "$procs" ]; then
		# shellcheck disable=SC2086
		kill -TERM $procs 2>/dev/null || true
		# shellcheck disable=SC2086
		kill -CONT $procs 2>/dev/null || true
		i=0
		for p in $procs; do
			while alive "$p" && [ $i -lt 30 ]; do
				sleep 0.1
				i=$((i + 1))
			done
		done
		# shellcheck disable=SC2086
		kill -9 $procs 2>/dev/null || true
	fi
	for p in $sshd_pid $par_pid; do
		wait "$p" 2>/dev/null || true
	done
	[ -z "$madedir" ] || rmdir "$madedir" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir "$T/remote" "$T/local" "$T/ptmp"
# sshd wants its privilege separation directory; Debian's service makes
# it at boot, and nothing has here if no system sshd runs.
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd
	madedir=/run/sshd
fi
ssh-keygen -q -t ed25519 -N '' -C kmtest-host -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -C kmtest-client -f "$T/clientkey"
cp "$T/clientkey.pub" "$T/authorized_keys"
port=$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# scp (OpenSSH 9) fetches over SFTP, hence the subsystem.
cat >"$T/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $T/hostkey
AuthorizedKeysFile $T/authorized_keys
PidFile $T/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
X11Forwarding no
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -f "$T/sshd_config" -D -e 2>"$T/sshd.log" &
sshd_pid=$!
# The client's options; scp names the port -P.
opts="-i $T/clientkey -o UserKnownHostsFile=$T/known \
-o StrictHostKeyChecking=no -o BatchMode=yes -o ConnectTimeout=5"
SSH="ssh -p $port $opts"
i=0
until grep -q "Server listening on 127.0.0.1 port $port" "$T/sshd.log"; do
	alive "$sshd_pid" ||
	    fail "sshd exited: $(tail -1 "$T/sshd.log")"
	i=$((i + 1))
	[ $i -le 100 ] || fail "sshd not listening on port $port after 10 s"
	sleep 0.1
done
# shellcheck disable=SC2086
timeout 10 $SSH 127.0.0.1 true </dev/null >"$T/ssh.out" 2>&1 ||
    fail "ssh to 127.0.0.1:$port refused: $(tail -1 "$T/ssh.out")"

cd "$T/local"
"$KB" gen pr14721 --param fds=30000 -o "$T/t.kmt"
sel="--strategies panic-only,nointr,fdlimit --machines i386-16M,i386-64M
--reps 2"
echo "2/127.0.0.1" >hosts
# The recipe: list on this host (the trace by its absolute path), run
# where the sshlogins say, each job into a shard named after the host
# that ran it and its job slot, in the --workdir there.
# shellcheck disable=SC2086
"$KB" matrix --list $sel "$T/t.kmt" >cases.txt
[ "$(wc -l <cases.txt)" -eq 12 ] || fail "matrix --list: not 12 lines"
# In the background, so that a signal reaches the trap at once; the
# job scripts parallel writes, here and "there", in the temporary
# directory, so that an interrupted job leaves none in /tmp.
TMPDIR="$T/ptmp" PARALLEL_REMOTE_TMPDIR="$T/ptmp" \
    timeout -k 10 120 parallel --ssh "$SSH" --sshloginfile hosts \
    --workdir "$T/remote" \
    "'$KB' case {} --quiet --db shard-\$(hostname)-{%}.db" \
    <cases.txt >par.out 2>par.err &
par_pid=$!
rc=0
wait "$par_pid" || rc=$?
par_pid=""
[ $rc -eq 0 ] || fail "parallel exited $rc: $(tail -1 par.err)"
# Collect: one scp a host, the shards kept apart by their names.
for h in $(sed '/^#/d; /^$/d; s/^[0-9]*\///' hosts); do
	# shellcheck disable=SC2086
	timeout 30 scp -q -P "$port" $opts "$h:$T/remote/shard-*.db" . \
	    </dev/null 2>scp.err || fail "scp from $h: $(tail -1 scp.err)"
done
host=$(hostname)
n=$(ls shard-*.db | wc -l)
if [ "$n" -ne 2 ] || [ ! -f "shard-$host-1.db" ] ||
    [ ! -f "shard-$host-2.db" ]; then
	fail "collected $(echo shard-*.db), not shard-$host-1.db and -2.db"
fi
"$KB" merge merged.db shard-*.db >merge.out 2>&1 ||
    fail "merge: $(tail -1 merge.out)"
# shellcheck disable=SC2086
"$KB" matrix --db single.db --jobs 1 $sel "$T/t.kmt" >/dev/null 2>&1 ||
    fail "the local matrix failed"
q() { sqlite3 merged.db "$1"; }
[ "$(q 'SELECT count(*) FROM "case"')" -eq 12 ] ||
    fail "merged store: $(q 'SELECT count(*) FROM "case"') cases, not 12"
[ "$(sqlite3 single.db 'SELECT count(*) FROM "case"')" -eq 12 ] ||
    fail "local matrix: not 12 cases"
d=$(store_diff merged.db single.db)
[ -z "$d" ] || fail "the merged store differs from a local matrix:" \
    "$(echo "$d" | head -1)"
# Each merged case's run is a kmbench case on this host (by ssh).
[ "$(q "SELECT count(*) FROM \"case\" c JOIN run r ON r.id = c.run_id
    WHERE r.host = '$(uname -n)' AND r.command = 'case'")" -eq 12 ] ||
    fail "merged cases not all from kmbench case on $(uname -n)"
# compare: base the merged cases (by commit), head the local matrix
# added to the merged store as further reps.
# shellcheck disable=SC2086
"$KB" matrix --db merged.db --force --jobs 1 $sel "$T/t.kmt" \
    >/dev/null 2>&1 || fail "matrix --force into the merged store failed"
run=$(q 'SELECT max(id) FROM run')
c=$(q 'SELECT commit_id FROM run LIMIT 1')
"$KB" compare --db merged.db "$c" "$run" >cmp.out 2>cmp.err ||
    fail "compare exited $?: $(grep -m1 changed cmp.out || tail -1 cmp.err)"
grep -qE '^0 changed, 0 accepted, 0 regressed, 0 improved, [1-9][0-9]* unchanged' \
    cmp.out || fail "compare: $(grep -m1 changed cmp.out)"
echo "test-ssh: 12 cases over ssh to 127.0.0.1 by GNU parallel" \
    "(--sshloginfile, 2 jobs), collected by scp, merged, equal a local" \
    "matrix ($(( $(date +%s) - start )) s)"
