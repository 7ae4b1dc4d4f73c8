/*
 * test_binary.c: Criterion tests of the binary trace form (kmtbin.h):
 * kmbench convert both ways, the reader's checks of a binary file, and
 * that the binary and text forms of a trace replay the same.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runner/cmd_convert.h"
#include "../workloads/kmtbin.h"
#include "../workloads/kmtrace.h"
#include "../workloads/kmtrace_write.h"
#include "kmtest.h"

#define ERRSZ	1024

TestSuite(binary, .fini = kmtest_tmpclean);

static int
convert(const char *in, const char *out)
{
	char a0[] = "convert", a1[256], a2[256];
	char *argv[] = { a0, a1, a2, NULL };

	snprintf(a1, sizeof(a1), "%s", in);
	snprintf(a2, sizeof(a2), "%s", out);
	return cmd_convert(3, argv);
}

static const char *
shipped(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/workloads/traces/%s.kmt.zst",
	    kmtest_src(), name);
	return path;
}

/* Assert that A and B hold the same headers and events; the count. */
static uint64_t
expect_same_trace(const char *a, const char *b)
{
	struct kmt_reader *ra, *rb;
	struct kmt_event ea, eb;
	char err[ERRSZ];
	uint64_t n = 0;
	int i, na, nb;

	ra = kmt_open(a, err, sizeof(err));
	cr_assert(ra != NULL, "%s", err);
	rb = kmt_open(b, err, sizeof(err));
	cr_assert(rb != NULL, "%s", err);
	cr_assert_eq(kmt_nheaders(ra), kmt_nheaders(rb));
	for (i = 0; i < kmt_nheaders(ra); i++) {
		cr_assert_str_eq(kmt_header_key(ra, i), kmt_header_key(rb, i));
		cr_assert_str_eq(kmt_header(ra, kmt_header_key(ra, i)),
		    kmt_header(rb, kmt_header_key(rb, i)));
	}
	for (;;) {
		na = kmt_read(ra, &ea, err, sizeof(err));
		cr_assert_geq(na, 0, "%s", err);
		nb = kmt_read(rb, &eb, err, sizeof(err));
		cr_assert_geq(nb, 0, "%s", err);
		cr_assert_eq(na, nb, "one trace ends at event %" PRIu64, n);
		if (na == 0)
			break;
		kmtest_same_event(&ea, &eb, 0);
		n++;
	}
	kmt_close(ra);
	kmt_close(rb);
	return n;
}

Test(binary, roundtrip)
{
	const char *names[] = { "git", "build", "http", "sqlite" };
	const char *bin, *back, *text;
	char *tb, *tt;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bin = kmtest_tmppath(".kmb");
		back = kmtest_tmppath(".kmt");
		text = kmtest_tmppath(".kmt");
		cr_assert_eq(convert(shipped(names[i]), bin), 0);
		cr_assert_eq(convert(bin, back), 0);
		cr_assert_eq(convert(shipped(names[i]), text), 0);
		cr_assert_gt(expect_same_trace(shipped(names[i]), bin), 0);
		expect_same_trace(shipped(names[i]), back);
		/* The text that comes back is the text written directly. */
		tb = kmtest_trace_text(back, 1);
		tt = kmtest_trace_text(text, 1);
		cr_assert_str_eq(tb, tt);
		free(tb);
		free(tt);
	}
}

Test(binary, compressed)
{
	const char *gz = kmtest_tmppath(".kmb.gz");
	const char *zst = kmtest_tmppath(".kmb.zst");
	struct kmt_reader *r;
	char err[ERRSZ];

	cr_assert_eq(convert(shipped("git"), gz), 0);
	cr_assert_eq(convert(gz, zst), 0);
	expect_same_trace(shipped("git"), gz);
	expect_same_trace(shipped("git"), zst);
	r = kmt_open(zst, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	cr_assert(kmt_isbinary(r));
	kmt_close(r);
}

/* The JSON of a replay, with the trace's name taken out. */
static char *
replay_json(const char *strategy, const char *path)
{
	char args[1024], *out, *err, *p, *q;
	int rc;

	snprintf(args, sizeof(args), "run --json --no-latency --strategy %s "
	    "--machine i386-16M %s", strategy, path);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "%s", err);
	free(err);
	p = strstr(out, "\"trace\":\"");
	cr_assert(p != NULL);
	p += 9;
	q = strchr(p, '"');
	cr_assert(q != NULL);
	memmove(p, q, strlen(q) + 1);
	return out;
}

