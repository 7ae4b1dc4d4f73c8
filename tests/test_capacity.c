/*
 * test_capacity.c: Criterion tests of "kmbench capacity"
 * (runner/capacity.c, runner/cmd_capacity.c, db/capstore.c): answers
 * derived by hand for a machine setting (nkmempages, with its guess right
 * and wrong), for scale and for
 * a strategy setting (fdlimit.share), a case that is not monotonic, the
 * store, and bad input.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(capacity);

/* "kmbench ARGS TRACE" with its status; stdout in *OUT. */
static int
cap(const char *args, const char *trace, char **out)
{
	char cmd[2048], *errs;
	int rc;

	snprintf(cmd, sizeof(cmd), "capacity %s %s", args, trace);
	rc = kmtest_cmd(cmd, out, &errs);
	free(errs);
	return rc;
}

/*
 * OUT (capacity --json) answers KEY with the smallest survivor VALUE,
 * a panic one step below it, and an outcome monotonic in KEY.
 */
static void
expect_smallest(const char *out, const char *key, long value)
{
	char want[128];

	snprintf(want, sizeof(want), "\"key\":\"%s\"", key);
	cr_expect(strstr(out, want) != NULL, "%s", out);
	snprintf(want, sizeof(want), "\"value\":%ld,", value);
	cr_expect(strstr(out, want) != NULL, "%s", out);
	cr_expect(strstr(out, "\"below\":\"panic\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"monotonic\":true") != NULL, "%s", out);
}

/*
 * OUT (capacity --json) has try WHICH ("at" or "next") at VALUE with
 * OUTCOME after EVENTS events, none skipped or refused, no process
 * hung, the panic at PANIC_EVENT (0: none) and a kmem_map peak of PEAK.
 */
static void
expect_try(const char *out, const char *which, long value,
    const char *outcome, long events, long panic_event, long peak)
{
	char want[256], pe[48] = "";

	if (panic_event > 0)
		snprintf(pe, sizeof(pe), "\"panic_event\":%ld,", panic_event);
	snprintf(want, sizeof(want), "\"%s\":{\"value\":%ld,\"outcome\":"
	    "\"%s\",\"events\":%ld,\"skipped\":0,\"refused\":0,\"hung\":0,"
	    "%s\"kmem_map_peak\":%ld}", which, value, outcome, events, pe,
	    peak);
	cr_expect(strstr(out, want) != NULL, "want %s: %s", want, out);
}

/*
 * The kernel holds a 10-page and a 20-page M_TEMP block at once
 * (40960 and 81920 bytes: above MAXALLOCSAVE, 8192, so kmem_malloc()
 * gives whole pages).  At boot kmem_map holds 2 pages (a spawn-only
 * trace's peak, checked below).  Under panic-only an M_WAITOK malloc
 * that finds no room panics, so the least nkmempages is 2 + 10 + 20 =
 * 32; at 31 the second malloc (event 3) panics.
 */
