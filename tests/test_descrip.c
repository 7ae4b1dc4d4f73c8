/*
 * test_descrip.c: descriptor tables as kern_descrip.c 1.63 grows and
 * copies them, with every expected figure derived by hand from
 * netbsd-model.md (NDFILE 20, NDEXTENT 50, OFILESIZE 5 on i386 and 9 on
 * amd64, the 4.4BSD buckets) in the comment above it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kern_descrip.h"
#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "kmtest.h"

/* A trace of PID spawning, raising its limits, and holding fds 0..TOP. */
static char *
dups_to(int top, const char *extra)
{
	size_t cap = 64 * (size_t)top + 4096 + strlen(extra), len;
	char *t = malloc(cap);
	int fd;

	cr_assert(t != NULL);
	len = (size_t)snprintf(t, cap, "kmtrace 1\n0 1 spawn\n"
	    "1 1 sysctl maxfiles 100000\n2 1 limit nofile 100000\n"
	    "3 1 open 3\n");
	for (fd = 4; fd <= top; fd++)
		len += (size_t)snprintf(t + len, cap - len, "%d 1 dup 3 %d\n",
		    fd, fd);
	snprintf(t + len, cap - len, "%s", extra);
	return t;
}

/*
 * One process growing to 2000 descriptors (0..1999):
 *   spawn: fdinit mallocs filedesc0, 2*4 + 16 + 20*5 = 124 bytes, bucket
 *   128.  The table then grows when fds 20, 50, 100, 200, 400, 800 and
 *   1600 are wanted: to 50, 100, 200, 400, 800, 1600, 3200 slots, that
 *   is 250, 500, 1000, 2000, 4000, 8000 bytes (buckets 256 .. 8192) and
 *   16000 bytes, page-rounded to 16384.
 *   calls   = 1 + 7 = 8
 *   memuse  = 128 + 16384 = 16512 (every old table was freed)
 *   maxused = 128 + 8192 + 16384 = 24704, during the last copy, when
 *             the 1600-slot table is still live
 *   inuse   = 2 (filedesc0 and the table)
 */
Test(descrip, growth_to_2000)
{
	struct kmcase c;
	struct kmemstats *ks;
	char *t = dups_to(1999, "");

	kmcase_run(&c, "panic-only", "i386-64M", NULL, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	ks = kmcase_type(&c, "M_FILEDESC");
	cr_expect_eq(ks->ks_calls, 8);
	cr_expect_eq(ks->ks_memuse, 16512);
	cr_expect_eq(ks->ks_maxused, 24704);
	cr_expect_eq(ks->ks_inuse, 2);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_max_fds, 2000);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_kp.p_fd.fd_nfiles, 3200);
	kmcase_free(&c);
	free(t);
}

/*
 * The same growth on amd64 (amd64-16G, ptrsize 8), as deltas between a
 * process holding 20 descriptors (0..19, the embedded table full) and
 * the same process holding 2000 (0..1999).  A slot is a pointer and a
 * flag byte, 8 + 1 = 9 bytes (OFILESIZE); MAXALLOCSAVE is 2 pages
 * (8192), above it malloc page-rounds.
 *   At 20: filedesc0 only, 2*8 + 16 + 20*9 = 212 bytes, bucket 256:
 *   calls 1, inuse 1, memuse 256, maxused 256.
 *   fdexpand at fds 20, 50, 100, 200, 400, 800 and 1600 mallocs 50,
 *   100, 200, 400, 800, 1600 and 3200 slots: 450, 900, 1800, 3600,
 *   7200 bytes (buckets 512, 1024, 2048, 4096, 8192), then 14400 and
 *   28800 bytes, over MAXALLOCSAVE: 16384 and 32768 (4 and 8 pages).
 *   Each old table but the embedded one is freed after the copy.
 *   calls   delta 7
 *   inuse   delta 1 (the 3200-slot table; filedesc0 was there)
 *   memuse  delta 32768 (256 + 32768 at the end)
 *   maxused delta 49152: the peak is the last copy, 256 + 16384 +
 *           32768 = 49408, minus the 256 at 20 descriptors
 * (i386, 5-byte slots: the table at 2000 is 16384 bytes, above.)
 */
