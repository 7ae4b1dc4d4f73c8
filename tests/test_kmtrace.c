/*
 * test_kmtrace.c: Criterion tests of the kmtrace reader
 * (workloads/kmtrace.c): decoding, headers, every malformed case the
 * reader must catch, gzip and zstd input, and streaming a long trace.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "../workloads/kmtrace.h"

#define MAXTMP		256
#define ERRSZ		1024

/*
 * Temporary files of one test, removed when it ends.  Criterion runs
 * each test in a process of its own, so these start empty every time.
 */
static char tmppaths[MAXTMP][64];
static int ntmp;

static void
cleanup(void)
{
	int i;

	for (i = 0; i < ntmp; i++)
		unlink(tmppaths[i]);
	ntmp = 0;
}

TestSuite(kmtrace, .fini = cleanup);

/* A new empty temporary file: its path, and an open descriptor. */
static const char *
newtmp(int *fdp)
{
	char *path;
	int fd;

	cr_assert_lt(ntmp, MAXTMP, "too many temporary files");
	path = tmppaths[ntmp];
	snprintf(path, sizeof(tmppaths[0]), "/tmp/kmtrace-test-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	ntmp++;
	*fdp = fd;
	return path;
}

static void
writeall(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		cr_assert_gt(n, 0, "write failed");
		p += n;
		len -= (size_t)n;
	}
}

static const char *
tmpdata(const void *data, size_t len)
{
	const char *path;
	int fd;

	path = newtmp(&fd);
	writeall(fd, data, len);
	close(fd);
	return path;
}

static const char *
tmptext(const char *text)
{

	return tmpdata(text, strlen(text));
}

/* TEXT as NMEMB gzip members, split at equal byte offsets. */
static const char *
tmpgzip(const char *text, size_t len, int nmemb)
{
	const char *path;
	size_t off, end;
	gzFile gz;
	int fd, i;

	path = newtmp(&fd);
	close(fd);
	off = 0;
	for (i = 0; i < nmemb; i++) {
		end = i == nmemb - 1 ? len : len / (size_t)nmemb * (i + 1);
		gz = gzopen(path, i == 0 ? "wb" : "ab");
		cr_assert_not_null(gz, "gzopen failed");
		if (end > off)
			cr_assert_eq(gzwrite(gz, text + off,
			    (unsigned)(end - off)), (int)(end - off));
		cr_assert_eq(gzclose(gz), Z_OK);
		off = end;
	}
	return path;
}

/* TEXT compressed as NFRAME zstd frames, in a malloc'd buffer. */
static unsigned char *
zstdbuf(const char *text, size_t len, int nframe, size_t *outlen)
{
	unsigned char *buf;
	size_t off, end, cap, used, n;
	int i;

	cap = ZSTD_compressBound(len) + (size_t)nframe * 64;
	buf = malloc(cap);
	cr_assert_not_null(buf);
	used = 0;
	off = 0;
	for (i = 0; i < nframe; i++) {
		end = i == nframe - 1 ? len : len / (size_t)nframe * (i + 1);
		n = ZSTD_compress(buf + used, cap - used, text + off,
		    end - off, 3);
		cr_assert(!ZSTD_isError(n), "ZSTD_compress: %s",
		    ZSTD_getErrorName(n));
		used += n;
		off = end;
	}
	*outlen = used;
	return buf;
}

static const char *
tmpzstd(const char *text, size_t len, int nframe)
{
	unsigned char *buf;
	const char *path;
	size_t n;

	buf = zstdbuf(text, len, nframe, &n);
	path = tmpdata(buf, n);
	free(buf);
	return path;
}

/* The bytes of a gzip file holding TEXT, in a malloc'd buffer. */
static unsigned char *
gzipbuf(const char *text, size_t len, size_t *outlen)
{
	unsigned char *buf;
	z_stream z;
	size_t cap;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, len) + 64;
	buf = malloc(cap);
	cr_assert_not_null(buf);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return buf;
}

/*
 * Read PATH to the end.  Returns 0 at a clean end and -1 on any error
 * (from kmt_open or kmt_read), with the message in ERR; *NEV counts the
 * events read, *LAST is the last one.
 */
static int
readall(const char *path, uint64_t *nev, struct kmt_event *last, char *err)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	int rc;

	*nev = 0;
	err[0] = '\0';
	if ((r = kmt_open(path, err, ERRSZ)) == NULL) {
		cr_assert_neq(err[0], '\0', "kmt_open failed with no message");
		return -1;
	}
	while ((rc = kmt_read(r, &ev, err, ERRSZ)) == 1) {
		(*nev)++;
		if (last != NULL)
			*last = ev;
	}
	kmt_close(r);
	return rc;
}

/* Reading TEXT fails with "PATH" followed by SUFFIX. */
static void
expect_error(const char *text, const char *suffix)
{
	char err[ERRSZ], want[ERRSZ];
	const char *path;
	uint64_t nev;

	path = tmptext(text);
	cr_expect_eq(readall(path, &nev, NULL, err), -1,
	    "no error for <<%s>>", text);
	snprintf(want, sizeof(want), "%s%s", path, suffix);
	cr_expect_str_eq(err, want, "for <<%s>>", text);
}

/* Every op once, with arguments chosen to be told apart. */
static const char every_op[] =
    "kmtrace 1\n"
    "0 100 spawn\n"
    "1 100 fork 101\n"
    "2 101 exec\n"
    "3 100 sysctl maxfiles 4096\n"
    "4 100 limit nofile 64\n"
    "5 100 open 3\n"
    "6 100 open 4 cloexec\n"
    "7 100 dup 3 5\n"
    "8 100 dup 3 6 cloexec\n"
    "9 100 close 5\n"
    "10 100 map heap 16\n"
    "11 100 touch heap\n"
    "12 100 touch heap 2 3\n"
    "13 100 grow heap 1048576\n"
    "14 100 unmap heap 1048575 8\n"
    "15 100 unmap heap\n"
    "16 0 kmalloc buf1 4294967295 M_TEMP NOWAIT,ZERO\n"
    "17 100 kmalloc buf2 0 M_FILEDESC WAITOK,CANFAIL\n"
    "18 0 kfree buf1\n"
    "18446744073709551615 2147483647 spawn\n"
    "18446744073709551615 101 exit\n";

