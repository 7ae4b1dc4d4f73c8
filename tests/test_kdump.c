/*
 * test_kdump.c: Criterion tests of the NetBSD kdump importer
 * (workloads/kdump.c and "kmbench import kdump"): the CALL/RET pairs of
 * each mapped system call, timestamps (none, -T, -R), the records that
 * make no events (NAMI, EMUL, GIO and its data lines, PSIG), fork
 * children seen before their parent's RET, failed and restarted calls,
 * kdump -d and newer kdump's two-value RET, and malformed logs.
 *
 * The logs are written by hand in the format of kdump.c 1.25 (NetBSD
 * 1.5): "%6d %-8.*s " PID and command, "%ld.%06ld " with -T or -R, the
 * type ("CALL", "RET ", ...) and two blanks; CALL arguments "%#lx"
 * (hex, 0 as "0") unless -d; RET "%ld" and "/%#lx" past 9, or
 * "-1 errno N message".  Expected traces are derived by hand.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "../runner/cmd_import.h"
#include "../workloads/kdump.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

#define ERRSZ	1024

TestSuite(kdump);

/* Import kdump log LOG into a new temporary TRACE; the status. */
static int
import_file(const char *log, char *trace, size_t tracelen, char *err)
{

	kmtest_write(trace, tracelen, ".kmt", "");
	return import_log("kdump", log, trace, err, ERRSZ);
}

static char *
import_ok(const char *text, int withtime)
{
	char log[256], trace[256], err[ERRSZ], *out;

	kmtest_write(log, sizeof(log), ".txt", text);
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 0,
	    "import: %s", err);
	out = kmtest_trace_text(trace, withtime);
	kmtest_replays(trace);
	unlink(log);
	unlink(trace);
	return out;
}

static const char *
header(const char *path, const char *key, char *buf, size_t len)
{
	struct kmt_reader *r;
	const char *v;
	char err[ERRSZ];

	r = kmt_open(path, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	v = kmt_header(r, key);
	snprintf(buf, len, "%s", v != NULL ? v : "(none)");
	kmt_close(r);
	return buf;
}

/*
 * The program's path is one argument of "@ command", quoted as kmbench
 * record quotes one a shell would split (docs/recording.md): a NAMI of
 * "/opt/my tools/it's" is '/opt/my tools/it'\''s'.
 */
Test(kdump, command_header_quoted)
{
	char log[256], trace[256], err[ERRSZ], buf[128];

	kmtest_write(log, sizeof(log), ".txt",
	    "   412 ktrace   CALL  execve(0xbfbfdc1c,0xbfbfdcf8,0xbfbfdd00)\n"
	    "   412 ktrace   NAMI  \"/opt/my tools/it's\"\n"
	    "   412 it's     RET   execve 0\n");
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 0, "%s",
	    err);
	cr_expect_str_eq(header(trace, "command", buf, sizeof(buf)),
	    "'/opt/my tools/it'\\''s'");
	unlink(log);
	unlink(trace);
}

/*
 * tests/data/kdump/basic.txt: ktrace -i sh, no timestamps (time = line
 * order * 1000 ns, line 1 at 0).  By hand:
 *   line 1  412 RET ktrace: 412 first seen, no fork running: spawn  0
 *   5   RET execve 0 (after NAMI "/bin/sh", EMUL): exec            4000
 *   8   RET open 3: open 3                                         7000
 *   10  fcntl(3, F_DUPFD=0, 10) RET 10: dup 3 10                   9000
 *   12  close(3) RET 0: close 3                                    11000
 *   15  open fails (-1 errno 2): nothing
 *   17  pipe RET 3 (1.5 shows the first only): open 3, and the
 *       lowest free other than 3 (0-2, 3 and 10 open): open 4      16000
 *   19  break(0x80d4000): heap from the page below: map 1, touch  18000
 *   21  break(0x80d6000): 3 pages: grow heap 3                    20000
 *   23  413 RET fork 0 while 412 is in fork: 412 fork 413          22000
 *   25  413 close(3)                                               24000
 *   26  412 RET fork 413: already met, nothing
 *   30  413 RET execve 0: exec                                     29000
 *   32  mmap(0, 0x8000, RW, ANON|PRIVATE) = 0x40059000: map 8,
 *       touch                                                      31000
 *   34  munmap(0x4005b000, 0x2000): pages 2-3: unmap ... 2 2       33000
 *   36-39 GIO and its two data lines, RET write: nothing
 *   40  413 CALL exit: exit                                        39000
 *   41-43 PSIG, wait4: nothing; 44 412 CALL exit: exit             43000
 */
