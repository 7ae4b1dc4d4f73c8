/*
 * machine.h: one simulated NetBSD 1.5 i386 machine.
 *
 * Everything a replay touches hangs off this object: the kernel address
 * space (reserved in this process and backed page by page as the
 * simulated kernel wires pages), kernel_map and its submap kmem_map,
 * physical pages, malloc(9) and pool(9) state, the policy's vector of
 * allocation sites (kern_site.h) and the panic state.  There is no global mutable state, so several
 * machines can live in one process.
 */
#ifndef KM_MACHINE_H
#define KM_MACHINE_H

#include <stdint.h>
#include <stddef.h>

#include "param.h"
#include "hostcache.h"
#include "profile.h"
#include "vm_map.h"
#include "kern_malloc.h"
#include "kprobe.h"

struct kcheck;
struct kp_ledger;
struct pool;
struct pool_page;
struct proc;
struct site_allocator;
struct vmem;

/* The pools of the code paths that kmbench models (subr_pool.c users). */
enum machine_pool {
	POOL_PHPOOL,	/* off-page pool headers: default (kmem_map) */
	POOL_FILE,	/* filepl: struct file, nointr */
	POOL_CWDI,	/* cwdipl: struct cwdinfo, nointr */
	POOL_PROC,	/* procpl: struct proc, nointr */
	POOL_PCRED,	/* pcredpl, nointr */
	POOL_PLIMIT,	/* plimitpl, nointr */
	POOL_VMSPACE,	/* vmsppl: struct vmspace, nointr */
	POOL_MAPENT,	/* vmmpepl: struct vm_map_entry, nointr */
	POOL_AMAP,	/* amappl: struct vm_amap, nointr */
	POOL_NMODEL
};

struct machine {
	struct profile	 m_prof;
	unsigned	 m_pageshift;
	uint32_t	 m_pagesize;

	/* Kernel virtual space, [m_kernbase, m_kernbase + m_kvapages). */
	vaddr_t		 m_kernbase;
	uint32_t	 m_kvapages;
	char		*m_kva;		/* host address of m_kernbase */
	uintptr_t	 m_kvabias;	/* m_kva - m_kernbase, for kva() */
	size_t		 m_kvalen;
	struct hostcache m_hcache;	/* unwired pages' host memory */
	/*
	 * Host records of map entries (uvm_map.c).  Those freed wait in
	 * m_entspare[] for the next to be made: a fork copies every entry
	 * of its parent, and the replays of hung forks retry at every free.
	 * The rest come from blocks of ENTBLOCK records, in address order,
	 * m_entnext of them so far; the blocks go on to the next machine
	 * booted (machine.c).
	 */
	struct vm_map_entry **m_entspare;
	uint32_t	 m_nentspare, m_entsparecap;
	struct vm_map_entry **m_entblock;
	uint32_t	 m_nentblock, m_entblockcap;
	uint32_t	 m_entnext;
	struct pool_page **m_pgowner;	/* per kernel page: its pool page */
	uint32_t	 m_npgowned;	/* entries of m_pgowner[] not NULL */

	struct vm_map	 m_kernel_map;
	struct vm_map	 m_kmem_map;

	/*
	 * A strategy's own region of kernel_map (kvmalloc's vmalloc space,
	 * kmem-vmem's kmem arena), reserved in kernel_map at boot (counted
	 * in m_boot_unwired): a map (m_xmap, with m_xunwired guard pages)
	 * or a vmem arena (m_xvmem), or neither.  m_xwired pages of it are
	 * wired; m_xidle bytes of those hold no block (free items of its
	 * caches, and the tails of cache pages that no item fills).  Blocks in it count in the type's ks_nointruse, as bytes
	 * outside kmem_map.
	 */
	struct vm_map	*m_xmap;
	uint32_t	 m_xunwired;
	struct vmem	*m_xvmem;
	uint32_t	 m_xwired;
	uint64_t	 m_xidle;

	/* Physical memory, in pages; every kernel page is wired. */
	uint32_t	 m_physpages;
	uint32_t	 m_freepages;
	uint32_t	 m_wired;
	uint32_t	 m_peakwired;

	/*
	 * Sizes that follow the pointer (ptrsize 4: i386, 8: amd64):
	 * struct file, pool(9)'s item minimum, page header and alignment
	 * (ALIGNBYTES + 1), and the u-area's pages.
	 */
	uint32_t	 m_sizeof_file;
	uint32_t	 m_pool_item;
	uint32_t	 m_pool_header;
	uint32_t	 m_pool_align;
	uint32_t	 m_upages;

