/*
 * result.c: building and freeing a case's result (result.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

const char *const kerr_names[KE_NERR] = {
	"EMFILE", "ENFILE", "ENOMEM", "EBADF", "EAGAIN"
};

void
result_init(struct result *res)
{

	memset(res, 0, sizeof(*res));
}

void
result_free(struct result *res)
{
	size_t i;

	for (i = 0; i < res->res_nlat; i++)
		free(res->res_lat[i].rl_buckets);
	free(res->res_lat);
	free(res->res_fig);
	free(res->res_samples);
	free(res->res_procs);
	result_init(res);
}

/* Room for one more element of an array of SIZE-byte ones. */
static int
grow(void **arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 64 : 2 * *cap;
	if ((p = realloc(*arr, ncap * size)) == NULL)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

int
result_figure(struct result *res, const char *name, double value, int det)
{
	struct result_figure *f;

	if (grow((void **)&res->res_fig, res->res_nfig, &res->res_figcap,
	    sizeof(*f)) != 0)
		return -1;
	f = &res->res_fig[res->res_nfig++];
	snprintf(f->rf_name, sizeof(f->rf_name), "%s", name);
	f->rf_value = value;
	f->rf_det = det;
	return 0;
}

struct result_latency *
result_latency(struct result *res, size_t nbuckets)
{
	struct result_latency *l;
	struct result_bucket *b;

	if (grow((void **)&res->res_lat, res->res_nlat, &res->res_latcap,
	    sizeof(*l)) != 0 ||
	    (b = calloc(nbuckets > 0 ? nbuckets : 1, sizeof(*b))) == NULL)
		return NULL;
	l = &res->res_lat[res->res_nlat++];
	memset(l, 0, sizeof(*l));
	l->rl_buckets = b;
	return l;
}

struct result_sample *
result_samples(struct result *res, size_t n)
{

	free(res->res_samples);
	res->res_nsamples = 0;
	if ((res->res_samples = calloc(n > 0 ? n : 1,
	    sizeof(*res->res_samples))) == NULL)
		return NULL;
	res->res_nsamples = n;
	return res->res_samples;
}

struct result_proc *
result_procs(struct result *res, size_t n)
{

	free(res->res_procs);
	res->res_nprocs = 0;
	if ((res->res_procs = calloc(n > 0 ? n : 1,
	    sizeof(*res->res_procs))) == NULL)
		return NULL;
	res->res_nprocs = n;
	return res->res_procs;
}
