/*
 * compare.h: the comparison kmbench compare makes of two sides of a
 * store (run ids, stored commits, "latest" or git revisions), case by
 * case: deterministic figures must be equal, latency is judged over the
 * repetitions (db/stats.c).  cmd_compare.c prints it in its formats;
 * the HTML report (report_html.c) shows it as a page and marks the
 * points of its history pages with the verdicts of each commit against
 * the one before.
 */
#ifndef KM_COMPARE_H
#define KM_COMPARE_H

#include <stddef.h>

struct store;

/* What a row of the comparison says. */
enum cv {
	CV_CHANGED,	/* a deterministic figure differs */
	CV_REGRESSED,
	CV_IMPROVED,
	CV_UNCHANGED,
	CV_TOOFEW,	/* latency without the repetitions the test needs */
	CV_BASEONLY,	/* the figure is on one side only */
	CV_HEADONLY
};

extern const char *const cv_names[];

struct crow {
	char	*cr_case;	/* strategy machine trace [settings] */
	char	*cr_group;	/* the case's inputs without the rep */
	char	*cr_fig;	/* as shown */
	char	*cr_name;	/* as --accept matches it */
	int	 cr_latency;
	double	 cr_base, cr_head;	/* latency: the medians */
	size_t	 cr_nb, cr_nh;	/* latency: repetitions a side */
	double	 cr_p, cr_q;	/* NAN for deterministic figures */
	enum cv	 cr_v;
	int	 cr_accepted;
};

struct cmp {
	struct crow	*c_rows;
	size_t		 c_n, c_cap;
	/* Figures by what they came to; accepted ones only in n_accepted. */
	int		 n_changed, n_accepted, n_regressed, n_improved;
	int		 n_unchanged, n_toofew, n_oneside;
	int		 n_cases_base, n_cases_head;	/* unmatched cases */
	size_t		 n_judged;	/* latency figures tested */
};

/* How latency is judged, and which changes are acknowledged. */
struct cmp_opts {
	const char	*co_quant;	/* p50, p90, p99, p999, max, mean */
	double		 co_effect;	/* 0.05: 5% */
	double		 co_floorns;
	double		 co_alpha;
	char		**co_accept;	/* globs of figure names */
	int		 co_naccept;
	int		*co_used;	/* set for each glob that matched */
};

/* compare's defaults: p50, 5%, 50 ns, 0.05, nothing accepted. */
void	cmp_defaults(struct cmp_opts *);

/*
 * The cases of SPEC as an SQL condition on "case" c and run r (COND): a
 * run id, "latest" (the commit of the newest run), a stored commit or
 * its prefix, or a git revision of the work tree here.  The commit
 * found goes to WHAT.  0, or -1 with a one-line message in ERR.
 */
int	cmp_resolve(struct store *, const char *spec, char *cond, size_t len,
	    char *what, size_t wlen, char *err, size_t errlen);

/* The condition for the cases of stored commit ID (quoted for SQL). */
void	cmp_commit_cond(const char *id, char *cond, size_t len);

/* The group of a case: its inputs without the repetition. */
#define CMP_GROUP_SQL	"substr(c.inputs, 1, instr(c.inputs, ';rep=') - 1)"

/*
 * Compare the cases of condition BCOND against those of HCOND into C
 * (zeroed first): every figure, judged, sorted by case and figure
 * (deterministic ones first), accepted ones marked and everything
 * counted.  0; -1 on an SQL error (ERR, exit 2); -2 out of memory.
 */
int	cmp_run(struct store *, const char *bcond, const char *hcond,
	    const struct cmp_opts *, struct cmp *c, char *err, size_t errlen);

void	cmp_free(struct cmp *);

/* 1 when compare's text shows row R (changes and verdicts; VERBOSE:
 * all but unchanged figures). */
int	cmp_shown(const struct crow *r, int verbose);

/* Base and head values as text: integers as integers, others with as
 * many significant digits as tell them apart (6 at least). */
void	cmp_fmtpair(double b, double h, char *bs, char *hs, size_t len);
/* The adjusted p-value: "-", "<0.001" or 0.123. */
void	cmp_fmtq(double q, char *buf, size_t len);
/* The change from B to H: "+12.5%", or "-". */
void	cmp_fmtchange(double b, double h, char *buf, size_t len);
/* "regressed", "changed (accepted)", ... */
const char *cmp_verdict(const struct crow *r, char *buf, size_t len);

#endif /* KM_COMPARE_H */
