/*
 * test_sweep.c: matrix --sweep (runner/sweep.c, runner/cmd_matrix.c):
 * the cases are the product of the sweeps with the strategies, machines,
 * traces and reps, a strategy's sweep multiplying its own cases only;
 * each point reaches the machine and is stored with its settings, and
 * history keeps the points apart; a bad sweep is one line, exit 2.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(sweep);

static char dir[64];

/* The shared helpers, in this test's directory. */
#define sh(...)		kmtest_sh(dir, __VA_ARGS__)
#define slurp(file)	kmtest_read(dir, file)
#define nlines(s)	kmtest_nlines(s)

static void
setup(void)
{

	snprintf(dir, sizeof(dir), "/tmp/kmtest-sweep-XXXXXX");
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
 * nkmempages=2048..4096/1024 is 2048, 3072, 4096 (HI included): 3
 * points; fdlimit.share=20,50 is 2, for fdlimit alone.  On 1 machine, 1
 * trace, 2 reps: panic-only 3 x 2 = 6 cases, fdlimit 3 x 2 x 2 = 12,
 * 18 lines in all.  Each point's value is in its lines.
 */
Test(sweep, product, .init = setup, .fini = teardown)
{
	char *out;

	cr_assert_eq(sh("$KB matrix --list --strategies panic-only,fdlimit "
	    "--machines i386-64M --reps 2 --sweep nkmempages=2048..4096/1024 "
	    "--sweep fdlimit.share=20,50 t.kmt >l"), 0);
	out = slurp("l");
	cr_expect_eq(nlines(out), 18, "%s", out);
	free(out);
	cr_expect_eq(sh("grep -c '^km1:panic-only:' l | grep -qx 6"), 0);
	cr_expect_eq(sh("grep -c '^km1:fdlimit:' l | grep -qx 12"), 0);
	cr_expect_eq(sh("grep -c ':nkmempages=3072:' l | grep -qx 2"), 0);
	cr_expect_eq(sh("grep -c 'nkmempages=3072,fdlimit.share=50:' l | "
	    "grep -qx 2"), 0);
	cr_expect_eq(sh("grep -c 'share' l | grep -qx 12"), 0);
	cr_expect_eq(sh("sort -u l | wc -l | grep -qx 18"), 0);
}

/*
 * Run and stored: the table's kmem_map column is the peak over
 * profile_nkmempages, so its denominators are the swept values 2048,
 * 3072, 4096, each once for panic-only (1 rep); the store holds 3 cases
 * whose settings name them, and history gives 3 rows, one per point,
 * with --key nkmempages showing the value.
 */
Test(sweep, stored_and_history, .init = setup, .fini = teardown)
{
	char *out;

	cr_assert_eq(sh("$KB matrix --db s.db --strategies panic-only "
	    "--machines i386-64M --sweep nkmempages=2048..4096/1024 t.kmt "
	    ">tab 2>/dev/null"), 0);
	out = slurp("tab");
	cr_expect_eq(nlines(out), 4, "%s", out);
	cr_expect(strstr(out, "/2048") != NULL && strstr(out, "/3072") !=
	    NULL && strstr(out, "/4096") != NULL, "%s", out);
	cr_expect(strstr(out, "sweep") != NULL, "%s", out);
	cr_expect(strstr(out, "nkmempages=3072") != NULL, "%s", out);
	free(out);
	cr_expect_eq(sh("sqlite3 s.db \"SELECT count(*) FROM [case] WHERE "
	    "settings LIKE '%%nkmempages=2048;%%' OR settings LIKE "
	    "'%%nkmempages=3072;%%' OR settings LIKE '%%nkmempages=4096;%%'\" "
	    "| grep -qx 3"), 0);
	cr_assert_eq(sh("$KB history --db s.db --key nkmempages max_fds "
	    ">h"), 0);
	out = slurp("h");
	cr_expect_eq(nlines(out), 4, "%s", out);
	cr_expect(strstr(out, " 2048\n") != NULL && strstr(out, " 3072\n") !=
	    NULL && strstr(out, " 4096\n") != NULL, "%s", out);
	free(out);
	cr_assert_eq(sh("$KB history --db s.db --case 'nkmempages=3072;' "
	    "max_fds >h2"), 0);
	out = slurp("h2");
	cr_expect_eq(nlines(out), 2, "%s", out);
	free(out);
}

/* Each bad sweep: one line naming it, exit status 2, nothing made. */
Test(sweep, refused, .init = setup, .fini = teardown)
{
	static const char *const bad[] = {
		"--sweep nosuch=1,2", "--sweep nkmempages=",
		"--sweep nkmempages=5..1/1", "--sweep nkmempages=1..5/0",
		"--sweep nkmempages=1..5", "--sweep kmemstats=0,1",
		"--sweep fdlimit.nosuch=1", "--sweep nosuch.share=1",
		"--sweep nkmempages=1,1", "--sweep nkmempages=abc",
		"--sweep nkmempages=1,,2",
		"--sweep nkmempages=1,2 --sweep nkmempages=3",
		"--set nkmempages=4096 --sweep nkmempages=1,2",
		"--sweep nkmempages=0..100000000/1",
	};
	char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(sh("$KB matrix --db s.db --machines i386-64M %s "
		    "t.kmt >/dev/null 2>e", bad[i]), 2, "%s", bad[i]);
		err = slurp("e");
		cr_expect_eq(nlines(err), 1, "%s: %s", bad[i], err);
		cr_expect(strncmp(err, "kmbench matrix: ", 16) == 0, "%s",
		    err);
		free(err);
	}
	cr_expect_eq(sh("test ! -e s.db"), 0);
}

/*
 * plot --sweep KEY: max_fds of the attack against nkmempages, one
 * column per strategy.  gen pr14721 --param fds=100 opens 100
 * descriptors in one process; a 100-entry table (fdexpand to 128
 * slots, well under a page of kmem_map) fits at 2048, 3072 and 4096
 * pages alike, so every strategy reaches 100 at each of the 3 points.
 */
Test(sweep, plot_against_key, .init = setup, .fini = teardown,
    .timeout = 120)
{
	char *out;

	cr_assert_eq(sh("$KB matrix --db s.db --strategies panic-only,nointr "
	    "--machines i386-64M --sweep nkmempages=2048..4096/1024 t.kmt "
	    ">/dev/null 2>&1"), 0);
	cr_assert_eq(sh("KMBENCH_PLOTS=$KMBENCH_SRC/plots $KB plot --db s.db "
	    "--sweep nkmempages --out p --format txt 2>/dev/null"), 0);
	out = slurp("p/data/sweep.tsv");
	cr_expect_str_eq(out, "# max_fds of t on i386-64M against nkmempages: "
	    "nkmempages\tpanic-only\tnointr\n2048\t100\t100\n3072\t100\t100\n"
	    "4096\t100\t100\n");
	free(out);
	cr_expect_eq(sh("test -s p/07-sweep-max_fds-nkmempages.txt"), 0);
	/* A key the store never swept: nothing to draw, exit 2. */
	cr_expect_eq(sh("KMBENCH_PLOTS=$KMBENCH_SRC/plots $KB plot --db s.db "
	    "--sweep maxusers --out p2 --format txt 2>/dev/null"), 2);
}
