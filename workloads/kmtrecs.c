/*
 * kmtrecs.c: a binary trace's events kept as fixed-size records as
 * they are first read (kmtrecs.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kmtrecs.h"

/*
 * One event.  Every argument of every op fits 32 bits (KMT_INT_MAX,
 * KMT_NPAGES_MAX, KMT_SIZE_MAX), three at most, by op:
 *	fork: x child; sysctl, limit: z N; open, close: x FD;
 *	dup: x FD, y OLD; map, grow: z NPAGES; touch, unmap (ranged):
 *	y OFF, z NPAGES; kmalloc: z SIZE, y FLAGS.
 * An ID, and a kmalloc's type after it, lie in rs_tok at kr_tok, each
 * with its NUL.
 */
struct kmt_rec {
	uint64_t	kr_time;
	uint32_t	kr_pid;
	uint32_t	kr_x, kr_y, kr_z;
	uint32_t	kr_tok;
	uint8_t		kr_op;
	uint8_t		kr_flags;	/* KR_CLOEXEC, KR_RANGED */
	uint8_t		kr_idlen, kr_typelen;
};
_Static_assert(sizeof(struct kmt_rec) == 32, "a record is 32 bytes");

#define KR_CLOEXEC	0x01
#define KR_RANGED	0x02

struct kmt_recs {
	struct kmt_rec	*rs_rec;	/* reserved: rs_recmax of them */
	size_t		 rs_n, rs_recmax;
	char		*rs_tok;	/* reserved: rs_tokmax bytes */
	size_t		 rs_toklen, rs_tokmax;
	struct kmt_reader *rs_tail;	/* the image's, after the last record */
	int		 rs_image;	/* there is an image */
	int		 rs_over;	/* its events outgrew the room */
	int		 rs_whole;	/* every event is recorded */
	size_t		 rs_next;	/* the open reader's next record */
};

/* LEN bytes of address space; host pages come as they are written. */
static void *
reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Huge pages where the host allows them: tens of MiB written. */
	(void)madvise(p, len, MADV_HUGEPAGE);
	return p;
}

struct kmt_recs *
kmt_recs_new(size_t max)
{
	struct kmt_recs *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return NULL;
	/* Half for the tokens, found by a 32-bit offset. */
	rs->rs_tokmax = max / 2 < UINT32_MAX ? max / 2 : UINT32_MAX;
	rs->rs_recmax = (max - rs->rs_tokmax) / sizeof(struct kmt_rec);
	if ((rs->rs_rec = reserve(rs->rs_recmax * sizeof(struct kmt_rec))) ==
	    NULL || (rs->rs_tok = reserve(rs->rs_tokmax)) == NULL) {
		kmt_recs_free(rs);
		return NULL;
	}
	return rs;
}

/* EV as a record (and its tokens) at the end of RS; 0, or -1: no room. */
static int
rec_add(struct kmt_recs *rs, const struct kmt_event *ev)
{
	size_t len = (ev->ke_idlen ? ev->ke_idlen + 1U : 0) +
	    (ev->ke_typelen ? ev->ke_typelen + 1U : 0);
	struct kmt_rec *kr;

	if (rs->rs_n == rs->rs_recmax || rs->rs_toklen + len > rs->rs_tokmax)
		return -1;
	kr = &rs->rs_rec[rs->rs_n++];
	memset(kr, 0, sizeof(*kr));
	kr->kr_time = ev->ke_time;
	kr->kr_pid = ev->ke_pid;
	kr->kr_op = (uint8_t)ev->ke_op;
	kr->kr_flags = (ev->ke_cloexec ? KR_CLOEXEC : 0) |
	    (ev->ke_ranged ? KR_RANGED : 0);
	switch (ev->ke_op) {
	case KMT_FORK:
		kr->kr_x = ev->ke_child;
		break;
	case KMT_SYSCTL:
	case KMT_LIMIT:
	case KMT_MAP:
	case KMT_GROW:
		kr->kr_z = (uint32_t)ev->ke_n;
		break;
	case KMT_DUP:
		kr->kr_y = ev->ke_oldfd;
		/* FALLTHROUGH */
	case KMT_OPEN:
	case KMT_CLOSE:
		kr->kr_x = ev->ke_fd;
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		kr->kr_y = (uint32_t)ev->ke_off;
		kr->kr_z = (uint32_t)ev->ke_npages;
		break;
	case KMT_KMALLOC:
		kr->kr_y = (uint32_t)ev->ke_mflags;
		kr->kr_z = (uint32_t)ev->ke_n;
		break;
	default:
		break;
	}
	kr->kr_tok = (uint32_t)rs->rs_toklen;
	kr->kr_idlen = ev->ke_idlen;
	kr->kr_typelen = ev->ke_typelen;
	if (ev->ke_idlen) {
		memcpy(rs->rs_tok + rs->rs_toklen, ev->ke_id,
		    ev->ke_idlen + 1U);
		rs->rs_toklen += ev->ke_idlen + 1U;
	}
	if (ev->ke_typelen) {
		memcpy(rs->rs_tok + rs->rs_toklen, ev->ke_type,
		    ev->ke_typelen + 1U);
		rs->rs_toklen += ev->ke_typelen + 1U;
	}
	return 0;
}

