/*
 * test_store.c: the SQLite store: cases land whole and once, even with
 * concurrent writers and interruptions; old schemas are migrated; newer,
 * foreign and corrupt files are refused with a message.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/sha256.h"
#include "../db/store.h"
#include "kmtest.h"

#define SMALL	"kmtrace 1\n0 1 spawn\n1 1 map h 20\n2 1 touch h\n" \
		"3 1 fork 2\n4 2 touch h\n5 1 open 3\n6 2 exit\n"

static char dbpath[128];

static void
newdb(void)
{
	int fd;

	snprintf(dbpath, sizeof(dbpath), "/tmp/kmtest-db-XXXXXX");
	fd = mkstemp(dbpath);
	cr_assert(fd >= 0);
	close(fd);
	unlink(dbpath);		/* the store creates it */
}

/* A file system a test mounted, unmounted at its end even if it fails. */
static char mounted[64];

static void
rmdb(void)
{
	char p[160];

	if (mounted[0] != '\0') {
		snprintf(p, sizeof(p), "umount '%s'", mounted);
		if (system(p) != 0)
			fprintf(stderr, "cannot unmount %s\n", mounted);
		rmdir(mounted);
		mounted[0] = '\0';
	}

	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

TestSuite(store, .init = newdb, .fini = rmdb, .timeout = 120);

/* The value of SQL, or -1 if it cannot be read yet (no schema). */
static int64_t
try_count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 20000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

static int64_t
count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 20000);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static int
integrity_ok(void)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int ok = 0;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 20000);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s,
	    NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ok;
}

/* run --db stores one case with its results, processes and series. */
Test(store, run_stores_a_case)
{
	char trace[256], args[512], *out, *err;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "run --db %s --strategy nointr --machine "
	    "i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 1);
	cr_expect_eq(count("SELECT count(*) FROM run"), 1);
	/* Two processes; the result max_fds is 4 (0, 1, 2 and 3). */
	cr_expect_eq(count("SELECT count(*) FROM proc"), 2);
	cr_expect_eq(count("SELECT value FROM result WHERE name = "
	    "'max_fds'"), 4);
	cr_expect_eq(count("SELECT count(*) FROM result WHERE name = "
	    "'events' AND value = 7"), 1);
	cr_expect(count("SELECT count(*) FROM series") > 0);
	cr_expect(count("SELECT count(*) FROM latency") > 0);
	cr_expect_eq(count("PRAGMA user_version"), STORE_VERSION);
	free(out);
	free(err);
	unlink(trace);
}

/* A malformed trace writes nothing (and makes no case row). */
Test(store, malformed_trace_stores_nothing)
{
	char trace[256], args[512], *out, *err;

	kmtest_write(trace, sizeof(trace), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 open 1\n");
	snprintf(args, sizeof(args), "run --db %s --strategy nointr --machine "
	    "i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 2);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 0);
	cr_expect_eq(count("SELECT count(*) FROM result"), 0);
	free(out);
	free(err);
	unlink(trace);
}

/*
 * Concurrency: two run --db processes and a matrix --jobs 2 write one
 * file at once.  The matrix has 2 strategies x 2 machines x 2 reps = 8
 * cases; the two runs add one each (rep 7 and 8, which the matrix does
 * not have).  Every case lands exactly once: 10 distinct keys, 10 rows.
 */
Test(store, concurrent_writers)
{
	char trace[256], a1[512], a2[512], a3[512];
	pid_t p[3];
	int i, st;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(a1, sizeof(a1), "run --db %s --rep 7 --strategy canfail "
	    "--machine i386-32M %s >/dev/null", dbpath, trace);
	snprintf(a2, sizeof(a2), "run --db %s --rep 8 --strategy canfail "
	    "--machine i386-32M %s >/dev/null", dbpath, trace);
	snprintf(a3, sizeof(a3), "matrix --db %s --jobs 2 --reps 2 "
	    "--strategies nointr,fdlimit --machines i386-16M,i386-64M "
	    "--traces %s", dbpath, trace);
	for (i = 0; i < 3; i++) {
		if ((p[i] = fork()) == 0) {
			char *o, *e;
			int rc = kmtest_cmd(i == 0 ? a1 : i == 1 ? a2 : a3,
			    &o, &e);

			if (rc != 0)
				fprintf(stderr, "writer %d: %s", i, e);
			_exit(rc);
		}
	}
	for (i = 0; i < 3; i++) {
		cr_assert_eq(waitpid(p[i], &st, 0), p[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "writer %d failed", i);
	}
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 10);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 10);
	cr_expect(integrity_ok());
	unlink(trace);
}

/*
 * A matrix re-run on the same commit reuses every stored case; --force
 * runs them again as further repetitions: the two cases of runs 1 (reps
 * 0) and the two of run 3 (reps 1, the next after the highest stored),
 * four rows, four keys, and the first figures kept.  A second --force
 * adds reps 2.
 */
Test(store, matrix_skips_stored_cases)
{
	char trace[256], args[512], *out, *err;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s --strategies panic-only "
	    "--machines i386-64M,i386-128M --traces %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 2);
	free(out);
	free(err);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(err, "2 already stored") != NULL, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 2);
	free(out);
	free(err);
	strcat(args, " --force");
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 4);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 4);
	cr_expect_eq(count("SELECT count(*) FROM \"case\" WHERE run_id = 1 "
	    "AND rep = 0"), 2);
	cr_expect_eq(count("SELECT count(*) FROM \"case\" WHERE run_id = 3 "
	    "AND rep = 1"), 2);
	cr_expect_eq(count("SELECT count(DISTINCT case_id) FROM result"), 4);
	free(out);
	free(err);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\" WHERE run_id = 4 "
	    "AND rep = 2"), 2);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 6);
	free(out);
	free(err);
	unlink(trace);
}

