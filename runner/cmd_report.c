/*
 * cmd_report.c: kmbench report [--db FILE] [--format txt|md]
 * [--plots DIR]: the summary of a store a proposal for PR kern/14721
 * needs, on stdout: the machine and commit of the latest run, the
 * outcome grid of the pr14721 attack, each strategy's headline figures
 * and the text plots kmbench plot left in DIR.  txt is plain text of at
 * most 72 columns, md Markdown.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "cmd_report.h"
#include "commands.h"
#include "export.h"
#include "report_real.h"

#define RPT_WORKLOAD	"pr14721"
#define RPT_MACHINE	"i386-64M"
#define RPT_COLS	6		/* machines per table in txt */

struct rpt {
	sqlite3	*r_db;
	int	 r_md;
	char	 r_why[1024];
};

/* V as an integer, or "-" when NaN. */
static const char *
num(char *buf, size_t len, double v, const char *fmt)
{

	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
	return buf;
}

static int
latest_run(struct rpt *r, const char *db)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(r->r_db, "SELECT commit_id, dirty, host, cpu, "
	    "date, compiler, (SELECT count(*) FROM \"case\") FROM run "
	    "ORDER BY id DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (r->r_md) {
			printf("# kmbench report: PR kern/14721\n\n");
			printf("| | |\n|---|---|\n");
			printf("| store | `%s` (%d cases) |\n", db,
			    sqlite3_column_int(s, 6));
			printf("| latest run | %s |\n",
			    (const char *)sqlite3_column_text(s, 4));
			printf("| commit | `%.12s`%s |\n",
			    (const char *)sqlite3_column_text(s, 0),
			    sqlite3_column_int(s, 1) ?
			    " (uncommitted changes)" : "");
			printf("| machine | %s, %s |\n",
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3));
			printf("| compiler | %s |\n\n",
			    (const char *)sqlite3_column_text(s, 5));
		} else {
			printf("kmbench report: PR kern/14721\n\n");
			printf("store:      %.58s (%d cases)\n", db,
			    sqlite3_column_int(s, 6));
			printf("latest run: %.60s\n",
			    (const char *)sqlite3_column_text(s, 4));
			printf("commit:     %.12s%s\n",
			    (const char *)sqlite3_column_text(s, 0),
			    sqlite3_column_int(s, 1) ?
			    " (uncommitted changes)" : "");
			printf("machine:    %.28s, %.30s\n",
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3));
			printf("compiler:   %.60s\n\n",
			    (const char *)sqlite3_column_text(s, 5));
		}
	} else if (rc == SQLITE_DONE)
		printf("%sNo runs in %s.\n\n", r->r_md ?
		    "# kmbench report\n\n" : "kmbench report\n\n", db);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
grid(struct rpt *r)
{
	struct exp_machine m[EXP_MAXMACH];
	char buf[64];
	const char *o;
	double fds;
	int64_t id;
	int n, i, j, j0, j1, rc;

	if ((n = exp_machines(r->r_db, RPT_WORKLOAD, m, EXP_MAXMACH,
	    r->r_why, sizeof(r->r_why))) < 0)
		return -1;
	if (r->r_md)
		printf("## Outcome of the %s attack\n\n", RPT_WORKLOAD);
	else
		printf("Outcome of the %s attack, by strategy and physical "
		    "memory\n(survived, PANIC or hung; below: the most "
		    "descriptors the attacker\nheld)\n\n", RPT_WORKLOAD);
	if (n == 0) {
		printf("No %s cases in the store.\n\n", RPT_WORKLOAD);
		return 0;
	}
	for (j0 = 0; j0 < n; j0 = j1) {
		j1 = r->r_md ? n : (j0 + RPT_COLS < n ? j0 + RPT_COLS : n);
		printf(r->r_md ? "| strategy |" : "%-10s", r->r_md ? "" :
		    "strategy");
		for (j = j0; j < j1; j++)
			printf(r->r_md ? " %llu MiB |" : " %5llu MiB",
			    (unsigned long long)m[j].em_physmem_mib);
		printf("\n");
		if (r->r_md) {
			printf("|---|");
			for (j = j0; j < j1; j++)
				printf("---|");
			printf("\n");
		}
		for (i = 0; i < EXP_NSTRAT; i++) {
			printf(r->r_md ? "| %s |" : "%-10s",
			    exp_strategies[i]);
			for (j = j0; j < j1; j++) {
				rc = exp_case(r->r_db, exp_strategies[i],
				    m[j].em_name, RPT_WORKLOAD, &id, r->r_why,
				    sizeof(r->r_why));
				if (rc < 0)
					return -1;
				o = rc == 1 ? exp_outcome(r->r_db, id) : NULL;
				if (o == NULL || exp_result(r->r_db, id,
				    "max_fds", &fds) != 1)
					fds = NAN;
				if (o != NULL && strcmp(o, "panic") == 0)
					o = "PANIC";
				if (r->r_md)
					printf(" %s, %s fds |", o == NULL ?
					    "not run" : o, num(buf,
					    sizeof(buf), fds, "%.0f"));
				else
					printf(" %9s", o == NULL ? "-" : o);
			}
			printf("\n");
			if (r->r_md)
				continue;
			printf("%-10s", "");
			for (j = j0; j < j1; j++) {
				rc = exp_case(r->r_db, exp_strategies[i],
				    m[j].em_name, RPT_WORKLOAD, &id, r->r_why,
				    sizeof(r->r_why));
				if (rc < 0)
					return -1;
				if (rc == 0 || exp_result(r->r_db, id,
				    "max_fds", &fds) != 1)
					fds = NAN;
				printf(" %9s", num(buf, sizeof(buf), fds,
				    "%.0f"));
			}
			printf("\n");
		}
		printf("\n");
	}
	return 0;
}

