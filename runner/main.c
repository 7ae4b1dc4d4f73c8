/*
 * main.c: the kmbench command.
 *
 * Exit status: 0 when the command did its work (a simulated panic is a
 * result, not an error), 2 for bad input (trace, profile, options), 1 for
 * an internal failure.  Errors are one line on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernel/machine.h"
#include "../kernel/profile.h"
#include "../strategies/strategy.h"
#include "case.h"
#include "cmd_convert.h"
#include "cmd_gen.h"
#include "cmd_import.h"
#include "cmd_micro.h"
#include "cmd_plot.h"
#include "cmd_report.h"
#include "cmd_record.h"
#include "commands.h"
#include "help.h"
#include "json.h"

#ifndef KMBENCH_VERSION
#define KMBENCH_VERSION "0.1"
#endif

static const char usage_text[] =
"usage: kmbench COMMAND [ARGS]\n"
"\n"
"Replays descriptor-table and amap workloads (kmtrace files) through a\n"
"simulation of the NetBSD 1.5 i386 memory system, under the policies\n"
"argued over in PR kern/14721, and keeps the figures in SQLite.\n"
"\n"
"commands:\n"
"  run --strategy NAME --machine NAME [--set KEY=VALUE]... [--json|--brief]\n"
"      [--db FILE] [--rep N] [--sample K] [--no-latency] [--no-probes]\n"
"      [--check] [--allow-truncated] TRACE\n"
"        Replay TRACE (text or binary; plain, gzip or zstd) on a machine\n"
"        profile under a strategy and report: the outcome (survived, or\n"
"        the panic and its event), kmem_map and kernel_map use, physical\n"
"        pages, malloc(9) statistics per type (as vmstat -m), pool(9)\n"
"        statistics, each process's state, descriptors and refused calls,\n"
"        latency percentiles, fragmentation and exhaustion.  --json\n"
"        prints one JSON object, --brief one line.  --set overrides a\n"
"        machine setting, or STRATEGY.KEY=VALUE a strategy's.  --db\n"
"        stores the case (as repetition --rep N).  --sample K samples\n"
"        fragmentation every K events (10000).  --check verifies the\n"
"        simulated kernel's invariants after every event\n"
"        (docs/invariants.md; slow) and stops with exit status 1 at the\n"
"        first broken one.  A kmtrace 2 TRACE without its end line is\n"
"        refused as truncated unless --allow-truncated.\n"
"  run --parse-only [--json] TRACE\n"
"        Only read and check TRACE, and say how fast: the lower bound of\n"
"        a replay's time.\n"
"  convert [--allow-truncated] IN OUT\n"
"        Copy trace IN (text or binary; plain, gzip or zstd) to OUT:\n"
"        binary when OUT ends in .kmb, .kmb.gz or .kmb.zst, text\n"
"        (kmtrace 2) otherwise.  Converting back gives the same events.\n"
"        OUT is replaced only when it is whole; OUT that is IN is\n"
"        refused.\n"
"  matrix --db FILE [--strategies A,B] [--machines A,B] [--reps N]\n"
"      [--jobs N] [--set KEY=VALUE]... [--force] [--no-latency]\n"
"      [--sweep KEY=V1,V2,...|KEY=LO..HI/STEP]... [--traces A,B]\n"
"      [--list] [TRACE...]\n"
"        Run every combination (all strategies and profiles by default)\n"
"        in N parallel processes, store each case, print one line a case.\n"
"        Cases stored for this commit and these inputs are reused unless\n"
"        --force.  --list runs nothing: it prints each case as a line\n"
"        that kmbench case runs (docs/scale-out.md); --db is not needed.\n""        --sweep takes a numeric machine setting or STRATEGY.KEY through\n"
"        the values listed, or LO to HI (included) by STEP; the cases are\n"
"        every combination of the sweeps with strategies, machines,\n"
"        traces and reps (a strategy's sweep only for its own cases).\n"
"  case [--db FILE] [--json] [--quiet] LINE\n"
"        Run the one case of LINE, a line of matrix --list, and store it\n"
"        in FILE as matrix would: on any machine with the same commit,\n"
"        profiles and trace (checked against the line's SHA-256; a trace\n"
"        that differs is refused).  Prints the brief line of run, or\n"
"        with --json its object.  A case stored already is not run again.\n"
"  merge [--force] [--quiet] OUT SHARD...\n"
"        Copy the cases of each SHARD store (case --db, matrix --db) into\n"
"        OUT, one transaction per shard, with the run each came from\n"
"        (host, commit, compiler, CPU).  A case stored already is left\n"
"        alone, so a second merge stores nothing.  Capacity searches and\n"
"        microbenchmark rows come too, once (an equal row of an equal\n"
"        run is not copied again).  A shard of another\n"
"        schema version or commit is refused unless --force; a missing or\n"
"        corrupt one is refused, nothing of it stored (exit status 2).\n"
"        Checks OUT with PRAGMA integrity_check at the end; --quiet\n"
"        leaves out the line per shard.\n"
"  capacity --strategy S --machine M --vary KEY [--from A] [--to B]\n"
"      [--json] [--set KEY=VALUE]... [--clean] [--stagger NS]\n"
"      [--checks N] [--grid V,V,...] [--largest|--smallest]\n"
"      [--db FILE] TRACE\n"
"        Where the case stops surviving as KEY varies: scale (K copies of\n"
"        TRACE, gen scale), the largest K; a numeric machine setting\n"
"        (nkmempages, ...), the smallest value; a strategy setting\n"
"        (fdlimit.share, --to needed), the largest or smallest as the\n"
"        range's surviving end says (--largest, --smallest choose for\n"
"        any KEY).  Bisects, confirms at\n"
"        the answer and next to it, and names a counterexample when the\n"
"        outcome is not monotonic.  Exit status 3 when nothing in the\n"
"        range survives.\n"
"  compare [--db FILE] [--format text|md|json|junit] [--json]\n"
"      [--accept FIGURE[,FIGURE...]] [--effect PCT] [--floor NS]\n"
"      [--alpha Q] [--verbose]\n"
"      [--quantile p50|p90|p99|p999|max|mean] BASE HEAD\n"
"        Compare two sets of results (run ids, stored commits, latest,\n"
"        or git revisions such as HEAD~1 inside a git work tree), case\n"
"        by case: every deterministic figure that differs is a change\n"
"        of behaviour; latency is judged by the Mann-Whitney U test over\n"
"        the repetitions (4 a side at least), the false-discovery rate\n"
"        held at Q (0.05) across all figures (Benjamini-Hochberg), and a\n"
"        minimum effect of PCT (5%) and NS (50 ns).  --accept (globs\n"
"        allowed) acknowledges intended changes.  md is Markdown,\n"
"        junit JUnit XML for CI.  Exit status 0 when nothing changed or\n"
"        regressed, 1 when something did, 2 for bad input.  make regress\n"
"        BASE=COMMIT builds COMMIT and HEAD, runs one matrix with each\n"
"        and compares them: the CI gate of docs/regress.md.\n"
"  history [--db FILE] [--case TEXT] [--key KEY] [--json] METRIC | --list\n"
"        One figure across commits, oldest first, a row per commit and\n"
"        case inputs (the points of a matrix --sweep apart).  --case\n"
"        matches strategy, machine, trace and inputs (nkmempages=4096;).\n"
"        --key adds a column with each row's value of KEY, a machine\n"
"        setting or STRATEGY.KEY.\n"
"  plot [--db FILE] [--out DIR] [--format png,svg,txt] [--trace LIST]\n"
"       [--machine NAME] [--strategies LIST] [--sweep KEY [--figure NAME]]\n"
"        Draw the store's figures with gnuplot (docs/plots.md): the data\n"
"        as TSV under DIR/data, each figure as PNG, SVG and 72-column\n"
"        text in DIR (bench-out/plots): an outcome grid per trace, the\n"
"        maps and descriptors of the featured ones, latency and history\n"
"        of the headline trace and machine.  Without --trace, every trace\n"
"        in the store; --trace and --strategies are comma-separated.\n"
"        --sweep KEY draws one figure only: --figure NAME (max_fds) of\n"
"        the headline trace and machine against KEY, a setting a matrix\n"
"        --sweep varied, a line per strategy.\n"
"  report [--db FILE] [--format txt|md|html] [--plots DIR]\n"
"       [--trace LIST] [--machine NAME] [--strategies LIST]\n"
"       [-o|--out DIR] [--base REV] [--head REV]\n"
"        The summary of a store: the latest run, an outcome grid and a\n"
"        table of cases per trace, the headline figures of one trace on\n"
"        one machine (pr14721 and i386-64M where present), the text\n"
"        plots of DIR.  Selection as for plot.  html: static pages in\n"
"        the --out DIR (bench-out/html) that work opened from disk:\n"
"        index.html with the SVG plots inline, compare.html (--base\n"
"        and --head as compare takes them; the last two commits by\n"
"        default) and a page per figure across commits.\n"
"  gen NAME [--param K=V]... [--seed N] -o FILE\n"
"        Write a generated trace; kmbench gen --help lists the\n"
"        generators and their parameters.\n"
"  gen scale K TRACE [--stagger NS] -o FILE\n"
"        K copies of TRACE running at once: PIDs renamed, copy I\n"
"        shifted by I x NS (default 1 ms), merged by time.\n"
"  record [-o FILE] [--limits host|netbsd] -- COMMAND [ARGS...]\n"
"        Run COMMAND under strace -f and write its trace (docs/recording.md\n"
"        gives the rules that turn system calls into trace events).\n"
"        host (default): the trace starts with the soft RLIMIT_NOFILE\n"
"        the command inherited; netbsd: NetBSD 1.5's boot limits.\n"
"  import strace|kdump LOG [-o FILE] [--limits host|netbsd] [--nofile N]\n"
"        Convert an strace -f log, or the kdump(1) text of a NetBSD\n"
"        ktrace -i recording, into a trace; --nofile N: the limit the\n"
"        logged command ran with, as record --limits host writes it.\n"
"  micro-import FILE [--db FILE] [--no-ratios]\n"
"        Store the JSON of the Google Benchmark microbenchmarks (make\n"
"        microbench) in the micro table and print the ratios of the\n"
"        kernel allocators to glibc, jemalloc and mimalloc\n"
"        (docs/microbench.md).\n"
"  strategies [-v | --json]\n"
"        The strategies, one line each, grouped by origin (the 2001\n"
"        proposals, later kernels); -v explains each; --json prints them\n"
"        as one JSON object, with each one's origin.\n"
"  machines [--settings]\n"
"        The machine profiles, one line each; --settings lists the\n"
"        settings a profile holds.\n"
"  help [COMMAND]\n"
"        This text, or one command's usage, options and an example\n"
"        (also COMMAND --help).\n"
"\n"
"exit status: 0 when the command did its work (a simulated panic is a\n"
"result), 2 for bad input (trace, profile, options, store), 1 for an\n"
"internal failure (compare: 1 when a figure changed or regressed).\n"
"\n"
"environment: KMBENCH_MACHINES names the directory of machine profiles\n"
"(default: machines/ beside the kmbench binary), KMBENCH_PLOTS that of\n"
"the gnuplot scripts (default: plots/ beside the binary, else ./plots).\n"
"\n"
"See kmbench(1) (man ./docs/kmbench.1), the trace format kmtrace(5)\n"
"(man ./docs/kmtrace.5), docs/model.md and docs/metrics.md.\n";

void
usage(FILE *f)
{

	fputs(usage_text, f);
}

static int
cmd_machines(int argc, char **argv)
{
	const char *dir = machines_dir();
	char *names[256], err[512], buf[64];
	struct profile pr;
	size_t n, i;
	DIR *d;

	if (argc > 1 && strcmp(argv[1], "--settings") == 0) {
		profile_defaults(&pr);
		for (i = 0; i < nprofile_keys; i++) {
			profile_format(&pr, &profile_keys[i], buf, sizeof(buf));
			printf("%-15s %-11s %s\n", profile_keys[i].pk_name, buf,
			    profile_keys[i].pk_doc);
		}
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "kmbench machines: unknown option '%s'\n",
		    argv[1]);
		return 2;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "kmbench: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	closedir(d);
	n = (size_t)machines_list(names, 256);
	for (i = 0; i < n; i++) {
		if (profile_load(&pr, dir, names[i], err, sizeof(err)) != 0) {
			printf("%-12s (unreadable: %s)\n", names[i], err);
		} else {
			printf("%-12s %4llu MiB RAM, kmem_map %llu pages "
			    "(%llu MiB), kmemstats %s, maxusers %llu\n",
			    names[i],
			    (unsigned long long)(pr.pr_physmem >> 20),
			    (unsigned long long)profile_nkmempages(&pr),
			    (unsigned long long)(profile_nkmempages(&pr) *
			    pr.pr_pagesize >> 20),
			    pr.pr_kmemstats ? "on" : "off",
			    (unsigned long long)pr.pr_maxusers);
		}
		free(names[i]);
	}
	return 0;
}

/* One strategy's line, and with -v its explanation; INDENT before each. */
static void
strategy_print(const struct strategy *s, const char *indent, int verbose)
{

	printf("%s%-11s %s\n", indent, s->s_name, s->s_summary);
	if (verbose) {
		printf("%s            %s\n", indent, s->s_doc);
		if (s->s_params != NULL)
			printf("%s            settings: %s\n", indent,
			    s->s_params);
		printf("\n");
	}
}