	/* Boot's layout, for machine_check() (kcheck.c). */
	uint32_t	 m_boot_image;	/* wired pages of the image */
	uint32_t	 m_boot_bufpages; /* wired pages of the buffers */
	uint32_t	 m_boot_unwired; /* kernel_map pages not wired */
	uint32_t	 m_uareapages;	/* kernel_map pages of u-areas */

	struct kmem	 m_kmem;
	int		 m_type_filedesc;	/* M_FILEDESC */
	int		 m_type_amap;		/* M_UVMAMAP */

	struct pool	*m_pools[POOL_NMODEL];
	struct pool	*m_poollist;	/* every pool, for vmstat -m */

	/*
	 * The allocation sites' policy (kern_site.h; NULL: malloc(9)) and
	 * its private state, both set by whoever boots the machine.
	 */
	const struct site_allocator *m_sitealloc;
	void		*m_sdata;

	/* Global limits and counts (kern.maxfiles, nfiles, maxproc). */
	long		 m_maxfiles;
	long		 m_nfiles;
	long		 m_maxproc;
	long		 m_nprocs;

	/* The context of the current call. */
	struct proc	*m_curproc;	/* NULL: interrupt context */
	uint64_t	 m_now;		/* trace time, ns */
	uint64_t	 m_wakeups;	/* bumped whenever memory is freed */

	int		 m_panicked;
	char		 m_panicstr[128];

	/*
	 * Probes (kprobe.h): NULL when off; m_probe_lat times calls with
	 * m_kptimer; m_kledger counts live objects (kp_ledger.h).
	 */
	const struct kprobe_ops *m_kprobe;
	void		*m_kprobe_arg;
	int		 m_probe_lat;
	struct kp_timer	 m_kptimer;
	struct kp_ledger *m_kledger;

	/* Live malloc blocks, for machine_check(); NULL when off. */
	struct kcheck	*m_kcheck;
};

/*
 * Boot a machine from profile PR, with no site allocator: malloc(9) for
 * everything, as NetBSD 1.5.  Returns NULL with a one-line message in
 * ERR.  strategy_boot() (strategies/strategy.h) boots one under a
 * policy.
 */
struct machine *machine_boot(const struct profile *pr, char *err,
	    size_t errlen);
/* Tear M down, the site allocator's arenas first (sa_detach). */
void	machine_free(struct machine *);

/* The host address of simulated kernel address VA. */
static inline void *
kva(const struct machine *m, vaddr_t va)
{

	return (void *)(m->m_kvabias + va);
}

/*
 * Make PH the pool page owning kernel page PG (NULL: none).  The only
 * writer of m_pgowner[], so that m_npgowned counts its owners exactly
 * and the checker need not walk the whole array.
 */
static inline void
pgowner_set(struct machine *m, uint32_t pg, struct pool_page *ph)
{

	m->m_npgowned += (ph != NULL) - (m->m_pgowner[pg] != NULL);
	m->m_pgowner[pg] = ph;
}

/* The probes' arena of MAP (kprobe.h). */
static inline enum kp_arena
kp_arena(const struct machine *m, const struct vm_map *map)
{

	return map == &m->m_kmem_map ? KA_KMEM : KA_KERNEL;
}

/* The map of arena A, KA_KMEM or KA_KERNEL. */
static inline struct vm_map *
kp_map(struct machine *m, enum kp_arena a)
{

	return a == KA_KMEM ? &m->m_kmem_map : &m->m_kernel_map;
}

static inline uint32_t
kva_page(const struct machine *m, vaddr_t va)
{

	return (va - m->m_kernbase) >> m->m_pageshift;
}

static inline size_t
round_page(const struct machine *m, uint64_t size)
{

	return (size + m->m_pagesize - 1) & ~(uint64_t)(m->m_pagesize - 1);
}

/* panic(9): the first message sticks.  Returns EPANIC. */
int	machine_panic(struct machine *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * LEN bytes of host address space, zeroed, backed as they are written,
 * in huge pages where the host has them (NULL, errno set, if it cannot
 * be had); munmap() ends it.
 */
void	*host_reserve(size_t len);

/*
 * Give the host back the pages of its own inside LEN bytes at P; they
 * read as zeros next time.  A simulated page can be smaller than the
 * host's, and a host page that holds part of one still in use stays.
 * The kernel's unwired pages come here through the cache of
 * hostcache.h, in runs.
 */
void	host_release(void *p, size_t len);

/*
 * For a process that boots machine after machine (a matrix worker, a
 * capacity search): the host's heap keeps what a machine freed for the
 * next instead of giving it back to the host, which would fault it in
 * again, page by page.  The model's figures do not depend on it.
 */
void	host_heap_keep(void);

/* Report a refused request in MAP to the probes. */
void	machine_refused(struct machine *, const struct vm_map *map,
	    unsigned long size, const char *reason);

#endif /* KM_MACHINE_H */
