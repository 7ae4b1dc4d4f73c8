/*
 * kmtrace_write.h: the kmtrace writer (version 2), shared by everything
 * that produces traces (generators, recorders, convert).
 *
 * The writer formats events from struct kmt_event (the reader's type)
 * into a plain, gzip or zstd file, through fixed buffers: nothing is
 * allocated per event.  It checks everything about an event that can
 * be checked without a view of processes and descriptors (ranges,
 * tokens, flags, PID 0, time order) and refuses an event that would not
 * read back, so that what it writes is always valid kmtrace 2.
 */
#ifndef KMTRACE_WRITE_H
#define KMTRACE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "kmtrace.h"

/* Longest header key and value that the reader keeps whole. */
#define KMT_WHDR_KEY_MAX	63
#define KMT_WHDR_VAL_MAX	1023

struct kmt_writer;

/*
 * Start writing PATH, "kmtrace 2" first.  The file is written through
 * outfile.h: a temporary file beside PATH that kmt_wclose() renames
 * over it, so that PATH keeps what it had until then and is left
 * untouched by kmt_wabort() or a failure; a device or FIFO is written
 * directly.  PATH "-" is
 * the standard output, written plain; a PATH ending in ".gz" is written
 * gzip and one ending in ".zst" zstd.  A PATH ending in ".kmb",
 * ".kmb.gz" or ".kmb.zst" gets the binary form (kmtbin.h) instead of
 * the text, with a trailer written by kmt_wclose().  On failure
 * returns NULL with a one-line message naming PATH in ERR.
 */
struct kmt_writer *kmt_wopen(const char *path, char *err, size_t errlen);

/*
 * A header line "@ KEY VALUE"; only before the first event.  KEY is a
 * token (no blanks, at most KMT_WHDR_KEY_MAX bytes), VALUE one line of
 * at most KMT_WHDR_VAL_MAX bytes that neither starts nor ends with a
 * blank.  Returns 0, or -1 with a message in kmt_werror().
 */
int	kmt_wheader(struct kmt_writer *w, const char *key, const char *value);

/*
 * The event EV (the fields kmtrace.h lists for its op; ke_no and
 * ke_line are ignored).  Returns 0, or -1 when the event is refused
 * (nothing is written and the writer stays usable) or an earlier write
 * failed; kmt_werror() says why.
 */
int	kmt_wevent(struct kmt_writer *w, const struct kmt_event *ev);

/* Why the last call failed. */
const char *kmt_werror(const struct kmt_writer *w);

/* How many events were written. */
uint64_t kmt_wcount(const struct kmt_writer *w);

/*
 * Write the end line ("# end N events") or the binary trailer, flush,
 * finish the compressed stream, sync and close the file and rename it
 * into place (not the standard output), and free W.  Returns 0, or -1
 * when any write (now or earlier) failed, with a one-line message
 * naming the path in ERR; PATH is then as it was before kmt_wopen().
 * A refused event is not a write error.
 */
int	kmt_wclose(struct kmt_writer *w, char *err, size_t errlen);

/*
 * Give up: nothing more is written (no end line: on the standard output
 * what was written reads as truncated), the temporary file is removed,
 * and W is freed.
 */
void	kmt_wabort(struct kmt_writer *w);

#endif /* KMTRACE_WRITE_H */
