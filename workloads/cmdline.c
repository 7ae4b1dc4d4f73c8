/*
 * cmdline.c: an argv as one shell command line (cmdline.h).
 */
#include <string.h>

#include "cmdline.h"

/* Whether a shell would split or expand C, or it cannot stand bare. */
static int
special(unsigned char c)
{

	return c < ' ' || c == 0x7f ||
	    strchr(" \t'\"\\$`|&;<>()*?[]#~", c) != NULL;
}

int
cmdline_add(char *buf, size_t len, size_t *n, const char *arg,
    size_t arglen)
{
	size_t i, m = *n;
	int quote = arglen == 0;

	for (i = 0; i < arglen && !quote; i++)
		quote = special((unsigned char)arg[i]);
	/* The space, the quotes, a quote as four bytes, and the NUL. */
#define PUT(c) do {							\
	if (m + 1 >= len)						\
		goto full;						\
	buf[m++] = (c);							\
} while (0)
	if (m > 0)
		PUT(' ');
	if (quote)
		PUT('\'');
	for (i = 0; i < arglen; i++)
		if (arg[i] == '\'') {
			PUT('\'');
			PUT('\\');
			PUT('\'');
			PUT('\'');
		} else
			PUT(arg[i]);
	if (quote)
		PUT('\'');
#undef PUT
	buf[m] = '\0';
	*n = m;
	return 0;
full:
	if (len > 0)
		buf[*n] = '\0';
	return -1;
}
