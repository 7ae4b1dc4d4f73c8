/*
 * hostcache.h: the host pages behind the simulated kernel's unwired
 * pages, handed back to the host in batches (hostcache.c).
 *
 * The simulated kernel space is one host reservation (machine.c), whose
 * pages get host memory when first written.  A page the kernel unwires
 * keeps its host memory in this cache; wired again before the cache is
 * emptied, it leaves the cache and nothing was paid for it.  Once past
 * the high-water mark, at the next unwiring, before the pages unwired
 * join it (so that the caller may still read the ledger record of what
 * it has just freed), the whole cache goes back to the host, one
 * madvise(MADV_DONTNEED) per run of contiguous pages, and with each run
 * the probes' ledger records of the same addresses (kp_ledger.h).  So
 * the host holds what the kernel has wired and at most the mark more.
 *
 * No figure of the model depends on it: the kernel writes every byte
 * of a page before it reads it, so a page wired again reads the same
 * to the model whether it came back zeroed or as it was left.
 */
#ifndef KM_HOSTCACHE_H
#define KM_HOSTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "param.h"

struct machine;

/*
 * Bytes of unwired pages kept before the cache is handed back (a build
 * may set another, as the check of issue 21 did with 4 pages).
 */
#ifndef HOSTCACHE_HIWAT_BYTES
#define HOSTCACHE_HIWAT_BYTES	(1U << 20)
#endif

struct hostcache {
	uint64_t	*hc_bits;	/* a bit per kernel page: in the cache */
	uint64_t	*hc_sum;	/* a bit per word of hc_bits not 0 */
	size_t		 hc_nwords;	/* words of hc_bits */
	uint32_t	 hc_pages;	/* pages in the cache */
	uint32_t	 hc_hiwat;	/* past this many, hand them back */
	uint64_t	 hc_flushes;	/* times the cache was handed back */
	uint64_t	 hc_runs;	/* madvise() calls made for it */
	uint64_t	 hc_released;	/* pages handed back */
};

/* A cache for NPAGES kernel pages.  0, or ENOMEM. */
int	hostcache_init(struct hostcache *, uint32_t npages,
	    uint32_t hiwat_pages);
void	hostcache_fini(struct hostcache *);

/* NPAGES at VA are unwired: into the cache, emptied first if past the mark. */
void	host_unwired(struct machine *, vaddr_t va, uint32_t npages);

/* NPAGES at VA are wired: out of the cache, where any of them were. */
void	host_wired(struct machine *, vaddr_t va, uint32_t npages);

/* Hand every page of the cache back to the host, run by run. */
void	host_flush(struct machine *);

#endif /* KM_HOSTCACHE_H */
