/*
 * cmd_compare.c: kmbench compare BASE HEAD, case by case, as a
 * regression gate.
 *
 * BASE and HEAD are run ids, stored commits (or prefixes), "latest", or
 * any git revision when run inside a git work tree.  Cases are matched
 * by their inputs (strategy, machine settings, trace content).
 * Deterministic figures must be equal, so any difference is a change of
 * behaviour, listed exactly.  Latency is judged over the repetitions
 * with the Mann-Whitney U test, the Benjamini-Hochberg control of the
 * false-discovery rate across every latency figure compared, and a
 * minimum effect both relative and in nanoseconds (db/stats.c).
 * Exit status 1 when a deterministic figure changed or latency
 * regressed, unless --accept acknowledges it; 2 for bad input.  The
 * comparison itself is compare.c's; this file reads the options and
 * prints it as text, Markdown, JSON or JUnit XML.
 */
#include <sys/ioctl.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/stats.h"
#include "../db/store.h"
#include "commands.h"
#include "compare.h"
#include "json.h"
#include "numopt.h"

enum format { F_TEXT, F_MD, F_JSON, F_JUNIT };

/* The width of the terminal on stdout, or 0: no limit. */
static size_t
termwidth(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 0)
		return (size_t)atoi(cols);
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/*
 * The table: one row a figure, columns as wide as their longest entry;
 * where that is wider than the terminal, each figure's case and name go
 * on a line of their own and the numbers below them.  Nothing is cut.
 */
static void
print_text(const struct cmp *c, int verbose)
{
	size_t i, wc = 4, wf = 6, wb = 4, wh = 4, wd = 6, wq = 1, wv = 7;
	size_t width = termwidth();
	char bs[64], hs[64], ds[32], qs[16], vs[48];
	int narrow, any = 0;

	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		if (!cmp_shown(r, verbose))
			continue;
		any = 1;
		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		cmp_fmtq(r->cr_q, qs, sizeof(qs));
		cmp_verdict(r, vs, sizeof(vs));
#define WIDEN(w, s) if (strlen(s) > (w)) (w) = strlen(s)
		WIDEN(wc, r->cr_case);
		WIDEN(wf, r->cr_fig);
		WIDEN(wb, bs);
		WIDEN(wh, hs);
		WIDEN(wd, ds);
		WIDEN(wq, qs);
		WIDEN(wv, vs);
#undef WIDEN
	}
	if (!any)
		return;
	narrow = width > 0 && wc + wf + wb + wh + wd + wq + wv + 12 > width;
	if (narrow)
		printf("case figure\n    %*s  %*s  %*s  %*s  %s\n", (int)wb,
		    "base", (int)wh, "head", (int)wd, "change", (int)wq, "q",
		    "verdict");
	else
		printf("%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", (int)wc, "case",
		    (int)wf, "figure", (int)wb, "base", (int)wh, "head",
		    (int)wd, "change", (int)wq, "q", "verdict");
	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		if (!cmp_shown(r, verbose))
			continue;
		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		cmp_fmtq(r->cr_q, qs, sizeof(qs));
		cmp_verdict(r, vs, sizeof(vs));
		if (narrow)
			printf("%s %s\n    %*s  %*s  %*s  %*s  %s\n", r->cr_case,
			    r->cr_fig, (int)wb, bs, (int)wh, hs, (int)wd, ds,
			    (int)wq, qs, vs);
		else
			printf("%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", (int)wc,
			    r->cr_case, (int)wf, r->cr_fig, (int)wb, bs,
			    (int)wh, hs, (int)wd, ds, (int)wq, qs, vs);
	}
	printf("\n");
}

static void
print_summary(const struct cmp *c, const char *quant, double effect,
    double floorns, double alpha, size_t minreps)
{

	printf("%d changed, %d accepted, %d regressed, %d improved, %d "
	    "unchanged\n", c->n_changed, c->n_accepted, c->n_regressed,
	    c->n_improved, c->n_unchanged);
	printf("latency: %zu figures judged by the %s over the repetitions: "
	    "Mann-Whitney U, false-discovery rate %g (Benjamini-Hochberg), "
	    "effect at least %g%% and %g ns\n", c->n_judged, quant, alpha,
	    effect * 100, floorns);
	if (c->n_toofew > 0)
		printf("%d latency figures not judged: fewer than %zu "
		    "repetitions a side (--verbose lists them)\n", c->n_toofew,
		    minreps);
	if (c->n_oneside > 0)
		printf("%d figures on one side only (--verbose lists them)\n",
		    c->n_oneside);
	if (c->n_cases_base > 0 || c->n_cases_head > 0)
		printf("cases not compared: %d only in base, %d only in head\n",
		    c->n_cases_base, c->n_cases_head);
}

