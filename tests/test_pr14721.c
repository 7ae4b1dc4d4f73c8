/*
 * test_pr14721.c: the attack of PR kern/14721 under the four strategies.
 *
 * A root process on i386-64M raises kern.maxfiles and its limit to
 * 10000000, opens descriptor 3 and dups it to 4, 5, ... 1699999.  The
 * events are numbered: 1 spawn, 2 sysctl, 3 limit, 4 open, and the dup
 * to descriptor k is event k + 1.
 *
 * The table grows 20, 50, 100, ..., 1638400 slots (test_strategies.c
 * derives the kmem_map layout): 1638400 slots hold descriptors up to
 * 1638399, so the dup to 1638400 (event 1638401) needs 3276800 slots,
 * 16384000 bytes = 4000 pages, and kmem_map's largest hole is 1998.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "../kernel/machine.h"
#include "kmtest.h"

#define TOP	1699999		/* the last descriptor dup'ed */

static char trace[64];

static void
write_attack(void)
{
	FILE *f;
	int k;

	f = kmtest_create(trace, sizeof(trace), "pr14721");
	fprintf(f, "kmtrace 1\n@ source test_pr14721\n0 100 spawn\n"
	    "1 100 sysctl maxfiles 10000000\n"
	    "2 100 limit nofile 10000000\n3 100 open 3\n");
	for (k = 4; k <= TOP; k++)
		fprintf(f, "%d 100 dup 3 %d\n", k, k);
	cr_assert(fclose(f) == 0);
}

static void
remove_attack(void)
{

	unlink(trace);
}

TestSuite(pr14721, .init = write_attack, .fini = remove_attack,
    .timeout = 300);

/* panic-only: panic at event 1638401, in pid 100. */
Test(pr14721, panic_only)
{
	struct kmcase c;

	kmcase_runfile(&c, "panic-only", "i386-64M", NULL, trace);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect(c.r.r_panicked);
	cr_expect_eq(c.r.r_panic_event, 1638401);
	cr_expect_eq(c.r.r_events, 1638401);
	cr_expect_eq(c.r.r_panic_pid, 100);
	cr_expect_str_eq(c.m->m_panicstr, "malloc: out of space in kmem_map");
	cr_expect_eq(kmcase_proc(&c, 100)->rp_max_fds, 1638400);
	kmcase_free(&c);
}

/*
 * canfail: every dup from 1638400 to 1699999 gets ENOMEM, 61600 of
 * them, and the machine survives with 1638400 descriptors open.
 */
Test(pr14721, canfail)
{
	struct kmcase c;

	kmcase_runfile(&c, "canfail", "i386-64M", NULL, trace);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(c.r.r_events, TOP + 1);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_errors[KE_ENOMEM],
	    TOP + 1 - 1638400);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_max_fds, 1638400);
	kmcase_free(&c);
}

/*
 * nointr: the tables live in kernel_map; 1700000 descriptors need a
 * 3276800-slot table (4000 pages) while the 1638400-slot one (2000
 * pages) is copied: 6000 wired pages, which i386-64M has.  It survives
 * with every descriptor open and no error.
 */
Test(pr14721, nointr)
{
	struct kmcase c;

	kmcase_runfile(&c, "nointr", "i386-64M", NULL, trace);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_max_fds, TOP + 1);
	cr_expect_eq(c.r.r_errors[KE_ENOMEM], 0);
	cr_expect_eq(c.m->m_kmem_map.vm_peak, 2);
	kmcase_free(&c);
}

/*
 * fdlimit: the cap is 819200 (test_strategies.c): descriptors 819200 to
 * 1699999 are EMFILE, 880800 of them.
 */
Test(pr14721, fdlimit)
{
	struct kmcase c;

	kmcase_runfile(&c, "fdlimit", "i386-64M", NULL, trace);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_max_fds, 819200);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_errors[KE_EMFILE],
	    TOP + 1 - 819200);
	kmcase_free(&c);
}
