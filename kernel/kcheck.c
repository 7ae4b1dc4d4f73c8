/*
 * kcheck.c: machine_check(), the invariants of the simulated kernel's
 * memory bookkeeping, and the registry of live malloc blocks it checks
 * the per-type statistics against (see kcheck.h, docs/invariants.md).
 *
 * The checker only reads the machine.  Every walk through simulated
 * memory is bounded, and an address is checked to lie in its map before
 * it is followed, so a corrupt list is reported rather than looped on
 * or dereferenced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcheck.h"
#include "machine.h"
#include "subr_pool.h"
#include "subr_vmem.h"

/* One live malloc block. */
struct kc_block {
	vaddr_t		 kc_va;		/* 0: an empty slot */
	uint32_t	 kc_size;	/* bucket size, or whole pages */
	int		 kc_type;
};

/* The registry: open addressing, linear probing, load at most 1/2. */
struct kcheck {
	struct kc_block	*kc_tab;
	size_t		 kc_cap;	/* a power of two */
	size_t		 kc_n;
	int		 kc_partial;	/* enabled with blocks live */
	char		 kc_err[192];	/* a hook's first fault */
};

/* Totals gathered by one check, used by the later invariants. */
struct kc_sums {
	uint64_t	 poolpages_kmem;	/* pool pages in kmem_map */
	uint64_t	 poolpages_kernel;	/* pool pages in kernel_map */
	uint64_t	 internal_bytes;	/* items out of internal */
						/* kernel_map pools */
	uint64_t	 poolpages;		/* pool pages in all */
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The registry.
 */

static size_t
kc_hash(vaddr_t va, size_t cap)
{

	return ((uint32_t)(va >> 4) * 2654435761u) & (cap - 1);
}

static struct kc_block *
kc_lookup(const struct kcheck *kc, vaddr_t va)
{
	size_t i;

	for (i = kc_hash(va, kc->kc_cap); kc->kc_tab[i].kc_va != 0;
	    i = (i + 1) & (kc->kc_cap - 1))
		if (kc->kc_tab[i].kc_va == va)
			return &kc->kc_tab[i];
	return NULL;
}

static void
kc_put(struct kcheck *kc, const struct kc_block *b)
{
	size_t i;

	for (i = kc_hash(b->kc_va, kc->kc_cap); kc->kc_tab[i].kc_va != 0;
	    i = (i + 1) & (kc->kc_cap - 1))
		continue;
	kc->kc_tab[i] = *b;
	kc->kc_n++;
}

static int
kc_grow(struct kcheck *kc)
{
	struct kc_block *old = kc->kc_tab;
	size_t oldcap = kc->kc_cap, i;

	kc->kc_tab = calloc(2 * oldcap, sizeof(*kc->kc_tab));
	if (kc->kc_tab == NULL) {
		kc->kc_tab = old;
		return ENOMEM;
	}
	kc->kc_cap = 2 * oldcap;
	kc->kc_n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].kc_va != 0)
			kc_put(kc, &old[i]);
	free(old);
	return 0;
}

int
machine_check_enable(struct machine *m)
{
	struct kcheck *kc;
	int t;

	if (m->m_kcheck != NULL)
		return 0;
	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return ENOMEM;
	kc->kc_cap = 1024;
	if ((kc->kc_tab = calloc(kc->kc_cap, sizeof(*kc->kc_tab))) == NULL) {
		free(kc);
		return ENOMEM;
	}
	for (t = 0; t < m->m_kmem.ntypes; t++)
		if (m->m_kmem.kmemstats[t].ks_inuse != 0)
			kc->kc_partial = 1;
	m->m_kcheck = kc;
	return 0;
}

void
kcheck_alloc(struct machine *m, vaddr_t va, unsigned long size, int type)
{
	struct kcheck *kc = m->m_kcheck;
	struct kc_block b;

	if (kc == NULL || kc->kc_err[0] != '\0')
		return;
	if (va == 0 || kc_lookup(kc, va) != NULL) {
		snprintf(kc->kc_err, sizeof(kc->kc_err), "registry: malloc "
		    "returned %#" PRIx64 ", a block already live", va);
		return;
	}
	if (2 * (kc->kc_n + 1) > kc->kc_cap && kc_grow(kc) != 0) {
		snprintf(kc->kc_err, sizeof(kc->kc_err), "registry: out of "
		    "host memory");
		return;
	}
	b.kc_va = va;
	b.kc_size = (uint32_t)size;
	b.kc_type = type;
	kc_put(kc, &b);
}

