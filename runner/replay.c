/*
 * replay.c: drive the simulated kernel with a kmtrace (see replay.h).
 *
 * Each event is first checked against the trace's own view of the
 * process (a malformed trace stops the replay), then the trace's view is
 * updated once, and then the kernel path runs.  A kernel path that must
 * sleep leaves its process asleep with the event pending; whenever
 * memory has been freed the sleepers' events run again, as a restarted
 * system call would.  A panic ends the replay.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/sha256.h"
#include "../kernel/kern_descrip.h"
#include "../kernel/kcheck.h"
#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "../kernel/uvm_map.h"
#include "probe.h"
#include "replay.h"
#include "tracehold.h"

/* Every malloc type a trace can name fits the kernel's table. */
_Static_assert(KMT_TOKEN_MAX <= MALLOC_NAMEMAX, "type names fit kmemstats");

/* How the kernel's answer to one event is taken. */
enum outcome {
	OK,		/* go on (to the kernel part) */
	DONE,		/* nothing more to do for this event */
	REFUSED,	/* the kernel said no; counted */
	SLEPT,
	PANICKED
};

static inline size_t
pidhash(uint32_t pid, size_t cap)
{

	return (size_t)(pid * 2654435761U) & (cap - 1);
}

struct rproc *
replay_proc(const struct replay *r, uint32_t pid)
{
	size_t i;

	if (pid == 0)
		return r->r_kernel;
	if (r->r_cap == 0)
		return NULL;
	for (i = pidhash(pid, r->r_cap); r->r_procs[i] != NULL;
	    i = (i + 1) & (r->r_cap - 1))
		if (r->r_procs[i]->rp_pid == pid)
			return r->r_procs[i];
	return NULL;
}

static struct rproc *
replay_newproc(struct replay *r, uint32_t pid)
{
	struct rproc *rp;
	size_t i;

	if ((r->r_nprocs + 1) * 2 >= r->r_cap) {
		size_t ncap = r->r_cap ? 2 * r->r_cap : 64, j;
		struct rproc **n = calloc(ncap, sizeof(*n));

		if (n == NULL)
			return NULL;
		for (j = 0; j < r->r_cap; j++) {
			if (r->r_procs[j] == NULL)
				continue;
			for (i = pidhash(r->r_procs[j]->rp_pid, ncap);
			    n[i] != NULL; i = (i + 1) & (ncap - 1))
				continue;
			n[i] = r->r_procs[j];
		}
		free(r->r_procs);
		r->r_procs = n;
		r->r_cap = ncap;
	}
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return NULL;
	rp->rp_pid = pid;
	rp->rp_kp.p_pid = pid;
	for (i = pidhash(pid, r->r_cap); r->r_procs[i] != NULL;
	    i = (i + 1) & (r->r_cap - 1))
		continue;
	r->r_procs[i] = rp;
	r->r_nprocs++;
	return rp;
}

/* The flags of descriptor FD in RP's view, 0 when it is not open. */
static inline uint8_t
vfd_get(const struct rproc *rp, uint32_t fd)
{

	return rp->rp_fds != NULL ? fdtab_get(&rp->rp_fds->fv_t, fd) : 0;
}

static inline size_t
fdview_slots(const struct u32tab *t)
{

	return t->ut_nsmall + t->ut_cap;
}

/* RP lets go of its view; the last to let go frees it. */
static void
vfd_drop(struct replay *r, struct rproc *rp)
{
	struct fdview *v = rp->rp_fds;

	if (v == NULL)
		return;
	rp->rp_fds = NULL;
	if (--v->fv_refs > 0)
		return;
	r->r_fdslots -= v->fv_slots;
	fdtab_free(&v->fv_t);
	free(v);
}

/*
 * RP's view, its own to change: a new empty one, or a copy of one it
 * shares.  NULL when the host is out of memory (*BOUNDP 0) or a copy
 * would take the views past REPLAY_MAXFDSLOTS (*BOUNDP 1).
 */
static struct u32tab *
vfd_mut(struct replay *r, struct rproc *rp, int *boundp)
{
	struct fdview *v = rp->rp_fds, *n;

	*boundp = 0;
	if (v != NULL && v->fv_refs == 1)
		return &v->fv_t;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->fv_refs = 1;
	if (v != NULL) {
		if (r->r_fdslots + v->fv_slots > REPLAY_MAXFDSLOTS) {
			free(n);
			*boundp = 1;
			return NULL;
		}
		if (fdtab_copy(&n->fv_t, &v->fv_t) != 0) {
			free(n);
			return NULL;
		}
		n->fv_slots = fdview_slots(&n->fv_t);
		r->r_fdslots += n->fv_slots;
		v->fv_refs--;
	}
	rp->rp_fds = n;
	return &n->fv_t;
}

