/*
 * uvm_amap.h: anonymous maps (uvm_amap.c, uvm_amap.h 1.22).
 *
 * An amap holds one slot per page; struct vm_amap comes from amappl and
 * its three arrays (am_slots, am_bckptr, am_anon) are three M_UVMAMAP
 * mallocs of nslots elements.  am_ppref, one int a slot, is malloc'ed
 * M_NOWAIT the first time part of the amap is referenced separately.
 */
#ifndef KM_UVM_AMAP_H
#define KM_UVM_AMAP_H

#include <stdint.h>

#include "param.h"

struct machine;

struct vm_amap {
	vaddr_t		am_va;		/* the struct, from amappl */
	int		am_ref;		/* references */
	uint32_t	am_nslot;	/* slots in use */
	uint32_t	am_maxslot;	/* slots allocated */
	vaddr_t		am_slots;	/* int [am_maxslot] */
	vaddr_t		am_bckptr;	/* int [am_maxslot] */
	vaddr_t		am_anon;	/* struct vm_anon *[am_maxslot] */
	vaddr_t		am_ppref;	/* int [am_maxslot], 0 if none */
	int		am_ppref_none;	/* PPREF_NONE: the malloc failed */
};

/* amap_alloc(): FLAGS M_WAITOK or M_NOWAIT.  0, ENOMEM, ESLEEP, EPANIC. */
int	amap_alloc(struct machine *, uint32_t slots, int flags,
	    struct vm_amap **ampp);
/* amap_extend(): grow to SLOTS (M_WAITOK).  0, ENOMEM, ESLEEP, EPANIC. */
int	amap_extend(struct machine *, struct vm_amap *, uint32_t slots);
/* amap_pp_establish(): try to get am_ppref (M_NOWAIT). */
void	amap_pp_establish(struct machine *, struct vm_amap *);
/* Drop a reference; the last one frees the amap. */
void	amap_unref(struct machine *, struct vm_amap *);

#endif /* KM_UVM_AMAP_H */
