/*
 * cmd_report.c: kmbench report [--db FILE] [--format txt|md]
 * [--plots DIR] [--trace LIST] [--machine NAME] [--strategies LIST]:
 * the summary of a store on stdout: the machine and commit of the
 * latest run, an outcome grid for each trace shown (rpt_grid.c), the
 * headline figures of one trace on one machine (rpt_head.c), a table
 * of the cases of each trace, and the text plots kmbench plot left in
 * DIR.  Without --trace every trace of the store is shown.  txt is plain
 * text of at most 72 columns, md Markdown.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "cmd_report.h"
#include "commands.h"
#include "export.h"
#include "report_real.h"
#include "rpt.h"
#include "select.h"

/* "PR kern/14721, and 11 other traces", "git, http", "git". */
static void
title(const struct rpt *r, char *buf, size_t len)
{
	const struct sel *s = &r->r_sel;
	size_t n = 0;
	int i, pr = sel_has_trace(s, "pr14721");

	*buf = '\0';
	if (pr)
		n = (size_t)snprintf(buf, len, "PR kern/14721");
	if (pr && s->s_ntrace > 1)
		n += (size_t)snprintf(buf + n, len - n, ", and %d other "
		    "trace%s", s->s_ntrace - 1, s->s_ntrace > 2 ? "s" : "");
	else if (!pr && s->s_ntrace > 3)
		n += (size_t)snprintf(buf + n, len - n, "%d traces",
		    s->s_ntrace);
	else if (!pr)
		for (i = 0; i < s->s_ntrace && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    i ? ", " : "", s->s_trace[i]);
	if (s->s_ntrace == 0)
		n += (size_t)snprintf(buf + n, len - n, "no traces");
	if (s->s_machine[0] != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, " on %s",
		    s->s_machine);
	if (n >= len - 1)
		snprintf(buf + len - 4, 4, "...");
}

static int
latest_run(struct rpt *r, const char *db)
{
	char what[256];
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(r->r_db, "SELECT commit_id, dirty, host, cpu, "
	    "date, compiler, (SELECT count(*) FROM \"case\") FROM run "
	    "ORDER BY id DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	title(r, what, sizeof(what));
	if (rc == SQLITE_ROW) {
		if (r->r_md) {
			printf("# kmbench report: %s\n\n", what);
			printf("| | |\n|---|---|\n");
			printf("| store | `%s` (%d cases) |\n", db,
			    sqlite3_column_int(s, 6));
			printf("| latest run | %s |\n",
			    (const char *)sqlite3_column_text(s, 4));
			printf("| commit | `%.12s`%s |\n",
			    (const char *)sqlite3_column_text(s, 0),
			    sqlite3_column_int(s, 1) ?
			    " (uncommitted changes)" : "");
			printf("| machine | %s, %s |\n",
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3));
			printf("| compiler | %s |\n\n",
			    (const char *)sqlite3_column_text(s, 5));
		} else {
			printf("kmbench report: %.56s\n\n", what);
			printf("store:      %.58s (%d cases)\n", db,
			    sqlite3_column_int(s, 6));
			printf("latest run: %.60s\n",
			    (const char *)sqlite3_column_text(s, 4));
			printf("commit:     %.12s%s\n",
			    (const char *)sqlite3_column_text(s, 0),
			    sqlite3_column_int(s, 1) ?
			    " (uncommitted changes)" : "");
			printf("machine:    %.28s, %.30s\n",
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3));
			printf("compiler:   %.60s\n\n",
			    (const char *)sqlite3_column_text(s, 5));
		}
	} else if (rc == SQLITE_DONE)
		printf("%sNo runs in %s.\n\n", r->r_md ?
		    "# kmbench report\n\n" : "kmbench report\n\n", db);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The figures of trace WL are shown (01-outcome-WL, 03-maps-WL-...):
 * 1 when NAME is a text plot of a featured trace or of none. */
static int
shown_plot(const struct rpt *r, const char *name)
{
	static const char *const kinds[] = { "01-outcome-", "02-maxfds-",
	    "03-maps-", "05-frag-" };
	const struct sel *s = &r->r_sel;
	size_t k, kl, wl;
	int t;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		kl = strlen(kinds[k]);
		if (strncmp(name, kinds[k], kl) != 0)
			continue;
		for (t = 0; t < s->s_ntrace; t++) {
			wl = strlen(s->s_trace[t]);
			if (sel_featured(s, s->s_trace[t]) &&
			    strncmp(name + kl, s->s_trace[t], wl) == 0 &&
			    (name[kl + wl] == '.' || name[kl + wl] == '-'))
				return 1;
		}
		return 0;
	}
	return 1;
}