/*
 * Faults during a sweep.  The cases of these tests replay a long trace,
 * 600000 dups of one descriptor (about 0.35 s a case in the release
 * build), in a matrix run with --jobs 1, so that cases run one after
 * the other and a signal lands in the middle of one.
 */
#define LONGCASES	"--jobs 1 --strategies nointr --machines i386-64M"

/* The long trace into a new temporary file PATH. */
static void
long_trace(char *path, size_t len)
{
	FILE *f;
	int k;

	snprintf(path, len, "/tmp/kmtest-long-XXXXXX");
	k = mkstemp(path);
	cr_assert(k >= 0);
	f = fdopen(k, "w");
	cr_assert(f != NULL);
	fprintf(f, "kmtrace 1\n0 1 spawn\n0 1 sysctl maxfiles 10000000\n"
	    "0 1 limit nofile 10000000\n0 1 open 3\n");
	for (k = 4; k < 600000; k++)
		fprintf(f, "%d 1 dup 3 %d\n", k, k);
	cr_assert(fclose(f) == 0);
}

/*
 * Start "$KMBENCH ARGS" in the background, its standard output thrown
 * away and its standard error into ERRPATH (NULL: thrown away).  The
 * PID returned is kmbench's own (the shell execs it).
 */
static pid_t
start_kmbench(const char *args, const char *errpath)
{
	char cmd[1024], *bin = getenv("KMBENCH");
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "exec %s %s >/dev/null 2>%s",
	    bin ? bin : "./kmbench", args, errpath ? errpath : "/dev/null");
	if ((pid = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert(pid > 0);
	return pid;
}

/* The contents of file PATH (malloc'ed). */
static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;

	cr_assert(f != NULL, "%s", path);
	text = kmtest_slurp(f);
	fclose(f);
	return text;
}

/* Poll until at least N cases are stored (at most a minute). */
static void
wait_for_cases(int64_t n)
{
	int k;

	for (k = 0; k < 1200; k++) {
		if (try_count("SELECT count(*) FROM \"case\"") >= n)
			return;
		usleep(50000);
	}
	cr_assert_fail("no %lld cases stored after a minute", (long long)n);
}

/*
 * Every stored case is whole: each table of per-case rows has rows for
 * every case and none for a case that is not there, and as many for
 * each case as for the first (the cases differ only in their rep).  And
 * the file is intact.
 */
static void
expect_whole_cases(void)
{
	static const char *const tabs[] = {
		"result", "latency", "series", "proc", NULL
	};
	const char *const *t;
	char sql[512];
	int64_t ncases = count("SELECT count(*) FROM \"case\"");

	for (t = tabs; *t != NULL; t++) {
		snprintf(sql, sizeof(sql), "SELECT count(DISTINCT case_id) "
		    "FROM %s", *t);
		cr_expect_eq(count(sql), ncases, "%s: cases without rows", *t);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s x WHERE "
		    "NOT EXISTS (SELECT 1 FROM \"case\" c WHERE c.id = "
		    "x.case_id)", *t);
		cr_expect_eq(count(sql), 0, "%s: rows without a case", *t);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT "
		    "count(*) AS n FROM %s GROUP BY case_id) WHERE n != "
		    "(SELECT count(*) FROM %s WHERE case_id = (SELECT min(id) "
		    "FROM \"case\"))", *t, *t);
		cr_expect_eq(count(sql), 0, "%s: a case with fewer rows", *t);
	}
	cr_expect(integrity_ok());
}

/*
 * SIGINT in the middle of a matrix of long cases: the finished cases
 * stay, the one cut short leaves no row at all (no result without its
 * case, no case without its results), and the file is intact.
 */
Test(store, interrupted_matrix_keeps_whole_cases)
{
	char trace[256], args[512];
	pid_t pid;
	int st;

	long_trace(trace, sizeof(trace));
	snprintf(args, sizeof(args), "matrix --db %s --reps 8 " LONGCASES
	    " --traces %s", dbpath, trace);
	pid = start_kmbench(args, NULL);
	/* Let a few cases finish, then interrupt. */
	wait_for_cases(2);
	kill(pid, SIGINT);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 130);
	cr_expect(count("SELECT count(*) FROM \"case\"") >= 2);
	cr_expect(count("SELECT count(*) FROM \"case\"") < 8);
	expect_whole_cases();
	unlink(trace);
}

/*
 * SIGTERM to the matrix: as for SIGINT, it stops new cases and lets the
 * running one finish (kmbench.1: exit status 130); every stored case is
 * whole, and a rerun without --force runs only the cases missing.
 */
