/*
 * probe.c: the probes of a replay (see probe.h and docs/metrics.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "json.h"
#include "probe.h"
#include "replay.h"

static const struct vm_map *
probe_vmmap(const struct probe *p, int i)
{

	return kp_map(p->p_m, (enum kp_arena)i);
}

static uint32_t
footprint(const struct probe *p, int i)
{

	return probe_vmmap(p, i)->vm_used - p->p_map[i].pm_base;
}

/*
 * The ledger's call for a process other than the last one
 * (kp_held_add()): bytes PID holds in ARENA, the counter kept after.
 * Only this adds to p_held[arena], and it resets the kept counter, so
 * that pointer stays valid however the table grows; nothing is ever
 * deleted from it.
 */
static void
held_find(struct kp_ledger *l, enum kp_arena arena, uint32_t pid,
    int64_t bytes)
{
	struct probe *p = l->kl_arg;
	struct kp_account *a = &l->kl_acct[arena];

	if ((a->ka_heldv = u32tab_ref(&p->p_held[arena], pid)) == NULL) {
		a->ka_heldpid = KP_NOPID;
		p->p_oom = 1;
		return;
	}
	a->ka_heldpid = pid;
	*a->ka_heldv += (uint64_t)bytes;
}

const char *const probe_resultnames[PR_NRESULTS] = { "ok", "refused" };

void
probe_seriesname(char *buf, size_t len, int op, int result)
{

	snprintf(buf, len, "%s%s%s", kp_opnames[op], result == PR_OK ? "" :
	    ".", result == PR_OK ? "" : probe_resultnames[result]);
}

static void
probe_latency(void *arg, enum kp_op op, enum kp_arena arena, uint64_t ticks,
    int failed)
{
	struct probe *p = arg;
	uint64_t ns = ticks;

	if (p->p_m->m_kptimer.kt_method == KC_TSC)
		/* A read on another core can be a few ticks behind. */
		ns = (int64_t)ticks < 0 ? 0 :
		    (uint64_t)((double)ticks * p->p_ns_per_tick + 0.5);
	/*
	 * A call timed in the sample stands for the kt_every calls of its
	 * period, the first ones for themselves (kprobe.h), so that the
	 * histogram counts every call and its quantiles are those of all.
	 */
	hist_addn(&p->p_lat[failed ? PR_REFUSED : PR_OK][op][arena], ns,
	    ++p->p_ntimed[op] <= p->p_clock->ki_first ? 1 :
	    p->p_clock->ki_every);
	p->p_ncalls++;
}

/*
 * The process holding the most of ARENA (0 if none holds any), by a
 * walk of every counter; its bytes in *BESTV.
 */
static uint32_t
biggest_walk(const struct probe *p, int arena, uint64_t *bestv)
{
	const struct u32tab *t = &p->p_held[arena];
	uint64_t best = 0;
	uint32_t pid = 0;
	size_t i;

	U32TAB_FOREACH(t, i)
		if (t->ut_vals[i] > best ||
		    (t->ut_vals[i] == best && best > 0 && t->ut_keys[i] < pid)) {
			best = t->ut_vals[i];
			pid = t->ut_keys[i];
		}
	*bestv = best;
	return pid;
}

/*
 * The same, as the ledger keeps it (kp_best_note()): a walk only after
 * the leader's bytes fell.  A refused call under attack asked for a
 * walk of every process's counter each time: half of under-attack's
 * replay under canfail on i386-32M.
 */
static uint32_t
biggest_holder(struct probe *p, int arena)
{
	struct kp_account *a = &p->p_ledger.kl_acct[arena];

	if (a->ka_beststale) {
		a->ka_bestpid = biggest_walk(p, arena, &a->ka_bestv);
		a->ka_beststale = 0;
	}
	return a->ka_bestv > 0 ? a->ka_bestpid : 0;
}

int
probe_check(struct probe *p, char *err, size_t errlen)
{
	uint64_t v;
	uint32_t pid;
	int i;

	/* Without a ledger there is nothing kept to check. */
	if (p->p_oom)
		return 0;
	for (i = 0; i < PROBE_NMAPS; i++) {
		pid = biggest_walk(p, i, &v);
		if (biggest_holder(p, i) != pid ||
		    p->p_ledger.kl_acct[i].ka_bestv != v) {
			snprintf(err, errlen, "%s: the biggest holder kept is "
			    "PID %" PRIu32 " with %" PRIu64 " bytes, a walk "
			    "finds PID %" PRIu32 " with %" PRIu64,
			    probe_vmmap(p, i)->vm_name,
			    p->p_ledger.kl_acct[i].ka_bestpid,
			    p->p_ledger.kl_acct[i].ka_bestv, pid, v);
			return -1;
		}
	}
	return 0;
}

