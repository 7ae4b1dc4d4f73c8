/*
 * subr_kmem.c: kmem(9) over a vmem arena (see subr_kmem.h).  The size
 * classes are those of NetBSD 6's subr_kmem.c (1.40); a cache page
 * carves page size / class items (the pool page header is not
 * modelled).  An item comes from the newest page that has one; within
 * a page the lowest free item goes first and freed items are reused
 * last in, first out, as pool(9) does; a page whose items are all free
 * is kept until the pagedaemon drains it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern_synch.h"
#include "machine.h"
#include "subr_kmem.h"
#include "subr_pool.h"
#include "uvm_km.h"

static const uint32_t kmem_sizes[KMEM_NCACHES] = {
	8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256,
	320, 384, 448, 512, 768, 1024, 2048, 4096
};

static inline uint32_t
arena_page(const struct kmem_arena *ka, const struct machine *m, vaddr_t va)
{

	return (uint32_t)((va - ka->ka_vmem.vm_base) >> m->m_pageshift);
}

int
kmem_contains(const struct kmem_arena *ka, vaddr_t va)
{

	return va >= ka->ka_vmem.vm_base &&
	    va - ka->ka_vmem.vm_base < ka->ka_vmem.vm_size;
}

int
kmem_arena_init(struct machine *m, struct kmem_arena *ka, vaddr_t base,
    uint32_t npages, uint32_t qcache_pages)
{
	uint32_t size = KMEM_ALIGN;
	int i;

	memset(ka, 0, sizeof(*ka));
	if (vmem_init(&ka->ka_vmem, "kmem_va", base,
	    (vsize_t)npages << m->m_pageshift, m->m_pagesize,
	    (vsize_t)qcache_pages << m->m_pageshift) != 0)
		return ENOMEM;
	ka->ka_npages = npages;
	if ((ka->ka_pgcache = calloc(npages, sizeof(*ka->ka_pgcache))) ==
	    NULL || (ka->ka_large = calloc(npages, sizeof(*ka->ka_large))) ==
	    NULL) {
		kmem_arena_fini(ka);
		return ENOMEM;
	}
	for (i = 0; i < KMEM_NCACHES && kmem_sizes[i] <= m->m_pagesize &&
	    kmem_sizes[i] <= KMEM_MAXSIZE; i++) {
		struct kmem_cache *kc = &ka->ka_caches[i];

		kc->kc_size = kmem_sizes[i];
		kc->kc_perpage = m->m_pagesize / kc->kc_size;
		snprintf(kc->kc_name, sizeof(kc->kc_name), "kmem-%u",
		    kc->kc_size);
		while (size <= kc->kc_size) {
			ka->ka_idx[(size - 1) >> KMEM_SHIFT] = kc;
			size += KMEM_ALIGN;
		}
	}
	ka->ka_ncaches = i;
	return 0;
}

void
kmem_arena_fini(struct kmem_arena *ka)
{
	struct kmem_cpage *cp, *next;
	int i;

	for (i = 0; i < ka->ka_ncaches; i++) {
		for (cp = ka->ka_caches[i].kc_pages; cp != NULL; cp = next) {
			next = cp->cp_next;
			free(cp->cp_free);
			free(cp);
		}
		free(ka->ka_caches[i].kc_room);
	}
	free(ka->ka_pgcache);
	free(ka->ka_large);
	vmem_destroy(&ka->ka_vmem);
	memset(ka, 0, sizeof(*ka));
}

/*
 * uvm_km_kmem_alloc(): SIZE bytes (whole pages) of the arena, wired.
 * Out of address space or pages, a sleeping caller first lets the
 * pagedaemon drain (idle pool pages, all-free cache pages) and looks
 * again.
 */
