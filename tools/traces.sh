#!/bin/sh
# traces.sh [NAME...]: what make traces runs.  Records the shipped
# traces of real programs (workloads/traces/, its README.md gives the
# figures of each) under strace -f, and imports each log with kmbench
# import strace into NAME.kmt.zst.  Every command runs in a directory of
# its own under one temporary directory, named by relative paths, so
# that the @ command header holds no path of the recording machine.
# Every service is started here, listens on 127.0.0.1 only, and is
# stopped here; every load generator is bounded in count and in time.
#   build      a parallel build (make -j2) of kmbench's own sources
#   configure  a configure-style script probing the compiler
#   git        git operations on a clone of this repository
#   http       nginx (two workers) serving wrk's connections, a new one
#              for every request, 200 at a time
#   sqlite     an SQLite workload in the sqlite3 shell
#   nginx-c10k nginx, one worker, holding 16000 keep-alive connections
#              of wrk at once (descriptor limit 20000)
#   postgres   PostgreSQL with 100 pgbench clients: 100 backends forked
#              by the postmaster, all alive at once
#   linux-build  a parallel build (make -j2) of Linux 6.1 (tinyconfig,
#              i386) from Debian's linux-source-6.1
#   redis-bgsave  redis-server with 2000000 keys (about 370 MB) that
#              forks for BGSAVE
#   spamd      SpamAssassin's spamd: 100 MB of compiled rules in its
#              heap, four preforked children that write it
# With no NAME, all of them.  TRACES_RAW=DIR keeps each strace log as
# DIR/NAME.log; TRACES_REIMPORT=1 with it records nothing and imports
# those logs again (after a change of the importer or the writer).
set -e
top=$(pwd)
out=$top/workloads/traces
kmb=$top/kmbench
raw=${TRACES_RAW:-}
names=${*:-build configure git http sqlite nginx-c10k postgres linux-build
redis-bgsave spamd}
# The system calls that kmbench record traces, from the one list.
set=$(sed -n '/^const char strace_trace_set/,/;$/p' \
    "$top/workloads/strace.c" | grep -o '"[^"]*"' | tr -d '"\n')
[ -n "$set" ] || { echo "traces: no strace_trace_set" >&2; exit 1; }
tmp=$(mktemp -d /tmp/kmbench-traces.XXXXXX)
chmod 755 "$tmp"
mkdir -m 1777 "$tmp/logs"	# strace writes here, as postgres too
bg=""		# background recordings still running
cleanup() {
	for p in $bg; do
		kill "$p" 2>/dev/null || true
	done
	wait
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir -p "$out"
[ -z "$raw" ] || mkdir -p "$raw"

# The soft descriptor limit each command runs with, and the trace says
# so (kmbench import --nofile): 1024, Debian's default, unless raised.
nofile_of() {
	case $1 in
	nginx-c10k) echo 20000 ;;
	postgres) echo 8192 ;;
	*) echo 1024 ;;
	esac
}

logof() {
	if [ -n "$raw" ]; then
		echo "$raw/$1.log"
	else
		echo "$tmp/$1.log"
	fi
}

# trace NAME DIR COMMAND...: run COMMAND in DIR under strace -f, with
# the descriptor limit of NAME, its log to logof NAME.  --seccomp-bpf
# stops the command only at the calls traced, so that a server under
# load runs at nearly its own speed.  USER, when set, runs strace and
# the command as that user (setpriv: no PAM session, the limits kept).
trace() {
	name=$1
	dir=$2
	shift 2
	echo "traces: recording $name: $*" >&2
	rlog=$tmp/logs/$name.strace
	(
		ulimit -n "$(nofile_of "$name")"
		cd "$dir"
		if [ -n "$USER_AS" ]; then
			exec setpriv --reuid="$USER_AS" --regid="$USER_AS" \
			    --init-groups -- strace -f -q -ttt --seccomp-bpf \
			    -o "$rlog" -e "trace=$set" -- "$@"
		fi
		exec strace -f -q -ttt --seccomp-bpf -o "$rlog" \
		    -e "trace=$set" -- "$@"
	)
}