/* Read every_op from PATH and check every decoded field. */
static void
check_every_op(const char *path)
{
	struct kmt_event ev[32];
	struct kmt_reader *r;
	char err[ERRSZ];
	int i, n, rc;

	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "kmt_open: %s", err);
	for (n = 0; n < 32; n++) {
		rc = kmt_read(r, &ev[n], err, sizeof(err));
		cr_assert_neq(rc, -1, "kmt_read: %s", err);
		if (rc == 0)
			break;
	}
	kmt_close(r);
	cr_assert_eq(n, 21);
	for (i = 0; i < n; i++) {
		cr_expect_eq(ev[i].ke_no, (uint64_t)i + 1);
		cr_expect_eq(ev[i].ke_line, (uint64_t)i + 2);
		if (i < 19)
			cr_expect_eq(ev[i].ke_time, (uint64_t)i);
	}

	cr_expect_eq(ev[0].ke_op, KMT_SPAWN);
	cr_expect_eq(ev[0].ke_pid, 100);
	cr_expect_eq(ev[1].ke_op, KMT_FORK);
	cr_expect_eq(ev[1].ke_child, 101);
	cr_expect_eq(ev[2].ke_op, KMT_EXEC);
	cr_expect_eq(ev[2].ke_pid, 101);
	cr_expect_eq(ev[3].ke_op, KMT_SYSCTL);
	cr_expect_eq(ev[3].ke_n, 4096);
	cr_expect_eq(ev[4].ke_op, KMT_LIMIT);
	cr_expect_eq(ev[4].ke_n, 64);
	cr_expect_eq(ev[5].ke_op, KMT_OPEN);
	cr_expect_eq(ev[5].ke_fd, 3);
	cr_expect_eq(ev[5].ke_cloexec, 0);
	cr_expect_eq(ev[6].ke_op, KMT_OPEN);
	cr_expect_eq(ev[6].ke_fd, 4);
	cr_expect_eq(ev[6].ke_cloexec, 1);
	cr_expect_eq(ev[7].ke_op, KMT_DUP);
	cr_expect_eq(ev[7].ke_oldfd, 3);
	cr_expect_eq(ev[7].ke_fd, 5);
	cr_expect_eq(ev[7].ke_cloexec, 0);
	cr_expect_eq(ev[8].ke_op, KMT_DUP);
	cr_expect_eq(ev[8].ke_oldfd, 3);
	cr_expect_eq(ev[8].ke_fd, 6);
	cr_expect_eq(ev[8].ke_cloexec, 1);
	cr_expect_eq(ev[9].ke_op, KMT_CLOSE);
	cr_expect_eq(ev[9].ke_fd, 5);
	cr_expect_eq(ev[10].ke_op, KMT_MAP);
	cr_expect_str_eq(ev[10].ke_id, "heap");
	cr_expect_eq(ev[10].ke_n, 16);
	cr_expect_eq(ev[11].ke_op, KMT_TOUCH);
	cr_expect_str_eq(ev[11].ke_id, "heap");
	cr_expect_eq(ev[11].ke_ranged, 0);
	cr_expect_eq(ev[12].ke_op, KMT_TOUCH);
	cr_expect_eq(ev[12].ke_ranged, 1);
	cr_expect_eq(ev[12].ke_off, 2);
	cr_expect_eq(ev[12].ke_npages, 3);
	cr_expect_eq(ev[13].ke_op, KMT_GROW);
	cr_expect_eq(ev[13].ke_n, KMT_NPAGES_MAX);
	cr_expect_eq(ev[14].ke_op, KMT_UNMAP);
	cr_expect_eq(ev[14].ke_ranged, 1);
	cr_expect_eq(ev[14].ke_off, KMT_NPAGES_MAX - 1);
	cr_expect_eq(ev[14].ke_npages, 8);
	cr_expect_eq(ev[15].ke_op, KMT_UNMAP);
	cr_expect_eq(ev[15].ke_ranged, 0);
	cr_expect_eq(ev[16].ke_op, KMT_KMALLOC);
	cr_expect_eq(ev[16].ke_pid, 0);
	cr_expect_str_eq(ev[16].ke_id, "buf1");
	cr_expect_eq(ev[16].ke_n, KMT_SIZE_MAX);
	cr_expect_str_eq(ev[16].ke_type, "M_TEMP");
	cr_expect_eq(ev[16].ke_mflags, KMT_M_NOWAIT | KMT_M_ZERO);
	cr_expect_eq(ev[17].ke_op, KMT_KMALLOC);
	cr_expect_str_eq(ev[17].ke_id, "buf2");
	cr_expect_eq(ev[17].ke_n, 0);
	cr_expect_str_eq(ev[17].ke_type, "M_FILEDESC");
	cr_expect_eq(ev[17].ke_mflags, KMT_M_WAITOK | KMT_M_CANFAIL);
	cr_expect_eq(ev[18].ke_op, KMT_KFREE);
	cr_expect_eq(ev[18].ke_pid, 0);
	cr_expect_str_eq(ev[18].ke_id, "buf1");
	cr_expect_eq(ev[19].ke_op, KMT_SPAWN);
	cr_expect_eq(ev[19].ke_time, UINT64_MAX);
	cr_expect_eq(ev[19].ke_pid, 2147483647u);
	cr_expect_eq(ev[20].ke_op, KMT_EXIT);
	cr_expect_eq(ev[20].ke_time, UINT64_MAX);
	cr_expect_eq(ev[20].ke_pid, 101);
}