Test(store, terminated_matrix_resumes)
{
	char trace[256], args[512], errpath[300], want[64], *text, *out, *err;
	int64_t n;
	pid_t pid;
	int st;

	long_trace(trace, sizeof(trace));
	snprintf(errpath, sizeof(errpath), "%s.err", trace);
	snprintf(args, sizeof(args), "matrix --db %s --reps 6 " LONGCASES
	    " --traces %s", dbpath, trace);
	pid = start_kmbench(args, errpath);
	wait_for_cases(1);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	text = read_text(errpath);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 130, "status %#x: %s",
	    st, text);
	cr_expect(strstr(text, ", interrupted; run 1 in") != NULL, "%s",
	    text);
	free(text);
	n = count("SELECT count(*) FROM \"case\"");
	cr_assert(n >= 1 && n < 6, "%lld cases stored", (long long)n);
	expect_whole_cases();

	/* The rerun runs the 6 - n cases missing, and reuses the n. */
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	snprintf(want, sizeof(want), "6 cases: %lld run, %lld already stored, "
	    "0 failed", (long long)(6 - n), (long long)n);
	cr_expect(strstr(err, want) != NULL, "want \"%s\": %s", want, err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 6);
	cr_expect_eq(count("SELECT count(DISTINCT rep) FROM \"case\""), 6);
	expect_whole_cases();
	free(out);
	free(err);
	unlink(errpath);
	unlink(trace);
}

/* The first child of process PID, or 0 (/proc/PID/task/PID/children). */
static pid_t
first_child(pid_t pid)
{
	char path[64];
	FILE *f;
	long c = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &c) != 1)
		c = 0;
	fclose(f);
	return (pid_t)c;
}

/*
 * A worker killed (SIGKILL) in the middle of its case: the matrix names
 * the lost case in one line, starts another worker for the rest, and
 * exits 1; every other case is stored whole, and a rerun runs the lost
 * one.  With --jobs 1 the matrix has one worker, which runs the cases
 * one after another: once the first case is stored, it is killed in
 * one of the five others (a case of the long trace takes about 100 ms,
 * 0.5 s for the five; the kill comes within 50 ms of the first store).
 */
Test(store, killed_worker_is_reported)
{
	char trace[256], args[512], errpath[300], want[512], *text, *out, *err;
	char *line;
	pid_t pid, victim;
	int64_t lost;
	int st;

	long_trace(trace, sizeof(trace));
	snprintf(errpath, sizeof(errpath), "%s.err", trace);
	snprintf(args, sizeof(args), "matrix --db %s --reps 6 " LONGCASES
	    " --traces %s", dbpath, trace);
	pid = start_kmbench(args, errpath);
	wait_for_cases(1);
	victim = first_child(pid);
	cr_assert(victim != 0, "no worker seen");
	cr_assert_eq(kill(victim, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	text = read_text(errpath);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x: %s",
	    st, text);
	/* Five cases stored; the lost one is the rep missing. */
	cr_assert_eq(count("SELECT count(*) FROM \"case\""), 5, "%s", text);
	lost = 0 + 1 + 2 + 3 + 4 + 5 - count("SELECT sum(rep) FROM \"case\"");
	snprintf(want, sizeof(want), "kmbench matrix: case nointr i386-64M %s "
	    "rep %lld not stored: worker killed by signal %d", trace,
	    (long long)lost, SIGKILL);
	line = strstr(text, want);
	cr_expect(line != NULL, "want \"%s\": %s", want, text);
	cr_expect(line == NULL || strstr(line + strlen(want), "not stored") ==
	    NULL,
	    "more than one case reported lost: %s", text);
	cr_expect(strstr(text, "6 cases: 5 run, 0 already stored, 1 failed") !=
	    NULL, "%s", text);
	free(text);
	expect_whole_cases();

	/* The rerun runs the lost case only. */
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(err, "6 cases: 1 run, 5 already stored, 0 failed") !=
	    NULL, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 6);
	cr_expect_eq(count("SELECT count(DISTINCT rep) FROM \"case\""), 6);
	expect_whole_cases();
	free(out);
	free(err);
	unlink(errpath);
	unlink(trace);
}

