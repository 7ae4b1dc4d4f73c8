/*
 * subr_pool.h: pool(9), fixed-size items carved from whole pages.
 */
#ifndef KM_SUBR_POOL_H
#define KM_SUBR_POOL_H

#include <stdint.h>

#include "param.h"

struct machine;
struct vm_map;

#define PR_NOWAIT	0x00
#define PR_WAITOK	0x02

/* A pool page's header.  The bookkeeping is kept by the host; the
 * simulated memory it would take (on the page, or an item of phpool) is
 * really taken. */
struct pool_page {
	struct pool_page *ph_next, *ph_prev;
	struct pool	*ph_pool;
	vaddr_t		 ph_page;	/* the page */
	vaddr_t		 ph_items;	/* first free item, in the page */
	vaddr_t		 ph_hdr;	/* off-page header from phpool, or 0 */
	uint32_t	 ph_nmissing;	/* items handed out */
	int		 ph_full;	/* on pr_full, not pr_head's list */
	uint64_t	 ph_time;	/* when the page became idle */
};

struct pool {
	const char	*pr_wchan;	/* the pool's name */
	struct pool	*pr_next;	/* every pool of the machine */
	struct vm_map	*pr_map;	/* page source: kmem_map or kernel_map */
	uint32_t	 pr_size;	/* item size, aligned */
	uint32_t	 pr_itemsperpage;
	int		 pr_phinpage;	/* header on the page */
	int		 pr_internal;	/* an allocator's own: not probed */
	/*
	 * The pages with a free item, in NetBSD 1.5's order, and apart,
	 * in no order, those without (subr_pool.c).
	 */
	struct pool_page *pr_head, *pr_tail, *pr_curpage;
	struct pool_page *pr_full;
	/* Statistics, as vmstat -m prints them. */
	long		 pr_nget, pr_nput, pr_nfail;
	long		 pr_npagealloc, pr_npagefree;
	long		 pr_npages, pr_hiwat, pr_nidle;
	long		 pr_nout;	/* items handed out */
	long		 pr_maxout;	/* the most ever out at once */
	long		 pr_nitems;	/* free items held */
};

/*
 * pool_init(): a pool of SIZE-byte items whose pages come from kmem_map
 * (the default page source) or, if NOINTR, from kernel_map
 * (pool_page_alloc_nointr).  NULL on host memory exhaustion.
 */
struct pool *pool_init(struct machine *, const char *name, uint32_t size,
	    int nointr);
void	pool_destroy(struct machine *, struct pool *);

/*
 * pool_get(): 0 with *VAP; ENOMEM without PR_WAITOK; ESLEEP when the
 * current process waits (for pages, or for an item to come back when the
 * page source is out of space); EPANIC.
 */
int	pool_get(struct machine *, struct pool *, int flags, vaddr_t *vap);
void	pool_put(struct machine *, struct pool *, vaddr_t va);

/* The pagedaemon's pool_drain(): release pages idle for 10 s or more. */
void	pool_drain_all(struct machine *);

/*
 * Release every idle page of every pool, however recently it became
 * idle (FreeBSD's uma_reclaim() on a full kmem_map).  Returns the
 * pages released.
 */
uint32_t pool_reclaim_all(struct machine *);

/* The pool whose page holds VA, or NULL. */
struct pool *pool_of(const struct machine *, vaddr_t va);

#endif /* KM_SUBR_POOL_H */
