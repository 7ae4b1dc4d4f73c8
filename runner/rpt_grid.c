/*
 * rpt_grid.c: the report's outcome grid of one trace (strategy by
 * machine: survived, PANIC, hung or exhausted, and the most descriptors
 * one process held) and its table of cases (outcome, descriptors,
 * refused calls by errno, kmem_map's peak and least headroom).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "rpt.h"

static const char *const errnames[] = { "EMFILE", "ENFILE", "ENOMEM",
    "EBADF", "EAGAIN" };
#define NERRNAMES	(sizeof(errnames) / sizeof(errnames[0]))

const char *
rpt_num(char *buf, size_t len, double v, const char *fmt)
{

	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
	return buf;
}

const char *
rpt_ns(char *buf, size_t len, double v)
{
	static const char sfx[] = "kMG";
	int k;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v < 1e5) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	/* Three figures: 544k, 9.96M, 92.3M. */
	for (k = 0, v /= 1e3; v >= 999.5 && k < 2; k++)
		v /= 1e3;
	snprintf(buf, len, v >= 99.95 ? "%.0f%c" : v >= 9.995 ? "%.1f%c" :
	    "%.2f%c", v, sfx[k]);
	return buf;
}

void
rpt_para(struct rpt *r, const char *text)
{
	const char *p = text, *sp, *brk;
	int col;

	if (r->r_md) {
		printf("%s\n\n", text);
		return;
	}
	while (*p != '\0') {
		/* The last blank within 72 columns, or the first after. */
		for (brk = NULL, sp = p, col = 0; *sp != '\0'; sp++, col++) {
			if (*sp == ' ') {
				if (col > 72 && brk != NULL)
					break;
				brk = sp;
			}
			if (col >= 72 && brk != NULL)
				break;
		}
		if (*sp == '\0' && col <= 72)
			brk = sp;
		if (brk == NULL)
			brk = p + strlen(p);
		for (sp = brk; sp > p && sp[-1] == ' '; sp--)
			;
		printf("%.*s\n", (int)(sp - p), p);
		for (p = brk; *p == ' '; p++)
			;
	}
	printf("\n");
}

static int
stratwidth(const struct sel *s)
{
	int i, w = 10;

	for (i = 0; i < s->s_nstrat; i++)
		if ((int)strlen(s->s_strat[i]) > w)
			w = (int)strlen(s->s_strat[i]);
	return w;
}

const char rpt_exhausted_note[] = "exhausted: survived, but kmem_map's "
    "largest free extent at the end is smaller than the largest M_WAITOK "
    "malloc of the replay, granted or refused: the next request of that "
    "size from any caller without M_CANFAIL panics (Chuck Silvers' "
    "objection to M_CANFAIL).";

int
rpt_cell(struct rpt *r, const char *strategy, const char *machine,
    const char *wl, const char **o, double *fds)
{
	int64_t id;
	int rc;

	*o = NULL;
	*fds = NAN;
	rc = exp_case(r->r_db, strategy, machine, wl, &id, r->r_why,
	    sizeof(r->r_why));
	if (rc <= 0)
		return rc;
	if ((*o = exp_outcome(r->r_db, id)) == NULL)
		return -1;
	if (exp_result(r->r_db, id, "max_fds", fds) != 1)
		*fds = NAN;
	if (strcmp(*o, "panic") == 0)
		*o = "PANIC";
	return 1;
}

int
rpt_grid(struct rpt *r, const char *wl)
{
	struct exp_machine m[EXP_MAXMACH];
	const struct sel *s = &r->r_sel;
	const char *o;
	char buf[64];
	double fds;
	int n, i, j, j0, j1, rc, sw = stratwidth(s), exhausted = 0;
	int attack = strcmp(wl, "pr14721") == 0;

	if ((n = exp_machines(r->r_db, s, wl, m, EXP_MAXMACH, r->r_why,
	    sizeof(r->r_why))) < 0)
		return -1;
	if (r->r_md)
		printf(attack ? "## Outcome of the %s attack\n\n" :
		    "## Outcome of %s\n\n", wl);
	else if (attack)
		printf("Outcome of the %s attack, by strategy and physical "
		    "memory\n(survived, exhausted, PANIC or hung; below: the "
		    "most descriptors the\nattacker held)\n\n", wl);
	else
		printf("Outcome of %s, by strategy and physical memory\n"
		    "(below: the most descriptors one process held)\n\n", wl);
	if (n == 0) {
		printf("No %s cases in the store%s.\n\n", wl,
		    s->s_machine[0] ? " on that machine" : "");
		return 0;
	}
	for (j0 = 0; j0 < n; j0 = j1) {
		j1 = r->r_md ? n : (j0 + RPT_COLS < n ? j0 + RPT_COLS : n);
		if (r->r_md)
			printf("| strategy |");
		else
			printf("%-*s", sw, "strategy");
		for (j = j0; j < j1; j++)
			printf(r->r_md ? " %llu MiB |" : " %5llu MiB",
			    (unsigned long long)m[j].em_physmem_mib);
		printf("\n");
		if (r->r_md) {
			printf("|---|");
			for (j = j0; j < j1; j++)
				printf("---|");
			printf("\n");
		}
		for (i = 0; i < s->s_nstrat; i++) {
			if (r->r_md)
				printf("| %s |", s->s_strat[i]);
			else
				printf("%-*s", sw, s->s_strat[i]);
			for (j = j0; j < j1; j++) {
				if ((rc = rpt_cell(r, s->s_strat[i], m[j].em_name,
				    wl, &o, &fds)) < 0)
					return -1;
				if (o != NULL && strcmp(o, "exhausted") == 0)
					exhausted++;
				if (r->r_md)
					printf(" %s, %s fds |", o == NULL ?
					    "not run" : strcmp(o, "exhausted")
					    == 0 ? "survived, kmem_map "
					    "exhausted" : o, rpt_num(buf,
					    sizeof(buf), fds, "%.0f"));
				else
					printf(" %9s", o == NULL ? "-" : o);
			}
			printf("\n");
			if (r->r_md)
				continue;
			printf("%-*s", sw, "");
			for (j = j0; j < j1; j++) {
				if ((rc = rpt_cell(r, s->s_strat[i], m[j].em_name,
				    wl, &o, &fds)) < 0)
					return -1;
				printf(" %9s", rpt_num(buf, sizeof(buf), fds,
				    "%.0f"));
			}
			printf("\n");
		}
		printf("\n");
	}
	if (exhausted > 0)
		rpt_para(r, rpt_exhausted_note);
	return 0;
}

