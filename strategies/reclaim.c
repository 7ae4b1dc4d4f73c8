/*
 * reclaim.c: FreeBSD 8 and 9's kmem_malloc() (sys/vm/vm_kern.c) over
 * the simulated machine.  When kmem_map has no room for a table or an
 * amap array that may wait, release what can be released and look
 * again, up to 8 times: every idle page of every pool, and every
 * malloc(9) bucket page whose elements are all free (uma_reclaim();
 * NetBSD 1.5 never frees those).  If there is still no room, panic as
 * FreeBSD does: "kmem_malloc(SIZE): kmem_map too small: N total
 * allocated".  Each release pass is timed by the probes as
 * kmem_reclaim.  Callers that may not wait get NULL at once, as before.
 */
#include <errno.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "strategy.h"

#define RECLAIM_PASSES	8	/* for (i = 0; i < 8; i++) in kmem_malloc */

/* One pass: what uma_reclaim() and the vm_lowmem handlers release. */
static void
reclaim_pass(struct machine *m)
{
	uint64_t t = KP_START(m, KP_RECLAIM);

	(void)pool_reclaim_all(m);
	(void)kmem_reclaim(m);
	KP_END(m, KP_RECLAIM, KA_KMEM, t);
}

static int
reclaim_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{
	int i, error;

	(void)site;
	if (flags & (M_NOWAIT | M_CANFAIL))
		return kern_malloc(m, size, type, flags, vap);
	for (i = 0;; i++) {
		/* M_CANFAIL: out of kmem_map space is ENOMEM, not a panic. */
		error = kern_malloc(m, size, type, flags | M_CANFAIL, vap);
		if (error != ENOMEM)
			return error;
		/* That NULL is the strategy's; the caller never sees it. */
		m->m_kmem.kmemstats[type].ks_fails--;
		if (i == RECLAIM_PASSES)
			break;
		reclaim_pass(m);
	}
	return machine_panic(m, "kmem_malloc(%lu): kmem_map too small: %lu "
	    "total allocated", (unsigned long)round_page(m,
	    malloc_allocsize(m, size)),
	    (unsigned long)m->m_kmem_map.vm_used << m->m_pageshift);
}

const struct strategy strategy_reclaim = {
	.s_name = "reclaim",
	.s_origin = ORIGIN_LATER,
	.s_summary = "FreeBSD 8/9 kmem_malloc: release idle pages, retry 8 "
	    "times, then panic",
	.s_doc = "When kmem_map has no room for a descriptor table or amap "
	    "array that may wait, release every idle pool page and every "
	    "malloc(9) bucket page whose elements are all free, and look "
	    "again, up to 8 times (FreeBSD 8 and 9's kmem_malloc with "
	    "uma_reclaim).  Then panic with \"kmem_malloc(SIZE): kmem_map "
	    "too small: N total allocated\".  The probes time each pass as "
	    "kmem_reclaim.",
	.s_sites = {
		.sa_malloc = reclaim_malloc,
		.sa_free = strategy_kfree,
		.sa_limit = strategy_nolimit,
	},
};
