/*
 * test_replay.c: how the replayer treats refusals, sleeps and panics
 * (trace-format.md, "When the kernel says no").
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernel/machine.h"
#include "kmtest.h"

/*
 * With KMEMSTATS on, i386-64M's per-type limit is 60% of 16 MiB =
 * 10066329 bytes.  Two 6000000-byte mallocs are page-rounded to 1465
 * pages = 6000640 bytes each; the second is allowed at 6000640 < limit
 * and overshoots to 12001280.  Then any M_TEMP M_WAITOK malloc sleeps:
 * nothing frees M_TEMP, so process 1 is hung and its next event is
 * skipped.  limblocks counts the one block.
 */
#define LIMIT_TRACE "kmtrace 1\n0 1 spawn\n" \
	"1 1 kmalloc a 6000000 M_TEMP WAITOK\n2 2 spawn\n" \
	"3 2 kmalloc b 6000000 M_TEMP WAITOK\n" \
	"4 1 kmalloc c 100 M_TEMP WAITOK\n5 1 close 0\n"

Test(replay, type_limit_hangs)
{
	struct kmcase c;
	const char *on[] = { "kmemstats=on", NULL };

	kmcase_run(&c, "panic-only", "i386-64M", on, LIMIT_TRACE);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_not(c.r.r_panicked);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_state, RS_ASLEEP);
	cr_expect_str_eq(kmcase_proc(&c, 1)->rp_kp.p_wmesg, "M_TEMP");
	cr_expect_eq(kmcase_proc(&c, 1)->rp_skipped, 1);
	cr_expect_eq(kmcase_type(&c, "M_TEMP")->ks_limblocks, 1);
	cr_expect_eq(kmcase_type(&c, "M_TEMP")->ks_memuse, 12001280);
	kmcase_free(&c);
}

/*
 * The same without KMEMSTATS: nothing sleeps (2930 pages fit in 4096).
 */
Test(replay, no_limit_without_kmemstats)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL, LIMIT_TRACE);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_state, RS_RUNNING);
	cr_expect_eq(kmcase_type(&c, "M_TEMP")->ks_limblocks, 0);
	kmcase_free(&c);
}

/*
 * When process 2 frees b, M_TEMP drops to 6000640 < limit and the
 * sleeper's malloc runs again and succeeds (100 bytes, bucket 128): it
 * is running again, its "close 0" (event 6) was lost while it slept,
 * and its next close (event 8) is replayed.
 */
Test(replay, free_wakes_sleeper)
{
	struct kmcase c;
	const char *on[] = { "kmemstats=on", NULL };

	kmcase_run(&c, "panic-only", "i386-64M", on, LIMIT_TRACE
	    "6 2 kfree b\n7 1 close 1\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_state, RS_RUNNING);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_sleeps, 1);
	cr_expect_eq(kmcase_type(&c, "M_TEMP")->ks_calls, 3);
	cr_expect_eq(kmcase_type(&c, "M_TEMP")->ks_memuse, 6000640 + 128);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_kp.p_fd.fd_nopen, 2);
	kmcase_free(&c);
}

/* Interrupt context cannot sleep: the limit there is a panic. */
Test(replay, interrupt_sleep_panics)
{
	struct kmcase c;
	const char *on[] = { "kmemstats=on", NULL };

	kmcase_run(&c, "panic-only", "i386-64M", on,
	    "kmtrace 1\n0 0 kmalloc a 11000000 M_MBUF NOWAIT\n"
	    "1 0 kmalloc b 100 M_MBUF NOWAIT\n"
	    "2 0 kmalloc c 100 M_MBUF WAITOK\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	/* 11000000 bytes: 2686 pages, allowed (memuse 0 < limit). */
	cr_expect_eq(kmcase_type(&c, "M_MBUF")->ks_fails, 1);
	cr_expect(c.r.r_panicked);
	cr_expect_eq(c.r.r_panic_event, 3);
	cr_expect(strstr(c.m->m_panicstr, "interrupt") != NULL, "%s",
	    c.m->m_panicstr);
	kmcase_free(&c);
}

/*
 * maxusers 1 gives maxproc 20 + 16 = 36.  Process 1 and 35 children
 * make 36; the 36th fork is EAGAIN, its child never exists, and the
 * child's event is skipped (not malformed).
 */
Test(replay, refused_fork_child_skipped)
{
	struct kmcase c;
	const char *one[] = { "maxusers=1", NULL };
	char t[4096];
	size_t len;
	int pid;

	len = (size_t)snprintf(t, sizeof(t), "kmtrace 1\n0 1 spawn\n");
	for (pid = 2; pid <= 37; pid++)
		len += (size_t)snprintf(t + len, sizeof(t) - len,
		    "%d 1 fork %d\n", pid, pid);
	snprintf(t + len, sizeof(t) - len, "100 37 open 3\n101 37 exit\n");
	kmcase_run(&c, "panic-only", "i386-64M", one, t);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.m->m_maxproc, 36);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_errors[KE_EAGAIN], 1);
	cr_expect_eq(kmcase_proc(&c, 37)->rp_state, RS_NEVER);
	cr_expect_eq(kmcase_proc(&c, 37)->rp_skipped, 2);
	kmcase_free(&c);
}

