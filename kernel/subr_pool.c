/*
 * subr_pool.c: pool(9) as in NetBSD 1.5 (subr_pool.c 1.31).
 *
 * Items carry no header and are at least a free-list link; a page keeps
 * its header at its end when items are smaller than a sixteenth of a
 * page, otherwise in an item of phpool (which takes its own pages from
 * kmem_map).  Pages come one at a time from the pool's page source and
 * are kept when they empty, until the pagedaemon drains pages idle for
 * ten seconds.  Free items are linked through simulated memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern_synch.h"
#include "kp_ledger.h"
#include "machine.h"
#include "subr_pool.h"
#include "uvm_km.h"

/* ALIGN(): to ALIGNBYTES + 1, 4 bytes on i386 and 8 on amd64. */
#define POOL_ALIGN(m, x) (((x) + (m)->m_pool_align - 1) & \
			    ~((m)->m_pool_align - 1))

#ifdef KMBENCH_BROKEN_POOL
/*
 * A deliberate bug, for the tests only (make broken; docs/invariants.md):
 * every POOL_BROKEN_EVERY-th get from a pool hands out the first free
 * item of its page without taking it off the page's free list, so the
 * page's list is one item longer than ph_nmissing allows and the next
 * get hands the same item out again.  run --check must catch it.
 */
#define POOL_BROKEN_EVERY	100
#endif

static inline vaddr_t *
item_next(struct machine *m, vaddr_t va)
{

	return (vaddr_t *)kva(m, va);
}

/* The counts of a get of the first free item of PH, already unlinked. */
static inline void
pool_count_get(struct pool *pp, struct pool_page *ph)
{

	ph->ph_nmissing++;
	pp->pr_nitems--;
	if (++pp->pr_nout > pp->pr_maxout)
		pp->pr_maxout = pp->pr_nout;
	pp->pr_nget++;
}

/* Item V back on PH's free list, with the counts of a put. */
static inline void
pool_count_put(struct machine *m, struct pool *pp, struct pool_page *ph,
    vaddr_t v)
{

	*item_next(m, v) = ph->ph_items;
	ph->ph_items = v;
	ph->ph_nmissing--;
	pp->pr_nitems++;
	pp->pr_nout--;
	pp->pr_nput++;
	m->m_wakeups++;
}

struct pool *
pool_init(struct machine *m, const char *name, uint32_t size, int nointr)
{
	struct pool *pp;
	uint32_t avail;

	if ((pp = calloc(1, sizeof(*pp))) == NULL)
		return NULL;
	pp->pr_wchan = name;
	pp->pr_map = nointr ? &m->m_kernel_map : &m->m_kmem_map;
	pp->pr_size = POOL_ALIGN(m, size < m->m_pool_item ?
	    m->m_pool_item : size);
	pp->pr_phinpage = pp->pr_size < m->m_pagesize / 16;
	avail = m->m_pagesize;
	if (pp->pr_phinpage)
		avail -= POOL_ALIGN(m, m->m_pool_header);
	pp->pr_itemsperpage = avail / pp->pr_size;
	pp->pr_next = m->m_poollist;
	m->m_poollist = pp;
	return pp;
}

/*
 * The page list.  NetBSD 1.5 keeps one list, pr_pagelist: a page that
 * fills goes to its tail, one that empties too, one that was full and
 * gets an item back to its head; pool_update_curpage() walks it from
 * the head for the first page with a free item.  With hundreds of
 * processes each holding full pages, that walk past the full pages at
 * every page that fills took 84% of a replay.  Here the full pages are
 * kept on a list of their own (pr_full, in no order: no decision reads
 * it), and the pages with a free item stay on pr_head's list in the
 * order 1.5 gives them among themselves, since every move of 1.5 that
 * changes their order is made on this list the same way.  The first
 * page of pr_head's list is then the page the walk finds, and the
 * pages pool_reclaim() releases are met in the same order.
 */
static void
pool_unlink(struct pool *pp, struct pool_page *ph)
{

	if (ph->ph_prev != NULL)
		ph->ph_prev->ph_next = ph->ph_next;
	else if (ph->ph_full)
		pp->pr_full = ph->ph_next;
	else
		pp->pr_head = ph->ph_next;
	if (ph->ph_next != NULL)
		ph->ph_next->ph_prev = ph->ph_prev;
	else if (!ph->ph_full)
		pp->pr_tail = ph->ph_prev;
	ph->ph_next = ph->ph_prev = NULL;
	ph->ph_full = 0;
}