void
kcheck_free(struct machine *m, vaddr_t va, int type)
{
	struct kcheck *kc = m->m_kcheck;
	struct kc_block *b;
	size_t i, j, h;

	if (kc == NULL || kc->kc_err[0] != '\0')
		return;
	if ((b = kc_lookup(kc, va)) == NULL) {
		if (!kc->kc_partial)
			snprintf(kc->kc_err, sizeof(kc->kc_err), "registry: "
			    "free of %#" PRIx64 ", which is not a live block",
			    va);
		return;
	}
	if (b->kc_type != type) {
		snprintf(kc->kc_err, sizeof(kc->kc_err), "registry: free of "
		    "%#" PRIx64 " as type %d, but it was malloc'ed as type %d",
		    va, type, b->kc_type);
		return;
	}
	/* Backward-shift deletion keeps every probe sequence unbroken. */
	i = (size_t)(b - kc->kc_tab);
	kc->kc_tab[i].kc_va = 0;
	kc->kc_n--;
	for (j = (i + 1) & (kc->kc_cap - 1); kc->kc_tab[j].kc_va != 0;
	    j = (j + 1) & (kc->kc_cap - 1)) {
		h = kc_hash(kc->kc_tab[j].kc_va, kc->kc_cap);
		/* Move J to I unless its home lies cyclically in (I, J]. */
		if ((i < j) ? (h <= i || h > j) : (h <= i && h > j)) {
			kc->kc_tab[i] = kc->kc_tab[j];
			kc->kc_tab[j].kc_va = 0;
			i = j;
		}
	}
}

void
kcheck_fini(struct machine *m)
{
	struct kcheck *kc = m->m_kcheck;

	if (kc != NULL) {
		free(kc->kc_tab);
		free(kc);
	}
	m->m_kcheck = NULL;
}

/*
 * The invariants.
 */

/*
 * The size table kept beside the free extents (vm_map.h): sorted, no
 * empty entry, its largest size the largest a walk finds, and each
 * size counted as often as extents have it.  The extents themselves
 * are checked first.
 */
static int
check_sizes(const struct vm_map *map, char *err, size_t errlen)
{
	const struct vm_sizecount *v = map->vm_sizes;
	uint32_t i, j, walk, *tally;
	int rc = -1;

	if (map->vm_nsizes > map->vm_nfree)
		return fail(err, errlen, "%s: %" PRIu32 " extent sizes in the "
		    "size table but %" PRIu32 " free extents", map->vm_name,
		    map->vm_nsizes, map->vm_nfree);
	for (i = 0; i < map->vm_nsizes; i++)
		if (v[i].vs_count == 0 || v[i].vs_size == 0 ||
		    (i > 0 && v[i].vs_size <= v[i - 1].vs_size))
			return fail(err, errlen, "%s: size table entry %" PRIu32
			    " (%" PRIu32 " pages x %" PRIu32 ") is empty or "
			    "out of order", map->vm_name, i, v[i].vs_size,
			    v[i].vs_count);
	walk = vm_map_largest_walk(map);
	if (vm_map_largest_free(map) != walk)
		return fail(err, errlen, "%s: largest free extent %" PRIu32
		    " pages by the size table but %" PRIu32 " by a walk",
		    map->vm_name, vm_map_largest_free(map), walk);
	if ((tally = calloc(map->vm_nsizes + 1, sizeof(*tally))) == NULL)
		return fail(err, errlen, "checker: out of host memory");
	for (i = 0; i < map->vm_nfree; i++) {
		j = vm_map_sizeindex(map, map->vm_free[i].ve_npages);
		if (j == map->vm_nsizes ||
		    v[j].vs_size != map->vm_free[i].ve_npages) {
			fail(err, errlen, "%s: free extent %" PRIu32 " of %"
			    PRIu32 " pages has no entry in the size table",
			    map->vm_name, i, map->vm_free[i].ve_npages);
			goto out;
		}
		tally[j]++;
	}
	for (j = 0; j < map->vm_nsizes; j++)
		if (tally[j] != v[j].vs_count) {
			fail(err, errlen, "%s: the size table counts %" PRIu32
			    " free extents of %" PRIu32 " pages but there are %"
			    PRIu32, map->vm_name, v[j].vs_count, v[j].vs_size,
			    tally[j]);
			goto out;
		}
	rc = 0;
out:
	free(tally);
	return rc;
}

/* Free extents sorted, inside, apart; free + used == size; nothing in
 * use above the top. */
