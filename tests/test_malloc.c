/*
 * test_malloc.c: malloc(9) and free(9), the 4.4BSD bucket allocator of
 * kern_malloc.c (kernel/kern_malloc.h), on a booted i386-64M machine.
 *
 * Facts used throughout (netbsd-model.md):
 *   pages are 4096 bytes; i386-64M has 64 MiB = 16384 pages of RAM, so
 *   kmem_map is physmem/4 = 4096 pages (16 MiB, between MIN 2048 and
 *   MAX 32768); buckets are powers of two from 16 bytes (index 4);
 *   MAXALLOCSAVE is 2 pages = 8192 bytes; a bucket refill takes
 *   1 << indx bytes (one page up to 4 KiB), carved top-down, and free()
 *   appends to the tail of the bucket's list; larger requests take
 *   page-rounded space, given back on free; ks_limit is 60% of
 *   kmem_map's bytes.
 * A machine booted with strategy NULL (plain malloc) takes nothing from
 * kmem_map at boot: no process exists and pools get pages lazily, so
 * first fit in kmem_map starts at its first page, vm_min.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../kernel/kcheck.h"
#include "../kernel/kern_malloc.h"
#include "../kernel/kern_proc.h"
#include "../kernel/machine.h"
#include "../kernel/uvm_km.h"
#include "kmtest.h"

#define PG	4096u

TestSuite(malloc);

static struct machine *
boot64(const char *const *sets)
{
	struct machine *m = kmtest_boot(NULL, "i386-64M", sets);

	cr_assert_eq(m->m_kmem_map.vm_used, 0,
	    "kmem_map is not empty after boot");
	return m;
}

/* malloc that must succeed. */
static vaddr_t
xmalloc(struct machine *m, unsigned long size, int type, int flags)
{
	vaddr_t va = 0;
	int error;

	error = kern_malloc(m, size, type, flags, &va);
	cr_assert_eq(error, 0, "malloc(%lu) failed: %d", size, error);
	return va;
}

static struct kmembuckets *
bucket(struct machine *m, int indx)
{

	return &m->m_kmem.kmembuckets[indx];
}

static struct kmemstats *
stats(struct machine *m, int type)
{

	return &m->m_kmem.kmemstats[type];
}

/*
 * BUCKETINDX and the bytes a request really takes.
 *   1, 16  -> index 4 (MINBUCKET), 16 bytes
 *   17     -> index 5, 32 bytes (16 < 17 <= 32)
 *   250    -> index 8, 256 bytes (128 < 250 <= 256)
 *   8192   -> index 13, 8192 bytes: MAXALLOCSAVE itself is a bucket
 *   8193   -> index 14, but over MAXALLOCSAVE: roundup(8193, 4096) =
 *             12288 bytes, 3 pages
 *   16000  -> 16384 (4 pages); 20000 -> 20480 (5 pages)
 */
Test(malloc, bucket_index_and_size)
{
	struct machine *m = boot64(NULL);

	cr_expect_eq(malloc_bucketindx(1), 4);
	cr_expect_eq(malloc_bucketindx(16), 4);
	cr_expect_eq(malloc_bucketindx(17), 5);
	cr_expect_eq(malloc_bucketindx(250), 8);
	cr_expect_eq(malloc_bucketindx(8192), 13);
	cr_expect_eq(malloc_bucketindx(8193), 14);
	cr_expect_eq(malloc_allocsize(m, 1), 16);
	cr_expect_eq(malloc_allocsize(m, 16), 16);
	cr_expect_eq(malloc_allocsize(m, 17), 32);
	cr_expect_eq(malloc_allocsize(m, 250), 256);
	cr_expect_eq(malloc_allocsize(m, 8192), 8192);
	cr_expect_eq(malloc_allocsize(m, 8193), 12288);
	cr_expect_eq(malloc_allocsize(m, 16000), 16384);
	cr_expect_eq(malloc_allocsize(m, 20000), 20480);
	machine_free(m);
}

/*
 * 8193 bytes is a large allocation: 3 fresh pages at kmem_map's first
 * page, counted as 12288 bytes of the type; free gives the 3 pages back.
 */
Test(malloc, large_8193_is_three_pages)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va;

	va = xmalloc(m, 8193, t, M_WAITOK);
	cr_expect_eq(va, m->m_kmem_map.vm_min);
	cr_expect_eq(m->m_kmem_map.vm_used, 3);
	cr_expect_eq(stats(m, t)->ks_memuse, 12288);
	kern_free(m, va, t);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	cr_expect_eq(stats(m, t)->ks_memuse, 0);
	machine_free(m);
}

/*
 * Top-down carving.  The first 256-byte malloc refills bucket 8 with one
 * page (kmem_map's first, vm_min) cut into 4096/256 = 16 elements, the
 * list running from the highest: the first element handed out is at
 * page + 4096 - 256 = page + 3840, the next at page + 3584.
 *   bucket 8: kb_elmpercl 16, kb_highwat 5 * 16 = 80, kb_total 16,
 *   kb_totalfree 16 - 2 = 14, kb_calls 2; kmem_map: 1 page used.
 * A 16-byte malloc then refills bucket 4 with the next page (vm_min +
 * 4096): its first element is at vm_min + 8192 - 16 = vm_min + 8176.
 */
