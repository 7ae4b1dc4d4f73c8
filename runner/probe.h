/*
 * probe.h: what a replay measures (docs/metrics.md defines each figure).
 *
 * Latency: every allocator entry and allocating path, into a histogram
 * per operation and arena.  Fragmentation: per map, a time series of
 * footprint, live bytes, internal waste, free pages held and external
 * fragmentation, and Johnstone and Wilson's measures 3 and 4.
 * Exhaustion: the first refused request, the smallest headroom of each
 * map, and collateral damage.  Everything but latency is deterministic.
 */
#ifndef KM_PROBE_H
#define KM_PROBE_H

#include <stdint.h>
#include <stdio.h>

#include "../kernel/kp_ledger.h"
#include "../kernel/kprobe.h"
#include "../kernel/machine.h"
#include "hist.h"
#include "table.h"

struct machine;
struct replay;
struct json;

#define PROBE_NMAPS	KP_NMAPS	/* KA_KMEM, KA_KERNEL */

/*
 * Latency is kept apart by result: the calls that succeeded, and those
 * that returned an error (refused, or slept or panicked).  The store
 * names the second series OP.refused (fdexpand.refused).
 */
enum probe_result { PR_OK, PR_REFUSED, PR_NRESULTS };
extern const char *const probe_resultnames[PR_NRESULTS];	/* ok, refused */

/* The store's name of OP's series of RESULT: "fdexpand.refused". */
void	probe_seriesname(char *, size_t, int op, int result);

struct probe_sample {
	uint64_t	ps_event;
	uint64_t	ps_time;
	const char	*ps_why;	/* "every", "refused", "panic", ... */
	struct {
		uint32_t footprint;	/* pages held by the allocators */
		uint64_t live;		/* bytes asked, live */
		uint64_t waste;		/* bytes given minus bytes asked */
		uint32_t freeheld;	/* bucket and pool pages all free */
		uint32_t largest;	/* largest free extent, pages */
		uint32_t freepages;	/* free pages of the map */
	} ps_map[PROBE_NMAPS];
	uint32_t	ps_wired;
};

/*
 * Periodic samples kept at most: past it, the period doubles and half
 * of them go (probe.c).  1024 x the default period of 10000 events is
 * about 10 million events before the first doubling.
 */
#define PROBE_MAXEVERY	1024

/* A map's figures; its live objects are in the ledger's kl_acct[]. */
struct probe_map {
	uint32_t	pm_base;	/* pages used at boot, not counted */
	uint32_t	pm_peak_fp;
	uint32_t	pm_min_headroom;	/* pages */
	uint64_t	pm_min_headroom_event;
	uint32_t	pm_seen_peak;
	uint64_t	pm_refused;
};


struct probe {
	struct machine	*p_m;
	int		 p_latency;	/* latency probes on */
	uint64_t	 p_every;	/* sample every this many events */
	uint64_t	 p_nextsample;	/* the next multiple of p_every */
	size_t		 p_nevery;	/* samples taken for p_every */
	uint64_t	 p_event;	/* the current event */
	uint64_t	 p_time;
	const char	*p_why;		/* "refused" in this event, or NULL */
	uint64_t	 p_seen_peaks;	/* the maps' vm_peak summed, as seen */
	struct hist	 p_lat[PR_NRESULTS][KP_NOPS][KA_NARENAS];
	struct probe_map p_map[PROBE_NMAPS];
	/* The first refused request. */
	int		 p_refused;
	uint64_t	 p_ref_event;
	uint64_t	 p_ref_size;
	uint32_t	 p_ref_pid;
	enum kp_arena	 p_ref_arena;
	const char	*p_ref_reason;
	/* Collateral damage: refusals of anyone but the biggest holder. */
	uint64_t	 p_collateral;
	int		 p_collateral_panic;
	uint32_t	 p_culprit;	/* biggest holder at the last refusal */
	/*
	 * Live objects, kept by the kernel (kp_ledger.h; kl_pid is the
	 * current process, 0: the kernel), and the bytes each process holds.
	 */
	struct kp_ledger p_ledger;
	struct u32tab	 p_held[PROBE_NMAPS];
	/* The time series. */
	struct probe_sample *p_samples;
	size_t		 p_nsamples, p_samplecap;
	/* Probe cost: ns per timed call, measured once a process. */
	double		 p_overhead_ns;
	/* The clock (kp_clock.h); NULL when latency is off. */
	const struct kp_clockinfo *p_clock;
	double		 p_ns_per_tick;
	uint64_t	 p_ntimed[KP_NOPS];	/* calls timed, per op */
	uint64_t	 p_ncalls;
	int		 p_oom;		/* host memory ran out: figures partial */
};

/* Attach probes to M (after boot).  EVERY: sample period in events. */
void	probe_attach(struct probe *, struct machine *, int latency,
	    uint64_t every);
void	probe_detach(struct probe *);

/* The replayer's calls: before each event, after it, at the end. */
static inline void
probe_event(struct probe *p, uint64_t event, uint64_t time, uint32_t pid)
{

	p->p_event = event;
	p->p_time = time;
	p->p_ledger.kl_pid = pid;
}

void	probe_moved(struct probe *, const char *why);

/*
 * After an event: a new peak of a map (peaks only grow, so their sum
 * tells), a sample due, or an outcome change (WHY: "panic", "sleep";
 * the first refusal sets p_why) go to probe_moved(); most events have
 * none, and cost four compares.
 */
static inline void
probe_after(struct probe *p, const char *why)
{

	if (why != NULL || p->p_why != NULL ||
	    p->p_event >= p->p_nextsample ||
	    (uint64_t)p->p_m->m_kmem_map.vm_peak +
	    p->p_m->m_kernel_map.vm_peak != p->p_seen_peaks)
		probe_moved(p, why);
}

void	probe_finish(struct probe *, const struct replay *);

/*
 * run --check: what the probes keep as the kernel goes (the biggest
 * holder of each map) against a walk.  0, or -1 with a one-line
 * message in ERR.
 */
int	probe_check(struct probe *, char *err, size_t errlen);

/* Map I's footprint in pages when its live bytes peaked. */
uint32_t probe_fp_at_peak_live(const struct probe *, int i);

/* Johnstone and Wilson's measures 3 and 4 for map I (0 when no data). */
double	probe_jw3(const struct probe *, int i);
double	probe_jw4(const struct probe *, int i);

void	probe_json(struct json *, const struct probe *);
void	probe_text(FILE *, const struct probe *);

#endif /* KM_PROBE_H */