static int
check_map(const struct vm_map *map, char *err, size_t errlen)
{
	const struct vm_extent *e = map->vm_free;
	uint64_t nfree = 0, end;
	uint32_t i;

	if (map->vm_nfree > map->vm_nfreealloc)
		return fail(err, errlen, "%s: %" PRIu32 " free extents in an "
		    "array of %" PRIu32, map->vm_name, map->vm_nfree,
		    map->vm_nfreealloc);
	for (i = 0; i < map->vm_nfree; i++) {
		end = (uint64_t)e[i].ve_start + e[i].ve_npages;
		if (e[i].ve_npages == 0)
			return fail(err, errlen, "%s: free extent %" PRIu32
			    " at page %" PRIu32 " is empty", map->vm_name, i,
			    e[i].ve_start);
		if (end > map->vm_npages)
			return fail(err, errlen, "%s: free extent %" PRIu32
			    " (pages %" PRIu32 "-%" PRIu64 ") runs past the "
			    "map's %" PRIu32 " pages", map->vm_name, i,
			    e[i].ve_start, end - 1, map->vm_npages);
		if (i > 0) {
			uint64_t pend = (uint64_t)e[i - 1].ve_start +
			    e[i - 1].ve_npages;

			if (e[i].ve_start < e[i - 1].ve_start)
				return fail(err, errlen, "%s: free extents "
				    "not sorted: extent %" PRIu32 " at page %"
				    PRIu32 " follows one at page %" PRIu32,
				    map->vm_name, i, e[i].ve_start,
				    e[i - 1].ve_start);
			if (pend > e[i].ve_start)
				return fail(err, errlen, "%s: free extents "
				    "overlap: extent %" PRIu32 " ends at page %"
				    PRIu64 " but the next starts at %" PRIu32,
				    map->vm_name, i - 1, pend, e[i].ve_start);
			if (pend == e[i].ve_start)
				return fail(err, errlen, "%s: free extents "
				    "not coalesced: extent %" PRIu32 " ends "
				    "where the next starts, at page %" PRIu32,
				    map->vm_name, i - 1, e[i].ve_start);
		}
		nfree += e[i].ve_npages;
	}
	if (map->vm_used > map->vm_npages ||
	    nfree != map->vm_npages - map->vm_used)
		return fail(err, errlen, "%s: %" PRIu64 " free pages in "
		    "extents but %" PRIu32 " - %" PRIu32 " = %" PRId64 " by "
		    "the count", map->vm_name, nfree, map->vm_npages,
		    map->vm_used, (int64_t)map->vm_npages - map->vm_used);
	if (map->vm_used > map->vm_peak)
		return fail(err, errlen, "%s: vm_used %" PRIu32 " above "
		    "vm_peak %" PRIu32, map->vm_name, map->vm_used,
		    map->vm_peak);
	/*
	 * Every page in use lies below vm_top: the pages above it are one
	 * free extent that ends the map (or there are none).
	 */
	if (map->vm_top > map->vm_npages || map->vm_peak > map->vm_top)
		return fail(err, errlen, "%s: vm_top %" PRIu32 " below "
		    "vm_peak %" PRIu32 " or past the map's %" PRIu32 " pages",
		    map->vm_name, map->vm_top, map->vm_peak, map->vm_npages);
	if (map->vm_top < map->vm_npages && (map->vm_nfree == 0 ||
	    e[map->vm_nfree - 1].ve_start > map->vm_top ||
	    e[map->vm_nfree - 1].ve_start + e[map->vm_nfree - 1].ve_npages !=
	    map->vm_npages))
		return fail(err, errlen, "%s: a page in use above vm_top %"
		    PRIu32, map->vm_name, map->vm_top);
	return check_sizes(map, err, errlen);
}

static struct kmemusage *
kc_kup(const struct machine *m, uint32_t pg)
{

	return (struct kmemusage *)kva(m, m->m_kmem.kmemusage) + pg;
}