# import NAME: the log of NAME into workloads/traces/NAME.kmt.zst.
import() {
	name=$1
	log=$(logof "$name")
	if [ -z "$TRACES_REIMPORT" ]; then
		mv "$tmp/logs/$name.strace" "$log"
	fi
	echo "traces: importing $name" >&2
	nf=""
	if "$kmb" import --help 2>&1 | grep -q -e --nofile; then
		nf="--nofile $(nofile_of "$name")"
	fi
	# shellcheck disable=SC2086
	"$kmb" import strace $nf "$log" -o "$out/$name.tmp.kmt.zst"
	mv "$out/$name.tmp.kmt.zst" "$out/$name.kmt.zst"
	ls -l "$out/$name.kmt.zst" >&2
}

# wait_for WHAT SECONDS COMMAND...: poll COMMAND until it succeeds.
wait_for() {
	what=$1
	n=$(($2 * 10))
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "traces: $what did not start" >&2;
		    exit 1; }
		sleep 0.1
	done
}

# A parallel build of a real C code base: this one, from a clean tree.
rec_build() {
	git archive --format=tar HEAD | (mkdir -p "$tmp/src" &&
	    tar -x -C "$tmp/src")
	trace build "$tmp/src" make -j2 kmbench >/dev/null
}

rec_configure() {
	mkdir -p "$tmp/configure"
	cp "$top/tools/configure-probe.sh" "$tmp/configure/"
	trace configure "$tmp/configure" sh configure-probe.sh . >/dev/null
}

# git on a real repository: clone, log, diff, status, grep, gc.
rec_git() {
	git clone -q "$top" "$tmp/repo"
	cat >"$tmp/repo/.git/kmbench-git.sh" <<'EOG'
set -e
git log --stat >/dev/null
git diff HEAD~3 >/dev/null
git status >/dev/null
git grep -n kmem_map >/dev/null
git gc -q
EOG
	trace git "$tmp/repo" sh .git/kmbench-git.sh
}

# An HTTP server under many connections: nginx (two workers) and wrk.
rec_http() {
	mkdir -p "$tmp/http/www" "$tmp/http/logs"
	head -c 65536 /dev/urandom >"$tmp/http/www/big.bin"
	echo "hello" >"$tmp/http/www/index.html"
	cat >"$tmp/http/nginx.conf" <<EOG
worker_processes 2;
worker_rlimit_nofile 4096;
pid nginx.pid;
daemon off;
error_log stderr;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:18080;
		root www;
	}
}
EOG
	trace http "$tmp/http" nginx -p . -c nginx.conf -e stderr \
	    >/dev/null 2>&1 &
	bg="$bg $!"
	wait_for nginx 10 curl -sf -o /dev/null http://127.0.0.1:18080/
	# A new connection for every request, 200 at a time, then keep-alive.
	timeout 30 wrk -t 2 -c 200 -d 2s -H 'Connection: close' \
	    http://127.0.0.1:18080/index.html >/dev/null
	timeout 30 wrk -t 2 -c 50 -d 2s http://127.0.0.1:18080/big.bin \
	    >/dev/null
	kill -QUIT "$(cat "$tmp/http/nginx.pid")"
	wait
	bg=""
}

# SQLite: a table of 200000 rows, an index, queries, a vacuum.
rec_sqlite() {
	mkdir -p "$tmp/sqlite"
	cat >"$tmp/sqlite/sqlite.sql" <<EOG
PRAGMA journal_mode = WAL;
CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 200000)
INSERT INTO t SELECT i, (i * 7919) % 10007, hex(randomblob(16)) FROM n;
CREATE INDEX t_k ON t(k);
SELECT count(*), sum(k) FROM t WHERE k BETWEEN 100 AND 5000;
SELECT k, count(*) FROM t GROUP BY k ORDER BY 2 DESC LIMIT 5;
DELETE FROM t WHERE id % 3 = 0;
VACUUM;
EOG
	trace sqlite "$tmp/sqlite" sqlite3 -init sqlite.sql db.sqlite .quit \
	    >/dev/null 2>&1
}

