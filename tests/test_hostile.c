/*
 * test_hostile.c: hostile input: broken compressed traces, numbers out
 * of range, allocations that overflow page rounding, contradictory
 * profiles and damaged or unwritable stores.  Each must end with one
 * clear line, the right exit status and nothing lost.  docs/hostile.md
 * lists the cases; tests/data/hostile holds the inputs.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(hostile, .timeout = 120);

/* The path of tests/data/hostile/NAME. */
static const char *
hpath(const char *name)
{
	static char path[4][1024];
	static int n;

	n = (n + 1) % 4;
	snprintf(path[n], sizeof(path[n]), "%s/hostile/%s", kmtest_data(),
	    name);
	return path[n];
}

/* Exactly one line, not empty, ending in a newline. */
static int
one_line(const char *s)
{
	size_t len = strlen(s);

	return len > 1 && s[len - 1] == '\n' && strchr(s, '\n') == s + len - 1;
}

/*
 * Run "kmbench ARGS", expect exit status RC and one line on stderr
 * holding every one of WANT (NULL-terminated).
 */
static void
expect_fail(const char *args, int rc, const char *const *want)
{
	char *out, *err;
	int got;

	got = kmtest_cmd(args, &out, &err);
	cr_expect_eq(got, rc, "kmbench %s: exit %d, not %d: %s", args, got,
	    rc, err);
	cr_expect(one_line(err), "kmbench %s: not one line: '%s'", args, err);
	for (; *want != NULL; want++)
		cr_expect(strstr(err, *want) != NULL,
		    "kmbench %s: no '%s' in: %s", args, *want, err);
	free(out);
	free(err);
}

/* A bad trace: exit 2, one line naming the file and saying WHAT. */
static void
bad_trace(const char *name, const char *what)
{
	const char *want[] = { NULL, what, NULL };
	char args[2048];

	want[0] = hpath(name);
	snprintf(args, sizeof(args), "run --brief --strategy panic-only "
	    "--machine i386-16M %s", hpath(name));
	expect_fail(args, 2, want);
}

Test(hostile, truncated_gzip)
{
	bad_trace("trunc.kmt.gz", "truncated gzip");
}

Test(hostile, truncated_zstd)
{
	bad_trace("trunc.kmt.zst", "truncated zstd");
}

Test(hostile, gzip_bad_crc)
{
	bad_trace("badcrc.kmt.gz", "corrupt gzip");
}

Test(hostile, zstd_bad_checksum)
{
	bad_trace("badcrc.kmt.zst", "corrupt zstd");
}

/*
 * Bytes overwritten inside the deflate stream decode to garbage before
 * the CRC is reached: the reader stops at the first bad line, which it
 * names.
 */
Test(hostile, gzip_garbled)
{
	bad_trace("garbled.kmt.gz", "garbled.kmt.gz:");
}

Test(hostile, zstd_garbled)
{
	bad_trace("garbled.kmt.zst", "corrupt zstd");
}

/*
 * Issue #19, item 7: zstd frames with a window over the decoder's
 * default 128 MiB limit.  window-256m.kmt.zst is a valid trace made
 * with zstd --long=28 from a pipe (so the frame asks for its whole 256
 * MiB window); it was "corrupt zstd data" and now replays.  Frames up
 * to a 2 GiB window decode (ZSTD_d_windowLogMax 31, in streaming mode,
 * which allocates only what the frame uses); window-4g.kmt.zst is the
 * same trace made with --long=31 and its window descriptor byte (offset
 * 5) raised from 0xa8 (2^31) to 0xb0 (2^32): "window too large".
 */
Test(hostile, zstd_large_window)
{
	char args[2048], *out, *err;
	int rc;

	snprintf(args, sizeof(args), "run --brief --strategy panic-only "
	    "--machine i386-16M %s", hpath("window-256m.kmt.zst"));
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect(strstr(out, "survived") != NULL, "%s", out);
	free(out);
	free(err);
	bad_trace("window-4g.kmt.zst", "window too large");
}

Test(hostile, numbers_beyond_64_bits)
{
	bad_trace("fd-beyond-64.kmt", ":3: event 2: number out of range");
	bad_trace("time-beyond-64.kmt", ":2: event 1: number out of range");
	bad_trace("map-beyond-64.kmt", ":3: event 2: number out of range");
	bad_trace("kmalloc-beyond-32.kmt",
	    ":3: event 2: number out of range");
}

