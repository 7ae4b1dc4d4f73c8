/*
 * kern_malloc.c: malloc(9) and free(9) as the 4.4BSD bucket allocator of
 * NetBSD 1.5 does them, over the simulated kmem_map.
 *
 * Requests up to MAXALLOCSAVE come from power-of-two buckets; an empty
 * bucket is refilled with 1 << indx bytes of fresh kmem_map (one page for
 * buckets up to a page, two for 8 KiB), carved top-down; free() appends
 * to the tail, so reuse is FIFO; bucket pages are never given back.
 * Larger requests get whole pages, returned on free.  The free lists and
 * kmemusage[] live in simulated memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcheck.h"
#include "kern_malloc.h"
#include "kern_synch.h"
#include "kp_ledger.h"
#include "machine.h"
#include "uvm_km.h"

/* A free element holds the address of the next one. */
static inline vaddr_t *
freelist_next(struct machine *m, vaddr_t va)
{

	return (vaddr_t *)kva(m, va);
}

static inline struct kmemusage *
btokup(struct machine *m, vaddr_t va)
{

	return m->m_kmem.kup + ((va - m->m_kmem_map.vm_min) >> m->m_pageshift);
}

/* Pages a refill of bucket INDX takes: one, or two for 8 KiB. */
static inline uint32_t
bucketpages(const struct machine *m, int indx)
{

	return (unsigned)indx > m->m_pageshift ?
	    1U << (indx - (int)m->m_pageshift) : 1;
}

/* The smallest bucket that holds SIZE: ceil(log2(size)), clamped. */
static inline int
bucketindx(unsigned long size)
{
	int indx;

	if (size <= (1UL << MINBUCKET))
		return MINBUCKET;
	indx = (int)(sizeof(long) * 8) - __builtin_clzl(size - 1);
	return indx > MAXBUCKET ? MAXBUCKET : indx;
}

int
malloc_bucketindx(unsigned long size)
{

	return bucketindx(size);
}

unsigned long
malloc_allocsize(const struct machine *m, unsigned long size)
{

	if (size > m->m_kmem.maxallocsave)
		return round_page(m, size);
	return 1UL << malloc_bucketindx(size);
}

int
malloc_type(struct machine *m, const char *name)
{
	struct kmem *k = &m->m_kmem;
	int i, c;

	/*
	 * Names are mostly "M_..."; the third byte settles most
	 * mismatches without a call (read only when the name is that long).
	 * (The replay keeps the last type it asked for: replay_type().)
	 */
	c = name[0] == '\0' || name[1] == '\0' ? -1 : (unsigned char)name[2];
	for (i = 0; i < k->ntypes; i++)
		if ((c < 0 || (unsigned char)k->kmemstats[i].ks_shortdesc[2] ==
		    c) && strcmp(k->kmemstats[i].ks_shortdesc, name) == 0)
			return i;
	if (k->ntypes == MALLOC_MAXTYPES || strlen(name) > MALLOC_NAMEMAX)
		return -1;
	i = k->ntypes++;
	memset(&k->kmemstats[i], 0, sizeof(k->kmemstats[i]));
	snprintf(k->kmemstats[i].ks_shortdesc,
	    sizeof(k->kmemstats[i].ks_shortdesc), "%s", name);
	k->kmemstats[i].ks_limit = k->limit;
	return i;
}

