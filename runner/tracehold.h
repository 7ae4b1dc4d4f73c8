/*
 * tracehold.h: the last trace a process replayed, held in memory.
 *
 * A matrix worker replays one trace under every strategy and machine
 * in a row, and a capacity search replays its trace once a try.  Each
 * replay would read the file again, decompress it again and hash it
 * again for the case's digest: on make bench's longest traces that is
 * a quarter of a replay.  With holding on, the first replay of a file
 * keeps its text (a kmt_image) and its digest, and the replays after
 * it read the image (a binary trace's events as records, kmtrecs.h,
 * decoded once), for as long as PATH names the same file unchanged
 * (device, inode, size, modification and change times, as fstat gave
 * them for the file that was read).  A file replaced or rewritten is
 * read again, so a case's digest is always that of the bytes its
 * replay read.
 *
 * One trace is held at a time, of at most MAX bytes of text (the
 * callers give TRACEHOLD_MAX); a larger one, or one that cannot be
 * read whole, is read from its file by every replay, as with holding
 * off, and its errors are the file reader's.
 */
#ifndef KM_TRACEHOLD_H
#define KM_TRACEHOLD_H

#include <stddef.h>

#include "../workloads/kmtrace.h"

/* 128 MiB of text: under-attack's binary form is 20 MB. */
#define TRACEHOLD_MAX	((size_t)128 << 20)
/*
 * A binary image's events are also kept as records (kmtrecs.h), in
 * 512 MiB of address space, half for the records: 8 million events,
 * under-attack's 2.3 million in 74 MB.  The host backs only what is
 * written.  Past that, replays read the image.
 */
#define TRACEHOLD_RECS_MAX	((size_t)512 << 20)

/* Hold traces of up to MAX bytes of text from now on. */
void	tracehold_enable(size_t max);

/* Let go of the held trace and stop holding. */
void	tracehold_disable(void);

/*
 * A reader of PATH's held image, loading it first if need be, with the
 * SHA-256 of the file into DIGEST when it is not NULL.  NULL when
 * holding is off or PATH cannot be held: the caller opens the file
 * itself.
 */
struct kmt_reader *tracehold_open(const char *path, char digest[65]);

#endif /* KM_TRACEHOLD_H */
