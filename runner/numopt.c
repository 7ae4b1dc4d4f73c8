/*
 * numopt.c: numeric command-line options, parsed and range-checked
 * (numopt.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numopt.h"

int
numopt_double(const char *cmd, const char *opt, const char *arg, double lo,
    double hi, int how, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(arg, &end);
	/*
	 * strtod() takes leading space, "nan", "inf" and hexadecimal;
	 * only a plain decimal number (sign, digits, point, exponent) is
	 * an option's value.
	 */
	if (*arg == '\0' || *end != '\0' || errno == ERANGE ||
	    strspn(arg, "+-0123456789.eE") != strlen(arg) || !isfinite(x) ||
	    x < lo || x > hi || ((how & NUMOPT_OPENLO) && x == lo) ||
	    ((how & NUMOPT_OPENHI) && x == hi)) {
		char hib[48] = "";

		if (isfinite(hi))
			snprintf(hib, sizeof(hib), " and %s %g",
			    how & NUMOPT_OPENHI ? "<" : "<=", hi);
		fprintf(stderr, "kmbench %s: --%s '%s': must be a number %s "
		    "%g%s\n", cmd, opt, arg, how & NUMOPT_OPENLO ? ">" : ">=",
		    lo, hib);
		return -1;
	}
	*out = x;
	return 0;
}

int
numopt_uint(const char *cmd, const char *opt, const char *arg, uint64_t lo,
    uint64_t hi, uint64_t *out)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE ||
	    strspn(arg, "0123456789") != strlen(arg) || x < lo || x > hi) {
		fprintf(stderr, "kmbench %s: --%s '%s': must be a whole "
		    "number from %" PRIu64 " to %" PRIu64 "\n", cmd, opt, arg,
		    lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}
