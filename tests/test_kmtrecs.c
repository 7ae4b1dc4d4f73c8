/*
 * test_kmtrecs.c: Criterion tests of a binary trace's events kept as
 * records (workloads/kmtrecs.h): that a reader of the records gives
 * every field of every event, its end and its errors as the image's
 * reader does, whether the records were whole, partly made by a reader
 * that stopped early, or not made at all; that only a binary image is
 * kept; and that the records of the next image hold its events only.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../workloads/kmtrace.h"
#include "../workloads/kmtrecs.h"
#include "kmtest.h"

#define ERRSZ	1024

TestSuite(kmtrecs, .fini = kmtest_tmpclean);

/*
 * Every op, and each with every argument form: cloexec and not, a
 * whole and a ranged touch and unmap, a process's kmalloc and the
 * kernel's (PID 0) with flags joined by ",".  22 events.
 */
static const char every_op[] =
    "kmtrace 2\n"
    "@ source hand\n"
    "0 0 kmalloc irq.1 600 M_MBUF NOWAIT\n"
    "1 7 spawn\n"
    "2 7 sysctl maxfiles 4000\n"
    "3 7 limit nofile 300\n"
    "4 7 open 3\n"
    "5 7 open 4 cloexec\n"
    "6 7 dup 3 9\n"
    "7 7 dup 4 200 cloexec\n"
    "8 7 map heap 16\n"
    "9 7 touch heap\n"
    "10 7 touch heap 3 5\n"
    "11 7 grow heap 64\n"
    "12 7 fork 8\n"
    "13 8 kmalloc a-very-long-identifier-of-forty-one-bytes 4096 M_TEMP WAITOK,ZERO\n"
    "14 8 kfree a-very-long-identifier-of-forty-one-bytes\n"
    "15 8 unmap heap 60 4\n"
    "16 8 unmap heap\n"
    "17 8 exec\n"
    "18 8 close 3\n"
    "19 8 exit\n"
    "20 0 kfree irq.1\n"
    "21 7 exit\n"
    "# end 22 events\n";

/* PATH converted to the binary form, in a new temporary file. */
static const char *
binary(const char *path)
{
	const char *out = kmtest_tmppath(".kmb");
	char args[1024], *o, *e;

	snprintf(args, sizeof(args), "convert %s %s", path, out);
	cr_assert_eq(kmtest_cmd(args, &o, &e), 0, "%s", e);
	free(o);
	free(e);
	return out;
}

static struct kmt_image *
image(const char *path)
{
	struct kmt_image *im;
	struct stat st;
	char err[ERRSZ];

	im = kmt_image_load(path, (size_t)64 << 20, NULL, NULL, &st, err,
	    sizeof(err));
	cr_assert(im != NULL, "%s", err);
	return im;
}

/*
 * IM's events through its image reader and through RS's reader side
 * by side, RS's stopped after STOP events (0: never) and read again
 * from the start: every field the same, ID and type lengths too, and
 * the same end: 0, or -1 with the same message in *MSG.  The count.
 */
static uint64_t
expect_recs_read_as_image(struct kmt_image *im, struct kmt_recs *rs,
    uint64_t stop, char *msg, size_t msglen)
{
	struct kmt_reader *ri, *rr;
	struct kmt_event ei, er;
	char ierr[ERRSZ], rerr[ERRSZ];
	uint64_t n = 0;
	int ni, nr;

	if (stop > 0) {
		rr = kmt_recs_open(rs, "recs", rerr, sizeof(rerr));
		cr_assert(rr != NULL, "%s", rerr);
		while (n < stop && kmt_read(rr, &er, rerr, sizeof(rerr)) == 1)
			n++;
		cr_assert_eq(n, stop);
		kmt_close(rr);
		n = 0;
	}
	ri = kmt_open_image(im, ierr, sizeof(ierr));
	cr_assert(ri != NULL, "%s", ierr);
	rr = kmt_recs_open(rs, "recs", rerr, sizeof(rerr));
	cr_assert(rr != NULL, "%s", rerr);
	cr_assert_eq(kmt_isbinary(rr), 1);
	for (;;) {
		/* Garbage in the reused event must not show through. */
		memset(&er, 0x5a, sizeof(er));
		ni = kmt_read(ri, &ei, ierr, sizeof(ierr));
		nr = kmt_read(rr, &er, rerr, sizeof(rerr));
		cr_assert_eq(ni, nr, "after %" PRIu64 " events: image %d "
		    "(%s), records %d (%s)", n, ni, ierr, nr, rerr);
		if (ni != 1)
			break;
		kmtest_same_event(&ei, &er, 1);
		cr_assert_eq(er.ke_idlen, ei.ke_idlen, "event %" PRIu64, n + 1);
		cr_assert_eq(er.ke_typelen, ei.ke_typelen, "event %" PRIu64,
		    n + 1);
		n++;
	}
	msg[0] = '\0';
	if (ni < 0) {
		cr_assert_str_eq(rerr, ierr);
		snprintf(msg, msglen, "%s", ierr);
	}
	kmt_close(ri);
	kmt_close(rr);
	return n;
}

