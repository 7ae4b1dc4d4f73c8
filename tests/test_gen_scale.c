/*
 * test_gen_scale.c: Criterion tests of "kmbench gen scale"
 * (workloads/gen_scale.c, runner/cmd_scale.c): two copies of a small
 * hand-written trace, derived event by event and replayed with figures
 * derived by hand; the bounds and bad input.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernel/kern_malloc.h"
#include "../workloads/gen_scale.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

TestSuite(gen_scale);

/*
 * Two processes, 12 and its child 7, and the kernel.  The child dups
 * descriptor 3 to 25, past the 20 slots embedded in its filedesc0; the
 * kernel holds a 600-byte M_TEMP block from time 10 to 20.
 */
static const char hand[] =
    "kmtrace 1\n"
    "@ command hand-written\n"
    "0 12 spawn\n"
    "0 12 sysctl maxfiles 40\n"
    "0 12 limit nofile 30\n"
    "5 12 open 3\n"
    "10 12 fork 7\n"
    "10 0 kmalloc k1 600 M_TEMP NOWAIT\n"
    "15 7 dup 3 25\n"
    "20 7 exit\n"
    "20 0 kfree k1\n"
    "30 12 exit\n";

/*
 * gen scale 2 --stagger 8.  The distinct PIDs in increasing order are
 * 7 and 12, so NPIDS = 2: copy 0 names 7 -> 0*2+0+1 = 1 and 12 -> 2,
 * copy 1 names 7 -> 1*2+0+1 = 3 and 12 -> 4.  Copy 1's times are
 * copy 0's + 8: 8 8 8 13 18 18 23 28 28 38.  Merged by time, copy 0
 * first at equal times (none here but within a copy).  sysctl maxfiles
 * 40 becomes 2 x 40 = 80; the kernel's k1 becomes c0.k1 and c1.k1.
 */
static const char want[] =
    "0 2 spawn\n"
    "0 2 sysctl maxfiles 80\n"
    "0 2 limit nofile 30\n"
    "5 2 open 3\n"
    "8 4 spawn\n"
    "8 4 sysctl maxfiles 80\n"
    "8 4 limit nofile 30\n"
    "10 2 fork 1\n"
    "10 0 kmalloc c0.k1 600 M_TEMP NOWAIT\n"
    "13 4 open 3\n"
    "15 1 dup 3 25\n"
    "18 4 fork 3\n"
    "18 0 kmalloc c1.k1 600 M_TEMP NOWAIT\n"
    "20 1 exit\n"
    "20 0 kfree c0.k1\n"
    "23 3 dup 3 25\n"
    "28 3 exit\n"
    "28 0 kfree c1.k1\n"
    "30 2 exit\n"
    "38 4 exit\n";

Test(gen_scale, two_copies_by_hand)
{
	char in[256], out[256], args[700], *o, *e, *text;
	struct kmcase one, two;
	struct kmemstats *ks;

	kmtest_write(in, sizeof(in), ".kmt", hand);
	kmtest_write(out, sizeof(out), ".kmt", "");
	snprintf(args, sizeof(args), "gen scale 2 %s --stagger 8 -o %s", in,
	    out);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	text = kmtest_trace_text(out, 1);
	cr_expect_str_eq(text, want);
	free(text);

	/*
	 * Replayed (panic-only, i386-64M): 20 events, none skipped.  Each
	 * parent holds 0, 1, 2 and 3 (max_fds 4), each child those and 25
	 * (5).  The 600-byte M_TEMP blocks come from the 1024-byte bucket;
	 * copy 0's lives over [10, 20), copy 1's over [18, 28): both at
	 * once over [18, 20), so M_TEMP's most bytes in use are 2048, where
	 * the original's are 1024, with 2 calls instead of 1.
	 */
	kmcase_runfile(&two, "panic-only", "i386-64M", NULL, out);
	cr_assert_eq(two.rc, 0, "%s", two.err);
	cr_expect_eq(two.r.r_events, 20);
	cr_expect_eq(two.r.r_skipped, 0);
	cr_expect_eq(kmcase_proc(&two, 2)->rp_max_fds, 4);
	cr_expect_eq(kmcase_proc(&two, 4)->rp_max_fds, 4);
	cr_expect_eq(kmcase_proc(&two, 1)->rp_max_fds, 5);
	cr_expect_eq(kmcase_proc(&two, 3)->rp_max_fds, 5);
	ks = kmcase_type(&two, "M_TEMP");
	cr_expect_eq(ks->ks_calls, 2);
	cr_expect_eq(ks->ks_maxused, 2048);
	cr_expect_eq(ks->ks_inuse, 0);
	kmcase_runfile(&one, "panic-only", "i386-64M", NULL, in);
	cr_assert_eq(one.rc, 0, "%s", one.err);
	ks = kmcase_type(&one, "M_TEMP");
	cr_expect_eq(ks->ks_calls, 1);
	cr_expect_eq(ks->ks_maxused, 1024);
	kmcase_free(&one);
	kmcase_free(&two);
	unlink(in);
	unlink(out);
}