static void
probe_refused(void *arg, enum kp_arena arena, uint64_t size,
    const char *reason)
{
	struct probe *p = arg;

	p->p_map[arena].pm_refused++;
	if (!p->p_refused) {
		p->p_refused = 1;
		p->p_why = "refused";
		p->p_ref_event = p->p_event;
		p->p_ref_size = size;
		p->p_ref_pid = p->p_ledger.kl_pid;
		p->p_ref_arena = arena;
		p->p_ref_reason = reason;
	}
	p->p_culprit = biggest_holder(p, arena);
	if (p->p_culprit != 0 && p->p_culprit != p->p_ledger.kl_pid)
		p->p_collateral++;
}

static const struct kprobe_ops probe_ops = {
	.kp_latency = probe_latency,
	.kp_refused = probe_refused,
};

void
probe_attach(struct probe *p, struct machine *m, int latency, uint64_t every)
{
	struct kp_ledger *l = &p->p_ledger;
	int i;

	memset(p, 0, sizeof(*p));
	p->p_m = m;
	p->p_latency = latency;
	p->p_every = every ? every : 1;
	p->p_nextsample = p->p_every;
	for (i = 0; i < PR_NRESULTS * KP_NOPS * KA_NARENAS; i++)
		hist_init(&p->p_lat[i / (KP_NOPS * KA_NARENAS)]
		    [i / KA_NARENAS % KP_NOPS][i % KA_NARENAS]);
	for (i = 0; i < PROBE_NMAPS; i++) {
		const struct vm_map *map = probe_vmmap(p, i);

		p->p_map[i].pm_base = map->vm_used;
		p->p_map[i].pm_seen_peak = map->vm_peak;
		p->p_map[i].pm_min_headroom = map->vm_npages - map->vm_peak;
		p->p_seen_peaks += map->vm_peak;
		l->kl_acct[i].ka_used_at_peak = map->vm_used;
		l->kl_acct[i].ka_heldpid = KP_NOPID;
	}
	/*
	 * The records: a word per 8 bytes of kernel space, reserved like
	 * the space itself; the host backs the pages that get written.
	 */
	if ((l->kl_rec = host_reserve(m->m_kvalen)) == NULL) {
		/* No probes at all: the figures say they are partial. */
		p->p_oom = 1;
		return;
	}
	l->kl_held = held_find;
	l->kl_arg = p;
	if (latency) {
		const struct kp_clockinfo *ki = kp_clock_host();
		int op;

		p->p_overhead_ns = ki->ki_overhead_ns;
		p->p_ns_per_tick = ki->ki_ns_per_tick;
		p->p_clock = ki;
		m->m_kptimer.kt_method = ki->ki_method;
		m->m_kptimer.kt_every = ki->ki_every;
		/* The next call is timed, and ki_first calls in all. */
		for (op = 0; op < KP_NOPS; op++) {
			m->m_kptimer.kt_left[op] = 1;
			m->m_kptimer.kt_first[op] = ki->ki_first - 1;
		}
	}
	m->m_kprobe = &probe_ops;
	m->m_kprobe_arg = p;
	m->m_probe_lat = latency;
	m->m_kledger = l;
}

void
probe_detach(struct probe *p)
{
	int i;

	if (p->p_m != NULL) {
		p->p_m->m_kprobe = NULL;
		p->p_m->m_probe_lat = 0;
		p->p_m->m_kledger = NULL;
		if (p->p_ledger.kl_rec != NULL)
			(void)munmap(p->p_ledger.kl_rec, p->p_m->m_kvalen);
	}
	p->p_ledger.kl_rec = NULL;
	for (i = 0; i < PROBE_NMAPS; i++)
		u32tab_free(&p->p_held[i]);
	free(p->p_samples);
	p->p_samples = NULL;
}

