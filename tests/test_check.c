/*
 * test_check.c: machine_check() (kernel/kcheck.c) holds on fresh
 * machines and after replays under every strategy, and each invariant,
 * broken on purpose by poking the machine's state, is reported by name.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../kernel/kcheck.h"
#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "../kernel/vm_map.h"
#include "../strategies/strategy.h"
#include "kmtest.h"

static const char *const profiles[] = {
	"i386-16M", "i386-32M", "i386-64M", "i386-128M", "i386-256M",
	"i386-512M", NULL
};

/*
 * Processes growing descriptor tables (past NDFILE, and past a page),
 * anonymous memory with amaps large and small, forks, exits, and other
 * subsystems' mallocs of every kind: buckets, 8 KiB, whole pages.
 */
#define TRACE	"kmtrace 1\n" \
	"0 100 spawn\n" \
	"1 100 open 3\n" \
	"2 100 dup 3 40\n" \
	"3 100 dup 3 1500\n" \
	"4 100 map a 300\n" \
	"5 100 touch a\n" \
	"6 100 map b 10\n" \
	"7 100 touch b\n" \
	"8 100 fork 101\n" \
	"9 101 touch b 2 3\n" \
	"10 0 kmalloc k1 100 M_TEMP NOWAIT\n" \
	"11 0 kmalloc k2 20000 M_DEVBUF NOWAIT\n" \
	"12 100 kmalloc k3 5000 M_TEMP WAITOK\n" \
	"13 100 kmalloc k4 16 M_TEMP WAITOK,ZERO\n" \
	"14 0 kfree k1\n" \
	"15 101 dup 3 300\n" \
	"16 101 exit\n" \
	"17 100 grow b 40\n" \
	"18 100 touch b 10 30\n" \
	"19 100 close 3\n" \
	"20 100 unmap a\n" \
	"21 100 kfree k3\n" \
	"22 100 fork 102\n" \
	"23 102 exec\n" \
	"24 102 map c 2\n" \
	"25 102 touch c\n" \
	"26 0 kmalloc k5 8000 M_DEVBUF NOWAIT\n"

#define CHECK_OK(m) do {						\
	char err_[512];							\
									\
	cr_assert(machine_check((m), err_, sizeof(err_)) == 0,		\
	    "machine_check: %s", err_);					\
} while (0)

/* machine_check fails with a message containing WANT. */
#define CHECK_FAILS(m, want) do {					\
	char err_[512];							\
									\
	cr_assert(machine_check((m), err_, sizeof(err_)) == -1,		\
	    "machine_check passed; expected \"%s\"", (want));		\
	cr_assert(strstr(err_, (want)) != NULL,				\
	    "machine_check: \"%s\"; expected \"%s\"", err_, (want));	\
} while (0)

/* kmcase_runfile with the registry of live blocks on from boot. */
static void
checked_runfile(struct kmcase *c, const char *strategy, const char *machine,
    const char *path)
{

	memset(c, 0, sizeof(*c));
	c->m = kmtest_boot(strategy, machine, NULL);
	cr_assert(machine_check_enable(c->m) == 0);
	c->rc = replay_run(&c->r, c->m, NULL, path, c->err, sizeof(c->err));
}

/* kmcase_run with the registry on. */
static void
checked_run(struct kmcase *c, const char *strategy, const char *machine,
    const char *trace)
{
	char path[256];

	kmtest_write(path, sizeof(path), ".kmt", trace);
	checked_runfile(c, strategy, machine, path);
	memcpy(c->path, path, sizeof(c->path));
}

Test(check, fresh_machines)
{
	const char *const *p;
	size_t i;

	for (p = profiles; *p != NULL; p++) {
		struct machine *m = kmtest_boot(NULL, *p, NULL);

		CHECK_OK(m);
		machine_free(m);
		for (i = 0; strategies[i] != NULL; i++) {
			m = kmtest_boot(strategies[i]->s_name, *p, NULL);
			CHECK_OK(m);
			cr_assert(machine_check_enable(m) == 0);
			CHECK_OK(m);
			machine_free(m);
		}
	}
}