Test(capacity, nkmempages_by_hand)
{
	char trace[256], boot[256], *out, *e;

	kmtest_write(boot, sizeof(boot), ".kmt", "kmtrace 1\n0 1 spawn\n");
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "run --brief --strategy panic-only "
		    "--machine i386-64M %s", boot);
		cr_assert_eq(kmtest_cmd(cmd, &out, &e), 0, "%s", e);
		/* kmem_map pk: "2/4096". */
		cr_expect(strstr(out, " 2/4096") != NULL, "%s", out);
		free(out);
		free(e);
	}
	kmtest_write(trace, sizeof(trace), ".kmt",
	    "kmtrace 1\n0 1 spawn\n"
	    "1 0 kmalloc a 40960 M_TEMP WAITOK\n"
	    "2 0 kmalloc b 81920 M_TEMP WAITOK\n"
	    "3 0 kfree a\n4 0 kfree b\n");
	cr_assert_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--vary nkmempages --to 100", trace, &out), 0);
	expect_smallest(out, "nkmempages", 32);
	cr_expect(strstr(out, "\"next\":{\"value\":31,\"outcome\":\"panic\","
	    "\"events\":3,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"panic_event\":3") != NULL, "%s", out);
	/*
	 * The replays: the ends, 100 (survived; kmem_map's top 32: pages 0
	 * and 1 from boot, a at 2 to 11, b at 12 to 31) and 1 (panic); the
	 * guess, 32 (survived) and 31 (panic), which ends the bisection; 32
	 * and 31 again to confirm; --checks 4 on each side: (100 - 32) / 5 =
	 * 13 apart from 32 (45, 58, 71, 84), (31 - 1) / 5 = 6 apart from 1
	 * (7, 13, 19, 25).  2 + 2 + 2 + 8 = 14; a plain bisection of [1,
	 * 100] would have taken 50, 25, 37, 31, 34 and 32 instead of 32 and
	 * 31.
	 */
	cr_expect(strstr(out, "\"replays\":14,\"guess\":32,") != NULL, "%s",
	    out);
	free(out);

	/* Text: the answer, then the two confirming replays. */
	cr_assert_eq(cap("--strategy panic-only --machine i386-64M --vary "
	    "nkmempages --to 100", trace, &out), 0);
	cr_expect(strstr(out, "the least nkmempages that survives is 32 "
	    "(0.1 MiB)\n  nkmempages=32: survived") != NULL, "%s", out);
	cr_expect(strstr(out, "\n  nkmempages=31: panic at event 3 ") != NULL,
	    "%s", out);
	cr_expect(strstr(out, "\n  14 replays (the first guess 32, kmem_map's "
	    "top at the good end); monotonic: yes") != NULL, "%s", out);
	free(out);

	/* Nothing in [1, 31] survives: exit status 3, value null. */
	cr_expect_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--vary nkmempages --to 31", trace, &out), 3);
	cr_expect(strstr(out, "\"value\":null") != NULL, "%s", out);
	free(out);
	unlink(trace);
	unlink(boot);
}

/*
 * A dup storm, counted page by page.  One process (events 1 to 3:
 * spawn, kern.maxfiles and RLIMIT_NOFILE raised) opens descriptor 3
 * (event 4) and dups it to 4, 5, ..., 25600 (the dup to D is event
 * D + 1), then exits (event 25602).
 *
 * kmem_map before the storm, 2 pages: the spawn's struct proc (320
 * bytes, at least PAGE_SIZE / 16) keeps its page header off-page, in a
 * phpool page, the only pool page taken from kmem_map (every other pool
 * here, filepl included, is nointr: kernel_map); and fdinit's filedesc0
 * (2 x 4 + 16 + 20 x 5 = 124 bytes) takes a page of the 128 bucket.
 *
 * The table starts with NDFILE = 20 embedded slots; the dup to N, for
 * N = 20, 50, 100, ..., 25600, grows it to NDEXTENT = 50, then twice N,
 * one malloc of 5 bytes a slot; the old table is freed after the copy
 * (not the embedded one).  Up to MAXALLOCSAVE (8192) from buckets,
 * whose pages are never given back:
 *   50, 100, 200, 400, 800 slots: 250 to 4000 bytes, buckets 256 to
 *     4096, a page each: 5 pages
 *   1600 slots: 8000 bytes, bucket 8192: 2 pages
 * so 2 + 5 + 2 = 9 pages, 0 to 8, stay taken.  Above it whole pages,
 * first fit, given back to kmem_map on free:
 *   3200 slots = 16000 bytes -> 4 pages, at 9-12
 *   6400 slots = 32000 bytes -> 8 pages: at 13-20; frees 9-12
 *   12800 slots = 64000 bytes -> 16 pages: the 4-page hole is too small,
 *     at 21-36; frees 13-20, hole 9-20 (12)
 *   25600 slots = 128000 bytes -> 32 pages: hole 12 too small, at 37-68;
 *     frees 21-36, hole 9-36 (28)
 *   51200 slots = 256000 bytes -> 63 pages: hole 28 too small, at 69-131
 * Each table is bigger than all the ones before it together (4 + 8 + 16
 * + 32 = 60 < 63), so no hole ever takes one: the last malloc (the dup
 * to 25600, event 25601) needs pages 69 to 131, 9 + 28 + 32 + 63 = 132
 * pages of kmem_map, while only 9 + 32 + 63 = 104 are live (the
 * kmem_map peak).  At 131 pages the tail after page 68 has 62 and the
 * hole 28: panic "out of space in kmem_map" at event 25601, with a
 * kmem_map peak of 57 (9 + 16 + 32, at the growth to 25600 slots).
 * So the least nkmempages that survives is 132.
 */
