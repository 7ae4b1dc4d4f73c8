/*
 * cmd_capacity.c: "kmbench capacity": the least kmem_map (or any
 * numeric machine setting), the most copies of a trace, or the largest
 * or least value of a strategy setting (fdlimit.share) with which a case
 * survives (runner/capacity.c does the search): the command line, the
 * text and JSON answers, and the store.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/capstore.h"
#include "../db/store.h"
#include "../strategies/strategy.h"
#include "../workloads/gen_scale.h"
#include "capacity.h"
#include "case.h"
#include "commands.h"
#include "json.h"
#include "numopt.h"
#include "pathbase.h"

#define ERRSZ		1024
#define SCALE_TO_DEF	64
#define CHECKS_DEF	4

/* T as a short phrase: "panic at event 12", "survived", ... */
static void
phrase(const struct cap_try *t, char *buf, size_t len)
{

	switch (t->ct_outcome) {
	case CO_PANIC:
		snprintf(buf, len, "panic at event %" PRIu64, t->ct_panic_event);
		break;
	case CO_HUNG:
		snprintf(buf, len, "%ld process%s hung", t->ct_hung,
		    t->ct_hung == 1 ? "" : "es");
		break;
	case CO_REFUSED:
		snprintf(buf, len, "survived, %ld call%s refused",
		    t->ct_refused, t->ct_refused == 1 ? "" : "s");
		break;
	case CO_NOBOOT:
		snprintf(buf, len, "the machine does not boot");
		break;
	case CO_CLEAN:
		snprintf(buf, len, "survived");
		break;
	}
}

static void
try_line(FILE *f, const struct cap_spec *sp, const struct cap_try *t)
{
	char p[128];

	phrase(t, p, sizeof(p));
	fprintf(f, "  %s=%" PRIu64 ": %s (%" PRIu64 " events, %" PRIu64
	    " skipped, kmem_map peak %" PRIu32 "/%" PRIu32 " pages)\n",
	    sp->cp_key, t->ct_value, p, t->ct_events, t->ct_skipped,
	    t->ct_kmem_peak, t->ct_kmem_pages);
}

static void
text_answer(FILE *f, const struct cap_spec *sp, const struct cap_result *res,
    const char *machine)
{
	const char *sname = sp->cp_strategy->s_name;
	const char *trace = path_base(sp->cp_trace);
	char p[128];

	if (!res->cr_found && res->cr_monotonic == 0) {
		fprintf(f, "%s on %s, %s: no answer: the outcome is not "
		    "monotonic in %s\n", sname, machine, trace, sp->cp_key);
	} else if (!res->cr_found) {
		phrase(&res->cr_next, p, sizeof(p));
		fprintf(f, "%s on %s, %s: no %s in [%" PRIu64 ", %" PRIu64 "] "
		    "survives (%s=%" PRIu64 ": %s)\n", sname, machine, trace,
		    sp->cp_key, sp->cp_from, sp->cp_to, sp->cp_key,
		    res->cr_next.ct_value, p);
	} else if (sp->cp_scale && res->cr_largest) {
		fprintf(f, "%s on %s, %s: survives %" PRIu64 " cop%s at once",
		    sname, machine, trace, res->cr_value,
		    res->cr_value == 1 ? "y" : "ies");
		if (res->cr_hasnext) {
			phrase(&res->cr_next, p, sizeof(p));
			fprintf(f, "; %" PRIu64 ": %s\n",
			    res->cr_next.ct_value, p);
		} else
			fprintf(f, " (the top of the range)\n");
	} else if (res->cr_largest) {
		fprintf(f, "%s on %s, %s: the largest %s that survives is %"
		    PRIu64 "%s\n", sname, machine, trace, sp->cp_key,
		    res->cr_value, res->cr_hasnext ? "" :
		    " (the top of the range)");
	} else {
		fprintf(f, "%s on %s, %s: the least %s that survives is %"
		    PRIu64, sname, machine, trace, sp->cp_key, res->cr_value);
		if (strcmp(sp->cp_key, "nkmempages") == 0)
			fprintf(f, " (%.1f MiB)", res->cr_value *
			    (double)sp->cp_prof.pr_pagesize / 1048576.0);
		fprintf(f, "%s\n", res->cr_hasnext ? "" :
		    " (the bottom of the range)");
	}
	if (res->cr_found)
		try_line(f, sp, &res->cr_at);
	if (res->cr_hasnext && res->cr_found)
		try_line(f, sp, &res->cr_next);
	if (res->cr_monotonic == 0) {
		fprintf(f, "  NOT MONOTONIC in %s: ", sp->cp_key);
		phrase(&res->cr_bad_a, p, sizeof(p));
		fprintf(f, "%s=%" PRIu64 " gives %s, ", sp->cp_key,
		    res->cr_bad_a.ct_value, p);
		phrase(&res->cr_bad_b, p, sizeof(p));
		fprintf(f, "%s=%" PRIu64 " %s%s\n", sp->cp_key,
		    res->cr_bad_b.ct_value, p, res->cr_found ? "; the answer "
		    "above is only where the bisection ended" : "");
	}
	fprintf(f, "  %zu replays", res->cr_ntries);
	if (res->cr_guess != 0)
		fprintf(f, " (the first guess %" PRIu64 ", kmem_map's top "
		    "at the good end)", res->cr_guess);
	fprintf(f, "; monotonic: %s\n",
	    res->cr_monotonic == 1 ? "yes, at every point tried" :
	    res->cr_monotonic == 0 ? "no" : "unchecked (--checks 0)");
	if (sp->cp_dir == CAP_AUTO)
		fprintf(f, "  direction: %s, %s\n", res->cr_largest ?
		    "the largest survivor" : "the least survivor",
		    res->cr_byends ? "from the end of the range that survives" :
		    "the default (both ends or neither survive; --smallest "
		    "for the other)");
}

