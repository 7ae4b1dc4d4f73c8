/*
 * kmtrace_write.c: the kmtrace writer (version 2: version 1 and an end
 * line, "# end N events", written by kmt_wclose()).
 *
 * Lines are formatted into a fixed text buffer (numbers by hand, not by
 * printf) and, when it fills, the text goes to the file as it is or
 * through a fixed output buffer of deflate (gzip) or zstd's streaming
 * compressor.  Every event is checked against the rules the reader
 * applies before a byte of it is written; a write error is kept and
 * reported by kmt_wclose().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "kmtbin.h"
#include "kmtrace_write.h"
#include "outfile.h"

#define TBUF_SIZE	(256 * 1024)	/* text, before compression */
#define ZBUF_SIZE	(128 * 1024)	/* compressed output */
#define LINE_ROOM	(KMT_LINE_MAX + 2)	/* one line and its newline */
#define EMSG_SIZE	1024
#define ZSTD_LEVEL	3

enum kmt_wcomp { WC_PLAIN, WC_GZIP, WC_ZSTD };

struct kmt_writer {
	char		*w_path;
	int		 w_fd;
	struct outfile	 w_out;		/* a temporary file until the close */
	enum kmt_wcomp	 w_comp;

	char		 w_tbuf[TBUF_SIZE];
	size_t		 w_tlen;
	unsigned char	 w_zbuf[ZBUF_SIZE];

	z_stream	 w_z;
	int		 w_zinit;
	ZSTD_CCtx	*w_zc;

	uint64_t	 w_nevents;
	uint64_t	 w_lasttime;
	int		 w_bin;		/* the binary form (kmtbin.h) */
	int		 w_body;	/* binary: the "-" line is written */

	int		 w_ioerr;	/* a write failed: sticky */
	char		 w_iomsg[EMSG_SIZE];
	char		 w_emsg[EMSG_SIZE];
};


static int	refuse(struct kmt_writer *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));