Test(capacity, dup_storm_by_hand, .timeout = 120)
{
	char trace[64], *out;
	FILE *f;
	int d;

	f = kmtest_create(trace, sizeof(trace), "dups");
	fprintf(f, "kmtrace 1\n0 1 spawn\n1 1 sysctl maxfiles 100000\n"
	    "2 1 limit nofile 100000\n3 1 open 3\n");
	for (d = 4; d <= 25600; d++)
		fprintf(f, "%d 1 dup 3 %d\n", d, d);
	fprintf(f, "25601 1 exit\n");
	cr_assert_eq(fclose(f), 0);

	cr_assert_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--vary nkmempages --from 100 --to 200", trace, &out), 0);
	expect_smallest(out, "nkmempages", 132);
	expect_try(out, "at", 132, "survived", 25602, 0, 104);
	expect_try(out, "next", 131, "panic", 25601, 25601, 57);
	free(out);
	unlink(trace);
}

/*
 * A guess that is wrong.  The kernel (PID 0) mallocs 1280 blocks of 32
 * bytes, M_TEMP (events 2 to 1281), 128 to a page of the 32 bucket:
 * pages 2 to 11, after boot's 0 and 1 (nkmempages_by_hand); then frees
 * them all (events 1282 to 2561), and 1.5 keeps the pages in the
 * bucket.  Then PID 1 raises its limits, opens 3 (events 2562 to 2564)
 * and dups it to 4 ... 1600 (the dup to D is event D + 2561), and
 * exits.  Its table grows as in dup_storm_by_hand: 50 to 800 slots one
 * page each from buckets 256 to 4096 (12 to 16), 1600 slots the 8192
 * bucket's two pages (17, 18), and at the dup to 1600 (event 4161)
 * 3200 slots, 16000 bytes: 4 whole pages, 19 to 22.
 *
 * panic-only: kmem_map's top is 23, and so is the answer; at 22 the
 * dup to 1600 panics (the peak then 19: 0 to 18).
 *
 * reclaim releases the bucket pages whose elements are all free before
 * it gives up, so the top is no answer: at 12 pages the 1280 blocks
 * just fit (2 + 10); the first table page finds kmem_map full, and the
 * release of pages 2 to 11 makes room; at the 3200-slot table the free
 * bucket pages of the tables of 50 to 800 slots are released too, and
 * its 4 pages fit among them.  At 11 the 1153rd block (event 1154)
 * needs a tenth page of the 32 bucket, which the kernel's own malloc
 * cannot get: panic.  So reclaim's answer is 12.  Its replays: 100 and
 * 1, the guess 23 (survived, top 23) and 22 (survived too: the guess
 * was wrong), then the bisection of [1, 22]: 11 (panic), 16, 13 and 12
 * (survived); 12 and 11 to confirm; --checks 1: (100 - 12) / 2 = 44
 * from 12 (56) and (11 - 1) / 2 = 5 from 1 (6).  12 replays.
 */
