/*
 * cmd_compare.c: kmbench compare BASE HEAD, case by case.
 *
 * BASE and HEAD are run ids, commits (or prefixes) or "latest".  Cases
 * are matched by their inputs (strategy, machine settings, trace
 * content).  Deterministic figures must be equal, so any difference is
 * a change of behaviour, listed exactly.  Latency is judged over the
 * repetitions with the Mann-Whitney U test and a minimum effect.
 * Exit status 1 when anything regressed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/stats.h"
#include "../db/store.h"
#include "commands.h"
#include "json.h"
#include "numopt.h"

/*
 * The cases of SPEC as an SQL condition on "case" c and run r: a run id,
 * "latest" (the commit of the newest run), or a commit prefix.
 */
static int
resolve(struct store *st, const char *spec, char *cond, size_t len,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char *end;
	long long id = strtoll(spec, &end, 10);
	int found;

	if (*spec != '\0' && *end == '\0' && strlen(spec) < 8) {
		snprintf(cond, len, "c.run_id = %lld", id);
		return 0;
	}
	if (strcmp(spec, "latest") == 0) {
		if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run "
		    "WHERE id IN (SELECT run_id FROM \"case\") ORDER BY id DESC "
		    "LIMIT 1", -1, &s, NULL) != SQLITE_OK)
			goto sqlerr;
	} else {
		if (strspn(spec, "0123456789abcdefABCDEF") != strlen(spec)) {
			snprintf(err, errlen, "'%s' is not a run id, a commit "
			    "or latest", spec);
			return -1;
		}
		if (sqlite3_prepare_v2(st->st_db, "SELECT commit_id FROM run "
		    "WHERE commit_id LIKE ? || '%' ORDER BY id DESC LIMIT 1", -1,
		    &s, NULL) != SQLITE_OK)
			goto sqlerr;
		sqlite3_bind_text(s, 1, spec, -1, SQLITE_STATIC);
	}
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		snprintf(cond, len, "r.commit_id = '%s'",
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!found) {
		snprintf(err, errlen, "%s: no run matches '%s'", st->st_path,
		    spec);
		return -1;
	}
	return 0;
sqlerr:
	snprintf(err, errlen, "%s: %s", st->st_path, sqlite3_errmsg(st->st_db));
	return -1;
}

/* Inputs without the repetition: the group a case belongs to. */
#define GROUP_SQL "substr(c.inputs, 1, instr(c.inputs, ';rep=') - 1)"
/* How a group is shown. */
#define LABEL_SQL "min(c.strategy || ' ' || c.machine || ' ' || c.trace)"

struct counts {
	int	unchanged, improved, regressed, changed, toofew, missing;
};

static void
print_row(FILE *f, struct json *j, const char *label, const char *what,
    double base, double head, double p, const char *verdict)
{
	char pbuf[16];

	if (j != NULL) {
		json_object(j, NULL);
		json_string(j, "case", label);
		json_string(j, "figure", what);
		json_double(j, "base", base);
		json_double(j, "head", head);
		if (isnan(p))
			json_null(j, "p");
		else
			json_double(j, "p", p);
		json_string(j, "verdict", verdict);
		json_end(j);
		return;
	}
	if (isnan(p))
		snprintf(pbuf, sizeof(pbuf), "-");
	else if (p < 0.001)
		snprintf(pbuf, sizeof(pbuf), "<0.001");
	else
		snprintf(pbuf, sizeof(pbuf), "%.3f", p);
	fprintf(f, "%-40.40s %-26.26s %12.6g %12.6g %7s %s\n", label, what,
	    base, head, pbuf, verdict);
}

