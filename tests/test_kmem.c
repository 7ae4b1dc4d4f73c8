/*
 * test_kmem.c: kmem(9) (kernel/subr_kmem.c) on the arena of a machine
 * booted under kmem-vmem on i386-64M (10922 pages, quantum caches of up
 * to 4 pages carved from 16-page segments; see test_strategies.c).
 * Nothing is in the arena after boot, so arena page N is at
 * vm_base + N * 4096.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "../kernel/kcheck.h"
#include "../kernel/machine.h"
#include "../kernel/subr_kmem.h"
#include "kmtest.h"

#define PG	4096u

/*
 * 250 bytes round to 256: kmem-256, 16 to a page.  The first takes a
 * cache page, a 1-page quantum-cache item at arena page 0 (its 16-page
 * segment, pages 0-15, is busy); the second is 256 bytes above.  1 page
 * is wired, 3840 bytes of it idle.  4097 bytes are two pages from the
 * 2-page quantum cache (segment 16-31); 5 pages bypass the caches (at
 * 32).  Freeing everything keeps the cache page (still wired) until
 * kmem_drain() gives it and the idle segments back: nothing wired, the
 * arena empty.  The checker agrees at each step.
 */
Test(kmem, size_classes_and_drain)
{
	struct machine *m = kmtest_boot("kmem-vmem", "i386-64M", NULL);
	struct kmem_arena *ka = m->m_sdata;
	vaddr_t base = ka->ka_vmem.vm_base, a, b, c, d;
	size_t given;
	char err[256];

	m->m_curproc = NULL;
	cr_assert_eq(kmem_alloc(m, ka, 250, KM_NOSLEEP, &a, &given), 0);
	cr_expect_eq(given, 256);
	cr_assert_eq(kmem_alloc(m, ka, 256, KM_NOSLEEP, &b, &given), 0);
	cr_expect_eq(a, base);
	cr_expect_eq(b, base + 256);
	cr_expect_eq(m->m_xwired, 1);
	cr_expect_eq(m->m_xidle, PG - 512);
	cr_assert_eq(kmem_alloc(m, ka, 4097, KM_NOSLEEP, &c, &given), 0);
	cr_expect_eq(given, 2 * PG);
	cr_expect_eq(c, base + 16 * PG);
	cr_assert_eq(kmem_alloc(m, ka, 5 * PG, KM_NOSLEEP, &d, &given), 0);
	cr_expect_eq(d, base + 32 * PG);
	cr_expect_eq(m->m_xwired, 1 + 2 + 5);
	cr_expect_eq(kmem_free(m, ka, a), 256);
	cr_expect_eq(kmem_free(m, ka, b), 256);
	cr_expect_eq(kmem_free(m, ka, c), 2 * PG);
	cr_expect_eq(kmem_free(m, ka, d), 5 * PG);
	cr_expect_eq(m->m_xwired, 1);
	cr_expect_eq(m->m_xidle, PG);
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(kmem_drain(m, ka), 1);
	cr_expect_eq(m->m_xwired, 0);
	cr_expect_eq(m->m_xidle, 0);
	cr_expect_eq(ka->ka_vmem.vm_inuse, 0);
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);
	machine_free(m);
}

/*
 * KM_NOSLEEP fails at once when the arena has no room: 10922 pages
 * cannot hold 10923.  KM_SLEEP from interrupt context (no current
 * process) would sleep, which panics.
 */
Test(kmem, nosleep_fails_sleep_in_interrupt_panics)
{
	struct machine *m = kmtest_boot("kmem-vmem", "i386-64M", NULL);
	struct kmem_arena *ka = m->m_sdata;
	vaddr_t va;
	size_t given;

	m->m_curproc = NULL;
	cr_expect_eq(kmem_alloc(m, ka, 10923u * PG, KM_NOSLEEP, &va, &given),
	    ENOMEM);
	cr_expect_eq(kmem_alloc(m, ka, 10923u * PG, KM_SLEEP, &va, &given),
	    EPANIC);
	cr_expect(m->m_panicked);
	machine_free(m);
}

/*
 * A class that does not divide the page: kmem-24 carves 4096 / 24 =
 * 170 items, 4080 bytes, and the last 16 bytes of the page are wired
 * but hold nothing.  One 24-byte block: m_xidle = 4096 - 24 = 4072 (169
 * free items and the 16-byte tail); the checker balances it against the
 * one wired page.  (The run --check of the heap-growth workload, whose
 * amaps take 24-byte arrays, caught a checker that counted items only.)
 */
Test(kmem, page_tail_is_idle)
{
	struct machine *m = kmtest_boot("kmem-vmem", "i386-64M", NULL);
	struct kmem_arena *ka = m->m_sdata;
	int t = m->m_type_amap;
	vaddr_t va;
	size_t given;
	char err[256];

	cr_assert_eq(kmem_alloc(m, ka, 24, KM_NOSLEEP, &va, &given), 0);
	cr_expect_eq(given, 24);
	cr_expect_eq(ka->ka_caches[2].kc_perpage, 170);
	cr_expect_eq(m->m_xidle, 4072);
	/* As the strategy counts it: the type's bytes outside kmem_map. */
	m->m_kmem.kmemstats[t].ks_nointruse += 24;
	m->m_kmem.kmemstats[t].ks_inuse++;
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);
	machine_free(m);
}
