/*
 * kmtrace.c: the kmtrace reader, versions 1 and 2.
 *
 * The trace is read through two fixed buffers: raw bytes from the file
 * and, after decompression (gzip through zlib, zstd through its
 * streaming API, or none), the text that is cut into lines.  Nothing is
 * allocated per line or per event, so memory use does not depend on
 * the length of the trace.  The reader checks syntax, field counts,
 * ranges and time order; everything that needs the simulated kernel's
 * view of processes and descriptors is left to the replayer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "kmtrace.h"
#include "kmtbin.h"

#define RBUF_SIZE	(64 * 1024)	/* raw bytes read from the file */
#define DBUF_SIZE	(256 * 1024)	/* text, cut into lines */
#define HDR_MAX		32		/* headers kept for kmt_header() */
#define HDR_KEY_MAX	63
#define HDR_VAL_MAX	1023
#define EMSG_EXTRA	512		/* a message, besides the path */
#define QUOTE_MAX	40		/* longest token quoted in a message */
#define NFIELDS		8		/* TIME PID OP, four args, one extra */

/* C_MEM: a kmt_image's text, in memory. */
enum kmt_comp { C_PLAIN, C_GZIP, C_ZSTD, C_MEM };

/* Where a message is about: the file, a line, or an event. */
enum kmt_where { W_FILE, W_LINE, W_EVENT };

struct kmt_hdr {
	char		kh_key[HDR_KEY_MAX + 1];
	char		kh_val[HDR_VAL_MAX + 1];
};

struct kmt_field {
	const char	*f_s;
	size_t		 f_n;
};

struct kmt_reader {
	char		*r_path;
	int		 r_fd;
	enum kmt_comp	 r_comp;

	/* Raw input. */
	unsigned char	 r_rbuf[RBUF_SIZE];
	size_t		 r_rpos, r_rend;
	int		 r_raweof;

	/* Decompressors. */
	z_stream	 r_z;
	int		 r_zinit;
	int		 r_zmember_done;	/* between gzip members */
	ZSTD_DStream	*r_zs;
	ZSTD_inBuffer	 r_zsin;
	size_t		 r_zslast;		/* 0: between zstd frames */

	/* C_MEM: the image's text, and how much of it was given. */
	const char	*r_mem;
	size_t		 r_memlen, r_mempos;

	/* Events made by a function instead (kmt_open_fn()). */
	kmt_next_fn	*r_next;
	void		*r_nextarg;

	/* Every byte read from the file goes through the tap, if set. */
	kmt_tap_fn	*r_tap;
	void		*r_taparg;

	/* An error found while filling, kept until its data is used. */
	int		 r_ioerr;

	/* Text. */
	char		 r_dbuf[DBUF_SIZE];
	size_t		 r_dpos, r_dend;
	int		 r_texteof;

	/* The first event line, read ahead by kmt_open(). */
	int		 r_pend;
	const char	*r_pline;
	size_t		 r_plen;

	uint64_t	 r_lineno;
	uint64_t	 r_nevents;
	uint64_t	 r_lasttime;
	int		 r_done;
	int		 r_failed;
	int		 r_bin;		/* the binary form (kmtbin.h) */
	int		 r_version;	/* text: 1 or 2 ("kmtrace N") */
	int		 r_sawend;	/* version 2: the end line was read */
	int		 r_allowtrunc;	/* no end line is not an error */
	char		*r_warn;	/* the last warning, or NULL */
	int		 r_warntaken;	/* kmt_warning() gave it */
	/* The last malloc type found good, so that a run of one is checked
	 * once (binary form). */
	char		 r_goodtype[KMT_TOKEN_MAX + 1];
	uint8_t		 r_goodtypelen;	/* 0: none yet */

	struct kmt_hdr	 r_hdr[HDR_MAX];
	int		 r_nhdr;

	char		*r_emsg;
	size_t		 r_emsgsz;
};

static const char *const opnames[KMT_NOPS] = {
	[KMT_SPAWN] = "spawn",
	[KMT_FORK] = "fork",
	[KMT_EXEC] = "exec",
	[KMT_EXIT] = "exit",
	[KMT_SYSCTL] = "sysctl",
	[KMT_LIMIT] = "limit",
	[KMT_OPEN] = "open",
	[KMT_DUP] = "dup",
	[KMT_CLOSE] = "close",
	[KMT_MAP] = "map",
	[KMT_TOUCH] = "touch",
	[KMT_GROW] = "grow",
	[KMT_UNMAP] = "unmap",
	[KMT_KMALLOC] = "kmalloc",
	[KMT_KFREE] = "kfree",
};

/* A token in a message: at most QUOTE_MAX characters, then "...". */
#define QFMT		"'%.*s%s'"
#define QARG(f)		(int)((f)->f_n > QUOTE_MAX ? QUOTE_MAX : (f)->f_n), \
			(f)->f_s, (f)->f_n > QUOTE_MAX ? "..." : ""

static int	fail(struct kmt_reader *, enum kmt_where, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));

/*
 * Record an error in the reader; it is sticky, every later kmt_read()
 * repeats it.  Always returns -1.
 */
static int
fail(struct kmt_reader *r, enum kmt_where where, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int k;

	switch (where) {
	case W_FILE:
		k = snprintf(r->r_emsg, r->r_emsgsz, "%s: ", r->r_path);
		break;
	case W_LINE:
		k = snprintf(r->r_emsg, r->r_emsgsz, "%s:%" PRIu64 ": ",
		    r->r_path, r->r_lineno);
		break;
	default:
		k = snprintf(r->r_emsg, r->r_emsgsz,
		    "%s:%" PRIu64 ": event %" PRIu64 ": ",
		    r->r_path, r->r_lineno, r->r_nevents);
		break;
	}
	n = k < 0 ? 0 : (size_t)k;
	if (n >= r->r_emsgsz)
		n = r->r_emsgsz - 1;
	va_start(ap, fmt);
	vsnprintf(r->r_emsg + n, r->r_emsgsz - n, fmt, ap);
	va_end(ap);
	r->r_failed = 1;
	return -1;
}

static void
copyerr(const struct kmt_reader *r, char *err, size_t errlen)
{

	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", r->r_emsg);
}

/*
 * Raw input: make sure r_rbuf holds unread bytes.  Returns how many,
 * 0 at the end of the file, -1 on a read error.
 */
