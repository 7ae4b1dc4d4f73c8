/*
 * gen_heap_growth.c: a process whose heap grows by brk(2): a heap
 * mapping, written, then extended step by step (amap_extend) with each
 * new stretch written as it arrives.
 *
 * Events: spawn, map heap init_pages, touch all of it; then for each of
 * the steps a grow by step_pages and a touch of the new pages; then
 * exit: 2 * steps + 4 in all.  It uses no randomness.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { HG_SEED, HG_PID, HG_INIT, HG_STEPS, HG_STEPPAGES, HG_STEP, HG_N };

static const struct gen_param heap_growth_params[HG_N] = {
	[HG_SEED] = { "seed", 1, 0, INT64_MAX, NULL,
	    "PRNG seed (unused: no randomness here)" },
	[HG_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL, "PID of the process" },
	[HG_INIT] = { "init_pages", 4, 1, KMT_NPAGES_MAX, NULL,
	    "pages of the heap at first" },
	[HG_STEPS] = { "steps", 1000, 0, KMT_NPAGES_MAX, NULL,
	    "times the heap grows" },
	[HG_STEPPAGES] = { "step_pages", 4, 1, KMT_NPAGES_MAX, NULL,
	    "pages it grows by each time" },
	[HG_STEP] = { "step_ns", 1000, 0, 1000000000, NULL,
	    "time between events, ns" },
};

struct heap_state {
	uint32_t	 hs_pid;
	uint64_t	 hs_pages;	/* the heap now */
	uint64_t	 hs_steps;	/* growths left */
	uint64_t	 hs_by;
	uint64_t	 hs_step;
	int		 hs_started;
	uint64_t	 hs_t;
};

static int
heap_check(const int64_t *v, char *err, size_t errlen)
{

	if ((uint64_t)v[HG_INIT] + (uint64_t)v[HG_STEPS] *
	    (uint64_t)v[HG_STEPPAGES] > KMT_NPAGES_MAX) {
		snprintf(err, errlen, "heap-growth: init_pages + steps * "
		    "step_pages is more than %llu pages",
		    (unsigned long long)KMT_NPAGES_MAX);
		return -1;
	}
	return 0;
}

static uint64_t
heap_npids(const int64_t *v)
{

	(void)v;
	return 1;
}

static void *
heap_new(const int64_t *v)
{
	struct heap_state *hs;

	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return NULL;
	hs->hs_pid = (uint32_t)v[HG_PID];
	hs->hs_pages = (uint64_t)v[HG_INIT];
	hs->hs_steps = (uint64_t)v[HG_STEPS];
	hs->hs_by = (uint64_t)v[HG_STEPPAGES];
	hs->hs_step = (uint64_t)v[HG_STEP];
	return hs;
}

static int
heap_step(void *st, struct gen_out *out)
{
	struct heap_state *hs = st;
	uint64_t s = hs->hs_step;

	if (!hs->hs_started) {
		hs->hs_started = 1;
		gen_spawn(out, 0, hs->hs_pid);
		gen_map(out, s, hs->hs_pid, "heap", hs->hs_pages);
		gen_touch(out, 2 * s, hs->hs_pid, "heap", 0, 0);
		hs->hs_t = 3 * s;
		return 1;
	}
	while (hs->hs_steps > 0 && out->o_n + 2 <= GEN_STEP_MAX) {
		gen_grow(out, hs->hs_t, hs->hs_pid, "heap",
		    hs->hs_pages + hs->hs_by);
		gen_touch(out, hs->hs_t + s, hs->hs_pid, "heap", hs->hs_pages,
		    hs->hs_by);
		hs->hs_pages += hs->hs_by;
		hs->hs_steps--;
		hs->hs_t += 2 * s;
	}
	if (hs->hs_steps > 0 || out->o_n == GEN_STEP_MAX)
		return 1;
	gen_exit(out, hs->hs_t, hs->hs_pid);
	return 0;
}

static void
heap_free(void *st)
{

	free(st);
}

const struct gen gen_heap_growth = {
	.g_name = "heap-growth",
	.g_summary = "a heap written and grown step by step, like brk",
	.g_params = heap_growth_params,
	.g_nparams = HG_N,
	.g_check = heap_check,
	.g_npids = heap_npids,
	.g_new = heap_new,
	.g_step = heap_step,
	.g_free = heap_free,
};
