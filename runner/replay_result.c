/*
 * replay_result.c: what a replay produced, as the rows the store keeps
 * (replay_result.h): the named figures of the replay, the machine and
 * the probes; the latency histograms; the maps' time series; and each
 * process's state.  The figures' names and meanings are docs/metrics.md's.
 */
#include <stdio.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "../result/result.h"
#include "hist.h"
#include "probe.h"
#include "replay.h"
#include "replay_result.h"
#include "report.h"

static int
replay_figures(struct result *res, const struct replay *r,
    const struct probe *p)
{
	const struct machine *m = r->r_m;
	const struct kmem *k = &m->m_kmem;
	char name[RESULT_NAMEMAX];
	long maxfds = 0;
	size_t i;
	int e, t, bad = 0;

	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL && r->r_procs[i]->rp_max_fds > maxfds)
			maxfds = r->r_procs[i]->rp_max_fds;
#define R(n, v)	bad |= result_figure(res, (n), (double)(v), 1)
	R("events", r->r_events);
	R("skipped", r->r_skipped);
	R("panicked", r->r_panicked);
	R("panic_event", r->r_panicked ? r->r_panic_event : 0);
	R("hung", report_nhung(r));
	R("max_fds", maxfds);
	for (e = 0; e < KE_NERR; e++) {
		snprintf(name, sizeof(name), "errors.%s", kerr_names[e]);
		R(name, r->r_errors[e]);
	}
	R("kmem_map.peak_pages", m->m_kmem_map.vm_peak);
	R("kmem_map.end_pages", m->m_kmem_map.vm_used);
	R("kmem_map.largest_free_end", vm_map_largest_free(&m->m_kmem_map));
	R("kernel_map.peak_pages", m->m_kernel_map.vm_peak);
	R("kernel_map.end_pages", m->m_kernel_map.vm_used);
	R("kernel_map.largest_free_end",
	    vm_map_largest_free(&m->m_kernel_map));
	R("phys.peak_wired", m->m_peakwired);
	/* The largest M_WAITOK malloc, and the pages it needs. */
	R("kmem_map.waitok_max_bytes", k->waitok_max);
	R("kmem_map.waitok_max_pages", k->waitok_max == 0 ? 0 :
	    (malloc_allocsize(m, k->waitok_max) + m->m_pagesize - 1) >>
	    m->m_pageshift);
	for (t = 0; t < k->ntypes; t++) {
		snprintf(name, sizeof(name), "type.%s.maxused",
		    k->kmemstats[t].ks_shortdesc);
		R(name, k->kmemstats[t].ks_maxused);
		snprintf(name, sizeof(name), "type.%s.calls",
		    k->kmemstats[t].ks_shortdesc);
		R(name, k->kmemstats[t].ks_calls);
	}
	if (p != NULL) {
		for (t = 0; t < PROBE_NMAPS; t++) {
			const char *mn = kp_arenanames[t];

#define RM(what, v) do {						\
	snprintf(name, sizeof(name), "%s.%s", mn, what);		\
	R(name, v);							\
} while (0)
			RM("jw3", probe_jw3(p, t));
			RM("jw4", probe_jw4(p, t));
			RM("peak_live_bytes",
			    p->p_ledger.kl_acct[t].ka_peak_live);
			RM("peak_footprint_pages", p->p_map[t].pm_peak_fp);
			RM("min_headroom_pages", p->p_map[t].pm_min_headroom);
			RM("min_headroom_event",
			    p->p_map[t].pm_min_headroom_event);
			RM("refused", p->p_map[t].pm_refused);
#undef RM
		}
		R("first_refused_event", p->p_refused ? p->p_ref_event : 0);
		R("first_refused_size", p->p_refused ? p->p_ref_size : 0);
		R("collateral_refusals", p->p_collateral);
		R("collateral_panic", p->p_collateral_panic);
		/* Host time: not a function of the inputs. */
		if (p->p_latency)
			bad |= result_figure(res, "probe_overhead_ns",
			    p->p_overhead_ns, 0);
	}
#undef R
	return bad;
}

