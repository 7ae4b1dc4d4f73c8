/*
 * gen_pr14721.c: the attack of PR kern/14721.  Root processes raise
 * kern.maxfiles and RLIMIT_NOFILE, open one descriptor and dup it again
 * and again, so that each descriptor table grows (fdexpand doubles it)
 * until malloc(9) finds no room in kmem_map.
 *
 * Each process does F = fds actions 0 .. F-1 and, with exit=1, an exit:
 * action 0 is spawn, 1 sysctl maxfiles, 2 limit nofile, 3 open 3, and
 * action k (4 <= k < F) is "dup 3 k", so that descriptors 0 .. F-1 are
 * open at the end: F - 4 dups a process.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { PR_SEED, PR_PID, PR_PROCS, PR_FDS, PR_LIMIT, PR_MODE, PR_STEP, PR_EXIT,
    PR_N };

static const char *const pr14721_modes[] = { "serial", "interleaved", NULL };

static const struct gen_param pr14721_params[PR_N] = {
	[PR_SEED] = { "seed", 1, 0, INT64_MAX, NULL,
	    "PRNG seed (unused: no randomness here)" },
	[PR_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL,
	    "PID of the first process; the others follow" },
	[PR_PROCS] = { "procs", 1, 1, 100000, NULL,
	    "attacking processes" },
	[PR_FDS] = { "fds", 2000000, 4, KMT_INT_MAX, NULL,
	    "descriptors each ends with (0..fds-1: fds-4 dups)" },
	[PR_LIMIT] = { "limit", 10000000, 0, KMT_INT_MAX, NULL,
	    "value for sysctl maxfiles and limit nofile" },
	[PR_MODE] = { "mode", 0, 0, 1, pr14721_modes,
	    "serial, or interleaved (round-robin)" },
	[PR_STEP] = { "step_ns", 1000, 0, 1000000000, NULL,
	    "time between events, ns" },
	[PR_EXIT] = { "exit", 0, 0, 1, NULL,
	    "1: each exits after its last dup" },
};

struct pr_state {
	uint32_t	ps_pid;		/* first PID */
	uint64_t	ps_procs;
	uint64_t	ps_fds;
	uint64_t	ps_actions;	/* fds, and one if it exits */
	uint64_t	ps_limit;
	uint64_t	ps_step;
	int		ps_interleaved;
	uint64_t	ps_proc;	/* next: process index */
	uint64_t	ps_act;		/* and its action */
	uint64_t	ps_t;
};

static int
pr_check(const int64_t *v, char *err, size_t errlen)
{
	uint64_t events, t;

	/* The last event's time must fit. */
	if (__builtin_mul_overflow((uint64_t)v[PR_PROCS],
	    (uint64_t)v[PR_FDS] + 1, &events) ||
	    __builtin_mul_overflow(events, (uint64_t)v[PR_STEP], &t) ||
	    t > INT64_MAX) {
		snprintf(err, errlen, "pr14721: procs * fds * step_ns is too "
		    "large a time");
		return -1;
	}
	return 0;
}

static uint64_t
pr_npids(const int64_t *v)
{

	return (uint64_t)v[PR_PROCS];
}

static void *
pr_new(const int64_t *v)
{
	struct pr_state *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	ps->ps_pid = (uint32_t)v[PR_PID];
	ps->ps_procs = (uint64_t)v[PR_PROCS];
	ps->ps_fds = (uint64_t)v[PR_FDS];
	ps->ps_actions = ps->ps_fds + (uint64_t)v[PR_EXIT];
	ps->ps_limit = (uint64_t)v[PR_LIMIT];
	ps->ps_step = (uint64_t)v[PR_STEP];
	ps->ps_interleaved = v[PR_MODE] == 1;
	return ps;
}

/* Action K of process PID, at the current time. */
static void
pr_action(struct pr_state *ps, struct gen_out *out, uint32_t pid,
    uint64_t k)
{
	uint64_t t = ps->ps_t;

	switch (k) {
	case 0:
		gen_spawn(out, t, pid);
		break;
	case 1:
		gen_sysctl_maxfiles(out, t, pid, ps->ps_limit);
		break;
	case 2:
		gen_limit_nofile(out, t, pid, ps->ps_limit);
		break;
	case 3:
		gen_open(out, t, pid, 3);
		break;
	default:
		if (k < ps->ps_fds)
			gen_dup(out, t, pid, 3, (uint32_t)k);
		else
			gen_exit(out, t, pid);
		break;
	}
}

static int
pr_step(void *st, struct gen_out *out)
{
	struct pr_state *ps = st;
	uint32_t pid;
	int n;

	for (n = 0; n < GEN_STEP_MAX; n++) {
		if (ps->ps_proc == ps->ps_procs)
			return 0;
		pid = ps->ps_pid + (uint32_t)ps->ps_proc;
		pr_action(ps, out, pid, ps->ps_act);
		ps->ps_t += ps->ps_step;
		if (ps->ps_interleaved) {
			/* Every process's action K, then every K + 1. */
			if (++ps->ps_proc == ps->ps_procs) {
				ps->ps_proc = 0;
				if (++ps->ps_act == ps->ps_actions)
					ps->ps_proc = ps->ps_procs;
			}
		} else if (++ps->ps_act == ps->ps_actions) {
			ps->ps_act = 0;
			ps->ps_proc++;
		}
	}
	return ps->ps_proc < ps->ps_procs;
}

static void
pr_free(void *st)
{

	free(st);
}

const struct gen gen_pr14721 = {
	.g_name = "pr14721",
	.g_summary = "root processes dup one descriptor until kmem_map "
	    "is full",
	.g_params = pr14721_params,
	.g_nparams = PR_N,
	.g_check = pr_check,
	.g_npids = pr_npids,
	.g_new = pr_new,
	.g_step = pr_step,
	.g_free = pr_free,
};
