/*
 * cmp_label.h: how compare names a case: strategy, machine and trace,
 * then the settings in which the compared cases of those three differ
 * (the points of a sweep), e.g. "fdlimit i386-64M t.kmt
 * fdlimit.share=20 nkmempages=2048".
 */
#ifndef KM_CMP_LABEL_H
#define KM_CMP_LABEL_H

#include <sqlite3.h>

/*
 * Register the SQL function cmp_label(strategy, machine, trace, inputs)
 * on DB for the cases of conditions BCOND or HCOND (on "case" c and run
 * r): it returns the label.  0, or -1 (an SQL error or out of memory).
 */
int	cmp_label_register(sqlite3 *db, const char *bcond, const char *hcond);
/* Drop it (and what it knew). */
void	cmp_label_unregister(sqlite3 *db);

#endif /* KM_CMP_LABEL_H */
