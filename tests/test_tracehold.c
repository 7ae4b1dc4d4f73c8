/*
 * test_tracehold.c: Criterion tests of a trace held in memory: that a
 * kmt_image reads exactly as its file does (events, headers, warnings
 * and errors), and that tracehold.c gives the digest of the file a
 * replay read, follows a file rewritten or replaced, and leaves a trace
 * it cannot hold to the file reader.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../db/sha256.h"
#include "../runner/tracehold.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

#define ERRSZ	1024

static void
cleanup(void)
{

	kmtest_tmpclean();
	tracehold_disable();
}

TestSuite(tracehold, .fini = cleanup);

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f != NULL, "%s", path);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

/*
 * Read PATH through its file and through its image side by side:
 * the same headers, warning, events, end and message.  Returns the
 * number of events; *MSG gets the message of the error that ended
 * both, or "" at a clean end.
 */
static uint64_t
expect_image_reads_as_file(const char *path, char *msg, size_t msglen)
{
	struct kmt_reader *rf, *ri;
	struct kmt_image *im;
	struct kmt_event ef, ei;
	struct stat st, st2;
	char ferr[ERRSZ], ierr[ERRSZ];
	const char *wf, *wi;
	uint64_t n = 0;
	int i, nf, ni;

	im = kmt_image_load(path, (size_t)64 << 20, NULL, NULL, &st, ierr,
	    sizeof(ierr));
	cr_assert(im != NULL, "%s", ierr);
	cr_assert_eq(stat(path, &st2), 0);
	cr_assert_eq(st.st_ino, st2.st_ino, "fstat of another file");
	rf = kmt_open(path, ferr, sizeof(ferr));
	ri = kmt_open_image(im, ierr, sizeof(ierr));
	cr_assert_eq(rf == NULL, ri == NULL, "%s: file: %s; image: %s", path,
	    rf == NULL ? ferr : "opens", ri == NULL ? ierr : "opens");
	if (rf == NULL) {
		cr_assert_str_eq(ierr, ferr);
		snprintf(msg, msglen, "%s", ferr);
		kmt_image_free(im);
		return 0;
	}
	cr_assert_eq(kmt_isbinary(ri), kmt_isbinary(rf));
	cr_assert_eq(kmt_version(ri), kmt_version(rf));
	cr_assert_str_eq(kmt_path(ri), kmt_path(rf));
	cr_assert_eq(kmt_nheaders(ri), kmt_nheaders(rf));
	for (i = 0; i < kmt_nheaders(rf); i++)
		cr_assert_str_eq(kmt_header(ri, kmt_header_key(rf, i)),
		    kmt_header(rf, kmt_header_key(rf, i)));
	wf = kmt_warning(rf);
	wi = kmt_warning(ri);
	cr_assert_eq(wf == NULL, wi == NULL);
	if (wf != NULL)
		cr_assert_str_eq(wi, wf);
	for (;;) {
		nf = kmt_read(rf, &ef, ferr, sizeof(ferr));
		ni = kmt_read(ri, &ei, ierr, sizeof(ierr));
		cr_assert_eq(ni, nf, "%s: after %" PRIu64 " events: file %d "
		    "(%s), image %d (%s)", path, n, nf, ferr, ni, ierr);
		if (nf != 1)
			break;
		kmtest_same_event(&ef, &ei, 1);
		n++;
	}
	msg[0] = '\0';
	if (nf < 0) {
		cr_assert_str_eq(ierr, ferr);
		snprintf(msg, msglen, "%s", ferr);
	}
	kmt_close(rf);
	kmt_close(ri);
	kmt_image_free(im);
	return n;
}

static int
convert(const char *in, const char *out)
{
	char args[1024], *o, *e;
	int rc;

	snprintf(args, sizeof(args), "convert %s %s", in, out);
	rc = kmtest_cmd(args, &o, &e);
	free(o);
	free(e);
	return rc;
}

/*
 * The shipped recording of nginx (text, zstd) and its conversions to
 * binary, zstd and plain: every event the same through the image.
 */
Test(tracehold, image_reads_as_the_file)
{
	char src[512], msg[ERRSZ];
	const char *kmbz = kmtest_tmppath(".kmb.zst");
	const char *kmb = kmtest_tmppath(".kmb");
	uint64_t n;

	snprintf(src, sizeof(src), "%s/workloads/traces/nginx-c10k.kmt.zst",
	    kmtest_src());
	n = expect_image_reads_as_file(src, msg, sizeof(msg));
	cr_assert_gt(n, 1000);
	cr_assert_str_eq(msg, "");
	cr_assert_eq(convert(src, kmbz), 0);
	cr_assert_eq(convert(src, kmb), 0);
	cr_assert_eq(expect_image_reads_as_file(kmbz, msg, sizeof(msg)), n);
	cr_assert_str_eq(msg, "");
	cr_assert_eq(expect_image_reads_as_file(kmb, msg, sizeof(msg)), n);
	cr_assert_str_eq(msg, "");
}

/*
 * Bad traces fail the same way through the image, with the file's
 * message: a malformed event (line 5, the third event), a binary trace
 * cut short (its trailer's two bytes gone: "no trailer after" its 3
 * events), a version-1 trace (its warning) and a file that is no trace.
 */
