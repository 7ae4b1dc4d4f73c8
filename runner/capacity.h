/*
 * capacity.h: the search behind "kmbench capacity": the edge of the
 * range of one numeric input (a machine setting, or the scale K of
 * "gen scale", or a numeric strategy setting) where a case stops
 * surviving, found by bisection,
 * confirmed by replaying at the answer and next to it, and checked for
 * outcomes that are not monotonic in the input.
 */
#ifndef KM_CAPACITY_H
#define KM_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/profile.h"
#include "case.h"

struct strategy;

#define CAP_GRID_MAX	64

/*
 * What one replay came to, worst last; CO_NOBOOT: the machine did not
 * boot with that setting (too little memory for the kernel itself).
 */
enum cap_outcome { CO_CLEAN, CO_REFUSED, CO_HUNG, CO_PANIC, CO_NOBOOT };

/* One replay of the search. */
struct cap_try {
	uint64_t	 ct_value;
	enum cap_outcome ct_outcome;
	uint64_t	 ct_events;	/* events replayed (to the panic) */
	uint64_t	 ct_skipped;
	long		 ct_refused;	/* EMFILE + ENFILE + ENOMEM + EAGAIN */
	long		 ct_hung;	/* processes asleep for good */
	uint64_t	 ct_panic_event;
	uint32_t	 ct_kmem_peak, ct_kmem_pages;
	uint32_t	 ct_kmem_top;	/* kmem_map's vm_top (vm_map.h) */
};

/*
 * Which end of the surviving values is the answer: the smallest (a
 * machine setting's default: more memory survives), the largest (scale's
 * default: more copies fail), or the one on the side of the end of the
 * range that survives (a strategy setting's default: found from the two
 * ends; when both or neither survive, the largest).
 */
enum cap_dir { CAP_SMALLEST, CAP_LARGEST, CAP_AUTO };

struct cap_spec {
	const struct strategy *cp_strategy;
	struct profile	 cp_prof;
	const char	*cp_params[CASE_MAXSETS];	/* strategy settings */
	size_t		 cp_nparams;
	const char	*cp_trace;
	const char	*cp_key;	/* "scale", a profile key, S.KEY */
	int		 cp_scale;	/* cp_key is "scale" */
	int		 cp_skey;	/* cp_key is a strategy's "S.KEY" */
	enum cap_dir	 cp_dir;
	int		 cp_dirset;	/* cp_dir from --largest/--smallest */
	uint64_t	 cp_from, cp_to;
	uint64_t	 cp_stagger;	/* for scale */
	int		 cp_clean;	/* surviving: no refusal either */
	int		 cp_checks;	/* extra points each side; 0: none */
	/* Values replayed as well (for a grid), checked like the above. */
	uint64_t	 cp_grid[CAP_GRID_MAX];
	size_t		 cp_ngrid;
	int		 cp_progress;	/* a line on stderr per replay */
};

struct cap_result {
	int		 cr_found;
	uint64_t	 cr_value;	/* the answer, when found */
	int		 cr_largest;	/* the answer is the largest survivor */
	int		 cr_byends;	/* CAP_AUTO: decided by the ends (1),
					   or neither told (0) */
	/*
	 * The try next to the answer on its failing side (value - 1 for
	 * the smallest, value + 1 for the largest), or at the range's end
	 * when nothing survives; cr_hasnext 0 when the answer is the end
	 * of the range itself.
	 */
	int		 cr_hasnext;
	struct cap_try	 cr_at, cr_next;
	/*
	 * nkmempages: the value tried first after the ends, kmem_map's top
	 * at the good end (capacity.c); 0 when there was none.
	 */
	uint64_t	 cr_guess;
	int		 cr_monotonic;	/* 1, 0, or -1 unchecked */
	struct cap_try	 cr_bad_a, cr_bad_b;	/* a counterexample */
	struct cap_try	*cr_tries;	/* every replay, in order */
	size_t		 cr_ntries, cr_cap;
};

/* "survived", "refused", "hung", "panic", "no boot". */
const char *cap_outcome_name(enum cap_outcome);
/* Whether T counts as surviving under SPEC. */
int	cap_survives(const struct cap_spec *, const struct cap_try *);
/* RES's first replay at VALUE, or NULL. */
const struct cap_try *cap_find_try(const struct cap_result *,
	    uint64_t value);

/*
 * Search.  The smallest value in [from, to] at which the case survives
 * (CAP_SMALLEST), or the largest (CAP_LARGEST; for scale, the most
 * copies), or the one CAP_AUTO finds the direction of.  Surviving is no
 * panic and no hung process (with cp_clean, and no refused call).
 * Returns 0 (found or not: CR->cr_found), 2 for bad input (trace,
 * setting), 1 for an internal failure, with ERR.
 */
int	capacity_search(const struct cap_spec *, struct cap_result *,
	    char *err, size_t errlen);
void	capacity_free(struct cap_result *);

#endif /* KM_CAPACITY_H */
