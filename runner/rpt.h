/*
 * rpt.h: the parts of kmbench report (cmd_report.c puts them together):
 * the outcome grid and the table of cases of each trace shown
 * (rpt_grid.c), and the headline figures of one trace on one machine
 * (rpt_head.c).  Each prints plain text of at most 72 columns, or
 * Markdown, on stdout; 0, or -1 with r_why set.
 */
#ifndef KM_RPT_H
#define KM_RPT_H

#include <stddef.h>

#include "select.h"

struct sqlite3;

struct rpt {
	struct sqlite3	*r_db;
	int		 r_md;		/* Markdown, else text */
	struct sel	 r_sel;		/* what is shown */
	char		 r_why[1024];
};

/* Machines per table in text; strategies per block of headlines. */
#define RPT_COLS	6
#define RPT_HLCOLS	4

/*
 * J&W measures 3 and 4 are shown only where a map's peak live bytes
 * reach this many pages (docs/metrics.md): below it the footprint is a
 * few whole pages of allocator overhead, and the ratio measures the
 * page size, not fragmentation.
 */
#define RPT_JW_MINPAGES	16

/* The headline figures: a row a figure, a column a strategy. */
#define RPT_HLCELLW	11
#define RPT_HLROWS	24
struct rpt_hl {
	int	 h_nrows;
	char	 h_label[RPT_HLROWS][32];
	char	 h_cell[RPT_HLROWS][SEL_MAXSTRAT][RPT_HLCELLW + 1];
	char	 h_note[2048];		/* what they are, as a paragraph */
};

int	rpt_grid(struct rpt *, const char *workload);
int	rpt_cases(struct rpt *, const char *workload);
int	rpt_headlines(struct rpt *);

/* The headline figures of the selection into H, printing nothing. */
int	rpt_hl_build(struct rpt *, struct rpt_hl *h);

/*
 * A cell of the outcome grid: the outcome of the latest case of
 * STRATEGY on MACHINE replaying WL into *O ("survived", "PANIC", "hung",
 * "exhausted"; NULL when not run) and its most descriptors into *FDS
 * (NAN when not known).  1, 0 when not run, -1 with r_why.
 */
int	rpt_cell(struct rpt *, const char *strategy, const char *machine,
	    const char *wl, const char **o, double *fds);

/* What "exhausted" means, as a paragraph under a grid that shows it. */
extern const char rpt_exhausted_note[];

/* V with FMT, or "-" when NaN, into BUF. */
const char *rpt_num(char *buf, size_t len, double v, const char *fmt);

/* Nanoseconds in at most 5 characters (440, 92.3k, 9.96M). */
const char *rpt_ns(char *buf, size_t len, double v);

/* Print TEXT as a paragraph wrapped at 72 columns (as is in md). */
void	rpt_para(struct rpt *, const char *text);

#endif /* KM_RPT_H */