static void
print_json(const struct cmp *c, const char *base, const char *head,
    const char *bcommit, const char *hcommit, const char *quant,
    double effect, double floorns, double alpha, size_t minreps, int status)
{
	struct json j;
	size_t i;

	json_init(&j, stdout, 1);
	json_object(&j, NULL);
	json_string(&j, "base", base);
	json_string(&j, "head", head);
	json_string(&j, "base_commit", bcommit);
	json_string(&j, "head_commit", hcommit);
	json_string(&j, "quantile", quant);
	json_double(&j, "effect_pct", effect * 100);
	json_double(&j, "floor_ns", floorns);
	json_double(&j, "alpha", alpha);
	json_int(&j, "min_reps", (int64_t)minreps);
	json_array(&j, "rows");
	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		json_object(&j, NULL);
		json_string(&j, "case", r->cr_case);
		json_string(&j, "figure", r->cr_fig);
		json_string(&j, "kind", r->cr_latency ? "latency" :
		    "deterministic");
#define NUM(k, v) if (isnan(v)) json_null(&j, k); else json_double(&j, k, v)
		NUM("base", r->cr_base);
		NUM("head", r->cr_head);
		NUM("p", r->cr_p);
		NUM("q", r->cr_q);
#undef NUM
		json_string(&j, "verdict", cv_names[r->cr_v]);
		json_bool(&j, "accepted", r->cr_accepted);
		json_end(&j);
	}
	json_end(&j);
	json_int(&j, "changed", c->n_changed);
	json_int(&j, "accepted", c->n_accepted);
	json_int(&j, "regressed", c->n_regressed);
	json_int(&j, "improved", c->n_improved);
	json_int(&j, "unchanged", c->n_unchanged);
	json_int(&j, "not_judged", c->n_toofew);
	json_int(&j, "one_side_only", c->n_oneside);
	json_int(&j, "cases_only_in_base", c->n_cases_base);
	json_int(&j, "cases_only_in_head", c->n_cases_head);
	json_int(&j, "exit_status", status);
	json_end(&j);
}

/* S in a Markdown table cell: '|' escaped, nothing else needs it. */
static void
md_cell(const char *s)
{

	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

/*
 * Markdown: a heading, the settings, a table with a row for each figure
 * the text table shows, and the totals.
 */
static void
print_md(const struct cmp *c, const char *base, const char *head,
    const char *quant, double effect, double floorns, double alpha,
    size_t minreps, int verbose)
{
	char bs[64], hs[64], ds[32], qs[16], vs[48];
	size_t i;
	int any = 0;

	printf("## kmbench compare ");
	md_cell(base);
	printf(" ");
	md_cell(head);
	printf("\n\n");
	printf("%d changed, %d accepted, %d regressed, %d improved, %d "
	    "unchanged.\n\n", c->n_changed, c->n_accepted, c->n_regressed,
	    c->n_improved, c->n_unchanged);
	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];

		if (!cmp_shown(r, verbose))
			continue;
		if (!any)
			printf("| case | figure | base | head | change | q | "
			    "verdict |\n|---|---|--:|--:|--:|--:|---|\n");
		any = 1;
		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		cmp_fmtq(r->cr_q, qs, sizeof(qs));
		printf("| ");
		md_cell(r->cr_case);
		printf(" | `");
		md_cell(r->cr_fig);
		printf("` | %s | %s | %s | %s | %s |\n", bs, hs, ds, qs,
		    cmp_verdict(r, vs, sizeof(vs)));
	}
	if (any)
		printf("\n");
	printf("Latency: %zu figures judged by the %s over the repetitions "
	    "(Mann-Whitney U, false-discovery rate %g by Benjamini-Hochberg, "
	    "effect at least %g%% and %g ns).\n", c->n_judged, quant, alpha,
	    effect * 100, floorns);
	if (c->n_toofew > 0)
		printf("%d latency figures not judged: fewer than %zu "
		    "repetitions a side.\n", c->n_toofew, minreps);
	if (c->n_oneside > 0)
		printf("%d figures on one side only.\n", c->n_oneside);
	if (c->n_cases_base > 0 || c->n_cases_head > 0)
		printf("Cases not compared: %d only in base, %d only in "
		    "head.\n", c->n_cases_base, c->n_cases_head);
}