/* A version-1 file (db/schema.sql alone) is brought to the latest. */
Test(store, migrates_version_1)
{
	char path[512], *sql, err[1024];
	struct store st;
	sqlite3 *db;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/db/schema.sql", kmtest_src());
	f = fopen(path, "r");
	cr_assert(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	sql = calloc(1, (size_t)len + 1);
	cr_assert(fread(sql, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "INSERT INTO run VALUES (1, 'abc', 0, "
	    "'cc', '', 'h', 'cpu', 'd', 'v', 'run')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	free(sql);
	cr_expect_eq(count("PRAGMA user_version"), 1);
	cr_assert_eq(store_open(&st, dbpath, err, sizeof(err)), 0, "%s", err);
	store_close(&st);
	cr_expect_eq(count("PRAGMA user_version"), STORE_VERSION);
	cr_expect_eq(count("SELECT count(*) FROM series"), 0);
	cr_expect_eq(count("SELECT count(*) FROM run WHERE commit_id = "
	    "'abc'"), 1);
}

/* A newer schema, another program's file and garbage are refused. */
Test(store, refuses_newer_foreign_corrupt)
{
	char err[1024];
	struct store st;
	sqlite3 *db;
	FILE *f;

	cr_assert_eq(store_open(&st, dbpath, err, sizeof(err)), 0, "%s", err);
	store_close(&st);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	cr_expect_eq(store_open(&st, dbpath, err, sizeof(err)), -1);
	cr_expect(strstr(err, "newer") != NULL, "%s", err);
	rmdb();

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	cr_expect_eq(store_open(&st, dbpath, err, sizeof(err)), -1);
	cr_expect(strstr(err, "not a kmbench store") != NULL, "%s", err);
	rmdb();

	f = fopen(dbpath, "w");
	cr_assert(f != NULL);
	fputs("this is not an SQLite file, whatever its name says.......\n"
	    "................................................................",
	    f);
	fclose(f);
	cr_expect_eq(store_open(&st, dbpath, err, sizeof(err)), -1);
	cr_expect(strstr(err, dbpath) != NULL, "%s", err);
	cr_expect(strchr(err, '\n') == NULL);
}

/*
 * Issue #19, item 1: a store whose schema version is unknown, negative,
 * or 0 on a file that has tables, is refused before anything reads its
 * tables.  Before, a negative PRAGMA user_version indexed the array of
 * migrations out of bounds: a SIGSEGV at -100000, an unrelated string
 * run as SQL at -1 to -5, exit 0 at -100.  Every command that opens a
 * store now exits 2 with one line naming it.
 */
static void
expect_refused(const char *what, const char *want)
{
	static const char *const cmds[] = {
		"run --brief --strategy nointr --machine i386-64M --db %s %s",
		"matrix --strategies nointr --machines i386-64M --db %s %s",
		"report --db %s",
		"history --list --db %s",
		"compare --db %s 1 latest",
		NULL
	};
	char trace[256], fmt[256], args[1024], *out, *err;
	int i, rc;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	for (i = 0; cmds[i] != NULL; i++) {
		snprintf(fmt, sizeof(fmt), "%s", cmds[i]);
		snprintf(args, sizeof(args), fmt, dbpath, trace);
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 2, "%s: %s: exit %d: %s", what, args, rc, err);
		cr_expect(strstr(err, want) != NULL && strstr(err, dbpath) !=
		    NULL, "%s: %s: no '%s' in: %s", what, args, want, err);
		cr_expect(strchr(err, '\n') == strrchr(err, '\n'),
		    "%s: %s: not one line: %s", what, args, err);
		free(out);
		free(err);
	}
	unlink(trace);
}

static void
set_version(int64_t v)
{
	char sql[64];
	sqlite3 *db;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %lld", (long long)v);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

Test(store, unknown_schema_versions_refused)
{
	static const int64_t bad[] = { -100000, -100, -5, -1 };
	char err[1024], trace[256], args[512], *o, *e;
	struct store st;
	size_t i;

	/* A bare SQLite file with only a negative version, as in #19. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rmdb();
		set_version(bad[i]);
		expect_refused("bare file", "unknown schema version");
		cr_expect_eq(count("PRAGMA user_version"), bad[i]);
	}
	/* A kmbench store whose version is negative, or 0. */
	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	rmdb();
	snprintf(args, sizeof(args), "run --db %s --strategy nointr "
	    "--machine i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_version(bad[i]);
		expect_refused("store", "unknown schema version");
		cr_expect_eq(store_open(&st, dbpath, err, sizeof(err)), -1);
		cr_expect(strstr(err, "unknown schema version") != NULL, "%s",
		    err);
	}
	set_version(0);
	expect_refused("store at version 0", "unknown schema version");
	/* Left as it was: one case. */
	set_version(STORE_VERSION);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 1);
	unlink(trace);
}

/*
 * Migration 004 (version 3 to 4): a store with duplicate case rows, as
 * a killed matrix left them, keeps the first row of each key (the
 * lowest id) with its figures, and loses the later ones and theirs;
 * the key is then unique.  The version-3 store is made from this one:
 * the unique index replaced by the old plain one, and every case
 * copied, results included, as a second row of the same key.
 */
Test(store, migration_keeps_first_duplicate)
{
	char trace[256], args[512], err[1024], *o, *e;
	struct store st;
	sqlite3 *db;
	int64_t nres;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s --reps 2 --strategies "
	    "nointr --machines i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	nres = count("SELECT count(*) FROM result");
	cr_assert(nres > 0);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	    "DROP INDEX case_key; CREATE INDEX case_key ON \"case\"(key);"
	    "INSERT INTO \"case\" SELECT id + 100, run_id, key, inputs, "
	    "strategy, machine, settings, trace, trace_sha256, rep, outcome, "
	    "wall_ns FROM \"case\";"
	    "INSERT INTO result SELECT case_id + 100, name, value + 1, "
	    "deterministic FROM result;"
	    "INSERT INTO proc SELECT case_id + 100, pid, state, max_fds, "
	    "emfile, enfile, enomem, ebadf, eagain, skipped FROM proc;"
	    /* Nor the run columns of migrate/006.sql. */
	    "ALTER TABLE run DROP COLUMN clock;"
	    "ALTER TABLE run DROP COLUMN clock_ticks_per_ns;"
	    "ALTER TABLE run DROP COLUMN clock_first;"
	    "ALTER TABLE run DROP COLUMN clock_every;"
	    "ALTER TABLE run DROP COLUMN clock_how;"
	    "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK, "%s",
	    sqlite3_errmsg(db));
	sqlite3_close(db);
	cr_assert_eq(count("SELECT count(*) FROM \"case\""), 4);

	cr_assert_eq(store_open(&st, dbpath, err, sizeof(err)), 0, "%s", err);
	store_close(&st);
	cr_expect_eq(count("PRAGMA user_version"), STORE_VERSION);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 2);
	cr_expect_eq(count("SELECT max(id) FROM \"case\""), 2);
	/* The first rows' figures, not the copies' (value + 1). */
	cr_expect_eq(count("SELECT count(*) FROM result"), nres);
	cr_expect_eq(count("SELECT count(*) FROM result WHERE case_id > 100"),
	    0);
	cr_expect_eq(count("SELECT count(*) FROM proc WHERE case_id > 100"),
	    0);
	cr_expect_eq(count("SELECT count(*) FROM sqlite_master WHERE name = "
	    "'case_key' AND sql LIKE 'CREATE UNIQUE INDEX%'"), 1);
	cr_expect(integrity_ok());
	unlink(trace);
}

