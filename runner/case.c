/*
 * case.c: running one case (see case.h).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/sha256.h"
#include "../db/store.h"
#include "../kernel/kcheck.h"
#include "../kernel/machine.h"
#include "../result/result.h"
#include "../strategies/strategy.h"
#include "case.h"
#include "commands.h"
#include "probe.h"
#include "help.h"
#include "replay.h"
#include "replay_result.h"
#include "report.h"

const char *
machines_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("KMBENCH_MACHINES");
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 16);
	if (n > 0) {
		dir[n] = '\0';
		if ((slash = strrchr(dir, '/')) != NULL) {
			strcpy(slash + 1, "machines");
			if (access(dir, R_OK) == 0)
				return dir;
		}
	}
	return "machines";
}

struct mach_order {
	char		*mo_name;
	uint64_t	 mo_ptrsize, mo_physmem;
};

static int
mach_order_cmp(const void *a, const void *b)
{
	const struct mach_order *x = a, *y = b;

	if (x->mo_ptrsize != y->mo_ptrsize)
		return x->mo_ptrsize < y->mo_ptrsize ? -1 : 1;
	if (x->mo_physmem != y->mo_physmem)
		return x->mo_physmem < y->mo_physmem ? -1 : 1;
	return strcmp(x->mo_name, y->mo_name);
}

int
machines_list(char **v, int max)
{
	const char *dir = machines_dir();
	struct mach_order *o;
	struct profile pr;
	struct dirent *de;
	char err[512];
	int n = 0, i;
	DIR *d;

	if ((o = calloc((size_t)max + 1, sizeof(*o))) == NULL)
		return 0;
	if ((d = opendir(dir)) == NULL) {
		free(o);
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] == '.' ||
		    (o[n].mo_name = strdup(de->d_name)) == NULL)
			continue;
		/* An unreadable profile sorts last; its users report it. */
		if (profile_load(&pr, dir, o[n].mo_name, err, sizeof(err)) !=
		    0)
			o[n].mo_ptrsize = o[n].mo_physmem = UINT64_MAX;
		else {
			o[n].mo_ptrsize = pr.pr_ptrsize;
			o[n].mo_physmem = pr.pr_physmem;
		}
		n++;
	}
	closedir(d);
	qsort(o, (size_t)n, sizeof(*o), mach_order_cmp);
	for (i = 0; i < n; i++)
		v[i] = o[i].mo_name;
	free(o);
	return n;
}

void
bad_option(const char *cmd, char **argv, int ind)
{
	char near[80], hint[96] = "";

	/* optopt names a short option, even inside a group like -qz. */
	if (optopt != 0 && strncmp(argv[ind - 1], "--", 2) != 0) {
		fprintf(stderr, "kmbench %s: unknown option or missing value: "
		    "-%c (kmbench help %s)\n", cmd, optopt, cmd);
		return;
	}
	if (help_suggest(cmd, argv[ind - 1], near, sizeof(near)) == 0)
		snprintf(hint, sizeof(hint), "; did you mean %s?", near);
	fprintf(stderr, "kmbench %s: unknown option or missing value: "
	    "%s (kmbench help %s)%s\n", cmd, argv[ind - 1], cmd, hint);
}

void
case_init(struct case_spec *cs, const struct strategy *s,
    const struct profile *pr, const char *trace)
{

	memset(cs, 0, sizeof(*cs));
	cs->cs_strategy = s;
	cs->cs_prof = *pr;
	cs->cs_trace = trace;
	cs->cs_probes = 1;
	cs->cs_latency = 1;
	cs->cs_every = 10000;
}

int
case_set(struct case_spec *cs, const char *a, char *err, size_t errlen)
{
	const char *dot = strchr(a, '.'), *eq = strchr(a, '=');
	const char *name = cs->cs_strategy->s_name;

	if (dot == NULL || (eq != NULL && eq < dot))
		return profile_set(&cs->cs_prof, a, err, errlen);
	if (strlen(name) != (size_t)(dot - a) ||
	    strncmp(a, name, (size_t)(dot - a)) != 0) {
		snprintf(err, errlen, "--set %s: not a setting of strategy %s",
		    a, name);
		return -1;
	}
	if (cs->cs_nparams == CASE_MAXSETS) {
		snprintf(err, errlen, "more than %d strategy settings",
		    CASE_MAXSETS);
		return -1;
	}
	cs->cs_params[cs->cs_nparams++] = dot + 1;
	return 0;
}

