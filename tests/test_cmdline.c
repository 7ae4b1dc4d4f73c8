/*
 * test_cmdline.c: an argv as the command line of "@ command"
 * (workloads/cmdline.c), as kmbench record and the importers write it
 * (suite "cmdline").
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../workloads/cmdline.h"

static void
add(char *buf, size_t len, size_t *n, const char *arg)
{

	cr_assert_eq(cmdline_add(buf, len, n, arg, strlen(arg)), 0, "%s",
	    arg);
}

/*
 * Words a shell leaves alone stay bare, one space apart; an empty
 * argument is ''; one with a blank, a quote or any character a shell
 * would expand is single-quoted, a quote inside as '\''.
 */
Test(cmdline, quoted_as_a_shell_needs)
{
	static const char *const bare[] = {
		"make", "-j2", "CC=cc", "a/b.c", "x,y", "+@%:=",
	};
	static const char specials[] = " \t'\"\\$`|&;<>()*?[]#~\n";
	char buf[256], arg[8];
	size_t n = 0, i;

	for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
		add(buf, sizeof(buf), &n, bare[i]);
	cr_expect_str_eq(buf, "make -j2 CC=cc a/b.c x,y +@%:=");
	n = 0;
	add(buf, sizeof(buf), &n, "sh");
	add(buf, sizeof(buf), &n, "");
	add(buf, sizeof(buf), &n, "it's here");
	cr_expect_str_eq(buf, "sh '' 'it'\\''s here'");
	cr_expect_eq(n, strlen(buf));
	/* Each special character alone is quoted. */
	for (i = 0; specials[i] != '\0'; i++) {
		n = 0;
		snprintf(arg, sizeof(arg), "a%cb", specials[i]);
		add(buf, sizeof(buf), &n, arg);
		cr_expect_eq(buf[0], '\'', "'%s' not quoted: %s", arg, buf);
	}
}

/*
 * An argument that does not fit whole is left out and the line stays
 * as it was: "make" (4) fits in 5 bytes with its NUL; " -j2" does not.
 */
Test(cmdline, all_or_nothing)
{
	char buf[5];
	size_t n = 0;

	add(buf, sizeof(buf), &n, "make");
	cr_expect_eq(cmdline_add(buf, sizeof(buf), &n, "-j2", 3), -1);
	cr_expect_str_eq(buf, "make");
	cr_expect_eq(n, 4);
}
