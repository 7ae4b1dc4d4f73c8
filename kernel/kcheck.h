/*
 * kcheck.h: the invariant checker of a simulated machine.
 *
 * machine_check() walks the kernel's memory bookkeeping (maps, malloc
 * buckets, kmemusage[], pools, wiring) and tells whether it is
 * consistent.  The per-type byte counts can only be checked against the
 * blocks really live, which the kernel does not record: when the
 * registry is enabled (machine_check_enable(), before the first malloc)
 * kern_malloc() and kern_free() keep a host-side table of live blocks.
 * Without it a run pays one pointer test per malloc and free.
 * docs/invariants.md lists the invariants.
 */
#ifndef KM_KCHECK_H
#define KM_KCHECK_H

#include <stddef.h>

#include "param.h"

struct machine;

/*
 * 0 when every invariant holds; otherwise -1 with a one-line message in
 * ERR naming the broken invariant and the numbers.
 */
int	machine_check(struct machine *, char *err, size_t errlen);

/*
 * Keep the registry of live malloc blocks from now on.  Call it right
 * after machine_boot(): blocks already live are unknown to it, and the
 * per-type counts are then not checked.  0, or ENOMEM.
 */
int	machine_check_enable(struct machine *);

/* The registry's hooks (kern_malloc.c), and its release (machine.c). */
void	kcheck_alloc(struct machine *, vaddr_t va, unsigned long size,
	    int type);
void	kcheck_free(struct machine *, vaddr_t va, int type);
void	kcheck_fini(struct machine *);

#endif /* KM_KCHECK_H */