static void
json_try(struct json *j, const char *key, const struct cap_try *t)
{

	json_object(j, key);
	json_uint(j, "value", t->ct_value);
	json_string(j, "outcome", cap_outcome_name(t->ct_outcome));
	json_uint(j, "events", t->ct_events);
	json_uint(j, "skipped", t->ct_skipped);
	json_int(j, "refused", t->ct_refused);
	json_int(j, "hung", t->ct_hung);
	if (t->ct_outcome == CO_PANIC)
		json_uint(j, "panic_event", t->ct_panic_event);
	json_uint(j, "kmem_map_peak", t->ct_kmem_peak);
	json_end(j);
}

static void
json_answer(FILE *f, const struct cap_spec *sp, const struct cap_result *res,
    const char *machine)
{
	const struct cap_try *below = NULL;
	struct json j;
	size_t i;

	json_init(&j, f, 0);
	json_object(&j, NULL);
	json_string(&j, "strategy", sp->cp_strategy->s_name);
	json_string(&j, "machine", machine);
	json_string(&j, "trace", sp->cp_trace);
	json_string(&j, "key", sp->cp_key);
	json_uint(&j, "from", sp->cp_from);
	json_uint(&j, "to", sp->cp_to);
	json_string(&j, "survive", sp->cp_clean ? "clean" : "no panic, "
	    "no hang");
	json_string(&j, "direction", res->cr_largest ? "largest" :
	    "smallest");
	json_string(&j, "direction_by", sp->cp_dirset ? "option" :
	    sp->cp_dir != CAP_AUTO ? "key" : res->cr_byends ? "ends" :
	    "default");
	if (res->cr_found)
		json_uint(&j, "value", res->cr_value);
	else
		json_null(&j, "value");
	/* One step below the answer: its neighbour, or a try there. */
	if (res->cr_found && !res->cr_largest && res->cr_hasnext)
		below = &res->cr_next;
	else if (res->cr_found && res->cr_largest && res->cr_value > 0)
		below = cap_find_try(res, res->cr_value - 1);
	if (below != NULL)
		json_string(&j, "below", cap_outcome_name(below->ct_outcome));
	else
		json_null(&j, "below");
	if (res->cr_largest) {
		if (res->cr_found && res->cr_hasnext)
			json_string(&j, "above",
			    cap_outcome_name(res->cr_next.ct_outcome));
		else
			json_null(&j, "above");
	}
	json_uint(&j, "replays", res->cr_ntries);
	if (res->cr_guess != 0)
		json_uint(&j, "guess", res->cr_guess);
	else
		json_null(&j, "guess");
	if (res->cr_monotonic < 0)
		json_string(&j, "monotonic", "unchecked");
	else
		json_bool(&j, "monotonic", res->cr_monotonic);
	if (res->cr_found)
		json_try(&j, "at", &res->cr_at);
	if (res->cr_hasnext)
		json_try(&j, "next", &res->cr_next);
	if (res->cr_monotonic == 0) {
		json_array(&j, "counterexample");
		json_try(&j, NULL, &res->cr_bad_a);
		json_try(&j, NULL, &res->cr_bad_b);
		json_end(&j);
	}
	json_array(&j, "tries");
	for (i = 0; i < res->cr_ntries; i++)
		json_try(&j, NULL, &res->cr_tries[i]);
	json_end(&j);
	json_end(&j);
	fputc('\n', f);
}

