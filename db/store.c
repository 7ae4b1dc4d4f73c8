/*
 * store.c: the SQLite result store (see store.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/machine.h"
#include "../kernel/profile.h"
#include "../runner/probe.h"
#include "../runner/replay.h"
#include "../runner/report.h"
#include "sha256.h"
#include "sql.h"
#include "store.h"

#define APPLICATION_ID	1263354434	/* "KMBB" */
#define BUSY_MS		30000	/* default; KMBENCH_BUSY_MS overrides */

/*
 * How long to wait for another writer, in ms: $KMBENCH_BUSY_MS if it is
 * a number from 0 to 3600000, else BUSY_MS.  The tests of a locked store
 * set it low so that they need not wait 30 s.
 */
static int
busy_ms(void)
{
	const char *s = getenv("KMBENCH_BUSY_MS");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return BUSY_MS;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 3600000)
		return BUSY_MS;
	return (int)v;
}

/*
 * Test hook: $KMBENCH_MAX_PAGES, if set to a positive number, caps the
 * store file at that many pages (PRAGMA max_page_count), so that a test
 * can make the "disk" fill in the middle of a run.  0 if unset or bad.
 */
static long
max_pages(void)
{
	const char *s = getenv("KMBENCH_MAX_PAGES");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > 2147483647L)
		return 0;
	return v;
}

static int
store_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	const char *msg = st->st_db != NULL ? sqlite3_errmsg(st->st_db) :
	    "out of memory";

	int ms = busy_ms();

	if (st->st_db != NULL &&
	    (sqlite3_errcode(st->st_db) == SQLITE_BUSY ||
	    sqlite3_errcode(st->st_db) == SQLITE_LOCKED)) {
		if (ms % 1000 == 0)
			snprintf(err, errlen, "%s: %s: the store is locked by "
			    "another writer past the busy timeout (%d s)",
			    st->st_path, what, ms / 1000);
		else
			snprintf(err, errlen, "%s: %s: the store is locked by "
			    "another writer past the busy timeout (%d ms)",
			    st->st_path, what, ms);
	} else
		snprintf(err, errlen, "%s: %s: %s", st->st_path, what, msg);
	return -1;
}

static int
exec(struct store *st, const char *sql, const char *what, char *err,
    size_t errlen)
{

	if (sqlite3_exec(st->st_db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, what, err, errlen);
	return 0;
}

/* The integer a one-value query returns; -1 with ERR on failure. */
static int
pragma_int(struct store *st, const char *sql, int64_t *v, char *err,
    size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->st_db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "reading the header", err, errlen);
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "reading the header", err, errlen);
	return 0;
}

/*
 * WAL mode.  Switching a file to it takes a lock that SQLite does not
 * wait for, so while another process creates the store, retry until the
 * busy timeout.
 */
static int
set_wal(struct store *st, char *err, size_t errlen)
{
	int rc, waited, ms = busy_ms();

	for (waited = 0;; waited += 10) {
		rc = sqlite3_exec(st->st_db, "PRAGMA journal_mode=WAL", NULL,
		    NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    waited >= ms)
			return store_fail(st, "setting WAL mode", err, errlen);
		usleep(10000);
	}
}

int
store_open(struct store *st, const char *path, char *err, size_t errlen)
{
	int64_t version, appid, ntables;
	int i;

	memset(st, 0, sizeof(*st));
	snprintf(st->st_path, sizeof(st->st_path), "%s", path);
	if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		store_fail(st, "cannot open", err, errlen);
		store_close(st);
		return -1;
	}
	sqlite3_busy_timeout(st->st_db, busy_ms());
	if (max_pages() > 0) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%ld",
		    max_pages());
		if (exec(st, sql, "limiting the size", err, errlen) != 0)
			goto fail;
	}
	/* One snapshot: another process may be creating the schema. */
	if (exec(st, "BEGIN", "reading the header", err, errlen) != 0)
		goto fail;
	if (pragma_int(st, "PRAGMA user_version", &version, err, errlen) ||
	    pragma_int(st, "PRAGMA application_id", &appid, err, errlen) ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_master", &ntables,
	    err, errlen) ||
	    exec(st, "COMMIT", "reading the header", err, errlen) != 0)
		goto rollback;
	if (appid != APPLICATION_ID && (appid != 0 || ntables != 0)) {
		snprintf(err, errlen, "%s: not a kmbench store (another "
		    "program's SQLite file)", path);
		goto fail;
	}
	if (version > STORE_VERSION) {
		snprintf(err, errlen, "%s: written by a newer kmbench (schema "
		    "version %" PRId64 "; this one knows up to %d)", path,
		    version, STORE_VERSION);
		goto fail;
	}
	if (set_wal(st, err, errlen) != 0 ||
	    exec(st, "PRAGMA synchronous=NORMAL", "setting synchronous", err,
	    errlen) != 0 ||
	    exec(st, "PRAGMA foreign_keys=ON", "setting foreign keys", err,
	    errlen) != 0)
		goto fail;
	if (version == STORE_VERSION)
		return 0;
	/* Create or bring forward, all in one transaction. */
	if (exec(st, "BEGIN IMMEDIATE", "locking", err, errlen) != 0)
		goto fail;
	if (pragma_int(st, "PRAGMA user_version", &version, err, errlen))
		goto rollback;
	if (version == 0 && exec(st, sql_schema, "creating the schema", err,
	    errlen) != 0)
		goto rollback;
	if (version == 0)
		version = 1;
	for (i = (int)version - 1; sql_migrate[i] != NULL; i++)
		if (exec(st, sql_migrate[i], "migrating", err, errlen) != 0)
			goto rollback;
	if (exec(st, "COMMIT", "committing the schema", err, errlen) != 0)
		goto rollback;
	return 0;
