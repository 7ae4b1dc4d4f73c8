/*
 * gen_scale.c: K copies of one trace at once (gen_scale.h).  A first
 * pass finds the trace's PIDs and copies it in the plain binary form;
 * then one reader per copy streams that and a tournament of the
 * copies' next events merges them by time, so memory holds K readers
 * and the PID table, never the trace (unless the caller asks for the
 * trace to be held, decoded or as the copy's text, for a search that
 * starts many times).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gen_scale.h"
#include "kmtrace.h"

#define ERRSZ	1024

struct scopy {
	struct kmt_reader *c_r;
	struct kmt_event c_ev;		/* its next event, renamed */
	uint32_t	 c_i;		/* copy number */
	size_t		 c_pos;		/* its next in s_ev, when held */
};

struct scale {
	uint32_t	*s_pids;	/* sorted, distinct, > 0 */
	size_t		 s_npids, s_cap;
	const char	*s_in;		/* TRACE, for messages */
	char		 s_dir[256];	/* the binary copy's directory */
	char		 s_copy[300];	/* the binary copy */
	struct kmt_event *s_ev;		/* the events held, decoded, or NULL */
	size_t		 s_nev, s_evcap, s_evmax;
	struct kmt_image *s_im;		/* else the copy held, or NULL */
	uint32_t	 s_k;		/* copies started; 0: none */
	uint64_t	 s_stagger;
	struct scopy	*s_copies;
	uint32_t	*s_loser;	/* [1, K): the loser at each node */
	unsigned __int128 *s_keys;	/* each copy's copy_key() */
	uint32_t	 s_win;		/* the copy whose event is next */
	uint32_t	 s_last;	/* the copy of the last event given */
};

static void pid_uniq(struct scale *);

/*
 * PID into the table (not yet distinct).  A full table is made
 * distinct, and doubled unless that freed half of it, so that a sort
 * comes at most every cap / 2 PIDs.
 */
static int
pid_add(struct scale *s, uint32_t pid)
{
	uint32_t *n;

	if (pid == 0 || (s->s_npids > 0 && s->s_pids[s->s_npids - 1] == pid))
		return 0;
	if (s->s_npids == s->s_cap) {
		if (s->s_npids > 0)
			pid_uniq(s);
		if (s->s_cap == 0 || s->s_npids > s->s_cap / 2) {
			s->s_cap = s->s_cap ? 2 * s->s_cap : 256;
			if ((n = realloc(s->s_pids, s->s_cap * sizeof(*n))) ==
			    NULL)
				return -1;
			s->s_pids = n;
		}
	}
	s->s_pids[s->s_npids++] = pid;
	return 0;
}

static int
pid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and make distinct. */
static void
pid_uniq(struct scale *s)
{
	size_t i, n = 0;

	qsort(s->s_pids, s->s_npids, sizeof(*s->s_pids), pid_cmp);
	for (i = 0; i < s->s_npids; i++)
		if (n == 0 || s->s_pids[n - 1] != s->s_pids[i])
			s->s_pids[n++] = s->s_pids[i];
	s->s_npids = n;
}

