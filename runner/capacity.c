/*
 * capacity.c: the capacity search (capacity.h).  Each try boots a fresh
 * machine with the setting (a machine's or the strategy's), or replays
 * K "gen scale" copies of the trace as they are made, without probes;
 * tries are kept so that no value is replayed twice in the bisection,
 * and the answer and its neighbour are then replayed once more to
 * confirm them.  For nkmempages the bisection starts from a guess, the
 * top of kmem_map where the good end's replay left it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/machine.h"
#include "../strategies/strategy.h"
#include "../workloads/gen_scale.h"
#include "capacity.h"
#include "replay.h"
#include "report.h"
#include "tracehold.h"

struct search {
	const struct cap_spec *s_spec;
	struct cap_result *s_res;
	struct scale	*s_scale;	/* the copies, when scale */
	char		 s_name[300];	/* the scaled trace, in messages */
};

const char *
cap_outcome_name(enum cap_outcome o)
{

	switch (o) {
	case CO_CLEAN:
		return "survived";
	case CO_REFUSED:
		return "refused";
	case CO_HUNG:
		return "hung";
	case CO_PANIC:
		return "panic";
	case CO_NOBOOT:
		return "no boot";
	}
	return "?";
}

int
cap_survives(const struct cap_spec *sp, const struct cap_try *t)
{

	return t->ct_outcome == CO_CLEAN ||
	    (!sp->cp_clean && t->ct_outcome == CO_REFUSED);
}

static int
scale_fn(void *arg, struct kmt_event *ev, char *err, size_t errlen)
{

	return scale_next(arg, ev, err, errlen);
}

/* Replay at VALUE into *T: 0, 2 bad input, 1 internal, with ERR. */
static int
replay_at(struct search *s, uint64_t value, struct cap_try *t, char *err,
    size_t errlen)
{
	const struct cap_spec *sp = s->s_spec;
	struct profile pr = sp->cp_prof;
	struct kmt_reader *rd;
	struct machine *m;
	struct replay r;
	const char *trace = sp->cp_trace;
	const char *params[CASE_MAXSETS + 1];
	size_t nparams = sp->cp_nparams;
	char set[128], msg[512];
	int rc, e;

	memset(t, 0, sizeof(*t));
	t->ct_value = value;
	if (sp->cp_scale) {
		/* The copies are made as the replay reads them. */
		rc = scale_start(s->s_scale, (uint32_t)value, sp->cp_stagger,
		    err, errlen);
		if (rc != SCALE_OK)
			return rc == SCALE_BADINPUT ? 2 : 1;
		snprintf(s->s_name, sizeof(s->s_name), "%s x %" PRIu64,
		    trace, value);
	} else if (sp->cp_skey) {
		/* "share=V" after the other settings of the strategy. */
		snprintf(set, sizeof(set), "%s=%" PRIu64,
		    strchr(sp->cp_key, '.') + 1, value);
	} else {
		snprintf(set, sizeof(set), "%s=%" PRIu64, sp->cp_key, value);
		if (profile_set(&pr, set, err, errlen) != 0)
			return 2;
	}
	memcpy(params, sp->cp_params, nparams * sizeof(params[0]));
	if (sp->cp_skey)
		params[nparams++] = set;
	if (profile_check(&pr, msg, sizeof(msg)) != 0) {
		t->ct_outcome = CO_NOBOOT;
		return 0;
	}
	if ((m = strategy_boot(&pr, sp->cp_strategy, params, nparams, msg,
	    sizeof(msg))) == NULL) {
		/*
		 * The machine boots with the others: a value the strategy
		 * refuses (fdlimit.share=101) is bad input, not an outcome.
		 */
		if (sp->cp_skey) {
			snprintf(err, errlen, "%s=%" PRIu64 ": %s", sp->cp_key,
			    value, msg);
			return 2;
		}
		t->ct_outcome = CO_NOBOOT;
		return 0;
	}
	if (!sp->cp_scale)
		rc = replay_run(&r, m, NULL, trace, err, errlen);
	else if ((rd = kmt_open_fn(s->s_name, scale_fn, s->s_scale, err,
	    errlen)) == NULL) {
		machine_free(m);
		return 1;
	} else {
		rc = replay_run_reader(&r, m, NULL, rd, s->s_name, err,
		    errlen);
		kmt_close(rd);
	}
	if (rc == 0) {
		t->ct_events = r.r_events;
		t->ct_skipped = r.r_skipped;
		for (e = 0; e < KE_NERR; e++)
			if (e != KE_EBADF)
				t->ct_refused += r.r_errors[e];
		t->ct_hung = report_nhung(&r);
		t->ct_kmem_peak = m->m_kmem_map.vm_peak;
		t->ct_kmem_pages = m->m_kmem_map.vm_npages;
		t->ct_kmem_top = m->m_kmem_map.vm_top;
		if (r.r_panicked) {
			t->ct_outcome = CO_PANIC;
			t->ct_panic_event = r.r_panic_event;
		} else if (t->ct_hung > 0)
			t->ct_outcome = CO_HUNG;
		else if (t->ct_refused > 0)
			t->ct_outcome = CO_REFUSED;
		else
			t->ct_outcome = CO_CLEAN;
	}
	replay_free(&r);
	machine_free(m);
	return rc;
}

