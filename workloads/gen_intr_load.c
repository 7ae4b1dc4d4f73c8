/*
 * gen_intr_load.c: network interrupts allocating from kmem_map.  The
 * kernel (PID 0, interrupt context, which needs no spawn) allocates
 * buffers with M_NOWAIT at a steady rate, each freed a short time later
 * (when the packet has gone up the stack or out of the interface):
 * mbuf-sized (256), cluster-sized (2048) and a few large (8192), chosen
 * at random with weights.
 *
 * Events: rate * seconds kmallocs "mb<n>", "cl<n>" or "bg<n>" (type
 * M_MBUF, flags NOWAIT), allocation n at n * 10^9 / rate ns, each
 * freed after hold_us * 1000 ns +/- half of that (uniformly), and a
 * kfree of each: 2 * rate * seconds in all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { IL_SEED, IL_RATE, IL_SECONDS, IL_HOLD, IL_WMBUF, IL_WCLUSTER, IL_WBIG,
    IL_N };

static const struct gen_param intr_load_params[IL_N] = {
	[IL_SEED] = { "seed", 1, 0, INT64_MAX, NULL, "PRNG seed" },
	[IL_RATE] = { "rate", 10000, 1, 1000000000, NULL,
	    "allocations per second" },
	[IL_SECONDS] = { "seconds", 10, 1, 1000000, NULL,
	    "how long, seconds" },
	[IL_HOLD] = { "hold_us", 500, 0, 1000000000, NULL,
	    "mean time an allocation is held, us (+/- 50%)" },
	[IL_WMBUF] = { "w_mbuf", 70, 0, 1000000, NULL,
	    "weight of 256-byte (mbuf) allocations" },
	[IL_WCLUSTER] = { "w_cluster", 25, 0, 1000000, NULL,
	    "weight of 2048-byte (cluster) allocations" },
	[IL_WBIG] = { "w_big", 5, 0, 1000000, NULL,
	    "weight of 8192-byte allocations" },
};

#define NCLASS	3

static const struct {
	const char	*c_prefix;
	uint64_t	 c_size;
} classes[NCLASS] = {
	{ "mb", 256 },
	{ "cl", 2048 },
	{ "bg", 8192 },
};

struct intr_state {
	struct gen_rng	 is_rng;
	uint64_t	 is_rate;
	uint64_t	 is_n;		/* allocations in all */
	uint64_t	 is_next;	/* the next allocation */
	uint64_t	 is_hold;	/* ns */
	uint64_t	 is_w[NCLASS];
	uint64_t	 is_wsum;
	struct gen_heap	 is_frees;	/* (time, n * NCLASS + class) */
};

static int
intr_check(const int64_t *v, char *err, size_t errlen)
{

	if (v[IL_WMBUF] + v[IL_WCLUSTER] + v[IL_WBIG] == 0) {
		snprintf(err, errlen, "intr-load: the weights w_mbuf, "
		    "w_cluster and w_big are all 0");
		return -1;
	}
	if ((uint64_t)v[IL_RATE] * (uint64_t)v[IL_SECONDS] > 1000000000) {
		snprintf(err, errlen, "intr-load: rate * seconds is more than "
		    "10^9 allocations");
		return -1;
	}
	return 0;
}

static void *
intr_new(const int64_t *v)
{
	struct intr_state *is;
	int c;

	if ((is = calloc(1, sizeof(*is))) == NULL)
		return NULL;
	gen_rng_seed(&is->is_rng, (uint64_t)v[IL_SEED]);
	is->is_rate = (uint64_t)v[IL_RATE];
	is->is_n = (uint64_t)v[IL_RATE] * (uint64_t)v[IL_SECONDS];
	is->is_hold = (uint64_t)v[IL_HOLD] * 1000;
	is->is_w[0] = (uint64_t)v[IL_WMBUF];
	is->is_w[1] = (uint64_t)v[IL_WCLUSTER];
	is->is_w[2] = (uint64_t)v[IL_WBIG];
	for (c = 0; c < NCLASS; c++)
		is->is_wsum += is->is_w[c];
	return is;
}

static int
intr_step(void *st, struct gen_out *out)
{
	struct intr_state *is = st;
	struct gen_heap_ent e;
	uint64_t t, x;
	char id[32];
	int c;

	while (out->o_n < GEN_STEP_MAX) {
		t = is->is_next * 1000000000 / is->is_rate;
		if (is->is_frees.h_n > 0 && (is->is_next == is->is_n ||
		    is->is_frees.h_ent[0].he_time <= t)) {
			/* Frees first: a tie goes to the free. */
			e = gen_heap_pop(&is->is_frees);
			c = (int)(e.he_key % NCLASS);
			gen_id(id, classes[c].c_prefix, e.he_key / NCLASS);
			gen_kfree(out, e.he_time, 0, id);
			continue;
		}
		if (is->is_next == is->is_n)
			return 0;
		x = gen_rng_below(&is->is_rng, is->is_wsum);
		for (c = 0; c < NCLASS - 1 && x >= is->is_w[c]; c++)
			x -= is->is_w[c];
		gen_id(id, classes[c].c_prefix, is->is_next);
		gen_kmalloc(out, t, 0, id, classes[c].c_size, "M_MBUF",
		    KMT_M_NOWAIT);
		if (gen_heap_push(&is->is_frees, t + is->is_hold / 2 +
		    gen_rng_below(&is->is_rng, is->is_hold + 1),
		    is->is_next * NCLASS + (uint64_t)c) != 0)
			return -1;
		is->is_next++;
	}
	return 1;
}

static void
intr_free(void *st)
{
	struct intr_state *is = st;

	gen_heap_free(&is->is_frees);
	free(is);
}

const struct gen gen_intr_load = {
	.g_name = "intr-load",
	.g_summary = "interrupt-time M_NOWAIT network buffers (PID 0)",
	.g_params = intr_load_params,
	.g_nparams = IL_N,
	.g_check = intr_check,
	.g_npids = NULL,
	.g_new = intr_new,
	.g_step = intr_step,
	.g_free = intr_free,
};