Test(kdump, basic)
{
	char log[512], trace[256], err[ERRSZ], buf[128], *got;

	snprintf(log, sizeof(log), "%s/kdump/basic.txt", kmtest_data());
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 0, "%s",
	    err);
	got = kmtest_trace_text(trace, 1);
	cr_expect_str_eq(got,
	    "0 412 spawn\n"
	    "4000 412 exec\n"
	    "7000 412 open 3\n"
	    "9000 412 dup 3 10\n"
	    "11000 412 close 3\n"
	    "16000 412 open 3\n"
	    "16000 412 open 4\n"
	    "18000 412 map heap 1\n"
	    "18000 412 touch heap\n"
	    "20000 412 grow heap 3\n"
	    "22000 412 fork 413\n"
	    "24000 413 close 3\n"
	    "29000 413 exec\n"
	    "31000 413 map m40059000 8\n"
	    "31000 413 touch m40059000\n"
	    "33000 413 unmap m40059000 2 2\n"
	    "39000 413 exit\n"
	    "43000 412 exit\n");
	cr_expect_str_eq(header(trace, "source", buf, sizeof(buf)), "kdump");
	/* The first successful execve's NAMI. */
	cr_expect_str_eq(header(trace, "command", buf, sizeof(buf)),
	    "/bin/sh");
	kmtest_replays(trace);
	free(got);
	unlink(trace);
}

/*
 * tests/data/kdump/timed.txt: kdump -T (seconds since the epoch), an
 * accept server that hands a connection to a vfork child.  Times are
 * from the first timestamp, 1008000000.100000.
 *   RET open 3 at .100020            -> open 3       20000
 *   socket 4, accept 5, dup(5) = 6, dup2(6, 0) = 0
 *   CALL __vfork14; 501 RET fork 0 (the child says "fork" in 1.5)
 *                                    -> 500 fork 501 260100000
 *   501 exec; mmap(0x20000000, 0x4000, RW, ANON|FIXED|PRIVATE)
 *   -> map m20000000 4, touch; exit(1)
 *   500 RET __vfork14 501: already met; close(5)
 */
Test(kdump, absolute_timestamps)
{
	char log[512], trace[256], err[ERRSZ], buf[128], *got;

	snprintf(log, sizeof(log), "%s/kdump/timed.txt", kmtest_data());
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 0, "%s",
	    err);
	got = kmtest_trace_text(trace, 1);
	cr_expect_str_eq(got,
	    "0 500 spawn\n"
	    "20000 500 open 3\n"
	    "550000 500 open 4\n"
	    "250000000 500 open 5\n"
	    "250120000 500 dup 5 6\n"
	    "250220000 500 dup 6 0\n"
	    "260100000 500 fork 501\n"
	    "261000000 501 exec\n"
	    "262100000 501 map m20000000 4\n"
	    "262100000 501 touch m20000000\n"
	    "263000000 501 exit\n"
	    "300010000 500 close 5\n");
	/* -T: the first time dates the recording. */
	cr_expect_str_eq(header(trace, "recorded", buf, sizeof(buf)),
	    "2001-12-10T16:00:00Z");
	cr_expect_str_eq(header(trace, "command", buf, sizeof(buf)),
	    "/usr/libexec/handler");
	kmtest_replays(trace);
	free(got);
	unlink(trace);
}

/*
 * kdump -R: each time is the gap since the record before; 1.5's kdump
 * prints the first against 0, so it is a date.  0, then 30 us, 100 us
 * and 10 us later: events at 30000 and 140000.
 */
Test(kdump, relative_timestamps)
{
	char *got;

	got = import_ok(
	    "   600 a.out    1008000000.000000 CALL  open(0x8049a60,0,0)\n"
	    "   600 a.out    0.000030 RET   open 3\n"
	    "   600 a.out    0.000100 CALL  close(0x3)\n"
	    "   600 a.out    0.000010 RET   close 0\n", 1);
	cr_expect_str_eq(got,
	    "0 600 spawn\n"
	    "30000 600 open 3\n"
	    "140000 600 close 3\n");
	free(got);
}