# C10K: nginx with one worker holds 16000 keep-alive connections of wrk
# at once.  The worker's table passes 12800 descriptors, so NetBSD's
# grows to 25600 slots.  nginx answers from memory (no file opened per
# request) and keeps every connection for the whole run.
C10K_CONNS=16000
rec_c10k() {
	mkdir -p "$tmp/nginx-c10k/logs"
	cat >"$tmp/nginx-c10k/nginx.conf" <<EOG
worker_processes 1;
worker_rlimit_nofile 20000;
pid nginx.pid;
daemon off;
error_log stderr;
events { worker_connections 32768; multi_accept on; }
http {
	access_log off;
	keepalive_timeout 300s;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:18081 backlog=4096;
		location / { return 200 "ok\n"; }
	}
}
EOG
	trace nginx-c10k "$tmp/nginx-c10k" nginx -p . -c nginx.conf -e stderr \
	    >/dev/null 2>&1 &
	bg="$bg $!"
	wait_for nginx 10 curl -sf -o /dev/null http://127.0.0.1:18081/
	# wrk opens its connections at once and keeps each for the run.
	(ulimit -n 20000 && timeout 120 wrk -t 2 -c $C10K_CONNS -d 20s \
	    --timeout 30s http://127.0.0.1:18081/) >"$tmp/nginx-c10k/wrk.out"
	cat "$tmp/nginx-c10k/wrk.out" >&2
	kill -QUIT "$(cat "$tmp/nginx-c10k/nginx.pid")"
	wait
	bg=""
}

# PostgreSQL: a pgbench database (scale 5) made before the recording;
# then the postmaster under strace, 100 pgbench clients connected at
# once (100 backends alive together), 50 transactions each, then a fast
# shutdown.  PostgreSQL refuses to run as root: it runs as postgres.
PG=/usr/lib/postgresql/15/bin
rec_pgbench() {
	d=$tmp/pg
	mkdir -p "$d"
	chown postgres "$d"
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
	    "$PG/initdb" -D "$d/data" -A trust -U postgres >"$d/initdb.log"
	cat >>"$d/data/postgresql.conf" <<EOG
listen_addresses = '127.0.0.1'
port = 15432
max_connections = 110
unix_socket_directories = ''
EOG
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
	    "$PG/pg_ctl" -D "$d/data" -w -l "$d/init.log" start >/dev/null
	"$PG/pgbench" -h 127.0.0.1 -p 15432 -U postgres -i -s 5 -q postgres \
	    >/dev/null 2>&1
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
	    "$PG/pg_ctl" -D "$d/data" -w -m fast stop >/dev/null
	USER_AS=postgres PATH=$PG:$PATH trace postgres "$d" postgres -D data \
	    >"$d/server.log" 2>&1 &
	bg="$bg $!"
	wait_for postgres 30 "$PG/pg_isready" -h 127.0.0.1 -p 15432 -q
	timeout 300 "$PG/pgbench" -h 127.0.0.1 -p 15432 -U postgres \
	    -c 100 -j 2 -t 50 postgres >"$d/pgbench.out" 2>&1
	grep -E 'processed|tps' "$d/pgbench.out" >&2
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
	    "$PG/pg_ctl" -D "$d/data" -w -m fast stop >/dev/null
	wait
	bg=""
}

# Linux 6.1 from Debian's linux-source-6.1: tinyconfig for i386, made
# before the recording, then make -j2 vmlinux recorded whole.
rec_kbuild() {
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp"
	k=$tmp/linux-source-6.1
	make -s -C "$k" ARCH=i386 tinyconfig >/dev/null
	trace linux-build "$k" make -s -j2 ARCH=i386 vmlinux >/dev/null
	rm -rf "$k"
}