void
kmt_recs_end(struct kmt_recs *rs)
{

	if (rs->rs_tail != NULL)
		kmt_close(rs->rs_tail);
	rs->rs_tail = NULL;
	rs->rs_n = rs->rs_toklen = rs->rs_next = 0;
	rs->rs_image = rs->rs_over = rs->rs_whole = 0;
}

int
kmt_recs_begin(struct kmt_recs *rs, const struct kmt_image *im)
{
	char err[512];

	kmt_recs_end(rs);
	if ((rs->rs_tail = kmt_open_image(im, err, sizeof(err))) == NULL)
		return -1;
	if (!kmt_isbinary(rs->rs_tail)) {
		kmt_recs_end(rs);
		return -1;
	}
	rs->rs_image = 1;
	return 0;
}

/* KR, a record, into EV. */
static void
rec_event(const struct kmt_recs *rs, const struct kmt_rec *kr,
    struct kmt_event *ev)
{
	const char *tok = rs->rs_tok + kr->kr_tok;

	ev->ke_time = kr->kr_time;
	ev->ke_pid = kr->kr_pid;
	ev->ke_op = (enum kmt_op)kr->kr_op;
	kmt_clear_args(ev);
	switch (ev->ke_op) {
	case KMT_FORK:
		ev->ke_child = kr->kr_x;
		break;
	case KMT_SYSCTL:
	case KMT_LIMIT:
	case KMT_MAP:
	case KMT_GROW:
		ev->ke_n = kr->kr_z;
		break;
	case KMT_DUP:
		ev->ke_oldfd = kr->kr_y;
		/* FALLTHROUGH */
	case KMT_OPEN:
		ev->ke_cloexec = (kr->kr_flags & KR_CLOEXEC) != 0;
		/* FALLTHROUGH */
	case KMT_CLOSE:
		ev->ke_fd = kr->kr_x;
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		if (kr->kr_flags & KR_RANGED) {
			ev->ke_ranged = 1;
			ev->ke_off = kr->kr_y;
			ev->ke_npages = kr->kr_z;
		}
		break;
	case KMT_KMALLOC:
		ev->ke_n = kr->kr_z;
		ev->ke_mflags = (int)kr->kr_y;
		break;
	default:
		break;
	}
	if (kr->kr_idlen) {
		memcpy(ev->ke_id, tok, kr->kr_idlen + 1U);
		ev->ke_idlen = kr->kr_idlen;
		tok += kr->kr_idlen + 1U;
	}
	if (kr->kr_typelen) {
		memcpy(ev->ke_type, tok, kr->kr_typelen + 1U);
		ev->ke_typelen = kr->kr_typelen;
	}
}

/*
 * The open reader's next event (kmt_next_fn): a record, or past them
 * the image's next, recorded while there is room.
 */
static int
rec_next(void *arg, struct kmt_event *ev, char *err, size_t errlen)
{
	struct kmt_recs *rs = arg;
	int rc;

	if (rs->rs_next < rs->rs_n) {
		rec_event(rs, &rs->rs_rec[rs->rs_next++], ev);
		return 1;
	}
	if (rs->rs_tail == NULL)
		return 0;
	rc = kmt_read(rs->rs_tail, ev, err, errlen);
	if (rc == 1 && !rs->rs_over) {
		if (rec_add(rs, ev) == 0)
			rs->rs_next++;
		else
			rs->rs_over = 1;
	} else if (rc == 0) {
		kmt_close(rs->rs_tail);
		rs->rs_tail = NULL;
		rs->rs_whole = !rs->rs_over;
	}
	return rc;
}

struct kmt_reader *
kmt_recs_open(struct kmt_recs *rs, const char *name, char *err,
    size_t errlen)
{

	if (!rs->rs_image || rs->rs_over) {
		snprintf(err, errlen, "%s: %s", name, !rs->rs_image ?
		    "no image to read" : "too many events to keep");
		return NULL;
	}
	rs->rs_next = 0;
	return kmt_open_fn(name, rec_next, rs, err, errlen);
}

size_t
kmt_recs_count(const struct kmt_recs *rs)
{

	return rs->rs_n;
}

int
kmt_recs_whole(const struct kmt_recs *rs)
{

	return rs->rs_whole;
}

void
kmt_recs_free(struct kmt_recs *rs)
{

	if (rs == NULL)
		return;
	kmt_recs_end(rs);
	if (rs->rs_rec != NULL)
		munmap(rs->rs_rec, rs->rs_recmax * sizeof(struct kmt_rec));
	if (rs->rs_tok != NULL)
		munmap(rs->rs_tok, rs->rs_tokmax);
	free(rs);
}
