/*
 * test_hostcache.c: the host-page cache of the kernel's unwired pages
 * (kernel/hostcache.h): pages unwired keep their host memory until the
 * cache passes its mark, a page wired again leaves the cache, and the
 * cache goes back to the host one madvise() per run of contiguous pages,
 * with the ledger's records of the same addresses.  Whether a page is
 * resident is asked of the host with mincore().
 *
 * Facts used: i386-64M has 4 KiB pages, as the host (x86); the mark is
 * HOSTCACHE_HIWAT_BYTES (1 MiB) / 4 KiB = 256 pages.  A machine booted
 * with no strategy places kernel_map requests first fit, one after the
 * other (each test asserts the addresses it relies on).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../kernel/hostcache.h"
#include "../kernel/kp_ledger.h"
#include "../kernel/machine.h"
#include "../kernel/uvm_km.h"
#include "kmtest.h"

#define PG	4096u

TestSuite(hostcache);

static struct machine *
boot64(void)
{
	struct machine *m = kmtest_boot(NULL, "i386-64M", NULL);

	cr_assert_eq(sysconf(_SC_PAGESIZE), PG, "the host's pages are not "
	    "4 KiB");
	cr_assert_eq(m->m_hcache.hc_hiwat, 256);
	cr_assert_eq(m->m_hcache.hc_pages, 0);
	return m;
}

/* NPAGES of kernel_map, wired, every byte written. */
static vaddr_t
alloc_written(struct machine *m, uint32_t npages)
{
	vaddr_t va = 0;

	cr_assert_eq(uvm_km_kmemalloc(m, &m->m_kernel_map,
	    (vsize_t)npages * PG, UVM_KMF_NOWAIT, &va), 0);
	memset(kva(m, va), 0xa5, (size_t)npages * PG);
	return va;
}

/* Pages of NPAGES at host address P that the host holds. */
static uint32_t
resident(const void *p, uint32_t npages)
{
	unsigned char vec[512];
	uint32_t i, n = 0;

	cr_assert(npages <= sizeof(vec));
	cr_assert_eq(mincore((void *)p, (size_t)npages * PG, vec), 0);
	for (i = 0; i < npages; i++)
		n += vec[i] & 1;
	return n;
}

/*
 * Below the mark nothing goes back.  8 pages written and freed: 8 in
 * the cache, still resident, no madvise.  8 pages asked again come from
 * the same place (first fit) and leave the cache: 0 in it, and the
 * bytes are still those written (no fault gave a zero page).
 */
Test(hostcache, kept_below_the_mark_and_taken_back)
{
	struct machine *m = boot64();
	vaddr_t a, b;

	a = alloc_written(m, 8);
	uvm_km_free(m, &m->m_kernel_map, a, 8 * PG);
	cr_expect_eq(m->m_hcache.hc_pages, 8);
	cr_expect_eq(m->m_hcache.hc_runs, 0);
	cr_expect_eq(resident(kva(m, a), 8), 8);
	cr_assert_eq(uvm_km_kmemalloc(m, &m->m_kernel_map, 8 * PG,
	    UVM_KMF_NOWAIT, &b), 0);
	cr_assert_eq(b, a);
	cr_expect_eq(m->m_hcache.hc_pages, 0);
	cr_expect_eq(((unsigned char *)kva(m, b))[8 * PG - 1], 0xa5);
	cr_expect_eq(m->m_hcache.hc_runs, 0);
	machine_free(m);
}

/*
 * Past the mark, the next unwiring hands the cache back, run by run,
 * before its own pages join.  X (100 pages), Y (1), Z (100), W (1),
 * V (100) lie one after the other.  Freed X, Z, V: 300 pages in the
 * cache, past 256, but nothing goes back yet.  Freeing Y first empties
 * the cache: three runs (X, Z, V: Y and W are wired between them, and
 * X and V cross 64-page words of the bitmap), 300 pages, one flush;
 * then Y alone is in it.  X, Z and V are no longer resident; Y and W
 * still are.  host_flush() then hands back Y alone: a fourth run, W
 * (wired) still resident.
 */