rollback:
	sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
fail:
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{

	if (st->st_db != NULL)
		sqlite3_close(st->st_db);
	st->st_db = NULL;
}

/* The CPU model from /proc/cpuinfo. */
static void
cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f;

	snprintf(buf, len, "unknown");
	if ((f = fopen("/proc/cpuinfo", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			colon++;
			while (*colon == ' ')
				colon++;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
			break;
		}
	}
	fclose(f);
}

int
store_run(struct store *st, const char *command, int64_t *run_id, char *err,
    size_t errlen)
{
	sqlite3_stmt *s;
	struct utsname u;
	char cpu[256], date[32];
	time_t now = time(NULL);
	int rc;

	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		snprintf(u.nodename, sizeof(u.nodename), "unknown");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (sqlite3_prepare_v2(st->st_db, "INSERT INTO run (commit_id, dirty, "
	    "compiler, cflags, host, cpu, date, version, command) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "recording the run", err, errlen);
	sqlite3_bind_text(s, 1, kmbench_build.bi_commit, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kmbench_build.bi_dirty);
	sqlite3_bind_text(s, 3, kmbench_build.bi_compiler, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, kmbench_build.bi_cflags, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, u.nodename, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, cpu, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, kmbench_build.bi_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, command, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "recording the run", err, errlen);
	*run_id = sqlite3_last_insert_rowid(st->st_db);
	return 0;
}

/* Every setting of the profile, "k=v;" in the order profile_keys has. */
static void
settings_string(const struct profile *pr, char *buf, size_t len)
{
	char v[64];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nprofile_keys && n < len; i++) {
		profile_format(pr, &profile_keys[i], v, sizeof(v));
		n += (size_t)snprintf(buf + n, len - n, "%s=%s;",
		    profile_keys[i].pk_name, v);
	}
}

void
store_case_key(struct case_in *ci)
{
	char settings[1024], both[4096];
	struct sha256 s;

	settings_string(ci->ci_prof, settings, sizeof(settings));
	snprintf(ci->ci_inputs, sizeof(ci->ci_inputs),
	    "strategy=%s;params=%s;machine=%s;%strace=%s;rep=%d",
	    ci->ci_strategy, ci->ci_params ? ci->ci_params : "",
	    ci->ci_prof->pr_name, settings, ci->ci_trace_sha256,
	    ci->ci_rep);
	snprintf(both, sizeof(both), "commit=%s;dirty=%d;%s",
	    kmbench_build.bi_commit, kmbench_build.bi_dirty, ci->ci_inputs);
	sha256_init(&s);
	sha256_update(&s, both, strlen(both));
	sha256_hex(&s, ci->ci_key);
}

int
store_has_case(struct store *st, const char *key, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->st_db, "SELECT 1 FROM \"case\" WHERE key = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "looking up a case", err, errlen);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "looking up a case", err, errlen);
}

/* Prepared inserts of one case. */
struct case_stmts {
	sqlite3_stmt	*result, *latency, *series, *proc;
	/*
	 * Set at the first failed insert: later ones are not tried, since
	 * SQLite may have rolled the whole transaction back (SQLITE_FULL,
	 * SQLITE_IOERR) and their errors would hide the first one's.
	 */
	int		 failed;
};

static int
put_result(struct case_stmts *cs, int64_t id, const char *name, double v,
    int det)
{

	if (cs->failed)
		return -1;
	sqlite3_reset(cs->result);
	sqlite3_bind_int64(cs->result, 1, id);
	sqlite3_bind_text(cs->result, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(cs->result, 3, v);
	sqlite3_bind_int(cs->result, 4, det);
	if (sqlite3_step(cs->result) != SQLITE_DONE) {
		cs->failed = 1;
		return -1;
	}
	return 0;
}

static int
put_results(struct case_stmts *cs, int64_t id, const struct replay *r,
    const struct probe *p)
{
	const struct machine *m = r->r_m;
	const struct kmem *k = &m->m_kmem;
	char name[96];
	long maxfds = 0;
	size_t i;
	int e, t, bad = 0;

	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL && r->r_procs[i]->rp_max_fds > maxfds)
			maxfds = r->r_procs[i]->rp_max_fds;
#define R(n, v)	bad |= put_result(cs, id, (n), (double)(v), 1)
	R("events", r->r_events);
	R("skipped", r->r_skipped);
	R("panicked", r->r_panicked);
	R("panic_event", r->r_panicked ? r->r_panic_event : 0);
	R("hung", report_nhung(r));
	R("max_fds", maxfds);
	for (e = 0; e < KE_NERR; e++) {
		snprintf(name, sizeof(name), "errors.%s", kerr_names[e]);
		R(name, r->r_errors[e]);
	}
	R("kmem_map.peak_pages", m->m_kmem_map.vm_peak);
	R("kmem_map.end_pages", m->m_kmem_map.vm_used);
	R("kmem_map.largest_free_end", vm_map_largest_free(&m->m_kmem_map));
	R("kernel_map.peak_pages", m->m_kernel_map.vm_peak);
	R("kernel_map.end_pages", m->m_kernel_map.vm_used);
	R("kernel_map.largest_free_end",
	    vm_map_largest_free(&m->m_kernel_map));
	R("phys.peak_wired", m->m_peakwired);
	for (t = 0; t < k->ntypes; t++) {
		snprintf(name, sizeof(name), "type.%s.maxused",
		    k->kmemstats[t].ks_shortdesc);
		R(name, k->kmemstats[t].ks_maxused);
		snprintf(name, sizeof(name), "type.%s.calls",
		    k->kmemstats[t].ks_shortdesc);
		R(name, k->kmemstats[t].ks_calls);
	}
	if (p != NULL) {
		for (t = 0; t < PROBE_NMAPS; t++) {
			const char *mn = kp_arenanames[t];

#define RM(what, v) do {						\
	snprintf(name, sizeof(name), "%s.%s", mn, what);		\
	R(name, v);							\
} while (0)
			RM("jw3", probe_jw3(p, t));
			RM("jw4", probe_jw4(p, t));
			RM("peak_live_bytes",
			    p->p_ledger.kl_acct[t].ka_peak_live);
			RM("peak_footprint_pages", p->p_map[t].pm_peak_fp);
			RM("min_headroom_pages", p->p_map[t].pm_min_headroom);
			RM("min_headroom_event",
			    p->p_map[t].pm_min_headroom_event);
			RM("refused", p->p_map[t].pm_refused);
#undef RM
		}
		R("first_refused_event", p->p_refused ? p->p_ref_event : 0);
		R("first_refused_size", p->p_refused ? p->p_ref_size : 0);
		R("collateral_refusals", p->p_collateral);
		R("collateral_panic", p->p_collateral_panic);
		if (p->p_latency)
			bad |= put_result(cs, id, "probe_overhead_ns",
			    p->p_overhead_ns, 0);
	}
#undef R
	return bad;
}

