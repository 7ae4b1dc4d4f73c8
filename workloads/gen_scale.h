/*
 * gen_scale.h: "kmbench gen scale K TRACE": K copies of a trace
 * running at once on one machine, as one trace.  PIDs are renamed so
 * that the copies are distinct processes; the kernel's (PID 0) kmalloc
 * IDs get a prefix per copy; copy I is shifted in time by I x STAGGER
 * nanoseconds and the copies' events are merged by time.
 */
#ifndef KM_GEN_SCALE_H
#define KM_GEN_SCALE_H

#include <stddef.h>
#include <stdint.h>

#include "kmtrace_write.h"

/* The stagger when none is given: 1 ms between two copies' starts. */
#define SCALE_STAGGER_DEF	1000000ULL
/* The most copies (each holds an open reader of TRACE). */
#define SCALE_K_MAX		1024

/* What gen_scale() returns. */
#define SCALE_OK	0
#define SCALE_BADINPUT	2	/* TRACE unreadable or malformed, K too big */
#define SCALE_WRITE	1	/* the output cannot be written, no memory */

/*
 * Write K copies of the trace at IN into W (headers "@ source gen
 * scale" and "@ command" CMD, which the caller makes).  Copy I (from 0)
 * has each PID P > 0 replaced by I x NPIDS + RANK(P) + 1, NPIDS the
 * number of distinct PIDs in the trace and RANK(P) P's place among
 * them in increasing order; PID 0 stays the kernel, and its kmalloc
 * and kfree IDs become "cI.ID".  A "sysctl maxfiles N" becomes K x N
 * (at most 2147483647): each copy brings the room for open files that
 * its host gave it.  Every time is shifted by I x STAGGER; events of
 * equal time go copy 0 first, and each copy keeps its own order.
 *
 * Memory: one streaming reader per copy (K x a reader's fixed buffers,
 * about 330 KiB) and 4 bytes per distinct PID; nothing grows with the
 * length of the trace.  IN is read once, to find its PIDs and to copy
 * its events in the plain binary form to a temporary file in $TMPDIR
 * (or /tmp), which the K readers read: no decompressor's window each.
 *
 * Returns SCALE_OK, or SCALE_BADINPUT / SCALE_WRITE with a one-line
 * message in ERR.
 */
int	gen_scale(const char *in, uint32_t k, uint64_t stagger,
	    const char *cmd, struct kmt_writer *w, char *err, size_t errlen);

/*
 * The same copies as a stream of events, for a caller that replays
 * them as they are made (a capacity search over K) instead of writing
 * them.  scale_open() reads IN once, as gen_scale() does, into a
 * struct scale that *SP points to (scale_close() it whatever the
 * result); with HOLD > 0 the trace's events are also held in memory,
 * decoded, when they take at most HOLD bytes (else its binary copy,
 * when that does), so that the copies read memory, not the file.
 * scale_start() begins K copies with STAGGER (any copies begun before
 * are ended), and scale_next() gives their events in gen_scale()'s
 * order, each as gen_scale() would write it: 1, 0 after the last, or
 * -1 with ERR.  scale_check() makes only the checks of K and STAGGER
 * that scale_start() makes first.  The return values of scale_open(),
 * scale_check() and scale_start() are gen_scale()'s.
 */
struct scale;
int	scale_open(struct scale **sp, const char *in, size_t hold, char *err,
	    size_t errlen);
int	scale_check(const struct scale *s, uint32_t k, uint64_t stagger,
	    char *err, size_t errlen);
int	scale_start(struct scale *s, uint32_t k, uint64_t stagger, char *err,
	    size_t errlen);
int	scale_next(struct scale *s, struct kmt_event *ev, char *err,
	    size_t errlen);
void	scale_stop(struct scale *s);
void	scale_close(struct scale *s);

#endif /* KM_GEN_SCALE_H */