Test(capacity, guess_wrong_by_hand)
{
	char trace[64], *out;
	FILE *f;
	int i, t = 1;

	f = kmtest_create(trace, sizeof(trace), "reclaim");
	fprintf(f, "kmtrace 1\n0 1 spawn\n");
	for (i = 1; i <= 1280; i++)
		fprintf(f, "%d 0 kmalloc k%d 32 M_TEMP WAITOK\n", t++, i);
	for (i = 1; i <= 1280; i++)
		fprintf(f, "%d 0 kfree k%d\n", t++, i);
	fprintf(f, "%d 1 sysctl maxfiles 100000\n", t++);
	fprintf(f, "%d 1 limit nofile 100000\n", t++);
	fprintf(f, "%d 1 open 3\n", t++);
	for (i = 4; i <= 1600; i++)
		fprintf(f, "%d 1 dup 3 %d\n", t++, i);
	fprintf(f, "%d 1 exit\n", t);
	cr_assert_eq(fclose(f), 0);

	cr_assert_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--vary nkmempages --to 100 --checks 1", trace, &out), 0);
	expect_smallest(out, "nkmempages", 23);
	expect_try(out, "at", 23, "survived", 4162, 0, 23);
	expect_try(out, "next", 22, "panic", 4161, 4161, 19);
	cr_expect(strstr(out, "\"guess\":23,") != NULL, "%s", out);
	free(out);

	cr_assert_eq(cap("--json --strategy reclaim --machine i386-64M "
	    "--vary nkmempages --to 100 --checks 1", trace, &out), 0);
	expect_smallest(out, "nkmempages", 12);
	expect_try(out, "at", 12, "survived", 4162, 0, 12);
	expect_try(out, "next", 11, "panic", 1154, 1154, 11);
	cr_expect(strstr(out, "\"replays\":12,\"guess\":23,") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "{\"value\":22,\"outcome\":\"survived\",")
	    != NULL, "%s", out);
	free(out);
	unlink(trace);
}

/*
 * PR kern/14721 itself: make bench's pr14721 (kmbench gen pr14721, its
 * defaults: one process, descriptors 0 to 1999999, so events 1 to 4
 * are spawn, sysctl, limit and open 3, and the dup to D is event
 * D + 1; 2000000 events, no exit) needs 8007 pages of kmem_map under
 * panic-only, the figure of README's least-kmem_map table.  As in
 * dup_storm_by_hand, 9 pages stay taken (2 before the storm, 7 bucket
 * pages for the tables of 50 to 1600 slots), and each table above
 * MAXALLOCSAVE is whole pages, first fit, bigger than all the freed
 * ones before it together, so it always goes past the last:
 *   3200, 6400, 12800, 25600, 51200 slots: 4, 8, 16, 32, 63 pages
 *   102400 slots = 512000 bytes: 125 pages
 *   204800, 409600, 819200 slots: 250, 500, 1000 pages
 *   1638400 slots = 8192000 bytes: 2000 pages
 *   3276800 slots = 16384000 bytes: 4000 pages (the dup to 1638400,
 *     event 1638401), which must hold descriptor 1999999
 * The holes of the freed tables add up to 4 + 8 + 16 + 32 + 63 + 125 +
 * 250 + 500 + 1000 = 1998 pages, less than 2000, so the last malloc
 * needs 9 + 1998 + 2000 + 4000 = 8007 pages, with 9 + 2000 + 4000 =
 * 6009 live (the peak).  At 8006 the dup to 1638400 panics, event
 * 1638401, the peak then 9 + 1000 + 2000 = 3009 (at the growth to
 * 1638400 slots).
 */
Test(capacity, pr14721_by_hand, .timeout = 300)
{
	char text[64], trace[80], *out;
	FILE *f;

	f = kmtest_create(text, sizeof(text), "pr14721");
	cr_assert_eq(fclose(f), 0);
	snprintf(trace, sizeof(trace), "%s.kmb.zst", text);
	/* The binary form: two million lines are slow to parse under ASan. */
	cr_assert_eq(kmtest_sh(".", "\"$KB\" gen pr14721 -o %s && \"$KB\" "
	    "convert %s %s", text, text, trace), 0);

	cr_assert_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--vary nkmempages --from 8006 --to 8007", trace, &out), 0);
	expect_smallest(out, "nkmempages", 8007);
	expect_try(out, "at", 8007, "survived", 2000000, 0, 6009);
	expect_try(out, "next", 8006, "panic", 1638401, 1638401, 3009);
	free(out);
	unlink(text);
	unlink(trace);
}