int
kmeminit(struct machine *m)
{
	struct kmem *k = &m->m_kmem;
	uint32_t npages = (uint32_t)profile_nkmempages(&m->m_prof);
	vsize_t usize = round_page(m, (uint64_t)npages * SIZEOF_KMEMUSAGE);
	vaddr_t base;
	int indx, error;

	memset(k, 0, sizeof(*k));
	k->maxallocsave = MAXALLOCSAVE_PAGES * m->m_pagesize;
	/* kmemusage[] is zeroed wired memory from kernel_map. */
	error = uvm_km_kmemalloc(m, &m->m_kernel_map, usize, UVM_KMF_NOWAIT,
	    &k->kmemusage);
	if (error != 0)
		return error;
	k->kup = kva(m, k->kmemusage);
	memset(k->kup, 0, usize);
	/* kmem_map is a submap: its range is taken from kernel_map. */
	if (vm_map_findspace(&m->m_kernel_map, npages, &base) != 0)
		return ENOSPC;
	if (vm_map_init(&m->m_kmem_map, "kmem_map", base, npages,
	    m->m_pageshift) != 0)
		return ENOMEM;
	for (indx = 0; indx <= MAXBUCKET; indx++) {
		struct kmembuckets *kbp = &k->kmembuckets[indx];

		if ((1UL << indx) >= m->m_pagesize)
			kbp->kb_elmpercl = 1;
		else
			kbp->kb_elmpercl = m->m_pagesize / (1UL << indx);
		kbp->kb_highwat = 5 * kbp->kb_elmpercl;
	}
	k->limit = (long)((uint64_t)npages * m->m_pagesize *
	    KMEMSTATS_LIMIT_NUM / KMEMSTATS_LIMIT_DEN);
	k->kmemstats = calloc(MALLOC_MAXTYPES, sizeof(*k->kmemstats));
	if (k->kmemstats == NULL)
		return ENOMEM;
	return 0;
}

void
kmemfini(struct machine *m)
{

	free(m->m_kmem.kmemstats);
	m->m_kmem.kmemstats = NULL;
	vm_map_destroy(&m->m_kmem_map);
}

/* Count a malloc that took a block. */
static inline void
malloc_done(struct kmembuckets *kbp, struct kmemstats *ksp)
{

	kbp->kb_calls++;
	ksp->ks_inuse++;
	ksp->ks_calls++;
	if (ksp->ks_memuse > ksp->ks_maxused)
		ksp->ks_maxused = ksp->ks_memuse;
}

/*
 * M_ZERO: clear the SIZE bytes at VA; returns 0, malloc's answer.  Out
 * of line, so that the common case calls nothing and saves no registers.
 */
static __attribute__((noinline)) int
malloc_zero(struct machine *m, vaddr_t va, unsigned long size)
{

	memset(kva(m, va), 0, size);
	return 0;
}

/* Take the head of bucket INDX's free list (FIFO). */
static inline vaddr_t
bucket_take(struct machine *m, struct kmembuckets *kbp,
    struct kmemstats *ksp, int indx)
{
	vaddr_t va = kbp->kb_next;
	struct kmemusage *kup = btokup(m, va);

	kbp->kb_next = *freelist_next(m, va);
	if (kbp->kb_next == 0)
		kbp->kb_last = 0;
	/* Its page was all free: no longer. */
	if (__builtin_expect(kup->ku_count-- == kbp->kb_elmpercl, 0))
		m->m_kmem.bucketfree -= bucketpages(m, indx);
	kbp->kb_totalfree--;
	ksp->ks_memuse += 1L << indx;
	return va;
}

/*
 * The rest of malloc: a type at its limit, an empty bucket refilled
 * from kmem_map, a large request given whole pages.  Apart so that the
 * common case, a non-empty bucket, stays short.
 */
