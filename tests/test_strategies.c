/*
 * test_strategies.c: what each strategy does with the request that
 * overflows kmem_map, on i386-64M (kmem_map 4096 pages).
 *
 * One event, "dup 3 1638400", makes fdalloc() grow the table through
 * every size up to 3276800 slots: 16384000 bytes, 4000 pages.  The
 * large tables before it take 4, 8, 16, 32, 63, 125, 250, 500, 1000 and
 * 2000 pages; each is placed first fit while the one before is live and
 * then that one is freed, and since each is bigger than all before it
 * together (4+8+...+1000 = 1998 < 2000) each goes above the last.  With
 * 9 pages of buckets and phpool below them, the 2000-page table ends at
 * page 9 + 1998 + 2000 = 4007: the free space is a 1998-page hole and 89
 * pages at the top, and 4000 pages fit nowhere.
 */
#include <criterion/criterion.h>

#include "../kernel/machine.h"
#include "../kernel/vm_map.h"
#include "../strategies/strategy.h"
#include "kmtest.h"

#define ATTACK	"kmtrace 1\n0 100 spawn\n1 100 sysctl maxfiles 10000000\n" \
		"2 100 limit nofile 10000000\n3 100 open 3\n4 100 dup 3 1638400\n"

/* panic-only: the M_WAITOK malloc in fdexpand panics at event 5. */
Test(strategies, panic_only_panics)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect(c.r.r_panicked);
	cr_expect_eq(c.r.r_panic_event, 5);
	cr_expect_eq(c.r.r_panic_pid, 100);
	cr_expect_str_eq(c.m->m_panicstr, "malloc: out of space in kmem_map");
	cr_expect_eq(vm_map_largest_free(&c.m->m_kmem_map), 1998);
	kmcase_free(&c);
}

/*
 * canfail: the same request returns ENOMEM and the machine survives with
 * the 2000-page table still in kmem_map (2009 pages used).  The next
 * ordinary M_WAITOK malloc bigger than the largest hole, 8200000 bytes
 * = 2002 pages > 1998, panics: M_CANFAIL made no room.
 */
Test(strategies, canfail_enomem_then_bystander_panics)
{
	struct kmcase c;

	kmcase_run(&c, "canfail", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_errors[KE_ENOMEM], 1);
	cr_expect_eq(c.m->m_kmem_map.vm_used, 2009);
	kmcase_free(&c);

	kmcase_run(&c, "canfail", "i386-64M", NULL, ATTACK
	    "5 200 spawn\n6 200 kmalloc buf 8200000 M_TEMP WAITOK\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect(c.r.r_panicked);
	cr_expect_eq(c.r.r_panic_event, 7);
	cr_expect_eq(c.r.r_panic_pid, 200);
	kmcase_free(&c);
}

/*
 * nointr: no descriptor table is in kmem_map.  kmem_map holds only the
 * 128-byte bucket page of filedesc0 and one phpool page (off-page
 * headers of procpl and the nointr pools of 256 bytes and up): 2 pages.
 * The 3276800-slot table is 16384000 bytes = 4000 pages of kernel_map,
 * charged to M_FILEDESC outside kmem_map.
 */
Test(strategies, nointr_keeps_tables_out_of_kmem_map)
{
	struct kmcase c;
	struct rproc *rp;

	kmcase_run(&c, "nointr", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	rp = kmcase_proc(&c, 100);
	cr_expect_eq(rp->rp_errors[KE_ENOMEM], 0);
	cr_expect_eq(rp->rp_max_fds, 5);
	cr_expect_eq(c.m->m_kmem_map.vm_peak, 2);
	cr_expect_not(vm_map_contains(&c.m->m_kmem_map,
	    rp->rp_kp.p_fd.fd_ofiles));
	cr_expect(vm_map_contains(&c.m->m_kernel_map,
	    rp->rp_kp.p_fd.fd_ofiles));
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_memuse, 128);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_nointruse, 16384000);
	kmcase_free(&c);
}

/*
 * fdlimit: half of kmem_map is 8388608 bytes.  Growing to 819200 slots
 * needs 4096000 + 2048000 = 6144000 bytes with the old table: fits;
 * growing to 1638400 needs 8192000 + 4096000 = 12288000: does not.  So
 * both limits are capped at 819200 and fd 1638400 is EMFILE, with no
 * growth at all (dup2 checks the limit first).  With share=25 (4194304
 * bytes) the cap is 409600: 2048000 + 1024000 = 3072000 fits, the next
 * does not.
 */
Test(strategies, fdlimit_caps)
{
	struct kmcase c;
	const char *quarter[] = { "fdlimit.share=25", NULL };

	kmcase_run(&c, "fdlimit", "i386-64M", NULL, ATTACK
	    "5 100 dup 3 819199\n6 100 dup 3 819200\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(fdlimit_cap(c.m, 50), 819200);
	cr_expect_eq(c.m->m_maxfiles, 819200);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_errors[KE_EMFILE], 2);
	cr_expect_eq(kmcase_proc(&c, 100)->rp_kp.p_fd.fd_nfiles, 819200);
	kmcase_free(&c);

	kmcase_run(&c, "fdlimit", "i386-64M", quarter, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_maxfiles, 409600);
	kmcase_free(&c);
}

/* An unknown strategy setting is refused at boot with its name. */
Test(strategies, unknown_setting)
{
	const struct strategy *s = strategy_lookup("fdlimit");
	const char *bad[] = { "sahre=10" };
	struct profile pr;
	char err[256];

	cr_assert(s != NULL);
	profile_defaults(&pr);
	cr_expect_null(machine_boot(&pr, s, bad, 1, err, sizeof(err)));
	cr_expect(strstr(err, "fdlimit.sahre") != NULL, "%s", err);
	cr_expect_null(strategy_lookup("no-such"));
}