/* After a change to RP's own view: its slots counted again. */
static inline int
vfd_count(struct replay *r, struct rproc *rp)
{
	struct fdview *v = rp->rp_fds;
	size_t n = fdview_slots(&v->fv_t);

	if (n != v->fv_slots) {
		r->r_fdslots += n - v->fv_slots;
		v->fv_slots = n;
	}
	return r->r_fdslots > REPLAY_MAXFDSLOTS;
}

/*
 * Set descriptor FD's flags in RP's view (0 closes it).  0; -1 when
 * the host is out of memory; 1 past REPLAY_MAXFDSLOTS.
 */
static int
vfd_set(struct replay *r, struct rproc *rp, uint32_t fd, uint8_t flags)
{
	struct u32tab *t;
	int bound;

	if (rp->rp_fds != NULL && rp->rp_fds->fv_refs == 1 &&
	    fd < rp->rp_fds->fv_t.ut_nsmall) {
		/* The common case: its own view, a direct slot. */
		rp->rp_fds->fv_t.ut_small[fd] = flags;
		return 0;
	}
	if (flags == 0 && vfd_get(rp, fd) == 0)
		return 0;
	if ((t = vfd_mut(r, rp, &bound)) == NULL)
		return bound ? 1 : -1;
	if (flags == 0)
		fdtab_del(t, fd);
	else if (fdtab_set(t, fd, flags) != 0)
		return -1;
	return vfd_count(r, rp);
}

static void
rproc_clear_view(struct replay *r, struct rproc *rp)
{

	r->r_nids -= rp->rp_maps.it_n + rp->rp_kmallocs.it_n;
	vfd_drop(r, rp);
	idtab_free(&rp->rp_maps);
	idtab_free(&rp->rp_kmallocs);
}

static void
sleepers_remove(struct replay *r, struct rproc *rp)
{
	size_t i;

	for (i = 0; i < r->r_nsleepers; i++)
		if (r->r_sleepers[i] == rp) {
			r->r_sleepers[i] = r->r_sleepers[--r->r_nsleepers];
			return;
		}
}

static int
sleepers_add(struct replay *r, struct rproc *rp)
{

	if (r->r_nsleepers == r->r_sleepcap) {
		size_t n = r->r_sleepcap ? 2 * r->r_sleepcap : 16;
		struct rproc **s = realloc(r->r_sleepers, n * sizeof(*s));

		if (s == NULL)
			return -1;
		r->r_sleepers = s;
		r->r_sleepcap = n;
	}
	r->r_sleepers[r->r_nsleepers++] = rp;
	return 0;
}

static void
count_error(struct replay *r, struct rproc *rp, int error)
{
	enum kerr k;

	switch (error) {
	case EMFILE: k = KE_EMFILE; break;
	case ENFILE: k = KE_ENFILE; break;
	case EBADF: k = KE_EBADF; break;
	case EAGAIN: k = KE_EAGAIN; break;
	default: k = KE_ENOMEM; break;
	}
	rp->rp_errors[k]++;
	r->r_errors[k]++;
}

static void
skip(struct replay *r, struct rproc *rp)
{

	r->r_skipped++;
	if (rp != NULL)
		rp->rp_skipped++;
}

/* Take the kernel's answer ERROR, not 0, to EV of RP. */
static __attribute__((noinline)) enum outcome
answer_error(struct replay *r, struct rproc *rp, const struct kmt_event *ev,
    int error)
{

	switch (error) {
	case EPANIC:
		r->r_panicked = 1;
		r->r_panic_event = ev->ke_no;
		r->r_panic_pid = ev->ke_pid;
		r->r_panic_time = ev->ke_time;
		return PANICKED;
	case ESLEEP:
		rp->rp_state = RS_ASLEEP;
		rp->rp_pending = *ev;
		rp->rp_sleeps++;
		rp->rp_sleep_event = r->r_events;	/* the event being read */
		if (sleepers_add(r, rp) != 0)
			return PANICKED;
		return SLEPT;
	default:
		count_error(r, rp, error);
		return REFUSED;
	}
}

/* Take the kernel's answer ERROR to EV of RP (mostly 0: go on). */
static inline enum outcome
answer(struct replay *r, struct rproc *rp, const struct kmt_event *ev,
    int error)
{

	return __builtin_expect(error == 0, 1) ? OK :
	    answer_error(r, rp, ev, error);
}

static void
note_fds(struct rproc *rp)
{

	if (rp->rp_kp.p_fd.fd_nopen > rp->rp_max_fds)
		rp->rp_max_fds = rp->rp_kp.p_fd.fd_nopen;
}

/*
 * The kernel's index of EV's malloc type, -1 when the kernel's table is
 * full.  A trace's kmallocs mostly name the type of the one before.
 */
