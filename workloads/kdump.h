/*
 * kdump.h: turning the text of NetBSD's kdump(1), run on a ktrace -i
 * recording, into kmtrace events.  It streams like the strace importer
 * and shares its view of processes (workloads/strace.h).  The mapping
 * rules are in docs/recording.md.
 */
#ifndef KM_KDUMP_H
#define KM_KDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "strace.h"

/* NetBSD's values, which kdump prints as numbers. */
#define NB_MAP_PRIVATE		0x0002
#define NB_MAP_COPY		0x0004
#define NB_MAP_FIXED		0x0010
#define NB_MAP_ANON		0x1000
#define NB_PROT_WRITE		0x0002
#define NB_F_DUPFD		0
#define NB_F_DUPFD_CLOEXEC	12		/* NetBSD 6 and later */
#define NB_O_CLOEXEC		0x00400000	/* NetBSD 6 and later */
#define NB_SOCK_CLOEXEC		0x10000000	/* NetBSD 6 and later */
#define NB_RLIMIT_NOFILE	8

struct kdump_conv;

struct kdump_conv *kdump_new(imp_emit_fn emit, void *arg);
void	kdump_free(struct kdump_conv *c);
/* imp_set_nofile() of the converter's view; before the first line. */
void	kdump_set_nofile(struct kdump_conv *c, uint64_t n);

/*
 * One line of kdump's output (without its newline).  Returns IMP_OK,
 * or IMP_MALFORMED with "what is wrong" in ERR, or IMP_EMIT/IMP_NOMEM.
 */
int	kdump_line(struct kdump_conv *c, const char *line, size_t len,
	    char *err, size_t errlen);
int	kdump_end(struct kdump_conv *c, char *err, size_t errlen);

/* The path of the first successful execve (its NAMI record), or NULL. */
const char *kdump_command(const struct kdump_conv *c);
/* Whether the first timestamp was an absolute one (-T): its seconds. */
int	kdump_epoch(const struct kdump_conv *c, uint64_t *secp);

#endif /* KM_KDUMP_H */
