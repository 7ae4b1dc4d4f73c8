/*
 * select.c: what kmbench plot and kmbench report show (see select.h).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../strategies/strategy.h"
#include "select.h"

/* The workload that opens the report when the store holds it. */
#define SEL_PR		"pr14721"
/* The machine of the headline figures when the trace ran on it. */
#define SEL_MACHINE	"i386-64M"

void
sel_workload(const char *trace, char *buf, size_t len)
{
	const char *base = strrchr(trace, '/');

	base = base == NULL ? trace : base + 1;
	snprintf(buf, len, "%.*s", (int)strcspn(base, "."), base);
}

int
sel_has_trace(const struct sel *s, const char *wl)
{
	int i;

	for (i = 0; i < s->s_ntrace; i++)
		if (strcmp(s->s_trace[i], wl) == 0)
			return 1;
	return 0;
}

int
sel_featured(const struct sel *s, const char *wl)
{

	if (!sel_has_trace(s, wl))
		return 0;
	if (s->s_chosen)
		return 1;
	if (sel_has_trace(s, SEL_PR) || sel_has_trace(s, "under-attack"))
		return strcmp(wl, SEL_PR) == 0 ||
		    strcmp(wl, "under-attack") == 0;
	return strcmp(wl, s->s_hltrace) == 0;
}

static int
sqlerr(sqlite3 *db, sqlite3_stmt *st, char *why, size_t whylen)
{

	snprintf(why, whylen, "store: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

static int
trace_cmp(const void *a, const void *b)
{
	const char *x = a, *y = b;

	/* pr14721 first: the report is about it where it is there. */
	if (strcmp(x, SEL_PR) == 0 || strcmp(y, SEL_PR) == 0)
		return strcmp(y, SEL_PR) == 0 ? strcmp(x, SEL_PR) != 0 : -1;
	return strcmp(x, y);
}

/* Every workload of the store into ALL (sorted, no repeats): count. */
static int
store_traces(sqlite3 *db, char all[SEL_MAXTRACE][SEL_NAMELEN], char *why,
    size_t whylen)
{
	char wl[SEL_NAMELEN];
	sqlite3_stmt *st;
	int n = 0, i, rc;

	if (sqlite3_prepare_v2(db, "SELECT DISTINCT trace FROM \"case\"", -1,
	    &st, NULL) != SQLITE_OK)
		return sqlerr(db, NULL, why, whylen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sel_workload((const char *)sqlite3_column_text(st, 0), wl,
		    sizeof(wl));
		for (i = 0; i < n && strcmp(all[i], wl) != 0; i++)
			;
		if (i == n && n < SEL_MAXTRACE)
			memcpy(all[n++], wl, sizeof(wl));
	}
	if (rc != SQLITE_DONE)
		return sqlerr(db, st, why, whylen);
	sqlite3_finalize(st);
	qsort(all, (size_t)n, SEL_NAMELEN, trace_cmp);
	return n;
}

/* The distinct values of COLUMN of the cases, comma-separated. */
static void
listing(sqlite3 *db, const char *column, char *buf, size_t len)
{
	sqlite3_stmt *st;
	char sql[128];
	size_t n = 0;

	*buf = '\0';
	snprintf(sql, sizeof(sql), "SELECT DISTINCT %s FROM \"case\" "
	    "ORDER BY 1", column);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && n + 2 < len)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* 1 when some case has COLUMN = VALUE, 0 when none, -1. */
static int
exists(sqlite3 *db, const char *column, const char *value)
{
	sqlite3_stmt *st;
	char sql[128];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM \"case\" WHERE %s = ?1 "
	    "LIMIT 1", column);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
add_strategy(struct sel *s, const char *name)
{
	int i;

	for (i = 0; i < s->s_nstrat; i++)
		if (strcmp(s->s_strat[i], name) == 0)
			return 0;
	if (s->s_nstrat == SEL_MAXSTRAT)
		return 0;
	snprintf(s->s_strat[s->s_nstrat++], SEL_NAMELEN, "%s", name);
	return 0;
}

/* Every strategy of the store: the registry's order, then the rest. */
static int
store_strategies(sqlite3 *db, struct sel *s, char *why, size_t whylen)
{
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; strategies[i] != NULL; i++) {
		if ((rc = exists(db, "strategy", strategies[i]->s_name)) < 0)
			return sqlerr(db, NULL, why, whylen);
		if (rc == 1)
			add_strategy(s, strategies[i]->s_name);
	}
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT strategy FROM \"case\" "
	    "ORDER BY 1", -1, &st, NULL) != SQLITE_OK)
		return sqlerr(db, NULL, why, whylen);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_strategy(s, (const char *)sqlite3_column_text(st, 0));
	if (rc != SQLITE_DONE)
		return sqlerr(db, st, why, whylen);
	sqlite3_finalize(st);
	return 0;
}

