/*
 * uvm_map.c: map entries of process address spaces, clipping, fork's
 * copy-on-write sharing, unmapping and heap growth, as far as they
 * allocate: struct vm_map_entry from vmmpepl, struct vmspace from
 * vmsppl, and amaps (uvm_amap.c).
 *
 * Operations that clip take their spare entries first, so that a
 * failure leaves the map as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern_synch.h"
#include "machine.h"
#include "subr_pool.h"
#include "uvm_amap.h"
#include "uvm_map.h"

#define CHUNK_MASK	((uint64_t)UVM_AMAP_CHUNK - 1)

/*
 * Map entries' host records come in blocks of ENTBLOCK (48 KiB), not
 * one calloc() each: postgres's least-kmem_map search made and freed
 * 250000 a try, and the allocator's calls were a fifth of its time.
 * They are handed out in address order, as calloc() gave them, for a
 * fork's walk of its entries stays in the cache that way; reusing the
 * freed records of a machine before, in the order they were freed,
 * took the matrix 3 to 10% longer.
 */
#define ENTBLOCK	1024

/* E's host record, for the next entry_alloc() (machine.h). */
static void
entry_spare(struct machine *m, struct vm_map_entry *e)
{
	struct vm_map_entry **n;
	uint32_t cap;

	if (m->m_nentspare == m->m_entsparecap) {
		cap = m->m_entsparecap ? 2 * m->m_entsparecap : 64;
		/* Out of host memory the record waits for machine_free(). */
		if ((n = realloc(m->m_entspare, cap * sizeof(*n))) == NULL)
			return;
		m->m_entspare = n;
		m->m_entsparecap = cap;
	}
	m->m_entspare[m->m_nentspare++] = e;
}

/* The next record of the blocks, a new block when they are used up. */
static struct vm_map_entry *
entry_block(struct machine *m)
{
	struct vm_map_entry **n, *b;
	uint32_t i = m->m_entnext / ENTBLOCK, cap;

	if (i == m->m_nentblock) {
		if (m->m_nentblock == m->m_entblockcap) {
			cap = m->m_entblockcap ? 2 * m->m_entblockcap : 16;
			if ((n = realloc(m->m_entblock, cap * sizeof(*n))) ==
			    NULL)
				return NULL;
			m->m_entblock = n;
			m->m_entblockcap = cap;
		}
		if ((b = malloc(ENTBLOCK * sizeof(*b))) == NULL)
			return NULL;
		m->m_entblock[m->m_nentblock++] = b;
	}
	return &m->m_entblock[i][m->m_entnext++ % ENTBLOCK];
}

static int
entry_alloc(struct machine *m, struct vm_map_entry **ep)
{
	struct vm_map_entry *e;
	int error;

	if (m->m_nentspare > 0)
		e = m->m_entspare[--m->m_nentspare];
	else if ((e = entry_block(m)) == NULL)
		return ENOMEM;
	memset(e, 0, sizeof(*e));
	error = pool_get(m, m->m_pools[POOL_MAPENT], PR_WAITOK, &e->va);
	if (error != 0) {
		entry_spare(m, e);
		return error;
	}
	*ep = e;
	return 0;
}

static void
entry_free(struct machine *m, struct vm_map_entry *e)
{

	pool_put(m, m->m_pools[POOL_MAPENT], e->va);
	entry_spare(m, e);
}

/* Take N spare entries, all or none. */
static int
spares_get(struct machine *m, struct vm_map_entry **spare, int n)
{
	int i, error;

	for (i = 0; i < n; i++) {
		if ((error = entry_alloc(m, &spare[i])) != 0) {
			if (error != EPANIC)
				while (i-- > 0)
					entry_free(m, spare[i]);
			return error;
		}
	}
	return 0;
}

static int
vm_insert(struct vmspace *vm, uint32_t idx, struct vm_map_entry *e)
{

	if (vm->vm_nentries == vm->vm_nalloc) {
		uint32_t n = vm->vm_nalloc ? 2 * vm->vm_nalloc : 16;
		struct vm_map_entry **ne;

		ne = realloc(vm->vm_entries, n * sizeof(*ne));
		if (ne == NULL)
			abort();	/* host out of memory */
		vm->vm_entries = ne;
		vm->vm_nalloc = n;
	}
	memmove(&vm->vm_entries[idx + 1], &vm->vm_entries[idx],
	    (vm->vm_nentries - idx) * sizeof(*vm->vm_entries));
	vm->vm_entries[idx] = e;
	vm->vm_nentries++;
	return 0;
}

/* Entries IDX to IDX + N - 1 leave the map. */
static void
vm_remove(struct vmspace *vm, uint32_t idx, uint32_t n)
{

	memmove(&vm->vm_entries[idx], &vm->vm_entries[idx + n],
	    (vm->vm_nentries - idx - n) * sizeof(*vm->vm_entries));
	vm->vm_nentries -= n;
}

