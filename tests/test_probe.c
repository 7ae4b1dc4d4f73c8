/*
 * test_probe.c: the figures of runner/probe.c and runner/hist.c on small
 * hand-made traces, each derived by hand in the comment above it
 * (docs/metrics.md defines them).  The traces use PID 0 only, so that
 * nothing but the kmallocs touches kmem_map.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../kernel/kp_ledger.h"
#include "../kernel/machine.h"
#include "../runner/hist.h"
#include "../runner/probe.h"
#include "kmtest.h"

/* Boot, attach probes (no latency), replay TEXT. */
static void
probed(struct kmcase *c, struct probe *p, const char *const *sets,
    const char *text)
{

	memset(c, 0, sizeof(*c));
	kmtest_write(c->path, sizeof(c->path), ".kmt", text);
	c->m = kmtest_boot("panic-only", "i386-64M", sets);
	probe_attach(p, c->m, 0, 1);
	c->rc = replay_run(&c->r, c->m, p, c->path, c->err, sizeof(c->err));
	cr_assert_eq(c->rc, 0, "%s", c->err);
}

static void
unprobe(struct kmcase *c, struct probe *p)
{

	probe_detach(p);
	kmcase_free(c);
}

/*
 * Three kmallocs: 100 bytes (bucket 128: waste 28, one bucket page),
 * 5000 bytes (bucket 8192, two pages: waste 3192), 20000 bytes (large:
 * 5 pages = 20480, waste 480).  live = 25100, waste = 3700, footprint =
 * 1 + 2 + 5 = 8 pages.  kmem_map's free space is one extent of 4088
 * pages: external fragmentation 1 - 4088/4088 = 0.
 */
Test(probe, footprint_live_waste)
{
	struct kmcase c;
	struct probe p;
	const struct probe_sample *s;

	probed(&c, &p, NULL, "kmtrace 1\n0 0 kmalloc a 100 M_TEMP NOWAIT\n"
	    "1 0 kmalloc b 5000 M_TEMP NOWAIT\n"
	    "2 0 kmalloc c 20000 M_TEMP NOWAIT\n");
	cr_assert(p.p_nsamples > 0);
	s = &p.p_samples[p.p_nsamples - 1];
	cr_expect_eq(s->ps_map[KA_KMEM].live, 25100);
	cr_expect_eq(s->ps_map[KA_KMEM].waste, 3700);
	cr_expect_eq(s->ps_map[KA_KMEM].footprint, 8);
	cr_expect_eq(s->ps_map[KA_KMEM].freepages, 4088);
	cr_expect_eq(s->ps_map[KA_KMEM].largest, 4088);
	/* The 128-byte page holds 31 free elements: not all free. */
	cr_expect_eq(s->ps_map[KA_KMEM].freeheld, 0);
	unprobe(&c, &p);
}

/*
 * A 16-page kmem_map (nkmempages=16): three 16000-byte blocks take pages
 * 0-3, 4-7, 8-11; freeing the first leaves two free extents of 4 pages:
 * external fragmentation 1 - 4/8 = 0.5.  Freeing the third too joins it
 * with the tail: extents of 4 and 8, 1 - 8/12 = 1/3.  Freeing all three
 * leaves one free extent of 16 pages: 0.
 */