static void
pool_insert_head(struct pool *pp, struct pool_page *ph)
{

	ph->ph_prev = NULL;
	ph->ph_next = pp->pr_head;
	if (pp->pr_head != NULL)
		pp->pr_head->ph_prev = ph;
	else
		pp->pr_tail = ph;
	pp->pr_head = ph;
}

static void
pool_insert_tail(struct pool *pp, struct pool_page *ph)
{

	ph->ph_next = NULL;
	ph->ph_prev = pp->pr_tail;
	if (pp->pr_tail != NULL)
		pp->pr_tail->ph_next = ph;
	else
		pp->pr_head = ph;
	pp->pr_tail = ph;
}

/* A page that filled, where 1.5 puts it at the tail of its one list. */
static void
pool_insert_full(struct pool *pp, struct pool_page *ph)
{

	ph->ph_prev = NULL;
	ph->ph_next = pp->pr_full;
	if (pp->pr_full != NULL)
		pp->pr_full->ph_prev = ph;
	pp->pr_full = ph;
	ph->ph_full = 1;
}

/* The first page with a free item, as pool_update_curpage() finds it. */
static void
pool_update_curpage(struct pool *pp)
{

	pp->pr_curpage = pp->pr_head;
}

/* Release an idle page to its page source (pr_rmpage). */
static void
pool_rmpage(struct machine *m, struct pool *pp, struct pool_page *ph)
{

	pool_unlink(pp, ph);
	if (pp->pr_curpage == ph)
		pool_update_curpage(pp);
	pgowner_set(m, kva_page(m, ph->ph_page), NULL);
	uvm_km_free(m, pp->pr_map, ph->ph_page, m->m_pagesize);
	if (ph->ph_hdr != 0)
		pool_put(m, m->m_pools[POOL_PHPOOL], ph->ph_hdr);
	pp->pr_nitems -= pp->pr_itemsperpage;
	pp->pr_npages--;
	pp->pr_npagefree++;
	pp->pr_nidle--;
	free(ph);
}

/* Get a page from the source and carve it (pool_prime_page). */
static int
pool_addpage(struct machine *m, struct pool *pp, int flags)
{
	struct pool_page *ph;
	vaddr_t page, hdr = 0, item;
	uint32_t i;
	int error;

	error = uvm_km_kmemalloc(m, pp->pr_map, m->m_pagesize,
	    (flags & PR_WAITOK) ? 0 : UVM_KMF_NOWAIT, &page);
	if (error == ENOSPC) {
		/* No address space: wait for an item to come back. */
		if (flags & PR_WAITOK)
			return tsleep(m, pp->pr_wchan);
		return ENOMEM;
	}
	if (error != 0)
		return error;
	if (!pp->pr_phinpage) {
		error = pool_get(m, m->m_pools[POOL_PHPOOL], flags, &hdr);
		if (error != 0) {
			uvm_km_free(m, pp->pr_map, page, m->m_pagesize);
			return error;
		}
	}
	if ((ph = calloc(1, sizeof(*ph))) == NULL)
		abort();	/* host out of memory */
	ph->ph_pool = pp;
	ph->ph_page = page;
	ph->ph_hdr = hdr;
	/* Items in address order: the lowest is handed out first. */
	for (i = 0; i < pp->pr_itemsperpage; i++) {
		item = page + i * pp->pr_size;
		*item_next(m, item) = i + 1 < pp->pr_itemsperpage ?
		    item + pp->pr_size : 0;
	}
	ph->ph_items = page;
	pgowner_set(m, kva_page(m, page), ph);
	pool_insert_head(pp, ph);
	pp->pr_curpage = ph;
	pp->pr_nitems += pp->pr_itemsperpage;
	pp->pr_npages++;
	pp->pr_npagealloc++;
	pp->pr_nidle++;
	if (pp->pr_npages > pp->pr_hiwat)
		pp->pr_hiwat = pp->pr_npages;
	return 0;
}