Test(check, replays_every_strategy)
{
	const char *const machines[] = { "i386-16M", "i386-64M", NULL };
	const char *const *p;
	struct kmcase c;
	size_t i;

	for (p = machines; *p != NULL; p++)
		for (i = 0; strategies[i] != NULL; i++) {
			const char *s = strategies[i]->s_name;

			kmcase_run(&c, s, *p, NULL, TRACE);
			cr_assert(c.rc == 0, "%s %s: %s", s, *p, c.err);
			cr_assert(!c.m->m_panicked, "%s %s: %s", s, *p,
			    c.m->m_panicstr);
			CHECK_OK(c.m);
			kmcase_free(&c);

			checked_run(&c, s, *p, TRACE);
			cr_assert(c.rc == 0, "%s %s: %s", s, *p, c.err);
			/* kmalloc goes to malloc(9) whatever the strategy. */
			cr_assert_eq(kmcase_type(&c, "M_DEVBUF")->ks_memuse,
			    20480 + 8192);
			cr_assert_eq(kmcase_type(&c, "M_TEMP")->ks_memuse, 16);
			CHECK_OK(c.m);
			/* The processes' exit gives everything back. */
			replay_free(&c.r);
			memset(&c.r, 0, sizeof(c.r));
			CHECK_OK(c.m);
			kmcase_free(&c);
		}
}

/*
 * What kmbench run --check does: the invariants hold after every event.
 * Each prefix of the trace is replayed afresh and checked at its end.
 */
Test(check, after_every_event)
{
	char prefix[sizeof(TRACE)];
	const char *nl;
	struct kmcase c;
	size_t i, nev = 0;

	for (nl = strchr(TRACE, '\n'); nl != NULL; nl = strchr(nl + 1, '\n'))
		nev++;
	for (i = 0; strategies[i] != NULL; i++) {
		const char *s = strategies[i]->s_name;
		size_t n, len;

		for (n = 2; n <= nev; n++) {
			/* The header and N - 1 events. */
			for (nl = TRACE, len = 0; len < n; len++)
				nl = strchr(nl, '\n') + 1;
			memcpy(prefix, TRACE, (size_t)(nl - TRACE));
			prefix[nl - TRACE] = '\0';
			checked_run(&c, s, "i386-16M", prefix);
			cr_assert(c.rc == 0, "%s: %s", s, c.err);
			CHECK_OK(c.m);
			kmcase_free(&c);
		}
	}
}

/* A recorded trace of a real program, under every strategy. */
Test(check, recorded_trace)
{
	char path[1024];
	struct kmcase c;
	size_t i;

	snprintf(path, sizeof(path), "%s/workloads/traces/sqlite.kmt.zst",
	    kmtest_src());
	for (i = 0; strategies[i] != NULL; i++) {
		checked_runfile(&c, strategies[i]->s_name, "i386-64M", path);
		cr_assert(c.rc == 0, "%s: %s", strategies[i]->s_name, c.err);
		cr_assert(c.r.r_events > 0);
		CHECK_OK(c.m);
		kmcase_free(&c);
	}
}

/* nointr keeps its blocks out of kmem_map: the aggregate still holds. */
Test(check, nointr_blocks)
{
	struct kmcase c;

	checked_run(&c, "nointr", "i386-64M", TRACE);
	cr_assert(c.rc == 0, "%s", c.err);
	cr_assert(kmcase_type(&c, "M_FILEDESC")->ks_nointruse > 0);
	CHECK_OK(c.m);
	/* A large M_NOINTR block (the 1500-slot table) not accounted. */
	kmcase_type(&c, "M_FILEDESC")->ks_nointruse += 4096;
	CHECK_FAILS(c.m, "kernel_map: ");
	CHECK_FAILS(c.m, "ks_nointruse leaves");
	kmcase_free(&c);
}

/*
 * A machine with blocks of every kind live and on free lists, the
 * registry on, for the corruption tests.
 */
struct fixture {
	struct machine	*m;
	vaddr_t		 small[8];	/* 32-byte blocks, 4 freed */
	vaddr_t		 b8k, large;	/* an 8 KiB block, 5 pages */
	vaddr_t		 item[3];	/* filepl items */
	int		 type;
};

