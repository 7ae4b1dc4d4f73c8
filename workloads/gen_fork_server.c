/*
 * gen_fork_server.c: a preforking server, in the style of Apache 1.3.
 * The parent opens its listening socket (3), maps a heap and writes all
 * of it, then forks children.  A child writes part of the heap (a write
 * fault after fork: the amap is copied), serves requests (each an open
 * of descriptor 4, the accepted connection, and its close), and exits
 * after a number of them; the parent forks a new child, with a new PID,
 * in its place, for rounds lives of each child slot in all.
 *
 * Events: the parent's spawn, open 3, map, touch, and at the end close 3
 * and exit (6); for each of the children * rounds child lives a fork, a
 * touch, an open and a close per request, and an exit.  PIDs: the
 * parent is pid, the children pid + 1, pid + 2, ... in order of fork.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { FK_SEED, FK_PID, FK_CHILDREN, FK_HEAP, FK_REQUESTS, FK_ROUNDS, FK_REQUS,
    FK_N };

static const struct gen_param fork_server_params[FK_N] = {
	[FK_SEED] = { "seed", 1, 0, INT64_MAX, NULL, "PRNG seed" },
	[FK_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL,
	    "PID of the parent; children follow" },
	[FK_CHILDREN] = { "children", 8, 1, 10000, NULL,
	    "children at once (child slots)" },
	[FK_HEAP] = { "heap_pages", 64, 1, KMT_NPAGES_MAX, NULL,
	    "pages of the parent's heap, shared copy-on-write" },
	[FK_REQUESTS] = { "requests", 100, 0, 1000000, NULL,
	    "requests a child serves before it exits" },
	[FK_ROUNDS] = { "rounds", 50, 1, 1000000, NULL,
	    "child lives of each slot (forks a slot)" },
	[FK_REQUS] = { "req_us", 500, 1, 10000000, NULL,
	    "mean request time, and time between, us" },
};

#define LISTEN_FD	3
#define CONN_FD		4	/* the lowest free in a child */
#define SETUP_NS	1000
#define FORK_NS		1000	/* a slot's first fork after the last */
#define RUN_NS		1000	/* from fork to the child's first write */
#define RESPAWN_NS	10000	/* from a child's exit to its replacement */

enum slot_phase { SP_FORK, SP_TOUCH, SP_OPEN, SP_CLOSE, SP_EXIT };

struct fork_slot {
	enum slot_phase	 sl_phase;
	uint32_t	 sl_pid;	/* the child now in the slot */
	uint64_t	 sl_served;	/* requests of this child */
	uint64_t	 sl_lives;	/* children forked in the slot */
};

struct fork_state {
	struct gen_rng	 fk_rng;
	uint32_t	 fk_pid;
	uint32_t	 fk_nextpid;
	uint64_t	 fk_children;
	uint64_t	 fk_heap;
	uint64_t	 fk_requests;
	uint64_t	 fk_rounds;
	double		 fk_req;	/* mean request time, ns */
	int		 fk_started;
	struct fork_slot *fk_slots;
	struct gen_heap	 fk_sched;	/* (time, slot) of each next action */
	uint64_t	 fk_t;
};

static int
fork_check(const int64_t *v, char *err, size_t errlen)
{
	double slot;

	/*
	 * A slot's lives follow one another: their mean time must leave
	 * room in 64 bits of nanoseconds (the PIDs are checked apart).
	 */
	slot = (double)v[FK_ROUNDS] * (2.0 * (double)v[FK_REQUESTS] + 1) *
	    (double)v[FK_REQUS] * 1e3;
	if (slot > 1e17) {
		snprintf(err, errlen, "fork-server: rounds * requests * req_us "
		    "is too long a time");
		return -1;
	}
	return 0;
}

static uint64_t
fork_npids(const int64_t *v)
{

	return 1 + (uint64_t)v[FK_CHILDREN] * (uint64_t)v[FK_ROUNDS];
}

