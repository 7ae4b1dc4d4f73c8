/*
 * kern_malloc.h: the 4.4BSD bucket allocator behind malloc(9), with the
 * KMEMSTATS accounting that vmstat -m prints.
 */
#ifndef KM_KERN_MALLOC_H
#define KM_KERN_MALLOC_H

#include <stdint.h>

#include "param.h"

struct machine;

/* One power-of-two bucket (struct kmembuckets). */
struct kmembuckets {
	vaddr_t		kb_next;	/* first free element */
	vaddr_t		kb_last;	/* last free element: free() appends */
	long		kb_calls;	/* allocations from this bucket */
	long		kb_total;	/* elements ever carved */
	long		kb_totalfree;	/* elements free now */
	long		kb_elmpercl;	/* elements per refill */
	long		kb_highwat;	/* 5 * kb_elmpercl */
	long		kb_couldfree;	/* pages that could have been freed */
	long		kb_pages;	/* pages held (model's count) */
};

/* Longest malloc type name: as long as a kmtrace token may be. */
#define MALLOC_NAMEMAX	63

/* Statistics of one malloc type (struct kmemstats). */
struct kmemstats {
	char		ks_shortdesc[MALLOC_NAMEMAX + 1];
	/*
	 * No two counters that malloc() or free() both change sit side by
	 * side: the compiler would update such a pair with one 16-byte
	 * load and store, and a 16-byte load cannot take its bytes from the
	 * two 8-byte stores the other call has just made (a store
	 * forwarding stall on every malloc/free pair).
	 */
	long		ks_inuse;	/* blocks in use */
	long		ks_limit;	/* the 60% limit */
	long		ks_memuse;	/* bytes in use, as buckets count them */
	long		ks_limblocks;	/* times the limit blocked a malloc */
	long		ks_calls;	/* malloc calls */
	long		ks_maxused;	/* most bytes in use */
	uint32_t	ks_size;	/* bit per bucket size used */
	long		ks_fails;	/* mallocs that returned NULL (model) */
	long		ks_nointruse;	/* bytes outside kmem_map (M_NOINTR) */
};

/* One page of kmem_map (struct kmemusage), kept in simulated memory. */
struct kmemusage {
	int16_t		ku_indx;	/* bucket index */
	uint16_t	ku_count;	/* ku_freecnt, or ku_pagecnt if large */
};

#define MALLOC_MAXTYPES	256

struct kmem {
	vaddr_t		 kmemusage;	/* the kmemusage[] array */
	struct kmemusage *kup;		/* ... at its host address */
	struct kmembuckets kmembuckets[MAXBUCKET + 1];
	struct kmemstats *kmemstats;	/* by type */
	int		 ntypes;
	long		 limit;		/* ks_limit for every type */
	unsigned long	 maxallocsave;
	/*
	 * Pages of bucket elements (not large blocks) whose every element
	 * is free: ku_count equals kb_elmpercl.  Kept as ku_count changes,
	 * for the probes' free pages held (docs/metrics.md); a walk of
	 * kmemusage[] checks it (kcheck.c).
	 */
	uint32_t	 bucketfree;
	/*
	 * The largest M_WAITOK request, granted or not (not kept by
	 * NetBSD).  Made by any caller but one that opted into M_CANFAIL,
	 * a request of that size panics when kmem_map cannot place it: the
	 * report's "kmem_map exhausted" (docs/metrics.md).
	 */
	unsigned long	 waitok_max;
};

/* kmeminit(): carve kmem_map and kmemusage[].  0 or an errno. */
int	kmeminit(struct machine *);
void	kmemfini(struct machine *);

/*
 * The index of malloc type NAME ("M_FILEDESC", at most MALLOC_NAMEMAX
 * characters), registering it; -1 if full or NAME is longer.
 */
int	malloc_type(struct machine *, const char *name);

/*
 * malloc(SIZE, TYPE, FLAGS).  Returns 0 with *VAP set; ENOMEM when it
 * returns NULL (M_NOWAIT, M_CANFAIL); ESLEEP when the current process
 * sleeps; EPANIC when the machine panicked.
 */
int	kern_malloc(struct machine *, unsigned long size, int type, int flags,
	    vaddr_t *vap);

/* free(ADDR, TYPE). */
void	kern_free(struct machine *, vaddr_t addr, int type);

/*
 * Give kmem_map back every bucket page whose elements are all free
 * (kmemusage's free count equals the elements a refill carves), taking
 * its elements off the bucket's free list.  NetBSD 1.5 never does: it
 * only counts such pages in kb_couldfree.  For reclaim (FreeBSD's
 * uma_reclaim()).  Returns the pages released.
 */
uint32_t kmem_reclaim(struct machine *);

/* Bytes a malloc of SIZE really takes (the bucket, or whole pages). */
unsigned long malloc_allocsize(const struct machine *, unsigned long size);

/* BUCKETINDX(size). */
int	malloc_bucketindx(unsigned long size);

#endif /* KM_KERN_MALLOC_H */
