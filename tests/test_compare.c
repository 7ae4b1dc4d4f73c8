/*
 * test_compare.c: kmbench compare: the Mann-Whitney U test on synthetic
 * samples, and verdicts and exit status on stores made for the test.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/stats.h"
#include "kmtest.h"

/*
 * Exact U distribution: 5 against 5 with every base value below every
 * head value gives U = 0, reached by 1 of C(10, 5) = 252 arrangements:
 * the two-sided p is 2/252.  3 against 3 can never go below 2/20 = 0.1.
 */
Test(compare, mwu_exact)
{
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	double c[] = { 1, 6, 2, 7, 3 }, d[] = { 4, 8, 5, 9, 10 };

	cr_expect_float_eq(mwu_pvalue(a, 5, b, 5), 2.0 / 252, 1e-12);
	cr_expect_float_eq(mwu_pvalue(b, 5, a, 5), 2.0 / 252, 1e-12);
	cr_expect_float_eq(mwu_minp(3, 3), 0.1, 1e-12);
	/*
	 * c against d: pooled in order 1 2 3 4 5 6 7 8 9 10, c holds ranks
	 * 1, 2, 3, 6 and 7: rank sum 19, U = 19 - 5*6/2 = 4.  For 5 and 5
	 * the arrangements with U = 0, 1, 2, 3, 4 number 1, 1, 2, 3, 5
	 * (partitions of U into at most 5 parts of at most 5): P(U <= 4)
	 * = 12/252, two-sided 24/252.
	 */
	cr_expect_float_eq(mwu_pvalue(c, 5, d, 5), 24.0 / 252, 1e-12);
}

/* Clearly slower: regressed; clearly faster: improved. */
Test(compare, clearly_different)
{
	double base[] = { 100, 101, 99, 100, 102, 98 };
	double slow[] = { 150, 149, 151, 150, 152, 148 };
	double fast[] = { 50, 51, 49, 50, 52, 48 };
	double p;

	cr_expect_eq(stats_verdict(base, 6, slow, 6, 0.05, 0.05, &p),
	    V_REGRESSED);
	cr_expect(p < 0.01, "p = %g", p);
	cr_expect_eq(stats_verdict(base, 6, fast, 6, 0.05, 0.05, &p),
	    V_IMPROVED);
}

/*
 * Equal but noisy: the same spread around 100 on both sides gives a
 * large p; a significant but tiny shift (2%, under the 5% minimum
 * effect) is unchanged too; three reps a side cannot be judged.
 */
Test(compare, equal_but_noisy)
{
	double base[] = { 100, 120, 90, 110, 105, 95, 115, 85 };
	double head[] = { 105, 95, 115, 100, 112, 88, 108, 92 };
	double b2[] = { 100, 100.1, 100.2, 100.3, 100.4, 100.5 };
	double h2[] = { 102, 102.1, 102.2, 102.3, 102.4, 102.5 };
	double p;

	cr_expect_eq(stats_verdict(base, 8, head, 8, 0.05, 0.05, &p),
	    V_UNCHANGED);
	cr_expect(p > 0.5, "p = %g", p);
	cr_expect_eq(stats_verdict(b2, 6, h2, 6, 0.05, 0.05, &p),
	    V_UNCHANGED);
	cr_expect(p < 0.05);
	cr_expect_eq(stats_verdict(base, 3, head, 3, 0.05, 0.05, &p),
	    V_TOOFEW);
}

/* kmtest_cmd, freeing what the last call returned. */
static int
cmd(const char *args, char **out, char **err)
{

	free(*out);
	free(*err);
	*out = *err = NULL;
	return kmtest_cmd(args, out, err);
}

static void
sql(const char *db, const char *q)
{
	sqlite3 *h;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 10000);
	cr_assert_eq(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK, "%s: %s",
	    q, sqlite3_errmsg(h));
	sqlite3_close(h);
}

/*
 * Two commits of the same inputs: the store is filled by a matrix of 4
 * reps, the run is relabelled as an older commit "aaaa", and a second
 * matrix (--force, without latency, so that no real noise enters)
 * stores the current commit's.  Then:
 * - equal deterministic figures and no latency to judge: exit 0;
 * - a deterministic figure changed in the head: listed, once per case,
 *   as changed behaviour (exit 0: not a regression);
 * - the head given the base's latency made 10 times slower plus a
 *   second: every latency figure regressed (4 against 4 reps, every
 *   head value above every base value, whatever the noise: p = 2/70),
 *   exit 1.
 */