/* The PIDs of the children of process PID (/proc/PID/task/PID/children). */
static int
children(pid_t pid, pid_t *v, int max)
{
	char path[64];
	FILE *f;
	long c;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (n < max && fscanf(f, "%ld", &c) == 1)
		v[n++] = (pid_t)c;
	fclose(f);
	return n;
}

/* Whether process PID still runs (a zombie does not). */
static int
alive(pid_t pid)
{
	char path[64], buf[512], *rp;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	return rp != NULL && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

/*
 * Issue #19, item 4: kill -9 of a matrix in the middle, and an
 * immediate rerun.  Before, the killed matrix's workers were re-parented
 * to init, went on and stored their cases while the rerun, which had
 * not seen them stored, ran them too: 18 rows for 16 keys.  Now the
 * workers die with the matrix (PR_SET_PDEATHSIG), and a key stored
 * twice is a no-op (unique index): after both, exactly one row per case
 * key, every case there.
 *
 * So that the test does not hang on how fast a case is, the matrix's
 * workers are stopped (SIGSTOP) in the middle of their cases before the
 * matrix is killed, and let go (SIGCONT) only after the rerun has
 * stored everything: a worker that outlived its matrix then stores its
 * case a second time.  The rows are counted once they are gone.
 */
Test(store, killed_matrix_and_rerun_one_row_per_key)
{
	char trace[256], args[512], *out, *err;
	pid_t pid, w[8];
	int nw = 0, st, k, i;

	long_trace(trace, sizeof(trace));
	snprintf(args, sizeof(args), "matrix --db %s --reps 6 --jobs 2 "
	    "--strategies nointr --machines i386-64M --traces %s", dbpath,
	    trace);
	pid = start_kmbench(args, NULL);
	for (k = 0; k < 60000 && nw < 2; k++) {
		nw = children(pid, w, 8);
		if (nw < 2)
			usleep(200);
	}
	cr_assert(nw >= 1, "no worker seen");
	for (i = 0; i < nw; i++)
		kill(w[i], SIGSTOP);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	free(out);
	free(err);
	for (i = 0; i < nw; i++) {
		kill(w[i], SIGCONT);
		for (k = 0; k < 1200 && alive(w[i]); k++)
			usleep(50000);
		cr_expect(!alive(w[i]), "worker %d still runs", (int)w[i]);
	}
	cr_expect_eq(count("SELECT count(*) FROM (SELECT key FROM \"case\" "
	    "GROUP BY key HAVING count(*) > 1)"), 0);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 6);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 6);
	expect_whole_cases();
	unlink(trace);
}

/*
 * Issue #19, item 4: two matrices at once over the same 4 cases (each
 * checks the store before either has stored anything).  Before, both
 * ran and stored every case: 8 rows for 4 keys.  Now the second store
 * of a key is a no-op: 4 rows, and the two matrices' summaries count
 * each case as run by one of them and already stored by the other.
 */
Test(store, concurrent_matrices_store_each_case_once)
{
	char trace[256], args[512], e1[300], e2[300], *t1, *t2;
	pid_t p1, p2;
	int st;

	long_trace(trace, sizeof(trace));
	snprintf(e1, sizeof(e1), "%s.err1", trace);
	snprintf(e2, sizeof(e2), "%s.err2", trace);
	snprintf(args, sizeof(args), "matrix --db %s --reps 4 --jobs 2 "
	    "--strategies nointr --machines i386-64M --traces %s", dbpath,
	    trace);
	p1 = start_kmbench(args, e1);
	p2 = start_kmbench(args, e2);
	cr_assert_eq(waitpid(p1, &st, 0), p1);
	t1 = read_text(e1);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", t1);
	cr_assert_eq(waitpid(p2, &st, 0), p2);
	t2 = read_text(e2);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", t2);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 4, "%s%s", t1, t2);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 4);
	expect_whole_cases();
	free(t1);
	free(t2);
	unlink(e1);
	unlink(e2);
	unlink(trace);
}

/* A new empty directory under /tmp, mode 0755, into BUF. */
static void
new_dir(char *buf, size_t len)
{

	snprintf(buf, len, "/tmp/kmtest-dir-XXXXXX");
	cr_assert(mkdtemp(buf) != NULL);
	chmod(buf, 0755);
}