static void
probe_sample(struct probe *p, const char *why)
{
	const struct machine *m = p->p_m;
	struct probe_sample *s;
	const struct pool *pp;
	int i;

	if (p->p_nsamples == p->p_samplecap) {
		size_t n = p->p_samplecap ? 2 * p->p_samplecap : 256;
		struct probe_sample *ns = realloc(p->p_samples,
		    n * sizeof(*ns));

		if (ns == NULL) {
			p->p_oom = 1;
			return;
		}
		p->p_samples = ns;
		p->p_samplecap = n;
	}
	s = &p->p_samples[p->p_nsamples++];
	memset(s, 0, sizeof(*s));
	s->ps_event = p->p_event;
	s->ps_time = p->p_time;
	s->ps_why = why;
	for (i = 0; i < PROBE_NMAPS; i++) {
		const struct vm_map *map = probe_vmmap(p, i);

		s->ps_map[i].footprint = footprint(p, i);
		s->ps_map[i].live = p->p_ledger.kl_acct[i].ka_live;
		s->ps_map[i].waste = p->p_ledger.kl_acct[i].ka_given -
		    p->p_ledger.kl_acct[i].ka_live;
		s->ps_map[i].largest = vm_map_largest_free(map);
		s->ps_map[i].freepages = map->vm_npages - map->vm_used;
	}
	/*
	 * Kept by the kernel as pages change hands, never walked here
	 * (kern_malloc.c, vm_map.c): a sample costs the same on any
	 * machine.  run --check compares both with a walk (kcheck.c).
	 */
	s->ps_map[KA_KMEM].freeheld = m->m_kmem.bucketfree;
	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next)
		s->ps_map[kp_arena(m, pp->pr_map)].freeheld +=
		    (uint32_t)pp->pr_nidle;
	s->ps_wired = m->m_wired;
}

/*
 * PROBE_MAXEVERY periodic samples: double the period, and keep of them
 * those on the new one (and every sample an outcome change took), so
 * that the series, and the replay's memory, stop growing with the trace.
 */
static void
thin_samples(struct probe *p)
{
	size_t i, n = 0;

	p->p_every *= 2;
	p->p_nevery = 0;
	for (i = 0; i < p->p_nsamples; i++) {
		const struct probe_sample *s = &p->p_samples[i];

		if (strcmp(s->ps_why, "every") == 0) {
			if (s->ps_event % p->p_every != 0)
				continue;
			p->p_nevery++;
		}
		p->p_samples[n++] = *s;
	}
	p->p_nsamples = n;
}

void
probe_moved(struct probe *p, const char *why)
{
	int i;

	if (why == NULL)
		why = p->p_why;
	p->p_why = NULL;
	p->p_seen_peaks = 0;
	for (i = 0; i < PROBE_NMAPS; i++) {
		const struct vm_map *map = probe_vmmap(p, i);
		struct probe_map *pm = &p->p_map[i];

		if (map->vm_peak != pm->pm_seen_peak) {
			pm->pm_seen_peak = map->vm_peak;
			pm->pm_min_headroom = map->vm_npages - map->vm_peak;
			pm->pm_min_headroom_event = p->p_event;
		}
		if (map->vm_peak - pm->pm_base > pm->pm_peak_fp)
			pm->pm_peak_fp = map->vm_peak - pm->pm_base;
		p->p_seen_peaks += map->vm_peak;
	}
	/* Every p_every-th event, without a division each event. */
	if (why != NULL)
		probe_sample(p, why);
	else if (p->p_event >= p->p_nextsample) {
		if (p->p_event == p->p_nextsample) {
			probe_sample(p, "every");
			if (++p->p_nevery >= PROBE_MAXEVERY)
				thin_samples(p);
		}
		p->p_nextsample = (p->p_event / p->p_every + 1) * p->p_every;
	}
}

void
probe_finish(struct probe *p, const struct replay *r)
{
	uint32_t culprit = 0;
	uint64_t best = 0, v;
	size_t i;

	probe_moved(p, "end");
	if (!r->r_panicked)
		return;
	/* Whoever holds the most of both maps brought the machine down. */
	U32TAB_FOREACH(&p->p_held[KA_KMEM], i) {
		uint32_t pid = p->p_held[KA_KMEM].ut_keys[i];
		uint64_t k = 0;

		v = p->p_held[KA_KMEM].ut_vals[i];
		if (u32tab_get(&p->p_held[KA_KERNEL], pid, &k))
			v += k;
		if (v > best || (v == best && pid < culprit)) {
			best = v;
			culprit = pid;
		}
	}
	p->p_culprit = culprit;
	p->p_collateral_panic = culprit != 0 && culprit != r->r_panic_pid;
}

