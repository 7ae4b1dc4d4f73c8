/*
 * kern_site.h: the allocation sites that a policy steers, and the
 * vector through which the kernel reaches that policy.
 *
 * The descriptor and amap code asks for its tables and arrays at a few
 * call sites, passing the flags NetBSD 1.5 passes there.  Which arena
 * serves such a request, and what a failure does, is policy: the
 * machine holds a vector of functions, the way pool(9) calls its page
 * allocator through the struct pool_allocator its user supplies, and
 * whoever boots the machine fills it in (strategies/ does).  With no
 * vector everything goes to malloc(9) unchanged, as in NetBSD 1.5.
 */
#ifndef KM_KERN_SITE_H
#define KM_KERN_SITE_H

#include <stdint.h>

#include "param.h"

struct machine;

/* The call sites a policy steers. */
enum alloc_site {
	SITE_FDEXPAND,	/* fdexpand(): a grown descriptor table */
	SITE_FDCOPY,	/* fdcopy(): the child's table on fork */
	SITE_AMAP,	/* amap arrays: am_slots, am_bckptr, am_anon, ppref */
	SITE_NSITES
};

struct site_allocator {
	/*
	 * malloc() for SITE: 0 with *VAP, or ENOMEM, ESLEEP, EPANIC as
	 * kern_malloc() returns them.  SIZE is what the kernel asks.
	 */
	int	(*sa_malloc)(struct machine *, enum alloc_site, unsigned long size,
		    int type, int flags, vaddr_t *vap);
	void	(*sa_free)(struct machine *, enum alloc_site, vaddr_t va,
		    int type);
	/* The value kern.maxfiles or RLIMIT_NOFILE really gets. */
	uint64_t (*sa_limit)(struct machine *, uint64_t requested);
	/* Give back the policy's arenas and state (NULL: none). */
	void	(*sa_detach)(struct machine *);
};

/* The kernel's calls: through the machine's vector, if it has one. */
int	site_malloc(struct machine *, enum alloc_site, unsigned long size,
	    int type, int flags, vaddr_t *vap);
void	site_free(struct machine *, enum alloc_site, vaddr_t va, int type);
uint64_t site_limit(struct machine *, uint64_t requested);

#endif /* KM_KERN_SITE_H */
