/*
 * commands.h: the kmbench commands, one file each (cmd_*.c), called
 * with their own argc and argv (argv[0] is the command's name).
 */
#ifndef KM_COMMANDS_H
#define KM_COMMANDS_H

#include <stdio.h>

int	cmd_run(int argc, char **argv);
int	cmd_matrix(int argc, char **argv);
int	cmd_compare(int argc, char **argv);
int	cmd_history(int argc, char **argv);
int	cmd_capacity(int argc, char **argv);
int	cmd_case(int argc, char **argv);
int	cmd_merge(int argc, char **argv);

/* kmbench --help. */
void	usage(FILE *);

/* The one-line complaint about the option getopt_long just refused. */
void	bad_option(const char *cmd, char **argv, int optind);

#endif /* KM_COMMANDS_H */
