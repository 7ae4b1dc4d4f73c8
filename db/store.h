/*
 * store.h: the SQLite result store (schema in db/schema.sql and
 * db/migrate/).
 *
 * A store is opened in WAL mode with a busy timeout, so concurrent
 * writers queue; each case is written in one transaction, so an
 * interrupted run leaves whole cases or none.  A file from an older
 * schema is migrated forward; a newer or foreign file is refused.
 */
#ifndef KM_STORE_H
#define KM_STORE_H

#include <stddef.h>
#include <stdint.h>

struct profile;
struct result;
struct sqlite3;

#define STORE_VERSION	6	/* the schema this kmbench writes */
#define STORE_READ_MIN	2	/* the oldest the read commands read */

struct store {
	struct sqlite3	*st_db;
	char		 st_path[512];
	uint64_t	 st_busy_since;	/* first refusal of a wait, ns */
};

/* What names a case. */
struct case_in {
	const char	*ci_strategy;
	const char	*ci_params;	/* strategy settings, "k=v;..." */
	const struct profile *ci_prof;
	const char	*ci_trace;
	char		 ci_trace_sha256[65];
	int		 ci_rep;
	char		 ci_inputs[2048];	/* filled by store_case_key */
	char		 ci_key[65];		/* filled by store_case_key */
};

/* The build: commit, dirty, compiler, flags, version (version.h). */
struct buildinfo {
	const char	*bi_commit;
	int		 bi_dirty;
	const char	*bi_compiler;
	const char	*bi_cflags;
	const char	*bi_version;
};
extern const struct buildinfo kmbench_build;

/*
 * Open (creating or migrating) PATH to store cases in.  The schema
 * version is checked before anything else; an empty name, a file that
 * is not regular (a device), or one this user cannot write is refused
 * before SQLite opens it, so nothing is left beside it.  0, or -1 with
 * a one-line ERR.
 */
int	store_open(struct store *, const char *path, char *err, size_t errlen);
/*
 * Open PATH to read only: never created, never migrated or written
 * (schema STORE_READ_MIN to STORE_VERSION).  On a read-only mount, or
 * with no -wal and a directory SQLite cannot write its -shm in, the file
 * is read as immutable.  0, or -1 with a one-line ERR.
 */
int	store_open_ro(struct store *, const char *path, char *err,
	    size_t errlen);
/*
 * Read a store opened read-only as one snapshot until store_close():
 * what a writer stores meanwhile is not seen, so a report's parts agree
 * with each other, and SQLite takes its read lock once, not once a
 * statement.  0, or -1 with ERR.
 */
int	store_snapshot(struct store *, char *err, size_t errlen);
void	store_close(struct store *);

/* A run row for COMMAND ("run", "matrix", ...).  0 or -1 with ERR. */
int	store_run(struct store *, const char *command, int64_t *run_id,
	    char *err, size_t errlen);

/* Fill CI's inputs and key (the trace's SHA-256 must be set). */
void	store_case_key(struct case_in *);

/* 1 when a case with KEY is stored, 0 when not, -1 with ERR. */
int	store_has_case(struct store *, const char *key, char *err,
	    size_t errlen);

/* 1 when run RUN_ID is stored, 0 when not, -1 with ERR. */
int	store_has_run(struct store *, int64_t run_id, char *err,
	    size_t errlen);

/*
 * Store one replayed case, what it produced (result/result.h) and its
 * wall time in one transaction.  A case whose key is stored already is
 * left as it is: a case is stored once, its first figures kept.  0 when
 * stored, 1 when it was there already, -1 with ERR.
 */
int	store_case(struct store *, int64_t run_id, const struct case_in *,
	    const struct result *, uint64_t wall_ns, char *err,
	    size_t errlen);

/*
 * The first repetition number that no case of this build (commit and
 * dirty flag) has used, into *REP: where matrix --force numbers the
 * repetitions it adds.  0, or -1 with ERR.
 */
int	store_next_rep(struct store *, int *rep, char *err, size_t errlen);

#endif /* KM_STORE_H */