/*
 * kdump -d (decimal arguments) and a newer kdump that prints the second
 * return value ("RET pipe 5, 6"); socketpair's descriptors are not in
 * the log: the two lowest free.  The LID column of newer kdumps is
 * taken as part of the command.
 */
Test(kdump, decimal_and_two_values)
{
	char *got;

	got = import_ok(
	    "   700      1 sh       CALL  pipe\n"
	    "   700      1 sh       RET   pipe 5, 6\n"
	    "   700      1 sh       CALL  fcntl(5,0,20)\n"
	    "   700      1 sh       RET   fcntl 20/0x14\n"
	    "   700      1 sh       CALL  socketpair(1,1,0,-1077941436)\n"
	    "   700      1 sh       RET   socketpair 0\n"
	    "   700      1 sh       CALL  dup2(20,-1)\n"
	    "   700      1 sh       RET   dup2 -1 errno 9 Bad file "
	    "descriptor\n", 0);
	cr_expect_str_eq(got,
	    "700 spawn\n"
	    "700 open 5\n"
	    "700 open 6\n"
	    "700 dup 5 20\n"
	    "700 open 3\n"
	    "700 open 4\n");
	free(got);
}

/*
 * Failed calls (-1 errno), a restarted call (RESTART: its CALL comes
 * again), a RET without its CALL (the log began in the call), a
 * private read-only file mapping (not modelled), a shared anonymous
 * one (modelled, without touch: read-only), munmap of the anonymous.
 */
Test(kdump, failures_and_mappings)
{
	char *got;

	got = import_ok(
	    "    40 prog     RET   read 12/0xc\n"
	    "    40 prog     CALL  open(0x804a000,0,0)\n"
	    "    40 prog     RET   open -1 errno 24 Too many open files\n"
	    "    40 prog     CALL  accept(0x3,0,0)\n"
	    "    40 prog     RET   accept RESTART\n"
	    "    40 prog     PSIG  SIGALRM caught handler=0x8048f00 "
	    "mask=() code=0x0\n"
	    "    40 prog     CALL  accept(0x3,0,0)\n"
	    "    40 prog     RET   accept 7\n"
	    "    40 prog     CALL  mmap(0,0x2000,0x1,0x2,0x7,0,0,0)\n"
	    "    40 prog     RET   mmap 1073741824/0x40000000\n"
	    "    40 prog     CALL  mmap(0,0x2000,0x1,0x1001,0xffffffff,0,"
	    "0,0)\n"
	    "    40 prog     RET   mmap 1073750016/0x40002000\n"
	    "    40 prog     CALL  munmap(0x40000000,0x4000)\n"
	    "    40 prog     RET   munmap 0\n"
	    "    40 prog     CALL  break(0x8060000)\n"
	    "    40 prog     RET   break -1 errno 12 Cannot allocate "
	    "memory\n", 0);
	cr_expect_str_eq(got,
	    "40 spawn\n"
	    "40 open 7\n"
	    "40 map m40002000 2\n"
	    "40 unmap m40002000\n");
	free(got);
}

/*
 * A fork child's records before its parent's RET: the child is the
 * fork of the process inside fork.  A second fork whose child shows
 * up only after the parent's RET.  The parent's RET names the child
 * of the first; the second child is made at the RET.
 */
Test(kdump, fork_children)
{
	char *got;

	got = import_ok(
	    "    50 sh       CALL  open(0x8050000,0,0)\n"
	    "    50 sh       RET   open 3\n"
	    "    50 sh       CALL  fork\n"
	    "    51 sh       RET   fork 0\n"
	    "    51 sh       CALL  close(0x3)\n"
	    "    51 sh       RET   close 0\n"
	    "    50 sh       RET   fork 51/0x33\n"
	    "    50 sh       CALL  fork\n"
	    "    50 sh       RET   fork 52/0x34\n"
	    "    52 sh       RET   fork 0\n"
	    "    52 sh       CALL  exit(0)\n"
	    "    51 sh       CALL  exit(0x2)\n", 0);
	cr_expect_str_eq(got,
	    "50 spawn\n"
	    "50 open 3\n"
	    "50 fork 51\n"
	    "51 close 3\n"
	    "50 fork 52\n"
	    "52 exit\n"
	    "51 exit\n");
	free(got);
}

