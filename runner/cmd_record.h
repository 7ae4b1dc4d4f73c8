/*
 * cmd_record.h: "kmbench record", which runs a command under strace
 * and writes what it does as a kmtrace file while it runs.
 */
#ifndef KM_CMD_RECORD_H
#define KM_CMD_RECORD_H

/*
 * kmbench record [-o TRACE] -- COMMAND [ARGS...]; ARGV[0] is "record".
 * Returns the exit status: 0 when the command was recorded (its own
 * exit status is reported on stderr), 2 for bad usage, 1 when strace
 * is missing or fails or the trace cannot be written.
 */
int	cmd_record(int argc, char **argv);

#endif /* KM_CMD_RECORD_H */