/* S as XML attribute text. */
static void
xml_text(const char *s)
{

	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", stdout); break;
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		case '\'': fputs("&apos;", stdout); break;
		default:
			/* Control characters are not XML 1.0. */
			if ((unsigned char)*s < 0x20 && *s != '\t')
				putchar('?');
			else
				putchar(*s);
		}
}

/*
 * JUnit XML, as CI systems read it: one testsuite, a testcase for each
 * figure that is not an unchanged deterministic one (classname the case,
 * name the figure); a failure for each change and regression not
 * accepted, skipped for figures not judged or on one side only.
 */
static void
print_junit(const struct cmp *c, const char *base, const char *head)
{
	char bs[64], hs[64], ds[32], qs[16], vs[48];
	size_t i;
	int skipped = 0;

	for (i = 0; i < c->c_n; i++)
		if (c->c_rows[i].cr_v == CV_TOOFEW ||
		    c->c_rows[i].cr_v == CV_BASEONLY ||
		    c->c_rows[i].cr_v == CV_HEADONLY)
			skipped++;
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites>\n<testsuite name=\"kmbench compare ");
	xml_text(base);
	printf(" ");
	xml_text(head);
	printf("\" tests=\"%zu\" failures=\"%d\" errors=\"0\" "
	    "skipped=\"%d\">\n", c->c_n, c->n_changed + c->n_regressed,
	    skipped);
	for (i = 0; i < c->c_n; i++) {
		const struct crow *r = &c->c_rows[i];
		int fail = !r->cr_accepted && (r->cr_v == CV_CHANGED ||
		    r->cr_v == CV_REGRESSED);

		cmp_fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		cmp_fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		cmp_fmtq(r->cr_q, qs, sizeof(qs));
		printf("  <testcase classname=\"");
		xml_text(r->cr_case);
		printf("\" name=\"");
		xml_text(r->cr_fig);
		printf("\"");
		if (fail) {
			printf(">\n    <failure type=\"%s\" message=\"",
			    cv_names[r->cr_v]);
			xml_text(r->cr_fig);
			printf(" %s: %s -&gt; %s (%s, q %s)\"/>\n  "
			    "</testcase>\n", cv_names[r->cr_v], bs, hs, ds, qs);
		} else if (r->cr_v == CV_TOOFEW || r->cr_v == CV_BASEONLY ||
		    r->cr_v == CV_HEADONLY)
			printf(">\n    <skipped message=\"%s\"/>\n  "
			    "</testcase>\n", cv_names[r->cr_v]);
		else if (r->cr_accepted || r->cr_v == CV_IMPROVED)
			printf(">\n    <system-out>%s: %s -&gt; %s (%s, q "
			    "%s)</system-out>\n  </testcase>\n",
			    cmp_verdict(r, vs, sizeof(vs)), bs, hs, ds, qs);
		else
			printf("/>\n");
	}
	printf("</testsuite>\n</testsuites>\n");
}