static void
rm_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* How many entries directory DIR holds, . and .. aside. */
static int
dir_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	cr_assert(d != NULL, "%s", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* "cd DIR && kmbench ARGS": exit status, one line on stderr with WANT. */
static void
expect_in_dir(const char *dir, const char *args, int rc, const char *want)
{
	char bin[1024], *out, *err;
	const char *k = getenv("KMBENCH");
	int got;

	snprintf(bin, sizeof(bin), "cd '%s' && %s", dir, k ? k : "./kmbench");
	got = kmtest_cmd_bin(bin, args, &out, &err);
	cr_expect_eq(got, rc, "%s: exit %d: %s", args, got, err);
	if (want != NULL) {
		cr_expect(strstr(err, want) != NULL, "%s: no '%s' in: %s", args,
		    want, err);
		cr_expect(strchr(err, '\n') == strrchr(err, '\n'),
		    "%s: not one line: %s", args, err);
	}
	free(out);
	free(err);
}

/*
 * Issue #19, item 5: commands that only read never make a store.
 * Before, compare in a directory without bench.db made an empty one and
 * exited 0, history --db typo.db made typo.db before failing, compare of
 * a run id that is not there printed an empty table and exited 0, and
 * plot of a store with nothing in it exited 0.  Now each is exit 2 with
 * one line, and the directory stays empty.
 */
Test(store, read_commands_never_create)
{
	char dir[64], trace[256], args[512], plots[512], *o, *e;

	new_dir(dir, sizeof(dir));
	expect_in_dir(dir, "compare 1 2", 2, "bench.db");
	expect_in_dir(dir, "history --db typo.db max_fds", 2, "typo.db");
	expect_in_dir(dir, "history --db typo.db --list", 2, "typo.db");
	expect_in_dir(dir, "report --db typo.db", 2, "typo.db");
	snprintf(plots, sizeof(plots), "%s/plots", kmtest_src());
	setenv("KMBENCH_PLOTS", plots, 1);
	expect_in_dir(dir, "plot --db typo.db --out p", 2, "typo.db");
	cr_expect_eq(dir_entries(dir), 0, "a read command made a file");

	/* A store with one run and its case. */
	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "run --db %s/kb.db --strategy nointr "
	    "--machine i386-64M %s", dir, trace);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	expect_in_dir(dir, "compare --db kb.db 99 latest", 2, "no run 99");
	expect_in_dir(dir, "compare --db kb.db 1 99", 2, "no run 99");
	expect_in_dir(dir, "compare --db kb.db 1 latest", 0, NULL);

	/* A store with nothing to plot: its only case removed. */
	snprintf(dbpath, sizeof(dbpath), "%s/kb.db", dir);
	cr_assert_eq(count("SELECT count(*) FROM \"case\""), 1);
	{
		sqlite3 *db;

		cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(db, "DELETE FROM result; DELETE "
		    "FROM latency; DELETE FROM series; DELETE FROM proc; "
		    "DELETE FROM \"case\"", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	expect_in_dir(dir, "plot --db kb.db --out p", 2, "nothing to plot");
	unsetenv("KMBENCH_PLOTS");
	rm_dir(dir);
	unlink(trace);
}

/* Mount a tmpfs of SIZE on DIR; 0, or -1 (no privilege: skip). */
static int
mount_tmpfs(const char *dir, const char *size)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=%s,mode=0755 "
	    "kmtest '%s' 2>/dev/null", size, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(mounted, sizeof(mounted), "%s", dir);
	return 0;
}

static void
umount_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "umount '%s'", dir);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	mounted[0] = '\0';
}

/*
 * Issue #19, item 6: report, history and compare read a store on a
 * read-only mount.  Before, SQLite could not make the -shm a WAL store
 * needs there, and every one failed.  The test mounts a tmpfs of its
 * own, stores two cases in it, and remounts it read-only (skipped where
 * the tests may not mount).
 */
Test(store, reads_on_readonly_mount)
{
	char dir[64], trace[256], args[512], cmd[256], *o, *e;

	new_dir(dir, sizeof(dir));
	if (mount_tmpfs(dir, "4m") != 0) {
		rm_dir(dir);
		cr_skip_test("cannot mount a tmpfs here");
	}
	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s/kb.db --reps 2 "
	    "--strategies nointr --machines i386-64M %s", dir, trace);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	snprintf(cmd, sizeof(cmd), "mount -o remount,ro '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	expect_in_dir(dir, "history --db kb.db max_fds", 0, NULL);
	expect_in_dir(dir, "history --db kb.db --list", 0, NULL);
	expect_in_dir(dir, "report --db kb.db", 0, NULL);
	expect_in_dir(dir, "compare --db kb.db 1 latest", 0, NULL);
	/* A writer is refused at once, naming the store. */
	snprintf(args, sizeof(args), "run --db kb.db --rep 5 --strategy "
	    "nointr --machine i386-64M %s", trace);
	expect_in_dir(dir, args, 2, "read-only");
	umount_dir(dir);
	rm_dir(dir);
	unlink(trace);
}

/*
 * Issue #19, item 6: the disk fills in the middle of a matrix.  The test
 * mounts an 8 MiB tmpfs of its own (room for the 40 cases and a WAL
 * that may grow to 1000 pages before SQLite checkpoints it), stores a
 * first case, then fills all but 64 KiB with a file, and runs a matrix
 * of 40 cases (--jobs 2).
 * Before, the matrix tried every remaining case and printed a blank
 * line and a "not stored" line for each.  Now it stops at the first
 * failed case: exit 1, one line naming the store and SQLite's "database
 * or disk is full", the cases stored whole.  With the file removed, the
 * rerun stores the rest: 40 cases, one row each.
 */
