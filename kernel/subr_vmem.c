/*
 * subr_vmem.c: vmem(9) as NetBSD's subr_vmem.c does it (see
 * subr_vmem.h; docs/model.md names the revisions read): boundary tags
 * in address order, power-of-two free lists, instant fit falling back
 * to best fit, the front of the chosen segment taken, free neighbours
 * merged, and quantum caches carved from large pages of the arena.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subr_vmem.h"

static int
ilog2(uint64_t q)
{

	return 63 - __builtin_clzll(q);
}

int
vmem_freelist_of(const struct vmem *vm, vsize_t size)
{

	return ilog2(size >> vm->vm_qshift);
}

static void
freelist_insert(struct vmem *vm, struct vmem_btag *bt)
{
	struct vmem_btag **head = &vm->vm_freelist[vmem_freelist_of(vm,
	    bt->bt_size)];

	bt->bt_fprev = NULL;
	bt->bt_fnext = *head;
	if (*head != NULL)
		(*head)->bt_fprev = bt;
	*head = bt;
	vm->vm_nfree++;
}

static void
freelist_remove(struct vmem *vm, struct vmem_btag *bt)
{

	if (bt->bt_fprev != NULL)
		bt->bt_fprev->bt_fnext = bt->bt_fnext;
	else
		vm->vm_freelist[vmem_freelist_of(vm, bt->bt_size)] =
		    bt->bt_fnext;
	if (bt->bt_fnext != NULL)
		bt->bt_fnext->bt_fprev = bt->bt_fprev;
	bt->bt_fprev = bt->bt_fnext = NULL;
	vm->vm_nfree--;
}

static inline struct vmem_btag **
busyslot(struct vmem *vm, vaddr_t va)
{

	return &vm->vm_busy[(va - vm->vm_base) >> vm->vm_qshift];
}

static void
seg_unlink(struct vmem *vm, struct vmem_btag *bt)
{

	if (bt->bt_prev != NULL)
		bt->bt_prev->bt_next = bt->bt_next;
	else
		vm->vm_seg = bt->bt_next;
	if (bt->bt_next != NULL)
		bt->bt_next->bt_prev = bt->bt_prev;
}

int
vmem_init(struct vmem *vm, const char *name, vaddr_t base, vsize_t size,
    vsize_t quantum, vsize_t qcache_max)
{
	struct vmem_btag *bt;
	struct vmem_qcache *qc, *prev = NULL;
	vsize_t pagesz;
	int i, n;

	memset(vm, 0, sizeof(*vm));
	vm->vm_name = name;
	vm->vm_base = base;
	vm->vm_quantum = quantum;
	vm->vm_qshift = (unsigned)ilog2(quantum);
	vm->vm_size = size & ~(quantum - 1);
	if (vm->vm_size == 0 ||
	    (vm->vm_busy = calloc(vm->vm_size >> vm->vm_qshift,
	    sizeof(*vm->vm_busy))) == NULL ||
	    (bt = calloc(1, sizeof(*bt))) == NULL) {
		free(vm->vm_busy);
		return ENOMEM;
	}
	bt->bt_start = base;
	bt->bt_size = vm->vm_size;
	bt->bt_type = BT_FREE;
	vm->vm_seg = bt;
	freelist_insert(vm, bt);
	/* Quantum caches, as qc_init() makes them. */
	qcache_max &= ~(quantum - 1);
	if (qcache_max > (vsize_t)VMEM_QCACHE_MAX << vm->vm_qshift)
		qcache_max = (vsize_t)VMEM_QCACHE_MAX << vm->vm_qshift;
	if (qcache_max == 0)
		return 0;
	/* qc_poolpage_size(): the least power of two above 3 * max. */
	for (pagesz = 1; pagesz <= 3 * qcache_max; pagesz <<= 1)
		continue;
	vm->vm_qcache_max = qcache_max;
	vm->vm_qc_pagesz = pagesz;
	n = (int)(qcache_max >> vm->vm_qshift);
	vm->vm_nqcache = n;
	for (i = n; i > 0; i--) {
		qc = &vm->vm_qcache[i - 1];
		qc->qc_size = (vsize_t)i << vm->vm_qshift;
		qc->qc_perpage = (uint32_t)(pagesz / qc->qc_size);
		/* One cache for sizes that carve as many from a page. */
		if (prev != NULL && prev->qc_perpage == qc->qc_perpage) {
			vm->vm_qcidx[i - 1] = prev;
			continue;
		}
		vm->vm_qcidx[i - 1] = qc;
		prev = qc;
	}
	return 0;
}

