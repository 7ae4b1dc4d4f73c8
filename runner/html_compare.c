/*
 * html_compare.c: compare.html, two commits (or runs) of the store as
 * kmbench compare judges them (compare.c): the verdict, the
 * deterministic figures that changed, then every latency figure with
 * its medians, change, p-value and q-value, and repetitions a side;
 * a warning where the repetitions are too few for the test to say
 * anything.  Without --base and --head: the last two commits stored.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/stats.h"
#include "../db/store.h"
#include "compare.h"
#include "html.h"
#include "report_html.h"

/* The last two commits with cases, oldest first: how many (0 to 2). */
static int
last_two(struct store *st, char c[2][64])
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run WHERE id "
	    "IN (SELECT run_id FROM \"case\") GROUP BY commit_id ORDER BY "
	    "min(id) DESC LIMIT 2", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (n < 2 && sqlite3_step(s) == SQLITE_ROW)
		snprintf(c[n++], 64, "%s", (const char *)sqlite3_column_text(s,
		    0));
	sqlite3_finalize(s);
	if (n == 2) {
		char t[64];

		memcpy(t, c[0], 64);
		memcpy(c[0], c[1], 64);
		memcpy(c[1], t, 64);
	}
	return n;
}

/* A row of the sides' table: commit, its first run's date and host. */
static void
side(FILE *f, struct store *st, const char *what, const char *spec,
    const char *commit, const char *cond)
{
	sqlite3_stmt *s;
	char sql[512];

	fprintf(f, "<tr><th>%s</th><td class=\"mono\">", what);
	html_esc(f, commit);
	fprintf(f, "</td><td>");
	html_esc(f, spec);
	fprintf(f, "</td>");
	snprintf(sql, sizeof(sql), "SELECT min(r.date), max(r.dirty), "
	    "min(r.host), min(r.compiler), count(*) FROM \"case\" c JOIN run "
	    "r ON r.id = c.run_id WHERE %s", cond);
	if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		fprintf(f, "<td>");
		html_esc(f, sqlite3_column_text(s, 0) != NULL ?
		    (const char *)sqlite3_column_text(s, 0) : "-");
		fprintf(f, "%s</td><td>", sqlite3_column_int(s, 1) ?
		    " (uncommitted changes)" : "");
		html_esc(f, sqlite3_column_text(s, 2) != NULL ?
		    (const char *)sqlite3_column_text(s, 2) : "-");
		fprintf(f, "</td><td>");
		html_esc(f, sqlite3_column_text(s, 3) != NULL ?
		    (const char *)sqlite3_column_text(s, 3) : "-");
		fprintf(f, "</td><td class=\"num\">%d</td>",
		    sqlite3_column_int(s, 4));
	}
	sqlite3_finalize(s);
	fprintf(f, "</tr>\n");
}

/*
 * A case's cell: "strategy machine trace [settings]" (cmp_label.h) with
 * the trace's directory left out (it is in the cell's title, shown on
 * hover).
 */
static void
casecell(FILE *f, const char *label)
{
	const char *t = strchr(label, ' '), *end, *sl = NULL, *p;

	fprintf(f, "<td class=\"case\" title=\"");
	html_esc(f, label);
	fprintf(f, "\">");
	/* The trace: the third word. */
	if (t != NULL)
		t = strchr(t + 1, ' ');
	if (t != NULL) {
		t++;
		end = t + strcspn(t, " ");
		for (p = t; p < end; p++)
			if (*p == '/')
				sl = p;
	}
	if (sl != NULL) {
		html_escn(f, label, (size_t)(t - label));
		html_esc(f, sl + 1);
	} else
		html_esc(f, label);
	fprintf(f, "</td>");
}

static const char *
vclass(const struct crow *r)
{

	switch (r->cr_v) {
	case CV_CHANGED: return "v-changed";
	case CV_REGRESSED: return "v-regressed";
	case CV_IMPROVED: return "v-improved";
	case CV_TOOFEW: return "v-toofew";
	default: return "v-other";
	}
}

/* The deterministic figures that changed, or are on one side only. */
static void
det_table(FILE *f, const struct cmp *c)
{
	char bs[64], hs[64], ds[32], vs[48];
	size_t i;
	int any = 0;

	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		if (r->cr_latency || r->cr_v == CV_UNCHANGED)
			continue;
		if (!any)
			fprintf(f, "<table class=\"det\">\n<tr><th>case</th>"
			    "<th>figure</th><th class=\"num\">base</th>"
			    "<th class=\"num\">head</th><th class=\"num\">"
			    "change</th><th>verdict</th></tr>\n");
		any = 1;
		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		fprintf(f, "<tr class=\"row\" data-kind=\"deterministic\" "
		    "data-verdict=\"%s\">", cv_names[r->cr_v]);
		casecell(f, r->cr_case);
		fprintf(f, "<td><code>");
		html_esc(f, r->cr_fig);
		fprintf(f, "</code></td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%s</td>"
		    "<td class=\"verdict %s\">", bs, hs, ds, vclass(r));
		html_esc(f, cmp_verdict(r, vs, sizeof(vs)));
		fprintf(f, "</td></tr>\n");
	}
	if (any)
		fprintf(f, "</table>\n");
	else
		fprintf(f, "<p class=\"ok\">None: every deterministic figure "
		    "of the cases compared is the same on both sides.</p>\n");
}