/* Every page of one pool: its free list, its counts, its owner. */
static int
check_pool(struct machine *m, struct pool *pp, struct kc_sums *s,
    char *err, size_t errlen)
{
	const char *nm = pp->pr_wchan;
	struct pool_page *ph, *prev = NULL;
	uint64_t npages = 0, nidle = 0, nitems = 0, nout = 0, steps;
	int list = 0;
	uint32_t nfree, want;
	vaddr_t it, off;

	/*
	 * The list of pages with a free item, then that of full pages
	 * (subr_pool.c), as one walk.
	 */
	for (ph = pp->pr_head; ; prev = ph, ph = ph->ph_next) {
		if (ph == NULL && list == 0) {
			if (pp->pr_tail != prev)
				return fail(err, errlen, "pool %s: pr_tail is "
				    "not the last page of the list", nm);
			list = 1;
			prev = NULL;
			ph = pp->pr_full;
		}
		if (ph == NULL)
			break;
		if (++npages > m->m_kvapages)
			return fail(err, errlen, "pool %s: page list longer "
			    "than the kernel space (a cycle?)", nm);
		if (ph->ph_prev != prev)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    ": ph_prev does not point to the page before",
			    nm, ph->ph_page);
		if (ph->ph_pool != pp)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    " says it belongs to pool %s", nm, ph->ph_page,
			    ph->ph_pool != NULL ? ph->ph_pool->pr_wchan :
			    "(none)");
		if (!vm_map_contains(pp->pr_map, ph->ph_page) ||
		    ((ph->ph_page - pp->pr_map->vm_min) &
		    (m->m_pagesize - 1)) != 0)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    " is not a page of its map %s", nm, ph->ph_page,
			    pp->pr_map->vm_name);
		if (m->m_pgowner[kva_page(m, ph->ph_page)] != ph)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    ": m_pgowner does not point back to it", nm,
			    ph->ph_page);
		if (!pp->pr_phinpage && pool_of(m, ph->ph_hdr) !=
		    m->m_pools[POOL_PHPOOL])
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    ": off-page header %#" PRIx64 " is not a phpool "
			    "item", nm, ph->ph_page, ph->ph_hdr);
		if (ph->ph_nmissing > pp->pr_itemsperpage)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    ": ph_nmissing %" PRIu32 " above %" PRIu32
			    " items a page", nm, ph->ph_page,
			    ph->ph_nmissing, pp->pr_itemsperpage);
		want = pp->pr_itemsperpage - ph->ph_nmissing;
		nfree = 0;
		for (it = ph->ph_items, steps = 0; it != 0;
		    it = *(vaddr_t *)kva(m, it)) {
			if (++steps > want)
				return fail(err, errlen, "pool %s: page %#"
				    PRIx64 ": free list longer than %" PRIu32
				    " - %" PRIu32 " = %" PRIu32 " (a cycle?)",
				    nm, ph->ph_page, pp->pr_itemsperpage,
				    ph->ph_nmissing, want);
			off = it - ph->ph_page;
			if (it < ph->ph_page ||
			    off / pp->pr_size >= pp->pr_itemsperpage ||
			    off % pp->pr_size != 0)
				return fail(err, errlen, "pool %s: page %#"
				    PRIx64 ": free item %#" PRIx64 " is not "
				    "one of its %" PRIu32 " items of %" PRIu32
				    " bytes", nm, ph->ph_page, it,
				    pp->pr_itemsperpage, pp->pr_size);
			nfree++;
		}
		if (nfree != want)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    ": %" PRIu32 " free items on its list but %"
			    PRIu32 " - %" PRIu32 " = %" PRIu32 " by "
			    "ph_nmissing", nm, ph->ph_page, nfree,
			    pp->pr_itemsperpage, ph->ph_nmissing, want);
		if ((nfree == 0) != (list == 1) || ph->ph_full != list)
			return fail(err, errlen, "pool %s: page %#" PRIx64
			    " with %" PRIu32 " free items (ph_full %d) on "
			    "the list of pages %s", nm, ph->ph_page, nfree,
			    ph->ph_full, list == 1 ? "without one" :
			    "with one");
		nitems += nfree;
		nout += ph->ph_nmissing;
		if (ph->ph_nmissing == 0)
			nidle++;
	}
	/* Gets come from the current page: one with a free item. */
	if ((pp->pr_curpage == NULL) != (pp->pr_head == NULL) ||
	    (pp->pr_curpage != NULL && pp->pr_curpage->ph_full))
		return fail(err, errlen, "pool %s: pr_curpage %s", nm,
		    pp->pr_curpage == NULL ? "NULL with a free item on a "
		    "page" : "without a free item");
	if ((uint64_t)pp->pr_npages != npages)
		return fail(err, errlen, "pool %s: pr_npages %ld but %" PRIu64
		    " pages on the list", nm, pp->pr_npages, npages);
	if ((uint64_t)pp->pr_nitems != nitems)
		return fail(err, errlen, "pool %s: pr_nitems %ld but %" PRIu64
		    " free items on the pages", nm, pp->pr_nitems, nitems);
	if ((uint64_t)pp->pr_nout != nout)
		return fail(err, errlen, "pool %s: pr_nout %ld but the pages "
		    "miss %" PRIu64 " items", nm, pp->pr_nout, nout);
	if ((uint64_t)pp->pr_nidle != nidle)
		return fail(err, errlen, "pool %s: pr_nidle %ld but %" PRIu64
		    " pages with no item out", nm, pp->pr_nidle, nidle);
	s->poolpages += npages;
	if (pp->pr_map == &m->m_kmem_map)
		s->poolpages_kmem += npages;
	else {
		s->poolpages_kernel += npages;
		if (pp->pr_internal)
			s->internal_bytes += nout * pp->pr_size;
	}
	return 0;
}

