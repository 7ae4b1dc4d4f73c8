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
 * regressed, unless --accept acknowledges it; 2 for bad input.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/stats.h"
#include "../db/store.h"
#include "commands.h"
#include "json.h"
#include "numopt.h"

extern char **environ;

/* What a row of the comparison says. */
enum cv {
	CV_CHANGED,	/* a deterministic figure differs */
	CV_REGRESSED,
	CV_IMPROVED,
	CV_UNCHANGED,
	CV_TOOFEW,	/* latency without the repetitions the test needs */
	CV_BASEONLY,	/* the figure is on one side only */
	CV_HEADONLY
};

static const char *const cv_names[] = {
	"changed", "regressed", "improved", "unchanged", "too few reps",
	"only in base", "only in head"
};

struct crow {
	char	*cr_case;
	char	*cr_fig;	/* as shown */
	char	*cr_name;	/* as --accept matches it */
	int	 cr_latency;
	double	 cr_base, cr_head;	/* latency: the medians */
	double	 cr_p, cr_q;	/* NAN for deterministic figures */
	enum cv	 cr_v;
	int	 cr_accepted;
};

struct cmp {
	struct crow	*c_rows;
	size_t		 c_n, c_cap;
	/* Figures by what they came to; accepted ones only in n_accepted. */
	int		 n_changed, n_accepted, n_regressed, n_improved;
	int		 n_unchanged, n_toofew, n_oneside;
	int		 n_cases_base, n_cases_head;	/* unmatched cases */
	size_t		 n_judged;	/* latency figures tested */
};

enum format { F_TEXT, F_MD, F_JSON, F_JUNIT };

static struct crow *
addrow(struct cmp *c, const char *label, const char *fig, const char *name,
    int latency)
{
	struct crow *r;

	if (c->c_n == c->c_cap) {
		size_t cap = c->c_cap ? 2 * c->c_cap : 256;

		r = realloc(c->c_rows, cap * sizeof(*r));
		if (r == NULL)
			return NULL;
		c->c_rows = r;
		c->c_cap = cap;
	}
	r = &c->c_rows[c->c_n];
	memset(r, 0, sizeof(*r));
	r->cr_case = strdup(label != NULL ? label : "?");
	r->cr_fig = strdup(fig != NULL ? fig : "?");
	r->cr_name = strdup(name != NULL ? name : "?");
	if (r->cr_case == NULL || r->cr_fig == NULL || r->cr_name == NULL) {
		free(r->cr_case);
		free(r->cr_fig);
		free(r->cr_name);
		return NULL;
	}
	r->cr_latency = latency;
	r->cr_p = r->cr_q = NAN;
	c->c_n++;
	return r;
}

static void
cmp_free(struct cmp *c)
{
	size_t i;

	for (i = 0; i < c->c_n; i++) {
		free(c->c_rows[i].cr_case);
		free(c->c_rows[i].cr_fig);
		free(c->c_rows[i].cr_name);
	}
	free(c->c_rows);
}

/*
 * The full commit git names REV in the work tree here, into OUT (41
 * bytes): 0, or -1 when there is no work tree, no such revision or no
 * git.  git reads REV after --end-of-options: never as an option.
 */