static int
pool_get1(struct machine *m, struct pool *pp, int flags, vaddr_t *vap)
{
	struct pool_page *ph;
	vaddr_t v;
	int error;

	if (pp->pr_curpage == NULL) {
		if ((error = pool_addpage(m, pp, flags)) != 0) {
			if (error != ESLEEP && error != EPANIC)
				pp->pr_nfail++;
			return error;
		}
	}
	ph = pp->pr_curpage;
	v = ph->ph_items;
#ifdef KMBENCH_BROKEN_POOL
	if ((pp->pr_nget + 1) % POOL_BROKEN_EVERY != 0)
#endif
		ph->ph_items = *item_next(m, v);
	if (ph->ph_nmissing == 0)
		pp->pr_nidle--;
	pool_count_get(pp, ph);
	if (ph->ph_items == 0) {
		/* Now full: to the end of the list (the full pages' list). */
		pool_unlink(pp, ph);
		pool_insert_full(pp, ph);
		pool_update_curpage(pp);
	}
	*vap = v;
	return 0;
}

/* The slow path of pool_get(): page changes, a new page, probes. */
static __attribute__((noinline)) int
pool_get_slow(struct machine *m, struct pool *pp, int flags, vaddr_t *vap)
{
	uint64_t t = KP_START(m, KP_POOL_GET);
	int error;

	error = pool_get1(m, pp, flags, vap);
	KP_END_ERR(m, KP_POOL_GET, kp_arena(m, pp->pr_map), t, error);
	if (error == 0 && !pp->pr_internal)
		kp_alloc(m, kp_arena(m, pp->pr_map), *vap, pp->pr_size,
		    pp->pr_size);
	return error;
}

/*
 * pool_get()'s common case: an item from the current page that is not
 * left full.  1 when it took one, 0 to leave the get to
 * pool_get_slow().  COUNTED (a constant where it is inlined) enters the
 * item in the probes' ledger.  Never in the broken build, whose bug is
 * in pool_get1().
 */
static inline __attribute__((always_inline)) int
pool_get_fast(struct machine *m, struct pool *pp, vaddr_t *vap, int counted)
{
#ifdef KMBENCH_BROKEN_POOL
	(void)m;
	(void)pp;
	(void)vap;
	(void)counted;
	return 0;
#else
	struct pool_page *ph = pp->pr_curpage;
	vaddr_t v, next;

	if (ph == NULL || (next = *item_next(m, v = ph->ph_items)) == 0)
		return 0;
	ph->ph_items = next;
	if (ph->ph_nmissing == 0)
		pp->pr_nidle--;
	pool_count_get(pp, ph);
	if (counted && !pp->pr_internal)
		kp_alloc(m, kp_arena(m, pp->pr_map), v, pp->pr_size,
		    pp->pr_size);
	*vap = v;
	return 1;
#endif
}

/* pool_get() with the probes' ledger counting, and nothing else. */
static __attribute__((noinline)) int
pool_get_counted(struct machine *m, struct pool *pp, int flags, vaddr_t *vap)
{

	if (pool_get_fast(m, pp, vap, 1))
		return 0;
	return pool_get_slow(m, pp, flags, vap);
}

/*
 * With no probes, the common case takes no call and saves no
 * registers; with the ledger only, one call; timed, the slow path.
 */
int
pool_get(struct machine *m, struct pool *pp, int flags, vaddr_t *vap)
{

	if (__builtin_expect(m->m_kledger == NULL && !m->m_probe_lat, 1)) {
		if (pool_get_fast(m, pp, vap, 0))
			return 0;
	} else if (!m->m_probe_lat)
		return pool_get_counted(m, pp, flags, vap);
	return pool_get_slow(m, pp, flags, vap);
}

static void
pool_put1(struct machine *m, struct pool *pp, struct pool_page *ph,
    vaddr_t v)
{

	pool_count_put(m, pp, ph, v);
	if (ph->ph_nmissing == 0) {
		/* Idle: kept (maxpages is unlimited), stamped for drain. */
		pp->pr_nidle++;
		pool_unlink(pp, ph);
		pool_insert_tail(pp, ph);
		ph->ph_time = m->m_now;
		if (pp->pr_curpage == NULL)
			pp->pr_curpage = ph;
	} else if (ph->ph_nmissing == pp->pr_itemsperpage - 1) {
		/* Was full: allocate from it next. */
		pool_unlink(pp, ph);
		pool_insert_head(pp, ph);
		pp->pr_curpage = ph;
	}
}

