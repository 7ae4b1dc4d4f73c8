/*
 * test_merge.c: kmbench merge (db/merge.c, runner/cmd_merge.c): shards
 * of a matrix joined into one store, once; a missing, corrupt or refused
 * shard names itself and leaves nothing of it behind; the merged cases
 * keep the run (host, commit, compiler, CPU) they came from.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(merge);

static char dir[64];

/* The shared helpers, in this test's directory. */
#define sh(...)		kmtest_sh(dir, __VA_ARGS__)
#define slurp(file)	kmtest_read(dir, file)
#define lines(s)	kmtest_nlines(s)

/* The integer SQL gives on store FILE of the test's directory. */
static long long
q(const char *file, const char *sql)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK, "%s", path);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/*
 * Two shards: a.db holds the 2 strategies x 2 reps of panic-only and
 * nointr on i386-64M, b.db the same on i386-16M, each made by kmbench
 * case from matrix --list lines (4 lines each).
 */
static void
setup(void)
{

	snprintf(dir, sizeof(dir), "/tmp/kmtest-merge-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	cr_assert_eq(sh("$KB gen pr14721 --param fds=100 -o t.kmt"), 0);
	cr_assert_eq(sh("$KB matrix --list --strategies panic-only,nointr "
	    "--machines i386-64M --reps 2 t.kmt >a.lines && "
	    "$KB matrix --list --strategies panic-only,nointr "
	    "--machines i386-16M --reps 2 t.kmt >b.lines"), 0);
	cr_assert_eq(sh("while read l; do $KB case --quiet \"$l\" --db a.db "
	    "|| exit 1; done <a.lines && while read l; do $KB case --quiet "
	    "\"$l\" --db b.db || exit 1; done <b.lines"), 0);
	cr_assert_eq(q("a.db", "SELECT count(*) FROM \"case\""), 4);
	cr_assert_eq(q("b.db", "SELECT count(*) FROM \"case\""), 4);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

/* Rows of every table of FILE, as one string, for comparing two states. */
static void
counts(const char *file, long long v[6])
{
	static const char *const t[] = { "run", "\"case\"", "result",
	    "latency", "series", "proc" };
	char sql[64];
	int i;

	for (i = 0; i < 6; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t[i]);
		v[i] = q(file, sql);
	}
}

/*
 * Merging a shard twice stores nothing the second time: every table
 * keeps its row count, and merge says 0 cases merged, 4 there already.
 * The first merge copies all 8 cases with every figure: the merged
 * store has as many result, latency, series and proc rows as the two
 * shards together, and one run row per case (kmbench case makes a run
 * row for each case it stores).
 */
Test(merge, idempotent, .init = setup, .fini = teardown)
{
	long long a[6], b[6], one[6], two[6];
	char *out;
	int i;

	counts("a.db", a);
	counts("b.db", b);
	cr_assert_eq(sh("$KB merge out.db a.db b.db >m1.out 2>m1.err"), 0);
	counts("out.db", one);
	for (i = 0; i < 6; i++)
		cr_expect_eq(one[i], a[i] + b[i], "table %d: %lld, not %lld",
		    i, one[i], a[i] + b[i]);
	cr_expect_eq(one[0], 8);
	cr_expect_eq(one[1], 8);
	cr_assert_eq(sh("$KB merge out.db a.db >m2.out 2>m2.err"), 0);
	cr_assert_eq(sh("$KB merge out.db b.db a.db >m3.out 2>m3.err"), 0);
	counts("out.db", two);
	for (i = 0; i < 6; i++)
		cr_expect_eq(two[i], one[i], "table %d grew: %lld to %lld", i,
		    one[i], two[i]);
	out = slurp("m2.out");
	cr_expect_str_eq(out, "a.db: 0 cases merged, 4 stored already\n");
	free(out);
	/* The figures are the shard's, case by case (by key). */
	cr_expect_eq(sh("sqlite3 out.db \"ATTACH 'a.db' AS a; SELECT c.key, "
	    "r.name, r.value FROM a.[case] c JOIN a.result r ON "
	    "r.case_id = c.id EXCEPT SELECT c.key, r.name, r.value FROM "
	    "[case] c JOIN result r ON r.case_id = c.id;\" >diff.out"),
	    0);
	out = slurp("diff.out");
	cr_expect_str_empty(out, "figures of a.db missing: %s", out);
	free(out);
}

/*
 * A corrupt shard (a page overwritten), a file that is not SQLite and a
 * missing shard: one line each naming it, exit status 2, and nothing of
 * them stored; the good shard given with them is merged whole.
 */
Test(merge, corrupt_shard_refused, .init = setup, .fini = teardown)
{
	long long v[6], b[6];
	char *err, *p;

	/* Page 3 (4096-byte pages) of a copy of a.db overwritten. */
	cr_assert_eq(sh("cp a.db bad.db && printf '%%4096s' | tr ' ' '\\377' "
	    "| dd of=bad.db bs=4096 seek=2 conv=notrunc 2>/dev/null"), 0);
	cr_assert_eq(sh("head -c 5000 t.kmt >junk.db"), 0);
	cr_assert_eq(sh("$KB merge out.db bad.db b.db junk.db nothere.db "
	    ">m.out 2>m.err"), 2);
	err = slurp("m.err");
	cr_expect_eq(lines(err), 4, "%s", err);
	cr_expect((p = strstr(err, "kmbench merge: bad.db: ")) != NULL &&
	    strchr(p, '\n') != NULL, "%s", err);
	cr_expect(strstr(err, "kmbench merge: junk.db: ") != NULL, "%s", err);
	cr_expect(strstr(err, "kmbench merge: nothere.db: ") != NULL, "%s",
	    err);
	cr_expect(strstr(err, "1 shards merged, 3 refused") != NULL, "%s",
	    err);
	free(err);
	/* out.db holds b.db alone, exactly. */
	counts("out.db", v);
	counts("b.db", b);
	cr_expect_eq(v[1], 4);
	cr_expect_eq(v[2], b[2]);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM \"case\" WHERE "
	    "machine <> 'i386-16M'"), 0);
	cr_expect_eq(sh("sqlite3 out.db 'PRAGMA integrity_check' | "
	    "grep -qx ok"), 0);
}

