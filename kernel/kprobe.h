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
#include <time.h>

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
	/* FAILED: the call returned an error (refused, slept, panicked). */
	void	(*kp_latency)(void *, enum kp_op, enum kp_arena, uint64_t ns,
		    int failed);
	/* A request of SIZE was refused in ARENA for REASON. */
	void	(*kp_refused)(void *, enum kp_arena, uint64_t size,
		    const char *reason);
};

extern const char *const kp_opnames[KP_NOPS];
extern const char *const kp_arenanames[KA_NARENAS];

static inline uint64_t
kp_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* kp_arena(m, map), the arena of MAP: in machine.h. */

/*
 * Timing: t = KP_START(m); ... KP_END(m, op, arena, t) for a call that
 * cannot fail, KP_END_ERR(m, op, arena, t, error) for one that returns
 * an error: successful and failed calls are timed apart (docs/metrics.md).
 * Nothing is read from the clock unless latency probes are on.
 */
#define KP_START(m)	((m)->m_probe_lat ? kp_clock() : 0)
#define KP_END_ERR(m, op, arena, t, error)				\
	do {								\
		if ((m)->m_probe_lat)					\
			(m)->m_kprobe->kp_latency((m)->m_kprobe_arg,	\
			    (op), (arena), kp_clock() - (t),		\
			    (error) != 0);				\
	} while (0)
#define KP_END(m, op, arena, t)	KP_END_ERR(m, op, arena, t, 0)

#endif /* KM_KPROBE_H */
