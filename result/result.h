/*
 * result.h: what one replayed case produced, in the shape the store
 * keeps it (db/schema.sql: the case's outcome, and its rows of result,
 * latency, series and proc).
 *
 * The runner makes a result from a replay and its probes
 * (runner/replay_result.c); the store writes it (db/store.c).  It sits
 * below both, so that neither reaches into the other: the store knows
 * nothing of the replayer's or the probes' own structures.
 */
#ifndef KM_RESULT_H
#define KM_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/kprobe.h"

struct profile;

/* The errors a replayed call can get, counted per process and in all. */
enum kerr { KE_EMFILE, KE_ENFILE, KE_ENOMEM, KE_EBADF, KE_EAGAIN, KE_NERR };
extern const char *const kerr_names[KE_NERR];

#define RESULT_NAMEMAX	96

/* A named figure: "max_fds", "kmem_map.jw3", "type.M_FILEDESC.calls". */
struct result_figure {
	char		 rf_name[RESULT_NAMEMAX];
	double		 rf_value;
	int		 rf_det;	/* 1: a pure function of the inputs */
};

/* A latency histogram's bucket that counted something. */
struct result_bucket {
	uint16_t	 rb_index;	/* hist_bucket()'s number */
	uint64_t	 rb_count;
};

/* The latency of one operation in one arena ("fdexpand", "kmem_map"). */
struct result_latency {
	char		 rl_op[64];	/* "fdexpand", "fdexpand.refused" */
	const char	*rl_arena;	/* kp_arenanames[] */
	uint64_t	 rl_count;
	uint64_t	 rl_p50, rl_p90, rl_p99, rl_p999, rl_max;	/* ns */
	double		 rl_mean;
	struct result_bucket *rl_buckets;	/* by rb_index */
	size_t		 rl_nbuckets;
};

/* One sample of the maps' time series (docs/metrics.md). */
struct result_sample {
	uint64_t	 rs_event;
	uint64_t	 rs_time;
	const char	*rs_why;	/* "every", "refused", "panic", ... */
	struct {
		uint32_t footprint;	/* pages held by the allocators */
		uint64_t live;		/* bytes asked, live */
		uint64_t waste;		/* bytes given minus bytes asked */
		uint32_t freeheld;	/* bucket and pool pages all free */
		uint32_t largest;	/* largest free extent, pages */
		uint32_t freepages;	/* free pages of the map */
	} rs_map[KP_NMAPS];		/* kp_arenanames[] order */
	uint32_t	 rs_wired;
};

/* One process of the trace, as the replay left it. */
struct result_proc {
	uint32_t	 rp_pid;
	const char	*rp_state;	/* "running", "hung", "exited", "never" */
	long		 rp_max_fds;
	long		 rp_errors[KE_NERR];
	long		 rp_skipped;
};

struct result {
	const struct profile *res_prof;	/* the machine as it was booted */
	const char	*res_outcome;	/* "survived" or "panic" */
	struct result_figure *res_fig;
	size_t		 res_nfig, res_figcap;
	struct result_latency *res_lat;
	size_t		 res_nlat, res_latcap;
	struct result_sample *res_samples;
	size_t		 res_nsamples;
	struct result_proc *res_procs;
	size_t		 res_nprocs;
};

void	result_init(struct result *);
void	result_free(struct result *);

/* Add a figure (NAME is copied, cut at RESULT_NAMEMAX).  0, or -1. */
int	result_figure(struct result *, const char *name, double value,
	    int det);
/* A new latency row, zeroed, with room for NBUCKETS buckets, or NULL. */
struct result_latency *result_latency(struct result *, size_t nbuckets);
/* Room for N samples, or N processes, zeroed (NULL: out of memory). */
struct result_sample *result_samples(struct result *, size_t n);
struct result_proc *result_procs(struct result *, size_t n);

#endif /* KM_RESULT_H */
