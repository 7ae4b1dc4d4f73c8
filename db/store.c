/*
 * store.c: the SQLite result store (see store.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/profile.h"
#include "../result/result.h"
#include "sha256.h"
#include "sql.h"
#include "store.h"

#define APPLICATION_ID	1263354434	/* "KMBB" */
/* The migrations in sql.h: migrate/002.sql to migrate/NNN.sql. */
#define NMIGRATIONS	(sizeof(sql_migrate) / sizeof(sql_migrate[0]) - 1)
_Static_assert(STORE_VERSION == NMIGRATIONS + 1,
    "STORE_VERSION must be the version the last migration makes");
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
 * Waiting for another writer.  SQLite's own busy_timeout sleeps 1, 2, 5,
 * 10, 15, 20, 25 ms and on: a matrix worker that finds the other's case
 * transaction (a millisecond or so) in the way sleeps on long after it
 * ended, with its core idle (under strace, make bench's matrix slept
 * 2.4 s so).  This one polls from 50 us, doubling to 1 ms, and gives up
 * once busy_ms() have passed since the first refusal, as busy_timeout
 * would.
 */
static uint64_t
busy_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
busy_wait(void *arg, int n)
{
	struct store *st = arg;
	uint64_t now = busy_now_ns();
	unsigned us = n < 5 ? 50u << n : 1000u;

	if (n == 0)
		st->st_busy_since = now;
	if (now - st->st_busy_since >= (uint64_t)busy_ms() * 1000000u)
		return 0;
	usleep(us);
	return 1;
}

