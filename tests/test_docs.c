/*
 * test_docs.c: the documentation's commands run as written (suite
 * "docs").  Every command of the EXAMPLES of docs/kmbench.1 and
 * docs/kmtrace.5, and of the README's code blocks marked sh, is
 * extracted, run with sh in order in a fresh directory, and must exit
 * 0.  The README's commands get a small store's worth of inputs first:
 * a 30000-descriptor bench-out/pr14721.kmt.zst and its binary
 * conversion bench-out/pr14721.kmb.zst, a kdump log as
 * ktrace.txt and the shipped traces under workloads/; its make lines
 * (make bench, make test: what builds and runs this very suite) are
 * left out.  The man pages' examples start from an empty directory.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

#define MAXCMDS		128
#define CMDLEN		8192

static char tdir[256];

static void
setup(void)
{
	char dir[PATH_MAX + 16], link[PATH_MAX + 16];
	const char *bin = getenv("KMBENCH");

	snprintf(tdir, sizeof(tdir), "/tmp/kmtest-docs-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	cr_assert_eq(chmod(tdir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/bin", tdir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_not_null(bin, "KMBENCH is not set");
	snprintf(link, sizeof(link), "%s/bin/kmbench", tdir);
	cr_assert_eq(symlink(bin, link), 0);
	snprintf(link, sizeof(link), "%s/kmbench", tdir);
	cr_assert_eq(symlink(bin, link), 0);
	snprintf(dir, sizeof(dir), "%s/plots", kmtest_src());
	setenv("KMBENCH_PLOTS", dir, 1);
}

static void
teardown(void)
{
	char cmd[PATH_MAX + 16];

	if (tdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "test_docs: cannot remove %s\n", tdir);
	}
}

TestSuite(docs, .init = setup, .fini = teardown, .timeout = 900);

/* Roff escapes of a literal block as the reader sees them. */
static void
unroff(char *line)
{
	static const struct {
		const char *from, *to;
	} esc[] = {
		{ "\\e", "\\" }, { "\\-", "-" }, { "\\&", "" },
		{ "\\(aq", "'" }, { "\\(dq", "\"" }
	};
	char out[CMDLEN], *o = out, *s = line;
	size_t k, n;

	while (*s != '\0' && o < out + sizeof(out) - 8) {
		for (k = 0; k < sizeof(esc) / sizeof(esc[0]); k++) {
			n = strlen(esc[k].from);
			if (strncmp(s, esc[k].from, n) == 0)
				break;
		}
		if (k < sizeof(esc) / sizeof(esc[0])) {
			o += sprintf(o, "%s", esc[k].to);
			s += strlen(esc[k].from);
		} else
			*o++ = *s++;
	}
	*o = '\0';
	memcpy(line, out, (size_t)(o - out) + 1);
}

static void
append(char *cmd, const char *text, const char *sep)
{
	size_t n = strlen(cmd);

	cr_assert_lt(n + strlen(sep) + strlen(text), CMDLEN,
	    "command too long");
	snprintf(cmd + n, CMDLEN - n, "%s%s", sep, text);
}

static int
ends_backslash(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '\\';
}

/*
 * The commands of the EXAMPLES section of man page PATH into CMDS: in
 * its literal blocks, each line starting "$ ", with the lines after it
 * that continue it (after a trailing backslash, lines starting "> ",
 * and the body of a here-document up to its delimiter).  Count.
 */
