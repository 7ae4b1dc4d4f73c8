/*
 * canfail.c: the M_CANFAIL proposal of kern/14721.  fdexpand() and the
 * amap arrays pass M_WAITOK|M_CANFAIL, so running out of kmem_map
 * returns ENOMEM to the calling process instead of panicking.  Nothing
 * else changes: kmem_map stays as full as it was, and the next ordinary
 * M_WAITOK malloc from anyone else still panics.
 */
#include "../kernel/kern_malloc.h"
#include "strategy.h"

static int
canfail_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{

	if ((site == SITE_FDEXPAND || site == SITE_AMAP) &&
	    (flags & M_NOWAIT) == 0)
		flags |= M_CANFAIL;
	return kern_malloc(m, size, type, flags, vap);
}

const struct strategy strategy_canfail = {
	.s_name = "canfail",
	.s_summary = "M_CANFAIL: fdexpand and amap arrays get ENOMEM "
	    "instead of a panic",
	.s_doc = "fdexpand() and the amap arrays pass M_WAITOK|M_CANFAIL "
	    "(NetBSD 1.6): when kmem_map is full the call fails with ENOMEM "
	    "and the process carries on.  fork's table copy and every other "
	    "M_WAITOK malloc are unchanged, so they still panic when "
	    "kmem_map is full.",
	.s_sites = {
		.sa_malloc = canfail_malloc,
		.sa_free = strategy_kfree,
		.sa_limit = strategy_nolimit,
	},
};
