/*
 * kvmalloc.c: Linux's kvmalloc() (mm/util.c kvmalloc_node, used by
 * fs/file.c alloc_fdtable for descriptor tables) over the simulated
 * machine.  A request of more than a page from a caller that may sleep
 * tries malloc(9) first, made to return NULL at once (M_NOWAIT, as
 * __GFP_NORETRY makes kmalloc give up) instead of sleeping or
 * panicking; if that fails it falls back to whole pages of a separate
 * vmalloc region of kernel_map, with an unmapped guard page after each
 * area.  Requests of a page or less, and callers that may not sleep,
 * get malloc(9) alone, as kvmalloc_node() leaves them.  free() tells the
 * two kinds apart by address (is_vmalloc_addr).  The region's size is
 * kvmalloc.vmalloc=BYTES, by default Linux i386's 128 MiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/kp_ledger.h"
#include "../kernel/machine.h"
#include "../kernel/uvm_km.h"
#include "strategy.h"

#define KV_DEFAULT	(128ULL << 20)	/* __VMALLOC_RESERVE, i386 */
#define KV_GUARD	1		/* pages after each area */

struct kvmalloc {
	struct vm_map	 map;		/* the vmalloc region */
	uint32_t	*npages;	/* per region page: its area's pages */
};

/*
 * BYTES with an optional K, M or G suffix; 0 if it is not one.  Digits
 * first, as every numeric setting and option: strtoull() would take
 * leading blanks and a sign.
 */
static uint64_t
kv_bytes(const char *s)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return 0;
	switch (*end) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0' || v >= (1ULL << 40))
		return 0;
	return v;
}

/*
 * The region's pages: REQUESTED bytes, page rounded, but at most half
 * of kernel_map's largest free range at boot, so that u-areas and pool
 * pages keep the other half.  On every i386 profile 128 MiB (32768
 * pages) fits: the least room is i386-512M's 119290 pages.
 */
static uint32_t
kv_pages(const struct machine *m, uint64_t requested)
{
	uint64_t n = (requested + m->m_pagesize - 1) >> m->m_pageshift;
	uint64_t half = vm_map_largest_free(&m->m_kernel_map) / 2;

	return (uint32_t)(n < half ? n : half);
}

