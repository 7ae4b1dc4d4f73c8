/*
 * select.h: what kmbench plot and kmbench report show of a store: the
 * traces (workloads), the machine and the strategies, from --trace,
 * --machine and --strategies or, without them, everything the store
 * holds; and the one workload and machine the headline figures come
 * from.
 *
 * A workload is named by its trace's file name up to the first dot
 * (pr14721 for bench-out/pr14721.kmt.zst).
 */
#ifndef KM_SELECT_H
#define KM_SELECT_H

#include <stddef.h>

struct sqlite3;

#define SEL_MAXSTRAT	16
#define SEL_MAXTRACE	64
#define SEL_NAMELEN	64

struct sel {
	int	 s_nstrat;
	char	 s_strat[SEL_MAXSTRAT][SEL_NAMELEN];
	int	 s_ntrace;
	char	 s_trace[SEL_MAXTRACE][SEL_NAMELEN];
	char	 s_machine[SEL_NAMELEN];	/* "": every machine */
	/* Where the headline figures come from. */
	char	 s_hltrace[SEL_NAMELEN];	/* "" when the store is empty */
	char	 s_hlmachine[SEL_NAMELEN];
	int	 s_chosen;	/* --trace was given */
};

/*
 * Fill SEL from the options (NULL when not given; TRACES and STRATEGIES
 * comma-separated; a trace by workload name or by path).  0; 1 when an
 * option names something the store does not hold (WHY says what it
 * holds: the command exits 2); -1 on a store error.
 */
int	sel_build(struct sqlite3 *, const char *traces, const char *machine,
	    const char *strategies, struct sel *, char *why, size_t whylen);

/* The workload a trace path replays, into BUF: its name to the first
 * dot, without the directory. */
void	sel_workload(const char *trace, char *buf, size_t len);

/* 1 when SEL shows workload WL. */
int	sel_has_trace(const struct sel *, const char *wl);

/* The featured traces: those the single-trace figures are drawn for
 * (the chosen ones; else pr14721 and under-attack where present; else
 * the headline trace).  1 when WL is one. */
int	sel_featured(const struct sel *, const char *wl);

/* What SEL shows, as a title, into BUF: "PR kern/14721, and 11 other
 * traces on i386-64M", "git, http", "no traces". */
void	sel_title(const struct sel *, char *buf, size_t len);

/* 1 when the plot file NAME (01-outcome-WL.txt, 03-maps-WL-...) shows a
 * featured trace of SEL, or no trace at all. */
int	sel_plot_shown(const struct sel *, const char *name);

#endif /* KM_SELECT_H */
