/*
 * export.c: the store's figures as TSV files for the gnuplot scripts
 * of plots/ (kmbench plot), and the queries kmbench report shares with
 * it (see export.h).  Files are tab-separated, one header comment
 * line; NaN marks a value the store does not hold.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "hist.h"
#include "select.h"

#define NSTRAT(sel)	((sel)->s_nstrat)
#define STRAT(sel, i)	((sel)->s_strat[i])

/* A trace replaying workload ?N: its file name up to the first dot. */
#define WLMATCH(n)	"(c.trace = ?" #n " OR c.trace LIKE ?" #n " || '.%' " \
			"OR c.trace LIKE '%/' || ?" #n " || '.%' " \
			"OR c.trace LIKE '%/' || ?" #n ")"

#define EXP_MAXCOMMITS	512

static void
why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

static int
sqlfail(sqlite3 *db, sqlite3_stmt *s, char *why, size_t whylen)
{

	why_set(why, whylen, "store: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -1;
}

static FILE *
xopen(const char *dir, const char *name, char *path, size_t pathlen,
    char *why, size_t whylen)
{
	FILE *f;

	snprintf(path, pathlen, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		why_set(why, whylen, "%s: %s", path, strerror(errno));
	return f;
}

static int
xclose(FILE *f, const char *path, char *why, size_t whylen)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad) {
		why_set(why, whylen, "%s: write error", path);
		return -1;
	}
	return 0;
}

/* A value, or NaN for gnuplot. */
static void
putval(FILE *f, const char *sep, double v)
{

	if (isnan(v))
		fprintf(f, "%sNaN", sep);
	else
		fprintf(f, "%s%.10g", sep, v);
}

/* The value of setting KEY ("physmem") in SETTINGS ("k=v;..."), with
 * its K, M or G suffix applied; 0 when absent. */
static uint64_t
setting(const char *settings, const char *key)
{
	size_t n = strlen(key);
	const char *p = settings;
	uint64_t v;
	char *end;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, n) == 0 && p[n] == '=') {
			v = strtoull(p + n + 1, &end, 0);
			switch (*end) {
			case 'K': case 'k': v <<= 10; break;
			case 'M': case 'm': v <<= 20; break;
			case 'G': case 'g': v <<= 30; break;
			}
			return v;
		}
		if ((p = strchr(p, ';')) != NULL)
			p++;
	}
	return 0;
}

static int
machcmp(const void *a, const void *b)
{
	const struct exp_machine *x = a, *y = b;

	if (x->em_physmem_mib != y->em_physmem_mib)
		return x->em_physmem_mib < y->em_physmem_mib ? -1 : 1;
	return strcmp(x->em_name, y->em_name);
}

int
exp_machines(sqlite3 *db, const struct sel *sel, const char *workload,
    struct exp_machine *m, int max, char *why, size_t whylen)
{
	sqlite3_stmt *s;
	int n = 0, rc;

