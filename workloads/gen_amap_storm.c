/*
 * gen_amap_storm.c: one process making many tiny anonymous mappings,
 * each written at once (one small amap each), then unmapping a share of
 * them in random order, as a program full of small private mappings
 * does (the amap storm of PR 14721's thread).
 *
 * Events: spawn; for each of the maps mappings "m<i>" of 1 .. max_pages
 * pages, a map and a touch of all of it; then an unmap of each of
 * maps * unmap_pct / 100 (rounded down) of them, chosen and ordered at
 * random; then exit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { AS_SEED, AS_PID, AS_MAPS, AS_MAXPAGES, AS_UNMAP, AS_STEP, AS_N };

static const struct gen_param amap_storm_params[AS_N] = {
	[AS_SEED] = { "seed", 1, 0, INT64_MAX, NULL, "PRNG seed" },
	[AS_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL, "PID of the process" },
	[AS_MAPS] = { "maps", 20000, 1, 10000000, NULL, "mappings made" },
	[AS_MAXPAGES] = { "max_pages", 4, 1, KMT_NPAGES_MAX, NULL,
	    "largest mapping, pages (each is 1 .. max_pages)" },
	[AS_UNMAP] = { "unmap_pct", 50, 0, 100, NULL,
	    "share of the mappings unmapped before exit, %" },
	[AS_STEP] = { "step_ns", 1000, 0, 1000000000, NULL,
	    "time between events, ns" },
};

enum storm_phase { ST_START, ST_MAP, ST_UNMAP, ST_EXIT };

struct storm_state {
	struct gen_rng	 sm_rng;
	uint32_t	 sm_pid;
	uint32_t	 sm_maps;
	uint64_t	 sm_maxpages;
	uint32_t	 sm_nunmap;
	uint64_t	 sm_step;
	enum storm_phase sm_phase;
	uint32_t	 sm_i;		/* next mapping, or next unmap */
	uint32_t	*sm_order;	/* the mappings, to shuffle */
	uint64_t	 sm_t;
};

static uint64_t
storm_npids(const int64_t *v)
{

	(void)v;
	return 1;
}

static void *
storm_new(const int64_t *v)
{
	struct storm_state *sm;

	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return NULL;
	gen_rng_seed(&sm->sm_rng, (uint64_t)v[AS_SEED]);
	sm->sm_pid = (uint32_t)v[AS_PID];
	sm->sm_maps = (uint32_t)v[AS_MAPS];
	sm->sm_maxpages = (uint64_t)v[AS_MAXPAGES];
	sm->sm_nunmap = (uint32_t)((uint64_t)v[AS_MAPS] *
	    (uint64_t)v[AS_UNMAP] / 100);
	sm->sm_step = (uint64_t)v[AS_STEP];
	return sm;
}

/* Choose the mappings to unmap, and their order: a partial shuffle. */
static int
storm_shuffle(struct storm_state *sm)
{
	uint32_t i, j, tmp;

	if ((sm->sm_order = malloc(sm->sm_maps *
	    sizeof(*sm->sm_order))) == NULL)
		return -1;
	for (i = 0; i < sm->sm_maps; i++)
		sm->sm_order[i] = i;
	for (i = 0; i < sm->sm_nunmap; i++) {
		j = i + (uint32_t)gen_rng_below(&sm->sm_rng, sm->sm_maps - i);
		tmp = sm->sm_order[i];
		sm->sm_order[i] = sm->sm_order[j];
		sm->sm_order[j] = tmp;
	}
	return 0;
}

static int
storm_step(void *st, struct gen_out *out)
{
	struct storm_state *sm = st;
	char id[32];

	while (out->o_n + 2 <= GEN_STEP_MAX) {
		switch (sm->sm_phase) {
		case ST_START:
			gen_spawn(out, sm->sm_t, sm->sm_pid);
			sm->sm_phase = ST_MAP;
			break;
		case ST_MAP:
			gen_id(id, "m", sm->sm_i);
			gen_map(out, sm->sm_t, sm->sm_pid, id,
			    1 + gen_rng_below(&sm->sm_rng, sm->sm_maxpages));
			sm->sm_t += sm->sm_step;
			gen_touch(out, sm->sm_t, sm->sm_pid, id, 0, 0);
			if (++sm->sm_i == sm->sm_maps) {
				if (storm_shuffle(sm) != 0)
					return -1;
				sm->sm_i = 0;
				sm->sm_phase = sm->sm_nunmap > 0 ? ST_UNMAP :
				    ST_EXIT;
			}
			break;
		case ST_UNMAP:
			gen_id(id, "m", sm->sm_order[sm->sm_i]);
			gen_unmap(out, sm->sm_t, sm->sm_pid, id, 0, 0);
			if (++sm->sm_i == sm->sm_nunmap)
				sm->sm_phase = ST_EXIT;
			break;
		default:
			gen_exit(out, sm->sm_t, sm->sm_pid);
			return 0;
		}
		sm->sm_t += sm->sm_step;
	}
	return 1;
}

static void
storm_free(void *st)
{
	struct storm_state *sm = st;

	free(sm->sm_order);
	free(sm);
}

const struct gen gen_amap_storm = {
	.g_name = "amap-storm",
	.g_summary = "many tiny written mappings, some unmapped at random",
	.g_params = amap_storm_params,
	.g_nparams = AS_N,
	.g_check = NULL,
	.g_npids = storm_npids,
	.g_new = storm_new,
	.g_step = storm_step,
	.g_free = storm_free,
};
