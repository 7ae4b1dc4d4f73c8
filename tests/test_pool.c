/*
 * test_pool.c: pool(9) as subr_pool.c 1.31 does it (kernel/subr_pool.h),
 * on a booted i386-64M machine.
 *
 * Facts used (netbsd-model.md, param.h): pages are 4096 bytes; items are
 * aligned up to 4 bytes (i386 ALIGNBYTES 3) and are at least a free-list
 * link (struct pool_item, 8 bytes); the page header (struct
 * pool_item_header, 40 bytes) sits at the end of the page when items are
 * smaller than 4096/16 = 256 bytes, else it is an item of phpool, whose
 * pages come from kmem_map; a default pool takes pages one at a time
 * from kmem_map, a nointr pool from kernel_map; empty pages are kept
 * until the pagedaemon drains pages idle for 10 s.
 * With strategy NULL nothing is taken from kmem_map at boot (pools get
 * pages lazily, no process exists), so first fit in kmem_map starts at
 * its first page, vm_min.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "../kernel/kcheck.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "kmtest.h"

#define PG		4096u
#define SEC		1000000000ULL

TestSuite(pool);

static struct machine *
boot64(void)
{
	struct machine *m = kmtest_boot(NULL, "i386-64M", NULL);

	cr_assert_eq(m->m_kmem_map.vm_used, 0,
	    "kmem_map is not empty after boot");
	return m;
}

static struct pool *
newpool(struct machine *m, const char *name, uint32_t size, int nointr)
{
	struct pool *pp = pool_init(m, name, size, nointr);

	cr_assert_not_null(pp);
	return pp;
}

static vaddr_t
get(struct machine *m, struct pool *pp)
{
	vaddr_t va = 0;

	cr_assert_eq(pool_get(m, pp, PR_WAITOK, &va), 0, "pool_get %s",
	    pp->pr_wchan);
	return va;
}

/* The header of the pool page holding VA. */
static struct pool_page *
page_of(struct machine *m, vaddr_t va)
{
	struct pool_page *ph = m->m_pgowner[kva_page(m, va)];

	cr_assert_not_null(ph);
	return ph;
}

/*
 * Items per page with the header on the page: (4096 - 40) / size.
 *   48  -> 4056 / 48 = 84 (84 * 48 = 4032; 85 * 48 = 4080 > 4056)
 *   40  -> 4056 / 40 = 101
 *   1   -> raised to 8 bytes (a free-list link): 4056 / 8 = 507
 *   50  -> aligned to 52: 4056 / 52 = 78 (78 * 52 = 4056 exactly)
 *   252 -> still under 256: on-page, 4056 / 252 = 16 (16 * 252 = 4032)
 */
Test(pool, items_per_page_header_on_page)
{
	static const struct {
		uint32_t size, aligned, ipp;
	} c[] = {
		{ 48, 48, 84 }, { 40, 40, 101 }, { 1, 8, 507 },
		{ 50, 52, 78 }, { 252, 252, 16 },
	};
	struct machine *m = boot64();
	struct pool *pp;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pp = newpool(m, "onpage", c[i].size, 0);
		cr_expect_eq(pp->pr_size, c[i].aligned, "size %u",
		    c[i].size);
		cr_expect(pp->pr_phinpage, "size %u", c[i].size);
		cr_expect_eq(pp->pr_itemsperpage, c[i].ipp, "size %u",
		    c[i].size);
	}
	machine_free(m);
}

/*
 * Items per page with an off-page header: 4096 / size.
 *   256  -> 4096 / 256 = 16 (256 is not smaller than 4096 / 16)
 *   253  -> aligned to 256, so off-page too: 16
 *   320  -> 4096 / 320 = 12 (struct proc)
 *   1000 -> 4
 */
Test(pool, items_per_page_header_off_page)
{
	static const struct {
		uint32_t size, aligned, ipp;
	} c[] = {
		{ 256, 256, 16 }, { 253, 256, 16 }, { 320, 320, 12 },
		{ 1000, 1000, 4 },
	};
	struct machine *m = boot64();
	struct pool *pp;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pp = newpool(m, "offpage", c[i].size, 0);
		cr_expect_eq(pp->pr_size, c[i].aligned, "size %u",
		    c[i].size);
		cr_expect_not(pp->pr_phinpage, "size %u", c[i].size);
		cr_expect_eq(pp->pr_itemsperpage, c[i].ipp, "size %u",
		    c[i].size);
	}
	machine_free(m);
}