static void
set_busy(struct store *st)
{

	sqlite3_busy_handler(st->st_db, busy_wait, st);
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

/*
 * Whether PATH can name a store: not empty and not ":memory:" (SQLite
 * would keep the cases in a temporary database, lost at exit), and a
 * regular file if it exists.  For a writer (RW) the file and its
 * directory must be writable, checked before SQLite opens anything, so
 * that a refused store is left without a -wal, -shm or -journal beside
 * it.  A reader needs the file to exist.  0, or -1 with ERR.
 */
static int
check_path(const char *path, int rw, char *err, size_t errlen)
{
	struct stat sb;
	char dir[sizeof(((struct store *)0)->st_path)], *slash;

	if (*path == '\0' || strcmp(path, ":memory:") == 0) {
		snprintf(err, errlen, "--db '%s': not a file name (SQLite "
		    "would use a temporary database, lost at exit)", path);
		return -1;
	}
	if (strlen(path) >= sizeof(dir)) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -1;
	}
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT && rw)
			return 0;	/* a new store */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (a store is an "
		    "SQLite file)", path);
		return -1;
	}
	if (!rw)
		return 0;
	if (access(path, W_OK) != 0) {
		snprintf(err, errlen, "%s: cannot store in it: %s", path,
		    errno == EACCES ? "the file is read-only" :
		    errno == EROFS ? "it is on a read-only file system" :
		    strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s: cannot store in it: its directory "
		    "is read-only (%s; SQLite writes its -wal and -shm files "
		    "there)", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The header: whether the file is a kmbench store, and its schema
 * version, in one snapshot (another process may be creating the schema).
 */
static int
read_header(struct store *st, int64_t *version, int64_t *appid,
    int64_t *ntables, char *err, size_t errlen)
{

	if (exec(st, "BEGIN", "reading the header", err, errlen) != 0)
		return -1;
	if (pragma_int(st, "PRAGMA user_version", version, err, errlen) ||
	    pragma_int(st, "PRAGMA application_id", appid, err, errlen) ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_master", ntables,
	    err, errlen) ||
	    exec(st, "COMMIT", "reading the header", err, errlen) != 0) {
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/*
 * Check the header against the versions this kmbench knows, before
 * anything else is done with the file: 0 is a new, empty file (no
 * tables), 1 to STORE_VERSION are this kmbench's; anything else (a
 * negative version, 0 on a file with tables, a newer one) is refused.
 * A reader (RW 0) needs at least STORE_READ_MIN.  0, or -1 with ERR.
 */
static int
check_header(const char *path, int64_t version, int64_t appid,
    int64_t ntables, int rw, char *err, size_t errlen)
{

	if (appid != APPLICATION_ID && (appid != 0 || ntables != 0)) {
		snprintf(err, errlen, "%s: not a kmbench store (another "
		    "program's SQLite file)", path);
		return -1;
	}
	if (version < 0 || (version == 0 && ntables != 0)) {
		snprintf(err, errlen, "%s: unknown schema version %" PRId64
		    " (this kmbench knows 1 to %d): not a store it made",
		    path, version, STORE_VERSION);
		return -1;
	}
	if (version > STORE_VERSION) {
		snprintf(err, errlen, "%s: written by a newer kmbench (schema "
		    "version %" PRId64 "; this one knows up to %d)", path,
		    version, STORE_VERSION);
		return -1;
	}
	if (!rw && version == 0) {
		snprintf(err, errlen, "%s: an empty file, nothing stored in "
		    "it", path);
		return -1;
	}
	if (!rw && version < STORE_READ_MIN) {
		snprintf(err, errlen, "%s: schema version %" PRId64 " is too "
		    "old to read; a command that stores (run --db, matrix) "
		    "brings it to version %d", path, version, STORE_VERSION);
		return -1;
	}
	return 0;
}

int
store_open(struct store *st, const char *path, char *err, size_t errlen)
{
	int64_t version, appid, ntables;
	size_t i;

	memset(st, 0, sizeof(*st));
	snprintf(st->st_path, sizeof(st->st_path), "%s", path);
	if (check_path(path, 1, err, errlen) != 0)
		return -1;
	if (sqlite3_open_v2(path, &st->st_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		store_fail(st, "cannot open", err, errlen);
		store_close(st);
		return -1;
	}
	set_busy(st);
	if (read_header(st, &version, &appid, &ntables, err, errlen) != 0)
		goto fail;
	if (check_header(path, version, appid, ntables, 1, err, errlen) != 0)
		goto fail;
	if (sqlite3_db_readonly(st->st_db, "main") == 1) {
		snprintf(err, errlen, "%s: cannot store in it: SQLite opened "
		    "it read-only", path);
		goto fail;
	}
	if (max_pages() > 0) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%ld",
		    max_pages());
		if (exec(st, sql, "limiting the size", err, errlen) != 0)
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
	/* Another process may have done it meanwhile: read it again. */
	if (pragma_int(st, "PRAGMA user_version", &version, err, errlen) ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_master", &ntables,
	    err, errlen))
		goto rollback;
	if (check_header(path, version, APPLICATION_ID, ntables, 1, err,
	    errlen) != 0)
		goto rollback;
	if (version == 0 && exec(st, sql_schema, "creating the schema", err,
	    errlen) != 0)
		goto rollback;
	if (version == 0)
		version = 1;
	/* 1 <= version <= STORE_VERSION: migration version - 1 is next. */
	for (i = (size_t)version - 1; i < NMIGRATIONS; i++)
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

/* PATH as the path of a file: URI, with what a URI reserves escaped. */
static int
file_uri(const char *path, const char *query, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	const unsigned char *p;

	n = (size_t)snprintf(buf, len, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (n + 4 >= len)
			return -1;
		if (*p == '%' || *p == '?' || *p == '#' || *p < ' ' ||
		    *p >= 0x7f) {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		} else
			buf[n++] = (char)*p;
	}
	if (n + strlen(query) + 1 > len)
		return -1;
	snprintf(buf + n, len - n, "%s", query);
	return 0;
}

/* Whether PATH lies on a file system mounted read-only. */
static int
on_readonly_mount(const char *path)
{
	struct statvfs sv;

	return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0;
}

int
store_open_ro(struct store *st, const char *path, char *err, size_t errlen)
{
	int64_t version, appid, ntables;
	char uri[2 * sizeof(st->st_path) + 64], wal[sizeof(st->st_path) + 8];
	struct stat sb;
	int immutable, rc;

	memset(st, 0, sizeof(*st));
	snprintf(st->st_path, sizeof(st->st_path), "%s", path);
	if (check_path(path, 0, err, errlen) != 0)
		return -1;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	/*
	 * On a read-only mount nothing can change the file, and SQLite
	 * cannot make the -shm it wants for a WAL store: immutable=1.
	 */
	immutable = on_readonly_mount(path);
	for (;;) {
		if (file_uri(path, immutable ? "?mode=ro&immutable=1" :
		    "?mode=ro", uri, sizeof(uri)) != 0) {
			snprintf(err, errlen, "%s: path too long", path);
			return -1;
		}
		rc = sqlite3_open_v2(uri, &st->st_db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI, NULL);
		if (rc == SQLITE_OK) {
			set_busy(st);
			rc = read_header(st, &version, &appid, &ntables, err,
			    errlen);
			if (rc == 0)
				break;
			rc = sqlite3_errcode(st->st_db);
		} else
			store_fail(st, "cannot open", err, errlen);
		store_close(st);
		/*
		 * A directory this user cannot write and no -wal: no writer
		 * is at work (one would have made the -wal), so the file
		 * alone is the store; read it as immutable.
		 */
		if (immutable || (rc != SQLITE_CANTOPEN &&
		    rc != SQLITE_READONLY) || stat(wal, &sb) == 0)
			return -1;
		immutable = 1;
	}
	if (check_header(path, version, appid, ntables, 0, err, errlen) !=
	    0) {
		store_close(st);
		return -1;
	}
	return 0;
}

int
store_snapshot(struct store *st, char *err, size_t errlen)
{

	/* Deferred: the first read takes the snapshot, and keeps it. */
	return exec(st, "BEGIN", "starting a snapshot", err, errlen);
}

int
store_has_run(struct store *st, int64_t run_id, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->st_db, "SELECT 1 FROM run WHERE id = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "looking up a run", err, errlen);
	sqlite3_bind_int64(s, 1, run_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "looking up a run", err, errlen);
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

	const struct kp_clockinfo *ki = kp_clock_host();

	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		snprintf(u.nodename, sizeof(u.nodename), "unknown");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (sqlite3_prepare_v2(st->st_db, "INSERT INTO run (commit_id, dirty, "
	    "compiler, cflags, host, cpu, date, version, command, clock, "
	    "clock_ticks_per_ns, clock_first, clock_every, clock_how) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) !=
	    SQLITE_OK)
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
	/* The clock the run's latency is timed with (kp_clock.h). */
	sqlite3_bind_text(s, 10, kp_clock_methodname(ki->ki_method), -1,
	    SQLITE_STATIC);
	if (ki->ki_method == KC_TSC)
		sqlite3_bind_double(s, 11, ki->ki_ticks_per_ns);
	else
		sqlite3_bind_null(s, 11);
	sqlite3_bind_int64(s, 12, ki->ki_first);
	sqlite3_bind_int64(s, 13, ki->ki_every);
	sqlite3_bind_text(s, 14, ki->ki_how, -1, SQLITE_STATIC);
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

int
store_next_rep(struct store *st, int *rep, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->st_db, "SELECT coalesce(max(c.rep), -1) "
	    "FROM \"case\" c JOIN run r ON r.id = c.run_id "
	    "WHERE r.commit_id = ? AND r.dirty = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "numbering repetitions", err, errlen);
	sqlite3_bind_text(s, 1, kmbench_build.bi_commit, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kmbench_build.bi_dirty);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*rep = sqlite3_column_int(s, 0) + 1;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "numbering repetitions", err, errlen);
	return 0;
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
put_results(struct case_stmts *cs, int64_t id, const struct result *res)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < res->res_nfig; i++)
		bad |= put_result(cs, id, res->res_fig[i].rf_name,
		    res->res_fig[i].rf_value, res->res_fig[i].rf_det);
	return bad;
}

/*
 * Each row's histogram is a blob of the buckets that counted: per
 * bucket its number (2 bytes) and its count (8), little-endian.
 */
static int
put_latency(struct case_stmts *cs, int64_t id, const struct result *res)
{
	uint8_t *blob;
	size_t i, j, n;
	int b;

	for (i = 0; i < res->res_nlat; i++) {
		const struct result_latency *l = &res->res_lat[i];

		if ((blob = malloc(l->rl_nbuckets * 10 + 1)) == NULL)
			return -1;
		for (j = n = 0; j < l->rl_nbuckets; j++) {
			blob[n++] = (uint8_t)l->rl_buckets[j].rb_index;
			blob[n++] = (uint8_t)(l->rl_buckets[j].rb_index >> 8);
			for (b = 0; b < 8; b++)
				blob[n++] = (uint8_t)(l->rl_buckets[j].rb_count >>
				    (8 * b));
		}
		sqlite3_reset(cs->latency);
		sqlite3_bind_int64(cs->latency, 1, id);
		sqlite3_bind_text(cs->latency, 2, l->rl_op, -1, SQLITE_STATIC);
		sqlite3_bind_text(cs->latency, 3, l->rl_arena, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(cs->latency, 4, (int64_t)l->rl_count);
		sqlite3_bind_int64(cs->latency, 5, (int64_t)l->rl_p50);
		sqlite3_bind_int64(cs->latency, 6, (int64_t)l->rl_p90);
		sqlite3_bind_int64(cs->latency, 7, (int64_t)l->rl_p99);
		sqlite3_bind_int64(cs->latency, 8, (int64_t)l->rl_p999);
		sqlite3_bind_int64(cs->latency, 9, (int64_t)l->rl_max);
		sqlite3_bind_double(cs->latency, 10, l->rl_mean);
		sqlite3_bind_blob(cs->latency, 11, blob, (int)n,
		    SQLITE_TRANSIENT);
		free(blob);
		if (sqlite3_step(cs->latency) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int
put_series(struct case_stmts *cs, int64_t id, const struct result *res)
{
	size_t i;
	int mi;

	for (i = 0; i < res->res_nsamples; i++) {
		const struct result_sample *rs = &res->res_samples[i];

		for (mi = 0; mi < KP_NMAPS; mi++) {
			sqlite3_stmt *s = cs->series;

			sqlite3_reset(s);
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_int64(s, 2, (int64_t)i);
			sqlite3_bind_int64(s, 3, (int64_t)rs->rs_event);
			sqlite3_bind_int64(s, 4, (int64_t)rs->rs_time);
			sqlite3_bind_text(s, 5, rs->rs_why, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 6, kp_arenanames[mi], -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(s, 7, rs->rs_map[mi].footprint);
			sqlite3_bind_int64(s, 8, (int64_t)rs->rs_map[mi].live);
			sqlite3_bind_int64(s, 9, (int64_t)rs->rs_map[mi].waste);
			sqlite3_bind_int64(s, 10, rs->rs_map[mi].freeheld);
			sqlite3_bind_int64(s, 11, rs->rs_map[mi].largest);
			sqlite3_bind_int64(s, 12, rs->rs_map[mi].freepages);
			sqlite3_bind_int64(s, 13, rs->rs_wired);
			if (sqlite3_step(s) != SQLITE_DONE)
				return -1;
		}
	}
	return 0;
}

static int
put_procs(struct case_stmts *cs, int64_t id, const struct result *res)
{
	size_t i;
	int e;

	for (i = 0; i < res->res_nprocs; i++) {
		const struct result_proc *rp = &res->res_procs[i];

		sqlite3_reset(cs->proc);
		sqlite3_bind_int64(cs->proc, 1, id);
		sqlite3_bind_int64(cs->proc, 2, rp->rp_pid);
		sqlite3_bind_text(cs->proc, 3, rp->rp_state, -1,
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
    const struct result *res, uint64_t wall_ns, char *err, size_t errlen)
{
	struct case_stmts cs = { NULL, NULL, NULL, NULL, 0 };
	char settings[1024];
	sqlite3_stmt *s = NULL;
	int64_t id;
	int rc = -1;

	settings_string(res->res_prof, settings, sizeof(settings));
	if (exec(st, "BEGIN IMMEDIATE", "starting a case", err, errlen) != 0)
		return -1;
	/*
	 * A key already stored (by another matrix, or a worker of a killed
	 * one) is a no-op: the unique index on key ignores the row.
	 */
	if (sqlite3_prepare_v2(st->st_db, "INSERT OR IGNORE INTO \"case\" "
	    "(run_id, key, "
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
	sqlite3_bind_text(s, 5, res->res_prof->pr_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, settings, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, ci->ci_trace, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, ci->ci_trace_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, ci->ci_rep);
	sqlite3_bind_text(s, 10, res->res_outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 11, (int64_t)wall_ns);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(st->st_db) == 0) {
		/* Stored already: nothing else is written. */
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
		rc = 1;
		goto done;
	}
	id = sqlite3_last_insert_rowid(st->st_db);
	if (put_results(&cs, id, res) != 0 || put_procs(&cs, id, res) != 0 ||
	    put_latency(&cs, id, res) != 0 || put_series(&cs, id, res) != 0)
		goto out;
	if (sqlite3_exec(st->st_db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
out:
	if (rc != 0) {
		store_fail(st, "storing a case", err, errlen);
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	}
done:
	sqlite3_finalize(s);
	sqlite3_finalize(cs.result);
	sqlite3_finalize(cs.latency);
	sqlite3_finalize(cs.series);
	sqlite3_finalize(cs.proc);
	return rc;
}
