/*
 * kmem_vmem.c: NetBSD 6 and later: descriptor tables and amap arrays
 * from kmem(9) (kernel/subr_kmem.c) over a vmem arena
 * (kernel/subr_vmem.c) sized by NetBSD 6's rule for the machine
 * (uvm_km.c kmeminit_nkmempages).  Callers that may sleep pass
 * KM_SLEEP, which never fails: out of arena space or physical pages
 * the process sleeps until memory comes back, and a process still
 * asleep at the end is hung.  This trades the panics of 1.5 for hangs.
 * M_NOWAIT callers pass KM_NOSLEEP and get ENOMEM.  Everything else
 * stays with 1.5's malloc(9) and kmem_map.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/kp_ledger.h"
#include "../kernel/machine.h"
#include "../kernel/subr_kmem.h"
#include "strategy.h"

/*
 * NetBSD 6's kmem_arena in pages: physmem * 2/3 where the pmap has no
 * direct map for pool pages (i386), physmem / 4 where it has one
 * (amd64's PMAP_MAP_POOLPAGE; the profile's ptrsize 8), clamped to
 * NKMEMPAGES_MIN and NKMEMPAGES_MAX (the profile's nkmempages_min and
 * _max); options NKMEMPAGES (nkmempages) overrides.
 */
uint32_t
kmem_vmem_arena_pages(const struct profile *pr)
{
	uint64_t phys = pr->pr_physmem / pr->pr_pagesize, n;

	if (pr->pr_nkmempages != 0)
		return (uint32_t)pr->pr_nkmempages;
	n = pr->pr_ptrsize >= 8 ? phys / 4 : (phys / 3) * 2;
	if (n > pr->pr_nkmempages_max)
		n = pr->pr_nkmempages_max;
	if (n < pr->pr_nkmempages_min)
		n = pr->pr_nkmempages_min;
	return (uint32_t)n;
}

static int
kmem_vmem_attach(struct machine *m, const char *const *params,
    size_t nparams, char *err, size_t errlen)
{
	struct kmem_arena *ka;
	uint32_t npages = kmem_vmem_arena_pages(&m->m_prof), qc;
	vaddr_t base;

	if (nparams > 0) {
		snprintf(err, errlen, "unknown setting 'kmem-vmem.%s' "
		    "(kmem-vmem has no settings)", params[0]);
		return -1;
	}
	/* kmem_arena_small: under 64 MiB, quantum caches of 4 pages. */
	qc = (uint64_t)npages * m->m_pagesize < (64ULL << 20) ? 4 : 8;
	if ((ka = calloc(1, sizeof(*ka))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (vm_map_findspace(&m->m_kernel_map, npages, &base) != 0) {
		free(ka);
		snprintf(err, errlen, "%s: a kmem arena of %u pages does not "
		    "fit in kernel_map", m->m_prof.pr_name, npages);
		return -1;
	}
	if (kmem_arena_init(m, ka, base, npages, qc) != 0) {
		free(ka);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	m->m_boot_unwired += npages;
	m->m_xvmem = &ka->ka_vmem;
	m->m_xwired = 0;
	m->m_xidle = 0;
	m->m_sdata = ka;
	return 0;
}

static void
kmem_vmem_detach(struct machine *m)
{
	struct kmem_arena *ka = m->m_sdata;

	if (ka != NULL) {
		kmem_arena_fini(ka);
		free(ka);
	}
	m->m_xvmem = NULL;
	m->m_sdata = NULL;
}

static int
kmem_vmem_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	uint64_t t = KP_START(m, KP_MALLOC);
	size_t given;
	int error;

	(void)site;
	error = kmem_alloc(m, m->m_sdata, size,
	    (flags & M_NOWAIT) ? KM_NOSLEEP : KM_SLEEP, vap, &given);
	KP_END_ERR(m, KP_MALLOC, KA_KERNEL, t, error);
	if (error == ENOMEM)
		ksp->ks_fails++;
	if (error != 0)
		return error;
	kp_alloc(m, KA_KERNEL, *vap, size, given);
	ksp->ks_calls++;
	ksp->ks_inuse++;
	ksp->ks_nointruse += (long)given;
	return 0;
}

static void
kmem_vmem_free(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{
	struct kmem_arena *ka = m->m_sdata;
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	uint64_t t;
	size_t given;

	(void)site;
	if (!kmem_contains(ka, va)) {
		kern_free(m, va, type);
		return;
	}
	t = KP_START(m, KP_FREE);
	if (m->m_kledger != NULL) {
		/* The ledger needs the size before the block is gone. */
		given = kmem_free(m, ka, va);
		kp_free(m, KA_KERNEL, va, given);
	} else
		given = kmem_free(m, ka, va);
	ksp->ks_inuse--;
	ksp->ks_nointruse -= (long)given;
	KP_END(m, KP_FREE, KA_KERNEL, t);
}

const struct strategy strategy_kmem_vmem = {
	.s_name = "kmem-vmem",
	.s_origin = ORIGIN_LATER,
	.s_summary = "NetBSD 6 kmem(9) over vmem: KM_SLEEP never fails, it "
	    "waits, maybe for good",
	.s_doc = "Descriptor tables and amap arrays come from kmem(9): "
	    "size-class caches (8 bytes to a page) whose pages, and larger "
	    "requests as whole pages, come from a vmem arena (instant-fit "
	    "power-of-two free lists, boundary tags, quantum caches of 4 or "
	    "8 pages) sized as NetBSD 6 sizes kmem_arena: two thirds of "
	    "physical memory on i386, a quarter with a direct map (amd64), "
	    "clamped to nkmempages_min and _max.  KM_SLEEP never fails: out "
	    "of arena space or pages the process sleeps (\"vmem\", "
	    "\"plpg\"), and if nothing frees memory it is hung.  M_NOWAIT "
	    "callers get ENOMEM.",
	.s_attach = kmem_vmem_attach,
	.s_sites = {
		.sa_malloc = kmem_vmem_malloc,
		.sa_free = kmem_vmem_free,
		.sa_limit = strategy_nolimit,
		.sa_detach = kmem_vmem_detach,
	},
};