/* kmbench strategies --json: one object, every field of every strategy. */
static void
strategies_json(void)
{
	struct json j;
	size_t i;

	json_init(&j, stdout, 1);
	json_object(&j, NULL);
	json_array(&j, "strategies");
	for (i = 0; strategies[i] != NULL; i++) {
		const struct strategy *s = strategies[i];

		json_object(&j, NULL);
		json_string(&j, "name", s->s_name);
		json_string(&j, "origin", strategy_origin_keys[s->s_origin]);
		json_string(&j, "summary", s->s_summary);
		json_string(&j, "doc", s->s_doc);
		if (s->s_params != NULL)
			json_string(&j, "settings", s->s_params);
		else
			json_null(&j, "settings");
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

/*
 * kmbench strategies: one line each; with six or more, grouped by
 * origin under a heading each, the lines indented by two spaces.
 */
static int
cmd_strategies(int argc, char **argv)
{
	int verbose = 0, asjson = 0;
	size_t i, n;
	int a, o;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[a], "--json") == 0)
			asjson = 1;
		else {
			fprintf(stderr, "kmbench strategies: unknown option "
			    "'%s'\n", argv[a]);
			return 2;
		}
	}
	if (asjson) {
		strategies_json();
		return 0;
	}
	for (n = 0; strategies[n] != NULL; n++)
		continue;
	if (n < 6) {
		for (i = 0; i < n; i++)
			strategy_print(strategies[i], "", verbose);
		return 0;
	}
	for (o = 0; o < ORIGIN_N; o++) {
		printf("%s%s:\n", o > 0 && !verbose ? "\n" : "",
		    strategy_origins[o]);
		for (i = 0; i < n; i++)
			if ((int)strategies[i]->s_origin == o)
				strategy_print(strategies[i], "  ", verbose);
	}
	return 0;
}