/*
 * Scale, --clean: each copy holds descriptors 0 to 32, 33 files (0, 1,
 * 2 from spawn, 30 opens).  With maxusers 1, maxproc = 20 + 16 = 36 and
 * kern.maxfiles = 3 x (36 + 1) + 80 = 191 (machine.c, after NetBSD's
 * param.c).  With stagger 0 all copies hold their files together (they
 * exit at the end): 5 copies need 165 files, 6 need 198, and the last
 * 198 - 191 = 7 opens are refused with ENFILE.  So 5 copies survive
 * cleanly and 6 are refused.  Without --clean a refusal survives, and
 * the answer is the top of the range.
 */
Test(capacity, scale_by_hand)
{
	char trace[256], *out;

	kmtest_write_opens(trace, sizeof(trace), 32, 100);
	cr_assert_eq(cap("--json --clean --stagger 0 --to 16 --strategy "
	    "panic-only --machine i386-64M --set maxusers=1 --vary scale",
	    trace, &out), 0);
	cr_expect(strstr(out, "\"value\":5,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"above\":\"refused\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"next\":{\"value\":6,\"outcome\":\"refused\","
	    "\"events\":198,\"skipped\":0,\"refused\":7,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"monotonic\":true") != NULL, "%s", out);
	free(out);

	/*
	 * --grid: 3 and 12 are replayed too; 3 copies need 99 files and
	 * survive, 12 need 396: 396 - 191 = 205 refused.
	 */
	cr_assert_eq(cap("--json --clean --stagger 0 --to 16 --checks 0 "
	    "--grid 3,12 --strategy panic-only --machine i386-64M --set "
	    "maxusers=1 --vary scale", trace, &out), 0);
	cr_expect(strstr(out, "{\"value\":3,\"outcome\":\"survived\"") !=
	    NULL, "%s", out);
	cr_expect(strstr(out, "{\"value\":12,\"outcome\":\"refused\","
	    "\"events\":396,\"skipped\":0,\"refused\":205,") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "\"monotonic\":true") != NULL, "%s", out);
	free(out);

	cr_assert_eq(cap("--stagger 0 --to 16 --strategy panic-only "
	    "--machine i386-64M --set maxusers=1 --vary scale", trace, &out),
	    0);
	cr_expect(strstr(out, "survives 16 copies at once (the top of the "
	    "range)") != NULL, "%s", out);
	free(out);
	unlink(trace);
}

/* The number after "KEY": in JSON S (asserted to be there). */
static long
jnum(const char *s, const char *key)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), "\"%s\":", key);
	p = strstr(s, want);
	cr_assert(p != NULL, "no %s in %s", want, s);
	return strtol(p + strlen(want), NULL, 10);
}

/*
 * A scale search replays the copies as they are made, without a file:
 * each try must be what replaying "gen scale K"'s file gives.  The
 * shipped postgres recording, 2 and 3 copies (the grid) on i386-32M
 * under canfail; no figure is derived here, the two paths are compared
 * figure by figure: events, skipped, hung and the kmem_map peak.
 */
Test(capacity, scale_stream_is_gen_scale, .timeout = 120)
{
	char src[512], file[64], args[1024], try[512], *out, *run, *e;
	const char *t;
	long k;

	snprintf(src, sizeof(src), "%s/workloads/traces/postgres.kmt.zst",
	    kmtest_src());
	cr_assert_eq(cap("--json --checks 0 --to 4 --grid 2,3 --strategy "
	    "canfail --machine i386-32M --vary scale", src, &out), 0);
	for (k = 2; k <= 3; k++) {
		snprintf(file, sizeof(file), "/tmp/kmcap-stream-%d-%ld.kmb",
		    (int)getpid(), k);
		snprintf(args, sizeof(args), "gen scale %ld %s -o %s", k, src,
		    file);
		cr_assert_eq(kmtest_cmd(args, &run, &e), 0, "%s", e);
		free(run);
		free(e);
		snprintf(args, sizeof(args), "run --json --strategy canfail "
		    "--machine i386-32M %s", file);
		cr_assert_eq(kmtest_cmd(args, &run, &e), 0, "%s", e);
		snprintf(args, sizeof(args), "{\"value\":%ld,", k);
		t = strstr(strstr(out, "\"tries\":"), args);
		cr_assert(t != NULL, "no try of %ld: %s", k, out);
		snprintf(try, sizeof(try), "%.*s", (int)(strchr(t, '}') - t),
		    t);
		t = try;
		cr_expect_gt(jnum(run, "events"), 7679 * (k - 1));
		cr_expect_eq(jnum(t, "events"), jnum(run, "events"), "%s", t);
		cr_expect_eq(jnum(t, "skipped"), jnum(run, "skipped"), "%s", t);
		cr_expect_eq(jnum(t, "hung"), jnum(run, "hung"), "%s", t);
		cr_expect_eq(jnum(t, "kmem_map_peak"), jnum(strstr(run,
		    "\"kmem_map\":"), "peak_pages"), "%s", t);
		free(run);
		free(e);
		unlink(file);
	}
	free(out);
}