static int
kvmalloc_attach(struct machine *m, const char *const *params,
    size_t nparams, char *err, size_t errlen)
{
	struct kvmalloc *kv;
	uint64_t want = KV_DEFAULT;
	uint32_t npages;
	vaddr_t base;
	size_t i;

	for (i = 0; i < nparams; i++) {
		if (strncmp(params[i], "vmalloc=", 8) != 0) {
			snprintf(err, errlen, "unknown setting 'kvmalloc.%s' "
			    "(kvmalloc takes vmalloc=BYTES)", params[i]);
			return -1;
		}
		if ((want = kv_bytes(params[i] + 8)) < 2 * m->m_pagesize) {
			snprintf(err, errlen, "kvmalloc.vmalloc: '%s' is not a "
			    "size of two pages or more (BYTES, or with K, M "
			    "or G)", params[i] + 8);
			return -1;
		}
	}
	npages = kv_pages(m, want);
	if ((kv = calloc(1, sizeof(*kv))) == NULL ||
	    (kv->npages = calloc(npages, sizeof(*kv->npages))) == NULL) {
		free(kv);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Reserved in kernel_map at boot, as kmem_map is. */
	if (npages < 2 || vm_map_findspace(&m->m_kernel_map, npages,
	    &base) != 0 || vm_map_init(&kv->map, "vmalloc", base, npages,
	    m->m_pageshift) != 0) {
		free(kv->npages);
		free(kv);
		snprintf(err, errlen, "%s: no room in kernel_map for a vmalloc "
		    "region", m->m_prof.pr_name);
		return -1;
	}
	m->m_boot_unwired += npages;
	m->m_xmap = &kv->map;
	m->m_xunwired = 0;
	m->m_xwired = 0;
	m->m_sdata = kv;
	return 0;
}

static void
kvmalloc_detach(struct machine *m)
{
	struct kvmalloc *kv = m->m_sdata;

	if (kv != NULL) {
		vm_map_destroy(&kv->map);
		free(kv->npages);
		free(kv);
	}
	m->m_xmap = NULL;
	m->m_sdata = NULL;
}

/* vmalloc(): whole pages of the region and a guard page after them. */
static int
kv_vmalloc(struct machine *m, struct kvmalloc *kv, unsigned long size,
    int type, vaddr_t *vap)
{
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	unsigned long allocsize = round_page(m, size);
	uint64_t t = KP_START(m, KP_MALLOC);
	int error;

	error = uvm_km_alloc_guarded(m, &kv->map, allocsize, KV_GUARD, 0, vap);
	KP_END_ERR(m, KP_MALLOC, KA_KERNEL, t, error);
	if (error == ENOSPC) {
		/* The region is full: vmalloc returns NULL. */
		ksp->ks_fails++;
		return ENOMEM;
	}
	if (error != 0)
		return error;	/* ESLEEP for pages, or EPANIC */
	kv->npages[(*vap - kv->map.vm_min) >> m->m_pageshift] =
	    (uint32_t)(allocsize >> m->m_pageshift);
	m->m_xunwired += KV_GUARD;
	m->m_xwired += (uint32_t)(allocsize >> m->m_pageshift);
	kp_alloc(m, KA_KERNEL, *vap, size, allocsize);
	ksp->ks_calls++;
	ksp->ks_inuse++;
	ksp->ks_nointruse += (long)allocsize;
	return 0;
}

static int
kvmalloc_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{
	int error;

	(void)site;
	/* Not GFP_KERNEL, or no more than a page: kmalloc alone. */
	if ((flags & M_NOWAIT) || size <= m->m_pagesize)
		return kern_malloc(m, size, type, flags, vap);
	/* kmalloc with __GFP_NORETRY: NULL at once, no sleep, no panic. */
	error = kern_malloc(m, size, type, M_NOWAIT | (flags & M_ZERO), vap);
	if (error != ENOMEM)
		return error;
	/* That NULL is kvmalloc's own; its caller never sees it. */
	m->m_kmem.kmemstats[type].ks_fails--;
	return kv_vmalloc(m, m->m_sdata, size, type, vap);
}

static void
kvmalloc_free(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{
	struct kvmalloc *kv = m->m_sdata;
	struct kmemstats *ksp = &m->m_kmem.kmemstats[type];
	uint32_t *np;
	uint64_t t;

	(void)site;
	if (!vm_map_contains(&kv->map, va)) {
		kern_free(m, va, type);
		return;
	}
	/* vfree(). */
	t = KP_START(m, KP_FREE);
	np = &kv->npages[(va - kv->map.vm_min) >> m->m_pageshift];
	kp_free(m, KA_KERNEL, va, (uint64_t)*np << m->m_pageshift);
	ksp->ks_inuse--;
	ksp->ks_nointruse -= (long)*np << m->m_pageshift;
	m->m_wakeups++;
	uvm_km_free_guarded(m, &kv->map, va, (vsize_t)*np << m->m_pageshift,
	    KV_GUARD);
	m->m_xunwired -= KV_GUARD;
	m->m_xwired -= *np;
	*np = 0;
	KP_END(m, KP_FREE, KA_KERNEL, t);
}

const struct strategy strategy_kvmalloc = {
	.s_name = "kvmalloc",
	.s_origin = ORIGIN_LATER,
	.s_summary = "Linux kvmalloc: malloc(9) that fails at once, then "
	    "pages of a vmalloc region",
	.s_doc = "Linux's kvmalloc_node() as fs/file.c uses it for "
	    "descriptor tables (here also for amap arrays).  A request of "
	    "more than a page from a caller that may sleep tries malloc(9) "
	    "with M_NOWAIT, which returns NULL at once when kmem_map has no "
	    "room; then it takes whole pages of a separate vmalloc region "
	    "of kernel_map with an unmapped guard page after each area.  A "
	    "full region returns ENOMEM; missing physical pages make the "
	    "caller sleep.  Requests of a page or less and M_NOWAIT callers "
	    "get malloc(9) alone.  free() tells the two apart by address.",
	.s_params = "kvmalloc.vmalloc=BYTES (default 128M, at most half of "
	    "kernel_map's largest free range)",
	.s_attach = kvmalloc_attach,
	.s_sites = {
		.sa_malloc = kvmalloc_malloc,
		.sa_free = kvmalloc_free,
		.sa_limit = strategy_nolimit,
		.sa_detach = kvmalloc_detach,
	},
};