/*
 * Every op once, in a plain file.  Each argument has its own value, so
 * a field stored in the wrong member, or an op decoded as another,
 * shows; the largest TIME, PID, NPAGES, OFF and SIZE are accepted, and
 * fields an op does not use stay zero (ke_ranged, ke_cloexec).
 */
Test(kmtrace, every_op)
{

	check_every_op(tmptext(every_op));
}

/*
 * Ops are numbered in the order of enum kmt_op, and each name is what
 * the trace spells; an op out of range gets a placeholder, not a crash.
 */
Test(kmtrace, opnames)
{
	static const char *const names[KMT_NOPS] = {
		"spawn", "fork", "exec", "exit", "sysctl", "limit", "open",
		"dup", "close", "map", "touch", "grow", "unmap", "kmalloc",
		"kfree"
	};
	int i;

	for (i = 0; i < KMT_NOPS; i++)
		cr_expect_str_eq(kmt_opname((enum kmt_op)i), names[i]);
	cr_expect_str_eq(kmt_opname(KMT_NOPS), "?");
}

/*
 * Headers before the first event are there as soon as kmt_open()
 * returns: the value is the rest of the line less the blanks around
 * it, possibly empty; a repeated key keeps the later value; an unknown
 * key gives NULL; kmt_path() gives the path as passed.  The comment and
 * the blank line among the headers are skipped, and the first event,
 * read ahead by kmt_open(), is still the first that kmt_read() gives.
 */
Test(kmtrace, headers)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	const char *path;

	path = tmptext("kmtrace 1\n"
	    "@ source strace\n"
	    "# a comment between headers\n"
	    "@ command   make -j2  \n"
	    "\n"
	    "@\tempty\n"
	    "@ host a\n"
	    "  @ host b\n"
	    "7 5 spawn\n"
	    "8 5 exit\n");
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_str_eq(kmt_path(r), path);
	cr_expect_str_eq(kmt_header(r, "source"), "strace");
	cr_expect_str_eq(kmt_header(r, "command"), "make -j2");
	cr_expect_str_eq(kmt_header(r, "empty"), "");
	cr_expect_str_eq(kmt_header(r, "host"), "b");
	cr_expect_null(kmt_header(r, "missing"));
	cr_expect_null(kmt_header(r, "sourc"));
	cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
	cr_expect_eq(ev.ke_no, 1);
	cr_expect_eq(ev.ke_line, 9);
	cr_expect_eq(ev.ke_time, 7);
	cr_expect_eq(ev.ke_op, KMT_SPAWN);
	cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
	cr_expect_eq(ev.ke_no, 2);
	cr_expect_eq(ev.ke_op, KMT_EXIT);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 0);
	/* Still there after the end. */
	cr_expect_str_eq(kmt_header(r, "source"), "strace");
	kmt_close(r);
}

/*
 * The header table is bounded: a value longer than 1023 characters is
 * cut to 1023, a key longer than 63 is not kept (so it cannot be found
 * by a 63-character prefix), and past 32 keys the rest are dropped
 * while the first 32 stay.  A trace of headers and no events is empty
 * but valid.
 */
Test(kmtrace, header_limits)
{
	char text[8192], key[80], err[ERRSZ];
	struct kmt_reader *r;
	struct kmt_event ev;
	const char *v;
	size_t n;
	int i;

	n = (size_t)snprintf(text, sizeof(text), "kmtrace 1\n@ long ");
	for (i = 0; i < 2000; i++)
		text[n++] = (char)('a' + i % 26);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\n@ ");
	memset(key, 'k', 64);
	key[64] = '\0';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s x\n", key);
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "@ h%d %d\n", i, i);
	r = kmt_open(tmptext(text), err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	v = kmt_header(r, "long");
	cr_assert_not_null(v);
	cr_expect_eq(strlen(v), 1023);
	cr_expect_eq(v[1022], 'a' + 1022 % 26);
	cr_expect_null(kmt_header(r, key));
	key[63] = '\0';
	cr_expect_null(kmt_header(r, key));
	/* "long" and h0..h30 fill the 32 slots. */
	cr_expect_str_eq(kmt_header(r, "h0"), "0");
	cr_expect_str_eq(kmt_header(r, "h30"), "30");
	cr_expect_null(kmt_header(r, "h31"));
	cr_expect_null(kmt_header(r, "h39"));
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 0);
	kmt_close(r);
}

/*
 * Comments (also indented), blank and blank-looking lines, CRLF line
 * ends, tabs and runs of blanks between fields, and a last line with
 * no newline are all accepted.  Comments and blank lines are not
 * events, so events 1..4 sit on lines 4, 7, 9 and 10.
 */