/*
 * A shard of another commit, or of an older schema version, is refused
 * with its name unless --force; with --force it is merged (the older
 * one brought forward in a copy: the shard itself keeps version 4).
 * The version-4 shard is this one less the run columns of
 * migrate/006.sql.
 */
Test(merge, other_commit_or_schema, .init = setup, .fini = teardown)
{
	char *err;

	cr_assert_eq(sh("cp b.db other.db && sqlite3 other.db \"UPDATE run "
	    "SET commit_id = '0123abcd'\" && cp b.db old.db && "
	    "sqlite3 old.db 'ALTER TABLE run DROP COLUMN clock; "
	    "ALTER TABLE run DROP COLUMN clock_ticks_per_ns; "
	    "ALTER TABLE run DROP COLUMN clock_first; "
	    "ALTER TABLE run DROP COLUMN clock_every; "
	    "ALTER TABLE run DROP COLUMN clock_how; "
	    "PRAGMA user_version = 4'"), 0);
	cr_assert_eq(sh("$KB merge out.db a.db other.db >/dev/null "
	    "2>m.err"), 2);
	err = slurp("m.err");
	cr_expect(strstr(err, "kmbench merge: other.db: cases of commit "
	    "0123abcd") != NULL, "%s", err);
	free(err);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM \"case\""), 4);
	cr_assert_eq(sh("$KB merge out.db old.db >/dev/null 2>m.err"), 2);
	err = slurp("m.err");
	cr_expect(strstr(err, "kmbench merge: old.db: schema version 4") !=
	    NULL, "%s", err);
	free(err);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM \"case\""), 4);
	cr_assert_eq(sh("$KB merge --force out.db old.db >/dev/null "
	    "2>m.err"), 0);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM \"case\""), 8);
	cr_expect_eq(q("old.db", "PRAGMA user_version"), 4);
	/* migrate/005.sql renamed the old shard's latency ops. */
	cr_expect_eq(q("out.db", "SELECT count(*) FROM latency l JOIN "
	    "\"case\" c ON c.id = l.case_id WHERE c.machine = 'i386-16M' AND "
	    "l.op NOT LIKE '%.all'"), 0);
}

/*
 * The merged cases keep their runs: each case's run row has the host,
 * commit, compiler and CPU of the shard's run row for the same key.
 */
Test(merge, run_context, .init = setup, .fini = teardown)
{

	cr_assert_eq(sh("$KB merge out.db a.db b.db >/dev/null 2>&1"), 0);
	cr_expect_eq(sh("sqlite3 out.db \"ATTACH 'a.db' AS a; ATTACH 'b.db' "
	    "AS b; SELECT count(*) FROM [case] c JOIN run r ON "
	    "r.id = c.run_id JOIN (SELECT k.key, s.host, s.commit_id, "
	    "s.compiler, s.cpu, s.command FROM a.[case] k JOIN a.run s "
	    "ON s.id = k.run_id UNION ALL SELECT k.key, s.host, s.commit_id, "
	    "s.compiler, s.cpu, s.command FROM b.[case] k JOIN b.run s "
	    "ON s.id = k.run_id) o ON o.key = c.key WHERE r.host = o.host "
	    "AND r.commit_id = o.commit_id AND r.compiler = o.compiler AND "
	    "r.cpu = o.cpu AND r.command = 'case' AND r.host <> '';\" "
	    "| grep -qx 8"), 0);
}