static int
replay_type(struct replay *r, const struct kmt_event *ev)
{
	int type;

	if (ev->ke_typelen != r->r_typelen ||
	    !kmt_tokeq(ev->ke_type, r->r_typename, ev->ke_typelen)) {
		if ((type = malloc_type(r->r_m, ev->ke_type)) < 0)
			return -1;
		memcpy(r->r_typename, ev->ke_type, sizeof(r->r_typename));
		r->r_typelen = ev->ke_typelen;
		r->r_type = type;
	}
	return r->r_type;
}

/* The view's entry for EV's ID in T. */
static struct idval *
view_entry(const struct idtab *t, const struct kmt_event *ev)
{
	struct idkey k;

	idkey_init(&k, ev->ke_id, ev->ke_idlen);
	return idtab_get(t, &k);
}

/*
 * The kernel's part of a kmalloc (see kernel_part()), on its own: the
 * replay's most common kernel call is made without kernel_part()'s
 * frame and switch.
 */
static inline __attribute__((always_inline)) enum outcome
kernel_kmalloc(struct replay *r, struct rproc *rp, const struct kmt_event *ev,
    struct idval *iv)
{
	struct machine *m = r->r_m;
	enum outcome o;
	vaddr_t va;

	m->m_curproc = ev->ke_pid == 0 ? NULL : &rp->rp_kp;
	/* The view has the entry, with the type, unless freed since. */
	if (iv == NULL)
		iv = view_entry(&rp->rp_kmallocs, ev);
	o = answer(r, rp, ev, kern_malloc(m, (unsigned long)ev->ke_n,
	    iv != NULL ? iv->iv_type : replay_type(r, ev), ev->ke_mflags,
	    &va));
	if (o == OK && iv != NULL) {
		iv->iv_ghost = 0;
		iv->iv_va = va;
	}
	return o;
}

/*
 * The kernel's part of an event, which can run again after a sleep.
 * The trace's view has already been updated.  IV is the view's entry
 * for the event's mapping or kmalloc, if the caller has it; NULL has
 * it looked up (a restart: the entry may have moved, or gone).
 */
static enum outcome
kernel_part(struct replay *r, struct rproc *rp, const struct kmt_event *ev,
    struct idval *iv)
{
	struct machine *m = r->r_m;
	struct rproc *child;
	enum outcome o;
	uint64_t start;
	uint8_t f;
	int fd;

	m->m_curproc = ev->ke_pid == 0 ? NULL : &rp->rp_kp;
	switch (ev->ke_op) {
	case KMT_SPAWN:
		/* Its PID is held by a hung process (rproc_begin()). */
		if (rp->rp_state == RS_ASLEEP)
			return answer(r, rp, ev, EAGAIN);
		if (!rp->rp_kalive) {
			if ((o = answer(r, rp, ev,
			    proc_spawn(m, &rp->rp_kp))) != OK) {
				if (o == REFUSED)
					rp->rp_state = RS_NEVER;
				/*
				 * A panic leaves the half-made process as it
				 * was; replay_free() gives its host memory
				 * back like any other's.
				 */
				if (o == PANICKED)
					rp->rp_kalive = 1;
				return o;
			}
			rp->rp_kalive = 1;
			rp->rp_state = RS_RUNNING;
		}
		/* Descriptors 0, 1 and 2: three files. */
		for (fd = 0; fd < 3; fd++) {
			if (fd_isopen(m, &rp->rp_kp, fd))
				continue;
			o = answer(r, rp, ev, fd_open(m, &rp->rp_kp, fd, 0));
			if (o == OK)
				(void)vfd_set(r, rp, (uint32_t)fd, VFD_OPEN);
			else if (o != REFUSED)
				return o;
		}
		note_fds(rp);
		return OK;
	case KMT_FORK:
		child = replay_proc(r, ev->ke_child);
		/* CHILD's PID is held by a hung process (rproc_begin()). */
		if (child->rp_state == RS_ASLEEP)
			return answer(r, rp, ev, EAGAIN);
		o = answer(r, rp, ev, proc_fork(m, &rp->rp_kp,
		    &child->rp_kp));
		if (o == OK) {
			child->rp_kalive = 1;
			child->rp_state = RS_RUNNING;
			note_fds(child);
		} else if (o == PANICKED)
			child->rp_kalive = 1;	/* freed by replay_free() */
		return o;
	case KMT_SYSCTL:
		sysctl_maxfiles(m, ev->ke_n);
		return OK;
	case KMT_LIMIT:
		return answer(r, rp, ev, proc_setnofile(m, &rp->rp_kp,
		    ev->ke_n));
	case KMT_OPEN:
		o = answer(r, rp, ev, fd_open(m, &rp->rp_kp, (int)ev->ke_fd,
		    ev->ke_cloexec));
		if (o == OK) {
			f = vfd_get(rp, ev->ke_fd);
			(void)vfd_set(r, rp, ev->ke_fd, f & ~VFD_GHOST);
			note_fds(rp);
		}
		return o;
	case KMT_DUP:
		o = answer(r, rp, ev, fd_dup(m, &rp->rp_kp, (int)ev->ke_oldfd,
		    (int)ev->ke_fd, ev->ke_cloexec));
		if (o == OK) {
			f = vfd_get(rp, ev->ke_fd);
			(void)vfd_set(r, rp, ev->ke_fd, f & ~VFD_GHOST);
			note_fds(rp);
		}
		return o;
	case KMT_MAP:
		o = answer(r, rp, ev, uvm_map_anon(m, rp->rp_kp.p_vmspace,
		    ev->ke_n, &start));
		if (o == OK && (iv != NULL ||
		    (iv = view_entry(&rp->rp_maps, ev)) != NULL)) {
			iv->iv_ghost = 0;
			iv->iv_start = start;
			iv->iv_simpages = ev->ke_n;
		}
		return o;
	/* TOUCH, GROW and UNMAP come resolved: ke_off is the first page. */
	case KMT_TOUCH:
		return answer(r, rp, ev, uvm_fault_write(m,
		    rp->rp_kp.p_vmspace, ev->ke_off, ev->ke_npages));
	case KMT_GROW:
		o = answer(r, rp, ev, uvm_map_grow(m, rp->rp_kp.p_vmspace,
		    ev->ke_off, ev->ke_npages, ev->ke_n));
		if (o == OK && (iv != NULL ||
		    (iv = view_entry(&rp->rp_maps, ev)) != NULL))
			iv->iv_simpages = ev->ke_n;
		return o;
	case KMT_UNMAP:
		return answer(r, rp, ev, uvm_unmap(m, rp->rp_kp.p_vmspace,
		    ev->ke_off, ev->ke_npages));
	case KMT_KMALLOC:
		return kernel_kmalloc(r, rp, ev, iv);
	default:
		return OK;
	}
}