	if (sqlite3_prepare_v2(db, "SELECT c.machine, min(c.settings) FROM "
	    "\"case\" c WHERE " WLMATCH(1) " AND (?2 = '' OR c.machine = ?2) "
	    "GROUP BY c.machine", -1, &s, NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_text(s, 1, workload, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sel->s_machine, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		snprintf(m[n].em_name, sizeof(m[n].em_name), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		m[n].em_physmem_mib = setting((const char *)
		    sqlite3_column_text(s, 1), "physmem") >> 20;
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlfail(db, s, why, whylen);
	sqlite3_finalize(s);
	qsort(m, (size_t)n, sizeof(*m), machcmp);
	return n;
}

int
exp_case(sqlite3 *db, const char *strategy, const char *machine,
    const char *workload, int64_t *id, char *why, size_t whylen)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT max(c.id) FROM \"case\" c WHERE "
	    "c.strategy = ?1 AND c.machine = ?2 AND " WLMATCH(3), -1, &s,
	    NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_text(s, 1, strategy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, machine, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, workload, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW)
		return sqlfail(db, s, why, whylen);
	if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*id = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

int
exp_result(sqlite3 *db, int64_t id, const char *name, double *v)
{
	sqlite3_stmt *s;
	int rc, found = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM result WHERE "
	    "case_id = ?1 AND name = ?2", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_double(s, 0);
		found = 1;
	} else if (rc != SQLITE_DONE)
		found = -1;
	sqlite3_finalize(s);
	return found;
}

const char *
exp_outcome(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *s;
	const char *o = NULL;
	double hung, need, largest;

	if (sqlite3_prepare_v2(db, "SELECT outcome FROM \"case\" WHERE "
	    "id = ?1", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		o = strcmp((const char *)sqlite3_column_text(s, 0),
		    "survived") == 0 ? "survived" : "panic";
	}
	sqlite3_finalize(s);
	if (o != NULL && strcmp(o, "survived") == 0 &&
	    exp_result(db, id, "hung", &hung) == 1 && hung > 0)
		o = "hung";
	/* kmem_map left too fragmented or full for the next big request. */
	if (o != NULL && strcmp(o, "survived") == 0 &&
	    exp_result(db, id, "kmem_map.waitok_max_pages", &need) == 1 &&
	    exp_result(db, id, "kmem_map.largest_free_end", &largest) == 1 &&
	    largest < need)
		o = "exhausted";
	return o;
}

/*
 * The repetitions of the latest case of STRATEGY on MACHINE replaying
 * WORKLOAD: the cases of the same trace and commit, into IDS (at most
 * MAX).  Count, or -1.
 */
static int
exp_reps(sqlite3 *db, const char *strategy, const char *machine,
    const char *workload, int64_t *ids, int max, char *why, size_t whylen)
{
	sqlite3_stmt *s;
	int64_t last;
	int n = 0, rc;

	if ((rc = exp_case(db, strategy, machine, workload, &last, why,
	    whylen)) <= 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT c.id FROM \"case\" c JOIN run r "
	    "ON r.id = c.run_id, \"case\" l JOIN run lr ON lr.id = l.run_id "
	    "WHERE l.id = ?1 AND c.strategy = l.strategy AND c.machine = "
	    "l.machine AND c.trace_sha256 = l.trace_sha256 AND c.settings = "
	    "l.settings AND r.commit_id = lr.commit_id AND r.dirty = lr.dirty "
	    "ORDER BY c.id", -1, &s, NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_int64(s, 1, last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max)
		ids[n++] = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlfail(db, s, why, whylen);
	sqlite3_finalize(s);
	return n;
}

/* Add the histograms of SERIES (every arena) of case ID to H.  0, -1. */
static int
addhist(sqlite3 *db, int64_t id, const char *series, struct hist *h,
    char *why, size_t whylen)
{
	sqlite3_stmt *s;
	const unsigned char *b;
	uint64_t cnt, mx;
	unsigned bucket;
	int rc, len, i, k;

	if (sqlite3_prepare_v2(db, "SELECT hist, max FROM latency WHERE "
	    "case_id = ?1 AND op = ?2", -1, &s, NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, series, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		b = sqlite3_column_blob(s, 0);
		len = sqlite3_column_bytes(s, 0);
		mx = (uint64_t)sqlite3_column_int64(s, 1);
		for (i = 0; b != NULL && i + 10 <= len; i += 10) {
			bucket = (unsigned)b[i] | (unsigned)b[i + 1] << 8;
			for (cnt = 0, k = 7; k >= 0; k--)
				cnt = cnt << 8 | b[i + 2 + k];
			if (bucket >= HIST_NBUCKETS)
				continue;
			h->h_bucket[bucket] += cnt;
			h->h_count += cnt;
		}
		if (mx > h->h_max)
			h->h_max = mx;
	}
	if (rc != SQLITE_DONE)
		return sqlfail(db, s, why, whylen);
	sqlite3_finalize(s);
	return 0;
}

#define EXP_MAXREPS	256

/*
 * 1 when the store keeps successful and refused calls apart (schema 5
 * on, migrate/005.sql).  A reader does not migrate: in an older store
 * OP's rows hold both, and no headline may take them for either.
 */
static int
lat_split(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v >= 5;
}

/* SERIES of the repetitions of STRATEGY on MACHINE replaying WORKLOAD
 * merged into H.  1, 0 when there are none, -1. */
static int
lathist(sqlite3 *db, const char *strategy, const char *machine,
    const char *workload, const char *series, struct hist *h, char *why,
    size_t whylen)
{
	int64_t ids[EXP_MAXREPS];
	int n, i;

	hist_init(h);
	h->h_min = 0;
	if (!lat_split(db)) {
		why_set(why, whylen, "latency stored before successful and "
		    "refused calls were kept apart (an older store)");
		return 0;
	}
	if ((n = exp_reps(db, strategy, machine, workload, ids, EXP_MAXREPS,
	    why, whylen)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (addhist(db, ids[i], series, h, why, whylen) != 0)
			return -1;
	if (h->h_count == 0) {
		why_set(why, whylen, "no %s latency for %s", series, strategy);
		return 0;
	}
	return 1;
}

static int
dblcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
exp_latency(sqlite3 *db, const char *strategy, const char *machine,
    const char *workload, const char *series, struct exp_lat *el,
    char *why, size_t whylen)
{
	static const double qs[3] = { 0.5, 0.99, 0.999 };
	int64_t ids[EXP_MAXREPS];
	double (*v)[EXP_MAXREPS];
	struct hist *h;
	int n, i, k, r = 0;

	memset(el, 0, sizeof(*el));
	if (!lat_split(db)) {
		why_set(why, whylen, "latency stored before successful and "
		    "refused calls were kept apart (an older store)");
		return 0;
	}
	if ((n = exp_reps(db, strategy, machine, workload, ids, EXP_MAXREPS,
	    why, whylen)) <= 0)
		return n;
	h = malloc(sizeof(*h));
	v = malloc(4 * sizeof(*v));
	if (h == NULL || v == NULL) {
		free(h);
		free(v);
		why_set(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		hist_init(h);
		h->h_min = 0;
		if (addhist(db, ids[i], series, h, why, whylen) != 0) {
			r = -1;
			goto out;
		}
		if (h->h_count == 0)
			continue;
		for (k = 0; k < 3; k++)
			v[k][el->el_nreps] = (double)hist_quantile(h, qs[k]);
		v[3][el->el_nreps] = (double)h->h_max;
		if (v[2][el->el_nreps] > 0 &&
		    v[3][el->el_nreps] > EXP_STALL * v[2][el->el_nreps])
			el->el_stalls++;
		el->el_count += h->h_count;
		el->el_nreps++;
	}
	if (el->el_nreps == 0) {
		why_set(why, whylen, "no %s latency for %s", series, strategy);
		goto out;
	}
	for (k = 0; k < 4; k++) {
		qsort(v[k], (size_t)el->el_nreps, sizeof(double), dblcmp);
		n = el->el_nreps;
		el->el_q[k] = n % 2 ? v[k][n / 2] :
		    (v[k][n / 2 - 1] + v[k][n / 2]) / 2;
		el->el_lo[k] = v[k][0];
		el->el_hi[k] = v[k][n - 1];
	}
	r = 1;
out:
	free(h);
	free(v);
	return r;
}

/* One strategy's series of one map: events and values, and the sample
 * of its panic or first sleep. */
struct ser {
	int64_t		*s_ev, *s_v;
	size_t		 s_n, s_cap;
	int64_t		 s_markev, s_markv;
	int		 s_marked;
	const char	*s_outcome;
};

static void
ser_free(struct ser *sr)
{

	free(sr->s_ev);
	free(sr->s_v);
	memset(sr, 0, sizeof(*sr));
}

/*
 * Series COL ("footprint", "live") of MAP of case ID into SR, and the
 * sample whose why is MWHY ("panic", "sleep", or "" for none) as its
 * mark.  0 or -1.
 */
static int
ser_load(sqlite3 *db, int64_t id, const char *map, const char *col,
    const char *mwhy, struct ser *sr, char *why, size_t whylen)
{
	sqlite3_stmt *s;
	char sql[256];
	void *p;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT event, %s, why FROM series WHERE "
	    "case_id = ?1 AND map = ?2 ORDER BY seq", col);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, map, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sr->s_n == sr->s_cap) {
			sr->s_cap = sr->s_cap ? 2 * sr->s_cap : 256;
			if ((p = realloc(sr->s_ev, sr->s_cap *
			    sizeof(int64_t))) == NULL)
				goto oom;
			sr->s_ev = p;
			if ((p = realloc(sr->s_v, sr->s_cap *
			    sizeof(int64_t))) == NULL)
				goto oom;
			sr->s_v = p;
		}
		sr->s_ev[sr->s_n] = sqlite3_column_int64(s, 0);
		sr->s_v[sr->s_n] = sqlite3_column_int64(s, 1);
		if (*mwhy != '\0' && !sr->s_marked && strcmp((const char *)
		    sqlite3_column_text(s, 2), mwhy) == 0) {
			sr->s_markev = sr->s_ev[sr->s_n];
			sr->s_markv = sr->s_v[sr->s_n];
			sr->s_marked = 1;
		}
		sr->s_n++;
	}
	if (rc != SQLITE_DONE)
		return sqlfail(db, s, why, whylen);
	sqlite3_finalize(s);
	return 0;
oom:
	sqlite3_finalize(s);
	why_set(why, whylen, "out of memory");
	return -1;
}

/* B's value at event E (its last sample at or before E); 0 if none. */
static int
ser_at(const struct ser *b, int64_t e, int64_t *v)
{
	size_t lo = 0, hi = b->s_n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (b->s_ev[mid] <= e)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	*v = b->s_v[lo - 1];
	return 1;
}

/* 1 when A's line lies under B's: every sample of A on B's steps, and A
 * ending where B still runs. */
static int
ser_under(const struct ser *a, const struct ser *b)
{
	size_t i;
	int64_t v;

	if (a->s_n == 0 || b->s_n == 0 ||
	    a->s_ev[a->s_n - 1] > b->s_ev[b->s_n - 1])
		return 0;
	for (i = 0; i < a->s_n; i++)
		if (!ser_at(b, a->s_ev[i], &v) || v != a->s_v[i])
			return 0;
	return 1;
}

/*
 * The key title of strategy I of SEL into BUF: its name, WHAT, and REL
 * ("under") the strategy drawn last whose line hides its own (UNDER[I],
 * -1: none).
 */
static void
keytitle(char *buf, size_t len, const struct sel *sel, int i,
    const int *under, const char *what, const char *rel)
{

	if (under[i] >= 0)
		snprintf(buf, len, "%s%s (%s %s)", STRAT(sel, i), what, rel,
		    STRAT(sel, under[i]));
	else
		snprintf(buf, len, "%s%s", STRAT(sel, i), what);
}

/* UNDER[i]: the last strategy after I whose series hides I's, or -1. */
static void
find_under(const struct sel *sel, const struct ser *sr, int *under)
{
	int i, k;

	for (i = 0; i < NSTRAT(sel); i++) {
		under[i] = -1;
		for (k = NSTRAT(sel) - 1; k > i && under[i] < 0; k--)
			if (ser_under(&sr[i], &sr[k]))
				under[i] = k;
	}
}

int
export_maps(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *workload, const char *machine, const char *map, char *why,
    size_t whylen)
{
	char path[1024], name[256], key[96], title[160];
	struct ser sr[SEL_MAXSTRAT];
	int under[SEL_MAXSTRAT];
	const char *mwhy;
	double peak, head, ceiling = NAN, top = 0;
	int64_t id;
	int i, rc, any = 0, marks = 0, r = -1;
	size_t k, most = 0;
	FILE *f;

	memset(sr, 0, sizeof(sr));
	for (i = 0; i < NSTRAT(sel); i++) {
		rc = exp_case(db, STRAT(sel, i), machine, workload, &id,
		    why, whylen);
		if (rc < 0)
			goto out;
		if (rc == 0)
			continue;
		sr[i].s_outcome = exp_outcome(db, id);
		mwhy = sr[i].s_outcome == NULL ? "" :
		    strcmp(sr[i].s_outcome, "panic") == 0 ? "panic" :
		    strcmp(sr[i].s_outcome, "hung") == 0 ? "sleep" : "";
		snprintf(key, sizeof(key), "%s.peak_pages", map);
		if (exp_result(db, id, key, &peak) == 1) {
			snprintf(key, sizeof(key), "%s.min_headroom_pages",
			    map);
			if (exp_result(db, id, key, &head) == 1 &&
			    isnan(ceiling))
				ceiling = peak + head;
		}
		if (ser_load(db, id, map, "footprint", mwhy, &sr[i], why,
		    whylen) != 0)
			goto out;
		for (k = 0; k < sr[i].s_n; k++)
			if (sr[i].s_v[k] > top)
				top = (double)sr[i].s_v[k];
		if (sr[i].s_n > most)
			most = sr[i].s_n;
		any |= sr[i].s_n > 0;
	}
	find_under(sel, sr, under);
	for (i = 0; i < NSTRAT(sel); i++) {
		snprintf(name, sizeof(name), "maps-%s-%s-%s.tsv", workload,
		    map, STRAT(sel, i));
		if ((f = xopen(dir, name, path, sizeof(path), why,
		    whylen)) == NULL)
			goto out;
		/* The header line: the key's title (columnheader). */
		keytitle(title, sizeof(title), sel, i, under, "", "under");
		fprintf(f, "event\t%s\n", title);
		for (k = 0; k < sr[i].s_n; k++)
			fprintf(f, "%lld\t%lld\n", (long long)sr[i].s_ev[k],
			    (long long)sr[i].s_v[k]);
		if (sr[i].s_n == 0)
			fprintf(f, "NaN\tNaN\n");
		if (xclose(f, path, why, whylen) != 0)
			goto out;
	}
	snprintf(name, sizeof(name), "maps-%s-%s-marks.tsv", workload, map);
	if ((f = xopen(dir, name, path, sizeof(path), why, whylen)) == NULL)
		goto out;
	fprintf(f, "# strategy(1-n)\tevent\tfootprint_pages\tlabel\n");
	for (i = 0; i < NSTRAT(sel); i++)
		if (sr[i].s_marked) {
			fprintf(f, "%d\t%lld\t%lld\t%s\n", i + 1,
			    (long long)sr[i].s_markev,
			    (long long)sr[i].s_markv, sr[i].s_outcome);
			marks++;
		}
	if (marks == 0)
		fprintf(f, "1\tNaN\tNaN\t-\n");
	if (xclose(f, path, why, whylen) != 0)
		goto out;
	snprintf(name, sizeof(name), "maps-%s-%s-ceiling.tsv", workload, map);
	if ((f = xopen(dir, name, path, sizeof(path), why, whylen)) == NULL)
		goto out;
	fprintf(f, "# %s size (pages) on %s\tmost pages held\tmarks\t"
	    "most samples of a strategy\n", map, machine);
	/* -1: unknown, which the script understands. */
	fprintf(f, "%.10g\t%.10g\t%d\t%zu\n", isnan(ceiling) ? -1 : ceiling,
	    top, marks, most);
	if (xclose(f, path, why, whylen) != 0)
		goto out;
	if (!any)
		why_set(why, whylen, "no %s series of %s on %s in the store",
		    map, workload, machine);
	r = any;
out:
	for (i = 0; i < NSTRAT(sel); i++)
		ser_free(&sr[i]);
	return r;
}

/*
 * The machines with cases of WORKLOAD into M, and the file KIND-WORKLOAD.tsv
 * opened in *FP: the number of machines; 0 (with WHY) when the store has
 * no such case; -1 on error.
 */
static int
exp_by_machine(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *kind, const char *workload, struct exp_machine *m, char *path,
    size_t pathlen, FILE **fp, char *why, size_t whylen)
{
	char name[256];
	int n;

	if ((n = exp_machines(db, sel, workload, m, EXP_MAXMACH, why,
	    whylen)) < 0)
		return -1;
	if (n == 0) {
		why_set(why, whylen, "no %s cases in the store", workload);
		return 0;
	}
	snprintf(name, sizeof(name), "%s-%s.tsv", kind, workload);
	if ((*fp = xopen(dir, name, path, pathlen, why, whylen)) == NULL)
		return -1;
	return n;
}

int
export_grid(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *workload, char *why, size_t whylen)
{
	struct exp_machine m[EXP_MAXMACH];
	char path[1024];
	const char *o;
	double fds;
	int64_t id;
	int n, i, j, rc, code, any = 0;
	FILE *f;

	if ((n = exp_by_machine(db, sel, dir, "grid", workload, m, path,
	    sizeof(path), &f, why, whylen)) <= 0)
		return n;
	fprintf(f, "# x\ty\tmachine\tstrategy\toutcome(0 survived, 1 panic, "
	    "2 hung, 3 none, 4 survived with kmem_map exhausted)\toutcome\t"
	    "max_fds\tmachine_short\n");
	for (i = 0; i < NSTRAT(sel); i++) {
		for (j = 0; j < n; j++) {
			rc = exp_case(db, STRAT(sel, i), m[j].em_name,
			    workload, &id, why, whylen);
			if (rc < 0) {
				fclose(f);
				return -1;
			}
			o = rc == 1 ? exp_outcome(db, id) : NULL;
			code = o == NULL ? 3 : strcmp(o, "survived") == 0 ? 0 :
			    strcmp(o, "panic") == 0 ? 1 :
			    strcmp(o, "exhausted") == 0 ? 4 : 2;
			if (o == NULL || exp_result(db, id, "max_fds",
			    &fds) != 1)
				fds = NAN;
			fprintf(f, "%d\t%d\t%llu MiB\t%s\t%d\t%s", j, i,
			    (unsigned long long)m[j].em_physmem_mib,
			    STRAT(sel, i), code,
			    o == NULL ? "-" : code == 1 ? "PANIC" : o);
			putval(f, "\t", fds);
			fprintf(f, "\t%lluM\n", (unsigned long long)
			    m[j].em_physmem_mib);
			any |= o != NULL;
		}
	}
	if (xclose(f, path, why, whylen) != 0)
		return -1;
	if (!any)
		why_set(why, whylen, "no %s cases of the strategies shown",
		    workload);
	return any;
}

int
export_maxfds(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *workload, char *why, size_t whylen)
{
	static double fds[EXP_MAXMACH][SEL_MAXSTRAT];
	static double panic[EXP_MAXMACH][SEL_MAXSTRAT];
	struct exp_machine m[EXP_MAXMACH];
	int under[SEL_MAXSTRAT];
	char path[1024], title[160];
	const char *o;
	int64_t id;
	int n, i, j, k, rc, any = 0, same;
	FILE *f;

	if ((n = exp_by_machine(db, sel, dir, "maxfds", workload, m, path,
	    sizeof(path), &f, why, whylen)) <= 0)
		return n;
	for (j = 0; j < n; j++)
		for (i = 0; i < NSTRAT(sel); i++) {
			fds[j][i] = panic[j][i] = NAN;
			rc = exp_case(db, STRAT(sel, i), m[j].em_name,
			    workload, &id, why, whylen);
			if (rc < 0) {
				fclose(f);
				return -1;
			}
			if (rc == 0 || exp_result(db, id, "max_fds",
			    &fds[j][i]) != 1)
				continue;
			any = 1;
			/* The same value again where the system failed. */
			if ((o = exp_outcome(db, id)) != NULL &&
			    (strcmp(o, "panic") == 0 || strcmp(o, "hung") == 0))
				panic[j][i] = fds[j][i];
		}
	/* A strategy whose every value a later one repeats is under it. */
	for (i = 0; i < NSTRAT(sel); i++) {
		under[i] = -1;
		for (k = NSTRAT(sel) - 1; k > i && under[i] < 0; k--) {
			for (same = 1, j = 0; j < n && same; j++)
				same = fds[j][i] == fds[j][k] ||
				    (isnan(fds[j][i]) && isnan(fds[j][k]));
			if (same)
				under[i] = k;
		}
	}
	/* The header line: the key's titles (columnheader). */
	fprintf(f, "physmem_mib");
	for (i = 0; i < NSTRAT(sel); i++) {
		keytitle(title, sizeof(title), sel, i, under, "",
		    "same as");
		fprintf(f, "\t%s", title);
	}
	for (i = 0; i < NSTRAT(sel); i++)
		fprintf(f, "\t%s_failed", STRAT(sel, i));
	fprintf(f, "\n");
	for (j = 0; j < n; j++) {
		fprintf(f, "%llu", (unsigned long long)m[j].em_physmem_mib);
		for (i = 0; i < NSTRAT(sel); i++)
			putval(f, "\t", fds[j][i]);
		for (i = 0; i < NSTRAT(sel); i++)
			putval(f, "\t", panic[j][i]);
		fprintf(f, "\n");
	}
	if (xclose(f, path, why, whylen) != 0)
		return -1;
	if (!any)
		why_set(why, whylen, "no max_fds of %s in the store",
		    workload);
	return any;
}

static const char *const latops[] = { "malloc", "fdexpand" };
static const char *const latq[] = { "p50", "p99", "p99.9", "max" };

/*
 * The successful calls of malloc(9) and fdexpand on the headline trace
 * and machine: per row (operation and percentile), per strategy the
 * median over repetitions, the least and the greatest.  A max that is a
 * host stall in some repetition is left out (NaN), and the stalls file
 * says how many were.
 */
int
export_latpct(sqlite3 *db, const struct sel *sel, const char *dir,
    char *why, size_t whylen)
{
	struct exp_lat el[SEL_MAXSTRAT];
	int have[SEL_MAXSTRAT], stalls = 0;
	char path[1024];
	size_t o;
	int i, k, rc, any = 0;
	double v;
	FILE *f;

	if ((f = xopen(dir, "latency-pct.tsv", path, sizeof(path), why,
	    whylen)) == NULL)
		return -1;
	fprintf(f, "# successful calls of %s on %s; op and percentile",
	    sel->s_hltrace, sel->s_hlmachine);
	for (i = 0; i < NSTRAT(sel); i++)
		fprintf(f, "\t%s median (ns)\tleast\tgreatest", STRAT(sel, i));
	fprintf(f, "\n");
	for (o = 0; o < sizeof(latops) / sizeof(latops[0]); o++) {
		for (i = 0; i < NSTRAT(sel); i++) {
			rc = exp_latency(db, STRAT(sel, i), sel->s_hlmachine,
			    sel->s_hltrace, latops[o], &el[i], why, whylen);
			if (rc < 0) {
				fclose(f);
				return -1;
			}
			have[i] = rc;
			any |= rc;
			if (rc && el[i].el_stalls > 0)
				stalls++;
		}
		for (k = 0; k < 4; k++) {
			fprintf(f, "%s %s", latops[o], latq[k]);
			for (i = 0; i < NSTRAT(sel); i++) {
				v = have[i] && !(k == 3 && el[i].el_stalls) ?
				    1 : NAN;
				putval(f, "\t", v * el[i].el_q[k]);
				putval(f, "\t", v * el[i].el_lo[k]);
				putval(f, "\t", v * el[i].el_hi[k]);
			}
			fprintf(f, "\n");
		}
	}
	if (xclose(f, path, why, whylen) != 0)
		return -1;
	if ((f = xopen(dir, "latency-stalls.tsv", path, sizeof(path), why,
	    whylen)) == NULL)
		return -1;
	fprintf(f, "# strategy-operation pairs whose max was a host stall\n"
	    "%d\n", stalls);
	if (xclose(f, path, why, whylen) != 0)
		return -1;
	if (!any)
		why_set(why, whylen, "no malloc or fdexpand latency of %s on %s "
		    "in the store", sel->s_hltrace, sel->s_hlmachine);
	return any;
}

int
export_latcdf(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *op, char *why, size_t whylen)
{
	char path[1024], name[256];
	struct hist *h;
	uint64_t cum;
	unsigned b;
	int i, rc, any = 0, started;
	FILE *f;

	if ((h = malloc(sizeof(*h))) == NULL) {
		why_set(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < NSTRAT(sel); i++) {
		snprintf(name, sizeof(name), "latency-cdf-%s-%s.tsv", op,
		    STRAT(sel, i));
		if ((f = xopen(dir, name, path, sizeof(path), why,
		    whylen)) == NULL)
			goto fail;
		fprintf(f, "# %s %s, %s calls, %s on %s: ns\t"
		    "fraction of calls below\n", STRAT(sel, i), op,
		    strstr(op, ".refused") != NULL ? "refused" : "successful",
		    sel->s_hltrace, sel->s_hlmachine);
		if ((rc = lathist(db, STRAT(sel, i), sel->s_hlmachine,
		    sel->s_hltrace, op, h, why, whylen)) < 0) {
			fclose(f);
			goto fail;
		}
		if (rc == 0)
			fprintf(f, "NaN\tNaN\n");
		/* Bucket b holds [lowest(b), lowest(b + 1)). */
		for (b = 0, cum = 0, started = 0; rc == 1 &&
		    b < HIST_NBUCKETS; b++) {
			if (h->h_bucket[b] == 0)
				continue;
			if (!started) {
				fprintf(f, "%llu\t0\n", (unsigned long long)
				    (hist_lowest(b) > 0 ? hist_lowest(b) : 1));
				started = 1;
			}
			cum += h->h_bucket[b];
			fprintf(f, "%llu\t%.8g\n", (unsigned long long)
			    (b + 1 < HIST_NBUCKETS ? hist_lowest(b + 1) :
			    h->h_max), (double)cum / (double)h->h_count);
		}
		any |= rc;
		if (xclose(f, path, why, whylen) != 0)
			goto fail;
	}
	free(h);
	if (!any)
		why_set(why, whylen, "no %s latency of %s on %s in the store",
		    op, sel->s_hltrace, sel->s_hlmachine);
	return any;
fail:
	free(h);
	return -1;
}

int
export_frag(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *workload, const char *machine, const char *map, char *why,
    size_t whylen)
{
	char path[1024], name[256], t1[160], t2[160];
	struct ser fsr[SEL_MAXSTRAT], esr[SEL_MAXSTRAT];
	int fund[SEL_MAXSTRAT], eund[SEL_MAXSTRAT];
	sqlite3_stmt *s;
	uint64_t pagesize;
	int64_t id, fp, live, largest, freep;
	int i, rc, have, any = 0;
	FILE *f;

	/* Which lines hide which: footprints, and the free extents. */
	memset(fsr, 0, sizeof(fsr));
	memset(esr, 0, sizeof(esr));
	for (i = 0; i < NSTRAT(sel); i++) {
		rc = exp_case(db, STRAT(sel, i), machine, workload, &id,
		    why, whylen);
		if (rc == 1 && (ser_load(db, id, map, "footprint", "",
		    &fsr[i], why, whylen) != 0 || ser_load(db, id, map,
		    "largest * 4294967296 + freepages", "", &esr[i], why,
		    whylen) != 0))
			rc = -1;
		if (rc < 0) {
			for (i = 0; i < NSTRAT(sel); i++) {
				ser_free(&fsr[i]);
				ser_free(&esr[i]);
			}
			return -1;
		}
	}
	find_under(sel, fsr, fund);
	find_under(sel, esr, eund);
	for (i = 0; i < NSTRAT(sel); i++) {
		ser_free(&fsr[i]);
		ser_free(&esr[i]);
	}
	for (i = 0; i < NSTRAT(sel); i++) {
		snprintf(name, sizeof(name), "frag-%s-%s-%s.tsv", workload,
		    map, STRAT(sel, i));
		if ((f = xopen(dir, name, path, sizeof(path), why,
		    whylen)) == NULL)
			return -1;
		/* The header line: the key's titles (columnheader). */
		keytitle(t1, sizeof(t1), sel, i, eund, "", "under");
		keytitle(t2, sizeof(t2), sel, i, fund, " footprint", "under");
		fprintf(f, "event\t%s\t%s\t%s live\n", t1, t2,
		    STRAT(sel, i));
		have = 0;
		rc = exp_case(db, STRAT(sel, i), machine, workload, &id,
		    why, whylen);
		if (rc < 0)
			goto failf;
		if (rc == 0)
			goto none;
		if (sqlite3_prepare_v2(db, "SELECT s.event, s.footprint, "
		    "s.live, s.largest, s.freepages, c.settings FROM series s "
		    "JOIN \"case\" c ON c.id = s.case_id WHERE s.case_id = ?1 "
		    "AND s.map = ?2 ORDER BY s.seq", -1, &s, NULL) !=
		    SQLITE_OK) {
			sqlfail(db, NULL, why, whylen);
			goto failf;
		}
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, map, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			fp = sqlite3_column_int64(s, 1);
			live = sqlite3_column_int64(s, 2);
			largest = sqlite3_column_int64(s, 3);
			freep = sqlite3_column_int64(s, 4);
			pagesize = setting((const char *)
			    sqlite3_column_text(s, 5), "pagesize");
			if (pagesize == 0)
				pagesize = 4096;
			fprintf(f, "%lld", (long long)
			    sqlite3_column_int64(s, 0));
			putval(f, "\t", freep > 0 ? 1.0 - (double)largest /
			    (double)freep : NAN);
			fprintf(f, "\t%llu\t%lld\n", (unsigned long long)fp *
			    pagesize, (long long)live);
			have = any = 1;
		}
		if (rc != SQLITE_DONE) {
			sqlfail(db, s, why, whylen);
			goto failf;
		}
		sqlite3_finalize(s);
none:
		if (!have)
			fprintf(f, "NaN\tNaN\tNaN\tNaN\n");
		if (xclose(f, path, why, whylen) != 0)
			return -1;
	}
	if (!any)
		why_set(why, whylen, "no %s series of %s on %s in the store",
		    map, workload, machine);
	return any;
failf:
	fclose(f);
	return -1;
}

int
export_history(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *metric, const char *workload, const char *machine, char *why,
    size_t whylen)
{
	static double v[EXP_MAXCOMMITS][SEL_MAXSTRAT];
	static char commit[EXP_MAXCOMMITS][16];
	char path[1024], prev[64] = "";
	const char *cid, *st;
	sqlite3_stmt *s;
	int n = 0, i, k, rc;
	FILE *f;

	if (sqlite3_prepare_v2(db, "SELECT r.commit_id, max(r.dirty), "
	    "c.strategy, avg(x.value), (SELECT min(r3.id) FROM run r3 WHERE "
	    "r3.commit_id = r.commit_id) AS ord FROM \"case\" c JOIN run r "
	    "ON r.id = c.run_id JOIN result x ON x.case_id = c.id AND "
	    "x.name = ?1 WHERE c.machine = ?2 AND " WLMATCH(3) " GROUP BY "
	    "r.commit_id, c.strategy ORDER BY ord, r.commit_id", -1, &s,
	    NULL) != SQLITE_OK)
		return sqlfail(db, NULL, why, whylen);
	sqlite3_bind_text(s, 1, metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, machine, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, workload, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cid = (const char *)sqlite3_column_text(s, 0);
		st = (const char *)sqlite3_column_text(s, 2);
		if (strcmp(cid, prev) != 0) {
			if (n == EXP_MAXCOMMITS)
				break;
			snprintf(prev, sizeof(prev), "%s", cid);
			snprintf(commit[n], sizeof(commit[n]), "%.10s%s", cid,
			    sqlite3_column_int(s, 1) ? "+" : "");
			for (k = 0; k < NSTRAT(sel); k++)
				v[n][k] = NAN;
			n++;
		}
		for (k = 0; k < NSTRAT(sel); k++)
			if (strcmp(st, STRAT(sel, k)) == 0)
				v[n - 1][k] = sqlite3_column_double(s, 3);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlfail(db, s, why, whylen);
	sqlite3_finalize(s);
	if (n == 0) {
		why_set(why, whylen, "no %s of %s on %s in the store", metric,
		    workload, machine);
		return 0;
	}
	if ((f = xopen(dir, "history.tsv", path, sizeof(path), why,
	    whylen)) == NULL)
		return -1;
	fprintf(f, "# %s of %s on %s, oldest commit first: index\tcommit",
	    metric, workload, machine);
	for (k = 0; k < NSTRAT(sel); k++)
		fprintf(f, "\t%s", STRAT(sel, k));
	for (k = 0; k < NSTRAT(sel); k++)
		fprintf(f, "\t%s_regressed", STRAT(sel, k));
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%d\t%s", i, commit[i]);
		for (k = 0; k < NSTRAT(sel); k++)
			putval(f, "\t", v[i][k]);
		/* Regressed: higher than at the previous commit. */
		for (k = 0; k < NSTRAT(sel); k++)
			putval(f, "\t", i > 0 && !isnan(v[i - 1][k]) &&
			    v[i][k] > v[i - 1][k] ? v[i][k] : NAN);
		fprintf(f, "\n");
	}
	if (xclose(f, path, why, whylen) != 0)
		return -1;
	return 1;
}
