/*
 * vm_map.h: a page-granular kernel address map (kernel_map, kmem_map).
 *
 * Only the free space is recorded, as address-ordered extents; a request
 * is placed first fit from the lowest address, as uvm_map_findspace()
 * places it.  The map counts its pages in use and remembers the peak.
 */
#ifndef KM_VM_MAP_H
#define KM_VM_MAP_H

#include <stdint.h>

#include "param.h"

struct vm_extent {
	uint32_t	ve_start;	/* first free page, from the map start */
	uint32_t	ve_npages;
};

struct vm_map {
	const char	*vm_name;
	vaddr_t		 vm_min;	/* first address */
	uint32_t	 vm_npages;	/* size of the map in pages */
	unsigned	 vm_pageshift;
	struct vm_extent *vm_free;	/* free extents, by address */
	uint32_t	 vm_nfree;
	uint32_t	 vm_nfreealloc;
	uint32_t	 vm_used;	/* pages in use */
	uint32_t	 vm_peak;	/* most pages in use at once */
};

int	vm_map_init(struct vm_map *, const char *name, vaddr_t min,
	    uint32_t npages, unsigned pageshift);
void	vm_map_destroy(struct vm_map *);

/* First fit: the lowest free range of NPAGES.  0, or ENOSPC. */
int	vm_map_findspace(struct vm_map *, uint32_t npages, vaddr_t *vap);

/* Take the given range, which must be free.  0, or ENOSPC. */
int	vm_map_reserve(struct vm_map *, vaddr_t va, uint32_t npages);

/* Give a range back; it must be in use. */
void	vm_map_release(struct vm_map *, vaddr_t va, uint32_t npages);

/* The largest free extent, in pages. */
uint32_t vm_map_largest_free(const struct vm_map *);

/* Nonzero when VA lies inside the map. */
static inline int
vm_map_contains(const struct vm_map *map, vaddr_t va)
{

	return va >= map->vm_min &&
	    ((va - map->vm_min) >> map->vm_pageshift) < map->vm_npages;
}

#endif /* KM_VM_MAP_H */