/*
 * The machine's own pools: filepl (struct file, 48 bytes) and phpool
 * (pool_item_header, 40 bytes) keep headers on the page, 84 and 101
 * items a page; procpl (320 bytes) is off-page, 12 a page.  filepl is
 * nointr (kernel_map), phpool the default (kmem_map).
 */
Test(pool, machine_pools)
{
	struct machine *m = boot64();
	struct pool *file = m->m_pools[POOL_FILE];
	struct pool *ph = m->m_pools[POOL_PHPOOL];
	struct pool *proc = m->m_pools[POOL_PROC];

	cr_expect_eq(file->pr_itemsperpage, 84);
	cr_expect_eq(ph->pr_itemsperpage, 101);
	cr_expect_eq(proc->pr_itemsperpage, 12);
	cr_expect_not(proc->pr_phinpage);
	cr_expect_eq(file->pr_map, &m->m_kernel_map);
	cr_expect_eq(ph->pr_map, &m->m_kmem_map);
	machine_free(m);
}

/*
 * A default pool's pages come from kmem_map, and a page's first item
 * is its lowest address.  48-byte items, 84 a page:
 *   1st get  -> page at kmem_map's first page: vm_min
 *   2nd get  -> vm_min + 48
 *   84th get -> vm_min + 83 * 48 = vm_min + 3984 (the page is full)
 *   85th get -> a new page, first fit: vm_min + 4096
 * Each page wires one physical page: 2 more wired pages.
 */
Test(pool, default_pool_pages_from_kmem_map)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 0);
	vaddr_t base = m->m_kmem_map.vm_min, va;
	uint32_t wired = m->m_wired;
	int i;

	cr_expect_eq(get(m, pp), base);
	cr_expect_eq(get(m, pp), base + 48);
	for (i = 2; i < 83; i++)
		(void)get(m, pp);
	va = get(m, pp);
	cr_expect_eq(va, base + 3984);
	cr_expect_eq(pp->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	va = get(m, pp);
	cr_expect_eq(va, base + 4096);
	cr_expect(vm_map_contains(&m->m_kmem_map, va));
	cr_expect_eq(pp->pr_npages, 2);
	cr_expect_eq(pp->pr_npagealloc, 2);
	cr_expect_eq(m->m_kmem_map.vm_used, 2);
	cr_expect_eq(m->m_wired, wired + 2);
	machine_free(m);
}

/*
 * A nointr pool's pages come from kernel_map, outside kmem_map, and
 * the first item is the page's lowest address (page aligned).
 * Where: kernel_map is [0xc0000000, 0xffc00000).  Boot took, first fit:
 *   the image, kerntext - kernbase + kernimage = 1 MiB + 4 MiB = 1280
 *   pages (pages 0..1279);
 *   kmemusage[], 4096 entries * 4 bytes = 16 KiB = 4 pages (1280..1283);
 *   kmem_map, 4096 pages (1284..5379), so vm_min = 0xc0504000;
 *   buffers and submaps: bufpages (512 + 16384) / 20 = 844, times
 *   MAXBSIZE 64 KiB = 55312384 bytes, plus 9912 KiB of submaps =
 *   10149888: 65462272 bytes = 15982 pages (5380..21361).
 * The first free page is 21362 = 0x5372: 0xc5372000.
 */
Test(pool, nointr_pool_pages_from_kernel_map)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 1);
	uint32_t kused = m->m_kernel_map.vm_used;
	vaddr_t va;

	cr_assert_eq(m->m_kmem_map.vm_min, 0xc0504000u);
	va = get(m, pp);
	cr_expect(vm_map_contains(&m->m_kernel_map, va));
	cr_expect_not(vm_map_contains(&m->m_kmem_map, va));
	cr_expect_eq(va % PG, 0);
	cr_expect_eq(va, 0xc5372000u);
	cr_expect_eq(get(m, pp), va + 48);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	cr_expect_eq(m->m_kernel_map.vm_used, kused + 1);
	machine_free(m);
}

/*
 * Off-page headers are phpool items in kmem_map.
 *   A default pool of 256-byte items: the first get takes a page for the
 *   items (kmem_map's first page, vm_min; the item is at vm_min), then a
 *   header from phpool, whose first page is the next one in kmem_map:
 *   the header is at vm_min + 4096.  2 kmem_map pages in use.
 */
