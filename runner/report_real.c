/*
 * report_real.c: the real-workloads section of kmbench report
 * (report_real.h).  It reads the latest scale search (key "scale",
 * --clean) of each trace, machine and strategy from the tables that
 * kmbench capacity --db writes (db/migrate/003.sql).  A grid cell is
 * the outcome replayed at that K; where a strategy's search did not
 * replay that K, the cell is inferred from its answer (below the cliff
 * it survived, beyond it it did not) and shown in lower case
 * between parentheses.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../strategies/strategy.h"
#include "html.h"
#include "report_real.h"

#define RR_MAXSTRAT	16
#define RR_MAXCOL	64
#define RR_TXTCOLS	10	/* K columns that fit in 72 */

/* md: text, Markdown, or HTML (report_real_html). */
#define RR_HTML	2

/* Where the searched machines go in a sentence, replaced when printed. */
#define RR_MACHINES	"\001"

struct rr_search {
	int		 s_order;	/* in the registry */
	int64_t		 s_id;
	char		 s_strategy[32];
	int		 s_found;
	int64_t		 s_value, s_lo, s_hi;
};

static int
fail(sqlite3 *db, char *why, size_t whylen)
{

	snprintf(why, whylen, "%s", sqlite3_errmsg(db));
	return -1;
}

/* The outcome the search S replayed at K, or NULL. */
static const char *
tried(sqlite3 *db, int64_t id, int64_t k, char *buf, size_t len)
{
	sqlite3_stmt *s;
	const char *o = NULL;

	if (sqlite3_prepare_v2(db, "SELECT outcome FROM capacity_try WHERE "
	    "capacity_id = ? AND value = ? ORDER BY seq DESC LIMIT 1", -1, &s,
	    NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, k);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s,
		    0));
		o = buf;
	}
	sqlite3_finalize(s);
	return o;
}

/* A grid cell: what was replayed, else what the answer implies. */
static void
cell(sqlite3 *db, const struct rr_search *sr, int64_t k, char *buf,
    size_t len)
{
	char o[32];

	if (tried(db, sr->s_id, k, o, sizeof(o)) != NULL) {
		if (strcmp(o, "survived") == 0)
			snprintf(buf, len, "ok");
		else if (strcmp(o, "refused") == 0)
			snprintf(buf, len, "REF");
		else if (strcmp(o, "hung") == 0)
			snprintf(buf, len, "HUNG");
		else if (strcmp(o, "panic") == 0)
			snprintf(buf, len, "PANIC");
		else
			snprintf(buf, len, "BOOT");
	} else if (k < sr->s_lo || k > sr->s_hi)
		buf[0] = '\0';
	else if (sr->s_found && k <= sr->s_value)
		snprintf(buf, len, "(ok)");
	else
		snprintf(buf, len, "(x)");
}

/* "panics", "hangs", ... for the outcome at the cliff (PL: plural). */
static const char *
verb(const char *o, int pl)
{

	if (o != NULL && strcmp(o, "panic") == 0)
		return pl ? "panic" : "panics";
	if (o != NULL && strcmp(o, "hung") == 0)
		return pl ? "hang" : "hangs";
	if (o != NULL && strcmp(o, "refused") == 0)
		return pl ? "are refused" : "is refused";
	if (o != NULL && strcmp(o, "no boot") == 0)
		return pl ? "do not boot" : "does not boot";
	return pl ? "fail" : "fails";
}

/* TRACE's file name without directories and ".kmt.zst". */
static void
short_name(const char *trace, char *buf, size_t len)
{
	const char *b = strrchr(trace, '/');
	char *dot;

	snprintf(buf, len, "%.100s", b != NULL ? b + 1 : trace);
	if ((dot = strstr(buf, ".kmt")) != NULL || (dot = strstr(buf,
	    ".kmb")) != NULL)
		*dot = '\0';
}

static int
order(const char *name)
{
	int i;

	for (i = 0; strategies[i] != NULL; i++)
		if (strcmp(strategies[i]->s_name, name) == 0)
			return i;
	return i;
}