Test(malloc, top_down_carving)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t page = m->m_kmem_map.vm_min;
	struct kmembuckets *kb = bucket(m, 8);

	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), page + 3840);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), page + 3584);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(kb->kb_elmpercl, 16);
	cr_expect_eq(kb->kb_highwat, 80);
	cr_expect_eq(kb->kb_total, 16);
	cr_expect_eq(kb->kb_totalfree, 14);
	cr_expect_eq(kb->kb_calls, 2);
	cr_expect_eq(xmalloc(m, 16, t, M_WAITOK), page + 8176);
	cr_expect_eq(m->m_kmem_map.vm_used, 2);
	machine_free(m);
}

/*
 * The 8 KiB bucket: a refill takes 1 << 13 = 8192 bytes, two pages,
 * holding one element (kb_elmpercl 1, highwat 5).  The first 8192-byte
 * malloc is at vm_min (page + 8192 - 8192); the second, of 5000 bytes
 * (also bucket 13), refills again: vm_min + 8192; 4 pages in use.
 */
Test(malloc, bucket_8k_takes_two_pages)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t base = m->m_kmem_map.vm_min;

	cr_expect_eq(xmalloc(m, 8192, t, M_WAITOK), base);
	cr_expect_eq(m->m_kmem_map.vm_used, 2);
	cr_expect_eq(xmalloc(m, 5000, t, M_WAITOK), base + 8192);
	cr_expect_eq(m->m_kmem_map.vm_used, 4);
	cr_expect_eq(bucket(m, 13)->kb_elmpercl, 1);
	cr_expect_eq(bucket(m, 13)->kb_highwat, 5);
	cr_expect_eq(stats(m, t)->ks_memuse, 16384);
	machine_free(m);
}

/*
 * FIFO reuse when the list is empty.  All 16 elements of a 256-byte
 * page are taken (the list is empty); free A (page + 3840, the first
 * given out) then B (page + 3584): the list is A, B, so the next two
 * mallocs return A then B (LIFO would give B first).  No new page.
 */
Test(malloc, fifo_reuse_on_empty_list)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t page = m->m_kmem_map.vm_min, a, b;
	int i;

	a = xmalloc(m, 256, t, M_WAITOK);
	b = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(a, page + 3840);
	cr_assert_eq(b, page + 3584);
	for (i = 2; i < 16; i++)
		(void)xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(bucket(m, 8)->kb_totalfree, 0);
	kern_free(m, a, t);
	kern_free(m, b, t);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), a);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), b);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	machine_free(m);
}

/*
 * The same in the other order: free B then A, and B comes back first.
 */
Test(malloc, fifo_reuse_other_order)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t a, b;
	int i;

	a = xmalloc(m, 256, t, M_WAITOK);
	b = xmalloc(m, 256, t, M_WAITOK);
	for (i = 2; i < 16; i++)
		(void)xmalloc(m, 256, t, M_WAITOK);
	kern_free(m, b, t);
	kern_free(m, a, t);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), b);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), a);
	machine_free(m);
}

/*
 * FIFO reuse behind the page's remaining elements.  A = page + 3840 and
 * B = page + 3584 are taken from a fresh page; the list still holds the
 * other 14, from page + 3328 down to page + 0 (3328 = 13 * 256).  Free A
 * then B: they go to the tail, behind those 14.  So the next 14 mallocs
 * return page + 3328, + 3072, ..., + 0, the 15th returns A, the 16th B,
 * all from the one page; the 17th finds the list empty and refills from
 * kmem_map's second page: vm_min + 8192 - 256 = vm_min + 7936.
 */
Test(malloc, fifo_reuse_behind_remaining)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t page = m->m_kmem_map.vm_min, a, b;
	int i;

	a = xmalloc(m, 256, t, M_WAITOK);
	b = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(a, page + 3840);
	cr_assert_eq(b, page + 3584);
	kern_free(m, a, t);
	kern_free(m, b, t);
	for (i = 0; i < 14; i++)
		cr_expect_eq(xmalloc(m, 256, t, M_WAITOK),
		    page + 3328 - 256 * (vaddr_t)i, "malloc %d", i);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), a);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), b);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), page + 7936);
	cr_expect_eq(m->m_kmem_map.vm_used, 2);
	machine_free(m);
}

/*
 * Bucket pages are never given back.  16 mallocs of 256 fill one page;
 * freeing all 16 leaves kmem_map's count at 1 page and the 16 elements
 * on the list (kb_totalfree 16).  kb_couldfree stays 0: when the page's
 * last element is freed, kb_totalfree is 15 before the increment, not
 * over kb_highwat (80).  The type's counts drop to 0.
 */
