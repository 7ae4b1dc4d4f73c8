/*
 * test_report_real.c: Criterion tests of the report's real-workloads
 * section (runner/report_real.c): the scale x strategy grid and the
 * sentence, from searches that kmbench capacity --db stored, with the
 * answers derived by hand.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(report_real);

/*
 * The server of test_capacity.c's scale_by_hand: 33 files a copy, on a
 * machine with maxusers 1 (kern.maxfiles 191): 5 copies (165 files)
 * survive, 6 (198) have 7 opens refused.  Both strategies keep the
 * descriptor tables (50 slots, 250 bytes) far from any limit of
 * kmem_map, so both give that answer.  The search doubles K from 1 to
 * the first that fails, 8, then bisects: 6, then 5; the grid's values
 * are replayed up to twice the cliff (12), so 16 is not.  The columns
 * are 1, 2, 4, 5, 6 and 8; 3 and 16 were replayed by no search.
 */
Test(report_real, grid_and_sentence)
{
	char trace[256], db[256], args[1024], *out, *e;
	const char *strategies[] = { "nointr", "panic-only" };
	size_t i;

	kmtest_write_opens(trace, sizeof(trace), 32, 100);
	kmtest_write(db, sizeof(db), ".db", "");
	unlink(db);
	for (i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), "capacity --db %s --clean "
		    "--stagger 0 --to 16 --checks 0 --grid 1,2,4,8,16 "
		    "--strategy %s --machine i386-64M --set maxusers=1 --vary "
		    "scale %s", db, strategies[i], trace);
		cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
		free(out);
		free(e);
	}
	snprintf(args, sizeof(args), "report --db %s --plots /nonexistent",
	    db);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	/* Rows in the registry's order, panic-only first. */
	cr_expect(strstr(out, "copies at once:\n"
	    "                1     2     4     5     6     8\n"
	    "panic-only     ok    ok    ok    ok   REF   REF\n"
	    "nointr         ok    ok    ok    ok   REF   REF\n") != NULL,
	    "%s", out);
	/* The sentence, as one line (the text is filled to 72 columns). */
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '\n' && out[i + 1] != '\n' && i > 0 &&
		    out[i - 1] != '\n')
			out[i] = ' ';
	cr_expect(strstr(out, "panic-only and nointr survive 5 ") != NULL,
	    "%s", out);
	cr_expect(strstr(out, " servers on i386-64M and are refused at 6.\n")
	    != NULL, "%s", out);
	free(out);
	free(e);

	snprintf(args, sizeof(args), "report --format md --db %s --plots "
	    "/nonexistent", db);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	cr_expect(strstr(out, "| strategy \\ K | 1 | 2 | 4 | 5 | 6 | 8 "
	    "|\n|---|---|---|---|---|---|---|\n| panic-only | ok | ok | ok "
	    "| ok | REF | REF |\n") != NULL, "%s", out);
	free(out);
	free(e);
	unlink(db);
	unlink(trace);
}

/*
 * Cells a search did not replay come from its answer, in parentheses.
 * panic-only's search with --to 8 and no grid replays 1, 2, 4 and 8,
 * doubling K to the first that fails, then bisects between 4 and 8: 6
 * is refused, 5 survives; 3 and 7 are not replayed.  Columns are the K
 * that two searches replayed, so canfail's and nointr's, with --grid
 * 3,7, make 3 and 7 columns, where panic-only shows (ok) and (x).
 */
