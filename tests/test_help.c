/*
 * test_help.c: one command's help (kmbench help CMD, kmbench CMD --help)
 * and the suggestion for a mistyped option (runner/help.c), through the
 * kmbench program; and every example that help prints, run as written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(help);

/* The commands whose help is their entry of kmbench --help. */
static const char *const commands[] = {
	"run", "convert", "matrix", "case", "merge", "compare", "history",
	"plot", "report", "micro-import", "strategies", "machines",
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Does OUT hold the synopsis line of command CMD? */
static int
has_synopsis(const char *out, const char *cmd)
{
	char line[64];

	snprintf(line, sizeof(line), "\n  kmbench %s ", cmd);
	if (strstr(out, line) != NULL)
		return 1;
	snprintf(line, sizeof(line), "\n  kmbench %s\n", cmd);
	return strstr(out, line) != NULL;
}

/*
 * Each command's help names that command alone: its own synopsis, none
 * of the others', an example, and the same text whichever way it is
 * asked for.
 */
Test(help, one_command_each)
{
	char args[64], *out, *err, *out2, *err2;
	size_t i, j;

	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(args, sizeof(args), "%s --help", commands[i]);
		cr_expect_eq(kmtest_cmd(args, &out, &err), 0, "%s: %s", args,
		    err);
		cr_expect_str_empty(err, "%s", args);
		cr_expect(strncmp(out, "usage:\n", 7) == 0, "%s: %s", args,
		    out);
		cr_expect(has_synopsis(out, commands[i]), "%s: %s", args, out);
		for (j = 0; j < NCOMMANDS; j++)
			if (j != i && strcmp(commands[j], "run") != 0)
				cr_expect(!has_synopsis(out, commands[j]),
				    "%s names %s: %s", args, commands[j], out);
		cr_expect(strstr(out, "\nexample:\n  kmbench ") != NULL,
		    "%s: %s", args, out);
		snprintf(args, sizeof(args), "help %s", commands[i]);
		cr_expect_eq(kmtest_cmd(args, &out2, &err2), 0);
		cr_expect_str_eq(out2, out, "%s", args);
		free(out);
		free(err);
		free(out2);
		free(err2);
	}
}

/* Options of the command, from its synopsis: matrix's, not compare's. */
Test(help, lists_the_options)
{
	char *out, *err;

	cr_assert_eq(kmtest_cmd("matrix -h", &out, &err), 0);
	cr_expect(strstr(out, "--reps N") != NULL, "%s", out);
	cr_expect(strstr(out, "--jobs N") != NULL, "%s", out);
	cr_expect(strstr(out, "--quantile") == NULL, "%s", out);
	free(out);
	free(err);
	/* Both entries of run: the replay and --parse-only. */
	cr_assert_eq(kmtest_cmd("help run", &out, &err), 0);
	cr_expect(strstr(out, "kmbench run --strategy") != NULL, "%s", out);
	cr_expect(strstr(out, "kmbench run --parse-only") != NULL, "%s", out);
	free(out);
	free(err);
}

/* gen, import and record keep help of their own. */
Test(help, own_help_kept)
{
	char *out, *err;

	cr_assert_eq(kmtest_cmd("help gen", &out, &err), 0);
	cr_expect(strstr(out, "pr14721") != NULL, "%s", out);
	free(out);
	free(err);
	cr_assert_eq(kmtest_cmd("help import", &out, &err), 0);
	cr_expect(strstr(out, "kdump") != NULL, "%s", out);
	free(out);
	free(err);
}

Test(help, unknown_command)
{
	char *out, *err;

	cr_expect_eq(kmtest_cmd("help frobnicate", &out, &err), 2);
	cr_expect_str_empty(out);
	cr_expect(strstr(err, "'frobnicate'") != NULL, "%s", err);
	cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s", err);
	free(out);
	free(err);
}

