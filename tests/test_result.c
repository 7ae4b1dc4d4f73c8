/*
 * test_result.c: a case's result (result/result.h) and the runner's
 * making of it from a replay and its probes (runner/replay_result.c)
 * (suite "result").
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../result/result.h"
#include "../runner/probe.h"
#include "../runner/replay_result.h"
#include "kmtest.h"

/* The value of figure NAME (asserted to be there, once). */
static double
figure(const struct result *res, const char *name)
{
	size_t i, n = 0;
	double v = 0;

	for (i = 0; i < res->res_nfig; i++)
		if (strcmp(res->res_fig[i].rf_name, name) == 0) {
			v = res->res_fig[i].rf_value;
			n++;
		}
	cr_assert_eq(n, 1, "figure %s %zu times", name, n);
	return v;
}

/* Figures keep their order; a name longer than the row's is cut. */
Test(result, figures_in_order)
{
	struct result res;
	char longname[200];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	result_init(&res);
	cr_assert_eq(result_figure(&res, "events", 33, 1), 0);
	cr_assert_eq(result_figure(&res, longname, 0.5, 0), 0);
	cr_assert_eq(res.res_nfig, 2);
	cr_expect_str_eq(res.res_fig[0].rf_name, "events");
	cr_expect_eq(res.res_fig[0].rf_value, 33);
	cr_expect_eq(res.res_fig[0].rf_det, 1);
	cr_expect_eq(strlen(res.res_fig[1].rf_name), RESULT_NAMEMAX - 1);
	cr_expect_eq(res.res_fig[1].rf_det, 0);
	result_free(&res);
	cr_expect_eq(res.res_nfig, 0);
	cr_expect_null(res.res_fig);
}

/* A latency row starts empty, with room for its buckets. */
Test(result, latency_rows)
{
	struct result res;
	struct result_latency *l;

	result_init(&res);
	cr_assert_not_null(l = result_latency(&res, 3));
	cr_expect_eq(l->rl_count, 0);
	cr_expect_eq(l->rl_nbuckets, 0);
	cr_expect_not_null(l->rl_buckets);
	l->rl_buckets[2].rb_index = 600;
	cr_assert_not_null(result_latency(&res, 0));
	cr_expect_eq(res.res_nlat, 2);
	result_free(&res);
	cr_expect_eq(res.res_nlat, 0);
}

/*
 * One process under RLIMIT_NOFILE 25 opens descriptors 3 to 32, then
 * exits (33 events: spawn, limit, 30 opens, exit).  0, 1 and 2 are open
 * from spawn and 3 to 24 open, so it holds 25; the opens of 25 to 32,
 * 8 of them, get EMFILE.  Nothing is skipped or hung, nothing panics.
 */
Test(result, from_a_replay)
{
	struct kmcase c;
	struct result res;
	char path[256];
	size_t i;

	kmtest_write_opens(path, sizeof(path), 32, 25);
	kmcase_runfile(&c, "panic-only", "i386-64M", NULL, path);
	unlink(path);
	cr_assert_eq(c.rc, 0, "%s", c.err);
	result_init(&res);
	cr_assert_eq(replay_result(&res, &c.r, NULL), 0);
	cr_expect_str_eq(res.res_outcome, "survived");
	cr_expect_str_eq(res.res_prof->pr_name, "i386-64M");
	cr_expect_eq(figure(&res, "events"), 33);
	cr_expect_eq(figure(&res, "max_fds"), 25);
	cr_expect_eq(figure(&res, "errors.EMFILE"), 8);
	cr_expect_eq(figure(&res, "errors.ENOMEM"), 0);
	cr_expect_eq(figure(&res, "skipped"), 0);
	cr_expect_eq(figure(&res, "hung"), 0);
	cr_expect_eq(figure(&res, "panicked"), 0);
	cr_assert_eq(res.res_nprocs, 1);
	cr_expect_eq(res.res_procs[0].rp_pid, 1);
	cr_expect_str_eq(res.res_procs[0].rp_state, "exited");
	cr_expect_eq(res.res_procs[0].rp_max_fds, 25);
	cr_expect_eq(res.res_procs[0].rp_errors[KE_EMFILE], 8);
	/* No probes: no probe figures, latency or series. */
	cr_expect_eq(res.res_nlat, 0);
	cr_expect_eq(res.res_nsamples, 0);
	for (i = 0; i < res.res_nfig; i++)
		cr_expect(strstr(res.res_fig[i].rf_name, "jw3") == NULL,
		    "%s", res.res_fig[i].rf_name);
	result_free(&res);
	kmcase_free(&c);
}

/*
 * With probes, latency on and a sample every event: every latency row's
 * buckets add up to its count, in rising order; each sample has a
 * reason; the figures not derived from time are marked deterministic,
 * probe_overhead_ns is not.
 */
Test(result, from_probes)
{
	struct kmcase c;
	struct probe p;
	struct result res;
	size_t i, j;

	memset(&c, 0, sizeof(c));
	kmtest_write_opens(c.path, sizeof(c.path), 32, 25);
	c.m = kmtest_boot("panic-only", "i386-64M", NULL);
	probe_attach(&p, c.m, 1, 1);
	c.rc = replay_run(&c.r, c.m, &p, c.path, c.err, sizeof(c.err));
	cr_assert_eq(c.rc, 0, "%s", c.err);
	result_init(&res);
	cr_assert_eq(replay_result(&res, &c.r, &p), 0);
	cr_expect_eq(figure(&res, "kmem_map.refused"), 0);
	cr_assert_gt(res.res_nlat, 0);
	for (i = 0; i < res.res_nlat; i++) {
		const struct result_latency *l = &res.res_lat[i];
		uint64_t sum = 0;

		for (j = 0; j < l->rl_nbuckets; j++) {
			sum += l->rl_buckets[j].rb_count;
			if (j > 0)
				cr_expect_gt(l->rl_buckets[j].rb_index,
				    l->rl_buckets[j - 1].rb_index);
		}
		cr_expect_eq(sum, l->rl_count, "%s %s", l->rl_op,
		    l->rl_arena);
	}
	cr_expect_eq(res.res_nsamples, p.p_nsamples);
	cr_assert_gt(res.res_nsamples, 0);
	for (i = 0; i < res.res_nsamples; i++)
		cr_expect_not_null(res.res_samples[i].rs_why);
	for (i = 0; i < res.res_nfig; i++)
		cr_expect_eq(res.res_fig[i].rf_det,
		    strcmp(res.res_fig[i].rf_name, "probe_overhead_ns") != 0,
		    "%s", res.res_fig[i].rf_name);
	result_free(&res);
	probe_detach(&p);
	kmcase_free(&c);
}