static void
fixture(struct fixture *f)
{
	struct machine *m;
	int i;

	memset(f, 0, sizeof(*f));
	m = f->m = kmtest_boot("panic-only", "i386-64M", NULL);
	cr_assert(machine_check_enable(m) == 0);
	f->type = malloc_type(m, "M_TEMP");
	for (i = 0; i < 8; i++)
		cr_assert(kern_malloc(m, 32, f->type, M_NOWAIT,
		    &f->small[i]) == 0);
	for (i = 0; i < 8; i += 2)
		kern_free(m, f->small[i], f->type);
	cr_assert(kern_malloc(m, 8192, f->type, M_NOWAIT, &f->b8k) == 0);
	cr_assert(kern_malloc(m, 5 * 4096 - 100, f->type, M_NOWAIT,
	    &f->large) == 0);
	for (i = 0; i < 3; i++)
		cr_assert(pool_get(m, m->m_pools[POOL_FILE], PR_NOWAIT,
		    &f->item[i]) == 0);
	pool_put(m, m->m_pools[POOL_FILE], f->item[1]);
	CHECK_OK(m);
}

static struct kmembuckets *
bucket32(struct fixture *f)
{

	return &f->m->m_kmem.kmembuckets[5];
}

static struct kmemusage *
kup_of(struct fixture *f, vaddr_t va)
{
	struct machine *m = f->m;

	return (struct kmemusage *)kva(m, m->m_kmem.kmemusage) +
	    ((va - m->m_kmem_map.vm_min) >> m->m_pageshift);
}

static vaddr_t *
link_of(struct fixture *f, vaddr_t va)
{

	return (vaddr_t *)kva(f->m, va);
}

/* Maps. */

Test(check, map_count)
{
	struct fixture f;

	fixture(&f);
	f.m->m_kmem_map.vm_used--;
	CHECK_FAILS(f.m, "kmem_map: ");
	CHECK_FAILS(f.m, "free pages in extents but 4096 - ");
	machine_free(f.m);
}

Test(check, map_peak)
{
	struct fixture f;

	fixture(&f);
	f.m->m_kernel_map.vm_peak = f.m->m_kernel_map.vm_used - 1;
	CHECK_FAILS(f.m, "kernel_map: vm_used");
	CHECK_FAILS(f.m, "above vm_peak");
	machine_free(f.m);
}

Test(check, map_not_coalesced)
{
	struct fixture f;
	struct vm_map *km;

	fixture(&f);
	km = &f.m->m_kmem_map;
	cr_assert(km->vm_nfree == 1 && km->vm_free[0].ve_npages > 2);
	/* Split the one free extent in two that touch. */
	km->vm_free[1].ve_start = km->vm_free[0].ve_start + 1;
	km->vm_free[1].ve_npages = km->vm_free[0].ve_npages - 1;
	km->vm_free[0].ve_npages = 1;
	km->vm_nfree = 2;
	CHECK_FAILS(f.m, "kmem_map: free extents not coalesced");
	machine_free(f.m);
}

Test(check, map_overlap_and_order)
{
	struct fixture f;
	struct vm_map *km;
	struct vm_extent e0;

	fixture(&f);
	km = &f.m->m_kmem_map;
	e0 = km->vm_free[0];
	km->vm_free[1].ve_start = e0.ve_start + 1;
	km->vm_free[1].ve_npages = e0.ve_npages - 1;
	km->vm_free[0].ve_npages = 2;
	km->vm_nfree = 2;
	CHECK_FAILS(f.m, "kmem_map: free extents overlap");
	km->vm_free[0].ve_start = e0.ve_start + 10;
	km->vm_free[0].ve_npages = 1;
	km->vm_free[1].ve_start = e0.ve_start;
	km->vm_free[1].ve_npages = 1;
	CHECK_FAILS(f.m, "kmem_map: free extents not sorted");
	km->vm_free[0] = e0;
	km->vm_nfree = 1;
	CHECK_OK(f.m);
	km->vm_free[0].ve_npages++;
	CHECK_FAILS(f.m, "runs past the map's 4096 pages");
	machine_free(f.m);
}

/* Buckets and kmemusage[]. */

Test(check, bucket_totalfree)
{
	struct fixture f;

	fixture(&f);
	bucket32(&f)->kb_totalfree++;
	CHECK_FAILS(f.m, "kmembuckets[5] (32 bytes): ");
	CHECK_FAILS(f.m, "free elements on the list but kb_totalfree");
	machine_free(f.m);
}

Test(check, bucket_cycle)
{
	struct fixture f;
	struct kmembuckets *kbp;

	fixture(&f);
	kbp = bucket32(&f);
	*link_of(&f, kbp->kb_last) = kbp->kb_next;
	CHECK_FAILS(f.m, "kmembuckets[5] (32 bytes): free list runs past "
	    "kb_totalfree");
	machine_free(f.m);
}