static const char *
nginx(void)
{
	static char src[512];

	snprintf(src, sizeof(src), "%s/workloads/traces/nginx-c10k.kmt.zst",
	    kmtest_src());
	return binary(src);
}

/*
 * The hand trace's 22 events, and the shipped nginx recording's, read
 * from records as from the image: by a first reader that records them
 * all, by one that finds them all recorded, and after a reader that
 * stopped at event 7 (the next one reads 7 records, then the image from
 * event 8).
 */
Test(kmtrecs, records_read_as_the_image)
{
	char hand[512], msg[ERRSZ];
	struct kmt_recs *rs = kmt_recs_new((size_t)64 << 20);
	struct kmt_image *im;
	uint64_t n;

	cr_assert(rs != NULL);
	kmtest_write(hand, sizeof(hand), ".kmt", every_op);
	im = image(binary(hand));
	cr_assert_eq(kmt_recs_begin(rs, im), 0);
	cr_expect_eq(expect_recs_read_as_image(im, rs, 0, msg, sizeof(msg)),
	    22);
	cr_expect_eq(kmt_recs_count(rs), 22);
	cr_expect(kmt_recs_whole(rs));
	cr_expect_eq(expect_recs_read_as_image(im, rs, 0, msg, sizeof(msg)),
	    22);
	cr_assert_eq(kmt_recs_begin(rs, im), 0);
	cr_expect_eq(expect_recs_read_as_image(im, rs, 7, msg, sizeof(msg)),
	    22);
	cr_expect(kmt_recs_whole(rs));
	kmt_recs_end(rs);
	kmt_image_free(im);

	im = image(nginx());
	cr_assert_eq(kmt_recs_begin(rs, im), 0);
	n = expect_recs_read_as_image(im, rs, 1000, msg, sizeof(msg));
	cr_expect_gt(n, 1000, "%" PRIu64 " events", n);
	cr_expect_eq(kmt_recs_count(rs), n);
	cr_expect_eq(expect_recs_read_as_image(im, rs, 0, msg, sizeof(msg)),
	    n);
	kmt_recs_end(rs);
	kmt_image_free(im);
	kmt_recs_free(rs);
}

/*
 * Begun on the next image, the records hold its events only: the hand
 * trace's 22 after nginx's thousands.
 */
Test(kmtrecs, next_image_holds_its_events)
{
	char hand[512], msg[ERRSZ];
	struct kmt_recs *rs = kmt_recs_new((size_t)64 << 20);
	struct kmt_image *big, *small;

	cr_assert(rs != NULL);
	big = image(nginx());
	kmtest_write(hand, sizeof(hand), ".kmt", every_op);
	small = image(binary(hand));
	cr_assert_eq(kmt_recs_begin(rs, big), 0);
	cr_assert_gt(expect_recs_read_as_image(big, rs, 0, msg, sizeof(msg)),
	    22);
	cr_assert_eq(kmt_recs_begin(rs, small), 0);
	cr_expect_eq(kmt_recs_count(rs), 0);
	cr_expect_eq(expect_recs_read_as_image(small, rs, 0, msg,
	    sizeof(msg)), 22);
	cr_expect_eq(kmt_recs_count(rs), 22);
	kmt_recs_end(rs);
	kmt_image_free(big);
	kmt_image_free(small);
	kmt_recs_free(rs);
}