void
vmem_destroy(struct vmem *vm)
{
	struct vmem_btag *bt, *next;
	struct vmem_qcpage *qp, *qn;
	int i;

	for (bt = vm->vm_seg; bt != NULL; bt = next) {
		next = bt->bt_next;
		free(bt);
	}
	for (i = 0; i < vm->vm_nqcache; i++)
		for (qp = vm->vm_qcache[i].qc_pages; qp != NULL; qp = qn) {
			qn = qp->qp_next;
			free(qp->qp_free);
			free(qp);
		}
	free(vm->vm_busy);
	memset(vm, 0, sizeof(*vm));
}

int
vmem_xalloc(struct vmem *vm, vsize_t size, int strat, vaddr_t *vap)
{
	struct vmem_btag *bt = NULL, *nb;
	uint64_t q;
	int first, idx;

	size = (size + vm->vm_quantum - 1) & ~(vm->vm_quantum - 1);
	if (size == 0 || size > vm->vm_size)
		return ENOMEM;
	q = size >> vm->vm_qshift;
	first = ilog2(q);
	if (strat == VM_INSTANTFIT) {
		/* Every segment on list n >= first is large enough. */
		idx = first + ((1ULL << first) != q);
		for (; idx < VMEM_MAXORDER && bt == NULL; idx++)
			bt = vm->vm_freelist[idx];
	}
	/* Best fit, and instant fit's fallback: the first that fits. */
	for (idx = first; idx < VMEM_MAXORDER && bt == NULL; idx++)
		for (bt = vm->vm_freelist[idx]; bt != NULL; bt = bt->bt_fnext)
			if (bt->bt_size >= size)
				break;
	if (bt == NULL)
		return ENOMEM;
	freelist_remove(vm, bt);
	if (bt->bt_size > size) {
		/* Split: a busy tag for the front, the rest stays free. */
		if ((nb = calloc(1, sizeof(*nb))) == NULL)
			abort();	/* host out of memory */
		nb->bt_start = bt->bt_start;
		nb->bt_size = size;
		nb->bt_prev = bt->bt_prev;
		nb->bt_next = bt;
		if (bt->bt_prev != NULL)
			bt->bt_prev->bt_next = nb;
		else
			vm->vm_seg = nb;
		bt->bt_prev = nb;
		bt->bt_start += size;
		bt->bt_size -= size;
		freelist_insert(vm, bt);
		bt = nb;
	}
	bt->bt_type = BT_BUSY;
	*busyslot(vm, bt->bt_start) = bt;
	vm->vm_nbusy++;
	vm->vm_inuse += size;
	if (vm->vm_inuse > vm->vm_peak)
		vm->vm_peak = vm->vm_inuse;
	*vap = bt->bt_start;
	return 0;
}

void
vmem_xfree(struct vmem *vm, vaddr_t va, vsize_t size)
{
	struct vmem_btag **slot = busyslot(vm, va), *bt = *slot, *t;

	(void)size;
	*slot = NULL;
	vm->vm_nbusy--;
	vm->vm_inuse -= bt->bt_size;
	bt->bt_type = BT_FREE;
	/* Merge with a free neighbour on either side. */
	if ((t = bt->bt_next) != NULL && t->bt_type == BT_FREE) {
		freelist_remove(vm, t);
		seg_unlink(vm, t);
		bt->bt_size += t->bt_size;
		free(t);
	}
	if ((t = bt->bt_prev) != NULL && t->bt_type == BT_FREE) {
		freelist_remove(vm, t);
		seg_unlink(vm, t);
		bt->bt_start = t->bt_start;
		bt->bt_size += t->bt_size;
		free(t);
	}
	freelist_insert(vm, bt);
}

