/*
 * capstore.c: writing capacity searches into the store (capstore.h).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "capstore.h"
#include "store.h"

static int
fail(struct store *st, const char *what, char *err, size_t errlen)
{

	snprintf(err, errlen, "%s: %s: %s", st->st_path, what,
	    sqlite3_errmsg(st->st_db));
	return -1;
}

int
capstore_put(struct store *st, int64_t run_id, const struct cap_row *row,
    char *err, size_t errlen)
{
	sqlite3_stmt *c = NULL, *t = NULL;
	sqlite3_int64 id;
	size_t i;
	int rc = -1;

	if (sqlite3_exec(st->st_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fail(st, "locking", err, errlen);
	if (sqlite3_prepare_v2(st->st_db, "INSERT INTO capacity (run_id, "
	    "strategy, machine, trace, key, lo, hi, clean, stagger, value, "
	    "monotonic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &c,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->st_db, "INSERT INTO capacity_try VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &t, NULL) != SQLITE_OK) {
		fail(st, "preparing", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(c, 1, run_id);
	sqlite3_bind_text(c, 2, row->cw_strategy, -1, SQLITE_STATIC);
	sqlite3_bind_text(c, 3, row->cw_machine, -1, SQLITE_STATIC);
	sqlite3_bind_text(c, 4, row->cw_trace, -1, SQLITE_STATIC);
	sqlite3_bind_text(c, 5, row->cw_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c, 6, (sqlite3_int64)row->cw_from);
	sqlite3_bind_int64(c, 7, (sqlite3_int64)row->cw_to);
	sqlite3_bind_int(c, 8, row->cw_clean);
	sqlite3_bind_int64(c, 9, (sqlite3_int64)row->cw_stagger);
	if (row->cw_found)
		sqlite3_bind_int64(c, 10, (sqlite3_int64)row->cw_value);
	else
		sqlite3_bind_null(c, 10);
	if (row->cw_monotonic >= 0)
		sqlite3_bind_int(c, 11, row->cw_monotonic);
	else
		sqlite3_bind_null(c, 11);
	if (sqlite3_step(c) != SQLITE_DONE) {
		fail(st, "storing the search", err, errlen);
		goto out;
	}
	id = sqlite3_last_insert_rowid(st->st_db);
	for (i = 0; i < row->cw_ntries; i++) {
		const struct cap_row_try *ct = &row->cw_tries[i];

		sqlite3_reset(t);
		sqlite3_bind_int64(t, 1, id);
		sqlite3_bind_int64(t, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(t, 3, (sqlite3_int64)ct->ct_value);
		sqlite3_bind_text(t, 4, ct->ct_outcome, -1, SQLITE_STATIC);
		sqlite3_bind_int64(t, 5, (sqlite3_int64)ct->ct_events);
		sqlite3_bind_int64(t, 6, (sqlite3_int64)ct->ct_skipped);
		sqlite3_bind_int64(t, 7, ct->ct_refused);
		sqlite3_bind_int64(t, 8, ct->ct_hung);
		sqlite3_bind_int64(t, 9, (sqlite3_int64)ct->ct_panic_event);
		sqlite3_bind_int64(t, 10, ct->ct_kmem_peak);
		if (sqlite3_step(t) != SQLITE_DONE) {
			fail(st, "storing a replay", err, errlen);
			goto out;
		}
	}
	if (sqlite3_exec(st->st_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail(st, "committing", err, errlen);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(c);
	sqlite3_finalize(t);
	if (rc != 0)
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