static int
put_latency(struct case_stmts *cs, int64_t id, const struct probe *p)
{
	uint8_t blob[HIST_NBUCKETS * 10];
	int op, a;

	for (op = 0; op < KP_NOPS; op++)
		for (a = 0; a < KA_NARENAS; a++) {
			const struct hist *h = &p->p_lat[op][a];
			size_t n = 0;
			unsigned i;
			int b;

			if (h->h_count == 0)
				continue;
			for (i = 0; i < HIST_NBUCKETS; i++) {
				if (h->h_bucket[i] == 0)
					continue;
				blob[n++] = (uint8_t)i;
				blob[n++] = (uint8_t)(i >> 8);
				for (b = 0; b < 8; b++)
					blob[n++] = (uint8_t)(h->h_bucket[i] >>
					    (8 * b));
			}
			sqlite3_reset(cs->latency);
			sqlite3_bind_int64(cs->latency, 1, id);
			sqlite3_bind_text(cs->latency, 2, kp_opnames[op], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(cs->latency, 3, kp_arenanames[a], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(cs->latency, 4, (int64_t)h->h_count);
			sqlite3_bind_int64(cs->latency, 5,
			    (int64_t)hist_quantile(h, 0.5));
			sqlite3_bind_int64(cs->latency, 6,
			    (int64_t)hist_quantile(h, 0.9));
			sqlite3_bind_int64(cs->latency, 7,
			    (int64_t)hist_quantile(h, 0.99));
			sqlite3_bind_int64(cs->latency, 8,
			    (int64_t)hist_quantile(h, 0.999));
			sqlite3_bind_int64(cs->latency, 9, (int64_t)h->h_max);
			sqlite3_bind_double(cs->latency, 10,
			    (double)h->h_sum / (double)h->h_count);
			sqlite3_bind_blob(cs->latency, 11, blob, (int)n,
			    SQLITE_TRANSIENT);
			if (sqlite3_step(cs->latency) != SQLITE_DONE)
				return -1;
		}
	return 0;
}

static int
put_series(struct case_stmts *cs, int64_t id, const struct probe *p)
{
	size_t i;
	int mi;

	for (i = 0; i < p->p_nsamples; i++) {
		const struct probe_sample *ps = &p->p_samples[i];

		for (mi = 0; mi < PROBE_NMAPS; mi++) {
			sqlite3_stmt *s = cs->series;

			sqlite3_reset(s);
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_int64(s, 2, (int64_t)i);
			sqlite3_bind_int64(s, 3, (int64_t)ps->ps_event);
			sqlite3_bind_int64(s, 4, (int64_t)ps->ps_time);
			sqlite3_bind_text(s, 5, ps->ps_why, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 6, kp_arenanames[mi], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(s, 7, ps->ps_map[mi].footprint);
			sqlite3_bind_int64(s, 8, (int64_t)ps->ps_map[mi].live);
			sqlite3_bind_int64(s, 9, (int64_t)ps->ps_map[mi].waste);
			sqlite3_bind_int64(s, 10, ps->ps_map[mi].freeheld);
			sqlite3_bind_int64(s, 11, ps->ps_map[mi].largest);
			sqlite3_bind_int64(s, 12, ps->ps_map[mi].freepages);
			sqlite3_bind_int64(s, 13, ps->ps_wired);
			if (sqlite3_step(s) != SQLITE_DONE)
				return -1;
		}
	}
	return 0;
}

static int
put_procs(struct case_stmts *cs, int64_t id, const struct replay *r)
{
	static const char *const states[] = {
		"running", "hung", "exited", "never"
	};
	size_t i;
	int e;

	for (i = 0; i < r->r_cap; i++) {
		const struct rproc *rp = r->r_procs[i];

		if (rp == NULL)
			continue;
		sqlite3_reset(cs->proc);
		sqlite3_bind_int64(cs->proc, 1, id);
		sqlite3_bind_int64(cs->proc, 2, rp->rp_pid);
		sqlite3_bind_text(cs->proc, 3, states[rp->rp_state], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(cs->proc, 4, rp->rp_max_fds);
		for (e = 0; e < KE_NERR; e++)
			sqlite3_bind_int64(cs->proc, 5 + e, rp->rp_errors[e]);
		sqlite3_bind_int64(cs->proc, 10, rp->rp_skipped);
		if (sqlite3_step(cs->proc) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int
store_case(struct store *st, int64_t run_id, const struct case_in *ci,
    const struct replay *r, const struct probe *p, uint64_t wall_ns,
    char *err, size_t errlen)
{
	struct case_stmts cs = { NULL, NULL, NULL, NULL, 0 };
	char settings[1024];
	sqlite3_stmt *s = NULL;
	int64_t id;
	int rc = -1;

	settings_string(&r->r_m->m_prof, settings, sizeof(settings));
	if (exec(st, "BEGIN IMMEDIATE", "starting a case", err, errlen) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->st_db, "INSERT INTO \"case\" (run_id, key, "
	    "inputs, strategy, machine, settings, trace, trace_sha256, rep, "
	    "outcome, wall_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
	    &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->st_db, "INSERT INTO result VALUES "
	    "(?, ?, ?, ?)", -1, &cs.result, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->st_db, "INSERT INTO latency VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &cs.latency, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(st->st_db, "INSERT INTO series VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &cs.series, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(st->st_db, "INSERT INTO proc VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &cs.proc, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, ci->ci_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ci->ci_inputs, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ci->ci_strategy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->r_m->m_prof.pr_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, settings, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, ci->ci_trace, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, ci->ci_trace_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, ci->ci_rep);
	sqlite3_bind_text(s, 10, report_outcome(r), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 11, (int64_t)wall_ns);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	id = sqlite3_last_insert_rowid(st->st_db);
	if (put_results(&cs, id, r, p) != 0 || put_procs(&cs, id, r) != 0 ||
	    (p != NULL && (put_latency(&cs, id, p) != 0 ||
	    put_series(&cs, id, p) != 0)))
		goto out;
	if (sqlite3_exec(st->st_db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
out:
	if (rc != 0) {
		store_fail(st, "storing a case", err, errlen);
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(cs.result);
	sqlite3_finalize(cs.latency);
	sqlite3_finalize(cs.series);
	sqlite3_finalize(cs.proc);
	return rc;
}
