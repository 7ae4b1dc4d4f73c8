/*
 * gen_under_attack.c: a busy machine under the PR 14721 attack.  An
 * fd-server, a fork-server and an intr-load run together while a
 * pr14721 attacker starts at attack_at_ms.  The four are generated side
 * by side and merged by time (a k-way merge of their event queues; on a
 * tie the one listed first goes first), each with a PID range of its
 * own and a seed drawn from this generator's seed.
 *
 * The parameters "attack.K", "fd.K", "fork.K" and "intr.K" are those of
 * pr14721, fd-server, fork-server and intr-load, some with other
 * defaults (fd.conns 20000 lasts 10 s, like intr-load).  PIDs: the
 * attackers from pid, then the fd-server and then the fork-server, each
 * range starting at the next multiple of 100.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum { UA_SEED, UA_PID, UA_AT, UA_N_OWN };

static const char *const ua_modes[] = { "serial", "interleaved", NULL };

/* Own parameters first, then each part's, prefixed. */
static const struct gen_param ua_params[] = {
	[UA_SEED] = { "seed", 1, 0, INT64_MAX, NULL,
	    "PRNG seed; each part gets one drawn from it" },
	[UA_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL,
	    "first PID (of the attackers)" },
	[UA_AT] = { "attack_at_ms", 100, 0, 1000000000, NULL,
	    "when the attack starts, ms" },
	{ "attack.procs", 1, 1, 100000, NULL, "pr14721 procs" },
	{ "attack.fds", 2000000, 4, KMT_INT_MAX, NULL, "pr14721 fds" },
	{ "attack.limit", 10000000, 0, KMT_INT_MAX, NULL,
	    "pr14721 limit" },
	{ "attack.mode", 0, 0, 1, ua_modes, "pr14721 mode" },
	{ "attack.step_ns", 1000, 0, 1000000000, NULL, "pr14721 step_ns" },
	{ "attack.exit", 0, 0, 1, NULL, "pr14721 exit" },
	{ "fd.conns", 20000, 0, 1000000000, NULL, "fd-server conns" },
	{ "fd.rate", 2000, 1, 1000000000, NULL, "fd-server rate" },
	{ "fd.mean_ms", 50, 1, 1000000, NULL, "fd-server mean_ms" },
	{ "fd.max_conns", 500, 1, 10000000, NULL, "fd-server max_conns" },
	{ "fork.children", 8, 1, 10000, NULL, "fork-server children" },
	{ "fork.heap_pages", 64, 1, KMT_NPAGES_MAX, NULL,
	    "fork-server heap_pages" },
	{ "fork.requests", 100, 0, 1000000, NULL, "fork-server requests" },
	{ "fork.rounds", 50, 1, 1000000, NULL, "fork-server rounds" },
	{ "fork.req_us", 500, 1, 10000000, NULL, "fork-server req_us" },
	{ "intr.rate", 10000, 1, 1000000000, NULL, "intr-load rate" },
	{ "intr.seconds", 10, 1, 1000000, NULL, "intr-load seconds" },
	{ "intr.hold_us", 500, 0, 1000000000, NULL, "intr-load hold_us" },
	{ "intr.w_mbuf", 70, 0, 1000000, NULL, "intr-load w_mbuf" },
	{ "intr.w_cluster", 25, 0, 1000000, NULL, "intr-load w_cluster" },
	{ "intr.w_big", 5, 0, 1000000, NULL, "intr-load w_big" },
};
#define NPARAMS	(sizeof(ua_params) / sizeof(ua_params[0]))

/* The parts, in the order of the merge's ties and of the PID ranges. */
#define NPARTS	4
static const struct {
	const char		*pt_prefix;
	const struct gen	*pt_gen;
} parts[NPARTS] = {
	{ "attack", &gen_pr14721 },
	{ "fd", &gen_fd_server },
	{ "fork", &gen_fork_server },
	{ "intr", &gen_intr_load },
};

#define PID_ALIGN	100

struct ua_part {
	const struct gen *up_gen;
	void		*up_st;
	struct gen_out	 up_out;
	uint64_t	 up_toff;	/* added to its times */
	int		 up_done;
};

struct ua_state {
	struct ua_part	 ua_parts[NPARTS];
};

/*
 * The parameter values of part I for ours, V; returns the next free
 * PID after the part's range (rounded up to PID_ALIGN), given PID.
 */