Test(pool, off_page_header_default_pool)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "bigpl", 256, 0);
	struct pool *phpool = m->m_pools[POOL_PHPOOL];
	vaddr_t base = m->m_kmem_map.vm_min, va;

	va = get(m, pp);
	cr_expect_eq(va, base);
	cr_expect_eq(page_of(m, va)->ph_hdr, base + 4096);
	cr_expect_eq(phpool->pr_nout, 1);
	cr_expect_eq(phpool->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 2);
	cr_expect_eq(pool_of(m, base + 4096), phpool);
	/* The next item: vm_min + 256, no new page, no new header. */
	cr_expect_eq(get(m, pp), base + 256);
	cr_expect_eq(phpool->pr_nout, 1);
	machine_free(m);
}

/*
 * A nointr pool with off-page headers still puts its headers in
 * kmem_map: its page is in kernel_map, the header is phpool's first
 * item, at kmem_map's first page (vm_min): 1 kmem_map page in use.
 * A pool with on-page headers takes none (ph_hdr 0, phpool untouched).
 */
Test(pool, off_page_header_nointr_pool)
{
	struct machine *m = boot64();
	struct pool *big = newpool(m, "bigpl", 320, 1);
	struct pool *small = newpool(m, "smallpl", 48, 1);
	struct pool *phpool = m->m_pools[POOL_PHPOOL];
	vaddr_t va;

	va = get(m, small);
	cr_expect_eq(page_of(m, va)->ph_hdr, 0);
	cr_expect_eq(phpool->pr_nget, 0);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	va = get(m, big);
	cr_expect_not(vm_map_contains(&m->m_kmem_map, va));
	cr_expect_eq(page_of(m, va)->ph_hdr, m->m_kmem_map.vm_min);
	cr_expect(vm_map_contains(&m->m_kmem_map, page_of(m, va)->ph_hdr));
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	machine_free(m);
}

/*
 * Empty pages are kept (maxpages unlimited): 3 gets and 3 puts leave
 * the page in the pool, idle: pr_npages 1, pr_nidle 1, no page freed,
 * kmem_map still 1 page.  The next get reuses it (still 1 page
 * allocated in all).
 */
Test(pool, empty_pages_kept)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 0);
	vaddr_t v[3], va;
	int i;

	for (i = 0; i < 3; i++)
		v[i] = get(m, pp);
	cr_expect_eq(pp->pr_nidle, 0);
	for (i = 0; i < 3; i++)
		pool_put(m, pp, v[i]);
	cr_expect_eq(pp->pr_npages, 1);
	cr_expect_eq(pp->pr_nidle, 1);
	cr_expect_eq(pp->pr_npagefree, 0);
	cr_expect_eq(pp->pr_nout, 0);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	va = get(m, pp);
	cr_expect_eq(va / PG, m->m_kmem_map.vm_min / PG);
	cr_expect_eq(pp->pr_npagealloc, 1);
	cr_expect_eq(pp->pr_nidle, 0);
	machine_free(m);
}

/*
 * pr_maxout is the most items out at once, not the number of gets:
 * 3 out, 2 back (1 out), 2 more (3 out again), 1 more (4 out): 6 gets,
 * a high-water mark of 4, and it stays 4 when all go back.
 */
Test(pool, most_items_out_at_once)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 0);
	vaddr_t v[4];
	int i;

	for (i = 0; i < 3; i++)
		v[i] = get(m, pp);
	cr_expect_eq(pp->pr_maxout, 3);
	pool_put(m, pp, v[1]);
	pool_put(m, pp, v[2]);
	cr_expect_eq(pp->pr_nout, 1);
	cr_expect_eq(pp->pr_maxout, 3);
	v[1] = get(m, pp);
	v[2] = get(m, pp);
	cr_expect_eq(pp->pr_maxout, 3);
	v[3] = get(m, pp);
	cr_expect_eq(pp->pr_nget, 6);
	cr_expect_eq(pp->pr_maxout, 4);
	for (i = 0; i < 4; i++)
		pool_put(m, pp, v[i]);
	cr_expect_eq(pp->pr_nout, 0);
	cr_expect_eq(pp->pr_maxout, 4);
	machine_free(m);
}

/*
 * pool_drain_all() releases a page only once it has been idle 10 s.
 *   The page goes idle at m_now = 1 s.  At 1 s + 10 s - 1 ns it has
 *   been idle less than 10 s: kept.  At 11 s, exactly 10 s: released;
 *   pr_npages 0, pr_npagefree 1, pr_nidle 0, kmem_map empty, one wired
 *   page less.
 */