/* The slow path of pool_put(): page changes, probes. */
static __attribute__((noinline)) void
pool_put_slow(struct machine *m, struct pool *pp, struct pool_page *ph,
    vaddr_t v)
{
	uint64_t t = KP_START(m, KP_POOL_PUT);

	if (!pp->pr_internal)
		kp_free(m, kp_arena(m, pp->pr_map), v, pp->pr_size);
	pool_put1(m, pp, ph, v);
	KP_END(m, KP_POOL_PUT, kp_arena(m, pp->pr_map), t);
}

/*
 * pool_put()'s common case: an item back to a page that neither becomes
 * idle nor was full.  1 when it put it, 0 to leave the put to
 * pool_put_slow().  COUNTED as for pool_get_fast().
 */
static inline __attribute__((always_inline)) int
pool_put_fast(struct machine *m, struct pool *pp, struct pool_page *ph,
    vaddr_t v, int counted)
{

	if (ph->ph_nmissing == 1 || ph->ph_nmissing == pp->pr_itemsperpage)
		return 0;
	if (counted && !pp->pr_internal)
		kp_free(m, kp_arena(m, pp->pr_map), v, pp->pr_size);
	pool_count_put(m, pp, ph, v);
	return 1;
}

/* pool_put() with the probes' ledger counting, and nothing else. */
static __attribute__((noinline)) void
pool_put_counted(struct machine *m, struct pool *pp, struct pool_page *ph,
    vaddr_t v)
{

	if (!pool_put_fast(m, pp, ph, v, 1))
		pool_put_slow(m, pp, ph, v);
}

/* As pool_get(): no call with no probes, one with the ledger only. */
void
pool_put(struct machine *m, struct pool *pp, vaddr_t v)
{
	struct pool_page *ph = m->m_pgowner[kva_page(m, v)];

	if (__builtin_expect(m->m_kledger == NULL && !m->m_probe_lat, 1)) {
		if (pool_put_fast(m, pp, ph, v, 0))
			return;
	} else if (!m->m_probe_lat) {
		pool_put_counted(m, pp, ph, v);
		return;
	}
	pool_put_slow(m, pp, ph, v);
}

/* Release PP's pages idle for AGE ns or more; returns how many. */
static uint32_t
pool_reclaim(struct machine *m, struct pool *pp, uint64_t age)
{
	struct pool_page *ph, *next;
	uint32_t n = 0;

	for (ph = pp->pr_head; ph != NULL; ph = next) {
		next = ph->ph_next;
		if (ph->ph_nmissing == 0 && m->m_now - ph->ph_time >= age) {
			pool_rmpage(m, pp, ph);
			n++;
		}
	}
	return n;
}

/* Every pool, phpool last: releasing the others' pages frees headers. */
static uint32_t
pool_reclaim_pools(struct machine *m, uint64_t age)
{
	struct pool *pp;
	uint32_t n = 0;

	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next)
		if (pp != m->m_pools[POOL_PHPOOL])
			n += pool_reclaim(m, pp, age);
	return n + pool_reclaim(m, m->m_pools[POOL_PHPOOL], age);
}

void
pool_drain_all(struct machine *m)
{

	(void)pool_reclaim_pools(m, POOL_INACTIVE_NS);
}

uint32_t
pool_reclaim_all(struct machine *m)
{

	return pool_reclaim_pools(m, 0);
}

void
pool_destroy(struct machine *m, struct pool *pp)
{
	struct pool_page *ph, *next;

	for (ph = pp->pr_head; ph != NULL; ph = next) {
		next = ph->ph_next;
		pgowner_set(m, kva_page(m, ph->ph_page), NULL);
		free(ph);
	}
	for (ph = pp->pr_full; ph != NULL; ph = next) {
		next = ph->ph_next;
		pgowner_set(m, kva_page(m, ph->ph_page), NULL);
		free(ph);
	}
	free(pp);
}

struct pool *
pool_of(const struct machine *m, vaddr_t va)
{
	struct pool_page *ph;

	if (va < m->m_kernbase ||
	    (va - m->m_kernbase) >> m->m_pageshift >= m->m_kvapages)
		return NULL;
	ph = m->m_pgowner[kva_page(m, va)];
	return ph != NULL ? ph->ph_pool : NULL;
}