/* The order latency rows are shown in: verdicts first. */
static int
lat_rank(const struct crow *r)
{

	switch (r->cr_v) {
	case CV_REGRESSED: return 0;
	case CV_IMPROVED: return 1;
	case CV_TOOFEW: return 2;
	case CV_UNCHANGED: return 3;
	default: return 4;
	}
}

static void
fmtp(double p, char *buf, size_t len)
{

	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "%.1e", p);
	else
		snprintf(buf, len, "%.3f", p);
}

/* The latency rows of rank RANK (lat_rank) as a table: how many. */
static int
lat_rows(FILE *f, const struct cmp *c, int rank)
{
	char bs[64], hs[64], ds[32], dn[32], ps[16], qs[16], vs[48];
	size_t i;
	int n = 0;

	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		if (!r->cr_latency || lat_rank(r) != rank)
			continue;
		if (n++ == 0)
			fprintf(f, "<table class=\"lat\">\n<tr><th>case</th>"
			    "<th>figure</th><th class=\"num\">base median"
			    "</th><th class=\"num\">head median</th><th "
			    "class=\"num\">change</th><th class=\"num\">"
			    "difference</th><th class=\"num\">p</th><th "
			    "class=\"num\">q</th><th class=\"num\">reps "
			    "base</th><th class=\"num\">reps head</th><th>"
			    "verdict</th></tr>\n");
		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		if (isnan(r->cr_base) || isnan(r->cr_head))
			snprintf(dn, sizeof(dn), "-");
		else
			snprintf(dn, sizeof(dn), fabs(r->cr_head - r->cr_base)
			    < 10 ? "%+.1f ns" : "%+.0f ns", r->cr_head -
			    r->cr_base);
		fmtp(r->cr_p, ps, sizeof(ps));
		cmp_fmtq(r->cr_q, qs, sizeof(qs));
		fprintf(f, "<tr class=\"row\" data-kind=\"latency\" "
		    "data-verdict=\"%s\">", cv_names[r->cr_v]);
		casecell(f, r->cr_case);
		fprintf(f, "<td><code>");
		html_esc(f, r->cr_fig);
		fprintf(f, "</code></td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%s</td><td "
		    "class=\"num\">%s</td><td class=\"num\">%zu</td><td "
		    "class=\"num\">%zu</td><td class=\"verdict %s\">", bs, hs,
		    ds, dn, ps, qs, r->cr_nb, r->cr_nh, vclass(r));
		html_esc(f, cmp_verdict(r, vs, sizeof(vs)));
		if (r->cr_v == CV_TOOFEW)
			fprintf(f, " &#9888;");
		fprintf(f, "</td></tr>\n");
	}
	if (n > 0)
		fprintf(f, "</table>\n");
	return n;
}

/* How many latency rows of rank RANK. */
static int
lat_count(const struct cmp *c, int rank)
{
	size_t i;
	int n = 0;

	for (i = 0; i < c->c_n; i++)
		n += c->c_rows[i].cr_latency && lat_rank(&c->c_rows[i]) ==
		    rank;
	return n;
}

/*
 * The verdicts in full view, regressions first; the figures not judged
 * and those unchanged each in a section of their own, closed.
 */
static void
lat_table(FILE *f, const struct cmp *c)
{
	static const char *const what[] = { NULL, NULL,
	    "not judged: too few repetitions", "unchanged", "on one side "
	    "only" };
	int rank, n;

	if (lat_rows(f, c, 0) + lat_rows(f, c, 1) == 0)
		fprintf(f, "<p class=\"ok\">No latency figure regressed or "
		    "improved.</p>\n");
	for (rank = 2; rank <= 4; rank++) {
		if ((n = lat_count(c, rank)) == 0)
			continue;
		fprintf(f, "<details%s><summary>%d latency figure%s %s"
		    "</summary>\n", n <= 12 ? " open" : "", n, n == 1 ? "" :
		    "s", what[rank]);
		lat_rows(f, c, rank);
		fprintf(f, "</details>\n");
	}
}