/*
 * A refused M_NOWAIT kmalloc (20000000 bytes = 4883 pages > 4096)
 * counts ENOMEM; its kfree names something that never existed and is
 * skipped.  A panic ends the replay: the events after it are not read.
 */
Test(replay, refusals_and_panic_end)
{
	struct kmcase c;

	kmcase_run(&c, "panic-only", "i386-64M", NULL,
	    "kmtrace 1\n0 0 kmalloc a 20000000 M_TEMP NOWAIT\n"
	    "1 0 kfree a\n2 0 kmalloc b 20000000 M_TEMP WAITOK\n"
	    "3 0 kmalloc c 16 M_TEMP NOWAIT\n");
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.r.r_errors[KE_ENOMEM], 1);
	cr_expect_eq(c.r.r_skipped, 1);
	cr_expect(c.r.r_panicked);
	cr_expect_eq(c.r.r_panic_event, 3);
	cr_expect_eq(c.r.r_events, 3);
	kmcase_free(&c);
}

/*
 * --parse-only reads and checks without simulating: a 3-event trace
 * reports 3 events and exits 0; an unknown op is still an error (2).
 */
Test(replay, parse_only)
{
	char path[256], args[512], *out, *err;

	kmtest_write(path, sizeof(path), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 open 3\n2 1 close 3\n");
	snprintf(args, sizeof(args), "run --parse-only --json %s", path);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "\"events\":3,") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(path);
	kmtest_write(path, sizeof(path), ".kmt", "kmtrace 1\n0 1 spoon\n");
	snprintf(args, sizeof(args), "run --parse-only %s", path);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	cr_expect(strstr(err, ":2: event 1: unknown op") != NULL, "%s", err);
	free(out);
	free(err);
	unlink(path);
}

/*
 * --check verifies the invariants after every event: a trace that
 * exercises descriptors, fork, amaps and kmallocs passes them all under
 * every strategy (exit 0).
 */
Test(replay, check_every_event)
{
	static const char *const names[] = {
		"panic-only", "canfail", "nointr", "fdlimit"
	};
	char path[256], args[512], *out, *err;
	size_t i;

	kmtest_write(path, sizeof(path), ".kmt", "kmtrace 1\n0 1 spawn\n"
	    "1 1 open 3\n2 1 dup 3 70\n3 1 map h 300\n4 1 touch h\n"
	    "5 1 fork 2\n6 2 touch h 20 4\n7 2 unmap h 5 10\n"
	    "8 0 kmalloc x 9000 M_TEMP NOWAIT\n9 1 grow h 320\n10 2 exit\n"
	    "11 0 kfree x\n12 1 close 70\n");
	for (i = 0; i < 4; i++) {
		snprintf(args, sizeof(args), "run --check --brief --strategy "
		    "%s --machine i386-16M %s", names[i], path);
		cr_expect_eq(kmtest_cmd(args, &out, &err), 0, "%s: %s",
		    names[i], err);
		free(out);
		free(err);
	}
	unlink(path);
}

