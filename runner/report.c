/*
 * report.c: the summary of one replay, as text or as JSON.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/machine.h"
#include "../kernel/subr_pool.h"
#include "json.h"
#include "probe.h"
#include "replay.h"
#include "report.h"

static const char *
state_name(enum rstate s)
{

	switch (s) {
	case RS_RUNNING: return "running";
	case RS_ASLEEP: return "hung";
	case RS_EXITED: return "exited";
	default: return "never";	/* its spawn or fork was refused */
	}
}

const char *
report_outcome(const struct replay *r)
{

	return r->r_panicked ? "panic" : "survived";
}

long
report_nhung(const struct replay *r)
{
	size_t i;
	long n = 0;

	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL &&
		    r->r_procs[i]->rp_state == RS_ASLEEP)
			n++;
	return n;
}

static int
pidcmp(const void *a, const void *b)
{
	const struct rproc *x = *(const struct rproc *const *)a;
	const struct rproc *y = *(const struct rproc *const *)b;

	return x->rp_pid < y->rp_pid ? -1 : x->rp_pid > y->rp_pid;
}

/* The processes, by PID; the caller frees the array. */
static struct rproc **
sorted_procs(const struct replay *r, size_t *np)
{
	struct rproc **v;
	size_t i, n = 0;

	if ((v = calloc(r->r_nprocs + 1, sizeof(*v))) == NULL) {
		*np = 0;
		return NULL;
	}
	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL)
			v[n++] = r->r_procs[i];
	qsort(v, n, sizeof(*v), pidcmp);
	*np = n;
	return v;
}

static void
json_map(struct json *j, const char *name, const struct vm_map *map)
{

	json_object(j, name);
	json_uint(j, "pages", map->vm_npages);
	json_uint(j, "peak_pages", map->vm_peak);
	json_uint(j, "end_pages", map->vm_used);
	json_uint(j, "largest_free_end", vm_map_largest_free(map));
	json_end(j);
}

static void
json_errors(struct json *j, const long *errors)
{
	int k;

	json_object(j, "errors");
	for (k = 0; k < KE_NERR; k++)
		json_int(j, kerr_names[k], errors[k]);
	json_end(j);
}