Test(report_real, inferred_cells)
{
	char trace[256], db[256], args[1024], *out, *e;
	size_t i;

	kmtest_write_opens(trace, sizeof(trace), 32, 100);
	kmtest_write(db, sizeof(db), ".db", "");
	unlink(db);
	snprintf(args, sizeof(args), "capacity --db %s --clean --stagger 0 "
	    "--to 8 --checks 0 --strategy panic-only --machine i386-64M "
	    "--set maxusers=1 --vary scale %s", db, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	free(out);
	free(e);
	for (i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), "capacity --db %s --clean "
		    "--stagger 0 --to 8 --checks 0 --grid 3,7 --strategy %s "
		    "--machine i386-64M --set maxusers=1 --vary scale %s", db,
		    i == 0 ? "nointr" : "canfail", trace);
		cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
		free(out);
		free(e);
	}
	snprintf(args, sizeof(args), "report --db %s --plots /nonexistent",
	    db);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	cr_expect(strstr(out,
	    "                1     2     3     4     5     6     7     8\n"
	    "panic-only     ok    ok  (ok)    ok    ok   REF   (x)   REF\n"
	    "canfail        ok    ok    ok    ok    ok   REF   REF   REF\n"
	    "nointr         ok    ok    ok    ok    ok   REF   REF   REF\n")
	    != NULL, "%s", out);
	free(out);
	free(e);
	unlink(db);
	unlink(trace);
}

/*
 * The least kmem_map (capacity --vary nkmempages): the kernel holds a
 * 10-page and a 20-page block at once, and kmem_map has 2 pages from
 * boot, so panic-only needs 2 + 10 + 20 = 32 pages (test_capacity.c
 * derives it), 32 / 256 = 0.125 MiB, "0.1"; searched only up to 31,
 * canfail finds none; fdlimit (malloc(9) as panic-only for M_TEMP)
 * searched from 40 survives at the range's floor: "<=40", 40 / 256 =
 * 0.156 MiB, "<=0.2".
 */
Test(report_real, least_kmem_map)
{
	char trace[256], db[256], args[1024], want[512], *out, *e;
	const char *base;
	int nlen, w;

	kmtest_write(trace, sizeof(trace), ".kmt",
	    "kmtrace 1\n0 1 spawn\n"
	    "1 0 kmalloc a 40960 M_TEMP WAITOK\n"
	    "2 0 kmalloc b 81920 M_TEMP WAITOK\n");
	kmtest_write(db, sizeof(db), ".db", "");
	unlink(db);
	snprintf(args, sizeof(args), "capacity --db %s --checks 0 --strategy "
	    "panic-only --machine i386-64M --vary nkmempages --to 100 %s", db,
	    trace);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	free(out);
	free(e);
	snprintf(args, sizeof(args), "capacity --db %s --checks 0 --strategy "
	    "canfail --machine i386-64M --vary nkmempages --to 31 %s", db,
	    trace);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 3, "%s", e);
	free(out);
	free(e);
	snprintf(args, sizeof(args), "capacity --db %s --checks 0 --strategy "
	    "fdlimit --machine i386-64M --vary nkmempages --from 40 --to 100 "
	    "%s", db, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	free(out);
	free(e);
	snprintf(args, sizeof(args), "report --db %s --plots /nonexistent",
	    db);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	cr_expect(strstr(out, "The least kmem_map that survives, on i386-64M")
	    != NULL, "%s", out);
	/*
	 * The first column is as wide as the longest trace name and a
	 * space (10 at least); each strategy's, 10.
	 */
	base = strrchr(trace, '/') + 1;
	nlen = (int)(strlen(base) - strlen(".kmt"));
	w = nlen + 1 > 10 ? nlen + 1 : 10;
	snprintf(want, sizeof(want), "\n%-*.*s%10s%10s%10s%10s", w, nlen,
	    base, "32", "none", "-", "<=40");
	cr_expect(strstr(out, want) != NULL, "%s\n%s", want, out);
	snprintf(want, sizeof(want), "\n%-*s%10s%10s%10s%10s", w, "  MiB",
	    "0.1", "none", "-", "<=0.2");
	cr_expect(strstr(out, want) != NULL, "%s\n%s", want, out);
	free(out);
	free(e);
	snprintf(args, sizeof(args), "report --format md --db %s --plots "
	    "/nonexistent", db);
	cr_assert_eq(kmtest_cmd(args, &out, &e), 0, "%s", e);
	cr_expect(strstr(out, " | 32 (0.1 MiB) | none | - | <=40 (0.2 MiB) "
	    "| - |") != NULL, "%s", out);
	free(out);
	free(e);
	unlink(db);
	unlink(trace);
}