/*
 * A malloc type may be as long as any token, 63 characters.  Two such
 * names that differ only in their last character are two types, and
 * each keeps its one kmemstats entry however often it is named: 300
 * kmallocs, alternating, more than MALLOC_MAXTYPES (256) of them, give
 * 150 calls and 150 blocks in use to each.  (Names were kept to 31
 * characters: each kmalloc of a longer one then registered a new type,
 * and the 257th failed with "more than 256 malloc types".)
 */
Test(replay, longest_type_names)
{
	char a[KMT_TOKEN_MAX + 1], b[KMT_TOKEN_MAX + 1], *trace, *p;
	struct kmcase c;
	size_t i;

	memset(a, 'A', KMT_TOKEN_MAX);
	a[0] = 'M';
	a[1] = '_';
	a[KMT_TOKEN_MAX] = '\0';
	memcpy(b, a, sizeof(b));
	b[KMT_TOKEN_MAX - 1] = 'B';
	trace = malloc(300 * 100 + 64);
	cr_assert_not_null(trace);
	p = trace + sprintf(trace, "kmtrace 1\n");
	for (i = 0; i < 300; i++)
		p += sprintf(p, "%zu 0 kmalloc k%zu 16 %s NOWAIT\n", i, i,
		    i % 2 ? b : a);
	kmcase_run(&c, "panic-only", "i386-64M", NULL, trace);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(kmcase_type(&c, a)->ks_calls, 150);
	cr_expect_eq(kmcase_type(&c, a)->ks_inuse, 150);
	cr_expect_eq(kmcase_type(&c, b)->ks_calls, 150);
	cr_expect_eq(kmcase_type(&c, b)->ks_inuse, 150);
	kmcase_free(&c);
	free(trace);
}

/*
 * A respawned PID whose predecessor hung (issue 22, item 9).  Process 1
 * sleeps on M_TEMP's limit as in LIMIT_TRACE, and its exit is skipped:
 * it is hung for good and holds its PID and its kernel memory.  The
 * spawn of PID 1 that follows is refused with EAGAIN, as fork1() never
 * hands out a PID in use, and the newcomer's events are skipped; so is
 * process 2's fork of a child PID 1.  At the end the kernel holds two
 * processes, 1 (hung) and 2 (running), both replay records.  Before,
 * the record was reused: the hung process vanished from the report
 * (hung 0), the kernel held 3 processes for 2 records, and the lost
 * one's struct proc, u-area and vmspace leaked.
 */
#define RESPAWN_TRACE LIMIT_TRACE \
	"6 1 exit\n7 1 spawn\n8 1 open 3\n9 1 exit\n10 2 fork 1\n" \
	"11 1 close 0\n"

Test(replay, respawn_of_hung_pid_is_refused)
{
	struct kmcase c;
	const char *on[] = { "kmemstats=on", NULL };
	struct rproc *p1;

	kmcase_run(&c, "panic-only", "i386-64M", on, RESPAWN_TRACE);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	p1 = kmcase_proc(&c, 1);
	cr_expect_eq(p1->rp_state, RS_ASLEEP, "PID 1 is still hung");
	cr_expect_str_eq(p1->rp_kp.p_wmesg, "M_TEMP");
	cr_expect(p1->rp_kalive, "and holds its kernel memory");
	/* The spawn at 7, counted against PID 1 and the replay. */
	cr_expect_eq(p1->rp_errors[KE_EAGAIN], 1);
	/* The fork at 10, counted against PID 2. */
	cr_expect_eq(kmcase_proc(&c, 2)->rp_errors[KE_EAGAIN], 1);
	cr_expect_eq(c.r.r_errors[KE_EAGAIN], 2);
	/* Skipped: "close 0" at 5, "exit" at 6, the open at 8, the exit at
	 * 9 and the close at 11 (1 skipped before the respawn, 4 after). */
	cr_expect_eq(p1->rp_skipped, 5);
	cr_expect_eq(c.m->m_nprocs, 2);
	cr_expect_eq(c.m->m_uareapages, 2 * UPAGES);
	kmcase_free(&c);
}