Test(kmtrace, comments_blanks_crlf)
{
	struct kmt_event ev[8];
	struct kmt_reader *r;
	char err[ERRSZ];
	int n, rc;

	r = kmt_open(tmptext("kmtrace 1\r\n"
	    "# comment\r\n"
	    "\r\n"
	    "0 1 spawn\r\n"
	    "   # indented comment 5 1 exit\n"
	    " \t \r\n"
	    "1\t1   open\t 3 \t cloexec \r\n"
	    "#\n"
	    "  2 1 close 3\n"
	    "3 1 exit\r"), err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	for (n = 0; n < 8; n++) {
		rc = kmt_read(r, &ev[n], err, sizeof(err));
		cr_assert_neq(rc, -1, "%s", err);
		if (rc == 0)
			break;
	}
	kmt_close(r);
	cr_assert_eq(n, 4);
	cr_expect_eq(ev[0].ke_line, 4);
	cr_expect_eq(ev[1].ke_line, 7);
	cr_expect_eq(ev[1].ke_no, 2);
	cr_expect_eq(ev[1].ke_op, KMT_OPEN);
	cr_expect_eq(ev[1].ke_fd, 3);
	cr_expect_eq(ev[1].ke_cloexec, 1);
	cr_expect_eq(ev[2].ke_line, 9);
	cr_expect_eq(ev[2].ke_op, KMT_CLOSE);
	cr_expect_eq(ev[3].ke_line, 10);
	cr_expect_eq(ev[3].ke_no, 4);
	cr_expect_eq(ev[3].ke_op, KMT_EXIT);
}

/*
 * The first line must be exactly "kmtrace 1" (a '\r' before the
 * newline aside, and the newline itself may be missing): another
 * version, trailing blanks, a comment or blank line first, or a first
 * line too long to be it are all refused as line 1; a file with no
 * bytes at all has its own message.
 */
Test(kmtrace, first_line)
{
	static const char notkmt[] =
	    ":1: not a kmtrace file (first line must be 'kmtrace 1' or "
	    "'kmtrace 2')";
	char err[ERRSZ], big[6000];
	uint64_t nev;

	expect_error("", ": empty file, expected 'kmtrace 1'");
	expect_error("kmtrace 3\n0 1 spawn\n", notkmt);
	expect_error("kmtrace 1 \n", notkmt);
	expect_error("kmtrace  1\n", notkmt);
	expect_error("Kmtrace 1\n", notkmt);
	expect_error("kmtrace 10\n", notkmt);
	expect_error("kmtrace\n", notkmt);
	expect_error("\nkmtrace 1\n", notkmt);
	expect_error("# kmtrace\nkmtrace 1\n", notkmt);
	expect_error("@ source x\nkmtrace 1\n", notkmt);
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, notkmt);

	cr_expect_eq(readall(tmptext("kmtrace 1"), &nev, NULL, err), 0,
	    "%s", err);
	cr_expect_eq(nev, 0);
	cr_expect_eq(readall(tmptext("kmtrace 1\r\n"), &nev, NULL, err), 0,
	    "%s", err);
	cr_expect_eq(readall(tmptext("kmtrace 1\n\n# only a comment\n"),
	    &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 0);
}

/*
 * A file that cannot be opened is reported as "FILE: reason", from
 * kmt_open() and with no line number.
 */
Test(kmtrace, no_such_file)
{
	struct kmt_reader *r;
	char err[ERRSZ];

	r = kmt_open("/nonexistent/kmtrace/x.trace", err, sizeof(err));
	cr_expect_null(r);
	cr_expect_str_eq(err,
	    "/nonexistent/kmtrace/x.trace: No such file or directory");
}

/*
 * Header lines are allowed only before the first event.  After it, the
 * line is reported as a line, not an event (it is not numbered); a
 * malformed header ("@" with no blank after it, or no key) is refused
 * by kmt_open() with its line.
 */
Test(kmtrace, header_errors)
{

	expect_error("kmtrace 1\n0 1 spawn\n# c\n@ source x\n",
	    ":4: header line after the first event");
	expect_error("kmtrace 1\n@ a b\n0 1 spawn\n  @ source x\n1 1 exit\n",
	    ":4: header line after the first event");
	expect_error("kmtrace 1\n@source x\n",
	    ":2: malformed header line (expected '@ KEY VALUE')");
	expect_error("kmtrace 1\n@ a b\n@\n",
	    ":3: malformed header line (expected '@ KEY VALUE')");
	expect_error("kmtrace 1\n@  \t \n",
	    ":2: malformed header line (expected '@ KEY VALUE')");
}

/*
 * Every malformed event the reader must catch, one at a time, as the
 * second event (line 3) after a good first one, so each message must
 * read "FILE:3: event 2: ...".  The cases cover, for each op, a missing
 * field (named), an extra field (quoted), each numeric field just past
 * its range, non-decimal numbers (sign, hex, letters), overflow of
 * uint64, over-long IDs and types, bad malloc types and flags, PID 0
 * doing what only the kernel's kmalloc/kfree may, a fork of PID to
 * itself, and lines with more fields than any op takes.  Long tokens
 * are cut in the message.
 */
Test(kmtrace, malformed_events)
{
#define PID0	"PID 0 (the kernel) can only kmalloc and kfree"
	static const struct {
		const char	*line;
		const char	*msg;
	} cases[] = {
		{ "5", "missing PID" },
		{ "5 1", "missing OP" },
		{ "5 1 \t ", "missing OP" },
		{ "5 1 frob", "unknown op 'frob'" },
		{ "5 1 Spawn", "unknown op 'Spawn'" },
		{ "5 1 spawns", "unknown op 'spawns'" },
		{ "5 1 spawn x", "unexpected field 'x'" },
		{ "5 1 exec 1", "unexpected field '1'" },
		{ "5 1 exit now", "unexpected field 'now'" },
		{ "x 1 spawn", "bad number 'x'" },
		{ "-5 1 spawn", "bad number '-5'" },
		{ "18446744073709551616 1 spawn", "number out of range" },
		{ "99999999999999999999999 1 spawn", "number out of range" },
		{ "5 2147483648 spawn", "number out of range" },
		{ "5 +1 spawn", "bad number '+1'" },
		{ "5 0 spawn", PID0 },
		{ "5 0 open 3", PID0 },
		{ "5 0 map a 1", PID0 },
		{ "5 1 fork", "missing CHILD" },
		{ "5 1 fork 0", "number out of range" },
		{ "5 1 fork 2147483648", "number out of range" },
		{ "5 1 fork 1", "CHILD is the same as PID" },
		{ "5 1 fork 2 3", "unexpected field '3'" },
		{ "5 1 sysctl", "missing maxfiles" },
		{ "5 1 sysctl maxproc 5", "unknown sysctl 'maxproc'" },
		{ "5 1 sysctl maxfiles", "missing N" },
		{ "5 1 sysctl maxfiles 2147483648", "number out of range" },
		{ "5 1 sysctl maxfiles 10 x", "unexpected field 'x'" },
		{ "5 1 limit", "missing nofile" },
		{ "5 1 limit nproc 5", "unknown limit 'nproc'" },
		{ "5 1 limit nofile", "missing N" },
		{ "5 1 limit nofile -1", "bad number '-1'" },
		{ "5 1 limit nofile 2147483648", "number out of range" },
		{ "5 1 limit nofile 1 2", "unexpected field '2'" },
		{ "5 1 open", "missing FD" },
		{ "5 1 open 0x3", "bad number '0x3'" },
		{ "5 1 open 2147483648", "number out of range" },
		{ "5 1 open 3 CLOEXEC", "unexpected field 'CLOEXEC'" },
		{ "5 1 open 3 4", "unexpected field '4'" },
		{ "5 1 open 3 cloexec x", "unexpected field 'x'" },
		{ "5 1 dup", "missing OLD" },
		{ "5 1 dup 3", "missing FD" },
		{ "5 1 dup 2147483648 4", "number out of range" },
		{ "5 1 dup 3 2147483648", "number out of range" },
		{ "5 1 dup 3 4 close", "unexpected field 'close'" },
		{ "5 1 dup 3 4 cloexec 5", "unexpected field '5'" },
		{ "5 1 close", "missing FD" },
		{ "5 1 close 3 4", "unexpected field '4'" },
		{ "5 1 close 3.0", "bad number '3.0'" },
		{ "5 1 map", "missing ID" },
		{ "5 1 map heap", "missing NPAGES" },
		{ "5 1 map heap 0", "number out of range" },
		{ "5 1 map heap 1048577", "number out of range" },
		{ "5 1 map heap 1 2", "unexpected field '2'" },
		{ "5 1 map a123456789b123456789c123456789"
		  "d123456789e123456789f1234567890123 1", "ID too long" },
		{ "5 1 kfree a23456789b123456789c123456789"
		  "d123456789e123456789f1234567890123 x",
		  "unexpected field 'x'" },
		{ "5 1 touch", "missing ID" },
		{ "5 1 touch heap 0", "missing NPAGES" },
		{ "5 1 touch heap 1048576 1", "number out of range" },
		{ "5 1 touch heap 0 0", "number out of range" },
		{ "5 1 touch heap 0 1048577", "number out of range" },
		{ "5 1 touch heap 0 1 2", "unexpected field '2'" },
		{ "5 1 grow", "missing ID" },
		{ "5 1 grow heap", "missing NPAGES" },
		{ "5 1 grow heap 0", "number out of range" },
		{ "5 1 grow heap 1048577", "number out of range" },
		{ "5 1 grow heap 4 4", "unexpected field '4'" },
		{ "5 1 unmap", "missing ID" },
		{ "5 1 unmap heap 3", "missing NPAGES" },
		{ "5 1 unmap heap x 1", "bad number 'x'" },
		{ "5 1 unmap heap 3 1048577", "number out of range" },
		{ "5 1 unmap heap 0 1 cloexec", "unexpected field 'cloexec'" },
		{ "5 1 kmalloc", "missing ID" },
		{ "5 1 kmalloc b", "missing SIZE" },
		{ "5 1 kmalloc b 10", "missing TYPE" },
		{ "5 1 kmalloc b 10 M_TEMP", "missing FLAGS" },
		{ "5 1 kmalloc b 4294967296 M_TEMP WAITOK",
		  "number out of range" },
		{ "5 1 kmalloc b 10 TEMP WAITOK", "bad malloc type 'TEMP'" },
		{ "5 1 kmalloc b 10 M_ WAITOK", "bad malloc type 'M_'" },
		{ "5 1 kmalloc b 10 M_temp WAITOK",
		  "bad malloc type 'M_temp'" },
		{ "5 1 kmalloc b 10 m_TEMP WAITOK",
		  "bad malloc type 'm_TEMP'" },
		{ "5 1 kmalloc b 10 M-TEMP WAITOK",
		  "bad malloc type 'M-TEMP'" },
		{ "5 1 kmalloc b 10 M_23456789B123456789C123456789"
		  "D123456789E123456789F1234567890123 WAITOK",
		  "TYPE too long" },
		/* 63 characters: long enough, the flags are wrong. */
		{ "5 1 kmalloc b 10 M_3456789B123456789C123456789"
		  "D123456789E123456789F1234567890123 WAITOK,",
		  "unknown malloc flag ''" },
		{ "5 1 kmalloc b 10 M_TEMP ZERO",
		  "FLAGS needs exactly one of WAITOK and NOWAIT" },
		{ "5 1 kmalloc b 10 M_TEMP WAITOK,NOWAIT",
		  "FLAGS needs exactly one of WAITOK and NOWAIT" },
		{ "5 1 kmalloc b 10 M_TEMP NOWAIT,NOWAIT",
		  "FLAGS needs exactly one of WAITOK and NOWAIT" },
		{ "5 1 kmalloc b 10 M_TEMP WAITOK,BOGUS",
		  "unknown malloc flag 'BOGUS'" },
		{ "5 1 kmalloc b 10 M_TEMP waitok",
		  "unknown malloc flag 'waitok'" },
		{ "5 1 kmalloc b 10 M_TEMP WAITOK,", "unknown malloc flag ''" },
		{ "5 1 kmalloc b 10 M_TEMP M_WAITOK",
		  "unknown malloc flag 'M_WAITOK'" },
		{ "5 1 kmalloc b 10 M_TEMP WAITOK x", "unexpected field 'x'" },
		/* More fields than any op has: the first extra is named. */
		{ "5 1 kmalloc b 10 M_TEMP WAITOK x y z w v u t s r q",
		  "unexpected field 'x'" },
		{ "5 1 spawn a b c d e f g h i j k l m n o p",
		  "unexpected field 'a'" },
		{ "5 1 kfree", "missing ID" },
		{ "5 1 kfree b c", "unexpected field 'c'" },
		{ "5 0 kfree b c", "unexpected field 'c'" },
		{ "\t5\t1  open\t3 \t4 ", "unexpected field '4'" },
		{ "5 1 abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
		  "unknown op 'abcdefghijabcdefghijabcdefghijabcdefghij...'" },
	};
	char text[512], msg[256];
	size_t i;
#undef PID0

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "kmtrace 1\n0 1 spawn\n%s\n",
		    cases[i].line);
		snprintf(msg, sizeof(msg), ":3: event 2: %s", cases[i].msg);
		expect_error(text, msg);
	}
}

