/*
 * gbench.h: a C interface to Google Benchmark (libbenchmark), so that
 * the microbenchmarks in bench/micro_*.c can be written in C.  The
 * implementation is bench/gbench.cc, the only C++ file; a C benchmark
 * includes this header and nothing of Google Benchmark.
 *
 * A benchmark is a function called with the state of one run and the
 * ARG given at registration.  It times its loop:
 *
 *	static void
 *	bm_copy(gb_state *st, void *arg)
 *	{
 *		size_t n = (size_t)gb_range(st, 0);
 *
 *		while (gb_keep_running(st))
 *			memcpy(dst, src, n);
 *		gb_set_bytes(st, gb_iterations(st) * (int64_t)n);
 *	}
 *
 * and is registered, with its arguments, before gb_main() runs them:
 *
 *	gb_bench *b = gb_register("copy", bm_copy, NULL);
 *
 *	gb_args_range(gb_range_multiplier(b, 2), 16, 4096);
 *
 * (runs with 16, 32, ... 4096 bytes, named copy/16 ... copy/4096)
 *
 * The registration calls return the benchmark so that they chain as
 * Google Benchmark's do; they may be made from a constructor function
 * (__attribute__((constructor))) or from main() before gb_main().
 */
#ifndef KM_GBENCH_H
#define KM_GBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One run of a benchmark (benchmark::State). */
typedef struct gb_state gb_state;
/* A registered benchmark family (benchmark::internal::Benchmark). */
typedef struct gb_bench gb_bench;

/* The function benchmarked; ARG is what gb_register() was given. */
typedef void	gb_fn(gb_state *st, void *arg);

/*
 * A statistic over the N values (N >= 1) of one figure across the
 * repetitions of a benchmark (real time, CPU time or a counter); ARG
 * is what gb_statistic() was given.
 */
typedef double	gb_stat_fn(const double *v, size_t n, void *arg);

/* Time units for gb_unit(). */
enum gb_unit {
	GB_NS,
	GB_US,
	GB_MS,
	GB_S
};

/* Flags of a user counter (gb_counter()), as benchmark::Counter's. */
#define GB_COUNTER_RATE		0x01	/* divided by the time: per second */
#define GB_COUNTER_AVG_THREADS	0x02	/* divided by the threads */
#define GB_COUNTER_INVARIANT	0x04	/* multiplied by the iterations */
#define GB_COUNTER_AVG_ITER	0x08	/* divided by the iterations */
#define GB_COUNTER_1024		0x10	/* shown in powers of 1024 */

/*
 * Registration.  gb_register() returns NULL only on host memory
 * exhaustion; every other call passes a NULL benchmark through.
 */
gb_bench *gb_register(const char *name, gb_fn *fn, void *arg);
/* One run with argument A (gb_range(st, 0) is A). */
gb_bench *gb_arg(gb_bench *b, int64_t a);
/* One run with two arguments. */
gb_bench *gb_args2(gb_bench *b, int64_t a0, int64_t a1);
/* Runs from LO to HI by the range multiplier (8 unless set). */
gb_bench *gb_args_range(gb_bench *b, int64_t lo, int64_t hi);
gb_bench *gb_range_multiplier(gb_bench *b, int mult);
/* Runs from LO to HI by STEP. */
gb_bench *gb_dense_range(gb_bench *b, int64_t lo, int64_t hi, int step);
/* The argument's name in the benchmark name ("size:64"). */
gb_bench *gb_arg_name(gb_bench *b, const char *name);
/* Exactly N iterations instead of as many as the minimum time takes. */
gb_bench *gb_fixed_iterations(gb_bench *b, int64_t n);
/* At least SECS seconds a run. */
gb_bench *gb_min_time(gb_bench *b, double secs);
/* N repetitions: mean, median, stddev, cv and the gb_statistic()s. */
gb_bench *gb_repetitions(gb_bench *b, int n);
/* Report (file and display) the aggregates only, not each repetition. */
gb_bench *gb_aggregates_only(gb_bench *b, int on);
/* Time by the wall clock instead of the process's CPU time. */
gb_bench *gb_use_real_time(gb_bench *b);
gb_bench *gb_unit(gb_bench *b, enum gb_unit unit);
/*
 * A custom statistic NAME ("p99", "max") computed by FN over the
 * repetitions; PERCENTAGE: FN's result is a fraction, not a time.
 * At most GB_MAXSTATS distinct (FN, ARG) pairs in a program; beyond
 * that the statistic is left out with a complaint on stderr.
 */
#define GB_MAXSTATS	32
gb_bench *gb_statistic(gb_bench *b, const char *name, gb_stat_fn *fn,
	    void *arg, int percentage);

/*
 * The timed loop.  gb_keep_running() is true while another iteration
 * is wanted; gb_keep_running_batch() counts N iterations at a time
 * (the last batch may overshoot), for bodies that loop N times
 * themselves.  Call neither after the loop has ended.
 */
int	gb_keep_running(gb_state *st);
int	gb_keep_running_batch(gb_state *st, int64_t n);
/* Stop and restart the clock around untimed work inside the loop. */
void	gb_pause(gb_state *st);
void	gb_resume(gb_state *st);
/* Argument I of this run (gb_arg, gb_args_range...). */
int64_t	gb_range(const gb_state *st, size_t i);
/* Iterations done so far (after the loop: all of them). */
int64_t	gb_iterations(const gb_state *st);
/* Items or bytes processed in all, reported per second. */
void	gb_set_items(gb_state *st, int64_t items);
void	gb_set_bytes(gb_state *st, int64_t bytes);
/* The user counter NAME := VALUE with GB_COUNTER_* FLAGS. */
void	gb_counter(gb_state *st, const char *name, double value,
	    unsigned flags);
/* A label shown beside the run's figures. */
void	gb_label(gb_state *st, const char *label);
/* Give the run up: it is reported with MSG instead of figures. */
void	gb_error(gb_state *st, const char *msg);

/* Keep the compiler from discarding P's computation, or stores. */
static inline void
gb_escape(const void *p)
{

	__asm__ __volatile__("" : : "g"(p) : "memory");
}

static inline void
gb_clobber(void)
{

	__asm__ __volatile__("" : : : "memory");
}

/* The Q-quantile (0 <= Q <= 1) of V[N], interpolated; V is unchanged. */
double	gb_quantile(const double *v, size_t n, double q);

/*
 * Run every registered benchmark as Google Benchmark's main() does:
 * ARGV's --benchmark_* flags (--benchmark_filter, --benchmark_out=FILE,
 * --benchmark_out_format=json, --benchmark_repetitions...) are obeyed.
 * Returns the exit status: 0, 1 when no benchmark matched, 2 for an
 * unknown argument.  A run given up with gb_error() is reported as an
 * error in the output and does not change the status.
 */
int	gb_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* KM_GBENCH_H */