/*
 * A slip of the keyboard gets the nearest option of that command: one
 * letter dropped (--efect: distance 1 from --effect), two letters
 * swapped (--stratgeies: distance 2 from --strategies, 12 letters, so
 * within a third); a word that is nothing like any option gets none.
 */
Test(help, suggests_the_nearest_option)
{
	char *out, *err;

	cr_expect_eq(kmtest_cmd("compare --efect 3 1 2", &out, &err), 2);
	cr_expect(strstr(err, "did you mean --effect?") != NULL, "%s", err);
	cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s", err);
	free(out);
	free(err);
	cr_expect_eq(kmtest_cmd("matrix --stratgeies x --db /nonexistent/x",
	    &out, &err), 2);
	cr_expect(strstr(err, "did you mean --strategies?") != NULL, "%s",
	    err);
	free(out);
	free(err);
	cr_expect_eq(kmtest_cmd("history --zzzzzzzz", &out, &err), 2);
	cr_expect(strstr(err, "did you mean") == NULL, "%s", err);
	cr_expect(strstr(err, "--zzzzzzzz") != NULL, "%s", err);
	free(out);
	free(err);
}

/* The example line of CMD's help, malloc'ed, or NULL. */
static char *
example_of(const char *cmd)
{
	char args[64], *out, *err, *p, *nl, *ex = NULL;

	snprintf(args, sizeof(args), "help %s", cmd);
	cr_assert_eq(kmtest_cmd(args, &out, &err), 0);
	if ((p = strstr(out, "\nexample:\n  kmbench ")) != NULL) {
		p += strlen("\nexample:\n  kmbench ");
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		ex = strdup(p);
	}
	free(out);
	free(err);
	return ex;
}

/*
 * Every example runs as written, in a directory laid out as make bench
 * leaves it: bench-out/pr14721.kmt.zst (a small attack: 2000
 * descriptors) and, from the matrix example on, bench.db.  The order
 * is that of a newcomer's first session: the matrix fills the store
 * that compare, history, plot and report read; case runs one of its
 * lines into shard-1.db (with kmbench on the PATH, as a user has it)
 * and merge joins that shard to bench.db.  micro-import's example
 * needs the JSON of make microbench, which tests/test_gbench.c makes and
 * imports itself; it is checked there, not here.  plot draws what the
 * small store has and skips, with a line on stderr, the figures it has
 * no data for (no refused fdexpand here), exit 0.
 */
Test(help, examples_run_as_written, .timeout = 300)
{
	static const char *const order[] = {
		"run", "convert", "matrix", "case", "merge", "compare",
		"history", "plot", "report", "strategies", "machines",
	};
	const char *bin = getenv("KMBENCH"), *src = getenv("KMBENCH_SRC");
	char dir[] = "/tmp/kmtest-help-XXXXXX", cmd[2048], bindir[1024], *ex;
	size_t i;
	int st;

	cr_assert(bin != NULL && src != NULL);
	/* An example may run kmbench itself (case's): it is on the PATH. */
	snprintf(bindir, sizeof(bindir), "%s", bin);
	cr_assert(strrchr(bindir, '/') != NULL);
	*strrchr(bindir, '/') = '\0';
	cr_assert(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir bench-out && %s gen "
	    "pr14721 --param fds=2000 -o bench-out/pr14721.kmt.zst", dir, bin);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ex = example_of(order[i]);
		cr_assert(ex != NULL, "no example for %s", order[i]);
		/* The test's binary lies in build/, away from plots/. */
		snprintf(cmd, sizeof(cmd), "cd %s && export PATH=%s:$PATH && "
		    "KMBENCH_PLOTS=%s/plots %s %s >/dev/null 2>&1", dir,
		    bindir, src, bin, ex);
		st = system(cmd);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "example of %s exits %d: kmbench %s", order[i],
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1, ex);
		free(ex);
	}
	/* plot's example drew the outcome grid of the one trace. */
	snprintf(cmd, sizeof(cmd), "test -s %s/bench-out/plots/"
	    "01-outcome-pr14721.png", dir);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}