/*
 * Not monotonic: a process opens descriptors 3 to 19999 on a machine
 * with a 32-page kmem_map.  With maxusers 1, kern.maxfiles is 191: 188
 * opens succeed (3 files from spawn), the other 19997 - 188 = 19809 are
 * refused with ENFILE and the table stays small: it survives, with
 * all 2 + 19997 events replayed.  With
 * maxusers 400, kern.maxfiles is 3 x (20 + 6400 + 400) + 80 = 20540,
 * every open is allowed and the table outgrows kmem_map: panic.  More
 * maxusers does worse, so there is no least value that survives.
 */
Test(capacity, not_monotonic)
{
	char trace[256], *text, *out;
	size_t n = 0, cap_ = 64 * 20000;
	int fd;

	text = malloc(cap_);
	cr_assert(text != NULL);
	n += (size_t)snprintf(text + n, cap_ - n,
	    "kmtrace 1\n0 1 spawn\n0 1 limit nofile 100000\n");
	for (fd = 3; fd < 20000; fd++)
		n += (size_t)snprintf(text + n, cap_ - n, "%d 1 open %d\n",
		    fd, fd);
	kmtest_write(trace, sizeof(trace), ".kmt", text);
	free(text);
	cr_expect_eq(cap("--json --strategy panic-only --machine i386-64M "
	    "--set nkmempages=32 --vary maxusers --to 400", trace, &out), 3);
	cr_expect(strstr(out, "\"value\":null") != NULL, "%s", out);
	cr_expect(strstr(out, "\"monotonic\":false") != NULL, "%s", out);
	cr_expect(strstr(out, "\"counterexample\":[{\"value\":1,\"outcome\":"
	    "\"refused\",\"events\":19999,\"skipped\":0,\"refused\":19809,")
	    != NULL, "%s", out);
	cr_expect(strstr(out, "{\"value\":400,\"outcome\":\"panic\"") != NULL,
	    "%s", out);
	free(out);
	cr_expect_eq(cap("--strategy panic-only --machine i386-64M "
	    "--set nkmempages=32 --vary maxusers --to 400", trace, &out), 3);
	cr_expect(strstr(out, "NOT MONOTONIC in maxusers: maxusers=1 gives "
	    "survived, 19809 calls refused, maxusers=400 panic") != NULL,
	    "%s", out);
	free(out);
	unlink(trace);
}