/* An item of QC: from the newest page that has one, or a new page. */
static int
qc_get(struct vmem *vm, struct vmem_qcache *qc, vaddr_t *vap)
{
	struct vmem_qcpage *qp;
	uint32_t i;
	int error;

	for (qp = qc->qc_pages; qp != NULL; qp = qp->qp_next)
		if (qp->qp_top > 0)
			break;
	if (qp == NULL) {
		if ((qp = calloc(1, sizeof(*qp))) == NULL ||
		    (qp->qp_free = calloc(qc->qc_perpage,
		    sizeof(*qp->qp_free))) == NULL)
			abort();	/* host out of memory */
		error = vmem_xalloc(vm, vm->vm_qc_pagesz, VM_INSTANTFIT,
		    &qp->qp_base);
		if (error != 0) {
			free(qp->qp_free);
			free(qp);
			return error;
		}
		/* Lowest address first: the stack holds them reversed. */
		for (i = 0; i < qc->qc_perpage; i++)
			qp->qp_free[i] = qc->qc_perpage - 1 - i;
		qp->qp_top = qp->qp_nfree = qc->qc_perpage;
		qp->qp_next = qc->qc_pages;
		qc->qc_pages = qp;
		qc->qc_npages++;
	}
	i = qp->qp_free[--qp->qp_top];
	qp->qp_nfree--;
	qc->qc_nget++;
	*vap = qp->qp_base + (vaddr_t)i * qc->qc_size;
	return 0;
}

static void
qc_put(struct vmem *vm, struct vmem_qcache *qc, vaddr_t va)
{
	struct vmem_qcpage *qp;

	for (qp = qc->qc_pages; qp != NULL; qp = qp->qp_next)
		if (va >= qp->qp_base && va - qp->qp_base < vm->vm_qc_pagesz)
			break;
	if (qp == NULL)
		abort();	/* not an item of this cache */
	qp->qp_free[qp->qp_top++] = (uint32_t)((va - qp->qp_base) /
	    qc->qc_size);
	qp->qp_nfree++;
	qc->qc_nput++;
}

static struct vmem_qcache *
qc_of(const struct vmem *vm, vsize_t size)
{

	return vm->vm_qcidx[((size + vm->vm_quantum - 1) >> vm->vm_qshift) -
	    1];
}

int
vmem_alloc(struct vmem *vm, vsize_t size, int strat, vaddr_t *vap)
{

	if (size <= vm->vm_qcache_max)
		return qc_get(vm, qc_of(vm, size), vap);
	return vmem_xalloc(vm, size, strat, vap);
}

void
vmem_free(struct vmem *vm, vaddr_t va, vsize_t size)
{

	if (size <= vm->vm_qcache_max)
		qc_put(vm, qc_of(vm, size), va);
	else
		vmem_xfree(vm, va, size);
}

uint32_t
vmem_qc_drain(struct vmem *vm)
{
	struct vmem_qcpage *qp, **pp;
	uint32_t n = 0;
	int i;

	for (i = 0; i < vm->vm_nqcache; i++)
		for (pp = &vm->vm_qcache[i].qc_pages; (qp = *pp) != NULL;) {
			if (qp->qp_nfree != vm->vm_qcache[i].qc_perpage) {
				pp = &qp->qp_next;
				continue;
			}
			*pp = qp->qp_next;
			vmem_xfree(vm, qp->qp_base, vm->vm_qc_pagesz);
			vm->vm_qcache[i].qc_npages--;
			free(qp->qp_free);
			free(qp);
			n++;
		}
	return n;
}

vsize_t
vmem_largest_free(const struct vmem *vm)
{
	const struct vmem_btag *bt;
	vsize_t best = 0;
	int i;

	for (i = VMEM_MAXORDER - 1; i >= 0 && best == 0; i--)
		for (bt = vm->vm_freelist[i]; bt != NULL; bt = bt->bt_fnext)
			if (bt->bt_size > best)
				best = bt->bt_size;
	return best;
}