Test(probe, external_fragmentation_of_holes)
{
	const char *small[] = { "nkmempages=16", NULL };
	const char *head = "kmtrace 1\n0 0 kmalloc a 16000 M_TEMP NOWAIT\n"
	    "1 0 kmalloc b 16000 M_TEMP NOWAIT\n"
	    "2 0 kmalloc c 16000 M_TEMP NOWAIT\n3 0 kfree a\n";
	char text[512];
	struct kmcase c;
	struct probe p;
	const struct probe_sample *s;

	probed(&c, &p, small, head);
	s = &p.p_samples[p.p_nsamples - 1];
	cr_expect_eq(s->ps_map[KA_KMEM].freepages, 8);
	cr_expect_eq(s->ps_map[KA_KMEM].largest, 4);
	unprobe(&c, &p);

	snprintf(text, sizeof(text), "%s4 0 kfree c\n", head);
	probed(&c, &p, small, text);
	s = &p.p_samples[p.p_nsamples - 1];
	cr_expect_eq(s->ps_map[KA_KMEM].freepages, 12);
	cr_expect_eq(s->ps_map[KA_KMEM].largest, 8);
	unprobe(&c, &p);

	snprintf(text, sizeof(text), "%s4 0 kfree b\n5 0 kfree c\n", head);
	probed(&c, &p, small, text);
	s = &p.p_samples[p.p_nsamples - 1];
	cr_expect_eq(s->ps_map[KA_KMEM].largest, 16);
	cr_expect_eq(s->ps_map[KA_KMEM].freepages, 16);
	unprobe(&c, &p);
}

/*
 * Johnstone and Wilson's measures on paper: 64 mallocs of 100 bytes fill
 * the 128-byte bucket's two pages (32 a page): live 6400, footprint 2
 * pages.  Freeing them all keeps the pages (live 0, footprint 2).  One
 * malloc of 5000 bytes takes the 8192 bucket's two pages: live 5000,
 * footprint 4.  Peak live is 6400, when the footprint was 2 pages:
 * measure 3 = 8192 / 6400 = 1.28.  Peak footprint is 4 pages: measure
 * 4 = 16384 / 6400 = 2.56.  All 64 elements being free, the two
 * 128-byte pages are held but free at the end.
 */
Test(probe, johnstone_wilson)
{
	char text[8192];
	struct kmcase c;
	struct probe p;
	size_t n;
	int i;

	n = (size_t)snprintf(text, sizeof(text), "kmtrace 1\n");
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 0 kmalloc x%d 100 M_TEMP NOWAIT\n", i, i);
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 0 kfree x%d\n", 100 + i, i);
	snprintf(text + n, sizeof(text) - n,
	    "200 0 kmalloc big 5000 M_TEMP NOWAIT\n");
	probed(&c, &p, NULL, text);
	cr_expect_eq(p.p_ledger.kl_acct[KA_KMEM].ka_peak_live, 6400);
	cr_expect_eq(probe_fp_at_peak_live(&p, KA_KMEM), 2);
	cr_expect_eq(p.p_map[KA_KMEM].pm_peak_fp, 4);
	cr_expect_float_eq(probe_jw3(&p, KA_KMEM), 1.28, 1e-12);
	cr_expect_float_eq(probe_jw4(&p, KA_KMEM), 2.56, 1e-12);
	cr_expect_eq(p.p_samples[p.p_nsamples - 1].ps_map[KA_KMEM].freeheld,
	    2);
	unprobe(&c, &p);
}

/*
 * Exhaustion: on the 16-page kmem_map, a 70000-byte NOWAIT malloc is
 * refused at event 3: kmem_map is asked for 18 pages, 73728 bytes, and
 * has no room ("no address space").  Headroom: 16 pages; the spawn
 * (event 1) takes the 128-byte bucket's page for filedesc0 and a phpool
 * page for procpl's off-page header; event 2's 16000-byte block takes 4
 * more: the smallest headroom is 16 - 2 - 4 = 10, at event 2.  Process
 * 5 holds the most; PID 0's refusal is the only refusal and the kernel
 * holds nothing, so it is collateral damage of process 5.
 */
Test(probe, exhaustion)
{
	const char *small[] = { "nkmempages=16", NULL };
	struct kmcase c;
	struct probe p;

	probed(&c, &p, small, "kmtrace 1\n0 5 spawn\n"
	    "1 5 kmalloc a 16000 M_TEMP NOWAIT\n"
	    "2 0 kmalloc b 70000 M_TEMP NOWAIT\n");
	cr_expect(p.p_refused);
	cr_expect_eq(p.p_ref_event, 3);
	cr_expect_eq(p.p_ref_size, 73728);
	cr_expect_eq(p.p_ref_pid, 0);
	cr_expect_eq(p.p_ref_arena, KA_KMEM);
	cr_expect_str_eq(p.p_ref_reason, "no address space");
	/* spawn took the 128-byte bucket page (filedesc0) and phpool's. */
	cr_expect_eq(p.p_map[KA_KMEM].pm_min_headroom, 16 - 2 - 4);
	cr_expect_eq(p.p_map[KA_KMEM].pm_min_headroom_event, 2);
	cr_expect_eq(p.p_collateral, 1);
	unprobe(&c, &p);
}