/* "ENOMEM 361600 EMFILE 3" of case ID into BUF ("-" when none). */
static void
refused(struct rpt *r, int64_t id, char *buf, size_t len)
{
	char name[32];
	size_t k, n = 0;
	double v;

	*buf = '\0';
	for (k = 0; k < NERRNAMES; k++) {
		snprintf(name, sizeof(name), "errors.%s", errnames[k]);
		if (exp_result(r->r_db, id, name, &v) == 1 && v > 0 &&
		    n + 2 < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s %.0f",
			    n ? " " : "", errnames[k], v);
	}
	if (n == 0)
		snprintf(buf, len, "-");
}

int
rpt_cases(struct rpt *r, const char *wl)
{
	struct exp_machine m[EXP_MAXMACH];
	const struct sel *s = &r->r_sel;
	char ref[256], fds[32], peak[32], room[32];
	const char *o;
	double v;
	int64_t id;
	int n, i, j, rc, sw = stratwidth(s), w;

	if ((n = exp_machines(r->r_db, s, wl, m, EXP_MAXMACH, r->r_why,
	    sizeof(r->r_why))) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (r->r_md)
		printf("### Cases of %s\n\n| strategy | machine | outcome | "
		    "most fds | kmem_map peak pages | least headroom pages | "
		    "refused calls |\n|---|---|---|---:|---:|---:|---|\n", wl);
	else
		printf("Cases of %s (kmem_map: peak pages and least headroom "
		    "in pages;\nrefused: calls refused, by errno)\n\n"
		    "%-*s %-9s %-9s %7s %5s %5s  %s\n", wl, sw, "strategy",
		    "machine", "outcome", "maxfds", "peak", "room",
		    "refused");
	for (j = 0; j < n; j++)
		for (i = 0; i < s->s_nstrat; i++) {
			rc = exp_case(r->r_db, s->s_strat[i], m[j].em_name,
			    wl, &id, r->r_why, sizeof(r->r_why));
			if (rc < 0)
				return -1;
			if (rc == 0)
				continue;
			if ((o = exp_outcome(r->r_db, id)) == NULL)
				return -1;
			if (strcmp(o, "panic") == 0)
				o = "PANIC";
			if (exp_result(r->r_db, id, "max_fds", &v) != 1)
				v = NAN;
			rpt_num(fds, sizeof(fds), v, "%.0f");
			if (exp_result(r->r_db, id, "kmem_map.peak_pages",
			    &v) != 1)
				v = NAN;
			rpt_num(peak, sizeof(peak), v, "%.0f");
			if (exp_result(r->r_db, id,
			    "kmem_map.min_headroom_pages", &v) != 1)
				v = NAN;
			rpt_num(room, sizeof(room), v, "%.0f");
			refused(r, id, ref, sizeof(ref));
			if (r->r_md) {
				printf("| %s | %s | %s | %s | %s | %s | %s |\n",
				    s->s_strat[i], m[j].em_name, o, fds, peak,
				    room, ref);
				continue;
			}
			w = printf("%-*s %-9s %-9s %7s %5s %5s  ", sw,
			    s->s_strat[i], m[j].em_name, o, fds, peak, room);
			/* Refusals past column 72 go on a line of their own. */
			if (w + (int)strlen(ref) > 72)
				printf("\n%*s", 72 - (int)strlen(ref) > 0 ?
				    72 - (int)strlen(ref) : 0, "");
			printf("%s\n", ref);
		}
	printf("\n");
	return 0;
}