/* The key's value in the profile (the effective one for nkmempages). */
static int
key_value(const struct profile *pr, const char *key, uint64_t *vp)
{
	size_t i;

	if (strcmp(key, "nkmempages") == 0) {
		*vp = profile_nkmempages(pr);
		return 0;
	}
	for (i = 0; i < nprofile_keys; i++)
		if (strcmp(profile_keys[i].pk_name, key) == 0) {
			if (profile_keys[i].pk_unit == PU_BOOL ||
			    profile_keys[i].pk_unit == PU_ADDR)
				return -1;
			*vp = *(const uint64_t *)(const void *)
			    ((const char *)pr + profile_keys[i].pk_off);
			return 0;
		}
	return -1;
}

static int
store_answer(const char *db, const struct cap_spec *sp,
    const struct cap_result *res, const char *machine, char *err,
    size_t errlen)
{
	struct cap_row row;
	struct store st;
	int64_t run_id;
	size_t i;
	int rc;

	if (store_open(&st, db, err, errlen) != 0)
		return -1;
	memset(&row, 0, sizeof(row));
	row.cw_strategy = sp->cp_strategy->s_name;
	row.cw_machine = machine;
	row.cw_trace = sp->cp_trace;
	row.cw_key = sp->cp_key;
	row.cw_from = sp->cp_from;
	row.cw_to = sp->cp_to;
	row.cw_clean = sp->cp_clean;
	row.cw_stagger = sp->cp_scale ? sp->cp_stagger : 0;
	row.cw_found = res->cr_found;
	row.cw_value = res->cr_value;
	row.cw_monotonic = res->cr_monotonic;
	row.cw_ntries = res->cr_ntries;
	row.cw_tries = calloc(res->cr_ntries + 1, sizeof(*row.cw_tries));
	if (row.cw_tries == NULL) {
		store_close(&st);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < res->cr_ntries; i++) {
		row.cw_tries[i].ct_value = res->cr_tries[i].ct_value;
		row.cw_tries[i].ct_outcome =
		    cap_outcome_name(res->cr_tries[i].ct_outcome);
		row.cw_tries[i].ct_events = res->cr_tries[i].ct_events;
		row.cw_tries[i].ct_skipped = res->cr_tries[i].ct_skipped;
		row.cw_tries[i].ct_refused = res->cr_tries[i].ct_refused;
		row.cw_tries[i].ct_hung = res->cr_tries[i].ct_hung;
		row.cw_tries[i].ct_panic_event =
		    res->cr_tries[i].ct_panic_event;
		row.cw_tries[i].ct_kmem_peak = res->cr_tries[i].ct_kmem_peak;
	}
	rc = store_run(&st, "capacity", &run_id, err, errlen) != 0 ||
	    capstore_put(&st, run_id, &row, err, errlen) != 0 ? -1 : 0;
	free(row.cw_tries);
	store_close(&st);
	return rc;
}

