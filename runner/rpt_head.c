/*
 * rpt_head.c: the report's headline figures, one column per strategy:
 * survival over every case shown, then the figures of one trace on one
 * machine (the selection's headline trace and machine): the most
 * descriptors, kmem_map's peak, Johnstone and Wilson's measures 3 and 4
 * where enough is live to mean something, and the latency of malloc(9)
 * and fdexpand, successful calls only, with the spread over
 * repetitions and host stalls marked (docs/metrics.md).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "rpt.h"

#define CELLW	RPT_HLCELLW
#define MAXROWS	RPT_HLROWS

#define hl	rpt_hl

static char (*newrow(struct hl *h, const char *label))[CELLW + 1]
{
	int i = h->h_nrows < MAXROWS ? h->h_nrows++ : MAXROWS - 1;

	snprintf(h->h_label[i], sizeof(h->h_label[i]), "%s", label);
	return h->h_cell[i];
}

/* Latest cases of every trace and machine shown that survived, not
 * hung and not with kmem_map exhausted, over all of them. */
static int
survival(struct rpt *r, struct hl *h)
{
	struct exp_machine m[EXP_MAXMACH];
	const struct sel *s = &r->r_sel;
	char (*c)[CELLW + 1] = newrow(h, "survived, all cases");
	int surv, total, i, t, j, n, rc;
	const char *o;
	char buf[32];
	int64_t id;

	for (i = 0; i < s->s_nstrat; i++) {
		surv = total = 0;
		for (t = 0; t < s->s_ntrace; t++) {
			if ((n = exp_machines(r->r_db, s, s->s_trace[t], m,
			    EXP_MAXMACH, r->r_why, sizeof(r->r_why))) < 0)
				return -1;
			for (j = 0; j < n; j++) {
				rc = exp_case(r->r_db, s->s_strat[i],
				    m[j].em_name, s->s_trace[t], &id,
				    r->r_why, sizeof(r->r_why));
				if (rc < 0)
					return -1;
				if (rc == 0)
					continue;
				if ((o = exp_outcome(r->r_db, id)) == NULL)
					return -1;
				total++;
				surv += strcmp(o, "survived") == 0;
			}
		}
		snprintf(buf, sizeof(buf), "%d/%d", surv, total);
		snprintf(c[i], CELLW + 1, "%.*s", CELLW, buf);
	}
	return 0;
}

/* Result NAME of the latest headline case of each strategy. */
static int
results(struct rpt *r, double *v, const char *name)
{
	const struct sel *s = &r->r_sel;
	int64_t id;
	int i, rc;

	for (i = 0; i < s->s_nstrat; i++) {
		v[i] = NAN;
		rc = exp_case(r->r_db, s->s_strat[i], s->s_hlmachine,
		    s->s_hltrace, &id, r->r_why, sizeof(r->r_why));
		if (rc < 0)
			return -1;
		if (rc == 1 && exp_result(r->r_db, id, name, &v[i]) != 1)
			v[i] = NAN;
	}
	return 0;
}

static int
scalar(struct rpt *r, struct hl *h, const char *label, const char *name,
    const char *fmt)
{
	double v[SEL_MAXSTRAT];
	char (*c)[CELLW + 1];
	int i;

	if (results(r, v, name) != 0)
		return -1;
	c = newrow(h, label);
	for (i = 0; i < r->r_sel.s_nstrat; i++)
		rpt_num(c[i], CELLW + 1, v[i], fmt);
	return 0;
}

/*
 * J&W measure K of kmem_map where its peak live bytes reach
 * RPT_JW_MINPAGES pages; WHY lists the strategies left out.
 */