uint32_t
probe_fp_at_peak_live(const struct probe *p, int i)
{

	return p->p_ledger.kl_acct[i].ka_used_at_peak - p->p_map[i].pm_base;
}

double
probe_jw3(const struct probe *p, int i)
{
	uint64_t peak = p->p_ledger.kl_acct[i].ka_peak_live;

	if (peak == 0)
		return 0;
	return (double)probe_fp_at_peak_live(p, i) * p->p_m->m_pagesize /
	    (double)peak;
}

double
probe_jw4(const struct probe *p, int i)
{
	uint64_t peak = p->p_ledger.kl_acct[i].ka_peak_live;

	if (peak == 0)
		return 0;
	return (double)p->p_map[i].pm_peak_fp * p->p_m->m_pagesize /
	    (double)peak;
}

/* External fragmentation of map I now: 1 - largest free / free. */
static double
extfrag(const struct probe *p, int i)
{
	const struct vm_map *map = probe_vmmap(p, i);
	uint32_t freepages = map->vm_npages - map->vm_used;

	if (freepages == 0)
		return 0;
	return 1.0 - (double)vm_map_largest_free(map) / freepages;
}

void
probe_json(struct json *j, const struct probe *p)
{
	int op, a, i, res;

	json_array(j, "latency");
	for (res = 0; res < PR_NRESULTS; res++)
	for (op = 0; op < KP_NOPS; op++)
		for (a = 0; a < KA_NARENAS; a++) {
			const struct hist *h = &p->p_lat[res][op][a];

			if (h->h_count == 0)
				continue;
			json_object(j, NULL);
			json_string(j, "op", kp_opnames[op]);
			json_string(j, "arena", kp_arenanames[a]);
			json_string(j, "result", probe_resultnames[res]);
			json_uint(j, "count", h->h_count);
			json_uint(j, "p50", hist_quantile(h, 0.50));
			json_uint(j, "p90", hist_quantile(h, 0.90));
			json_uint(j, "p99", hist_quantile(h, 0.99));
			json_uint(j, "p999", hist_quantile(h, 0.999));
			json_uint(j, "max", h->h_max);
			json_end(j);
		}
	json_end(j);
	json_object(j, "probe_overhead");
	json_double(j, "ns_per_call", p->p_overhead_ns);
	json_uint(j, "calls", p->p_ncalls);
	json_end(j);
	if (p->p_clock != NULL) {
		json_object(j, "clock");
		json_string(j, "method",
		    kp_clock_methodname(p->p_clock->ki_method));
		json_double(j, "ticks_per_ns", p->p_clock->ki_ticks_per_ns);
		json_uint(j, "first", p->p_clock->ki_first);
		json_uint(j, "every", p->p_clock->ki_every);
		json_string(j, "how", p->p_clock->ki_how);
		json_end(j);
	}
	json_object(j, "fragmentation");
	for (i = 0; i < PROBE_NMAPS; i++) {
		const struct probe_map *pm = &p->p_map[i];
		const struct kp_account *ka = &p->p_ledger.kl_acct[i];

		json_object(j, kp_arenanames[i]);
		json_uint(j, "peak_footprint_pages", pm->pm_peak_fp);
		json_uint(j, "peak_live_bytes", ka->ka_peak_live);
		json_uint(j, "footprint_at_peak_live_pages",
		    probe_fp_at_peak_live(p, i));
		json_double(j, "jw3", probe_jw3(p, i));
		json_double(j, "jw4", probe_jw4(p, i));
		json_uint(j, "live_bytes_end", ka->ka_live);
		json_uint(j, "waste_bytes_end", ka->ka_given - ka->ka_live);
		json_double(j, "external_end", extfrag(p, i));
		json_end(j);
	}
	json_uint(j, "samples", p->p_nsamples);
	json_end(j);
	json_object(j, "exhaustion");
	if (p->p_refused) {
		json_object(j, "first_refused");
		json_uint(j, "event", p->p_ref_event);
		json_uint(j, "size", p->p_ref_size);
		json_string(j, "map", kp_arenanames[p->p_ref_arena]);
		json_string(j, "reason", p->p_ref_reason);
		json_uint(j, "pid", p->p_ref_pid);
		json_end(j);
	} else
		json_null(j, "first_refused");
	for (i = 0; i < PROBE_NMAPS; i++) {
		json_object(j, kp_arenanames[i]);
		json_uint(j, "min_headroom_pages", p->p_map[i].pm_min_headroom);
		json_uint(j, "min_headroom_event",
		    p->p_map[i].pm_min_headroom_event);
		json_uint(j, "refused", p->p_map[i].pm_refused);
		json_end(j);
	}
	json_uint(j, "collateral_refusals", p->p_collateral);
	json_bool(j, "collateral_panic", p->p_collateral_panic);
	json_end(j);
}