/* The headline machine: the chosen one, else SEL_MACHINE where the
 * headline trace ran on it, else the first machine it ran on. */
static int
headline_machine(sqlite3 *db, struct sel *s, char *why, size_t whylen)
{
	sqlite3_stmt *st;
	const char *t;
	int rc;

	if (s->s_machine[0] != '\0') {
		memcpy(s->s_hlmachine, s->s_machine, SEL_NAMELEN);
		return 0;
	}
	snprintf(s->s_hlmachine, SEL_NAMELEN, "%s", SEL_MACHINE);
	if (sqlite3_prepare_v2(db, "SELECT trace, machine FROM \"case\" "
	    "ORDER BY machine = ?1 DESC, machine", -1, &st, NULL) !=
	    SQLITE_OK)
		return sqlerr(db, NULL, why, whylen);
	sqlite3_bind_text(st, 1, SEL_MACHINE, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char wl[SEL_NAMELEN];

		t = (const char *)sqlite3_column_text(st, 0);
		sel_workload(t, wl, sizeof(wl));
		if (strcmp(wl, s->s_hltrace) == 0) {
			snprintf(s->s_hlmachine, SEL_NAMELEN, "%s",
			    (const char *)sqlite3_column_text(st, 1));
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, st, why, whylen);
	sqlite3_finalize(st);
	return 0;
}

int
sel_build(sqlite3 *db, const char *traces, const char *machine,
    const char *strats, struct sel *s, char *why, size_t whylen)
{
	char all[SEL_MAXTRACE][SEL_NAMELEN], buf[4096], have[1024], wl[64];
	char *tok, *save;
	int n, i, rc;

	memset(s, 0, sizeof(*s));
	if ((n = store_traces(db, all, why, whylen)) < 0)
		return -1;
	if (traces != NULL) {
		s->s_chosen = 1;
		snprintf(buf, sizeof(buf), "%s", traces);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			sel_workload(tok, wl, sizeof(wl));
			for (i = 0; i < n && strcmp(all[i], wl) != 0; i++)
				;
			if (i == n || *wl == '\0') {
				size_t k = 0;

				*have = '\0';
				for (i = 0; i < n && k + 2 < sizeof(have); i++)
					k += (size_t)snprintf(have + k,
					    sizeof(have) - k, "%s%s",
					    i ? ", " : "", all[i]);
				snprintf(why, whylen, "--trace: no cases of "
				    "'%s' in the store (its traces: %s)", tok,
				    *have ? have : "none");
				return 1;
			}
			if (!sel_has_trace(s, wl) &&
			    s->s_ntrace < SEL_MAXTRACE)
				memcpy(s->s_trace[s->s_ntrace++], wl,
				    sizeof(wl));
		}
	} else {
		memcpy(s->s_trace, all, sizeof(all));
		s->s_ntrace = n;
	}
	if (machine != NULL) {
		if ((rc = exists(db, "machine", machine)) < 0)
			return sqlerr(db, NULL, why, whylen);
		if (rc == 0) {
			listing(db, "machine", have, sizeof(have));
			snprintf(why, whylen, "--machine: no cases on '%s' in "
			    "the store (its machines: %s)", machine,
			    *have ? have : "none");
			return 1;
		}
		snprintf(s->s_machine, SEL_NAMELEN, "%s", machine);
	}
	if (strats != NULL) {
		snprintf(buf, sizeof(buf), "%s", strats);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if ((rc = exists(db, "strategy", tok)) < 0)
				return sqlerr(db, NULL, why, whylen);
			if (rc == 0) {
				listing(db, "strategy", have, sizeof(have));
				snprintf(why, whylen, "--strategies: no cases "
				    "of '%s' in the store (its strategies: "
				    "%s)", tok, *have ? have : "none");
				return 1;
			}
			add_strategy(s, tok);
		}
		if (s->s_nstrat == 0) {
			snprintf(why, whylen, "--strategies: none given");
			return 1;
		}
	} else if (store_strategies(db, s, why, whylen) != 0)
		return -1;
	/* The headline trace: pr14721 where shown, else the first. */
	if (s->s_ntrace > 0)
		snprintf(s->s_hltrace, SEL_NAMELEN, "%s",
		    sel_has_trace(s, SEL_PR) ? SEL_PR : s->s_trace[0]);
	return headline_machine(db, s, why, whylen);
}

/* "PR kern/14721, and 11 other traces", "git, http", "git". */
void
sel_title(const struct sel *s, char *buf, size_t len)
{
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

/* The figures of trace WL are shown (01-outcome-WL, 03-maps-WL-...):
 * 1 when NAME is a text plot of a featured trace or of none. */
int
sel_plot_shown(const struct sel *s, const char *name)
{
	static const char *const kinds[] = { "01-outcome-", "02-maxfds-",
	    "03-maps-", "05-frag-" };
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