static __attribute__((noinline)) int
malloc_refill(struct machine *m, unsigned long size, int type, int flags,
    vaddr_t *vap)
{
	struct kmem *k = &m->m_kmem;
	struct kmemstats *ksp = &k->kmemstats[type];
	struct kmembuckets *kbp;
	struct kmemusage *kup;
	unsigned long allocsize, region;
	vaddr_t va, cp;
	int indx, error;

	indx = bucketindx(size);
	kbp = &k->kmembuckets[indx];
	/* KMEMSTATS: a type at its limit waits (the check comes first). */
	if (m->m_prof.pr_kmemstats && ksp->ks_memuse >= ksp->ks_limit) {
		if (flags & M_NOWAIT) {
			ksp->ks_fails++;
			machine_refused(m, &m->m_kmem_map, size, "type limit");
			return ENOMEM;
		}
		if (ksp->ks_limblocks < 65535)
			ksp->ks_limblocks++;
		machine_refused(m, &m->m_kmem_map, size, "type limit");
		return tsleep(m, ksp->ks_shortdesc);
	}
	ksp->ks_size |= 1U << indx;
	if (kbp->kb_next == 0) {
		if (size > k->maxallocsave)
			allocsize = round_page(m, size);
		else
			allocsize = 1UL << indx;
		error = uvm_km_kmemalloc(m, &m->m_kmem_map, allocsize,
		    (flags & M_NOWAIT) ? UVM_KMF_NOWAIT : 0, &va);
		if (error == ENOSPC) {
			/* Out of kmem_map: NULL if the caller can take it. */
			if (flags & (M_NOWAIT | M_CANFAIL)) {
				ksp->ks_fails++;
				return ENOMEM;
			}
			return machine_panic(m,
			    "malloc: out of space in kmem_map");
		}
		if (error != 0) {
			if (error == ENOMEM)
				ksp->ks_fails++;
			return error;
		}
		kbp->kb_last = 0;
		kbp->kb_total += kbp->kb_elmpercl;
		kup = btokup(m, va);
		kup->ku_indx = (int16_t)indx;
		if (allocsize > k->maxallocsave) {
			uint64_t npg = allocsize >> m->m_pageshift;

			if (npg > MALLOC_MAXPAGES)
				return machine_panic(m,
				    "malloc: allocation too large");
			kup->ku_count = (uint16_t)npg;
			ksp->ks_memuse += (long)allocsize;
			malloc_done(kbp, ksp);
			kp_alloc(m, KA_KMEM, va, size, allocsize);
			*vap = va;
			return (flags & M_ZERO) ? malloc_zero(m, va, size) : 0;
		}
		region = round_page(m, allocsize);
		kbp->kb_pages += (long)(region >> m->m_pageshift);
		kup->ku_count = (uint16_t)kbp->kb_elmpercl;
		k->bucketfree += bucketpages(m, indx);
		kbp->kb_totalfree += kbp->kb_elmpercl;
		/*
		 * Carve the pages top-down: the list runs from the highest
		 * element to the lowest, so the highest is handed out first.
		 */
		kbp->kb_next = cp = va + region - (1U << indx);
		while (cp > va) {
			*freelist_next(m, cp) = cp - (1U << indx);
			cp -= 1U << indx;
		}
		*freelist_next(m, cp) = 0;
		kbp->kb_last = cp;
	}
	va = bucket_take(m, kbp, ksp, indx);
	malloc_done(kbp, ksp);
	kp_alloc(m, KA_KMEM, va, size, 1UL << indx);
	*vap = va;
	return (flags & M_ZERO) ? malloc_zero(m, va, size) : 0;
}

/*
 * The common case: a block from a bucket that has one.  COUNTED (a
 * constant where it is inlined) puts it in the probes' ledger.
 */
static inline __attribute__((always_inline)) int
malloc1(struct machine *m, unsigned long size, int type, int flags,
    vaddr_t *vap, int counted)
{
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	int indx = bucketindx(size);
	struct kmembuckets *kbp = &m->m_kmem.kmembuckets[indx];
	vaddr_t va;

	if (__builtin_expect(kbp->kb_next == 0 || (m->m_prof.pr_kmemstats &&
	    ksp->ks_memuse >= ksp->ks_limit), 0))
		return malloc_refill(m, size, type, flags, vap);
	ksp->ks_size |= 1U << indx;
	va = bucket_take(m, kbp, ksp, indx);
	malloc_done(kbp, ksp);
	if (counted)
		kp_alloc(m, KA_KMEM, va, size, 1UL << indx);
	*vap = va;
	if (__builtin_expect(flags & M_ZERO, 0))
		return malloc_zero(m, va, size);
	return 0;
}