static int
srcmp(const void *a, const void *b)
{
	const struct rr_search *x = a, *y = b;

	if (x->s_order != y->s_order)
		return x->s_order < y->s_order ? -1 : 1;
	return strcmp(x->s_strategy, y->s_strategy);
}

/*
 * TEXT on F, RR_MACHINES replaced by MACHINES; in text, the lines that
 * start with a blank are kept, the others filled to 72 columns.
 */
static void
put_cell(FILE *f, const char *text, const char *machines, int md)
{
	char *buf, *p, *q, *w, *nl;
	size_t n = 0, cap, col;

	cap = strlen(text) * (strlen(machines) + 1) + 1;
	if ((buf = malloc(cap)) == NULL)
		return;
	for (p = (char *)text; *p != '\0'; p++) {
		if (*p == RR_MACHINES[0]) {
			memcpy(buf + n, machines, strlen(machines));
			n += strlen(machines);
		} else
			buf[n++] = *p;
	}
	buf[n] = '\0';
	for (p = buf; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (md || *p == ' ' || (size_t)(nl - p) <= 72) {
			fprintf(f, "%.*s\n", (int)(nl - p), p);
		} else {
			/* Fill: break at the last blank before column 72. */
			for (q = p, col = 0; q < nl; ) {
				for (w = q; w < nl && *w != ' '; w++)
					continue;
				if (col > 0 && col + 1 + (size_t)(w - q) > 72) {
					fputc('\n', f);
					col = 0;
				} else if (col > 0) {
					fputc(' ', f);
					col++;
				}
				fprintf(f, "%.*s", (int)(w - q), q);
				col += (size_t)(w - q);
				q = w < nl ? w + 1 : nl;
			}
			fputc('\n', f);
		}
		if (*nl == '\0')
			break;
	}
	free(buf);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* What search SR came to, as the end of a sentence (PL: plural). */
static void
what(sqlite3 *db, const struct rr_search *sr, const char *name, int pl,
    char *buf, size_t len)
{
	char o[32];
	int64_t k;

	if (!sr->s_found) {
		k = sr->s_lo;
		snprintf(buf, len, "already %s with %lld cop%s of %s on %s",
		    verb(tried(db, sr->s_id, k, o, sizeof(o)), pl),
		    (long long)k, k == 1 ? "y" : "ies", name, RR_MACHINES);
	} else if (sr->s_value >= sr->s_hi)
		snprintf(buf, len, "hold%s all %lld %s servers searched on %s",
		    pl ? "" : "s", (long long)sr->s_value, name, RR_MACHINES);
	else
		snprintf(buf, len, "survive%s %lld %s server%s on %s and %s "
		    "at %lld", pl ? "" : "s", (long long)sr->s_value, name,
		    sr->s_value == 1 ? "" : "s", RR_MACHINES,
		    verb(tried(db, sr->s_id, sr->s_value + 1, o, sizeof(o)),
		    pl), (long long)sr->s_value + 1);
}

/* One trace on one machine: the grid and the sentence. */
static int
one(FILE *f, sqlite3 *db, int md, const char *trace, const char *machine,
    char *why, size_t whylen)
{
	struct rr_search sr[RR_MAXSTRAT];
	int64_t col[RR_MAXCOL], pick[RR_MAXCOL];
	sqlite3_stmt *s;
	char name[128], c[16], a[256], b[256];
	const char *p, *q;
	int n = 0, ncol = 0, npick, i, j, rc, done[RR_MAXSTRAT];
	int same[RR_MAXSTRAT], nsame, first;

	if (sqlite3_prepare_v2(db, "SELECT id, strategy, value, lo, hi FROM "
	    "capacity c WHERE key = 'scale' AND clean = 1 AND trace = ?1 AND "
	    "machine = ?2 AND id = (SELECT max(id) FROM capacity d WHERE "
	    "d.key = 'scale' AND d.clean = 1 AND d.trace = ?1 AND d.machine "
	    "= ?2 AND d.strategy = c.strategy) ORDER BY id", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(db, why, whylen);
	sqlite3_bind_text(s, 1, trace, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, machine, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < RR_MAXSTRAT) {
		sr[n].s_id = sqlite3_column_int64(s, 0);
		snprintf(sr[n].s_strategy, sizeof(sr[n].s_strategy), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		sr[n].s_found = sqlite3_column_type(s, 2) != SQLITE_NULL;
		sr[n].s_value = sqlite3_column_int64(s, 2);
		sr[n].s_lo = sqlite3_column_int64(s, 3);
		sr[n].s_hi = sqlite3_column_int64(s, 4);
		sr[n].s_order = order(sr[n].s_strategy);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(db, why, whylen);
	qsort(sr, (size_t)n, sizeof(sr[0]), srcmp);

	/* Columns: the K that at least two searches replayed. */
	if (sqlite3_prepare_v2(db, "SELECT t.value FROM capacity_try t JOIN "
	    "capacity c ON c.id = t.capacity_id WHERE c.key = 'scale' AND "
	    "c.clean = 1 AND c.trace = ?1 AND c.machine = ?2 AND c.id = "
	    "(SELECT max(id) FROM capacity d WHERE d.key = 'scale' AND "
	    "d.clean = 1 AND d.trace = ?1 AND d.machine = ?2 AND d.strategy "
	    "= c.strategy) GROUP BY t.value HAVING count(DISTINCT c.id) >= "
	    "min(2, (SELECT count(DISTINCT strategy) FROM capacity e WHERE "
	    "e.key = 'scale' AND e.trace = ?1 AND e.machine = ?2)) ORDER BY "
	    "t.value", -1, &s, NULL) != SQLITE_OK)
		return fail(db, why, whylen);
	sqlite3_bind_text(s, 1, trace, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, machine, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW && ncol < RR_MAXCOL)
		col[ncol++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	qsort(col, (size_t)ncol, sizeof(col[0]), cmp64);
	/* Text: at most RR_TXTCOLS, spread from the first to the last. */
	npick = ncol;
	if (!md && ncol > RR_TXTCOLS) {
		npick = RR_TXTCOLS;
		for (j = 0; j < npick; j++)
			pick[j] = col[(size_t)j * (size_t)(ncol - 1) /
			    (size_t)(npick - 1)];
	} else
		memcpy(pick, col, (size_t)ncol * sizeof(col[0]));

	short_name(trace, name, sizeof(name));
	if (md == RR_HTML) {
		fprintf(f, "<h3>");
		html_esc(f, name);
		fprintf(f, " on %s</h3>\n<table class=\"real\">\n<tr><th>"
		    "strategy \\ K</th>", RR_MACHINES);
		for (j = 0; j < npick; j++)
			fprintf(f, "<th class=\"num\">%lld</th>",
			    (long long)pick[j]);
		fprintf(f, "</tr>\n");
	} else if (md) {
		fprintf(f, "### %s on %s\n\n| strategy \\ K |", name,
		    RR_MACHINES);
		for (j = 0; j < npick; j++)
			fprintf(f, " %lld |", (long long)pick[j]);
		fprintf(f, "\n|---|");
		for (j = 0; j < npick; j++)
			fprintf(f, "---|");
		fprintf(f, "\n");
	} else {
		fprintf(f, "%s on %s, copies at once:\n%-11s", name,
		    RR_MACHINES, "");
		for (j = 0; j < npick; j++)
			fprintf(f, " %5lld", (long long)pick[j]);
		fprintf(f, "\n");
	}
	for (i = 0; i < n && md == RR_HTML; i++) {
		fprintf(f, "<tr><th>");
		html_esc(f, sr[i].s_strategy);
		fprintf(f, "</th>");
		for (j = 0; j < npick; j++) {
			cell(db, &sr[i], pick[j], c, sizeof(c));
			fprintf(f, "<td class=\"num %s\">%s</td>", c[0] == '(' ?
			    "k-inf" : strcmp(c, "ok") == 0 ? "k-ok" : c[0] ?
			    "k-bad" : "", c);
		}
		fprintf(f, "</tr>\n");
	}
	for (i = 0; i < n && md != RR_HTML; i++) {
		fprintf(f, md ? "| %s |" : "%-11.11s", sr[i].s_strategy);
		for (j = 0; j < npick; j++) {
			cell(db, &sr[i], pick[j], c, sizeof(c));
			fprintf(f, md ? " %s |" : " %5s", c);
		}
		fprintf(f, "\n");
	}
	fprintf(f, md == RR_HTML ? "</table>\n<p>" : "\n");

	/*
	 * In words: how far below the cliff, strategies with the same
	 * answer together.
	 */
	for (i = 0; i < n; i++)
		done[i] = 0;
	for (i = 0, first = 1; i < n; i++) {
		if (done[i])
			continue;
		what(db, &sr[i], name, 1, a, sizeof(a));
		same[0] = i;
		nsame = 1;
		for (j = i + 1; j < n; j++) {
			if (done[j])
				continue;
			what(db, &sr[j], name, 1, b, sizeof(b));
			if (strcmp(a, b) == 0) {
				same[nsame++] = j;
				done[j] = 1;
			}
		}
		fprintf(f, "%s", first ? "" : "; ");
		first = 0;
		for (j = 0; j < nsame; j++) {
			fprintf(f, "%s", j == 0 ? "" : j == nsame - 1 ?
			    " and " : ", ");
			if (md == RR_HTML)
				html_esc(f, sr[same[j]].s_strategy);
			else
				fprintf(f, "%s", sr[same[j]].s_strategy);
		}
		if (nsame == 1)
			what(db, &sr[i], name, 0, a, sizeof(a));
		if (md == RR_HTML) {
			/* The machines' place holder is kept as it is. */
			fprintf(f, " ");
			for (p = a; *p != '\0'; p = q + (*q != '\0')) {
				q = p + strcspn(p, RR_MACHINES);
				html_escn(f, p, (size_t)(q - p));
				if (*q != '\0')
					fputc(*q, f);
			}
		} else
			fprintf(f, " %s", a);
	}
	fprintf(f, md == RR_HTML ? ".</p>\n" : ".\n\n");
	return 0;
}

/*
 * The least kmem_map of each trace under each strategy, from the latest
 * "capacity --vary nkmempages" searches (make bench), per machine, in
 * pages and MiB (in text on a line of its own below the pages).  An
 * answer at the floor of the range searched is "<=" it: nothing smaller
 * was tried.
 */
static int
least_kmem(FILE *f, sqlite3 *db, int md, char *why, size_t whylen)
{
	sqlite3_stmt *s, *t;
	char name[128], machine[64] = "", trace[1024] = "", mib[1024];
	int i, any = 0, rc, w = 10;

	/* The first column as wide as the longest name (redis-bgsave). */
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT trace FROM capacity "
	    "WHERE key = 'nkmempages'", -1, &s, NULL) != SQLITE_OK)
		return fail(db, why, whylen);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		short_name((const char *)sqlite3_column_text(s, 0), name,
		    sizeof(name));
		if ((int)strlen(name) + 1 > w)
			w = (int)strlen(name) + 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(db, why, whylen);
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT machine, trace FROM "
	    "capacity WHERE key = 'nkmempages' ORDER BY "
	    "CAST(substr(machine, 6) AS INTEGER), machine, trace", -1, &s,
	    NULL) != SQLITE_OK)
		return fail(db, why, whylen);
	if (sqlite3_prepare_v2(db, "SELECT value, monotonic, value <= lo "
	    "FROM capacity WHERE key = 'nkmempages' AND machine = ? AND "
	    "trace = ? AND strategy = ? ORDER BY id DESC LIMIT 1", -1, &t,
	    NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		return fail(db, why, whylen);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (strcmp(machine, (const char *)sqlite3_column_text(s, 0)) !=
		    0) {
			snprintf(machine, sizeof(machine), "%s",
			    (const char *)sqlite3_column_text(s, 0));
			if (md == RR_HTML) {
				if (*trace != '\0')
					fprintf(f, "</table>\n");
				fprintf(f, "<h3>The least kmem_map that "
				    "survives, on ");
				html_esc(f, machine);
				fprintf(f, "</h3>\n<p class=\"note\">In pages "
				    "of 4 KiB (<code>kmbench capacity --vary "
				    "nkmempages</code>); &le;: it survives at "
				    "the smallest size searched; none: not "
				    "even the largest searched; * not "
				    "monotonic.</p>\n"
				    "<table class=\"kmem\">\n<tr><th>trace"
				    "</th>");
			} else if (md)
				fprintf(f, "### The least kmem_map that "
				    "survives, on %s\n\nIn pages of 4 KiB "
				    "(`kmbench capacity --vary nkmempages`); "
				    "<=: it survives at the smallest size "
				    "searched; none: not even the largest "
				    "searched; * not monotonic.\n\n| trace |",
				    machine);
			else
				fprintf(f, "The least kmem_map that survives, "
				    "on %s, in pages of 4 KiB and MiB\n(<=: "
				    "survives at the smallest size searched; "
				    "none: not even the\nlargest searched; *: "
				    "not monotonic)\n\n%-*s", machine, w, "");
			for (i = 0; strategies[i] != NULL; i++)
				fprintf(f, md == RR_HTML ? "<th class=\"num\">"
				    "%s</th>" : md ? " %s |" : "%10.10s",
				    strategies[i]->s_name);
			fprintf(f, md == RR_HTML ? "</tr>\n" : "\n");
			if (md == 1) {
				fprintf(f, "|---|");
				for (i = 0; strategies[i] != NULL; i++)
					fprintf(f, "---|");
				fprintf(f, "\n");
			}
		}
		snprintf(trace, sizeof(trace), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		short_name(trace, name, sizeof(name));
		if (md == RR_HTML) {
			fprintf(f, "<tr><th>");
			html_esc(f, name);
			fprintf(f, "</th>");
		} else if (md)
			fprintf(f, "| %s |", name);
		else
			fprintf(f, "%-*s", w, name);
		snprintf(mib, sizeof(mib), "%-*s", w, "  MiB");
		for (i = 0; strategies[i] != NULL; i++) {
			char cellv[48] = "-", cellm[32] = "-";
			const char *le = "";

			sqlite3_reset(t);
			sqlite3_bind_text(t, 1, machine, -1, SQLITE_STATIC);
			sqlite3_bind_text(t, 2, trace, -1, SQLITE_STATIC);
			sqlite3_bind_text(t, 3, strategies[i]->s_name, -1,
			    SQLITE_STATIC);
			if (sqlite3_step(t) == SQLITE_ROW) {
				if (sqlite3_column_int(t, 2))
					le = md == RR_HTML ? "&le;" : "<=";
				if (sqlite3_column_type(t, 0) == SQLITE_NULL) {
					snprintf(cellv, sizeof(cellv), "none");
					snprintf(cellm, sizeof(cellm), "none");
				} else if (md)
					snprintf(cellv, sizeof(cellv), "%s%lld "
					    "(%.1f MiB)", le, (long long)
					    sqlite3_column_int64(t, 0),
					    sqlite3_column_int64(t, 0) /
					    256.0);
				else {
					snprintf(cellv, sizeof(cellv), "%s%lld",
					    le, (long long)
					    sqlite3_column_int64(t, 0));
					snprintf(cellm, sizeof(cellm), "%s%.1f",
					    le, sqlite3_column_int64(t, 0) /
					    256.0);
				}
				if (sqlite3_column_type(t, 1) != SQLITE_NULL &&
				    sqlite3_column_int(t, 1) == 0) {
					strcat(cellv, "*");
					strcat(cellm, "*");
				}
			}
			fprintf(f, md == RR_HTML ? "<td class=\"num\">%s</td>" :
			    md ? " %s |" : "%10s", cellv);
			snprintf(mib + strlen(mib), sizeof(mib) - strlen(mib),
			    "%10s", cellm);
		}
		fprintf(f, md == RR_HTML ? "</tr>\n" : "\n");
		if (!md)
			fprintf(f, "%s\n", mib);
		any = 1;
	}
	sqlite3_finalize(s);
	sqlite3_finalize(t);
	if (rc != SQLITE_DONE)
		return fail(db, why, whylen);
	if (any)
		fprintf(f, md == RR_HTML ? "</table>\n" : "\n");
	return 0;
}

/* ", MACHINE" (or MACHINE first) at the end of LABEL; escaped in HTML. */
static void
addlabel(char *label, size_t len, const char *machine, int md)
{
	size_t n = strlen(label);
	char *e = NULL;
	size_t elen = 0;
	FILE *m;

	if (md == RR_HTML && (m = open_memstream(&e, &elen)) != NULL) {
		html_esc(m, machine);
		fclose(m);
	}
	snprintf(label + n, len - n, "%s%s", n ? ", " : "", e != NULL ? e :
	    machine);
	free(e);
}

static int
real(FILE *f, sqlite3 *db, int md, char *why, size_t whylen)
{
	sqlite3_stmt *s;
	char trace[1024], ptrace[1024], machine[64], label[512];
	char *body = NULL, *prev = NULL;
	size_t bodylen;
	FILE *mf;
	int any = 0, rc;

	if (md == 1)
		fprintf(f, "## Real workloads: how many copies a machine "
		    "holds\n\n");
	else if (md == RR_HTML)
		;
	else
		fprintf(f, "Real workloads: how many copies of each recorded "
		    "server a machine holds\n");
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT trace, machine FROM "
	    "capacity WHERE key = 'scale' AND clean = 1 ORDER BY trace, "
	    "CAST(substr(machine, 6) AS INTEGER), machine", -1, &s, NULL) !=
	    SQLITE_OK) {
		/* A store from before kmbench capacity: no such table. */
		fprintf(f, md == RR_HTML ? "<p>No scale searches in the "
		    "store.</p>\n" : "%sNo scale searches in the store.\n\n",
		    md ? "" : "\n");
		return 0;
	}
	if (md == RR_HTML)
		fprintf(f, "<p class=\"note\">K copies of each recording at "
		    "once (<code>kmbench gen scale</code>), searched with "
		    "<code>kmbench capacity --vary scale --clean</code>: ok "
		    "survived cleanly, REF a call was refused, HUNG a process "
		    "hung, PANIC; in parentheses, not replayed but implied by "
		    "the search's answer.</p>\n");
	else if (!md)
		fprintf(f, "(K copies of the recording at once, gen scale; ok "
		    "survived cleanly,\nREF a call refused, HUNG, PANIC; in "
		    "parentheses: not replayed, from\nthe search's answer)\n"
		    "\n");
	else
		fprintf(f, "K copies of each recording at once (`kmbench gen "
		    "scale`), searched with `kmbench capacity --vary scale "
		    "--clean`: ok survived cleanly, REF a call was refused, "
		    "HUNG a process hung, PANIC; in parentheses, not replayed "
		    "but implied by the search's answer.\n\n");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(trace, sizeof(trace), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		snprintf(machine, sizeof(machine), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		if ((mf = open_memstream(&body, &bodylen)) == NULL) {
			snprintf(why, whylen, "out of memory");
			rc = -1;
			break;
		}
		rc = one(mf, db, md, trace, machine, why, whylen);
		fclose(mf);
		if (rc != 0)
			break;
		/* The same as the machine before, for the same trace? */
		if (prev != NULL && strcmp(ptrace, trace) == 0 &&
		    strcmp(prev, body) == 0) {
			free(body);
			addlabel(label, sizeof(label), machine, md);
			continue;
		}
		if (prev != NULL)
			put_cell(f, prev, label, md);
		free(prev);
		prev = body;
		snprintf(ptrace, sizeof(ptrace), "%s", trace);
		*label = '\0';
		addlabel(label, sizeof(label), machine, md);
		any = 1;
	}
	sqlite3_finalize(s);
	if (prev != NULL) {
		if (rc == SQLITE_DONE)
			put_cell(f, prev, label, md);
		free(prev);
	}
	if (rc != SQLITE_DONE) {
		if (rc > 0)
			fail(db, why, whylen);
		return -1;
	}
	if (!any)
		fprintf(f, md == RR_HTML ? "<p>No scale searches in the store "
		    "(make bench runs them).</p>\n" : "No scale searches in "
		    "the store (make bench runs them).\n\n");
	return least_kmem(f, db, md, why, whylen);
}

int
report_real(FILE *f, sqlite3 *db, int md, char *why, size_t whylen)
{

	return real(f, db, md ? 1 : 0, why, whylen);
}

int
report_real_html(FILE *f, sqlite3 *db, char *why, size_t whylen)
{

	return real(f, db, RR_HTML, why, whylen);
}
