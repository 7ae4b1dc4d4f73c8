/*
 * caseline.h: a case as one line of text, as matrix --list prints it
 * and kmbench case runs it, so that any engine that runs command lines
 * (GNU parallel, a Slurm job array) can spread a matrix over machines.
 *
 * The line is nine fields separated by ':', each percent-encoded so that
 * it holds only [A-Za-z0-9._/=+@-] and '%':
 *
 *	km1:STRATEGY:MACHINE:REP:LATENCY:SHA256:INPUTS:SETS:TRACE
 *
 * LATENCY is 1 or 0 (--no-latency), SHA256 the trace file's digest,
 * INPUTS the first 16 hex digits of the SHA-256 of the case's inputs
 * (store.h: strategy, its settings, every machine setting, trace digest,
 * rep), SETS the --set assignments of the case separated by ','.  The
 * line holds no commit, host or time: the same commit and the same
 * trace contents give the same line on every machine.
 */
#ifndef KM_CASELINE_H
#define KM_CASELINE_H

#include <limits.h>
#include <stddef.h>

#include "case.h"

struct caseline {
	char		 cl_strategy[64];
	char		 cl_machine[256];
	int		 cl_rep;
	int		 cl_latency;
	char		 cl_sha256[65];
	char		 cl_inputs[17];
	const char	*cl_sets[CASE_MAXSETS];
	size_t		 cl_nsets;
	char		 cl_trace[PATH_MAX];
	char		 cl_buf[8192];	/* the decoded sets */
};

/* The first 16 hex digits of the SHA-256 of INPUTS, into OUT. */
void	caseline_digest(const char *inputs, char out[17]);

/*
 * The line of case CS (its key computed: cs_sha256 set) run with the
 * NSETS assignments SETS, whose inputs are INPUTS, into BUF.  0, or -1
 * when BUF is too small.
 */
int	caseline_format(const struct case_spec *cs, const char *machine,
	    const char *const *sets, size_t nsets, const char *inputs,
	    char *buf, size_t len);

/* Parse LINE into CL.  0, or -1 with a one-line ERR naming the field. */
int	caseline_parse(const char *line, struct caseline *cl, char *err,
	    size_t errlen);

#endif /* KM_CASELINE_H */