static int
check_pools(struct machine *m, struct kc_sums *s, char *err, size_t errlen)
{
	struct pool *pp;
	uint64_t npools = 0;

	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next) {
		if (++npools > 4096)
			return fail(err, errlen, "pools: more than 4096 on "
			    "m_poollist (a cycle?)");
		if (check_pool(m, pp, s, err, errlen) != 0)
			return -1;
	}
	/*
	 * Every pool page's owner points back to it (check_pool()); no
	 * other page has one.  m_npgowned is kept by pgowner_set(), the
	 * only writer of m_pgowner[]: a walk of the whole array at every
	 * event was 99% of a checked replay.
	 */
	if (m->m_npgowned != s->poolpages)
		return fail(err, errlen, "m_pgowner: %" PRIu32 " pages have "
		    "an owner but the pools hold %" PRIu64, m->m_npgowned,
		    s->poolpages);
	return 0;
}

/*
 * The free list of bucket INDX; CNT counts the free elements per page of
 * kmem_map.
 */
static int
check_bucket(struct machine *m, int indx, uint32_t *cnt, char *err,
    size_t errlen)
{
	const struct vm_map *km = &m->m_kmem_map;
	const struct kmembuckets *kbp = &m->m_kmem.kmembuckets[indx];
	const struct kmemusage *kup;
	const struct kc_block *b;
	uint64_t size = 1ULL << indx, align, limit, n = 0;
	uint64_t mapbytes = (uint64_t)km->vm_npages << m->m_pageshift;
	vaddr_t va, last = 0;

	align = size < m->m_pagesize ? size : m->m_pagesize;
	if (kbp->kb_totalfree < 0)
		return fail(err, errlen, "kmembuckets[%d] (%" PRIu64 " bytes):"
		    " kb_totalfree %ld is negative", indx, size,
		    kbp->kb_totalfree);
	limit = (uint64_t)kbp->kb_totalfree;
	if (limit > mapbytes / size)
		limit = mapbytes / size;
	for (va = kbp->kb_next; va != 0; va = *(vaddr_t *)kva(m, va)) {
		if (n == limit)
			return fail(err, errlen, "kmembuckets[%d] (%" PRIu64
			    " bytes): free list runs past kb_totalfree %ld "
			    "elements (a cycle?)", indx, size,
			    kbp->kb_totalfree);
		if (!vm_map_contains(km, va) ||
		    va - km->vm_min + size > mapbytes)
			return fail(err, errlen, "kmembuckets[%d] (%" PRIu64
			    " bytes): free element %#" PRIx64 " is not inside "
			    "kmem_map", indx, size, va);
		if ((va - km->vm_min) % align != 0)
			return fail(err, errlen, "kmembuckets[%d] (%" PRIu64
			    " bytes): free element %#" PRIx64 " is not "
			    "aligned to %" PRIu64, indx, size, va, align);
		kup = kc_kup(m, kva_page(m, va) - kva_page(m, km->vm_min));
		if (kup->ku_indx != indx)
			return fail(err, errlen, "kmembuckets[%d] (%" PRIu64
			    " bytes): free element %#" PRIx64 " lies on a "
			    "page of bucket %d by kmemusage", indx, size, va,
			    kup->ku_indx);
		if (m->m_kcheck != NULL &&
		    (b = kc_lookup(m->m_kcheck, va)) != NULL)
			return fail(err, errlen, "kmembuckets[%d] (%" PRIu64
			    " bytes): free element %#" PRIx64 " is a live "
			    "block of %s", indx, size, va,
			    m->m_kmem.kmemstats[b->kc_type].ks_shortdesc);
		cnt[(va - km->vm_min) >> m->m_pageshift]++;
		last = va;
		n++;
	}
	if (n != (uint64_t)kbp->kb_totalfree)
		return fail(err, errlen, "kmembuckets[%d] (%" PRIu64 " bytes): "
		    "%" PRIu64 " free elements on the list but kb_totalfree "
		    "%ld", indx, size, n, kbp->kb_totalfree);
	if (kbp->kb_last != last)
		return fail(err, errlen, "kmembuckets[%d] (%" PRIu64 " bytes): "
		    "kb_last %#" PRIx64 " but the list ends at %#" PRIx64,
		    indx, size, kbp->kb_last, last);
	return 0;
}

/* Whether the four kmemusage entries at KUP are all zero (16 bytes). */
static inline int
kc_zero4(const struct kmemusage *kup)
{
	uint64_t w[2];

	_Static_assert(4 * sizeof(*kup) == sizeof(w), "kmemusage is 4 bytes");
	memcpy(w, kup, sizeof(w));
	return (w[0] | w[1]) == 0;
}