Test(compare, verdicts_and_exit_status, .timeout = 120)
{
	char trace[256], db[64], args[1024], *out = NULL, *err = NULL;
	int fd;

	kmtest_write(trace, sizeof(trace), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 map h 50\n2 1 touch h\n3 1 open 3\n4 1 dup 3 60\n");
	snprintf(db, sizeof(db), "/tmp/kmtest-cmp-XXXXXX");
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "matrix --db %s --reps 4 --strategies "
	    "nointr --machines i386-64M --traces %s", db, trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, "UPDATE run SET commit_id = 'aaaa'");
	strcat(args, " --force --no-latency");
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);

	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "0 changed behaviour, 0 regressed") != NULL,
	    "%s", out);

	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (SELECT c.id FROM \"case\" c JOIN run r ON "
	    "r.id = c.run_id WHERE r.commit_id != 'aaaa')");
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "max_fds") != NULL, "%s", out);
	cr_expect(strstr(out, "changed behaviour") != NULL, "%s", out);
	cr_expect(strstr(out, "1 changed behaviour") != NULL, "%s", out);

	sql(db, "INSERT INTO latency SELECT h.id, l.op, l.arena, l.count, "
	    "1000000000 + 10 * l.p50, l.p90, l.p99, l.p999, l.max, l.mean, "
	    "l.hist "
	    "FROM latency l JOIN \"case\" b ON b.id = l.case_id JOIN run rb ON "
	    "rb.id = b.run_id JOIN \"case\" h ON h.inputs = b.inputs JOIN run "
	    "rh ON rh.id = h.run_id WHERE rb.commit_id = 'aaaa' AND "
	    "rh.commit_id != 'aaaa'");
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", out);
	cr_expect(strstr(out, " 0 improved, 0 unchanged") != NULL, "%s", out);
	strcat(args, " --json");
	cr_expect_eq(cmd(args, &out, &err), 1);
	cr_expect(strstr(out, "\"regressed\": ") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/* history prints one figure across commits, oldest first. */
Test(compare, history_oldest_first, .timeout = 60)
{
	char trace[256], db[64], args[1024], *out = NULL, *err = NULL, *a, *b;
	int fd;

	kmtest_write(trace, sizeof(trace), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 open 3\n");
	snprintf(db, sizeof(db), "/tmp/kmtest-hist-XXXXXX");
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "run --db %s --strategy nointr "
	    "--machine i386-64M %s >/dev/null", db, trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, "UPDATE run SET commit_id = 'bbbb1111'");
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "history --db %s max_fds", db);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	a = strstr(out, "bbbb1111");
	cr_assert(a != NULL, "%s", out);
	b = strstr(a + 8, "i386-64M");
	cr_expect(b != NULL, "%s", out);
	snprintf(args, sizeof(args), "history --db %s no.such.figure", db);
	cr_expect_eq(cmd(args, &out, &err), 2);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * compare's numeric options: nan, inf, negatives and values out of range
 * exit 2 with one line naming the option, before the store is opened
 * (the store named does not exist).
 */
Test(compare, numeric_options_refused)
{
	static const char *const bad[] = {
		"--effect nan", "--effect inf", "--effect -1", "--effect 1e999",
		"--effect 1001", "--alpha nan", "--alpha inf", "--alpha 0",
		"--alpha 1", "--alpha -0.5", "--alpha 0x1p-3",
	};
	char args[256], *out = NULL, *err = NULL, opt[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "compare --db /nonexistent/x.db "
		    "%s 1 2", bad[i]);
		cr_expect_eq(cmd(args, &out, &err), 2, "%s", bad[i]);
		snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(bad[i], " "),
		    bad[i]);
		cr_expect(strstr(err, opt) != NULL, "%s: %s", bad[i], err);
		cr_expect(strchr(err, '\n') == err + strlen(err) - 1,
		    "one line: %s", err);
	}
	free(out);
	free(err);
}