static uint32_t
pid_rank(const struct scale *s, uint32_t pid)
{
	size_t lo = 0, hi = s->s_npids, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s->s_pids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/*
 * EV into the events held, as the binary copy's reader would give it,
 * while they fit in s_evmax; past that none is held.  0, or -1 out of
 * memory.
 */
static int
ev_hold(struct scale *s, const struct kmt_event *ev)
{
	struct kmt_event *n;
	size_t cap;

	if (s->s_evmax == 0)
		return 0;
	if (s->s_nev == s->s_evmax) {
		free(s->s_ev);
		s->s_ev = NULL;
		s->s_nev = s->s_evcap = s->s_evmax = 0;
		return 0;
	}
	if (s->s_nev == s->s_evcap) {
		cap = s->s_evcap ? 2 * s->s_evcap : 1024;
		if (cap > s->s_evmax)
			cap = s->s_evmax;
		if ((n = realloc(s->s_ev, cap * sizeof(*n))) == NULL)
			return -1;
		s->s_ev = n;
		s->s_evcap = cap;
	}
	s->s_ev[s->s_nev] = *ev;
	s->s_ev[s->s_nev].ke_line = ev->ke_no;
	s->s_nev++;
	return 0;
}

/*
 * The first pass: every PID (of an event, or a fork's child), and a
 * copy of the events in the plain binary form at COPY, which the K
 * readers then read: no decompressor's window each, and no text to
 * parse K times.
 */
static int
find_pids(struct scale *s, const char *in, const char *copy, char *err,
    size_t errlen)
{
	struct kmt_reader *r;
	struct kmt_writer *w;
	struct kmt_event ev;
	int rc;

	if ((r = kmt_open(in, err, errlen)) == NULL)
		return SCALE_BADINPUT;
	if ((w = kmt_wopen(copy, err, errlen)) == NULL) {
		kmt_close(r);
		return SCALE_WRITE;
	}
	while ((rc = kmt_read(r, &ev, err, errlen)) == 1) {
		if (pid_add(s, ev.ke_pid) != 0 || (ev.ke_op == KMT_FORK &&
		    pid_add(s, ev.ke_child) != 0) || ev_hold(s, &ev) != 0) {
			kmt_close(r);
			kmt_wclose(w, NULL, 0);
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return SCALE_WRITE;
		}
		if (kmt_wevent(w, &ev) != 0) {
			snprintf(err, errlen, "%s: %s", copy, kmt_werror(w));
			kmt_close(r);
			kmt_wclose(w, NULL, 0);
			return SCALE_WRITE;
		}
	}
	kmt_close(r);
	if (kmt_wclose(w, rc < 0 ? NULL : err, errlen) != 0 && rc >= 0)
		return SCALE_WRITE;
	if (rc < 0)
		return SCALE_BADINPUT;
	if (s->s_npids > 0)
		pid_uniq(s);
	return SCALE_OK;
}

/* Copy C's next event, renamed and shifted; 1, 0 at its end, or -1. */
static int
copy_next(struct scale *s, struct scopy *c, char *err, size_t errlen)
{
	struct kmt_event *ev = &c->c_ev;
	uint64_t shift = (uint64_t)c->c_i * s->s_stagger, n;
	char id[KMT_TOKEN_MAX + 1];
	int rc, len;

	if (s->s_ev != NULL) {
		if (c->c_pos == s->s_nev)
			return 0;
		*ev = s->s_ev[c->c_pos++];
	} else if ((rc = kmt_read(c->c_r, ev, err, errlen)) != 1)
		return rc;
	if (ev->ke_time > UINT64_MAX - shift) {
		snprintf(err, errlen, "%s: event %" PRIu64 ": time %" PRIu64
		    " shifted by %" PRIu64 " does not fit", s->s_in,
		    ev->ke_no, ev->ke_time, shift);
		return -1;
	}
	ev->ke_time += shift;
	if (ev->ke_pid != 0)
		ev->ke_pid = c->c_i * (uint32_t)s->s_npids +
		    pid_rank(s, ev->ke_pid) + 1;
	switch (ev->ke_op) {
	case KMT_FORK:
		ev->ke_child = c->c_i * (uint32_t)s->s_npids +
		    pid_rank(s, ev->ke_child) + 1;
		break;
	case KMT_SYSCTL:
		n = ev->ke_n;
		ev->ke_n = n > KMT_INT_MAX / s->s_k ? KMT_INT_MAX :
		    n * s->s_k;
		break;
	case KMT_KMALLOC:
	case KMT_KFREE:
		if (ev->ke_pid != 0)
			break;
		len = snprintf(id, sizeof(id), "c%" PRIu32 ".%s", c->c_i,
		    ev->ke_id);
		if (len < 0 || (size_t)len > KMT_TOKEN_MAX) {
			snprintf(err, errlen, "%s: event %" PRIu64 ": kernel "
			    "ID '%s' too long to rename for copy %" PRIu32,
			    s->s_in, ev->ke_no, ev->ke_id, c->c_i);
			return -1;
		}
		memcpy(ev->ke_id, id, (size_t)len + 1);
		ev->ke_idlen = (uint8_t)len;
		break;
	default:
		break;
	}
	return 1;
}

/*
 * A copy's place in the merge: its next event's time, then its number;
 * a copy with none left goes after every other.  As one number, so that
 * the tournament below compares without a branch to mispredict.
 */
typedef unsigned __int128 mkey;
#define KEY_DONE	(~(mkey)0)

/* C's key after copy_next() returned GOT. */
static inline mkey
copy_key(const struct scopy *c, int got)
{

	if (got == 0)
		return KEY_DONE;
	return (mkey)c->c_ev.ke_time << 32 | c->c_i;
}

static inline int
before(const struct scale *s, uint32_t a, uint32_t b)
{

	return s->s_keys[a] < s->s_keys[b];
}

/*
 * The merge is a tournament of the K copies (a loser tree): leaf K + I
 * is copy I, node N's children are 2N and 2N + 1, and each node keeps
 * the copy that lost there.  After the winner's copy moves on, one
 * comparison a level on its way to the root, and no branch, finds the
 * next winner; a heap made two, and which way they went could not be
 * predicted (a 64-copy scale search: 0.89 s before, 0.77 s after).
 */
static void
tree_build(struct scale *s)
{
	uint32_t k = s->s_k, n, a, b, *w;

	if ((w = s->s_loser) == NULL || k == 1) {
		s->s_win = 0;
		return;
	}
	/* The winners, bottom up, in the losers' place as it is free. */
	for (n = k - 1; n >= 1; n--) {
		a = 2 * n >= k ? 2 * n - k : w[2 * n];
		b = 2 * n + 1 >= k ? 2 * n + 1 - k : w[2 * n + 1];
		w[n] = before(s, a, b) ? a : b;
	}
	s->s_win = w[1];
	/* Each node's loser: the winner of the child that lost. */
	for (n = 1; n < k; n++) {
		a = 2 * n >= k ? 2 * n - k : w[2 * n];
		b = 2 * n + 1 >= k ? 2 * n + 1 - k : w[2 * n + 1];
		w[n] = w[n] == a ? b : a;
	}
}

/* The winner's copy moved on: replay its way to the root. */
static void
tree_replay(struct scale *s)
{
	uint32_t n, cur = s->s_win, t, x;

	for (n = (s->s_k + cur) / 2; n >= 1; n /= 2) {
		/* Swap the node's loser and CUR when it wins, by a mask. */
		t = s->s_loser[n];
		x = (t ^ cur) & -(uint32_t)before(s, t, cur);
		s->s_loser[n] = t ^ x;
		cur ^= x;
	}
	s->s_win = cur;
}

int
scale_open(struct scale **sp, const char *in, size_t hold, char *err,
    size_t errlen)
{
	struct scale *s;
	struct stat st;
	const char *tmp;
	char msg[ERRSZ];
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return SCALE_WRITE;
	}
	*sp = s;
	s->s_in = in;
	tmp = getenv("TMPDIR");
	snprintf(s->s_dir, sizeof(s->s_dir), "%s/kmbench-scale-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(s->s_dir) == NULL) {
		snprintf(err, errlen, "%s: %s", s->s_dir, strerror(errno));
		s->s_dir[0] = '\0';
		return SCALE_WRITE;
	}
	snprintf(s->s_copy, sizeof(s->s_copy), "%s/trace.kmb", s->s_dir);
	s->s_evmax = hold / sizeof(struct kmt_event);
	if ((rc = find_pids(s, in, s->s_copy, err, errlen)) != SCALE_OK)
		return rc;
	/*
	 * The events decoded once when they fit in HOLD bytes (a recorded
	 * server's: nginx-c10k's 30000 take 7 MB); else the binary copy's
	 * text when that fits; else each copy reads the file.
	 */
	if (hold > 0 && s->s_ev == NULL)
		s->s_im = kmt_image_load(s->s_copy, hold, NULL, NULL, &st, msg,
		    sizeof(msg));
	return SCALE_OK;
}