/*
 * The biggest holder after a fall (kp_best_note(), biggest_holder()):
 * processes 5 and 6 spawn alike, so their spawns' bytes are equal.  5
 * mallocs 16000 bytes (given 16384: four whole pages), 6 mallocs 8000
 * (given 8192, the 8192-byte bucket), and 5 is ahead by 8192.  Then 5
 * frees its block: its bytes fall, and 6 leads by 8192 with no change
 * to its own counter, which only a walk can see.  The kernel's
 * 70000-byte NOWAIT malloc needs 18 pages of the 16-page kmem_map and
 * is refused: the culprit is 6, and the refusal is collateral.
 */
Test(probe, biggest_holder_after_a_fall)
{
	const char *small[] = { "nkmempages=16", NULL };
	struct kmcase c;
	struct probe p;
	char err[512];

	probed(&c, &p, small, "kmtrace 1\n0 5 spawn\n1 6 spawn\n"
	    "2 5 kmalloc a 16000 M_TEMP NOWAIT\n"
	    "3 6 kmalloc b 8000 M_TEMP NOWAIT\n"
	    "4 5 kfree a\n"
	    "5 0 kmalloc c 70000 M_TEMP NOWAIT\n");
	cr_expect(p.p_refused);
	cr_expect_eq(p.p_ref_event, 6);
	cr_expect_eq(p.p_culprit, 6);
	cr_expect_eq(p.p_collateral, 1);
	cr_expect_eq(probe_check(&p, err, sizeof(err)), 0, "%s", err);
	unprobe(&c, &p);
}

/*
 * The histogram: values below 32 have a bucket each, so 1..20 give
 * exact quantiles: the median (rank 10) is 10.  For 1..1000: rank 500
 * is 500, in [496, 512) (2^8 split into 16 buckets of 16): reported as
 * 496; rank 900 is 900, in [896, 928): 896; rank 990 is 990, in
 * [960, 992): 960; the maximum is 1000.
 */
Test(probe, histogram_quantiles)
{
	struct hist h;
	uint64_t v;

	hist_init(&h);
	for (v = 1; v <= 20; v++)
		hist_add(&h, v);
	cr_expect_eq(hist_quantile(&h, 0.5), 10);
	cr_expect_eq(hist_quantile(&h, 1.0), 20);
	hist_init(&h);
	for (v = 1; v <= 1000; v++)
		hist_add(&h, v);
	cr_expect_eq(hist_quantile(&h, 0.5), 496);
	cr_expect_eq(hist_quantile(&h, 0.9), 896);
	cr_expect_eq(hist_quantile(&h, 0.99), 960);
	cr_expect_eq(h.h_max, 1000);
	cr_expect_eq(hist_bucket(31), 31);
	cr_expect_eq(hist_lowest(hist_bucket(1000)), 992);
}

/*
 * Determinism: the same case in two processes gives byte-identical JSON
 * when latency (the only measured figure) is off.
 */
Test(probe, deterministic_across_processes)
{
	char path[256], args[512], *o1, *o2, *e1, *e2;

	kmtest_write(path, sizeof(path), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 map h 300\n2 1 touch h\n3 1 fork 2\n4 2 touch h 10 5\n"
	    "5 1 open 3\n6 1 dup 3 100\n7 0 kmalloc z 9000 M_TEMP NOWAIT\n"
	    "8 2 exit\n");
	snprintf(args, sizeof(args), "run --json --no-latency --strategy "
	    "nointr --machine i386-16M %s", path);
	cr_assert_eq(kmtest_cmd(args, &o1, &e1), 0, "%s", e1);
	cr_assert_eq(kmtest_cmd(args, &o2, &e2), 0, "%s", e2);
	cr_expect(strlen(o1) > 100);
	cr_expect_str_eq(o1, o2);
	free(o1);
	free(o2);
	free(e1);
	free(e2);
	unlink(path);
}

