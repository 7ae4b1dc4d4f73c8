/*
 * report.h: what a replay found, as a readable summary (in the manner of
 * vmstat -m) or as the JSON object of kmbench run --json.
 */
#ifndef KM_REPORT_H
#define KM_REPORT_H

#include <stdio.h>

struct machine;
struct replay;

void	report_text(FILE *, const struct replay *, const struct machine *,
	    const char *strategy);
void	report_json(FILE *, const struct replay *, const struct machine *,
	    const char *strategy);

/* One line: strategy, machine, outcome, descriptors, errors, peaks. */
void	report_brief(FILE *, const struct replay *, const struct machine *,
	    const char *strategy);

/* "survived" or "panic". */
const char *report_outcome(const struct replay *);
/* Processes left asleep (hung) at the end. */
long	report_nhung(const struct replay *);

#endif /* KM_REPORT_H */
