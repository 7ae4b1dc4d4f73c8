/*
 * cmd_report.c: kmbench report [--db FILE] [--format txt|md|html]
 * [--plots DIR] [--trace LIST] [--machine NAME] [--strategies LIST]
 * [--out DIR] [--base REV] [--head REV]: the summary of a store on
 * stdout: the machine and commit of the latest run, an outcome grid for
 * each trace shown (rpt_grid.c), the headline figures of one trace on
 * one machine (rpt_head.c), a table of the cases of each trace, and the
 * text plots kmbench plot left in DIR.  Without --trace every trace of
 * the store is shown.  txt is plain text of at most 72 columns, md
 * Markdown; html is a static site in the --out directory instead
 * (report_html.c), with BASE and HEAD compared.
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
#include "compare.h"
#include "export.h"
#include "report_html.h"
#include "report_real.h"
#include "rpt.h"
#include "select.h"

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
	sel_title(&r->r_sel, what, sizeof(what));
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

static int
textplot_cmp(const void *a, const void *b)
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
		    sel_plot_shown(&r->r_sel, de->d_name) &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), textplot_cmp);
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
		{ "out", required_argument, NULL, 'o' },
		{ "base", required_argument, NULL, 'B' },
		{ "head", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *fmt = "txt",
	    *plots = "bench-out/plots", *traces = NULL, *machine = NULL,
	    *strats = NULL, *out = NULL, *base = NULL, *head = NULL;
	struct html_opts ho;
	struct cmp_opts co;
	char err[1024];
	struct store st;
	struct rpt r;
	FILE *probe;
	int c, t, rc, html = 0;

	memset(&r, 0, sizeof(r));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'p': plots = optarg; break;
		case 't': traces = optarg; break;
		case 'm': machine = optarg; break;
		case 's': strats = optarg; break;
		case 'o': out = optarg; break;
		case 'B': base = optarg; break;
		case 'H': head = optarg; break;
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
	else if (strcmp(fmt, "html") == 0)
		html = 1;
	else if (strcmp(fmt, "txt") != 0) {
		fprintf(stderr, "kmbench report: unknown format '%s' (txt, md "
		    "or html)\n", fmt);
		return 2;
	}
	if (!html && (out != NULL || base != NULL || head != NULL)) {
		fprintf(stderr, "kmbench report: --%s is for --format html\n",
		    out != NULL ? "out" : base != NULL ? "base" : "head");
		return 2;
	}
	/* store_open would make a new, empty store of a mistyped name. */
	if ((probe = fopen(db, "r")) == NULL) {
		fprintf(stderr, "kmbench report: %s: %s\n", db,
		    strerror(errno));
		return 2;
	}
	fclose(probe);
	if (store_open_ro(&st, db, err, sizeof(err)) != 0 ||
	    store_snapshot(&st, err, sizeof(err)) != 0) {
		store_close(&st);
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
	if (html) {
		cmp_defaults(&co);
		memset(&ho, 0, sizeof(ho));
		ho.ho_dir = out != NULL ? out : "bench-out/html";
		ho.ho_db = db;
		ho.ho_plots = plots;
		ho.ho_base = base;
		ho.ho_head = head;
		ho.ho_cmp = &co;
		rc = report_html(&r, &st, &ho, err, sizeof(err));
		store_close(&st);
		if (rc != 0) {
			fprintf(stderr, "kmbench report: %s\n", err);
			return rc > 0 ? 2 : 1;
		}
		return 0;
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
