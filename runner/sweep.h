/*
 * sweep.h: matrix --sweep KEY=V1,V2,... or KEY=LO..HI/STEP, one setting
 * taken through several values; matrix forms the cartesian product of
 * its sweeps with strategies, machines, traces and repetitions.
 */
#ifndef KM_SWEEP_H
#define KM_SWEEP_H

#include <stddef.h>

#define SWEEP_MAX	16		/* --sweep options */
#define SWEEP_MAXVALS	100000		/* values of one */

struct sweep {
	char		 sw_key[64];	/* nkmempages, fdlimit.share */
	char		 sw_strategy[64];	/* "": a machine setting */
	char		**sw_sets;	/* "KEY=V", one per value */
	size_t		 sw_n;
};

/*
 * Parse ARG: KEY a numeric machine setting (machines --settings) or a
 * strategy's STRATEGY.KEY (strategies -v); the values a comma-separated
 * list of numbers, or LO..HI/STEP (whole numbers, HI included).  0, or
 * -1 with a one-line ERR naming what is wrong.
 */
int	sweep_parse(const char *arg, struct sweep *, char *err, size_t errlen);
void	sweep_free(struct sweep *);

struct strategy;

/* Whether SW varies the cases of strategy S: a machine setting, or S's. */
int	sweep_applies(const struct sweep *sw, const struct strategy *s);

/*
 * The value of KEY, a machine setting or STRATEGY.KEY, in a stored
 * case's inputs (the "case" table's inputs column) into OUT; "-" when
 * the case has none.
 */
void	sweep_value(const char *inputs, const char *key, char *out,
	    size_t len);

#endif /* KM_SWEEP_H */