void
report_json(FILE *f, const struct replay *r, const struct machine *m,
    const char *strategy)
{
	const struct kmem *k = &m->m_kmem;
	const struct pool *pp;
	struct rproc **procs;
	struct json j;
	char buf[64];
	size_t i, n;
	int t;

	json_init(&j, f, 0);
	json_object(&j, NULL);
	json_string(&j, "strategy", strategy);
	json_string(&j, "machine", m->m_prof.pr_name);
	json_string(&j, "trace", r->r_trace);
	json_uint(&j, "events", r->r_events);
	json_uint(&j, "skipped", r->r_skipped);
	json_string(&j, "outcome", report_outcome(r));
	if (r->r_panicked) {
		json_object(&j, "panic");
		json_string(&j, "message", m->m_panicstr);
		json_uint(&j, "event", r->r_panic_event);
		json_uint(&j, "pid", r->r_panic_pid);
		json_uint(&j, "time", r->r_panic_time);
		json_end(&j);
	} else
		json_null(&j, "panic");
	json_int(&j, "hung", report_nhung(r));
	json_object(&j, "maps");
	json_map(&j, "kmem_map", &m->m_kmem_map);
	json_map(&j, "kernel_map", &m->m_kernel_map);
	json_end(&j);
	json_object(&j, "phys");
	json_uint(&j, "pages", m->m_physpages);
	json_uint(&j, "peak_wired", m->m_peakwired);
	json_uint(&j, "end_wired", m->m_wired);
	json_end(&j);
	json_object(&j, "malloc_types");
	for (t = 0; t < k->ntypes; t++) {
		const struct kmemstats *ks = &k->kmemstats[t];

		json_object(&j, ks->ks_shortdesc);
		json_int(&j, "calls", ks->ks_calls);
		json_int(&j, "inuse", ks->ks_inuse);
		json_int(&j, "memuse", ks->ks_memuse);
		json_int(&j, "maxused", ks->ks_maxused);
		json_int(&j, "limit", ks->ks_limit);
		json_int(&j, "limblocks", ks->ks_limblocks);
		json_int(&j, "fails", ks->ks_fails);
		json_int(&j, "nointr_memuse", ks->ks_nointruse);
		json_end(&j);
	}
	json_end(&j);
	json_object(&j, "pools");
	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next) {
		json_object(&j, pp->pr_wchan);
		json_uint(&j, "size", pp->pr_size);
		json_string(&j, "map", pp->pr_map->vm_name);
		json_int(&j, "nget", pp->pr_nget);
		json_int(&j, "nput", pp->pr_nput);
		json_int(&j, "nfail", pp->pr_nfail);
		json_int(&j, "npages", pp->pr_npages);
		json_int(&j, "hiwat", pp->pr_hiwat);
		json_int(&j, "nidle", pp->pr_nidle);
		json_end(&j);
	}
	json_end(&j);
	json_object(&j, "procs");
	procs = sorted_procs(r, &n);
	for (i = 0; i < n; i++) {
		/* A process whose spawn or fork was refused never existed. */
		if (procs[i]->rp_state == RS_NEVER)
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu32, procs[i]->rp_pid);
		json_object(&j, buf);
		json_string(&j, "state", state_name(procs[i]->rp_state));
		json_int(&j, "max_fds", procs[i]->rp_max_fds);
		json_errors(&j, procs[i]->rp_errors);
		json_int(&j, "skipped", procs[i]->rp_skipped);
		if (procs[i]->rp_state == RS_ASLEEP) {
			json_string(&j, "wchan", procs[i]->rp_kp.p_wmesg ?
			    procs[i]->rp_kp.p_wmesg : "");
			json_uint(&j, "slept_at", procs[i]->rp_sleep_event);
		}
		json_end(&j);
	}
	json_end(&j);
	json_array(&j, "never_existed");
	for (i = 0; i < n; i++)
		if (procs[i]->rp_state == RS_NEVER)
			json_uint(&j, NULL, procs[i]->rp_pid);
	json_end(&j);
	free(procs);
	json_errors(&j, r->r_errors);
	if (r->r_probe != NULL)
		probe_json(&j, r->r_probe);
	json_end(&j);
}

void
report_brief(FILE *f, const struct replay *r, const struct machine *m,
    const char *strategy)
{
	char outcome[64];
	long maxfds = 0, refused = 0;
	size_t i;
	int e;

	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL && r->r_procs[i]->rp_max_fds > maxfds)
			maxfds = r->r_procs[i]->rp_max_fds;
	for (e = 0; e < KE_NERR; e++)
		refused += r->r_errors[e];
	if (r->r_panicked)
		snprintf(outcome, sizeof(outcome), "panic at event %" PRIu64,
		    r->r_panic_event);
	else
		snprintf(outcome, sizeof(outcome), "survived");
	fprintf(f, "%-11s %-10s %-28s %9ld %9ld %9ld %5" PRIu32 "/%-5" PRIu32
	    " %5" PRIu32 "/%-6" PRIu32 "\n", strategy, m->m_prof.pr_name,
	    outcome, maxfds, refused, report_nhung(r), m->m_kmem_map.vm_peak,
	    m->m_kmem_map.vm_npages, m->m_kernel_map.vm_peak,
	    m->m_kernel_map.vm_npages);
}

static void
text_map(FILE *f, const char *name, const struct vm_map *map,
    unsigned pageshift)
{

	fprintf(f, "  %-11s %8" PRIu32 " %8" PRIu32 " %8" PRIu32 " %8" PRIu32
	    "   %6.1f MiB\n", name, map->vm_npages, map->vm_peak,
	    map->vm_used, vm_map_largest_free(map),
	    (double)((uint64_t)map->vm_npages << pageshift) / 1048576.0);
}