Test(malloc, bucket_page_kept_after_free)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va[16];
	int i;

	for (i = 0; i < 16; i++)
		va[i] = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(m->m_kmem_map.vm_used, 1);
	for (i = 0; i < 16; i++)
		kern_free(m, va[i], t);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(bucket(m, 8)->kb_totalfree, 16);
	cr_expect_eq(bucket(m, 8)->kb_couldfree, 0);
	cr_expect_eq(stats(m, t)->ks_memuse, 0);
	cr_expect_eq(stats(m, t)->ks_inuse, 0);
	machine_free(m);
}

/*
 * kb_couldfree counts a page only when kb_totalfree > kb_highwat.
 *   96 mallocs of 256 take 6 pages (P0..P5, 16 elements each) and leave
 *   kb_totalfree 0.  Freed in allocation order, page Pk becomes wholly
 *   free at the 16(k+1)-th free, when kb_totalfree (before its
 *   increment) is 15, 31, 47, 63, 79, 95: only 95 > 80, so couldfree is
 *   1.  Still 6 pages in kmem_map; kb_totalfree 96.  The next malloc
 *   reuses the first element freed (P0 + 3840 = vm_min + 3840), no new
 *   page.
 */
Test(malloc, couldfree_above_highwat)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va[96];
	int i;

	for (i = 0; i < 96; i++)
		va[i] = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(m->m_kmem_map.vm_used, 6);
	cr_assert_eq(bucket(m, 8)->kb_totalfree, 0);
	for (i = 0; i < 96; i++)
		kern_free(m, va[i], t);
	cr_expect_eq(bucket(m, 8)->kb_couldfree, 1);
	cr_expect_eq(bucket(m, 8)->kb_totalfree, 96);
	cr_expect_eq(m->m_kmem_map.vm_used, 6);
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK),
	    m->m_kmem_map.vm_min + 3840);
	cr_expect_eq(m->m_kmem_map.vm_used, 6);
	machine_free(m);
}

/*
 * The comparison is strict: kb_totalfree must exceed kb_highwat before
 * the increment.  96 mallocs of 256 on pages P0..P5 (allocations
 * 16k..16k+15 come from Pk).  Free 15 elements of each of P0..P4 (75)
 * and 5 of P5: 80 free, no page wholly free.  Freeing P0's last element
 * finds kb_totalfree 80, not > 80: couldfree stays 0.  Freeing P1's last
 * finds 81 > 80: couldfree 1.
 */
Test(malloc, couldfree_strictly_above_highwat)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va[96];
	int i, k;

	for (i = 0; i < 96; i++)
		va[i] = xmalloc(m, 256, t, M_WAITOK);
	for (k = 0; k < 5; k++)
		for (i = 0; i < 15; i++)
			kern_free(m, va[16 * k + i], t);
	for (i = 0; i < 5; i++)
		kern_free(m, va[80 + i], t);
	cr_assert_eq(bucket(m, 8)->kb_totalfree, 80);
	cr_assert_eq(bucket(m, 8)->kb_couldfree, 0);
	kern_free(m, va[15], t);
	cr_expect_eq(bucket(m, 8)->kb_couldfree, 0);
	kern_free(m, va[31], t);
	cr_expect_eq(bucket(m, 8)->kb_couldfree, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 6);
	machine_free(m);
}

/*
 * A large allocation goes back to kmem_map on free.  A 256-byte malloc
 * takes page 0 for bucket 8; 16000 bytes round to 16384 = 4 pages, first
 * fit at page 1 (vm_min + 4096): 5 pages used.  Free the 16000: back to
 * 1 (the bucket page stays).  The next 16000 finds the same hole first:
 * vm_min + 4096 again.
 */
Test(malloc, large_returned_and_reused)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t base = m->m_kmem_map.vm_min, va;

	(void)xmalloc(m, 256, t, M_WAITOK);
	va = xmalloc(m, 16000, t, M_WAITOK);
	cr_expect_eq(va, base + 4096);
	cr_expect_eq(m->m_kmem_map.vm_used, 5);
	kern_free(m, va, t);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(xmalloc(m, 16000, t, M_WAITOK), base + 4096);
	cr_expect_eq(m->m_kmem_map.vm_used, 5);
	machine_free(m);
}

/*
 * First fit in a fragmented kmem_map.  Three 16000-byte blocks (4 pages
 * each) at pages 0, 4 and 8: vm_min, vm_min + 16384, vm_min + 32768.
 * Free the first two: one 8-page hole [0,8) (coalesced) before the
 * third block, and [12,4096) after it: 2 free extents, 4 pages used.
 * 20000 bytes = 5 pages fit the first hole: vm_min.  That leaves a
 * 3-page hole [5,8); 16000 bytes = 4 pages do not fit there and land
 * after the third block, at page 12 = vm_min + 49152.  4 + 5 + 4 = 13
 * pages used.
 */
