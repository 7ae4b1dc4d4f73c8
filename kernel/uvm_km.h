/*
 * uvm_km.h: wired kernel memory from a kernel map (uvm_km.c, uvm_page.c).
 */
#ifndef KM_UVM_KM_H
#define KM_UVM_KM_H

#include "param.h"

struct machine;
struct vm_map;

#define UVM_KMF_NOWAIT	0x1	/* fail rather than wait for pages */

/*
 * uvm_km_kmemalloc(): SIZE bytes (page rounded) of fresh address space
 * in MAP, backed by wired pages.  Returns 0 with *VAP set; ENOSPC when
 * MAP has no room (whatever the flags, as in uvm_km.c); ENOMEM when no
 * physical page is free and UVM_KMF_NOWAIT is set; ESLEEP when the
 * current process must wait for pages; EPANIC for a sleep in interrupt
 * context.  Before giving up on pages the pagedaemon drains idle pool
 * pages.
 */
int	uvm_km_kmemalloc(struct machine *, struct vm_map *, vsize_t size,
	    int flags, vaddr_t *vap);

/* uvm_km_free(): unwire and unmap what uvm_km_kmemalloc() returned. */
void	uvm_km_free(struct machine *, struct vm_map *, vaddr_t va,
	    vsize_t size);

/*
 * uvm_km_alloc_guarded(): as uvm_km_kmemalloc(), but the range found is
 * GUARD pages longer than SIZE (page rounded) and those last pages are
 * left unwired: a guard after the area, as Linux's vmalloc leaves one.
 */
int	uvm_km_alloc_guarded(struct machine *, struct vm_map *, vsize_t size,
	    uint32_t guard, int flags, vaddr_t *vap);

/* Free what uvm_km_alloc_guarded() returned, with its guard pages. */
void	uvm_km_free_guarded(struct machine *, struct vm_map *, vaddr_t va,
	    vsize_t size, uint32_t guard);

/* Wire and unwire pages that no map hands out (boot allocations). */
int	uvm_pagewire(struct machine *, uint32_t npages);
void	uvm_pageunwire(struct machine *, uint32_t npages);

#endif /* KM_UVM_KM_H */
