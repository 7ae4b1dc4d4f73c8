/*
 * cmd_import.h: "kmbench import", which turns a system call log (the
 * output of strace -f on Linux, or of kdump on a NetBSD ktrace -i
 * recording) into a kmtrace file, and the trace-writing end that
 * "kmbench record" shares with it.
 */
#ifndef KM_CMD_IMPORT_H
#define KM_CMD_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../workloads/kmtrace.h"

/*
 * kmbench import strace|kdump LOG [-o TRACE]; ARGV[0] is "import".
 * Returns the exit status: 0 done, 2 bad usage or a log that cannot be
 * read or is malformed ("LOG:LINE: what is wrong" on stderr), 1 when
 * the trace cannot be written.
 */
int	cmd_import(int argc, char **argv);

/*
 * The same without the command line: convert LOG (FORMAT "strace" or
 * "kdump"; "-" is the standard input; plain, gzip or zstd) into TRACE
 * ("-" is the standard output; .gz and .zst compress).  Returns 0, 2
 * or 1 as above, with the one-line message in ERR.
 */
int	import_log(const char *format, const char *log, const char *trace,
	    char *err, size_t errlen);
/*
 * The same with host limits (--limits host --nofile N): NOFILE not 0
 * makes every spawned process begin with "limit nofile NOFILE", the
 * first after "sysctl maxfiles NOFILE" (imp_set_nofile()).
 */
int	import_log_limits(const char *format, const char *log,
	    const char *trace, uint64_t nofile, char *err, size_t errlen);

/*
 * The sink: a kmtrace writer that holds the first events back until
 * the headers are known (headers must come before the first event).
 * isink_emit() is an imp_emit_fn (workloads/strace.h).
 */
struct import_sink;

struct import_sink *isink_open(const char *path, char *err, size_t errlen);
/* A header; VALUE is made one line of printable characters. */
int	isink_header(struct import_sink *s, const char *key,
	    const char *value);
int	isink_emit(void *sink, const struct kmt_event *ev);
/* Events held back so far. */
size_t	isink_held(const struct import_sink *s);
int	isink_released(const struct import_sink *s);
/* Write the held events; later ones go straight out.  0 or -1. */
int	isink_release(struct import_sink *s);
/* Why the last call failed. */
const char *isink_error(const struct import_sink *s);
/* Release, finish and close; 0, or -1 with ERR.  Frees S. */
int	isink_close(struct import_sink *s, char *err, size_t errlen);
/* Close and remove the file (not the standard output).  Frees S. */
void	isink_abort(struct import_sink *s);

/*
 * The --limits and --nofile options of record and import: 0, or -1
 * after a one-line message naming command CMD (the caller exits 2).
 * "host" sets *HOSTP to 1, "netbsd" to 0; N is 1 to 2147483647 or
 * "unlimited" (2147483647).
 */
int	limits_opt(const char *cmd, const char *arg, int *hostp);
int	nofile_opt(const char *cmd, const char *arg, uint64_t *np);

/* The time now (or SECS since the epoch if not 0), UTC, ISO 8601. */
void	iso_time(char *buf, size_t len, long long secs);

#endif /* KM_CMD_IMPORT_H */