Test(hostile, negative_numbers)
{
	bad_trace("negative-fd.kmt", ":3: event 2: bad number '-3'");
	bad_trace("negative-pid.kmt", ":2: event 1: bad number '-1'");
}

static const char *const all_strategies[] = {
	"panic-only", "canfail", "nointr", "fdlimit", NULL
};

/*
 * Run NAME under every strategy with --check and expect exit 0 and the
 * brief line to hold OUTCOME.
 */
static void
checked_run(const char *name, const char *outcome)
{
	const char *const *s;
	char args[2048], *out, *err;
	int rc;

	for (s = all_strategies; *s != NULL; s++) {
		snprintf(args, sizeof(args), "run --check --brief --strategy "
		    "%s --machine i386-16M %s", *s, hpath(name));
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 0, "%s under %s: exit %d: %s", name, *s, rc,
		    err);
		cr_expect(strstr(out, outcome) != NULL,
		    "%s under %s: no '%s' in: %s", name, *s, outcome, out);
		free(out);
		free(err);
	}
}

/*
 * kmalloc(4294967295) cannot be rounded to whole pages in 32 bits.  A
 * M_WAITOK caller panics the simulated machine (malloc(9) of 1.5 cannot
 * fail), with every invariant intact.
 */
Test(hostile, kmalloc_4g_waitok_panics)
{
	checked_run("kmalloc-4g-waitok.kmt", "panic at event 2");
}

/* With M_CANFAIL or M_NOWAIT it is refused (ENOMEM) and life goes on. */
Test(hostile, kmalloc_4g_canfail_nowait_refused)
{
	checked_run("kmalloc-4g-canfail.kmt", "survived");
	checked_run("kmalloc-4g-nowait.kmt", "survived");
}

/* Through the library as well: the refusal is counted as ENOMEM. */
Test(hostile, kmalloc_4g_counted)
{
	struct kmcase c;

	kmcase_runfile(&c, "canfail", "i386-16M", NULL,
	    hpath("kmalloc-4g-canfail.kmt"));
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(c.r.r_errors[KE_ENOMEM], 1);
	kmcase_free(&c);
}

/*
 * A million processes, each with a mapping: the replay keeps at most
 * REPLAY_MAXPROCS (131072) process records, so that its memory stays
 * bounded, and the spawn of the 131073rd PID stops it with "too many
 * processes" and exit status 2.
 */
Test(hostile, million_processes_bounded)
{
	char path[64], args[256], *out, *err;
	FILE *f;
	int fd, i, rc;

	snprintf(path, sizeof(path), "/tmp/kmtest-procs-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "kmtrace 1\n");
	for (i = 1; i <= 1000000; i++)
		fprintf(f, "%d %d spawn\n%d %d map m 1\n", i, i, i, i);
	fclose(f);
	snprintf(args, sizeof(args), "run --brief --strategy nointr "
	    "--machine i386-512M %s", path);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "%s", err);
	cr_expect(strstr(err, "too many processes") != NULL, "%s", err);
	free(out);
	free(err);
	unlink(path);
}

/* A profile that cannot make a machine: exit 2, the reason in a line. */
static void
bad_profile(const char *sets, const char *what)
{
	const char *want[] = { "i386-16M", what, NULL };
	char args[2048];

	snprintf(args, sizeof(args), "run --brief --strategy panic-only "
	    "--machine i386-16M %s %s", sets, hpath("example.kmt"));
	expect_fail(args, 2, want);
}

Test(hostile, kmem_map_bigger_than_kernel_space)
{
	bad_profile("--set nkmempages=300000", "do not fit in");
}

/*
 * 512-byte pages: pool(9) puts a page's header in the page only for
 * items under 512 / 16 = 32 bytes; phpool's items, the 40-byte
 * headers, are not, so a phpool page would need a header from phpool.
 * The first spawn slept on phpool forever with kmem_map full.
 */
Test(hostile, pagesize_too_small_for_pools)
{
	bad_profile("--set pagesize=512", "too small for pool(9)");
}

Test(hostile, nkmempages_min_above_max)
{
	bad_profile("--set nkmempages_min=40000 --set nkmempages_max=2000",
	    "contradict");
}