/*
 * The series stops growing: sampling every event (probed() attaches
 * with a period of 1) over 10000 events of PID 0, with no refusal,
 * sleep or panic.  Events 1..1024 fill PROBE_MAXEVERY = 1024 samples:
 * the period doubles to 2 and the 512 even events stay.  Events 1026
 * .. 2048 add 512 more, 1024 again: period 4, the 512 multiples of 4 up
 * to 2048 stay.  Likewise at 4096 (period 8) and 8192 (period 16), 512
 * each time.  Then 8208 .. 10000 step 16: (10000 - 8192) / 16 = 113.
 * 512 + 113 = 625 periodic samples, then the "end" sample replay_run()
 * has probe_finish() take: 626.
 */
Test(probe, series_thinned)
{
	struct kmcase c;
	struct probe p;
	char *text, *t;
	size_t i, nevery = 0;
	int k;

	t = text = malloc(10000 * 48 + 16);
	cr_assert_not_null(text);
	t += sprintf(t, "kmtrace 1\n");
	for (k = 0; k < 5000; k++)
		t += sprintf(t, "%d 0 kmalloc k%d 16 M_TEMP NOWAIT\n"
		    "%d 0 kfree k%d\n", 2 * k, k, 2 * k + 1, k);
	probed(&c, &p, NULL, text);
	free(text);
	cr_expect_eq(p.p_every, 16);
	cr_expect_eq(p.p_nsamples, 626);
	for (i = 0; i < p.p_nsamples; i++) {
		if (strcmp(p.p_samples[i].ps_why, "every") != 0)
			continue;
		nevery++;
		cr_expect_eq(p.p_samples[i].ps_event % 16, 0, "sample of event"
		    " %lu", (unsigned long)p.p_samples[i].ps_event);
	}
	cr_expect_eq(nevery, 625);
	cr_expect_str_eq(p.p_samples[p.p_nsamples - 1].ps_why, "end");
	unprobe(&c, &p);
}

/* Whether the host holds the page of ADDR. */
static int
resident(const void *addr)
{
	long pagesize = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)addr & ~(uintptr_t)(pagesize - 1);
	unsigned char v = 0;

	cr_assert_eq(mincore((void *)a, (size_t)pagesize, &v), 0);
	return v & 1;
}

/*
 * The ledger the kernel keeps for the probes (kernel/kp_ledger.h).
 * Process 7 mallocs 100 bytes: bucket 128, so live 100, given 128, and
 * 7 holds 128 of kmem_map.  The kernel (PID 0) mallocs 20000 bytes:
 * large, 5 pages, 20480 given.  Each record names its bytes and owner.
 * Freeing the large block unwires its 5 pages: its record goes, and
 * the host page holding it joins the kernel's pages in the host-page
 * cache (kernel/hostcache.h), so it is given back when the cache is:
 * at once by host_flush().  Freeing the small one leaves
 * live and given at 0, and 7 holding 0.
 */