int
vmem_check(const struct vmem *vm, char *err, size_t errlen)
{
	const struct vmem_btag *bt, *f;
	const struct vmem_qcpage *qp;
	vaddr_t at = vm->vm_base;
	vsize_t inuse = 0;
	uint64_t nbusy = 0, nfree = 0, limit = (vm->vm_size >>
	    vm->vm_qshift) + 1, n = 0, onlist = 0;
	int i;

#define VFAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } \
	while (0)
	for (bt = vm->vm_seg; bt != NULL; bt = bt->bt_next) {
		if (++n > limit)
			VFAIL("vmem %s: more tags than quanta (a cycle?)",
			    vm->vm_name);
		if (bt->bt_start != at || bt->bt_size == 0 ||
		    (bt->bt_size & (vm->vm_quantum - 1)) != 0)
			VFAIL("vmem %s: tag at %#llx of %llu bytes, expected "
			    "one at %#llx", vm->vm_name,
			    (unsigned long long)bt->bt_start,
			    (unsigned long long)bt->bt_size,
			    (unsigned long long)at);
		if (bt->bt_next != NULL && bt->bt_next->bt_prev != bt)
			VFAIL("vmem %s: tag at %#llx: broken back link",
			    vm->vm_name, (unsigned long long)bt->bt_start);
		if (bt->bt_type == BT_FREE) {
			nfree++;
			if (bt->bt_next != NULL &&
			    bt->bt_next->bt_type == BT_FREE)
				VFAIL("vmem %s: free tags at %#llx and after "
				    "not merged", vm->vm_name,
				    (unsigned long long)bt->bt_start);
		} else {
			nbusy++;
			inuse += bt->bt_size;
			if (vm->vm_busy[(bt->bt_start - vm->vm_base) >>
			    vm->vm_qshift] != bt)
				VFAIL("vmem %s: busy tag at %#llx not in the "
				    "busy index", vm->vm_name,
				    (unsigned long long)bt->bt_start);
		}
		at += bt->bt_size;
	}
	if (at != vm->vm_base + vm->vm_size)
		VFAIL("vmem %s: tags end at %#llx, the arena at %#llx",
		    vm->vm_name, (unsigned long long)at,
		    (unsigned long long)(vm->vm_base + vm->vm_size));
	for (i = 0; i < VMEM_MAXORDER; i++)
		for (f = vm->vm_freelist[i]; f != NULL; f = f->bt_fnext) {
			if (++onlist > nfree)
				VFAIL("vmem %s: free lists hold more tags than "
				    "the %llu free ones", vm->vm_name,
				    (unsigned long long)nfree);
			if (f->bt_type != BT_FREE ||
			    vmem_freelist_of(vm, f->bt_size) != i)
				VFAIL("vmem %s: tag at %#llx (%llu bytes) on "
				    "free list %d", vm->vm_name,
				    (unsigned long long)f->bt_start,
				    (unsigned long long)f->bt_size, i);
		}
	if (onlist != nfree || nfree != vm->vm_nfree ||
	    nbusy != vm->vm_nbusy || inuse != vm->vm_inuse)
		VFAIL("vmem %s: %llu free tags (%llu on lists, %u counted), "
		    "%llu busy (%u counted), %llu bytes busy (%llu counted)",
		    vm->vm_name, (unsigned long long)nfree,
		    (unsigned long long)onlist, vm->vm_nfree,
		    (unsigned long long)nbusy, vm->vm_nbusy,
		    (unsigned long long)inuse,
		    (unsigned long long)vm->vm_inuse);
	for (i = 0; i < vm->vm_nqcache; i++)
		for (qp = vm->vm_qcache[i].qc_pages; qp != NULL;
		    qp = qp->qp_next) {
			bt = vm->vm_busy[(qp->qp_base - vm->vm_base) >>
			    vm->vm_qshift];
			if (bt == NULL || bt->bt_size != vm->vm_qc_pagesz ||
			    qp->qp_top != qp->qp_nfree ||
			    qp->qp_nfree > vm->vm_qcache[i].qc_perpage)
				VFAIL("vmem %s: quantum cache page at %#llx "
				    "is not a busy segment of %llu bytes, or "
				    "its count is wrong", vm->vm_name,
				    (unsigned long long)qp->qp_base,
				    (unsigned long long)vm->vm_qc_pagesz);
		}
#undef VFAIL
	return 0;
}
