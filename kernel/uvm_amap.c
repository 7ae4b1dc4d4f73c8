/*
 * uvm_amap.c: amaps as NetBSD 1.5 allocates them.
 *
 * amap_alloc() takes the struct from amappl and its three arrays from
 * malloc, nslots elements each and no rounding; amap_extend() mallocs
 * arrays of exactly the new size, copies and frees the old ones;
 * am_ppref is a further M_NOWAIT malloc, and a failure there only means
 * the amap goes without (PPREF_NONE).  The arrays go through the
 * machine's site allocator (kern_site.h).  Anons and their pages are
 * not modelled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern_site.h"
#include "machine.h"
#include "subr_pool.h"
#include "uvm_amap.h"

static inline unsigned long
anonsize(const struct machine *m)
{

	return (unsigned long)m->m_prof.pr_ptrsize;
}

/* Free whichever of the three arrays are allocated. */
static void
amap_free_arrays(struct machine *m, vaddr_t slots, vaddr_t bckptr,
    vaddr_t anon)
{

	if (slots != 0)
		site_free(m, SITE_AMAP, slots, m->m_type_amap);
	if (bckptr != 0)
		site_free(m, SITE_AMAP, bckptr, m->m_type_amap);
	if (anon != 0)
		site_free(m, SITE_AMAP, anon, m->m_type_amap);
}

/* The three arrays of N slots; all or none. */
static int
amap_alloc_arrays(struct machine *m, uint32_t n, int flags, vaddr_t *slots,
    vaddr_t *bckptr, vaddr_t *anon)
{
	int error;

	*slots = *bckptr = *anon = 0;
	if ((error = site_malloc(m, SITE_AMAP, n * sizeof(int32_t),
	    m->m_type_amap, flags, slots)) != 0 ||
	    (error = site_malloc(m, SITE_AMAP, n * sizeof(int32_t),
	    m->m_type_amap, flags, bckptr)) != 0 ||
	    (error = site_malloc(m, SITE_AMAP, n * anonsize(m),
	    m->m_type_amap, flags, anon)) != 0) {
		if (error != EPANIC)
			amap_free_arrays(m, *slots, *bckptr, *anon);
		return error;
	}
	return 0;
}

static int
amap_alloc1(struct machine *m, uint32_t slots, int flags,
    struct vm_amap **ampp)
{
	struct vm_amap *am;
	int error;

	if ((am = calloc(1, sizeof(*am))) == NULL)
		return ENOMEM;
	error = pool_get(m, m->m_pools[POOL_AMAP],
	    (flags & M_NOWAIT) ? PR_NOWAIT : PR_WAITOK, &am->am_va);
	if (error != 0) {
		free(am);
		return error;
	}
	error = amap_alloc_arrays(m, slots, flags, &am->am_slots,
	    &am->am_bckptr, &am->am_anon);
	if (error != 0) {
		if (error != EPANIC)
			pool_put(m, m->m_pools[POOL_AMAP], am->am_va);
		free(am);
		return error;
	}
	memset(kva(m, am->am_anon), 0, slots * anonsize(m));
	am->am_ref = 1;
	am->am_nslot = am->am_maxslot = slots;
	*ampp = am;
	return 0;
}

int
amap_alloc(struct machine *m, uint32_t slots, int flags,
    struct vm_amap **ampp)
{
	uint64_t t = KP_START(m, KP_AMAP_ALLOC);
	int error;

	error = amap_alloc1(m, slots, flags, ampp);
	KP_END_ERR(m, KP_AMAP_ALLOC, KA_PATH, t, error);
	return error;
}

void
amap_pp_establish(struct machine *m, struct vm_amap *am)
{

	if (am->am_ppref != 0 || am->am_ppref_none)
		return;
	if (site_malloc(m, SITE_AMAP, am->am_maxslot * sizeof(int32_t),
	    m->m_type_amap, M_NOWAIT, &am->am_ppref) != 0) {
		am->am_ppref = 0;
		am->am_ppref_none = 1;
	}
}

static int
amap_extend1(struct machine *m, struct vm_amap *am, uint32_t slots)
{
	vaddr_t ns, nb, na, np = 0;
	uint32_t old = am->am_nslot;
	int error;

	if (slots <= am->am_maxslot) {
		am->am_nslot = slots;
		return 0;
	}
	error = amap_alloc_arrays(m, slots, M_WAITOK, &ns, &nb, &na);
	if (error != 0)
		return error;
	if (am->am_ppref != 0 && site_malloc(m, SITE_AMAP,
	    slots * sizeof(int32_t), m->m_type_amap, M_NOWAIT, &np) != 0)
		np = 0;
	memcpy(kva(m, ns), kva(m, am->am_slots), old * sizeof(int32_t));
	memcpy(kva(m, nb), kva(m, am->am_bckptr), old * sizeof(int32_t));
	memcpy(kva(m, na), kva(m, am->am_anon), old * anonsize(m));
	memset((char *)kva(m, na) + old * anonsize(m), 0,
	    (slots - old) * anonsize(m));
	amap_free_arrays(m, am->am_slots, am->am_bckptr, am->am_anon);
	if (am->am_ppref != 0) {
		if (np != 0)
			memcpy(kva(m, np), kva(m, am->am_ppref),
			    old * sizeof(int32_t));
		else
			am->am_ppref_none = 1;
		site_free(m, SITE_AMAP, am->am_ppref, m->m_type_amap);
	}
	am->am_slots = ns;
	am->am_bckptr = nb;
	am->am_anon = na;
	am->am_ppref = np;
	am->am_nslot = am->am_maxslot = slots;
	return 0;
}

int
amap_extend(struct machine *m, struct vm_amap *am, uint32_t slots)
{
	uint64_t t = KP_START(m, KP_AMAP_EXTEND);
	int error;

	error = amap_extend1(m, am, slots);
	KP_END_ERR(m, KP_AMAP_EXTEND, KA_PATH, t, error);
	return error;
}

void
amap_unref(struct machine *m, struct vm_amap *am)
{

	if (--am->am_ref > 0)
		return;
	amap_free_arrays(m, am->am_slots, am->am_bckptr, am->am_anon);
	if (am->am_ppref != 0)
		site_free(m, SITE_AMAP, am->am_ppref, m->m_type_amap);
	pool_put(m, m->m_pools[POOL_AMAP], am->am_va);
	free(am);
}