Test(binary, same_replay)
{
	const char *strategies[] = { "panic-only", "canfail", "nointr",
	    "fdlimit" };
	const char *names[] = { "git", "build", "configure" };
	const char *bin;
	char *a, *b;
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bin = kmtest_tmppath(".kmb.zst");
		cr_assert_eq(convert(shipped(names[i]), bin), 0);
		for (j = 0; j < sizeof(strategies) / sizeof(strategies[0]);
		    j++) {
			a = replay_json(strategies[j], shipped(names[i]));
			b = replay_json(strategies[j], bin);
			cr_assert_str_eq(a, b, "%s under %s", names[i],
			    strategies[j]);
			free(a);
			free(b);
		}
	}
}

/* The whole of file PATH; its length in *LENP. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	unsigned char *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	cr_assert(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert(buf != NULL);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

static const char *
spew(const char *suffix, const void *data, size_t len)
{
	const char *path = kmtest_tmppath(suffix);
	FILE *f;

	f = fopen(path, "wb");
	cr_assert(f != NULL);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Read PATH to its end; the error (which must come) into ERR. */
static void
read_fails(const char *path, char *err, size_t errlen)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	int rc;

	r = kmt_open(path, err, errlen);
	if (r == NULL)
		return;
	while ((rc = kmt_read(r, &ev, err, errlen)) == 1)
		continue;
	kmt_close(r);
	cr_assert_eq(rc, -1, "%s read to its end", path);
}

/* How many events the trace at PATH holds. */
static unsigned
nevents(const char *path)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	unsigned n = 0;
	int rc;

	r = kmt_open(path, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		n++;
	kmt_close(r);
	cr_assert_eq(rc, 0, "%s", err);
	return n;
}

Test(binary, truncated)
{
	const char *bin = kmtest_tmppath(".kmb"), *cut;
	unsigned char *buf;
	char err[ERRSZ], want[512], *out, *cerr, args[512];
	size_t len;

	cr_assert_eq(convert(shipped("git"), bin), 0);
	buf = slurp(bin, &len);

	/* Cut in the middle of the events. */
	cut = spew(".kmb", buf, len / 2);
	read_fails(cut, err, sizeof(err));
	cr_assert(strstr(err, "binary trace truncated") != NULL, "%s", err);
	cr_assert(strncmp(err, cut, strlen(cut)) == 0, "%s", err);
	snprintf(args, sizeof(args), "run --parse-only %s", cut);
	cr_assert_eq(kmtest_cmd(args, &out, &cerr), 2);
	cr_assert(strstr(cerr, "binary trace truncated") != NULL, "%s", cerr);
	free(out);
	free(cerr);

	/* Cut just before the trailer: the events are whole. */
	cr_assert_eq(buf[len - 3], KMB_TRAILER);
	cut = spew(".kmb", buf, len - 3);
	read_fails(cut, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: binary trace truncated: no "
	    "trailer after %u events", cut, nevents(shipped("git")));
	cr_assert_str_eq(err, want);
	free(buf);
}

Test(binary, lying_trailer)
{
	const char *bin = kmtest_tmppath(".kmb"), *lie;
	unsigned char *buf;
	char err[ERRSZ], want[512];
	size_t len;
	unsigned n;

	cr_assert_eq(convert(shipped("git"), bin), 0);
	buf = slurp(bin, &len);
	/*
	 * The trailer ends with the count, N, in two bytes of LEB128 when
	 * 128 <= N < 16384: 0x80 | (N & 0x7f), then N >> 7.  Setting the
	 * low seven bits to 0x7f says more events, to 0 fewer (the shipped
	 * git trace has 12787, 0xf3 0x63: 12799 and 12672).
	 */
	n = nevents(shipped("git"));
	cr_assert(n >= 128 && n < 16384 && (n & 0x7f) != 0 &&
	    (n & 0x7f) != 0x7f, "git.kmt.zst has %u events: pick another "
	    "trace", n);
	cr_assert_eq(buf[len - 2], 0x80 | (n & 0x7f));
	cr_assert_eq(buf[len - 1], n >> 7);
	buf[len - 2] = 0xff;
	lie = spew(".kmb", buf, len);
	read_fails(lie, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: binary trace truncated: header "
	    "says %u events, found %u", lie, n | 0x7f, n);
	cr_assert_str_eq(err, want);
	/* Say fewer: corrupt. */
	buf[len - 2] = 0x80;
	lie = spew(".kmb", buf, len);
	read_fails(lie, err, sizeof(err));
	snprintf(want, sizeof(want), "header says %u events, found %u",
	    n & ~0x7fu, n);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	/* Something after the trailer. */
	buf[len - 2] = (unsigned char)(0x80 | (n & 0x7f));
	buf[len] = 0;
	lie = spew(".kmb", buf, len + 1);
	read_fails(lie, err, sizeof(err));
	cr_assert(strstr(err, "data after the trailer") != NULL, "%s", err);
	free(buf);
}