Test(check, bucket_lost_element)
{
	struct fixture f;
	struct kmembuckets *kbp;

	fixture(&f);
	/* free() that forgets to append: the element is lost. */
	kbp = bucket32(&f);
	*link_of(&f, kbp->kb_next) = *link_of(&f, *link_of(&f,
	    kbp->kb_next));
	CHECK_FAILS(f.m, "free elements on the list but kb_totalfree");
	machine_free(f.m);
}

Test(check, bucket_misaligned)
{
	struct fixture f;

	fixture(&f);
	*link_of(&f, bucket32(&f)->kb_next) += 8;
	CHECK_FAILS(f.m, "is not aligned to 32");
	machine_free(f.m);
}

Test(check, bucket_outside)
{
	struct fixture f;

	fixture(&f);
	*link_of(&f, bucket32(&f)->kb_next) = f.m->m_kernbase;
	CHECK_FAILS(f.m, "is not inside kmem_map");
	machine_free(f.m);
}

Test(check, bucket_wrong_page)
{
	struct fixture f;

	fixture(&f);
	kup_of(&f, bucket32(&f)->kb_next)->ku_indx = 6;
	CHECK_FAILS(f.m, "lies on a page of bucket 6 by kmemusage");
	machine_free(f.m);
}

Test(check, bucket_last)
{
	struct fixture f;
	struct kmembuckets *kbp;

	fixture(&f);
	kbp = bucket32(&f);
	kbp->kb_last = kbp->kb_next;
	CHECK_FAILS(f.m, "kmembuckets[5] (32 bytes): kb_last");
	machine_free(f.m);
}

Test(check, kmemusage_count)
{
	struct fixture f;

	fixture(&f);
	kup_of(&f, f.small[0])->ku_count++;
	CHECK_FAILS(f.m, "(bucket 5): ku_count");
	machine_free(f.m);
}

/*
 * The incremental figures the probes read (kern_malloc.c, vm_map.c)
 * against the checker's walks.  In the fixture one 32-byte page has 4
 * of its 128 elements free and the 8 KiB chunk is taken: no bucket page
 * is all free, so bucketfree is 0; one more is caught.
 */
Test(check, bucketfree_counter)
{
	struct fixture f;

	fixture(&f);
	cr_assert_eq(f.m->m_kmem.bucketfree, 0);
	f.m->m_kmem.bucketfree++;
	CHECK_FAILS(f.m, "kmem: bucketfree 1 but kmemusage marks 0 bucket "
	    "pages all free");
	f.m->m_kmem.bucketfree--;
	/* Freeing the 8 KiB chunk makes 2 pages all free, counted. */
	kern_free(f.m, f.b8k, f.type);
	cr_assert_eq(f.m->m_kmem.bucketfree, 2);
	CHECK_OK(f.m);
	f.m->m_kmem.bucketfree = 1;
	CHECK_FAILS(f.m, "kmem: bucketfree 1 but kmemusage marks 2");
	machine_free(f.m);
}

/*
 * kmem_map's size table: one free extent after the fixture's pages,
 * so one entry.  Its size off by one is caught as a largest extent the
 * walk does not find; its count off by one as a miscount.  kernel_map
 * is checked the same way.
 */
Test(check, size_table)
{
	struct fixture f;
	struct vm_map *km;
	uint32_t n;

	fixture(&f);
	km = &f.m->m_kmem_map;
	cr_assert(km->vm_nfree == 1 && km->vm_nsizes == 1);
	n = km->vm_free[0].ve_npages;
	km->vm_sizes[0].vs_size--;
	CHECK_FAILS(f.m, "kmem_map: largest free extent");
	CHECK_FAILS(f.m, "by the size table but");
	km->vm_sizes[0].vs_size++;
	km->vm_sizes[0].vs_count++;
	CHECK_FAILS(f.m, "kmem_map: the size table counts 2 free extents");
	km->vm_sizes[0].vs_count--;
	CHECK_OK(f.m);
	cr_assert_eq(vm_map_largest_free(km), n);
	f.m->m_kernel_map.vm_sizes[f.m->m_kernel_map.vm_nsizes - 1].vs_size++;
	CHECK_FAILS(f.m, "kernel_map: largest free extent");
	machine_free(f.m);
}