Test(malloc, first_fit_in_fragmented_kmem_map)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t base = m->m_kmem_map.vm_min, a, b, c;

	a = xmalloc(m, 16000, t, M_WAITOK);
	b = xmalloc(m, 16000, t, M_WAITOK);
	c = xmalloc(m, 16000, t, M_WAITOK);
	cr_assert_eq(a, base);
	cr_assert_eq(b, base + 16384);
	cr_assert_eq(c, base + 32768);
	kern_free(m, a, t);
	kern_free(m, b, t);
	cr_expect_eq(m->m_kmem_map.vm_nfree, 2);
	cr_expect_eq(m->m_kmem_map.vm_used, 4);
	cr_expect_eq(xmalloc(m, 20000, t, M_WAITOK), base);
	cr_expect_eq(xmalloc(m, 16000, t, M_WAITOK), base + 49152);
	cr_expect_eq(m->m_kmem_map.vm_used, 13);
	machine_free(m);
}

/*
 * Statistics per type, as vmstat -m prints them.
 *   M_TEMP: 250 (bucket 256), 100 (bucket 128), 16000 (large, 16384):
 *     calls 3, inuse 3, memuse 256 + 128 + 16384 = 16768, maxused 16768.
 *   free the 16000: inuse 2, memuse 384, maxused stays 16768.
 *   17 bytes (bucket 32): calls 4, inuse 3, memuse 416, maxused 16768.
 *   ks_size has a bit per bucket index used: 8, 7, 14 (16000's index,
 *   16384 = 1 << 14) and 5 = 0x100 | 0x80 | 0x4000 | 0x20 = 0x41a0.
 *   M_DEVBUF, 8193 bytes (3 pages): calls 1, memuse 12288, apart from
 *   M_TEMP.
 *   Both limits: 4096 pages * 4096 = 16777216 bytes; 60% = 100663296/10
 *   = 10066329 (integer division), whether or not KMEMSTATS is on.
 */
Test(malloc, kmemstats_per_type)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP"), d = malloc_type(m, "M_DEVBUF");
	struct kmemstats *ks = stats(m, t);
	vaddr_t big;

	cr_assert_neq(t, d);
	(void)xmalloc(m, 250, t, M_WAITOK);
	(void)xmalloc(m, 100, t, M_WAITOK);
	big = xmalloc(m, 16000, t, M_WAITOK);
	cr_expect_eq(ks->ks_calls, 3);
	cr_expect_eq(ks->ks_inuse, 3);
	cr_expect_eq(ks->ks_memuse, 16768);
	cr_expect_eq(ks->ks_maxused, 16768);
	kern_free(m, big, t);
	cr_expect_eq(ks->ks_calls, 3);
	cr_expect_eq(ks->ks_inuse, 2);
	cr_expect_eq(ks->ks_memuse, 384);
	cr_expect_eq(ks->ks_maxused, 16768);
	(void)xmalloc(m, 17, t, M_WAITOK);
	cr_expect_eq(ks->ks_calls, 4);
	cr_expect_eq(ks->ks_inuse, 3);
	cr_expect_eq(ks->ks_memuse, 416);
	cr_expect_eq(ks->ks_maxused, 16768);
	cr_expect_eq(ks->ks_size, 0x41a0u);
	(void)xmalloc(m, 8193, d, M_WAITOK);
	cr_expect_eq(stats(m, d)->ks_calls, 1);
	cr_expect_eq(stats(m, d)->ks_memuse, 12288);
	cr_expect_eq(ks->ks_memuse, 416);
	cr_expect_eq(ks->ks_limit, 10066329);
	cr_expect_eq(stats(m, d)->ks_limit, 10066329);
	machine_free(m);
}

/* The same name gives the same type. */
Test(malloc, type_registration)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");

	cr_expect_eq(malloc_type(m, "M_TEMP"), t);
	cr_expect_neq(malloc_type(m, "M_DEVBUF"), t);
	cr_expect_str_eq(stats(m, t)->ks_shortdesc, "M_TEMP");
	machine_free(m);
}

static const char *const kmemstats_on[] = { "kmemstats=on", NULL };

/*
 * KMEMSTATS limit with M_NOWAIT.  Limit 10066329 (see above).  memuse is
 * 0 < limit, so 12 MiB = 12582912 bytes (3072 pages, fits in 4096) is
 * allowed although it overshoots: the check comes before the
 * allocation.  Now memuse 12582912 >= limit: a 16-byte M_NOWAIT malloc
 * returns NULL (ENOMEM) without sleeping, so limblocks stays 0; calls
 * stays 1; the NULL counts in ks_fails (1).
 */