/* A hand-made binary trace: the magic, no headers, then BODY. */
static void
bad_body(const void *body, size_t blen, const char *msg)
{
	unsigned char buf[512];
	const char *path;
	char err[ERRSZ];
	size_t n;

	n = (size_t)snprintf((char *)buf, sizeof(buf), "%s\n-\n", KMB_MAGIC);
	memcpy(buf + n, body, blen);
	path = spew(".kmb", buf, n + blen);
	read_fails(path, err, sizeof(err));
	cr_assert(strstr(err, msg) != NULL, "'%s' lacks '%s'", err, msg);
}

Test(binary, out_of_range)
{
	/* spawn of PID 1, then open of descriptor 2^31. */
	static const unsigned char bigfd[] = { KMT_SPAWN, 0, 1,
	    KMT_OPEN, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x08, 0xff, 2 };
	static const unsigned char bigpid[] = { KMT_SPAWN, 0,
	    0x80, 0x80, 0x80, 0x80, 0x08, 0xff, 1 };
	static const unsigned char badop[] = { 0x1e, 0, 1, 0xff, 1 };
	static const unsigned char flagop[] = { KMT_SPAWN | KMB_FLAG, 0, 1,
	    0xff, 1 };
	static const unsigned char pid0[] = { KMT_SPAWN, 0, 0, 0xff, 1 };
	static const unsigned char longvar[] = { KMT_SPAWN, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 0xff,
	    1 };
	/* Time 2^64 - 1, then 2 more. */
	static const unsigned char timewrap[] = { KMT_SPAWN, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1,
	    KMT_EXIT, 2, 1, 0xff, 2 };
	static const unsigned char longid[] = { KMT_SPAWN, 0, 1,
	    KMT_MAP, 0, 1, 64 };
	static const unsigned char blankid[] = { KMT_SPAWN, 0, 1,
	    KMT_MAP, 0, 1, 2, 'a', ' ', 1, 0xff, 2 };
	static const unsigned char npages0[] = { KMT_SPAWN, 0, 1,
	    KMT_MAP, 0, 1, 1, 'a', 0, 0xff, 2 };
	static const unsigned char badtype[] = { KMT_SPAWN, 0, 1,
	    KMT_KMALLOC, 0, 1, 1, 'a', 8, 3, 'M', '_', 'a', 0, 0xff, 2 };
	static const unsigned char badflags[] = { KMT_SPAWN, 0, 1,
	    KMT_KMALLOC, 0, 1, 1, 'a', 8, 3, 'M', '_', 'A', 8, 0xff, 2 };
	static const unsigned char child[] = { KMT_SPAWN, 0, 1,
	    KMT_FORK, 0, 1, 1, 0xff, 2 };

	bad_body(bigfd, sizeof(bigfd), ":2: event 2: number out of range");
	bad_body(bigpid, sizeof(bigpid), ":1: event 1: number out of range");
	bad_body(badop, sizeof(badop), "event 1: bad op byte 0x1e");
	bad_body(flagop, sizeof(flagop), "event 1: bad op byte 0x20");
	bad_body(pid0, sizeof(pid0), "PID 0 (the kernel) can only");
	bad_body(longvar, sizeof(longvar), "event 1: number out of range");
	bad_body(timewrap, sizeof(timewrap), "event 2: number out of range");
	bad_body(longid, sizeof(longid), "event 2: ID too long");
	bad_body(blankid, sizeof(blankid), "event 2: ID holds a blank");
	bad_body(npages0, sizeof(npages0), "event 2: number out of range");
	bad_body(badtype, sizeof(badtype), "event 2: bad malloc type 'M_a'");
	bad_body(badflags, sizeof(badflags), "event 2: number out of range");
	bad_body(child, sizeof(child), "event 2: CHILD is the same as PID");
}

/*
 * The reader checks a malloc type once for a run of the same type: a
 * type that differs from the good one before it in any byte, in the
 * first word or past it, or only in its length, is still checked.
 */
