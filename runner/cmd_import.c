/*
 * cmd_import.c: "kmbench import strace|kdump LOG [-o TRACE]": reads a
 * system call log line by line (plain, gzip or zstd), feeds it to the
 * importer (workloads/strace.c or workloads/kdump.c) and writes what
 * comes out as a kmtrace file, with the headers "@ source", "@ command"
 * and "@ recorded".  Also the sink that "kmbench record" writes through.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "../workloads/kdump.h"
#include "../workloads/kmtrace_write.h"
#include "../workloads/outfile.h"
#include "../workloads/strace.h"
#include "cmd_import.h"
#include "numopt.h"

#define ERRSZ		1024
#define RAW_SIZE	(64 * 1024)
#define TEXT_CHUNK	(64 * 1024)
/* Events held back while waiting for "@ command". */
#define HOLD_MAX	1024

static const char import_usage_text[] =
"usage: kmbench import strace|kdump LOG [-o TRACE] [--limits host|netbsd]\n"
"                      [--nofile N]\n"
"\n"
"Converts a system call log into a kmtrace file (TRACE, default - for\n"
"the standard output; a name ending in .gz is written gzip, in .zst\n"
"zstd).  LOG (plain, gzip or zstd; - is the standard input) is\n"
"  strace   the output of strace -f, with or without -o, -tt or -ttt\n"
"  kdump    NetBSD kdump output of a ktrace -i recording, with or\n"
"           without -T or -R\n"
"Descriptors, processes, anonymous and private writable mappings and\n"
"the heap become kmtrace events; docs/recording.md has the rules.\n"
"\n"
"  --limits host    (the default) the limits the program ran with: with\n"
"                   --nofile N, each process the log starts without a\n"
"                   fork begins with \"limit nofile N\", the first after\n"
"                   \"sysctl maxfiles N\".  A log does not show the limit\n"
"                   its program inherited, so without --nofile nothing is\n"
"                   added (as netbsd).\n"
"  --limits netbsd  no such events: NetBSD 1.5's boot defaults\n"
"                   (RLIMIT_NOFILE 64, kern.maxfiles from maxusers).\n"
"  --nofile N       the soft RLIMIT_NOFILE the logged command inherited\n"
"                   (ulimit -n where it ran); 1 to 2147483647, or\n"
"                   unlimited (2147483647).\n"
"\n"
"exit status: 0 done, 2 bad usage or a malformed log (LOG:LINE: what is\n"
"wrong), 1 when the trace cannot be written.\n";

/* -------------------------------------------------------------------
 * The sink.
 */

struct import_sink {
	struct kmt_writer *s_w;
	char		*s_path;
	int		 s_released;
	struct kmt_event *s_held;
	size_t		 s_nheld, s_cap;
	char		 s_err[ERRSZ];
};

struct import_sink *
isink_open(const char *path, char *err, size_t errlen)
{
	struct import_sink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->s_path = strdup(path)) == NULL) {
		free(s);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	if ((s->s_w = kmt_wopen(path, err, errlen)) == NULL) {
		free(s->s_path);
		free(s);
		return NULL;
	}
	return s;
}

int
isink_header(struct import_sink *s, const char *key, const char *value)
{
	char buf[KMT_WHDR_VAL_MAX + 1];
	size_t n = 0;

	for (; *value == ' ' || *value == '\t'; value++)
		continue;
	for (; *value != '\0' && n < KMT_WHDR_VAL_MAX; value++)
		buf[n++] = (unsigned char)*value < ' ' ||
		    (unsigned char)*value == 0x7f ? '?' : *value;
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	buf[n] = '\0';
	if (kmt_wheader(s->s_w, key, buf) != 0) {
		snprintf(s->s_err, sizeof(s->s_err), "%s: %s", s->s_path,
		    kmt_werror(s->s_w));
		return -1;
	}
	return 0;
}

static int
sink_write(struct import_sink *s, const struct kmt_event *ev)
{

	if (kmt_wevent(s->s_w, ev) != 0) {
		snprintf(s->s_err, sizeof(s->s_err), "%s: %s", s->s_path,
		    kmt_werror(s->s_w));
		return -1;
	}
	return 0;
}

int
isink_emit(void *arg, const struct kmt_event *ev)
{
	struct import_sink *s = arg;
	struct kmt_event *n;
	size_t ncap;

	if (s->s_released)
		return sink_write(s, ev);
	if (s->s_nheld == s->s_cap) {
		ncap = s->s_cap ? 2 * s->s_cap : 64;
		if ((n = realloc(s->s_held, ncap * sizeof(*n))) == NULL) {
			snprintf(s->s_err, sizeof(s->s_err), "%s",
			    strerror(ENOMEM));
			return -1;
		}
		s->s_held = n;
		s->s_cap = ncap;
	}
	s->s_held[s->s_nheld++] = *ev;
	return 0;
}