Test(malloc, limit_nowait_returns_null)
{
	struct machine *m = boot64(kmemstats_on);
	int t = malloc_type(m, "M_TEMP");
	struct kmemstats *ks = stats(m, t);
	vaddr_t va = 0;

	cr_assert_eq(ks->ks_limit, 10066329);
	(void)xmalloc(m, 12582912, t, M_WAITOK);
	cr_expect_eq(ks->ks_memuse, 12582912);
	cr_expect_eq(kern_malloc(m, 16, t, M_NOWAIT, &va), ENOMEM);
	cr_expect_eq(ks->ks_limblocks, 0);
	cr_expect_eq(ks->ks_calls, 1);
	cr_expect_eq(ks->ks_fails, 1);
	cr_expect_eq(m->m_kmem_map.vm_used, 3072);
	cr_expect_not(m->m_panicked);
	machine_free(m);
}

/*
 * KMEMSTATS limit with M_WAITOK from a process: it sleeps on the type
 * (ESLEEP, wait message naming M_TEMP) and limblocks counts 1; a second
 * try counts 2.  Another type (M_DEVBUF) is not held back.  Once the 12
 * MiB are freed, memuse is 0 < limit and the same malloc succeeds.
 */
Test(malloc, limit_waitok_sleeps)
{
	struct machine *m = boot64(kmemstats_on);
	int t = malloc_type(m, "M_TEMP"), d = malloc_type(m, "M_DEVBUF");
	struct kmemstats *ks = stats(m, t);
	struct proc p;
	vaddr_t big, va = 0;

	memset(&p, 0, sizeof(p));
	p.p_pid = 7;
	m->m_curproc = &p;
	big = xmalloc(m, 12582912, t, M_WAITOK);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), ESLEEP);
	cr_expect_eq(ks->ks_limblocks, 1);
	cr_assert_not_null(p.p_wmesg);
	cr_expect(strstr(p.p_wmesg, "M_TEMP") != NULL, "wmesg '%s'",
	    p.p_wmesg);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), ESLEEP);
	cr_expect_eq(ks->ks_limblocks, 2);
	cr_expect_not(m->m_panicked);
	(void)xmalloc(m, 16, d, M_WAITOK);
	kern_free(m, big, t);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), 0);
	cr_expect_eq(ks->ks_memuse, 16);
	m->m_curproc = NULL;
	machine_free(m);
}

/*
 * KMEMSTATS limit with M_WAITOK in interrupt context (m_curproc NULL):
 * tsleep there is a panic, "tsleep: ... interrupt context"; limblocks
 * counted 1 before the sleep.
 */
Test(malloc, limit_waitok_interrupt_panics)
{
	struct machine *m = boot64(kmemstats_on);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va = 0;

	cr_assert_null(m->m_curproc);
	(void)xmalloc(m, 12582912, t, M_WAITOK);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), EPANIC);
	cr_expect(m->m_panicked);
	cr_expect_eq(strncmp(m->m_panicstr, "tsleep", 6), 0, "panic '%s'",
	    m->m_panicstr);
	cr_expect(strstr(m->m_panicstr, "interrupt context") != NULL,
	    "panic '%s'", m->m_panicstr);
	cr_expect_eq(stats(m, t)->ks_limblocks, 1);
	machine_free(m);
}

/*
 * The limit test is memuse >= limit.  With nkmempages=2560 the limit is
 * 2560 * 4096 * 6 / 10 = 6291456 bytes = exactly 1536 pages.
 *   1535 pages (6287360 bytes): memuse 6287360 < 6291456.
 *   a 4096-byte malloc (bucket 12, one page) is still allowed: memuse
 *   becomes 6291456, equal to the limit.
 *   the next M_NOWAIT malloc is refused: 6291456 >= 6291456.
 */
Test(malloc, limit_is_reached_at_equality)
{
	static const char *const sets[] = { "kmemstats=on",
	    "nkmempages=2560", NULL };
	struct machine *m = kmtest_boot(NULL, "i386-64M", sets);
	int t = malloc_type(m, "M_TEMP");
	struct kmemstats *ks = stats(m, t);
	vaddr_t va = 0;

	cr_assert_eq(ks->ks_limit, 6291456);
	(void)xmalloc(m, 1535 * 4096UL, t, M_WAITOK);
	cr_expect_eq(kern_malloc(m, 4096, t, M_NOWAIT, &va), 0);
	cr_expect_eq(ks->ks_memuse, 6291456);
	cr_expect_eq(kern_malloc(m, 16, t, M_NOWAIT, &va), ENOMEM);
	machine_free(m);
}

/*
 * Without KMEMSTATS (the i386 profiles' default) there is no limit: after
 * 12 MiB of M_TEMP (memuse over 10066329) a 16-byte M_NOWAIT malloc of
 * M_TEMP still succeeds.
 */
Test(malloc, no_limit_without_kmemstats)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va = 0;

	cr_assert_eq(m->m_prof.pr_kmemstats, 0);
	(void)xmalloc(m, 12582912, t, M_WAITOK);
	cr_expect_eq(kern_malloc(m, 16, t, M_NOWAIT, &va), 0);
	cr_expect_eq(stats(m, t)->ks_limblocks, 0);
	machine_free(m);
}

