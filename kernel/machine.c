/*
 * machine.c: booting and tearing down a simulated machine.
 *
 * Boot follows the order of NetBSD's: kernel_map over the kernel space
 * with the kernel image at its start, kmemusage[] and kmem_map
 * (kmeminit), the other submaps (cpu_startup), the buffer cache's wired
 * pages, the pools.  A policy's arenas come after, from whoever boots
 * the machine (strategy_boot() in strategies/registry.c).
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kcheck.h"
#include "kern_site.h"
#include "machine.h"
#include "subr_pool.h"
#include "uvm_km.h"

int
machine_panic(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->m_panicked) {
		va_start(ap, fmt);
		vsnprintf(m->m_panicstr, sizeof(m->m_panicstr), fmt, ap);
		va_end(ap);
		m->m_panicked = 1;
	}
	return EPANIC;
}

void *
host_reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/*
	 * Transparent huge pages where the host allows them: a replay
	 * writes tens of MiB of fresh kernel space, and a fault per 4 KiB
	 * was a third of make bench's CPU time on a host where faults are
	 * dear (docs/replay-speed.md, "Host pages").  Releasing part of a
	 * huge page still gives that part back (the kernel splits it).
	 */
	(void)madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void
host_release(void *p, size_t len)
{
	uintptr_t hp = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + hp - 1) & ~(hp - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(hp - 1);

	if (a < e)
		(void)madvise((void *)a, e - a, MADV_DONTNEED);
}

/*
 * glibc gives the top of its heap back above M_TRIM_THRESHOLD (128 KiB)
 * and serves a block above M_MMAP_THRESHOLD from a mapping of its own
 * that it unmaps when freed; a machine's host records (processes, map
 * entries, pool pages) and arrays freed at machine_free() then fault in
 * again for the next machine: in a fork-heavy search (postgres's scale
 * cliff) those faults were a seventh of the samples.  Setting either
 * stops glibc from moving the mmap threshold itself, so both are set:
 * blocks to 32 MiB (glibc's own ceiling for it on 64-bit hosts) come
 * from the heap, and the heap is never trimmed below 256 MiB.
 */
