/*
 * test_hex.c: hexval() (runner/hex.h), the one decoder of hexadecimal
 * digits that the case-line and micro-import readers share (suite
 * "hex").
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "../runner/caseline.h"
#include "../runner/hex.h"

/*
 * '0'-'9' are 0-9, 'a'-'f' and 'A'-'F' are 10-15: 10 + 6 + 6 = 22 of
 * the 256 byte values, each its digit's value; the neighbours of each
 * range ('/' and ':', '`' and 'g', '@' and 'G'), NUL and EOF are not
 * digits.
 */
Test(hex, digits_and_neighbours)
{
	static const char *const digits = "0123456789abcdef";
	int c, n = 0;

	for (c = 0; c < 256; c++)
		if (hexval(c) >= 0)
			n++;
	cr_expect_eq(n, 22);
	for (c = 0; c < 16; c++) {
		cr_expect_eq(hexval(digits[c]), c, "'%c'", digits[c]);
		if (c >= 10)
			cr_expect_eq(hexval(digits[c] - 'a' + 'A'), c);
	}
	cr_expect_eq(hexval('/'), -1);
	cr_expect_eq(hexval(':'), -1);
	cr_expect_eq(hexval('`'), -1);
	cr_expect_eq(hexval('g'), -1);
	cr_expect_eq(hexval('@'), -1);
	cr_expect_eq(hexval('G'), -1);
	cr_expect_eq(hexval('\0'), -1);
	cr_expect_eq(hexval(EOF), -1);
}

/*
 * Its callers: a case line's %XX escapes decode with either case of
 * digit ("%2C" and "%2c" are both ','; "%20" is ' '), and one that is
 * not hex ("%2G") is refused.
 */
Test(hex, caseline_escapes)
{
	static const char sha[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	struct caseline cl;
	char line[512], err[256];

	snprintf(line, sizeof(line), "km1:panic-only:i386-64M:0:1:%s:"
	    "0123456789abcdef::my%%20dir/a%%2Cb%%2c.kmt", sha);
	cr_assert_eq(caseline_parse(line, &cl, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_str_eq(cl.cl_trace, "my dir/a,b,.kmt");
	snprintf(line, sizeof(line), "km1:panic-only:i386-64M:0:1:%s:"
	    "0123456789abcdef::a%%2G.kmt", sha);
	cr_expect_eq(caseline_parse(line, &cl, err, sizeof(err)), -1);
}
