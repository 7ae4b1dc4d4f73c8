/*
 * kmtrace.h: the kmtrace reader, versions 1 and 2 (docs/kmtrace.5).
 *
 * The reader streams a trace one event at a time from a plain, gzip or
 * zstd file (the compression is recognised by its magic bytes), checks
 * everything that can be checked without the simulated kernel (syntax,
 * field counts, ranges, time order) and hands back decoded events.
 * Memory use does not depend on the trace length.  Checks that need the
 * replay's view of processes and descriptors are the replayer's.
 */
#ifndef KMTRACE_H
#define KMTRACE_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

enum kmt_op {
	KMT_SPAWN,
	KMT_FORK,
	KMT_EXEC,
	KMT_EXIT,
	KMT_SYSCTL,
	KMT_LIMIT,
	KMT_OPEN,
	KMT_DUP,
	KMT_CLOSE,
	KMT_MAP,
	KMT_TOUCH,
	KMT_GROW,
	KMT_UNMAP,
	KMT_KMALLOC,
	KMT_KFREE,
	KMT_NOPS
};

/* Flags of a kmalloc event, with the values of malloc.h 1.77. */
#define KMT_M_WAITOK	0x0000
#define KMT_M_NOWAIT	0x0001
#define KMT_M_ZERO	0x0002
#define KMT_M_CANFAIL	0x0004

/* Longest token (mapping or kmalloc ID, malloc type) the reader accepts. */
#define KMT_TOKEN_MAX	63
/* Longest line the reader accepts, without its newline. */
#define KMT_LINE_MAX	4096
/* Largest descriptor number, PID and sysctl/limit value: an int. */
#define KMT_INT_MAX	2147483647ULL
/* Largest mapping in pages: 4 GiB of 4 KiB pages. */
#define KMT_NPAGES_MAX	(1ULL << 20)
/* Largest kmalloc size: an i386 unsigned long. */
#define KMT_SIZE_MAX	4294967295ULL
/*
 * Largest zstd window the reader decodes, as a power of two: 2 GiB
 * (zstd --long=31).  A frame asking for more is "window too large".
 */
#define KMT_ZSTD_WINDOWLOG_MAX	31
#define KMT_XSTR(x)	#x
#define KMT_STR(x)	KMT_XSTR(x)

struct kmt_event {
	uint64_t	ke_time;	/* ns since the start of the trace */
	uint64_t	ke_no;		/* 1-based event number */
	uint64_t	ke_line;	/* 1-based line number in the file;
					   the event number if binary */
	uint32_t	ke_pid;		/* 0 is the kernel (interrupt context) */
	enum kmt_op	ke_op;

	/*
	 * Arguments, by op:
	 *  fork:    ke_child
	 *  sysctl:  ke_n (kern.maxfiles)
	 *  limit:   ke_n (RLIMIT_NOFILE)
	 *  open:    ke_fd, ke_cloexec
	 *  dup:     ke_oldfd, ke_fd, ke_cloexec
	 *  close:   ke_fd
	 *  map:     ke_id, ke_n (pages)
	 *  touch:   ke_id, and ke_ranged with ke_off, ke_npages
	 *  grow:    ke_id, ke_n (pages)
	 *  unmap:   ke_id, and ke_ranged with ke_off, ke_npages
	 *  kmalloc: ke_id, ke_n (size), ke_type, ke_mflags (KMT_M_*)
	 *  kfree:   ke_id
	 */
	uint32_t	ke_child;
	uint32_t	ke_fd;
	uint32_t	ke_oldfd;
	int		ke_cloexec;
	int		ke_ranged;
	int		ke_mflags;
	uint64_t	ke_n;
	uint64_t	ke_off;
	uint64_t	ke_npages;
	uint8_t		ke_idlen;	/* strlen(ke_id), from kmt_read() */
	uint8_t		ke_typelen;	/* strlen(ke_type), likewise */
	char		ke_id[KMT_TOKEN_MAX + 1];
	char		ke_type[KMT_TOKEN_MAX + 1];
};

/*
 * Clear the arguments that EV's op may leave unset: everything from
 * ke_child to the first byte of ke_id, which lie together, and the
 * first byte of ke_type (a memset of the whole event would clear 128
 * bytes of strings, a tenth of a binary replay's time).
 */
static inline void
kmt_clear_args(struct kmt_event *ev)
{

	memset(&ev->ke_child, 0, offsetof(struct kmt_event, ke_id) + 1 -
	    offsetof(struct kmt_event, ke_child));
	ev->ke_type[0] = '\0';
}

/*
 * Whether two tokens of LEN bytes, A and B, are the same.  Each must be
 * a whole buffer of KMT_TOKEN_MAX + 1 bytes (as ke_id is), since they
 * are compared eight bytes at a time; bytes past LEN do not count.
 */