const struct cap_try *
cap_find_try(const struct cap_result *res, uint64_t value)
{
	size_t i;

	for (i = 0; i < res->cr_ntries; i++)
		if (res->cr_tries[i].ct_value == value)
			return &res->cr_tries[i];
	return NULL;
}

/* A try at VALUE, from the kept ones or replayed; NULL with *RCP. */
static const struct cap_try *
try_at(struct search *s, uint64_t value, int again, int *rcp, char *err,
    size_t errlen)
{
	struct cap_result *res = s->s_res;
	const struct cap_try *kept;
	struct cap_try t, *n;
	size_t ncap;

	if (!again && (kept = cap_find_try(res, value)) != NULL)
		return kept;
	if ((*rcp = replay_at(s, value, &t, err, errlen)) != 0)
		return NULL;
	if (s->s_spec->cp_progress)
		fprintf(stderr, "kmbench capacity: %s=%" PRIu64 ": %s\n",
		    s->s_spec->cp_key, value, cap_outcome_name(t.ct_outcome));
	if (res->cr_ntries == res->cr_cap) {
		ncap = res->cr_cap ? 2 * res->cr_cap : 32;
		if ((n = realloc(res->cr_tries, ncap * sizeof(*n))) == NULL) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			*rcp = 1;
			return NULL;
		}
		res->cr_tries = n;
		res->cr_cap = ncap;
	}
	res->cr_tries[res->cr_ntries] = t;
	return &res->cr_tries[res->cr_ntries++];
}

/*
 * Survives at V, in the search's own terms: "good" is the side where
 * the answer lies (high values for a setting, low K for scale).
 */
#define GOOD(s, t)	cap_survives((s)->s_spec, (t))

