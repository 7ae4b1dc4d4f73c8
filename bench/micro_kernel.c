/*
 * micro_kernel.c: microbenchmarks of the simulated kernel's allocators
 * (the host cost of the model, not simulated time): malloc(9)'s bucket
 * allocator, the M_NOINTR path of the nointr strategy, pool(9), the
 * growth of a descriptor table to 100,000 descriptors, amaps, and the
 * address check nointr's free() makes.  Registered at load time; run by
 * micro_main.c.  The names are those docs/microbench.md explains.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kern_descrip.h"
#include "../kernel/kern_malloc.h"
#include "../kernel/kern_proc.h"
#include "../kernel/machine.h"
#include "../kernel/profile.h"
#include "../kernel/subr_pool.h"
#include "../kernel/uvm_amap.h"
#include "../strategies/strategy.h"
#include "gbench.h"

#define MK_MACHINE	"i386-512M"
#define MK_BURST	1000		/* allocations held at once */
#define MK_NFD		100000		/* descriptors of fdexpand */
#define MK_NADDR	1024		/* addresses of the free() check */

/* A machine booted under one strategy, the first time it is wanted. */
struct mk_boot {
	const char	*strategy;
	struct machine	*m;
};

static struct mk_boot boot_panic = { "panic-only", NULL };
static struct mk_boot boot_nointr = { "nointr", NULL };

static struct machine *
mk_machine(gb_state *st, struct mk_boot *bt)
{
	const char *dir = getenv("KMBENCH_MACHINES");
	struct profile pr;
	char err[512];

	if (bt->m != NULL)
		return bt->m;
	if (dir == NULL || *dir == '\0')
		dir = "machines";
	if (profile_load(&pr, dir, MK_MACHINE, err, sizeof(err)) != 0 ||
	    (bt->m = strategy_boot(&pr, strategy_lookup(bt->strategy), NULL,
	    0, err, sizeof(err))) == NULL) {
		gb_error(st, err);
		return NULL;
	}
	return bt->m;
}