/*
 * A shard's capacity searches (with every replay) and microbenchmark
 * rows are merged too, once.  a.db gets a capacity search of t.kmt
 * (--vary nkmempages over [1, 64] with --checks 0: its replays are
 * stored one row each) and a microbenchmark import of two rows (the
 * JSON below: two benchmarks, no errors).  Merged into out.db, which
 * already holds b.db's cases and a search of its own (so that every id
 * of a.db must move): out.db gains a.db's search and both micro rows,
 * each search's replays point at its own row, every row's run exists
 * and is the one of its kind (command capacity, microbench); merged
 * again, nothing changes.
 */
Test(merge, searches_and_micro, .init = setup, .fini = teardown)
{
	long long tries, before[4], after[4];
	static const char *const t[] = { "run", "capacity", "capacity_try",
	    "micro" };
	char sql[96], *out;
	int i;

	cr_assert_eq(sh("printf '%%s' '{\"benchmarks\": ["
	    "{\"name\": \"pair/bucket/16\", \"run_name\": \"pair/bucket/16\", "
	    "\"run_type\": \"iteration\", \"iterations\": 1000, "
	    "\"real_time\": 31.0, \"cpu_time\": 30.0, \"time_unit\": \"ns\"}, "
	    "{\"name\": \"pair/glibc/16\", \"run_name\": \"pair/glibc/16\", "
	    "\"run_type\": \"iteration\", \"iterations\": 1000, "
	    "\"real_time\": 21.0, \"cpu_time\": 20.0, \"time_unit\": \"ns\"}"
	    "]}' >m.json && $KB micro-import m.json --db a.db >/dev/null"), 0);
	cr_assert_eq(sh("$KB capacity --db a.db --checks 0 --strategy "
	    "panic-only --machine i386-64M --vary nkmempages --to 64 t.kmt "
	    ">/dev/null && $KB capacity --db b.db --checks 0 --strategy "
	    "nointr --machine i386-64M --vary nkmempages --to 64 t.kmt "
	    ">/dev/null"), 0);
	tries = q("a.db", "SELECT count(*) FROM capacity_try");
	cr_assert(tries >= 2, "%lld", tries);
	cr_assert_eq(q("a.db", "SELECT count(*) FROM micro"), 2);
	cr_assert_eq(sh("$KB merge --quiet out.db b.db 2>/dev/null"), 0);
	cr_assert_eq(sh("$KB merge out.db a.db >out 2>/dev/null"), 0);
	out = slurp("out");
	cr_expect_str_eq(out, "a.db: 4 cases merged, 0 stored already; 1 "
	    "capacity searches, 2 microbenchmark rows merged\n");
	free(out);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM capacity"), 2);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM micro"), 2);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM capacity_try"),
	    tries + q("b.db", "SELECT count(*) FROM capacity_try"));
	/* a.db's search came with all its replays, under its new id. */
	cr_expect_eq(q("out.db", "SELECT count(*) FROM capacity_try t JOIN "
	    "capacity c ON c.id = t.capacity_id WHERE c.strategy = "
	    "'panic-only'"), tries);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM capacity_try WHERE "
	    "capacity_id NOT IN (SELECT id FROM capacity)"), 0);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM capacity c JOIN run r "
	    "ON r.id = c.run_id WHERE r.command = 'capacity'"), 2);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM micro m JOIN run r ON "
	    "r.id = m.run_id WHERE r.command = 'microbench'"), 2);
	cr_expect_eq(q("out.db", "SELECT count(*) FROM micro WHERE name = "
	    "'pair/glibc/16' AND real_ns = 21"), 1);
	cr_expect_eq(q("out.db", "SELECT value FROM capacity WHERE strategy "
	    "= 'panic-only'"), q("a.db", "SELECT value FROM capacity"));
	/* Again: nothing new, every table as it was. */
	for (i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t[i]);
		before[i] = q("out.db", sql);
	}
	cr_assert_eq(sh("$KB merge out.db a.db b.db >out 2>/dev/null"), 0);
	out = slurp("out");
	cr_expect_str_eq(out, "a.db: 0 cases merged, 4 stored already\n"
	    "b.db: 0 cases merged, 4 stored already\n");
	free(out);
	for (i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t[i]);
		after[i] = q("out.db", sql);
		cr_expect_eq(after[i], before[i], "%s", t[i]);
	}
}