Test(hostile, kernimage_bigger_than_physmem)
{
	bad_profile("--set kernimage=32M", "do not hold the kernel image");
}

Test(hostile, profile_numbers_out_of_range)
{
	const char *neg[] = { "nkmempages", "not a number", NULL };
	const char *big[] = { "physmem", "out of range", NULL };
	char args[2048];

	snprintf(args, sizeof(args), "run --brief --strategy panic-only "
	    "--machine i386-16M --set nkmempages=-1 %s",
	    hpath("example.kmt"));
	expect_fail(args, 2, neg);
	snprintf(args, sizeof(args), "run --brief --strategy panic-only "
	    "--machine i386-16M --set physmem=99999999999999999999 %s",
	    hpath("example.kmt"));
	expect_fail(args, 2, big);
}

/*
 * The stores.  Each test works in a directory of its own under /tmp, with
 * a store already holding one case.
 */
static char dir[64], db[128];

static void
store_with_a_case(void)
{
	char args[1024], *out, *err;
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/kmtest-hostile-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	chmod(dir, 0755);
	snprintf(db, sizeof(db), "%s/kb.db", dir);
	snprintf(args, sizeof(args), "run --brief --db %s --strategy "
	    "panic-only --machine i386-16M %s", db, hpath("example.kmt"));
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "%s", err);
	free(out);
	free(err);
}

static void
rm_store(void)
{
	char cmd[256];

	if (dir[0] == '\0')
		return;
	chmod(dir, 0755);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The value of SQL on the store, or -1. */
static int64_t
q(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int64_t n = -1;

	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 20000);
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(h);
	return n;
}

static int
integrity_ok(void)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int ok = 0;

	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 20000);
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			ok = strcmp((const char *)sqlite3_column_text(s, 0),
			    "ok") == 0;
		sqlite3_finalize(s);
	}
	sqlite3_close(h);
	return ok;
}

/* Every case has its results, and the store checks out. */
static void
expect_whole(int64_t ncases)
{
	cr_expect(integrity_ok(), "%s: integrity_check failed", db);
	cr_expect_eq(q("SELECT count(*) FROM \"case\""), ncases);
	cr_expect_eq(q("SELECT count(*) FROM \"case\" c WHERE NOT EXISTS "
	    "(SELECT 1 FROM result r WHERE r.case_id = c.id)"), 0);
	cr_expect_eq(q("SELECT count(*) FROM result r WHERE NOT EXISTS "
	    "(SELECT 1 FROM \"case\" c WHERE c.id = r.case_id)"), 0);
	cr_expect_eq(q("SELECT count(*) FROM \"case\" WHERE rep = 0"), 1);
}

/* "run --db DB --rep REP" of the example; exit status, stderr in *ERR. */
static int
run_rep(int rep, char **err)
{
	char args[1024], *out;
	int rc;

	snprintf(args, sizeof(args), "run --brief --db %s --rep %d "
	    "--strategy panic-only --machine i386-16M %s", db, rep,
	    hpath("example.kmt"));
	rc = kmtest_cmd(args, &out, err);
	free(out);
	return rc;
}

/*
 * A store another process holds an exclusive transaction on: after the
 * busy timeout (KMBENCH_BUSY_MS, here 0.5 s) the run gives up, saying
 * so, and the held store is as it was.
 */
Test(hostile, store_locked, .init = store_with_a_case, .fini = rm_store)
{
	sqlite3 *h;
	char *err;
	int rc;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
	    SQLITE_OK, "%s", sqlite3_errmsg(h));
	setenv("KMBENCH_BUSY_MS", "500", 1);
	rc = run_rep(2, &err);
	unsetenv("KMBENCH_BUSY_MS");
	cr_expect_neq(rc, 0);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, "locked") != NULL, "%s", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	cr_expect(strstr(err, "500 ms") != NULL, "%s", err);
	free(err);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	expect_whole(1);
}

/*
 * The disk fills in the middle of storing a case (KMBENCH_MAX_PAGES caps
 * the file at its present size; the first cases may still fit in its
 * free space): exit 1, "full", the case is not kept in part and the
 * earlier ones are intact.
 */