Test(binary, type_after_good_type)
{
	/* M_A, then M_a. */
	static const unsigned char short_[] = { KMT_KMALLOC, 0, 0, 1, 'a',
	    8, 3, 'M', '_', 'A', 0, KMT_KMALLOC, 0, 0, 1, 'b', 8, 3, 'M',
	    '_', 'a', 0, 0xff, 2 };
	/* M_ABCDEFG (nine bytes), then M_ABCDEFg. */
	static const unsigned char long_[] = { KMT_KMALLOC, 0, 0, 1, 'a',
	    8, 9, 'M', '_', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 0,
	    KMT_KMALLOC, 0, 0, 1, 'b', 8, 9, 'M', '_', 'A', 'B', 'C', 'D',
	    'E', 'F', 'g', 0, 0xff, 2 };
	/* M_AB, then M_A with 'B' behind it in the file. */
	static const unsigned char shorter[] = { KMT_KMALLOC, 0, 0, 1, 'a',
	    8, 4, 'M', '_', 'A', 'B', 0, KMT_KMALLOC, 0, 0, 1, 'b', 8, 2,
	    'M', '_', 'B', 0, 0xff, 2 };

	bad_body(short_, sizeof(short_), "event 2: bad malloc type 'M_a'");
	bad_body(long_, sizeof(long_),
	    "event 2: bad malloc type 'M_ABCDEFg'");
	bad_body(shorter, sizeof(shorter), "event 2: bad malloc type 'M_'");
}

