/*
 * strategy.h: the interface of a strategy, a policy for the allocations
 * that processes cause in the kernel.
 *
 * The simulated kernel asks the strategy for the memory of descriptor
 * tables and amap arrays, passing the flags NetBSD 1.5 passes at that
 * call site; the strategy decides which arena serves them, with which
 * flags (and so what a failure does), and it may cap the descriptor
 * limits.  Everything else goes to malloc(9) and pool(9) unchanged.
 * A strategy is one file in strategies/ and one line in registry.c.
 */
#ifndef KM_STRATEGY_H
#define KM_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/param.h"

struct machine;

/* The call sites a strategy steers. */
enum alloc_site {
	SITE_FDEXPAND,	/* fdexpand(): a grown descriptor table */
	SITE_FDCOPY,	/* fdcopy(): the child's table on fork */
	SITE_AMAP,	/* amap arrays: am_slots, am_bckptr, am_anon, ppref */
	SITE_NSITES
};

/* Where a strategy comes from, for kmbench strategies' grouping. */
enum strategy_origin {
	ORIGIN_2001,	/* the proposals of PR kern/14721 (the default) */
	ORIGIN_LATER,	/* what later kernels did */
	ORIGIN_N
};

extern const char *const strategy_origins[ORIGIN_N];

struct strategy {
	const char	*s_name;
	enum strategy_origin s_origin;
	const char	*s_summary;	/* one line for kmbench strategies */
	const char	*s_doc;		/* what it does, for --help */
	const char	*s_params;	/* its --set keys, or NULL */

	/*
	 * Set up the arenas at boot.  PARAMS holds "KEY=VALUE" settings
	 * meant for this strategy (the "NAME." prefix removed).  0, or -1
	 * with a one-line message in ERR.
	 */
	int	(*s_attach)(struct machine *, const char *const *params,
		    size_t nparams, char *err, size_t errlen);
	void	(*s_detach)(struct machine *);

	/*
	 * malloc() for SITE: 0 with *VAP, or ENOMEM, ESLEEP, EPANIC as
	 * kern_malloc() returns them.  SIZE is what the kernel asks.
	 */
	int	(*s_malloc)(struct machine *, enum alloc_site, unsigned long size,
		    int type, int flags, vaddr_t *vap);
	void	(*s_free)(struct machine *, enum alloc_site, vaddr_t va,
		    int type);

	/* The value kern.maxfiles or RLIMIT_NOFILE really gets. */
	uint64_t (*s_limit)(struct machine *, uint64_t requested);
};

/* The registry: NULL-terminated, in the order they are listed. */
extern const struct strategy *const strategies[];

const struct strategy *strategy_lookup(const char *name);

/* The mechanisms a strategy composes. */
int	strategy_kmalloc(struct machine *, enum alloc_site, unsigned long,
	    int, int, vaddr_t *);
void	strategy_kfree(struct machine *, enum alloc_site, vaddr_t, int);
uint64_t strategy_nolimit(struct machine *, uint64_t);

/* kmem-vmem's kmem arena for profile PR, in pages (NetBSD 6's rule). */
struct profile;
uint32_t kmem_vmem_arena_pages(const struct profile *pr);

/* fdlimit's cap for SHARE percent of kmem_map, in descriptors. */
uint64_t fdlimit_cap(const struct machine *, unsigned share);

/* Calls from the kernel: through the machine's strategy, if any. */
int	site_malloc(struct machine *, enum alloc_site, unsigned long size,
	    int type, int flags, vaddr_t *vap);
void	site_free(struct machine *, enum alloc_site, vaddr_t va, int type);
uint64_t site_limit(struct machine *, uint64_t requested);

#endif /* KM_STRATEGY_H */