void
probe_text(FILE *f, const struct probe *p)
{
	int op, a, i, res, said = 0;

	if (p->p_latency) {
		fprintf(f, "\n  %-12s %-10s %9s %8s %8s %8s %8s %9s\n",
		    "latency (ns)", "arena", "calls", "p50", "p90", "p99",
		    "p99.9", "max");
		for (res = 0; res < PR_NRESULTS; res++)
		for (op = 0; op < KP_NOPS; op++)
			for (a = 0; a < KA_NARENAS; a++) {
				const struct hist *h = &p->p_lat[res][op][a];

				if (h->h_count == 0)
					continue;
				if (res == PR_REFUSED && !said) {
					fprintf(f, "  refused calls (an error "
					    "returned), apart:\n");
					said = 1;
				}
				fprintf(f, "  %-12s %-10s %9" PRIu64 " %8" PRIu64
				    " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
				    " %9" PRIu64 "\n", kp_opnames[op],
				    kp_arenanames[a], h->h_count,
				    hist_quantile(h, 0.5), hist_quantile(h, 0.9),
				    hist_quantile(h, 0.99),
				    hist_quantile(h, 0.999), h->h_max);
			}
		fprintf(f, "  probes: %" PRIu64 " timed calls, about %.0f ns "
		    "each of overhead\n", p->p_ncalls, p->p_overhead_ns);
		if (p->p_clock != NULL && p->p_clock->ki_method == KC_TSC)
			fprintf(f, "  clock: cycle counter at %.4f ticks/ns",
			    p->p_clock->ki_ticks_per_ns);
		else if (p->p_clock != NULL)
			fprintf(f, "  clock: CLOCK_MONOTONIC (%s)",
			    p->p_clock->ki_how);
		if (p->p_clock != NULL && p->p_clock->ki_every == 1)
			fprintf(f, "; every call timed\n");
		else if (p->p_clock != NULL)
			fprintf(f, "; the first %" PRIu32 " calls of each op "
			    "timed, then 1 in %" PRIu32 "\n",
			    p->p_clock->ki_first, p->p_clock->ki_every);
	}
	fprintf(f, "\n  %-11s %9s %12s %6s %6s %8s %10s\n", "fragment.",
	    "peak pages", "peak live", "J&W3", "J&W4", "ext.end",
	    "headroom");
	for (i = 0; i < PROBE_NMAPS; i++)
		fprintf(f, "  %-11s %9" PRIu32 " %12" PRIu64 " %6.2f %6.2f "
		    "%8.3f %10" PRIu32 "\n", kp_arenanames[i],
		    p->p_map[i].pm_peak_fp, p->p_ledger.kl_acct[i].ka_peak_live,
		    probe_jw3(p, i), probe_jw4(p, i), extfrag(p, i),
		    p->p_map[i].pm_min_headroom);
	if (p->p_refused)
		fprintf(f, "  first refused: event %" PRIu64 ", pid %" PRIu32
		    ", %" PRIu64 " bytes in %s: %s\n", p->p_ref_event,
		    p->p_ref_pid, p->p_ref_size,
		    kp_arenanames[p->p_ref_arena], p->p_ref_reason);
	fprintf(f, "  collateral: %" PRIu64 " refusals of bystanders%s\n",
	    p->p_collateral, p->p_collateral_panic ?
	    "; the panic struck a bystander" : "");
	if (p->p_oom)
		fprintf(f, "  (host memory ran short: some figures are "
		    "partial)\n");
}