/* The buckets, kmemusage[] page by page, and kmem_map's pages. */
static int
check_kmem(struct machine *m, const struct kc_sums *s, char *err,
    size_t errlen)
{
	const struct vm_map *km = &m->m_kmem_map;
	const struct kmem *k = &m->m_kmem;
	const struct kmemusage *kup;
	uint64_t bucketpages = 0, largepages = 0, kbpages = 0, size, npg;
	uint64_t allfree = 0;
	uint32_t *cnt, pg;
	int indx, rc = -1;

	if ((cnt = calloc(km->vm_npages + 1, sizeof(*cnt))) == NULL)
		return fail(err, errlen, "checker: out of host memory");
	for (indx = MINBUCKET; indx <= MAXBUCKET; indx++) {
		if (check_bucket(m, indx, cnt, err, errlen) != 0)
			goto out;
		kbpages += (uint64_t)k->kmembuckets[indx].kb_pages;
	}
	for (pg = 0; pg < km->vm_npages; pg += (uint32_t)npg) {
		kup = kc_kup(m, pg);
		npg = 1;
		/* Four free pages (all zero) at a time, to the next in use. */
		if (pg % 4 == 0 && pg + 4 <= km->vm_npages &&
		    kc_zero4(kup)) {
			npg = 4;
			continue;
		}
		if (kup->ku_indx == 0)
			continue;
		if (kup->ku_indx < MINBUCKET || kup->ku_indx > MAXBUCKET) {
			fail(err, errlen, "kmemusage[%" PRIu32 "]: ku_indx %d "
			    "is no bucket", pg, kup->ku_indx);
			goto out;
		}
		size = 1ULL << kup->ku_indx;
		if (size > k->maxallocsave) {
			/* The first page of a large block. */
			npg = kup->ku_count;
			if (npg == 0 || pg + npg > km->vm_npages) {
				fail(err, errlen, "kmemusage[%" PRIu32 "]: a "
				    "large block of %" PRIu64 " pages does "
				    "not fit in kmem_map", pg, npg);
				goto out;
			}
			largepages += npg;
			continue;
		}
		npg = size > m->m_pagesize ? size >> m->m_pageshift : 1;
		bucketpages += npg;
		if (kup->ku_count != cnt[pg] ||
		    kup->ku_count > k->kmembuckets[kup->ku_indx].kb_elmpercl) {
			fail(err, errlen, "kmemusage[%" PRIu32 "] (bucket %d): "
			    "ku_count %u but %" PRIu32 " free elements of %ld "
			    "on the page", pg, kup->ku_indx, kup->ku_count,
			    cnt[pg], k->kmembuckets[kup->ku_indx].kb_elmpercl);
			goto out;
		}
		if (kup->ku_count == k->kmembuckets[kup->ku_indx].kb_elmpercl)
			allfree += npg;
	}
	if (k->bucketfree != allfree) {
		fail(err, errlen, "kmem: bucketfree %" PRIu32 " but kmemusage "
		    "marks %" PRIu64 " bucket pages all free", k->bucketfree,
		    allfree);
		goto out;
	}
	if (kbpages != bucketpages) {
		fail(err, errlen, "kmembuckets: kb_pages sum to %" PRIu64
		    " but kmemusage marks %" PRIu64 " bucket pages", kbpages,
		    bucketpages);
		goto out;
	}
	if (km->vm_used != bucketpages + largepages + s->poolpages_kmem) {
		fail(err, errlen, "kmem_map: vm_used %" PRIu32 " but buckets %"
		    PRIu64 " + large blocks %" PRIu64 " + pool pages %" PRIu64
		    " = %" PRIu64, km->vm_used, bucketpages, largepages,
		    s->poolpages_kmem, bucketpages + largepages +
		    s->poolpages_kmem);
		goto out;
	}
	rc = 0;
out:
	free(cnt);
	return rc;
}

/*
 * Sort the N blocks at *VP by address: a radix sort, a byte a pass,
 * through TMP (room for N); *VP ends as whichever of the two holds the
 * result, the other in *TMPP.  qsort() took half of a checked replay
 * with many live blocks.
 */