/*
 * M_ZERO.  Bucket 11 holds 4096/2048 = 2 elements a page: X = page +
 * 2048 (top-down), Y = page.  Fill X with 0xab and free it: the list is
 * just X, so the next 2048-byte malloc returns X.  Without M_ZERO the
 * old bytes are still there (free wrote only the list link, the first 4
 * bytes); with M_ZERO all 2048 bytes are 0.
 */
Test(malloc, m_zero_zeroes)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t page = m->m_kmem_map.vm_min, x, y;
	unsigned char *p;
	int i, nonzero;

	x = xmalloc(m, 2048, t, M_WAITOK);
	y = xmalloc(m, 2048, t, M_WAITOK);
	cr_assert_eq(x, page + 2048);
	cr_assert_eq(y, page);
	p = kva(m, x);
	memset(p, 0xab, 2048);
	kern_free(m, x, t);
	cr_assert_eq(xmalloc(m, 2048, t, M_WAITOK), x);
	cr_expect_eq(p[100], 0xab);
	cr_expect_eq(p[2047], 0xab);
	memset(p, 0xab, 2048);
	kern_free(m, x, t);
	cr_assert_eq(xmalloc(m, 2048, t, M_WAITOK | M_ZERO), x);
	for (i = 0, nonzero = 0; i < 2048; i++)
		if (p[i] != 0)
			nonzero++;
	cr_expect_eq(nonzero, 0, "%d bytes not zeroed", nonzero);
	machine_free(m);
}

/*
 * Out of kmem_map space.  kmem_map has 4096 pages.  4000 pages
 * (16384000 bytes) fit; 96 pages remain.  A 100-page request
 * (409600 bytes) cannot fit:
 *   M_NOWAIT              -> NULL (ENOMEM), no panic
 *   M_WAITOK | M_CANFAIL  -> NULL (ENOMEM), no panic
 * The remaining 96 pages (393216 bytes) still fit exactly: the map is
 * full (4096 used, largest free 0).  Then even a 16-byte M_WAITOK malloc
 * needs a fresh bucket page and panics "malloc: out of space in
 * kmem_map".
 */
Test(malloc, out_of_kmem_map)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va = 0;

	(void)xmalloc(m, 16384000, t, M_WAITOK);
	cr_assert_eq(m->m_kmem_map.vm_used, 4000);
	cr_expect_eq(kern_malloc(m, 409600, t, M_NOWAIT, &va), ENOMEM);
	cr_expect_not(m->m_panicked);
	cr_expect_eq(kern_malloc(m, 409600, t, M_WAITOK | M_CANFAIL, &va),
	    ENOMEM);
	cr_expect_not(m->m_panicked);
	cr_expect_eq(m->m_kmem_map.vm_used, 4000);
	cr_expect_eq(stats(m, t)->ks_calls, 1);
	(void)xmalloc(m, 393216, t, M_NOWAIT);
	cr_expect_eq(m->m_kmem_map.vm_used, 4096);
	cr_expect_eq(vm_map_largest_free(&m->m_kmem_map), 0);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), EPANIC);
	cr_expect(m->m_panicked);
	cr_expect_str_eq(m->m_panicstr, "malloc: out of space in kmem_map");
	machine_free(m);
}

/*
 * Address space but no physical page: M_NOWAIT returns NULL, M_WAITOK
 * sleeps (uvm_km_kmemalloc), in interrupt context that is a panic.
 *   i386-16M with nkmempages=4000: 4096 pages of RAM; boot wires the
 *   image (4 MiB = 1024 pages), kmemusage[] (4000 * 4 = 16000 bytes, 4
 *   pages) and the buffers ((512 + 4096) / 20 = 230): 1258, so 4096 -
 *   1258 = 2838 pages are free, while kmem_map has 4000 pages of room.
 *   2839 pages: M_NOWAIT -> ENOMEM, the address space is given back
 *   (kmem_map empty), no panic; M_WAITOK from a process -> ESLEEP.
 *   2838 pages fit exactly: no free page left.  Then a 16-byte M_WAITOK
 *   malloc in interrupt context needs one page and panics in tsleep.
 */
Test(malloc, no_physical_pages)
{
	static const char *const sets[] = { "nkmempages=4000", NULL };
	struct machine *m = kmtest_boot(NULL, "i386-16M", sets);
	int t = malloc_type(m, "M_TEMP");
	struct proc p;
	vaddr_t va = 0;

	cr_assert_eq(m->m_kmem_map.vm_npages, 4000);
	cr_expect_eq(m->m_freepages, 2838);
	cr_expect_eq(kern_malloc(m, 2839UL * PG, t, M_NOWAIT, &va), ENOMEM);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	cr_expect_not(m->m_panicked);
	memset(&p, 0, sizeof(p));
	m->m_curproc = &p;
	cr_expect_eq(kern_malloc(m, 2839UL * PG, t, M_WAITOK, &va), ESLEEP);
	cr_expect_not(m->m_panicked);
	m->m_curproc = NULL;
	cr_expect_eq(kern_malloc(m, 2838UL * PG, t, M_NOWAIT, &va), 0);
	cr_expect_eq(m->m_freepages, 0);
	cr_expect_eq(kern_malloc(m, 16, t, M_WAITOK, &va), EPANIC);
	cr_expect_eq(strncmp(m->m_panicstr, "tsleep", 6), 0, "panic '%s'",
	    m->m_panicstr);
	machine_free(m);
}

