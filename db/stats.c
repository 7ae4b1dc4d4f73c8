/*
 * stats.c: the Mann-Whitney U test, the Benjamini-Hochberg adjustment
 * and the verdicts of kmbench compare.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

const char *const verdict_names[] = {
	"unchanged", "improved", "regressed", "too few reps"
};

static int
dblcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
stats_median(double *v, size_t n)
{

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), dblcmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The number of arrangements of M a-values and N b-values with U = u,
 * for every u, by the recurrence c(m, n, u) = c(m-1, n, u-n) +
 * c(m, n-1, u).  The counts fit a double exactly for m, n <= 20.
 */
static void
u_counts(size_t m, size_t n, double *out)
{
	size_t umax = m * n, i, j, u;
	double *prev, *cur, *tab;

	/* tab[j][u] for the current i; j from 0 to n. */
	tab = calloc((n + 1) * (umax + 1) * 2, sizeof(*tab));
	if (tab == NULL)
		return;
	prev = tab;
	cur = tab + (n + 1) * (umax + 1);
	for (j = 0; j <= n; j++)
		prev[j * (umax + 1)] = 1;	/* i = 0: U = 0 */
	for (i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (umax + 1) * sizeof(*cur));
		cur[0] = 1;			/* j = 0: U = 0 */
		for (j = 1; j <= n; j++)
			for (u = 0; u <= i * j; u++) {
				double c = cur[(j - 1) * (umax + 1) + u];

				if (u >= j)
					c += prev[j * (umax + 1) + u - j];
				cur[j * (umax + 1) + u] = c;
			}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	memcpy(out, prev + n * (umax + 1), (umax + 1) * sizeof(*out));
	free(tab);
}

double
mwu_pvalue(const double *a, size_t na, const double *b, size_t nb)
{
	size_t n = na + nb, i, j, k;
	double *v, *rank, ra = 0, u, mu, sigma2, z, ties = 0, p;
	int *from, tied = 0;

	if (na == 0 || nb == 0)
		return 1;
	v = malloc(n * sizeof(*v));
	rank = malloc(n * sizeof(*rank));
	from = malloc(n * sizeof(*from));
	if (v == NULL || rank == NULL || from == NULL) {
		free(v);
		free(rank);
		free(from);
		return 1;
	}
	/* Sort the pooled values (insertion sort keeps the sides). */
	for (i = 0; i < n; i++) {
		double x = i < na ? a[i] : b[i - na];
		int f = i < na;

		for (j = i; j > 0 && v[j - 1] > x; j--) {
			v[j] = v[j - 1];
			from[j] = from[j - 1];
		}
		v[j] = x;
		from[j] = f;
	}
	/* Midranks for ties. */
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && v[k] == v[i]; k++)
			continue;
		for (j = i; j < k; j++)
			rank[j] = (double)(i + k + 1) / 2;
		if (k - i > 1) {
			double t = (double)(k - i);

			tied = 1;
			ties += t * t * t - t;
		}
	}
	for (i = 0; i < n; i++)
		if (from[i])
			ra += rank[i];
	u = ra - (double)na * (double)(na + 1) / 2;
	free(v);
	free(rank);
	free(from);
	if (!tied && na <= 20 && nb <= 20) {
		size_t umax = na * nb, x;
		double *c = calloc(umax + 1, sizeof(*c)), total = 0, le = 0;
		double ge = 0;

		if (c == NULL)
			return 1;
		u_counts(na, nb, c);
		for (x = 0; x <= umax; x++) {
			total += c[x];
			if ((double)x <= u)
				le += c[x];
			if ((double)x >= u)
				ge += c[x];
		}
		free(c);
		p = 2 * (le < ge ? le : ge) / total;
		return p > 1 ? 1 : p;
	}
	mu = (double)na * (double)nb / 2;
	sigma2 = (double)na * (double)nb / 12 *
	    ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (sigma2 <= 0)
		return 1;
	z = (fabs(u - mu) - 0.5) / sqrt(sigma2);
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2));
}

double
mwu_minp(size_t na, size_t nb)
{
	double c = 1;
	size_t i;

	/* 2 / C(na + nb, na): every a below every b. */
	for (i = 1; i <= na; i++)
		c = c * (double)(nb + i) / (double)i;
	return 2 / c;
}

enum verdict
stats_judge(double mb, double mh, double p, double effect, double floor_ns,
    double alpha)
{
	double need = mb * effect;

	if (need < floor_ns)
		need = floor_ns;
	if (!(p < alpha) || mb <= 0)
		return V_UNCHANGED;
	if (mh - mb >= need)
		return V_REGRESSED;
	if (mb - mh >= need)
		return V_IMPROVED;
	return V_UNCHANGED;
}

size_t
stats_minreps(double alpha)
{
	size_t n;

	for (n = 1; n < 64; n++)
		if (mwu_minp(n, n) < alpha)
			return n;
	return n;
}

enum verdict
stats_verdict(const double *base, size_t nb, const double *head, size_t nh,
    double effect, double floor_ns, double alpha, double *pp)
{
	double *b, *h, mb, mh, p;

	*pp = 1;
	if (nb == 0 || nh == 0 || mwu_minp(nb, nh) >= alpha)
		return V_TOOFEW;
	p = mwu_pvalue(base, nb, head, nh);
	*pp = p;
	b = malloc(nb * sizeof(*b));
	h = malloc(nh * sizeof(*h));
	if (b == NULL || h == NULL) {
		free(b);
		free(h);
		return V_UNCHANGED;
	}
	memcpy(b, base, nb * sizeof(*b));
	memcpy(h, head, nh * sizeof(*h));
	mb = stats_median(b, nb);
	mh = stats_median(h, nh);
	free(b);
	free(h);
	return stats_judge(mb, mh, p, effect, floor_ns, alpha);
}

/* Indices ordered by the p-values ARG points to. */
static int
bh_cmp(const void *a, const void *b, void *arg)
{
	const double *p = arg;
	double x = p[*(const size_t *)a], y = p[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

int
stats_bh(const double *p, size_t n, double *q)
{
	size_t *ix, i;
	double run = 1;

	if (n == 0)
		return 0;
	if ((ix = malloc(n * sizeof(*ix))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof(*ix), bh_cmp, (void *)(uintptr_t)p);
	/*
	 * The i-th smallest (from 1) is scaled by n / i; the adjusted value
	 * is the least over it and every larger one (step-up), at most 1.
	 */
	for (i = n; i > 0; i--) {
		double v = p[ix[i - 1]] * (double)n / (double)i;

		if (v < run)
			run = v;
		q[ix[i - 1]] = run;
	}
	free(ix);
	return 0;
}
