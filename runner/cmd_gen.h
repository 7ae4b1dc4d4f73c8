/*
 * cmd_gen.h: the "kmbench gen" command, which writes a synthetic trace
 * from one of the generators in workloads/gen.h.
 */
#ifndef KM_CMD_GEN_H
#define KM_CMD_GEN_H

/*
 * kmbench gen NAME [--param K=V]... [--seed N] -o FILE; ARGV[0] is
 * "gen".  Returns the exit status: 0 done (or --help), 2 bad usage (a
 * missing or unknown generator, an unknown parameter or a bad value),
 * 1 when writing the trace failed.
 */
int	cmd_gen(int argc, char **argv);

/*
 * kmbench gen scale K TRACE [--stagger NS] -o FILE (runner/
 * cmd_scale.c); ARGV[0] is "scale".  0 done, 2 bad usage or input, 1
 * when the trace cannot be written.
 */
int	cmd_gen_scale(int argc, char **argv);

#endif /* KM_CMD_GEN_H */