/* The index of the first entry ending after PAGE. */
static uint32_t
vm_lookup(const struct vmspace *vm, uint64_t page)
{
	uint32_t lo = 0, hi = vm->vm_nentries;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (vm->vm_entries[mid]->end <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A reference to part of an amap needs ppref (amap_ref, amap_unref). */
static void
entry_partial(struct machine *m, struct vm_map_entry *e)
{

	if (e->amap != NULL && e->end - e->start != e->amap->am_nslot)
		amap_pp_establish(m, e->amap);
}

static void
entry_unref(struct machine *m, struct vm_map_entry *e)
{

	if (e->amap != NULL) {
		entry_partial(m, e);
		amap_unref(m, e->amap);
		e->amap = NULL;
	}
}

/*
 * Split entry IDX at page AT with spare entry NE, which becomes the
 * part from AT (UVM_MAP_CLIP_START/END; amap_splitref).
 */
static void
vm_clip(struct machine *m, struct vmspace *vm, uint32_t idx, uint64_t at,
    struct vm_map_entry *ne)
{
	struct vm_map_entry *e = vm->vm_entries[idx];
	uint64_t va = ne->va;

	*ne = *e;
	ne->va = (vaddr_t)va;
	ne->start = at;
	e->end = at;
	if (e->amap != NULL) {
		/* amap_splitref: ppref before the second reference. */
		amap_pp_establish(m, e->amap);
		e->amap->am_ref++;
		ne->ar_pageoff = e->ar_pageoff + (uint32_t)(at - e->start);
	}
	vm_insert(vm, idx + 1, ne);
}

int
uvmspace_alloc(struct machine *m, struct vmspace **vmp)
{
	struct vmspace *vm;
	int error;

	if ((vm = calloc(1, sizeof(*vm))) == NULL)
		return ENOMEM;
	error = pool_get(m, m->m_pools[POOL_VMSPACE], PR_WAITOK, &vm->vm_va);
	if (error != 0) {
		free(vm);
		return error;
	}
	*vmp = vm;
	return 0;
}

void
uvmspace_clear(struct machine *m, struct vmspace *vm)
{

	while (vm->vm_nentries > 0) {
		struct vm_map_entry *e = vm->vm_entries[vm->vm_nentries - 1];

		vm->vm_nentries--;
		entry_unref(m, e);
		entry_free(m, e);
	}
}

void
uvmspace_free(struct machine *m, struct vmspace *vm)
{

	uvmspace_clear(m, vm);
	pool_put(m, m->m_pools[POOL_VMSPACE], vm->vm_va);
	free(vm->vm_entries);
	free(vm);
}

int
uvmspace_fork(struct machine *m, struct vmspace *pvm, struct vmspace **cvmp)
{
	struct vmspace *cvm;
	uint32_t i;
	int error;

	if ((error = uvmspace_alloc(m, &cvm)) != 0)
		return error;
	cvm->vm_nextslot = pvm->vm_nextslot;
	for (i = 0; i < pvm->vm_nentries; i++) {
		struct vm_map_entry *pe = pvm->vm_entries[i], *ce;

		if ((error = entry_alloc(m, &ce)) != 0) {
			if (error != EPANIC)
				uvmspace_free(m, cvm);
			return error;
		}
		vaddr_t va = ce->va;
		*ce = *pe;
		ce->va = va;
		if (pe->amap != NULL) {
			/* amap_ref(); both sides copy on their next write. */
			entry_partial(m, pe);
			pe->amap->am_ref++;
			pe->etype |= UVM_ET_NEEDSCOPY;
		}
		ce->etype |= UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
		pe->etype |= UVM_ET_COPYONWRITE;
		vm_insert(cvm, cvm->vm_nentries, ce);
	}
	*cvmp = cvm;
	return 0;
}

int
uvm_map_anon(struct machine *m, struct vmspace *vm, uint64_t npages,
    uint64_t *startp)
{
	struct vm_map_entry *e;
	int error;

	if ((error = entry_alloc(m, &e)) != 0)
		return error;
	e->start = vm->vm_nextslot++ << VMSPACE_SLOTSHIFT;
	e->end = e->start + npages;
	e->etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	vm_insert(vm, vm->vm_nentries, e);
	*startp = e->start;
	return 0;
}

int
uvm_unmap(struct machine *m, struct vmspace *vm, uint64_t start,
    uint64_t npages)
{
	struct vm_map_entry *spare[2] = { NULL, NULL };
	uint64_t end = start + npages;
	uint32_t idx, last, cur;
	int nspare = 0, front, back, error;

	idx = vm_lookup(vm, start);
	last = vm_lookup(vm, end - 1);
	front = idx < vm->vm_nentries && vm->vm_entries[idx]->start < start;
	back = last < vm->vm_nentries && vm->vm_entries[last]->start < end &&
	    vm->vm_entries[last]->end > end;
	if ((error = spares_get(m, spare, front + back)) != 0)
		return error;
	if (front) {
		vm_clip(m, vm, idx, start, spare[nspare++]);
		idx++;
	}
	/*
	 * The entries from IDX that start before END go, one after the
	 * other as uvm_unmap_remove() takes them; their slots are closed
	 * up once, at the end, not one memmove an entry.  A clip of the
	 * last inserts its tail after it, past the slots that go.
	 */
	for (cur = idx; cur < vm->vm_nentries &&
	    vm->vm_entries[cur]->start < end; cur++) {
		struct vm_map_entry *e = vm->vm_entries[cur];

		if (e->end > end)
			vm_clip(m, vm, cur, end, spare[nspare++]);
		entry_unref(m, e);
		entry_free(m, e);
	}
	vm_remove(vm, idx, cur - idx);
	return 0;
}

int
uvm_map_grow(struct machine *m, struct vmspace *vm, uint64_t start,
    uint64_t oldpages, uint64_t newpages)
{
	uint64_t oldend = start + oldpages, newend = start + newpages;
	struct vm_map_entry *e = NULL, *ne;
	uint32_t idx;
	int error;

	if (newpages < oldpages)
		return uvm_unmap(m, vm, newend, oldpages - newpages);
	if (newpages == oldpages)
		return 0;
	idx = vm_lookup(vm, oldend - 1);
	if (idx < vm->vm_nentries && vm->vm_entries[idx]->start < oldend &&
	    vm->vm_entries[idx]->end == oldend)
		e = vm->vm_entries[idx];
	/* uvm_map merges with the entry before when it can. */
	if (e != NULL && e->amap == NULL) {
		e->end = newend;
		return 0;
	}
	if (e != NULL && e->amap->am_ref == 1 &&
	    e->ar_pageoff + (e->end - e->start) == e->amap->am_nslot) {
		error = amap_extend(m, e->amap,
		    (uint32_t)(e->amap->am_nslot + (newend - oldend)));
		if (error != 0)
			return error;
		e->end = newend;
		return 0;
	}
	if ((error = entry_alloc(m, &ne)) != 0)
		return error;
	ne->start = oldend;
	ne->end = newend;
	ne->etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	vm_insert(vm, vm_lookup(vm, oldend), ne);
	return 0;
}

/* amap_copy() for entry IDX at fault page PAGE; may clip (chunking). */
static int
amap_copy(struct machine *m, struct vmspace *vm, uint32_t *idxp,
    uint64_t page)
{
	struct vm_map_entry *spare[2] = { NULL, NULL }, *e;
	struct vm_amap *am;
	uint64_t cs, ce;
	int error;

	e = vm->vm_entries[*idxp];
	if (e->amap == NULL) {
		if (e->end - e->start >= UVM_AMAP_LARGE) {
			/* Clip to the chunk around the fault. */
			int front, back, nspare = 0;

			cs = page & ~CHUNK_MASK;
			ce = cs + UVM_AMAP_CHUNK;
			front = cs > e->start;
			back = ce < e->end;
			if ((error = spares_get(m, spare, front + back)) != 0)
				return error;
			if (front) {
				vm_clip(m, vm, *idxp, cs, spare[nspare++]);
				(*idxp)++;
			}
			e = vm->vm_entries[*idxp];
			if (back)
				vm_clip(m, vm, *idxp, ce, spare[nspare++]);
		}
		error = amap_alloc(m, (uint32_t)(e->end - e->start), M_NOWAIT,
		    &am);
		if (error != 0)
			return error;
		e->amap = am;
		e->ar_pageoff = 0;
		e->etype &= ~UVM_ET_NEEDSCOPY;
		return 0;
	}
	if (e->amap->am_ref == 1) {
		e->etype &= ~UVM_ET_NEEDSCOPY;
		return 0;
	}
	error = amap_alloc(m, (uint32_t)(e->end - e->start), M_NOWAIT, &am);
	if (error != 0)
		return error;
	entry_unref(m, e);
	e->amap = am;
	e->ar_pageoff = 0;
	e->etype &= ~UVM_ET_NEEDSCOPY;
	return 0;
}

int
uvm_fault_write(struct machine *m, struct vmspace *vm, uint64_t start,
    uint64_t npages)
{
	uint64_t page = start, end = start + npages;
	uint32_t idx;
	int error;

	while (page < end) {
		struct vm_map_entry *e;

		idx = vm_lookup(vm, page);
		if (idx == vm->vm_nentries)
			break;
		e = vm->vm_entries[idx];
		if (e->start >= end)
			break;
		if (e->start > page)
			page = e->start;	/* an unmapped hole */
		if (e->amap == NULL || (e->etype & UVM_ET_NEEDSCOPY)) {
			uint64_t t = KP_START(m, KP_AMAP_COPY);

			error = amap_copy(m, vm, &idx, page);
			KP_END_ERR(m, KP_AMAP_COPY, KA_PATH, t, error);
			if (error == ENOMEM)	/* uvm_fault waits and refaults */
				return tsleep(m, "fltamapcopy");
			if (error != 0)
				return error;
			e = vm->vm_entries[idx];
		}
		page = e->end;
	}
	return 0;
}