Test(check, kmem_map_pages)
{
	struct fixture f;

	fixture(&f);
	/* Pages taken from kmem_map that nobody accounts for. */
	f.m->m_kmem_map.vm_free[0].ve_start++;
	f.m->m_kmem_map.vm_free[0].ve_npages--;
	/* The one extent's size, in step: the map itself is consistent. */
	f.m->m_kmem_map.vm_sizes[0].vs_size--;
	f.m->m_kmem_map.vm_used++;
	f.m->m_kmem_map.vm_peak++;
	f.m->m_kmem_map.vm_top++;
	CHECK_FAILS(f.m, "kmem_map: vm_used");
	CHECK_FAILS(f.m, "+ large blocks");
	machine_free(f.m);
}

/*
 * kmem_map's top.  Nothing of the fixture went back to kmem_map (its
 * 32-byte and 8 KiB blocks stay with their buckets), so its pages lie
 * from the map's start and the top is the count in use.  One lower, it
 * is below the peak.  Then a second 5-page block goes above the first
 * and the first is freed: a 5-page hole under it, the top 5 above the
 * count in use; a top (and a peak) moved down to the count leaves the
 * second block above it.
 */
Test(check, kmem_map_top)
{
	struct fixture f;
	struct vm_map *km;
	vaddr_t big;
	uint32_t top;

	fixture(&f);
	km = &f.m->m_kmem_map;
	cr_assert_eq(km->vm_top, km->vm_used);
	km->vm_top--;
	CHECK_FAILS(f.m, "kmem_map: vm_top");
	km->vm_top++;
	cr_assert(kern_malloc(f.m, 5 * 4096 - 100, f.type, M_NOWAIT, &big) ==
	    0);
	kern_free(f.m, f.large, f.type);
	CHECK_OK(f.m);
	top = km->vm_top;
	cr_assert_eq(top, km->vm_used + 5);
	km->vm_peak = km->vm_top = top - 5;
	CHECK_FAILS(f.m, "kmem_map: a page in use above vm_top");
	machine_free(f.m);
}

Test(check, bucket_pages)
{
	struct fixture f;

	fixture(&f);
	bucket32(&f)->kb_pages++;
	CHECK_FAILS(f.m, "kmembuckets: kb_pages sum to");
	machine_free(f.m);
}

/* Pools. */

Test(check, pool_nmissing)
{
	struct fixture f;
	struct pool *pp;

	fixture(&f);
	pp = f.m->m_pools[POOL_FILE];
	pp->pr_head->ph_nmissing++;
	CHECK_FAILS(f.m, "pool filepl: page ");
	CHECK_FAILS(f.m, "free list longer than");
	pp->pr_head->ph_nmissing -= 2;
	CHECK_FAILS(f.m, "free items on its list but");
	machine_free(f.m);
}

/*
 * A page is on pr_head's list while it has a free item, on pr_full
 * while it has none (subr_pool.c), and says which (ph_full).  The
 * fixture's filepl page has free items: marked full, or with its free
 * list cut, it is on the wrong list.
 */
Test(check, pool_full_list)
{
	struct fixture f;
	struct pool *pp;

	fixture(&f);
	pp = f.m->m_pools[POOL_FILE];
	pp->pr_head->ph_full = 1;
	CHECK_FAILS(f.m, "(ph_full 1) on the list of pages with one");
	pp->pr_head->ph_full = 0;
	CHECK_OK(f.m);
	pp->pr_head->ph_items = 0;
	pp->pr_head->ph_nmissing = pp->pr_itemsperpage;
	pp->pr_nitems = 0;
	pp->pr_nout = pp->pr_itemsperpage;
	CHECK_FAILS(f.m, "with 0 free items (ph_full 0) on the list of pages "
	    "with one");
	machine_free(f.m);
}

Test(check, pool_counts)
{
	struct fixture f;
	struct pool *pp;

	fixture(&f);
	pp = f.m->m_pools[POOL_FILE];
	pp->pr_nitems++;
	CHECK_FAILS(f.m, "pool filepl: pr_nitems");
	pp->pr_nitems--;
	pp->pr_nout--;
	CHECK_FAILS(f.m, "pool filepl: pr_nout");
	pp->pr_nout++;
	pp->pr_nidle++;
	CHECK_FAILS(f.m, "pool filepl: pr_nidle");
	pp->pr_nidle--;
	pp->pr_npages++;
	CHECK_FAILS(f.m, "pool filepl: pr_npages");
	pp->pr_npages--;
	CHECK_OK(f.m);
	machine_free(f.m);
}