Test(descrip, amd64_growth_20_to_2000)
{
	struct kmcase a, b;
	struct kmemstats *ka, *kb;
	char *t20 = dups_to(19, ""), *t2000 = dups_to(1999, "");

	kmcase_run(&a, "panic-only", "amd64-16G", NULL, t20);
	cr_assert_eq(a.rc, 0, "%s", a.err);
	kmcase_run(&b, "panic-only", "amd64-16G", NULL, t2000);
	cr_assert_eq(b.rc, 0, "%s", b.err);
	ka = kmcase_type(&a, "M_FILEDESC");
	kb = kmcase_type(&b, "M_FILEDESC");
	cr_expect_eq(ka->ks_calls, 1);
	cr_expect_eq(ka->ks_memuse, 256);
	cr_expect_eq(kmcase_proc(&a, 1)->rp_kp.p_fd.fd_nfiles, 20);
	cr_expect_eq(kb->ks_calls - ka->ks_calls, 7);
	cr_expect_eq(kb->ks_inuse - ka->ks_inuse, 1);
	cr_expect_eq(kb->ks_memuse - ka->ks_memuse, 32768);
	cr_expect_eq(kb->ks_maxused - ka->ks_maxused, 49152);
	cr_expect_eq(kmcase_proc(&b, 1)->rp_max_fds, 2000);
	cr_expect_eq(kmcase_proc(&b, 1)->rp_kp.p_fd.fd_nfiles, 3200);
	kmcase_free(&a);
	kmcase_free(&b);
	free(t20);
	free(t2000);
}

/*
 * Bucket pages stay with their bucket after the process exits: the
 * buckets 128 .. 4096 took one page each (6 pages), 8192 two pages, and
 * phpool one page for procpl's off-page header (struct proc is 320
 * bytes, not under 4096/16): 9 pages.  The 16384-byte table was a
 * large allocation: 4 pages, returned to kmem_map on exit.  So kmem_map
 * holds 13 pages before the exit and 9 after it.
 */
Test(descrip, bucket_pages_retained_after_exit)
{
	struct kmcase c;
	char *t = dups_to(1999, "");
	char *t2 = dups_to(1999, "3000 1 exit\n");

	kmcase_run(&c, "panic-only", "i386-64M", NULL, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_kmem_map.vm_used, 13);
	kmcase_free(&c);
	kmcase_run(&c, "panic-only", "i386-64M", NULL, t2);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_kmem_map.vm_used, 9);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_memuse, 0);
	cr_expect_eq(c.m->m_kmem.kmembuckets[13].kb_pages, 2);
	cr_expect_eq(c.m->m_kmem.kmembuckets[8].kb_pages, 1);
	kmcase_free(&c);
	free(t);
	free(t2);
}

/*
 * fork copies the table (fdcopy).  The parent holds fds 0..99: its
 * table grew 20 -> 50 -> 100 slots, fd_lastfile 99 >= NDFILE, so the
 * child's table starts at 100 and halves while it is >= 2*NDEXTENT
 * (100) and > 2*99 = 198: 100 > 198 fails at once, so 100 slots, 500
 * bytes, bucket 512.
 *   M_FILEDESC calls: parent 1 + 2 (50, 100), child 1 (filedesc0) + 1
 *   memuse: parent 128 + 512, child 128 + 512 = 1280
 * No new struct file: 4 files (0, 1, 2 and 3; dups share 3).
 */