/* Successful calls as OP, refused ones as OP.refused (probe.h). */
static int
replay_latency(struct result *res, const struct probe *p)
{
	struct result_latency *l;
	int op, a, pr;

	for (pr = 0; pr < PR_NRESULTS; pr++)
	for (op = 0; op < KP_NOPS; op++)
		for (a = 0; a < KA_NARENAS; a++) {
			const struct hist *h = &p->p_lat[pr][op][a];
			size_t n = 0;
			unsigned i;

			if (h->h_count == 0)
				continue;
			for (i = 0; i < HIST_NBUCKETS; i++)
				n += h->h_bucket[i] != 0;
			if ((l = result_latency(res, n)) == NULL)
				return -1;
			probe_seriesname(l->rl_op, sizeof(l->rl_op), op, pr);
			l->rl_arena = kp_arenanames[a];
			l->rl_count = h->h_count;
			l->rl_p50 = hist_quantile(h, 0.5);
			l->rl_p90 = hist_quantile(h, 0.9);
			l->rl_p99 = hist_quantile(h, 0.99);
			l->rl_p999 = hist_quantile(h, 0.999);
			l->rl_max = h->h_max;
			l->rl_mean = (double)h->h_sum / (double)h->h_count;
			for (i = 0; i < HIST_NBUCKETS; i++)
				if (h->h_bucket[i] != 0) {
					l->rl_buckets[l->rl_nbuckets].rb_index =
					    (uint16_t)i;
					l->rl_buckets[l->rl_nbuckets++].rb_count =
					    h->h_bucket[i];
				}
		}
	return 0;
}

static int
replay_series(struct result *res, const struct probe *p)
{
	struct result_sample *rs;
	size_t i;
	int mi;

	if ((rs = result_samples(res, p->p_nsamples)) == NULL)
		return -1;
	for (i = 0; i < p->p_nsamples; i++, rs++) {
		const struct probe_sample *ps = &p->p_samples[i];

		rs->rs_event = ps->ps_event;
		rs->rs_time = ps->ps_time;
		rs->rs_why = ps->ps_why;
		for (mi = 0; mi < PROBE_NMAPS; mi++) {
			rs->rs_map[mi].footprint = ps->ps_map[mi].footprint;
			rs->rs_map[mi].live = ps->ps_map[mi].live;
			rs->rs_map[mi].waste = ps->ps_map[mi].waste;
			rs->rs_map[mi].freeheld = ps->ps_map[mi].freeheld;
			rs->rs_map[mi].largest = ps->ps_map[mi].largest;
			rs->rs_map[mi].freepages = ps->ps_map[mi].freepages;
		}
		rs->rs_wired = ps->ps_wired;
	}
	return 0;
}

/* The processes in the order of the replay's table. */
static int
replay_procs(struct result *res, const struct replay *r)
{
	static const char *const states[] = {
		[RS_RUNNING] = "running", [RS_ASLEEP] = "hung",
		[RS_EXITED] = "exited", [RS_NEVER] = "never"
	};
	struct result_proc *rp;
	size_t i, n = 0;
	int e;

	for (i = 0; i < r->r_cap; i++)
		n += r->r_procs[i] != NULL;
	if ((rp = result_procs(res, n)) == NULL)
		return -1;
	for (i = 0; i < r->r_cap; i++) {
		const struct rproc *q = r->r_procs[i];

		if (q == NULL)
			continue;
		rp->rp_pid = q->rp_pid;
		rp->rp_state = states[q->rp_state];
		rp->rp_max_fds = q->rp_max_fds;
		for (e = 0; e < KE_NERR; e++)
			rp->rp_errors[e] = q->rp_errors[e];
		rp->rp_skipped = q->rp_skipped;
		rp++;
	}
	return 0;
}

int
replay_result(struct result *res, const struct replay *r,
    const struct probe *p)
{

	res->res_prof = &r->r_m->m_prof;
	res->res_outcome = report_outcome(r);
	if (replay_figures(res, r, p) != 0 || replay_procs(res, r) != 0)
		return -1;
	if (p != NULL && (replay_latency(res, p) != 0 ||
	    replay_series(res, p) != 0))
		return -1;
	return 0;
}