/* The same from the command line, with --check's leak check: hung 1. */
Test(replay, respawn_of_hung_pid_checked)
{
	char path[256], args[1024], *out, *err;
	int rc;

	kmtest_write(path, sizeof(path), ".kmt", RESPAWN_TRACE);
	snprintf(args, sizeof(args), "run --check --json --set kmemstats=on "
	    "--strategy panic-only --machine i386-64M %s", path);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect(strstr(out, "\"hung\":1") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(path);
}

/*
 * A trace of PID 1 with descriptors 0 to 1000003 (three from the spawn,
 * open 3, dups 4 to 1000003), then NCHILD forks, each child closing its
 * descriptor 3.  Written to PATH.
 */
static void
write_fork_trace(char *path, size_t len, int nchild)
{
	FILE *f;
	uint64_t t = 0;
	int fd, k;

	kmtest_write(path, len, ".kmt", "");
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "kmtrace 2\n0 1 spawn\n0 1 open 3\n");
	for (fd = 4; fd <= 1000003; fd++)
		fprintf(f, "%" PRIu64 " 1 dup 3 %d\n", ++t, fd);
	for (k = 1; k <= nchild; k++)
		fprintf(f, "%" PRIu64 " 1 fork %d\n%" PRIu64 " %d close 3\n",
		    t + 1, k + 1, t + 2, k + 1), t += 2;
	fprintf(f, "# end %d events\n", 1000002 + 2 * nchild);
	cr_assert_eq(fclose(f), 0);
}

/*
 * The descriptor view is shared copy-on-write between forks and bounded
 * in total (issue 22, item 5).  PID 1's view holds descriptors 0 to
 * 1000003 densely: its direct array doubles from 64 to 2^20 = 1048576
 * slots.  A fork shares it (no slot more); a child's close copies it,
 * 1048576 slots each.  With k copies the views hold (k + 1) * 1048576
 * slots, and the copy that would make it more than REPLAY_MAXFDSLOTS
 * (16777216 = 16 * 1048576) is refused: the 16th child's close, on line
 * 3 + 1000000 + 2 * 16 = 1000035, event 1000034.  Fifteen children
 * replay.  Before, every fork copied the view, whatever its size: 4000
 * forks of such a process took 4.1 GB.
 */
Test(replay, descriptor_views_are_bounded)
{
	struct kmcase c;
	char path[256];

	cr_assert_eq(REPLAY_MAXFDSLOTS, 16 * 1048576);
	write_fork_trace(path, sizeof(path), 15);
	kmcase_runfile(&c, "canfail", "i386-64M", NULL, path);
	cr_expect_eq(c.rc, 0, "%s", c.err);
	cr_expect_eq(c.r.r_fdslots, 16 * 1048576);
	kmcase_free(&c);
	unlink(path);

	write_fork_trace(path, sizeof(path), 16);
	kmcase_runfile(&c, "canfail", "i386-64M", NULL, path);
	cr_expect_eq(c.rc, 2, "%s", c.err);
	cr_expect(strstr(c.err, ":1000035: event 1000034: too many "
	    "descriptors: a replay keeps at most 16777216") != NULL, "%s",
	    c.err);
	kmcase_free(&c);
	unlink(path);
}

/* Forks alone copy nothing: 3000 children of that process. */
Test(replay, fork_shares_the_descriptor_view)
{
	struct kmcase c;
	char path[256];
	FILE *f;
	int k;

	write_fork_trace(path, sizeof(path), 0);
	f = fopen(path, "r+");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, -(long)strlen("# end 1000002 events\n"),
	    SEEK_END), 0);
	for (k = 2; k <= 3001; k++)
		fprintf(f, "2000000 1 fork %d\n", k);
	fprintf(f, "# end %d events\n", 1000002 + 3000);
	cr_assert_eq(fclose(f), 0);
	kmcase_runfile(&c, "canfail", "i386-64M", NULL, path);
	cr_expect_eq(c.rc, 0, "%s", c.err);
	/* One view of 2^20 slots, shared by 3001 processes. */
	cr_expect_eq(c.r.r_fdslots, 1048576);
	cr_expect_eq(kmcase_proc(&c, 3001)->rp_fds,
	    kmcase_proc(&c, 1)->rp_fds);
	cr_expect_eq(kmcase_proc(&c, 1)->rp_fds->fv_refs, 3001);
	kmcase_free(&c);
	unlink(path);
}