/*
 * A process begins in the trace (spawn, fork): alive, with an empty view
 * and nothing in the kernel yet.  An earlier process of the same PID
 * that exited in the trace while asleep in the kernel is hung, and
 * still holds its PID and its kernel memory: it keeps the record, its
 * state and its struct proc, and the new process is refused with
 * EAGAIN (rproc_hung()); the trace's view starts afresh all the same.
 */
static void
rproc_begin(struct replay *r, struct rproc *rp)
{
	uint32_t pid = rp->rp_pid;

	rproc_clear_view(r, rp);
	if (rp->rp_state == RS_ASLEEP) {
		rp->rp_alive = 1;
		return;
	}
	memset(&rp->rp_kp, 0, sizeof(rp->rp_kp));
	rp->rp_kp.p_pid = pid;
	rp->rp_kalive = 0;
	rp->rp_alive = 1;
	rp->rp_state = RS_NEVER;
}

/* A one-line message about event EV; returns 2. */
static int
malformed(char *err, size_t errlen, const char *path,
    const struct kmt_event *ev, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%" PRIu64 ": event %" PRIu64 ": %s", path,
	    ev->ke_line, ev->ke_no, msg);
	return 2;
}

/*
 * Past the replay's bounds (replay.h): the trace asks for more live
 * processes or IDs than a replay keeps.  Exit status 2, like malformed
 * input, with the limit named.
 */
static int
toomany(struct replay *r, const struct kmt_event *ev, char *err,
    size_t errlen)
{

	if (r->r_nprocs >= REPLAY_MAXPROCS && (ev->ke_op == KMT_SPAWN ||
	    ev->ke_op == KMT_FORK))
		return malformed(err, errlen, r->r_trace, ev, "too many "
		    "processes: a replay keeps at most %d", REPLAY_MAXPROCS);
	return malformed(err, errlen, r->r_trace, ev, "too many live "
	    "mappings and kmallocs: a replay keeps at most %d",
	    REPLAY_MAXIDS);
}

/*
 * One event: check it, update the trace's view, run the kernel part.
 * Returns 0, or 2 (malformed) / 1 (internal) with ERR.
 */
static int
replay_event(struct replay *r, const struct kmt_event *ev,
    struct rproc **lastp, char *err, size_t errlen)
{
	struct machine *m = r->r_m;
	struct rproc *rp, *child = NULL;
	struct kmt_event kev;
	const struct kmt_event *kp = ev;	/* what the kernel replays */
	struct idval *iv = NULL;
	struct idkey key;
	uint8_t f;
	int type, found, rc;
	enum outcome o = OK;