/* Survived (and not hung) over the latest case of every machine and
 * trace, per strategy. */
static int
survival(struct rpt *r, int surv[EXP_NSTRAT], int total[EXP_NSTRAT])
{
	sqlite3_stmt *s;
	const char *st;
	int rc, i;

	memset(surv, 0, sizeof(int) * EXP_NSTRAT);
	memset(total, 0, sizeof(int) * EXP_NSTRAT);
	if (sqlite3_prepare_v2(r->r_db, "SELECT c.strategy, count(*), "
	    "sum(c.outcome = 'survived' AND coalesce((SELECT x.value FROM "
	    "result x WHERE x.case_id = c.id AND x.name = 'hung'), 0) = 0) "
	    "FROM \"case\" c WHERE c.id IN (SELECT max(c2.id) FROM \"case\" "
	    "c2 GROUP BY c2.strategy, c2.machine, c2.trace_sha256) "
	    "GROUP BY c.strategy", -1, &s, NULL) != SQLITE_OK) {
		snprintf(r->r_why, sizeof(r->r_why), "%s",
		    sqlite3_errmsg(r->r_db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		st = (const char *)sqlite3_column_text(s, 0);
		for (i = 0; i < EXP_NSTRAT; i++)
			if (strcmp(st, exp_strategies[i]) == 0) {
				total[i] = sqlite3_column_int(s, 1);
				surv[i] = sqlite3_column_int(s, 2);
			}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		snprintf(r->r_why, sizeof(r->r_why), "%s",
		    sqlite3_errmsg(r->r_db));
		return -1;
	}
	return 0;
}

static void
row(struct rpt *r, const char *label, char cell[EXP_NSTRAT][32])
{
	int i;

	if (r->r_md) {
		printf("| %s |", label);
		for (i = 0; i < EXP_NSTRAT; i++)
			printf(" %s |", cell[i]);
	} else {
		printf("%-24s", label);
		for (i = 0; i < EXP_NSTRAT; i++)
			printf(" %11s", cell[i]);
	}
	printf("\n");
}

static int
headlines(struct rpt *r)
{
	static const char *const names[] = { "max_fds",
	    "kmem_map.peak_pages", "kmem_map.jw4" };
	static const char *const labels[] = { "attacker's most fds",
	    "kmem_map peak pages", "J&W measure 4, kmem_map" };
	static const char *const fmts[] = { "%.0f", "%.0f", "%.3f" };
	static const char *const ops[] = { "malloc", "fdexpand" };
	static const char *const oplabels[] = { "malloc p99 (ns)",
	    "fdexpand p99 (ns)" };
	char cell[EXP_NSTRAT][32];
	int surv[EXP_NSTRAT], total[EXP_NSTRAT], i, k, rc;
	uint64_t q[4];
	int64_t id;
	double v;

	if (survival(r, surv, total) != 0)
		return -1;
	if (r->r_md) {
		printf("## Headline figures\n\n| |");
		for (i = 0; i < EXP_NSTRAT; i++)
			printf(" %s |", exp_strategies[i]);
		printf("\n|---|");
		for (i = 0; i < EXP_NSTRAT; i++)
			printf("---:|");
		printf("\n");
	} else {
		printf("Headline figures\n\n%-24s", "");
		for (i = 0; i < EXP_NSTRAT; i++)
			printf(" %11s", exp_strategies[i]);
		printf("\n");
	}
	for (i = 0; i < EXP_NSTRAT; i++)
		snprintf(cell[i], sizeof(cell[i]), "%d/%d", surv[i],
		    total[i]);
	row(r, "survived, all cases", cell);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < EXP_NSTRAT; i++) {
			v = NAN;
			rc = exp_case(r->r_db, exp_strategies[i], RPT_MACHINE,
			    RPT_WORKLOAD, &id, r->r_why, sizeof(r->r_why));
			if (rc < 0)
				return -1;
			if (rc == 1 && exp_result(r->r_db, id, names[k],
			    &v) != 1)
				v = NAN;
			num(cell[i], sizeof(cell[i]), v, fmts[k]);
		}
		row(r, labels[k], cell);
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < EXP_NSTRAT; i++) {
			rc = exp_latency(r->r_db, exp_strategies[i], ops[k],
			    q, r->r_why, sizeof(r->r_why));
			if (rc < 0)
				return -1;
			num(cell[i], sizeof(cell[i]), rc == 1 ?
			    (double)q[1] : NAN, "%.0f");
		}
		row(r, oplabels[k], cell);
	}
	printf("\nThe most fds, peak pages and J&W measure 4 (peak footprint "
	    "over peak\nlive bytes): %s on %s.  Survival: the latest case of "
	    "every\nmachine and trace, hung counted as not survived.  p99: "
	    "every case's\nhistogram merged.\n\n", RPT_WORKLOAD, RPT_MACHINE);
	return 0;
}