static int
jw(struct rpt *r, struct hl *h, int k, char *why, size_t whylen)
{
	double v[SEL_MAXSTRAT], live[SEL_MAXSTRAT];
	const struct sel *s = &r->r_sel;
	char (*c)[CELLW + 1], label[32], name[32];
	size_t n = 0;
	int i;

	snprintf(name, sizeof(name), "kmem_map.jw%d", k);
	if (results(r, v, name) != 0 ||
	    results(r, live, "kmem_map.peak_live_bytes") != 0)
		return -1;
	snprintf(label, sizeof(label), "J&W measure %d, kmem_map", k);
	c = newrow(h, label);
	*why = '\0';
	for (i = 0; i < s->s_nstrat; i++) {
		/* 4 KiB pages: the i386 profiles'. */
		if (!isnan(live[i]) && live[i] < RPT_JW_MINPAGES * 4096.0) {
			v[i] = NAN;
			if (k == 4 && n + 2 < whylen)
				n += (size_t)snprintf(why + n, whylen - n,
				    "%s%s %.0f bytes", n ? ", " : "",
				    s->s_strat[i], live[i]);
		}
		rpt_num(c[i], CELLW + 1, v[i], "%.3f");
	}
	return 0;
}

/* Latency rows of SERIES: p50 (when P50), p99 and its spread, max. */
static int
hl_latency(struct rpt *r, struct hl *h, const char *op, const char *series,
    int p50, int *nreps, int *stalls)
{
	struct exp_lat el[SEL_MAXSTRAT];
	const struct sel *s = &r->r_sel;
	char (*c)[CELLW + 1], label[32], lo[16], hi[16];
	int i, rc, have[SEL_MAXSTRAT];

	for (i = 0; i < s->s_nstrat; i++) {
		rc = exp_latency(r->r_db, s->s_strat[i], s->s_hlmachine,
		    s->s_hltrace, series, &el[i], r->r_why, sizeof(r->r_why));
		if (rc < 0)
			return -1;
		have[i] = rc;
		if (rc && el[i].el_nreps > *nreps)
			*nreps = el[i].el_nreps;
	}
	if (p50) {
		snprintf(label, sizeof(label), "%s p50 (ns)", op);
		c = newrow(h, label);
		for (i = 0; i < s->s_nstrat; i++)
			rpt_num(c[i], CELLW + 1, have[i] ? el[i].el_q[0] : NAN,
			    "%.0f");
	}
	snprintf(label, sizeof(label), "%s p99 (ns)", op);
	c = newrow(h, label);
	for (i = 0; i < s->s_nstrat; i++)
		rpt_num(c[i], CELLW + 1, have[i] ? el[i].el_q[1] : NAN,
		    "%.0f");
	c = newrow(h, "  least-greatest");
	for (i = 0; i < s->s_nstrat; i++)
		if (have[i])
			snprintf(c[i], CELLW + 1, "%s-%s", rpt_ns(lo,
			    sizeof(lo), el[i].el_lo[1]), rpt_ns(hi, sizeof(hi),
			    el[i].el_hi[1]));
		else
			snprintf(c[i], CELLW + 1, "-");
	snprintf(label, sizeof(label), "%s max (ns)", op);
	c = newrow(h, label);
	for (i = 0; i < s->s_nstrat; i++) {
		if (have[i] && el[i].el_stalls > 0) {
			snprintf(c[i], CELLW + 1, "stall");
			(*stalls)++;
		} else
			rpt_num(c[i], CELLW + 1, have[i] ? el[i].el_q[3] :
			    NAN, "%.0f");
	}
	return 0;
}

/* Calls of SERIES in the headline cases (every repetition). */
static int
calls(struct rpt *r, struct hl *h, const char *label, const char *series)
{
	const struct sel *s = &r->r_sel;
	char (*c)[CELLW + 1] = newrow(h, label);
	struct exp_lat el;
	int i, rc;

	for (i = 0; i < s->s_nstrat; i++) {
		rc = exp_latency(r->r_db, s->s_strat[i], s->s_hlmachine,
		    s->s_hltrace, series, &el, r->r_why, sizeof(r->r_why));
		if (rc < 0)
			return -1;
		rpt_num(c[i], CELLW + 1, rc == 1 ? (double)el.el_count /
		    el.el_nreps : 0, "%.0f");
	}
	return 0;
}