static void
kc_sort(struct kc_block **vp, struct kc_block **tmpp, size_t n)
{
	struct kc_block *v = *vp, *tmp = *tmpp, *sw;
	size_t cnt[256], i, sum, c;
	unsigned sh;

	for (sh = 0; sh < 8 * sizeof(vaddr_t); sh += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(v[i].kc_va >> sh) & 0xff]++;
		if (n > 0 && cnt[(v[0].kc_va >> sh) & 0xff] == n)
			continue;	/* one digit for all: already in order */
		for (sum = 0, i = 0; i < 256; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[cnt[(v[i].kc_va >> sh) & 0xff]++] = v[i];
		sw = v;
		v = tmp;
		tmp = sw;
	}
	*vp = v;
	*tmpp = tmp;
}

/* The live blocks: inside kmem_map, apart, summing to each type. */
static int
check_registry(struct machine *m, char *err, size_t errlen)
{
	const struct kcheck *kc = m->m_kcheck;
	const struct kmem *k = &m->m_kmem;
	const struct vm_map *km = &m->m_kmem_map;
	const struct kmemusage *kup;
	struct kc_block *v, *tmp;
	uint64_t *use, *nblk, end;
	size_t i, n = 0;
	int t, rc = -1, want;

	if (kc->kc_err[0] != '\0')
		return fail(err, errlen, "%s", kc->kc_err);
	v = malloc((kc->kc_n + 1) * sizeof(*v));
	tmp = malloc((kc->kc_n + 1) * sizeof(*tmp));
	use = calloc(MALLOC_MAXTYPES, sizeof(*use));
	nblk = calloc(MALLOC_MAXTYPES, sizeof(*nblk));
	if (v == NULL || tmp == NULL || use == NULL || nblk == NULL) {
		fail(err, errlen, "checker: out of host memory");
		goto out;
	}
	for (i = 0; i < kc->kc_cap; i++)
		if (kc->kc_tab[i].kc_va != 0)
			v[n++] = kc->kc_tab[i];
	kc_sort(&v, &tmp, n);
	for (i = 0; i < n; i++) {
		end = (uint64_t)v[i].kc_va + v[i].kc_size;
		if (v[i].kc_type < 0 || v[i].kc_type >= k->ntypes) {
			fail(err, errlen, "registry: block %#" PRIx64 " has "
			    "no type (%d)", v[i].kc_va, v[i].kc_type);
			goto out;
		}
		if (!vm_map_contains(km, v[i].kc_va) || end > km->vm_min +
		    ((uint64_t)km->vm_npages << m->m_pageshift)) {
			fail(err, errlen, "live block %#" PRIx64 " (%" PRIu32
			    " bytes, %s) is not inside kmem_map", v[i].kc_va,
			    v[i].kc_size,
			    k->kmemstats[v[i].kc_type].ks_shortdesc);
			goto out;
		}
		if (i + 1 < n && end > v[i + 1].kc_va) {
			fail(err, errlen, "live blocks overlap: %#" PRIx64
			    " (%" PRIu32 " bytes, %s) and %#" PRIx64 " (%"
			    PRIu32 " bytes, %s)", v[i].kc_va, v[i].kc_size,
			    k->kmemstats[v[i].kc_type].ks_shortdesc,
			    v[i + 1].kc_va, v[i + 1].kc_size,
			    k->kmemstats[v[i + 1].kc_type].ks_shortdesc);
			goto out;
		}
		kup = kc_kup(m, (v[i].kc_va - km->vm_min) >> m->m_pageshift);
		want = malloc_bucketindx(v[i].kc_size);
		if (kup->ku_indx != want || (v[i].kc_size > k->maxallocsave &&
		    ((uint64_t)kup->ku_count << m->m_pageshift) !=
		    v[i].kc_size)) {
			fail(err, errlen, "live block %#" PRIx64 " (%" PRIu32
			    " bytes) but kmemusage says bucket %d, count %u",
			    v[i].kc_va, v[i].kc_size, kup->ku_indx,
			    kup->ku_count);
			goto out;
		}
		use[v[i].kc_type] += v[i].kc_size;
		nblk[v[i].kc_type]++;
	}
	if (kc->kc_partial) {
		rc = 0;
		goto out;
	}
	for (t = 0; t < k->ntypes; t++) {
		const struct kmemstats *ksp = &k->kmemstats[t];

		if ((uint64_t)ksp->ks_memuse != use[t]) {
			fail(err, errlen, "type %s: ks_memuse %ld but its %"
			    PRIu64 " live blocks take %" PRIu64 " bytes",
			    ksp->ks_shortdesc, ksp->ks_memuse, nblk[t],
			    use[t]);
			goto out;
		}
		/* M_NOINTR blocks count in ks_inuse too, not here. */
		if (ksp->ks_nointruse == 0 &&
		    (uint64_t)ksp->ks_inuse != nblk[t]) {
			fail(err, errlen, "type %s: ks_inuse %ld but %" PRIu64
			    " live blocks", ksp->ks_shortdesc, ksp->ks_inuse,
			    nblk[t]);
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	free(tmp);
	free(use);
	free(nblk);
	return rc;
}

/* The strategy's region: its map or arena, and its wired pages. */
static int
check_xregion(const struct machine *m, char *err, size_t errlen)
{

	if (m->m_xvmem != NULL && vmem_check(m->m_xvmem, err, errlen) != 0)
		return -1;
	if (m->m_xmap == NULL)
		return 0;
	if (check_map(m->m_xmap, err, errlen) != 0)
		return -1;
	if ((int64_t)m->m_xmap->vm_used - m->m_xunwired != m->m_xwired)
		return fail(err, errlen, "%s: %" PRIu32 " pages in use, %"
		    PRIu32 " of them guard pages, but %" PRIu32 " wired",
		    m->m_xmap->vm_name, m->m_xmap->vm_used, m->m_xunwired,
		    m->m_xwired);
	return 0;
}

/*
 * kernel_map beyond boot: u-areas, pool pages and M_NOINTR's large
 * blocks, which nointr.c allocates there and counts in ks_nointruse;
 * with them, the wired pages of the strategy's region (m_xmap), whose
 * blocks count in ks_nointruse too.
 */
static int
check_kernel_map(struct machine *m, const struct kc_sums *s, char *err,
    size_t errlen)
{
	const struct kmem *k = &m->m_kmem;
	int64_t rest, nointr = 0, usage;
	int t;

	usage = (int64_t)(round_page(m, (uint64_t)m->m_kmem_map.vm_npages *
	    SIZEOF_KMEMUSAGE) >> m->m_pageshift);
	rest = (int64_t)m->m_kernel_map.vm_used - m->m_boot_unwired - usage -
	    m->m_uareapages - (int64_t)s->poolpages_kernel;
	for (t = 0; t < k->ntypes; t++)
		nointr += k->kmemstats[t].ks_nointruse;
	nointr -= (int64_t)s->internal_bytes;
	nointr -= (int64_t)m->m_xwired * m->m_pagesize - (int64_t)m->m_xidle;
	if (rest * m->m_pagesize != nointr)
		return fail(err, errlen, "kernel_map: %" PRId64 " pages "
		    "beyond boot, u-areas and pool pages, but ks_nointruse "
		    "leaves %" PRId64 " bytes of large M_NOINTR blocks", rest,
		    nointr);
	return 0;
}

/* Every page wired is mapped, and every physical page is counted. */
static int
check_wired(struct machine *m, char *err, size_t errlen)
{
	int64_t want;

	want = (int64_t)m->m_boot_image + m->m_boot_bufpages +
	    m->m_kmem_map.vm_used + m->m_kernel_map.vm_used -
	    m->m_boot_unwired + m->m_xwired;
	if ((int64_t)m->m_wired != want)
		return fail(err, errlen, "wired: m_wired %" PRIu32 " but image "
		    "%" PRIu32 " + buffers %" PRIu32 " + kmem_map %" PRIu32
		    " + kernel_map %" PRIu32 " - unwired %" PRIu32 " = %"
		    PRId64, m->m_wired, m->m_boot_image, m->m_boot_bufpages,
		    m->m_kmem_map.vm_used, m->m_kernel_map.vm_used,
		    m->m_boot_unwired, want);
	if ((uint64_t)m->m_wired + m->m_freepages != m->m_physpages)
		return fail(err, errlen, "physical pages: m_wired %" PRIu32
		    " + m_freepages %" PRIu32 " = %" PRIu64 " but m_physpages %"
		    PRIu32, m->m_wired, m->m_freepages,
		    (uint64_t)m->m_wired + m->m_freepages, m->m_physpages);
	if (m->m_wired > m->m_peakwired)
		return fail(err, errlen, "wired: m_wired %" PRIu32 " above "
		    "m_peakwired %" PRIu32, m->m_wired, m->m_peakwired);
	return 0;
}

int
machine_check(struct machine *m, char *err, size_t errlen)
{
	struct kc_sums s;

	memset(&s, 0, sizeof(s));
	if (check_map(&m->m_kernel_map, err, errlen) != 0 ||
	    check_map(&m->m_kmem_map, err, errlen) != 0 ||
	    check_xregion(m, err, errlen) != 0 ||
	    check_pools(m, &s, err, errlen) != 0 ||
	    check_kmem(m, &s, err, errlen) != 0 ||
	    (m->m_kcheck != NULL && check_registry(m, err, errlen) != 0) ||
	    check_kernel_map(m, &s, err, errlen) != 0 ||
	    check_wired(m, err, errlen) != 0)
		return -1;
	return 0;
}