/* --db: the search and each of its replays, in one store. */
Test(capacity, stored)
{
	char trace[256], db[256], args[1024], *out;
	sqlite3 *h;
	sqlite3_stmt *s;

	kmtest_write(trace, sizeof(trace), ".kmt",
	    "kmtrace 1\n0 1 spawn\n"
	    "1 0 kmalloc a 40960 M_TEMP WAITOK\n"
	    "2 0 kmalloc b 81920 M_TEMP WAITOK\n");
	kmtest_write(db, sizeof(db), ".db", "");
	unlink(db);
	snprintf(args, sizeof(args), "--db %s --checks 0 --strategy "
	    "panic-only --machine i386-64M --vary nkmempages --to 100", db);
	cr_assert_eq(cap(args, trace, &out), 0);
	free(out);
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, "SELECT c.value, c.monotonic IS "
	    "NULL, count(t.seq), sum(t.value = 32 AND t.outcome = "
	    "'survived'), sum(t.value = 31 AND t.outcome = 'panic') FROM "
	    "capacity c JOIN capacity_try t ON t.capacity_id = c.id", -1, &s,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(s, 0), 32);
	cr_expect_eq(sqlite3_column_int(s, 1), 1);
	/* 100, 1, the bisection, then 32 and 31 again: each twice. */
	cr_expect_eq(sqlite3_column_int(s, 3), 2);
	cr_expect_eq(sqlite3_column_int(s, 4), 2);
	cr_expect_gt(sqlite3_column_int(s, 2), 4);
	sqlite3_finalize(s);
	sqlite3_close(h);
	unlink(db);
	unlink(trace);
}

/* Bad usage: status 2 and one line. */
Test(capacity, bad_input)
{
	static const char *const bad[] = {
		"capacity --strategy panic-only --machine i386-64M x.kmt",
		"capacity --strategy nope --machine i386-64M --vary scale x",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "bogus /dev/null",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "kmemstats /dev/null",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "scale --from 5 --to 2 /dev/null",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "scale --to 5000 /dev/null",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "scale /nonexistent.kmt",
		"capacity --strategy panic-only --machine i386-64M --vary "
		    "scale --checks x /dev/null",
	};
	char *out, *e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(kmtest_cmd(bad[i], &out, &e), 2, "%s: %s", bad[i],
		    e);
		cr_expect(strchr(e, '\n') == e + strlen(e) - 1, "%s: %s",
		    bad[i], e);
		free(out);
		free(e);
	}
}

/*
 * A strategy setting, fdlimit.share, whose useful answer is the LARGEST
 * share that survives.  The kernel holds a 200-page M_TEMP block (819200
 * bytes, whole pages) from the first event; then one process opens
 * descriptor 3 and dups it to 149999 (events 5 to 150001: the dup to
 * descriptor D is event D + 2).  kmem_map has 512 pages (--set
 * nkmempages=512), 2 of them taken at boot.
 *
 * fdlimit caps the descriptors at the largest table N of fdexpand's
 * growth (20, 50, 100, ... 50 x 2^k) whose malloc plus that of the
 * table before it fits in SHARE percent of kmem_map: budget = 512 x
 * 4096 x SHARE / 100 bytes = 2097152 x SHARE / 100.  A slot is 5 bytes;
 * these tables are above MAXALLOCSAVE, so whole pages:
 *   51200 slots = 256000 bytes -> 63 pages = 258048
 *   102400 slots = 512000 bytes -> 125 pages = 512000
 *   204800 slots = 1024000 bytes -> 250 pages = 1024000
 * cap 102400 needs 512000 + 258048 = 770048: budget 754974 at share 36
 * (no), 775946 at 37 (yes).  cap 204800 needs 1024000 + 512000 =
 * 1536000: budget 1530920 at 73 (no), 1551892 at 74 (yes).
 *   share <= 36: cap 51200, EMFILE for the other 98800 dups: survives.
 *   share 37..73: cap 102400, EMFILE 149999 - 102399 = 47600: survives
 *     (refused calls, not --clean).
 *   share >= 74: the dup to 102400 (event 102402) grows the table to
 *     204800 slots, 250 contiguous pages, while the 102400-slot table
 *     (125), the held block (200) and boot's 2 leave at most 185:
 *     panic "out of space in kmem_map".
 * So over [1, 100] share 1 survives and 100 panics: the answer is the
 * largest survivor, 73, with 74 the panic above it.
 */