/* What names the case in the store; the trace's digest is computed once. */
static int
case_in(struct case_spec *cs, struct case_in *ci, char *params,
    size_t paramslen, char *err, size_t errlen)
{
	size_t i, n = 0;

	if (cs->cs_sha256[0] == '\0' &&
	    sha256_file(cs->cs_trace, cs->cs_sha256) != 0) {
		snprintf(err, errlen, "%s: %s", cs->cs_trace, strerror(errno));
		return -1;
	}
	params[0] = '\0';
	for (i = 0; i < cs->cs_nparams && n < paramslen; i++)
		n += (size_t)snprintf(params + n, paramslen - n, "%s;",
		    cs->cs_params[i]);
	memset(ci, 0, sizeof(*ci));
	ci->ci_strategy = cs->cs_strategy->s_name;
	ci->ci_params = params;
	ci->ci_prof = &cs->cs_prof;
	ci->ci_trace = cs->cs_trace;
	memcpy(ci->ci_trace_sha256, cs->cs_sha256, sizeof(ci->ci_trace_sha256));
	ci->ci_rep = cs->cs_rep;
	store_case_key(ci);
	return 0;
}

int
case_key(struct case_spec *cs, char key[65], char *inputs, size_t inputslen,
    char *err, size_t errlen)
{
	struct case_in ci;
	char params[1024];

	if (case_in(cs, &ci, params, sizeof(params), err, errlen) != 0)
		return -1;
	memcpy(key, ci.ci_key, 65);
	if (inputs != NULL)
		snprintf(inputs, inputslen, "%s", ci.ci_inputs);
	return 0;
}

int
case_run(struct case_spec *cs, enum case_report how, FILE *out,
    struct store *st, int64_t run_id, char *err, size_t errlen)
{
	struct machine *m;
	struct replay r;
	struct probe probe;
	struct result res;
	struct case_in ci;
	char msg[512], params[1024], digest[65];
	uint64_t t0;
	int rc;

	if ((m = strategy_boot(&cs->cs_prof, cs->cs_strategy, cs->cs_params,
	    cs->cs_nparams, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "machine %s: %s", cs->cs_prof.pr_name,
		    msg);
		return 2;
	}
	if (cs->cs_check && machine_check_enable(m) != 0) {
		snprintf(err, errlen, "out of memory");
		machine_free(m);
		return 1;
	}
	if (cs->cs_probes)
		probe_attach(&probe, m, cs->cs_latency, cs->cs_every);
	t0 = kp_clock();
	cs->cs_already = 0;
	rc = replay_run_digest(&r, m, cs->cs_probes ? &probe : NULL,
	    cs->cs_trace, st != NULL ? digest : NULL, err, errlen);
	if (rc == 0 && st != NULL) {
		/* The case's identity is what was replayed. */
		if (cs->cs_sha256[0] == '\0')
			memcpy(cs->cs_sha256, digest, sizeof(digest));
		else if (strcmp(cs->cs_sha256, digest) != 0) {
			snprintf(err, errlen, "%s: the file changed while it "
			    "was used (SHA-256 %.12s... when the case was "
			    "named, %.12s... as replayed); nothing stored",
			    cs->cs_trace, cs->cs_sha256, digest);
			rc = 1;
		}
	}
	if (rc == 0) {
		uint64_t wall = kp_clock() - t0;

		switch (how) {
		case CR_TEXT:
			report_text(out, &r, m, cs->cs_strategy->s_name);
			break;
		case CR_JSON:
			report_json(out, &r, m, cs->cs_strategy->s_name);
			break;
		case CR_BRIEF:
			report_brief(out, &r, m, cs->cs_strategy->s_name);
			break;
		case CR_NONE:
			break;
		}
		if (st != NULL) {
			result_init(&res);
			if (case_in(cs, &ci, params, sizeof(params), err,
			    errlen) != 0)
				rc = 1;
			else if (replay_result(&res, &r, cs->cs_probes ?
			    &probe : NULL) != 0) {
				snprintf(err, errlen, "out of memory");
				rc = 1;
			} else if ((rc = store_case(st, run_id, &ci, &res,
			    wall, err, errlen)) < 0)
				rc = CASE_ESTORE;
			else {
				cs->cs_already = rc == 1;
				rc = 0;
			}
			result_free(&res);
		}
	}
	if (cs->cs_probes)
		probe_detach(&probe);
	/* The reader's warning; after an error, that stays the one line. */
	cs->cs_warning[0] = '\0';
	if (rc == 0 && r.r_warning[0] != '\0') {
		if (cs->cs_keepwarning)
			snprintf(cs->cs_warning, sizeof(cs->cs_warning), "%s",
			    r.r_warning);
		else
			fprintf(stderr, "warning: %s\n", r.r_warning);
	}
	replay_free(&r);
	machine_free(m);
	return rc;
}
