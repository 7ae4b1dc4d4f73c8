/*
 * kmtbin.h: the binary form of a kmtrace (see docs/replay-speed.md).
 *
 * The stream (plain, or inside gzip or zstd) starts with the line
 * "kmtbin 1", header lines "@ KEY VALUE" exactly as in the text form,
 * and the line "-".  Then come the events, each one op byte and LEB128
 * varints (unsigned, 7 bits a byte, least significant first):
 *
 *	OPBYTE DTIME PID ARGS...
 *
 * OPBYTE is the kmt_op (0 to 14) in its low five bits, with KMB_FLAG
 * set for "cloexec" (open, dup) or for a range (touch, unmap).  DTIME
 * is the time since the previous event (the first: since 0).  ARGS:
 *
 *	fork CHILD; sysctl N; limit N; open FD; dup OLD FD; close FD;
 *	map ID NPAGES; grow ID NPAGES; touch ID [OFF NPAGES];
 *	unmap ID [OFF NPAGES]; kmalloc ID SIZE TYPE FLAGS; kfree ID
 *
 * ID and TYPE are a varint length (1 to KMT_TOKEN_MAX) then the bytes;
 * FLAGS is the KMT_M_* bits.  The byte KMB_TRAILER then the number of
 * events as a varint end the stream; nothing may follow.
 */
#ifndef KMTBIN_H
#define KMTBIN_H

#define KMB_MAGIC	"kmtbin 1"
#define KMB_MAGIC_LEN	8
#define KMB_OPMASK	0x1f
#define KMB_FLAG	0x20
#define KMB_TRAILER	0xff
/* The longest record: op, six 10-byte varints and two tokens. */
#define KMB_RECORD_MAX	256

#endif /* KMTBIN_H */