Test(pool, drain_after_ten_seconds)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 0);
	uint32_t wired;
	vaddr_t va;

	m->m_now = 1 * SEC;
	va = get(m, pp);
	wired = m->m_wired;
	pool_put(m, pp, va);
	m->m_now = 11 * SEC - 1;
	pool_drain_all(m);
	cr_expect_eq(pp->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	m->m_now = 11 * SEC;
	pool_drain_all(m);
	cr_expect_eq(pp->pr_npages, 0);
	cr_expect_eq(pp->pr_npagefree, 1);
	cr_expect_eq(pp->pr_nidle, 0);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	cr_expect_eq(m->m_wired, wired - 1);
	cr_expect_null(pool_of(m, va));
	/* A get after the drain takes a fresh page: the first again. */
	cr_expect_eq(get(m, pp), m->m_kmem_map.vm_min);
	machine_free(m);
}

/*
 * A page with an item still out is never drained, however long: 2
 * gets, 1 put, then 100 s later the page is still there.
 */
Test(pool, drain_keeps_busy_pages)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 0);
	vaddr_t a;

	a = get(m, pp);
	(void)get(m, pp);
	pool_put(m, pp, a);
	m->m_now = 100 * SEC;
	pool_drain_all(m);
	cr_expect_eq(pp->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	machine_free(m);
}

/*
 * Draining an off-page pool gives its header back to phpool, whose page
 * then is idle from that moment.
 *   t = 0: a 256-byte default pool gets and puts one item: its page
 *   (vm_min) is idle since 0; the header page of phpool (vm_min + 4096)
 *   holds one header.  2 kmem_map pages.
 *   t = 10 s: the pool's page goes (idle 10 s) and its header is put
 *   back: phpool's page is idle from 10 s, 0 s so far, and stays: 1
 *   kmem_map page.
 *   t = 20 s: phpool's page has been idle 10 s and goes: 0 pages.
 */
Test(pool, drain_off_page_header_later)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "bigpl", 256, 0);
	struct pool *phpool = m->m_pools[POOL_PHPOOL];
	vaddr_t va;

	m->m_now = 0;
	va = get(m, pp);
	pool_put(m, pp, va);
	cr_assert_eq(m->m_kmem_map.vm_used, 2);
	m->m_now = 10 * SEC;
	pool_drain_all(m);
	cr_expect_eq(pp->pr_npages, 0);
	cr_expect_eq(phpool->pr_nout, 0);
	cr_expect_eq(phpool->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	m->m_now = 20 * SEC;
	pool_drain_all(m);
	cr_expect_eq(phpool->pr_npages, 0);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	machine_free(m);
}

/*
 * pool_of() finds the pool of any address in one of its pages, and
 * nothing for addresses that are not pool pages: a malloc'ed block, an
 * address below the kernel space, an unused kernel address.
 */
Test(pool, pool_of_finds_the_pool)
{
	struct machine *m = boot64();
	struct pool *a = newpool(m, "apl", 48, 0);
	struct pool *b = newpool(m, "bpl", 48, 1);
	struct pool *c = newpool(m, "cpl", 256, 0);
	vaddr_t va, vb, vc, blk = 0;
	int t = malloc_type(m, "M_TEMP");

	va = get(m, a);
	vb = get(m, b);
	vc = get(m, c);
	cr_expect_eq(pool_of(m, va), a);
	cr_expect_eq(pool_of(m, va + 100), a);
	cr_expect_eq(pool_of(m, vb), b);
	cr_expect_eq(pool_of(m, vc), c);
	cr_expect_eq(pool_of(m, page_of(m, vc)->ph_hdr),
	    m->m_pools[POOL_PHPOOL]);
	cr_assert_eq(kern_malloc(m, 16000, t, M_WAITOK, &blk), 0);
	cr_expect_null(pool_of(m, blk));
	cr_expect_null(pool_of(m, 0x1000));
	cr_expect_null(pool_of(m, m->m_kernbase - 1));
	cr_expect_null(pool_of(m, 0xff000000u));
	machine_free(m);
}

/*
 * pool_reclaim_all() (reclaim's release pass, FreeBSD's uma_reclaim())
 * takes every idle page whatever its age, where pool_drain_all() waits
 * for 10 s: two pools with an idle page each, idle since 1 ns ago: the
 * drain keeps both, the reclaim returns 2 and kmem_map is empty.  A
 * page with an item out stays: a third pool's busy page is kept.
 */