/*
 * --vary S.KEY: S must be the case's strategy and KEY one of its
 * settings (its s_params), not also given by --set.
 */
static int
skey_check(const struct strategy *s, const char *key, const char **sets,
    size_t nsets)
{
	const char *dot = strchr(key, '.');
	char want[96];
	size_t i, n;

	if (strlen(s->s_name) != (size_t)(dot - key) ||
	    strncmp(key, s->s_name, (size_t)(dot - key)) != 0) {
		fprintf(stderr, "kmbench capacity: --vary %s: not a setting "
		    "of strategy %s (the case's --strategy)\n", key,
		    s->s_name);
		return -1;
	}
	snprintf(want, sizeof(want), "%s=", key);
	if (dot[1] == '\0' || strchr(dot + 1, '=') != NULL ||
	    s->s_params == NULL || strstr(s->s_params, want) == NULL) {
		fprintf(stderr, "kmbench capacity: --vary %s: not a setting "
		    "of strategy %s (kmbench strategies -v lists them)\n",
		    key, s->s_name);
		return -1;
	}
	n = strlen(want);
	for (i = 0; i < nsets; i++)
		if (strncmp(sets[i], want, n) == 0) {
			fprintf(stderr, "kmbench capacity: --vary %s and --set "
			    "%s: the key is varied, not set\n", key, sets[i]);
			return -1;
		}
	return 0;
}

/* --grid V,V,...: values replayed besides the search's. */
static int
parse_grid(const char *list, struct cap_spec *sp)
{
	char buf[1024], *tok, *save = NULL;
	uint64_t v;

	if (strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "kmbench capacity: --grid: too long\n");
		return -1;
	}
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (sp->cp_ngrid == CAP_GRID_MAX) {
			fprintf(stderr, "kmbench capacity: --grid: more than "
			    "%d values\n", CAP_GRID_MAX);
			return -1;
		}
		if (numopt_uint("capacity", "grid", tok, 0, UINT32_MAX, &v) !=
		    0)
			return -1;
		sp->cp_grid[sp->cp_ngrid++] = v;
	}
	if (sp->cp_ngrid == 0) {
		fprintf(stderr, "kmbench capacity: --grid '%s': no values\n",
		    list);
		return -1;
	}
	return 0;
}

static const char capacity_usage_text[] =
"usage: kmbench capacity --strategy S --machine M --vary KEY [--from A]\n"
"           [--to B] [--json] [--set K=V]... [--clean] [--stagger NS]\n"
"           [--checks N] [--grid V,V,...] [--largest | --smallest]\n"
"           [--db FILE] TRACE\n"
"\n"
"Finds where a case stops surviving as KEY varies, by bisection, and\n"
"confirms the answer by replaying at it and next to it again.\n"
"  KEY scale       K copies of TRACE at once (kmbench gen scale): the\n"
"                  largest K in [A, B] (default 1 to 64) that survives\n"
"  KEY nkmempages  or another numeric machine setting (kmbench machines\n"
"                  --settings): the smallest value in [A, B] that\n"
"                  survives (default 1 to 4 x the machine's own value)\n"
"  KEY S.KEY       a numeric setting of strategy S (fdlimit.share;\n"
"                  kmbench strategies -v): in [A, B] (A default 1, B\n"
"                  needed), the survivor on the side of the end of the\n"
"                  range that survives: the largest when A survives and\n"
"                  B does not (a larger share lets the table outgrow\n"
"                  kmem_map), the smallest the other way round; the\n"
"                  largest when both ends or neither survive.  A value\n"
"                  the strategy refuses is bad input.\n"
"--largest or --smallest says which survivor is the answer, whatever\n"
"the key.\n"
"Surviving is no panic and no hung process; with --clean, also no call\n"
"refused (EMFILE, ENFILE, ENOMEM, EAGAIN).  A machine that does not\n"
"boot with a value does not survive.  --checks N (default 4) replays N\n"
"more points on each side of the answer: an outcome on the wrong side\n"
"is reported as NOT MONOTONIC with the counterexample; 0 leaves it\n"
"unchecked.  --grid V,V,... replays these values too (when there is an\n"
"answer; for scale, none past twice the first K that fails), each\n"
"checked the same way: the report's outcome grid.  Scale doubles K\n"
"from A to the first K that fails before it bisects; nkmempages first\n"
"tries kmem_map's top at the good end, and one page less.\n"
"--stagger NS is gen scale's (default 1000000).  --db FILE\n"
"stores the search and every replay of it (the report's real-workloads\n"
"section reads them).\n"
"\n"
"exit status: 0 an answer found, 3 no value in the range survives (or,\n"
"when some do but the end that should does not, no boundary exists: not\n"
"monotonic), 2 bad usage or input, 1 an internal or store failure.\n";

