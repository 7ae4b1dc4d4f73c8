/*
 * export_sweep.c: the data of kmbench plot --sweep KEY (plots/sweep.gp):
 * one figure of one workload on one machine against a swept setting,
 * one column per strategy, from the newest commit that has such cases.
 * The points of matrix --sweep are separate cases (their inputs name
 * every setting); those with the same value of KEY (repetitions, or
 * another sweep's points) are averaged.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "select.h"
#include "sweep.h"

#define MAXPOINTS	4096

/* The same workload match as export.c: a trace's name up to its dot. */
#define WLMATCH(n)	"(c.trace = ?" #n " OR c.trace LIKE ?" #n " || '.%' " \
			"OR c.trace LIKE '%/' || ?" #n " || '.%' " \
			"OR c.trace LIKE '%/' || ?" #n ")"

struct point {
	double	x;
	double	sum[SEL_MAXSTRAT];
	int	n[SEL_MAXSTRAT];
};

static int
xcmp(const void *a, const void *b)
{
	double x = ((const struct point *)a)->x, y = ((const struct point *)b)->x;

	return x < y ? -1 : x > y;
}

int
export_sweep(sqlite3 *db, const struct sel *sel, const char *dir,
    const char *figure, const char *key, const char *workload,
    const char *machine, char *why, size_t whylen)
{
	static struct point pt[MAXPOINTS];
	char path[1024], val[64], *end;
	const char *st;
	sqlite3_stmt *s;
	int n = 0, i, k, rc;
	double x;
	FILE *f;

	if (sqlite3_prepare_v2(db, "SELECT c.strategy, c.inputs, x.value "
	    "FROM \"case\" c JOIN run r ON r.id = c.run_id JOIN result x ON "
	    "x.case_id = c.id AND x.name = ?1 WHERE c.machine = ?2 AND "
	    WLMATCH(3) " AND r.commit_id = (SELECT r2.commit_id FROM "
	    "\"case\" c JOIN run r2 ON r2.id = c.run_id WHERE c.machine = ?2 "
	    "AND " WLMATCH(3) " ORDER BY c.id DESC LIMIT 1)", -1, &s, NULL) !=
	    SQLITE_OK) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(s, 1, figure, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, machine, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, workload, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		st = (const char *)sqlite3_column_text(s, 0);
		for (k = 0; k < sel->s_nstrat &&
		    strcmp(st, sel->s_strat[k]) != 0; k++)
			continue;
		if (k == sel->s_nstrat)
			continue;
		sweep_value((const char *)sqlite3_column_text(s, 1), key, val,
		    sizeof(val));
		errno = 0;
		x = strtod(val, &end);
		if (*end != '\0' || end == val || errno != 0)
			continue;	/* no such setting in this case */
		for (i = 0; i < n && pt[i].x != x; i++)
			continue;
		if (i == n) {
			if (n == MAXPOINTS)
				continue;
			memset(&pt[n], 0, sizeof(pt[n]));
			pt[n++].x = x;
		}
		pt[i].sum[k] += sqlite3_column_double(s, 2);
		pt[i].n[k]++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (n < 2) {
		snprintf(why, whylen, "%s of %s on %s at %s values of %s: "
		    "nothing to draw (matrix --sweep %s=... stores them)",
		    figure, workload, machine, n == 0 ? "no" : "one", key, key);
		return 0;
	}
	qsort(pt, (size_t)n, sizeof(pt[0]), xcmp);
	snprintf(path, sizeof(path), "%s/sweep.tsv", dir);
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# %s of %s on %s against %s: %s", figure, workload,
	    machine, key, key);
	for (k = 0; k < sel->s_nstrat; k++)
		fprintf(f, "\t%s", sel->s_strat[k]);
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%.17g", pt[i].x);
		for (k = 0; k < sel->s_nstrat; k++)
			if (pt[i].n[k] > 0)
				fprintf(f, "\t%.17g", pt[i].sum[k] / pt[i].n[k]);
			else
				fprintf(f, "\tNaN");
		fprintf(f, "\n");
	}
	if (ferror(f) | fclose(f)) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 1;
}