Test(probe, ledger)
{
	struct machine *m = kmtest_boot("panic-only", "i386-64M", NULL);
	struct kp_ledger *l;
	struct probe p;
	vaddr_t small, big;
	uint64_t r, held = 1;
	int t = malloc_type(m, "M_TEMP");

	probe_attach(&p, m, 0, 1);
	l = m->m_kledger;
	cr_assert_eq(l, &p.p_ledger);
	probe_event(&p, 1, 0, 7);
	cr_assert_eq(kern_malloc(m, 100, t, M_NOWAIT, &small), 0);
	r = *kp_rec(m, l, small);
	cr_expect_eq(KP_REC_ASKED(r), 100);
	cr_expect_eq(KP_REC_PID(r), 7);
	cr_expect_eq(KP_REC_ARENA(r), KA_KMEM);
	cr_expect(u32tab_get(&p.p_held[KA_KMEM], 7, &held));
	cr_expect_eq(held, 128);
	probe_event(&p, 2, 0, 0);
	cr_assert_eq(kern_malloc(m, 20000, t, M_NOWAIT, &big), 0);
	r = *kp_rec(m, l, big);
	cr_expect_eq(KP_REC_ASKED(r), 20000);
	cr_expect_eq(KP_REC_PID(r), 0);
	cr_expect_eq(l->kl_acct[KA_KMEM].ka_live, 20100);
	cr_expect_eq(l->kl_acct[KA_KMEM].ka_given, 20608);
	cr_expect(resident(kp_rec(m, l, big)));
	kern_free(m, big, t);
	cr_expect_eq(m->m_hcache.hc_pages, 5);
	host_flush(m);
	/* Before reading it, which would map the zero page there. */
	cr_expect_not(resident(kp_rec(m, l, big)));
	cr_expect_eq(*kp_rec(m, l, big), 0);
	kern_free(m, small, t);
	cr_expect_eq(*kp_rec(m, l, small), 0);
	cr_expect_eq(l->kl_acct[KA_KMEM].ka_live, 0);
	cr_expect_eq(l->kl_acct[KA_KMEM].ka_given, 0);
	cr_expect(u32tab_get(&p.p_held[KA_KMEM], 7, &held));
	cr_expect_eq(held, 0);
	cr_expect_eq(l->kl_acct[KA_KMEM].ka_peak_live, 20100);
	probe_detach(&p);
	cr_expect_null(m->m_kledger);
	machine_free(m);
}

/*
 * Latency apart by result (probe.h).  The attack of test_strategies.c
 * under canfail on i386-64M: one dup grows the table from 20 slots
 * through 50, 100, ... 1638400 (50 x 2^15): 16 fdexpand calls that
 * succeed, then the one to 3276800 slots, refused with ENOMEM.  That
 * one's malloc is refused in kmem_map, and so is its uvm_km_kmemalloc
 * (no 4000-page extent): one refused call each.  The series are
 * stored as fdexpand and fdexpand.refused.
 */
Test(probe, latency_apart_by_result)
{
	struct kmcase c;
	struct probe p;
	char name[64];

	memset(&c, 0, sizeof(c));
	kmtest_write(c.path, sizeof(c.path), ".kmt", "kmtrace 1\n"
	    "0 100 spawn\n1 100 sysctl maxfiles 10000000\n"
	    "2 100 limit nofile 10000000\n3 100 open 3\n"
	    "4 100 dup 3 1638400\n");
	c.m = kmtest_boot("canfail", "i386-64M", NULL);
	probe_attach(&p, c.m, 1, 1);
	c.rc = replay_run(&c.r, c.m, &p, c.path, c.err, sizeof(c.err));
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(p.p_lat[PR_OK][KP_FDEXPAND][KA_PATH].h_count, 16);
	cr_expect_eq(p.p_lat[PR_REFUSED][KP_FDEXPAND][KA_PATH].h_count, 1);
	cr_expect_eq(p.p_lat[PR_REFUSED][KP_MALLOC][KA_KMEM].h_count, 1);
	cr_expect_eq(p.p_lat[PR_REFUSED][KP_KM_ALLOC][KA_KMEM].h_count, 1);
	/* Frees never fail. */
	cr_expect_eq(p.p_lat[PR_REFUSED][KP_FREE][KA_KMEM].h_count, 0);
	probe_seriesname(name, sizeof(name), KP_FDEXPAND, PR_REFUSED);
	cr_expect_str_eq(name, "fdexpand.refused");
	probe_seriesname(name, sizeof(name), KP_FDEXPAND, PR_OK);
	cr_expect_str_eq(name, "fdexpand");
	unprobe(&c, &p);
}
