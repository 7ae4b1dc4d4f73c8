/*
 * uvm_km.c: kernel memory as uvm_km_kmemalloc() gives it: address space
 * first fit from a map, then one wired physical page per page.
 *
 * The simulated kernel space is one reservation in this process; a page
 * gets host memory when the simulated kernel first writes to it.  An
 * unwired page goes to the host-page cache (hostcache.h), which gives
 * the host its pages back in runs past a high-water mark, so the host
 * holds about as much as the simulated kernel has wired.
 */
#include <errno.h>

#include "machine.h"
#include "kern_synch.h"
#include "kp_ledger.h"
#include "subr_pool.h"
#include "uvm_km.h"

int
uvm_pagewire(struct machine *m, uint32_t npages)
{

	if (m->m_freepages < npages)
		return ENOMEM;
	m->m_freepages -= npages;
	m->m_wired += npages;
	if (m->m_wired > m->m_peakwired)
		m->m_peakwired = m->m_wired;
	return 0;
}

void
uvm_pageunwire(struct machine *m, uint32_t npages)
{

	m->m_freepages += npages;
	m->m_wired -= npages;
	m->m_wakeups++;
}

/*
 * Find NPAGES + GUARD pages of MAP and wire the first NPAGES.  The
 * common body of uvm_km_kmemalloc() and uvm_km_alloc_guarded().
 */
static int
uvm_km_alloc1(struct machine *m, struct vm_map *map, vsize_t size,
    uint32_t guard, int flags, vaddr_t *vap)
{
	uint32_t npages = (uint32_t)(round_page(m, size) >> m->m_pageshift);
	uint64_t t = KP_START(m, KP_KM_ALLOC);
	vaddr_t va;

	if (vm_map_findspace(map, npages + guard, &va) != 0) {
		machine_refused(m, map, size, "no address space");
		KP_END_ERR(m, KP_KM_ALLOC, kp_arena(m, map), t, ENOSPC);
		return ENOSPC;
	}
	if (uvm_pagewire(m, npages) != 0) {
		/* The pagedaemon frees what it can: idle pool pages. */
		pool_drain_all(m);
		if (uvm_pagewire(m, npages) != 0) {
			vm_map_release(map, va, npages + guard);
			machine_refused(m, map, size, "no free physical pages");
			KP_END_ERR(m, KP_KM_ALLOC, kp_arena(m, map), t,
			    ENOMEM);
			if (flags & UVM_KMF_NOWAIT)
				return ENOMEM;
			return tsleep(m, "km_getwait2");
		}
	}
	host_wired(m, va, npages);
	*vap = va;
	KP_END(m, KP_KM_ALLOC, kp_arena(m, map), t);
	return 0;
}

int
uvm_km_kmemalloc(struct machine *m, struct vm_map *map, vsize_t size,
    int flags, vaddr_t *vap)
{

	return uvm_km_alloc1(m, map, size, 0, flags, vap);
}

int
uvm_km_alloc_guarded(struct machine *m, struct vm_map *map, vsize_t size,
    uint32_t guard, int flags, vaddr_t *vap)
{

	return uvm_km_alloc1(m, map, size, guard, flags, vap);
}

static void
uvm_km_free1(struct machine *m, struct vm_map *map, vaddr_t va, vsize_t size,
    uint32_t guard)
{
	uint32_t npages = (uint32_t)(round_page(m, size) >> m->m_pageshift);
	uint64_t t = KP_START(m, KP_KM_FREE);

	/* The host pages, and the ledger's records, to the cache. */
	host_unwired(m, va, npages);
	vm_map_release(map, va, npages + guard);
	uvm_pageunwire(m, npages);
	KP_END(m, KP_KM_FREE, kp_arena(m, map), t);
}

void
uvm_km_free(struct machine *m, struct vm_map *map, vaddr_t va, vsize_t size)
{

	uvm_km_free1(m, map, va, size, 0);
}

void
uvm_km_free_guarded(struct machine *m, struct vm_map *map, vaddr_t va,
    vsize_t size, uint32_t guard)
{

	uvm_km_free1(m, map, va, size, guard);
}
