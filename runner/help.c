/*
 * help.c: one command's help, and the nearest option to a mistyped one.
 *
 * kmbench --help is one text (main.c) with an entry per command: a line
 * indented two spaces that starts with the command's name, then its
 * continuation lines, indented further.  "kmbench help CMD" and
 * "kmbench CMD --help" print that entry and an example from the table
 * below; bad_option() asks help_suggest() for the option of the
 * command's entry that lies nearest, by edit distance, to the one it
 * refused.  The entries are the single source: an option added to
 * --help is known here at once.
 */
#include <stdio.h>
#include <string.h>

#include "help.h"

static const char *help_text;

/* An example for each command, run as written (tests/test_cli.c). */
static const struct {
	const char	*cmd;
	const char	*example;
} examples[] = {
	{ "run", "kmbench run --strategy nointr --machine i386-64M "
	    "bench-out/pr14721.kmt.zst" },
	{ "convert", "kmbench convert bench-out/pr14721.kmt.zst "
	    "pr14721.kmb.zst" },
	{ "matrix", "kmbench matrix --db bench.db --strategies "
	    "panic-only,nointr --machines i386-64M --reps 3 "
	    "bench-out/pr14721.kmt.zst" },
	{ "case", "kmbench case \"$(kmbench matrix --list --strategies "
	    "nointr --machines i386-64M bench-out/pr14721.kmt.zst)\" "
	    "--db shard-1.db" },
	{ "merge", "kmbench merge bench.db shard-1.db" },
	{ "compare", "kmbench compare --db bench.db 1 latest" },
	{ "capacity", "kmbench capacity --strategy panic-only --machine "
	    "i386-64M --vary scale workloads/traces/http.kmt.zst" },
	{ "history", "kmbench history --db bench.db kmem_map.peak_pages "
	    "--case nointr" },
	{ "plot", "kmbench plot --db bench.db --out bench-out/plots" },
	{ "report", "kmbench report --db bench.db --format html -o "
	    "bench-out/html" },
	{ "micro-import", "kmbench micro-import bench-out/micro.json "
	    "--db bench.db" },
	{ "strategies", "kmbench strategies -v" },
	{ "machines", "kmbench machines --settings" },
};

void
help_init(const char *text)
{

	help_text = text;
}

/* A command's first line in --help: two spaces, then its name. */
static int
is_head(const char *line)
{

	return line[0] == ' ' && line[1] == ' ' && line[2] != ' ' &&
	    line[2] != '\n' && line[2] != '\0';
}

/*
 * The entry of CMD: where it starts and its length, or 0 when --help
 * has none.  It runs from the first line that names CMD to the next
 * line that names another command or is not indented; "run" has two
 * such heads, one after the other, and both belong to it.
 */
static size_t
entry(const char *cmd, const char **start)
{
	const char *p, *nl, *first = NULL;
	size_t n = strlen(cmd);

	if (help_text == NULL || n == 0)
		return 0;
	for (p = help_text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (is_head(p)) {
			if (strncmp(p + 2, cmd, n) == 0 &&
			    (p[2 + n] == ' ' || p[2 + n] == '\n')) {
				if (first == NULL)
					first = p;
			} else if (first != NULL)
				break;
		} else if (first != NULL && (p[0] != ' ' || p[1] != ' '))
			break;
		if (*nl == '\0') {
			p = nl;
			break;
		}
	}
	if (first == NULL)
		return 0;
	*start = first;
	return (size_t)(p - first);
}

int
help_command(FILE *f, const char *cmd)
{
	const char *p, *nl, *start, *end;
	size_t len, i;

	if ((len = entry(cmd, &start)) == 0)
		return -1;
	end = start + len;
	fputs("usage:\n", f);
	for (p = start; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (is_head(p))
			fprintf(f, "  kmbench %.*s\n", (int)(nl - p - 2), p + 2);
		else
			fprintf(f, "%.*s\n", (int)(nl - p), p);
	}
	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		if (strcmp(examples[i].cmd, cmd) == 0)
			fprintf(f, "\nexample:\n  %s\n", examples[i].example);
	fprintf(f, "\nkmbench help lists every command; man ./docs/kmbench.1 "
	    "has the details.\n");
	return 0;
}

/* Levenshtein distance of A and B, both shorter than 64 bytes. */
static size_t
distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[64], i, j, diag, up;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

int
help_suggest(const char *cmd, const char *bad, char *buf, size_t len)
{
	const char *start, *p, *end, *q;
	size_t elen, lb, lo, d, best = (size_t)-1;

	/* Compare the option's name alone: not "--effect=5", not "-x". */
	if (strncmp(bad, "--", 2) != 0)
		return -1;
	lb = strcspn(bad, "=");
	if (lb >= 64 || (elen = entry(cmd, &start)) == 0)
		return -1;
	end = start + elen;
	for (p = start; p + 2 < end; p++) {
		if (p[0] != '-' || p[1] != '-' || (p > start && p[-1] != ' ' &&
		    p[-1] != '[' && p[-1] != '|'))
			continue;
		for (q = p + 2; q < end && ((*q >= 'a' && *q <= 'z') ||
		    (*q >= '0' && *q <= '9') || *q == '-'); q++)
			;
		lo = (size_t)(q - p);
		if (lo <= 2 || lo >= 64)
			continue;
		d = distance(bad, lb, p, lo);
		/* Near enough to be a slip: a third of the name at most. */
		if (d < best && d > 0 && d <= (lo > 6 ? lo / 3 : 2)) {
			best = d;
			snprintf(buf, len, "%.*s", (int)lo, p);
		}
		p = q - 1;
	}
	return best == (size_t)-1 ? -1 : 0;
}