	/*
	 * Processes are never removed nor renumbered, so the last one
	 * found is still the one of its PID.
	 */
	if (*lastp != NULL && (*lastp)->rp_pid == ev->ke_pid)
		rp = *lastp;
	else if ((rp = replay_proc(r, ev->ke_pid)) != NULL && ev->ke_pid != 0)
		*lastp = rp;
	if (ev->ke_op == KMT_SPAWN) {
		if (rp != NULL && rp->rp_alive)
			return malformed(err, errlen, r->r_trace, ev,
			    "spawn of PID %" PRIu32 ", which is alive",
			    ev->ke_pid);
		if (rp == NULL && r->r_nprocs >= REPLAY_MAXPROCS)
			return toomany(r, ev, err, errlen);
		if (rp == NULL && (rp = replay_newproc(r, ev->ke_pid)) == NULL)
			goto nomem;
		*lastp = rp;
		rproc_begin(r, rp);
		/* The trace's process has 0, 1 and 2 whatever the kernel did. */
		for (f = 0; f < 3; f++)
			if ((rc = vfd_set(r, rp, f, VFD_OPEN | VFD_GHOST)) != 0)
				goto setfail;
		o = kernel_part(r, rp, ev, NULL);
		goto done;
	}
	if (rp == NULL)
		return malformed(err, errlen, r->r_trace, ev,
		    "PID %" PRIu32 " does not exist (no spawn or fork named "
		    "it)", ev->ke_pid);
	if (!rp->rp_alive)
		return malformed(err, errlen, r->r_trace, ev,
		    "PID %" PRIu32 " does not exist (it exited)", ev->ke_pid);
	if (ev->ke_op == KMT_FORK) {
		child = replay_proc(r, ev->ke_child);
		if (child != NULL && child->rp_alive)
			return malformed(err, errlen, r->r_trace, ev,
			    "fork of PID %" PRIu32 ", which is alive",
			    ev->ke_child);
	}
	if (rp->rp_state == RS_ASLEEP || rp->rp_state == RS_NEVER) {
		/*
		 * Asleep in the kernel, or never made: the event is lost
		 * for the kernel, but the trace's view goes on.
		 */
		skip(r, rp);
		o = DONE;
	}
	switch (ev->ke_op) {
	case KMT_FORK:
		if (child == NULL && r->r_nprocs >= REPLAY_MAXPROCS)
			return toomany(r, ev, err, errlen);
		if (r->r_nids + rp->rp_maps.it_n > REPLAY_MAXIDS)
			return toomany(r, ev, err, errlen);
		if (child == NULL &&
		    (child = replay_newproc(r, ev->ke_child)) == NULL)
			goto nomem;
		rproc_begin(r, child);
		/* The descriptors are shared until one of them changes. */
		if ((child->rp_fds = rp->rp_fds) != NULL)
			child->rp_fds->fv_refs++;
		if (idtab_copy(&child->rp_maps, &rp->rp_maps) != 0)
			goto nomem;
		r->r_nids += child->rp_maps.it_n;
		break;
	case KMT_EXEC:
		if (rp->rp_fds != NULL) {
			struct u32tab *t;
			int bound;

			if ((t = vfd_mut(r, rp, &bound)) == NULL) {
				rc = bound ? 1 : -1;
				goto setfail;
			}
			fdtab_close(t, VFD_OPEN | VFD_CLOEXEC);
			if ((rc = vfd_count(r, rp)) != 0)
				goto setfail;
		}
		r->r_nids -= rp->rp_maps.it_n;
		idtab_clear(&rp->rp_maps);
		if (o == OK)
			proc_exec(m, &rp->rp_kp);
		o = DONE;
		break;
	case KMT_EXIT:
		rp->rp_alive = 0;
		rproc_clear_view(r, rp);
		if (o == OK) {
			m->m_curproc = &rp->rp_kp;
			proc_exit(m, &rp->rp_kp);
			rp->rp_kalive = 0;
			rp->rp_state = RS_EXITED;
		} else if (rp->rp_state == RS_ASLEEP)
			sleepers_remove(r, rp);	/* hung for good */
		o = DONE;
		break;
	case KMT_OPEN:
		if (vfd_get(rp, ev->ke_fd) != 0)
			return malformed(err, errlen, r->r_trace, ev,
			    "open of descriptor %" PRIu32 ", which is already "
			    "open", ev->ke_fd);
		if ((rc = vfd_set(r, rp, ev->ke_fd, VFD_OPEN | VFD_GHOST |
		    (ev->ke_cloexec ? VFD_CLOEXEC : 0))) != 0)
			goto setfail;
		break;
	case KMT_DUP:
		f = vfd_get(rp, ev->ke_oldfd);
		if (f == 0) {
			if (o == OK) {
				count_error(r, rp, EBADF);
				skip(r, rp);
			}
			o = DONE;
			break;
		}
		if (ev->ke_oldfd == ev->ke_fd) {
			o = DONE;	/* dup2(fd, fd) */
			break;
		}
		if ((f & VFD_GHOST) && o == OK) {
			/* A dup of a descriptor the kernel never gave. */
			if (fd_isopen(m, &rp->rp_kp, (int)ev->ke_fd))
				fd_close(m, &rp->rp_kp, (int)ev->ke_fd);
			skip(r, rp);
			o = DONE;
		}
		if ((rc = vfd_set(r, rp, ev->ke_fd, VFD_OPEN | VFD_GHOST |
		    (ev->ke_cloexec ? VFD_CLOEXEC : 0))) != 0)
			goto setfail;
		break;
	case KMT_CLOSE:
		f = vfd_get(rp, ev->ke_fd);
		if (f == 0) {
			if (o == OK) {
				count_error(r, rp, EBADF);
				skip(r, rp);
			}
		} else {
			if ((rc = vfd_set(r, rp, ev->ke_fd, 0)) != 0)
				goto setfail;
			if (o == OK && (f & VFD_GHOST))
				skip(r, rp);
			else if (o == OK)
				fd_close(m, &rp->rp_kp, (int)ev->ke_fd);
		}
		o = DONE;
		break;
	case KMT_MAP:
		idkey_init(&key, ev->ke_id, ev->ke_idlen);
		if (r->r_nids >= REPLAY_MAXIDS &&
		    idtab_get(&rp->rp_maps, &key) == NULL)
			return toomany(r, ev, err, errlen);
		if ((iv = idtab_put(&rp->rp_maps, &key, &found)) == NULL)
			goto nomem;
		if (found)
			return malformed(err, errlen, r->r_trace, ev,
			    "map of '%s', which is already mapped", ev->ke_id);
		r->r_nids++;
		iv->iv_npages = ev->ke_n;
		iv->iv_ghost = 1;
		break;
	case KMT_TOUCH:
	case KMT_GROW:
	case KMT_UNMAP:
		if ((iv = view_entry(&rp->rp_maps, ev)) == NULL) {
			/* Names a mapping that does not exist. */
			if (o == OK)
				skip(r, rp);
			o = DONE;
			break;
		}
		if (ev->ke_ranged && ev->ke_off + ev->ke_npages >
		    iv->iv_npages)
			return malformed(err, errlen, r->r_trace, ev,
			    "pages %" PRIu64 " to %" PRIu64 " are outside "
			    "'%s' of %" PRIu64 " pages", ev->ke_off,
			    ev->ke_off + ev->ke_npages - 1, ev->ke_id,
			    iv->iv_npages);
		if (iv->iv_ghost && o == OK) {
			skip(r, rp);
			o = DONE;
		}
		/* Resolve to pages of the address space, for a restart. */
		kev = *ev;
		kp = &kev;
		if (ev->ke_op == KMT_GROW) {
			kev.ke_off = iv->iv_start;
			kev.ke_npages = iv->iv_simpages;
			iv->iv_npages = ev->ke_n;
		} else {
			kev.ke_off = iv->iv_start +
			    (ev->ke_ranged ? ev->ke_off : 0);
			kev.ke_npages = ev->ke_ranged ? ev->ke_npages :
			    (ev->ke_op == KMT_UNMAP ? iv->iv_simpages :
			    iv->iv_npages);
		}
		if (ev->ke_op == KMT_UNMAP && !ev->ke_ranged) {
			idtab_remove(&rp->rp_maps, iv);
			iv = NULL;
			r->r_nids--;
		}
		break;
	case KMT_KMALLOC:
		/* Past the limit: the errors still come in the order below. */
		idkey_init(&key, ev->ke_id, ev->ke_idlen);
		if (r->r_nids >= REPLAY_MAXIDS &&
		    idtab_get(&rp->rp_kmallocs, &key) == NULL &&
		    replay_type(r, ev) >= 0)
			return toomany(r, ev, err, errlen);
		if ((iv = idtab_put(&rp->rp_kmallocs, &key, &found)) == NULL)
			goto nomem;
		if (found)
			return malformed(err, errlen, r->r_trace, ev,
			    "kmalloc of '%s', which is not yet freed",
			    ev->ke_id);
		if ((type = replay_type(r, ev)) < 0)
			return malformed(err, errlen, r->r_trace, ev,
			    "more than %d malloc types", MALLOC_MAXTYPES);
		r->r_nids++;
		iv->iv_ghost = 1;
		iv->iv_type = type;
		break;
	case KMT_KFREE:
		if ((iv = view_entry(&rp->rp_kmallocs, ev)) == NULL) {
			if (o == OK)
				skip(r, rp);
			o = DONE;
			break;
		}
		if (o == OK && iv->iv_ghost)
			skip(r, rp);
		else if (o == OK) {
			m->m_curproc = ev->ke_pid ? &rp->rp_kp : NULL;
			kern_free(m, iv->iv_va, iv->iv_type);
		}
		idtab_remove(&rp->rp_kmallocs, iv);
		r->r_nids--;
		o = DONE;
		break;
	default:
		break;
	}
	if (o == OK)
		o = ev->ke_op == KMT_KMALLOC ? kernel_kmalloc(r, rp, kp, iv) :
		    kernel_part(r, rp, kp, iv);
done:
	if (o == PANICKED && !r->r_panicked) {
		snprintf(err, errlen, "%s: out of memory at event %" PRIu64,
		    r->r_trace, ev->ke_no);
		return 1;
	}
	return 0;
setfail:
	/* vfd_set(): 1 past the descriptor bound, -1 out of memory. */
	if (rc > 0)
		return malformed(err, errlen, r->r_trace, ev, "too many "
		    "descriptors: a replay keeps at most %d descriptor slots "
		    "over all processes", REPLAY_MAXFDSLOTS);
nomem:
	snprintf(err, errlen, "%s: out of memory at event %" PRIu64,
	    r->r_trace, ev->ke_no);
	return 1;
}