Test(binary, writer)
{
	const char *bin = kmtest_tmppath(".kmb");
	struct kmt_writer *w;
	struct kmt_reader *r;
	struct kmt_event ev, got;
	char err[ERRSZ];

	w = kmt_wopen(bin, err, sizeof(err));
	cr_assert(w != NULL, "%s", err);
	cr_assert_eq(kmt_wheader(w, "source", "test"), 0);
	cr_assert_eq(kmt_wheader(w, "empty", ""), 0);
	memset(&ev, 0, sizeof(ev));
	ev.ke_time = 5;
	ev.ke_pid = 7;
	ev.ke_op = KMT_SPAWN;
	cr_assert_eq(kmt_wevent(w, &ev), 0);
	ev.ke_time = 1;
	cr_assert_neq(kmt_wevent(w, &ev), 0, "time went backwards");
	ev.ke_time = 9;
	ev.ke_op = KMT_TOUCH;
	strcpy(ev.ke_id, "heap");
	ev.ke_ranged = 1;
	ev.ke_off = 3;
	ev.ke_npages = 4;
	cr_assert_eq(kmt_wevent(w, &ev), 0);
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), 0, "%s", err);

	r = kmt_open(bin, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	cr_assert_str_eq(kmt_header(r, "source"), "test");
	cr_assert_str_eq(kmt_header(r, "empty"), "");
	cr_assert_eq(kmt_read(r, &got, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(got.ke_op, KMT_SPAWN);
	cr_assert_eq(got.ke_time, 5);
	cr_assert_eq(got.ke_line, 1);
	cr_assert_eq(kmt_read(r, &got, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(got.ke_no, 2);
	cr_assert_eq(got.ke_line, 2);
	cr_assert_eq(got.ke_time, 9);
	cr_assert_str_eq(got.ke_id, "heap");
	cr_assert_eq(got.ke_ranged, 1);
	cr_assert_eq(got.ke_off, 3);
	cr_assert_eq(got.ke_npages, 4);
	cr_assert_eq(kmt_read(r, &got, err, sizeof(err)), 0, "%s", err);
	kmt_close(r);
}

/*
 * The binary reader tests a token's bytes eight at a time, and a bad
 * byte past the token's end (here the map's NPAGES, 1) must not count.
 * Every token length from 1 to 40 (one to five words) and every
 * position in it, with a byte it must refuse (NUL, control, blank, DEL)
 * and with one it must take (the edges '!', '~', and 0x80, 0xff): one
 * wrong mask or borrow and a blank slips through or a good byte is
 * refused.  Twelve events follow the map, so that 64 bytes are left in
 * the buffer whatever the length (the word path), and the short trace
 * at the end of the loop has the byte path.
 */
Test(binary, token_bytes)
{
	static const unsigned char bad[] = { 0x00, 0x01, 0x1f, ' ', 0x7f };
	static const unsigned char good[] = { '!', '~', 0x80, 0xff };
	const char *path = kmtest_tmppath(".kmb");
	unsigned char buf[256], id[40];
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	size_t n, len, pos, k, i, tail;
	int rc, ok;
	FILE *f;

	for (tail = 0; tail < 2; tail++)
	for (len = 1; len <= 40; len++)
	for (pos = 0; pos < len; pos++)
	for (k = 0; k < sizeof(bad) + sizeof(good); k++) {
		ok = k >= sizeof(bad);
		for (i = 0; i < len; i++)
			id[i] = 'a' + (unsigned char)(i % 26);
		id[pos] = ok ? good[k - sizeof(bad)] : bad[k];
		n = (size_t)snprintf((char *)buf, sizeof(buf), "%s\n-\n",
		    KMB_MAGIC);
		buf[n++] = KMT_SPAWN; buf[n++] = 0; buf[n++] = 1;
		buf[n++] = KMT_MAP; buf[n++] = 0; buf[n++] = 1;
		buf[n++] = (unsigned char)len;
		memcpy(buf + n, id, len);
		n += len;
		buf[n++] = 1;
		for (i = 0; i < (tail ? 0 : 12); i++) {
			buf[n++] = KMT_TOUCH; buf[n++] = 0; buf[n++] = 1;
			buf[n++] = 1; buf[n++] = 'q';
		}
		buf[n++] = KMB_TRAILER;
		buf[n++] = (unsigned char)(tail ? 2 : 14);
		f = fopen(path, "wb");
		cr_assert(f != NULL);
		cr_assert_eq(fwrite(buf, 1, n, f), n);
		fclose(f);
		r = kmt_open(path, err, sizeof(err));
		cr_assert(r != NULL, "%s", err);
		cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
		rc = kmt_read(r, &ev, err, sizeof(err));
		if (!ok) {
			cr_assert_eq(rc, -1, "byte 0x%02x at %zu of %zu taken",
			    id[pos], pos, len);
			cr_assert(strstr(err, "event 2: ID holds a blank") !=
			    NULL, "%s", err);
		} else {
			cr_assert_eq(rc, 1, "byte 0x%02x at %zu of %zu: %s",
			    id[pos], pos, len, err);
			cr_assert_eq(strlen(ev.ke_id), len);
			cr_assert(memcmp(ev.ke_id, id, len) == 0);
			while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
				continue;
			cr_assert_eq(rc, 0, "%s", err);
		}
		kmt_close(r);
	}
}

/* V as a varint at P; its length. */
static size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/*
 * Every varint length, at the edges where one more byte is needed:
 * 2^(7k) - 1 takes k bytes, 2^(7k) takes k + 1.  Sysctl events of PID
 * 1 carry them as N (up to 2^31 - 1, five bytes) and as the time step
 * (up to ten bytes, the sum staying below 2^64).  The last event's
 * varints end 2 bytes before the buffer's end (trailer 0xff and a
 * one-byte count), so the reader also meets them where fewer than four
 * bytes are left.  Each event reads back its N and its running time.
 */
Test(binary, varint_lengths)
{
	static const uint64_t ns[] = { 0, 127, 128, 16383, 16384, 2097151,
	    2097152, 268435455, 268435456, 2147483647 };
	static const uint64_t dts[] = { 0, 127, 128, 16383, 16384, 2097151,
	    2097152, 268435455, 268435456, 34359738367ULL, 34359738368ULL,
	    (1ULL << 49), (1ULL << 56), (1ULL << 63) };
	unsigned char buf[1024];
	struct kmt_reader *r;
	struct kmt_event ev;
	const char *path;
	char err[ERRSZ];
	uint64_t t = 0, want_t[32];
	size_t n, i, nev = 0;

	n = (size_t)snprintf((char *)buf, sizeof(buf), "%s\n-\n", KMB_MAGIC);
	for (i = 0; i < sizeof(dts) / sizeof(dts[0]); i++) {
		buf[n++] = KMT_SYSCTL;
		n += put_varint(buf + n, dts[i]);
		buf[n++] = 1;
		n += put_varint(buf + n, ns[i % 10]);
		want_t[nev++] = t += dts[i];
	}
	buf[n++] = KMB_TRAILER;
	n += put_varint(buf + n, nev);
	path = spew(".kmb", buf, n);
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	for (i = 0; i < nev; i++) {
		cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
		cr_expect_eq(ev.ke_op, KMT_SYSCTL);
		cr_expect_eq(ev.ke_pid, 1);
		cr_expect_eq(ev.ke_n, ns[i % 10], "event %zu", i + 1);
		cr_expect_eq(ev.ke_time, want_t[i], "event %zu", i + 1);
	}
	cr_expect_eq(kmt_read(r, &ev, err, sizeof(err)), 0, "%s", err);
	kmt_close(r);
}
