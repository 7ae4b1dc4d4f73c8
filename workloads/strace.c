/*
 * strace.c: the importers' view of processes (struct imp), shared with
 * kdump.c, and the converter from `strace -f` output to kmtrace events.
 *
 * The view holds, per live process, its open descriptors (a sorted
 * array), its tracked mappings (a sorted array of address ranges, each
 * naming the kmtrace ID it belongs to) and its heap, so that every event
 * it sends out is valid against the replayer's rules: no open of an
 * open descriptor, no event for an unknown PID, no map of a live ID,
 * no range outside a mapping, time never going back.  Nothing is kept
 * per line: memory follows what is alive, not the length of the log.
 * docs/recording.md has the mapping rules.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdline.h"
#include "strace.h"

#define FD_CLOEXEC_BIT	0x80000000U
#define FD_MASK		0x7fffffffU
/* Trace PIDs for clashes: above Linux's PID_MAX_LIMIT and NetBSD's. */
#define SPARE_PID0	4194304U
#define UNNAMED_PID	1U
#define MAPID_MAX	40

/* -------------------------------------------------------------------
 * The view.
 */

struct imp_mapid {
	char		 m_id[MAPID_MAX];
	uint64_t	 m_base;	/* address of the ID's page 0 */
	uint64_t	 m_npages;	/* pages the ID spans */
	size_t		 m_nsegs;	/* address ranges still mapped */
	size_t		 m_cover;	/* scratch: ranges an unmap covers */
	int		 m_done;	/* scratch: whole unmap sent */
	struct imp_mapid *m_copy;	/* scratch: its copy in a fork */
};

struct imp_seg {
	uint64_t	 s_start, s_end;
	struct imp_mapid *s_mid;
};

struct imp_proc {
	uint32_t	 p_pid;		/* the trace's PID */
	int		 p_nthreads;
	struct imp_task	*p_tasks;
	uint32_t	*p_fds;		/* sorted; FD_CLOEXEC_BIT */
	size_t		 p_nfds, p_fdcap;
	struct imp_seg	*p_segs;	/* sorted, not overlapping */
	size_t		 p_nsegs, p_segcap;
	uint64_t	 p_idseq;
	int		 p_heapknown;
	uint64_t	 p_heapbase;
	uint64_t	 p_heappages;
	int		 p_heapcow;	/* heap shared copy-on-write since a
					   fork, and not written since */
	struct imp_proc	*p_hnext;
};

struct imp {
	imp_emit_fn	 im_emit;
	void		*im_arg;
	uint64_t	 im_now;
	uint64_t	 im_nevents;
	struct imp_task	**im_tasks;	/* hash by t_tid */
	size_t		 im_tcap, im_ntasks;
	struct imp_proc	**im_procs;	/* hash by p_pid */
	size_t		 im_pcap, im_nprocs;
	uint32_t	 im_nextpid;
	uint64_t	 im_nofile;	/* host limits: N, or 0 for none */
	int		 im_maxfiles_sent;
	size_t		 im_npend;	/* tasks with an unfinished call */
	size_t		 im_pendbytes;	/* and their text */
};

static inline size_t
hash32(uint32_t v, size_t cap)
{

	return (size_t)(v * 2654435761U) & (cap - 1);
}

struct imp *
imp_new(imp_emit_fn emit, void *arg)
{
	struct imp *im;

	if ((im = calloc(1, sizeof(*im))) == NULL)
		return NULL;
	im->im_emit = emit;
	im->im_arg = arg;
	im->im_nextpid = SPARE_PID0;
	im->im_tcap = im->im_pcap = 64;
	im->im_tasks = calloc(im->im_tcap, sizeof(*im->im_tasks));
	im->im_procs = calloc(im->im_pcap, sizeof(*im->im_procs));
	if (im->im_tasks == NULL || im->im_procs == NULL) {
		imp_free(im);
		return NULL;
	}
	return im;
}

static void
mapids_free(struct imp_proc *p)
{
	struct imp_mapid *mid;
	size_t i;

	for (i = 0; i < p->p_nsegs; i++) {
		mid = p->p_segs[i].s_mid;
		if (--mid->m_nsegs == 0)
			free(mid);
	}
	p->p_nsegs = 0;
}

static void
proc_free(struct imp_proc *p)
{

	mapids_free(p);
	free(p->p_segs);
	free(p->p_fds);
	free(p);
}

void
imp_free(struct imp *im)
{
	struct imp_task *t, *tn;
	struct imp_proc *p, *pn;
	size_t i;

	if (im == NULL)
		return;
	for (i = 0; im->im_tasks != NULL && i < im->im_tcap; i++)
		for (t = im->im_tasks[i]; t != NULL; t = tn) {
			tn = t->t_hnext;
			free(t->t_pend);
			free(t);
		}
	for (i = 0; im->im_procs != NULL && i < im->im_pcap; i++)
		for (p = im->im_procs[i]; p != NULL; p = pn) {
			pn = p->p_hnext;
			proc_free(p);
		}
	free(im->im_tasks);
	free(im->im_procs);
	free(im);
}

void
imp_settime(struct imp *im, uint64_t ns)
{

	if (ns > im->im_now)
		im->im_now = ns;
}

uint64_t
imp_time(const struct imp *im)
{

	return im->im_now;
}

uint64_t
imp_nevents(const struct imp *im)
{

	return im->im_nevents;
}

/* Events. */

static int
ev_send(struct imp *im, struct kmt_event *ev, uint32_t pid, enum kmt_op op)
{

	ev->ke_time = im->im_now;
	ev->ke_pid = pid;
	ev->ke_op = op;
	im->im_nevents++;
	return im->im_emit(im->im_arg, ev) == 0 ? IMP_OK : IMP_EMIT;
}

static int
ev_plain(struct imp *im, uint32_t pid, enum kmt_op op)
{
	struct kmt_event ev;

	memset(&ev, 0, sizeof(ev));
	return ev_send(im, &ev, pid, op);
}

static int
ev_fd(struct imp *im, uint32_t pid, enum kmt_op op, uint32_t oldfd,
    uint32_t fd, int cloexec)
{
	struct kmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ke_oldfd = oldfd;
	ev.ke_fd = fd;
	ev.ke_cloexec = cloexec != 0;
	return ev_send(im, &ev, pid, op);
}

static int
ev_id(struct imp *im, uint32_t pid, enum kmt_op op, const char *id,
    uint64_t n, int ranged, uint64_t off, uint64_t npages)
{
	struct kmt_event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.ke_id, sizeof(ev.ke_id), "%s", id);
	ev.ke_n = n;
	ev.ke_ranged = ranged;
	ev.ke_off = off;
	ev.ke_npages = npages;
	return ev_send(im, &ev, pid, op);
}

/* Tasks. */

struct imp_task *
imp_task(struct imp *im, uint32_t tid)
{
	struct imp_task *t;

	for (t = im->im_tasks[hash32(tid, im->im_tcap)]; t != NULL;
	    t = t->t_hnext)
		if (t->t_tid == tid)
			return t;
	return NULL;
}

static int
task_rehash(struct imp *im)
{
	struct imp_task **n, *t, *tn;
	size_t ncap = im->im_tcap * 2, i, h;

	if ((n = calloc(ncap, sizeof(*n))) == NULL)
		return -1;
	for (i = 0; i < im->im_tcap; i++)
		for (t = im->im_tasks[i]; t != NULL; t = tn) {
			tn = t->t_hnext;
			h = hash32(t->t_tid, ncap);
			t->t_hnext = n[h];
			n[h] = t;
		}
	free(im->im_tasks);
	im->im_tasks = n;
	im->im_tcap = ncap;
	return 0;
}

static void
task_link(struct imp *im, struct imp_task *t)
{
	size_t h = hash32(t->t_tid, im->im_tcap);

	t->t_hnext = im->im_tasks[h];
	im->im_tasks[h] = t;
}

static void
task_unlink(struct imp *im, struct imp_task *t)
{
	struct imp_task **pp;

	for (pp = &im->im_tasks[hash32(t->t_tid, im->im_tcap)]; *pp != NULL;
	    pp = &(*pp)->t_hnext)
		if (*pp == t) {
			*pp = t->t_hnext;
			return;
		}
}