static int
km_kmem_alloc(struct machine *m, struct kmem_arena *ka, vsize_t size,
    int flags, vaddr_t *vap)
{
	uint32_t npages = (uint32_t)(size >> m->m_pageshift);
	int drained = 0;

	for (;;) {
		if (vmem_alloc(&ka->ka_vmem, size, VM_INSTANTFIT, vap) != 0) {
			machine_refused(m, &m->m_kernel_map, size,
			    "no space in the kmem arena");
			if (flags & KM_NOSLEEP)
				return ENOMEM;
			if (drained++)
				return tsleep(m, "vmem");
			(void)kmem_drain(m, ka);
			continue;
		}
		if (uvm_pagewire(m, npages) == 0)
			break;
		vmem_free(&ka->ka_vmem, *vap, size);
		machine_refused(m, &m->m_kernel_map, size,
		    "no free physical pages");
		if (flags & KM_NOSLEEP)
			return ENOMEM;
		if (drained++)
			return tsleep(m, "plpg");
		pool_drain_all(m);
		(void)kmem_drain(m, ka);
	}
	host_wired(m, *vap, npages);
	m->m_xwired += npages;
	return 0;
}

static void
km_kmem_free(struct machine *m, struct kmem_arena *ka, vaddr_t va,
    vsize_t size)
{
	uint32_t npages = (uint32_t)(size >> m->m_pageshift);

	host_unwired(m, va, npages);
	uvm_pageunwire(m, npages);
	m->m_xwired -= npages;
	vmem_free(&ka->ka_vmem, va, size);
}

/* Restore kc_room's order from slot I down. */
static void
room_down(struct kmem_cache *kc, uint32_t i)
{
	struct kmem_cpage **h = kc->kc_room, *cp = h[i];
	uint32_t c;

	for (; (c = 2 * i + 1) < kc->kc_nroom; i = c) {
		if (c + 1 < kc->kc_nroom && h[c + 1]->cp_seq > h[c]->cp_seq)
			c++;
		if (h[c]->cp_seq <= cp->cp_seq)
			break;
		h[i] = h[c];
	}
	h[i] = cp;
}

/* CP has room: onto kc_room, unless it is there. */
static void
room_add(struct kmem_cache *kc, struct kmem_cpage *cp)
{
	struct kmem_cpage **h;
	uint32_t i, p;

	if (cp->cp_inheap)
		return;
	if (kc->kc_nroom == kc->kc_roomcap) {
		kc->kc_roomcap = kc->kc_roomcap ? 2 * kc->kc_roomcap : 16;
		h = realloc(kc->kc_room, kc->kc_roomcap * sizeof(*h));
		if (h == NULL)
			abort();	/* host out of memory */
		kc->kc_room = h;
	}
	h = kc->kc_room;
	for (i = kc->kc_nroom++; i > 0; i = p) {
		p = (i - 1) / 2;
		if (h[p]->cp_seq > cp->cp_seq)
			break;
		h[i] = h[p];
	}
	h[i] = cp;
	cp->cp_inheap = 1;
}

/* The newest page of KC with room, or NULL; full pages leave the top. */
static struct kmem_cpage *
room_newest(struct kmem_cache *kc)
{
	struct kmem_cpage *cp;

	while (kc->kc_nroom > 0 && (cp = kc->kc_room[0])->cp_nfree == 0) {
		cp->cp_inheap = 0;
		kc->kc_room[0] = kc->kc_room[--kc->kc_nroom];
		if (kc->kc_nroom > 0)
			room_down(kc, 0);
	}
	return kc->kc_nroom > 0 ? kc->kc_room[0] : NULL;
}

/* An item of KC: the newest page with one, or a new page. */
static int
cache_get(struct machine *m, struct kmem_arena *ka, struct kmem_cache *kc,
    int flags, vaddr_t *vap)
{
	struct kmem_cpage *cp;
	vaddr_t va;
	uint32_t i;
	int error;

	if ((cp = room_newest(kc)) == NULL) {
		if ((error = km_kmem_alloc(m, ka, m->m_pagesize, flags,
		    &va)) != 0)
			return error;
		if ((cp = calloc(1, sizeof(*cp))) == NULL ||
		    (cp->cp_free = calloc(kc->kc_perpage,
		    sizeof(*cp->cp_free))) == NULL)
			abort();	/* host out of memory */
		cp->cp_cache = kc;
		cp->cp_va = va;
		for (i = 0; i < kc->kc_perpage; i++)
			cp->cp_free[i] = (uint16_t)(kc->kc_perpage - 1 - i);
		cp->cp_nfree = kc->kc_perpage;
		cp->cp_seq = kc->kc_seq++;
		cp->cp_next = kc->kc_pages;
		kc->kc_pages = cp;
		room_add(kc, cp);
		kc->kc_npages++;
		ka->ka_pgcache[arena_page(ka, m, va)] = cp;
		/* The whole page is idle, its tail past the items too. */
		m->m_xidle += m->m_pagesize;
	}
	i = cp->cp_free[--cp->cp_nfree];
	kc->kc_nget++;
	m->m_xidle -= kc->kc_size;
	*vap = cp->cp_va + (vaddr_t)i * kc->kc_size;
	return 0;
}