int
cmd_capacity(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "machine", required_argument, NULL, 'm' },
		{ "vary", required_argument, NULL, 'v' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "set", required_argument, NULL, 'S' },
		{ "clean", no_argument, NULL, 'c' },
		{ "stagger", required_argument, NULL, 'g' },
		{ "checks", required_argument, NULL, 'k' },
		{ "db", required_argument, NULL, 'd' },
		{ "grid", required_argument, NULL, 'G' },
		{ "largest", no_argument, NULL, 'L' },
		{ "smallest", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sname = NULL, *mname = NULL, *key = NULL, *db = NULL;
	const char *grid = NULL;
	const char *sets[CASE_MAXSETS];
	struct case_spec cs;
	struct cap_spec sp;
	struct cap_result res;
	struct profile pr;
	const struct strategy *s;
	uint64_t from = 0, to = 0, stagger = SCALE_STAGGER_DEF;
	uint64_t checks = CHECKS_DEF, cur;
	int c, json = 0, clean = 0, hasfrom = 0, hasto = 0, rc, dir = -1;
	size_t nsets = 0, i;
	char err[ERRSZ];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:m:S:j", opts, NULL)) != -1) {
		switch (c) {
		case 's': sname = optarg; break;
		case 'm': mname = optarg; break;
		case 'v': key = optarg; break;
		case 'j': json = 1; break;
		case 'c': clean = 1; break;
		case 'd': db = optarg; break;
		case 'G': grid = optarg; break;
		case 'L':
		case 'l':
			if (dir >= 0 && dir != (c == 'L' ? CAP_LARGEST :
			    CAP_SMALLEST)) {
				fprintf(stderr, "kmbench capacity: --largest "
				    "and --smallest contradict each other\n");
				return 2;
			}
			dir = c == 'L' ? CAP_LARGEST : CAP_SMALLEST;
			break;
		case 'f':
		case 't':
			if (numopt_uint("capacity", c == 'f' ? "from" : "to",
			    optarg, 0, UINT32_MAX, c == 'f' ? &from : &to) != 0)
				return 2;
			if (c == 'f')
				hasfrom = 1;
			else
				hasto = 1;
			break;
		case 'g':
			if (numopt_uint("capacity", "stagger", optarg, 0,
			    UINT64_MAX, &stagger) != 0)
				return 2;
			break;
		case 'k':
			if (numopt_uint("capacity", "checks", optarg, 0, 64,
			    &checks) != 0)
				return 2;
			break;
		case 'S':
			if (nsets == CASE_MAXSETS) {
				fprintf(stderr, "kmbench capacity: more than "
				    "%d --set\n", CASE_MAXSETS);
				return 2;
			}
			sets[nsets++] = optarg;
			break;
		case 'h':
			fputs(capacity_usage_text, stdout);
			return 0;
		default:
			bad_option("capacity", argv, optind);
			return 2;
		}
	}
	if (sname == NULL || mname == NULL || key == NULL ||
	    optind != argc - 1) {
		fprintf(stderr, "kmbench capacity: needs --strategy NAME "
		    "--machine NAME --vary KEY and one TRACE (kmbench help "
		    "capacity)\n");
		return 2;
	}
	if ((s = strategy_lookup(sname)) == NULL) {
		fprintf(stderr, "kmbench capacity: unknown strategy '%s' "
		    "(kmbench strategies lists them)\n", sname);
		return 2;
	}
	if (profile_load(&pr, machines_dir(), mname, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench capacity: %s\n", err);
		return 2;
	}
	case_init(&cs, s, &pr, argv[optind]);
	for (i = 0; i < nsets; i++)
		if (case_set(&cs, sets[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench capacity: %s\n", err);
			return 2;
		}
	if (access(argv[optind], R_OK) != 0) {
		fprintf(stderr, "kmbench capacity: %s: cannot be read\n",
		    argv[optind]);
		return 2;
	}
	memset(&sp, 0, sizeof(sp));
	sp.cp_strategy = s;
	sp.cp_prof = cs.cs_prof;
	memcpy(sp.cp_params, cs.cs_params, sizeof(sp.cp_params));
	sp.cp_nparams = cs.cs_nparams;
	sp.cp_trace = argv[optind];
	sp.cp_key = key;
	sp.cp_scale = strcmp(key, "scale") == 0;
	sp.cp_stagger = stagger;
	sp.cp_clean = clean;
	sp.cp_checks = (int)checks;
	sp.cp_progress = isatty(STDERR_FILENO);
	if (grid != NULL && parse_grid(grid, &sp) != 0)
		return 2;
	sp.cp_dir = sp.cp_scale ? CAP_LARGEST : CAP_SMALLEST;
	if (sp.cp_scale) {
		sp.cp_from = hasfrom ? from : 1;
		sp.cp_to = hasto ? to : SCALE_TO_DEF;
		if (sp.cp_from < 1 || sp.cp_to > SCALE_K_MAX) {
			fprintf(stderr, "kmbench capacity: scale runs from 1 "
			    "to %d\n", SCALE_K_MAX);
			return 2;
		}
	} else if (strchr(key, '.') != NULL) {
		if (skey_check(s, key, sets, nsets) != 0)
			return 2;
		if (!hasto) {
			fprintf(stderr, "kmbench capacity: --vary %s: a "
			    "strategy setting has no range of its own, so give "
			    "--to\n", key);
			return 2;
		}
		sp.cp_skey = 1;
		sp.cp_dir = CAP_AUTO;
		sp.cp_from = hasfrom ? from : 1;
		sp.cp_to = to;
	} else {
		if (key_value(&cs.cs_prof, key, &cur) != 0) {
			fprintf(stderr, "kmbench capacity: --vary %s: not "
			    "scale or a numeric machine setting (kmbench "
			    "machines --settings)\n", key);
			return 2;
		}
		sp.cp_from = hasfrom ? from : 1;
		if (!hasto && cur == 0) {
			fprintf(stderr, "kmbench capacity: --vary %s: the "
			    "machine's value is 0, so give --to\n", key);
			return 2;
		}
		sp.cp_to = hasto ? to : 4 * cur;
	}
	if (dir >= 0) {
		sp.cp_dir = (enum cap_dir)dir;
		sp.cp_dirset = 1;
	}
	if (sp.cp_from > sp.cp_to) {
		fprintf(stderr, "kmbench capacity: --from %" PRIu64 " is above "
		    "--to %" PRIu64 "\n", sp.cp_from, sp.cp_to);
		return 2;
	}
	rc = capacity_search(&sp, &res, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "kmbench capacity: %s\n", err);
		capacity_free(&res);
		return rc;
	}
	if (json)
		json_answer(stdout, &sp, &res, mname);
	else
		text_answer(stdout, &sp, &res, mname);
	if (db != NULL && store_answer(db, &sp, &res, mname, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "kmbench capacity: %s\n", err);
		capacity_free(&res);
		return 1;
	}
	rc = res.cr_found ? 0 : 3;
	capacity_free(&res);
	if (fflush(stdout) != 0)
		return 1;
	return rc;
}