void
host_heap_keep(void)
{

	(void)mallopt(M_TRIM_THRESHOLD, 256 << 20);
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

void
machine_refused(struct machine *m, const struct vm_map *map,
    unsigned long size, const char *reason)
{

	if (m->m_kprobe != NULL)
		m->m_kprobe->kp_refused(m->m_kprobe_arg, kp_arena(m, map), size,
		    reason);
}

const char *const kp_opnames[KP_NOPS] = {
	"malloc", "free", "pool_get", "pool_put", "km_alloc", "km_free",
	"fdexpand", "fdcopy", "amap_alloc", "amap_extend", "amap_copy",
	"kmem_reclaim"
};

const char *const kp_arenanames[KA_NARENAS] = {
	"kmem_map", "kernel_map", "path"
};

/* Each pool's item: its i386 size and its size with 8-byte pointers. */
static const struct {
	enum machine_pool	id;
	const char		*name;
	uint32_t		 size;
	uint32_t		 size_lp64;
	int			 nointr;
} machine_pools[] = {
	{ POOL_PHPOOL, "phpool", SIZEOF_POOL_ITEM_HEADER,
	    SIZEOF_POOL_ITEM_HEADER_LP64, 0 },			/* internal */
	{ POOL_FILE, "filepl", SIZEOF_FILE, SIZEOF_FILE_LP64, 1 },
	{ POOL_CWDI, "cwdipl", SIZEOF_CWDINFO, SIZEOF_CWDINFO_LP64, 1 },
	{ POOL_PROC, "procpl", SIZEOF_PROC, SIZEOF_PROC_LP64, 1 },
	{ POOL_PCRED, "pcredpl", SIZEOF_PCRED, SIZEOF_PCRED_LP64, 1 },
	{ POOL_PLIMIT, "plimitpl", SIZEOF_PLIMIT, SIZEOF_PLIMIT_LP64, 1 },
	{ POOL_VMSPACE, "vmsppl", SIZEOF_VMSPACE, SIZEOF_VMSPACE_LP64, 1 },
	{ POOL_MAPENT, "vmmpepl", SIZEOF_VM_MAP_ENTRY,
	    SIZEOF_VM_MAP_ENTRY_LP64, 1 },
	{ POOL_AMAP, "amappl", SIZEOF_VM_AMAP, SIZEOF_VM_AMAP_LP64, 1 },
};

static int
machine_layout(struct machine *m, char *err, size_t errlen)
{
	const struct profile *pr = &m->m_prof;
	uint32_t image, bufpages, sub;
	vaddr_t va;

	/*
	 * The kernel image and what lies below it are taken for good; an
	 * image linked above kernel_map (amd64's KERNBASE) takes none of it.
	 */
	image = profile_image_in_map(pr) ? (uint32_t)(round_page(m,
	    pr->pr_kerntext - pr->pr_kernbase + pr->pr_kernimage) >>
	    m->m_pageshift) : 0;
	m->m_boot_image = (uint32_t)(round_page(m, pr->pr_kernimage) >>
	    m->m_pageshift);
	if ((image > 0 && vm_map_reserve(&m->m_kernel_map, m->m_kernbase,
	    image) != 0) || uvm_pagewire(m, m->m_boot_image) != 0) {
		snprintf(err, errlen, "%s: the kernel image does not fit",
		    pr->pr_name);
		return -1;
	}
	if (kmeminit(m) != 0) {
		snprintf(err, errlen, "%s: kmem_map of %llu pages does not "
		    "fit in kernel_map", pr->pr_name,
		    (unsigned long long)profile_nkmempages(pr));
		return -1;
	}
	/*
	 * Unwired reservations in kernel_map (kcheck.c): all of the image's
	 * (its wired pages are counted apart), kmem_map's range, and the
	 * buffers' and submaps' space.
	 */
	m->m_boot_unwired = image + m->m_kmem_map.vm_npages;
	/* cpu_startup(): the buffers' space and the other submaps. */
	sub = (uint32_t)(round_page(m, profile_bufkva(pr) + pr->pr_submaps) >>
	    m->m_pageshift);
	if (vm_map_findspace(&m->m_kernel_map, sub, &va) != 0) {
		snprintf(err, errlen, "%s: buffers and submaps do not fit "
		    "in kernel_map", pr->pr_name);
		return -1;
	}
	m->m_boot_unwired += sub;
	bufpages = (uint32_t)profile_bufpages(pr);
	if (uvm_pagewire(m, bufpages) != 0) {
		snprintf(err, errlen, "%s: no pages left for the buffer "
		    "cache", pr->pr_name);
		return -1;
	}
	m->m_boot_bufpages = bufpages;
	return 0;
}

/*
 * m_pgowner[] of the last machine freed, all NULL again (pool_destroy()
 * clears what its pages owned), for the next machine of as many kernel
 * pages.  A matrix worker or a capacity search boots a machine a case,
 * and the array, 2 MiB on i386 and 8 MiB on amd64, zeroed afresh each
 * time, cost about 1 ms a case: more than the smallest traces' replays.
 * Host memory, not the model's: no figure depends on it.
 */
static struct pool_page **pgowner_spare;
static uint32_t pgowner_sparen;

static struct pool_page **
pgowner_get(uint32_t npages)
{
	struct pool_page **p;

	if (pgowner_spare != NULL && pgowner_sparen == npages) {
		p = pgowner_spare;
		pgowner_spare = NULL;
		return p;
	}
	return calloc(npages, sizeof(*p));
}

static void
pgowner_put(struct machine *m)
{

	if (m->m_pgowner == NULL)
		return;
	if (m->m_npgowned != 0) {
		free(m->m_pgowner);
		return;
	}
	free(pgowner_spare);
	pgowner_spare = m->m_pgowner;
	pgowner_sparen = m->m_kvapages;
}

/*
 * The blocks of map entry records (uvm_map.c) of the last machine
 * freed, for the next machine, which hands its records out of them
 * from the first again: a capacity search boots a machine a try, and
 * postgres's made 250000 records each (its least-kmem_map search:
 * 0.30 to 0.43 s of user CPU before, 0.17 to 0.25 s after).  At most
 * ENTBLOCK_KEEP blocks go on (48 MiB); host memory, not the model's.
 */
#define ENTBLOCK_KEEP	1024
static struct vm_map_entry **entblock_spare;
static uint32_t entblock_sparen, entblock_sparecap;

static void
entblock_get(struct machine *m)
{

	m->m_entblock = entblock_spare;
	m->m_nentblock = entblock_sparen;
	m->m_entblockcap = entblock_sparecap;
	entblock_spare = NULL;
	entblock_sparen = entblock_sparecap = 0;
}

static void
entblock_put(struct machine *m)
{

	while (m->m_nentblock > (entblock_spare == NULL ? ENTBLOCK_KEEP : 0))
		free(m->m_entblock[--m->m_nentblock]);
	if (entblock_spare != NULL) {
		free(m->m_entblock);
		return;
	}
	entblock_spare = m->m_entblock;
	entblock_sparen = m->m_nentblock;
	entblock_sparecap = m->m_entblockcap;
}

struct machine *
machine_boot(const struct profile *pr, char *err, size_t errlen)
{
	struct machine *m;
	size_t i;
	int lp64;

	if (profile_check(pr, err, errlen) != 0)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->m_prof = *pr;
	m->m_pagesize = (uint32_t)pr->pr_pagesize;
	while ((1U << m->m_pageshift) < m->m_pagesize)
		m->m_pageshift++;
	m->m_kernbase = (vaddr_t)pr->pr_kernbase;
	m->m_kvapages = (uint32_t)((pr->pr_kernend - pr->pr_kernbase) >>
	    m->m_pageshift);
	m->m_kvalen = (size_t)m->m_kvapages << m->m_pageshift;
	if ((m->m_kva = host_reserve(m->m_kvalen)) == NULL) {
		snprintf(err, errlen, "cannot reserve %zu bytes of kernel "
		    "space: %s", m->m_kvalen, strerror(errno));
		goto fail;
	}
	m->m_kvabias = (uintptr_t)m->m_kva - m->m_kernbase;
	m->m_pgowner = pgowner_get(m->m_kvapages);
	entblock_get(m);
	if (m->m_pgowner == NULL || hostcache_init(&m->m_hcache,
	    m->m_kvapages, HOSTCACHE_HIWAT_BYTES >> m->m_pageshift) != 0 ||
	    vm_map_init(&m->m_kernel_map, "kernel_map", m->m_kernbase,
	    m->m_kvapages, m->m_pageshift) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->m_physpages = m->m_freepages = (uint32_t)(pr->pr_physmem >>
	    m->m_pageshift);
	lp64 = pr->pr_ptrsize == 8;
	m->m_sizeof_file = lp64 ? SIZEOF_FILE_LP64 : SIZEOF_FILE;
	m->m_pool_item = lp64 ? SIZEOF_POOL_ITEM_LP64 : SIZEOF_POOL_ITEM;
	m->m_pool_header = lp64 ? SIZEOF_POOL_ITEM_HEADER_LP64 :
	    SIZEOF_POOL_ITEM_HEADER;
	m->m_pool_align = (uint32_t)pr->pr_ptrsize;
	m->m_upages = (uint32_t)pr->pr_upages;
	if (machine_layout(m, err, errlen) != 0)
		goto fail;
	for (i = 0; i < sizeof(machine_pools) / sizeof(machine_pools[0]); i++)
		if ((m->m_pools[machine_pools[i].id] = pool_init(m,
		    machine_pools[i].name, lp64 ? machine_pools[i].size_lp64 :
		    machine_pools[i].size, machine_pools[i].nointr)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	/* Page headers are the allocator's own, not objects. */
	m->m_pools[POOL_PHPOOL]->pr_internal = 1;
	m->m_type_filedesc = malloc_type(m, "M_FILEDESC");
	m->m_type_amap = malloc_type(m, "M_UVMAMAP");
	/* param.c: NPROC and MAXFILES from MAXUSERS. */
	m->m_maxproc = 20 + 16 * (long)pr->pr_maxusers;
	m->m_maxfiles = 3 * (m->m_maxproc + (long)pr->pr_maxusers) + 80;
	return m;
fail:
	machine_free(m);
	return NULL;
}

void
machine_free(struct machine *m)
{
	struct pool *pp, *next;

	if (m == NULL)
		return;
	if (m->m_sitealloc != NULL && m->m_sitealloc->sa_detach != NULL)
		m->m_sitealloc->sa_detach(m);
	for (pp = m->m_poollist; pp != NULL; pp = next) {
		next = pp->pr_next;
		pool_destroy(m, pp);
	}
	kcheck_fini(m);
	kmemfini(m);
	vm_map_destroy(&m->m_kernel_map);
	pgowner_put(m);
	free(m->m_entspare);
	entblock_put(m);
	hostcache_fini(&m->m_hcache);
	if (m->m_kva != NULL)
		munmap(m->m_kva, m->m_kvalen);
	free(m);
}
