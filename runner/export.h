/*
 * export.h: the store's figures as TSV files for the gnuplot scripts in
 * plots/, and the queries kmbench plot and kmbench report share.
 *
 * Every export writes under a directory and returns 1 when it wrote
 * its files, 0 when the store holds no data for it (WHY says what is
 * missing), or -1 on an error (WHY holds it).  The latest stored case
 * of each strategy, machine and workload is the one used; a workload is
 * named by its trace's file name up to the first dot (pr14721 for
 * bench-out/pr14721.kmt.zst).
 */
#ifndef KM_EXPORT_H
#define KM_EXPORT_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

/* The strategies of PR kern/14721, in the order of every figure. */
#define EXP_NSTRAT	4
extern const char *const exp_strategies[EXP_NSTRAT];

#define EXP_MAXMACH	32

/* A machine profile as the store names it, with its physical memory. */
struct exp_machine {
	char		em_name[64];
	uint64_t	em_physmem_mib;
};

/* The machines of WORKLOAD's cases, by physical memory.  Count or -1. */
int	exp_machines(struct sqlite3 *, const char *workload,
	    struct exp_machine *, int max, char *why, size_t whylen);

/* The id of the latest case of STRATEGY on MACHINE replaying WORKLOAD:
 * 1 with *ID, 0 when there is none, -1 on an error. */
int	exp_case(struct sqlite3 *, const char *strategy, const char *machine,
	    const char *workload, int64_t *id, char *why, size_t whylen);

/* Result NAME of case ID into *V: 1, 0 when absent, -1 on an error. */
int	exp_result(struct sqlite3 *, int64_t id, const char *name, double *v);

/* The outcome of case ID: "survived", "panic" or "hung" (survived
 * with processes asleep at the end); NULL on an error. */
const char *exp_outcome(struct sqlite3 *, int64_t id);

/*
 * Percentiles of OP's latency (every arena) for STRATEGY, the
 * histograms of the latest cases of every workload and machine merged:
 * Q[0..3] = p50, p99, p99.9, max in ns.  1, 0 when none, -1.
 */
int	exp_latency(struct sqlite3 *, const char *strategy, const char *op,
	    uint64_t q[4], char *why, size_t whylen);

/* The files, each under DIR (created by the caller). */
int	export_maps(struct sqlite3 *, const char *dir, const char *workload,
	    const char *machine, const char *map, char *why, size_t whylen);
int	export_grid(struct sqlite3 *, const char *dir, const char *workload,
	    char *why, size_t whylen);
int	export_maxfds(struct sqlite3 *, const char *dir, const char *workload,
	    char *why, size_t whylen);
int	export_latpct(struct sqlite3 *, const char *dir, char *why,
	    size_t whylen);
int	export_latcdf(struct sqlite3 *, const char *dir, const char *op,
	    char *why, size_t whylen);
int	export_frag(struct sqlite3 *, const char *dir, const char *workload,
	    const char *machine, const char *map, char *why, size_t whylen);
int	export_history(struct sqlite3 *, const char *dir, const char *metric,
	    const char *workload, const char *machine, char *why,
	    size_t whylen);

#endif /* KM_EXPORT_H */
