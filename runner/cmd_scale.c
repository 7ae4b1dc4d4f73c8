/*
 * cmd_scale.c: "kmbench gen scale K TRACE [--stagger NS] -o OUT": K
 * copies of TRACE running at once (workloads/gen_scale.c), the command
 * line, its help and its exit status.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../workloads/gen_scale.h"
#include "../workloads/kmtrace_write.h"
#include "cmd_gen.h"
#include "numopt.h"
#include "pathbase.h"

#define ERRSZ	1024

static const char scale_usage_text[] =
"usage: kmbench gen scale K TRACE [--stagger NS] -o FILE\n"
"\n"
"Writes K copies of TRACE running at once on one machine.  Copy I\n"
"(from 0) has its PIDs renamed to I x NPIDS + 1 ... (I + 1) x NPIDS,\n"
"NPIDS the distinct PIDs of TRACE in increasing order, the kernel's\n"
"(PID 0) kmalloc IDs prefixed \"cI.\", and every time shifted by\n"
"I x NS; the copies' events are merged by time (copy 0 first at equal\n"
"times).  \"sysctl maxfiles N\" becomes K x N (at most 2147483647): each\n"
"copy brings the room for open files its host gave it.\n"
"\n"
"  K             1 to 1024\n"
"  --stagger NS  nanoseconds between two copies' starts (default\n"
"                1000000, 1 ms; 0 starts them together)\n"
"  -o FILE       the trace; .gz, .zst and .kmb as for gen, - stdout\n"
"\n"
"TRACE is read once and copied, decompressed, to a binary temporary\n"
"file in $TMPDIR (or /tmp); one streaming reader per copy reads that:\n"
"about 330 KiB a copy and 4 bytes per distinct PID, whatever the\n"
"trace's length.\n"
"\n"
"exit status: 0 done, 2 bad usage or an unreadable or malformed TRACE,\n"
"1 when FILE cannot be written.\n";

int
cmd_gen_scale(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stagger", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[ERRSZ], cmd[KMT_WHDR_VAL_MAX + 1];
	const char *out = NULL, *in;
	uint64_t k, stagger = SCALE_STAGGER_DEF;
	struct kmt_writer *w;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (numopt_uint("gen scale", "stagger", optarg, 0,
			    UINT64_MAX, &stagger) != 0)
				return 2;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(scale_usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "kmbench gen scale: unknown or "
			    "incomplete option '%s' (kmbench gen scale "
			    "--help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "kmbench gen scale: needs K and one TRACE "
		    "(kmbench gen scale --help)\n");
		return 2;
	}
	if (numopt_uint("gen scale", "K", argv[optind], 1, SCALE_K_MAX,
	    &k) != 0)
		return 2;
	in = argv[optind + 1];
	if (out == NULL) {
		fprintf(stderr, "kmbench gen scale: missing -o FILE (- for the "
		    "standard output)\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "kmbench gen scale %" PRIu64 " %.900s "
	    "--stagger %" PRIu64, k, path_base(in), stagger);
	if ((w = kmt_wopen(out, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench gen scale: %s\n", err);
		return 1;
	}
	rc = gen_scale(in, (uint32_t)k, stagger, cmd, w, err, sizeof(err));
	if (rc != SCALE_OK) {
		fprintf(stderr, "kmbench gen scale: %s\n", err);
		kmt_wclose(w, NULL, 0);
		if (strcmp(out, "-") != 0)
			remove(out);
		return rc;
	}
	if (kmt_wclose(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench gen scale: %s\n", err);
		return 1;
	}
	return 0;
}
