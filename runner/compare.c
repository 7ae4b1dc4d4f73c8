/*
 * compare.c: the comparison of two sides of a store, case by case
 * (compare.h).  Cases are matched by their inputs (strategy, machine
 * settings, trace content).  Deterministic figures must be equal, so
 * any difference is a change of behaviour, listed exactly.  Latency is
 * judged over the repetitions with the Mann-Whitney U test, the
 * Benjamini-Hochberg control of the false-discovery rate across every
 * latency figure compared, and a minimum effect both relative and in
 * nanoseconds (db/stats.c).
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/stats.h"
#include "../db/store.h"
#include "cmp_label.h"
#include "compare.h"

extern char **environ;

const char *const cv_names[] = {
	"changed", "regressed", "improved", "unchanged", "too few reps",
	"only in base", "only in head"
};

static struct crow *
addrow(struct cmp *c, const char *label, const char *group, const char *fig,
    const char *name, int latency)
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
	r->cr_group = strdup(group != NULL ? group : "");
	r->cr_fig = strdup(fig != NULL ? fig : "?");
	r->cr_name = strdup(name != NULL ? name : "?");
	if (r->cr_case == NULL || r->cr_group == NULL || r->cr_fig == NULL ||
	    r->cr_name == NULL) {
		free(r->cr_case);
		free(r->cr_group);
		free(r->cr_fig);
		free(r->cr_name);
		return NULL;
	}
	r->cr_latency = latency;
	r->cr_p = r->cr_q = NAN;
	c->c_n++;
	return r;
}

void
cmp_free(struct cmp *c)
{
	size_t i;

	for (i = 0; i < c->c_n; i++) {
		free(c->c_rows[i].cr_case);
		free(c->c_rows[i].cr_group);
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
int
cmp_resolve(struct store *st, const char *spec, char *cond, size_t len,
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
#define GROUP_SQL CMP_GROUP_SQL

void
cmp_commit_cond(const char *id, char *cond, size_t len)
{
	size_t n;

	n = (size_t)snprintf(cond, len, "r.commit_id = '");
	for (; *id != '\0' && n + 4 < len; id++) {
		if (*id == '\'')
			cond[n++] = '\'';
		cond[n++] = *id;
	}
	snprintf(cond + n, len - n, "'");
}

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
	    "m AS (SELECT bc.id AS b, hc.id AS h, bc.g AS g FROM bc JOIN hc "
	    "ON bc.g = hc.g), "
	    "f AS (SELECT m.b, m.h, m.g, rb.name FROM m JOIN result rb ON "
	    "rb.case_id = m.b AND rb.deterministic UNION SELECT m.b, m.h, "
	    "m.g, rh.name FROM m JOIN result rh ON rh.case_id = m.h AND "
	    "rh.deterministic) "
	    "SELECT (SELECT cmp_label(strategy, machine, trace, inputs) FROM "
	    "\"case\" WHERE id = f.b), f.name, rb.value, rh.value, f.g "
	    "FROM f "
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
		r = addrow(c, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 4), name, name, 0);
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
	    "SELECT min(cmp_label(c.strategy, c.machine, c.trace, c.inputs)), "
	    "l.op || '/' || l.arena AS f, "
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
		r = addrow(c, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 4), what,
		    (const char *)sqlite3_column_text(s, 1), 1);
		if (r == NULL)
			break;
		r->cr_nb = nb;
		r->cr_nh = nh;
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
void
cmp_fmtpair(double b, double h, char *bs, char *hs, size_t len)
{
	int prec;

	for (prec = 6; prec <= 17; prec++) {
		fmtval(b, prec, bs, len);
		fmtval(h, prec, hs, len);
		if (b == h || isnan(b) || isnan(h) || strcmp(bs, hs) != 0)
			break;
	}
}

void
cmp_fmtq(double q, char *buf, size_t len)
{

	if (isnan(q))
		snprintf(buf, len, "-");
	else if (q < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", q);
}

void
cmp_fmtchange(double b, double h, char *buf, size_t len)
{

	if (isnan(b) || isnan(h) || b == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", (h - b) / fabs(b) * 100);
}

const char *
cmp_verdict(const struct crow *r, char *buf, size_t len)
{

	snprintf(buf, len, "%s%s", cv_names[r->cr_v],
	    r->cr_accepted ? " (accepted)" : "");
	return buf;
}

/* Whether text output shows row R. */
int
cmp_shown(const struct crow *r, int verbose)
{

	return r->cr_v == CV_CHANGED || r->cr_v == CV_REGRESSED ||
	    r->cr_v == CV_IMPROVED || (verbose && r->cr_v != CV_UNCHANGED);
}

void
cmp_defaults(struct cmp_opts *o)
{

	memset(o, 0, sizeof(*o));
	o->co_quant = "p50";
	o->co_effect = 0.05;
	o->co_floorns = 50;
	o->co_alpha = 0.05;
}

int
cmp_run(struct store *st, const char *bcond, const char *hcond,
    const struct cmp_opts *o, struct cmp *c, char *err, size_t errlen)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	/* Labels that tell the points of a sweep apart (cmp_label.c). */
	if (cmp_label_register(st->st_db, bcond, hcond) != 0 ||
	    deterministic(st, c, bcond, hcond) != 0 ||
	    latency(st, c, bcond, hcond, o->co_quant,
	    stats_minreps(o->co_alpha)) != 0) {
		snprintf(err, errlen, "%s: %s", st->st_path,
		    sqlite3_errmsg(st->st_db));
		cmp_label_unregister(st->st_db);
		return -1;
	}
	cmp_label_unregister(st->st_db);
	if (judge(c, o->co_effect, o->co_floorns, o->co_alpha) != 0) {
		snprintf(err, errlen, "out of memory");
		return -2;
	}
	if (c->c_n > 0)
		qsort(c->c_rows, c->c_n, sizeof(*c->c_rows), rowcmp);
	for (i = 0; i < c->c_n; i++) {
		struct crow *r = &c->c_rows[i];

		if ((r->cr_v == CV_CHANGED || r->cr_v == CV_REGRESSED) &&
		    accepted(o->co_accept, o->co_naccept, o->co_used,
		    r->cr_name))
			r->cr_accepted = 1;
		if (r->cr_accepted)
			c->n_accepted++;
		else if (r->cr_v == CV_CHANGED)
			c->n_changed++;
		else if (r->cr_v == CV_REGRESSED)
			c->n_regressed++;
		else if (r->cr_v == CV_IMPROVED)
			c->n_improved++;
		else if (r->cr_v == CV_UNCHANGED)
			c->n_unchanged++;
		else if (r->cr_v == CV_TOOFEW)
			c->n_toofew++;
		else
			c->n_oneside++;
	}
	return 0;
}