Test(store, full_disk_stops_matrix)
{
	char dir[64], trace[256], args[512], cmd[512], *o, *e, *p;
	int full = 0;

	new_dir(dir, sizeof(dir));
	if (mount_tmpfs(dir, "8m") != 0) {
		rm_dir(dir);
		cr_skip_test("cannot mount a tmpfs here");
	}
	snprintf(dbpath, sizeof(dbpath), "%s/kb.db", dir);
	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s --reps 40 --jobs 2 "
	    "--strategies nointr --machines i386-64M %s", dbpath, trace);
	snprintf(cmd, sizeof(cmd), "run --db %s --rep 0 --strategy nointr "
	    "--machine i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(cmd, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	/* All but 64 KiB of the file system taken. */
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of='%s/filler' bs=4k "
	    "2>/dev/null; truncate -s -64K '%s/filler'", dir, dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 1, "%s", e);
	for (p = e; (p = strstr(p, "database or disk is full")) != NULL; p++)
		full++;
	cr_expect_eq(full, 1, "not one line of the full disk: %s", e);
	cr_expect(strstr(e, dbpath) != NULL, "%s", e);
	cr_expect(strstr(e, "stopped") != NULL, "%s", e);
	cr_expect(strstr(e, "\n\n") == NULL && e[0] != '\n',
	    "a blank line: %s", e);
	cr_expect(count("SELECT count(*) FROM \"case\"") < 40);
	fprintf(stderr, "store/full_disk_stops_matrix: %s", e);
	free(o);
	free(e);
	expect_whole_cases();

	/* Room again: the rerun completes. */
	snprintf(cmd, sizeof(cmd), "rm '%s/filler'", dir);
	cr_assert_eq(system(cmd), 0);
	cr_expect_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 40);
	cr_expect_eq(count("SELECT count(DISTINCT key) FROM \"case\""), 40);
	expect_whole_cases();
	umount_dir(dir);
	rm_dir(dir);
	unlink(trace);
	dbpath[0] = '\0';
}

/*
 * Issue #19, item 6, and #22, item 4: a store path that is no file to
 * store in.  --db /dev/null made /dev/null-journal; --db "" made SQLite
 * use a temporary database, deleted at exit, and the run exited 0 with
 * its case lost.  Both are exit 2, one line, before anything is opened.
 */
Test(store, device_and_empty_paths_refused)
{
	static const char *const fmts[] = {
		"run --brief --strategy nointr --machine i386-64M --db %s %s",
		"matrix --strategies nointr --machines i386-64M --db %s %s",
		NULL
	};
	static const char *const paths[] = { "/dev/null", "''", ":memory:",
	    NULL };
	static const char *const wants[] = { "not a regular file",
	    "not a file name", "not a file name", NULL };
	char trace[256], args[512], *out, *err;
	int i, k, rc;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	unlink("/dev/null-journal");
	unlink("/dev/null-wal");
	for (i = 0; fmts[i] != NULL; i++)
		for (k = 0; paths[k] != NULL; k++) {
			snprintf(args, sizeof(args), fmts[i], paths[k], trace);
			rc = kmtest_cmd(args, &out, &err);
			cr_expect_eq(rc, 2, "%s: exit %d: %s", args, rc, err);
			cr_expect(strstr(err, wants[k]) != NULL, "%s: %s",
			    args, err);
			cr_expect(strchr(err, '\n') == strrchr(err, '\n'),
			    "%s: not one line: %s", args, err);
			free(out);
			free(err);
		}
	cr_expect(access("/dev/null-journal", F_OK) != 0,
	    "/dev/null-journal left behind");
	cr_expect(access("/dev/null-wal", F_OK) != 0,
	    "/dev/null-wal left behind");
	cr_expect(access(":memory:", F_OK) != 0);
	unlink(trace);
}

/*
 * Issue #22, item 7: a trace file replaced while a matrix runs.  Cases
 * are named by the trace's SHA-256 when the matrix starts; before, the
 * cases run after the replacement replayed the new file and were stored
 * under the old file's digest (and later matrices reused them as
 * "already stored").  Now a case is stored under the digest of the
 * bytes its replay read: the old file's cases are stored, the others
 * store nothing, each with one line naming the file.
 *
 * The old file is the 600000-event trace, its replacement the 7-event
 * SMALL; --jobs 1, and the file is renamed over once the first case is
 * stored.  Every stored case must then hold the old trace's figures
 * (600000 events: spawn, sysctl, limit, an open and the 599996 dups of
 * descriptors 4 to 599999) and its digest.
 */
Test(store, trace_replaced_during_matrix)
{
	char trace[256], small[256], args[512], errpath[300], sql[256];
	char old[65], *text;
	pid_t pid;
	int st;

	long_trace(trace, sizeof(trace));
	cr_assert_eq(sha256_file(trace, old), 0);
	kmtest_write(small, sizeof(small), ".kmt", SMALL);
	snprintf(errpath, sizeof(errpath), "%s.err", trace);
	snprintf(args, sizeof(args), "matrix --db %s --reps 4 " LONGCASES
	    " --traces %s", dbpath, trace);
	pid = start_kmbench(args, errpath);
	wait_for_cases(1);
	cr_assert_eq(rename(small, trace), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	text = read_text(errpath);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x: %s", st,
	    text);
	cr_expect(strstr(text, "changed while it was used") != NULL, "%s",
	    text);
	cr_expect(count("SELECT count(*) FROM \"case\"") >= 1);
	cr_expect(count("SELECT count(*) FROM \"case\"") < 4, "%s", text);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"case\" WHERE "
	    "trace_sha256 != '%s'", old);
	cr_expect_eq(count(sql), 0);
	cr_expect_eq(count("SELECT count(*) FROM result WHERE name = 'events' "
	    "AND value != 600000"), 0, "a case stored with another file's "
	    "figures");
	free(text);
	unlink(errpath);
	unlink(trace);
}