int
cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "effect", required_argument, NULL, 'e' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "quantile", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *quant = "p50";
	double effect = 0.05, alpha = 0.05;
	char bcond[256], hcond[256], err[1024], sql[4096], *end;
	struct counts n = { 0, 0, 0, 0, 0, 0 };
	struct store st;
	struct json j;
	sqlite3_stmt *s;
	int c, json = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = 1; break;
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
		case 'a':
			if (numopt_double("compare", "alpha", optarg, 0, 1,
			    NUMOPT_OPEN, &alpha) != 0)
				return 2;
			break;
		default:
			bad_option("compare", argv, optind);
			return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "kmbench compare: needs BASE and HEAD (run "
		    "ids, commits or latest)\n");
		return 2;
	}
	if (store_open(&st, db, err, sizeof(err)) != 0 ||
	    resolve(&st, argv[optind], bcond, sizeof(bcond), err,
	    sizeof(err)) != 0 ||
	    resolve(&st, argv[optind + 1], hcond, sizeof(hcond), err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "kmbench compare: %s\n", err);
		if (st.st_db != NULL)
			store_close(&st);
		return 2;
	}
	if (json) {
		json_init(&j, stdout, 1);
		json_object(&j, NULL);
		json_string(&j, "base", argv[optind]);
		json_string(&j, "head", argv[optind + 1]);
		json_array(&j, "rows");
	} else
		printf("%-36s %-30s %12s %12s %7s %s\n", "case", "figure",
		    "base", "head", "p", "verdict");

	/*
	 * Deterministic figures: the first case of each group on the base
	 * side against the last on the head side (all repetitions agree).
	 */
	snprintf(sql, sizeof(sql),
	    "WITH bc AS (SELECT " GROUP_SQL " AS g, min(c.id) AS id FROM "
	    "\"case\" c JOIN run r ON r.id = c.run_id WHERE %s GROUP BY g), "
	    "hc AS (SELECT " GROUP_SQL " AS g, max(c.id) AS id FROM \"case\" c "
	    "JOIN run r ON r.id = c.run_id WHERE %s GROUP BY g) "
	    "SELECT (SELECT strategy || ' ' || machine || ' ' || trace FROM "
	    "\"case\" WHERE id = bc.id), rb.name, rb.value, rh.value FROM bc "
	    "JOIN hc ON bc.g = hc.g JOIN result rb ON rb.case_id = bc.id AND "
	    "rb.deterministic JOIN result rh ON rh.case_id = hc.id AND "
	    "rh.name = rb.name WHERE rb.value != rh.value ORDER BY 1, 2",
	    bcond, hcond);
	if (sqlite3_prepare_v2(st.st_db, sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		print_row(stdout, json ? &j : NULL,
		    (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_double(s, 2), sqlite3_column_double(s, 3),
		    NAN, "changed behaviour");
		n.changed++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto sqlerr;

	/* Latency: the quantile of every repetition on each side. */
	snprintf(sql, sizeof(sql),
	    "SELECT " LABEL_SQL ", l.op || '/' || l.arena AS f, "
	    "group_concat(CASE WHEN %s THEN l.%s END), "
	    "group_concat(CASE WHEN %s THEN l.%s END), " GROUP_SQL " AS g "
	    "FROM \"case\" c JOIN run r ON r.id = c.run_id JOIN latency l ON "
	    "l.case_id = c.id WHERE (%s) OR (%s) GROUP BY g, f "
	    "HAVING count(CASE WHEN %s THEN 1 END) > 0 AND "
	    "count(CASE WHEN %s THEN 1 END) > 0 ORDER BY g, f",
	    bcond, quant, hcond, quant, bcond, hcond, bcond, hcond);
	if (sqlite3_prepare_v2(st.st_db, sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double bv[1024], hv[1024], p, mb, mh;
		size_t nb = 0, nh = 0;
		const char *txt;
		enum verdict v;

		for (txt = (const char *)sqlite3_column_text(s, 2);
		    txt != NULL && *txt != '\0' && nb < 1024; ) {
			bv[nb++] = strtod(txt, &end);
			txt = *end == ',' ? end + 1 : end;
		}
		for (txt = (const char *)sqlite3_column_text(s, 3);
		    txt != NULL && *txt != '\0' && nh < 1024; ) {
			hv[nh++] = strtod(txt, &end);
			txt = *end == ',' ? end + 1 : end;
		}
		v = stats_verdict(bv, nb, hv, nh, effect, alpha, &p);
		mb = stats_median(bv, nb);
		mh = stats_median(hv, nh);
		switch (v) {
		case V_REGRESSED: n.regressed++; break;
		case V_IMPROVED: n.improved++; break;
		case V_TOOFEW: n.toofew++; break;
		default: n.unchanged++; break;
		}
		if (json || v != V_UNCHANGED) {
			char what[96];

			snprintf(what, sizeof(what), "%s %s ns",
			    (const char *)sqlite3_column_text(s, 1), quant);
			print_row(stdout, json ? &j : NULL,
			    (const char *)sqlite3_column_text(s, 0), what, mb,
			    mh, v == V_TOOFEW ? NAN : p, verdict_names[v]);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto sqlerr;
	if (json) {
		json_end(&j);
		json_int(&j, "changed_behaviour", n.changed);
		json_int(&j, "regressed", n.regressed);
		json_int(&j, "improved", n.improved);
		json_int(&j, "unchanged", n.unchanged);
		json_int(&j, "too_few_reps", n.toofew);
		json_end(&j);
	} else
		printf("\n%d changed behaviour, %d regressed, %d improved, %d "
		    "unchanged, %d without enough repetitions (latency needs "
		    "%s)\n", n.changed, n.regressed, n.improved, n.unchanged,
		    n.toofew, "4 or more a side at alpha 0.05");
	store_close(&st);
	return n.regressed > 0 ? 1 : 0;
sqlerr:
	fprintf(stderr, "kmbench compare: %s: %s\n", db,
	    sqlite3_errmsg(st.st_db));
	store_close(&st);
	return 1;
}