static ssize_t
raw_more(struct kmt_reader *r)
{
	ssize_t n;

	if (r->r_rpos < r->r_rend)
		return (ssize_t)(r->r_rend - r->r_rpos);
	r->r_rpos = r->r_rend = 0;
	if (r->r_raweof)
		return 0;
	do
		n = read(r->r_fd, r->r_rbuf, sizeof(r->r_rbuf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(r, W_FILE, "%s", strerror(errno));
	if (n == 0)
		r->r_raweof = 1;
	else if (r->r_tap != NULL)
		r->r_tap(r->r_taparg, r->r_rbuf, (size_t)n);
	r->r_rend = (size_t)n;
	return n;
}

/*
 * Each fill function puts at least one byte of text at DST (at most
 * ROOM) and returns how many, or returns 0 at the end of the text, or
 * -1 on error.  An error found after some text was produced is kept
 * (r_ioerr) and returned by the next call, so that the text before a
 * corrupt stretch is still read.
 */
static ssize_t
plain_fill(struct kmt_reader *r, char *dst, size_t room)
{
	ssize_t n;

	if (r->r_rpos < r->r_rend) {
		n = (ssize_t)(r->r_rend - r->r_rpos);
		if ((size_t)n > room)
			n = (ssize_t)room;
		memcpy(dst, r->r_rbuf + r->r_rpos, (size_t)n);
		r->r_rpos += (size_t)n;
		return n;
	}
	if (r->r_raweof)
		return 0;
	do
		n = read(r->r_fd, dst, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(r, W_FILE, "%s", strerror(errno));
	if (n == 0)
		r->r_raweof = 1;
	else if (r->r_tap != NULL)
		r->r_tap(r->r_taparg, dst, (size_t)n);
	return n;
}

/*
 * A decompression error WHY after GOT bytes of text: the text is given
 * now and the error on the next call.
 */
static ssize_t
deferred(struct kmt_reader *r, size_t got, const char *why)
{

	fail(r, W_FILE, "%s", why);
	if (got == 0)
		return -1;
	r->r_ioerr = 1;
	r->r_failed = 0;
	return (ssize_t)got;
}

static ssize_t
gzip_fill(struct kmt_reader *r, char *dst, size_t room)
{
	z_stream *z = &r->r_z;
	ssize_t n;
	size_t got;
	int ret;

	z->next_out = (Bytef *)dst;
	z->avail_out = (uInt)room;
	for (;;) {
		got = room - z->avail_out;
		if (got > 0)
			return (ssize_t)got;
		if (z->avail_in == 0) {
			r->r_rpos = r->r_rend;
			if ((n = raw_more(r)) < 0)
				return -1;
			if (n == 0) {
				if (r->r_zmember_done)
					return 0;
				return fail(r, W_FILE,
				    "truncated gzip stream");
			}
			z->next_in = r->r_rbuf + r->r_rpos;
			z->avail_in = (uInt)n;
		}
		if (r->r_zmember_done) {
			/* Another member follows. */
			if (inflateReset(z) != Z_OK)
				return fail(r, W_FILE, "corrupt gzip data");
			r->r_zmember_done = 0;
		}
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			r->r_zmember_done = 1;
		else if (ret == Z_MEM_ERROR)
			return deferred(r, room - z->avail_out,
			    "out of memory");
		else if (ret != Z_OK &&
		    !(ret == Z_BUF_ERROR && z->avail_in == 0))
			/* Z_BUF_ERROR (no progress) is right at input's end. */
			return deferred(r, room - z->avail_out,
			    "corrupt gzip data");
	}
}

static ssize_t
zstd_fill(struct kmt_reader *r, char *dst, size_t room)
{
	ZSTD_outBuffer out = { dst, room, 0 };
	ZSTD_inBuffer *in = &r->r_zsin;
	ssize_t n;
	size_t ret;
	int ateof;

	for (;;) {
		if (out.pos > 0)
			return (ssize_t)out.pos;
		ateof = 0;
		if (in->pos == in->size) {
			r->r_rpos = r->r_rend;
			if ((n = raw_more(r)) < 0)
				return -1;
			if (n == 0) {
				if (r->r_zslast == 0)
					return 0;
				/* Data may still be held in the decoder. */
				ateof = 1;
			}
			in->src = r->r_rbuf + r->r_rpos;
			in->size = (size_t)n;
			in->pos = 0;
		}
		ret = ZSTD_decompressStream(r->r_zs, &out, in);
		if (ZSTD_isError(ret) && ZSTD_getErrorCode(ret) ==
		    ZSTD_error_frameParameter_windowTooLarge)
			return deferred(r, out.pos, "window too large: the zstd "
			    "frame needs a window of more than 2 GiB (at most "
			    "2^" KMT_STR(KMT_ZSTD_WINDOWLOG_MAX) " bytes are "
			    "decoded)");
		if (ZSTD_isError(ret))
			return deferred(r, out.pos, "corrupt zstd data");
		r->r_zslast = ret;
		if (ateof && out.pos == 0) {
			if (ret == 0)
				return 0;
			return fail(r, W_FILE, "truncated zstd stream");
		}
	}
}

/* An image's text is copied as the file's would be, so that the
 * reading that follows is the same, byte for byte. */
static ssize_t
mem_fill(struct kmt_reader *r, char *dst, size_t room)
{
	size_t n = r->r_memlen - r->r_mempos;

	if (n > room)
		n = room;
	memcpy(dst, r->r_mem + r->r_mempos, n);
	r->r_mempos += n;
	return (ssize_t)n;
}

static ssize_t
fill(struct kmt_reader *r, char *dst, size_t room)
{

	if (r->r_ioerr) {
		/* The message was kept by deferred(). */
		r->r_failed = 1;
		return -1;
	}
	switch (r->r_comp) {
	case C_GZIP:
		return gzip_fill(r, dst, room);
	case C_ZSTD:
		return zstd_fill(r, dst, room);
	case C_MEM:
		return mem_fill(r, dst, room);
	default:
		return plain_fill(r, dst, room);
	}
}

/*
 * The next line, without its newline and a '\r' before it.  Returns 1
 * with the line in *LP and *LENP, 0 at the end of the trace, -1 on an
 * I/O or decompression error and -2 for a line that is too long or
 * holds a NUL (both reported).  The line is NUL-terminated in place and
 * stays valid until the next call.
 */
static int
next_line(struct kmt_reader *r, const char **lp, size_t *lenp)
{
	char *p, *nl;
	size_t left, len;
	ssize_t n;

	for (;;) {
		p = r->r_dbuf + r->r_dpos;
		left = r->r_dend - r->r_dpos;
		nl = memchr(p, '\n', left);
		if (nl != NULL) {
			len = (size_t)(nl - p);
			r->r_dpos += len + 1;
			break;
		}
		if (left > KMT_LINE_MAX + 1) {
			/* Even a '\r' at the end leaves it too long. */
			r->r_lineno++;
			fail(r, W_LINE, "line too long");
			return -2;
		}
		if (r->r_texteof) {
			if (left == 0)
				return 0;
			/* A last line without a newline. */
			len = left;
			r->r_dpos = r->r_dend;
			break;
		}
		if (r->r_dpos > 0) {
			memmove(r->r_dbuf, p, left);
			r->r_dpos = 0;
			r->r_dend = left;
		}
		/* One byte is kept spare for the NUL after a last line. */
		n = fill(r, r->r_dbuf + r->r_dend,
		    sizeof(r->r_dbuf) - 1 - r->r_dend);
		if (n < 0)
			return -1;
		if (n == 0)
			r->r_texteof = 1;
		r->r_dend += (size_t)n;
	}
	r->r_lineno++;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len > KMT_LINE_MAX) {
		fail(r, W_LINE, "line too long");
		return -2;
	}
	if (memchr(p, '\0', len) != NULL) {
		fail(r, W_LINE, "NUL character in line");
		return -2;
	}
	p[len] = '\0';
	*lp = p;
	*lenp = len;
	return 1;
}

static inline int
isblank_(char c)
{

	return c == ' ' || c == '\t';
}

/* What ends a field: a blank, or the NUL that next_line() puts last. */
static const unsigned char fieldend[256] = {
	['\0'] = 1, [' '] = 1, ['\t'] = 1
};

/*
 * Split the NUL-terminated line P into at most MAX fields; returns how
 * many.
 */
static size_t
split(const char *p, struct kmt_field *f, size_t max)
{
	const char *s;
	size_t n;

	for (n = 0; n < max; n++) {
		while (isblank_(*p))
			p++;
		if (*p == '\0')
			break;
		s = p;
		while (!fieldend[(unsigned char)*p])
			p++;
		f[n].f_s = s;
		f[n].f_n = (size_t)(p - s);
	}
	return n;
}

static inline int
field_is(const struct kmt_field *f, const char *word)
{
	size_t n = strlen(word);

	return f->f_n == n && memcmp(f->f_s, word, n) == 0;
}

/*
 * A decimal number in LO..HI.  Digits only: no sign, no base prefix.
 */
static int
number(struct kmt_reader *r, const struct kmt_field *f, uint64_t lo,
    uint64_t hi, uint64_t *vp)
{
	uint64_t v;
	unsigned d;
	size_t i;
	int over;

	v = 0;
	over = 0;
	for (i = 0; i < f->f_n; i++) {
		d = (unsigned char)f->f_s[i] - (unsigned)'0';
		if (d > 9)
			return fail(r, W_EVENT, "bad number " QFMT, QARG(f));
		/* 19 digits always fit in 64 bits; check past that. */
		if (i >= 19 && v > (UINT64_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (over || v < lo || v > hi)
		return fail(r, W_EVENT, "number out of range");
	*vp = v;
	return 0;
}

/* A mapping or kmalloc ID, or a malloc type, into DST, its length
 * into *LENP. */
static int
token(struct kmt_reader *r, const struct kmt_field *f, const char *what,
    char *dst, uint8_t *lenp)
{

	if (f->f_n > KMT_TOKEN_MAX)
		return fail(r, W_EVENT, "%s too long", what);
	memcpy(dst, f->f_s, f->f_n);
	dst[f->f_n] = '\0';
	*lenp = (uint8_t)f->f_n;
	return 0;
}

/* The characters of a malloc type after its "M_". */
static const unsigned char mtype_char[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['_'] = 1
};

static int
malloc_type(struct kmt_reader *r, const struct kmt_field *f,
    struct kmt_event *ev)
{
	size_t i;

	if (token(r, f, "TYPE", ev->ke_type, &ev->ke_typelen) != 0)
		return -1;
	if (f->f_n < 3 || f->f_s[0] != 'M' || f->f_s[1] != '_')
		goto bad;
	for (i = 2; i < f->f_n; i++)
		if (!mtype_char[(unsigned char)f->f_s[i]])
			goto bad;
	return 0;
bad:
	return fail(r, W_EVENT, "bad malloc type " QFMT, QARG(f));
}

static int
malloc_flags(struct kmt_reader *r, const struct kmt_field *f, int *flagsp)
{
	struct kmt_field w;
	const char *p, *end, *comma;
	int flags, nwait;

	flags = 0;
	nwait = 0;
	p = f->f_s;
	end = f->f_s + f->f_n;
	for (;;) {
		comma = memchr(p, ',', (size_t)(end - p));
		w.f_s = p;
		w.f_n = (size_t)((comma != NULL ? comma : end) - p);
		if (field_is(&w, "WAITOK")) {
			flags |= KMT_M_WAITOK;
			nwait++;
		} else if (field_is(&w, "NOWAIT")) {
			flags |= KMT_M_NOWAIT;
			nwait++;
		} else if (field_is(&w, "ZERO"))
			flags |= KMT_M_ZERO;
		else if (field_is(&w, "CANFAIL"))
			flags |= KMT_M_CANFAIL;
		else
			return fail(r, W_EVENT, "unknown malloc flag " QFMT,
			    QARG(&w));
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (nwait != 1)
		return fail(r, W_EVENT,
		    "FLAGS needs exactly one of WAITOK and NOWAIT");
	*flagsp = flags;
	return 0;
}

static int
lookup_op(const struct kmt_field *f)
{

#define OP(name, op)	if (field_is(f, name)) return op
	switch (f->f_s[0]) {
	case 'c':
		OP("close", KMT_CLOSE);
		break;
	case 'd':
		OP("dup", KMT_DUP);
		break;
	case 'e':
		OP("exec", KMT_EXEC);
		OP("exit", KMT_EXIT);
		break;
	case 'f':
		OP("fork", KMT_FORK);
		break;
	case 'g':
		OP("grow", KMT_GROW);
		break;
	case 'k':
		OP("kmalloc", KMT_KMALLOC);
		OP("kfree", KMT_KFREE);
		break;
	case 'l':
		OP("limit", KMT_LIMIT);
		break;
	case 'm':
		OP("map", KMT_MAP);
		break;
	case 'o':
		OP("open", KMT_OPEN);
		break;
	case 's':
		OP("spawn", KMT_SPAWN);
		OP("sysctl", KMT_SYSCTL);
		break;
	case 't':
		OP("touch", KMT_TOUCH);
		break;
	case 'u':
		OP("unmap", KMT_UNMAP);
		break;
	}
#undef OP
	return -1;
}

/* Fields: ID NPAGES, for map and grow. */
static int
id_npages(struct kmt_reader *r, const struct kmt_field *a, size_t na,
    struct kmt_event *ev)
{

	if (na < 1)
		return fail(r, W_EVENT, "missing ID");
	if (token(r, &a[0], "ID", ev->ke_id, &ev->ke_idlen) != 0)
		return -1;
	if (na < 2)
		return fail(r, W_EVENT, "missing NPAGES");
	return number(r, &a[1], 1, KMT_NPAGES_MAX, &ev->ke_n);
}

/* Fields: ID [OFF NPAGES], for touch and unmap. */
static int
id_range(struct kmt_reader *r, const struct kmt_field *a, size_t na,
    struct kmt_event *ev)
{

	if (na < 1)
		return fail(r, W_EVENT, "missing ID");
	if (token(r, &a[0], "ID", ev->ke_id, &ev->ke_idlen) != 0)
		return -1;
	if (na < 2)
		return 0;
	if (number(r, &a[1], 0, KMT_NPAGES_MAX - 1, &ev->ke_off) != 0)
		return -1;
	if (na < 3)
		return fail(r, W_EVENT, "missing NPAGES");
	if (number(r, &a[2], 1, KMT_NPAGES_MAX, &ev->ke_npages) != 0)
		return -1;
	ev->ke_ranged = 1;
	return 0;
}

/* Fields: NAME N, for sysctl and limit. */
static int
name_value(struct kmt_reader *r, const struct kmt_field *a, size_t na,
    const char *kind, const char *name, struct kmt_event *ev)
{

	if (na < 1)
		return fail(r, W_EVENT, "missing %s", name);
	if (!field_is(&a[0], name))
		return fail(r, W_EVENT, "unknown %s " QFMT, kind, QARG(&a[0]));
	if (na < 2)
		return fail(r, W_EVENT, "missing N");
	return number(r, &a[1], 0, KMT_INT_MAX, &ev->ke_n);
}

/* Field: FD, for open, dup and close. */
static int
descriptor(struct kmt_reader *r, const struct kmt_field *a, size_t na,
    const char *what, uint32_t *fdp)
{
	uint64_t v;

	if (na < 1)
		return fail(r, W_EVENT, "missing %s", what);
	if (number(r, a, 0, KMT_INT_MAX, &v) != 0)
		return -1;
	*fdp = (uint32_t)v;
	return 0;
}

/* Decode the NUL-terminated event line LINE into EV. */
static int
parse_event(struct kmt_reader *r, const char *line, struct kmt_event *ev)
{
	struct kmt_field f[NFIELDS], *a;
	size_t nf, na, max;
	uint64_t v;
	int op;

	r->r_nevents++;
	ev->ke_no = r->r_nevents;
	ev->ke_line = r->r_lineno;
	kmt_clear_args(ev);

	nf = split(line, f, NFIELDS);
	if (number(r, &f[0], 0, UINT64_MAX, &ev->ke_time) != 0)
		return -1;
	if (nf < 2)
		return fail(r, W_EVENT, "missing PID");
	if (number(r, &f[1], 0, KMT_INT_MAX, &v) != 0)
		return -1;
	ev->ke_pid = (uint32_t)v;
	if (nf < 3)
		return fail(r, W_EVENT, "missing OP");
	if ((op = lookup_op(&f[2])) < 0)
		return fail(r, W_EVENT, "unknown op " QFMT, QARG(&f[2]));
	ev->ke_op = (enum kmt_op)op;
	if (ev->ke_pid == 0 && op != KMT_KMALLOC && op != KMT_KFREE)
		return fail(r, W_EVENT,
		    "PID 0 (the kernel) can only kmalloc and kfree");

	a = f + 3;
	na = nf - 3;
	switch (ev->ke_op) {
	case KMT_SPAWN:
	case KMT_EXEC:
	case KMT_EXIT:
		max = 0;
		break;
	case KMT_FORK:
		max = 1;
		if (na < 1)
			return fail(r, W_EVENT, "missing CHILD");
		if (number(r, &a[0], 1, KMT_INT_MAX, &v) != 0)
			return -1;
		if (v == ev->ke_pid)
			return fail(r, W_EVENT, "CHILD is the same as PID");
		ev->ke_child = (uint32_t)v;
		break;
	case KMT_SYSCTL:
		max = 2;
		if (name_value(r, a, na, "sysctl", "maxfiles", ev) != 0)
			return -1;
		break;
	case KMT_LIMIT:
		max = 2;
		if (name_value(r, a, na, "limit", "nofile", ev) != 0)
			return -1;
		break;
	case KMT_OPEN:
	case KMT_DUP:
		if (ev->ke_op == KMT_DUP) {
			if (descriptor(r, a, na, "OLD", &ev->ke_oldfd) != 0)
				return -1;
			a++;
			na = na > 0 ? na - 1 : 0;
		}
		max = 2;
		if (descriptor(r, a, na, "FD", &ev->ke_fd) != 0)
			return -1;
		if (na >= 2) {
			if (!field_is(&a[1], "cloexec"))
				return fail(r, W_EVENT,
				    "unexpected field " QFMT, QARG(&a[1]));
			ev->ke_cloexec = 1;
		}
		break;
	case KMT_CLOSE:
		max = 1;
		if (descriptor(r, a, na, "FD", &ev->ke_fd) != 0)
			return -1;
		break;
	case KMT_MAP:
	case KMT_GROW:
		max = 2;
		if (id_npages(r, a, na, ev) != 0)
			return -1;
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		max = 3;
		if (id_range(r, a, na, ev) != 0)
			return -1;
		break;
	case KMT_KMALLOC:
		max = 4;
		if (na < 1)
			return fail(r, W_EVENT, "missing ID");
		if (token(r, &a[0], "ID", ev->ke_id, &ev->ke_idlen) != 0)
			return -1;
		if (na < 2)
			return fail(r, W_EVENT, "missing SIZE");
		if (number(r, &a[1], 0, KMT_SIZE_MAX, &ev->ke_n) != 0)
			return -1;
		if (na < 3)
			return fail(r, W_EVENT, "missing TYPE");
		if (malloc_type(r, &a[2], ev) != 0)
			return -1;
		if (na < 4)
			return fail(r, W_EVENT, "missing FLAGS");
		if (malloc_flags(r, &a[3], &ev->ke_mflags) != 0)
			return -1;
		break;
	case KMT_KFREE:
		max = 1;
		if (na < 1)
			return fail(r, W_EVENT, "missing ID");
		if (token(r, &a[0], "ID", ev->ke_id, &ev->ke_idlen) != 0)
			return -1;
		break;
	default:
		return fail(r, W_EVENT, "unknown op " QFMT, QARG(&f[2]));
	}
	if (na > max)
		return fail(r, W_EVENT, "unexpected field " QFMT,
		    QARG(&a[max]));
	if (ev->ke_time < r->r_lasttime)
		return fail(r, W_EVENT,
		    "time goes backwards (%" PRIu64 " after %" PRIu64 ")",
		    ev->ke_time, r->r_lasttime);
	r->r_lasttime = ev->ke_time;
	return 0;
}

/* "@ KEY VALUE": keep it for kmt_header(). */
static int
parse_header(struct kmt_reader *r, const char *p, const char *end)
{
	const char *key, *val;
	size_t keylen, vallen;
	struct kmt_hdr *h;
	int i;

	/* P is just past the '@'. */
	if (p == end || !isblank_(*p))
		goto bad;
	while (p < end && isblank_(*p))
		p++;
	if (p == end)
		goto bad;
	key = p;
	while (p < end && !isblank_(*p))
		p++;
	keylen = (size_t)(p - key);
	while (p < end && isblank_(*p))
		p++;
	val = p;
	while (end > val && isblank_(end[-1]))
		end--;
	vallen = (size_t)(end - val);

	/* Keys too long to look up, and headers past HDR_MAX, are not kept. */
	if (keylen > HDR_KEY_MAX)
		return 0;
	h = NULL;
	for (i = 0; i < r->r_nhdr; i++)
		if (strlen(r->r_hdr[i].kh_key) == keylen &&
		    memcmp(r->r_hdr[i].kh_key, key, keylen) == 0)
			h = &r->r_hdr[i];
	if (h == NULL) {
		if (r->r_nhdr == HDR_MAX)
			return 0;
		h = &r->r_hdr[r->r_nhdr++];
		memcpy(h->kh_key, key, keylen);
		h->kh_key[keylen] = '\0';
	}
	if (vallen > HDR_VAL_MAX)
		vallen = HDR_VAL_MAX;
	memcpy(h->kh_val, val, vallen);
	h->kh_val[vallen] = '\0';
	return 0;
bad:
	return fail(r, W_LINE,
	    "malformed header line (expected '@ KEY VALUE')");
}

/*
 * The binary form (kmtbin.h).  After its first line come header lines
 * "@ KEY VALUE" as in the text form, then the line "-", then the
 * events as bytes, then the trailer.  kmt_open() reads the lines; the
 * body is decoded from r_dbuf, refilled so that a whole record is in
 * the buffer before it is decoded.
 */
static int
bin_headers(struct kmt_reader *r)
{
	const char *line;
	size_t len;
	int rc;

	r->r_bin = 1;
	for (;;) {
		if ((rc = next_line(r, &line, &len)) < 0)
			return -1;
		if (rc == 0)
			return fail(r, W_FILE, "binary trace truncated: "
			    "no events and no trailer");
		if (len == 1 && line[0] == '-')
			return 0;
		if (len == 0 || line[0] != '@')
			return fail(r, W_LINE, "malformed binary trace header");
		if (parse_header(r, line + 1, line + len) != 0)
			return -1;
	}
}

/* 1 when S is not "M_" and capitals, digits or underscores. */
static int
bad_mtype(const char *s)
{
	size_t i;

	if (s[0] != 'M' || s[1] != '_' || s[2] == '\0')
		return 1;
	for (i = 2; s[i] != '\0'; i++)
		if (!mtype_char[(unsigned char)s[i]])
			return 1;
	return 0;
}

/* bin_more() when fewer than WANT bytes are left: refill. */
static __attribute__((noinline)) int
bin_refill(struct kmt_reader *r, size_t want)
{
	size_t left;
	ssize_t n;

	while ((left = r->r_dend - r->r_dpos) < want && !r->r_texteof) {
		if (r->r_dpos > 0) {
			memmove(r->r_dbuf, r->r_dbuf + r->r_dpos, left);
			r->r_dpos = 0;
			r->r_dend = left;
		}
		n = fill(r, r->r_dbuf + r->r_dend,
		    sizeof(r->r_dbuf) - r->r_dend);
		if (n < 0)
			return -1;
		if (n == 0)
			r->r_texteof = 1;
		r->r_dend += (size_t)n;
	}
	return 0;
}

/* At least WANT bytes in r_dbuf past r_dpos, unless the body ends. */
static inline int
bin_more(struct kmt_reader *r, size_t want)
{

	if (__builtin_expect(r->r_dend - r->r_dpos >= want, 1))
		return 0;
	return bin_refill(r, want);
}

/* A cursor over one record; c_short is set when it runs off the end. */
struct bcur {
	const unsigned char	*c_p;
	const unsigned char	*c_end;
	int			 c_short;
	int			 c_long;	/* a varint past 64 bits */
};

/* A varint, checked byte by byte: short, past 64 bits, or its value. */
static __attribute__((noinline)) uint64_t
bget_slow(struct bcur *c)
{
	uint64_t v;
	unsigned sh;
	unsigned char b;

	v = 0;
	for (sh = 0;; sh += 7) {
		if (c->c_p == c->c_end) {
			c->c_short = 1;
			return 0;
		}
		b = *c->c_p++;
		if (sh == 63 && b > 1) {
			c->c_long = 1;
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << sh;
		if (b < 0x80)
			return v;
		if (sh == 63) {
			c->c_long = 1;
			return 0;
		}
	}
}

/*
 * A varint.  Those of one to four bytes with the bytes in the buffer
 * (nearly all: times, PIDs, sizes) are decoded without the checks that
 * only longer ones or the buffer's end need.
 */
static inline __attribute__((always_inline)) uint64_t
bget(struct bcur *c)
{
	const unsigned char *p = c->c_p;
	uint64_t v;

	if (__builtin_expect(c->c_end - p >= 4, 1)) {
		if (p[0] < 0x80) {
			c->c_p = p + 1;
			return p[0];
		}
		v = p[0] & 0x7f;
		if (p[1] < 0x80) {
			c->c_p = p + 2;
			return v | (uint64_t)p[1] << 7;
		}
		v |= (uint64_t)(p[1] & 0x7f) << 7;
		if (p[2] < 0x80) {
			c->c_p = p + 3;
			return v | (uint64_t)p[2] << 14;
		}
		v |= (uint64_t)(p[2] & 0x7f) << 14;
		if (p[3] < 0x80) {
			c->c_p = p + 4;
			return v | (uint64_t)p[3] << 21;
		}
	}
	return bget_slow(c);
}

/*
 * The blank and control characters (below 0x21, and 0x7f) among the
 * eight bytes of the little-endian word W: the top bit of each, or 0.
 * A byte below 0x21 borrows when 0x21 is taken from it, setting its top
 * bit where the byte's own top bit was clear; 0x7f is the byte that XOR
 * 0x7f makes zero, found the same way with 0x01.  A borrow runs on into
 * the bytes above, which may then be marked too, so only the lowest bit
 * set is sure to mark such a byte; it always does, as nothing below it
 * borrowed.
 */
#define BYTES(b)	(0x0101010101010101ULL * (b))
#define BELOW(w, b)	(((w) - BYTES(b)) & ~(w) & BYTES(0x80))
#define BAD_TOKEN_BYTES(w) (BELOW(w, 0x21) | BELOW((w) ^ BYTES(0x7f), 0x01))

/* A length-prefixed token into DST (KMT_TOKEN_MAX + 1 bytes) and its
 * length into *LENP; 0, or why it is bad. */
static inline __attribute__((always_inline)) const char *
bget_token(struct bcur *c, char *dst, uint8_t *lenp)
{
	uint64_t n, w, bad;
	size_t i;

	/* A token's length is one byte (it is at most 63): read it here. */
	if (__builtin_expect(c->c_p < c->c_end && *c->c_p < 0x80, 1))
		n = *c->c_p++;
	else {
		n = bget(c);
		if (c->c_short || c->c_long)
			return NULL;
	}
	if (n == 0)
		return "is empty";
	if (n > KMT_TOKEN_MAX)
		return "too long";
	if ((size_t)(c->c_end - c->c_p) < n) {
		c->c_short = 1;
		return NULL;
	}
	/*
	 * With a whole token buffer's worth of bytes in the input, eight at
	 * a time: the last word may take bytes past N, which are copied too
	 * (DST holds KMT_TOKEN_MAX + 1 bytes, and the NUL goes on top) but
	 * do not count.  Nearer the input's end, a byte at a time.
	 */
	i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if ((size_t)(c->c_end - c->c_p) > KMT_TOKEN_MAX) {
		for (; i < n; i += 8) {
			memcpy(&w, c->c_p + i, 8);
			bad = BAD_TOKEN_BYTES(w);
			if (bad != 0 &&
			    (uint64_t)__builtin_ctzll(bad) / 8 < n - i)
				return "holds a blank or a control character";
			memcpy(dst + i, &w, 8);
		}
		i = n;
	}
#endif
	for (; i < n; i++) {
		if (c->c_p[i] <= ' ' || c->c_p[i] == 0x7f)
			return "holds a blank or a control character";
		dst[i] = (char)c->c_p[i];
	}
	dst[n] = '\0';
	*lenp = (uint8_t)n;
	c->c_p += n;
	return NULL;
}

static inline int
in_range(uint64_t v, uint64_t lo, uint64_t hi)
{

	return v >= lo && v <= hi;
}

#define BNUM(c, v, lo, hi) do {						\
	(v) = bget(c);							\
	if ((c)->c_short)						\
		goto cut;						\
	if ((c)->c_long || !in_range((v), (lo), (hi)))			\
		return fail(r, W_EVENT, "number out of range");		\
} while (0)

#define BTOK(c, dst, lenp, what) do {					\
	const char *why_ = bget_token(c, dst, lenp);			\
	if ((c)->c_short)						\
		goto cut;						\
	if ((c)->c_long)						\
		return fail(r, W_EVENT, "number out of range");		\
	if (why_ != NULL)						\
		return fail(r, W_EVENT, "%s %s", what, why_);		\
} while (0)

/* The trailer: the count of events, then nothing. */
static int
bin_trailer(struct kmt_reader *r, struct bcur *c)
{
	uint64_t n;

	n = bget(c);
	if (c->c_short)
		return fail(r, W_FILE, "binary trace truncated in its "
		    "trailer, found %" PRIu64 " events", r->r_nevents);
	if (c->c_long)
		return fail(r, W_FILE, "binary trace corrupt: bad trailer");
	if (n > r->r_nevents)
		return fail(r, W_FILE, "binary trace truncated: header says "
		    "%" PRIu64 " events, found %" PRIu64, n, r->r_nevents);
	if (n < r->r_nevents)
		return fail(r, W_FILE, "binary trace corrupt: header says "
		    "%" PRIu64 " events, found %" PRIu64, n, r->r_nevents);
	r->r_dpos = (size_t)(c->c_p - (const unsigned char *)r->r_dbuf);
	if (bin_more(r, 1) != 0)
		return -1;
	if (r->r_dpos != r->r_dend)
		return fail(r, W_FILE,
		    "binary trace corrupt: data after the trailer");
	r->r_done = 1;
	return 0;
}

/* The op bytes there are, as bits: every op, and with KMB_FLAG the four
 * that take it. */
#define OPBIT(op)	(1ULL << (op))
#define OPBYTES	((OPBIT(KMT_NOPS) - 1) | (OPBIT(KMT_OPEN) | OPBIT(KMT_DUP) | \
		    OPBIT(KMT_TOUCH) | OPBIT(KMT_UNMAP)) << KMB_FLAG)
_Static_assert(KMB_FLAG == 32 && KMT_NOPS <= 32, "op bytes fit 64 bits");

/* The next event of a binary trace: 1, 0 at the end, -1 on error. */
static int
bin_event(struct kmt_reader *r, struct kmt_event *ev)
{
	struct bcur c;
	uint64_t v, t;
	unsigned b, op, flag;

	if (bin_more(r, KMB_RECORD_MAX) != 0)
		return -1;
	c.c_p = (const unsigned char *)r->r_dbuf + r->r_dpos;
	c.c_end = (const unsigned char *)r->r_dbuf + r->r_dend;
	c.c_short = c.c_long = 0;
	if (c.c_p == c.c_end)
		return fail(r, W_FILE, "binary trace truncated: no trailer "
		    "after %" PRIu64 " events", r->r_nevents);
	b = *c.c_p++;
	if (b == KMB_TRAILER)
		return bin_trailer(r, &c);

	r->r_nevents++;
	r->r_lineno = r->r_nevents;
	ev->ke_no = r->r_nevents;
	ev->ke_line = r->r_nevents;
	kmt_clear_args(ev);

	if (b >= 64 || (OPBYTES >> b & 1) == 0)
		return fail(r, W_EVENT, "bad op byte 0x%02x", b);
	op = b & KMB_OPMASK;
	flag = b & KMB_FLAG;
	ev->ke_op = (enum kmt_op)op;
	v = bget(&c);
	if (c.c_short)
		goto cut;
	t = r->r_lasttime + v;
	if (c.c_long || t < r->r_lasttime)
		return fail(r, W_EVENT, "number out of range");
	ev->ke_time = t;
	BNUM(&c, v, 0, KMT_INT_MAX);
	ev->ke_pid = (uint32_t)v;
	if (ev->ke_pid == 0 && op != KMT_KMALLOC && op != KMT_KFREE)
		return fail(r, W_EVENT,
		    "PID 0 (the kernel) can only kmalloc and kfree");
	switch (ev->ke_op) {
	case KMT_FORK:
		BNUM(&c, v, 1, KMT_INT_MAX);
		if (v == ev->ke_pid)
			return fail(r, W_EVENT, "CHILD is the same as PID");
		ev->ke_child = (uint32_t)v;
		break;
	case KMT_SYSCTL:
	case KMT_LIMIT:
		BNUM(&c, ev->ke_n, 0, KMT_INT_MAX);
		break;
	case KMT_DUP:
		BNUM(&c, v, 0, KMT_INT_MAX);
		ev->ke_oldfd = (uint32_t)v;
		/* FALLTHROUGH */
	case KMT_OPEN:
		ev->ke_cloexec = flag != 0;
		/* FALLTHROUGH */
	case KMT_CLOSE:
		BNUM(&c, v, 0, KMT_INT_MAX);
		ev->ke_fd = (uint32_t)v;
		break;
	case KMT_MAP:
	case KMT_GROW:
		BTOK(&c, ev->ke_id, &ev->ke_idlen, "ID");
		BNUM(&c, ev->ke_n, 1, KMT_NPAGES_MAX);
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		BTOK(&c, ev->ke_id, &ev->ke_idlen, "ID");
		if (flag) {
			BNUM(&c, ev->ke_off, 0, KMT_NPAGES_MAX - 1);
			BNUM(&c, ev->ke_npages, 1, KMT_NPAGES_MAX);
			ev->ke_ranged = 1;
		}
		break;
	case KMT_KMALLOC:
		BTOK(&c, ev->ke_id, &ev->ke_idlen, "ID");
		BNUM(&c, ev->ke_n, 0, KMT_SIZE_MAX);
		BTOK(&c, ev->ke_type, &ev->ke_typelen, "TYPE");
		if (ev->ke_typelen != r->r_goodtypelen ||
		    !kmt_tokeq(ev->ke_type, r->r_goodtype, ev->ke_typelen)) {
			if (bad_mtype(ev->ke_type))
				return fail(r, W_EVENT,
				    "bad malloc type '%.*s%s'", QUOTE_MAX,
				    ev->ke_type, ev->ke_typelen > QUOTE_MAX ?
				    "..." : "");
			memcpy(r->r_goodtype, ev->ke_type,
			    sizeof(r->r_goodtype));
			r->r_goodtypelen = ev->ke_typelen;
		}
		BNUM(&c, v, 0, KMT_M_NOWAIT | KMT_M_ZERO | KMT_M_CANFAIL);
		ev->ke_mflags = (int)v;
		break;
	case KMT_KFREE:
		BTOK(&c, ev->ke_id, &ev->ke_idlen, "ID");
		break;
	default:
		break;
	}
	r->r_lasttime = t;
	r->r_dpos = (size_t)(c.c_p - (const unsigned char *)r->r_dbuf);
	return 1;
cut:
	return fail(r, W_FILE, "binary trace truncated: event %" PRIu64
	    " is cut short", r->r_nevents);
}

enum kmt_kind { K_BLANK, K_HEADER, K_EVENT };

/* What a line is; *PP is set to its first non-blank character. */
static enum kmt_kind
classify(const char *line, size_t len, const char **pp)
{
	const char *p = line, *end = line + len;

	while (p < end && isblank_(*p))
		p++;
	*pp = p;
	if (p == end || *p == '#')
		return K_BLANK;
	if (*p == '@')
		return K_HEADER;
	return K_EVENT;
}

/* Reader flags every kmt_open() starts with (kmt_set_defaults()). */
static unsigned kmt_defaults;

void
kmt_set_defaults(unsigned flags)
{

	kmt_defaults = flags;
}

/* Keep a warning for kmt_warning(); a later one replaces it. */
static void
warn(struct kmt_reader *r, const char *fmt, const char *what)
{
	size_t n = strlen(r->r_path) + strlen(fmt) + strlen(what) + 1;

	free(r->r_warn);
	r->r_warntaken = 0;
	if ((r->r_warn = malloc(n)) != NULL)
		snprintf(r->r_warn, n, fmt, r->r_path, what);
}

/*
 * A blank or comment line (from its first non-blank character P, of
 * LEN bytes in all).  In version 2 it may be the end line,
 * "# end N events" (or "event" for 1), which must count every event
 * before it and be followed by nothing but blank lines.  0, or -1
 * (reported).
 */
static int
blank_line(struct kmt_reader *r, const char *p, const char *end)
{
	uint64_t n = 0;
	const char *q;

	if (r->r_version < 2)
		return 0;
	if (r->r_sawend) {
		if (p != end)
			return fail(r, W_LINE, "text after the end line");
		return 0;
	}
	if (end - p < 7 || memcmp(p, "# end ", 6) != 0)
		return 0;
	for (q = p + 6; q < end && *q >= '0' && *q <= '9' &&
	    q - (p + 6) < 20; q++)
		n = n * 10 + (uint64_t)(*q - '0');
	if (q == p + 6 || q - (p + 6) >= 20)
		return 0;
	if (end - q == 6 && memcmp(q, " event", 6) == 0 && n != 1)
		return 0;
	if (!((end - q == 6 && memcmp(q, " event", 6) == 0) ||
	    (end - q == 7 && memcmp(q, " events", 7) == 0)))
		return 0;
	if (n != r->r_nevents)
		return fail(r, W_LINE, "end line counts %" PRIu64 " events, "
		    "the trace holds %" PRIu64, n, r->r_nevents);
	r->r_sawend = 1;
	return 0;
}

/*
 * The end of a text trace: version 2 must have had its end line.  0,
 * or -1 (reported).
 */
static int
text_end(struct kmt_reader *r)
{

	r->r_done = 1;
	if (r->r_version < 2 || r->r_sawend)
		return 0;
	if (!r->r_allowtrunc)
		return fail(r, W_LINE, "truncated (no end line '# end N "
		    "events')");
	warn(r, "%s: %s", "truncated (no end line), read as far as it "
	    "goes (--allow-truncated)");
	return 0;
}

struct kmt_reader *
kmt_open(const char *path, char *err, size_t errlen)
{

	return kmt_open_tap(path, NULL, NULL, err, errlen);
}

/* A reader of PATH with nothing open yet; NULL (ERR set) out of memory. */
static struct kmt_reader *
reader_new(const char *path, kmt_tap_fn *tap, void *taparg, char *err,
    size_t errlen)
{
	struct kmt_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	r->r_fd = -1;
	r->r_emsgsz = strlen(path) + EMSG_EXTRA;
	if ((r->r_path = strdup(path)) == NULL ||
	    (r->r_emsg = malloc(r->r_emsgsz)) == NULL) {
		kmt_close(r);
		goto nomem;
	}
	r->r_emsg[0] = '\0';
	r->r_allowtrunc = (kmt_defaults & KMT_ALLOW_TRUNCATED) != 0;
	r->r_tap = tap;
	r->r_taparg = taparg;
	return r;
nomem:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
	return NULL;
}

/*
 * Open R's file and start its decompressor, from the magic of its first
 * bytes.  0, or -1 (reported).
 */
static int
reader_source(struct kmt_reader *r)
{
	static const unsigned char gzmagic[] = { 0x1f, 0x8b };
	static const unsigned char zsmagic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	ssize_t n;

	if ((r->r_fd = open(r->r_path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail(r, W_FILE, "%s", strerror(errno));

	/* Enough bytes to recognise the compression by its magic. */
	while (r->r_rend < sizeof(zsmagic) && !r->r_raweof) {
		do
			n = read(r->r_fd, r->r_rbuf + r->r_rend,
			    sizeof(r->r_rbuf) - r->r_rend);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return fail(r, W_FILE, "%s", strerror(errno));
		if (n == 0)
			r->r_raweof = 1;
		else if (r->r_tap != NULL)
			r->r_tap(r->r_taparg, r->r_rbuf + r->r_rend,
			    (size_t)n);
		r->r_rend += (size_t)n;
	}
	if (r->r_rend >= sizeof(gzmagic) &&
	    memcmp(r->r_rbuf, gzmagic, sizeof(gzmagic)) == 0) {
		r->r_comp = C_GZIP;
		r->r_z.next_in = r->r_rbuf;
		r->r_z.avail_in = (uInt)r->r_rend;
		/* 15 + 16: a gzip stream only, with a 32 KiB window. */
		if (inflateInit2(&r->r_z, 15 + 16) != Z_OK)
			return fail(r, W_FILE,
			    "cannot start gzip decompression");
		r->r_zinit = 1;
	} else if (r->r_rend >= sizeof(zsmagic) &&
	    memcmp(r->r_rbuf, zsmagic, sizeof(zsmagic)) == 0) {
		r->r_comp = C_ZSTD;
		if ((r->r_zs = ZSTD_createDStream()) == NULL ||
		    ZSTD_isError(ZSTD_initDStream(r->r_zs)) ||
		    ZSTD_isError(ZSTD_DCtx_setParameter(r->r_zs,
		    ZSTD_d_windowLogMax, KMT_ZSTD_WINDOWLOG_MAX)))
			return fail(r, W_FILE,
			    "cannot start zstd decompression");
		r->r_zsin.src = r->r_rbuf;
		r->r_zsin.size = r->r_rend;
		r->r_zsin.pos = 0;
		r->r_zslast = 1;	/* inside a frame until one ends */
	} else
		r->r_comp = C_PLAIN;
	return 0;
}

/*
 * The first line, and the headers up to the first event, which is kept
 * for kmt_read().  0, or -1 (reported).
 */
static int
reader_start(struct kmt_reader *r)
{
	const char *line, *p;
	size_t len;
	int rc;

	/* A first line too long or holding a NUL is not "kmtrace 1". */
	if ((rc = next_line(r, &line, &len)) == -2)
		goto notkmt;
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(r, W_FILE, "empty file, expected 'kmtrace 1'");
	if (len == KMB_MAGIC_LEN && memcmp(line, KMB_MAGIC, len) == 0)
		return bin_headers(r);
	if (len != 9 || memcmp(line, "kmtrace ", 8) != 0 ||
	    (line[8] != '1' && line[8] != '2'))
		goto notkmt;
	r->r_version = line[8] - '0';
	if (r->r_version == 1)
		warn(r, "%s: %s", "kmtrace 1, which has no end line: a "
		    "truncated trace cannot be told from a whole one "
		    "(kmbench convert writes kmtrace 2)");

	for (;;) {
		if ((rc = next_line(r, &line, &len)) < 0)
			return -1;
		if (rc == 0)
			return text_end(r);
		switch (classify(line, len, &p)) {
		case K_BLANK:
			if (blank_line(r, p, line + len) != 0)
				return -1;
			continue;
		case K_HEADER:
			if (r->r_sawend)
				return fail(r, W_LINE,
				    "text after the end line");
			if (parse_header(r, p + 1, line + len) != 0)
				return -1;
			continue;
		case K_EVENT:
			r->r_pend = 1;
			r->r_pline = line;
			r->r_plen = len;
			return 0;
		}
	}

notkmt:
	r->r_lineno = 1;
	return fail(r, W_LINE, "not a kmtrace file (first line must be "
	    "'kmtrace 1' or 'kmtrace 2')");
}

struct kmt_reader *
kmt_open_tap(const char *path, kmt_tap_fn *tap, void *taparg, char *err,
    size_t errlen)
{
	struct kmt_reader *r;

	if ((r = reader_new(path, tap, taparg, err, errlen)) == NULL)
		return NULL;
	if (reader_source(r) != 0 || reader_start(r) != 0) {
		copyerr(r, err, errlen);
		kmt_close(r);
		return NULL;
	}
	return r;
}

struct kmt_image {
	char	*im_path;
	char	*im_text;
	size_t	 im_len;
};

struct kmt_image *
kmt_image_load(const char *path, size_t max, kmt_tap_fn *tap, void *taparg,
    struct stat *st, char *err, size_t errlen)
{
	struct kmt_reader *r;
	struct kmt_image *im;
	size_t cap = 0;
	ssize_t n;
	char *nt;

	if ((im = calloc(1, sizeof(*im))) == NULL ||
	    (im->im_path = strdup(path)) == NULL) {
		kmt_image_free(im);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	if ((r = reader_new(path, tap, taparg, err, errlen)) == NULL) {
		kmt_image_free(im);
		return NULL;
	}
	if (reader_source(r) != 0)
		goto bad;
	if (fstat(r->r_fd, st) != 0) {
		fail(r, W_FILE, "%s", strerror(errno));
		goto bad;
	}
	for (;;) {
		/* IM_LEN <= MAX here, so a full-size fill always has room. */
		if (cap - im->im_len < DBUF_SIZE) {
			cap = cap ? 2 * cap : 4 * DBUF_SIZE;
			if (cap > max + DBUF_SIZE)
				cap = max + DBUF_SIZE;
			if ((nt = realloc(im->im_text, cap)) == NULL) {
				fail(r, W_FILE, "%s", strerror(ENOMEM));
				goto bad;
			}
			im->im_text = nt;
		}
		if ((n = fill(r, im->im_text + im->im_len, DBUF_SIZE)) < 0)
			goto bad;
		if (n == 0)
			break;
		im->im_len += (size_t)n;
		if (im->im_len > max) {
			fail(r, W_FILE, "more than %zu bytes of text", max);
			goto bad;
		}
	}
	kmt_close(r);
	return im;
bad:
	copyerr(r, err, errlen);
	kmt_close(r);
	kmt_image_free(im);
	return NULL;
}

struct kmt_reader *
kmt_open_image(const struct kmt_image *im, char *err, size_t errlen)
{
	struct kmt_reader *r;

	if ((r = reader_new(im->im_path, NULL, NULL, err, errlen)) == NULL)
		return NULL;
	r->r_comp = C_MEM;
	r->r_mem = im->im_text;
	r->r_memlen = im->im_len;
	if (reader_start(r) != 0) {
		copyerr(r, err, errlen);
		kmt_close(r);
		return NULL;
	}
	return r;
}

struct kmt_reader *
kmt_open_fn(const char *name, kmt_next_fn *next, void *arg, char *err,
    size_t errlen)
{
	struct kmt_reader *r;

	if ((r = reader_new(name, NULL, NULL, err, errlen)) == NULL)
		return NULL;
	r->r_next = next;
	r->r_nextarg = arg;
	r->r_bin = 1;		/* ke_line is the event number */
	return r;
}

void
kmt_image_free(struct kmt_image *im)
{

	if (im == NULL)
		return;
	free(im->im_text);
	free(im->im_path);
	free(im);
}

int
kmt_read(struct kmt_reader *r, struct kmt_event *ev, char *err,
    size_t errlen)
{
	const char *line, *p;
	size_t len;
	int rc;

	if (r->r_failed)
		goto bad;
	if (r->r_done)
		return 0;
	if (r->r_next != NULL) {
		if ((rc = r->r_next(r->r_nextarg, ev, r->r_emsg,
		    r->r_emsgsz)) < 0) {
			r->r_failed = 1;
			goto bad;
		}
		if (rc == 0) {
			r->r_done = 1;
			return 0;
		}
		ev->ke_no = ev->ke_line = ++r->r_nevents;
		return 1;
	}
	if (r->r_bin) {
		if ((rc = bin_event(r, ev)) < 0)
			goto bad;
		return rc;
	}
	for (;;) {
		if (r->r_pend) {
			r->r_pend = 0;
			line = r->r_pline;
			len = r->r_plen;
		} else {
			rc = next_line(r, &line, &len);
			if (rc < 0)
				goto bad;
			if (rc == 0) {
				if (text_end(r) != 0)
					goto bad;
				return 0;
			}
		}
		switch (classify(line, len, &p)) {
		case K_BLANK:
			if (blank_line(r, p, line + len) != 0)
				goto bad;
			continue;
		case K_HEADER:
			if (r->r_sawend) {
				fail(r, W_LINE, "text after the end line");
				goto bad;
			}
			/* kmt_open() took every header before event 1. */
			fail(r, W_LINE, "header line after the first event");
			goto bad;
		case K_EVENT:
			if (r->r_sawend) {
				fail(r, W_LINE, "text after the end line");
				goto bad;
			}
			if (parse_event(r, p, ev) != 0)
				goto bad;
			return 1;
		}
	}
bad:
	copyerr(r, err, errlen);
	return -1;
}

int
kmt_drain(struct kmt_reader *r, char *err, size_t errlen)
{
	ssize_t n;

	if (r->r_tap == NULL)
		return 0;
	r->r_rpos = r->r_rend;
	while ((n = raw_more(r)) > 0)
		r->r_rpos = r->r_rend;
	if (n < 0) {
		copyerr(r, err, errlen);
		return -1;
	}
	return 0;
}

const char *
kmt_header(const struct kmt_reader *r, const char *key)
{
	int i;

	for (i = r->r_nhdr - 1; i >= 0; i--)
		if (strcmp(r->r_hdr[i].kh_key, key) == 0)
			return r->r_hdr[i].kh_val;
	return NULL;
}

int
kmt_nheaders(const struct kmt_reader *r)
{

	return r->r_nhdr;
}

const char *
kmt_header_key(const struct kmt_reader *r, int i)
{

	if (i < 0 || i >= r->r_nhdr)
		return NULL;
	return r->r_hdr[i].kh_key;
}

int
kmt_isbinary(const struct kmt_reader *r)
{

	return r->r_bin;
}

int
kmt_version(const struct kmt_reader *r)
{

	return r->r_bin ? 2 : r->r_version;
}

const char *
kmt_warning(struct kmt_reader *r)
{

	if (r->r_warn == NULL || r->r_warntaken)
		return NULL;
	r->r_warntaken = 1;
	return r->r_warn;
}

void
kmt_set_allow_truncated(struct kmt_reader *r, int on)
{

	r->r_allowtrunc = on;
}

const char *
kmt_path(const struct kmt_reader *r)
{

	return r->r_path;
}

void
kmt_close(struct kmt_reader *r)
{

	if (r == NULL)
		return;
	if (r->r_zinit)
		inflateEnd(&r->r_z);
	if (r->r_zs != NULL)
		ZSTD_freeDStream(r->r_zs);
	if (r->r_fd >= 0)
		close(r->r_fd);
	free(r->r_warn);
	free(r->r_emsg);
	free(r->r_path);
	free(r);
}

const char *
kmt_opname(enum kmt_op op)
{

	if ((unsigned)op >= KMT_NOPS)
		return "?";
	return opnames[op];
}
