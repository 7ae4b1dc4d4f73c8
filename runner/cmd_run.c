/*
 * cmd_run.c: kmbench run, one case, reported and optionally stored.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "../kernel/kprobe.h"
#include "../workloads/kmtrace.h"
#include "../strategies/strategy.h"
#include "case.h"
#include "commands.h"
#include "help.h"
#include "numopt.h"

/* The largest --sample: a sample every 10^12 events is never taken. */
#define RUN_SAMPLE_MAX	1000000000000ULL

/*
 * --parse-only: read and check TRACE as the replay would, without
 * simulating: the lower bound of a replay's time.
 */
static int
parse_only(const char *path, int json)
{
	struct kmt_reader *rd;
	struct kmt_event ev;
	char err[1024];
	uint64_t n = 0, t0 = kp_clock(), ns;
	int rc;

	const char *w;

	if ((rd = kmt_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	while ((rc = kmt_read(rd, &ev, err, sizeof(err))) == 1)
		n++;
	if (rc == 0 && (w = kmt_warning(rd)) != NULL)
		fprintf(stderr, "warning: %s\n", w);
	kmt_close(rd);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	ns = kp_clock() - t0;
	if (json)
		printf("{\"trace\":\"%s\",\"events\":%llu,\"ns\":%llu}\n",
		    path, (unsigned long long)n, (unsigned long long)ns);
	else
		printf("%s: %llu events parsed in %.3f s (%.1f million a "
		    "second)\n", path, (unsigned long long)n, ns / 1e9,
		    ns ? n * 1e3 / ns : 0.0);
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strategy", required_argument, NULL, 's' },
		{ "machine", required_argument, NULL, 'm' },
		{ "set", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "brief", no_argument, NULL, 'b' },
		{ "no-probes", no_argument, NULL, 'P' },
		{ "no-latency", no_argument, NULL, 'L' },
		{ "sample", required_argument, NULL, 'K' },
		{ "db", required_argument, NULL, 'd' },
		{ "rep", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "parse-only", no_argument, NULL, 'p' },
		{ "check", no_argument, NULL, 'C' },
		{ "allow-truncated", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sname = NULL, *mname = NULL, *db = NULL;
	const char *sets[CASE_MAXSETS];
	enum case_report how = CR_TEXT;
	const struct strategy *s;
	struct case_spec cs;
	struct profile pr;
	struct store st;
	int64_t run_id = 0;
	uint64_t every = 10000, rep = 0;
	size_t nsets = 0, i;
	char err[1024];
	int c, probes = 1, latency = 1, parseonly = 0, check = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:m:S:jb", opts, NULL)) != -1) {
		switch (c) {
		case 's': sname = optarg; break;
		case 'm': mname = optarg; break;
		case 'S':
			if (nsets == CASE_MAXSETS) {
				fprintf(stderr, "kmbench run: more than %d "
				    "--set\n", CASE_MAXSETS);
				return 2;
			}
			sets[nsets++] = optarg;
			break;
		case 'h':
			/* Its entry of kmbench --help, as main() gives it. */
			help_command(stdout, "run");
			return 0;
		case 'p': parseonly = 1; break;
		case 'C': check = 1; break;
		case 'j': how = CR_JSON; break;
		case 'b': how = CR_BRIEF; break;
		case 'P': probes = 0; break;
		case 'L': latency = 0; break;
		case 'd': db = optarg; break;
		case 'K':
			if (numopt_uint("run", "sample", optarg, 1,
			    RUN_SAMPLE_MAX, &every) != 0)
				return 2;
			break;
		case 'r':
			if (numopt_uint("run", "rep", optarg, 0, 1000000,
			    &rep) != 0)
				return 2;
			break;
		case 'T':
			kmt_set_defaults(KMT_ALLOW_TRUNCATED);
			break;
		default:
			bad_option("run", argv, optind);
			return 2;
		}
	}
	if (parseonly && optind == argc - 1)
		return parse_only(argv[optind], how == CR_JSON);
	if (sname == NULL || mname == NULL || optind != argc - 1) {
		fprintf(stderr, "kmbench run: needs --strategy NAME --machine "
		    "NAME and one TRACE (kmbench help)\n");
		return 2;
	}
	if ((s = strategy_lookup(sname)) == NULL) {
		fprintf(stderr, "kmbench run: unknown strategy '%s' (kmbench "
		    "strategies lists them)\n", sname);
		return 2;
	}
	if (profile_load(&pr, machines_dir(), mname, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench run: %s\n", err);
		return 2;
	}
	case_init(&cs, s, &pr, argv[optind]);
	cs.cs_probes = probes;
	cs.cs_latency = latency;
	cs.cs_every = every;
	cs.cs_rep = (int)rep;
	cs.cs_check = check;
	for (i = 0; i < nsets; i++)
		if (case_set(&cs, sets[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench run: %s\n", err);
			return 2;
		}
	/* Open the store first: a bad store is found before the work. */
	if (db != NULL && (store_open(&st, db, err, sizeof(err)) != 0 ||
	    store_run(&st, "run", &run_id, err, sizeof(err)) != 0)) {
		fprintf(stderr, "kmbench run: %s\n", err);
		if (st.st_db != NULL)
			store_close(&st);
		return 2;
	}
	rc = case_run(&cs, how, stdout, db != NULL ? &st : NULL, run_id, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);	/* FILE:LINE: event N: ... */
	else if (cs.cs_already)
		fprintf(stderr, "kmbench run: %s: this case is stored already; "
		    "kept as it was\n", db);
	if (rc == CASE_ESTORE)
		rc = 1;
	if (db != NULL)
		store_close(&st);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kmbench: writing the report");
		return 1;
	}
	return rc;
}