int
html_compare(struct store *st, const struct html_opts *o, char *err,
    size_t errlen)
{
	const struct cmp_opts *co = o->ho_cmp;
	char commits[2][64], bcond[256], hcond[256], bc[64], hc[64];
	char title[256];
	const char *bspec, *hspec;
	struct html h;
	struct cmp c;
	size_t minreps = stats_minreps(co->co_alpha);
	int n, rc;

	if ((n = last_two(st, commits)) < 0) {
		snprintf(err, errlen, "%s: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		return -1;
	}
	bspec = o->ho_base;
	hspec = o->ho_head;
	if (bspec == NULL && hspec == NULL && n < 2) {
		if (html_begin(&h, o->ho_dir, "compare.html", "Compare",
		    HN_COMPARE, err, errlen) != 0)
			return -1;
		fprintf(h.h_f, "<p>The store holds %s: nothing to compare "
		    "yet. A second commit's <code>make bench</code> into the "
		    "same store adds one; <code>kmbench report --format html "
		    "--base A --head B</code> compares two runs.</p>\n", n ?
		    "one commit" : "no cases");
		return html_end(&h, NULL, err, errlen);
	}
	if (bspec == NULL && hspec == NULL) {
		cmp_commit_cond(commits[0], bcond, sizeof(bcond));
		cmp_commit_cond(commits[1], hcond, sizeof(hcond));
		snprintf(bc, sizeof(bc), "%s", commits[0]);
		snprintf(hc, sizeof(hc), "%s", commits[1]);
		bspec = "the commit before";
		hspec = "the latest commit";
	} else {
		if (bspec == NULL)
			bspec = n == 2 ? commits[0] : "latest";
		if (hspec == NULL)
			hspec = "latest";
		if (cmp_resolve(st, bspec, bcond, sizeof(bcond), bc,
		    sizeof(bc), err, errlen) != 0 || cmp_resolve(st, hspec,
		    hcond, sizeof(hcond), hc, sizeof(hc), err, errlen) != 0)
			return 2;
	}
	if ((rc = cmp_run(st, bcond, hcond, co, &c, err, errlen)) != 0) {
		cmp_free(&c);
		return -1;
	}
	snprintf(title, sizeof(title), "Compare %.12s with %.12s", bc, hc);
	if (html_begin(&h, o->ho_dir, "compare.html", title, HN_COMPARE, err,
	    errlen) != 0) {
		cmp_free(&c);
		return -1;
	}
	fprintf(h.h_f, "<table class=\"sides\">\n<tr><th></th><th>commit"
	    "</th><th>as given</th><th>first run (UTC)</th><th>host</th>"
	    "<th>compiler</th><th class=\"num\">cases</th></tr>\n");
	side(h.h_f, st, "base", bspec, bc, bcond);
	side(h.h_f, st, "head", hspec, hc, hcond);
	fprintf(h.h_f, "</table>\n");
	fprintf(h.h_f, "<p id=\"verdict\" class=\"%s\"><b>%s.</b> %d "
	    "changed, %d accepted, %d regressed, %d improved, %d unchanged "
	    "(<code>kmbench compare</code> would exit %d).</p>\n",
	    c.n_changed + c.n_regressed > 0 ? "bad" : "ok",
	    c.n_changed + c.n_regressed > 0 ? "Regression" : "No regression",
	    c.n_changed, c.n_accepted, c.n_regressed, c.n_improved,
	    c.n_unchanged, c.n_changed + c.n_regressed > 0 ? 1 : 0);
	if (c.n_cases_base > 0 || c.n_cases_head > 0)
		fprintf(h.h_f, "<p class=\"note\">Cases not compared: %d only "
		    "in base, %d only in head.</p>\n", c.n_cases_base,
		    c.n_cases_head);
	fprintf(h.h_f, "<h2 id=\"deterministic\">Deterministic figures that "
	    "changed</h2>\n<p class=\"note\">These are pure functions of the "
	    "inputs: any difference is a change of behaviour.</p>\n");
	det_table(h.h_f, &c);
	fprintf(h.h_f, "<h2 id=\"latency\">Latency</h2>\n<p class=\"note\">"
	    "The %s of each repetition, judged over the repetitions: "
	    "Mann-Whitney U test (p), Benjamini-Hochberg false-discovery "
	    "rate %g across the %zu figures judged (q); a regression or an "
	    "improvement also needs the medians to differ by at least %g%% "
	    "and %g ns.</p>\n", co->co_quant, co->co_alpha, c.n_judged,
	    co->co_effect * 100, co->co_floorns);
	if (c.n_toofew > 0)
		fprintf(h.h_f, "<p class=\"warn\" id=\"toofew\">&#9888; %d "
		    "latency figure%s not judged: fewer than %zu repetitions a "
		    "side, too few for the test to reach a false-discovery "
		    "rate of %g whatever the times. <code>kmbench matrix "
		    "--reps %zu</code> gives enough.</p>\n", c.n_toofew,
		    c.n_toofew == 1 ? "" : "s", minreps, co->co_alpha,
		    minreps);
	lat_table(h.h_f, &c);
	cmp_free(&c);
	return html_end(&h, NULL, err, errlen);
}
