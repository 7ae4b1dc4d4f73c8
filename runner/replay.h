/*
 * replay.h: replaying one kmtrace on one machine under one strategy.
 *
 * The replayer keeps the trace's view of every process (which
 * descriptors, mappings and kmallocs the recorded program had) beside
 * the simulated kernel's, so that it can tell a malformed trace from an
 * event the kernel refused, and it drives the kernel paths event by
 * event.  See docs/kmtrace.5 for the rules it applies.
 */
#ifndef KM_REPLAY_H
#define KM_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include "../kernel/kern_proc.h"
#include "../result/result.h"
#include "../workloads/kmtrace.h"
#include "table.h"

struct machine;
struct probe;

/*
 * The replay's bounds, so that its memory stays bounded whatever the
 * trace: process records (one per PID ever named, about 2.4 KiB each,
 * some 300 MiB at the limit), live mapping and kmalloc IDs over all
 * processes (about 100 bytes each) and descriptor slots over all the
 * descriptor views (1 byte a slot in a view's direct array, 12 in its
 * hash; the views are shared copy-on-write between a parent and the
 * children of its forks, so a view is counted once however many share
 * it).  Past them the replay stops with "too many ..." and exit status
 * 2 (kmtrace(5), LIMITS).
 */
#define REPLAY_MAXPROCS	131072
#define REPLAY_MAXIDS	2097152
#define REPLAY_MAXFDSLOTS 16777216

/*
 * The trace's descriptors of one or more processes: a fork shares its
 * parent's view, and whichever of them changes it first gets a copy.
 */
struct fdview {
	struct u32tab	 fv_t;
	unsigned long	 fv_refs;
	size_t		 fv_slots;	/* counted in r_fdslots */
};

/* The errors a call can get (enum kerr) are result.h's. */

enum rstate {
	RS_RUNNING,	/* alive in the kernel */
	RS_ASLEEP,	/* sleeping; hung if nothing ever wakes it */
	RS_EXITED,
	RS_NEVER	/* its fork (or spawn) was refused */
};

struct rproc {
	uint32_t	 rp_pid;
	int		 rp_alive;	/* alive in the trace */
	enum rstate	 rp_state;
	int		 rp_kalive;	/* rp_kp holds kernel resources */
	struct proc	 rp_kp;
	struct fdview	*rp_fds;	/* the trace's descriptors, or NULL */
	struct idtab	 rp_maps;	/* the trace's mappings */
	struct idtab	 rp_kmallocs;	/* the trace's kmallocs */
	struct kmt_event rp_pending;	/* the call it sleeps in */
	long		 rp_max_fds;
	long		 rp_errors[KE_NERR];
	long		 rp_skipped;
	long		 rp_sleeps;
	uint64_t	 rp_sleep_event;	/* the event it last slept in */
};

struct replay {
	struct machine	*r_m;
	const char	*r_trace;
	struct rproc	**r_procs;	/* hash by PID */
	size_t		 r_nprocs, r_cap;
	struct rproc	*r_kernel;	/* PID 0 */
	struct rproc	**r_sleepers;
	size_t		 r_nsleepers, r_sleepcap;
	uint64_t	 r_events;	/* events read (to the panic) */
	uint64_t	 r_skipped;
	size_t		 r_nids;	/* live IDs in every view */
	size_t		 r_fdslots;	/* descriptor slots in every view */
	long		 r_errors[KE_NERR];
	int		 r_panicked;
	uint64_t	 r_panic_event;
	uint32_t	 r_panic_pid;
	uint64_t	 r_panic_time;
	int		 r_progress;	/* show progress on stderr */
	struct probe	*r_probe;	/* NULL: no probes */
	/* The malloc type of the last kmalloc, and its index. */
	char		 r_typename[KMT_TOKEN_MAX + 1];
	uint8_t		 r_typelen;	/* 0: none yet */
	int		 r_type;
	/* The reader's warning (a version-1 trace, an allowed truncation). */
	char		 r_warning[1024];
};

/*
 * Replay the trace at PATH on machine M, with probes P attached to M
 * (or NULL).  Returns 0 when the replay ran (whatever the outcome), 2
 * for a malformed trace, 1 for an internal failure; ERR holds the
 * one-line message.
 */
int	replay_run(struct replay *, struct machine *, struct probe *p,
	    const char *path, char *err, size_t errlen);
/*
 * The same, and when it returns 0, DIGEST holds the SHA-256 of the
 * bytes the replay read from the file (all of them: what a stopped
 * replay left is read too), so that a file changed meanwhile is seen.
 */
int	replay_run_digest(struct replay *, struct machine *, struct probe *p,
	    const char *path, char digest[65], char *err, size_t errlen);
/*
 * The same from a reader the caller opened and closes (kmt_open_fn()'s,
 * say), NAME naming the trace in messages; it must outlive the replay.
 */
int	replay_run_reader(struct replay *, struct machine *, struct probe *p,
	    struct kmt_reader *rd, const char *name, char *err, size_t errlen);
void	replay_free(struct replay *);

/* The process record for PID, or NULL. */
struct rproc *replay_proc(const struct replay *, uint32_t pid);

#endif /* KM_REPLAY_H */
