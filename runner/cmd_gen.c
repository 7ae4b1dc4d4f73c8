/*
 * cmd_gen.c: "kmbench gen", which writes the trace of one of the
 * generators (workloads/gen.h) with the parameters given on the
 * command line: parsing, the help text, and the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../workloads/gen.h"
#include "../workloads/kmtrace_write.h"
#include "cmd_gen.h"

#define ERRSZ	1024

static const char gen_usage_text[] =
"usage: kmbench gen NAME [--param K=V]... [--seed N] -o FILE\n"
"\n"
"Writes a synthetic kmtrace file from generator NAME.  FILE ending in\n"
".gz is written gzip, in .zst zstd, and - is the standard output.\n"
"Parameters are integers (or a word where one is listed); --seed N is\n"
"--param seed=N.  The same parameters give the same bytes.  The trace's\n"
"header \"@ command\" holds every parameter used.\n";

/* One generator's summary and parameters. */
static void
gen_usage_one(FILE *f, const struct gen *g)
{
	const struct gen_param *p;
	char kv[96], val[64];
	size_t i;

	fprintf(f, "  %-13s %s\n", g->g_name, g->g_summary);
	for (i = 0; i < g->g_nparams; i++) {
		p = &g->g_params[i];
		gen_format(p, p->gp_def, val, sizeof(val));
		snprintf(kv, sizeof(kv), "%s=%s", p->gp_name, val);
		fprintf(f, "      %-22s %s\n", kv, p->gp_doc);
	}
}

static void
gen_usage(FILE *f, const struct gen *only)
{
	size_t i;

	fputs(gen_usage_text, f);
	fputs("\ngenerators, with their parameters and defaults:\n", f);
	for (i = 0; i < gen_nall; i++)
		if (only == NULL || gen_all[i] == only)
			gen_usage_one(f, gen_all[i]);
	if (only == NULL)
		fputs("\nand, from a trace rather than parameters:\n"
		    "  scale K TRACE [--stagger NS] -o FILE\n"
		    "                K copies of TRACE running at once "
		    "(kmbench gen scale --help)\n", f);
}

/* The value of option ARGV[*IP] ("--opt V", "--opt=V" or "-oV"). */
static const char *
optval(int argc, char **argv, int *ip, const char *opt, size_t optlen)
{
	const char *a = argv[*ip];

	if (a[optlen] == '=' && optlen > 2)
		return a + optlen + 1;
	if (a[optlen] != '\0' && optlen == 2)
		return a + optlen;
	if (*ip + 1 >= argc) {
		fprintf(stderr, "kmbench gen: option %s needs a value\n", opt);
		return NULL;
	}
	return argv[++*ip];
}

/* Is A the option OPT, or OPT with its value attached? */
static int
isopt(const char *a, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(a, opt, n) != 0)
		return 0;
	if (a[n] == '\0')
		return 1;
	/* "--param=K=V"; short options take "-oFILE". */
	return n > 2 ? a[n] == '=' : 1;
}

int
cmd_gen(int argc, char **argv)
{
	const char *name = NULL, *path = NULL, *val, *a;
	const struct gen *g;
	int64_t v[GEN_MAXPARAMS];
	struct kmt_writer *w;
	char err[ERRSZ], seedkv[64];
	const char **sets;
	int *isseed, nsets = 0, help = 0, i;
	int rc = 2;

	if (argc > 1 && strcmp(argv[1], "scale") == 0)
		return cmd_gen_scale(argc - 1, argv + 1);
	sets = calloc((size_t)argc + 1, sizeof(*sets));
	isseed = calloc((size_t)argc + 1, sizeof(*isseed));
	if (sets == NULL || isseed == NULL) {
		fprintf(stderr, "kmbench gen: out of memory\n");
		rc = 1;
		goto out;
	}
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			help = 1;
		else if (isopt(a, "--param")) {
			if ((val = optval(argc, argv, &i, "--param", 7)) ==
			    NULL)
				goto out;
			sets[nsets++] = val;
		} else if (isopt(a, "--seed")) {
			if ((val = optval(argc, argv, &i, "--seed", 6)) ==
			    NULL)
				goto out;
			isseed[nsets] = 1;
			sets[nsets++] = val;
		} else if (isopt(a, "--output") || isopt(a, "-o")) {
			if (a[1] == 'o')
				val = optval(argc, argv, &i, "-o", 2);
			else
				val = optval(argc, argv, &i, "--output", 8);
			if (val == NULL)
				goto out;
			path = val;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "kmbench gen: unknown option '%s'\n",
			    a);
			goto out;
		} else if (name != NULL) {
			fprintf(stderr, "kmbench gen: unexpected argument "
			    "'%s' (one generator at a time)\n", a);
			goto out;
		} else
			name = a;
	}

	g = name != NULL ? gen_find(name) : NULL;
	if (name != NULL && g == NULL) {
		fprintf(stderr, "kmbench gen: unknown generator '%s' (kmbench "
		    "gen --help lists them)\n", name);
		goto out;
	}
	if (help) {
		gen_usage(stdout, g);
		rc = 0;
		goto out;
	}
	if (g == NULL) {
		fprintf(stderr, "kmbench gen: missing generator name\n\n");
		gen_usage(stderr, NULL);
		goto out;
	}

	gen_defaults(g, v);
	for (i = 0; i < nsets; i++) {
		val = sets[i];
		if (isseed[i]) {
			snprintf(seedkv, sizeof(seedkv), "seed=%.50s", val);
			val = seedkv;
		}
		if (gen_set(g, v, val, err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench gen: %s\n", err);
			goto out;
		}
	}
	if (gen_check(g, v, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench gen: %s\n", err);
		goto out;
	}
	if (path == NULL) {
		fprintf(stderr, "kmbench gen: missing -o FILE (- for the "
		    "standard output)\n");
		goto out;
	}

	rc = 1;
	if ((w = kmt_wopen(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench gen: %s\n", err);
		goto out;
	}
	if (gen_write(g, v, w, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench gen: %s\n", err);
		kmt_wabort(w);
		goto out;
	}
	if (kmt_wclose(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench gen: %s\n", err);
		goto out;
	}
	rc = 0;
out:
	free(sets);
	free(isseed);
	return rc;
}