/* malloc with the probes' ledger counting, and nothing else. */
static __attribute__((noinline)) int
malloc_counted(struct machine *m, unsigned long size, int type, int flags,
    vaddr_t *vap)
{

	return malloc1(m, size, type, flags, vap, 1);
}

/* malloc timed by the probes or watched by the checker. */
static __attribute__((noinline)) int
malloc_watched(struct machine *m, unsigned long size, int type, int flags,
    vaddr_t *vap)
{
	uint64_t t = KP_START(m, KP_MALLOC);
	int error;

	error = malloc1(m, size, type, flags, vap, m->m_kledger != NULL);
#ifdef KMBENCH_SLOW_MALLOC
	/*
	 * Test only (make slow): a timed malloc(9) takes five times as long,
	 * the regression kmbench compare must catch (tests/test_compare.c).
	 */
	if (t != 0) {
		uint64_t end = t + 5 * (kp_timer_now(&m->m_kptimer) - t);

		while (kp_timer_now(&m->m_kptimer) < end)
			continue;
	}
#endif
	KP_END_ERR(m, KP_MALLOC, KA_KMEM, t, error);
	if (error == 0 && m->m_kcheck != NULL)
		kcheck_alloc(m, *vap, malloc_allocsize(m, size), type);
	return error;
}

int
kern_malloc(struct machine *m, unsigned long size, int type, int flags,
    vaddr_t *vap)
{

	if (__builtin_expect(size > m->m_kmem.waitok_max, 0) &&
	    (flags & M_NOWAIT) == 0)
		m->m_kmem.waitok_max = size;
	if (__builtin_expect(m->m_kprobe != NULL || m->m_kcheck != NULL, 0))
		return m->m_probe_lat || m->m_kcheck != NULL ?
		    malloc_watched(m, size, type, flags, vap) :
		    malloc_counted(m, size, type, flags, vap);
	return malloc1(m, size, type, flags, vap, 0);
}

/* free() of a large block: its pages go back to kmem_map. */
static __attribute__((noinline)) void
free_large(struct machine *m, vaddr_t addr, struct kmemstats *ksp,
    struct kmemusage *kup)
{
	unsigned long size = (unsigned long)kup->ku_count << m->m_pageshift;

	kp_free(m, KA_KMEM, addr, size);
	uvm_km_free(m, &m->m_kmem_map, addr, size);
	m->m_kmem.kmembuckets[kup->ku_indx].kb_total -= 1;
	kup->ku_indx = 0;
	kup->ku_count = 0;
	ksp->ks_memuse -= (long)size;
	ksp->ks_inuse--;
}

/* COUNTED as for malloc1(). */
static inline __attribute__((always_inline)) void
free1(struct machine *m, vaddr_t addr, int type, struct kmemusage *kup,
    int counted)
{
	struct kmem *k = &m->m_kmem;
	struct kmemstats *ksp = &k->kmemstats[type];
	struct kmembuckets *kbp = &k->kmembuckets[kup->ku_indx];
	unsigned long size = 1UL << kup->ku_indx;

	m->m_wakeups++;
	if (__builtin_expect(size > k->maxallocsave, 0)) {
		free_large(m, addr, ksp, kup);
		return;
	}
	if (++kup->ku_count >= kbp->kb_elmpercl) {
		/* Every element of the page is free now. */
		if (kup->ku_count == kbp->kb_elmpercl)
			k->bucketfree += bucketpages(m, kup->ku_indx);
		if (kbp->kb_totalfree > kbp->kb_highwat)
			kbp->kb_couldfree++;
	}
	kbp->kb_totalfree++;
	ksp->ks_memuse -= (long)size;
	ksp->ks_inuse--;
	/* Append to the tail: FIFO reuse. */
	*freelist_next(m, addr) = 0;
	if (kbp->kb_next == 0)
		kbp->kb_next = addr;
	else
		*freelist_next(m, kbp->kb_last) = addr;
	kbp->kb_last = addr;
	if (counted)
		kp_free(m, KA_KMEM, addr, size);
}