static double
stat_max(const double *v, size_t n, void *arg)
{
	double m = v[0];
	size_t i;

	(void)arg;
	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static double
stat_quantile(const double *v, size_t n, void *arg)
{

	return gb_quantile(v, n, *(const double *)arg);
}

static double q99 = 0.99;

/* p99 and max over the repetitions, beside mean, median, stddev, cv. */
static gb_bench *
mk_stats(gb_bench *b)
{

	gb_statistic(b, "p99", stat_quantile, &q99, 0);
	return gb_statistic(b, "max", stat_max, NULL, 0);
}

/* Sizes 16 B .. 512 KiB, powers of two. */
static gb_bench *
mk_sizes(gb_bench *b, int64_t hi)
{

	gb_range_multiplier(b, 2);
	return mk_stats(gb_args_range(b, 16, hi));
}

/* The burst sizes: 16 B .. 4 KiB by 4. */
static gb_bench *
mk_burst_sizes(gb_bench *b)
{

	gb_range_multiplier(b, 4);
	return mk_stats(gb_args_range(b, 16, 4096));
}

static int
mk_failed(gb_state *st, struct machine *m, int error, const char *what)
{
	char msg[256];

	if (error == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: error %d%s%s", what, error,
	    m->m_panicked ? ", panic: " : "",
	    m->m_panicked ? m->m_panicstr : "");
	gb_error(st, msg);
	return 1;
}

/*
 * The allocator of a "pair" or "burst" benchmark: malloc(9) itself
 * (bucket), the nointr strategy's M_NOINTR path (site_malloc), or
 * pool(9) with a pool of the size's items on kernel_map.
 */
enum mk_kind { MK_BUCKET, MK_NOINTR, MK_POOL };

struct mk_alloc {
	enum mk_kind	 kind;
	struct mk_boot	*boot;
	struct pool	*pools[32];	/* MK_POOL: by log2 of the size */
};

static struct mk_alloc a_bucket = { MK_BUCKET, &boot_panic, { NULL } };
static struct mk_alloc a_nointr = { MK_NOINTR, &boot_nointr, { NULL } };
static struct mk_alloc a_pool = { MK_POOL, &boot_nointr, { NULL } };

static struct pool *
mk_pool(gb_state *st, struct machine *m, struct mk_alloc *a, uint32_t size)
{
	static char names[32][24];
	int i = 0;

	while ((1U << i) < size)
		i++;
	if (a->pools[i] == NULL) {
		snprintf(names[i], sizeof(names[i]), "bench%u", size);
		if ((a->pools[i] = pool_init(m, names[i], size, 1)) == NULL)
			gb_error(st, "pool_init: out of memory");
	}
	return a->pools[i];
}

static inline int
mk_get(struct machine *m, struct mk_alloc *a, struct pool *pp,
    unsigned long size, vaddr_t *vap)
{

	switch (a->kind) {
	case MK_BUCKET:
		return kern_malloc(m, size, m->m_type_amap, M_WAITOK, vap);
	case MK_NOINTR:
		return site_malloc(m, SITE_AMAP, size, m->m_type_amap,
		    M_WAITOK, vap);
	case MK_POOL:
		break;
	}
	return pool_get(m, pp, PR_WAITOK, vap);
}

static inline void
mk_put(struct machine *m, struct mk_alloc *a, struct pool *pp, vaddr_t va)
{

	switch (a->kind) {
	case MK_BUCKET:
		kern_free(m, va, m->m_type_amap);
		return;
	case MK_NOINTR:
		site_free(m, SITE_AMAP, va, m->m_type_amap);
		return;
	case MK_POOL:
		break;
	}
	pool_put(m, pp, va);
}

/* One malloc and its free, of one size, per iteration. */
static void
bm_pair(gb_state *st, void *arg)
{
	struct mk_alloc *a = arg;
	unsigned long size = (unsigned long)gb_range(st, 0);
	struct machine *m;
	struct pool *pp = NULL;
	vaddr_t va;

	if ((m = mk_machine(st, a->boot)) == NULL)
		return;
	if (a->kind == MK_POOL &&
	    (pp = mk_pool(st, m, a, (uint32_t)size)) == NULL)
		return;
	while (gb_keep_running(st)) {
		if (mk_failed(st, m, mk_get(m, a, pp, size, &va), "malloc"))
			break;
		mk_put(m, a, pp, va);
	}
	gb_set_items(st, gb_iterations(st));
}

/* MK_BURST mallocs, then all of them freed; the time is per pair. */
static void
bm_burst(gb_state *st, void *arg)
{
	struct mk_alloc *a = arg;
	unsigned long size = (unsigned long)gb_range(st, 0);
	static vaddr_t held[MK_BURST];
	struct machine *m;
	struct pool *pp = NULL;
	int i, failed = 0;

	if ((m = mk_machine(st, a->boot)) == NULL)
		return;
	if (a->kind == MK_POOL &&
	    (pp = mk_pool(st, m, a, (uint32_t)size)) == NULL)
		return;
	while (!failed && gb_keep_running_batch(st, MK_BURST)) {
		for (i = 0; i < MK_BURST; i++)
			if ((failed = mk_failed(st, m, mk_get(m, a, pp, size,
			    &held[i]), "malloc")) != 0)
				break;
		while (i-- > 0)
			mk_put(m, a, pp, held[i]);
	}
	gb_set_items(st, gb_iterations(st));
}

/*
 * A spawned process raises its limit to MK_NFD, opens descriptor 0 and
 * dup2()s it onto 1, 2, ... MK_NFD - 1: fdexpand() doubles the table each time
 * it fills.  The time is that of the whole sequence and the exit.
 */
static void
bm_fdexpand(gb_state *st, void *arg)
{
	struct machine *m;
	struct proc p;
	int fd, error = 0, ngrow = 0, nfiles;

	if ((m = mk_machine(st, arg)) == NULL)
		return;
	sysctl_maxfiles(m, 2 * MK_NFD);
	while (gb_keep_running(st)) {
		memset(&p, 0, sizeof(p));
		p.p_pid = 2;
		m->m_curproc = &p;
		if (mk_failed(st, m, proc_spawn(m, &p), "proc_spawn"))
			break;
		if (mk_failed(st, m, proc_setnofile(m, &p, MK_NFD),
		    "setrlimit"))
			break;
		if (mk_failed(st, m, fd_open(m, &p, 0, 0), "open"))
			break;
		ngrow = 0;
		nfiles = p.p_fd.fd_nfiles;
		for (fd = 1; fd < MK_NFD && error == 0; fd++) {
			error = fd_dup(m, &p, 0, fd, 0);
			if (p.p_fd.fd_nfiles != nfiles) {
				nfiles = p.p_fd.fd_nfiles;
				ngrow++;
			}
		}
		if (mk_failed(st, m, error, "dup2"))
			break;
		proc_exit(m, &p);
		m->m_curproc = NULL;
	}
	gb_counter(st, "expansions", (double)ngrow, 0);
	gb_set_items(st, gb_iterations(st) * MK_NFD);
}

/* amap_alloc() of N slots, amap_extend() to 2N, amap_unref(). */
static void
bm_amap(gb_state *st, void *arg)
{
	uint32_t slots = (uint32_t)gb_range(st, 0);
	struct vm_amap *am;
	struct machine *m;

	if ((m = mk_machine(st, arg)) == NULL)
		return;
	while (gb_keep_running(st)) {
		if (mk_failed(st, m, amap_alloc(m, slots, M_WAITOK, &am),
		    "amap_alloc"))
			break;
		if (mk_failed(st, m, amap_extend(m, am, 2 * slots),
		    "amap_extend"))
			break;
		amap_unref(m, am);
	}
	gb_set_items(st, gb_iterations(st));
}

/*
 * The test nointr's free() makes first: is the address in kmem_map?
 * Half the addresses are malloc(9) blocks, half M_NOINTR blocks.
 */
static void
bm_addrcheck(gb_state *st, void *arg)
{
	static vaddr_t addrs[MK_NADDR];
	struct machine *m;
	unsigned long in = 0;
	int i, error = 0;

	(void)arg;
	if ((m = mk_machine(st, &boot_nointr)) == NULL)
		return;
	for (i = 0; i < MK_NADDR && error == 0; i++)
		error = (i & 1) ? site_malloc(m, SITE_AMAP, 64,
		    m->m_type_amap, M_WAITOK, &addrs[i]) :
		    kern_malloc(m, 64, m->m_type_amap, M_WAITOK, &addrs[i]);
	if (mk_failed(st, m, error, "malloc"))
		return;
	while (gb_keep_running_batch(st, MK_NADDR))
		for (i = 0; i < MK_NADDR; i++) {
			in += vm_map_contains(&m->m_kmem_map, addrs[i]);
			gb_escape(&in);
		}
	for (i = 0; i < MK_NADDR; i++)
		if (i & 1)
			site_free(m, SITE_AMAP, addrs[i], m->m_type_amap);
		else
			kern_free(m, addrs[i], m->m_type_amap);
	gb_counter(st, "in_kmem_map", (double)in / (double)gb_iterations(st),
	    0);
}

static void mk_register(void) __attribute__((constructor));

static void
mk_register(void)
{
	gb_bench *b;

	mk_sizes(gb_register("pair/bucket", bm_pair, &a_bucket), 512 << 10);
	mk_sizes(gb_register("pair/nointr", bm_pair, &a_nointr), 512 << 10);
	mk_sizes(gb_register("pair/pool", bm_pair, &a_pool), 4096);
	mk_burst_sizes(gb_register("burst/bucket", bm_burst, &a_bucket));
	mk_burst_sizes(gb_register("burst/nointr", bm_burst, &a_nointr));
	mk_burst_sizes(gb_register("burst/pool", bm_burst, &a_pool));
	gb_unit(mk_stats(gb_register("fdexpand/panic-only", bm_fdexpand,
	    &boot_panic)), GB_MS);
	gb_unit(mk_stats(gb_register("fdexpand/nointr", bm_fdexpand,
	    &boot_nointr)), GB_MS);
	b = gb_register("amap/panic-only", bm_amap, &boot_panic);
	gb_args_range(gb_range_multiplier(b, 16), 16, 4096);
	mk_stats(b);
	b = gb_register("amap/nointr", bm_amap, &boot_nointr);
	gb_args_range(gb_range_multiplier(b, 16), 16, 4096);
	mk_stats(b);
	mk_stats(gb_register("addrcheck/nointr", bm_addrcheck, NULL));
}