Test(descrip, fork_copies_table)
{
	struct kmcase c;
	char *t = dups_to(99, "200 1 fork 2\n");

	kmcase_run(&c, "panic-only", "i386-64M", NULL, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_calls, 5);
	cr_expect_eq(kmcase_type(&c, "M_FILEDESC")->ks_memuse, 1280);
	cr_expect_eq(kmcase_proc(&c, 2)->rp_kp.p_fd.fd_nfiles, 100);
	cr_expect_eq(kmcase_proc(&c, 2)->rp_max_fds, 100);
	cr_expect_eq(c.m->m_nfiles, 4);
	cr_expect_eq(kmcase_pool(&c, "filepl")->pr_nget, 4);
	kmcase_free(&c);
	free(t);
}

/*
 * The child's table halves: the parent grew to 800 slots (fds up to
 * 799) and closed everything above 100, so fd_lastfile is 100; 800 >=
 * 100 and 800 > 200 -> 400; 400 > 200 -> 200; 200 > 200 fails: 200
 * slots, 1000 bytes.  A parent with only 0..2 open (lastfile 2 <
 * NDFILE) gives the child the embedded 20 slots and no table malloc.
 */
Test(descrip, fork_halves_table)
{
	struct kmcase c;
	char extra[64 * 800], *t;
	size_t len = 0;
	int fd;

	for (fd = 101; fd <= 799; fd++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len,
		    "1000 1 close %d\n", fd);
	snprintf(extra + len, sizeof(extra) - len, "2000 1 fork 2\n"
	    "2001 2 close 3\n2002 3 spawn\n2003 3 fork 4\n");
	t = dups_to(799, extra);
	kmcase_run(&c, "panic-only", "i386-64M", NULL, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_kp.p_fd.fd_nfiles, 800);
	cr_expect_eq(kmcase_proc(&c, 2)->rp_kp.p_fd.fd_nfiles, 200);
	cr_expect_eq(kmcase_proc(&c, 4)->rp_kp.p_fd.fd_nfiles, NDFILE);
	/* The child's close of 3 leaves the parent's file alone. */
	cr_expect_eq(kmcase_pool(&c, "filepl")->pr_nput, 0);
	kmcase_free(&c);
	free(t);
}

/*
 * RLIMIT_NOFILE: a spawned process has the soft limit OPEN_MAX = 64, so
 * fd 64 is EMFILE; the table grew 20 -> 50 (fd 20) and, when fd 50 was
 * wanted with 50 < 64 slots, to 100: growth does not stop at the limit.
 */
Test(descrip, emfile_at_nofile)
{
	struct kmcase c;
	char t[8192];
	size_t len;
	int fd;

	len = (size_t)snprintf(t, sizeof(t), "kmtrace 1\n0 1 spawn\n");
	for (fd = 3; fd <= 64; fd++)
		len += (size_t)snprintf(t + len, sizeof(t) - len,
		    "%d 1 open %d\n", fd, fd);
	/* The close of the refused 64 is skipped, not EBADF. */
	snprintf(t + len, sizeof(t) - len, "100 1 close 64\n");
	kmcase_run(&c, "panic-only", "i386-64M", NULL, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_errors[KE_EMFILE], 1);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_errors[KE_EBADF], 0);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_max_fds, 64);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_kp.p_fd.fd_nfiles, 100);
	cr_expect_eq(c.r.r_skipped, 1);
	kmcase_free(&c);
}

/*
 * kern.maxfiles 8 counts struct files system-wide: two spawns take 6,
 * two opens take 8, and the next open gets its descriptor (5 < the limit
 * min(64, 8) = 8) but then ENFILE, as falloc checks after fdalloc.
 */
Test(descrip, enfile_at_maxfiles)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    "kmtrace 1\n0 1 spawn\n1 2 spawn\n2 1 sysctl maxfiles 8\n"
	    "3 1 open 3\n4 1 open 4\n5 1 open 5\n6 2 dup 0 9\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_errors[KE_ENFILE], 1);
	/* A dup makes no file, but fd 9 >= min(64, 8): EMFILE. */
	cr_expect_eq(kmcase_proc(&c, 2)->rp_errors[KE_EMFILE], 1);
	cr_expect_eq(c.m->m_nfiles, 8);
	kmcase_free(&c);
}