/*
 * Memory was freed: run the sleepers' calls again, as restarted system
 * calls, until a pass frees nothing more.  A panic on the way is the
 * current event's (NOW).
 */
static int
replay_wake(struct replay *r, const struct kmt_event *now)
{
	struct rproc **batch;
	uint64_t seen;
	size_t i, n, woke;

	do {
		woke = 0;
		seen = r->r_m->m_wakeups;
		n = r->r_nsleepers;
		if ((batch = malloc(n * sizeof(*batch))) == NULL)
			return -1;
		memcpy(batch, r->r_sleepers, n * sizeof(*batch));
		r->r_nsleepers = 0;
		for (i = 0; i < n && !r->r_panicked; i++) {
			struct rproc *rp = batch[i];
			struct kmt_event ev = rp->rp_pending;

			rp->rp_state = RS_RUNNING;
			rp->rp_kp.p_wmesg = NULL;
			if (kernel_part(r, rp, &ev, NULL) == SLEPT)
				rp->rp_sleeps--;	/* the same sleep */
			else
				woke++;
		}
		/* Those not reached before a panic stay asleep. */
		for (; i < n; i++)
			if (sleepers_add(r, batch[i]) != 0)
				break;
		free(batch);
		if (r->r_panicked) {
			r->r_panic_event = now->ke_no;
			r->r_panic_time = now->ke_time;
		}
	} while (woke > 0 && r->r_m->m_wakeups != seen &&
	    r->r_nsleepers > 0 && !r->r_panicked);
	return 0;
}

