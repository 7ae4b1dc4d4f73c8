/*
 * kern_synch.h: sleeping on behalf of the current process.
 *
 * A kernel path that must wait (M_WAITOK with no memory) does not block
 * the replay: it undoes what it did in this call, marks the current
 * process asleep with its wait message and returns ESLEEP.  The replayer
 * restarts the process's call when memory is freed, and reports the
 * process hung if nothing ever wakes it.
 */
#ifndef KM_KERN_SYNCH_H
#define KM_KERN_SYNCH_H

struct machine;

/* Put the current process to sleep on WMESG: ESLEEP, or EPANIC. */
int	tsleep(struct machine *, const char *wmesg);

#endif /* KM_KERN_SYNCH_H */