struct imp_task *
imp_task_add(struct imp *im, uint32_t tid)
{
	struct imp_task *t;

	if (im->im_ntasks >= im->im_tcap && task_rehash(im) != 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->t_tid = tid;
	t->t_im = im;
	task_link(im, t);
	im->im_ntasks++;
	return t;
}

int
imp_task_rekey(struct imp *im, struct imp_task *t, uint32_t tid)
{

	task_unlink(im, t);
	t->t_tid = tid;
	task_link(im, t);
	return 0;
}

size_t
imp_ntasks(const struct imp *im)
{

	return im->im_ntasks;
}

int
imp_task_foreach(struct imp *im, int (*fn)(struct imp_task *, void *),
    void *arg)
{
	struct imp_task *t, *tn;
	size_t i;
	int rc;

	for (i = 0; i < im->im_tcap; i++)
		for (t = im->im_tasks[i]; t != NULL; t = tn) {
			tn = t->t_hnext;
			if ((rc = fn(t, arg)) != 0)
				return rc;
		}
	return 0;
}

int
imp_task_pend(struct imp_task *t, const char *text, size_t len,
    uint64_t seq)
{
	struct imp *im = t->t_im;
	int had = t->t_pend != NULL;
	char *n;

	if (text == NULL) {
		if (t->t_pend != NULL) {
			t->t_pend[0] = '\0';
			im->im_npend--;
			im->im_pendbytes -= t->t_pendlen;
		}
		free(t->t_pend);
		t->t_pend = NULL;
		t->t_pendcap = 0;
		t->t_pendlen = 0;
		return 0;
	}
	/* The bounds (strace.h); TEXT may be T's own. */
	if (len > IMP_LINE_MAX)
		return IMP_TOOLONG;
	if ((!had && im->im_npend >= IMP_PEND_MAX) ||
	    im->im_pendbytes - t->t_pendlen + len > IMP_PEND_BYTES)
		return IMP_TOOMANY;
	if (len + 1 > t->t_pendcap) {
		if ((n = realloc(t->t_pend, len + 1)) == NULL)
			return IMP_NOMEM;
		t->t_pend = n;
		t->t_pendcap = len + 1;
	}
	memmove(t->t_pend, text, len);
	t->t_pend[len] = '\0';
	t->t_pendseq = seq;
	if (!had)
		im->im_npend++;
	im->im_pendbytes = im->im_pendbytes - t->t_pendlen + len;
	t->t_pendlen = len;
	return 0;
}

/* Forget task T (its process is the caller's business). */
static void
task_free(struct imp *im, struct imp_task *t)
{

	task_unlink(im, t);
	im->im_ntasks--;
	imp_task_pend(t, NULL, 0, 0);
	free(t);
}

/* Processes. */

static struct imp_proc *
proc_find(const struct imp *im, uint32_t pid)
{
	struct imp_proc *p;

	for (p = im->im_procs[hash32(pid, im->im_pcap)]; p != NULL;
	    p = p->p_hnext)
		if (p->p_pid == pid)
			return p;
	return NULL;
}

static int
proc_rehash(struct imp *im)
{
	struct imp_proc **n, *p, *pn;
	size_t ncap = im->im_pcap * 2, i, h;

	if ((n = calloc(ncap, sizeof(*n))) == NULL)
		return -1;
	for (i = 0; i < im->im_pcap; i++)
		for (p = im->im_procs[i]; p != NULL; p = pn) {
			pn = p->p_hnext;
			h = hash32(p->p_pid, ncap);
			p->p_hnext = n[h];
			n[h] = p;
		}
	free(im->im_procs);
	im->im_procs = n;
	im->im_pcap = ncap;
	return 0;
}

/* A new process with the trace PID WANT, or a spare one if WANT is live. */
static struct imp_proc *
proc_new(struct imp *im, uint32_t want)
{
	struct imp_proc *p;
	size_t h;

	if (im->im_nprocs >= im->im_pcap && proc_rehash(im) != 0)
		return NULL;
	if (want == 0 || want > KMT_INT_MAX || proc_find(im, want) != NULL) {
		do
			want = im->im_nextpid++;
		while (proc_find(im, want) != NULL);
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->p_pid = want;
	h = hash32(want, im->im_pcap);
	p->p_hnext = im->im_procs[h];
	im->im_procs[h] = p;
	im->im_nprocs++;
	return p;
}

static void
proc_remove(struct imp *im, struct imp_proc *p)
{
	struct imp_proc **pp;
	struct imp_task *t, *tn;

	for (t = p->p_tasks; t != NULL; t = tn) {
		tn = t->t_pnext;
		task_free(im, t);
	}
	for (pp = &im->im_procs[hash32(p->p_pid, im->im_pcap)]; *pp != NULL;
	    pp = &(*pp)->p_hnext)
		if (*pp == p) {
			*pp = p->p_hnext;
			break;
		}
	im->im_nprocs--;
	proc_free(p);
}

static void
proc_addtask(struct imp_proc *p, struct imp_task *t)
{

	t->t_proc = p;
	t->t_pnext = p->p_tasks;
	p->p_tasks = t;
	p->p_nthreads++;
}

static void
proc_deltask(struct imp_proc *p, struct imp_task *t)
{
	struct imp_task **pp;

	for (pp = &p->p_tasks; *pp != NULL; pp = &(*pp)->t_pnext)
		if (*pp == t) {
			*pp = t->t_pnext;
			p->p_nthreads--;
			break;
		}
	t->t_proc = NULL;
}

static int
fd_add(struct imp_proc *p, uint32_t fd, int cloexec);

int
imp_spawn(struct imp *im, struct imp_task *t, uint32_t pid)
{
	struct kmt_event ev;
	struct imp_proc *p;
	uint32_t fd;
	int rc;

	if ((p = proc_new(im, pid == 0 ? UNNAMED_PID : pid)) == NULL)
		return IMP_NOMEM;
	proc_addtask(p, t);
	/* spawn opens 0, 1 and 2. */
	for (fd = 0; fd < 3; fd++)
		if (fd_add(p, fd, 0) != 0)
			return IMP_NOMEM;
	if ((rc = ev_plain(im, p->p_pid, KMT_SPAWN)) != IMP_OK ||
	    im->im_nofile == 0)
		return rc;
	/*
	 * Host limits: the process came with the command's soft
	 * RLIMIT_NOFILE (a process seen without its fork descends from
	 * the command too), and the host let that many files be open.
	 */
	if (!im->im_maxfiles_sent) {
		im->im_maxfiles_sent = 1;
		memset(&ev, 0, sizeof(ev));
		ev.ke_n = im->im_nofile;
		if ((rc = ev_send(im, &ev, p->p_pid, KMT_SYSCTL)) != IMP_OK)
			return rc;
	}
	return imp_limit(im, p, im->im_nofile);
}

void
imp_set_nofile(struct imp *im, uint64_t n)
{

	im->im_nofile = n > KMT_INT_MAX ? KMT_INT_MAX : n;
}

int
imp_fork(struct imp *im, struct imp_proc *parent, struct imp_task *child,
    uint32_t pid)
{
	struct kmt_event ev;
	struct imp_proc *p;
	struct imp_mapid *mid;
	size_t i;

	if ((p = proc_new(im, pid)) == NULL)
		return IMP_NOMEM;
	proc_addtask(p, child);
	if (parent->p_nfds > 0) {
		if ((p->p_fds = malloc(parent->p_nfds * sizeof(*p->p_fds))) ==
		    NULL)
			return IMP_NOMEM;
		memcpy(p->p_fds, parent->p_fds,
		    parent->p_nfds * sizeof(*p->p_fds));
		p->p_nfds = p->p_fdcap = parent->p_nfds;
	}
	if (parent->p_nsegs > 0) {
		if ((p->p_segs = malloc(parent->p_nsegs *
		    sizeof(*p->p_segs))) == NULL)
			return IMP_NOMEM;
		p->p_segcap = parent->p_nsegs;
		for (i = 0; i < parent->p_nsegs; i++) {
			mid = parent->p_segs[i].s_mid;
			if (mid->m_copy == NULL) {
				if ((mid->m_copy = malloc(sizeof(*mid))) ==
				    NULL)
					break;
				*mid->m_copy = *mid;
				mid->m_copy->m_copy = NULL;
			}
			p->p_segs[i] = parent->p_segs[i];
			p->p_segs[i].s_mid = mid->m_copy;
			p->p_nsegs++;
		}
		for (i = 0; i < parent->p_nsegs; i++)
			parent->p_segs[i].s_mid->m_copy = NULL;
		if (p->p_nsegs < parent->p_nsegs) {
			/* Keep the counts right for proc_free(). */
			for (i = 0; i < p->p_nsegs; i++)
				p->p_segs[i].s_mid->m_nsegs = 0;
			for (i = 0; i < p->p_nsegs; i++)
				p->p_segs[i].s_mid->m_nsegs++;
			return IMP_NOMEM;
		}
	}
	p->p_idseq = parent->p_idseq;
	p->p_heapknown = parent->p_heapknown;
	p->p_heapbase = parent->p_heapbase;
	p->p_heappages = parent->p_heappages;
	p->p_heapcow = parent->p_heapcow = parent->p_heappages > 0;
	memset(&ev, 0, sizeof(ev));
	ev.ke_child = p->p_pid;
	return ev_send(im, &ev, parent->p_pid, KMT_FORK);
}

void
imp_thread(struct imp *im, struct imp_proc *parent, struct imp_task *child)
{

	(void)im;
	proc_addtask(parent, child);
}

int
imp_exec(struct imp *im, struct imp_task *t)
{
	struct imp_proc *p = t->t_proc;
	struct imp_task *o, *on;
	size_t i, j;

	/* The other threads are gone. */
	for (o = p->p_tasks; o != NULL; o = on) {
		on = o->t_pnext;
		if (o != t) {
			proc_deltask(p, o);
			task_free(im, o);
		}
	}
	for (i = j = 0; i < p->p_nfds; i++)
		if (!(p->p_fds[i] & FD_CLOEXEC_BIT))
			p->p_fds[j++] = p->p_fds[i];
	p->p_nfds = j;
	mapids_free(p);
	p->p_heapknown = 0;
	p->p_heapbase = 0;
	p->p_heappages = 0;
	p->p_heapcow = 0;
	return ev_plain(im, p->p_pid, KMT_EXEC);
}

int
imp_proc_exit(struct imp *im, struct imp_proc *p)
{
	uint32_t pid = p->p_pid;

	proc_remove(im, p);
	return ev_plain(im, pid, KMT_EXIT);
}

int
imp_task_exit(struct imp *im, struct imp_task *t)
{
	struct imp_proc *p = t->t_proc;

	if (p == NULL) {
		task_free(im, t);
		return IMP_OK;
	}
	if (p->p_nthreads <= 1)
		return imp_proc_exit(im, p);
	proc_deltask(p, t);
	task_free(im, t);
	return IMP_OK;
}

uint32_t
imp_pid(const struct imp_proc *p)
{

	return p->p_pid;
}

int
imp_nthreads(const struct imp_proc *p)
{

	return p->p_nthreads;
}

/* Descriptors: a sorted array, the top bit saying close-on-exec. */

/* The index of FD, or where it would go (*FOUND says which). */
static size_t
fd_index(const struct imp_proc *p, uint32_t fd, int *found)
{
	size_t lo = 0, hi = p->p_nfds, mid;
	uint32_t v;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		v = p->p_fds[mid] & FD_MASK;
		if (v == fd) {
			*found = 1;
			return mid;
		}
		if (v < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static int
fd_add(struct imp_proc *p, uint32_t fd, int cloexec)
{
	uint32_t *n;
	size_t i, ncap;
	int found;

	i = fd_index(p, fd, &found);
	if (!found) {
		if (p->p_nfds == p->p_fdcap) {
			ncap = p->p_fdcap ? 2 * p->p_fdcap : 8;
			if ((n = realloc(p->p_fds, ncap * sizeof(*n))) == NULL)
				return -1;
			p->p_fds = n;
			p->p_fdcap = ncap;
		}
		memmove(p->p_fds + i + 1, p->p_fds + i,
		    (p->p_nfds - i) * sizeof(*p->p_fds));
		p->p_nfds++;
	}
	p->p_fds[i] = fd | (cloexec ? FD_CLOEXEC_BIT : 0);
	return 0;
}

static void
fd_del_at(struct imp_proc *p, size_t i)
{

	memmove(p->p_fds + i, p->p_fds + i + 1,
	    (p->p_nfds - i - 1) * sizeof(*p->p_fds));
	p->p_nfds--;
}

int
imp_isopen(const struct imp_proc *p, uint32_t fd)
{
	int found;

	(void)fd_index(p, fd, &found);
	return found;
}

uint32_t
imp_lowest_free(const struct imp_proc *p, uint32_t not)
{
	uint32_t want = 0;
	size_t i;

	for (i = 0; i < p->p_nfds; i++) {
		if (want == not)
			want++;
		if ((p->p_fds[i] & FD_MASK) > want)
			break;
		if ((p->p_fds[i] & FD_MASK) == want)
			want++;
	}
	if (want == not)
		want++;
	return want;
}

int
imp_open(struct imp *im, struct imp_proc *p, uint32_t fd, int cloexec)
{
	int rc;

	if (fd > KMT_INT_MAX)
		return IMP_OK;
	if (imp_isopen(p, fd) && (rc = imp_close(im, p, fd)) != IMP_OK)
		return rc;
	if (fd_add(p, fd, cloexec) != 0)
		return IMP_NOMEM;
	return ev_fd(im, p->p_pid, KMT_OPEN, 0, fd, cloexec);
}

int
imp_dup(struct imp *im, struct imp_proc *p, uint32_t oldfd, uint32_t fd,
    int cloexec)
{
	int rc;

	if (oldfd > KMT_INT_MAX || fd > KMT_INT_MAX || oldfd == fd)
		return IMP_OK;
	/* A descriptor from before the log: it exists, so open it. */
	if (!imp_isopen(p, oldfd) && (rc = imp_open(im, p, oldfd, 0)) !=
	    IMP_OK)
		return rc;
	if (fd_add(p, fd, cloexec) != 0)
		return IMP_NOMEM;
	return ev_fd(im, p->p_pid, KMT_DUP, oldfd, fd, cloexec);
}

int
imp_close(struct imp *im, struct imp_proc *p, uint32_t fd)
{
	size_t i;
	int found;

	i = fd_index(p, fd, &found);
	if (!found)
		return IMP_OK;
	fd_del_at(p, i);
	return ev_fd(im, p->p_pid, KMT_CLOSE, 0, fd, 0);
}

int
imp_close_range(struct imp *im, struct imp_proc *p, uint64_t lo,
    uint64_t hi)
{
	uint32_t fd;
	size_t i;
	int found, rc;

	if (lo > KMT_INT_MAX)
		return IMP_OK;
	i = fd_index(p, (uint32_t)lo, &found);
	while (i < p->p_nfds && (fd = p->p_fds[i] & FD_MASK) <= hi) {
		fd_del_at(p, i);
		if ((rc = ev_fd(im, p->p_pid, KMT_CLOSE, 0, fd, 0)) != IMP_OK)
			return rc;
	}
	return IMP_OK;
}

int
imp_limit(struct imp *im, struct imp_proc *p, uint64_t n)
{
	struct kmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ke_n = n > KMT_INT_MAX ? KMT_INT_MAX : n;
	return ev_send(im, &ev, p->p_pid, KMT_LIMIT);
}

/* Memory. */

static uint64_t
pages(uint64_t len)
{

	return len / IMP_PAGE + (len % IMP_PAGE != 0);
}

static uint64_t
trunc_page(uint64_t a)
{

	return a & ~(IMP_PAGE - 1);
}

/* The first range that ends after ADDR. */
static size_t
seg_index(const struct imp_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->p_nsegs, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (p->p_segs[mid].s_end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
seg_insert(struct imp_proc *p, size_t i, uint64_t start, uint64_t end,
    struct imp_mapid *mid)
{
	struct imp_seg *n;
	size_t ncap;

	if (p->p_nsegs == p->p_segcap) {
		ncap = p->p_segcap ? 2 * p->p_segcap : 8;
		if ((n = realloc(p->p_segs, ncap * sizeof(*n))) == NULL)
			return -1;
		p->p_segs = n;
		p->p_segcap = ncap;
	}
	memmove(p->p_segs + i + 1, p->p_segs + i,
	    (p->p_nsegs - i) * sizeof(*p->p_segs));
	p->p_segs[i].s_start = start;
	p->p_segs[i].s_end = end;
	p->p_segs[i].s_mid = mid;
	mid->m_nsegs++;
	p->p_nsegs++;
	return 0;
}

static void
seg_remove(struct imp_proc *p, size_t i)
{
	struct imp_mapid *mid = p->p_segs[i].s_mid;

	memmove(p->p_segs + i, p->p_segs + i + 1,
	    (p->p_nsegs - i - 1) * sizeof(*p->p_segs));
	p->p_nsegs--;
	if (--mid->m_nsegs == 0)
		free(mid);
}

/*
 * Unmap [A, B): a whole "unmap ID" for each ID all of whose ranges go,
 * "unmap ID OFF NPAGES" for each piece of the others.
 */
static int
unmap_range(struct imp *im, struct imp_proc *p, uint64_t a, uint64_t b)
{
	struct imp_seg *s;
	struct imp_mapid *mid;
	uint64_t lo, hi, end;
	size_t i, first;
	int rc;

	if (a >= b)
		return IMP_OK;
	first = seg_index(p, a);
	for (i = first; i < p->p_nsegs && p->p_segs[i].s_start < b; i++)
		if (p->p_segs[i].s_start >= a && p->p_segs[i].s_end <= b)
			p->p_segs[i].s_mid->m_cover++;
	i = first;
	while (i < p->p_nsegs && p->p_segs[i].s_start < b) {
		s = &p->p_segs[i];
		mid = s->s_mid;
		if (mid->m_cover == mid->m_nsegs) {
			if (!mid->m_done) {
				mid->m_done = 1;
				if ((rc = ev_id(im, p->p_pid, KMT_UNMAP,
				    mid->m_id, 0, 0, 0, 0)) != IMP_OK)
					return rc;
			}
			mid->m_cover--;
			seg_remove(p, i);
			continue;
		}
		lo = s->s_start > a ? s->s_start : a;
		hi = s->s_end < b ? s->s_end : b;
		if ((rc = ev_id(im, p->p_pid, KMT_UNMAP, mid->m_id, 0, 1,
		    (lo - mid->m_base) / IMP_PAGE, (hi - lo) / IMP_PAGE)) !=
		    IMP_OK)
			return rc;
		if (lo == s->s_start && hi == s->s_end) {
			mid->m_cover--;
			seg_remove(p, i);
			continue;
		}
		if (lo == s->s_start)
			s->s_start = hi;
		else if (hi == s->s_end)
			s->s_end = lo;
		else {
			/* A hole in the middle: two ranges. */
			end = s->s_end;
			s->s_end = lo;
			if (seg_insert(p, i + 1, hi, end, mid) != 0)
				return IMP_NOMEM;
			i++;	/* the new range starts at B */
		}
		i++;
	}
	return IMP_OK;
}

static int
mapid_taken(const struct imp_proc *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->p_nsegs; i++)
		if (strcmp(p->p_segs[i].s_mid->m_id, id) == 0)
			return 1;
	return 0;
}

int
imp_mmap(struct imp *im, struct imp_proc *p, uint64_t addr, uint64_t len,
    int track, int write, int fixed)
{
	struct imp_mapid *mid;
	uint64_t np, end;
	int rc;

	(void)fixed;
	if (len == 0)
		return IMP_OK;
	addr = trunc_page(addr);
	np = pages(len);
	end = addr + np * IMP_PAGE;
	if (end < addr)
		return IMP_OK;
	/*
	 * MAP_FIXED replaces what was there; without it the kernel chose
	 * free space, so anything the view still has there is stale.
	 */
	if ((rc = unmap_range(im, p, addr, end)) != IMP_OK)
		return rc;
	if (!track || np > KMT_NPAGES_MAX)
		return IMP_OK;
	if ((mid = calloc(1, sizeof(*mid))) == NULL)
		return IMP_NOMEM;
	snprintf(mid->m_id, sizeof(mid->m_id), "m%" PRIx64, addr);
	if (mapid_taken(p, mid->m_id))
		snprintf(mid->m_id, sizeof(mid->m_id), "m%" PRIx64 ".%" PRIu64,
		    addr, ++p->p_idseq);
	mid->m_base = addr;
	mid->m_npages = np;
	if (seg_insert(p, seg_index(p, addr), addr, end, mid) != 0) {
		free(mid);
		return IMP_NOMEM;
	}
	if ((rc = ev_id(im, p->p_pid, KMT_MAP, mid->m_id, np, 0, 0, 0)) !=
	    IMP_OK)
		return rc;
	if (write)
		return ev_id(im, p->p_pid, KMT_TOUCH, mid->m_id, 0, 0, 0, 0);
	return IMP_OK;
}

int
imp_munmap(struct imp *im, struct imp_proc *p, uint64_t addr, uint64_t len)
{
	uint64_t end;

	addr = trunc_page(addr);
	end = addr + pages(len) * IMP_PAGE;
	if (end < addr)
		end = UINT64_MAX & ~(IMP_PAGE - 1);
	return unmap_range(im, p, addr, end);
}

int
imp_mprotect_write(struct imp *im, struct imp_proc *p, uint64_t addr,
    uint64_t len)
{
	struct imp_seg *s;
	struct imp_mapid *mid;
	uint64_t lo, hi, a, b;
	size_t i;
	int rc;

	a = trunc_page(addr);
	b = a + pages(len) * IMP_PAGE;
	if (b <= a)
		return IMP_OK;
	for (i = seg_index(p, a); i < p->p_nsegs && p->p_segs[i].s_start < b;
	    i++) {
		s = &p->p_segs[i];
		mid = s->s_mid;
		lo = s->s_start > a ? s->s_start : a;
		hi = s->s_end < b ? s->s_end : b;
		if (lo == mid->m_base && hi - lo == mid->m_npages * IMP_PAGE)
			rc = ev_id(im, p->p_pid, KMT_TOUCH, mid->m_id, 0, 0, 0,
			    0);
		else
			rc = ev_id(im, p->p_pid, KMT_TOUCH, mid->m_id, 0, 1,
			    (lo - mid->m_base) / IMP_PAGE,
			    (hi - lo) / IMP_PAGE);
		if (rc != IMP_OK)
			return rc;
	}
	return IMP_OK;
}

int
imp_mremap(struct imp *im, struct imp_proc *p, uint64_t oldaddr,
    uint64_t oldlen, uint64_t newaddr, uint64_t newlen)
{
	struct imp_mapid *mid = NULL;
	struct imp_seg seg;
	uint64_t oldend, newend, np;
	size_t i;
	int rc, whole;

	oldaddr = trunc_page(oldaddr);
	newaddr = trunc_page(newaddr);
	oldend = oldaddr + pages(oldlen) * IMP_PAGE;
	np = pages(newlen);
	newend = newaddr + np * IMP_PAGE;
	i = seg_index(p, oldaddr);
	whole = 0;
	if (i < p->p_nsegs) {
		seg = p->p_segs[i];
		mid = seg.s_mid;
		whole = seg.s_start == oldaddr && seg.s_end == oldend &&
		    mid->m_nsegs == 1 && mid->m_base == oldaddr &&
		    mid->m_npages * IMP_PAGE == oldend - oldaddr &&
		    np >= 1 && np <= KMT_NPAGES_MAX;
	}
	if (whole) {
		/* One ID, all of it: it moves and grows or shrinks. */
		mid->m_nsegs++;		/* keep it while it is out */
		seg_remove(p, i);
		if ((rc = unmap_range(im, p, newaddr, newend)) != IMP_OK) {
			mid->m_nsegs--;
			if (mid->m_nsegs == 0)
				free(mid);
			return rc;
		}
		mid->m_nsegs--;
		mid->m_base = newaddr;
		if (seg_insert(p, seg_index(p, newaddr), newaddr, newend,
		    mid) != 0)
			return IMP_NOMEM;
		if (np == mid->m_npages)
			return IMP_OK;
		mid->m_npages = np;
		return ev_id(im, p->p_pid, KMT_GROW, mid->m_id, np, 0, 0, 0);
	}
	if (i < p->p_nsegs && p->p_segs[i].s_start < oldend) {
		/* Part of a mapping, or several: unmap, and map anew. */
		if ((rc = unmap_range(im, p, oldaddr, oldend)) != IMP_OK)
			return rc;
		return imp_mmap(im, p, newaddr, newlen, 1, 1, 1);
	}
	/* Not one of ours; the new place is no longer anything else. */
	if (newaddr != oldaddr || newend > oldend)
		return unmap_range(im, p, newaddr == oldaddr ? oldend : newaddr,
		    newend);
	return IMP_OK;
}

int
imp_heap_known(const struct imp_proc *p)
{

	return p->p_heapknown;
}

void
imp_heap_base(struct imp_proc *p, uint64_t base)
{

	if (!p->p_heapknown) {
		p->p_heapknown = 1;
		p->p_heapbase = base;
		p->p_heappages = 0;
	}
}

uint64_t
imp_heap_pages(const struct imp_proc *p)
{

	return p->p_heappages;
}

int
imp_heap_set(struct imp *im, struct imp_proc *p, uint64_t end)
{
	uint64_t np;
	int rc;

	if (!p->p_heapknown) {
		imp_heap_base(p, end);
		return IMP_OK;
	}
	np = end > p->p_heapbase ? pages(end - p->p_heapbase) : 0;
	if (np > KMT_NPAGES_MAX)
		np = KMT_NPAGES_MAX;
	if (np == p->p_heappages)
		return IMP_OK;
	if (p->p_heappages == 0) {
		p->p_heappages = np;
		if ((rc = ev_id(im, p->p_pid, KMT_MAP, "heap", np, 0, 0, 0)) !=
		    IMP_OK)
			return rc;
		return ev_id(im, p->p_pid, KMT_TOUCH, "heap", 0, 0, 0, 0);
	}
	p->p_heappages = np;
	if (np == 0)
		return ev_id(im, p->p_pid, KMT_UNMAP, "heap", 0, 0, 0, 0);
	return ev_id(im, p->p_pid, KMT_GROW, "heap", np, 0, 0, 0);
}

int
imp_heap_written(struct imp *im, struct imp_proc *p, uint64_t oldpages)
{
	uint64_t last;

	if (!p->p_heapcow || p->p_heappages == 0 || oldpages == 0)
		return IMP_OK;
	p->p_heapcow = 0;
	last = (oldpages < p->p_heappages ? oldpages : p->p_heappages) - 1;
	return ev_id(im, p->p_pid, KMT_TOUCH, "heap", 0, 1, last, 1);
}

/* -------------------------------------------------------------------
 * Text helpers, shared by the parsing below.
 */

struct span {
	const char	*s;
	size_t		 n;
};

#define MAXARGS		8
#define CMD_MAX		1000
#define NS		1000000000ULL
#define DAY_NS		(86400ULL * NS)

static int
isident(int ch)
{

	return isalnum(ch) || ch == '_';
}

static int
starts(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

static int
ends(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && memcmp(end - n, w, n) == 0;
}

static int
span_is(struct span a, const char *w)
{

	return a.n == strlen(w) && memcmp(a.s, w, a.n) == 0;
}

/*
 * Call FN on each identifier of TEXT outside quoted strings; stops at
 * the first non-zero return, which is returned.
 */
static int
idents(const char *p, size_t n, int (*fn)(const char *, size_t,
    const void *), const void *arg)
{
	const char *end = p + n, *s;
	int rc;

	while (p < end) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			p++;
			continue;
		}
		if (!isident((unsigned char)*p)) {
			p++;
			continue;
		}
		for (s = p; p < end && isident((unsigned char)*p); p++)
			continue;
		if ((rc = fn(s, (size_t)(p - s), arg)) != 0)
			return rc;
	}
	return 0;
}

static int
ident_eq(const char *s, size_t n, const void *arg)
{
	const char *w = arg;

	return n == strlen(w) && memcmp(s, w, n) == 0;
}

static int
ident_cloexec(const char *s, size_t n, const void *arg)
{

	(void)arg;
	return n > 7 && memcmp(s + n - 7, "CLOEXEC", 7) == 0;
}

static int
has_ident(struct span a, const char *w)
{

	return idents(a.s, a.n, ident_eq, w);
}

static int
has_cloexec(struct span a)
{

	return idents(a.s, a.n, ident_cloexec, NULL);
}

/* What span_num() returns for a number that 64 bits cannot hold. */
#define NUM_RANGE	(-2)

/*
 * A number: decimal, 0x hex or 0 octal, with an optional '-', or a
 * product of such ("8192*1024"), or NULL (0).  The whole span must be
 * the number, but for trailing text after a blank or '<' (strace -y
 * and -T).  Returns 0 with the value in *VP (as 64-bit two's
 * complement: an address above 2^63 comes back negative, and its cast
 * back to uint64_t is the address), NUM_RANGE for a number or product
 * of more than 64 bits (or below -2^63), or -1.
 */
static int
span_num(struct span a, int64_t *vp)
{
	const char *p = a.s, *end = a.s + a.n;
	uint64_t v, f;
	int neg, base, digits, d, big = 0;

	while (p < end && *p == ' ')
		p++;
	if (end - p >= 4 && memcmp(p, "NULL", 4) == 0 &&
	    (end - p == 4 || p[4] == ' ')) {
		*vp = 0;
		return 0;
	}
	v = 1;
	for (;;) {
		neg = 0;
		if (p < end && *p == '-') {
			neg = 1;
			p++;
		}
		base = 10;
		if (end - p > 2 && p[0] == '0' &&
		    (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		} else if (end - p > 1 && p[0] == '0' && isdigit(
		    (unsigned char)p[1]))
			base = 8;
		f = 0;
		digits = 0;
		for (; p < end; p++) {
			if (isdigit((unsigned char)*p))
				d = *p - '0';
			else if (base == 16 && isxdigit((unsigned char)*p))
				d = tolower((unsigned char)*p) - 'a' + 10;
			else
				break;
			if (d >= base)
				return -1;
			if (f > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
				big = 1;
			f = f * (uint64_t)base + (uint64_t)d;
			digits++;
		}
		if (digits == 0)
			return -1;
		if (neg && f > (uint64_t)INT64_MAX + 1)
			big = 1;
		if (f != 0 && v > UINT64_MAX / f)
			big = 1;
		v *= f;
		if (neg)
			v = -v;
		if (p < end && *p == '*') {
			p++;
			continue;
		}
		break;
	}
	if (p < end && *p != ' ' && *p != '<')
		return -1;
	if (big)
		return NUM_RANGE;
	*vp = (int64_t)v;
	return 0;
}

/*
 * The arguments of a call "NAME(A, B, ...)" starting at P (just after
 * the '('): split at top-level commas.  Returns a pointer to the ')'
 * that closes the list, or NULL if it is not closed before END.
 */
static const char *
split_args(const char *p, const char *end, struct span *args, int *nargs)
{
	const char *s = p;
	int depth = 0, n = 0;

	for (; p < end; p++) {
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			if (p == end)
				return NULL;
			break;
		case '(':
		case '[':
		case '{':
			depth++;
			break;
		case ']':
		case '}':
			depth--;
			break;
		case ')':
			if (depth == 0)
				goto close;
			depth--;
			break;
		case ',':
			if (depth == 0) {
				if (n < MAXARGS) {
					args[n].s = s;
					args[n].n = (size_t)(p - s);
				}
				n++;
				s = p + 1;
			}
			break;
		}
	}
	return NULL;
close:
	if (n < MAXARGS && (n > 0 || p > s)) {
		args[n].s = s;
		args[n].n = (size_t)(p - s);
		n++;
	}
	for (depth = 0; depth < n && depth < MAXARGS; depth++) {
		while (args[depth].n > 0 && isspace((unsigned char)
		    args[depth].s[0])) {
			args[depth].s++;
			args[depth].n--;
		}
		while (args[depth].n > 0 && isspace((unsigned char)
		    args[depth].s[args[depth].n - 1]))
			args[depth].n--;
	}
	*nargs = n;
	return p;
}

/* The two numbers of "[3, 4]". */
static int
span_pair(struct span a, int64_t *x, int64_t *y)
{
	struct span in[MAXARGS];
	const char *close;
	char buf[64];
	int n;

	if (a.n < 2 || a.s[0] != '[' || a.s[a.n - 1] != ']' ||
	    a.n - 1 >= sizeof(buf))
		return -1;
	/* The splitter, on "3, 4)". */
	memcpy(buf, a.s + 1, a.n - 2);
	buf[a.n - 2] = ')';
	close = split_args(buf, buf + a.n - 1, in, &n);
	if (close == NULL || n != 2)
		return -1;
	if ((n = span_num(in[0], x)) != 0 || (n = span_num(in[1], y)) != 0)
		return n;
	return 0;
}

/*
 * "{rlim_cur=N, ...}": N, with RLIM_INFINITY as the trace format's
 * infinity, KMT_INT_MAX, in every spelling strace uses: RLIM_INFINITY
 * or RLIM64_INFINITY (by name, also inside a -X verbose comment), and
 * -X raw's 18446744073709551615 or 0xffffffffffffffff; and 4294967295,
 * RLIM_INFINITY of a 32-bit process (no 64-bit process can succeed in
 * setting a finite descriptor limit that high: fs.nr_open is below
 * 2^31).  A finite N above KMT_INT_MAX, or beyond 64 bits, is
 * NUM_RANGE: no successful call sets it, and the format cannot hold it.
 * Returns 0, -1 or NUM_RANGE.
 */
static int
span_rlim(struct span a, uint64_t *vp)
{
	const char *p, *end = a.s + a.n;
	struct span v;
	int64_t n;
	int rc;

	for (p = a.s; p < end; p++)
		if (starts(p, end, "rlim_cur="))
			break;
	if (p == end)
		return -1;
	p += 9;
	v.s = p;
	while (p < end && *p != ',' && *p != '}')
		p++;
	v.n = (size_t)(p - v.s);
	if (has_ident(v, "RLIM_INFINITY") || has_ident(v, "RLIM64_INFINITY")) {
		*vp = KMT_INT_MAX;
		return 0;
	}
	if ((rc = span_num(v, &n)) != 0)
		return rc;
	if ((uint64_t)n == UINT64_MAX || (uint64_t)n == UINT32_MAX) {
		*vp = KMT_INT_MAX;
		return 0;
	}
	if (n < 0 || (uint64_t)n > KMT_INT_MAX)
		return NUM_RANGE;
	*vp = (uint64_t)n;
	return 0;
}

static void
seterr(char *err, size_t errlen, const char *fmt, const char *what,
    size_t n)
{

	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, (int)(n > 40 ? 40 : n), what,
		    n > 40 ? "..." : "");
}

/* -------------------------------------------------------------------
 * The strace converter.
 */

enum skind {
	S_OPEN,		/* a new descriptor: the result */
	S_OPENCX,	/* the same, always close-on-exec */
	S_SIGNALFD,	/* new only when the first argument is -1 */
	S_PIPE,		/* two: "[a, b]" in argument 0 */
	S_SOCKETPAIR,	/* two: in argument 3 */
	S_DUP,
	S_DUP2,
	S_FCNTL,
	S_CLOSE,
	S_CLOSE_RANGE,
	S_FORK,
	S_EXECVE,
	S_EXECVEAT,
	S_EXIT,
	S_EXIT_GROUP,
	S_MMAP,
	S_MUNMAP,
	S_MREMAP,
	S_MPROTECT,
	S_BRK,
	S_SETRLIMIT,
	S_PRLIMIT
};

/* Sorted by name, for bsearch. */
static const struct scall {
	const char	*sc_name;
	enum skind	 sc_kind;
} scalls[] = {
	{ "accept", S_OPEN },
	{ "accept4", S_OPEN },
	{ "brk", S_BRK },
	{ "clone", S_FORK },
	{ "clone2", S_FORK },
	{ "clone3", S_FORK },
	{ "close", S_CLOSE },
	{ "close_range", S_CLOSE_RANGE },
	{ "creat", S_OPEN },
	{ "dup", S_DUP },
	{ "dup2", S_DUP2 },
	{ "dup3", S_DUP2 },
	{ "epoll_create", S_OPEN },
	{ "epoll_create1", S_OPEN },
	{ "eventfd", S_OPEN },
	{ "eventfd2", S_OPEN },
	{ "execve", S_EXECVE },
	{ "execveat", S_EXECVEAT },
	{ "exit", S_EXIT },
	{ "exit_group", S_EXIT_GROUP },
	{ "fanotify_init", S_OPEN },
	{ "fcntl", S_FCNTL },
	{ "fcntl64", S_FCNTL },
	{ "fork", S_FORK },
	{ "fsmount", S_OPEN },
	{ "fsopen", S_OPEN },
	{ "fspick", S_OPEN },
	{ "inotify_init", S_OPEN },
	{ "inotify_init1", S_OPEN },
	{ "io_uring_setup", S_OPENCX },
	{ "landlock_create_ruleset", S_OPENCX },
	{ "memfd_create", S_OPEN },
	{ "memfd_secret", S_OPEN },
	{ "mmap", S_MMAP },
	{ "mmap2", S_MMAP },
	{ "mprotect", S_MPROTECT },
	{ "mq_open", S_OPENCX },
	{ "mremap", S_MREMAP },
	{ "munmap", S_MUNMAP },
	{ "open", S_OPEN },
	{ "open_by_handle_at", S_OPEN },
	{ "open_tree", S_OPEN },
	{ "openat", S_OPEN },
	{ "openat2", S_OPEN },
	{ "perf_event_open", S_OPEN },
	{ "pidfd_getfd", S_OPENCX },
	{ "pidfd_open", S_OPENCX },
	{ "pipe", S_PIPE },
	{ "pipe2", S_PIPE },
	{ "pkey_mprotect", S_MPROTECT },
	{ "prlimit64", S_PRLIMIT },
	{ "setrlimit", S_SETRLIMIT },
	{ "signalfd", S_SIGNALFD },
	{ "signalfd4", S_SIGNALFD },
	{ "socket", S_OPEN },
	{ "socketpair", S_SOCKETPAIR },
	{ "timerfd_create", S_OPEN },
	{ "userfaultfd", S_OPEN },
	{ "vfork", S_FORK },
};

const char strace_trace_set[] =
    "?execve,?execveat,?exit,?exit_group,?fork,?vfork,?clone,?clone3,"
    "?open,?openat,?openat2,?creat,?open_by_handle_at,?socket,"
    "?socketpair,?accept,?accept4,?pipe,?pipe2,?epoll_create,"
    "?epoll_create1,?eventfd,?eventfd2,?memfd_create,?signalfd,"
    "?signalfd4,?timerfd_create,?inotify_init,?inotify_init1,"
    "?fanotify_init,?userfaultfd,?pidfd_open,?pidfd_getfd,"
    "?perf_event_open,?io_uring_setup,?mq_open,?dup,?dup2,?dup3,?fcntl,"
    "?fcntl64,?close,?close_range,?mmap,?mmap2,?munmap,?mremap,"
    "?mprotect,?pkey_mprotect,?brk,?setrlimit,?prlimit64";

struct strace_conv {
	struct imp	*c_im;
	uint64_t	 c_lineno;
	int		 c_havets;	/* a timestamp was seen */
	int		 c_epoch;	/* the first one was -ttt */
	uint64_t	 c_first;	/* it, in ns */
	uint64_t	 c_last;	/* the latest, with c_dayoff */
	uint64_t	 c_dayoff;	/* -tt past midnight */
	int		 c_tsbig;	/* timestamp(): beyond 64 bits of ns */
	char		*c_part;	/* a line cut by an strace message */
	size_t		 c_partlen, c_partcap;
	char		*c_buf;		/* joined text */
	size_t		 c_bufcap;
	struct imp_forkq c_forks;	/* unfinished fork-like calls */
	int		 c_hasdeflt;	/* unprefixed lines go to c_deflt */
	uint32_t	 c_deflt;
	char		*c_cmd;
};

struct strace_conv *
strace_new(imp_emit_fn emit, void *arg)
{
	struct strace_conv *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->c_im = imp_new(emit, arg)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
strace_free(struct strace_conv *c)
{

	if (c == NULL)
		return;
	imp_free(c->c_im);
	imp_forkq_free(&c->c_forks);
	free(c->c_part);
	free(c->c_buf);
	free(c->c_cmd);
	free(c);
}

void
strace_set_nofile(struct strace_conv *c, uint64_t n)
{

	imp_set_nofile(c->c_im, n);
}

const char *
strace_command(const struct strace_conv *c)
{

	return c->c_cmd;
}

int
strace_started(const struct strace_conv *c)
{

	return c->c_lineno > 0;
}

int
strace_epoch(const struct strace_conv *c, uint64_t *secp)
{

	if (!c->c_havets || !c->c_epoch)
		return 0;
	*secp = c->c_first / NS;
	return 1;
}

uint64_t
strace_lines(const struct strace_conv *c)
{

	return c->c_lineno;
}

static int
grow(char **bufp, size_t *capp, size_t need)
{
	char *n;
	size_t cap;

	if (need <= *capp)
		return 0;
	cap = *capp ? *capp : 256;
	while (cap < need)
		cap *= 2;
	if ((n = realloc(*bufp, cap)) == NULL)
		return -1;
	*bufp = n;
	*capp = cap;
	return 0;
}

/* The name of a call's text "NAME(...": its length, or 0. */
static size_t
call_name(const char *p, const char *end)
{
	const char *s = p;

	while (p < end && (isident((unsigned char)*p) || *p == '?'))
		p++;
	if (p == s || p == end || *p != '(')
		return 0;
	return (size_t)(p - s);
}

static const struct scall *
scall_find(const char *name, size_t n)
{
	size_t lo = 0, hi = sizeof(scalls) / sizeof(scalls[0]), mid;
	int cmp;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		cmp = strncmp(scalls[mid].sc_name, name, n);
		if (cmp == 0 && scalls[mid].sc_name[n] != '\0')
			cmp = 1;
		if (cmp == 0)
			return &scalls[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Is TEXT (a call) fork-like, and does it make a thread? */
static int
is_forklike(const char *text, size_t len)
{
	const struct scall *sc;
	size_t n = call_name(text, text + len);

	return n > 0 && (sc = scall_find(text, n)) != NULL &&
	    sc->sc_kind == S_FORK;
}

static int
makes_thread(const char *text, size_t len)
{
	struct span a = { text, len };

	if (starts(text, text + len, "fork(") ||
	    starts(text, text + len, "vfork("))
		return 0;
	if (has_ident(a, "CLONE_THREAD"))
		return 1;
	return has_ident(a, "CLONE_VM") && !has_ident(a, "CLONE_VFORK");
}

int
imp_forkq_add(struct imp_forkq *q, uint32_t tid, uint64_t seq)
{
	struct imp_forkent *v;
	size_t i, cap;

	if (q->fq_n == q->fq_cap) {
		cap = q->fq_cap ? q->fq_cap * 2 : 16;
		if ((v = realloc(q->fq_v, cap * sizeof(*v))) == NULL)
			return IMP_NOMEM;
		q->fq_v = v;
		q->fq_cap = cap;
	}
	/* In order of SEQ: the end, but for a call moved between tasks. */
	for (i = q->fq_n; i > 0 && q->fq_v[i - 1].fe_seq > seq; i--)
		continue;
	memmove(&q->fq_v[i + 1], &q->fq_v[i], (q->fq_n - i) *
	    sizeof(*q->fq_v));
	q->fq_v[i].fe_tid = tid;
	q->fq_v[i].fe_seq = seq;
	q->fq_n++;
	return 0;
}

void
imp_forkq_rekey(struct imp_forkq *q, uint32_t old, uint32_t new)
{
	size_t i;

	for (i = 0; i < q->fq_n; i++)
		if (q->fq_v[i].fe_tid == old)
			q->fq_v[i].fe_tid = new;
}

struct imp_task *
imp_forkq_latest(struct imp *im, struct imp_forkq *q,
    const struct imp_task *not, int (*eligible)(const struct imp_task *))
{
	struct imp_forkent *e;
	struct imp_task *t;
	size_t i = q->fq_n;
	int ok;

	/*
	 * From the latest back.  Past a kept entry (NOT's, or one not
	 * eligible now) the walk drops what is stale, so what it skips
	 * again later is only what it keeps.
	 */
	while (i > 0) {
		e = &q->fq_v[--i];
		t = imp_task(im, e->fe_tid);
		if (t == NULL || t->t_pend == NULL ||
		    t->t_pendseq != e->fe_seq || (ok = eligible(t)) < 0) {
			memmove(e, e + 1, (q->fq_n - i - 1) * sizeof(*e));
			q->fq_n--;
			continue;
		}
		if (ok > 0 && t != not)
			return t;
	}
	return NULL;
}

void
imp_forkq_free(struct imp_forkq *q)
{

	free(q->fq_v);
	memset(q, 0, sizeof(*q));
}

/* A pending call fork-like: still the call a new PID may be the child of. */
static int
forklike_pend(const struct imp_task *t)
{

	return is_forklike(t->t_pend, strlen(t->t_pend)) ? 1 : -1;
}

/* The task whose fork-like call started last and is unfinished. */
static struct imp_task *
latest_forker(struct strace_conv *c, struct imp_task *not)
{

	return imp_forkq_latest(c->c_im, &c->c_forks, not, forklike_pend);
}

/*
 * Task T's pending call was set (begun at its t_pendseq): note it if
 * it is fork-like.  IMP_OK or IMP_NOMEM.
 */
static int
note_pend(struct strace_conv *c, struct imp_task *t)
{

	if (t->t_pend == NULL || !is_forklike(t->t_pend, strlen(t->t_pend)))
		return IMP_OK;
	return imp_forkq_add(&c->c_forks, t->t_tid, t->t_pendseq) == 0 ?
	    IMP_OK : IMP_NOMEM;
}

static int
only_cb(struct imp_task *t, void *arg)
{

	*(struct imp_task **)arg = t;
	return 1;
}

/*
 * The task a line is about.  Unprefixed lines (strace writing to the
 * terminal with one tracee) go to the default task, first an unnamed
 * one (number 0) whose number is learnt from the first prefixed line
 * that can be its own.  With CREATE 0, an unknown task is not made.
 */
static struct imp_task *
find_task(struct strace_conv *c, uint32_t tid, int named, int resumed,
    int create)
{
	struct imp *im = c->c_im;
	struct imp_task *t, *t0;

	if (!named) {
		if (c->c_hasdeflt && (t = imp_task(im, c->c_deflt)) != NULL)
			return t;
		if (imp_ntasks(im) == 1) {
			t = NULL;
			imp_task_foreach(im, only_cb, &t);
			c->c_deflt = t->t_tid;
			c->c_hasdeflt = 1;
			return t;
		}
		if (!create)
			return NULL;
		if ((t = imp_task(im, 0)) == NULL &&
		    (t = imp_task_add(im, 0)) == NULL)
			return NULL;
		c->c_deflt = 0;
		c->c_hasdeflt = 1;
		return t;
	}
	if ((t = imp_task(im, tid)) != NULL)
		return t;
	if ((t0 = imp_task(im, 0)) != NULL &&
	    ((resumed && t0->t_pend != NULL) ||
	    (!resumed && latest_forker(c, NULL) == NULL))) {
		/* The unnamed task's number. */
		imp_task_rekey(im, t0, tid);
		imp_forkq_rekey(&c->c_forks, 0, tid);
		if (c->c_hasdeflt && c->c_deflt == 0)
			c->c_deflt = tid;
		return t0;
	}
	if (!create)
		return NULL;
	return imp_task_add(im, tid);
}

/*
 * The process of task T.  A task first seen while another is inside a
 * fork-like call is taken for its child (its thread, if the call shares
 * the address space); any other is a process whose start the log does
 * not show, and is spawned.
 */
static int
resolve(struct strace_conv *c, struct imp_task *t)
{
	struct imp_task *f;
	int rc;

	if (t->t_proc != NULL)
		return IMP_OK;
	if ((f = latest_forker(c, t)) == NULL)
		return imp_spawn(c->c_im, t, t->t_tid);
	if (f->t_proc == NULL && (rc = imp_spawn(c->c_im, f, f->t_tid)) !=
	    IMP_OK)
		return rc;
	f->t_hchild = t->t_tid;
	if (makes_thread(f->t_pend, strlen(f->t_pend))) {
		imp_thread(c->c_im, f->t_proc, t);
		return IMP_OK;
	}
	return imp_fork(c->c_im, f->t_proc, t, t->t_tid);
}

/*
 * The string strace quoted, from P (after its opening quote) to its
 * closing quote, with strace's escapes undone (\n \t \r \v \f, \\ \",
 * octal \NNN, \xHH), into BUF (LEN bytes; a NUL byte becomes '?'): its
 * length; *NEXT is past the closing quote.
 */
static size_t
unquote(const char *p, const char *end, char *buf, size_t len,
    const char **next)
{
	size_t n = 0;
	int k, v;
	char ch;

	while (p < end && *p != '"') {
		ch = *p++;
		if (ch == '\\' && p < end) {
			switch (ch = *p++) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'v': ch = '\v'; break;
			case 'f': ch = '\f'; break;
			case 'x':
				for (v = k = 0; k < 2 && p < end &&
				    isxdigit((unsigned char)*p); k++, p++)
					v = v * 16 + (isdigit((unsigned char)*p) ?
					    *p - '0' :
					    tolower((unsigned char)*p) - 'a' + 10);
				ch = (char)v;
				break;
			default:
				if (ch < '0' || ch > '7')
					break;
				for (v = ch - '0', k = 1; k < 3 && p < end &&
				    *p >= '0' && *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				ch = (char)v;
			}
		}
		if (n + 1 < len)
			buf[n++] = ch == '\0' ? '?' : ch;
	}
	buf[n] = '\0';
	*next = p < end ? p + 1 : p;
	return n;
}

/*
 * Keep argv of the first successful execve for "@ command": a shell
 * command line of its strings (cmdline.h), as kmbench record writes
 * it; "..." right after a string strace cut short stays after it, and
 * an array strace cut ends the line.
 */
static void
keep_command(struct strace_conv *c, struct span argv, struct span path)
{
	const char *p, *end;
	char *out, arg[CMD_MAX + 1];
	size_t n = 0, an;
	int closed = 0;

	if (c->c_cmd != NULL || (out = malloc(CMD_MAX + 1)) == NULL)
		return;
	out[0] = '\0';
	if (argv.n < 2 || argv.s[0] != '[')
		argv = path;
	p = argv.s;
	end = argv.s + argv.n;
	while (p < end) {
		if (*p != '"') {
			/* strace's "..." after a cut string or array */
			if (starts(p, end, "...")) {
				if (closed && n + 3 <= CMD_MAX) {
					memcpy(out + n, "...", 4);
					n += 3;
				}
				p += 3;
			} else
				p++;
			closed = 0;
			continue;
		}
		an = unquote(p + 1, end, arg, sizeof(arg), &p);
		if (cmdline_add(out, CMD_MAX + 1, &n, arg, an) != 0)
			break;
		closed = 1;
	}
	if (n == 0) {
		free(out);
		return;
	}
	c->c_cmd = out;
}

static int
bad(char *err, size_t errlen, const char *what, const char *name,
    size_t n)
{
	char fmt[128];

	snprintf(fmt, sizeof(fmt), "%s", what);
	seterr(err, errlen, fmt, name, n);
	return IMP_MALFORMED;
}

/*
 * "NAME: WHAT out of range": a number the trace format cannot hold (or
 * that 64 bits cannot), as IMP_MALFORMED.  V is shown unless WHAT is
 * the whole story (NOVAL).
 */
#define NOVAL	INT64_MIN
static int
range_err(char *err, size_t errlen, const char *name, size_t n,
    const char *what, int64_t v)
{

	if (err != NULL && errlen > 0) {
		if (v == NOVAL)
			snprintf(err, errlen, "%.*s%s: %s out of range",
			    (int)(n > 40 ? 40 : n), name, n > 40 ? "..." : "",
			    what);
		else
			snprintf(err, errlen, "%.*s%s: %s %" PRIu64 " out of "
			    "range", (int)(n > 40 ? 40 : n), name,
			    n > 40 ? "..." : "", what, (uint64_t)v);
	}
	return IMP_MALFORMED;
}

/* A descriptor number or PID past what the trace format holds. */
static int
above_int(int64_t v)
{

	return v > (int64_t)KMT_INT_MAX;
}

/* Argument I of the call as a number, or a message. */
static int
arg_num(struct span *args, int nargs, int i, int64_t *vp, char *err,
    size_t errlen, const char *name, size_t namelen)
{
	int rc;

	if (i >= nargs || i >= MAXARGS)
		return bad(err, errlen, "%.*s%s: too few arguments", name,
		    namelen);
	if ((rc = span_num(args[i], vp)) == NUM_RANGE)
		return range_err(err, errlen, name, namelen, "an argument",
		    NOVAL);
	if (rc != 0)
		return bad(err, errlen, "%.*s%s: an argument is not a number",
		    name, namelen);
	return 0;
}

/*
 * A complete call, "NAME(ARGS) = RESULT", of task T (found, or made,
 * from TID and NAMED when T is NULL).
 */
static int
do_call(struct strace_conv *c, struct imp_task *t, uint32_t tid, int named,
    const char *text, size_t len, char *err, size_t errlen)
{
	struct imp *im = c->c_im;
	const char *end = text + len, *close, *p;
	const struct scall *sc;
	struct span args[MAXARGS], res;
	struct imp_task *ct;
	struct imp_proc *pr, *tp;
	size_t nlen;
	int64_t v, a0, a1, a2;
	uint64_t lim;
	int nargs = 0, rc, cx;

	if ((nlen = call_name(text, end)) == 0)
		return bad(err, errlen, "not strace output: '%.*s%s'", text,
		    len);
	memset(args, 0, sizeof(args));
	close = split_args(text + nlen + 1, end, args, &nargs);
	if (close == NULL)
		return bad(err, errlen, "%.*s%s: the argument list is not "
		    "closed", text, nlen);
	for (p = close + 1; p < end && *p == ' '; p++)
		continue;
	if (p == end || *p != '=')
		return bad(err, errlen, "%.*s%s: no return value", text, nlen);
	for (p++; p < end && *p == ' '; p++)
		continue;
	res.s = p;
	res.n = (size_t)(end - p);
	if (res.n == 0)
		return bad(err, errlen, "%.*s%s: no return value", text, nlen);
	if ((sc = scall_find(text, nlen)) == NULL)
		return IMP_OK;		/* a call that makes no event */

	if (sc->sc_kind == S_EXIT || sc->sc_kind == S_EXIT_GROUP) {
		if (t == NULL && (t = find_task(c, tid, named, 0, 1)) == NULL)
			return IMP_NOMEM;
		if ((rc = resolve(c, t)) != IMP_OK)
			return rc;
		if (sc->sc_kind == S_EXIT)
			return imp_task_exit(im, t);
		return imp_proc_exit(im, t->t_proc);
	}
	/* Failed calls and calls whose result is unknown change nothing. */
	if (res.s[0] == '?' || (res.n >= 2 && res.s[0] == '-' &&
	    res.s[1] == '1' && (res.n == 2 || res.s[2] == ' ')))
		return IMP_OK;
	if ((rc = span_num(res, &v)) == NUM_RANGE)
		return range_err(err, errlen, text, nlen, "the return value",
		    NOVAL);
	if (rc != 0)
		return bad(err, errlen, "%.*s%s: the return value is not a "
		    "number", text, nlen);
	if (t == NULL && (t = find_task(c, tid, named, 0, 1)) == NULL)
		return IMP_NOMEM;
	if ((rc = resolve(c, t)) != IMP_OK)
		return rc;
	pr = t->t_proc;

	switch (sc->sc_kind) {
	case S_OPEN:
	case S_OPENCX:
	case S_SIGNALFD:
		if (sc->sc_kind == S_SIGNALFD && nargs > 0 &&
		    span_num(args[0], &a0) == 0 && a0 != -1)
			return IMP_OK;	/* changes an existing one */
		if (v < 0)
			return bad(err, errlen, "%.*s%s: negative descriptor",
			    text, nlen);
		if (above_int(v))
			return range_err(err, errlen, text, nlen,
			    "descriptor", v);
		cx = sc->sc_kind == S_OPENCX;
		for (rc = 0; rc < nargs && rc < MAXARGS && !cx; rc++)
			cx = has_cloexec(args[rc]);
		return imp_open(im, pr, (uint32_t)v, cx);
	case S_PIPE:
	case S_SOCKETPAIR:
		rc = sc->sc_kind == S_PIPE ? 0 : 3;
		if (rc < nargs && span_pair(args[rc], &a0, &a1) == NUM_RANGE)
			return range_err(err, errlen, text, nlen,
			    "a descriptor", NOVAL);
		if (rc >= nargs || span_pair(args[rc], &a0, &a1) != 0 ||
		    a0 < 0 || a1 < 0)
			return bad(err, errlen, "%.*s%s: no '[fd, fd]' "
			    "argument", text, nlen);
		if (above_int(a0) || above_int(a1))
			return range_err(err, errlen, text, nlen,
			    "descriptor", above_int(a0) ? a0 : a1);
		cx = 0;
		for (rc = 0; rc < nargs && rc < MAXARGS; rc++)
			cx |= has_cloexec(args[rc]);
		if ((rc = imp_open(im, pr, (uint32_t)a0, cx)) != IMP_OK)
			return rc;
		return imp_open(im, pr, (uint32_t)a1, cx);
	case S_DUP:
	case S_DUP2:
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0)
			return rc;
		if (a0 < 0 || v < 0)
			return bad(err, errlen, "%.*s%s: negative descriptor",
			    text, nlen);
		if (above_int(a0) || above_int(v))
			return range_err(err, errlen, text, nlen,
			    "descriptor", above_int(a0) ? a0 : v);
		cx = nargs > 2 && has_cloexec(args[2]);
		return imp_dup(im, pr, (uint32_t)a0, (uint32_t)v, cx);
	case S_FCNTL:
		if (nargs < 2 || !(span_is(args[1], "F_DUPFD") ||
		    span_is(args[1], "F_DUPFD_CLOEXEC")))
			return IMP_OK;	/* F_SETFD and the rest: nothing */
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0)
			return rc;
		if (a0 < 0 || v < 0)
			return bad(err, errlen, "%.*s%s: negative descriptor",
			    text, nlen);
		if (above_int(a0) || above_int(v))
			return range_err(err, errlen, text, nlen,
			    "descriptor", above_int(a0) ? a0 : v);
		return imp_dup(im, pr, (uint32_t)a0, (uint32_t)v,
		    span_is(args[1], "F_DUPFD_CLOEXEC"));
	case S_CLOSE:
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0)
			return rc;
		if (above_int(a0))
			return range_err(err, errlen, text, nlen,
			    "descriptor", a0);
		if (a0 < 0)
			return IMP_OK;
		return imp_close(im, pr, (uint32_t)a0);
	case S_CLOSE_RANGE:
		if (nargs < 2)
			return bad(err, errlen, "%.*s%s: too few arguments",
			    text, nlen);
		if (nargs > 2 && has_ident(args[2], "CLOSE_RANGE_CLOEXEC"))
			return IMP_OK;	/* only marks them */
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0)
			return rc;
		if (args[1].n > 0 && args[1].s[0] == '~')
			a1 = INT64_MAX;
		else if ((rc = arg_num(args, nargs, 1, &a1, err, errlen,
		    text, nlen)) != 0)
			return rc;
		if (a1 < 0 || a1 > (int64_t)KMT_INT_MAX)
			a1 = KMT_INT_MAX;
		if (a0 < 0)
			return IMP_OK;
		return imp_close_range(im, pr, (uint64_t)a0, (uint64_t)a1);
	case S_FORK:
		if (above_int(v))
			return range_err(err, errlen, text, nlen, "PID", v);
		if (v <= 0)
			return IMP_OK;
		if (t->t_hchild == (uint32_t)v) {
			/* Already met as the child, before this return. */
			t->t_hchild = 0;
			return IMP_OK;
		}
		ct = imp_task(im, (uint32_t)v);
		if (ct == t)
			return IMP_OK;	/* its own number: not a child */
		if (ct != NULL && ct->t_proc != NULL) {
			/* A task of that number is stale: it ended unseen. */
			if ((rc = imp_task_exit(im, ct)) != IMP_OK)
				return rc;
			ct = NULL;
		}
		if (ct == NULL && (ct = imp_task_add(im, (uint32_t)v)) == NULL)
			return IMP_NOMEM;
		if (makes_thread(text, len)) {
			imp_thread(im, pr, ct);
			return IMP_OK;
		}
		return imp_fork(im, pr, ct, (uint32_t)v);
	case S_EXECVE:
	case S_EXECVEAT:
		if (c->c_cmd == NULL) {
			rc = sc->sc_kind == S_EXECVE ? 0 : 1;
			if (nargs > rc + 1)
				keep_command(c, args[rc + 1], args[rc]);
			else if (nargs > rc)
				keep_command(c, args[rc], args[rc]);
		}
		return imp_exec(im, t);
	case S_MMAP:
		if (nargs < 4)
			return bad(err, errlen, "%.*s%s: too few arguments",
			    text, nlen);
		if ((rc = arg_num(args, nargs, 1, &a1, err, errlen, text,
		    nlen)) != 0)
			return rc;
		cx = has_ident(args[2], "PROT_WRITE");
		return imp_mmap(im, pr, (uint64_t)v, (uint64_t)a1,
		    has_ident(args[3], "MAP_ANONYMOUS") ||
		    has_ident(args[3], "MAP_ANON") ||
		    (has_ident(args[3], "MAP_PRIVATE") && cx), cx,
		    has_ident(args[3], "MAP_FIXED"));
	case S_MUNMAP:
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0 || (rc = arg_num(args, nargs, 1, &a1, err,
		    errlen, text, nlen)) != 0)
			return rc;
		return imp_munmap(im, pr, (uint64_t)a0, (uint64_t)a1);
	case S_MREMAP:
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0 || (rc = arg_num(args, nargs, 1, &a1, err,
		    errlen, text, nlen)) != 0 || (rc = arg_num(args, nargs, 2,
		    &a2, err, errlen, text, nlen)) != 0)
			return rc;
		return imp_mremap(im, pr, (uint64_t)a0, (uint64_t)a1,
		    (uint64_t)v, (uint64_t)a2);
	case S_MPROTECT:
		if (nargs < 3)
			return bad(err, errlen, "%.*s%s: too few arguments",
			    text, nlen);
		if (!has_ident(args[2], "PROT_WRITE"))
			return IMP_OK;
		if ((rc = arg_num(args, nargs, 0, &a0, err, errlen, text,
		    nlen)) != 0 || (rc = arg_num(args, nargs, 1, &a1, err,
		    errlen, text, nlen)) != 0)
			return rc;
		return imp_mprotect_write(im, pr, (uint64_t)a0, (uint64_t)a1);
	case S_BRK:
		if (!imp_heap_known(pr)) {
			imp_heap_base(pr, (uint64_t)v);
			return IMP_OK;
		}
		/*
		 * glibc's malloc moves the break for its main arena, and
		 * then writes the new size into the header of its top
		 * chunk, which starts below the old break: a write to
		 * the heap that a fork shares copy-on-write.
		 */
		a0 = (int64_t)imp_heap_pages(pr);
		if ((rc = imp_heap_set(im, pr, (uint64_t)v)) != IMP_OK ||
		    imp_heap_pages(pr) == (uint64_t)a0)
			return rc;
		return imp_heap_written(im, pr, (uint64_t)a0);
	case S_SETRLIMIT:
	case S_PRLIMIT:
		rc = sc->sc_kind == S_SETRLIMIT ? 0 : 1;
		if (nargs < rc + 2)
			return bad(err, errlen, "%.*s%s: too few arguments",
			    text, nlen);
		if (!span_is(args[rc], "RLIMIT_NOFILE") ||
		    span_is(args[rc + 1], "NULL"))
			return IMP_OK;
		if ((cx = span_rlim(args[rc + 1], &lim)) == NUM_RANGE)
			return range_err(err, errlen, text, nlen, "rlim_cur",
			    NOVAL);
		if (cx != 0)
			return bad(err, errlen, "%.*s%s: no rlim_cur", text,
			    nlen);
		tp = pr;
		if (rc == 1 && (cx = span_num(args[0], &a0)) == NUM_RANGE)
			return range_err(err, errlen, text, nlen, "PID",
			    NOVAL);
		if (rc == 1 && cx == 0 && a0 != 0) {
			/* Another process's limit. */
			if (above_int(a0))
				return range_err(err, errlen, text, nlen,
				    "PID", a0);
			if (a0 < 0 || (ct = imp_task(im, (uint32_t)a0)) ==
			    NULL || ct->t_proc == NULL)
				return IMP_OK;
			tp = ct->t_proc;
		}
		return imp_limit(im, tp, lim);
	default:
		return IMP_OK;
	}
}

/* "+++ ... +++": a task's or a process's end. */
static int
do_end(struct strace_conv *c, uint32_t tid, int named, const char *p,
    const char *end)
{
	struct imp *im = c->c_im;
	struct imp_task *t, *o;
	int64_t n;
	struct span s;
	int rc;

	if ((t = find_task(c, tid, named, 0, 0)) == NULL)
		return IMP_OK;
	if (starts(p, end, "+++ superseded by execve in pid ")) {
		/* Thread O's execve goes on as T (the leader's number). */
		s.s = p + 32;
		s.n = (size_t)(end - s.s);
		while (s.n > 0 && !isdigit((unsigned char)s.s[s.n - 1]))
			s.n--;
		if (span_num(s, &n) != 0 || n <= 0 ||
		    n > (int64_t)KMT_INT_MAX ||
		    (o = imp_task(im, (uint32_t)n)) == NULL || o == t ||
		    o->t_proc == NULL || o->t_proc != t->t_proc)
			return IMP_OK;
		if (o->t_pend != NULL && ((rc = imp_task_pend(t, o->t_pend,
		    strlen(o->t_pend), o->t_pendseq)) != 0 ||
		    (rc = note_pend(c, t)) != IMP_OK))
			return rc;
		return imp_task_exit(im, o);
	}
	if ((rc = resolve(c, t)) != IMP_OK)
		return rc;
	if (starts(p, end, "+++ killed by "))
		return imp_proc_exit(im, t->t_proc);
	if (starts(p, end, "+++ exited with "))
		return imp_task_exit(im, t);
	return IMP_OK;
}

struct sibling {
	struct imp_task	*s_t;
	const char	*s_name;
	size_t		 s_n;
	struct imp_task	*s_found;
};

static int
sibling_cb(struct imp_task *o, void *arg)
{
	struct sibling *s = arg;

	if (o != s->s_t && o->t_proc != NULL && o->t_proc == s->s_t->t_proc &&
	    o->t_pend != NULL && strncmp(o->t_pend, s->s_name, s->s_n) == 0 &&
	    o->t_pend[s->s_n] == '(') {
		s->s_found = o;
		return 1;
	}
	return 0;
}

#define UNFINISHED	"<unfinished ...>"

/* An unfinished call's text: strip the marker and one blank before. */
static size_t
unfinished_len(const char *text, size_t len)
{

	len -= sizeof(UNFINISHED) - 1;
	if (len > 0 && text[len - 1] == ' ')
		len--;
	return len;
}

/* The text of the line after its prefix and timestamp. */
static int
do_body(struct strace_conv *c, uint32_t tid, int named, const char *p,
    const char *end, char *err, size_t errlen)
{
	struct imp_task *t, *o;
	struct sibling sib;
	const char *name, *rest;
	size_t n, len;
	int rc;

	if (starts(p, end, "+++")) {
		if (end - p < 6 || !ends(p, end, "+++"))
			return bad(err, errlen, "not strace output: '%.*s%s'",
			    p, (size_t)(end - p));
		return do_end(c, tid, named, p, end);
	}
	if (starts(p, end, "---")) {
		if (end - p < 6 || !ends(p, end, "---"))
			return bad(err, errlen, "not strace output: '%.*s%s'",
			    p, (size_t)(end - p));
		return IMP_OK;		/* a signal: nothing */
	}
	if (starts(p, end, "<... ")) {
		name = p + 5;
		for (rest = name; rest < end && isident((unsigned char)*rest);
		    rest++)
			continue;
		n = (size_t)(rest - name);
		if (n == 0 || !starts(rest, end, " resumed>"))
			return bad(err, errlen, "not strace output: '%.*s%s'",
			    p, (size_t)(end - p));
		rest += 9;
		if ((t = find_task(c, tid, named, 1, 0)) == NULL)
			return IMP_OK;	/* its start is not in the log */
		if (t->t_pend == NULL || strncmp(t->t_pend, name, n) != 0 ||
		    t->t_pend[n] != '(') {
			/* An execve that a sibling thread started. */
			sib.s_t = t;
			sib.s_name = name;
			sib.s_n = n;
			sib.s_found = NULL;
			/* Its process's tasks only, not every task. */
			for (o = t->t_proc != NULL ? t->t_proc->p_tasks : NULL;
			    o != NULL && sib.s_found == NULL; o = o->t_pnext)
				(void)sibling_cb(o, &sib);
			if (sib.s_found == NULL)
				return IMP_OK;
			if ((rc = imp_task_pend(t, sib.s_found->t_pend,
			    strlen(sib.s_found->t_pend),
			    sib.s_found->t_pendseq)) != 0 ||
			    (rc = note_pend(c, t)) != IMP_OK)
				return rc;
			imp_task_pend(sib.s_found, NULL, 0, 0);
		}
		len = strlen(t->t_pend);
		if (grow(&c->c_buf, &c->c_bufcap, len + (size_t)(end - rest) +
		    1) != 0)
			return IMP_NOMEM;
		memcpy(c->c_buf, t->t_pend, len);
		memcpy(c->c_buf + len, rest, (size_t)(end - rest));
		len += (size_t)(end - rest);
		c->c_buf[len] = '\0';
		if (ends(c->c_buf, c->c_buf + len, UNFINISHED))
			return (rc = imp_task_pend(t, c->c_buf,
			    unfinished_len(c->c_buf, len), c->c_lineno)) != 0 ?
			    rc : note_pend(c, t);
		imp_task_pend(t, NULL, 0, 0);
		rc = do_call(c, t, tid, named, c->c_buf, len, err, errlen);
		return rc;
	}
	if (call_name(p, end) == 0)
		return bad(err, errlen, "not strace output: '%.*s%s'", p,
		    (size_t)(end - p));
	if (ends(p, end, UNFINISHED)) {
		if ((t = find_task(c, tid, named, 0, 1)) == NULL)
			return IMP_NOMEM;
		t->t_hchild = 0;
		len = unfinished_len(p, (size_t)(end - p));
		return (rc = imp_task_pend(t, p, len, c->c_lineno)) != 0 ? rc :
		    note_pend(c, t);
	}
	return do_call(c, NULL, tid, named, p, (size_t)(end - p), err, errlen);
}

/*
 * A timestamp at P: -t or -tt "HH:MM:SS[.frac]", or -ttt
 * "SECONDS.frac".  Sets the time; returns the end of the token or NULL.
 */
static const char *
timestamp(struct strace_conv *c, const char *p, const char *end)
{
	uint64_t v = 0, part = 0, frac = 0, scale = NS;
	int fields = 0, epoch, digits;

	for (;;) {
		digits = 0;
		part = 0;
		while (p < end && isdigit((unsigned char)*p)) {
			if (digits < 12)
				part = part * 10 + (uint64_t)(*p - '0');
			digits++;
			p++;
		}
		if (digits == 0 || digits > 12 || (fields > 0 && part > 59))
			return NULL;
		v = v * (fields > 0 ? 60 : 1) + part;
		fields++;
		if (p < end && *p == ':' && fields < 3) {
			p++;
			continue;
		}
		break;
	}
	if (fields == 2)
		return NULL;
	epoch = fields == 1;
	if (fields == 3 && v >= 86400)
		return NULL;
	if (p < end && *p == '.') {
		digits = 0;
		for (p++; p < end && isdigit((unsigned char)*p); p++) {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale /= 10;
			}
			digits++;
		}
		if (digits == 0)
			return NULL;
	} else if (epoch)
		return NULL;
	if (p < end && *p != ' ')
		return NULL;
	/* 12 digits of seconds: past 2^64 ns (584 years) is no time. */
	if (v > (UINT64_MAX - NS) / NS - c->c_dayoff / NS - 1) {
		c->c_tsbig = 1;
		return NULL;
	}
	v = v * NS + frac * scale;
	if (!c->c_havets) {
		c->c_havets = 1;
		c->c_epoch = epoch;
		c->c_first = c->c_last = v;
	}
	if (!epoch) {
		/* -tt has no date: past midnight, a day more. */
		v += c->c_dayoff;
		if (v + DAY_NS / 2 < c->c_last) {
			c->c_dayoff += DAY_NS;
			v += DAY_NS;
		}
	}
	if (v > c->c_last)
		c->c_last = v;
	imp_settime(c->c_im, v > c->c_first ? v - c->c_first : 0);
	return p;
}