static uint64_t
ua_part_values(const int64_t *v, int i, uint64_t pid, int64_t *pv)
{
	const struct gen *g = parts[i].pt_gen;
	struct gen_rng rng;
	size_t plen = strlen(parts[i].pt_prefix), k;
	uint64_t seed = 0;
	int j, idx;

	gen_defaults(g, pv);
	for (k = UA_N_OWN; k < NPARAMS; k++) {
		if (strncmp(ua_params[k].gp_name, parts[i].pt_prefix, plen) !=
		    0 || ua_params[k].gp_name[plen] != '.')
			continue;
		if ((idx = gen_param_index(g, ua_params[k].gp_name + plen +
		    1)) >= 0)
			pv[idx] = v[k];
	}
	/* Part I's seed: the (I + 1)th number from ours. */
	gen_rng_seed(&rng, (uint64_t)v[UA_SEED]);
	for (j = 0; j <= i; j++)
		seed = gen_rng_next(&rng);
	pv[gen_param_index(g, "seed")] = (int64_t)(seed >> 1);
	if ((idx = gen_param_index(g, "pid")) < 0)
		return pid;
	pv[idx] = (int64_t)pid;
	pid += g->g_npids(pv);
	return (pid + PID_ALIGN - 1) / PID_ALIGN * PID_ALIGN;
}

/* The next free PID after all parts' ranges. */
static uint64_t
ua_pids_end(const int64_t *v)
{
	int64_t pv[GEN_MAXPARAMS];
	uint64_t pid = (uint64_t)v[UA_PID];
	int i;

	for (i = 0; i < NPARTS; i++) {
		pid = ua_part_values(v, i, pid, pv);
		if (pid > KMT_INT_MAX)
			break;	/* the rest cannot fit either */
	}
	return pid;
}

static int
ua_check(const int64_t *v, char *err, size_t errlen)
{
	int64_t pv[GEN_MAXPARAMS];
	uint64_t pid = (uint64_t)v[UA_PID];
	char msg[512];
	int i;

	for (i = 0; i < NPARTS; i++) {
		if (pid > KMT_INT_MAX)
			break;	/* reported by gen_check() */
		pid = ua_part_values(v, i, pid, pv);
		if (gen_check(parts[i].pt_gen, pv, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "under-attack: %s", msg);
			return -1;
		}
	}
	return 0;
}

static uint64_t
ua_npids(const int64_t *v)
{

	return ua_pids_end(v) - (uint64_t)v[UA_PID];
}

static void ua_free(void *);

static void *
ua_new(const int64_t *v)
{
	int64_t pv[GEN_MAXPARAMS];
	struct ua_state *ua;
	struct ua_part *up;
	uint64_t pid = (uint64_t)v[UA_PID];
	int i;

	if ((ua = calloc(1, sizeof(*ua))) == NULL)
		return NULL;
	for (i = 0; i < NPARTS; i++) {
		up = &ua->ua_parts[i];
		pid = ua_part_values(v, i, pid, pv);
		up->up_gen = parts[i].pt_gen;
		if (up->up_gen == &gen_pr14721)
			up->up_toff = (uint64_t)v[UA_AT] * 1000000;
		if ((up->up_st = up->up_gen->g_new(pv)) == NULL) {
			ua_free(ua);
			return NULL;
		}
	}
	return ua;
}

/*
 * Make sure part UP has an event waiting, unless it has finished.
 * Returns 0, -1 (out of memory) or -2 (the part appended too many).
 */
static int
ua_fill(struct ua_part *up)
{
	struct gen_out *o = &up->up_out;
	int rc;

	while (o->o_head == o->o_n && !up->up_done) {
		o->o_head = o->o_n = 0;
		rc = up->up_gen->g_step(up->up_st, o);
		if (rc < 0)
			return -1;
		if (o->o_overflow)
			return -2;
		if (rc == 0)
			up->up_done = 1;
	}
	return 0;
}

static int
ua_step(void *st, struct gen_out *out)
{
	struct ua_state *ua = st;
	struct ua_part *up, *best;
	struct kmt_event *ev;
	uint64_t t, bt = 0;
	int i, rc;

	while (out->o_n < GEN_STEP_MAX) {
		best = NULL;
		for (i = 0; i < NPARTS; i++) {
			up = &ua->ua_parts[i];
			if ((rc = ua_fill(up)) == -1)
				return -1;
			if (rc == -2) {
				out->o_overflow = 1;
				return 0;
			}
			if (up->up_out.o_head == up->up_out.o_n)
				continue;
			t = up->up_out.o_ev[up->up_out.o_head].ke_time +
			    up->up_toff;
			if (best == NULL || t < bt) {
				best = up;
				bt = t;
			}
		}
		if (best == NULL)
			return 0;
		ev = &out->o_ev[out->o_n++];
		*ev = best->up_out.o_ev[best->up_out.o_head++];
		ev->ke_time = bt;
	}
	return 1;
}

static void
ua_free(void *st)
{
	struct ua_state *ua = st;
	int i;

	for (i = 0; i < NPARTS; i++)
		if (ua->ua_parts[i].up_st != NULL)
			ua->ua_parts[i].up_gen->g_free(
			    ua->ua_parts[i].up_st);
	free(ua);
}

const struct gen gen_under_attack = {
	.g_name = "under-attack",
	.g_summary = "fd-server, fork-server and intr-load while pr14721 "
	    "attacks",
	.g_params = ua_params,
	.g_nparams = NPARAMS,
	.g_check = ua_check,
	.g_npids = ua_npids,
	.g_new = ua_new,
	.g_step = ua_step,
	.g_free = ua_free,
};