Test(capacity, strategy_setting_by_hand, .timeout = 120)
{
	char trace[64], *out, *e;
	FILE *f;
	int d;

	f = kmtest_create(trace, sizeof(trace), "share");
	fprintf(f, "kmtrace 1\n0 0 kmalloc hold 819200 M_TEMP WAITOK\n"
	    "1 1 spawn\n2 1 sysctl maxfiles 10000000\n"
	    "3 1 limit nofile 10000000\n4 1 open 3\n");
	for (d = 4; d < 150000; d++)
		fprintf(f, "%d 1 dup 3 %d\n", d + 1, d);
	cr_assert_eq(fclose(f), 0);

#define SHARE	"--strategy fdlimit --machine i386-64M --set nkmempages=512 " \
	"--vary fdlimit.share "
	cr_assert_eq(cap("--json " SHARE "--to 100", trace, &out), 0);
	cr_expect(strstr(out, "\"key\":\"fdlimit.share\"") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "\"direction\":\"largest\",\"direction_by\":"
	    "\"ends\",\"value\":73,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"above\":\"panic\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"monotonic\":true") != NULL, "%s", out);
	cr_expect(strstr(out, "\"at\":{\"value\":73,\"outcome\":\"refused\","
	    "\"events\":150001,\"skipped\":0,\"refused\":47600,") != NULL,
	    "%s", out);
	cr_expect(strstr(out, "\"next\":{\"value\":74,\"outcome\":\"panic\","
	    "\"events\":102402,") != NULL, "%s", out);
	free(out);

	/* Text: the answer, the two confirming replays, the direction. */
	cr_assert_eq(cap(SHARE "--to 100", trace, &out), 0);
	cr_expect(strstr(out, "the largest fdlimit.share that survives is "
	    "73\n  fdlimit.share=73: survived, 47600 calls refused") != NULL,
	    "%s", out);
	cr_expect(strstr(out, "\n  fdlimit.share=74: panic at event 102402 ")
	    != NULL, "%s", out);
	cr_expect(strstr(out, "direction: the largest survivor, from the end "
	    "of the range that survives") != NULL, "%s", out);
	free(out);

	/* Share 36 and below: the smaller cap, 98800 refused. */
	cr_assert_eq(cap("--json " SHARE "--from 20 --to 36", trace, &out), 0);
	cr_expect(strstr(out, "\"value\":36,") != NULL, "%s", out);
	cr_expect(strstr(out, "\"refused\":98800,") != NULL, "%s", out);
	free(out);

	/* Both ends panic: none, exit 3; the direction was not told. */
	cr_expect_eq(cap("--json " SHARE "--from 74 --to 100", trace, &out),
	    3);
	cr_expect(strstr(out, "\"direction_by\":\"default\",\"value\":null")
	    != NULL, "%s", out);
	free(out);

	/*
	 * --smallest: the survivor must lie at the top, where 100 panics,
	 * while 1 survives: the outcome runs the other way, so no answer
	 * and not monotonic.
	 */
	cr_expect_eq(cap("--json --smallest " SHARE "--to 100", trace, &out),
	    3);
	cr_expect(strstr(out, "\"direction\":\"smallest\",\"direction_by\":"
	    "\"option\",\"value\":null") != NULL, "%s", out);
	cr_expect(strstr(out, "\"monotonic\":false") != NULL, "%s", out);
	free(out);

	/* Bad input: exit 2, one line. */
	{
		static const char *const bad[] = {
			SHARE "--to 101",		/* fdlimit refuses 101 */
			SHARE "--to 100 --set fdlimit.share=3",
			SHARE,				/* no --to */
			SHARE "--to 100 --largest --smallest",
			"--strategy nointr --machine i386-64M --vary "
			    "fdlimit.share --to 100",
			"--strategy fdlimit --machine i386-64M --vary "
			    "fdlimit.bogus --to 100",
		};
		size_t i;
		char cmd[1024];

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(cmd, sizeof(cmd), "capacity %s %s", bad[i],
			    trace);
			cr_expect_eq(kmtest_cmd(cmd, &out, &e), 2, "%s: %s",
			    bad[i], e);
			cr_expect(strchr(e, '\n') == e + strlen(e) - 1,
			    "%s: %s", bad[i], e);
			free(out);
			free(e);
		}
	}
#undef SHARE
	unlink(trace);
}