/* An event or header is refused: say why.  Always returns -1. */
static int
refuse(struct kmt_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(w->w_emsg, sizeof(w->w_emsg), "%s: ", w->w_path);
	if (n < 0 || (size_t)n >= sizeof(w->w_emsg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(w->w_emsg + n, sizeof(w->w_emsg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A write failed: keep the first message.  Always returns -1. */
static int
ioerror(struct kmt_writer *w, const char *why)
{

	if (!w->w_ioerr) {
		snprintf(w->w_iomsg, sizeof(w->w_iomsg), "%s: %s", w->w_path,
		    why);
		w->w_ioerr = 1;
	}
	snprintf(w->w_emsg, sizeof(w->w_emsg), "%s", w->w_iomsg);
	return -1;
}

static int
write_raw(struct kmt_writer *w, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(w->w_fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ioerror(w, strerror(errno));
		if (n == 0)
			return ioerror(w, "write wrote nothing");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
flush_gzip(struct kmt_writer *w, int final)
{
	z_stream *z = &w->w_z;
	size_t have;
	int ret;

	z->next_in = (Bytef *)w->w_tbuf;
	z->avail_in = (uInt)w->w_tlen;
	for (;;) {
		z->next_out = w->w_zbuf;
		z->avail_out = (uInt)sizeof(w->w_zbuf);
		ret = deflate(z, final ? Z_FINISH : Z_NO_FLUSH);
		if (ret == Z_STREAM_ERROR)
			return ioerror(w, "gzip compression failed");
		have = sizeof(w->w_zbuf) - z->avail_out;
		if (have > 0 && write_raw(w, w->w_zbuf, have) != 0)
			return -1;
		if (final ? ret == Z_STREAM_END :
		    z->avail_in == 0 && z->avail_out != 0)
			return 0;
	}
}

static int
flush_zstd(struct kmt_writer *w, int final)
{
	ZSTD_inBuffer in = { w->w_tbuf, w->w_tlen, 0 };
	ZSTD_outBuffer out;
	size_t rem;

	for (;;) {
		out.dst = w->w_zbuf;
		out.size = sizeof(w->w_zbuf);
		out.pos = 0;
		rem = ZSTD_compressStream2(w->w_zc, &out, &in,
		    final ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(rem))
			return ioerror(w, ZSTD_getErrorName(rem));
		if (out.pos > 0 && write_raw(w, w->w_zbuf, out.pos) != 0)
			return -1;
		if (final ? rem == 0 : in.pos == in.size)
			return 0;
	}
}

/* Pass the text on to the file; FINAL ends the compressed stream. */
static int
flush_text(struct kmt_writer *w, int final)
{
	int rc;

	if (w->w_ioerr)
		return -1;
	switch (w->w_comp) {
	case WC_GZIP:
		rc = flush_gzip(w, final);
		break;
	case WC_ZSTD:
		rc = flush_zstd(w, final);
		break;
	default:
		rc = write_raw(w, w->w_tbuf, w->w_tlen);
		break;
	}
	w->w_tlen = 0;
	return rc;
}

/* Room for one more line in the text buffer. */
static inline int
room(struct kmt_writer *w)
{

	if (w->w_tlen > sizeof(w->w_tbuf) - LINE_ROOM)
		return flush_text(w, 0);
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

struct kmt_writer *
kmt_wopen(const char *path, char *err, size_t errlen)
{
	struct kmt_writer *w;
	size_t ret;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->w_path = strdup(path)) == NULL) {
		free(w);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	w->w_fd = -1;
	w->w_out.of_fd = -1;
	if (strcmp(path, "-") == 0) {
		w->w_comp = WC_PLAIN;
	} else {
		w->w_bin = has_suffix(path, ".kmb") ||
		    has_suffix(path, ".kmb.gz") || has_suffix(path, ".kmb.zst");
		if (has_suffix(path, ".gz"))
			w->w_comp = WC_GZIP;
		else if (has_suffix(path, ".zst"))
			w->w_comp = WC_ZSTD;
		else
			w->w_comp = WC_PLAIN;
	}
	if (outfile_open(&w->w_out, path, w->w_iomsg,
	    sizeof(w->w_iomsg)) != 0)
		goto bad;
	w->w_fd = w->w_out.of_fd;
	if (w->w_comp == WC_GZIP) {
		/* 15 + 16: a gzip wrapper, whose header has no time in it. */
		if (deflateInit2(&w->w_z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			ioerror(w, "cannot start gzip compression");
			goto bad;
		}
		w->w_zinit = 1;
	} else if (w->w_comp == WC_ZSTD) {
		if ((w->w_zc = ZSTD_createCCtx()) == NULL) {
			ioerror(w, "cannot start zstd compression");
			goto bad;
		}
		ret = ZSTD_CCtx_setParameter(w->w_zc, ZSTD_c_compressionLevel,
		    ZSTD_LEVEL);
		if (!ZSTD_isError(ret))
			ret = ZSTD_CCtx_setParameter(w->w_zc,
			    ZSTD_c_checksumFlag, 1);
		if (ZSTD_isError(ret)) {
			ioerror(w, ZSTD_getErrorName(ret));
			goto bad;
		}
	}
	if (w->w_bin) {
		memcpy(w->w_tbuf, KMB_MAGIC "\n", KMB_MAGIC_LEN + 1);
		w->w_tlen = KMB_MAGIC_LEN + 1;
	} else {
		memcpy(w->w_tbuf, "kmtrace 2\n", 10);
		w->w_tlen = 10;
	}
	return w;
bad:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", w->w_iomsg);
	if (w->w_zinit)
		deflateEnd(&w->w_z);
	ZSTD_freeCCtx(w->w_zc);
	outfile_abort(&w->w_out);
	free(w->w_path);
	free(w);
	return NULL;
}

/*
 * Why the token S (an ID or a header key) would not read back as one
 * field of at most MAX bytes, or NULL.
 */
static const char *
bad_token(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return "is empty";
	for (i = 0; s[i] != '\0'; i++) {
		if (i == max)
			return "is too long";
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return "holds a blank or a control character";
	}
	return NULL;
}

static int
bad_type(const char *s)
{
	size_t i;

	if (strnlen(s, KMT_TOKEN_MAX + 1) > KMT_TOKEN_MAX ||
	    s[0] != 'M' || s[1] != '_' || s[2] == '\0')
		return 1;
	for (i = 2; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 1;
	return 0;
}

int
kmt_wheader(struct kmt_writer *w, const char *key, const char *value)
{
	const char *why;
	size_t klen, vlen, i;
	char *p;

	if (w->w_ioerr)
		return ioerror(w, w->w_iomsg);
	if (w->w_nevents > 0)
		return refuse(w, "header '%s' after the first event", key);
	if ((why = bad_token(key, KMT_WHDR_KEY_MAX)) != NULL)
		return refuse(w, "header key %s", why);
	vlen = strnlen(value, KMT_WHDR_VAL_MAX + 1);
	if (vlen > KMT_WHDR_VAL_MAX)
		return refuse(w, "header '%s': value too long", key);
	for (i = 0; i < vlen; i++)
		if (((unsigned char)value[i] < ' ' && value[i] != '\t') ||
		    value[i] == 0x7f)
			return refuse(w, "header '%s': value holds a control "
			    "character", key);
	if (vlen > 0 && (value[0] == ' ' || value[0] == '\t' ||
	    value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		return refuse(w, "header '%s': value starts or ends with a "
		    "blank", key);
	if (room(w) != 0)
		return -1;
	klen = strlen(key);
	p = w->w_tbuf + w->w_tlen;
	*p++ = '@';
	*p++ = ' ';
	memcpy(p, key, klen);
	p += klen;
	if (vlen > 0) {
		*p++ = ' ';
		memcpy(p, value, vlen);
		p += vlen;
	}
	*p++ = '\n';
	w->w_tlen = (size_t)(p - w->w_tbuf);
	return 0;
}

/* Decimal V at P; returns the end. */
static inline char *
put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static inline char *
put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	*p++ = ' ';
	memcpy(p, s, n);
	return p + n;
}

static inline char *
put_num(char *p, uint64_t v)
{

	*p++ = ' ';
	return put_u64(p, v);
}

/* Check what the op's arguments must be; 0 or -1 (refused). */
static int
check_args(struct kmt_writer *w, const struct kmt_event *ev, uint64_t no)
{
	const char *why;

	switch (ev->ke_op) {
	case KMT_FORK:
		if (ev->ke_child == 0 || ev->ke_child > KMT_INT_MAX)
			return refuse(w, "event %" PRIu64 ": CHILD %" PRIu32
			    " out of range", no, ev->ke_child);
		if (ev->ke_child == ev->ke_pid)
			return refuse(w, "event %" PRIu64 ": CHILD is the "
			    "same as PID", no);
		break;
	case KMT_SYSCTL:
	case KMT_LIMIT:
		if (ev->ke_n > KMT_INT_MAX)
			return refuse(w, "event %" PRIu64 ": %s value %"
			    PRIu64 " out of range", no, kmt_opname(ev->ke_op),
			    ev->ke_n);
		break;
	case KMT_DUP:
		if (ev->ke_oldfd > KMT_INT_MAX)
			return refuse(w, "event %" PRIu64 ": descriptor %"
			    PRIu32 " out of range", no, ev->ke_oldfd);
		/* FALLTHROUGH */
	case KMT_OPEN:
	case KMT_CLOSE:
		if (ev->ke_fd > KMT_INT_MAX)
			return refuse(w, "event %" PRIu64 ": descriptor %"
			    PRIu32 " out of range", no, ev->ke_fd);
		break;
	case KMT_MAP:
	case KMT_GROW:
		if (ev->ke_n < 1 || ev->ke_n > KMT_NPAGES_MAX)
			return refuse(w, "event %" PRIu64 ": NPAGES %" PRIu64
			    " out of range", no, ev->ke_n);
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		if (ev->ke_ranged && (ev->ke_off > KMT_NPAGES_MAX - 1 ||
		    ev->ke_npages < 1 || ev->ke_npages > KMT_NPAGES_MAX))
			return refuse(w, "event %" PRIu64 ": pages %" PRIu64
			    " +%" PRIu64 " out of range", no, ev->ke_off,
			    ev->ke_npages);
		break;
	case KMT_KMALLOC:
		if (ev->ke_n > KMT_SIZE_MAX)
			return refuse(w, "event %" PRIu64 ": SIZE %" PRIu64
			    " out of range", no, ev->ke_n);
		if (bad_type(ev->ke_type))
			return refuse(w, "event %" PRIu64 ": bad malloc type "
			    "'%.40s'", no, ev->ke_type);
		if (ev->ke_mflags & ~(KMT_M_NOWAIT | KMT_M_ZERO |
		    KMT_M_CANFAIL))
			return refuse(w, "event %" PRIu64 ": unknown malloc "
			    "flags 0x%x", no, (unsigned)ev->ke_mflags);
		break;
	default:
		break;
	}
	switch (ev->ke_op) {
	case KMT_MAP:
	case KMT_GROW:
	case KMT_TOUCH:
	case KMT_UNMAP:
	case KMT_KMALLOC:
	case KMT_KFREE:
		if ((why = bad_token(ev->ke_id, KMT_TOKEN_MAX)) != NULL)
			return refuse(w, "event %" PRIu64 ": ID %s", no, why);
		break;
	default:
		break;
	}
	return 0;
}

/* LEB128 V at P; returns the end. */
static inline char *
put_varint(char *p, uint64_t v)
{

	while (v >= 0x80) {
		*p++ = (char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (char)v;
	return p;
}

/* A length-prefixed token (at most KMT_TOKEN_MAX bytes) at P. */
static inline char *
put_token(char *p, const char *s)
{
	size_t n = strlen(s);

	*p++ = (char)n;
	memcpy(p, s, n);
	return p + n;
}

/* The binary "-" line, once, before the first event or the trailer. */
static void
bin_body(struct kmt_writer *w)
{

	if (!w->w_body) {
		w->w_tbuf[w->w_tlen++] = '-';
		w->w_tbuf[w->w_tlen++] = '\n';
		w->w_body = 1;
	}
}

/* EV, checked, in the binary form; room() has been called. */
static void
wbin_event(struct kmt_writer *w, const struct kmt_event *ev)
{
	unsigned op = (unsigned)ev->ke_op;
	char *p;

	bin_body(w);
	if (((op == KMT_OPEN || op == KMT_DUP) && ev->ke_cloexec) ||
	    ((op == KMT_TOUCH || op == KMT_UNMAP) && ev->ke_ranged))
		op |= KMB_FLAG;
	p = w->w_tbuf + w->w_tlen;
	*p++ = (char)op;
	p = put_varint(p, ev->ke_time - w->w_lasttime);
	p = put_varint(p, ev->ke_pid);
	switch (ev->ke_op) {
	case KMT_FORK:
		p = put_varint(p, ev->ke_child);
		break;
	case KMT_SYSCTL:
	case KMT_LIMIT:
		p = put_varint(p, ev->ke_n);
		break;
	case KMT_DUP:
		p = put_varint(p, ev->ke_oldfd);
		/* FALLTHROUGH */
	case KMT_OPEN:
	case KMT_CLOSE:
		p = put_varint(p, ev->ke_fd);
		break;
	case KMT_MAP:
	case KMT_GROW:
		p = put_token(p, ev->ke_id);
		p = put_varint(p, ev->ke_n);
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		p = put_token(p, ev->ke_id);
		if (ev->ke_ranged) {
			p = put_varint(p, ev->ke_off);
			p = put_varint(p, ev->ke_npages);
		}
		break;
	case KMT_KMALLOC:
		p = put_token(p, ev->ke_id);
		p = put_varint(p, ev->ke_n);
		p = put_token(p, ev->ke_type);
		p = put_varint(p, (uint64_t)ev->ke_mflags &
		    (KMT_M_NOWAIT | KMT_M_ZERO | KMT_M_CANFAIL));
		break;
	case KMT_KFREE:
		p = put_token(p, ev->ke_id);
		break;
	default:
		break;
	}
	w->w_tlen = (size_t)(p - w->w_tbuf);
	w->w_lasttime = ev->ke_time;
	w->w_nevents++;
}

int
kmt_wevent(struct kmt_writer *w, const struct kmt_event *ev)
{
	uint64_t no = w->w_nevents + 1;
	char *p;

	if (w->w_ioerr)
		return ioerror(w, w->w_iomsg);
	if ((unsigned)ev->ke_op >= KMT_NOPS)
		return refuse(w, "event %" PRIu64 ": unknown op %d", no,
		    (int)ev->ke_op);
	if (ev->ke_time < w->w_lasttime)
		return refuse(w, "event %" PRIu64 ": time goes backwards (%"
		    PRIu64 " after %" PRIu64 ")", no, ev->ke_time,
		    w->w_lasttime);
	if (ev->ke_pid > KMT_INT_MAX)
		return refuse(w, "event %" PRIu64 ": PID %" PRIu32 " out of "
		    "range", no, ev->ke_pid);
	if (ev->ke_pid == 0 && ev->ke_op != KMT_KMALLOC &&
	    ev->ke_op != KMT_KFREE)
		return refuse(w, "event %" PRIu64 ": PID 0 (the kernel) can "
		    "only kmalloc and kfree", no);
	if (check_args(w, ev, no) != 0)
		return -1;

	if (room(w) != 0)
		return -1;
	if (w->w_bin) {
		wbin_event(w, ev);
		return 0;
	}
	p = w->w_tbuf + w->w_tlen;
	p = put_u64(p, ev->ke_time);
	p = put_num(p, ev->ke_pid);
	p = put_str(p, kmt_opname(ev->ke_op));
	switch (ev->ke_op) {
	case KMT_FORK:
		p = put_num(p, ev->ke_child);
		break;
	case KMT_SYSCTL:
		p = put_str(p, "maxfiles");
		p = put_num(p, ev->ke_n);
		break;
	case KMT_LIMIT:
		p = put_str(p, "nofile");
		p = put_num(p, ev->ke_n);
		break;
	case KMT_OPEN:
	case KMT_DUP:
		if (ev->ke_op == KMT_DUP)
			p = put_num(p, ev->ke_oldfd);
		p = put_num(p, ev->ke_fd);
		if (ev->ke_cloexec)
			p = put_str(p, "cloexec");
		break;
	case KMT_CLOSE:
		p = put_num(p, ev->ke_fd);
		break;
	case KMT_MAP:
	case KMT_GROW:
		p = put_str(p, ev->ke_id);
		p = put_num(p, ev->ke_n);
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		p = put_str(p, ev->ke_id);
		if (ev->ke_ranged) {
			p = put_num(p, ev->ke_off);
			p = put_num(p, ev->ke_npages);
		}
		break;
	case KMT_KMALLOC:
		p = put_str(p, ev->ke_id);
		p = put_num(p, ev->ke_n);
		p = put_str(p, ev->ke_type);
		p = put_str(p, (ev->ke_mflags & KMT_M_NOWAIT) ? "NOWAIT" :
		    "WAITOK");
		if (ev->ke_mflags & KMT_M_ZERO) {
			memcpy(p, ",ZERO", 5);
			p += 5;
		}
		if (ev->ke_mflags & KMT_M_CANFAIL) {
			memcpy(p, ",CANFAIL", 8);
			p += 8;
		}
		break;
	case KMT_KFREE:
		p = put_str(p, ev->ke_id);
		break;
	default:
		break;
	}
	*p++ = '\n';
	w->w_tlen = (size_t)(p - w->w_tbuf);
	w->w_lasttime = ev->ke_time;
	w->w_nevents++;
	return 0;
}

const char *
kmt_werror(const struct kmt_writer *w)
{

	return w->w_emsg;
}

uint64_t
kmt_wcount(const struct kmt_writer *w)
{

	return w->w_nevents;
}

/* Free W's compressors and W. */
static void
wfree(struct kmt_writer *w)
{

	if (w->w_zinit)
		deflateEnd(&w->w_z);
	ZSTD_freeCCtx(w->w_zc);
	free(w->w_path);
	free(w);
}

int
kmt_wclose(struct kmt_writer *w, char *err, size_t errlen)
{
	char *p;
	int rc = 0;

	if (w == NULL)
		return 0;
	if (w->w_bin && room(w) == 0) {
		bin_body(w);
		p = w->w_tbuf + w->w_tlen;
		*p++ = (char)KMB_TRAILER;
		p = put_varint(p, w->w_nevents);
		w->w_tlen = (size_t)(p - w->w_tbuf);
	} else if (!w->w_bin && room(w) == 0) {
		/* The end line: the trace was not cut short. */
		p = w->w_tbuf + w->w_tlen;
		memcpy(p, "# end", 5);
		p = put_num(p + 5, w->w_nevents);
		p = put_str(p, w->w_nevents == 1 ? "event" : "events");
		*p++ = '\n';
		w->w_tlen = (size_t)(p - w->w_tbuf);
	}
	if (flush_text(w, 1) != 0)
		rc = -1;
	if (rc == 0) {
		if (outfile_commit(&w->w_out, w->w_iomsg,
		    sizeof(w->w_iomsg)) != 0) {
			w->w_ioerr = 1;
			rc = -1;
		}
	} else
		outfile_abort(&w->w_out);
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", w->w_iomsg);
	wfree(w);
	return rc;
}

void
kmt_wabort(struct kmt_writer *w)
{

	if (w == NULL)
		return;
	outfile_abort(&w->w_out);
	wfree(w);
}