/* A line that is not kdump output: "FILE:LINE: ...", status 2. */
Test(kdump, malformed_line)
{
	struct stat st;
	char log[256], trace[256], err[ERRSZ], want[600];
	char *argv[] = { "import", "kdump", log, "-o", trace, NULL };

	kmtest_write(log, sizeof(log), ".txt",
	    "    60 cat      CALL  open(0x804a000,0,0)\n"
	    "    60 cat      RET   open 3\n"
	    "garbage where a record should be\n");
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 2);
	snprintf(want, sizeof(want), "%s:3: not kdump output: 'garbage where "
	    "a record should be'", log);
	cr_expect_str_eq(err, want);
	/* The output keeps what it had (empty), nothing of the trace. */
	cr_expect(stat(trace, &st) == 0 && st.st_size == 0, "the partial trace was written");
	kmtest_write(trace, sizeof(trace), ".kmt", "");
	cr_expect_eq(cmd_import(5, argv), 2);
	unlink(log);
	unlink(trace);
}

/* A CALL whose argument list is cut, a RET without a value. */
Test(kdump, malformed_records)
{
	char log[256], trace[256], err[ERRSZ], want[600];

	kmtest_write(log, sizeof(log), ".txt",
	    "    60 cat      CALL  open(0x804a000,0\n");
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 2);
	snprintf(want, sizeof(want), "%s:1: CALL with a broken argument "
	    "list: 'open(0x804a000,0'", log);
	cr_expect_str_eq(err, want);
	unlink(log);
	kmtest_write(log, sizeof(log), ".txt",
	    "    60 cat      CALL  open(0x804a000,0,0)\n"
	    "    60 cat      RET   open\n");
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 2);
	snprintf(want, sizeof(want), "%s:2: RET without a name and a value: "
	    "'open'", log);
	cr_expect_str_eq(err, want);
	unlink(log);
	/* A data line with no GIO before it. */
	kmtest_write(log, sizeof(log), ".txt",
	    "    60 cat      CALL  close(0x1)\n"
	    "       \"hello\"\n");
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 2);
	snprintf(want, sizeof(want), "%s:2: not kdump output: '\"hello\"'",
	    log);
	cr_expect_str_eq(err, want);
	unlink(log);
	unlink(trace);
}

/* Through the kmbench binary: malformed, one line and status 2. */
Test(kdump, command_line)
{
	char log[256], args[700], want[600], *out, *errs;

	kmtest_write(log, sizeof(log), ".txt",
	    "    70 ls       CALL  close(0x1)\n"
	    "    70 ls       RET   close 0\n"
	    "    70 ls       BOGUS stuff\n");
	snprintf(args, sizeof(args), "import kdump %s -o /dev/null", log);
	cr_expect_eq(kmtest_cmd(args, &out, &errs), 2);
	snprintf(want, sizeof(want), "%s:3: not kdump output (no CALL, RET, "
	    "NAMI... record): '70 ls       BOGUS stuff'\n", log);
	cr_expect_str_eq(errs, want);
	free(out);
	free(errs);
	snprintf(args, sizeof(args), "import kdump %s/kdump/basic.txt",
	    kmtest_data());
	cr_expect_eq(kmtest_cmd(args, &out, &errs), 0, "%s", errs);
	cr_expect(strncmp(out, "kmtrace 2\n@ source kdump\n@ command /bin/sh\n",
	    43) == 0, "%s", out);
	free(out);
	free(errs);
	unlink(log);
}

/*
 * kdump keeps each process's CALL until its RET: at most IMP_PEND_MAX
 * (4096) at once.  The CALL of the 4097th process (line 4097) stops
 * the import with "too many unfinished calls", status 2.  Before, 200
 * pending CALLs of 10 MB took 1.97 GB.
 */
Test(kdump, too_many_pending_calls)
{
	char log[256], trace[256], err[ERRSZ], want[600];
	FILE *f;
	int i, rc;

	kmtest_write(log, sizeof(log), ".txt", "");
	f = fopen(log, "w");
	cr_assert_not_null(f);
	for (i = 1; i <= 4097; i++)
		fprintf(f, "%6d sh       CALL  close(0x3)\n", i + 100);
	cr_assert_eq(fclose(f), 0);
	kmtest_write(trace, sizeof(trace), ".kmt", "");
	rc = import_log("kdump", log, trace, err, ERRSZ);
	cr_expect_eq(rc, 2, "%s", err);
	snprintf(want, sizeof(want), "%s:4097: too many unfinished calls",
	    log);
	cr_expect_str_eq(err, want);
	unlink(log);
	unlink(trace);
}