/*
 * A stagger of 0: the copies start together, and events of one time go
 * copy 0, copy 1, ..., each copy in its own order.  K = 1 is the trace
 * with its PIDs renamed (7 -> 1, 12 -> 2) and "c0." on kernel IDs.
 */
Test(gen_scale, stagger_zero_and_one_copy)
{
	static const char start3[] =
	    "0 2 spawn\n0 2 sysctl maxfiles 120\n0 2 limit nofile 30\n"
	    "0 4 spawn\n0 4 sysctl maxfiles 120\n0 4 limit nofile 30\n"
	    "0 6 spawn\n0 6 sysctl maxfiles 120\n0 6 limit nofile 30\n"
	    "5 2 open 3\n5 4 open 3\n5 6 open 3\n";
	char in[256], out[256], args[700], *o, *e, *text;

	kmtest_write(in, sizeof(in), ".kmt", hand);
	kmtest_write(out, sizeof(out), ".kmt", "");
	snprintf(args, sizeof(args), "gen scale 3 %s --stagger 0 -o %s", in,
	    out);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	text = kmtest_trace_text(out, 1);
	/*
	 * Time 0: copy 0's three events, then copy 1's, then copy 2's;
	 * maxfiles 3 x 40.
	 */
	cr_expect(strncmp(text, start3, strlen(start3)) == 0, "%s", text);
	free(text);

	snprintf(args, sizeof(args), "gen scale 1 %s -o %s", in, out);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	text = kmtest_trace_text(out, 0);
	cr_expect_str_eq(text,
	    "2 spawn\n2 sysctl maxfiles 40\n2 limit nofile 30\n2 open 3\n"
	    "2 fork 1\n0 kmalloc c0.k1 600 M_TEMP NOWAIT\n1 dup 3 25\n"
	    "1 exit\n0 kfree c0.k1\n2 exit\n");
	free(text);
	unlink(in);
	unlink(out);
}

/* Bad usage and bad input: status 2, one line naming what is wrong. */
Test(gen_scale, bad_input)
{
	static const struct {
		const char *args, *says;
	} bad[] = {
		{ "gen scale 0 T -o -", "--K '0'" },
		{ "gen scale 1025 T -o -", "--K '1025'" },
		{ "gen scale x T -o -", "--K 'x'" },
		{ "gen scale 2 T --stagger -1 -o -", "--stagger '-1'" },
		{ "gen scale 2 -o -", "needs K and one TRACE" },
		{ "gen scale 2 T", "missing -o" },
		{ "gen scale 2 /nonexistent/t.kmt -o -", "/nonexistent/t.kmt" },
		{ "gen scale 2 B -o -", ":3: " },
	};
	char bad_trace[256], args[700], *o, *e;
	const char *t;
	size_t i;

	kmtest_write(bad_trace, sizeof(bad_trace), ".kmt",
	    "kmtrace 1\n0 1 spawn\n1 1 bogus 3\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "%s", bad[i].args);
		if ((t = strstr(bad[i].args, " B ")) != NULL)
			snprintf(args, sizeof(args), "%.*s %s%s",
			    (int)(t - bad[i].args), bad[i].args, bad_trace,
			    t + 2);
		cr_expect_eq(kmtest_cmd(args, &o, &e), 2, "%s: %s", args, e);
		cr_expect(strstr(e, bad[i].says) != NULL &&
		    strchr(e, '\n') == e + strlen(e) - 1, "%s: %s", args, e);
		free(o);
		free(e);
	}
	unlink(bad_trace);
}

