/*
 * cmd_case.c: kmbench case LINE, one case of a matrix by its line of
 * matrix --list (caseline.h): the machine and strategy rebuilt from the
 * line, the trace checked against the line's digest, the case replayed
 * and stored, as matrix would store it.  An engine (GNU parallel, Slurm)
 * runs the lines into shard stores that kmbench merge joins.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../db/sha256.h"
#include "../db/store.h"
#include "../strategies/strategy.h"
#include "case.h"
#include "caseline.h"
#include "commands.h"

int
cmd_case(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	static struct caseline cl;
	const struct strategy *s;
	const char *db = NULL, *line = NULL;
	enum case_report how = CR_BRIEF;
	struct case_spec cs;
	struct profile pr;
	struct store st;
	char err[1024], sha[65], key[65], inputs[2048], dig[17];
	int64_t run_id = 0;
	size_t i;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': how = CR_JSON; break;
		case 'q': how = CR_NONE; break;
		default:
			bad_option("case", argv, optind);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "kmbench case: needs one case line (as "
		    "kmbench matrix --list prints them)\n");
		return 2;
	}
	line = argv[optind];
	if (caseline_parse(line, &cl, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench case: %s\n", err);
		return 2;
	}
	if ((s = strategy_lookup(cl.cl_strategy)) == NULL) {
		fprintf(stderr, "kmbench case: unknown strategy '%s' (this "
		    "kmbench is not the one that listed the case?)\n",
		    cl.cl_strategy);
		return 2;
	}
	if (profile_load(&pr, machines_dir(), cl.cl_machine, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "kmbench case: %s\n", err);
		return 2;
	}
	case_init(&cs, s, &pr, cl.cl_trace);
	cs.cs_rep = cl.cl_rep;
	cs.cs_latency = cl.cl_latency;
	for (i = 0; i < cl.cl_nsets; i++)
		if (case_set(&cs, cl.cl_sets[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench case: %s\n", err);
			return 2;
		}
	/* The trace must be the one listed, byte for byte. */
	if (sha256_file(cl.cl_trace, sha) != 0) {
		fprintf(stderr, "kmbench case: %s: %s\n", cl.cl_trace,
		    strerror(errno));
		return 2;
	}
	if (strcmp(sha, cl.cl_sha256) != 0) {
		fprintf(stderr, "kmbench case: %s: not the trace of the case "
		    "line (SHA-256 %.12s... here, %.12s... listed); not run\n",
		    cl.cl_trace, sha, cl.cl_sha256);
		return 2;
	}
	memcpy(cs.cs_sha256, sha, sizeof(sha));
	if (case_key(&cs, key, inputs, sizeof(inputs), err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "kmbench case: %s\n", err);
		return 2;
	}
	/* And the machine and strategy settings the ones listed. */
	caseline_digest(inputs, dig);
	if (strcmp(dig, cl.cl_inputs) != 0) {
		fprintf(stderr, "kmbench case: the case's settings here differ "
		    "from where it was listed (machine profile %s or strategy "
		    "%s not the same); not run\n", cl.cl_machine,
		    cl.cl_strategy);
		return 2;
	}
	if (db != NULL) {
		if (store_open(&st, db, err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench case: %s\n", err);
			return 2;
		}
		/* Stored already (a rerun of the same line): nothing to do. */
		if ((rc = store_has_case(&st, key, err, sizeof(err))) != 0) {
			store_close(&st);
			if (rc < 0) {
				fprintf(stderr, "kmbench case: %s\n", err);
				return 1;
			}
			fprintf(stderr, "kmbench case: stored already in %s\n",
			    db);
			return 0;
		}
		if (store_run(&st, "case", &run_id, err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench case: %s\n", err);
			store_close(&st);
			return 1;
		}
	}
	rc = case_run(&cs, how, stdout, db != NULL ? &st : NULL, run_id, err,
	    sizeof(err));
	if (db != NULL)
		store_close(&st);
	if (rc != 0)
		fprintf(stderr, "kmbench case: %s\n", err);
	return rc == CASE_ESTORE ? 1 : rc;
}