/*
 * gen, import and record print help of their own (the generators, the
 * log formats, the recorder's rules); every other command's is its
 * entry of usage_text.
 */
static int
own_help(const char *cmd)
{

	return strcmp(cmd, "gen") == 0 || strcmp(cmd, "import") == 0 ||
	    strcmp(cmd, "record") == 0;
}

/* kmbench help CMD: CMD --help for those with help of their own. */
static int
command_help(const char *cmd)
{
	char *argv[] = { (char *)cmd, "--help", NULL };

	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(2, argv);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(2, argv);
	if (strcmp(cmd, "record") == 0)
		return cmd_record(2, argv);
	if (help_command(stdout, cmd) != 0) {
		fprintf(stderr, "kmbench help: unknown command '%s' "
		    "(kmbench help)\n", cmd);
		return 2;
	}
	return 0;
}

/* Does CMD ARGS... ask for help (--help or -h before any "--")? */
static int
asks_help(int argc, char **argv)
{
	int i;

	if (own_help(argv[1]))
		return 0;
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;
	char err[160];

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	help_init(usage_text);
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 && argc > 2)
		return command_help(argv[2]);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (asks_help(argc, argv))
		return command_help(cmd);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("kmbench %s\n", KMBENCH_VERSION);
		return 0;
	}
	/* The latency clock's override (kernel/kp_clock.h). */
	if (kp_clock_check(err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench: %s\n", err);
		return 2;
	}
	/* The commands that boot machine after machine. */
	if (strcmp(cmd, "run") == 0 || strcmp(cmd, "matrix") == 0 ||
	    strcmp(cmd, "capacity") == 0 || strcmp(cmd, "case") == 0)
		host_heap_keep();
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "convert") == 0)
		return cmd_convert(argc - 1, argv + 1);
	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "record") == 0)
		return cmd_record(argc - 1, argv + 1);
	if (strcmp(cmd, "matrix") == 0)
		return cmd_matrix(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (strcmp(cmd, "capacity") == 0)
		return cmd_capacity(argc - 1, argv + 1);
	if (strcmp(cmd, "case") == 0)
		return cmd_case(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "micro-import") == 0)
		return cmd_micro_import(argc - 1, argv + 1);
	if (strcmp(cmd, "strategies") == 0)
		return cmd_strategies(argc - 1, argv + 1);
	if (strcmp(cmd, "machines") == 0)
		return cmd_machines(argc - 1, argv + 1);
	fprintf(stderr, "kmbench: unknown command '%s' (kmbench help)\n", cmd);
	return 2;
}
