#!/bin/sh
# traces.sh: what make traces runs: record the shipped traces of real
# programs with kmbench record (strace -f underneath), each compressed
# under workloads/traces/ with the exact command in its @ command header:
#   build      a parallel build (make -j2) of kmbench's own sources
#   configure  a configure-style script probing the compiler
#   git        git operations on a clone of this repository
#   http       nginx (two workers) serving wrk's connections, a new one for
#              every request, 200 at a time
#   sqlite     an SQLite workload in the sqlite3 shell
set -e
top=$(pwd)
out=$top/workloads/traces
kmb=$top/kmbench
tmp=$(mktemp -d /tmp/kmbench-traces.XXXXXX)
trap 'kill $nginx_rec 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$out"

record() {
	name=$1
	shift
	echo "traces: recording $name: $*" >&2
	"$kmb" record -o "$out/$name.kmt.zst.tmp" -- "$@" >/dev/null
	mv "$out/$name.kmt.zst.tmp" "$out/$name.kmt.zst"
}

# A parallel build of a real C code base: this one, from a clean tree.
git archive --format=tar HEAD | (mkdir -p "$tmp/src" && tar -x -C "$tmp/src")
record build make -C "$tmp/src" -j2 kmbench

record configure sh "$top/tools/configure-probe.sh" "$tmp/configure"

# git on a real repository: clone, log, diff, status, gc.
git clone -q "$top" "$tmp/repo"
cat >"$tmp/git.sh" <<EOG
set -e
cd "$tmp/repo"
git log --stat >/dev/null
git diff HEAD~3 >/dev/null
git status >/dev/null
git grep -n kmem_map >/dev/null
git gc -q
EOG
record git sh "$tmp/git.sh"

# An HTTP server under many connections: nginx (two workers) and wrk.
mkdir -p "$tmp/www" "$tmp/nginx/logs"
head -c 65536 /dev/urandom >"$tmp/www/big.bin"
echo "hello" >"$tmp/www/index.html"
cat >"$tmp/nginx/nginx.conf" <<EOG
worker_processes 2;
worker_rlimit_nofile 4096;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:18080;
		root $tmp/www;
	}
}
EOG
"$kmb" record -o "$out/http.kmt.zst.tmp" -- /usr/sbin/nginx \
    -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' \
    >/dev/null 2>&1 &
nginx_rec=$!
i=0
while ! curl -s -o /dev/null http://127.0.0.1:18080/; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "traces: nginx did not start" >&2; exit 1; }
	sleep 0.1
done
# A new connection for every request, 200 at a time, then keep-alive.
wrk -t 2 -c 200 -d 2s -H 'Connection: close' \
    http://127.0.0.1:18080/index.html >/dev/null
wrk -t 2 -c 50 -d 2s http://127.0.0.1:18080/big.bin >/dev/null
kill -QUIT "$(cat "$tmp/nginx/nginx.pid")"
wait $nginx_rec
nginx_rec=""
mv "$out/http.kmt.zst.tmp" "$out/http.kmt.zst"

# SQLite: a table of 200000 rows, an index, queries, a vacuum.
cat >"$tmp/sqlite.sql" <<EOG
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
record sqlite sh -c "sqlite3 '$tmp/db.sqlite' <'$tmp/sqlite.sql'"

ls -l "$out" >&2
