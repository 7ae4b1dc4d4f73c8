/*
 * strategy.h: the interface of a strategy, a policy for the allocations
 * that processes cause in the kernel.
 *
 * The simulated kernel asks for the memory of descriptor tables and
 * amap arrays at its allocation sites, through the vector of functions
 * it owns (kernel/kern_site.h), passing the flags NetBSD 1.5 passes at
 * that call site.  A strategy fills that vector in: it decides which
 * arena serves them, with which flags (and so what a failure does), and
 * it may cap the descriptor limits.  Everything else goes to malloc(9)
 * and pool(9) unchanged.  A strategy is one file in strategies/ and one
 * line in registry.c.
 */
#ifndef KM_STRATEGY_H
#define KM_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/kern_site.h"
#include "../kernel/param.h"

struct machine;
struct profile;

/* Where a strategy comes from, for kmbench strategies' grouping. */
enum strategy_origin {
	ORIGIN_2001,	/* the proposals of PR kern/14721 (the default) */
	ORIGIN_LATER,	/* what later kernels did */
	ORIGIN_N
};

/* Each origin's heading, and its key in kmbench strategies --json. */
extern const char *const strategy_origins[ORIGIN_N];
extern const char *const strategy_origin_keys[ORIGIN_N];

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

	/*
	 * The machine's site allocator while the strategy is in force: its
	 * malloc and free per site, the limits, and sa_detach, which
	 * undoes s_attach.
	 */
	struct site_allocator s_sites;
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
uint32_t kmem_vmem_arena_pages(const struct profile *pr);

/* fdlimit's cap for SHARE percent of kmem_map, in descriptors. */
uint64_t fdlimit_cap(const struct machine *, unsigned share);

/*
 * Boot a machine from profile PR under strategy S (NULL: malloc(9) for
 * everything, as panic-only) with the strategy's PARAMS ("KEY=VALUE"):
 * machine_boot(), then S's arenas and its site allocator, and the
 * limits it caps.  Returns NULL with a one-line message in ERR.
 */
struct machine *strategy_boot(const struct profile *pr,
	    const struct strategy *s, const char *const *params,
	    size_t nparams, char *err, size_t errlen);

#endif /* KM_STRATEGY_H */