Test(pool, reclaim_all_ignores_age)
{
	struct machine *m = boot64();
	struct pool *a = newpool(m, "apl", 48, 0);
	struct pool *b = newpool(m, "bpl", 64, 0);
	struct pool *c = newpool(m, "cpl", 96, 0);
	vaddr_t va, vb;

	m->m_now = 1 * SEC;
	va = get(m, a);
	vb = get(m, b);
	(void)get(m, c);
	pool_put(m, a, va);
	pool_put(m, b, vb);
	cr_assert_eq(m->m_kmem_map.vm_used, 3);
	m->m_now = 1 * SEC + 1;
	pool_drain_all(m);
	cr_expect_eq(m->m_kmem_map.vm_used, 3);
	cr_expect_eq(pool_reclaim_all(m), 2);
	cr_expect_eq(a->pr_npages, 0);
	cr_expect_eq(b->pr_npages, 0);
	cr_expect_eq(c->pr_npages, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(pool_reclaim_all(m), 0);
	machine_free(m);
}

/* Pages on the list of full pages (pr_full). */
static int
nfull(const struct pool *pp)
{
	const struct pool_page *ph;
	int n = 0;

	for (ph = pp->pr_full; ph != NULL; ph = ph->ph_next)
		n++;
	return n;
}

/*
 * Which page a get takes after a page fills: 1.5's first page of its
 * list with a free item.  1024-byte items, 4 a page (header off the
 * page).  20 gets fill pages P1 to P5, each going to the tail as it
 * fills: list P1 P2 P3 P4 P5, all full (all on pr_full here, none on
 * pr_head's list, no current page).  Putting item x of P2 moves P2 to
 * the head (it was full): P2 P1 P3 P4 P5, current P2; putting item y of
 * P4 likewise: P4 P2 P1 P3 P5, current P4.  The next get takes y back
 * (P4's only free item), P4 fills and goes to the tail: P2 P1 P3 P5 P4;
 * the walk from the head finds P2, so the get after takes x.  Then P2
 * is full again, no page has a free item, and the next get carves a
 * new page.
 */
Test(pool, refill_from_first_page_with_free_item)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "t1024", 1024, 0);
	vaddr_t it[20], x, y;
	char err[256];
	int i;

	cr_assert_eq(machine_check_enable(m), 0);
	cr_assert_eq(pp->pr_itemsperpage, 4);
	for (i = 0; i < 20; i++)
		it[i] = get(m, pp);
	cr_expect_eq(pp->pr_npages, 5);
	cr_expect_eq(nfull(pp), 5);
	cr_expect_null(pp->pr_head);
	cr_expect_null(pp->pr_curpage);
	x = it[5];	/* P2's second item */
	y = it[14];	/* P4's third */
	pool_put(m, pp, x);
	cr_expect_eq(pp->pr_curpage, page_of(m, x));
	pool_put(m, pp, y);
	cr_expect_eq(pp->pr_curpage, page_of(m, y));
	cr_expect_eq(nfull(pp), 3);
	cr_expect_eq(get(m, pp), y);
	cr_expect_eq(pp->pr_curpage, page_of(m, x));
	cr_expect_eq(get(m, pp), x);
	cr_expect_null(pp->pr_curpage);
	cr_expect_eq(nfull(pp), 5);
	x = get(m, pp);
	cr_expect_eq(pp->pr_npages, 6);
	for (i = 0; i < 20; i++)
		cr_expect_neq(page_of(m, x), page_of(m, it[i]));
	/* And the checker finds both lists sound (kcheck.c). */
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);
	machine_free(m);
}

/* The kernel pages m_pgowner[] names an owner for, by a walk of it all. */
static uint32_t
owners(const struct machine *m)
{
	uint32_t pg, n = 0;

	for (pg = 0; pg < m->m_kvapages; pg++)
		n += m->m_pgowner[pg] != NULL;
	return n;
}

/*
 * A machine freed leaves m_pgowner[] empty (pool_destroy() clears what
 * its pages owned), so the next machine of the same kernel space may
 * take the array over without zeroing it (machine.c).  A pool of 48-byte
 * items has 84 to a 4096-byte page (the 40-byte header on the page:
 * 4056 / 48); 200 gets take 3 pages, each owned, besides whatever the
 * boot itself took.  Freed and booted again: the same array, and no
 * owner in it that the new machine does not count.
 */
Test(pool, freed_machine_leaves_no_page_owner)
{
	struct machine *m = boot64();
	struct pool *pp = newpool(m, "testpl", 48, 1);
	struct pool_page **was;
	uint32_t boot = m->m_npgowned;
	int i;

	cr_assert_eq(owners(m), boot);
	for (i = 0; i < 200; i++)
		(void)get(m, pp);
	cr_expect_eq(m->m_npgowned, boot + 3);
	cr_expect_eq(owners(m), boot + 3);
	was = m->m_pgowner;
	machine_free(m);
	m = boot64();
	cr_expect_eq(m->m_pgowner, was, "the array was not taken over");
	cr_expect_eq(owners(m), m->m_npgowned);
	machine_free(m);
}
