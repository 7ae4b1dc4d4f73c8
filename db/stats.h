/*
 * stats.h: the statistics kmbench compare judges latency with: the
 * Mann-Whitney U test (two-sided) and a minimum effect, as Google
 * Benchmark's compare.py and LLVM's LNT do.
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
 * The verdict on latency samples BASE and HEAD (lower is better): a
 * regression or an improvement needs p < ALPHA and a change of the
 * medians of at least EFFECT (0.05 for 5%).  Samples too small to ever
 * reach p < ALPHA (3 against 3 cannot go below 0.1) are V_TOOFEW.
 */
enum verdict stats_verdict(const double *base, size_t nb, const double *head,
	    size_t nh, double effect, double alpha, double *p);

#endif /* KM_STATS_H */