Test(hostcache, handed_back_in_runs_past_the_mark)
{
	struct machine *m = boot64();
	vaddr_t x, y, z, w, v;

	x = alloc_written(m, 100);
	y = alloc_written(m, 1);
	z = alloc_written(m, 100);
	w = alloc_written(m, 1);
	v = alloc_written(m, 100);
	cr_assert(y == x + 100 * PG && z == y + PG && w == z + 100 * PG &&
	    v == w + PG, "kernel_map did not place them one after another");
	uvm_km_free(m, &m->m_kernel_map, x, 100 * PG);
	uvm_km_free(m, &m->m_kernel_map, z, 100 * PG);
	uvm_km_free(m, &m->m_kernel_map, v, 100 * PG);
	cr_expect_eq(m->m_hcache.hc_pages, 300);
	cr_expect_eq(m->m_hcache.hc_flushes, 0);
	cr_expect_eq(resident(kva(m, x), 100), 100);
	uvm_km_free(m, &m->m_kernel_map, y, PG);
	cr_expect_eq(m->m_hcache.hc_flushes, 1);
	cr_expect_eq(m->m_hcache.hc_runs, 3);
	cr_expect_eq(m->m_hcache.hc_released, 300);
	cr_expect_eq(m->m_hcache.hc_pages, 1);
	cr_expect_eq(resident(kva(m, x), 100), 0);
	cr_expect_eq(resident(kva(m, z), 100), 0);
	cr_expect_eq(resident(kva(m, v), 100), 0);
	cr_expect_eq(resident(kva(m, y), 1), 1);
	cr_expect_eq(resident(kva(m, w), 1), 1);
	/* An explicit flush: Y alone, one run. */
	host_flush(m);
	cr_expect_eq(m->m_hcache.hc_runs, 4);
	cr_expect_eq(m->m_hcache.hc_pages, 0);
	cr_expect_eq(resident(kva(m, y), 1), 0);
	cr_expect_eq(resident(kva(m, w), 1), 1);
	machine_free(m);
}

/*
 * Contiguous pages freed apart make one run, and the ledger's records
 * of those addresses go back with them.  A (130 pages) and B (130)
 * adjoin, C (1) follows.  Freeing A then B: 260 pages, past the mark;
 * freeing C hands back A and B as one run of 260 pages: with a ledger
 * attached, two madvise calls, the kernel pages' and the records'.
 * The records were written (as kp_alloc would) and read as 0 after.
 */
Test(hostcache, adjoining_pages_one_run_with_their_records)
{
	struct machine *m = boot64();
	struct kp_ledger l;
	vaddr_t a, b, c;

	memset(&l, 0, sizeof(l));
	cr_assert_not_null(l.kl_rec = host_reserve(m->m_kvalen));
	m->m_kledger = &l;
	a = alloc_written(m, 130);
	b = alloc_written(m, 130);
	c = alloc_written(m, 1);
	cr_assert(b == a + 130 * PG && c == b + 130 * PG);
	memset(kp_rec(m, &l, a), 0x5a, 260 * PG);
	cr_expect_eq(resident(kp_rec(m, &l, a), 260), 260);
	uvm_km_free(m, &m->m_kernel_map, a, 130 * PG);
	uvm_km_free(m, &m->m_kernel_map, b, 130 * PG);
	cr_expect_eq(m->m_hcache.hc_pages, 260);
	uvm_km_free(m, &m->m_kernel_map, c, PG);
	cr_expect_eq(m->m_hcache.hc_flushes, 1);
	cr_expect_eq(m->m_hcache.hc_runs, 2);
	cr_expect_eq(m->m_hcache.hc_released, 260);
	cr_expect_eq(resident(kva(m, a), 260), 0);
	cr_expect_eq(resident(kp_rec(m, &l, a), 260), 0);
	cr_expect_eq(*kp_rec(m, &l, b), 0);
	m->m_kledger = NULL;
	munmap(l.kl_rec, m->m_kvalen);
	machine_free(m);
}