int
cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'F' },
		{ "effect", required_argument, NULL, 'e' },
		{ "floor", required_argument, NULL, 'f' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "quantile", required_argument, NULL, 'q' },
		{ "accept", required_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *quant = "p50";
	double effect = 0.05, alpha = 0.05, floorns = 50;
	char bcond[256], hcond[256], err[1024], bcommit[64], hcommit[64];
	char *accept[64], *tok, *save;
	int used[64], naccept = 0, c, verbose = 0, status, rc;
	enum format fmt = F_TEXT;
	struct cmp_opts co;
	struct cmp cm;
	struct store st;
	size_t i, minreps;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': fmt = F_JSON; break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				fmt = F_TEXT;
			else if (strcmp(optarg, "md") == 0)
				fmt = F_MD;
			else if (strcmp(optarg, "json") == 0)
				fmt = F_JSON;
			else if (strcmp(optarg, "junit") == 0)
				fmt = F_JUNIT;
			else {
				fprintf(stderr, "kmbench compare: --format "
				    "'%s': text, md, json or junit\n", optarg);
				return 2;
			}
			break;
		case 'v': verbose = 1; break;
		case 'q':
			if (strcmp(optarg, "p50") && strcmp(optarg, "p90") &&
			    strcmp(optarg, "p99") && strcmp(optarg, "p999") &&
			    strcmp(optarg, "max") && strcmp(optarg, "mean")) {
				fprintf(stderr, "kmbench compare: --quantile "
				    "'%s': p50, p90, p99, p999, max or mean\n",
				    optarg);
				return 2;
			}
			quant = optarg;
			break;
		case 'e':
			/* A percentage: 0 up to 1000 (an 11-fold change). */
			if (numopt_double("compare", "effect", optarg, 0, 1000,
			    NUMOPT_CLOSED, &effect) != 0)
				return 2;
			effect /= 100;
			break;
		case 'f':
			/* Nanoseconds: up to an hour. */
			if (numopt_double("compare", "floor", optarg, 0, 3.6e12,
			    NUMOPT_CLOSED, &floorns) != 0)
				return 2;
			break;
		case 'a':
			if (numopt_double("compare", "alpha", optarg, 0, 1,
			    NUMOPT_OPEN, &alpha) != 0)
				return 2;
			break;
		case 'A':
			for (tok = strtok_r(optarg, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (naccept == 64) {
					fprintf(stderr, "kmbench compare: "
					    "--accept: at most 64 figures\n");
					return 2;
				}
				used[naccept] = 0;
				accept[naccept++] = tok;
			}
			break;
		default:
			bad_option("compare", argv, optind);
			return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "kmbench compare: needs BASE and HEAD (run "
		    "ids, commits, git revisions or latest)\n");
		return 2;
	}
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "kmbench compare: %s: no such store\n", db);
		return 2;
	}
	if (store_open_ro(&st, db, err, sizeof(err)) != 0 ||
	    cmp_resolve(&st, argv[optind], bcond, sizeof(bcond), bcommit,
	    sizeof(bcommit), err, sizeof(err)) != 0 ||
	    cmp_resolve(&st, argv[optind + 1], hcond, sizeof(hcond), hcommit,
	    sizeof(hcommit), err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench compare: %s\n", err);
		if (st.st_db != NULL)
			store_close(&st);
		return 2;
	}
	minreps = stats_minreps(alpha);
	co.co_quant = quant;
	co.co_effect = effect;
	co.co_floorns = floorns;
	co.co_alpha = alpha;
	co.co_accept = accept;
	co.co_naccept = naccept;
	co.co_used = used;
	rc = cmp_run(&st, bcond, hcond, &co, &cm, err, sizeof(err));
	store_close(&st);
	if (rc != 0) {
		fprintf(stderr, "kmbench compare: %s\n", err);
		cmp_free(&cm);
		return rc == -1 ? 2 : 1;
	}
	for (i = 0; i < (size_t)naccept; i++)
		if (!used[i])
			fprintf(stderr, "kmbench compare: warning: --accept "
			    "'%s' matches no changed or regressed figure\n",
			    accept[i]);
	status = cm.n_changed > 0 || cm.n_regressed > 0 ? 1 : 0;
	if (fmt == F_JSON)
		print_json(&cm, argv[optind], argv[optind + 1], bcommit,
		    hcommit, quant, effect, floorns, alpha, minreps, status);
	else if (fmt == F_MD)
		print_md(&cm, argv[optind], argv[optind + 1], quant, effect,
		    floorns, alpha, minreps, verbose);
	else if (fmt == F_JUNIT)
		print_junit(&cm, argv[optind], argv[optind + 1]);
	else {
		print_text(&cm, verbose);
		print_summary(&cm, quant, effect, floorns, alpha, minreps);
	}
	cmp_free(&cm);
	return status;
}