static int
git_commit(const char *rev, char *out, size_t len)
{
	posix_spawn_file_actions_t fa;
	char spec[512], buf[128];
	char *argv[] = { "git", "rev-parse", "--verify", "--quiet",
	    "--end-of-options", spec, NULL };
	int pfd[2], status, ok = -1;
	ssize_t n, got = 0;
	pid_t pid;

	if (snprintf(spec, sizeof(spec), "%s^{commit}", rev) >=
	    (int)sizeof(spec) || pipe(pfd) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	while ((size_t)got < sizeof(buf) - 1 &&
	    (n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(pfd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		continue;
	buf[strcspn(buf, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    strlen(buf) >= 40 && strspn(buf, "0123456789abcdef") ==
	    strlen(buf) && strlen(buf) < len) {
		strcpy(out, buf);
		ok = 0;
	}
	return ok;
}

/*
 * The cases of SPEC as an SQL condition on "case" c and run r: a run id,
 * "latest" (the commit of the newest run), a stored commit or its
 * prefix, or a git revision.  The commit found goes to WHAT.
 */
static int
resolve(struct store *st, const char *spec, char *cond, size_t len,
    char *what, size_t wlen, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char full[64];
	int found, isid;

	isid = *spec != '\0' && strspn(spec, "0123456789") == strlen(spec) &&
	    strlen(spec) < 8;
	if (isid) {
		if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run "
		    "WHERE id = ? AND id IN (SELECT run_id FROM \"case\")", -1,
		    &s, NULL) != SQLITE_OK)
			goto sqlerr;
		sqlite3_bind_int64(s, 1, strtoll(spec, NULL, 10));
	} else if (strcmp(spec, "latest") == 0) {
		if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run "
		    "WHERE id IN (SELECT run_id FROM \"case\") ORDER BY id DESC "
		    "LIMIT 1", -1, &s, NULL) != SQLITE_OK)
			goto sqlerr;
	} else {
		if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run "
		    "WHERE commit_id LIKE ? || '%' AND id IN (SELECT run_id "
		    "FROM \"case\") ORDER BY id DESC LIMIT 1", -1, &s,
		    NULL) != SQLITE_OK)
			goto sqlerr;
		/* Only hexadecimal digits can be a stored commit's prefix. */
		sqlite3_bind_text(s, 1, strspn(spec, "0123456789abcdef") ==
		    strlen(spec) ? spec : "-", -1, SQLITE_STATIC);
	}
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		snprintf(what, wlen, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		if (isid)
			snprintf(cond, len, "c.run_id = %lld",
			    strtoll(spec, NULL, 10));
		else
			snprintf(cond, len, "r.commit_id = '%s'", what);
	}
	sqlite3_finalize(s);
	if (found)
		return 0;
	if (isid) {
		snprintf(err, errlen, "%s: no run %s with cases", st->st_path,
		    spec);
		return -1;
	}
	if (strcmp(spec, "latest") == 0) {
		snprintf(err, errlen, "%s: no runs", st->st_path);
		return -1;
	}
	/* A git revision: HEAD~1, a tag, a branch, an unstored commit. */
	if (git_commit(spec, full, sizeof(full)) != 0) {
		snprintf(err, errlen, "%s: '%s' is not a run id, a stored "
		    "commit, latest, or a git revision of the work tree here",
		    st->st_path, spec);
		return -1;
	}
	if (sqlite3_prepare_v2(st->st_db, "SELECT count(*) FROM run WHERE "
	    "commit_id = ? AND id IN (SELECT run_id FROM \"case\")", -1, &s,
	    NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(s, 1, full, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
	sqlite3_finalize(s);
	if (!found) {
		snprintf(err, errlen, "git revision '%s' is commit %.12s, which "
		    "has no run in %s", spec, full, st->st_path);
		return -1;
	}
	snprintf(what, wlen, "%s", full);
	snprintf(cond, len, "r.commit_id = '%s'", full);
	return 0;
sqlerr:
	snprintf(err, errlen, "%s: %s", st->st_path, sqlite3_errmsg(st->st_db));
	return -1;
}

/* Inputs without the repetition: the group a case belongs to. */
#define GROUP_SQL "substr(c.inputs, 1, instr(c.inputs, ';rep=') - 1)"
/* How a group is shown. */
#define LABEL_SQL "min(c.strategy || ' ' || c.machine || ' ' || c.trace)"

/* Whether NAME matches one of the globs of ACCEPT (NACCEPT of them). */
static int
accepted(char **accept, int naccept, int *used, const char *name)
{
	int i, yes = 0;

	for (i = 0; i < naccept; i++)
		if (fnmatch(accept[i], name, 0) == 0) {
			used[i] = 1;
			yes = 1;
		}
	return yes;
}

/* The deterministic figures of the matched cases. */
static int
deterministic(struct store *st, struct cmp *c, const char *bcond,
    const char *hcond)
{
	char sql[4096];
	sqlite3_stmt *s;
	int rc;

	/*
	 * The first case of each group on the base side against the last
	 * on the head side (all repetitions agree); a figure missing on
	 * one side comes with a NULL there.
	 */
	snprintf(sql, sizeof(sql),
	    "WITH bc AS (SELECT " GROUP_SQL " AS g, min(c.id) AS id FROM "
	    "\"case\" c JOIN run r ON r.id = c.run_id WHERE %s GROUP BY g), "
	    "hc AS (SELECT " GROUP_SQL " AS g, max(c.id) AS id FROM \"case\" c "
	    "JOIN run r ON r.id = c.run_id WHERE %s GROUP BY g), "
	    "m AS (SELECT bc.id AS b, hc.id AS h FROM bc JOIN hc ON "
	    "bc.g = hc.g), "
	    "f AS (SELECT m.b, m.h, rb.name FROM m JOIN result rb ON "
	    "rb.case_id = m.b AND rb.deterministic UNION SELECT m.b, m.h, "
	    "rh.name FROM m JOIN result rh ON rh.case_id = m.h AND "
	    "rh.deterministic) "
	    "SELECT (SELECT strategy || ' ' || machine || ' ' || trace FROM "
	    "\"case\" WHERE id = f.b), f.name, rb.value, rh.value FROM f "
	    "LEFT JOIN result rb ON rb.case_id = f.b AND rb.name = f.name "
	    "LEFT JOIN result rh ON rh.case_id = f.h AND rh.name = f.name "
	    "ORDER BY 1, 2",
	    bcond, hcond);
	if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int nb = sqlite3_column_type(s, 2) == SQLITE_NULL;
		int nh = sqlite3_column_type(s, 3) == SQLITE_NULL;
		double b = sqlite3_column_double(s, 2);
		double h = sqlite3_column_double(s, 3);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		struct crow *r;

		if (!nb && !nh && b == h) {
			c->n_unchanged++;
			continue;
		}
		r = addrow(c, (const char *)sqlite3_column_text(s, 0), name,
		    name, 0);
		if (r == NULL)
			break;
		r->cr_base = nb ? NAN : b;
		r->cr_head = nh ? NAN : h;
		r->cr_v = nb ? CV_HEADONLY : nh ? CV_BASEONLY : CV_CHANGED;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;

	/* Cases on one side only. */
	snprintf(sql, sizeof(sql),
	    "WITH bc AS (SELECT DISTINCT " GROUP_SQL " AS g FROM \"case\" c "
	    "JOIN run r ON r.id = c.run_id WHERE %s), "
	    "hc AS (SELECT DISTINCT " GROUP_SQL " AS g FROM \"case\" c JOIN "
	    "run r ON r.id = c.run_id WHERE %s) "
	    "SELECT (SELECT count(*) FROM bc WHERE g NOT IN (SELECT g FROM "
	    "hc)), (SELECT count(*) FROM hc WHERE g NOT IN (SELECT g FROM "
	    "bc))", bcond, hcond);
	if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->n_cases_base = sqlite3_column_int(s, 0);
		c->n_cases_head = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The comma-separated numbers of TXT into V (at most MAX): how many. */
static size_t
numbers(const char *txt, double *v, size_t max)
{
	size_t n = 0;
	char *end;

	while (txt != NULL && *txt != '\0' && n < max) {
		v[n++] = strtod(txt, &end);
		if (end == txt)
			break;
		txt = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* Latency: the quantile QUANT of every repetition on each side. */
static int
latency(struct store *st, struct cmp *c, const char *bcond,
    const char *hcond, const char *quant, size_t minreps)
{
	char sql[4096];
	sqlite3_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql),
	    "SELECT " LABEL_SQL ", l.op || '/' || l.arena AS f, "
	    "group_concat(CASE WHEN %s THEN l.%s END), "
	    "group_concat(CASE WHEN %s THEN l.%s END), " GROUP_SQL " AS g "
	    "FROM \"case\" c JOIN run r ON r.id = c.run_id JOIN latency l ON "
	    "l.case_id = c.id WHERE (%s) OR (%s) GROUP BY g, f "
	    /* Groups matched on both sides. */
	    "HAVING g IN (SELECT " GROUP_SQL " FROM \"case\" c JOIN run r ON "
	    "r.id = c.run_id WHERE %s) AND g IN (SELECT " GROUP_SQL " FROM "
	    "\"case\" c JOIN run r ON r.id = c.run_id WHERE %s) "
	    "ORDER BY g, f",
	    bcond, quant, hcond, quant, bcond, hcond, bcond, hcond);
	if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double bv[1024], hv[1024];
		size_t nb, nh;
		char what[128];
		struct crow *r;

		nb = numbers((const char *)sqlite3_column_text(s, 2), bv, 1024);
		nh = numbers((const char *)sqlite3_column_text(s, 3), hv, 1024);
		snprintf(what, sizeof(what), "%s %s ns",
		    (const char *)sqlite3_column_text(s, 1), quant);
		r = addrow(c, (const char *)sqlite3_column_text(s, 0), what,
		    (const char *)sqlite3_column_text(s, 1), 1);
		if (r == NULL)
			break;
		r->cr_base = nb ? stats_median(bv, nb) : NAN;
		r->cr_head = nh ? stats_median(hv, nh) : NAN;
		if (nb == 0 || nh == 0)
			r->cr_v = nb ? CV_BASEONLY : CV_HEADONLY;
		else if (nb < minreps || nh < minreps)
			r->cr_v = CV_TOOFEW;
		else {
			r->cr_v = CV_UNCHANGED;
			r->cr_p = mwu_pvalue(bv, nb, hv, nh);
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Benjamini-Hochberg over the latency figures tested, then verdicts. */
static int
judge(struct cmp *c, double effect, double floorns, double alpha)
{
	double *p, *q;
	size_t i, k;

	for (i = 0, k = 0; i < c->c_n; i++)
		if (!isnan(c->c_rows[i].cr_p))
			k++;
	c->n_judged = k;
	p = malloc((k + 1) * sizeof(*p));
	q = malloc((k + 1) * sizeof(*q));
	if (p == NULL || q == NULL) {
		free(p);
		free(q);
		return -1;
	}
	for (i = 0, k = 0; i < c->c_n; i++)
		if (!isnan(c->c_rows[i].cr_p))
			p[k++] = c->c_rows[i].cr_p;
	if (stats_bh(p, k, q) != 0) {
		free(p);
		free(q);
		return -1;
	}
	for (i = 0, k = 0; i < c->c_n; i++) {
		struct crow *r = &c->c_rows[i];

		if (isnan(r->cr_p))
			continue;
		r->cr_q = q[k++];
		switch (stats_judge(r->cr_base, r->cr_head, r->cr_q, effect,
		    floorns, alpha)) {
		case V_REGRESSED: r->cr_v = CV_REGRESSED; break;
		case V_IMPROVED: r->cr_v = CV_IMPROVED; break;
		default: r->cr_v = CV_UNCHANGED; break;
		}
	}
	free(p);
	free(q);
	return 0;
}

static int
rowcmp(const void *a, const void *b)
{
	const struct crow *x = a, *y = b;
	int d;

	if ((d = strcmp(x->cr_case, y->cr_case)) != 0)
		return d;
	if (x->cr_latency != y->cr_latency)
		return x->cr_latency - y->cr_latency;
	return strcmp(x->cr_fig, y->cr_fig);
}

/* Whether V prints as an integer. */
static int
integral(double v)
{

	return v == floor(v) && fabs(v) < 9e15;
}

/* V with PREC significant digits, but every digit of its integer part. */
static void
fmtval(double v, int prec, char *buf, size_t len)
{
	int digits = fabs(v) >= 1 ? (int)floor(log10(fabs(v))) + 1 : 1;

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (integral(v))
		snprintf(buf, len, "%.0f", v);
	else if (digits >= prec - 1 && digits < 16)
		snprintf(buf, len, "%.*f", prec - digits > 1 ? prec - digits :
		    1, v);
	else
		snprintf(buf, len, "%.*g", prec, v);
}

/*
 * Base and head values as text: integers as integers, others with as
 * many significant digits as tell them apart (6 at least).
 */
static void
fmtpair(double b, double h, char *bs, char *hs, size_t len)
{
	int prec;

	for (prec = 6; prec <= 17; prec++) {
		fmtval(b, prec, bs, len);
		fmtval(h, prec, hs, len);
		if (b == h || isnan(b) || isnan(h) || strcmp(bs, hs) != 0)
			break;
	}
}

static void
fmtq(double q, char *buf, size_t len)
{

	if (isnan(q))
		snprintf(buf, len, "-");
	else if (q < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", q);
}

static void
fmtchange(double b, double h, char *buf, size_t len)
{

	if (isnan(b) || isnan(h) || b == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", (h - b) / fabs(b) * 100);
}

static const char *
verdict_text(const struct crow *r, char *buf, size_t len)
{

	snprintf(buf, len, "%s%s", cv_names[r->cr_v],
	    r->cr_accepted ? " (accepted)" : "");
	return buf;
}

/* Whether text output shows row R. */
static int
shown(const struct crow *r, int verbose)
{

	return r->cr_v == CV_CHANGED || r->cr_v == CV_REGRESSED ||
	    r->cr_v == CV_IMPROVED || (verbose && r->cr_v != CV_UNCHANGED);
}

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

		if (!shown(r, verbose))
			continue;
		any = 1;
		fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		fmtq(r->cr_q, qs, sizeof(qs));
		verdict_text(r, vs, sizeof(vs));
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

		if (!shown(r, verbose))
			continue;
		fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		fmtq(r->cr_q, qs, sizeof(qs));
		verdict_text(r, vs, sizeof(vs));
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

		if (!shown(r, verbose))
			continue;
		if (!any)
			printf("| case | figure | base | head | change | q | "
			    "verdict |\n|---|---|--:|--:|--:|--:|---|\n");
		any = 1;
		fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		fmtq(r->cr_q, qs, sizeof(qs));
		printf("| ");
		md_cell(r->cr_case);
		printf(" | `");
		md_cell(r->cr_fig);
		printf("` | %s | %s | %s | %s | %s |\n", bs, hs, ds, qs,
		    verdict_text(r, vs, sizeof(vs)));
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

		fmtpair(r->cr_base, r->cr_head, bs, hs, sizeof(bs));
		fmtchange(r->cr_base, r->cr_head, ds, sizeof(ds));
		fmtq(r->cr_q, qs, sizeof(qs));
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
			    verdict_text(r, vs, sizeof(vs)), bs, hs, ds, qs);
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
	int used[64], naccept = 0, c, verbose = 0, status;
	enum format fmt = F_TEXT;
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
	    resolve(&st, argv[optind], bcond, sizeof(bcond), bcommit,
	    sizeof(bcommit), err, sizeof(err)) != 0 ||
	    resolve(&st, argv[optind + 1], hcond, sizeof(hcond), hcommit,
	    sizeof(hcommit), err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench compare: %s\n", err);
		if (st.st_db != NULL)
			store_close(&st);
		return 2;
	}
	minreps = stats_minreps(alpha);
	memset(&cm, 0, sizeof(cm));
	if (deterministic(&st, &cm, bcond, hcond) != 0 ||
	    latency(&st, &cm, bcond, hcond, quant, minreps) != 0) {
		fprintf(stderr, "kmbench compare: %s: %s\n", db,
		    sqlite3_errmsg(st.st_db));
		cmp_free(&cm);
		store_close(&st);
		return 2;
	}
	store_close(&st);
	if (judge(&cm, effect, floorns, alpha) != 0) {
		fprintf(stderr, "kmbench compare: out of memory\n");
		cmp_free(&cm);
		return 1;
	}
	if (cm.c_n > 0)
		qsort(cm.c_rows, cm.c_n, sizeof(*cm.c_rows), rowcmp);
	for (i = 0; i < cm.c_n; i++) {
		struct crow *r = &cm.c_rows[i];

		if ((r->cr_v == CV_CHANGED || r->cr_v == CV_REGRESSED) &&
		    accepted(accept, naccept, used, r->cr_name))
			r->cr_accepted = 1;
		if (r->cr_accepted)
			cm.n_accepted++;
		else if (r->cr_v == CV_CHANGED)
			cm.n_changed++;
		else if (r->cr_v == CV_REGRESSED)
			cm.n_regressed++;
		else if (r->cr_v == CV_IMPROVED)
			cm.n_improved++;
		else if (r->cr_v == CV_UNCHANGED)
			cm.n_unchanged++;
		else if (r->cr_v == CV_TOOFEW)
			cm.n_toofew++;
		else
			cm.n_oneside++;
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