static int
man_commands(const char *path, char cmds[][CMDLEN], int max)
{
	char line[CMDLEN], *cmd = NULL, heredoc[64] = "";
	int n = 0, inex = 0, inlit = 0, cont = 0;
	FILE *f;

	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0) {
			inex = strcmp(line, ".Sh EXAMPLES") == 0;
			continue;
		}
		if (!inex)
			continue;
		if (strncmp(line, ".Bd -literal", 12) == 0) {
			inlit = 1;
			continue;
		}
		if (strcmp(line, ".Ed") == 0) {
			inlit = 0;
			cmd = NULL;
			continue;
		}
		if (!inlit)
			continue;
		unroff(line);
		if (cmd != NULL && *heredoc != '\0') {
			append(cmd, line, "\n");
			if (strcmp(line, heredoc) == 0)
				*heredoc = '\0', cmd = NULL;
			continue;
		}
		if (cmd != NULL && (cont || strncmp(line, "> ", 2) == 0)) {
			append(cmd, strncmp(line, "> ", 2) == 0 ? line + 2 :
			    line, "\n");
		} else if (strncmp(line, "$ ", 2) == 0) {
			cr_assert_lt(n, max);
			cmd = cmds[n++];
			snprintf(cmd, CMDLEN, "%s", line + 2);
		} else {
			cmd = NULL;	/* output */
			continue;
		}
		cont = ends_backslash(line);
		if (strstr(line, "<<'") != NULL) {
			const char *d = strstr(line, "<<'") + 3;

			snprintf(heredoc, sizeof(heredoc), "%.*s",
			    (int)strcspn(d, "'"), d);
		}
	}
	fclose(f);
	return n;
}

/* The commands of the code blocks of PATH marked sh, but make's. */
static int
readme_commands(const char *path, char cmds[][CMDLEN], int max)
{
	char line[CMDLEN], *cmd = NULL;
	int n = 0, insh = 0, cont = 0;
	FILE *f;

	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "```", 3) == 0) {
			insh = !insh && strcmp(line, "```sh") == 0;
			cmd = NULL;
			cont = 0;
			continue;
		}
		if (!insh)
			continue;
		if (cont && cmd != NULL)
			append(cmd, line, "\n");
		else if (line[strspn(line, " ")] == '\0' ||
		    line[strspn(line, " ")] == '#')
			continue;
		else if (strncmp(line, "make ", 5) == 0) {
			cmd = NULL;
			continue;
		} else {
			cr_assert_lt(n, max);
			cmd = cmds[n++];
			snprintf(cmd, CMDLEN, "%s", line);
		}
		cont = ends_backslash(line);
	}
	fclose(f);
	return n;
}

