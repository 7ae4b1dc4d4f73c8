/*
 * test_amap.c: amaps as uvm_amap.c 1.22 allocates them.  An amap of n
 * slots is a 40-byte struct vm_amap from amappl and three M_UVMAMAP
 * mallocs of 4n bytes each (am_slots, am_bckptr, am_anon on i386); the
 * expected figures below are derived from that and the buckets.
 */
#include <criterion/criterion.h>

#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "../kernel/uvm_map.h"
#include "kmtest.h"

#define HDR	"kmtrace 1\n0 1 spawn\n"

/*
 * The first write to a 10-page mapping creates its amap: three arrays
 * of 40 bytes, each in the 64-byte bucket: calls 3, memuse 192.
 */
Test(amap, first_write_creates_amap)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map h 10\n2 1 touch h\n3 1 touch h 0 10\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_calls, 3);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 192);
	cr_expect_eq(kmcase_pool(&c, "amappl")->pr_nget, 1);
	kmcase_free(&c);
}

/*
 * After fork both sides share the amap copy-on-write (am_ref 2).  The
 * child's first write copies it: a new 10-slot amap, calls 6, memuse
 * 384.  The parent's write then finds am_ref 1 and only clears
 * needs-copy: still 6 calls.
 */
Test(amap, post_fork_write_copies)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map h 10\n2 1 touch h\n3 1 fork 2\n4 2 touch h 3 1\n"
	    "5 1 touch h\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_calls, 6);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 384);
	cr_expect_eq(kmcase_pool(&c, "amappl")->pr_nget, 2);
	kmcase_free(&c);
}

/*
 * A write to page 500 of a 1000-page mapping (>= UVM_AMAP_LARGE 256)
 * clips the entry to the 16-page chunk around it, [496, 512): two clips,
 * so three map entries from vmmpepl, and a 16-slot amap whose arrays are
 * 64 bytes each: calls 3, memuse 192.  A 255-page mapping is not
 * chunked: one amap of 255 slots, 1020-byte arrays in the 1024 bucket.
 */
Test(amap, large_entries_are_chunked)
{
	struct kmcase c;
	struct rproc *rp;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map big 1000\n2 1 touch big 500 1\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 192);
	cr_expect_eq(kmcase_pool(&c, "vmmpepl")->pr_nget, 3);
	rp = kmcase_proc(&c, 1);
	cr_assert_eq(rp->rp_kp.p_vmspace->vm_nentries, 3);
	cr_expect_eq(rp->rp_kp.p_vmspace->vm_entries[1]->end -
	    rp->rp_kp.p_vmspace->vm_entries[1]->start, 16);
	kmcase_free(&c);

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map small 255\n2 1 touch small 100 1\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 3 * 1024);
	cr_expect_eq(kmcase_pool(&c, "vmmpepl")->pr_nget, 1);
	kmcase_free(&c);
}

/*
 * Unmapping pages 2..4 of a 10-page mapping with an amap clips the
 * entry twice; the first clip (amap_splitref) establishes am_ppref, a
 * further 40-byte malloc (bucket 64): calls 4, memuse 256.  Unmapping
 * the rest drops the last references: memuse 0, the struct returned.
 */
Test(amap, partial_unmap_establishes_ppref)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map h 10\n2 1 touch h\n3 1 unmap h 2 3\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_calls, 4);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 256);
	kmcase_free(&c);

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map h 10\n2 1 touch h\n3 1 unmap h 2 3\n4 1 unmap h\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 0);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_inuse, 0);
	cr_expect_eq(kmcase_pool(&c, "amappl")->pr_nput, 1);
	kmcase_free(&c);
}

/*
 * Heap growth from 10 to 20 pages extends the amap (amap_extend): three
 * new 80-byte arrays (bucket 128) are malloc'ed before the three old
 * 64-byte ones are freed: calls 6, memuse 384, maxused 192 + 384 = 576.
 */
Test(amap, grow_extends)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map heap 10\n2 1 touch heap\n3 1 grow heap 20\n"
	    "4 1 touch heap 10 10\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_calls, 6);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 384);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_maxused, 576);
	kmcase_free(&c);
}

/* exec drops the mappings; exit returns every amap and entry. */
Test(amap, exec_and_exit_release)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map a 10\n2 1 touch a\n3 1 exec\n4 1 map b 5\n"
	    "5 1 touch b\n6 1 exit\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_calls, 6);
	cr_expect_eq(kmcase_type(&c, "M_UVMAMAP")->ks_memuse, 0);
	cr_expect_eq(kmcase_pool(&c, "amappl")->pr_nout, 0);
	cr_expect_eq(kmcase_pool(&c, "vmmpepl")->pr_nout, 0);
	kmcase_free(&c);
}

/*
 * Map entries' host records are kept for the next entry (machine.h).
 * Process 1 maps three regions, three entries; its child (fork, event
 * 4) copies them, and exits (event 5): its three records are kept, and
 * the next fork (event 6) takes all three back.  The model counts
 * vmmpepl items alike either way: 3 + 3 + 3 gets, 3 puts.
 */
Test(amap, map_entry_records_kept)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map a 1\n2 1 map b 1\n3 1 map c 1\n4 1 fork 2\n"
	    "5 2 exit\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_nentspare, 3);
	kmcase_free(&c);
	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    HDR "1 1 map a 1\n2 1 map b 1\n3 1 map c 1\n4 1 fork 2\n"
	    "5 2 exit\n6 1 fork 3\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_nentspare, 0);
	cr_expect_eq(kmcase_pool(&c, "vmmpepl")->pr_nget, 9);
	cr_expect_eq(kmcase_pool(&c, "vmmpepl")->pr_nput, 3);
	kmcase_free(&c);
}