static void *
fork_new(const int64_t *v)
{
	struct fork_state *fk;

	if ((fk = calloc(1, sizeof(*fk))) == NULL)
		return NULL;
	gen_rng_seed(&fk->fk_rng, (uint64_t)v[FK_SEED]);
	fk->fk_pid = (uint32_t)v[FK_PID];
	fk->fk_nextpid = fk->fk_pid + 1;
	fk->fk_children = (uint64_t)v[FK_CHILDREN];
	fk->fk_heap = (uint64_t)v[FK_HEAP];
	fk->fk_requests = (uint64_t)v[FK_REQUESTS];
	fk->fk_rounds = (uint64_t)v[FK_ROUNDS];
	fk->fk_req = (double)v[FK_REQUS] * 1e3;
	if ((fk->fk_slots = calloc(fk->fk_children,
	    sizeof(*fk->fk_slots))) == NULL) {
		free(fk);
		return NULL;
	}
	return fk;
}

/* The parent starts: its socket and heap, and a first fork a slot. */
static int
fork_start(struct fork_state *fk, struct gen_out *out)
{
	uint64_t s;

	gen_spawn(out, 0, fk->fk_pid);
	gen_open(out, SETUP_NS, fk->fk_pid, LISTEN_FD);
	gen_map(out, 2 * SETUP_NS, fk->fk_pid, "heap", fk->fk_heap);
	gen_touch(out, 3 * SETUP_NS, fk->fk_pid, "heap", 0, 0);
	fk->fk_t = 3 * SETUP_NS;
	for (s = 0; s < fk->fk_children; s++)
		if (gen_heap_push(&fk->fk_sched,
		    fk->fk_t + (s + 1) * FORK_NS, s) != 0)
			return -1;
	fk->fk_started = 1;
	return 1;
}

static int
fork_step(void *st, struct gen_out *out)
{
	struct fork_state *fk = st;
	struct gen_heap_ent e;
	struct fork_slot *sl;
	uint64_t t, next, off;

	if (!fk->fk_started)
		return fork_start(fk, out);
	if (fk->fk_sched.h_n == 0) {
		gen_close(out, fk->fk_t + SETUP_NS, fk->fk_pid, LISTEN_FD);
		gen_exit(out, fk->fk_t + 2 * SETUP_NS, fk->fk_pid);
		return 0;
	}
	e = gen_heap_pop(&fk->fk_sched);
	t = fk->fk_t = e.he_time;
	sl = &fk->fk_slots[e.he_key];
	switch (sl->sl_phase) {
	case SP_FORK:
		sl->sl_pid = fk->fk_nextpid++;
		sl->sl_served = 0;
		sl->sl_lives++;
		gen_fork(out, t, fk->fk_pid, sl->sl_pid);
		sl->sl_phase = SP_TOUCH;
		next = t + RUN_NS;
		break;
	case SP_TOUCH:
		/* Some pages of the heap, at least one. */
		off = gen_rng_below(&fk->fk_rng, fk->fk_heap);
		gen_touch(out, t, sl->sl_pid, "heap", off,
		    1 + gen_rng_below(&fk->fk_rng, fk->fk_heap - off));
		sl->sl_phase = fk->fk_requests > 0 ? SP_OPEN : SP_EXIT;
		next = t + gen_rng_exp(&fk->fk_rng, fk->fk_req);
		break;
	case SP_OPEN:
		gen_open(out, t, sl->sl_pid, CONN_FD);
		sl->sl_phase = SP_CLOSE;
		next = t + gen_rng_exp(&fk->fk_rng, fk->fk_req);
		break;
	case SP_CLOSE:
		gen_close(out, t, sl->sl_pid, CONN_FD);
		sl->sl_phase = ++sl->sl_served < fk->fk_requests ? SP_OPEN :
		    SP_EXIT;
		next = t + gen_rng_exp(&fk->fk_rng, fk->fk_req);
		break;
	default:
		gen_exit(out, t, sl->sl_pid);
		if (sl->sl_lives == fk->fk_rounds)
			return 1;	/* the slot is done */
		sl->sl_phase = SP_FORK;
		next = t + RESPAWN_NS;
		break;
	}
	if (gen_heap_push(&fk->fk_sched, next, e.he_key) != 0)
		return -1;
	return 1;
}

static void
fork_free(void *st)
{
	struct fork_state *fk = st;

	gen_heap_free(&fk->fk_sched);
	free(fk->fk_slots);
	free(fk);
}

const struct gen gen_fork_server = {
	.g_name = "fork-server",
	.g_summary = "a preforking server; children copy the heap's amap",
	.g_params = fork_server_params,
	.g_nparams = FK_N,
	.g_check = fork_check,
	.g_npids = fork_npids,
	.g_new = fork_new,
	.g_step = fork_step,
	.g_free = fork_free,
};