/* free with the probes' ledger counting, and nothing else. */
static __attribute__((noinline)) void
free_counted(struct machine *m, vaddr_t addr, int type)
{

	free1(m, addr, type, btokup(m, addr), 1);
}

/* free timed by the probes or watched by the checker. */
static __attribute__((noinline)) void
free_watched(struct machine *m, vaddr_t addr, int type)
{
	uint64_t t = KP_START(m, KP_FREE);

	if (m->m_kcheck != NULL)
		kcheck_free(m, addr, type);
	free1(m, addr, type, btokup(m, addr), m->m_kledger != NULL);
	KP_END(m, KP_FREE, KA_KMEM, t);
}

void
kern_free(struct machine *m, vaddr_t addr, int type)
{

	if (__builtin_expect(m->m_kprobe != NULL || m->m_kcheck != NULL, 0)) {
		if (m->m_probe_lat || m->m_kcheck != NULL)
			free_watched(m, addr, type);
		else
			free_counted(m, addr, type);
	} else
		free1(m, addr, type, btokup(m, addr), 0);
}

/*
 * kmem_reclaim(): one walk of each bucket's free list.  The first
 * element met on an all-free page marks the page (KU_RECLAIM, with the
 * count of its elements still on the list); each of them is unlinked,
 * and when the last is, the page goes back to kmem_map.  Elements on
 * other pages keep their order.
 */
#define KU_RECLAIM	0x8000

uint32_t
kmem_reclaim(struct machine *m)
{
	struct kmem *k = &m->m_kmem;
	struct kmembuckets *kbp;
	struct kmemusage *kup;
	vaddr_t va, next, prev, base;
	unsigned long region;
	uint32_t freed = 0;
	int indx;

	for (indx = MINBUCKET; (1UL << indx) <= k->maxallocsave; indx++) {
		kbp = &k->kmembuckets[indx];
		if (kbp->kb_totalfree < kbp->kb_elmpercl)
			continue;
		region = round_page(m, 1UL << indx);
		prev = 0;
		for (va = kbp->kb_next; va != 0; va = next) {
			next = *freelist_next(m, va);
			kup = btokup(m, va);
			if (kup->ku_count == kbp->kb_elmpercl) {
				/* Marked, and released before the walk ends. */
				kup->ku_count = (uint16_t)(KU_RECLAIM |
				    kbp->kb_elmpercl);
				k->bucketfree -= bucketpages(m, indx);
			}
			if ((kup->ku_count & KU_RECLAIM) == 0) {
				prev = va;
				continue;
			}
			/* Unlink VA; its page may now be released. */
			if (prev == 0)
				kbp->kb_next = next;
			else
				*freelist_next(m, prev) = next;
			if (kbp->kb_last == va)
				kbp->kb_last = prev;
			if (--kup->ku_count != KU_RECLAIM)
				continue;
			/* A page's elements share it; an 8 KiB one is alone. */
			base = kbp->kb_elmpercl == 1 ? va : va -
			    ((va - m->m_kmem_map.vm_min) &
			    (m->m_pagesize - 1));
			kup = btokup(m, base);
			kup->ku_indx = 0;
			kup->ku_count = 0;
			kbp->kb_total -= kbp->kb_elmpercl;
			kbp->kb_totalfree -= kbp->kb_elmpercl;
			kbp->kb_pages -= (long)(region >> m->m_pageshift);
			uvm_km_free(m, &m->m_kmem_map, base, region);
			freed += (uint32_t)(region >> m->m_pageshift);
		}
	}
	return freed;
}
