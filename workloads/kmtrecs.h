/*
 * kmtrecs.h: the events of a binary trace's image, kept as fixed-size
 * records as a first replay reads them, for the replays after it (a
 * matrix worker, a capacity search: one trace replayed many times).
 *
 * Reading a binary trace decodes each event from its varints: a fifth
 * of a replay of make bench's longest traces, every replay over.  A
 * record holds what the decoding found, 32 bytes an event with the IDs
 * and malloc types apart, and a reader of records only copies each
 * into the caller's event: under-attack's 2.3 million events in 17 to
 * 19 ms against 21 ms decoded, pr14721's 2 million in 11 ms against
 * 14.5 (the copying itself takes 8.5 ms of the 17; the rest is the
 * call through kmt_open_fn() an event; docs/replay-speed.md).
 *
 * A reader of the records gives the events recorded so far, then goes
 * on reading the image where the last reader left it, recording as it
 * goes; so the image is decoded once, by however many replays, and a
 * replay that stops early (a panic) leaves the rest to the next.  Its
 * events, their numbers (the binary form's) and its end or error are
 * those of kmt_open_image()'s reader, message for message: an error
 * is met again by every reader that reaches it.  It has no headers.
 */
#ifndef KM_KMTRECS_H
#define KM_KMTRECS_H

#include <stddef.h>

#include "kmtrace.h"

struct kmt_recs;

/*
 * Room for up to MAX bytes of records (reserved, not yet used: host
 * pages come as records fill them, and stay for the next image).  NULL
 * out of memory.
 */
struct kmt_recs *kmt_recs_new(size_t max);

/*
 * Keep IM's events from now on, forgetting those of the image before
 * (which may be freed after this).  0; or -1 when IM is not in the
 * binary form, and the caller reads IM itself.
 */
int	kmt_recs_begin(struct kmt_recs *r, const struct kmt_image *im);

/*
 * A reader of the image's events (kmt_open_fn()), naming the trace
 * NAME in its messages.  One at a time: the records keep its place.
 * NULL (and ERR) when there is no image, or when its events outgrew
 * MAX, after which the caller reads the image itself.  The image and R
 * must outlive the reader.
 */
struct kmt_reader *kmt_recs_open(struct kmt_recs *r, const char *name,
	    char *err, size_t errlen);

/* How many events R holds, and whether they are all of the image's. */
size_t	kmt_recs_count(const struct kmt_recs *r);
int	kmt_recs_whole(const struct kmt_recs *r);

/* Forget the image (before it is freed); the memory stays. */
void	kmt_recs_end(struct kmt_recs *r);

void	kmt_recs_free(struct kmt_recs *r);

#endif /* KM_KMTRECS_H */