size_t
isink_held(const struct import_sink *s)
{

	return s->s_nheld;
}

int
isink_released(const struct import_sink *s)
{

	return s->s_released;
}

int
isink_release(struct import_sink *s)
{
	size_t i;
	int rc = 0;

	if (s->s_released)
		return 0;
	s->s_released = 1;
	for (i = 0; i < s->s_nheld && rc == 0; i++)
		rc = sink_write(s, &s->s_held[i]);
	free(s->s_held);
	s->s_held = NULL;
	s->s_nheld = s->s_cap = 0;
	return rc;
}

const char *
isink_error(const struct import_sink *s)
{

	return s->s_err;
}

int
isink_close(struct import_sink *s, char *err, size_t errlen)
{
	int rc;

	rc = isink_release(s);
	if (rc != 0)
		snprintf(err, errlen, "%s", s->s_err);
	if (kmt_wclose(s->s_w, rc == 0 ? err : NULL, errlen) != 0)
		rc = -1;
	free(s->s_held);
	free(s->s_path);
	free(s);
	return rc;
}

void
isink_abort(struct import_sink *s)
{

	/* The trace keeps what it had (outfile.h). */
	kmt_wabort(s->s_w);
	free(s->s_held);
	free(s->s_path);
	free(s);
}

void
iso_time(char *buf, size_t len, long long secs)
{
	time_t t = secs != 0 ? (time_t)secs : time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* -------------------------------------------------------------------
 * Reading the log: lines of any length, through zlib or zstd.
 */

enum lcomp { L_PLAIN, L_GZIP, L_ZSTD };

struct lreader {
	const char	*l_name;
	int		 l_fd;
	enum lcomp	 l_comp;
	unsigned char	 l_raw[RAW_SIZE];
	size_t		 l_rpos, l_rend;
	int		 l_raweof;
	z_stream	 l_z;
	int		 l_zinit, l_zend;
	ZSTD_DStream	*l_zs;
	ZSTD_inBuffer	 l_zin;
	size_t		 l_zlast;
	char		*l_buf;		/* text: [l_start, l_end) unread */
	size_t		 l_cap, l_start, l_end;
	int		 l_eof;
	uint64_t	 l_lineno;
	int		 l_lastnl;	/* the last line had its newline */
};

static int
lr_open(struct lreader *r, const char *path, char *err, size_t errlen)
{
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->l_name = path;
	if (strcmp(path, "-") == 0)
		r->l_fd = STDIN_FILENO;
	else if ((r->l_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r->l_rend < 4 && !r->l_raweof) {
		do
			n = read(r->l_fd, r->l_raw + r->l_rend,
			    sizeof(r->l_raw) - r->l_rend);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (n == 0)
			r->l_raweof = 1;
		r->l_rend += (size_t)n;
	}
	if (r->l_rend >= 2 && r->l_raw[0] == 0x1f && r->l_raw[1] == 0x8b) {
		r->l_comp = L_GZIP;
		if (inflateInit2(&r->l_z, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "%s: cannot start gzip", path);
			return -1;
		}
		r->l_zinit = 1;
	} else if (r->l_rend >= 4 && r->l_raw[0] == 0x28 &&
	    r->l_raw[1] == 0xb5 && r->l_raw[2] == 0x2f &&
	    r->l_raw[3] == 0xfd) {
		r->l_comp = L_ZSTD;
		if ((r->l_zs = ZSTD_createDStream()) == NULL) {
			snprintf(err, errlen, "%s: cannot start zstd", path);
			return -1;
		}
		ZSTD_initDStream(r->l_zs);
		r->l_zlast = 1;
	}
	return 0;
}

static void
lr_close(struct lreader *r)
{

	if (r->l_zinit)
		inflateEnd(&r->l_z);
	if (r->l_zs != NULL)
		ZSTD_freeDStream(r->l_zs);
	if (r->l_fd > STDIN_FILENO)
		close(r->l_fd);
	free(r->l_buf);
}

/* Raw bytes in l_raw; 0 at the end, -1 on error. */
static int
lr_raw(struct lreader *r, char *err, size_t errlen)
{
	ssize_t n;

	if (r->l_rpos < r->l_rend)
		return 1;
	if (r->l_raweof)
		return 0;
	do
		n = read(r->l_fd, r->l_raw, sizeof(r->l_raw));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", r->l_name, strerror(errno));
		return -1;
	}
	r->l_rpos = 0;
	r->l_rend = (size_t)n;
	if (n == 0)
		r->l_raweof = 1;
	return n > 0;
}

/* Up to ROOM bytes of text at DST: how many, 0 at the end, -1. */
static ssize_t
lr_text(struct lreader *r, char *dst, size_t room, char *err, size_t errlen)
{
	ZSTD_outBuffer out;
	size_t ret, got;
	int rc;

	for (;;) {
		if ((rc = lr_raw(r, err, errlen)) < 0)
			return -1;
		switch (r->l_comp) {
		case L_PLAIN:
			if (rc == 0)
				return 0;
			got = r->l_rend - r->l_rpos;
			if (got > room)
				got = room;
			memcpy(dst, r->l_raw + r->l_rpos, got);
			r->l_rpos += got;
			return (ssize_t)got;
		case L_GZIP:
			if (rc == 0) {
				if (r->l_zend)
					return 0;
				goto truncated;
			}
			if (r->l_zend) {
				/* Another gzip member. */
				if (inflateReset(&r->l_z) != Z_OK)
					goto corrupt;
				r->l_zend = 0;
			}
			r->l_z.next_in = r->l_raw + r->l_rpos;
			r->l_z.avail_in = (uInt)(r->l_rend - r->l_rpos);
			r->l_z.next_out = (Bytef *)dst;
			r->l_z.avail_out = (uInt)room;
			rc = inflate(&r->l_z, Z_NO_FLUSH);
			r->l_rpos = r->l_rend - r->l_z.avail_in;
			if (rc == Z_STREAM_END)
				r->l_zend = 1;
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				goto corrupt;
			got = room - r->l_z.avail_out;
			if (got > 0)
				return (ssize_t)got;
			break;
		case L_ZSTD:
			if (rc == 0) {
				if (r->l_zlast == 0)
					return 0;
				goto truncated;
			}
			r->l_zin.src = r->l_raw + r->l_rpos;
			r->l_zin.size = r->l_rend - r->l_rpos;
			r->l_zin.pos = 0;
			out.dst = dst;
			out.size = room;
			out.pos = 0;
			ret = ZSTD_decompressStream(r->l_zs, &out, &r->l_zin);
			if (ZSTD_isError(ret))
				goto corrupt;
			r->l_zlast = ret;
			r->l_rpos += r->l_zin.pos;
			if (out.pos > 0)
				return (ssize_t)out.pos;
			break;
		}
	}
truncated:
	snprintf(err, errlen, "%s: truncated compressed data", r->l_name);
	return -1;
corrupt:
	snprintf(err, errlen, "%s: corrupt compressed data", r->l_name);
	return -1;
}

/*
 * The next line, without its newline: 1, 0 at the end, -1 on error.
 * The line stays valid until the next call.
 */
static int
lr_next(struct lreader *r, char **linep, size_t *lenp, char *err,
    size_t errlen)
{
	char *nl, *n;
	size_t ncap;
	ssize_t got;

	for (;;) {
		nl = r->l_end > r->l_start ? memchr(r->l_buf + r->l_start,
		    '\n', r->l_end - r->l_start) : NULL;
		if (nl != NULL) {
			*linep = r->l_buf + r->l_start;
			*lenp = (size_t)(nl - *linep);
			r->l_start += *lenp + 1;
			r->l_lineno++;
			r->l_lastnl = 1;
			if (*lenp > IMP_LINE_MAX)
				goto toolong;
			return 1;
		}
		if (r->l_end - r->l_start > IMP_LINE_MAX) {
			/* Not kept whole: memory stays bounded. */
			r->l_lineno++;
			goto toolong;
		}
		if (r->l_eof) {
			if (r->l_start == r->l_end)
				return 0;
			*linep = r->l_buf + r->l_start;
			*lenp = r->l_end - r->l_start;
			r->l_start = r->l_end;
			r->l_lineno++;
			r->l_lastnl = 0;
			return 1;
		}
		if (r->l_start > 0) {
			memmove(r->l_buf, r->l_buf + r->l_start,
			    r->l_end - r->l_start);
			r->l_end -= r->l_start;
			r->l_start = 0;
		}
		if (r->l_cap - r->l_end < TEXT_CHUNK) {
			ncap = r->l_cap ? 2 * r->l_cap : 2 * TEXT_CHUNK;
			while (ncap - r->l_end < TEXT_CHUNK)
				ncap *= 2;
			if ((n = realloc(r->l_buf, ncap)) == NULL) {
				snprintf(err, errlen, "%s", strerror(ENOMEM));
				return -1;
			}
			r->l_buf = n;
			r->l_cap = ncap;
		}
		got = lr_text(r, r->l_buf + r->l_end, r->l_cap - r->l_end,
		    err, errlen);
		if (got < 0)
			return -1;
		if (got == 0)
			r->l_eof = 1;
		r->l_end += (size_t)got;
	}
toolong:
	snprintf(err, errlen, "%s:%llu: line too long", r->l_name,
	    (unsigned long long)r->l_lineno);
	return -1;
}

/* -------------------------------------------------------------------
 * The importers, behind one face.
 */

struct importer {
	const char	*i_name;
	void		*(*i_new)(imp_emit_fn, void *);
	int		(*i_line)(void *, const char *, size_t, char *,
			    size_t);
	int		(*i_end)(void *, char *, size_t);
	const char	*(*i_command)(const void *);
	int		(*i_epoch)(const void *, uint64_t *);
	void		(*i_nofile)(void *, uint64_t);
	void		(*i_free)(void *);
};

static void *
st_new(imp_emit_fn emit, void *arg)
{

	return strace_new(emit, arg);
}

static int
st_line(void *c, const char *line, size_t len, char *err, size_t errlen)
{

	return strace_line(c, line, len, err, errlen);
}

static int
st_end(void *c, char *err, size_t errlen)
{

	return strace_end(c, err, errlen);
}

static const char *
st_command(const void *c)
{

	return strace_command(c);
}

static int
st_epoch(const void *c, uint64_t *secp)
{

	return strace_epoch(c, secp);
}

static void
st_nofile(void *c, uint64_t n)
{

	strace_set_nofile(c, n);
}

static void
st_free(void *c)
{

	strace_free(c);
}

static void *
kd_new(imp_emit_fn emit, void *arg)
{

	return kdump_new(emit, arg);
}

static int
kd_line(void *c, const char *line, size_t len, char *err, size_t errlen)
{

	return kdump_line(c, line, len, err, errlen);
}

static int
kd_end(void *c, char *err, size_t errlen)
{

	return kdump_end(c, err, errlen);
}

static const char *
kd_command(const void *c)
{

	return kdump_command(c);
}

static int
kd_epoch(const void *c, uint64_t *secp)
{

	return kdump_epoch(c, secp);
}

static void
kd_nofile(void *c, uint64_t n)
{

	kdump_set_nofile(c, n);
}

static void
kd_free(void *c)
{

	kdump_free(c);
}

static const struct importer importers[] = {
	{ "strace", st_new, st_line, st_end, st_command, st_epoch, st_nofile,
	    st_free },
	{ "kdump", kd_new, kd_line, kd_end, kd_command, kd_epoch, kd_nofile,
	    kd_free },
};

/* The headers, then the held events. */
static int
release(struct import_sink *s, const struct importer *imp, void *c,
    const char *log)
{
	const char *cmd = imp->i_command(c);
	char when[64];
	uint64_t secs;

	if (isink_released(s))
		return 0;
	if (imp->i_epoch(c, &secs))
		iso_time(when, sizeof(when), (long long)secs);
	else
		iso_time(when, sizeof(when), 0);
	if (isink_header(s, "source", imp->i_name) != 0 ||
	    isink_header(s, "command", cmd != NULL ? cmd : log) != 0 ||
	    isink_header(s, "recorded", when) != 0)
		return -1;
	return isink_release(s);
}

int
import_log(const char *format, const char *log, const char *trace,
    char *err, size_t errlen)
{

	return import_log_limits(format, log, trace, 0, err, errlen);
}

int
import_log_limits(const char *format, const char *log, const char *trace,
    uint64_t nofile, char *err, size_t errlen)
{
	const struct importer *imp = NULL;
	struct import_sink *s = NULL;
	struct lreader *r;
	char msg[ERRSZ];
	const char *name;
	void *c = NULL;
	size_t i, len;
	char *line;
	int rc, status = 1;

	for (i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
		if (strcmp(format, importers[i].i_name) == 0)
			imp = &importers[i];
	if (imp == NULL) {
		snprintf(err, errlen, "unknown log format '%s' (strace or "
		    "kdump)", format);
		return 2;
	}
	/* Before anything is opened for writing. */
	if (outfile_is_input(trace, log, err, errlen))
		return 2;
	if ((r = malloc(sizeof(*r))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return 1;
	}
	name = strcmp(log, "-") == 0 ? "stdin" : log;
	if (lr_open(r, log, err, errlen) != 0) {
		lr_close(r);
		free(r);
		return 2;
	}
	r->l_name = name;
	if ((s = isink_open(trace, err, errlen)) == NULL)
		goto out;
	if ((c = imp->i_new(isink_emit, s)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto out;
	}
	imp->i_nofile(c, nofile);
	for (;;) {
		if ((rc = lr_next(r, &line, &len, err, errlen)) < 0) {
			status = 2;
			goto out;
		}
		if (rc == 0)
			break;
		rc = imp->i_line(c, line, len, msg, sizeof(msg));
		if (rc == IMP_MALFORMED) {
			/* A last line cut short (the log was cut): dropped. */
			if (!r->l_lastnl)
				continue;
			snprintf(err, errlen, "%s:%llu: %s", name,
			    (unsigned long long)r->l_lineno, msg);
			status = 2;
			goto out;
		}
		if (rc == IMP_EMIT) {
			snprintf(err, errlen, "%s", isink_error(s));
			goto out;
		}
		if (rc == IMP_TOOLONG || rc == IMP_TOOMANY) {
			snprintf(err, errlen, "%s:%llu: %s", name,
			    (unsigned long long)r->l_lineno,
			    rc == IMP_TOOLONG ? "line too long" :
			    "too many unfinished calls");
			status = 2;
			goto out;
		}
		if (rc != IMP_OK) {
			snprintf(err, errlen, "%s:%llu: %s", name,
			    (unsigned long long)r->l_lineno, strerror(ENOMEM));
			goto out;
		}
		if (!isink_released(s) && (imp->i_command(c) != NULL ||
		    isink_held(s) >= HOLD_MAX) &&
		    release(s, imp, c, name) != 0) {
			snprintf(err, errlen, "%s", isink_error(s));
			goto out;
		}
	}
	if (imp->i_end(c, msg, sizeof(msg)) != IMP_OK) {
		snprintf(err, errlen, "%s: %s", name, msg);
		status = 2;
		goto out;
	}
	if (release(s, imp, c, name) != 0) {
		snprintf(err, errlen, "%s", isink_error(s));
		goto out;
	}
	imp->i_free(c);
	c = NULL;
	rc = isink_close(s, err, errlen);
	s = NULL;
	status = rc == 0 ? 0 : 1;
out:
	if (c != NULL)
		imp->i_free(c);
	if (s != NULL)
		isink_abort(s);
	lr_close(r);
	free(r);
	return status;
}

/*
 * --limits and --nofile of record and import: "host" or "netbsd" into
 * *HOSTP; 0, or -1 after a one-line message for command CMD.
 */
int
limits_opt(const char *cmd, const char *arg, int *hostp)
{

	if (strcmp(arg, "host") == 0)
		*hostp = 1;
	else if (strcmp(arg, "netbsd") == 0)
		*hostp = 0;
	else {
		fprintf(stderr, "kmbench %s: --limits '%s': must be host or "
		    "netbsd\n", cmd, arg);
		return -1;
	}
	return 0;
}

int
nofile_opt(const char *cmd, const char *arg, uint64_t *np)
{

	if (strcmp(arg, "unlimited") == 0 || strcmp(arg, "infinity") == 0) {
		*np = KMT_INT_MAX;
		return 0;
	}
	return numopt_uint(cmd, "nofile", arg, 1, KMT_INT_MAX, np);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "limits", required_argument, NULL, 'L' },
		{ "nofile", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = "-", *format, *log;
	char err[ERRSZ];
	uint64_t nofile = 0;
	int ch, rc, host = 1, limits_given = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'L':
			if (limits_opt("import", optarg, &host) != 0)
				return 2;
			limits_given = 1;
			break;
		case 'N':
			if (nofile_opt("import", optarg, &nofile) != 0)
				return 2;
			break;
		case 'h':
			fputs(import_usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "kmbench import: unknown or incomplete "
			    "option '%s' (kmbench import --help)\n",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "kmbench import: needs a format (strace or "
		    "kdump) and one LOG (kmbench import --help)\n");
		return 2;
	}
	if (!host && nofile != 0) {
		fprintf(stderr, "kmbench import: --nofile is a host limit; "
		    "--limits netbsd takes none\n");
		return 2;
	}
	if (host && limits_given && nofile == 0) {
		fprintf(stderr, "kmbench import: --limits host needs --nofile "
		    "N, the limit the logged command inherited (a log does "
		    "not show it)\n");
		return 2;
	}
	format = argv[optind];
	log = argv[optind + 1];
	if (strcmp(format, "strace") != 0 && strcmp(format, "kdump") != 0) {
		fprintf(stderr, "kmbench import: unknown log format '%s' "
		    "(strace or kdump)\n", format);
		return 2;
	}
	rc = import_log_limits(format, log, out, nofile, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "kmbench import: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}
