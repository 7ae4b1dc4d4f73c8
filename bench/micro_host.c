/*
 * micro_host.c: the reference points for micro_kernel.c: the same
 * malloc/free pairs and bursts with the host's allocators, glibc's
 * malloc, jemalloc and mimalloc.  jemalloc's Debian build exports the
 * unprefixed malloc and free, so both libraries are dlopen()ed
 * privately and their functions looked up by name; a library that is
 * not installed leaves its benchmarks reporting an error.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gbench.h"

#define MH_BURST	1000

struct mh_alloc {
	const char	*lib;		/* NULL: the C library's */
	const char	*mallocsym;
	const char	*freesym;
	void		*(*fmalloc)(size_t);
	void		 (*ffree)(void *);
	char		 err[256];
	int		 tried;
};

static struct mh_alloc a_glibc = { NULL, "malloc", "free", NULL, NULL,
	"", 0 };
static struct mh_alloc a_jemalloc = { "libjemalloc.so.2", "malloc",
	"free", NULL, NULL, "", 0 };
static struct mh_alloc a_mimalloc = { "libmimalloc.so.2", "mi_malloc",
	"mi_free", NULL, NULL, "", 0 };

/* Resolve A's functions; 0, or -1 having reported why. */
static int
mh_open(gb_state *st, struct mh_alloc *a)
{
	void *h;

	if (!a->tried) {
		a->tried = 1;
		if (a->lib == NULL) {
			a->fmalloc = malloc;
			a->ffree = free;
		} else if ((h = dlopen(a->lib, RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			snprintf(a->err, sizeof(a->err), "%s", dlerror());
		} else {
			*(void **)&a->fmalloc = dlsym(h, a->mallocsym);
			*(void **)&a->ffree = dlsym(h, a->freesym);
			if (a->fmalloc == NULL || a->ffree == NULL)
				snprintf(a->err, sizeof(a->err), "%s: no %s",
				    a->lib, a->mallocsym);
		}
	}
	if (a->fmalloc == NULL || a->ffree == NULL) {
		gb_error(st, a->err);
		return -1;
	}
	return 0;
}

static double
stat_max(const double *v, size_t n, void *arg)
{
	double m = v[0];
	size_t i;

	(void)arg;
	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static double
stat_quantile(const double *v, size_t n, void *arg)
{

	return gb_quantile(v, n, *(const double *)arg);
}

static double q99 = 0.99;

static gb_bench *
mh_stats(gb_bench *b)
{

	gb_statistic(b, "p99", stat_quantile, &q99, 0);
	return gb_statistic(b, "max", stat_max, NULL, 0);
}

static void
bm_pair(gb_state *st, void *arg)
{
	struct mh_alloc *a = arg;
	size_t size = (size_t)gb_range(st, 0);
	void *p;

	if (mh_open(st, a) != 0)
		return;
	while (gb_keep_running(st)) {
		if ((p = a->fmalloc(size)) == NULL) {
			gb_error(st, "malloc: out of memory");
			break;
		}
		gb_escape(p);
		a->ffree(p);
	}
	gb_set_items(st, gb_iterations(st));
}

static void
bm_burst(gb_state *st, void *arg)
{
	struct mh_alloc *a = arg;
	size_t size = (size_t)gb_range(st, 0);
	static void *held[MH_BURST];
	int i, failed = 0;

	if (mh_open(st, a) != 0)
		return;
	while (!failed && gb_keep_running_batch(st, MH_BURST)) {
		for (i = 0; i < MH_BURST; i++) {
			if ((held[i] = a->fmalloc(size)) == NULL) {
				gb_error(st, "malloc: out of memory");
				failed = 1;
				break;
			}
			gb_escape(held[i]);
		}
		while (i-- > 0)
			a->ffree(held[i]);
	}
	gb_set_items(st, gb_iterations(st));
}

static void
mh_one(const char *pair, const char *burst, struct mh_alloc *a)
{
	gb_bench *b;

	b = gb_register(pair, bm_pair, a);
	gb_args_range(gb_range_multiplier(b, 2), 16, 512 << 10);
	mh_stats(b);
	b = gb_register(burst, bm_burst, a);
	gb_args_range(gb_range_multiplier(b, 4), 16, 4096);
	mh_stats(b);
}

static void mh_register(void) __attribute__((constructor));

static void
mh_register(void)
{

	mh_one("pair/glibc", "burst/glibc", &a_glibc);
	mh_one("pair/jemalloc", "burst/jemalloc", &a_jemalloc);
	mh_one("pair/mimalloc", "burst/mimalloc", &a_mimalloc);
}
