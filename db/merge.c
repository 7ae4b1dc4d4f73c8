/*
 * merge.c: joining shard stores into one (see merge.h).
 *
 * The shard is first opened on its own, read-only: its header (a
 * kmbench store, its schema version), PRAGMA integrity_check and the
 * commits of its cases are checked before anything is written, so that
 * a missing, corrupt or refused shard leaves OUT as it was.  Then it is
 * attached to OUT and its new cases copied in one transaction: the run
 * rows they came from, the case rows and their figures, every id moved
 * past OUT's largest.  A case whose key OUT holds already is not copied
 * (the key names commit and inputs: store.c), so merging a shard twice
 * stores nothing the second time.  The shard's capacity searches (with
 * their replays) and microbenchmark rows come along in the same
 * transaction; these have no key, so one is new when OUT has no row
 * equal to it from a run equal to its run (commit, host, date, command,
 * ...): merging twice copies them once.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merge.h"
#include "store.h"

/* The first row's text of SQL on DB into BUF; 0, or -1. */
static int
query_text(sqlite3 *db, const char *sql, char *buf, size_t len, int *rows)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ == 0 && sqlite3_column_text(s, 0) != NULL)
			snprintf(buf, len, "%s", sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	if (rows != NULL)
		*rows = n;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
query_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *s;
	int rc;

	*v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The commit of the cases of DB: "ID" or "ID+dirty"; their number. */
#define COMMITS_SQL	"SELECT DISTINCT r.commit_id || CASE WHEN r.dirty " \
	"THEN '+dirty' ELSE '' END FROM run r JOIN \"case\" c ON " \
	"c.run_id = r.id"

int
store_integrity(struct store *st, char *err, size_t errlen)
{
	char res[256];

	if (query_text(st->st_db, "PRAGMA integrity_check", res, sizeof(res),
	    NULL) != 0) {
		snprintf(err, errlen, "%s: integrity_check: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		return -1;
	}
	if (strcmp(res, "ok") != 0) {
		snprintf(err, errlen, "%s: integrity_check: %s", st->st_path,
		    res);
		return -1;
	}
	return 0;
}

/*
 * Check SHARD alone: readable, whole, its version and the commits of its
 * cases into *VERSION and COMMITS (the first; *NCOMMITS of them).
 */
static int
check_shard(const char *shard, int *version, char *commits, size_t len,
    int *ncommits, char *err, size_t errlen)
{
	struct store sh;
	int64_t v;

	if (store_open_ro(&sh, shard, err, errlen) != 0)
		return -1;
	if (query_int(sh.st_db, "PRAGMA user_version", &v) != 0) {
		snprintf(err, errlen, "%s: %s", shard,
		    sqlite3_errmsg(sh.st_db));
		goto fail;
	}
	*version = (int)v;
	if (store_integrity(&sh, err, errlen) != 0)
		goto fail;
	if (query_text(sh.st_db, COMMITS_SQL, commits, len, ncommits) != 0) {
		snprintf(err, errlen, "%s: reading its runs: %s", shard,
		    sqlite3_errmsg(sh.st_db));
		goto fail;
	}
	store_close(&sh);
	return 0;
fail:
	store_close(&sh);
	return -1;
}

/*
 * An older SHARD brought forward to this schema in a copy, TMP (made
 * here): the backup API reads it whole (WAL included), store_open
 * migrates the copy.  The shard itself is not touched.
 */
static int
migrate_copy(const char *shard, char *tmp, size_t tmplen, char *err,
    size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	struct store st;
	int fd, rc = -1;

	snprintf(tmp, tmplen, "%s/kmbench-merge-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errlen, "%s: a temporary copy: cannot make %s",
		    shard, tmp);
		tmp[0] = '\0';
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(shard, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_open(tmp, &dst) != SQLITE_OK)
		goto out;
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		goto out;
	sqlite3_backup_step(b, -1);
	if (sqlite3_backup_finish(b) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		snprintf(err, errlen, "%s: a temporary copy: %s", shard,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc == 0) {
		if (store_open(&st, tmp, err, errlen) != 0)
			rc = -1;
		else
			store_close(&st);
	}
	return rc;
}

/* The copy of the attached shard's new cases, in OUT's transaction. */
static int
copy_cases(struct store *out, struct merge_result *mr)
{
	int64_t roff, coff;
	char sql[2048];

	if (query_int(out->st_db, "SELECT coalesce(max(id), 0) FROM main.run",
	    &roff) != 0 ||
	    query_int(out->st_db, "SELECT coalesce(max(id), 0) FROM "
	    "main.\"case\"", &coff) != 0)
		return -1;
	mr->mr_roff = roff;
	if (sqlite3_exec(out->st_db, "CREATE TEMP TABLE IF NOT EXISTS "
	    "merge_new (old INTEGER PRIMARY KEY); DELETE FROM temp.merge_new; "
	    "INSERT INTO temp.merge_new SELECT id FROM shard.\"case\" WHERE "
	    "key NOT IN (SELECT key FROM main.\"case\")", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return -1;
	if (query_int(out->st_db, "SELECT count(*) FROM temp.merge_new",
	    &mr->mr_cases) != 0 ||
	    query_int(out->st_db, "SELECT count(*) FROM shard.\"case\"",
	    &mr->mr_already) != 0)
		return -1;
	mr->mr_already -= mr->mr_cases;
	snprintf(sql, sizeof(sql),
	    "INSERT INTO main.run (id, commit_id, dirty, compiler, cflags, "
	    "host, cpu, date, version, command, clock, clock_ticks_per_ns, "
	    "clock_first, clock_every, clock_how) SELECT id + %" PRId64 ", "
	    "commit_id, dirty, compiler, cflags, host, cpu, date, version, "
	    "command, clock, clock_ticks_per_ns, clock_first, clock_every, "
	    "clock_how FROM shard.run WHERE id IN (SELECT run_id FROM "
	    "shard.\"case\" WHERE id IN (SELECT old FROM temp.merge_new))",
	    roff);
	if (sqlite3_exec(out->st_db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	mr->mr_runs = sqlite3_changes(out->st_db);
#define NEW	" WHERE case_id IN (SELECT old FROM temp.merge_new)"
	snprintf(sql, sizeof(sql),
	    "INSERT INTO main.\"case\" (id, run_id, key, inputs, strategy, "
	    "machine, settings, trace, trace_sha256, rep, outcome, wall_ns) "
	    "SELECT id + %" PRId64 ", run_id + %" PRId64 ", key, inputs, "
	    "strategy, machine, settings, trace, trace_sha256, rep, outcome, "
	    "wall_ns FROM shard.\"case\" WHERE id IN (SELECT old FROM "
	    "temp.merge_new);"
	    "INSERT INTO main.result (case_id, name, value, deterministic) "
	    "SELECT case_id + %" PRId64 ", name, value, deterministic FROM "
	    "shard.result" NEW ";"
	    "INSERT INTO main.latency (case_id, op, arena, count, p50, p90, "
	    "p99, p999, max, mean, hist) SELECT case_id + %" PRId64 ", op, "
	    "arena, count, p50, p90, p99, p999, max, mean, hist FROM "
	    "shard.latency" NEW ";"
	    "INSERT INTO main.series (case_id, seq, event, time_ns, why, map, "
	    "footprint, live, waste, freeheld, largest, freepages, wired) "
	    "SELECT case_id + %" PRId64 ", seq, event, time_ns, why, map, "
	    "footprint, live, waste, freeheld, largest, freepages, wired "
	    "FROM shard.series" NEW ";"
	    "INSERT INTO main.proc (case_id, pid, state, max_fds, emfile, "
	    "enfile, enomem, ebadf, eagain, skipped) SELECT case_id + "
	    "%" PRId64 ", pid, state, max_fds, emfile, enfile, enomem, ebadf, "
	    "eagain, skipped FROM shard.proc" NEW ";",
	    coff, roff, coff, coff, coff, coff);
#undef NEW
	if (sqlite3_exec(out->st_db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/*
 * A shard run row equal to main run row MR (the run of a search or a
 * microbenchmark row that OUT already holds), as SQL on sr and mr.
 */
#define SAME_RUN	"mr.commit_id = sr.commit_id AND mr.dirty = sr.dirty " \
	"AND mr.compiler = sr.compiler AND mr.cflags = sr.cflags AND " \
	"mr.host = sr.host AND mr.cpu = sr.cpu AND mr.date = sr.date AND " \
	"mr.version = sr.version AND mr.command = sr.command"

/*
 * The attached shard's capacity searches (and their replays) and
 * microbenchmark rows that OUT does not hold, with their runs, in OUT's
 * transaction; after copy_cases(), whose runs they may share.
 */
static int
copy_searches(struct store *out, struct merge_result *mr)
{
	int64_t roff, capoff, microff;
	char sql[4096];

	if (query_int(out->st_db, "SELECT coalesce(max(id), 0) FROM main.run",
	    &roff) != 0 ||
	    query_int(out->st_db, "SELECT coalesce(max(id), 0) FROM "
	    "main.capacity", &capoff) != 0 ||
	    query_int(out->st_db, "SELECT coalesce(max(id), 0) FROM "
	    "main.micro", &microff) != 0)
		return -1;
	if (sqlite3_exec(out->st_db,
	    "CREATE TEMP TABLE IF NOT EXISTS merge_cap (old INTEGER PRIMARY "
	    "KEY); DELETE FROM temp.merge_cap; "
	    "INSERT INTO temp.merge_cap SELECT sc.id FROM shard.capacity sc "
	    "JOIN shard.run sr ON sr.id = sc.run_id WHERE NOT EXISTS (SELECT 1 "
	    "FROM main.capacity mc JOIN main.run mr ON mr.id = mc.run_id WHERE "
	    "mc.strategy = sc.strategy AND mc.machine = sc.machine AND "
	    "mc.trace = sc.trace AND mc.key = sc.key AND mc.lo = sc.lo AND "
	    "mc.hi = sc.hi AND mc.clean = sc.clean AND mc.stagger = "
	    "sc.stagger AND mc.value IS sc.value AND mc.monotonic IS "
	    "sc.monotonic AND " SAME_RUN ");"
	    "CREATE TEMP TABLE IF NOT EXISTS merge_micro (old INTEGER PRIMARY "
	    "KEY); DELETE FROM temp.merge_micro; "
	    "INSERT INTO temp.merge_micro SELECT sm.id FROM shard.micro sm "
	    "JOIN shard.run sr ON sr.id = sm.run_id WHERE NOT EXISTS (SELECT 1 "
	    "FROM main.micro mm JOIN main.run mr ON mr.id = mm.run_id WHERE "
	    "mm.name = sm.name AND mm.iterations = sm.iterations AND "
	    "mm.real_ns = sm.real_ns AND mm.cpu_ns = sm.cpu_ns AND "
	    "mm.aggregate IS sm.aggregate AND mm.counters = sm.counters AND "
	    SAME_RUN ")", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (query_int(out->st_db, "SELECT count(*) FROM temp.merge_cap",
	    &mr->mr_searches) != 0 ||
	    query_int(out->st_db, "SELECT count(*) FROM temp.merge_micro",
	    &mr->mr_micro) != 0)
		return -1;
	/*
	 * Their runs, at the offset copy_cases() used (computed there
	 * before it added any): a run it copied already is left alone.
	 */
	snprintf(sql, sizeof(sql),
	    "INSERT OR IGNORE INTO main.run (id, commit_id, dirty, compiler, "
	    "cflags, host, cpu, date, version, command) SELECT id + %" PRId64
	    ", commit_id, dirty, compiler, cflags, host, cpu, date, version, "
	    "command FROM shard.run WHERE id IN (SELECT run_id FROM "
	    "shard.capacity WHERE id IN (SELECT old FROM temp.merge_cap)) OR "
	    "id IN (SELECT run_id FROM shard.micro WHERE id IN (SELECT old "
	    "FROM temp.merge_micro));"
	    "INSERT INTO main.capacity (id, run_id, strategy, machine, trace, "
	    "key, lo, hi, clean, stagger, value, monotonic) SELECT id + "
	    "%" PRId64 ", run_id + %" PRId64 ", strategy, machine, trace, key, "
	    "lo, hi, clean, stagger, value, monotonic FROM shard.capacity "
	    "WHERE id IN (SELECT old FROM temp.merge_cap);"
	    "INSERT INTO main.capacity_try (capacity_id, seq, value, outcome, "
	    "events, skipped, refused, hung, panic_event, kmem_peak) SELECT "
	    "capacity_id + %" PRId64 ", seq, value, outcome, events, skipped, "
	    "refused, hung, panic_event, kmem_peak FROM shard.capacity_try "
	    "WHERE capacity_id IN (SELECT old FROM temp.merge_cap);"
	    "INSERT INTO main.micro (id, run_id, name, iterations, real_ns, "
	    "cpu_ns, aggregate, counters) SELECT id + %" PRId64 ", run_id + "
	    "%" PRId64 ", name, iterations, real_ns, cpu_ns, aggregate, "
	    "counters FROM shard.micro WHERE id IN (SELECT old FROM "
	    "temp.merge_micro);",
	    mr->mr_roff, capoff, mr->mr_roff, capoff, microff, mr->mr_roff);
	(void)roff;
	if (sqlite3_exec(out->st_db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

int
store_merge(struct store *out, const char *shard, int force, char *commit,
    size_t commitlen, struct merge_result *mr, char *err, size_t errlen)
{
	char commits[256], mine[256], tmp[512] = "";
	struct stat a, b;
	sqlite3_stmt *s;
	const char *src = shard;
	int ncommits, nmine, rc = MERGE_REFUSED, attached = 0;

	memset(mr, 0, sizeof(*mr));
	if (stat(out->st_path, &a) == 0 && stat(shard, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		snprintf(err, errlen, "%s: the merged store itself, not a "
		    "shard", shard);
		return MERGE_REFUSED;
	}
	if (check_shard(shard, &mr->mr_version, commits, sizeof(commits),
	    &ncommits, err, errlen) != 0)
		return MERGE_REFUSED;
	if (mr->mr_version != STORE_VERSION && !force) {
		snprintf(err, errlen, "%s: schema version %d, not this "
		    "kmbench's %d; refused (--force brings it forward in a "
		    "copy)", shard, mr->mr_version, STORE_VERSION);
		return MERGE_REFUSED;
	}
	if (commit[0] == '\0') {
		if (query_text(out->st_db, COMMITS_SQL, mine, sizeof(mine),
		    &nmine) != 0) {
			snprintf(err, errlen, "%s: reading its runs: %s",
			    out->st_path, sqlite3_errmsg(out->st_db));
			return MERGE_EOUT;
		}
		/* No cases on either side: nothing to hold it to yet. */
		if (nmine > 0 || ncommits > 0)
			snprintf(commit, commitlen, "%s", nmine > 0 ? mine :
			    commits);
	}
	if (!force && ncommits > 0 && commit[0] != '\0' && (ncommits > 1 ||
	    strcmp(commits, commit) != 0)) {
		if (ncommits > 1)
			snprintf(err, errlen, "%s: holds cases of %d commits; "
			    "refused (--force merges it anyway)", shard,
			    ncommits);
		else
			snprintf(err, errlen, "%s: cases of commit %s, the "
			    "merged store's are of %s; refused (--force merges "
			    "it anyway)", shard, commits, commit);
		return MERGE_REFUSED;
	}
	if (mr->mr_version != STORE_VERSION) {
		if (migrate_copy(shard, tmp, sizeof(tmp), err, errlen) != 0)
			goto out;
		src = tmp;
	}
	if (sqlite3_prepare_v2(out->st_db, "ATTACH DATABASE ? AS shard", -1,
	    &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", out->st_path,
		    sqlite3_errmsg(out->st_db));
		rc = MERGE_EOUT;
		goto out;
	}
	sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
	attached = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	if (!attached) {
		snprintf(err, errlen, "%s: cannot attach it: %s", shard,
		    sqlite3_errmsg(out->st_db));
		goto out;
	}
	if (sqlite3_exec(out->st_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: locking: %s", out->st_path,
		    sqlite3_errmsg(out->st_db));
		rc = MERGE_EOUT;
		goto out;
	}
	if (copy_cases(out, mr) != 0 || copy_searches(out, mr) != 0) {
		/* Which file failed: the shard's read or OUT's write. */
		snprintf(err, errlen, "%s: merging %s: %s; nothing of it "
		    "stored", out->st_path, shard, sqlite3_errmsg(out->st_db));
		sqlite3_exec(out->st_db, "ROLLBACK", NULL, NULL, NULL);
		memset(mr, 0, sizeof(*mr));
		rc = MERGE_EOUT;
		goto out;
	}
	if (sqlite3_exec(out->st_db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: committing %s: %s; nothing of it "
		    "stored", out->st_path, shard, sqlite3_errmsg(out->st_db));
		sqlite3_exec(out->st_db, "ROLLBACK", NULL, NULL, NULL);
		memset(mr, 0, sizeof(*mr));
		rc = MERGE_EOUT;
		goto out;
	}
	rc = 0;
out:
	if (attached)
		sqlite3_exec(out->st_db, "DETACH DATABASE shard", NULL, NULL,
		    NULL);
	if (tmp[0] != '\0') {
		char side[sizeof(tmp) + 8];

		unlink(tmp);
		snprintf(side, sizeof(side), "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", tmp);
		unlink(side);
	}
	return rc;
}
