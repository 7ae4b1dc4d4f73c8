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

/* The next 256-byte item of the arena. */
static vaddr_t
get256(struct machine *m, struct kmem_arena *ka)
{
	vaddr_t va;
	size_t given;

	cr_assert_eq(kmem_alloc(m, ka, 256, KM_NOSLEEP, &va, &given), 0);
	cr_assert_eq(given, 256);
	return va;
}

/*
 * An item comes from the newest page with one, whatever order the pages
 * got their room back in.  kmem-256 carves 16 items a page; 48 items
 * fill cache pages P0, P1 and P2, at arena pages 0, 1 and 2 (each a
 * 1-page quantum-cache item of the segment at page 0), item J of page K
 * at base + K pages + J * 256.  Items are freed from P0 (5), then P2
 * (7), then P1 (3): the next three come from P2, P1, P0 in that order
 * (by age, not by when room came back), and the fourth from a new page,
 * P3 at arena page 3, which keeps 15 free.  Then all of P1 is freed and
 * drained (1 page: P0 and P2 are full, P3 holds an item), and P0's item
 * 2 is freed: the next item still comes from P3, the newest with room
 * (its item 1), neither from P0 nor from the page that went.
 */
Test(kmem, newest_page_with_room)
{
	struct machine *m = kmtest_boot("kmem-vmem", "i386-64M", NULL);
	struct kmem_arena *ka = m->m_sdata;
	vaddr_t base = ka->ka_vmem.vm_base, va[48], p3;
	int i;

	m->m_curproc = NULL;
	for (i = 0; i < 48; i++) {
		va[i] = get256(m, ka);
		cr_assert_eq(va[i], base + (vaddr_t)(i / 16) * PG +
		    (vaddr_t)(i % 16) * 256);
	}
	cr_expect_eq(kmem_free(m, ka, va[5]), 256);
	cr_expect_eq(kmem_free(m, ka, va[32 + 7]), 256);
	cr_expect_eq(kmem_free(m, ka, va[16 + 3]), 256);
	cr_expect_eq(get256(m, ka), base + 2 * PG + 7 * 256);
	cr_expect_eq(get256(m, ka), base + PG + 3 * 256);
	cr_expect_eq(get256(m, ka), base + 5 * 256);
	p3 = get256(m, ka);
	cr_expect_eq(p3, base + 3 * PG);
	for (i = 16; i < 32; i++)
		cr_expect_eq(kmem_free(m, ka, va[i]), 256);
	cr_expect_eq(kmem_drain(m, ka), 1);
	cr_expect_eq(kmem_free(m, ka, va[2]), 256);
	cr_expect_eq(get256(m, ka), base + 3 * PG + 256);
	cr_expect_eq(get256(m, ka), base + 3 * PG + 2 * 256);
	machine_free(m);
}
