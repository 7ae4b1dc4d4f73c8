/*
 * kprobe.h: the hook points through which the simulated kernel reports
 * to the probes (runner/probe.c): the latency of allocator entries and
 * allocating paths, and refused requests.  Objects allocated and freed
 * in each map go to the probes' ledger (kp_ledger.h), kept inline.  With
 * no probe attached each hook is one test of a pointer; the kernel never
 * depends on what the probes do.
 */
#ifndef KM_KPROBE_H
#define KM_KPROBE_H

#include <stdint.h>

#include "kp_clock.h"
#include "param.h"

struct machine;
struct vm_map;

/* What is timed. */
enum kp_op {
	KP_MALLOC,	/* malloc(9) */
	KP_FREE,	/* free(9) */
	KP_POOL_GET,
	KP_POOL_PUT,
	KP_KM_ALLOC,	/* a page range of a map, wired */
	KP_KM_FREE,
	KP_FDEXPAND,
	KP_FDCOPY,
	KP_AMAP_ALLOC,
	KP_AMAP_EXTEND,
	KP_AMAP_COPY,
	KP_RECLAIM,	/* a pass that releases memory to retry (reclaim) */
	KP_NOPS
};

/* Where: the map that served it, or none for a code path. */
enum kp_arena { KA_KMEM, KA_KERNEL, KA_PATH, KA_NARENAS };
#define KP_NMAPS	2	/* the arenas that are maps: KA_KMEM, KA_KERNEL */

struct kprobe_ops {
	/*
	 * A timed call took TICKS of the machine's timer (kp_timer below:
	 * counter ticks under KC_TSC, ns under KC_MONOTONIC).  FAILED: the
	 * call returned an error (refused, slept, panicked).
	 */
	void	(*kp_latency)(void *, enum kp_op, enum kp_arena, uint64_t ticks,
		    int failed);
	/* A request of SIZE was refused in ARENA for REASON. */
	void	(*kp_refused)(void *, enum kp_arena, uint64_t size,
		    const char *reason);
};

extern const char *const kp_opnames[KP_NOPS];
extern const char *const kp_arenanames[KA_NARENAS];

/*
 * The machine's timer, set by the probes when latency is on
 * (kp_clock.h).  Each op's calls are counted down: the call that
 * reaches 0 is timed, and the count starts again from 1 for the first
 * kt_first calls of the op, from kt_every after.  So of C calls of an
 * op, calls 1 to kt_first are timed, then kt_first + kt_every,
 * kt_first + 2 kt_every, ...
 */
struct kp_timer {
	enum kp_clockmethod kt_method;
	uint32_t	 kt_every;
	uint32_t	 kt_left[KP_NOPS];	/* calls to the next timed */
	uint32_t	 kt_first[KP_NOPS];	/* timed 1 by 1 still */
};

/* The start of a call of OP: a timer reading, or 0 for "not timed". */
static inline uint64_t
kp_timer_start(struct kp_timer *kt, enum kp_op op)
{

	if (__builtin_expect(--kt->kt_left[op] != 0, 1))
		return 0;
	if (kt->kt_first[op] != 0) {
		kt->kt_first[op]--;
		kt->kt_left[op] = 1;
	} else
		kt->kt_left[op] = kt->kt_every;
	return kt->kt_method == KC_TSC ? kp_tsc_start() : kp_clock();
}

/* A timer reading at the end of a call, in kp_timer_start()'s unit. */
static inline uint64_t
kp_timer_now(const struct kp_timer *kt)
{

	return kt->kt_method == KC_TSC ? kp_tsc_stop() : kp_clock();
}

/* kp_arena(m, map), the arena of MAP: in machine.h. */

/*
 * Timing: t = KP_START(m, op); ... KP_END(m, op, arena, t) for a call
 * that cannot fail, KP_END_ERR(m, op, arena, t, error) for one that
 * returns an error: successful and failed calls are timed apart
 * (docs/metrics.md).  Nothing is read from the clock unless latency
 * probes are on, and a call that KP_START did not time (t == 0: probes
 * off, or not in the sample) is not timed at its end either: neither a
 * clock reading nor a counter reading is ever 0.
 */
#define KP_START(m, op)							\
	((m)->m_probe_lat ? kp_timer_start(&(m)->m_kptimer, (op)) : 0)
#define KP_END_ERR(m, op, arena, t, error)				\
	do {								\
		if ((t) != 0)						\
			(m)->m_kprobe->kp_latency((m)->m_kprobe_arg,	\
			    (op), (arena),				\
			    kp_timer_now(&(m)->m_kptimer) - (t),	\
			    (error) != 0);				\
	} while (0)
#define KP_END(m, op, arena, t)	KP_END_ERR(m, op, arena, t, 0)

#endif /* KM_KPROBE_H */