/*
 * A request larger than the whole map: 20000000 bytes = 4883 pages
 * (20000000 / 4096 = 4882.8, rounded up) > 4096.  M_WAITOK panics with
 * "malloc: out of space in kmem_map", from a process as well (the
 * panic does not depend on the context).
 */
Test(malloc, bigger_than_kmem_map_panics)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	struct proc p;
	vaddr_t va = 0;

	memset(&p, 0, sizeof(p));
	m->m_curproc = &p;
	cr_expect_eq(kern_malloc(m, 20000000, t, M_WAITOK, &va), EPANIC);
	cr_expect_str_eq(m->m_panicstr, "malloc: out of space in kmem_map");
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	m->m_curproc = NULL;
	machine_free(m);
}

/*
 * More than 65535 pages: "malloc: allocation too large".  On i386-512M
 * (131072 pages of RAM) with nkmempages=70000 kmem_map has room for
 * 65536 pages.  65535 pages (268431360 bytes) are allowed; once freed,
 * 65536 pages (268435456 bytes) panic with that message.
 */
Test(malloc, allocation_too_large)
{
	static const char *const sets[] = { "nkmempages=70000", NULL };
	struct machine *m = kmtest_boot(NULL, "i386-512M", sets);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va = 0;

	cr_assert_eq(m->m_kmem_map.vm_npages, 70000);
	cr_assert_eq(kern_malloc(m, 65535UL * 4096, t, M_WAITOK, &va), 0);
	cr_expect_eq(m->m_kmem_map.vm_used, 65535);
	kern_free(m, va, t);
	cr_expect_eq(m->m_kmem_map.vm_used, 0);
	cr_expect_eq(kern_malloc(m, 65536UL * 4096, t, M_WAITOK, &va),
	    EPANIC);
	cr_expect_str_eq(m->m_panicstr, "malloc: allocation too large");
	machine_free(m);
}

/*
 * Pages smaller than the host's: with 1 KiB pages, four simulated pages
 * share a 4 KiB host page.  Three-page blocks are taken from kmem_map
 * (first fit, one after another) until one, A, starts a host page (one
 * of the first four does, as 3 and 4 are coprime); the next page, P, is
 * A + 3072, in A's host page.  P holds a word.  Freeing A gives the
 * host back no page: the only host page A touches is also P's, so the
 * word is still there.  (Giving back A's 3072 bytes as they were would
 * have cleared the whole host page, P with it.)
 */
Test(malloc, small_pages_free_keeps_neighbour)
{
	const char *sets[] = { "pagesize=1024", NULL };
	struct machine *m = boot64(sets);
	vaddr_t a = 0, p;
	uint64_t word = 0x1234567890abcdefULL;
	int i;

	cr_assert_eq(m->m_pagesize, 1024);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(uvm_km_kmemalloc(m, &m->m_kmem_map, 3072,
		    UVM_KMF_NOWAIT, &a), 0);
		if (((uintptr_t)kva(m, a) & 4095) == 0)
			break;
	}
	cr_assert_lt(i, 4, "no 3-page block starts a host page");
	cr_assert_eq(uvm_km_kmemalloc(m, &m->m_kmem_map, 1024,
	    UVM_KMF_NOWAIT, &p), 0);
	cr_assert_eq(p, a + 3072);
	memcpy(kva(m, p), &word, sizeof(word));
	uvm_km_free(m, &m->m_kmem_map, a, 3072);
	cr_expect_eq(memcmp(kva(m, p), &word, sizeof(word)), 0);
	machine_free(m);
}

/*
 * kmem_reclaim() (reclaim's release pass) gives back exactly the bucket
 * pages whose elements are all free.  48 mallocs of 256 bytes fill
 * three pages P0, P1, P2 (16 each, in that order of address).  Free all
 * of P0 and P2 and one element of P1: P0 and P2 have ku_count 16 =
 * kb_elmpercl, P1 has 1.  kmem_reclaim() releases 2 pages: kmem_map is
 * down to 1 page, kb_pages 1, kb_total 16, and the only free element
 * left on the list is P1's (kb_totalfree 1, kb_next = kb_last = it).
 * One 8 KiB block freed is a wholly free 2-page bucket chunk: a second
 * call releases those 2 pages, and a third releases nothing.  The
 * checker agrees after each.
 */
