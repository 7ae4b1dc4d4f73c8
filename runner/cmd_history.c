/*
 * cmd_history.c: kmbench history METRIC, one figure across commits,
 * oldest first, for every case (or those matching --case).  METRIC is
 * a result name (kmem_map.peak_pages, max_fds, errors.ENOMEM, ...;
 * kmbench history --list shows them) or latency.OP.ARENA.QUANTILE
 * (latency.fdexpand.path.p99, latency.fdexpand.refused.path.p99).  Several repetitions give their mean
 * (deterministic figures agree among them).
 */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "commands.h"
#include "json.h"
#include "sweep.h"

/*
 * METRIC as latency.OP.ARENA.QUANTILE into OP (63), ARENA (63) and
 * QUANT (15), split at its last two dots: an op may hold a dot of its
 * own (fdexpand.refused).  1, or 0 when it is not one.
 */
static int
latency_name(const char *metric, char *op, char *arena, char *quant)
{
	const char *q, *a, *o = metric + 8;

	if (strncmp(metric, "latency.", 8) != 0 ||
	    (q = strrchr(o, '.')) == NULL || q == o)
		return 0;
	for (a = q - 1; a > o && *a != '.'; a--)
		;
	if (a == o || q - a - 1 > 63 || a - o > 63 || strlen(q + 1) > 15 ||
	    q - a < 2)
		return 0;
	snprintf(op, 64, "%.*s", (int)(a - o), o);
	snprintf(arena, 64, "%.*s", (int)(q - a - 1), a + 1);
	snprintf(quant, 16, "%s", q + 1);
	return 1;
}

int
cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "case", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db", *match = "", *metric, *key = NULL;
	char kv[64];
	char err[1024], op[64], arena[64], quant[16], sql[2048];
	struct store st;
	struct json j;
	sqlite3_stmt *s;
	int c, json = 0, list = 0, rc, rows = 0, islat;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': match = optarg; break;
		case 'j': json = 1; break;
		case 'l': list = 1; break;
		case 'k': key = optarg; break;
		default:
			bad_option("history", argv, optind);
			return 2;
		}
	}
	if (!list && optind != argc - 1) {
		fprintf(stderr, "kmbench history: needs one METRIC (kmbench "
		    "history --list shows them)\n");
		return 2;
	}
	if (store_open_ro(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench history: %s\n", err);
		return 2;
	}
	if (list) {
		rc = sqlite3_prepare_v2(st.st_db, "SELECT DISTINCT name FROM "
		    "result UNION SELECT DISTINCT 'latency.' || op || '.' || "
		    "arena || '.p50|p90|p99|p999|max|mean' FROM latency ORDER BY 1",
		    -1, &s, NULL);
		if (rc != SQLITE_OK)
			goto sqlerr;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			printf("%s\n", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		store_close(&st);
		return 0;
	}
	metric = argv[optind];
	islat = latency_name(metric, op, arena, quant);
	if (islat && strcmp(quant, "p50") && strcmp(quant, "p90") &&
	    strcmp(quant, "p99") && strcmp(quant, "p999") &&
	    strcmp(quant, "max") && strcmp(quant, "mean")) {
		fprintf(stderr, "kmbench history: %s: the last part must be "
		    "p50, p90, p99, p999, max or mean\n", metric);
		store_close(&st);
		return 2;
	}
	/* One row per commit and case, ordered by the commit's first run. */
	snprintf(sql, sizeof(sql),
	    "SELECT r.commit_id, min(r.date) AS first, c.strategy, c.machine, "
	    "c.trace, %s, count(*), max(r.dirty), min(c.inputs) FROM \"case\" "
	    "c JOIN run r ON r.id = c.run_id JOIN %s WHERE %s AND "
	    "(c.strategy || ' ' || c.machine || ' ' || c.trace || ' ' || "
	    "c.inputs) LIKE '%%' || ?2 || '%%' "
	    "GROUP BY r.commit_id, substr(c.inputs, 1, instr(c.inputs, "
	    "';rep=') - 1) "
	    "ORDER BY (SELECT min(r3.id) FROM run r3 WHERE r3.commit_id = "
	    "r.commit_id), c.strategy, c.machine, c.trace, min(c.id)",
	    islat ? (strcmp(quant, "mean") == 0 ? "avg(x.mean)" :
	    strcmp(quant, "p50") == 0 ? "avg(x.p50)" :
	    strcmp(quant, "p90") == 0 ? "avg(x.p90)" :
	    strcmp(quant, "p99") == 0 ? "avg(x.p99)" :
	    strcmp(quant, "p999") == 0 ? "avg(x.p999)" : "avg(x.max)") :
	    "avg(x.value)",
	    islat ? "latency x ON x.case_id = c.id" :
	    "result x ON x.case_id = c.id",
	    islat ? "x.op = ?1 || '' AND x.arena = ?3" : "x.name = ?1");
	if (sqlite3_prepare_v2(st.st_db, sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(s, 1, islat ? op : metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, match, -1, SQLITE_STATIC);
	if (islat)
		sqlite3_bind_text(s, 3, arena, -1, SQLITE_STATIC);
	if (json) {
		json_init(&j, stdout, 1);
		json_object(&j, NULL);
		json_string(&j, "metric", metric);
		json_array(&j, "points");
	} else
		printf("%-12s %-20s %-11s %-10s %-24s %14s %4s%s%s\n", "commit",
		    "first run", "strategy", "machine", "trace", metric,
		    "reps", key != NULL ? " " : "", key != NULL ? key : "");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *commit = (const char *)sqlite3_column_text(s, 0);

		rows++;
		if (key != NULL)
			sweep_value((const char *)sqlite3_column_text(s, 8),
			    key, kv, sizeof(kv));
		if (json) {
			json_object(&j, NULL);
			json_string(&j, "commit", commit);
			json_bool(&j, "dirty", sqlite3_column_int(s, 7));
			json_string(&j, "date",
			    (const char *)sqlite3_column_text(s, 1));
			json_string(&j, "strategy",
			    (const char *)sqlite3_column_text(s, 2));
			json_string(&j, "machine",
			    (const char *)sqlite3_column_text(s, 3));
			json_string(&j, "trace",
			    (const char *)sqlite3_column_text(s, 4));
			json_double(&j, "value", sqlite3_column_double(s, 5));
			json_int(&j, "reps", sqlite3_column_int(s, 6));
			if (key != NULL)
				json_string(&j, key, kv);
			json_end(&j);
		} else {
			printf("%-10.10s%-2s %-20s %-11s %-10s %-24.24s %14.6g "
			    "%4d", commit, sqlite3_column_int(s, 7) ? "+" :
			    "", (const char *)sqlite3_column_text(s, 1),
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3),
			    (const char *)sqlite3_column_text(s, 4),
			    sqlite3_column_double(s, 5),
			    sqlite3_column_int(s, 6));
			if (key != NULL)
				printf(" %s", kv);
			putchar('\n');
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto sqlerr;
	if (json) {
		json_end(&j);
		json_end(&j);
	}
	store_close(&st);
	if (rows == 0) {
		fprintf(stderr, "kmbench history: no figure '%s' in %s "
		    "(kmbench history --list shows them)\n", metric, db);
		return 2;
	}
	return 0;
sqlerr:
	fprintf(stderr, "kmbench history: %s: %s\n", db,
	    sqlite3_errmsg(st.st_db));
	store_close(&st);
	return 1;
}
