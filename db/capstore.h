/*
 * capstore.h: capacity searches in the result store (tables capacity
 * and capacity_try, db/migrate/003.sql): written by "kmbench capacity
 * --db", read by the report's real-workloads section.
 */
#ifndef KM_CAPSTORE_H
#define KM_CAPSTORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct cap_row_try {
	uint64_t	 ct_value;
	const char	*ct_outcome;	/* survived refused hung panic, no boot */
	uint64_t	 ct_events, ct_skipped;
	long		 ct_refused, ct_hung;
	uint64_t	 ct_panic_event;
	uint32_t	 ct_kmem_peak;
};

struct cap_row {
	const char	*cw_strategy, *cw_machine, *cw_trace, *cw_key;
	uint64_t	 cw_from, cw_to;
	int		 cw_clean;
	uint64_t	 cw_stagger;
	int		 cw_found;
	uint64_t	 cw_value;
	int		 cw_monotonic;	/* 1, 0, -1 unchecked */
	struct cap_row_try *cw_tries;
	size_t		 cw_ntries;
};

/* Store one search and its replays in one transaction.  0 or -1, ERR. */
int	capstore_put(struct store *, int64_t run_id, const struct cap_row *,
	    char *err, size_t errlen);

#endif /* KM_CAPSTORE_H */
