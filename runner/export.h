/*
 * export.h: the store's figures as TSV files for the gnuplot scripts in
 * plots/, and the queries kmbench plot and kmbench report share.
 *
 * Every export writes under a directory and returns 1 when it wrote
 * its files, 0 when the store holds no data for it (WHY says what is
 * missing), or -1 on an error (WHY holds it).  The latest stored case
 * of each strategy, machine and workload is the one used; a workload is
 * named by its trace's file name up to the first dot (pr14721 for
 * bench-out/pr14721.kmt.zst).  What is shown (traces, machine,
 * strategies) is a struct sel (select.h).
 */
#ifndef KM_EXPORT_H
#define KM_EXPORT_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sel;

#define EXP_MAXMACH	32

/* A machine profile as the store names it, with its physical memory. */
struct exp_machine {
	char		em_name[64];
	uint64_t	em_physmem_mib;
};

/* The machines of WORKLOAD's cases that SEL shows (every one, or its
 * --machine), by physical memory.  Count or -1. */
int	exp_machines(struct sqlite3 *, const struct sel *,
	    const char *workload, struct exp_machine *, int max, char *why,
	    size_t whylen);

/* The id of the latest case of STRATEGY on MACHINE replaying WORKLOAD:
 * 1 with *ID, 0 when there is none, -1 on an error. */
int	exp_case(struct sqlite3 *, const char *strategy, const char *machine,
	    const char *workload, int64_t *id, char *why, size_t whylen);

/* Result NAME of case ID into *V: 1, 0 when absent, -1 on an error. */
int	exp_result(struct sqlite3 *, int64_t id, const char *name, double *v);

/*
 * The outcome of case ID: "survived", "panic", "hung" (survived with
 * processes asleep at the end) or "exhausted" (survived, but kmem_map's
 * largest free extent at the end is smaller than the largest ordinary
 * M_WAITOK malloc of the replay needs: the next such request panics;
 * docs/metrics.md); NULL on an error.
 */
const char *exp_outcome(struct sqlite3 *, int64_t id);

/*
 * Latency of one series ("malloc": the successful calls; "malloc.refused"
 * the others) in the repetitions of the latest case of STRATEGY on
 * MACHINE replaying WORKLOAD (the cases of the same commit and trace),
 * every arena merged within a repetition.  el_q: p50, p99, p99.9 and
 * max, each the median over repetitions, el_lo and el_hi the least and
 * greatest.  el_stalls: repetitions whose max is a host stall (over
 * EXP_STALL times their p99.9).  1, 0 when there is none, -1.
 */
#define EXP_STALL	100
struct exp_lat {
	int		el_nreps;
	uint64_t	el_count;	/* calls, every repetition */
	double		el_q[4], el_lo[4], el_hi[4];
	int		el_stalls;
};
int	exp_latency(struct sqlite3 *, const char *strategy,
	    const char *machine, const char *workload, const char *series,
	    struct exp_lat *, char *why, size_t whylen);

/* The files, each under DIR (created by the caller), for the strategies
 * and machines SEL shows. */
int	export_maps(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *workload, const char *machine, const char *map,
	    char *why, size_t whylen);
int	export_grid(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *workload, char *why, size_t whylen);
int	export_maxfds(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *workload, char *why, size_t whylen);
/* Latency of the successful calls of SEL's headline trace and machine. */
int	export_latpct(struct sqlite3 *, const struct sel *, const char *dir,
	    char *why, size_t whylen);
int	export_latcdf(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *op, char *why, size_t whylen);
int	export_frag(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *workload, const char *machine, const char *map,
	    char *why, size_t whylen);
int	export_history(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *metric, const char *workload, const char *machine,
	    char *why, size_t whylen);
/* FIGURE against KEY, a setting a matrix swept (export_sweep.c). */
int	export_sweep(struct sqlite3 *, const struct sel *, const char *dir,
	    const char *figure, const char *key, const char *workload,
	    const char *machine, char *why, size_t whylen);

#endif /* KM_EXPORT_H */
