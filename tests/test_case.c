/*
 * test_case.c: matrix --list and kmbench case (runner/caseline.c,
 * runner/cmd_case.c): the case lines are stable and name their case
 * exactly; a changed trace or a bad line is refused in one line; and a
 * matrix spread by GNU parallel over 2 jobs into shards, then merged,
 * equals the matrix run in one process.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(case);

static char dir[64];

/* The shared helpers, in this test's directory. */
#define sh(...)		kmtest_sh(dir, __VA_ARGS__)
#define slurp(file)	kmtest_read(dir, file)
#define nlines(s)	kmtest_nlines(s)

static void
setup(void)
{

	snprintf(dir, sizeof(dir), "/tmp/kmtest-case-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	cr_assert_eq(sh("$KB gen pr14721 --param fds=100 -o t.kmt"), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

/*
 * 3 strategies x 2 machines x 2 reps: 12 lines, all different, each of
 * 9 ':'-separated fields, the same when listed again, from another
 * directory holding a copy of the trace under the same name, and with
 * or without --db (a list names cases, not a store).  A strategy
 * setting goes to its strategy's lines alone.
 */
Test(case, list_is_stable, .init = setup, .fini = teardown)
{
	char *a, *b, *p;
	int n = 0;

	cr_assert_eq(sh("$KB matrix --list --strategies panic-only,nointr,"
	    "fdlimit --machines i386-64M,i386-16M --reps 2 --set "
	    "fdlimit.share=50 t.kmt >a && mkdir other && cp t.kmt other/ && "
	    "cd other && $KB matrix --list --db x.db --strategies "
	    "panic-only,nointr,fdlimit --machines i386-64M,i386-16M --reps 2 "
	    "--set fdlimit.share=50 t.kmt >../b && test ! -e x.db"), 0);
	a = slurp("a");
	b = slurp("b");
	cr_expect_str_eq(a, b);
	cr_expect_eq(nlines(a), 12);
	cr_expect_eq(sh("sort -u a | wc -l | grep -qx 12"), 0);
	for (p = a; *p != '\0'; p = strchr(p, '\n') + 1) {
		int colons = 0;
		char *q;

		for (q = p; *q != '\n'; q++)
			colons += *q == ':';
		cr_expect_eq(colons, 8, "%.*s", (int)(q - p), p);
		cr_expect(strncmp(p, "km1:", 4) == 0);
		cr_expect((strstr(p, ":fdlimit.share=50:") != NULL &&
		    strstr(p, ":fdlimit.share=50:") < q) ==
		    (strncmp(p, "km1:fdlimit:", 12) == 0), "%.*s",
		    (int)(q - p), p);
		n++;
	}
	cr_expect_eq(n, 12);
	free(a);
	free(b);
}

/*
 * The line's case is the matrix's: case LINE --db stores the key that
 * matrix --db stores for the same strategy, machine, settings and rep,
 * and the same deterministic figures.  Run again, it stores nothing.
 */
Test(case, runs_the_listed_case, .init = setup, .fini = teardown)
{
	char *out;

	cr_assert_eq(sh("$KB matrix --list --strategies fdlimit --machines "
	    "i386-16M --reps 2 --set fdlimit.share=50 --set maxusers=64 "
	    "t.kmt | tail -1 >l && $KB case \"$(cat l)\" --db s.db >o 2>e && "
	    "$KB case \"$(cat l)\" --db s.db 2>e2 && "
	    "$KB matrix --db m.db --strategies fdlimit --machines i386-16M "
	    "--reps 2 --set fdlimit.share=50 --set maxusers=64 t.kmt "
	    ">/dev/null 2>&1"), 0);
	out = slurp("o");
	cr_expect_eq(nlines(out), 1, "%s", out);
	free(out);
	out = slurp("e2");
	cr_expect(strstr(out, "stored already") != NULL, "%s", out);
	free(out);
	cr_expect_eq(sh("a=\"$(sqlite3 s.db 'SELECT count(*), rep, "
	    "settings FROM [case]')\" && test \"$a\" = \"$(sqlite3 m.db "
	    "'SELECT count(*), rep, settings FROM [case] WHERE rep = 1')\" "
	    "&& echo \"$a\" | grep -q '^1|1|.*maxusers=64;'"), 0);
	cr_expect_eq(sh("sqlite3 s.db \"ATTACH 'm.db' AS m; SELECT c.key, "
	    "r.name, r.value FROM [case] c JOIN result r ON "
	    "r.case_id = c.id WHERE r.deterministic EXCEPT SELECT c.key, "
	    "r.name, r.value FROM m.[case] c JOIN m.result r ON "
	    "r.case_id = c.id;\" >d && test ! -s d && test \"$(sqlite3 s.db "
	    "'SELECT count(*) FROM result WHERE deterministic')\" -gt 20"), 0);
}

/*
 * A trace whose contents are not the line's, a machine profile that is
 * not the one listed, and lines that are not case lines: one line on
 * stderr each, exit status 2, nothing stored (the shard not even made).
 */
Test(case, refused, .init = setup, .fini = teardown)
{
	static const char *const bad[] = {
		"km1:x", "hello",
		"km1:panic-only:i386-64M:0:1:zz:0123456789abcdef::t.kmt",
		"km1:panic-only:i386-64M:-1:1:"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    ":0123456789abcdef::t.kmt",
		"km1:nosuch:i386-64M:0:1:"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    ":0123456789abcdef::t.kmt",
	};
	char *err;
	size_t i;

	cr_assert_eq(sh("$KB matrix --list --strategies panic-only "
	    "--machines i386-64M t.kmt >l && cp t.kmt t.orig"), 0);
	/* One event more: another file under the same name. */
	cr_assert_eq(sh("echo '999999 1 exit' >>t.kmt"), 0);
	cr_expect_eq(sh("$KB case \"$(cat l)\" --db s.db 2>e"), 2);
	err = slurp("e");
	cr_expect_eq(nlines(err), 1, "%s", err);
	cr_expect(strstr(err, "t.kmt: not the trace of the case line") !=
	    NULL, "%s", err);
	free(err);
	cr_expect_eq(sh("test ! -e s.db"), 0);
	/* The trace as listed, a machine profile changed. */
	cr_assert_eq(sh("mv t.orig t.kmt && mkdir m && cp $KMBENCH_MACHINES/* "
	    "m/ && sed -i 's/^maxusers.*/maxusers 99/' m/i386-64M && "
	    "grep -q 'maxusers 99' m/i386-64M"), 0);
	cr_expect_eq(sh("KMBENCH_MACHINES=m $KB case \"$(cat l)\" --db s.db "
	    "2>e"), 2);
	err = slurp("e");
	cr_expect_eq(nlines(err), 1, "%s", err);
	cr_expect(strstr(err, "differ from where it was listed") != NULL,
	    "%s", err);
	free(err);
	cr_expect_eq(sh("test ! -e s.db"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(sh("$KB case '%s' --db s.db 2>e", bad[i]), 2,
		    "%s", bad[i]);
		err = slurp("e");
		cr_expect_eq(nlines(err), 1, "%s: %s", bad[i], err);
		free(err);
	}
	cr_expect_eq(sh("test ! -e s.db"), 0);
	/* As listed, it runs. */
	cr_expect_eq(sh("$KB case \"$(cat l)\" --db s.db >/dev/null"), 0);
}

/*
 * The GNU parallel recipe of docs/scale-out.md with 2 jobs: matrix
 * --list piped to parallel running kmbench case into shard-{%%}.db, the
 * shards merged.  The merged store holds the 3 x 2 x 2 = 12 cases of a
 * single-process matrix over the same cases with the same keys and
 * every deterministic figure equal, by SQL both ways.  And kmbench
 * compare of the two, in one store (the single-process run added to
 * the merged store as further reps with --force), reports no change.
 */
Test(case, parallel_equals_single, .init = setup, .fini = teardown,
    .timeout = 240)
{
	static const char sel[] = "--strategies panic-only,nointr,fdlimit "
	    "--machines i386-64M,i386-16M --reps 2 t.kmt";

	cr_assert_eq(sh("$KB matrix --list %s | parallel -j 2 $KB case {} "
	    "--db shard-{%%}.db >par.out 2>par.err && "
	    "$KB merge merged.db shard-*.db >/dev/null 2>&1 && "
	    "$KB matrix --db single.db --jobs 1 %s >/dev/null 2>&1", sel, sel),
	    0);
	cr_expect_eq(sh("ls shard-*.db | wc -l | grep -qx 2"), 0);
	cr_expect_eq(sh("test \"$(sqlite3 merged.db 'SELECT count(*) FROM "
	    "[case]')\" = 12 && test \"$(sqlite3 single.db 'SELECT "
	    "count(*) FROM [case]')\" = 12"), 0);
	/* Deterministic figures, by case key, equal both ways. */
	cr_expect_eq(sh("sqlite3 merged.db \"ATTACH 'single.db' AS s; "
	    "SELECT c.key, r.name, r.value FROM [case] c JOIN result r "
	    "ON r.case_id = c.id WHERE r.deterministic EXCEPT SELECT c.key, "
	    "r.name, r.value FROM s.[case] c JOIN s.result r ON "
	    "r.case_id = c.id WHERE r.deterministic; "
	    "SELECT c.key, r.name, r.value FROM s.[case] c JOIN "
	    "s.result r ON r.case_id = c.id WHERE r.deterministic EXCEPT "
	    "SELECT c.key, r.name, r.value FROM [case] c JOIN result r "
	    "ON r.case_id = c.id WHERE r.deterministic; "
	    "SELECT key, outcome, settings FROM [case] EXCEPT SELECT "
	    "key, outcome, settings FROM s.[case];\" >diff && "
	    "test ! -s diff"), 0);
	/* Each merged case's run names the host that ran it. */
	cr_expect_eq(sh("test \"$(sqlite3 merged.db \"SELECT count(*) FROM "
	    "[case] c JOIN run r ON r.id = c.run_id WHERE "
	    "r.host = '$(uname -n)' AND r.command = 'case'\")\" = 12"), 0);
	/* compare: base the merged cases (commit), head the single run. */
	cr_expect_eq(sh("$KB matrix --db merged.db --force --jobs 1 %s "
	    ">/dev/null 2>&1 && run=$(sqlite3 merged.db 'SELECT max(id) FROM "
	    "run') && c=$(sqlite3 merged.db 'SELECT commit_id FROM run "
	    "LIMIT 1') && $KB compare --db merged.db $c $run >cmp.out "
	    "2>cmp.err", sel), 0);
	cr_expect_eq(sh("grep -qE '^0 changed, 0 accepted, 0 regressed, 0 "
	    "improved, [1-9][0-9]* unchanged' cmp.out"), 0);
}
