/*
 * subr_kmem.h: kmem(9) of NetBSD 6 (sys/kern/subr_kmem.c 1.40) over a
 * vmem arena of wired kernel memory (uvm_km_kmem_alloc).
 *
 * Requests up to KMEM_MAXSIZE bytes, rounded to KMEM_ALIGN, come from
 * size-class caches (kmem-8 to kmem-4096) whose pages are one-page
 * allocations of the arena; larger ones are page-rounded allocations of
 * the arena, through its quantum caches when small enough.  Every page
 * handed out is wired.  KM_SLEEP never fails: out of address space the
 * caller sleeps on "vmem", out of physical pages on "plpg".
 */
#ifndef KM_SUBR_KMEM_H
#define KM_SUBR_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "param.h"
#include "subr_vmem.h"

struct machine;

#define KMEM_ALIGN	8
#define KMEM_SHIFT	3
#define KMEM_MAXSIZE	4096
#define KMEM_NCACHES	24

#define KM_SLEEP	0x1
#define KM_NOSLEEP	0x2

/* A page of a size-class cache. */
struct kmem_cpage {
	struct kmem_cpage *cp_next;
	struct kmem_cache *cp_cache;
	vaddr_t		 cp_va;
	uint32_t	 cp_nfree;	/* items on cp_free[] */
	uint16_t	*cp_free;	/* item indexes, a stack */
	uint64_t	 cp_seq;	/* its cache's pages, oldest first */
	int		 cp_inheap;	/* on kc_room */
};

/*
 * A size-class cache (a pool_cache of subr_kmem.c).  An item comes from
 * the newest page with room.  kc_room finds it without a walk of
 * kc_pages: a heap of pages by cp_seq, newest on top, holding every
 * page with room and perhaps pages filled since they went on (dropped
 * when they reach the top).
 */
struct kmem_cache {
	char		 kc_name[16];
	uint32_t	 kc_size;
	uint32_t	 kc_perpage;
	struct kmem_cpage *kc_pages;	/* newest first */
	long		 kc_nget, kc_nput, kc_npages;
	uint64_t	 kc_seq;	/* the next page's cp_seq */
	struct kmem_cpage **kc_room;
	uint32_t	 kc_nroom, kc_roomcap;
};

struct kmem_arena {
	struct vmem	 ka_vmem;	/* kmem_va_arena over kmem_arena */
	struct kmem_cache ka_caches[KMEM_NCACHES];
	int		 ka_ncaches;
	struct kmem_cache *ka_idx[KMEM_MAXSIZE >> KMEM_SHIFT];
	uint32_t	 ka_npages;
	struct kmem_cpage **ka_pgcache;	/* per arena page: its cache page */
	uint32_t	*ka_large;	/* per arena page: large block pages */
};

/*
 * kmem_arena_init(): the arena over NPAGES pages at BASE, quantum one
 * page, with quantum caches up to QCACHE_PAGES pages, and the caches.
 * 0 or ENOMEM (host memory).
 */
int	kmem_arena_init(struct machine *, struct kmem_arena *, vaddr_t base,
	    uint32_t npages, uint32_t qcache_pages);
void	kmem_arena_fini(struct kmem_arena *);

/*
 * kmem_alloc(SIZE, FLAGS): 0 with *VAP and *GIVEN (the bytes it takes:
 * the size class, or whole pages); ENOMEM (KM_NOSLEEP only); ESLEEP;
 * EPANIC (a sleep in interrupt context).
 */
int	kmem_alloc(struct machine *, struct kmem_arena *, size_t size,
	    int flags, vaddr_t *vap, size_t *given);

/* kmem_free(): returns the bytes the block took. */
size_t	kmem_free(struct machine *, struct kmem_arena *, vaddr_t va);

/* Nonzero when VA lies in the arena. */
int	kmem_contains(const struct kmem_arena *, vaddr_t va);

/*
 * The pagedaemon's drain: cache pages whose items are all free go back
 * (unwired, returned to the arena), then the arena's idle quantum-cache
 * pages.  Returns the cache pages released.
 */
uint32_t kmem_drain(struct machine *, struct kmem_arena *);

#endif /* KM_SUBR_KMEM_H */