static int
namecmp(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
textplots(struct rpt *r, const char *dir)
{
	char *names[256], path[4096], line[1024];
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;
	FILE *f;

	if ((d = opendir(dir)) == NULL) {
		printf("%sNo text plots in %s (kmbench plot draws them).\n",
		    r->r_md ? "## Plots\n\n" : "", dir);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		len = strlen(de->d_name);
		if (de->d_name[0] != '.' && len > 4 &&
		    strcmp(de->d_name + len - 4, ".txt") == 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), namecmp);
	if (n == 0)
		printf("%sNo text plots in %s (kmbench plot draws them).\n",
		    r->r_md ? "## Plots\n\n" : "", dir);
	else
		printf(r->r_md ? "## Plots\n\n" : "Plots (from %s)\n\n", dir);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((f = fopen(path, "r")) != NULL) {
			if (r->r_md)
				printf("### %.*s\n\n```\n",
				    (int)(strlen(names[i]) - 4), names[i]);
			else
				printf("--- %.*s\n", (int)(strlen(names[i]) -
				    4), names[i]);
			while (fgets(line, sizeof(line), f) != NULL) {
				line[strcspn(line, "\n")] = '\0';
				/* Never past 72 columns. */
				printf("%.72s\n", line);
			}
			fclose(f);
			printf(r->r_md ? "```\n\n" : "\n");
		}
		free(names[i]);
	}
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "plots", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *fmt = "txt",
	    *plots = "bench-out/plots";
	char err[1024];
	struct store st;
	struct rpt r;
	FILE *probe;
	int c;

	memset(&r, 0, sizeof(r));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': fmt = optarg; break;
		case 'p': plots = optarg; break;
		default:
			bad_option("report", argv, optind);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kmbench report: unexpected argument '%s'\n",
		    argv[optind]);
		return 2;
	}
	if (strcmp(fmt, "md") == 0)
		r.r_md = 1;
	else if (strcmp(fmt, "txt") != 0) {
		fprintf(stderr, "kmbench report: unknown format '%s' (txt or "
		    "md)\n", fmt);
		return 2;
	}
	/* store_open would make a new, empty store of a mistyped name. */
	if ((probe = fopen(db, "r")) == NULL) {
		fprintf(stderr, "kmbench report: %s: %s\n", db,
		    strerror(errno));
		return 2;
	}
	fclose(probe);
	if (store_open_ro(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench report: %s\n", err);
		return 2;
	}
	r.r_db = st.st_db;
	if (latest_run(&r, db) != 0 || grid(&r) != 0 || headlines(&r) != 0 ||
	    report_real(stdout, r.r_db, r.r_md, r.r_why, sizeof(r.r_why)) !=
	    0) {
		fprintf(stderr, "kmbench report: %s: %s\n", db, *r.r_why ?
		    r.r_why : sqlite3_errmsg(st.st_db));
		store_close(&st);
		return 1;
	}
	textplots(&r, plots);
	store_close(&st);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kmbench report: write error\n");
		return 1;
	}
	return 0;
}
