/*
 * vm_map.h: a page-granular kernel address map (kernel_map, kmem_map).
 *
 * Only the free space is recorded, as address-ordered extents; a request
 * is placed first fit from the lowest address, as uvm_map_findspace()
 * places it.  The map counts its pages in use and remembers the peak,
 * and how far up the map it has ever placed a range.
 *
 * Beside the extents, the map keeps their sizes as a multiset: the
 * distinct sizes in ascending order, each with the number of free
 * extents of that size.  Every take and release updates it, so the
 * largest free extent (the probes' "largest hole") is its last entry,
 * read without a walk; machine_check() (kcheck.c) compares it with a
 * walk of the extents.
 */
#ifndef KM_VM_MAP_H
#define KM_VM_MAP_H

#include <stdint.h>

#include "param.h"

struct vm_extent {
	uint32_t	ve_start;	/* first free page, from the map start */
	uint32_t	ve_npages;
};

/* How many free extents have VS_SIZE pages. */
struct vm_sizecount {
	uint32_t	vs_size;
	uint32_t	vs_count;
};

struct vm_map {
	const char	*vm_name;
	vaddr_t		 vm_min;	/* first address */
	uint32_t	 vm_npages;	/* size of the map in pages */
	unsigned	 vm_pageshift;
	struct vm_extent *vm_free;	/* free extents, by address */
	uint32_t	 vm_nfree;
	uint32_t	 vm_nfreealloc;	/* room in vm_free and vm_sizes */
	struct vm_sizecount *vm_sizes;	/* extent sizes, ascending */
	uint32_t	 vm_nsizes;	/* distinct sizes, <= vm_nfree */
	uint32_t	 vm_used;	/* pages in use */
	uint32_t	 vm_peak;	/* most pages in use at once */
	/*
	 * The end of the highest range ever taken, in pages from the map
	 * start: the least size of map that would have held every range
	 * where it was placed.
	 */
	uint32_t	 vm_top;
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

/* The largest free extent, in pages, from the size table. */
static inline uint32_t
vm_map_largest_free(const struct vm_map *map)
{

	return map->vm_nsizes == 0 ? 0 :
	    map->vm_sizes[map->vm_nsizes - 1].vs_size;
}

/* The same by a walk of every free extent: the checker's reference. */
uint32_t vm_map_largest_walk(const struct vm_map *);

/* Index in the size table of SIZE, or vm_nsizes if it is not there. */
uint32_t vm_map_sizeindex(const struct vm_map *, uint32_t size);

/* Nonzero when VA lies inside the map. */
static inline int
vm_map_contains(const struct vm_map *map, vaddr_t va)
{

	return va >= map->vm_min &&
	    ((va - map->vm_min) >> map->vm_pageshift) < map->vm_npages;
}

#endif /* KM_VM_MAP_H */