Test(hostile, store_disk_full, .init = store_with_a_case, .fini = rm_store)
{
	char pages[32], *err = NULL;
	int rc = 0, rep;

	snprintf(pages, sizeof(pages), "%lld",
	    (long long)q("PRAGMA page_count"));
	setenv("KMBENCH_MAX_PAGES", pages, 1);
	for (rep = 1; rep < 50; rep++) {
		free(err);
		if ((rc = run_rep(rep, &err)) != 0)
			break;
	}
	unsetenv("KMBENCH_MAX_PAGES");
	cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, "full") != NULL, "%s", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	free(err);
	expect_whole(rep);
	/* With room again, the same run goes through. */
	cr_expect_eq(run_rep(rep, &err), 0, "%s", err);
	free(err);
	expect_whole(rep + 1);
}

/* A store written by a later kmbench is refused, and left alone. */
Test(hostile, store_newer_schema, .init = store_with_a_case,
    .fini = rm_store)
{
	char *err;
	int rc;

	cr_assert_eq(q("PRAGMA user_version = 99"), -1);
	rc = run_rep(2, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, "newer kmbench") != NULL, "%s", err);
	free(err);
	cr_expect_eq(q("PRAGMA user_version"), 99);
	expect_whole(1);
}

/* A store whose header is overwritten: refused at once, untouched. */
Test(hostile, store_corrupt_header, .init = store_with_a_case,
    .fini = rm_store)
{
	struct stat before, after;
	char zero[80] = { 0 }, *err;
	int fd, rc;

	/* Fold the WAL in, so the file alone holds everything. */
	cr_assert_eq(q("PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	fd = open(db, O_WRONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(pwrite(fd, zero, sizeof(zero), 20), (ssize_t)sizeof(zero));
	close(fd);
	cr_assert_eq(stat(db, &before), 0);
	rc = run_rep(2, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	cr_expect(strstr(err, "not a database") != NULL, "%s", err);
	free(err);
	cr_assert_eq(stat(db, &after), 0);
	cr_expect_eq(before.st_size, after.st_size);
	cr_expect_eq(before.st_mtime, after.st_mtime);
}

/*
 * A store whose b-tree pages are overwritten: the damage is found when
 * the case is stored; exit 1 and SQLite's "malformed" in one line.
 */
Test(hostile, store_corrupt_pages, .init = store_with_a_case,
    .fini = rm_store)
{
	char junk[4096 * 5], *err;
	int fd, rc;
	size_t i;

	cr_assert_eq(q("PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	fd = open(db, O_WRONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(pwrite(fd, junk, sizeof(junk), 4096 * 3),
	    (ssize_t)sizeof(junk));
	close(fd);
	rc = run_rep(2, &err);
	cr_expect_neq(rc, 0, "%s", err);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	cr_expect(strstr(err, "malformed") != NULL, "%s", err);
	free(err);
}

/*
 * A read-only store.  The tests run as root, for whom file modes do not
 * stop writes; so kmbench runs as nobody (65534), to whom the 0444 file
 * and the 0555 directory are as read-only as they are to any user.
 *
 * Nobody must reach the binary and the machine profiles whatever lies
 * above the checkout: a clone under a 0700 directory (mktemp -d, a home
 * directory on Debian 12) would otherwise fail on "Permission denied"
 * for the binary, not on the store.  So both are copied into a fresh
 * 0755 directory under /tmp first, and kmbench is run from there with
 * KMBENCH_MACHINES naming the copy.
 */
static int
run_as_nobody(const char *args, char **err)
{
	char cmd[4096], errpath[128], stage[64];
	const char *bin = getenv("KMBENCH");
	const char *machines = getenv("KMBENCH_MACHINES");
	pid_t pid;
	FILE *f;
	long len;
	int st;

	snprintf(stage, sizeof(stage), "/tmp/kmtest-nobody-XXXXXX");
	cr_assert(mkdtemp(stage) != NULL);
	cr_assert_eq(chmod(stage, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/kmbench' && cp -R '%s' "
	    "'%s/machines' && chmod -R a+rX '%s'",
	    bin != NULL ? bin : "./kmbench", stage,
	    machines != NULL ? machines : "machines", stage, stage);
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	snprintf(errpath, sizeof(errpath), "%s/err", stage);
	st = open(errpath, O_WRONLY | O_CREAT | O_EXCL, 0666);
	cr_assert(st >= 0);
	close(st);
	chmod(errpath, 0666);
	snprintf(cmd, sizeof(cmd), "cd / && KMBENCH_MACHINES=%s/machines "
	    "exec %s/kmbench %s >/dev/null 2>%s", stage, stage, args, errpath);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 ||
		    setgid(65534) != 0 || setuid(65534) != 0))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert(pid > 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	f = fopen(errpath, "r");
	cr_assert(f != NULL);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	*err = calloc(1, (size_t)len + 1);
	cr_assert(fread(*err, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", stage);
	cr_assert_eq(system(cmd), 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/*
 * A store kmbench may not write, as nobody: the file 0444 and its
 * directory DIRMODE.  Refused before SQLite opens it: exit 2, one line
 * naming the store, nothing left beside it, and the stored case whole.
 */
static void
expect_read_only_refused(mode_t dirmode)
{
	char args[1024], trace[160], cmd[512], *err;
	int rc;

	/* A copy of the trace nobody can read, in the store's directory. */
	snprintf(trace, sizeof(trace), "%s/example.kmt", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", hpath("example.kmt"),
	    trace);
	cr_assert_eq(system(cmd), 0);
	chmod(trace, 0644);
	cr_assert_eq(q("PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	chmod(db, 0444);
	chmod(dir, dirmode);
	snprintf(args, sizeof(args), "run --brief --db %s --rep 2 --strategy "
	    "panic-only --machine i386-16M %s", db, trace);
	rc = run_as_nobody(args, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	cr_expect(one_line(err), "'%s'", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	cr_expect(strstr(err, "read-only") != NULL, "%s", err);
	free(err);
	snprintf(cmd, sizeof(cmd), "%s-wal", db);
	cr_expect(access(cmd, F_OK) != 0, "%s left behind", cmd);
	snprintf(cmd, sizeof(cmd), "%s-shm", db);
	cr_expect(access(cmd, F_OK) != 0, "%s left behind", cmd);
	snprintf(cmd, sizeof(cmd), "%s-journal", db);
	cr_expect(access(cmd, F_OK) != 0, "%s left behind", cmd);
	chmod(dir, 0755);
	chmod(db, 0644);
	expect_whole(1);
}

/* The file 0444 in a 0555 directory. */
Test(hostile, store_read_only, .init = store_with_a_case, .fini = rm_store)
{

	expect_read_only_refused(0555);
}

/*
 * Issue #19, item 6: a read-only store file (0444) in a directory its
 * user may write (0777).  Before, SQLite opened it read-only without a
 * word, made -wal and -shm beside it, failed later (exit 1) and left
 * them.  Now it is refused before SQLite opens it: exit 2, one line,
 * and nothing beside the store.
 */
Test(hostile, store_read_only_file, .init = store_with_a_case,
    .fini = rm_store)
{

	expect_read_only_refused(0777);
}

/*
 * Found by tests/fuzz/fuzz_kdump: a RET whose call name holds a NUL byte
 * ("412 b RET pipe\0 b" after "412 k CALL pipe").  do_ret() in
 * workloads/kdump.c measures the name up to the first space (5 bytes,
 * NUL included), strncmp() stops at the NUL and calls it a match, and
 * call[n] then reads one byte past the 5-byte pending call: a heap
 * buffer overflow in kdump.c's do_ret (a use after free in a longer
 * input, kdump-ret-uaf.txt), fixed by checking strnlen(call, n) == n.
 * The import must end cleanly or with a one-line refusal, under ASan
 * too.
 */
static void
imports_cleanly(const char *name)
{
	char args[2048], trace[64], *out, *err;
	int fd, rc;

	snprintf(trace, sizeof(trace), "/tmp/kmtest-kd-XXXXXX");
	fd = mkstemp(trace);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(args, sizeof(args), "import kdump %s -o %s", hpath(name),
	    trace);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect(rc == 0 || (rc == 2 && one_line(err)),
	    "import of %s: exit %d: %s", name, rc, err);
	free(out);
	free(err);
	unlink(trace);
}

Test(hostile, kdump_nul_in_ret_name)
{
	imports_cleanly("kdump-ret-nul.txt");
	imports_cleanly("kdump-ret-uaf.txt");
}