/*
 * --check, at the end of a replay: every process the kernel holds is
 * one of the replay's records still in the kernel (the hung ones
 * included), so that replay_free() gives all of its memory back.  The
 * kernel's count of processes and its u-area pages must match them.
 */
static int
replay_check_procs(struct replay *r, char *err, size_t errlen)
{
	struct machine *m = r->r_m;
	long n = 0;
	size_t i;

	for (i = 0; i < r->r_cap; i++)
		if (r->r_procs[i] != NULL && r->r_procs[i]->rp_kalive)
			n++;
	if (n == m->m_nprocs && m->m_uareapages == (uint64_t)n * m->m_upages)
		return 0;
	snprintf(err, errlen, "%s: at the end: invariant broken: the kernel "
	    "holds %ld processes and %" PRIu32 " u-area pages, the replay "
	    "knows %ld processes (%ld pages): kernel memory of a process "
	    "is lost", r->r_trace, m->m_nprocs, m->m_uareapages, n,
	    n * (long)m->m_upages);
	return 1;
}

int
replay_run(struct replay *r, struct machine *m, struct probe *p,
    const char *path, char *err, size_t errlen)
{

	return replay_run_digest(r, m, p, path, NULL, err, errlen);
}

/* Start R on machine M with probes P (or NULL); 0, or 1 with ERR. */
static int
replay_start(struct replay *r, struct machine *m, struct probe *p,
    const char *path, char *err, size_t errlen)
{

	memset(r, 0, sizeof(*r));
	r->r_m = m;
	r->r_probe = p;
	r->r_trace = path;
	r->r_progress = isatty(STDERR_FILENO);
	if ((r->r_kernel = calloc(1, sizeof(*r->r_kernel))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	r->r_kernel->rp_alive = 1;
	return 0;
}

/* Every event of RD through the kernel: replay_run()'s result. */
static int
replay_events(struct replay *r, struct kmt_reader *rd, char *err,
    size_t errlen)
{
	struct machine *m = r->r_m;
	struct probe *p = r->r_probe;
	struct kmt_event ev;
	struct rproc *last = NULL;
	const char *path = r->r_trace, *w;
	uint64_t woken;
	size_t sleepers;
	int rc = 0, n;

	woken = m->m_wakeups;
	while ((n = kmt_read(rd, &ev, err, errlen)) == 1) {
		r->r_events++;
		m->m_now = ev.ke_time;
		if (p != NULL)
			probe_event(p, ev.ke_no, ev.ke_time, ev.ke_pid);
		sleepers = r->r_nsleepers;
		if ((rc = replay_event(r, &ev, &last, err, errlen)) != 0)
			break;
		if (p != NULL)
			probe_after(p, r->r_panicked ? "panic" :
			    r->r_nsleepers > sleepers ? "sleep" : NULL);
		if (r->r_panicked)
			break;
		if (r->r_nsleepers > 0 && m->m_wakeups != woken &&
		    replay_wake(r, &ev) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = 1;
			break;
		}
		woken = m->m_wakeups;
		if (r->r_panicked)
			break;
		/* --check: every invariant after every event (kcheck.c). */
		if (m->m_kcheck != NULL) {
			char msg[512];

			if (machine_check(m, msg, sizeof(msg)) != 0 ||
			    (p != NULL && probe_check(p, msg,
			    sizeof(msg)) != 0)) {
				snprintf(err, errlen, "%s:%" PRIu64 ": event %"
				    PRIu64 ": invariant broken: %s", path,
				    ev.ke_line, ev.ke_no, msg);
				rc = 1;
				break;
			}
		}
		if (r->r_progress && (r->r_events & 0xfffff) == 0)
			fprintf(stderr, "\r%s: %" PRIu64 " events", path,
			    r->r_events);
	}
	if (r->r_progress && r->r_events > 0xfffff)
		fprintf(stderr, "\r%*s\r", 60, "");
	if (n < 0)
		rc = 2;
	if (rc == 0 && m->m_kcheck != NULL && !r->r_panicked)
		rc = replay_check_procs(r, err, errlen);
	if (rc == 0 && (w = kmt_warning(rd)) != NULL)
		snprintf(r->r_warning, sizeof(r->r_warning), "%s", w);
	return rc;
}

int
replay_run_reader(struct replay *r, struct machine *m, struct probe *p,
    struct kmt_reader *rd, const char *name, char *err, size_t errlen)
{
	int rc;

	if (replay_start(r, m, p, name, err, errlen) != 0)
		return 1;
	rc = replay_events(r, rd, err, errlen);
	if (rc == 0 && p != NULL)
		probe_finish(p, r);
	return rc;
}

int
replay_run_digest(struct replay *r, struct machine *m, struct probe *p,
    const char *path, char digest[65], char *err, size_t errlen)
{
	struct sha256 sha;
	struct kmt_reader *rd;
	int rc;

	if (replay_start(r, m, p, path, err, errlen) != 0)
		return 1;
	/* A held image comes with its digest (tracehold.h). */
	if ((rd = tracehold_open(path, digest)) != NULL)
		digest = NULL;
	sha256_init(&sha);
	if (rd == NULL && (rd = kmt_open_tap(path, digest != NULL ?
	    sha256_tap : NULL, &sha, err, errlen)) == NULL)
		return 2;
	rc = replay_events(r, rd, err, errlen);
	/* The digest covers the whole file, read once, as it was read. */
	if (rc == 0 && digest != NULL) {
		if (kmt_drain(rd, err, errlen) != 0)
			rc = 2;
		else
			sha256_hex(&sha, digest);
	}
	kmt_close(rd);
	if (rc == 0 && p != NULL)
		probe_finish(p, r);
	return rc;
}

void
replay_free(struct replay *r)
{
	size_t i;

	for (i = 0; i < r->r_cap; i++) {
		if (r->r_procs[i] == NULL)
			continue;
		/* Processes still in the kernel give back what they hold. */
		if (r->r_procs[i]->rp_kalive && r->r_m != NULL) {
			r->r_m->m_curproc = &r->r_procs[i]->rp_kp;
			proc_exit(r->r_m, &r->r_procs[i]->rp_kp);
		}
		rproc_clear_view(r, r->r_procs[i]);
		free(r->r_procs[i]);
	}
	if (r->r_kernel != NULL)
		rproc_clear_view(r, r->r_kernel);
	free(r->r_kernel);
	free(r->r_procs);
	free(r->r_sleepers);
	memset(r, 0, sizeof(*r));
}
