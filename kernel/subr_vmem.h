/*
 * subr_vmem.h: vmem(9), the resource allocator of NetBSD 5 and later
 * (sys/kern/subr_vmem.c), over a range of simulated kernel addresses.
 *
 * An arena is an address-ordered list of boundary tags, each a free or
 * busy segment of whole quanta.  Free segments also sit on one of
 * power-of-two free lists: list n holds the segments of 2^n to
 * 2^(n+1) - 1 quanta, newest first.  An instant-fit allocation takes the
 * first segment of the lowest list whose every segment is large enough,
 * a best-fit one searches from the list that may hold one; either takes
 * the front of the segment.  A freed segment is merged with free
 * neighbours.  Requests of up to a few quanta come from quantum caches:
 * one per multiple of the quantum, each carving items from "pool pages"
 * of the smallest power of two above three times the largest cached
 * size, taken from the arena.  The tags live in host memory; the arena
 * never touches the simulated memory it hands out.
 */
#ifndef KM_SUBR_VMEM_H
#define KM_SUBR_VMEM_H

#include <stdint.h>

#include "param.h"

#define VMEM_MAXORDER	32	/* free lists: up to 2^32 quanta */
#define VMEM_QCACHE_MAX	16	/* quantum caches at most */

/* Allocation strategies (vmem_alloc's VM_INSTANTFIT, VM_BESTFIT). */
#define VM_INSTANTFIT	0x1
#define VM_BESTFIT	0x2

enum vmem_bttype { BT_FREE = 1, BT_BUSY };

/* A boundary tag: one segment of the arena. */
struct vmem_btag {
	struct vmem_btag *bt_prev, *bt_next;	/* by address */
	struct vmem_btag *bt_fprev, *bt_fnext;	/* its free list */
	vaddr_t		 bt_start;
	vsize_t		 bt_size;		/* bytes, whole quanta */
	enum vmem_bttype bt_type;
};

/* One page of a quantum cache: items carved from an arena segment. */
struct vmem_qcpage {
	struct vmem_qcpage *qp_next;
	vaddr_t		 qp_base;
	uint32_t	 qp_nfree;
	uint32_t	 qp_top;	/* free items on qp_free[] */
	uint32_t	*qp_free;	/* item indexes, a stack */
};

/* A quantum cache: items of qc_size bytes. */
struct vmem_qcache {
	vsize_t		 qc_size;
	uint32_t	 qc_perpage;
	struct vmem_qcpage *qc_pages;	/* newest first */
	long		 qc_nget, qc_nput, qc_npages;
};

struct vmem {
	const char	*vm_name;
	vaddr_t		 vm_base;
	vsize_t		 vm_size;
	vsize_t		 vm_quantum;
	unsigned	 vm_qshift;
	struct vmem_btag *vm_seg;		/* the first segment */
	struct vmem_btag *vm_freelist[VMEM_MAXORDER];
	struct vmem_btag **vm_busy;		/* by quantum: busy tag there */
	vsize_t		 vm_inuse;		/* bytes in busy segments */
	uint32_t	 vm_nbusy, vm_nfree;	/* tags of each kind */
	vsize_t		 vm_peak;		/* most bytes in use */
	/* Quantum caches: requests up to vm_qcache_max bytes. */
	vsize_t		 vm_qcache_max;
	vsize_t		 vm_qc_pagesz;
	int		 vm_nqcache;
	struct vmem_qcache vm_qcache[VMEM_QCACHE_MAX];
	/* By quanta - 1: the cache that serves them (caches are shared
	 * when they would carve as many items from a page). */
	struct vmem_qcache *vm_qcidx[VMEM_QCACHE_MAX];
};

/*
 * vmem_init(): an arena over [BASE, BASE + SIZE) in quanta of QUANTUM
 * bytes (a power of two), with quantum caches for requests of up to
 * QCACHE_MAX bytes (0: none).  0, or ENOMEM (host memory).
 */
int	vmem_init(struct vmem *, const char *name, vaddr_t base, vsize_t size,
	    vsize_t quantum, vsize_t qcache_max);
void	vmem_destroy(struct vmem *);

/*
 * vmem_xalloc(): SIZE bytes (rounded up to quanta) by STRAT, without
 * the quantum caches.  0 with *VAP, or ENOMEM: no segment fits.
 */
int	vmem_xalloc(struct vmem *, vsize_t size, int strat, vaddr_t *vap);
void	vmem_xfree(struct vmem *, vaddr_t va, vsize_t size);

/* vmem_alloc(), vmem_free(): through the quantum caches when small. */
int	vmem_alloc(struct vmem *, vsize_t size, int strat, vaddr_t *vap);
void	vmem_free(struct vmem *, vaddr_t va, vsize_t size);

/*
 * Give the arena back the quantum-cache pages whose items are all free
 * (the pagedaemon's pool drain).  Returns how many.
 */
uint32_t vmem_qc_drain(struct vmem *);

/* Bytes of the largest free segment. */
vsize_t	vmem_largest_free(const struct vmem *);

/* The free list a segment of SIZE bytes belongs on. */
int	vmem_freelist_of(const struct vmem *, vsize_t size);

/*
 * Check the arena: tags in address order and adjacent, covering the
 * arena, no two free neighbours, each free tag on its list, counts and
 * sums agreeing.  0, or -1 with a one-line message in ERR.
 */
int	vmem_check(const struct vmem *, char *err, size_t errlen);

#endif /* KM_SUBR_VMEM_H */
