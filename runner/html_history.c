/*
 * html_history.c: history.html, the list of figures, and a page for
 * each figure across commits, as kmbench history has it (the mean over
 * a commit's repetitions, commits in the order they were first run).
 * Every result figure has a page, and every latency series at the
 * quantile compare judges.  Each commit after the first is compared with
 * the one before it by compare.c, exactly as kmbench compare PREV COMMIT
 * would, and each point carries that verdict: changed (a deterministic
 * figure), regressed or improved (latency), unchanged, or too few
 * repetitions to say.  A page draws a small SVG chart, each commit a
 * point with its commit, value and verdict in a <title> (shown on
 * hover; a click also writes it under the charts), for every case in
 * which the figure moved and for the headline trace and machine.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "cmp_label.h"
#include "compare.h"
#include "html.h"
#include "report_html.h"
#include "rpt.h"
#include "select.h"

#define MAXCOMMITS	512
#define MAXCHARTS	24

/* What a point says against the commit before; VS_* past cv's. */
enum { VS_FIRST = CV_HEADONLY + 1, VS_NEW, VS_NONE };

struct hcommit {
	char	 c_id[64];
	char	 c_date[32];
	int	 c_dirty;
};

struct hcase {
	const char *h_group;	/* the group's (struct hgroup) */
	const char *h_label;
	int	 h_g;		/* the group, in hi_g */
	const char *h_settings;	/* in h_label: the sweep's, or "" */
	char	 h_strategy[64], h_machine[64], h_wl[64];
	double	*h_v;		/* a value per commit, NAN: none */
	int	*h_reps;
	int	*h_verdict;	/* per commit: enum cv or VS_* */
	int	 h_moved;
	int	 h_headline;
};

/* The cases of one group: one case without its repetition. */
struct hgroup {
	char	*g_key;		/* CMP_GROUP_SQL's */
	char	*g_label;	/* cmp_label's */
	size_t	 g_plain;	/* bytes of "strategy machine trace" */
	char	 g_strategy[64], g_machine[64], g_wl[64];
};

/* A case: its group and the index of its commit (-1: not shown). */
struct hcaseref {
	int64_t	 cr_id;
	int	 cr_group;
	int	 cr_commit;
};

struct history {
	struct rpt	*hi_r;
	struct store	*hi_st;
	struct hcommit	*hi_c;
	int		 hi_n;
	struct cmp	*hi_cmp;	/* [k]: commit k-1 against k */
	const char	*hi_quant;
	struct hgroup	*hi_g;		/* by key, as SQL orders text */
	int		 hi_ng;
	struct hcaseref	*hi_cases;	/* by id */
	size_t		 hi_ncases;
};

/* The script of a figure page: a clicked point's title under the charts. */
static const char script[] =
"document.querySelectorAll('.point').forEach(function (p) {\n"
"  p.addEventListener('click', function () {\n"
"    document.getElementById('picked').textContent =\n"
"        p.querySelector('title').textContent;\n"
"  });\n"
"});";

