/*
 * help.h: one command's help, and the nearest option to a mistyped one,
 * both read from the entries of kmbench --help (help.c).
 */
#ifndef KM_HELP_H
#define KM_HELP_H

#include <stddef.h>
#include <stdio.h>

/* The text of kmbench --help; main() hands it over before anything. */
void	help_init(const char *text);

/* CMD's entry and example on F; -1 when --help has no such command. */
int	help_command(FILE *f, const char *cmd);

/*
 * The option of CMD's entry nearest to BAD ("--efect", "--reps=3"), into
 * BUF; -1 when none is near enough to be a slip of the keyboard.
 */
int	help_suggest(const char *cmd, const char *bad, char *buf, size_t len);

#endif /* KM_HELP_H */
