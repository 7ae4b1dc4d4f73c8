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

#include <string.h>
#include <unistd.h>

#include "../kernel/kprobe.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "../kernel/subr_vmem.h"
#include "../kernel/vm_map.h"
#include "../strategies/strategy.h"
#include "kmtest.h"

#define ATTACK	"kmtrace 1\n0 100 spawn\n1 100 sysctl maxfiles 10000000\n" \
		"2 100 limit nofile 10000000\n3 100 open 3\n4 100 dup 3 1638400\n"

/*
 * panic-only: the M_WAITOK malloc in fdexpand panics at event 5.  The
 * largest M_WAITOK request the kernel saw (waitok_max) is that one:
 * 3276800 slots x 5 bytes = 16384000.
 */
Test(strategies, panic_only_panics)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_kmem.waitok_max, 16384000);
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
 * = 2002 pages > 1998, panics: M_CANFAIL made no room.  The refused
 * request, M_WAITOK|M_CANFAIL of 16384000 bytes (4000 pages), is the
 * largest M_WAITOK one (waitok_max): 4000 > 1998, so the report calls
 * the case "kmem_map exhausted" (docs/metrics.md).
 */
Test(strategies, canfail_enomem_then_bystander_panics)
{
	struct kmcase c;

	kmcase_run(&c, "canfail", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(c.m->m_kmem.waitok_max, 16384000);
	cr_expect_eq(vm_map_largest_free(&c.m->m_kmem_map), 1998);
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
	/* The tables never reach kern_malloc: only filedesc0 (<= 128). */
	cr_expect_gt(c.m->m_kmem.waitok_max, 0);
	cr_expect_leq(c.m->m_kmem.waitok_max, 128);
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
	cr_expect_null(strategy_boot(&pr, s, bad, 1, err, sizeof(err)));
	cr_expect(strstr(err, "fdlimit.sahre") != NULL, "%s", err);
	cr_expect_null(strategy_lookup("no-such"));
}

/*
 * kvmalloc on i386-64M, default region (128 MiB = 32768 pages; half of
 * kernel_map's largest free range after boot is far more, so no clamp).
 * malloc(9) with M_NOWAIT serves every table up to 1638400 slots (2000
 * pages), exactly as panic-only places them (see the top of this file).
 * The table of 3276800 slots (16384000 bytes, 4000 pages) is where
 * panic-only panics: here M_NOWAIT returns NULL and the table moves to
 * the vmalloc region, at its first page, with one guard page after it:
 * the region has 4001 pages in use, 1 of them unwired.  The
 * 2000-page table is then freed, so kmem_map is back to the 9 pages of
 * buckets and phpool.  M_FILEDESC counts the table outside kmem_map
 * (ks_nointruse 16384000) and no failure (the NULL was kvmalloc's own).
 */
Test(strategies, kvmalloc_moves_to_vmalloc_where_panic_only_panics)
{
	struct kmcase c;
	struct rproc *rp;

	kmcase_run(&c, "kvmalloc", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	rp = kmcase_proc(&c, 100);
	cr_expect_eq(rp->rp_errors[KE_ENOMEM], 0);
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 3276800);
	cr_assert_not_null(c.m->m_xmap);
	cr_expect_eq(c.m->m_xmap->vm_npages, 32768);
	cr_expect_eq(rp->rp_kp.p_fd.fd_ofiles, c.m->m_xmap->vm_min);
	cr_expect_eq(c.m->m_xmap->vm_used, 4001);
	cr_expect_eq(c.m->m_xunwired, 1);
	cr_expect_eq(c.m->m_kmem_map.vm_used, 9);
	/* Its peak: the 2000-page table placed while the 1000 was live. */
	cr_expect_eq(c.m->m_kmem_map.vm_peak, 9 + 1000 + 2000);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_nointruse, 16384000);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_fails, 0);
	cr_expect_eq(c.r.r_nsleepers, 0);
	kmcase_free(&c);

	/* One dup short of it, the 1638400-slot table is in kmem_map. */
	kmcase_run(&c, "kvmalloc", "i386-64M", NULL, "kmtrace 1\n"
	    "0 100 spawn\n1 100 sysctl maxfiles 10000000\n"
	    "2 100 limit nofile 10000000\n3 100 open 3\n4 100 dup 3 1638399\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	rp = kmcase_proc(&c, 100);
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 1638400);
	cr_expect(vm_map_contains(&c.m->m_kmem_map, rp->rp_kp.p_fd.fd_ofiles));
	cr_expect_eq(c.m->m_xmap->vm_used, 0);
	kmcase_free(&c);
}