Test(tracehold, image_fails_as_the_file)
{
	const char *bad = kmtest_tmppath(".kmt"), *v1 = kmtest_tmppath(".kmt");
	const char *cut = kmtest_tmppath(".kmb"), *not = kmtest_tmppath(".kmt");
	char msg[ERRSZ];
	struct stat st;

	put(bad, "kmtrace 2\n@ source test\n0 1 spawn\n1 1 open 3\n"
	    "2 1 dup 3 x\n# end 3 events\n");
	cr_assert_eq(expect_image_reads_as_file(bad, msg, sizeof(msg)), 2);
	cr_assert(strstr(msg, ":5: event 3: ") != NULL, "%s", msg);

	put(v1, "kmtrace 1\n0 1 spawn\n1 1 open 3\n");
	cr_assert_eq(expect_image_reads_as_file(v1, msg, sizeof(msg)), 2);
	cr_assert_str_eq(msg, "");

	put(not, "hello\n");
	cr_assert_eq(expect_image_reads_as_file(not, msg, sizeof(msg)), 0);
	cr_assert(strstr(msg, "not a kmtrace file") != NULL, "%s", msg);

	/* The trailer of 3 events is KMB_TRAILER and the varint 3. */
	put(bad, "kmtrace 2\n0 1 spawn\n1 1 open 3\n2 1 close 3\n"
	    "# end 3 events\n");
	cr_assert_eq(convert(bad, cut), 0);
	cr_assert_eq(stat(cut, &st), 0);
	cr_assert_eq(truncate(cut, st.st_size - 2), 0);
	cr_assert_eq(expect_image_reads_as_file(cut, msg, sizeof(msg)), 3);
	cr_assert(strstr(msg, "no trailer after 3 events") != NULL, "%s",
	    msg);
}

/* A corrupt compressed file is not held: the message names it. */
Test(tracehold, corrupt_file_is_not_an_image)
{
	const char *z = kmtest_tmppath(".kmt.zst");
	char err[ERRSZ];
	struct stat st;
	/* The zstd magic, then a frame header no decoder takes. */
	static const char junk[] = "\x28\xb5\x2f\xfd\xff\xff\xff\xff\xff\xff";
	FILE *f = fopen(z, "w");

	cr_assert(f != NULL);
	cr_assert_eq(fwrite(junk, 1, sizeof(junk) - 1, f), sizeof(junk) - 1);
	cr_assert_eq(fclose(f), 0);
	cr_assert(kmt_image_load(z, 1 << 20, NULL, NULL, &st, err,
	    sizeof(err)) == NULL);
	cr_assert(strncmp(err, z, strlen(z)) == 0, "%s", err);
	cr_assert(strstr(err, "zstd") != NULL, "%s", err);
	tracehold_enable(1 << 20);
	cr_assert(tracehold_open(z, NULL) == NULL);
}

/* The events of a reader, to its end; asserts it ends cleanly. */
static int
count_events(struct kmt_reader *r)
{
	struct kmt_event ev;
	char err[ERRSZ];
	int n = 0, rc;

	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		n++;
	cr_assert_eq(rc, 0, "%s", err);
	kmt_close(r);
	return n;
}

/*
 * The held digest is the file's, and a file rewritten in place (same
 * inode, same size, new bytes) or replaced by a rename is read again:
 * its events and digest are the new file's.
 */
Test(tracehold, digest_follows_the_file)
{
	const char *t = kmtest_tmppath(".kmt"), *u = kmtest_tmppath(".kmt");
	char want[65], got[65];
	struct kmt_reader *r;

	put(t, "kmtrace 2\n0 1 spawn\n1 1 open 3\n# end 2 events\n");
	tracehold_enable(1 << 20);
	cr_assert_eq(sha256_file(t, want), 0);
	r = tracehold_open(t, got);
	cr_assert(r != NULL);
	cr_assert_str_eq(got, want);
	cr_assert_eq(count_events(r), 2);
	/* Held: the same digest again, without asking for one too. */
	r = tracehold_open(t, got);
	cr_assert(r != NULL);
	cr_assert_str_eq(got, want);
	cr_assert_eq(count_events(tracehold_open(t, NULL)), 2);
	kmt_close(r);

	/* In place, the same length: "open 3" becomes "open 4". */
	put(t, "kmtrace 2\n0 1 spawn\n1 1 open 4\n# end 2 events\n");
	cr_assert_eq(sha256_file(t, want), 0);
	r = tracehold_open(t, got);
	cr_assert(r != NULL);
	cr_assert_str_eq(got, want);
	cr_assert_eq(count_events(r), 2);

	/* Renamed over: three events now. */
	put(u, "kmtrace 2\n0 1 spawn\n1 1 open 3\n2 1 close 3\n"
	    "# end 3 events\n");
	cr_assert_eq(sha256_file(u, want), 0);
	cr_assert_eq(rename(u, t), 0);
	r = tracehold_open(t, got);
	cr_assert(r != NULL);
	cr_assert_str_eq(got, want);
	cr_assert_eq(count_events(r), 3);
}

/*
 * A trace of more text than holding allows is left to the file reader,
 * and so is every trace with holding off: the replay reads it from its
 * file and gives the same case as one held.  The trace is a spawn, a
 * limit, the opens of descriptors 3 to 40 and an exit: 41 events, in
 * more than 64 bytes of text.
 */
Test(tracehold, too_big_is_read_from_the_file)
{
	char path[256];
	struct kmcase held, big;

	kmtest_write_opens(path, sizeof(path), 40, 64);
	tracehold_enable(1 << 20);
	kmcase_runfile(&held, "panic-only", "i386-64M", NULL, path);
	cr_assert_eq(held.rc, 0, "%s", held.err);
	tracehold_disable();
	tracehold_enable(64);
	cr_assert(tracehold_open(path, NULL) == NULL);
	kmcase_runfile(&big, "panic-only", "i386-64M", NULL, path);
	cr_assert_eq(big.rc, 0, "%s", big.err);
	cr_assert_eq(big.r.r_events, held.r.r_events);
	cr_assert_eq(big.r.r_events, 41);
	kmcase_free(&held);
	kmcase_free(&big);
	unlink(path);
}