int
kmem_alloc(struct machine *m, struct kmem_arena *ka, size_t size, int flags,
    vaddr_t *vap, size_t *given)
{
	size_t allocsz = (size + KMEM_ALIGN - 1) & ~(size_t)(KMEM_ALIGN - 1);
	struct kmem_cache *kc;
	vsize_t pages;
	int error;

	if (allocsz <= KMEM_MAXSIZE && allocsz <= m->m_pagesize) {
		kc = ka->ka_idx[(allocsz - 1) >> KMEM_SHIFT];
		if ((error = cache_get(m, ka, kc, flags, vap)) != 0)
			return error;
		*given = kc->kc_size;
		return 0;
	}
	pages = round_page(m, allocsz);
	if ((error = km_kmem_alloc(m, ka, pages, flags, vap)) != 0)
		return error;
	ka->ka_large[arena_page(ka, m, *vap)] =
	    (uint32_t)(pages >> m->m_pageshift);
	*given = pages;
	return 0;
}

size_t
kmem_free(struct machine *m, struct kmem_arena *ka, vaddr_t va)
{
	uint32_t pg = arena_page(ka, m, va), n;
	struct kmem_cpage *cp;
	struct kmem_cache *kc;

	m->m_wakeups++;
	if ((n = ka->ka_large[pg]) != 0) {
		ka->ka_large[pg] = 0;
		km_kmem_free(m, ka, va, (vsize_t)n << m->m_pageshift);
		return (size_t)n << m->m_pageshift;
	}
	cp = ka->ka_pgcache[pg];
	kc = cp->cp_cache;
	cp->cp_free[cp->cp_nfree++] = (uint16_t)((va - cp->cp_va) /
	    kc->kc_size);
	room_add(kc, cp);
	kc->kc_nput++;
	m->m_xidle += kc->kc_size;
	return kc->kc_size;
}

uint32_t
kmem_drain(struct machine *m, struct kmem_arena *ka)
{
	struct kmem_cpage *cp, **pp;
	struct kmem_cache *kc;
	uint32_t n = 0, j, k;
	int i;

	for (i = 0; i < ka->ka_ncaches; i++) {
		kc = &ka->ka_caches[i];
		/*
		 * kc_room without the pages about to go (and those that
		 * are full), in heap order again.
		 */
		for (j = k = 0; j < kc->kc_nroom; j++) {
			cp = kc->kc_room[j];
			if (cp->cp_nfree == 0 || cp->cp_nfree == kc->kc_perpage)
				cp->cp_inheap = 0;
			else
				kc->kc_room[k++] = cp;
		}
		kc->kc_nroom = k;
		for (j = k / 2; j-- > 0;)
			room_down(kc, j);
		for (pp = &kc->kc_pages; (cp = *pp) != NULL;) {
			if (cp->cp_nfree != kc->kc_perpage) {
				pp = &cp->cp_next;
				continue;
			}
			*pp = cp->cp_next;
			ka->ka_pgcache[arena_page(ka, m, cp->cp_va)] = NULL;
			m->m_xidle -= m->m_pagesize;
			km_kmem_free(m, ka, cp->cp_va, m->m_pagesize);
			kc->kc_npages--;
			free(cp->cp_free);
			free(cp);
			n++;
		}
	}
	(void)vmem_qc_drain(&ka->ka_vmem);
	return n;
}