Test(check, pool_item)
{
	struct fixture f;
	struct pool *pp;

	fixture(&f);
	pp = f.m->m_pools[POOL_FILE];
	/* The freed item 1 heads the list; make it point mid-item. */
	cr_assert(pp->pr_head->ph_items == f.item[1]);
	*link_of(&f, f.item[1]) = f.item[2] + 4;
	CHECK_FAILS(f.m, "is not one of its");
	machine_free(f.m);
}

Test(check, pool_owner)
{
	struct fixture f;
	struct machine *m;

	fixture(&f);
	m = f.m;
	pgowner_set(m, kva_page(m, f.item[0]), NULL);
	CHECK_FAILS(m, "m_pgowner does not point back");
	pgowner_set(m, kva_page(m, f.item[0]),
	    m->m_pools[POOL_FILE]->pr_head);
	CHECK_OK(m);
	/* An owner for a page no pool holds. */
	pgowner_set(m, kva_page(m, f.large), m->m_pools[POOL_FILE]->pr_head);
	CHECK_FAILS(m, "m_pgowner: ");
	machine_free(m);
}

Test(check, pool_map)
{
	struct fixture f;

	fixture(&f);
	/* filepl's page is in kernel_map, not kmem_map. */
	f.m->m_pools[POOL_FILE]->pr_map = &f.m->m_kmem_map;
	CHECK_FAILS(f.m, "is not a page of its map kmem_map");
	machine_free(f.m);
}

/* Types and the registry of live blocks. */

Test(check, type_memuse)
{
	struct fixture f;

	fixture(&f);
	f.m->m_kmem.kmemstats[f.type].ks_memuse += 32;
	CHECK_FAILS(f.m, "type M_TEMP: ks_memuse");
	CHECK_FAILS(f.m, "live blocks take");
	machine_free(f.m);
}

Test(check, type_inuse)
{
	struct fixture f;

	fixture(&f);
	f.m->m_kmem.kmemstats[f.type].ks_inuse--;
	CHECK_FAILS(f.m, "type M_TEMP: ks_inuse");
	machine_free(f.m);
}

Test(check, overlap)
{
	struct fixture f;

	fixture(&f);
	/* A block handed out again while live, at an offset. */
	kcheck_alloc(f.m, f.b8k + 4096, 8192, f.type);
	CHECK_FAILS(f.m, "live blocks overlap");
	machine_free(f.m);
}

Test(check, live_twice)
{
	struct fixture f;

	fixture(&f);
	kcheck_alloc(f.m, f.small[1], 32, f.type);
	CHECK_FAILS(f.m, "a block already live");
	machine_free(f.m);
}

Test(check, outside_kmem_map)
{
	struct fixture f;

	fixture(&f);
	kcheck_alloc(f.m, f.item[0], 64, f.type);
	CHECK_FAILS(f.m, "is not inside kmem_map");
	machine_free(f.m);
}

Test(check, double_free)
{
	struct fixture f;

	fixture(&f);
	kcheck_free(f.m, f.small[0], f.type);
	CHECK_FAILS(f.m, "which is not a live block");
	machine_free(f.m);
}

Test(check, free_element_live)
{
	struct fixture f;
	struct kmembuckets *kbp;

	fixture(&f);
	/* A live block put back on the free list, counts and all. */
	kbp = bucket32(&f);
	*link_of(&f, kbp->kb_last) = f.small[1];
	*link_of(&f, f.small[1]) = 0;
	kbp->kb_last = f.small[1];
	kbp->kb_totalfree++;
	kup_of(&f, f.small[1])->ku_count++;
	CHECK_FAILS(f.m, "is a live block of M_TEMP");
	machine_free(f.m);
}

/* Wiring. */

Test(check, wired)
{
	struct fixture f;

	fixture(&f);
	f.m->m_wired++;
	f.m->m_freepages--;
	CHECK_FAILS(f.m, "wired: m_wired");
	CHECK_FAILS(f.m, "- unwired");
	machine_free(f.m);
}

Test(check, physpages)
{
	struct fixture f;

	fixture(&f);
	f.m->m_freepages--;
	CHECK_FAILS(f.m, "physical pages: m_wired");
	machine_free(f.m);
}
