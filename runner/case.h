/*
 * case.h: one case, a trace replayed on one machine under one strategy,
 * as run and matrix run it: boot, probes, replay, report, store.
 */
#ifndef KM_CASE_H
#define KM_CASE_H

#include <stdint.h>
#include <stdio.h>

#include "../kernel/profile.h"

struct machine;
struct replay;
struct store;
struct strategy;

#define CASE_MAXSETS	64

struct case_spec {
	const struct strategy *cs_strategy;
	struct profile	 cs_prof;
	const char	*cs_params[CASE_MAXSETS];	/* strategy settings */
	size_t		 cs_nparams;
	const char	*cs_trace;
	char		 cs_sha256[65];		/* of the trace file */
	int		 cs_rep;
	int		 cs_probes;		/* fragmentation, exhaustion */
	int		 cs_latency;		/* and latency */
	uint64_t	 cs_every;		/* sample period, events */
	int		 cs_check;		/* invariants after each event */
	int		 cs_already;		/* out: it was stored already */
	int		 cs_keepwarning;	/* the reader's warning goes to */
	char		 cs_warning[1024];	/* here, not to stderr */
};

enum case_report { CR_NONE, CR_TEXT, CR_JSON, CR_BRIEF };

/* Defaults: probes and latency on, a sample every 10000 events. */
void	case_init(struct case_spec *, const struct strategy *,
	    const struct profile *, const char *trace);

/*
 * Apply "--set" ASSIGNMENT: KEY=VALUE for the profile, STRATEGY.KEY=VALUE
 * for the strategy (kept by pointer).  0, or -1 with ERR.
 */
int	case_set(struct case_spec *, const char *assignment, char *err,
	    size_t errlen);

/* The case's store key and inputs (the trace's SHA-256 is computed). */
int	case_key(struct case_spec *, char key[65], char *inputs,
	    size_t inputslen, char *err, size_t errlen);

/* What case_run returns when the store failed (full, I/O error, ...). */
#define CASE_ESTORE	3

/*
 * Run the case; print REPORT to OUT; store it in ST (if not NULL) under
 * RUN_ID.  The case is stored under the digest of the bytes the replay
 * read; if the trace's digest was known before (cs_sha256, as a matrix
 * computes it for the case key) and they differ, the file changed and
 * nothing is stored.  A case whose key is stored already is not stored
 * again (cs_already is set) unless cs_force.  Returns 0, 2 for bad input
 * (trace, profile), CASE_ESTORE when the store failed, 1 for another
 * failure, with ERR.
 */
int	case_run(struct case_spec *, enum case_report, FILE *out,
	    struct store *st, int64_t run_id, char *err, size_t errlen);

/* The directory of machine profiles. */
const char *machines_dir(void);

/*
 * The names of the profiles in machines_dir(), at most MAX into V
 * (strdup'ed; the caller frees them): 32-bit machines before 64-bit
 * ones, each by memory, then by name.  Returns how many.
 */
int	machines_list(char **v, int max);

#endif /* KM_CASE_H */
