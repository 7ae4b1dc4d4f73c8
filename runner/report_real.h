/*
 * report_real.h: the report's real-workloads section: for each recorded
 * server that "kmbench capacity --vary scale" searched (make bench does,
 * tools/bench-scale.sh), the outcome grid over scale x strategy on each
 * machine, and how far it sits below the cliff, in words.
 */
#ifndef KM_REPORT_REAL_H
#define KM_REPORT_REAL_H

#include <stddef.h>
#include <stdio.h>

struct sqlite3;

/*
 * The section on F, as Markdown when MD, else text of at most 72
 * columns.  0, or -1 with WHY (an SQL failure).
 */
int	report_real(FILE *f, struct sqlite3 *db, int md, char *why,
	    size_t whylen);

/* The same as HTML (a part of a page: tables and paragraphs). */
int	report_real_html(FILE *f, struct sqlite3 *db, char *why,
	    size_t whylen);

#endif /* KM_REPORT_REAL_H */