/*
 * Equal times are fine; a smaller one is not, and the message names
 * both.  The comment and header-free blank lines do not shift the event
 * number: the bad event is the 3rd, on line 6.
 */
Test(kmtrace, time_backwards)
{
	char err[ERRSZ];
	uint64_t nev;

	cr_expect_eq(readall(tmptext("kmtrace 1\n5 1 spawn\n5 1 exit\n"),
	    &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 2);
	expect_error("kmtrace 1\n10 1 spawn\n\n12 1 open 3\n# c\n11 1 exit\n",
	    ":6: event 3: time goes backwards (11 after 12)");
	expect_error("kmtrace 1\n18446744073709551615 1 spawn\n0 1 exit\n",
	    ":3: event 2: time goes backwards (0 after 18446744073709551615)");
}

/*
 * Once kmt_read() has failed it keeps failing with the same message
 * (the replay must stop), and once it has reached the end it keeps
 * returning 0.  Events before the bad line are all delivered first.
 */
Test(kmtrace, sticky_end_and_error)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ], err2[ERRSZ];
	const char *path;

	path = tmptext("kmtrace 1\n0 1 spawn\n1 1 bogus\n2 1 exit\n");
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 1);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), -1);
	cr_expect_eq(kmt_read(r, &ev, err2, sizeof(err2)), -1);
	cr_expect_str_eq(err, err2);
	cr_expect(strstr(err, ":3: event 2: unknown op 'bogus'") != NULL,
	    "%s", err);
	kmt_close(r);

	r = kmt_open(tmptext("kmtrace 1\n0 1 spawn\n"), err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 1);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 0);
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 0);
	kmt_close(r);
}