/* The two-record log "CALL CALLTEXT" and "RET RETTEXT" of PID 412. */
static int
import_pair(const char *call, const char *ret, char *err)
{
	char log[256], trace[256], text[1024];
	int rc;

	snprintf(text, sizeof(text), "   412 sh       CALL  %s\n"
	    "   412 sh       RET   %s\n", call, ret);
	kmtest_write(log, sizeof(log), ".txt", text);
	rc = import_file(log, trace, sizeof(trace), err);
	unlink(log);
	unlink(trace);
	return rc;
}

/*
 * Issue #19, item 2, for kdump: numbers the trace cannot hold were
 * wrapped as in import strace ("RET open 4294967299" became open 3).
 * Descriptors and PIDs past 2^31 - 1, and any number past 64 bits, are
 * now "LOG:2: ... out of range", status 2.
 */
Test(kdump, numbers_out_of_range)
{
	static const char *const bad[][3] = {
		{ "open(0x80b4120,0,0)", "open 4294967299",
		    "RET value out of range" },
		{ "open(0x80b4120,0,0)", "open 99999999999999999999999",
		    "RET value out of range" },
		{ "dup2(0x100000003,0x4)", "dup2 4",
		    "CALL descriptor out of range" },
		{ "close(0x100000003)", "close 0",
		    "CALL descriptor out of range" },
		{ "fork", "fork 4294967299", "RET value out of range" },
		{ "mmap(0,0x100000000000000000,0x3,0x1002,0xffffffff,0,0)",
		    "mmap 1073741824/0x40000000",
		    "CALL argument out of range" },
		{ NULL, NULL, NULL }
	};
	char err[ERRSZ];
	int i, rc;

	for (i = 0; bad[i][0] != NULL; i++) {
		rc = import_pair(bad[i][0], bad[i][1], err);
		cr_expect_eq(rc, 2, "%s / %s: status %d", bad[i][0], bad[i][1],
		    rc);
		cr_expect(strstr(err, ":2: ") != NULL && strstr(err,
		    bad[i][2]) != NULL, "%s / %s: no '%s' in %s", bad[i][0],
		    bad[i][1], bad[i][2], err);
	}
	/* A PID past 2^31 - 1. */
	{
		char log[256], trace[256];

		kmtest_write(log, sizeof(log), ".txt", "4294967299 sh CALL "
		    "close(0x3)\n");
		cr_expect_eq(import_file(log, trace, sizeof(trace), err), 2);
		cr_expect(strstr(err, ":1: PID out of range") != NULL, "%s",
		    err);
		unlink(log);
		unlink(trace);
	}
	/* The largest descriptor the trace holds goes through. */
	cr_expect_eq(import_pair("open(0x80b4120,0,0)", "open 2147483647",
	    err), 0, "%s", err);
}

/*
 * Issue #19, item 3, for kdump: each new PID walked every task for a
 * pending fork.  300000 PIDs, each with one open, every 1000th also in
 * an unreturned fork: linear, about a second; the 60 s timeout is the
 * bound a quadratic import cannot meet.  Every PID is born once.
 */
Test(kdump, import_linear_in_pids, .timeout = 60)
{
	char log[256], trace[256], err[ERRSZ];
	struct kmt_reader *r;
	struct kmt_event ev;
	uint64_t opens = 0, born = 0;
	FILE *f;
	int i;

	kmtest_write(log, sizeof(log), ".txt", "");
	f = fopen(log, "w");
	cr_assert(f != NULL);
	for (i = 1; i <= 300000; i++) {
		fprintf(f, "%7d sh       CALL  open(0x80b4120,0,0)\n"
		    "%7d sh       RET   open 3\n", i, i);
		if (i % 1000 == 0)
			fprintf(f, "%7d sh       CALL  fork\n", i);
	}
	cr_assert(fclose(f) == 0);
	cr_assert_eq(import_file(log, trace, sizeof(trace), err), 0, "%s",
	    err);
	r = kmt_open(trace, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	while (kmt_read(r, &ev, err, sizeof(err)) == 1) {
		opens += ev.ke_op == KMT_OPEN;
		born += ev.ke_op == KMT_SPAWN || ev.ke_op == KMT_FORK;
	}
	cr_expect_eq(opens, 300000);
	cr_expect_eq(born, 300000);
	kmt_close(r);
	unlink(log);
	unlink(trace);
}
