/*
 * stats.h: the statistics kmbench compare judges latency with: the
 * Mann-Whitney U test (two-sided), a minimum effect relative and in
 * nanoseconds, as Google Benchmark's compare.py and LLVM's LNT do, and
 * the Benjamini-Hochberg control of the false-discovery rate across all
 * the figures compared.
 */
#ifndef KM_STATS_H
#define KM_STATS_H

#include <stddef.h>

enum verdict { V_UNCHANGED, V_IMPROVED, V_REGRESSED, V_TOOFEW };

extern const char *const verdict_names[];

/* The median of V (N values; V is reordered). */
double	stats_median(double *v, size_t n);

/*
 * The two-sided p-value of the Mann-Whitney U test of samples A and B:
 * exact for up to 20 values a side without ties, else the normal
 * approximation with tie and continuity corrections.
 */
double	mwu_pvalue(const double *a, size_t na, const double *b, size_t nb);

/* The smallest two-sided p-value samples of NA and NB values can give. */
double	mwu_minp(size_t na, size_t nb);

/*
 * The verdict on latency samples BASE and HEAD (lower is better), one
 * test alone: a regression or an improvement needs p < ALPHA and a
 * change of the medians of at least EFFECT (0.05 for 5%) of the base's
 * median and at least FLOOR_NS.  Samples too small to ever reach
 * p < ALPHA (3 against 3 cannot go below 0.1) are V_TOOFEW.  *P is the
 * p-value.  kmbench compare judges many figures at once: it takes the
 * p-values, adjusts them with stats_bh() and calls stats_judge().
 */
enum verdict stats_verdict(const double *base, size_t nb, const double *head,
	    size_t nh, double effect, double floor_ns, double alpha, double *p);

/*
 * The verdict on medians MB and MH given the (adjusted) p-value P: as
 * stats_verdict() says.
 */
enum verdict stats_judge(double mb, double mh, double p, double effect,
	    double floor_ns, double alpha);

/*
 * The fewest repetitions a side (equal on both) with which the
 * Mann-Whitney test can reach p < ALPHA at all: 4 at 0.05 (2/70).
 */
size_t	stats_minreps(double alpha);

/*
 * Benjamini-Hochberg: the adjusted p-values Q of the N p-values P, so
 * that calling every test with Q < alpha a discovery keeps the expected
 * share of false discoveries among them at most alpha (for independent
 * or positively dependent tests).  0, or -1 when out of memory.
 */
int	stats_bh(const double *p, size_t n, double *q);

#endif /* KM_STATS_H */
