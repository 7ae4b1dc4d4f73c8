/*
 * hist.h: log-linear latency histograms.
 *
 * Values below 32 ns have a bucket each; above, every power of two is
 * split into 16 buckets, so a bucket is at most 1/16 (6.25%) of its
 * value wide, up to 2^47 ns.  Quantiles are reported as the lowest value
 * of the bucket that holds them (clamped to the smallest and largest
 * value seen), so they are never above the true value by more than a
 * bucket's width and never below by anything.
 */
#ifndef KM_HIST_H
#define KM_HIST_H

#include <stdint.h>

#define HIST_SUBBITS	4
#define HIST_SUB	(1 << HIST_SUBBITS)
#define HIST_MAXEXP	47
#define HIST_NBUCKETS	((HIST_MAXEXP - HIST_SUBBITS + 2) * HIST_SUB)

struct hist {
	uint64_t	h_count;
	uint64_t	h_min;
	uint64_t	h_max;
	uint64_t	h_sum;
	uint64_t	h_bucket[HIST_NBUCKETS];
};

void	hist_init(struct hist *);
void	hist_add(struct hist *, uint64_t value);
/* VALUE N times: one timed call that stands for N (kprobe.h). */
void	hist_addn(struct hist *, uint64_t value, uint64_t n);
/* Merge SRC into DST. */
void	hist_merge(struct hist *dst, const struct hist *src);
/* The Q-quantile (0 < Q <= 1): the value of rank ceil(Q * count). */
uint64_t hist_quantile(const struct hist *, double q);

/* The bucket of VALUE, and the lowest value of bucket I. */
unsigned hist_bucket(uint64_t value);
uint64_t hist_lowest(unsigned i);

#endif /* KM_HIST_H */
