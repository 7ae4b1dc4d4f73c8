/*
 * report_html.h: kmbench report --format html, a static site in one
 * directory that works opened from disk:
 *   index.html    the outcome grids, the headline figures, the real
 *                 workloads' capacity where the store has it, the run
 *                 context and every plot of kmbench plot, inline
 *                 (report_html.c);
 *   compare.html  two commits or runs as kmbench compare judges them
 *                 (html_compare.c);
 *   history.html  the list of figures, and fig-NAME.html for each: the
 *                 figure across commits, each commit a point marked
 *                 with compare's verdict against the commit before
 *                 (html_history.c).
 */
#ifndef KM_REPORT_HTML_H
#define KM_REPORT_HTML_H

#include <stddef.h>

struct rpt;
struct store;
struct cmp_opts;

struct html_opts {
	const char		*ho_dir;	/* where the pages go */
	const char		*ho_db;		/* the store's name, shown */
	const char		*ho_plots;	/* kmbench plot's SVG files */
	const char		*ho_base;	/* compare.html's sides, or */
	const char		*ho_head;	/* NULL: the last two commits */
	const struct cmp_opts	*ho_cmp;
};

/*
 * Every page into ho_dir (made when missing).  0; 2 when ho_dir cannot
 * be made or written, or a side of the comparison is not in the store
 * (ERR names it); -1 on another failure (ERR).
 */
int	report_html(struct rpt *, struct store *, const struct html_opts *,
	    char *err, size_t errlen);

/* compare.html (html_compare.c); as report_html. */
int	html_compare(struct store *, const struct html_opts *, char *err,
	    size_t errlen);

/* history.html and a page per figure (html_history.c); as report_html. */
int	html_history(struct rpt *, struct store *, const struct html_opts *,
	    char *err, size_t errlen);

#endif /* KM_REPORT_HTML_H */
