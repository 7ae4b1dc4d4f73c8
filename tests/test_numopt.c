/*
 * test_numopt.c: numeric options (runner/numopt.c): what is taken, and
 * that nan, inf, signs, junk, overflow and out-of-range values are not.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "../runner/numopt.h"

Test(numopt, reals)
{
	double x = -1;

	cr_expect_eq(numopt_double("t", "x", "0.05", 0, 1, NUMOPT_OPEN, &x),
	    0);
	cr_expect_float_eq(x, 0.05, 1e-15);
	cr_expect_eq(numopt_double("t", "x", "1e1", 0, 100, NUMOPT_CLOSED,
	    &x), 0);
	cr_expect_float_eq(x, 10, 1e-15);
	/* The ends: closed takes them, open does not. */
	cr_expect_eq(numopt_double("t", "x", "0", 0, 1, NUMOPT_CLOSED, &x), 0);
	cr_expect_eq(numopt_double("t", "x", "0", 0, 1, NUMOPT_OPENLO, &x),
	    -1);
	cr_expect_eq(numopt_double("t", "x", "1", 0, 1, NUMOPT_OPENHI, &x),
	    -1);
	cr_expect_eq(numopt_double("t", "x", "1", 0, 1, NUMOPT_OPENLO, &x), 0);
	x = 7;
	cr_expect_eq(numopt_double("t", "x", "nan", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "NaN", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "inf", 0, INFINITY, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "-inf", -INFINITY, 0, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "1e999", 0, INFINITY, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "-1", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "0x10", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", " 1", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "1%", 0, 1e9, 0, &x), -1);
	cr_expect_eq(numopt_double("t", "x", "", 0, 1e9, 0, &x), -1);
	/* Nothing refused is stored. */
	cr_expect_float_eq(x, 7, 0);
}

Test(numopt, whole_numbers)
{
	uint64_t x = 9;

	cr_expect_eq(numopt_uint("t", "n", "18446744073709551615", 0,
	    UINT64_MAX, &x), 0);
	cr_expect_eq(x, UINT64_MAX);
	/* 2^64 overflows; a sign, a space or a point is not a digit. */
	cr_expect_eq(numopt_uint("t", "n", "18446744073709551616", 0,
	    UINT64_MAX, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "-1", 0, UINT64_MAX, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "+1", 0, UINT64_MAX, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", " 1", 0, UINT64_MAX, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "1.0", 0, UINT64_MAX, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "0", 1, 10, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "11", 1, 10, &x), -1);
	cr_expect_eq(numopt_uint("t", "n", "10", 1, 10, &x), 0);
	cr_expect_eq(x, 10);
}