/*
 * Where the region runs out.  With kvmalloc.vmalloc=40M (10240 pages)
 * the 4000-page table takes pages 0-4000 (with its guard).  Growing to
 * 6553600 slots needs 32768000 bytes = 8000 pages + 1 guard while the
 * old table is live: only 10240 - 4001 = 6239 pages are free, so
 * vmalloc returns NULL and the dup gets ENOMEM; the table stays at
 * 3276800 slots and the machine lives.  The second such dup fails the
 * same way: 2 ENOMEM, 2 fails of M_FILEDESC.
 *
 * With the default 32768 pages the region would hold 4001 + 8001 and
 * then, at 12002, the 16001 of the 13107200-slot table, and run out
 * only at 26214400 slots (32001 pages).  On i386-64M physical memory
 * runs out first: the 16000-page table and the 8000-page one live
 * during the copy need 24000 pages of 16384, so that dup sleeps for
 * pages (km_getwait2) and the attacker is hung at the end.
 */
Test(strategies, kvmalloc_region_runs_out)
{
	struct kmcase c;
	struct rproc *rp;
	const char *small[] = { "kvmalloc.vmalloc=40M", NULL };

	kmcase_run(&c, "kvmalloc", "i386-64M", small, ATTACK
	    "5 100 dup 3 3276800\n6 100 dup 3 3276801\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(c.m->m_xmap->vm_npages, 10240);
	rp = kmcase_proc(&c, 100);
	cr_expect_eq(rp->rp_errors[KE_ENOMEM], 2);
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 3276800);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_fails, 2);
	kmcase_free(&c);

	kmcase_run(&c, "kvmalloc", "i386-64M", NULL, ATTACK
	    "5 100 dup 3 3276800\n6 100 dup 3 6553600\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	rp = kmcase_proc(&c, 100);
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 6553600);
	cr_expect_eq(c.m->m_xmap->vm_used, 8001);
	cr_expect_eq(rp->rp_state, RS_ASLEEP);
	cr_expect_str_eq(rp->rp_kp.p_wmesg, "km_getwait2");
	kmcase_free(&c);
}

/*
 * kvmalloc.vmalloc is as strict as every other numeric setting: digits
 * first, then K, M or G.  Leading blanks, a sign and trailing text are
 * refused at boot with the setting and its value named; 40M boots with
 * a region of 40 MiB / 4 KiB = 10240 pages.
 */
Test(strategies, kvmalloc_setting_strict)
{
	static const char *const bad[] = {
		" 40M", "\t40M", "+40M", "-40M", "40M ", "40 M", "0x40M", "",
	};
	const struct strategy *s = strategy_lookup("kvmalloc");
	const char *param[1];
	char set[32], err[256];
	struct machine *m;
	struct profile pr;
	size_t i;

	cr_assert_not_null(s);
	profile_defaults(&pr);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(set, sizeof(set), "vmalloc=%s", bad[i]);
		param[0] = set;
		err[0] = '\0';
		m = strategy_boot(&pr, s, param, 1, err, sizeof(err));
		cr_expect_null(m, "vmalloc='%s' accepted", bad[i]);
		machine_free(m);
		cr_expect(strstr(err, "kvmalloc.vmalloc: '") != NULL,
		    "vmalloc='%s': %s", bad[i], err);
	}
	param[0] = "vmalloc=40M";
	m = strategy_boot(&pr, s, param, 1, err, sizeof(err));
	cr_assert_not_null(m, "%s", err);
	cr_expect_eq(m->m_xmap->vm_npages, 10240);
	machine_free(m);
}

/*
 * reclaim on i386-64M with the attack of the top of this file: the
 * 4000-page table does not fit (largest hole 1998 pages), so kmem_malloc
 * releases and retries.  No pool page is idle (the one process holds an
 * item of each of its pools, and phpool's page holds procpl's header),
 * so a pass releases only bucket pages: the 256, 512, 1024, 2048 and
 * 4096-byte buckets' pages (one each) and the 8 KiB bucket's two, whose
 * tables were freed as the table grew: 7 pages, all in the first pass.
 * The 128-byte page (filedesc0) and phpool's stay: kmem_map holds 2 +
 * 2000 pages, and its largest hole is 1998 + 7 = 2005 < 4000.  All 8
 * passes run (the probes time 8 kmem_reclaim calls), then the panic:
 * SIZE is 16384000 (4000 pages, already page-sized), N is 2002 pages *
 * 4096 = 8200192 bytes.
 */
static void
count_lat(void *arg, enum kp_op op, enum kp_arena a, uint64_t ns, int failed)
{
	long *n = arg;

	(void)a;
	(void)ns;
	(void)failed;
	if (op == KP_RECLAIM)
		(*n)++;
}

static void
count_refused(void *arg, enum kp_arena a, uint64_t size, const char *why)
{

	(void)arg;
	(void)a;
	(void)size;
	(void)why;
}

/* Idle pages of every pool. */
static long
pool_idle(const struct machine *m)
{
	const struct pool *pp;
	long n = 0;

	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next)
		n += pp->pr_nidle;
	return n;
}

