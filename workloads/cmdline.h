/*
 * cmdline.h: the command line of a trace's "@ command" header, as the
 * recorder and the importers write it: the arguments joined by single
 * spaces, each one a shell would split or expand (or an empty one) in
 * single quotes, a quote inside as '\''.  So the line reads back as the
 * argv it came from (docs/recording.md).
 */
#ifndef KM_CMDLINE_H
#define KM_CMDLINE_H

#include <stddef.h>

/*
 * Append argument ARG (ARGLEN bytes) to the command line in BUF (LEN
 * bytes, *N used, NUL-terminated), after a space unless it is the
 * first.  0, or -1 when it does not fit whole: BUF is then as it was.
 */
int	cmdline_add(char *buf, size_t len, size_t *n, const char *arg,
	    size_t arglen);

#endif /* KM_CMDLINE_H */