static void
print(struct rpt *r, const struct hl *h)
{
	const struct sel *s = &r->r_sel;
	int i, k, i0, i1;

	for (i0 = 0; i0 < s->s_nstrat; i0 = i1) {
		i1 = r->r_md ? s->s_nstrat : i0 + RPT_HLCOLS < s->s_nstrat ?
		    i0 + RPT_HLCOLS : s->s_nstrat;
		if (r->r_md) {
			printf("| |");
			for (i = i0; i < i1; i++)
				printf(" %s |", s->s_strat[i]);
			printf("\n|---|");
			for (i = i0; i < i1; i++)
				printf("---:|");
			printf("\n");
		} else {
			printf("%-24s", "");
			for (i = i0; i < i1; i++)
				printf(" %*s", CELLW, s->s_strat[i]);
			printf("\n");
		}
		for (k = 0; k < h->h_nrows; k++) {
			if (r->r_md) {
				printf("| %s |", h->h_label[k]);
				for (i = i0; i < i1; i++)
					printf(" %s |", h->h_cell[k][i]);
			} else {
				printf("%-24s", h->h_label[k]);
				for (i = i0; i < i1; i++)
					printf(" %*s", CELLW, h->h_cell[k][i]);
			}
			printf("\n");
		}
		printf("\n");
	}
}

int
rpt_hl_build(struct rpt *r, struct rpt_hl *h)
{
	const struct sel *s = &r->r_sel;
	char jwwhy[512], *note = h->h_note;
	int attack = strcmp(s->s_hltrace, "pr14721") == 0;
	int nreps = 0, stalls = 0;
	size_t n, len = sizeof(h->h_note);

	memset(h, 0, sizeof(*h));
	if (survival(r, h) != 0 ||
	    scalar(r, h, attack ? "attacker's most fds" :
	    "most fds, one process", "max_fds", "%.0f") != 0 ||
	    scalar(r, h, "kmem_map peak pages", "kmem_map.peak_pages",
	    "%.0f") != 0 ||
	    jw(r, h, 3, jwwhy, sizeof(jwwhy)) != 0 ||
	    jw(r, h, 4, jwwhy, sizeof(jwwhy)) != 0 ||
	    hl_latency(r, h, "malloc", "malloc", 0, &nreps, &stalls) != 0 ||
	    hl_latency(r, h, "fdexpand", "fdexpand", 0, &nreps, &stalls) != 0 ||
	    calls(r, h, "fdexpand calls", "fdexpand") != 0 ||
	    calls(r, h, "  refused", "fdexpand.refused") != 0)
		return -1;
	n = (size_t)snprintf(note, len, "Survival: the latest case "
	    "of every machine and trace shown; hung, and kmem_map exhausted, "
	    "count as not survived.  The rest: %s on %s, the latest case.  "
	    "J&W measures 3 and 4 (Johnstone and Wilson): kmem_map's "
	    "footprint when its live bytes peaked (3), and its peak "
	    "footprint (4), over its peak live bytes; 1 is no "
	    "fragmentation.  They are shown where the peak live bytes reach "
	    "%d pages (%d KiB), else \"-\"", s->s_hltrace, s->s_hlmachine,
	    RPT_JW_MINPAGES, RPT_JW_MINPAGES * 4);
	if (*jwwhy != '\0' && n < len)
		n += (size_t)snprintf(note + n, len - n, " (%s)", jwwhy);
	if (n < len)
		n += (size_t)snprintf(note + n, len - n, ".  Latency: "
		    "successful calls only; the median over the %d "
		    "repetition%s of the latest commit, and below it the least "
		    "and the greatest.  fdexpand calls: per repetition; "
		    "refused ones are timed apart (fdexpand.refused).", nreps,
		    nreps == 1 ? "" : "s");
	if (stalls > 0 && n < len)
		snprintf(note + n, len - n, "  stall: a max over %d times the "
		    "p99.9, a host stall rather than the allocator's cost "
		    "(docs/metrics.md).", EXP_STALL);
	return 0;
}

int
rpt_headlines(struct rpt *r)
{
	const struct sel *s = &r->r_sel;
	struct hl *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(r->r_why, sizeof(r->r_why), "out of memory");
		return -1;
	}
	if (r->r_md)
		printf("## Headline figures: %s on %s\n\n", s->s_hltrace,
		    s->s_hlmachine);
	else
		printf("Headline figures: %s on %s\n\n", s->s_hltrace,
		    s->s_hlmachine);
	if (rpt_hl_build(r, h) != 0) {
		free(h);
		return -1;
	}
	print(r, h);
	rpt_para(r, h->h_note);
	free(h);
	return 0;
}