/*
 * The line limit is KMT_LINE_MAX characters without the newline: a
 * comment of exactly 4096 characters, also with a CRLF end, is read
 * (and the event after it too); one character more is "line too long",
 * reported for its line.  A line far longer than the reader's buffer
 * is refused the same way rather than grown into.
 */
Test(kmtrace, long_lines)
{
	char err[ERRSZ];
	char *text;
	size_t n, big;
	uint64_t nev;

	big = 300000;
	text = malloc(big + 64);
	cr_assert_not_null(text);

	n = (size_t)sprintf(text, "kmtrace 1\n0 1 spawn\n#");
	memset(text + n, 'x', KMT_LINE_MAX - 1);
	n += KMT_LINE_MAX - 1;
	strcpy(text + n, "\n1 1 exit\n");
	cr_expect_eq(readall(tmptext(text), &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 2);
	strcpy(text + n, "\r\n1 1 exit\n");
	cr_expect_eq(readall(tmptext(text), &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 2);
	strcpy(text + n, "x\n1 1 exit\n");
	expect_error(text, ":3: line too long");
	strcpy(text + n, "x\r\n1 1 exit\n");
	expect_error(text, ":3: line too long");

	/* An event line too long is not parsed. */
	n = (size_t)sprintf(text, "kmtrace 1\n0 1 spawn\n1 1 map ");
	memset(text + n, 'a', big);
	strcpy(text + n + big, " 1\n");
	expect_error(text, ":3: line too long");
	free(text);
}

/*
 * A NUL byte would cut an ID short when copied out, so a line holding
 * one is refused.
 */
Test(kmtrace, nul_byte)
{
	static const char text[] = "kmtrace 1\n0 1 spawn\n1 1 map a\0b 1\n";
	char err[ERRSZ], want[ERRSZ];
	const char *path;
	uint64_t nev;

	path = tmpdata(text, sizeof(text) - 1);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_eq(nev, 1);
	snprintf(want, sizeof(want), "%s:3: NUL character in line", path);
	cr_expect_str_eq(err, want);
}

/*
 * A gzip file is recognised by its magic bytes, not its name, and
 * reads exactly as the plain text; in three members, cut in the middle
 * of lines, it still gives every event.
 */
Test(kmtrace, gzip)
{

	check_every_op(tmpgzip(every_op, strlen(every_op), 1));
	check_every_op(tmpgzip(every_op, strlen(every_op), 3));
}

/*
 * The same for zstd: one frame, and four frames cut mid-line.
 */
Test(kmtrace, zstd)
{

	check_every_op(tmpzstd(every_op, strlen(every_op), 1));
	check_every_op(tmpzstd(every_op, strlen(every_op), 4));
}

/* A trace of N simple events, in a malloc'd string. */
static char *
gentrace(uint64_t n, size_t *lenp)
{
	char *text;
	size_t len, cap;
	uint64_t i;

	cap = 64 + (size_t)n * 40;
	text = malloc(cap);
	cr_assert_not_null(text);
	len = (size_t)snprintf(text, cap, "kmtrace 1\n0 1 spawn\n");
	for (i = 1; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    i % 2 ? "%" PRIu64 " 1 open %" PRIu64 "\n" :
		    "%" PRIu64 " 1 close %" PRIu64 "\n", i * 3, i % 1000 + 3);
	*lenp = len;
	return text;
}

/*
 * A truncated gzip file is an error, never a short success: cut in the
 * middle, the events before the cut may come out but the read ends in
 * "truncated gzip stream"; cut by only the 8-byte trailer (all the
 * text is there, the CRC is not), likewise; the bare magic fails
 * kmt_open().  No partial last line is parsed: the error is about the
 * file, not an event.
 */
Test(kmtrace, gzip_truncated)
{
	char err[ERRSZ], want[ERRSZ];
	unsigned char *gz;
	const char *path;
	size_t len, gzlen;
	uint64_t nev;
	char *text;

	text = gentrace(100000, &len);
	gz = gzipbuf(text, len, &gzlen);
	free(text);

	path = tmpdata(gz, gzlen / 2);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_lt(nev, 100000);
	snprintf(want, sizeof(want), "%s: truncated gzip stream", path);
	cr_expect_str_eq(err, want);

	path = tmpdata(gz, gzlen - 4);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_eq(nev, 100000);
	snprintf(want, sizeof(want), "%s: truncated gzip stream", path);
	cr_expect_str_eq(err, want);

	path = tmpdata(gz, 2);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	snprintf(want, sizeof(want), "%s: truncated gzip stream", path);
	cr_expect_str_eq(err, want);
	free(gz);
}

/*
 * Corrupt gzip data is reported as such: a bad compression method in
 * the header fails kmt_open(); a wrong CRC in the trailer is found
 * after all the text was read, and still fails the read; so does
 * rubbish after the last member.
 */
Test(kmtrace, gzip_corrupt)
{
	char err[ERRSZ], want[ERRSZ];
	unsigned char *gz, *more;
	const char *path;
	size_t gzlen;
	uint64_t nev;

	gz = gzipbuf(every_op, strlen(every_op), &gzlen);

	gz[2] = 7;		/* CM: only 8 (deflate) is defined */
	path = tmpdata(gz, gzlen);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_eq(nev, 0);
	snprintf(want, sizeof(want), "%s: corrupt gzip data", path);
	cr_expect_str_eq(err, want);
	gz[2] = 8;

	gz[gzlen - 8] ^= 0xff;	/* CRC32 */
	path = tmpdata(gz, gzlen);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_eq(nev, 21);
	snprintf(want, sizeof(want), "%s: corrupt gzip data", path);
	cr_expect_str_eq(err, want);
	gz[gzlen - 8] ^= 0xff;

	more = malloc(gzlen + 16);
	cr_assert_not_null(more);
	memcpy(more, gz, gzlen);
	memcpy(more + gzlen, "garbage garbage", 16);
	path = tmpdata(more, gzlen + 16);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	snprintf(want, sizeof(want), "%s: corrupt gzip data", path);
	cr_expect_str_eq(err, want);
	free(more);
	free(gz);
}

/*
 * A zstd stream that ends mid-frame is an error, wherever it is cut:
 * half way, one byte short of the end, or just after the magic.  A
 * reserved bit set in the frame header is corrupt data.
 */
Test(kmtrace, zstd_truncated_and_corrupt)
{
	char err[ERRSZ], want[ERRSZ];
	unsigned char *zs;
	const char *path;
	size_t len, zslen;
	uint64_t nev;
	char *text;

	text = gentrace(100000, &len);
	zs = zstdbuf(text, len, 1, &zslen);
	free(text);

	path = tmpdata(zs, zslen / 2);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_lt(nev, 100000);
	snprintf(want, sizeof(want), "%s: truncated zstd stream", path);
	cr_expect_str_eq(err, want);

	path = tmpdata(zs, zslen - 1);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	snprintf(want, sizeof(want), "%s: truncated zstd stream", path);
	cr_expect_str_eq(err, want);

	path = tmpdata(zs, 4);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	snprintf(want, sizeof(want), "%s: truncated zstd stream", path);
	cr_expect_str_eq(err, want);

	zs[4] |= 0x08;		/* Frame_Header_Descriptor reserved bit */
	path = tmpdata(zs, zslen);
	cr_expect_eq(readall(path, &nev, NULL, err), -1);
	cr_expect_eq(nev, 0);
	snprintf(want, sizeof(want), "%s: corrupt zstd data", path);
	cr_expect_str_eq(err, want);
	free(zs);
}

/*
 * Compressed traces much larger than the reader's buffers: 300000
 * events through gzip and zstd, each split into several members or
 * frames, all come out, numbered in order, with the last one intact.
 */
Test(kmtrace, compressed_large)
{
	struct kmt_event last;
	char err[ERRSZ];
	size_t len;
	uint64_t nev;
	char *text;

	text = gentrace(300000, &len);
	cr_expect_eq(readall(tmpgzip(text, len, 3), &nev, &last, err), 0,
	    "%s", err);
	cr_expect_eq(nev, 300000);
	cr_expect_eq(last.ke_no, 300000);
	cr_expect_eq(last.ke_time, 299999 * 3);
	cr_expect_eq(last.ke_op, KMT_OPEN);
	cr_expect_eq(readall(tmpzstd(text, len, 5), &nev, &last, err), 0,
	    "%s", err);
	cr_expect_eq(nev, 300000);
	cr_expect_eq(last.ke_time, 299999 * 3);
	cr_expect_eq(last.ke_fd, 299999 % 1000 + 3);
	free(text);
}

/*
 * Streaming: a trace of 2 million events (about 30 MB), written line by
 * line, is read through in fixed buffers.  Every event is counted, the
 * numbering and line numbers stay in step to the end, and the last
 * event decodes right, so no line was lost or split at a buffer edge.
 */
Test(kmtrace, two_million_events, .timeout = 120)
{
	struct kmt_event ev, last;
	struct kmt_reader *r;
	char err[ERRSZ];
	const char *path;
	uint64_t i, n;
	FILE *f;
	int fd, rc;

	path = newtmp(&fd);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fprintf(f, "kmtrace 1\n@ source generated\n0 7 spawn\n");
	for (i = 1; i < 2000000; i++) {
		if (i % 3 == 1)
			fprintf(f, "%" PRIu64 " 7 open %" PRIu64 "\n", i,
			    i % 500);
		else if (i % 3 == 2)
			fprintf(f, "%" PRIu64 " 7 kmalloc k%" PRIu64
			    " 128 M_TEMP WAITOK\n", i, i);
		else
			fprintf(f, "%" PRIu64 " 7 close %" PRIu64 "\n", i,
			    (i - 2) % 500);
	}
	cr_assert_eq(fclose(f), 0);

	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_str_eq(kmt_header(r, "source"), "generated");
	n = 0;
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1) {
		n++;
		last = ev;
		if (ev.ke_no != n || ev.ke_line != n + 2)
			break;
	}
	kmt_close(r);
	cr_assert_eq(rc, 0, "%s", err);
	cr_expect_eq(n, 2000000);
	cr_expect_eq(last.ke_time, 1999999);
	cr_expect_eq(last.ke_op, KMT_OPEN);	/* 1999999 % 3 == 1 */
	cr_expect_eq(last.ke_fd, 1999999 % 500);
}

/*
 * kmt_tokeq() compares two token buffers a word at a time up to LEN:
 * for every length from 1 to KMT_TOKEN_MAX, a difference at any
 * position inside the token makes them differ, and differences past
 * LEN (anything after the NUL) do not.
 */
Test(kmtrace, tokeq)
{
	char a[KMT_TOKEN_MAX + 1], b[KMT_TOKEN_MAX + 1];
	size_t len, pos;

	for (len = 1; len <= KMT_TOKEN_MAX; len++) {
		memset(a, 'x', sizeof(a));
		memset(b, 'y', sizeof(b));
		memset(b, 'x', len);
		a[len] = '\0';
		b[len] = '\0';
		cr_assert(kmt_tokeq(a, b, len), "length %zu: equal", len);
		for (pos = 0; pos < len; pos++) {
			b[pos] = 'z';
			cr_assert(!kmt_tokeq(a, b, len), "length %zu: byte %zu "
			    "differs", len, pos);
			b[pos] = 'x';
		}
	}
}

/*
 * Version 2: the end line.  A trace is whole only when its last
 * non-blank line is "# end N events" and N counts its events; without
 * it the trace was cut short ("truncated", naming the last line).
 * Before version 2 a trace cut at a line boundary read as a whole one.
 */
Test(kmtrace, v2_end_line_is_required)
{
	char err[ERRSZ];
	uint64_t nev;

	/* Whole: 2 events, then the end line (blank lines may follow). */
	cr_expect_eq(readall(tmptext("kmtrace 2\n@ source t\n0 1 spawn\n"
	    "# a comment\n5 1 open 3\n# end 2 events\n\n"), &nev, NULL,
	    err), 0, "%s", err);
	cr_expect_eq(nev, 2);
	/* No events: "# end 0 events" straight after the headers. */
	cr_expect_eq(readall(tmptext("kmtrace 2\n@ source t\n"
	    "# end 0 events\n"), &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 0);
	/* One event: "event" or "events". */
	cr_expect_eq(readall(tmptext("kmtrace 2\n0 1 spawn\n"
	    "# end 1 event\n"), &nev, NULL, err), 0, "%s", err);
	cr_expect_eq(nev, 1);
	/* Cut after line 3, after a line cut short, or an empty v2 trace. */
	expect_error("kmtrace 2\n0 1 spawn\n5 1 open 3\n",
	    ":3: truncated (no end line '# end N events')");
	expect_error("kmtrace 2\n0 1 spawn\n5 1 open 3",
	    ":3: truncated (no end line '# end N events')");
	expect_error("kmtrace 2\n",
	    ":1: truncated (no end line '# end N events')");
	/* An end line cut short is only a comment. */
	expect_error("kmtrace 2\n0 1 spawn\n# end 1 ev",
	    ":3: truncated (no end line '# end N events')");
	/* The count must be right; nothing may follow. */
	expect_error("kmtrace 2\n0 1 spawn\n5 1 open 3\n# end 3 events\n",
	    ":4: end line counts 3 events, the trace holds 2");
	expect_error("kmtrace 2\n0 1 spawn\n# end 1 events\n6 1 open 3\n",
	    ":4: text after the end line");
	expect_error("kmtrace 2\n0 1 spawn\n# end 1 events\n# more\n",
	    ":4: text after the end line");
	expect_error("kmtrace 2\n# end 0 events\n@ source t\n",
	    ":3: text after the end line");
}

/*
 * Version 1 has no end line and reads as it always did, with a
 * warning for the caller; "# end" means nothing in it.
 */
Test(kmtrace, v1_reads_as_before_with_a_warning)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	const char *path, *w;
	int n = 0, rc;

	path = tmptext("kmtrace 1\n0 1 spawn\n# end 7 events\n5 1 open 3");
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_expect_eq(kmt_version(r), 1);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		n++;
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect_eq(n, 2);
	w = kmt_warning(r);
	cr_assert_not_null(w);
	cr_expect(strstr(w, path) != NULL && strstr(w, "kmtrace 1") != NULL,
	    "%s", w);
	cr_expect_null(kmt_warning(r), "a warning is given once");
	kmt_close(r);
}

/* KMT_ALLOW_TRUNCATED: a cut trace reads to its last line, warned. */
Test(kmtrace, allow_truncated)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	const char *w;
	int n = 0, rc;

	kmt_set_defaults(KMT_ALLOW_TRUNCATED);
	r = kmt_open(tmptext("kmtrace 2\n0 1 spawn\n5 1 open 3\n"), err,
	    sizeof(err));
	kmt_set_defaults(0);
	cr_assert_not_null(r, "%s", err);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		n++;
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect_eq(n, 2);
	w = kmt_warning(r);
	cr_assert_not_null(w);
	cr_expect(strstr(w, "truncated") != NULL, "%s", w);
	kmt_close(r);
}