/*
 * A search holds the trace's events decoded when they fit in its HOLD
 * bytes, else the binary copy's text when that fits, else each copy
 * reads the file (gen scale's way, HOLD 0).  The three must give the
 * same events, renamed alike.  The trace: a kernel kmalloc, a spawn, a
 * sysctl and a limit, the opens of descriptors 3 to 1000 (at times 3
 * to 1000), a fork and the child's exit, the kernel's kfree and the
 * exit, 1006 events; each copy renames the PIDs, the child and the
 * kernel's ID ("cI.k1"), and multiplies maxfiles by 5.  Held decoded
 * they take 1006 x sizeof(struct kmt_event) bytes, more than 64 KiB;
 * the binary copy takes a few bytes an event, less.  So HOLD 1 MiB
 * holds the events, 64 KiB the copy's text, 0 neither.  Five copies,
 * stagger 2 ns: the copies' times interleave.
 */
Test(gen_scale, held_events_text_and_file_agree)
{
	static const size_t holds[] = { 0, 64 << 10, 1 << 20 };
	char path[256], err[512], line[256], *all[3];
	struct kmt_event ev;
	struct scale *s;
	size_t i, n, len, cap;
	int rc;

	FILE *f;
	int fd;

	cr_assert_gt(1006 * sizeof(struct kmt_event), (size_t)64 << 10);
	f = kmtest_create(path, sizeof(path), "held");
	fprintf(f, "kmtrace 2\n0 0 kmalloc k1 600 M_TEMP NOWAIT\n"
	    "0 1 spawn\n0 1 sysctl maxfiles 5000\n0 1 limit nofile 2000\n");
	for (fd = 3; fd <= 1000; fd++)
		fprintf(f, "%d 1 open %d\n", fd, fd);
	fprintf(f, "1500 1 fork 2\n1600 2 exit\n1700 0 kfree k1\n"
	    "2000 1 exit\n# end 1006 events\n");
	cr_assert_eq(fclose(f), 0);
	for (i = 0; i < 3; i++) {
		s = NULL;
		cr_assert_eq(scale_open(&s, path, holds[i], err, sizeof(err)),
		    SCALE_OK, "%s", err);
		cr_assert_eq(scale_start(s, 5, 2, err, sizeof(err)), SCALE_OK,
		    "%s", err);
		cap = 1 << 20;
		all[i] = malloc(cap);
		cr_assert(all[i] != NULL);
		len = 0;
		n = 0;
		while ((rc = scale_next(s, &ev, err, sizeof(err))) == 1) {
			kmtest_event_text(&ev, 1, line, sizeof(line));
			cr_assert_lt(len + strlen(line), cap);
			memcpy(all[i] + len, line, strlen(line) + 1);
			len += strlen(line);
			n++;
		}
		cr_assert_eq(rc, 0, "%s", err);
		cr_expect_eq(n, 5 * 1006, "hold %zu: %zu events", holds[i], n);
		/* Copy 4's kernel ID, and maxfiles times the 5 copies. */
		cr_expect(strstr(all[i], " 0 kfree c4.k1\n") != NULL,
		    "hold %zu", holds[i]);
		cr_expect(strstr(all[i], " sysctl maxfiles 25000\n") != NULL,
		    "hold %zu", holds[i]);
		scale_close(s);
	}
	cr_expect_str_eq(all[1], all[0]);
	cr_expect_str_eq(all[2], all[0]);
	for (i = 0; i < 3; i++)
		free(all[i]);
	unlink(path);
}