int
capacity_search(const struct cap_spec *sp, struct cap_result *res,
    char *err, size_t errlen)
{
	const struct cap_try *t, *u;
	struct cap_try first, again;
	struct search s;
	uint64_t good, bad, mid, lo = sp->cp_from, hi = sp->cp_to, v, step;
	int rc = 0, up = sp->cp_dir == CAP_SMALLEST, i, side, gl, gh;
	size_t k;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.s_spec = sp;
	s.s_res = res;
	res->cr_monotonic = -1;
	if (lo > hi) {
		snprintf(err, errlen, "--from %" PRIu64 " is above --to %"
		    PRIu64, lo, hi);
		return 2;
	}
	/*
	 * Every try of a setting replays the one trace: read it once.  For
	 * scale, the trace is read once into copies made as each try
	 * replays them.
	 */
	if (!sp->cp_scale)
		tracehold_enable(TRACEHOLD_MAX);
	else if ((rc = scale_open(&s.s_scale, sp->cp_trace, TRACEHOLD_MAX,
	    err, errlen)) != SCALE_OK) {
		rc = rc == SCALE_BADINPUT ? 2 : 1;
		goto out;
	}

	/*
	 * CAP_AUTO: the answer lies on the side of the end that survives
	 * (a setting that gives more room as it grows survives at the top:
	 * the smallest survivor is the answer); when both ends or neither
	 * survive, the largest.
	 */
	if (sp->cp_dir == CAP_AUTO) {
		if ((t = try_at(&s, lo, 0, &rc, err, errlen)) == NULL)
			goto out;
		gl = GOOD(&s, t);
		if ((t = try_at(&s, hi, 0, &rc, err, errlen)) == NULL)
			goto out;
		gh = GOOD(&s, t);
		up = gh && !gl;
		res->cr_byends = gh != gl;
	}
	res->cr_largest = !up;

	/* The good end of the range must survive, else there is none. */
	if ((t = try_at(&s, up ? hi : lo, 0, &rc, err, errlen)) == NULL)
		goto out;
	if (!GOOD(&s, t)) {
		res->cr_found = 0;
		res->cr_hasnext = 1;
		res->cr_next = *t;
		/*
		 * The other end surviving would make the outcome run the
		 * wrong way: not monotonic, and no boundary to give.
		 */
		if (sp->cp_checks > 0 && lo != hi) {
			first = *t;
			if ((t = try_at(&s, up ? lo : hi, 0, &rc, err,
			    errlen)) == NULL)
				goto out;
			res->cr_monotonic = !GOOD(&s, t);
			if (!res->cr_monotonic) {
				res->cr_bad_a = *t;
				res->cr_bad_b = first;
			}
		}
		goto out;
	}
	good = t->ct_value;
	v = hi;
	/*
	 * Scale: gallop up from the good end, doubling K, to the first K
	 * that fails (or the range's end), so that the replays beyond the
	 * cliff, the costly ones when processes hang, are few.
	 */
	if (!up && sp->cp_scale)
		while (good < hi) {
			v = good > (hi - good) ? hi : 2 * good;
			if ((t = try_at(&s, v, 0, &rc, err, errlen)) == NULL)
				goto out;
			if (!GOOD(&s, t))
				break;
			good = v;
		}
	/* The bad end surviving too: the answer is the range's end. */
	if (up || !sp->cp_scale || good < hi) {
		if ((t = try_at(&s, up ? lo : v, 0, &rc, err, errlen)) ==
		    NULL)
			goto out;
	} else
		t = try_at(&s, hi, 0, &rc, err, errlen);
	if (GOOD(&s, t)) {
		res->cr_found = 1;
		res->cr_value = t->ct_value;
		res->cr_at = *t;
		res->cr_hasnext = 0;
		bad = t->ct_value;	/* no failing side to check */
		goto check;
	}
	bad = t->ct_value;
	/*
	 * nkmempages: the replay at the good end placed every range of
	 * kmem_map below its top, first fit from the map's start, so a
	 * kmem_map of exactly that size replays it the same, and one page
	 * smaller fails where the highest range went, unless the strategy
	 * gets by another way (reclaim frees pages and retries).  Those two
	 * values are tried first: a guess that each try checks and, right
	 * or wrong, narrows the bracket as a bisection step would.
	 */
	if (up && !sp->cp_scale && !sp->cp_skey &&
	    strcmp(sp->cp_key, "nkmempages") == 0) {
		v = cap_find_try(res, good)->ct_kmem_top;
		if (v > bad && v < good)
			res->cr_guess = v;
		for (i = 0; i < 2 && v > bad && v < good; i++, v--) {
			if ((t = try_at(&s, v, 0, &rc, err, errlen)) == NULL)
				goto out;
			if (!GOOD(&s, t)) {
				bad = v;
				break;
			}
			good = v;
		}
	}
	/* Bisect: BAD fails, GOOD survives, |GOOD - BAD| shrinks to 1. */
	while ((up ? good - bad : bad - good) > 1) {
		mid = up ? bad + (good - bad) / 2 : good + (bad - good) / 2;
		if ((t = try_at(&s, mid, 0, &rc, err, errlen)) == NULL)
			goto out;
		if (GOOD(&s, t))
			good = mid;
		else
			bad = mid;
	}
	/* Confirm: the answer and its neighbour, replayed again. */
	for (i = 0; i < 2; i++) {
		v = i == 0 ? good : bad;
		first = *cap_find_try(res, v);
		if ((t = try_at(&s, v, 1, &rc, err, errlen)) == NULL)
			goto out;
		again = *t;
		if (again.ct_outcome != first.ct_outcome ||
		    again.ct_events != first.ct_events) {
			snprintf(err, errlen, "%s=%" PRIu64 " replayed twice "
			    "gave %s, then %s: the replay is not "
			    "deterministic", sp->cp_key, v,
			    cap_outcome_name(first.ct_outcome),
			    cap_outcome_name(again.ct_outcome));
			rc = 1;
			goto out;
		}
		if (i == 0)
			res->cr_at = again;
		else
			res->cr_next = again;
	}
	res->cr_found = 1;
	res->cr_value = good;
	res->cr_hasnext = 1;

check:
	/*
	 * Monotonic?  Every try so far agrees by construction; try
	 * cp_checks more points spread over each side of the answer.
	 */
	if (sp->cp_checks > 0 || sp->cp_ngrid > 0)
		res->cr_monotonic = 1;
	if (sp->cp_checks > 0) {
		for (side = 0; side < 2 && res->cr_monotonic == 1; side++) {
			/* side 0: the surviving side, 1: the failing one. */
			uint64_t a, b;

			if (side == 0) {
				a = up ? res->cr_value : lo;
				b = up ? hi : res->cr_value;
			} else {
				if (!res->cr_hasnext)
					continue;
				a = up ? lo : res->cr_value + 1;
				b = up ? res->cr_value - 1 : hi;
			}
			step = (b - a) / (uint64_t)(sp->cp_checks + 1);
			for (i = 1; i <= sp->cp_checks; i++) {
				v = step == 0 ? a + (uint64_t)i : a + step *
				    (uint64_t)i;
				if (v > b || v < a)
					break;
				if ((t = try_at(&s, v, 0, &rc, err, errlen)) ==
				    NULL)
					goto out;
				if (GOOD(&s, t) != (side == 0)) {
					res->cr_monotonic = 0;
					res->cr_bad_a = *t;
					break;
				}
			}
		}
	}
	/* The grid's values, in the range, each on its side too. */
	for (k = 0; k < sp->cp_ngrid && res->cr_monotonic != 0; k++) {
		v = sp->cp_grid[k];
		if (v < lo || v > hi)
			continue;
		/* Scale: nothing past twice the cliff (costly, and implied). */
		if (sp->cp_scale && res->cr_hasnext &&
		    v > 2 * (res->cr_value + 1))
			continue;
		if ((t = try_at(&s, v, 0, &rc, err, errlen)) == NULL)
			goto out;
		res->cr_monotonic = GOOD(&s, t) == (up ? v >= res->cr_value :
		    v <= res->cr_value);
		if (!res->cr_monotonic)
			res->cr_bad_a = *t;
	}
	if (sp->cp_checks > 0 || sp->cp_ngrid > 0) {
		/* The counterexample's partner: the answer, or its neighbour. */
		if (res->cr_monotonic == 0) {
			u = GOOD(&s, &res->cr_bad_a) ? &res->cr_next :
			    &res->cr_at;
			res->cr_bad_b = *u;
		}
	}
out:
	if (!sp->cp_scale)
		tracehold_disable();
	scale_close(s.s_scale);
	(void)bad;
	return rc;
}

void
capacity_free(struct cap_result *res)
{

	free(res->cr_tries);
	res->cr_tries = NULL;
	res->cr_ntries = res->cr_cap = 0;
}