static inline int
kmt_tokeq(const char *a, const char *b, size_t len)
{
	uint64_t x, y, keep;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	if (i == len)
		return 1;
	memcpy(&x, a + i, 8);
	memcpy(&y, b + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	keep = ~0ULL << (8 * (8 - (len - i)));
#else
	keep = ~0ULL >> (8 * (8 - (len - i)));
#endif
	return ((x ^ y) & keep) == 0;
}

struct kmt_reader;

/*
 * Reader flags that every later kmt_open() starts with, for the whole
 * process (a command sets them once from its options).
 * KMT_ALLOW_TRUNCATED: a version-2 text trace without its end line is
 * read to its last line instead of failing "truncated" (a warning is
 * kept for kmt_warning()).
 */
#define KMT_ALLOW_TRUNCATED	0x01
void	kmt_set_defaults(unsigned flags);

/*
 * Open PATH for reading.  On failure returns NULL and writes a one-line
 * message (naming PATH) into ERR.  The first line must be "kmtrace 1"
 * or "kmtrace 2" (the end line "# end N events" is required in 2);
 * header lines ("@ KEY VALUE") before the first event are collected and
 * can be read with kmt_header().
 */
struct kmt_reader *kmt_open(const char *path, char *err, size_t errlen);

/*
 * The same, with every byte read from the file handed to TAP(ARG, BYTES,
 * LEN) in order as it is read: the digest of what a replay read, not
 * of what the file holds later.  kmt_drain() reads what the replay left
 * (after a panic, say) through the tap: 0, or -1 with ERR.
 */
typedef void kmt_tap_fn(void *arg, const void *bytes, size_t len);
struct kmt_reader *kmt_open_tap(const char *path, kmt_tap_fn *tap,
    void *arg, char *err, size_t errlen);
int	kmt_drain(struct kmt_reader *r, char *err, size_t errlen);

/*
 * An image: the whole text of a trace (decompressed, text or binary
 * form) in memory, so that it can be read many times without the file,
 * the decompressor or a digest.  kmt_image_load() reads PATH to its end
 * through TAP as kmt_open_tap() would, and fills *ST from the open
 * file: what the image holds is that file's content, whatever PATH
 * names later.  It checks nothing but the decompression: NULL with
 * ERR for an unreadable or corrupt file, or one of more than MAX bytes
 * of text.  kmt_open_image() then gives a reader that reads the image
 * exactly as kmt_open() reads the file, messages included (they name
 * the path); the image must outlive its readers.
 */
struct kmt_image;
struct stat;
struct kmt_image *kmt_image_load(const char *path, size_t max,
    kmt_tap_fn *tap, void *arg, struct stat *st, char *err, size_t errlen);
struct kmt_reader *kmt_open_image(const struct kmt_image *im, char *err,
    size_t errlen);
void	kmt_image_free(struct kmt_image *im);

/*
 * A reader of events made as they are read: each kmt_read() gets the
 * next from NEXT(ARG, EV, ERR, ERRLEN), which returns 1 with EV filled
 * (but for ke_no and ke_line, which the reader numbers as in the
 * binary form), 0 after the last, or -1 with a message in ERR that the
 * reader then repeats as its own.  The events are not checked: NEXT
 * gives only what kmt_wevent() would take.  NAME names the trace in
 * the replay's messages.  No headers; kmt_isbinary() is 1.
 */
typedef int kmt_next_fn(void *arg, struct kmt_event *ev, char *err,
    size_t errlen);
struct kmt_reader *kmt_open_fn(const char *name, kmt_next_fn *next,
    void *arg, char *err, size_t errlen);

/*
 * Read the next event into EV.  Returns 1 for an event, 0 at the end of
 * the trace, -1 on error, with a message in the form
 * "FILE:LINE: event N: what is wrong" (or "FILE:LINE: what is wrong" for
 * lines that are not events, and "FILE: what is wrong" for I/O and
 * decompression errors) in ERR.
 */
int kmt_read(struct kmt_reader *r, struct kmt_event *ev, char *err,
    size_t errlen);

/* The value of header KEY ("source", "command", ...), or NULL. */
const char *kmt_header(const struct kmt_reader *r, const char *key);

/* How many headers were kept, and the key of the Ith (0-based). */
int	kmt_nheaders(const struct kmt_reader *r);
const char *kmt_header_key(const struct kmt_reader *r, int i);

/*
 * 1 when the trace is in the binary form (kmtbin.h, from kmbench
 * convert); its events' ke_line is then the event number.
 */
int	kmt_isbinary(const struct kmt_reader *r);

/* The text version (1 or 2); a binary trace counts as 2 (it has a trailer). */
int	kmt_version(const struct kmt_reader *r);

/*
 * A one-line warning the reader has for its caller to print, once, or
 * NULL: after kmt_open() for a version-1 trace (which cannot show that
 * it was cut short), at the end for a truncated trace that
 * KMT_ALLOW_TRUNCATED let through.  Valid until the next call or
 * kmt_close().
 */
const char *kmt_warning(struct kmt_reader *r);

/* Override KMT_ALLOW_TRUNCATED for this reader. */
void	kmt_set_allow_truncated(struct kmt_reader *r, int on);

/* The path the reader was opened with. */
const char *kmt_path(const struct kmt_reader *r);

void kmt_close(struct kmt_reader *r);

/* "spawn", "fork", ... */
const char *kmt_opname(enum kmt_op op);

#endif /* KMTRACE_H */