static int
commits(struct history *hi)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(hi->hi_st->st_db, "SELECT commit_id, "
	    "min(date), max(dirty) FROM run WHERE id IN (SELECT run_id FROM "
	    "\"case\") GROUP BY commit_id ORDER BY min(id)", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && hi->hi_n < MAXCOMMITS) {
		struct hcommit *c = &hi->hi_c[hi->hi_n++];

		snprintf(c->c_id, sizeof(c->c_id), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		snprintf(c->c_date, sizeof(c->c_date), "%s",
		    sqlite3_column_text(s, 1) != NULL ?
		    (const char *)sqlite3_column_text(s, 1) : "");
		c->c_dirty = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Each commit against the one before, as kmbench compare judges. */
static int
judge_all(struct history *hi, const struct cmp_opts *co, char *err,
    size_t errlen)
{
	char bcond[256], hcond[256];
	int k;

	for (k = 1; k < hi->hi_n; k++) {
		cmp_commit_cond(hi->hi_c[k - 1].c_id, bcond, sizeof(bcond));
		cmp_commit_cond(hi->hi_c[k].c_id, hcond, sizeof(hcond));
		if (cmp_run(hi->hi_st, bcond, hcond, co, &hi->hi_cmp[k], err,
		    errlen) != 0)
			return -1;
	}
	return 0;
}

static int
commit_index(const struct history *hi, const char *id)
{
	int k;

	for (k = 0; k < hi->hi_n; k++)
		if (strcmp(hi->hi_c[k].c_id, id) == 0)
			return k;
	return -1;
}

static void
cases_free(struct hcase *hc, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(hc[i].h_v);
		free(hc[i].h_reps);
		free(hc[i].h_verdict);
	}
	free(hc);
}

static int
caseref_cmp(const void *a, const void *b)
{
	const struct hcaseref *x = a, *y = b;

	return (x->cr_id > y->cr_id) - (x->cr_id < y->cr_id);
}

static int
hcase_cmp(const void *a, const void *b)
{
	const struct hcase *x = a, *y = b;

	return (x->h_g > y->h_g) - (x->h_g < y->h_g);
}

/*
 * Every case once, before the pages: its group (the case without its
 * repetition, as compare pairs them), its commit, and each group's
 * names, so that a figure's values are a scan of its own rows and not
 * a join and a grouping of every case again (make bench's 70 figures:
 * 0.62 s of the 1.06 s the whole site took).
 */
static int
groups(struct history *hi)
{
	struct hgroup *g;
	struct hcaseref *cr;
	const char *key, *commit;
	sqlite3_stmt *s;
	size_t capg = 0, capc = 0;
	int rc, k = -1;

	if (sqlite3_prepare_v2(hi->hi_st->st_db, "SELECT c.id, r.commit_id, "
	    CMP_GROUP_SQL " AS g, c.strategy, c.machine, c.trace, "
	    "cmp_label(c.strategy, c.machine, c.trace, c.inputs) FROM "
	    "\"case\" c JOIN run r ON r.id = c.run_id ORDER BY g",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((key = (const char *)sqlite3_column_text(s, 2)) == NULL)
			key = "";
		if (hi->hi_ng == 0 ||
		    strcmp(hi->hi_g[hi->hi_ng - 1].g_key, key) != 0) {
			if ((size_t)hi->hi_ng == capg) {
				capg = capg ? 2 * capg : 256;
				if ((g = realloc(hi->hi_g, capg *
				    sizeof(*g))) == NULL)
					goto fail;
				hi->hi_g = g;
			}
			g = &hi->hi_g[hi->hi_ng];
			memset(g, 0, sizeof(*g));
			g->g_key = strdup(key);
			g->g_label = strdup((const char *)
			    sqlite3_column_text(s, 6));
			if (g->g_key == NULL || g->g_label == NULL) {
				free(g->g_key);
				free(g->g_label);
				goto fail;
			}
			hi->hi_ng++;
			/* The label starts "strategy machine trace". */
			g->g_plain = strlen((const char *)
			    sqlite3_column_text(s, 3)) + 1 + strlen((const char *)
			    sqlite3_column_text(s, 4)) + 1 + strlen((const char *)
			    sqlite3_column_text(s, 5));
			snprintf(g->g_strategy, sizeof(g->g_strategy), "%s",
			    (const char *)sqlite3_column_text(s, 3));
			snprintf(g->g_machine, sizeof(g->g_machine), "%s",
			    (const char *)sqlite3_column_text(s, 4));
			sel_workload((const char *)sqlite3_column_text(s, 5),
			    g->g_wl, sizeof(g->g_wl));
		}
		commit = (const char *)sqlite3_column_text(s, 1);
		if (k < 0 || strcmp(hi->hi_c[k].c_id, commit) != 0)
			k = commit_index(hi, commit);
		if (hi->hi_ncases == capc) {
			capc = capc ? 2 * capc : 1024;
			if ((cr = realloc(hi->hi_cases, capc *
			    sizeof(*cr))) == NULL)
				goto fail;
			hi->hi_cases = cr;
		}
		cr = &hi->hi_cases[hi->hi_ncases++];
		cr->cr_id = sqlite3_column_int64(s, 0);
		cr->cr_group = hi->hi_ng - 1;
		cr->cr_commit = k;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	qsort(hi->hi_cases, hi->hi_ncases, sizeof(*hi->hi_cases), caseref_cmp);
	return 0;
fail:
	sqlite3_finalize(s);
	return -1;
}

/* The case of id ID, or NULL. */
static const struct hcaseref *
case_find(const struct history *hi, int64_t id)
{
	struct hcaseref key;

	key.cr_id = id;
	return bsearch(&key, hi->hi_cases, hi->hi_ncases,
	    sizeof(*hi->hi_cases), caseref_cmp);
}

/*
 * The values of figure NAME (a result, or the latency series OP/ARENA
 * when LAT) of every case and commit into *HC, a case a group in the
 * groups' order: the mean over each commit's repetitions, summed in the
 * rows' order as SQL's avg() would.  How many cases, or -1.
 */
static int
values(struct history *hi, const char *name, const char *op,
    const char *arena, int lat, struct hcase **hcp)
{
	struct hcase *hc = NULL, *h;
	const struct hcaseref *cr;
	const struct hgroup *g;
	char sql[256];
	sqlite3_stmt *s;
	int *at = NULL, n = 0, i, k, rc;

	snprintf(sql, sizeof(sql), "SELECT case_id, %s FROM %s WHERE %s",
	    !lat ? "value" : strcmp(hi->hi_quant, "mean") == 0 ? "mean" :
	    strcmp(hi->hi_quant, "p90") == 0 ? "p90" :
	    strcmp(hi->hi_quant, "p99") == 0 ? "p99" :
	    strcmp(hi->hi_quant, "p999") == 0 ? "p999" :
	    strcmp(hi->hi_quant, "max") == 0 ? "max" : "p50",
	    lat ? "latency" : "result", lat ? "op = ?1 AND arena = ?2" :
	    "name = ?1");
	if (sqlite3_prepare_v2(hi->hi_st->st_db, sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, lat ? op : name, -1, SQLITE_STATIC);
	if (lat)
		sqlite3_bind_text(s, 2, arena, -1, SQLITE_STATIC);
	/* AT[group]: its case in HC, or -1; a case's values are sums here. */
	if (hi->hi_ng > 0 && (at = malloc((size_t)hi->hi_ng *
	    sizeof(*at))) == NULL)
		goto fail;
	for (i = 0; i < hi->hi_ng; i++)
		at[i] = -1;
	if ((hc = calloc(hi->hi_ng > 0 ? (size_t)hi->hi_ng : 1,
	    sizeof(*hc))) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((cr = case_find(hi, sqlite3_column_int64(s, 0))) == NULL)
			continue;
		if (at[cr->cr_group] < 0) {
			at[cr->cr_group] = n;
			h = &hc[n++];
			h->h_v = calloc((size_t)hi->hi_n, sizeof(double));
			h->h_reps = calloc((size_t)hi->hi_n, sizeof(int));
			h->h_verdict = calloc((size_t)hi->hi_n, sizeof(int));
			if (h->h_v == NULL || h->h_reps == NULL ||
			    h->h_verdict == NULL)
				goto fail;
			h->h_g = cr->cr_group;
		}
		if ((k = cr->cr_commit) >= 0) {
			h = &hc[at[cr->cr_group]];
			h->h_v[k] += sqlite3_column_double(s, 1);
			h->h_reps[k]++;
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	/* In the groups' order, as SQL's ORDER BY g gave them. */
	qsort(hc, (size_t)n, sizeof(*hc), hcase_cmp);
	for (i = 0; i < n; i++) {
		h = &hc[i];
		g = &hi->hi_g[h->h_g];
		h->h_group = g->g_key;
		h->h_label = g->g_label;
		h->h_settings = g->g_label + (g->g_plain < strlen(g->g_label) ?
		    g->g_plain : strlen(g->g_label));
		memcpy(h->h_strategy, g->g_strategy, sizeof(h->h_strategy));
		memcpy(h->h_machine, g->g_machine, sizeof(h->h_machine));
		memcpy(h->h_wl, g->g_wl, sizeof(h->h_wl));
		for (k = 0; k < hi->hi_n; k++)
			h->h_v[k] = h->h_reps[k] > 0 ? h->h_v[k] /
			    h->h_reps[k] : NAN;
	}
	free(at);
	*hcp = hc;
	return n;
fail:
	sqlite3_finalize(s);
	free(at);
	cases_free(hc, n);
	return -1;
}

/* Each point's verdict: compare's row for it, else what is plain. */
static void
verdicts(struct history *hi, struct hcase *hc, int n, const char *name,
    int lat)
{
	const struct rpt *r = hi->hi_r;
	int i, k;
	size_t j;

	for (i = 0; i < n; i++) {
		struct hcase *h = &hc[i];

		for (k = 0; k < hi->hi_n; k++)
			h->h_verdict[k] = isnan(h->h_v[k]) ? VS_NONE : k == 0 ||
			    isnan(h->h_v[k - 1]) ? (k == 0 ? VS_FIRST :
			    VS_NEW) : CV_UNCHANGED;
		h->h_headline = strcmp(h->h_wl, r->r_sel.s_hltrace) == 0 &&
		    strcmp(h->h_machine, r->r_sel.s_hlmachine) == 0;
	}
	for (k = 1; k < hi->hi_n; k++) {
		const struct cmp *c = &hi->hi_cmp[k];

		for (j = 0; j < c->c_n; j++) {
			const struct crow *cr = &c->c_rows[j];

			if (cr->cr_latency != lat || strcmp(cr->cr_name, name)
			    != 0)
				continue;
			for (i = 0; i < n; i++) {
				/* By group: a label may name more settings. */
				if (strcmp(hc[i].h_group, cr->cr_group) != 0 ||
				    hc[i].h_verdict[k] == VS_NONE)
					continue;
				if (cr->cr_v == CV_CHANGED || cr->cr_v ==
				    CV_REGRESSED || cr->cr_v == CV_IMPROVED ||
				    cr->cr_v == CV_TOOFEW ||
				    cr->cr_v == CV_UNCHANGED)
					hc[i].h_verdict[k] = (int)cr->cr_v;
				if (cr->cr_v == CV_CHANGED || cr->cr_v ==
				    CV_REGRESSED || cr->cr_v == CV_IMPROVED)
					hc[i].h_moved = 1;
			}
		}
	}
}

static const char *
vname(int v)
{

	switch (v) {
	case VS_FIRST: return "first";
	case VS_NEW: return "new";
	case VS_NONE: return "none";
	case CV_TOOFEW: return "toofew";
	default: return cv_names[v];
	}
}

static const char *
vwords(int v)
{

	switch (v) {
	case VS_FIRST: return "the first commit";
	case VS_NEW: return "first at this commit";
	case CV_TOOFEW: return "too few repetitions to judge";
	case CV_UNCHANGED: return "unchanged";
	default: return cv_names[v];
	}
}

/* Tick step: 1, 2 or 5 times a power of ten, about 5 ticks over R. */
static double
tickstep(double r)
{
	double p = pow(10, floor(log10(r / 5))), m = r / 5 / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* A tick's label: at most about five characters (250, 1.5k, 200M). */
static void
ticklabel(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (a >= 1e9)
		snprintf(buf, len, "%gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (a >= 1e4)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

static void
fmtnum(double v, char *buf, size_t len)
{

	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.6g", v);
}

/* The chart of case H: an SVG with a point per commit. */
static void
chart(FILE *f, const struct history *hi, const struct hcase *h,
    const char *fig, const char *unit)
{
	const double W = 560, H = 220, L = 62, R = 14, T = 12, B = 46;
	double lo = INFINITY, hi_ = -INFINITY, step, y, x;
	char num[64], prev[64];
	int k, every, first = 1, n = hi->hi_n;

	for (k = 0; k < n; k++)
		if (!isnan(h->h_v[k])) {
			lo = fmin(lo, h->h_v[k]);
			hi_ = fmax(hi_, h->h_v[k]);
		}
	if (lo == INFINITY)
		return;
	/* From zero where every value is positive: honest heights. */
	if (lo >= 0)
		lo = 0;
	if (hi_ <= lo)
		hi_ = lo + (lo == 0 ? 1 : fabs(lo));
	step = tickstep(hi_ - lo);
	lo = floor(lo / step) * step;
	hi_ = ceil(hi_ * 1.04 / step) * step;
#define X(k) (n == 1 ? L + (W - L - R) / 2 : L + 16 + (double)(k) * \
	(W - L - R - 32) / (n - 1))
#define Y(v) (T + (H - T - B) * (1 - ((v) - lo) / (hi_ - lo)))
	fprintf(f, "<svg class=\"hist\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f"
	    "\" height=\"%.0f\" role=\"img\" data-case=\"", W, H, W, H);
	html_esc(f, h->h_label);
	fprintf(f, "\" font-family=\"system-ui,Helvetica,Arial,sans-serif\" "
	    "font-size=\"12\">\n");
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
	    "fill=\"#fbfcfd\" stroke=\"#c9d1d9\"/>\n", L, T, W - L - R,
	    H - T - B);
	for (y = lo; y <= hi_ + step / 2; y += step) {
		ticklabel(fabs(y) < step / 1e6 ? 0 : y, num, sizeof(num));
		fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#e3e7eb\"/><text x=\"%.0f\" "
		    "y=\"%.1f\" text-anchor=\"end\" fill=\"#4a5560\">%s</text>\n",
		    L, W - R, Y(y), Y(y), L - 6, Y(y) + 4, num);
	}
	fprintf(f, "<text transform=\"translate(14 %.0f) rotate(-90)\" "
	    "text-anchor=\"middle\" fill=\"#4a5560\">", T + (H - T - B) / 2);
	html_esc(f, unit);
	fprintf(f, "</text>\n");
	every = n > 10 ? (n + 9) / 10 : 1;
	for (k = 0; k < n; k++)
		if (k % every == 0 || k == n - 1) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" "
			    "text-anchor=\"middle\" fill=\"#4a5560\" "
			    "class=\"mono\">", X(k), H - B + 17);
			html_escn(f, hi->hi_c[k].c_id, 7);
			fprintf(f, "%s</text>\n", hi->hi_c[k].c_dirty ? "+" :
			    "");
		}
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
	    "fill=\"#4a5560\">commit, oldest first (+: uncommitted "
	    "changes)</text>\n", L + (W - L - R) / 2, H - 8);
	/* The line, broken where a commit has no value. */
	fprintf(f, "<path fill=\"none\" stroke=\"#7d93ab\" stroke-width=\"2\" "
	    "d=\"");
	for (k = 0; k < n; k++) {
		if (isnan(h->h_v[k])) {
			first = 1;
			continue;
		}
		fprintf(f, "%s%.1f %.1f ", first ? "M" : "L", X(k),
		    Y(h->h_v[k]));
		first = 0;
	}
	fprintf(f, "\"/>\n");
	*prev = '\0';
	for (k = 0; k < n; k++) {
		int v = h->h_verdict[k];
		const char *fill, *stroke;
		double rad;

		if (isnan(h->h_v[k]))
			continue;
		x = X(k);
		y = Y(h->h_v[k]);
		switch (v) {
		case CV_CHANGED:
			fill = "#e67e22"; stroke = "#8a4a0f"; rad = 7; break;
		case CV_REGRESSED:
			fill = "#d62728"; stroke = "#7a1010"; rad = 7.5; break;
		case CV_IMPROVED:
			fill = "#2ca02c"; stroke = "#145214"; rad = 7.5; break;
		case CV_TOOFEW:
			fill = "#ffffff"; stroke = "#888888"; rad = 5; break;
		default:
			fill = "#1f6fb4"; stroke = "#ffffff"; rad = 5; break;
		}
		fmtnum(h->h_v[k], num, sizeof(num));
		fprintf(f, "<circle class=\"point v-%s\" data-commit=\"",
		    vname(v));
		html_esc(f, hi->hi_c[k].c_id);
		fprintf(f, "\" data-value=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\">"
		    "<title>", num, x, y, rad, fill, stroke);
		html_escf(f, "commit %.12s%s, first run %s\n%s = %s%s "
		    "(mean of %d repetition%s)\n%s", hi->hi_c[k].c_id,
		    hi->hi_c[k].c_dirty ? " (uncommitted changes)" : "",
		    hi->hi_c[k].c_date, fig, num, *unit == 'n' ? " ns" : "",
		    h->h_reps[k], h->h_reps[k] == 1 ? "" : "s", vwords(v));
		if (*prev != '\0' && (v == CV_CHANGED || v == CV_REGRESSED ||
		    v == CV_IMPROVED))
			html_escf(f, ": %s before", prev);
		fprintf(f, "</title></circle>\n");
		snprintf(prev, sizeof(prev), "%s", num);
	}
	fprintf(f, "</svg>\n");
#undef X
#undef Y
}

static void
legend(FILE *f, int lat)
{

	fprintf(f, "<p class=\"legend\"><span><svg width=\"12\" height=\"12\">"
	    "<circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"#1f6fb4\"/></svg> "
	    "unchanged (or the first commit)</span>");
	if (!lat)
		fprintf(f, "<span><svg width=\"14\" height=\"14\"><circle "
		    "cx=\"7\" cy=\"7\" r=\"6\" fill=\"#e67e22\"/></svg> changed: "
		    "a deterministic figure differs from the commit before"
		    "</span>");
	else
		fprintf(f, "<span><svg width=\"14\" height=\"14\"><circle "
		    "cx=\"7\" cy=\"7\" r=\"6\" fill=\"#d62728\"/></svg> "
		    "regressed</span><span><svg width=\"14\" height=\"14\">"
		    "<circle cx=\"7\" cy=\"7\" r=\"6\" fill=\"#2ca02c\"/></svg> "
		    "improved</span><span><svg width=\"12\" height=\"12\">"
		    "<circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"#fff\" "
		    "stroke=\"#888\" stroke-width=\"1.5\"/></svg> too few "
		    "repetitions to judge</span>");
	fprintf(f, "</p>\n");
}

/* How many points of the latest commit carry verdict V. */
static int
count_at(const struct hcase *hc, int n, int k, int v)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += hc[i].h_verdict[k] == v;
	return c;
}

/* The page of figure NAME; its moves at the latest commit into *MOVED. */
static int
page(struct history *hi, const struct html_opts *o, const char *name,
    const char *op, const char *arena, int lat, const char *file,
    int *nmoved, int *ncases, char *err, size_t errlen)
{
	char cname[160], title[256], unit[192];
	struct hcase *hc;
	struct html h;
	int n, i, k, shown = 0, rest = 0;

	if (lat)
		snprintf(cname, sizeof(cname), "%s/%s", op, arena);
	else
		snprintf(cname, sizeof(cname), "%s", name);
	if ((n = values(hi, name, op, arena, lat, &hc)) < 0) {
		snprintf(err, errlen, "%s: %s", hi->hi_st->st_path,
		    sqlite3_errmsg(hi->hi_st->st_db));
		return -1;
	}
	verdicts(hi, hc, n, cname, lat);
	*ncases = n;
	*nmoved = 0;
	for (i = 0; i < n; i++)
		*nmoved += hi->hi_n > 1 && (hc[i].h_verdict[hi->hi_n - 1] ==
		    CV_CHANGED || hc[i].h_verdict[hi->hi_n - 1] ==
		    CV_REGRESSED || hc[i].h_verdict[hi->hi_n - 1] ==
		    CV_IMPROVED);
	snprintf(title, sizeof(title), "%s across commits", name);
	if (lat)
		snprintf(unit, sizeof(unit), "ns, %s", hi->hi_quant);
	else
		snprintf(unit, sizeof(unit), "%s", name);
	if (html_begin(&h, o->ho_dir, file, title, HN_FIGURE, err,
	    errlen) != 0) {
		cases_free(hc, n);
		return -1;
	}
	fprintf(h.h_f, "<p class=\"sub\">");
	if (lat)
		html_escf(h.h_f, "The latency of %s in %s: the %s of each "
		    "repetition, the mean over a commit's repetitions (as "
		    "kmbench history %s). Each commit is judged against the "
		    "one before as kmbench compare judges it: the Mann-Whitney "
		    "U test over the repetitions, with the false-discovery "
		    "rate controlled across every figure compared.", op,
		    arena, hi->hi_quant, name);
	else
		html_escf(h.h_f, "A deterministic figure (the mean over a "
		    "commit's repetitions, which agree), as kmbench history %s "
		    "shows it. Any difference from the commit before is a "
		    "change of behaviour, as kmbench compare calls it.", name);
	fprintf(h.h_f, " %d case%s, %d commit%s.</p>\n", n, n == 1 ? "" :
	    "s", hi->hi_n, hi->hi_n == 1 ? "" : "s");

	/* At each commit: the verdicts over every case. */
	fprintf(h.h_f, "<table class=\"commits\">\n<tr><th>commit</th>"
	    "<th>first run (UTC)</th><th class=\"num\">cases</th>"
	    "<th class=\"num\">changed</th><th class=\"num\">regressed</th>"
	    "<th class=\"num\">improved</th><th class=\"num\">too few "
	    "reps</th></tr>\n");
	for (k = 0; k < hi->hi_n; k++) {
		int have = 0;

		for (i = 0; i < n; i++)
			have += !isnan(hc[i].h_v[k]);
		fprintf(h.h_f, "<tr><td class=\"mono\">");
		html_escn(h.h_f, hi->hi_c[k].c_id, 12);
		fprintf(h.h_f, "%s</td><td>", hi->hi_c[k].c_dirty ? "+" : "");
		html_esc(h.h_f, hi->hi_c[k].c_date);
		fprintf(h.h_f, "</td><td class=\"num\">%d</td>", have);
		if (k == 0)
			fprintf(h.h_f, "<td colspan=\"4\">the first commit"
			    "</td>");
		else
			fprintf(h.h_f, "<td class=\"num\">%d</td><td "
			    "class=\"num\">%d</td><td class=\"num\">%d</td>"
			    "<td class=\"num\">%d</td>",
			    count_at(hc, n, k, CV_CHANGED),
			    count_at(hc, n, k, CV_REGRESSED),
			    count_at(hc, n, k, CV_IMPROVED),
			    count_at(hc, n, k, CV_TOOFEW));
		fprintf(h.h_f, "</tr>\n");
	}
	fprintf(h.h_f, "</table>\n");
	legend(h.h_f, lat);
	fprintf(h.h_f, "<p id=\"picked\">Hover over a point for its commit "
	    "and value; click it to show them here.</p>\n");
	/* Where it moved first; then the headline cases, strategies in
	 * the report's order. */
	fprintf(h.h_f, "<div class=\"charts\">\n");
	for (k = -1; k < hi->hi_r->r_sel.s_nstrat; k++)
		for (i = 0; i < n; i++) {
			if (k < 0 ? !hc[i].h_moved : hc[i].h_moved ||
			    !hc[i].h_headline || strcmp(hc[i].h_strategy,
			    hi->hi_r->r_sel.s_strat[k]) != 0)
				continue;
			if (shown == MAXCHARTS) {
				rest++;
				continue;
			}
			fprintf(h.h_f, "<div class=\"chart\"><h3>");
			html_escf(h.h_f, "%s on %s, %s%s", hc[i].h_strategy,
			    hc[i].h_machine, hc[i].h_wl, hc[i].h_settings);
			fprintf(h.h_f, "%s</h3>\n", hc[i].h_moved ? " (moved)" :
			    "");
			chart(h.h_f, hi, &hc[i], name, unit);
			fprintf(h.h_f, "</div>\n");
			shown++;
		}
	fprintf(h.h_f, "</div>\n");
	if (shown == 0)
		fprintf(h.h_f, "<p>No case of the headline trace and machine "
		    "has this figure, and it moved in none.</p>\n");
	if (rest > 0)
		fprintf(h.h_f, "<p class=\"note\">%d more cases not drawn.</p>\n",
		    rest);
	if (n - shown - rest > 0)
		fprintf(h.h_f, "<p class=\"note\" id=\"undrawn\">%d case%s of "
		    "other traces or machines, where the figure did not move, "
		    "%s not drawn; the table above counts %s.</p>\n",
		    n - shown - rest, n - shown - rest == 1 ? "" : "s",
		    n - shown - rest == 1 ? "is" : "are",
		    n - shown - rest == 1 ? "it" : "them");
	cases_free(hc, n);
	return html_end(&h, script, err, errlen);
}

struct hfig {
	char	name[160], op[64], arena[64];
	int	lat;
};

static int
figures(struct history *hi, struct hfig **figp)
{
	struct hfig *fg = NULL, *t;
	sqlite3_stmt *s;
	int n = 0, cap = 0, rc;

	if (sqlite3_prepare_v2(hi->hi_st->st_db, "SELECT name, '', '', 0 FROM "
	    "(SELECT DISTINCT name FROM result) UNION ALL SELECT '', op, "
	    "arena, 1 FROM (SELECT DISTINCT op, arena FROM latency) ORDER BY "
	    "4, 1, 2, 3", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((t = realloc(fg, (size_t)cap * sizeof(*t))) ==
			    NULL) {
				sqlite3_finalize(s);
				free(fg);
				return -1;
			}
			fg = t;
		}
		t = &fg[n++];
		t->lat = sqlite3_column_int(s, 3);
		snprintf(t->op, sizeof(t->op), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		snprintf(t->arena, sizeof(t->arena), "%s",
		    (const char *)sqlite3_column_text(s, 2));
		if (t->lat)
			snprintf(t->name, sizeof(t->name), "latency.%s.%s.%s",
			    t->op, t->arena, hi->hi_quant);
		else
			snprintf(t->name, sizeof(t->name), "%s",
			    (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(fg);
		return -1;
	}
	*figp = fg;
	return n;
}

int
html_history(struct rpt *r, struct store *st, const struct html_opts *o,
    char *err, size_t errlen)
{
	struct history hi;
	struct hfig *fg = NULL;
	struct html h;
	char file[200], base[180];
	int nf, i, k, rc = -1, moved, ncases, lat, labelled = 0;

	memset(&hi, 0, sizeof(hi));
	hi.hi_r = r;
	hi.hi_st = st;
	hi.hi_quant = o->ho_cmp->co_quant;
	hi.hi_c = calloc(MAXCOMMITS, sizeof(*hi.hi_c));
	hi.hi_cmp = calloc(MAXCOMMITS, sizeof(*hi.hi_cmp));
	if (hi.hi_c == NULL || hi.hi_cmp == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (commits(&hi) != 0 || (nf = figures(&hi, &fg)) < 0) {
		snprintf(err, errlen, "%s: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		goto out;
	}
	if (judge_all(&hi, o->ho_cmp, err, errlen) != 0)
		goto out;
	/*
	 * Once compare is done with its own labels: each case labelled as
	 * compare labels it, with the settings in which the cases of one
	 * strategy, machine and trace differ over the whole store (the
	 * points of a sweep, cmp_label.h), so that every point of every
	 * page has a heading of its own.
	 */
	if (cmp_label_register(st->st_db, "1", "0") != 0) {
		snprintf(err, errlen, "%s: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		goto out;
	}
	labelled = 1;
	if (groups(&hi) != 0) {
		snprintf(err, errlen, "%s: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		goto out;
	}
	if (html_begin(&h, o->ho_dir, "history.html", "Figures across "
	    "commits", HN_HISTORY, err, errlen) != 0)
		goto out;
	fprintf(h.h_f, "<p class=\"sub\">%d commit%s in the store. A page for "
	    "each figure: every case's value at each commit, marked with "
	    "kmbench compare's verdict against the commit before. Moved: the "
	    "cases in which the latest commit changed, regressed or improved "
	    "it.</p>\n", hi.hi_n, hi.hi_n == 1 ? "" : "s");
	for (lat = 0; lat < 2; lat++) {
		fprintf(h.h_f, "<h2>%s</h2>\n<table class=\"figs\">\n<tr>"
		    "<th>figure</th><th class=\"num\">cases</th><th "
		    "class=\"num\">moved</th></tr>\n", lat ? "Latency" :
		    "Results");
		for (i = 0; i < nf; i++) {
			if (fg[i].lat != lat)
				continue;
			html_filename(fg[i].name, base, sizeof(base));
			snprintf(file, sizeof(file), "fig-%s.html", base);
			if (page(&hi, o, fg[i].name, fg[i].op, fg[i].arena,
			    fg[i].lat, file, &moved, &ncases, err,
			    errlen) != 0) {
				html_abort(&h);
				goto out;
			}
			fprintf(h.h_f, "<tr><td><a href=\"");
			html_esc(h.h_f, file);
			fprintf(h.h_f, "\"><code>");
			html_esc(h.h_f, fg[i].name);
			fprintf(h.h_f, "</code></a></td><td class=\"num\">%d"
			    "</td><td class=\"num%s\">%d</td></tr>\n", ncases,
			    moved ? " v-changed" : "", moved);
		}
		fprintf(h.h_f, "</table>\n");
	}
	rc = html_end(&h, NULL, err, errlen);
out:
	if (labelled)
		cmp_label_unregister(st->st_db);
	if (hi.hi_cmp != NULL)
		for (k = 0; k < MAXCOMMITS; k++)
			cmp_free(&hi.hi_cmp[k]);
	free(hi.hi_cmp);
	free(hi.hi_c);
	for (i = 0; i < hi.hi_ng; i++) {
		free(hi.hi_g[i].g_key);
		free(hi.hi_g[i].g_label);
	}
	free(hi.hi_g);
	free(hi.hi_cases);
	free(fg);
	return rc;
}
