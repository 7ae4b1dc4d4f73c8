/*
 * numopt.h: the value of a numeric command-line option, checked.  nan,
 * inf, signs where none belong, trailing text, overflow and values out
 * of the option's range are refused with one line on stderr naming the
 * command and the option ("kmbench compare: --alpha 'nan': must be a
 * number > 0 and < 1"); the command then exits 2.  Shared by every
 * command with numeric options.
 */
#ifndef KM_NUMOPT_H
#define KM_NUMOPT_H

#include <stdint.h>

/* Which ends of a real range are allowed themselves. */
#define NUMOPT_CLOSED	0	/* lo <= x <= hi */
#define NUMOPT_OPENLO	1	/* lo < x */
#define NUMOPT_OPENHI	2	/* x < hi */
#define NUMOPT_OPEN	3

/*
 * A finite real in [LO, HI] (ends open as HOW says) into *OUT: 0, or -1
 * after the message for command CMD and option OPT (without "--").
 */
int	numopt_double(const char *cmd, const char *opt, const char *arg,
	    double lo, double hi, int how, double *out);

/*
 * A whole number in [LO, HI], decimal digits only (no sign, no
 * space), into *OUT: 0, or -1 after the message.
 */
int	numopt_uint(const char *cmd, const char *opt, const char *arg,
	    uint64_t lo, uint64_t hi, uint64_t *out);

#endif /* KM_NUMOPT_H */
