/*
 * micro_selftest.c: a small benchmark program whose figures are known
 * in advance, run by tests/test_gbench.c to check that the C shim
 * (gbench.h) registers, iterates, counts and computes statistics as
 * documented.  Not part of the microbenchmarks proper.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gbench.h"

#define SELF_ITERS	1000
#define SELF_BATCH	100
#define SELF_REPS	5

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

/* Repetition 1, 2, ... of selftest/loop, in its "rep" counter. */
static int reps_seen;

static void
bm_loop(gb_state *st, void *arg)
{
	volatile uint64_t sum = 0;
	int64_t n = 0;

	(void)arg;
	while (gb_keep_running(st)) {
		sum += (uint64_t)gb_range(st, 0);
		n++;
	}
	reps_seen++;
	gb_counter(st, "objs", 7.0, 0);
	gb_counter(st, "per_iter", (double)n, GB_COUNTER_AVG_ITER);
	gb_counter(st, "rep", (double)reps_seen, 0);
	gb_counter(st, "loops", (double)n, 0);
	gb_set_items(st, n);
	gb_label(st, "selftest-label");
}

static void
bm_batch(gb_state *st, void *arg)
{
	int64_t calls = 0, i;

	(void)arg;
	while (gb_keep_running_batch(st, SELF_BATCH)) {
		calls++;
		for (i = 0; i < SELF_BATCH; i++)
			gb_clobber();
	}
	gb_counter(st, "batches", (double)calls, 0);
}

static void
bm_paused(gb_state *st, void *arg)
{
	int64_t n = 0;

	(void)arg;
	while (gb_keep_running(st)) {
		gb_pause(st);
		n++;
		gb_resume(st);
	}
	gb_counter(st, "args", (double)(gb_range(st, 0) * 10 +
	    gb_range(st, 1)), 0);
}

static void
bm_dense(gb_state *st, void *arg)
{

	(void)arg;
	while (gb_keep_running(st))
		gb_clobber();
	gb_counter(st, "arg", (double)gb_range(st, 0), 0);
}

int
main(int argc, char **argv)
{
	gb_bench *b;

	b = gb_register("selftest/loop", bm_loop, NULL);
	gb_arg(b, 64);
	gb_fixed_iterations(b, SELF_ITERS);
	gb_repetitions(b, SELF_REPS);
	gb_statistic(b, "p99", stat_quantile, &q99, 0);
	gb_statistic(b, "max", stat_max, NULL, 0);

	b = gb_register("selftest/batch", bm_batch, NULL);
	gb_fixed_iterations(b, SELF_ITERS);

	b = gb_register("selftest/paused", bm_paused, NULL);
	gb_args2(b, 3, 4);
	gb_fixed_iterations(b, 10);

	b = gb_register("selftest/dense", bm_dense, NULL);
	gb_dense_range(b, 1, 3, 1);
	gb_fixed_iterations(b, 1);
	return gb_main(argc, argv);
}
