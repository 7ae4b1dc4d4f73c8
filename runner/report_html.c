/*
 * report_html.c: kmbench report --format html (report_html.h): makes
 * the directory, writes index.html (what the text report shows: the run
 * context, an outcome grid per trace, the headline figures, the real
 * workloads' capacity, and every plot of kmbench plot, inline), then
 * has html_compare.c and html_history.c write theirs.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/store.h"
#include "cmd_plot.h"
#include "export.h"
#include "html.h"
#include "html_svg.h"
#include "report_html.h"
#include "report_real.h"
#include "rpt.h"

/* The run table's columns as the page names them; others as they are. */
static const struct {
	const char	*col, *label;
} ctxcols[] = {
	{ "commit_id", "commit" }, { "date", "date (UTC)" },
	{ "host", "host" }, { "cpu", "CPU" }, { "compiler", "compiler" },
	{ "cflags", "flags" }, { "version", "kmbench" },
	{ "command", "command" },
};

/* The newest run: every column of it, named. */
static int
context(struct html *h, struct rpt *r, const char *db)
{
	sqlite3_stmt *s;
	const char *col, *v;
	size_t k;
	int i, n, rc, dirty = 0;

	fprintf(h->h_f, "<h2 id=\"context\">Run context</h2>\n");
	if (sqlite3_prepare_v2(r->r_db, "SELECT (SELECT count(*) FROM "
	    "\"case\"), (SELECT count(DISTINCT commit_id) FROM run WHERE id "
	    "IN (SELECT run_id FROM \"case\")), (SELECT count(*) FROM run), "
	    "(SELECT min(date) FROM run)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		fprintf(h->h_f, "<p class=\"sub\">Store <code>");
		html_esc(h->h_f, db);
		fprintf(h->h_f, "</code>: %d cases of %d commit%s in %d "
		    "run%s since ", sqlite3_column_int(s, 0),
		    sqlite3_column_int(s, 1), sqlite3_column_int(s, 1) == 1 ?
		    "" : "s", sqlite3_column_int(s, 2),
		    sqlite3_column_int(s, 2) == 1 ? "" : "s");
		v = (const char *)sqlite3_column_text(s, 3);
		html_esc(h->h_f, v != NULL ? v : "-");
		fprintf(h->h_f, ". The newest run:</p>\n");
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(r->r_db, "SELECT * FROM run ORDER BY id DESC "
	    "LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return -1;
		fprintf(h->h_f, "<p>No runs in the store.</p>\n");
		return 0;
	}
	n = sqlite3_column_count(s);
	for (i = 0; i < n; i++)
		if (strcmp(sqlite3_column_name(s, i), "dirty") == 0)
			dirty = sqlite3_column_int(s, i);
	fprintf(h->h_f, "<table class=\"ctx\">\n");
	/* The known columns in their order, then any others. */
	for (k = 0; k <= sizeof(ctxcols) / sizeof(ctxcols[0]); k++)
		for (i = 0; i < n; i++) {
			size_t j;

			col = sqlite3_column_name(s, i);
			if (k < sizeof(ctxcols) / sizeof(ctxcols[0])) {
				if (strcmp(col, ctxcols[k].col) != 0)
					continue;
			} else {
				for (j = 0; j < sizeof(ctxcols) /
				    sizeof(ctxcols[0]); j++)
					if (strcmp(col, ctxcols[j].col) == 0)
						break;
				if (j < sizeof(ctxcols) / sizeof(ctxcols[0]) ||
				    strcmp(col, "id") == 0 ||
				    strcmp(col, "dirty") == 0)
					continue;
			}
			v = (const char *)sqlite3_column_text(s, i);
			fprintf(h->h_f, "<tr><th>");
			html_esc(h->h_f, k < sizeof(ctxcols) /
			    sizeof(ctxcols[0]) ? ctxcols[k].label : col);
			fprintf(h->h_f, "</th><td%s>", strcmp(col, "commit_id")
			    == 0 || strcmp(col, "cflags") == 0 ?
			    " class=\"mono\"" : "");
			html_esc(h->h_f, v != NULL ? v : "");
			if (strcmp(col, "commit_id") == 0 && dirty)
				fprintf(h->h_f, " (uncommitted changes)");
			fprintf(h->h_f, "</td></tr>\n");
		}
	fprintf(h->h_f, "</table>\n");
	sqlite3_finalize(s);
	return 0;
}

/* A grid of outcomes: strategy by machine, as the text report's. */
static int
grid(struct html *h, struct rpt *r, const char *wl, int *exhausted)
{
	struct exp_machine m[EXP_MAXMACH];
	const struct sel *s = &r->r_sel;
	const char *o, *cls;
	double fds;
	int n, i, j;

	if ((n = exp_machines(r->r_db, s, wl, m, EXP_MAXMACH, r->r_why,
	    sizeof(r->r_why))) < 0)
		return -1;
	fprintf(h->h_f, "<div class=\"grid\"><h3 id=\"grid-");
	html_esc(h->h_f, wl);
	fprintf(h->h_f, "\">");
	html_escf(h->h_f, strcmp(wl, "pr14721") == 0 ? "Outcome of the %s "
	    "attack" : "Outcome of %s", wl);
	fprintf(h->h_f, "</h3>\n");
	if (n == 0) {
		fprintf(h->h_f, "<p>No cases of ");
		html_esc(h->h_f, wl);
		fprintf(h->h_f, " in the store%s.</p></div>\n",
		    s->s_machine[0] ? " on that machine" : "");
		return 0;
	}
	fprintf(h->h_f, "<table class=\"grid\" data-trace=\"");
	html_esc(h->h_f, wl);
	fprintf(h->h_f, "\">\n<tr><th>strategy</th>");
	for (j = 0; j < n; j++) {
		fprintf(h->h_f, "<th class=\"num\" title=\"");
		html_esc(h->h_f, m[j].em_name);
		fprintf(h->h_f, "\">%llu MiB</th>",
		    (unsigned long long)m[j].em_physmem_mib);
	}
	fprintf(h->h_f, "</tr>\n");
	for (i = 0; i < s->s_nstrat; i++) {
		fprintf(h->h_f, "<tr><th>");
		html_esc(h->h_f, s->s_strat[i]);
		fprintf(h->h_f, "</th>");
		for (j = 0; j < n; j++) {
			if (rpt_cell(r, s->s_strat[i], m[j].em_name, wl, &o,
			    &fds) < 0)
				return -1;
			cls = o == NULL ? "notrun" : strcmp(o, "PANIC") == 0 ?
			    "panic" : o;
			if (o != NULL && strcmp(o, "exhausted") == 0)
				(*exhausted)++;
			fprintf(h->h_f, "<td class=\"cell o-");
			html_esc(h->h_f, cls);
			fprintf(h->h_f, "\" data-strategy=\"");
			html_esc(h->h_f, s->s_strat[i]);
			fprintf(h->h_f, "\" data-machine=\"");
			html_esc(h->h_f, m[j].em_name);
			fprintf(h->h_f, "\">");
			html_esc(h->h_f, o == NULL ? "not run" : o);
			if (!isnan(fds))
				fprintf(h->h_f, "<small>%.0f fds</small>", fds);
			fprintf(h->h_f, "</td>");
		}
		fprintf(h->h_f, "</tr>\n");
	}
	fprintf(h->h_f, "</table></div>\n");
	return 0;
}

static int
headlines(struct html *h, struct rpt *r)
{
	const struct sel *s = &r->r_sel;
	struct rpt_hl *hl;
	int i, k;

	if ((hl = calloc(1, sizeof(*hl))) == NULL) {
		snprintf(r->r_why, sizeof(r->r_why), "out of memory");
		return -1;
	}
	if (rpt_hl_build(r, hl) != 0) {
		free(hl);
		return -1;
	}
	fprintf(h->h_f, "<h2 id=\"headline\">Headline figures: ");
	html_escf(h->h_f, "%s on %s", s->s_hltrace, s->s_hlmachine);
	fprintf(h->h_f, "</h2>\n<table class=\"headline\">\n<tr><th></th>");
	for (i = 0; i < s->s_nstrat; i++) {
		fprintf(h->h_f, "<th class=\"num\">");
		html_esc(h->h_f, s->s_strat[i]);
		fprintf(h->h_f, "</th>");
	}
	fprintf(h->h_f, "</tr>\n");
	for (k = 0; k < hl->h_nrows; k++) {
		const char *label = hl->h_label[k];
		int sub = label[0] == ' ';

		fprintf(h->h_f, "<tr><th%s>", sub ?
		    " style=\"font-weight:400;padding-left:22px\"" : "");
		html_esc(h->h_f, label + strspn(label, " "));
		fprintf(h->h_f, "</th>");
		for (i = 0; i < s->s_nstrat; i++) {
			fprintf(h->h_f, "<td class=\"num\">");
			html_esc(h->h_f, hl->h_cell[k][i]);
			fprintf(h->h_f, "</td>");
		}
		fprintf(h->h_f, "</tr>\n");
	}
	fprintf(h->h_f, "</table>\n<p class=\"note\">");
	html_esc(h->h_f, hl->h_note);
	fprintf(h->h_f, "</p>\n");
	free(hl);
	return 0;
}

static int
svgplot_cmp(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every SVG plot of DIR the text report would show, inline. */
static int
plots(struct html *h, struct rpt *r, const char *dir, char *err,
    size_t errlen)
{
	char *names[256], path[4096], prefix[32], cap[256];
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;

	fprintf(h->h_f, "<h2 id=\"plots\">Plots</h2>\n");
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL && n < 256) {
			len = strlen(de->d_name);
			if (de->d_name[0] != '.' && len > 4 &&
			    strcmp(de->d_name + len - 4, ".svg") == 0 &&
			    sel_plot_shown(&r->r_sel, de->d_name) &&
			    (names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		closedir(d);
	}
	if (n == 0) {
		fprintf(h->h_f, "<p>No SVG plots in <code>");
		html_esc(h->h_f, dir);
		fprintf(h->h_f, "</code> (<code>kmbench plot --out ");
		html_esc(h->h_f, dir);
		fprintf(h->h_f, "</code> draws them).</p>\n");
		return 0;
	}
	qsort(names, n, sizeof(names[0]), svgplot_cmp);
	fprintf(h->h_f, "<p class=\"sub\">Drawn by <code>kmbench "
	    "plot</code> into <code>");
	html_esc(h->h_f, dir);
	fprintf(h->h_f, "</code> (docs/plots.md says what each shows).</p>\n");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(prefix, sizeof(prefix), "p%zu-", i + 1);
		snprintf(cap, sizeof(cap), "%.*s", (int)(strlen(names[i]) - 4),
		    names[i]);
		fprintf(h->h_f, "<figure id=\"plot-");
		html_esc(h->h_f, cap);
		fprintf(h->h_f, "\">\n");
		if (html_svg(h->h_f, path, prefix, err, errlen) != 0) {
			/* A plot that cannot be read is named, not fatal. */
			fprintf(h->h_f, "<p>");
			html_esc(h->h_f, err);
			fprintf(h->h_f, "</p>\n");
		}
		fprintf(h->h_f, "<figcaption>");
		html_esc(h->h_f, cap);
		fprintf(h->h_f, "</figcaption>\n</figure>\n");
		free(names[i]);
	}
	*err = '\0';
	return 0;
}

/* 1 when the store holds capacity searches (kmbench capacity --db). */
static int
has_capacity(sqlite3 *db)
{
	sqlite3_stmt *s;
	int yes = 0;

	/* A store from before kmbench capacity has no such table. */
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM capacity)",
	    -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		yes = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return yes;
}

static int
index_page(struct rpt *r, const struct html_opts *o, char *err,
    size_t errlen)
{
	char title[300], what[256];
	struct html h;
	int t, exhausted = 0;

	sel_title(&r->r_sel, what, sizeof(what));
	snprintf(title, sizeof(title), "kmbench report: %s", what);
	if (html_begin(&h, o->ho_dir, "index.html", title, HN_INDEX, err,
	    errlen) != 0)
		return -1;
	fprintf(h.h_f, "<p class=\"sub\">What the kernel memory allocator "
	    "did under each strategy: the <a href=\"#grids\">outcome "
	    "grids</a>, the <a href=\"#headline\">headline figures</a>, "
	    "%sthe <a href=\"#context\">run context</a> and the <a "
	    "href=\"#plots\">plots</a>; <a href=\"compare.html\">the last "
	    "two commits compared</a> and <a href=\"history.html\">every "
	    "figure across commits</a>.</p>\n", has_capacity(r->r_db) ?
	    "<a href=\"#real\">real workloads' capacity</a>, " : "");
	fprintf(h.h_f, "<h2 id=\"grids\">Outcome, by strategy and physical "
	    "memory</h2>\n<p class=\"note\">Survived, exhausted, PANIC or "
	    "hung; below it the most descriptors one process (for the "
	    "attack: the attacker) held.</p>\n");
	fprintf(h.h_f, "<div class=\"grids\">\n");
	for (t = 0; t < r->r_sel.s_ntrace; t++)
		if (grid(&h, r, r->r_sel.s_trace[t], &exhausted) != 0)
			goto sqlfail;
	fprintf(h.h_f, "</div>\n");
	if (r->r_sel.s_ntrace == 0)
		fprintf(h.h_f, "<p>No cases in the store.</p>\n");
	if (exhausted > 0) {
		fprintf(h.h_f, "<p class=\"note\">");
		html_esc(h.h_f, rpt_exhausted_note);
		fprintf(h.h_f, "</p>\n");
	}
	if (r->r_sel.s_ntrace > 0 && headlines(&h, r) != 0)
		goto sqlfail;
	if (has_capacity(r->r_db)) {
		fprintf(h.h_f, "<h2 id=\"real\">Real workloads: how many "
		    "copies a machine holds</h2>\n");
		if (report_real_html(h.h_f, r->r_db, r->r_why,
		    sizeof(r->r_why)) != 0)
			goto sqlfail;
	}
	if (context(&h, r, o->ho_db) != 0)
		goto sqlfail;
	if (plots(&h, r, o->ho_plots, err, errlen) != 0) {
		html_abort(&h);
		return -1;
	}
	return html_end(&h, NULL, err, errlen);
sqlfail:
	snprintf(err, errlen, "%s: %s", o->ho_db, *r->r_why ? r->r_why :
	    sqlite3_errmsg(r->r_db));
	html_abort(&h);
	return -1;
}

int
report_html(struct rpt *r, struct store *st, const struct html_opts *o,
    char *err, size_t errlen)
{
	struct stat sb;
	int rc;

	if (plot_mkdirs(o->ho_dir) != 0 || stat(o->ho_dir, &sb) != 0 ||
	    access(o->ho_dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s: %s", o->ho_dir, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s", o->ho_dir, strerror(ENOTDIR));
		return 2;
	}
	if (index_page(r, o, err, errlen) != 0)
		return -1;
	if ((rc = html_compare(st, o, err, errlen)) != 0)
		return rc;
	return html_history(r, st, o, err, errlen);
}
