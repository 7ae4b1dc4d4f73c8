/*
 * cmd_merge.c: kmbench merge OUT SHARD..., the shard stores of a matrix
 * spread over machines (kmbench case --db, matrix --db) joined into one
 * (db/merge.c), one transaction a shard, then PRAGMA integrity_check.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../db/merge.h"
#include "../db/store.h"
#include "commands.h"

int
cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct merge_result mr;
	struct store st;
	char err[1024], commit[256] = "";
	int64_t cases = 0, already = 0, searches = 0, micro = 0;
	int force = 0, quiet = 0, c, i, rc, refused = 0, merged = 0;
	int tty = isatty(STDERR_FILENO);

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		default:
			bad_option("merge", argv, optind);
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "kmbench merge: needs the merged store and at "
		    "least one shard: kmbench merge OUT SHARD...\n");
		return 2;
	}
	if (store_open(&st, argv[optind], err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench merge: %s\n", err);
		return 2;
	}
	for (i = optind + 1; i < argc; i++) {
		if (tty && !quiet)
			fprintf(stderr, "\r\033[K[%d/%d] %s", i - optind,
			    argc - optind - 1, argv[i]);
		rc = store_merge(&st, argv[i], force, commit, sizeof(commit),
		    &mr, err, sizeof(err));
		if (rc == MERGE_EOUT) {
			fprintf(stderr, "%skmbench merge: %s; stopped (the "
			    "shards merged before stay)\n", tty ? "\r\033[K" :
			    "", err);
			store_close(&st);
			return 1;
		}
		if (rc != 0) {
			fprintf(stderr, "%skmbench merge: %s\n",
			    tty ? "\r\033[K" : "", err);
			refused++;
			continue;
		}
		merged++;
		cases += mr.mr_cases;
		already += mr.mr_already;
		searches += mr.mr_searches;
		micro += mr.mr_micro;
		if (!quiet) {
			printf("%s: %" PRId64 " cases merged, %" PRId64
			    " stored already", argv[i], mr.mr_cases,
			    mr.mr_already);
			if (mr.mr_searches > 0 || mr.mr_micro > 0)
				printf("; %" PRId64 " capacity searches, %"
				    PRId64 " microbenchmark rows merged",
				    mr.mr_searches, mr.mr_micro);
			printf("\n");
		}
	}
	if (tty && !quiet)
		fputs("\r\033[K", stderr);
	if (store_integrity(&st, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench merge: %s\n", err);
		store_close(&st);
		return 1;
	}
	store_close(&st);
	fflush(stdout);
	fprintf(stderr, "kmbench merge: %d shards merged, %d refused: %"
	    PRId64 " cases stored, %" PRId64 " there already", merged, refused,
	    cases, already);
	if (searches > 0 || micro > 0)
		fprintf(stderr, ", %" PRId64 " capacity searches and %" PRId64
		    " microbenchmark rows", searches, micro);
	fprintf(stderr, "; %s passes integrity_check\n", argv[optind]);
	return refused > 0 ? 2 : 0;
}
