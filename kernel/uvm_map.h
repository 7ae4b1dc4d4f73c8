/*
 * uvm_map.h: a process's address space as far as amaps are concerned.
 *
 * Only writable private or anonymous mappings are modelled.  Each
 * mapping a trace names gets its own stretch of user address space
 * (2^20 pages, so that it can grow), and is made of map entries, which
 * may be clipped; an entry refers to part of an amap.  Entries are host
 * structures, each backed by a struct vm_map_entry from vmmpepl.
 */
#ifndef KM_UVM_MAP_H
#define KM_UVM_MAP_H

#include <stdint.h>

#include "param.h"

struct machine;
struct vm_amap;

#define UVM_ET_COPYONWRITE	0x1
#define UVM_ET_NEEDSCOPY	0x2

#define VMSPACE_SLOTSHIFT	20	/* pages of user space per mapping */

struct vm_map_entry {
	uint64_t	 start, end;	/* user pages, [start, end) */
	struct vm_amap	*amap;
	uint32_t	 ar_pageoff;	/* first slot of the amap used */
	int		 etype;
	vaddr_t		 va;		/* the struct, from vmmpepl */
};

struct vmspace {
	vaddr_t		 vm_va;		/* struct vmspace, from vmsppl */
	struct vm_map_entry **vm_entries; /* by address */
	uint32_t	 vm_nentries;
	uint32_t	 vm_nalloc;
	uint64_t	 vm_nextslot;	/* next mapping's stretch */
};

/* uvmspace_alloc(): an empty address space.  0, ENOMEM, ESLEEP, EPANIC. */
int	uvmspace_alloc(struct machine *, struct vmspace **);
/* uvmspace_fork(): the child's copy-on-write copy. */
int	uvmspace_fork(struct machine *, struct vmspace *parent,
	    struct vmspace **child);
/* Remove every mapping (exec) and, if FREE, the vmspace (exit). */
void	uvmspace_clear(struct machine *, struct vmspace *);
void	uvmspace_free(struct machine *, struct vmspace *);

/* A new mapping of NPAGES: its first page in *STARTP.  No amap yet. */
int	uvm_map_anon(struct machine *, struct vmspace *, uint64_t npages,
	    uint64_t *startp);
/* Unmap [START, START + NPAGES). */
int	uvm_unmap(struct machine *, struct vmspace *, uint64_t start,
	    uint64_t npages);
/* Resize the mapping at START from OLDPAGES to NEWPAGES (brk). */
int	uvm_map_grow(struct machine *, struct vmspace *, uint64_t start,
	    uint64_t oldpages, uint64_t newpages);
/* Write faults on [START, START + NPAGES): create or copy amaps. */
int	uvm_fault_write(struct machine *, struct vmspace *, uint64_t start,
	    uint64_t npages);

#endif /* KM_UVM_MAP_H */
