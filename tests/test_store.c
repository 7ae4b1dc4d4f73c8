/*
 * test_store.c: the SQLite store: cases land whole and once, even with
 * concurrent writers and interruptions; old schemas are migrated; newer,
 * foreign and corrupt files are refused with a message.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/store.h"
#include "kmtest.h"

#define SMALL	"kmtrace 1\n0 1 spawn\n1 1 map h 20\n2 1 touch h\n" \
		"3 1 fork 2\n4 2 touch h\n5 1 open 3\n6 2 exit\n"

static char dbpath[64];

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

static void
rmdb(void)
{
	char p[96];

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
 * runs them again.
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
 * the lost case in one line, goes on with the others and exits 1; every
 * other case is stored whole, and a rerun runs the lost one.  With
 * --jobs 1 the workers are the matrix's only children, one at a time:
 * the second one seen is killed as soon as it appears, long before its
 * case could be stored.
 */
Test(store, killed_worker_is_reported)
{
	char trace[256], args[512], errpath[300], want[512], *text, *out, *err;
	char *line;
	pid_t pid, w, first = 0, victim = 0;
	int64_t lost;
	int k, st;

	long_trace(trace, sizeof(trace));
	snprintf(errpath, sizeof(errpath), "%s.err", trace);
	snprintf(args, sizeof(args), "matrix --db %s --reps 3 " LONGCASES
	    " --traces %s", dbpath, trace);
	pid = start_kmbench(args, errpath);
	for (k = 0; k < 60000 && victim == 0; k++) {
		if ((w = first_child(pid)) != 0) {
			if (first == 0)
				first = w;
			else if (w != first && kill(w, SIGKILL) == 0)
				victim = w;
		}
		if (victim == 0)
			usleep(1000);
	}
	cr_assert(victim != 0, "no second worker seen (first %d)",
	    (int)first);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	text = read_text(errpath);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x: %s",
	    st, text);
	/* Two cases stored; the lost one is the rep missing. */
	cr_assert_eq(count("SELECT count(*) FROM \"case\""), 2, "%s", text);
	lost = 3 - count("SELECT sum(rep) FROM \"case\"");
	snprintf(want, sizeof(want), "kmbench matrix: case nointr i386-64M %s "
	    "rep %lld not stored: worker killed by signal %d", trace,
	    (long long)lost, SIGKILL);
	line = strstr(text, want);
	cr_expect(line != NULL, "want \"%s\": %s", want, text);
	cr_expect(line == NULL || strstr(line + strlen(want), "not stored") ==
	    NULL,
	    "more than one case reported lost: %s", text);
	cr_expect(strstr(text, "3 cases: 2 run, 0 already stored, 1 failed") !=
	    NULL, "%s", text);
	free(text);
	expect_whole_cases();

	/* The rerun runs the lost case only. */
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(err, "3 cases: 1 run, 2 already stored, 0 failed") !=
	    NULL, "%s", err);
	cr_expect_eq(count("SELECT count(*) FROM \"case\""), 3);
	cr_expect_eq(count("SELECT count(DISTINCT rep) FROM \"case\""), 3);
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
