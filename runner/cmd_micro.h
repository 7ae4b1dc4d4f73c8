/*
 * cmd_micro.h: "kmbench micro-import", which stores the JSON output of
 * the Google Benchmark microbenchmarks (make microbench, bench/) in the
 * store's micro table and prints the table of ratios.
 */
#ifndef KM_CMD_MICRO_H
#define KM_CMD_MICRO_H

#include <stdio.h>

/*
 * kmbench micro-import FILE [--db DB] [--no-ratios]; ARGV[0] is
 * "micro-import".  One micro row per benchmark entry of FILE (runs
 * that reported an error are left out), all in one transaction under
 * a new run row of command "microbench".  Returns the exit status: 0
 * done, 2 bad usage, a file that cannot be read or parsed, or a store
 * that cannot be opened; 1 when the rows cannot be written.
 */
int	cmd_micro_import(int argc, char **argv);

/*
 * Print to OUT the ratios of the kernel allocators' medians to the
 * host allocators' (docs/microbench.md) from the Google Benchmark JSON
 * text JSON.  0, or -1 with a one-line message in ERR.
 */
int	micro_ratios(FILE *out, const char *json, char *err, size_t errlen);

#endif /* KM_CMD_MICRO_H */