/* Run CMD with sh in tdir: its exit status, its output in OUT. */
static int
run_in_dir(const char *cmd, char *out, size_t outlen)
{
	char path[PATH_MAX], sh[PATH_MAX * 2];
	FILE *f;
	size_t n;
	int st;

	snprintf(path, sizeof(path), "%s/.cmd.sh", tdir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", cmd);
	fclose(f);
	snprintf(sh, sizeof(sh), "cd '%s' && PATH='%s/bin':\"$PATH\" sh "
	    ".cmd.sh >.out 2>&1", tdir, tdir);
	st = system(sh);
	snprintf(path, sizeof(path), "%s/.out", tdir);
	*out = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		/* The last of it: where a failure says why. */
		fseek(f, 0, SEEK_END);
		if (ftell(f) > (long)outlen - 1)
			fseek(f, -(long)outlen + 1, SEEK_END);
		else
			rewind(f);
		n = fread(out, 1, outlen - 1, f);
		out[n] = '\0';
		fclose(f);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void
run_all(const char *doc, char cmds[][CMDLEN], int n, int least)
{
	char out[2048];
	int i, rc;

	cr_assert_geq(n, least, "%s: only %d commands found", doc, n);
	for (i = 0; i < n; i++) {
		rc = run_in_dir(cmds[i], out, sizeof(out));
		cr_expect_eq(rc, 0, "%s, command %d exits %d:\n%s\n---\n%s",
		    doc, i + 1, rc, cmds[i], out);
	}
}

static char (*cmds)[CMDLEN];

static void
docpath(char *buf, size_t len, const char *rel)
{

	snprintf(buf, len, "%s/%s", kmtest_src(), rel);
}

Test(docs, extractor)
{
	char path[PATH_MAX];
	int n;

	/* The here-document and the for loop are whole commands. */
	cr_assert_not_null(cmds = calloc(MAXCMDS, CMDLEN));
	docpath(path, sizeof(path), "docs/kmtrace.5");
	n = man_commands(path, cmds, MAXCMDS);
	cr_assert_gt(n, 3);
	cr_expect(strncmp(cmds[0], "cat >example.kmt <<'EOF'\nkmtrace 2\n",
	    35) == 0, "%s", cmds[0]);
	cr_expect_not_null(strstr(cmds[0], "\n# end 19 events\nEOF"), "%s",
	    cmds[0]);
	docpath(path, sizeof(path), "docs/kmbench.1");
	n = man_commands(path, cmds, MAXCMDS);
	cr_assert_gt(n, 3);
	cr_expect_str_eq(cmds[0], "kmbench strategies -v");
	cr_expect_str_eq(cmds[4], "for s in panic-only canfail nointr "
	    "fdlimit; do\n    kmbench run --brief --strategy $s --machine "
	    "i386-64M \\\n        pr14721.kmt.zst\ndone");
	free(cmds);
}

Test(docs, kmbench_1_examples)
{
	char path[PATH_MAX];

	cr_assert_not_null(cmds = calloc(MAXCMDS, CMDLEN));
	docpath(path, sizeof(path), "docs/kmbench.1");
	run_all("kmbench.1 EXAMPLES", cmds, man_commands(path, cmds,
	    MAXCMDS), 10);
	free(cmds);
}

Test(docs, kmtrace_5_examples)
{
	char path[PATH_MAX];

	cr_assert_not_null(cmds = calloc(MAXCMDS, CMDLEN));
	docpath(path, sizeof(path), "docs/kmtrace.5");
	run_all("kmtrace.5 EXAMPLES", cmds, man_commands(path, cmds,
	    MAXCMDS), 4);
	free(cmds);
}

Test(docs, readme_commands)
{
	char path[PATH_MAX], args[4 * PATH_MAX], *out, *err;
	int rc;

	/* The small store's inputs. */
	snprintf(args, sizeof(args), "%s/bench-out", tdir);
	cr_assert_eq(mkdir(args, 0755), 0);
	snprintf(args, sizeof(args), "gen pr14721 --param fds=30000 -o "
	    "%s/bench-out/pr14721.kmt.zst", tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "%s", err);
	free(out);
	free(err);
	/* make bench replays the binary forms (tools/bench-traces.sh). */
	snprintf(args, sizeof(args), "convert %s/bench-out/pr14721.kmt.zst "
	    "%s/bench-out/pr14721.kmb.zst", tdir, tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "%s", err);
	free(out);
	free(err);
	snprintf(args, sizeof(args), "cp '%s/tests/data/kdump/basic.txt' "
	    "'%s/ktrace.txt' && ln -s '%s/workloads' '%s/workloads'",
	    kmtest_src(), tdir, kmtest_src(), tdir);
	cr_assert_eq(system(args), 0);
	cr_assert_not_null(cmds = calloc(MAXCMDS, CMDLEN));
	docpath(path, sizeof(path), "README.md");
	run_all("README.md", cmds, readme_commands(path, cmds, MAXCMDS), 8);
	free(cmds);
}

/*
 * The repository is self-contained: no page of its documentation sends
 * the reader to a path outside it (a "../" path that leaves the
 * checkout, as ../shared/design/... did).
 */
Test(docs, no_paths_outside)
{
	static const char *const pages[] = { "README.md", "docs/hostile.md",
	    "docs/invariants.md", "docs/kmbench.1", "docs/kmtrace.5",
	    "docs/metrics.md", "docs/microbench.md", "docs/model.md",
	    "docs/plots.md", "docs/recording.md", "docs/replay-speed.md" };
	char path[PATH_MAX], line[4096];
	size_t i;
	FILE *f;
	int n;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		docpath(path, sizeof(path), pages[i]);
		if ((f = fopen(path, "r")) == NULL)
			continue;	/* a page this checkout lacks */
		n = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			n++;
			cr_expect_null(strstr(line, "../shared"), "%s:%d: %s",
			    pages[i], n, line);
			cr_expect_null(strstr(line, "`../"), "%s:%d: %s",
			    pages[i], n, line);
		}
		fclose(f);
	}
}