Test(malloc, reclaim_frees_all_free_bucket_pages)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va[48], big;
	char err[256];
	int i;

	for (i = 0; i < 48; i++)
		va[i] = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(m->m_kmem_map.vm_used, 3);
	for (i = 0; i < 48; i++)
		if (i < 16 || i >= 32 || i == 20)
			kern_free(m, va[i], t);
	cr_expect_eq(bucket(m, 8)->kb_totalfree, 33);
	cr_expect_eq(kmem_reclaim(m), 2);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(bucket(m, 8)->kb_pages, 1);
	cr_expect_eq(bucket(m, 8)->kb_total, 16);
	cr_expect_eq(bucket(m, 8)->kb_totalfree, 1);
	cr_expect_eq(bucket(m, 8)->kb_next, va[20]);
	cr_expect_eq(bucket(m, 8)->kb_last, va[20]);
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);

	big = xmalloc(m, 8192, t, M_WAITOK);
	cr_expect_eq(m->m_kmem_map.vm_used, 3);
	kern_free(m, big, t);
	cr_expect_eq(kmem_reclaim(m), 2);
	cr_expect_eq(m->m_kmem_map.vm_used, 1);
	cr_expect_eq(kmem_reclaim(m), 0);
	cr_expect_eq(machine_check(m, err, sizeof(err)), 0, "%s", err);
	/* The page kept still serves: P1's free element comes back. */
	cr_expect_eq(xmalloc(m, 256, t, M_WAITOK), va[20]);
	machine_free(m);
}

/*
 * The probes' free bucket pages, walked as they were: every kmemusage[]
 * entry of a bucket no larger than MAXALLOCSAVE whose free count is
 * the bucket's elements per refill, counted in pages (two for 8 KiB).
 */
static uint32_t
walk_bucketfree(struct machine *m)
{
	uint32_t pg, n = 0;

	for (pg = 0; pg < m->m_kmem_map.vm_npages; pg++) {
		const struct kmemusage *kup = &m->m_kmem.kup[pg];

		if (kup->ku_indx >= MINBUCKET &&
		    (1UL << kup->ku_indx) <= m->m_kmem.maxallocsave &&
		    kup->ku_count ==
		    m->m_kmem.kmembuckets[kup->ku_indx].kb_elmpercl)
			n += kup->ku_indx > 12 ? 1U << (kup->ku_indx - 12) : 1;
	}
	return n;
}

#define BUCKETFREE(m, want) do {					\
	char err_[256];							\
									\
	cr_expect_eq((m)->m_kmem.bucketfree, (want),			\
	    "bucketfree %u, expected %u", (m)->m_kmem.bucketfree,	\
	    (unsigned)(want));						\
	cr_expect_eq(walk_bucketfree(m), (want));			\
	cr_expect_eq(machine_check((m), err_, sizeof(err_)), 0, "%s",	\
	    err_);							\
} while (0)

/*
 * kmem.bucketfree, the bucket pages whose every element is free, is
 * kept as elements come and go, and equals the walk at every step:
 *   16 mallocs of 256 bytes: one page P0 of 16 elements, refilled all
 *     free (+1) and taken from at once (-1), then emptied: 0
 *   free all 16: P0's count is back to 16: 1
 *   malloc 256 again: P0 gives its head element: 0
 *   malloc 8192: a 2-page chunk of one element, taken at once: 0;
 *     freed: 2 pages all free: 2
 *   malloc 20000 and free it: 5 whole pages, no bucket: still 2
 *   malloc 100: a new 128-byte page (32 elements) with 31 free: 2;
 *     freed: 32 of 32: 3
 *   kmem_reclaim(): gives back the 8 KiB chunk (2) and the 128-byte
 *     page (1), 3 pages, but not P0 (15 free): 0
 */
Test(malloc, bucketfree_follows_pages)
{
	struct machine *m = boot64(NULL);
	int t = malloc_type(m, "M_TEMP");
	vaddr_t va[16], one, big, large, small;
	int i;

	BUCKETFREE(m, 0);
	for (i = 0; i < 16; i++)
		va[i] = xmalloc(m, 256, t, M_WAITOK);
	cr_assert_eq(m->m_kmem_map.vm_used, 1);
	BUCKETFREE(m, 0);
	for (i = 0; i < 16; i++)
		kern_free(m, va[i], t);
	BUCKETFREE(m, 1);
	one = xmalloc(m, 256, t, M_WAITOK);
	BUCKETFREE(m, 0);
	big = xmalloc(m, 8192, t, M_WAITOK);
	BUCKETFREE(m, 0);
	kern_free(m, big, t);
	BUCKETFREE(m, 2);
	large = xmalloc(m, 20000, t, M_WAITOK);
	BUCKETFREE(m, 2);
	kern_free(m, large, t);
	BUCKETFREE(m, 2);
	small = xmalloc(m, 100, t, M_WAITOK);
	BUCKETFREE(m, 2);
	kern_free(m, small, t);
	BUCKETFREE(m, 3);
	cr_expect_eq(kmem_reclaim(m), 3);
	BUCKETFREE(m, 0);
	kern_free(m, one, t);
	BUCKETFREE(m, 1);
	machine_free(m);
}