int
scale_check(const struct scale *s, uint32_t k, uint64_t stagger, char *err,
    size_t errlen)
{

	if ((uint64_t)k * s->s_npids > KMT_INT_MAX) {
		snprintf(err, errlen, "%s: %" PRIu32 " copies of %zu PIDs are "
		    "more than %llu PIDs", s->s_in, k, s->s_npids,
		    KMT_INT_MAX);
		return SCALE_BADINPUT;
	}
	if (stagger != 0 && (uint64_t)(k - 1) > UINT64_MAX / stagger) {
		snprintf(err, errlen, "stagger %" PRIu64 " x %" PRIu32
		    " copies does not fit in a time", stagger, k - 1);
		return SCALE_BADINPUT;
	}
	return SCALE_OK;
}

int
scale_start(struct scale *s, uint32_t k, uint64_t stagger, char *err,
    size_t errlen)
{
	struct scopy *c;
	size_t i;
	int got, rc;

	scale_stop(s);
	if ((rc = scale_check(s, k, stagger, err, errlen)) != SCALE_OK)
		return rc;
	s->s_k = k;
	s->s_stagger = stagger;
	if ((s->s_copies = calloc(k, sizeof(*s->s_copies))) == NULL ||
	    (s->s_loser = calloc(k, sizeof(*s->s_loser))) == NULL ||
	    (s->s_keys = calloc(k, sizeof(*s->s_keys))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return SCALE_WRITE;
	}
	for (i = 0; i < k; i++) {
		c = &s->s_copies[i];
		c->c_i = (uint32_t)i;
		/* Our own copy: a failure now is one of resources. */
		if (s->s_ev == NULL && (c->c_r = s->s_im != NULL ?
		    kmt_open_image(s->s_im, err, errlen) : kmt_open(s->s_copy,
		    err, errlen)) == NULL)
			return SCALE_WRITE;
		if ((got = copy_next(s, c, err, errlen)) < 0)
			return SCALE_BADINPUT;
		s->s_keys[i] = copy_key(c, got);
	}
	tree_build(s);
	return SCALE_OK;
}

int
scale_next(struct scale *s, struct kmt_event *ev, char *err, size_t errlen)
{
	struct scopy *c;
	int got;

	if (s->s_k == 0 || s->s_keys[s->s_win] == KEY_DONE)
		return 0;
	c = &s->s_copies[s->s_win];
	*ev = c->c_ev;
	s->s_last = c->c_i;
	if ((got = copy_next(s, c, err, errlen)) < 0)
		return -1;
	s->s_keys[c->c_i] = copy_key(c, got);
	tree_replay(s);
	return 1;
}

void
scale_stop(struct scale *s)
{
	size_t i;

	for (i = 0; s->s_copies != NULL && i < s->s_k; i++)
		if (s->s_copies[i].c_r != NULL)
			kmt_close(s->s_copies[i].c_r);
	free(s->s_copies);
	free(s->s_loser);
	free(s->s_keys);
	s->s_copies = NULL;
	s->s_loser = NULL;
	s->s_keys = NULL;
	s->s_k = 0;
}

void
scale_close(struct scale *s)
{

	if (s == NULL)
		return;
	scale_stop(s);
	kmt_image_free(s->s_im);
	free(s->s_ev);
	free(s->s_pids);
	if (s->s_dir[0] != '\0') {
		unlink(s->s_copy);
		rmdir(s->s_dir);
	}
	free(s);
}

int
gen_scale(const char *in, uint32_t k, uint64_t stagger, const char *cmd,
    struct kmt_writer *w, char *err, size_t errlen)
{
	struct scale *s = NULL;
	struct kmt_event ev;
	char msg[ERRSZ];
	int rc, got;

	if (k < 1 || k > SCALE_K_MAX) {
		snprintf(err, errlen, "K %" PRIu32 ": must be 1 to %d", k,
		    SCALE_K_MAX);
		return SCALE_BADINPUT;
	}
	if ((rc = scale_open(&s, in, 0, err, errlen)) != SCALE_OK ||
	    (rc = scale_check(s, k, stagger, err, errlen)) != SCALE_OK)
		goto out;
	rc = SCALE_WRITE;
	if (kmt_wheader(w, "source", "gen scale") != 0 ||
	    kmt_wheader(w, "command", cmd) != 0) {
		snprintf(err, errlen, "%s", kmt_werror(w));
		goto out;
	}
	if ((rc = scale_start(s, k, stagger, err, errlen)) != SCALE_OK)
		goto out;
	while ((got = scale_next(s, &ev, msg, sizeof(msg))) == 1)
		if (kmt_wevent(w, &ev) != 0) {
			snprintf(err, errlen, "%s: event %" PRIu64 " of copy "
			    "%" PRIu32 ": %s", in, ev.ke_no,
			    s->s_last, kmt_werror(w));
			rc = SCALE_WRITE;
			goto out;
		}
	if (got < 0) {
		snprintf(err, errlen, "%s", msg);
		rc = SCALE_BADINPUT;
		goto out;
	}
	rc = SCALE_OK;
out:
	scale_close(s);
	return rc;
}
