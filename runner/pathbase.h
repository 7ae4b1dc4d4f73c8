/*
 * pathbase.h: the last component of a path, for the commands that name
 * a trace by its file name alone (capacity's report, gen scale's
 * command header).
 */
#ifndef KM_PATHBASE_H
#define KM_PATHBASE_H

#include <string.h>

/* What follows P's last '/', or P. */
static inline const char *
path_base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

#endif /* KM_PATHBASE_H */