/*
 * The text form is not kept (the caller reads its image), and nothing
 * opens without an image.  Records that outgrow their room: 1 KiB
 * holds 512 bytes of records, 16 events, so a reader gives all 22
 * events (the rest from the image) but no reader opens after it.
 */
Test(kmtrecs, text_and_overflow)
{
	char hand[512], msg[ERRSZ], err[ERRSZ];
	struct kmt_recs *rs = kmt_recs_new((size_t)64 << 20), *small;
	struct kmt_image *im;

	cr_assert(rs != NULL);
	kmtest_write(hand, sizeof(hand), ".kmt", every_op);
	im = image(hand);
	cr_expect_eq(kmt_recs_begin(rs, im), -1);
	cr_expect(kmt_recs_open(rs, "recs", err, sizeof(err)) == NULL);
	cr_expect(strstr(err, "no image") != NULL, "%s", err);
	kmt_image_free(im);
	kmt_recs_free(rs);

	small = kmt_recs_new(1024);
	cr_assert(small != NULL);
	im = image(binary(hand));
	cr_assert_eq(kmt_recs_begin(small, im), 0);
	cr_expect_eq(expect_recs_read_as_image(im, small, 0, msg,
	    sizeof(msg)), 22);
	cr_expect_eq(kmt_recs_count(small), 16);
	cr_expect(!kmt_recs_whole(small));
	cr_expect(kmt_recs_open(small, "recs", err, sizeof(err)) == NULL);
	kmt_recs_end(small);
	kmt_image_free(im);
	kmt_recs_free(small);
}

/*
 * A binary trace whose event 5 has an op byte no op has: the image's
 * reader fails there, and so does every reader of the records, with
 * its message, after the 4 events before it (recorded by the first).
 */
Test(kmtrecs, error_met_by_every_reader)
{
	char hand[512], msg[ERRSZ], msg2[ERRSZ];
	struct kmt_recs *rs = kmt_recs_new((size_t)64 << 20);
	struct kmt_image *im;
	const char *bin;
	unsigned char *buf;
	FILE *f;
	size_t len, i, op;

	cr_assert(rs != NULL);
	kmtest_write(hand, sizeof(hand), ".kmt", every_op);
	bin = binary(hand);
	/*
	 * Event 5, "4 7 open 3", is the bytes 6 1 7 3 (kmtbin.h: KMT_OPEN,
	 * DTIME 1, PID 7, FD 3), the first 6 1 7 3 of the file: the events
	 * before it begin 13 0 0, 0 1 7, 4 1 7 and 5 1 7.
	 */
	f = fopen(bin, "rb");
	cr_assert(f != NULL);
	buf = malloc(1 << 16);
	cr_assert(buf != NULL);
	len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	for (op = 0, i = 0; i + 3 < len; i++)
		if (buf[i] == KMT_OPEN && buf[i + 1] == 1 && buf[i + 2] == 7 &&
		    buf[i + 3] == 3) {
			op = i;
			break;
		}
	cr_assert_gt(op, 0, "the open's record not found");
	buf[op] = 0x1f;		/* no op has it */
	f = fopen(bin, "wb");
	cr_assert(f != NULL);
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	free(buf);
	im = image(bin);
	cr_assert_eq(kmt_recs_begin(rs, im), 0);
	cr_expect_eq(expect_recs_read_as_image(im, rs, 0, msg, sizeof(msg)),
	    4);
	cr_expect(strstr(msg, "event 5") != NULL, "%s", msg);
	cr_expect_eq(kmt_recs_count(rs), 4);
	cr_expect(!kmt_recs_whole(rs));
	cr_expect_eq(expect_recs_read_as_image(im, rs, 0, msg2, sizeof(msg2)),
	    4);
	cr_expect_str_eq(msg2, msg);
	kmt_recs_end(rs);
	kmt_image_free(im);
	kmt_recs_free(rs);
}