void
report_text(FILE *f, const struct replay *r, const struct machine *m,
    const char *strategy)
{
	const struct kmem *k = &m->m_kmem;
	const struct pool *pp;
	struct rproc **procs;
	size_t i, n;
	int t, e;

	fprintf(f, "kmbench run: %s on %s, %s\n", strategy,
	    m->m_prof.pr_name, r->r_trace);
	fprintf(f, "  events   %" PRIu64 " replayed, %" PRIu64 " skipped\n",
	    r->r_events, r->r_skipped);
	if (r->r_panicked)
		fprintf(f, "  outcome  PANIC at event %" PRIu64 " (pid %"
		    PRIu32 "): %s\n", r->r_panic_event, r->r_panic_pid,
		    m->m_panicstr);
	else
		fprintf(f, "  outcome  survived, %ld process%s hung\n",
		    report_nhung(r), report_nhung(r) == 1 ? "" : "es");
	fprintf(f, "  errors  ");
	for (e = 0; e < KE_NERR; e++)
		fprintf(f, " %s %ld", kerr_names[e], r->r_errors[e]);
	fprintf(f, "\n\n");

	fprintf(f, "  map            pages     peak      end  largest   "
	    "size\n");
	text_map(f, "kmem_map", &m->m_kmem_map, m->m_pageshift);
	text_map(f, "kernel_map", &m->m_kernel_map, m->m_pageshift);
	fprintf(f, "  physmem     %8" PRIu32 " pages, peak wired %" PRIu32
	    ", wired at end %" PRIu32 "\n\n", m->m_physpages, m->m_peakwired,
	    m->m_wired);

	fprintf(f, "  %-14s %9s %7s %9s %9s %9s %6s %5s\n", "malloc type",
	    "calls", "inuse", "memuse", "maxused", "limit", "limblk",
	    "fails");
	for (t = 0; t < k->ntypes; t++) {
		const struct kmemstats *ks = &k->kmemstats[t];

		if (ks->ks_calls == 0)
			continue;
		fprintf(f, "  %-14s %9ld %7ld %8ldK %8ldK %8ldK %6ld %5ld\n",
		    ks->ks_shortdesc, ks->ks_calls, ks->ks_inuse,
		    (ks->ks_memuse + ks->ks_nointruse + 1023) / 1024,
		    (ks->ks_maxused + 1023) / 1024, ks->ks_limit / 1024,
		    ks->ks_limblocks, ks->ks_fails);
	}
	fprintf(f, "\n  %-10s %5s %-10s %9s %9s %6s %6s %5s\n", "pool",
	    "size", "map", "requests", "releases", "npages", "hiwat", "idle");
	for (pp = m->m_poollist; pp != NULL; pp = pp->pr_next) {
		if (pp->pr_nget == 0)
			continue;
		fprintf(f, "  %-10s %5" PRIu32 " %-10s %9ld %9ld %6ld %6ld "
		    "%5ld\n", pp->pr_wchan, pp->pr_size, pp->pr_map->vm_name,
		    pp->pr_nget, pp->pr_nput, pp->pr_npages, pp->pr_hiwat,
		    pp->pr_nidle);
	}
	procs = sorted_procs(r, &n);
	fprintf(f, "\n  %7s %-8s %8s", "pid", "state", "max_fds");
	for (e = 0; e < KE_NERR; e++)
		fprintf(f, " %7s", kerr_names[e]);
	fprintf(f, " %8s\n", "skipped");
	for (i = 0; i < n && i < 40; i++) {
		fprintf(f, "  %7" PRIu32 " %-8s %8ld", procs[i]->rp_pid,
		    state_name(procs[i]->rp_state), procs[i]->rp_max_fds);
		for (e = 0; e < KE_NERR; e++)
			fprintf(f, " %7ld", procs[i]->rp_errors[e]);
		fprintf(f, " %8ld", procs[i]->rp_skipped);
		if (procs[i]->rp_state == RS_ASLEEP &&
		    procs[i]->rp_kp.p_wmesg != NULL)
			fprintf(f, "  (asleep on %s since event %" PRIu64 ")",
			    procs[i]->rp_kp.p_wmesg,
			    procs[i]->rp_sleep_event);
		fprintf(f, "\n");
	}
	if (n > 40)
		fprintf(f, "  ... and %zu more (--json lists them all)\n",
		    n - 40);
	free(procs);
	if (r->r_probe != NULL)
		probe_text(f, r->r_probe);
}