Test(strategies, reclaim_retries_eight_times_then_panics)
{
	static const struct kprobe_ops ops = { count_lat, count_refused };
	struct machine *m = kmtest_boot("reclaim", "i386-64M", NULL);
	struct replay r;
	struct kmcase c;
	long passes = 0;
	char path[256], err[256];
	int op;

	kmtest_write(path, sizeof(path), ".kmt", ATTACK);
	m->m_kprobe = &ops;
	m->m_kprobe_arg = &passes;
	m->m_probe_lat = 1;
	/* Every call timed, on any host: CLOCK_MONOTONIC, N = 1. */
	m->m_kptimer.kt_method = KC_MONOTONIC;
	m->m_kptimer.kt_every = 1;
	for (op = 0; op < KP_NOPS; op++)
		m->m_kptimer.kt_left[op] = 1;
	memset(&r, 0, sizeof(r));
	cr_assert_eq(replay_run(&r, m, NULL, path, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect(r.r_panicked);
	cr_expect_eq(r.r_panic_event, 5);
	cr_expect_str_eq(m->m_panicstr, "kmem_malloc(16384000): kmem_map too "
	    "small: 8200192 total allocated");
	cr_expect_eq(passes, 8);
	cr_expect_eq(m->m_kmem_map.vm_used, 2002);
	cr_expect_eq(vm_map_largest_free(&m->m_kmem_map), 2005);
	cr_expect_eq(pool_idle(m), 0);
	replay_free(&r);
	machine_free(m);
	unlink(path);

	/* panic-only, for contrast: 1.5's message and 9 pages kept. */
	kmcase_run(&c, "panic-only", "i386-64M", NULL, ATTACK);
	cr_expect_eq(c.m->m_kmem_map.vm_used, 2009);
	kmcase_free(&c);
}

/*
 * kmem-vmem on i386-64M.  The arena by NetBSD 6's rule: 16384 pages of
 * RAM, no direct map on i386, so 16384 / 3 * 2 = 10922 pages (42.7 MiB,
 * within 2048 and 32768); under 64 MiB, so quantum caches of up to 4
 * pages, carved from 16-page (64 KiB) segments.
 *
 * The attack's tables: 250 to 4000 bytes from the kmem-256 ... 4096
 * caches, whose pages are 1-page items (one 16-page segment at arena
 * pages 0-15); 8000 bytes (2 pages) and 16000 (4 pages) from the
 * quantum caches (segments at 16-31 and 32-47); then 8, 16, 32, 63,
 * 125, 250, 500, 1000, 2000 and 4000 pages.  Each is larger than all
 * the tables before it together (8 + ... + 1000 = 1994 < 2000), so the
 * hole they leave is on a lower free list than the one instant fit
 * starts from, and each takes the front of the tail: the 4000-page
 * table (3276800 slots, 16384000 bytes) lies at arena page 48 + 1994 +
 * 2000 = 4042 and ends at 8042 <= 10922.  The attacker gets its
 * 2000000 descriptors (here: up to fd 1638400) and nothing sleeps.
 *
 * One dup further (fd 3276800) needs 6553600 slots, 8000 pages, while
 * the 4000 are live.  Free: pages 48-4041 (3994) and 8042-10921
 * (2880).  KM_SLEEP first lets the pagedaemon drain: the five all-free
 * cache pages and then the three idle quantum-cache segments go back,
 * so the low hole is 0-4041, 4042 pages.  Still short of 8000: the
 * process sleeps on "vmem" and is hung at the end, with 3276800 slots.
 */
Test(strategies, kmem_vmem_survives_pr14721_then_hangs)
{
	struct kmcase c;
	struct rproc *rp;
	vaddr_t base;

	kmcase_run(&c, "kmem-vmem", "i386-64M", NULL, ATTACK);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_assert_not_null(c.m->m_xvmem);
	cr_expect_eq(c.m->m_xvmem->vm_size, 10922u * 4096);
	cr_expect_eq(c.m->m_xvmem->vm_qcache_max, 4u * 4096);
	base = c.m->m_xvmem->vm_base;
	rp = kmcase_proc(&c, 100);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(c.r.r_nsleepers, 0);
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 3276800);
	cr_expect_eq(rp->rp_kp.p_fd.fd_ofiles, base + 4042u * 4096);
	cr_expect_eq(c.m->m_kmem_map.vm_peak, 2);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_nointruse, 16384000);
	kmcase_free(&c);

	kmcase_run(&c, "kmem-vmem", "i386-64M", NULL, ATTACK
	    "5 100 dup 3 3276800\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	rp = kmcase_proc(&c, 100);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(rp->rp_state, RS_ASLEEP);
	cr_expect_str_eq(rp->rp_kp.p_wmesg, "vmem");
	cr_expect_eq(rp->rp_kp.p_fd.fd_nfiles, 3276800);
	cr_expect_eq(vmem_largest_free(c.m->m_xvmem), 4042u * 4096);
	kmcase_free(&c);
}
