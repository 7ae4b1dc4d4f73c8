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

	cr_expect_eq(stats_verdict(base, 6, slow, 6, 0.05, 0, 0.05, &p),
	    V_REGRESSED);
	cr_expect(p < 0.01, "p = %g", p);
	cr_expect_eq(stats_verdict(base, 6, fast, 6, 0.05, 0, 0.05, &p),
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

	cr_expect_eq(stats_verdict(base, 8, head, 8, 0.05, 0, 0.05, &p),
	    V_UNCHANGED);
	cr_expect(p > 0.5, "p = %g", p);
	cr_expect_eq(stats_verdict(b2, 6, h2, 6, 0.05, 0, 0.05, &p),
	    V_UNCHANGED);
	cr_expect(p < 0.05);
	cr_expect_eq(stats_verdict(base, 3, head, 3, 0.05, 0, 0.05, &p),
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
 * Benjamini-Hochberg by hand.  p = 0.01, 0.04, 0.03, 0.005 (n = 4):
 * ordered 0.005, 0.01, 0.03, 0.04, scaled by n/i: 0.02, 0.02, 0.04,
 * 0.04; the least over each and all above it leaves them as they are.
 * p = 0.04, 0.041, 0.042 (n = 3): scaled 0.12, 0.0615, 0.042; step-up
 * makes all three 0.042.  And one p-value alone is its own q.
 */
Test(compare, benjamini_hochberg)
{
	double p1[] = { 0.01, 0.04, 0.03, 0.005 }, q1[4];
	double p2[] = { 0.04, 0.041, 0.042 }, q2[3];
	double p3[] = { 0.3 }, q3[1];

	cr_assert_eq(stats_bh(p1, 4, q1), 0);
	cr_expect_float_eq(q1[0], 0.02, 1e-12);
	cr_expect_float_eq(q1[1], 0.04, 1e-12);
	cr_expect_float_eq(q1[2], 0.04, 1e-12);
	cr_expect_float_eq(q1[3], 0.02, 1e-12);
	cr_assert_eq(stats_bh(p2, 3, q2), 0);
	cr_expect_float_eq(q2[0], 0.042, 1e-12);
	cr_expect_float_eq(q2[1], 0.042, 1e-12);
	cr_expect_float_eq(q2[2], 0.042, 1e-12);
	cr_assert_eq(stats_bh(p3, 1, q3), 0);
	cr_expect_float_eq(q3[0], 0.3, 1e-12);
}

/*
 * The repetitions the test needs: 3 against 3 reach at best p = 0.1,
 * 4 against 4 2/70 = 0.029 (enough at 0.05), 5 against 5 2/252 = 0.0079
 * (enough at 0.01, where 4 are not).
 */
Test(compare, minreps)
{

	cr_expect_eq(stats_minreps(0.05), 4);
	cr_expect_eq(stats_minreps(0.01), 5);
	cr_expect_eq(stats_minreps(0.2), 3);
}

/*
 * The absolute floor: 30 ns against 38 ns, every head value above every
 * base value (6 against 6: p = 2/924), is 27% slower, past the 5%
 * effect; but 8 ns is under a 50 ns floor, so unchanged; with no floor,
 * regressed.  30 against 150 (5 times, +120 ns) passes both.
 */
Test(compare, floor_ns)
{
	double base[] = { 30, 30, 30, 31, 30, 29 };
	double head[] = { 38, 38, 39, 38, 38, 38 };
	double slow[] = { 150, 150, 151, 150, 149, 150 };
	double p;

	cr_expect_eq(stats_verdict(base, 6, head, 6, 0.05, 50, 0.05, &p),
	    V_UNCHANGED);
	cr_expect(p < 0.01, "p = %g", p);
	cr_expect_eq(stats_verdict(base, 6, head, 6, 0.05, 0, 0.05, &p),
	    V_REGRESSED);
	cr_expect_eq(stats_verdict(base, 6, slow, 6, 0.05, 50, 0.05, &p),
	    V_REGRESSED);
	cr_expect_eq(stats_judge(100, 60, 0.001, 0.05, 50, 0.05), V_UNCHANGED);
	cr_expect_eq(stats_judge(100, 40, 0.001, 0.05, 50, 0.05), V_IMPROVED);
	cr_expect_eq(stats_judge(100, 400, 0.06, 0.05, 50, 0.05), V_UNCHANGED);
}

/* The same with BIN, a shell prefix and the binary. */
static int
cmd_bin(const char *bin, const char *args, char **out, char **err)
{

	free(*out);
	free(*err);
	*out = *err = NULL;
	return kmtest_cmd_bin(bin, args, out, err);
}

/* The cases of the head side: those not relabelled "aaaa". */
#define HEAD_CASES "SELECT c.id FROM \"case\" c JOIN run r ON r.id = " \
	"c.run_id WHERE r.commit_id != 'aaaa'"

/*
 * A store of two commits of the same inputs, REPS repetitions each: a
 * matrix, the run and its case keys relabelled as an older commit
 * "aaaa", and a second matrix (without latency, so that no real noise
 * enters) for the current commit.  The trace: a process maps, touches, opens and
 * dups to 60 descriptors under nointr.
 */
static void
two_commits(char *trace, size_t tlen, char *db, size_t dlen, int reps)
{
	char args[1024], *out = NULL, *err = NULL;
	int fd;

	kmtest_write(trace, tlen, ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 map h 50\n2 1 touch h\n3 1 open 3\n4 1 dup 3 60\n");
	snprintf(db, dlen, "/tmp/kmtest-cmp-XXXXXX");
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "matrix --db %s --reps %d --strategies "
	    "nointr --machines i386-64M --traces %s", db, reps, trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	/* The key names the commit too: relabel both. */
	sql(db, "UPDATE run SET commit_id = 'aaaa'; "
	    "UPDATE \"case\" SET key = 'aaaa' || key");
	strcat(args, " --no-latency");
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	free(out);
	free(err);
}

/*
 * The head given the base's latency made 10 times slower plus a
 * second: every latency figure regressed (4 against 4 reps, every head
 * value above every base value, whatever the noise: p = 2/70 for each,
 * and Benjamini-Hochberg leaves equal p-values as they are).
 */
#define SLOW_HEAD "INSERT INTO latency SELECT h.id, l.op, l.arena, " \
	"l.count, 1000000000 + 10 * l.p50, l.p90, l.p99, l.p999, l.max, " \
	"l.mean, l.hist FROM latency l JOIN \"case\" b ON b.id = l.case_id " \
	"JOIN run rb ON rb.id = b.run_id JOIN \"case\" h ON h.inputs = " \
	"b.inputs JOIN run rh ON rh.id = h.run_id WHERE rb.commit_id = " \
	"'aaaa' AND rh.commit_id != 'aaaa'"

/*
 * Exit status: 0 when nothing changed (the head has no latency: those
 * figures are on one side only, which is no verdict); 1 for a latency
 * regression alone; 1 for one changed deterministic figure, named; 0
 * when --accept acknowledges it, by name or glob, the change still
 * listed as accepted; 1 again when the glob matches something else.
 */
Test(compare, exit_status, .timeout = 120)
{
	char trace[256], db[64], args[1024], *out = NULL, *err = NULL;

	two_commits(trace, sizeof(trace), db, sizeof(db), 4);
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s%s", out, err);
	cr_expect(strstr(out, "0 changed, 0 accepted, 0 regressed") != NULL,
	    "%s", out);

	sql(db, SLOW_HEAD);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", out);
	cr_expect(strstr(out, "0 changed, 0 accepted, ") != NULL, "%s", out);
	cr_expect(strstr(out, " regressed, 0 improved, ") != NULL, "%s", out);
	cr_expect(strstr(out, "malloc/kmem_map p50 ns") != NULL, "%s", out);
	snprintf(args, sizeof(args), "compare --json --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1);
	cr_expect(strstr(out, "\"regressed\": ") != NULL, "%s", out);
	cr_expect(strstr(out, "\"exit_status\": 1") != NULL, "%s", out);
	/* Latency regressions can be acknowledged too. */
	snprintf(args, sizeof(args), "compare --db %s --accept '*' aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", out);
	cr_expect(strstr(out, "regressed (accepted)") != NULL, "%s", out);
	sql(db, "DELETE FROM latency WHERE case_id IN (" HEAD_CASES ")");

	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (" HEAD_CASES ")");
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect(strstr(out, "max_fds") != NULL, "%s", out);
	cr_expect(strstr(out, "1 changed, 0 accepted, 0 regressed") != NULL,
	    "%s", out);

	snprintf(args, sizeof(args), "compare --db %s --accept max_fds aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "max_fds") != NULL, "%s", out);
	cr_expect(strstr(out, "changed (accepted)") != NULL, "%s", out);
	cr_expect(strstr(out, "0 changed, 1 accepted, 0 regressed") != NULL,
	    "%s", out);
	snprintf(args, sizeof(args), "compare --db %s --accept 'kmem_map.*,"
	    "max_*' aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "compare --db %s --accept 'kmem_map.*' "
	    "aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect(strstr(err, "'kmem_map.*' matches no") != NULL, "%s", err);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * Two repetitions a side cannot be judged (2 against 2: p >= 1/3): no
 * verdict, one summary line counting them, and --verbose lists them.
 */
Test(compare, too_few_reps_summarised, .timeout = 120)
{
	char trace[256], db[64], args[1024], *out = NULL, *err = NULL;

	two_commits(trace, sizeof(trace), db, sizeof(db), 2);
	sql(db, SLOW_HEAD);
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", out);
	cr_expect(strstr(out, "too few reps") == NULL, "%s", out);
	cr_expect(strstr(out, "latency figures not judged: fewer than 4 "
	    "repetitions a side") != NULL, "%s", out);
	snprintf(args, sizeof(args), "compare --db %s --verbose aaaa latest",
	    db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", out);
	cr_expect(strstr(out, "malloc/kmem_map p50 ns") != NULL, "%s", out);
	cr_expect(strstr(out, "too few reps") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * Figure names are never cut: a changed figure with a 120-character
 * name is printed whole, on a wide table and on a 40-column terminal
 * (where the name goes on a line of its own).  Integers print as
 * integers (1180800, not 1.1808e+06); values that differ past the sixth
 * digit print with the digits that tell them apart.
 */
Test(compare, names_whole_numbers_exact, .timeout = 120)
{
	char trace[256], db[64], args[1024], bin[1024], name[121], q[1024];
	char *out = NULL, *err = NULL;

	two_commits(trace, sizeof(trace), db, sizeof(db), 1);
	memset(name, 'x', 120);
	memcpy(name, "kmem_map.", 9);
	name[120] = '\0';
	snprintf(q, sizeof(q), "INSERT INTO result SELECT id, '%s', CASE WHEN "
	    "id IN (" HEAD_CASES ") THEN 6144124 ELSE 1180800 END, 1 FROM "
	    "\"case\"", name);
	sql(db, q);
	sql(db, "INSERT INTO result SELECT id, 'frac', CASE WHEN id IN ("
	    HEAD_CASES ") THEN 0.1234567 ELSE 0.1234568 END, 1 FROM \"case\"");
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect(strstr(out, name) != NULL, "%s", out);
	cr_expect(strstr(out, " 1180800 ") != NULL, "%s", out);
	cr_expect(strstr(out, " 6144124 ") != NULL, "%s", out);
	cr_expect(strstr(out, "0.1234568") != NULL, "%s", out);
	cr_expect(strstr(out, "0.1234567") != NULL, "%s", out);
	cr_expect(strstr(out, "e+06") == NULL, "%s", out);
	snprintf(bin, sizeof(bin), "COLUMNS=40 %s", getenv("KMBENCH"));
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 1, "%s", err);
	cr_expect(strstr(out, name) != NULL, "%s", out);
	cr_expect(strstr(out, " 6144124 ") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * Git revisions: in a temporary repository of two commits, the store's
 * two runs are relabelled as those commits; HEAD~1 and HEAD (and a tag)
 * resolve through git rev-parse.  A revision whose commit has no run is
 * refused with exit 2, naming the revision and the store.
 */
Test(compare, git_revisions, .timeout = 120)
{
	char trace[256], db[64], dir[64], q[1024], bin[2048], args[1024];
	char c1[64], c2[64], *out = NULL, *err = NULL;
	FILE *f;

	two_commits(trace, sizeof(trace), db, sizeof(db), 1);
	snprintf(dir, sizeof(dir), "/tmp/kmtest-git-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	snprintf(q, sizeof(q), "cd %s && git init -q && for i in 1 2 3; do "
	    "git -c user.name=t -c user.email=t@t commit -q --allow-empty "
	    "-m $i || exit 1; done && git tag v1 HEAD~2 && git rev-parse "
	    "HEAD~1 HEAD", dir);
	f = popen(q, "r");
	cr_assert(f != NULL);
	cr_assert(fscanf(f, "%63s %63s", c1, c2) == 2);
	cr_assert_eq(pclose(f), 0);
	snprintf(q, sizeof(q), "UPDATE run SET commit_id = CASE commit_id "
	    "WHEN 'aaaa' THEN '%s' ELSE '%s' END", c1, c2);
	sql(db, q);
	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (SELECT max(id) FROM \"case\")");
	snprintf(bin, sizeof(bin), "cd %s && %s", dir, getenv("KMBENCH"));
	snprintf(args, sizeof(args), "compare --db %s HEAD~1 HEAD", db);
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 1, "%s", err);
	cr_expect(strstr(out, "max_fds") != NULL, "%s", out);
	snprintf(args, sizeof(args), "compare --db %s HEAD HEAD", db);
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 0, "%s", err);
	/* v1 is the first commit: no run there. */
	snprintf(args, sizeof(args), "compare --db %s v1 HEAD", db);
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 2, "%s", out);
	cr_expect(strstr(err, "'v1'") != NULL, "%s", err);
	cr_expect(strstr(err, db) != NULL, "%s", err);
	cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s", err);
	snprintf(args, sizeof(args), "compare --db %s no-such-rev HEAD", db);
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 2, "%s", out);
	cr_expect(strstr(err, "no-such-rev") != NULL, "%s", err);
	/* Outside a work tree, HEAD~1 is nothing. */
	snprintf(bin, sizeof(bin), "cd / && %s", getenv("KMBENCH"));
	snprintf(args, sizeof(args), "compare --db %s HEAD~1 HEAD", db);
	cr_expect_eq(cmd_bin(bin, args, &out, &err), 2, "%s", out);
	snprintf(q, sizeof(q), "rm -rf %s", dir);
	cr_expect_eq(system(q), 0);
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
	sql(db, "UPDATE run SET commit_id = 'bbbb1111'; "
	    "UPDATE \"case\" SET key = 'bbbb1111' || key");
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

/*
 * A real latency regression: build/VARIANT-slow/kmbench (make slow) is
 * kmbench built with the same flags and KMBENCH_SLOW_MALLOC: its timed
 * malloc(9) spins until it has taken five times as long.
 * The same workload, 20000 interrupt-time mallocs from kmem_map (2
 * seconds of intr-load at 10000 a second), 6 repetitions each: base by
 * kmbench, head by the slow build.  Nothing deterministic changes;
 * malloc's p50 grows about fivefold (some 30 ns to past 150, beyond the
 * 50 ns floor), every slow repetition above every normal one: p is
 * 2/924 = 0.0022 without ties, a little more with them, and with the
 * three latency figures of this trace Benjamini-Hochberg keeps q under
 * 0.02: regressed, exit 1.
 */
Test(compare, slow_malloc_caught, .timeout = 240)
{
	char trace[64], db[64], args[1024], bin[1024], *out = NULL, *err = NULL;
	const char *slow = getenv("KMBENCH_SLOW");
	int fd;

	cr_assert(slow != NULL, "KMBENCH_SLOW is not set (make slow)");
	snprintf(trace, sizeof(trace), "/tmp/kmtest-slow-XXXXXX");
	fd = mkstemp(trace);
	close(fd);
	snprintf(db, sizeof(db), "/tmp/kmtest-cmp-XXXXXX");
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "gen intr-load --param seconds=2 "
	    "-o %s", trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "matrix --db %s --reps 6 --strategies "
	    "nointr --machines i386-64M --traces %s", db, trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	/* The key names the commit too: relabel both. */
	sql(db, "UPDATE run SET commit_id = 'aaaa'; "
	    "UPDATE \"case\" SET key = 'aaaa' || key");
	snprintf(bin, sizeof(bin), "KMBENCH_MACHINES=%s %s",
	    getenv("KMBENCH_MACHINES"), slow);
	cr_assert_eq(cmd_bin(bin, args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s%s", out, err);
	cr_expect(strstr(out, "0 changed, 0 accepted, ") != NULL, "%s", out);
	cr_assert(strstr(out, "malloc/kmem_map p50 ns") != NULL, "%s", out);
	cr_expect(strstr(strstr(out, "malloc/kmem_map p50 ns"),
	    "regressed") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/* How many times NEEDLE occurs in HAY. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * --format: every format exits as the text does.  With one changed
 * deterministic figure (max_fds) and every latency figure regressed
 * (SLOW_HEAD): JUnit XML that xmllint parses, with one <failure> per
 * regression and change, the count the text's summary gives; Markdown
 * with a table row per changed or regressed figure; JSON with the same
 * totals.  With the change accepted, the JUnit has one failure fewer.
 */
Test(compare, formats, .timeout = 120)
{
	char trace[256], db[64], args[1024], xml[64], q[256], *out = NULL;
	char *err = NULL, *s;
	int regressed, fd;
	FILE *f;

	two_commits(trace, sizeof(trace), db, sizeof(db), 4);
	sql(db, SLOW_HEAD);
	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (" HEAD_CASES ")");
	snprintf(args, sizeof(args), "compare --db %s aaaa latest", db);
	cr_assert_eq(cmd(args, &out, &err), 1, "%s", err);
	s = strstr(out, "1 changed, 0 accepted, ");
	cr_assert(s != NULL, "%s", out);
	regressed = atoi(s + strlen("1 changed, 0 accepted, "));
	cr_assert(regressed > 0, "%s", out);

	snprintf(args, sizeof(args), "compare --db %s --format junit aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect_eq(count(out, "<failure "), regressed + 1, "%s", out);
	cr_expect_eq(count(out, "<failure type=\"regressed\""), regressed);
	snprintf(xml, sizeof(xml), "/tmp/kmtest-junit-XXXXXX");
	fd = mkstemp(xml);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(out, f);
	fclose(f);
	snprintf(q, sizeof(q), "xmllint --noout %s", xml);
	cr_expect_eq(system(q), 0, "%s", out);
	unlink(xml);

	snprintf(args, sizeof(args), "compare --db %s --format md aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect_eq(count(out, " | changed |\n"), 1, "%s", out);
	cr_expect_eq(count(out, " | regressed |\n"), regressed, "%s", out);
	cr_expect(strstr(out, "| `max_fds` |") != NULL, "%s", out);

	snprintf(args, sizeof(args), "compare --db %s --format json aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect(strstr(out, "\"changed\": 1") != NULL, "%s", out);

	snprintf(args, sizeof(args), "compare --db %s --format junit --accept "
	    "max_fds aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 1, "%s", err);
	cr_expect_eq(count(out, "<failure "), regressed, "%s", out);
	snprintf(args, sizeof(args), "compare --db %s --format md --accept "
	    "'max_fds,*/*' aaaa latest", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "| changed (accepted) |") != NULL, "%s", out);
	snprintf(args, sizeof(args), "compare --db %s --format xml aaaa "
	    "latest", db);
	cr_expect_eq(cmd(args, &out, &err), 2);
	cr_expect(strstr(err, "--format") != NULL, "%s", err);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * history reads the refused calls' latency, whose op has a dot of its
 * own: latency.fdexpand.refused.path.p99.  The attack of
 * test_strategies.c under canfail refuses one fdexpand (the table of
 * 3276800 slots), so the store holds that series.
 */
Test(compare, history_of_refused_latency, .timeout = 60)
{
	char trace[256], db[64], args[1024], *out = NULL, *err = NULL;
	int fd;

	kmtest_write(trace, sizeof(trace), ".kmt", "kmtrace 1\n0 100 spawn\n"
	    "1 100 sysctl maxfiles 10000000\n2 100 limit nofile 10000000\n"
	    "3 100 open 3\n4 100 dup 3 1638400\n");
	snprintf(db, sizeof(db), "/tmp/kmtest-hist-XXXXXX");
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "run --db %s --strategy canfail "
	    "--machine i386-64M %s >/dev/null", db, trace);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "history --db %s --list", db);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "latency.fdexpand.refused.path.") != NULL,
	    "%s", out);
	snprintf(args, sizeof(args), "history --db %s "
	    "latency.fdexpand.refused.path.p99", db);
	cr_expect_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "canfail") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}

/*
 * The points of a sweep are compared apart, and their labels say which
 * point: "fdlimit i386-64M T fdlimit.share=20 nkmempages=2048" and so on
 * for the 2 x 2 points (the settings in which cases of the same
 * strategy, machine and trace differ, strategy settings first), in every
 * format; nointr, swept over nkmempages alone, shows only that.
 * max_fds of every head case is raised by one, so each of the six
 * points has one changed figure under its own label.
 */
Test(compare, sweep_points_labelled, .timeout = 60)
{
	static const char *const pts[] = {
	    "fdlimit.share=20 nkmempages=2048",
	    "fdlimit.share=20 nkmempages=4096",
	    "fdlimit.share=50 nkmempages=2048",
	    "fdlimit.share=50 nkmempages=4096" };
	static const char *const fmts[] = { "text", "md", "json", "junit" };
	char trace[256], db[64], args[1024], want[512], *out = NULL;
	char *err = NULL, *p;
	size_t i, k;
	int fd;

	kmtest_write_opens(trace, sizeof(trace), 30, 1024);
	snprintf(db, sizeof(db), "/tmp/kmtest-swcmp-XXXXXX");
	fd = mkstemp(db);
	cr_assert(fd >= 0);
	close(fd);
	unlink(db);
	for (k = 0; k < 2; k++) {
		snprintf(args, sizeof(args), "matrix --db %s --force "
		    "--strategies fdlimit,nointr --machines i386-64M --sweep "
		    "nkmempages=2048,4096 --sweep fdlimit.share=20,50 %s",
		    db, trace);
		cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	}
	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (SELECT id FROM \"case\" WHERE run_id = 2)");
	for (k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		snprintf(args, sizeof(args), "compare --db %s --format %s 1 2",
		    db, fmts[k]);
		cr_assert_eq(cmd(args, &out, &err), 1, "%s", err);
		for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
			snprintf(want, sizeof(want), "fdlimit i386-64M %s %s",
			    trace, pts[i]);
			cr_expect(strstr(out, want) != NULL, "%s: no '%s' in %s",
			    fmts[k], want, out);
		}
		/* nointr: only the nkmempages sweep, so it varies there. */
		snprintf(want, sizeof(want), "nointr i386-64M %s "
		    "nkmempages=2048", trace);
		cr_expect(strstr(out, want) != NULL, "%s: no '%s' in %s",
		    fmts[k], want, out);
		/* No fdlimit label without its point. */
		snprintf(want, sizeof(want), "fdlimit i386-64M %s",
		    trace);
		for (p = strstr(out, want); p != NULL; p = strstr(p + 1, want))
			cr_expect(strncmp(p + strlen(want), " fdlimit.share=",
			    15) == 0, "%s: %s", fmts[k], p);
	}
	free(out);
	free(err);
	unlink(trace);
	unlink(db);
}
