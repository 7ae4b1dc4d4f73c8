/*
 * nointr.c: the M_NOINTR proposal (Chuck Silvers, tech-kern, December
 * 2001).  Descriptor tables and amap arrays are never touched from
 * interrupt context, so malloc() with M_NOINTR serves them outside
 * kmem_map: up to a page from power-of-two pools of 16 bytes to
 * PAGE_SIZE whose pages come from kernel_map, larger requests as whole
 * pages of kernel_map.  free() tells the two kinds apart by whether the
 * address lies inside kmem_map.  Running out of kernel_map space panics
 * an M_WAITOK caller as running out of kmem_map did; running out of
 * physical pages makes it sleep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/kp_ledger.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "../kernel/uvm_km.h"
#include "strategy.h"

#define NOINTR_NPOOLS	16

struct nointr {
	struct pool	*pools[NOINTR_NPOOLS];	/* 16 B .. PAGE_SIZE */
	char		 names[NOINTR_NPOOLS][24];
	int		 npools;
	uint32_t	*npages;	/* per kernel page: large block size */
};

/* The pool for SIZE bytes, or -1 when it takes whole pages. */
static int
nointr_pool(const struct machine *m, unsigned long size)
{
	int i = 0;

	if (size > m->m_pagesize)
		return -1;
	while ((16UL << i) < size)
		i++;
	return i;
}

static int
nointr_attach(struct machine *m, const char *const *params, size_t nparams,
    char *err, size_t errlen)
{
	struct nointr *ni;
	int i;

	if (nparams > 0) {
		snprintf(err, errlen, "unknown setting 'nointr.%s' (nointr "
		    "has no settings)", params[0]);
		return -1;
	}
	if ((ni = calloc(1, sizeof(*ni))) == NULL ||
	    (ni->npages = calloc(m->m_kvapages, sizeof(*ni->npages))) ==
	    NULL) {
		free(ni);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; (16UL << i) <= m->m_pagesize; i++) {
		snprintf(ni->names[i], sizeof(ni->names[i]), "nointr%lu",
		    16UL << i);
		if ((ni->pools[i] = pool_init(m, ni->names[i],
		    (uint32_t)(16UL << i), 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		/* Their items are malloc blocks, probed as such. */
		ni->pools[i]->pr_internal = 1;
	}
	ni->npools = i;
	m->m_sdata = ni;
	return 0;
}

static void
nointr_detach(struct machine *m)
{
	struct nointr *ni = m->m_sdata;

	if (ni != NULL) {
		free(ni->npages);
		free(ni);
	}
	m->m_sdata = NULL;
}

static int
nointr_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{
	struct nointr *ni = m->m_sdata;
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	unsigned long allocsize;
	uint64_t t = KP_START(m, KP_MALLOC);
	int i, error;

	(void)site;
	flags |= M_NOINTR;
	if ((i = nointr_pool(m, size)) >= 0) {
		allocsize = 16UL << i;
		error = pool_get(m, ni->pools[i],
		    (flags & M_NOWAIT) ? PR_NOWAIT : PR_WAITOK, vap);
	} else {
		allocsize = round_page(m, size);
		error = uvm_km_kmemalloc(m, &m->m_kernel_map, allocsize,
		    (flags & M_NOWAIT) ? UVM_KMF_NOWAIT : 0, vap);
		if (error == ENOSPC) {
			if (flags & (M_NOWAIT | M_CANFAIL))
				error = ENOMEM;
			else
				return machine_panic(m, "malloc: out of space "
				    "in kernel_map");
		}
		if (error == 0)
			ni->npages[kva_page(m, *vap)] =
			    (uint32_t)(allocsize >> m->m_pageshift);
	}
	KP_END_ERR(m, KP_MALLOC, KA_KERNEL, t, error);
	if (error == ENOMEM)
		ksp->ks_fails++;
	if (error != 0)
		return error;
	kp_alloc(m, KA_KERNEL, *vap, size, allocsize);
	/* The type's statistics count it; kmem_map's limit does not. */
	ksp->ks_calls++;
	ksp->ks_inuse++;
	ksp->ks_nointruse += (long)allocsize;
	return 0;
}

static void
nointr_free(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{
	struct nointr *ni = m->m_sdata;
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	struct pool *pp;
	uint64_t t;
	uint32_t npg;

	(void)site;
	if (vm_map_contains(&m->m_kmem_map, va)) {
		kern_free(m, va, type);
		return;
	}
	t = KP_START(m, KP_FREE);
	ksp->ks_inuse--;
	if ((pp = pool_of(m, va)) != NULL) {
		kp_free(m, KA_KERNEL, va, pp->pr_size);
		ksp->ks_nointruse -= (long)pp->pr_size;
		pool_put(m, pp, va);
	} else {
		npg = ni->npages[kva_page(m, va)];
		ni->npages[kva_page(m, va)] = 0;
		kp_free(m, KA_KERNEL, va, (uint64_t)npg << m->m_pageshift);
		ksp->ks_nointruse -= (long)npg << m->m_pageshift;
		uvm_km_free(m, &m->m_kernel_map, va,
		    (vsize_t)npg << m->m_pageshift);
	}
	KP_END(m, KP_FREE, KA_KERNEL, t);
}

const struct strategy strategy_nointr = {
	.s_name = "nointr",
	.s_summary = "M_NOINTR: tables and amap arrays from pools and pages "
	    "of kernel_map",
	.s_doc = "Descriptor tables and amap arrays are malloc'ed with "
	    "M_NOINTR: up to PAGE_SIZE from power-of-two pools (16 bytes to "
	    "a page) whose pages come from kernel_map, larger ones as whole "
	    "pages of kernel_map; free() tells them apart by whether the "
	    "address is inside kmem_map.  kmem_map is left to interrupt-safe "
	    "users.  Out of kernel_map space an M_WAITOK caller panics; out "
	    "of physical pages it sleeps.",
	.s_attach = nointr_attach,
	.s_sites = {
		.sa_malloc = nointr_malloc,
		.sa_free = nointr_free,
		.sa_limit = strategy_nolimit,
		.sa_detach = nointr_detach,
	},
};
