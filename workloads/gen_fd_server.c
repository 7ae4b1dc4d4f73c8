/*
 * gen_fd_server.c: a network server (one process) accepting
 * connections.  Arrivals are a Poisson process, a connection lasts a
 * log-normal time, and the server accepts at most max_conns at once
 * (the rest wait in the listen queue until a connection closes).  Each
 * accept opens the lowest free descriptor, as the kernel's fdalloc
 * would, and each connection is closed when its time is up.
 *
 * Events: spawn, limit nofile (max_conns + 4), open 3 (the listening
 * socket), then an open and a close for each of the conns connections,
 * then close 3 and exit: 2 * conns + 5 in all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

enum { FS_SEED, FS_PID, FS_CONNS, FS_RATE, FS_MEAN, FS_MAX, FS_N };

static const struct gen_param fd_server_params[FS_N] = {
	[FS_SEED] = { "seed", 1, 0, INT64_MAX, NULL, "PRNG seed" },
	[FS_PID] = { "pid", 100, 1, KMT_INT_MAX, NULL, "PID of the server" },
	[FS_CONNS] = { "conns", 100000, 0, 1000000000, NULL,
	    "connections in all" },
	[FS_RATE] = { "rate", 2000, 1, 1000000000, NULL,
	    "mean arrivals per second (Poisson)" },
	[FS_MEAN] = { "mean_ms", 50, 1, 1000000, NULL,
	    "mean connection time, ms (log-normal)" },
	[FS_MAX] = { "max_conns", 500, 1, 10000000, NULL,
	    "most connections open at once" },
};

#define LISTEN_FD	3
#define SETUP_NS	1000	/* between the setup events, and at the end */

struct fds_state {
	struct gen_rng	 fs_rng;
	uint32_t	 fs_pid;
	uint64_t	 fs_conns;
	double		 fs_gap;	/* mean time between arrivals, ns */
	double		 fs_mean;	/* mean connection time, ns */
	uint64_t	 fs_max;
	int		 fs_started;
	uint64_t	 fs_arrived;	/* arrivals so far */
	uint64_t	 fs_next;	/* time of the next arrival */
	uint64_t	 fs_backlog;	/* arrived, not yet accepted */
	uint64_t	 fs_active;
	struct gen_heap	 fs_closes;	/* (close time, descriptor) */
	struct gen_heap	 fs_free;	/* free descriptors below fs_nextfd */
	uint32_t	 fs_nextfd;	/* lowest never used */
	uint64_t	 fs_t;		/* time of the last event */
};

static int
fds_check(const int64_t *v, char *err, size_t errlen)
{

	/* The mean time of the last arrival must fit in 64 bits of ns. */
	if ((double)v[FS_CONNS] * 1e9 / (double)v[FS_RATE] > 1e17) {
		snprintf(err, errlen, "fd-server: conns / rate is too long a "
		    "time");
		return -1;
	}
	return 0;
}

static uint64_t
fds_npids(const int64_t *v)
{

	(void)v;
	return 1;
}

static void *
fds_new(const int64_t *v)
{
	struct fds_state *fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	gen_rng_seed(&fs->fs_rng, (uint64_t)v[FS_SEED]);
	fs->fs_pid = (uint32_t)v[FS_PID];
	fs->fs_conns = (uint64_t)v[FS_CONNS];
	fs->fs_gap = 1e9 / (double)v[FS_RATE];
	fs->fs_mean = (double)v[FS_MEAN] * 1e6;
	fs->fs_max = (uint64_t)v[FS_MAX];
	fs->fs_nextfd = LISTEN_FD + 1;
	return fs;
}

/* Accept a connection at time T: open the lowest free descriptor. */
static int
fds_accept(struct fds_state *fs, struct gen_out *out, uint64_t t)
{
	uint32_t fd;

	if (fs->fs_free.h_n > 0)
		fd = (uint32_t)gen_heap_pop(&fs->fs_free).he_time;
	else
		fd = fs->fs_nextfd++;
	if (gen_heap_push(&fs->fs_closes,
	    t + gen_rng_lognormal(&fs->fs_rng, fs->fs_mean), fd) != 0)
		return -1;
	fs->fs_active++;
	gen_open(out, t, fs->fs_pid, fd);
	fs->fs_t = t;
	return 0;
}

static int
fds_step(void *st, struct gen_out *out)
{
	struct fds_state *fs = st;
	struct gen_heap_ent e;
	int arrivals;

	if (!fs->fs_started) {
		fs->fs_started = 1;
		gen_spawn(out, 0, fs->fs_pid);
		gen_limit_nofile(out, SETUP_NS, fs->fs_pid,
		    fs->fs_max + LISTEN_FD + 1);
		gen_open(out, 2 * SETUP_NS, fs->fs_pid, LISTEN_FD);
		fs->fs_t = 2 * SETUP_NS;
		fs->fs_next = fs->fs_t + gen_rng_exp(&fs->fs_rng, fs->fs_gap);
		return 1;
	}
	for (;;) {
		arrivals = fs->fs_arrived < fs->fs_conns;
		if (!arrivals && fs->fs_closes.h_n == 0) {
			gen_close(out, fs->fs_t + SETUP_NS, fs->fs_pid,
			    LISTEN_FD);
			gen_exit(out, fs->fs_t + 2 * SETUP_NS, fs->fs_pid);
			return 0;
		}
		if (fs->fs_closes.h_n > 0 && (!arrivals ||
		    fs->fs_closes.h_ent[0].he_time <= fs->fs_next)) {
			e = gen_heap_pop(&fs->fs_closes);
			gen_close(out, e.he_time, fs->fs_pid,
			    (uint32_t)e.he_key);
			fs->fs_t = e.he_time;
			fs->fs_active--;
			if (gen_heap_push(&fs->fs_free, e.he_key, 0) != 0)
				return -1;
			if (fs->fs_backlog > 0) {
				/* The next in the listen queue. */
				fs->fs_backlog--;
				if (fds_accept(fs, out, e.he_time) != 0)
					return -1;
			}
			return 1;
		}
		fs->fs_arrived++;
		if (fs->fs_active < fs->fs_max) {
			if (fds_accept(fs, out, fs->fs_next) != 0)
				return -1;
		} else
			fs->fs_backlog++;
		fs->fs_next += gen_rng_exp(&fs->fs_rng, fs->fs_gap);
		if (out->o_n > 0)
			return 1;
	}
}

static void
fds_free(void *st)
{
	struct fds_state *fs = st;

	gen_heap_free(&fs->fs_closes);
	gen_heap_free(&fs->fs_free);
	free(fs);
}

const struct gen gen_fd_server = {
	.g_name = "fd-server",
	.g_summary = "a server taking Poisson connections on the lowest "
	    "free fd",
	.g_params = fd_server_params,
	.g_nparams = FS_N,
	.g_check = fds_check,
	.g_npids = fds_npids,
	.g_new = fds_new,
	.g_step = fds_step,
	.g_free = fds_free,
};
