/*
 * merge.h: joining shard stores into one (kmbench merge).  A shard is a
 * store that kmbench case or matrix filled on some machine; its cases
 * are copied with the run rows they came from, so the merged store
 * still says which host, commit, compiler and CPU ran each case.
 */
#ifndef KM_MERGE_H
#define KM_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct merge_result {
	int64_t		 mr_cases;	/* copied */
	int64_t		 mr_already;	/* stored in OUT already */
	int64_t		 mr_runs;	/* run rows copied */
	int64_t		 mr_searches;	/* capacity searches copied */
	int64_t		 mr_micro;	/* microbenchmark rows copied */
	int64_t		 mr_roff;	/* shard run N is OUT's N + mr_roff */
	int		 mr_version;	/* the shard's schema version */
};

/* What store_merge returns besides 0. */
#define MERGE_REFUSED	2	/* the shard: missing, corrupt, refused */
#define MERGE_EOUT	1	/* OUT failed (full, I/O error, ...) */

/*
 * Copy the cases of SHARD not in OUT yet into OUT in one transaction,
 * with their figures and runs, and its capacity searches and
 * microbenchmark rows that OUT does not hold (equal rows from equal
 * runs), with theirs.  COMMIT (COMMITLEN bytes) is the commit
 * the merged cases must have ("ID" or "ID+dirty"); empty, it is taken
 * from OUT's cases, else from the shard's, and filled in.  A shard of
 * another schema version or commit is refused unless FORCE (an older
 * schema is then brought forward in a temporary copy; a newer one is
 * refused always).  0, or MERGE_REFUSED or MERGE_EOUT with a one-line
 * ERR that names the file.
 */
int	store_merge(struct store *out, const char *shard, int force,
	    char *commit, size_t commitlen, struct merge_result *,
	    char *err, size_t errlen);

/* PRAGMA integrity_check of ST: 0 when "ok", else -1 with ERR. */
int	store_integrity(struct store *st, char *err, size_t errlen);

#endif /* KM_MERGE_H */