# redis: DEBUG POPULATE writes 2000000 keys of 100-byte values (about
# 370 MB resident, in jemalloc's mappings); BGSAVE forks a child that
# writes them to dump.rdb while the parent holds them; then SHUTDOWN.
rec_bgsave() {
	d=$tmp/redis
	mkdir -p "$d"
	cat >"$d/redis.conf" <<EOG
bind 127.0.0.1
port 16379
save ""
appendonly no
dir .
enable-debug-command local
EOG
	trace redis-bgsave "$d" redis-server redis.conf >"$d/server.log" 2>&1 &
	bg="$bg $!"
	cli="redis-cli -h 127.0.0.1 -p 16379"
	wait_for redis 10 $cli ping
	timeout 120 $cli debug populate 2000000 key 100 >/dev/null
	$cli info memory | grep '^used_memory_rss_human' >&2
	$cli bgsave >/dev/null
	n=600
	while ! $cli info persistence | grep -q 'rdb_bgsave_in_progress:0'
	do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "traces: BGSAVE did not end" >&2;
		    exit 1; }
		sleep 0.2
	done
	$cli info persistence | grep -E 'rdb_last_bgsave_status|cow' >&2
	$cli shutdown nosave >/dev/null 2>&1 || true
	wait
	bg=""
}

# SpamAssassin's spamd: Perl compiles the rules (about 100 MB of heap,
# from glibc's malloc, moved with brk) and then preforks four children,
# which scan 12 messages of 220 KB from spamc, one at a time: each
# child's malloc moves the break of the heap it shares with the parent
# (docs/recording.md, "Writes after fork").  -L: no network tests.
rec_spamd() {
	d=$tmp/spamd
	mkdir -p "$d"
	cat >"$d/msg.eml" <<'EOG'
From: alice@example.org
To: bob@example.org
Subject: Cheap meds, free money, act now!!!
Date: Sun, 6 Dec 2026 03:00:00 +0000
Message-ID: <1@example.org>

Dear friend, you have WON $1,000,000!!! Click here to claim your prize.
Buy cheap pills online, no prescription needed. Limited time offer.
EOG
	# And a body of 220 KB (spamc sends up to 500 KB), so that a child
	# needs more heap than the parent left free.
	i=0
	while [ $i -lt 4000 ]; do
		echo "Line $i of the offer: visit http://example.org/$i now."
		i=$((i + 1))
	done >>"$d/msg.eml"
	trace spamd "$d" spamd -L --listen 127.0.0.1:17830 --min-children 4 \
	    --max-children 4 --nouser-config --pidfile spamd.pid -s stderr \
	    -u nobody >"$d/server.log" 2>&1 &
	bg="$bg $!"
	wait_for spamd 120 spamc -x -K -d 127.0.0.1 -p 17830
	i=0
	while [ $i -lt 12 ]; do
		timeout 60 spamc -x -d 127.0.0.1 -p 17830 -c <"$d/msg.eml" \
		    >/dev/null || [ $? -eq 1 ]	# 1: spam
		i=$((i + 1))
	done
	kill -TERM "$(cat "$d/spamd.pid")"
	wait
	bg=""
}

for name in $names; do
	case $name in
	build|configure|git|http|sqlite) rec=rec_$name ;;
	nginx-c10k) rec=rec_c10k ;;
	postgres) rec=rec_pgbench ;;
	linux-build) rec=rec_kbuild ;;
	redis-bgsave) rec=rec_bgsave ;;
	spamd) rec=rec_spamd ;;
	*) echo "traces: no trace named $name" >&2; exit 2 ;;
	esac
	if [ -n "$TRACES_REIMPORT" ]; then
		[ -n "$raw" ] || { echo "traces: TRACES_REIMPORT needs" \
		    "TRACES_RAW" >&2; exit 2; }
	else
		$rec
	fi
	import "$name"
done