static int
namecmp(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
textplots(struct rpt *r, const char *dir)
{
	char *names[256], path[4096], line[1024];
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;
	FILE *f;

	if ((d = opendir(dir)) == NULL) {
		printf("%sNo text plots in %s (kmbench plot draws them).\n",
		    r->r_md ? "## Plots\n\n" : "", dir);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		len = strlen(de->d_name);
		if (de->d_name[0] != '.' && len > 4 &&
		    strcmp(de->d_name + len - 4, ".txt") == 0 &&
		    shown_plot(r, de->d_name) &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), namecmp);
	if (n == 0)
		printf("%sNo text plots in %s (kmbench plot draws them).\n",
		    r->r_md ? "## Plots\n\n" : "", dir);
	else
		printf(r->r_md ? "## Plots\n\n" : "Plots (from %s)\n\n", dir);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((f = fopen(path, "r")) != NULL) {
			if (r->r_md)
				printf("### %.*s\n\n```\n",
				    (int)(strlen(names[i]) - 4), names[i]);
			else
				printf("--- %.*s\n", (int)(strlen(names[i]) -
				    4), names[i]);
			while (fgets(line, sizeof(line), f) != NULL) {
				line[strcspn(line, "\n")] = '\0';
				/* Never past 72 columns. */
				printf("%.72s\n", line);
			}
			fclose(f);
			printf(r->r_md ? "```\n\n" : "\n");
		}
		free(names[i]);
	}
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "plots", required_argument, NULL, 'p' },
		{ "trace", required_argument, NULL, 't' },
		{ "machine", required_argument, NULL, 'm' },
		{ "strategies", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *fmt = "txt",
	    *plots = "bench-out/plots", *traces = NULL, *machine = NULL,
	    *strats = NULL;
	char err[1024];
	struct store st;
	struct rpt r;
	FILE *probe;
	int c, t, rc;

	memset(&r, 0, sizeof(r));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'p': plots = optarg; break;
		case 't': traces = optarg; break;
		case 'm': machine = optarg; break;
		case 's': strats = optarg; break;
		default:
			bad_option("report", argv, optind);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kmbench report: unexpected argument '%s'\n",
		    argv[optind]);
		return 2;
	}
	if (strcmp(fmt, "md") == 0)
		r.r_md = 1;
	else if (strcmp(fmt, "txt") != 0) {
		fprintf(stderr, "kmbench report: unknown format '%s' (txt or "
		    "md)\n", fmt);
		return 2;
	}
	/* store_open would make a new, empty store of a mistyped name. */
	if ((probe = fopen(db, "r")) == NULL) {
		fprintf(stderr, "kmbench report: %s: %s\n", db,
		    strerror(errno));
		return 2;
	}
	fclose(probe);
	if (store_open_ro(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench report: %s\n", err);
		return 2;
	}
	r.r_db = st.st_db;
	if ((rc = sel_build(r.r_db, traces, machine, strats, &r.r_sel,
	    r.r_why, sizeof(r.r_why))) != 0) {
		fprintf(stderr, "kmbench report: %s: %s\n", db, r.r_why);
		store_close(&st);
		return rc > 0 ? 2 : 1;
	}
	if (latest_run(&r, db) != 0)
		goto fail;
	for (t = 0; t < r.r_sel.s_ntrace; t++)
		if (rpt_grid(&r, r.r_sel.s_trace[t]) != 0)
			goto fail;
	if (r.r_sel.s_ntrace > 0 && rpt_headlines(&r) != 0)
		goto fail;
	for (t = 0; t < r.r_sel.s_ntrace; t++)
		if (rpt_cases(&r, r.r_sel.s_trace[t]) != 0)
			goto fail;
	if (report_real(stdout, r.r_db, r.r_md, r.r_why,
	    sizeof(r.r_why)) != 0)
		goto fail;
	textplots(&r, plots);
	store_close(&st);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kmbench report: write error\n");
		return 1;
	}
	return 0;
fail:
	fprintf(stderr, "kmbench report: %s: %s\n", db, *r.r_why ? r.r_why :
	    sqlite3_errmsg(st.st_db));
	store_close(&st);
	return 1;
}
