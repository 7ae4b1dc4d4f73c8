/*
 * test_traces.c: every shipped trace of a real program
 * (workloads/traces/) replays under every strategy on i386-64M without
 * a format error, and says how it was recorded.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "../strategies/strategy.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

/* The five recordings make traces makes. */
static const char *const shipped[] = {
	"build", "configure", "git", "http", "sqlite"
};

Test(traces, shipped_traces_replay, .timeout = 300)
{
	char path[1024], err[1024];
	struct kmt_reader *rd;
	struct kmcase c;
	size_t i, k;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		snprintf(path, sizeof(path), "%s/workloads/traces/%s.kmt.zst",
		    kmtest_src(), shipped[i]);
		rd = kmt_open(path, err, sizeof(err));
		cr_assert(rd != NULL, "%s", err);
		cr_expect_str_eq(kmt_header(rd, "source"), "strace", "%s",
		    path);
		cr_expect(kmt_header(rd, "command") != NULL, "%s", path);
		cr_expect(kmt_header(rd, "recorded") != NULL, "%s", path);
		kmt_close(rd);
		for (k = 0; strategies[k] != NULL; k++) {
			kmcase_runfile(&c, strategies[k]->s_name, "i386-64M",
			    NULL, path);
			cr_expect_eq(c.rc, 0, "%s under %s: %s", path,
			    strategies[k]->s_name, c.err);
			cr_expect(c.r.r_events > 100, "%s: %llu events", path,
			    (unsigned long long)c.r.r_events);
			kmcase_free(&c);
		}
	}
}
