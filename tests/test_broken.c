/*
 * test_broken.c: run --check catches a real allocator bug.  make broken
 * builds build/broken/kmbench with KMBENCH_BROKEN_POOL, whose pool_get()
 * hands out every 100th item of a pool without taking it off its page's
 * free list (kernel/subr_pool.c, docs/invariants.md).  Under --check the
 * replay stops at the event of that get, naming the broken invariant;
 * without --check the broken build does not notice; the normal build
 * passes --check on the same trace.  And tools/check-all.sh (make
 * check-traces) reports the violation and fails.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(broken, .timeout = 120);

/* The broken build: make test and make check build it first. */
static const char *
broken_bin(void)
{
	static char path[512];
	const char *v = getenv("KMBENCH_BROKEN");

	if (v != NULL && *v != '\0')
		snprintf(path, sizeof(path), "%s", v);
	else
		snprintf(path, sizeof(path), "%s/build/broken/kmbench",
		    kmtest_src());
	cr_assert(access(path, X_OK) == 0, "%s missing: run make broken",
	    path);
	return path;
}

/* The first LINES lines of file FROM into a new file TO. */
static void
head_lines(const char *from, const char *to, long lines)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	long n = 0;
	int c;

	cr_assert(in != NULL && out != NULL);
	while (n < lines && (c = getc(in)) != EOF) {
		putc(c, out);
		if (c == '\n')
			n++;
	}
	fclose(in);
	cr_assert(fclose(out) == 0);
}

/*
 * The trace of these tests, into a new file TRACE: small maps, whose
 * amap arrays come from nointr's pools, over 100 gets from each.
 */
static void
gen_trace(char *trace, size_t len)
{
	char args[512], *out, *err;
	int fd;

	snprintf(trace, len, "/tmp/kmtest-broken-XXXXXX");
	fd = mkstemp(trace);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(args, sizeof(args), "gen amap-storm --param maps=2000 -o %s",
	    trace);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	free(out);
	free(err);
}

Test(broken, check_catches_pool_bug)
{
	const char *bad = broken_bin();
	char trace[64], cut[80], args[512], *out, *err, *p;
	regmatch_t mt[3];
	regex_t re;
	long line, event;

	gen_trace(trace, sizeof(trace));

	/* The broken build under --check: exit 1, FILE:LINE: event N. */
	snprintf(args, sizeof(args), "run --check --brief --strategy nointr "
	    "--machine i386-64M %s", trace);
	cr_assert_eq(kmtest_cmd_bin(bad, args, &out, &err), 1, "%s", err);
	cr_assert_eq(regcomp(&re, ":([0-9]+): event ([0-9]+): invariant "
	    "broken: pool nointr[0-9]+: page 0x[0-9a-f]+: free list longer "
	    "than [0-9]+ - [0-9]+ = [0-9]+", REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, err, 3, mt, 0), 0, "message: %s", err);
	regfree(&re);
	cr_expect(strncmp(err, trace, strlen(trace)) == 0, "%s", err);
	cr_expect(strchr(err, '\n') == strrchr(err, '\n'), "one line: %s",
	    err);
	line = strtol(err + mt[1].rm_so, &p, 10);
	event = strtol(err + mt[2].rm_so, &p, 10);
	cr_assert(event > 0 && line > event, "line %ld, event %ld", line,
	    event);
	free(out);
	free(err);

	/*
	 * The events before it pass: the checker stops at the first bad.
	 * The cut trace has no end line (kmtrace 2): --allow-truncated.
	 */
	snprintf(cut, sizeof(cut), "%s.cut", trace);
	head_lines(trace, cut, line - 1);
	snprintf(args, sizeof(args), "run --check --allow-truncated --brief "
	    "--strategy nointr --machine i386-64M %s", cut);
	cr_expect_eq(kmtest_cmd_bin(bad, args, &out, &err), 0, "%s", err);
	free(out);
	free(err);
	unlink(cut);

	/* Without --check the broken build notices nothing. */
	snprintf(args, sizeof(args), "run --brief --strategy nointr "
	    "--machine i386-64M %s", trace);
	cr_expect_eq(kmtest_cmd_bin(bad, args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "survived") != NULL, "%s", out);
	free(out);
	free(err);

	/* The normal build passes --check on the same trace. */
	snprintf(args, sizeof(args), "run --check --brief --strategy nointr "
	    "--machine i386-64M %s", trace);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "survived") != NULL, "%s", out);
	free(out);
	free(err);
	unlink(trace);
}

/* Run tools/check-all.sh with BIN on TRACE, nointr, i386-64M. */
static int
check_all(const char *bin, const char *trace, char **out)
{
	char cmd[2048];
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "cd %s && KMBENCH=%s TRACES=%s "
	    "STRATEGIES=nointr MACHINES=i386-64M sh tools/check-all.sh 2>&1",
	    kmtest_src(), bin, trace);
	p = popen(cmd, "r");
	cr_assert(p != NULL);
	*out = kmtest_slurp(p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* make check-traces fails on a violation and counts checked events. */
Test(broken, check_all_reports_violations)
{
	const char *good = getenv("KMBENCH");
	char trace[64], *out;

	gen_trace(trace, sizeof(trace));
	cr_expect_eq(check_all(broken_bin(), trace, &out), 1, "%s", out);
	cr_expect(strstr(out, "VIOLATION nointr i386-64M") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "invariant broken: pool nointr") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "1 of 1 cases, 0 events replayed under "
	    "--check, 1 violations, 0 failed") != NULL, "%s", out);
	free(out);
	cr_assert(good != NULL && *good != '\0');
	cr_expect_eq(check_all(good, trace, &out), 0, "%s", out);
	cr_expect(strstr(out, "ok 5002 nointr i386-64M") != NULL, "%s", out);
	cr_expect(strstr(out, "1 of 1 cases, 5002 events replayed under "
	    "--check, 0 violations, 0 failed") != NULL, "%s", out);
	free(out);
	unlink(trace);
}