/* The same in one run: its case's digest is what it replayed. */
Test(store, run_stores_digest_of_what_it_replayed)
{
	char trace[256], args[512], sql[256], hex[65], *out, *err;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	cr_assert_eq(sha256_file(trace, hex), 0);
	snprintf(args, sizeof(args), "run --db %s --strategy nointr "
	    "--machine i386-64M %s", dbpath, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"case\" WHERE "
	    "trace_sha256 = '%s'", hex);
	cr_expect_eq(count(sql), 1);
	free(out);
	free(err);
	unlink(trace);
}

/*
 * Issue #22, item 8: --strategies canfail,canfail,canfail and a machine
 * given twice ran and stored the same cases several times (history then
 * counted them as repetitions).  Each name is kept once, with a warning
 * line: 1 strategy x 1 machine x 2 reps = 2 cases, 2 rows.
 */
Test(store, duplicate_list_entries_merged)
{
	char trace[256], args[1024], *out, *err;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s --reps 2 --strategies "
	    "canfail,canfail,canfail --machines i386-64M,i386-64M --traces "
	    "%s,%s", dbpath, trace, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(err, "--strategies: 'canfail' given more than once")
	    != NULL, "%s", err);
	cr_expect(strstr(err, "--machines: 'i386-64M' given more than once")
	    != NULL, "%s", err);
	cr_expect(strstr(err, "2 cases: 2 run, 0 already stored, 0 failed") !=
	    NULL, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 2);
	free(out);
	free(err);
	unlink(trace);
}

/*
 * A trace reader's warning (SMALL is kmtrace 1, without an end line)
 * is printed once by a matrix, not once for each of its cases.
 */
Test(store, matrix_warns_once_a_trace)
{
	char trace[256], args[512], *out, *err, *p;
	int n = 0;

	kmtest_write(trace, sizeof(trace), ".kmt", SMALL);
	snprintf(args, sizeof(args), "matrix --db %s --reps 4 --jobs 2 "
	    "--strategies nointr,canfail --machines i386-64M %s", dbpath,
	    trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	for (p = err; (p = strstr(p, "warning: ")) != NULL; p++)
		n++;
	cr_expect_eq(n, 1, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 8);
	free(out);
	free(err);
	unlink(trace);
}

/*
 * The SHA extensions' compression gives the portable one's digests:
 * FIPS 180-4's example "abc" (ba7816bf...), and a megabyte of bytes cut
 * at every length from 0 to 3000 in steps of 7 and fed in pieces of 1,
 * 63, 64 and 65 bytes, so that buffered, whole-block and mixed updates
 * are all compared.  Where the CPU has no SHA extensions both runs are
 * portable and the test compares the portable path with itself.
 */
Test(store, sha256_accelerated_as_portable)
{
	static uint8_t buf[1 << 20];
	static const size_t pieces[] = { 3000, 1, 63, 64, 65 };
	char a[65], b[65];
	struct sha256 s;
	size_t i, n, k, off;
	int on;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	for (on = 0; on < 2; on++) {
		(void)sha256_accel(on);
		sha256_init(&s);
		sha256_update(&s, "abc", 3);
		sha256_hex(&s, a);
		cr_expect_str_eq(a, "ba7816bf8f01cfea414140de5dae2223b00361a3"
		    "96177a9cb410ff61f20015ad");
	}
	for (n = 0; n <= 3000; n += 7)
		for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			for (on = 0; on < 2; on++) {
				(void)sha256_accel(on);
				sha256_init(&s);
				for (off = 0; off < n; off += pieces[k])
					sha256_update(&s, buf + off,
					    n - off < pieces[k] ? n - off :
					    pieces[k]);
				sha256_hex(&s, on ? b : a);
			}
			cr_assert_str_eq(a, b, "%zu bytes in pieces of %zu", n,
			    pieces[k]);
		}
	(void)sha256_accel(0);
	sha256_init(&s);
	sha256_update(&s, buf, sizeof(buf));
	sha256_hex(&s, a);
	(void)sha256_accel(1);
	sha256_init(&s);
	sha256_update(&s, buf, sizeof(buf));
	sha256_hex(&s, b);
	cr_expect_str_eq(a, b);
}

/* Runs in the store as ST's connection sees it. */
static int64_t
runs_seen(struct store *st)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	cr_assert_eq(sqlite3_prepare_v2(st->st_db, "SELECT count(*) FROM run",
	    -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/*
 * store_snapshot(), which report reads under: the store as it was at
 * the reader's first read.  One run stored; the reader counts 1; a
 * writer stores a second; the reader still counts 1, while a reader
 * without a snapshot (and a new connection) count 2.
 */
Test(store, snapshot_hides_later_writes)
{
	struct store w, snap, plain;
	char err[256];
	int64_t id;

	cr_assert_eq(store_open(&w, dbpath, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_run(&w, "run", &id, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(store_open_ro(&snap, dbpath, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(store_snapshot(&snap, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_open_ro(&plain, dbpath, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_eq(runs_seen(&snap), 1);
	cr_expect_eq(runs_seen(&plain), 1);
	cr_assert_eq(store_run(&w, "run", &id, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_eq(runs_seen(&snap), 1, "the snapshot saw a later write");
	cr_expect_eq(runs_seen(&plain), 2);
	cr_expect_eq(count("SELECT count(*) FROM run"), 2);
	store_close(&plain);
	store_close(&snap);
	store_close(&w);
}
