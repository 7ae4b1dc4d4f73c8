/*
 * hist.c: log-linear histograms (see hist.h).
 */
#include <math.h>
#include <string.h>

#include "hist.h"

void
hist_init(struct hist *h)
{

	memset(h, 0, sizeof(*h));
	h->h_min = UINT64_MAX;
}

unsigned
hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	if (e > HIST_MAXEXP)
		return HIST_NBUCKETS - 1;
	/* The 16 buckets of [2^e, 2^(e+1)) follow those of 2^(e-1). */
	return (e - HIST_SUBBITS + 1) * HIST_SUB +
	    (unsigned)((v >> (e - HIST_SUBBITS)) & (HIST_SUB - 1));
}

uint64_t
hist_lowest(unsigned i)
{
	unsigned e, sub;

	if (i < 2 * HIST_SUB)
		return i;
	e = i / HIST_SUB + HIST_SUBBITS - 1;
	sub = i % HIST_SUB;
	return (uint64_t)(HIST_SUB + sub) << (e - HIST_SUBBITS);
}

void
hist_add(struct hist *h, uint64_t v)
{

	hist_addn(h, v, 1);
}

void
hist_addn(struct hist *h, uint64_t v, uint64_t n)
{

	h->h_bucket[hist_bucket(v)] += n;
	h->h_count += n;
	h->h_sum += n * v;
	if (v < h->h_min)
		h->h_min = v;
	if (v > h->h_max)
		h->h_max = v;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned i;

	for (i = 0; i < HIST_NBUCKETS; i++)
		dst->h_bucket[i] += src->h_bucket[i];
	dst->h_count += src->h_count;
	dst->h_sum += src->h_sum;
	if (src->h_min < dst->h_min)
		dst->h_min = src->h_min;
	if (src->h_max > dst->h_max)
		dst->h_max = src->h_max;
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	unsigned i;

	if (h->h_count == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->h_count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->h_bucket[i];
		if (seen >= rank)
			break;
	}
	v = hist_lowest(i);
	if (v < h->h_min)
		v = h->h_min;
	if (v > h->h_max)
		v = h->h_max;
	return v;
}