/* Does an strace message ("strace: Process N attached") start at P? */
static const char *
strace_msg(const char *p, const char *end)
{
	const char *q;

	for (q = p; q < end; q++) {
		if (*q != 's' || !starts(q, end, "strace: Process "))
			continue;
		/* Not inside a string argument: nothing like one follows. */
		if (memchr(q, '"', (size_t)(end - q)) == NULL &&
		    memchr(q, ')', (size_t)(end - q)) == NULL)
			return q;
	}
	return NULL;
}

static int
do_line(struct strace_conv *c, const char *line, size_t len, char *err,
    size_t errlen)
{
	const char *p = line, *end = line + len, *q;
	uint64_t tid = 0;
	int named = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return IMP_OK;
	/* strace's own messages. */
	if (starts(p, end, "strace: ") || starts(p, end, "[ Process ") ||
	    (starts(p, end, "Process ") && (ends(p, end, "attached") ||
	    ends(p, end, "detached") || ends(p, end, "suspended"))))
		return IMP_OK;
	if (starts(p, end, "[pid")) {
		for (q = p + 4; q < end && *q == ' '; q++)
			continue;
		for (; q < end && isdigit((unsigned char)*q); q++)
			if ((tid = tid * 10 + (uint64_t)(*q - '0')) >
			    KMT_INT_MAX)
				break;
		if (tid > KMT_INT_MAX)
			return bad(err, errlen, "PID of '%.*s%s' out of range",
			    p, (size_t)(end - p));
		if (q == end || *q != ']' || tid == 0)
			return bad(err, errlen, "bad PID prefix '%.*s%s'", p,
			    (size_t)(end - p));
		named = 1;
		p = q + 1;
	} else if (isdigit((unsigned char)*p)) {
		for (q = p; q < end && isdigit((unsigned char)*q); q++)
			if (tid <= KMT_INT_MAX)
				tid = tid * 10 + (uint64_t)(*q - '0');
		if (q < end && *q == ' ') {
			if (tid > KMT_INT_MAX)
				return bad(err, errlen, "PID '%.*s%s' out of "
				    "range", p, (size_t)(q - p));
			if (tid == 0)
				return bad(err, errlen, "bad PID '%.*s%s'", p,
				    (size_t)(q - p));
			named = 1;
			p = q;
		} else
			tid = 0;
	}
	while (p < end && *p == ' ')
		p++;
	if ((q = strace_msg(p, end)) != NULL) {
		/* The rest of this line comes on the next one. */
		if (grow(&c->c_part, &c->c_partcap, (size_t)(q - line) + 1) !=
		    0)
			return IMP_NOMEM;
		memcpy(c->c_part, line, (size_t)(q - line));
		c->c_partlen = (size_t)(q - line);
		return IMP_OK;
	}
	if (p < end && isdigit((unsigned char)*p)) {
		c->c_tsbig = 0;
		if ((q = timestamp(c, p, end)) == NULL) {
			for (q = p; q < end && *q != ' '; q++)
				continue;
			if (c->c_tsbig)
				return bad(err, errlen, "timestamp '%.*s%s' out "
				    "of range", p, (size_t)(q - p));
			return bad(err, errlen, "bad timestamp '%.*s%s'", p,
			    (size_t)(q - p));
		}
		for (p = q; p < end && *p == ' '; p++)
			continue;
	} else if (!c->c_havets)
		imp_settime(c->c_im, (c->c_lineno - 1) * 1000);
	/* strace -i: the instruction pointer. */
	if (p < end && *p == '[') {
		for (q = p + 1; q < end && isxdigit((unsigned char)*q); q++)
			continue;
		if (q < end && *q == ']' && q > p + 1)
			for (p = q + 1; p < end && *p == ' '; p++)
				continue;
	}
	if (p == end)
		return bad(err, errlen, "nothing after the prefix%.*s%s", "",
		    0);
	return do_body(c, (uint32_t)tid, named, p, end, err, errlen);
}

int
strace_line(struct strace_conv *c, const char *line, size_t len, char *err,
    size_t errlen)
{
	char *tmp;
	size_t n;
	int rc;

	c->c_lineno++;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (c->c_partlen == 0)
		return do_line(c, line, len, err, errlen);
	/* The rest of a line that an strace message cut. */
	n = c->c_partlen;
	c->c_partlen = 0;
	if ((tmp = malloc(n + len + 1)) == NULL)
		return IMP_NOMEM;
	memcpy(tmp, c->c_part, n);
	memcpy(tmp + n, line, len);
	tmp[n + len] = '\0';
	rc = do_line(c, tmp, n + len, err, errlen);
	free(tmp);
	return rc;
}

int
strace_end(struct strace_conv *c, char *err, size_t errlen)
{

	(void)err;
	(void)errlen;
	/* A line cut by strace's message and never finished is dropped. */
	c->c_partlen = 0;
	return IMP_OK;
}
