/*
 * strace.h: turning the text of `strace -f` into kmtrace events, and
 * the importers' shared view of processes (struct imp), which the kdump
 * importer (kdump.c) uses as well.
 *
 * The importers stream: a log is fed one line at a time and events come
 * out through a callback as soon as they are known.  What is kept
 * depends on what is alive (processes, threads, their open descriptors,
 * mappings and unfinished calls), never on the length of the log.  The
 * mapping rules are in docs/recording.md.
 */
#ifndef KM_STRACE_H
#define KM_STRACE_H

#include <stddef.h>
#include <stdint.h>

#include "kmtrace.h"

/*
 * Where events go.  Returns 0, or -1 to stop the conversion (the
 * callback keeps its own message; the importer then returns IMP_EMIT).
 */
typedef int	(*imp_emit_fn)(void *arg, const struct kmt_event *ev);

/* What the line functions of both importers return. */
#define IMP_OK		0
#define IMP_MALFORMED	(-1)	/* the line is not what it should be */
#define IMP_EMIT	(-2)	/* the callback refused an event */
#define IMP_NOMEM	(-3)
#define IMP_TOOMANY	(-4)	/* past IMP_PEND_MAX or IMP_PEND_BYTES */
#define IMP_TOOLONG	(-5)	/* an unfinished call past IMP_LINE_MAX */

/*
 * The importers' bounds, so that memory stays bounded whatever the log:
 * the longest log line (and unfinished call's text) kept, and the
 * unfinished calls kept at once, in number and in bytes.  Past them the
 * import stops: "LOG:LINE: line too long", "too many unfinished calls".
 */
#define IMP_LINE_MAX	(1024 * 1024)
#define IMP_PEND_MAX	4096
#define IMP_PEND_BYTES	(64 * 1024 * 1024)

/* Page size of the simulated machine, for NPAGES. */
#define IMP_PAGE	4096ULL

/* -------------------------------------------------------------------
 * The shared view.  A process (struct imp_proc) is what kmtrace calls
 * a PID: one descriptor table and one address space.  A task (struct
 * imp_task) is what the log calls a PID: a Linux thread, or a whole
 * NetBSD process.  Tasks are found by the log's number; a task whose
 * process is not known yet has t_proc NULL.
 */
struct imp;
struct imp_proc;

struct imp_task {
	uint32_t	 t_tid;		/* the log's number; 0 is "unnamed" */
	struct imp_proc	*t_proc;	/* NULL: not resolved yet */
	char		*t_pend;	/* an unfinished call's text, or NULL */
	size_t		 t_pendcap;
	size_t		 t_pendlen;	/* strlen(t_pend) */
	struct imp	*t_im;		/* the importer, for its bounds */
	uint64_t	 t_pendseq;	/* when t_pend was set (line number) */
	uint32_t	 t_hchild;	/* a child found while t_pend ran */
	struct imp_task	*t_hnext;	/* hash chain */
	struct imp_task	*t_pnext;	/* the process's tasks */
};

struct imp	*imp_new(imp_emit_fn emit, void *arg);
void		 imp_free(struct imp *im);
/*
 * Host limits (kmbench record/import --limits host): with N not 0,
 * every spawned process is followed by "limit nofile N", and the first
 * one before that by "sysctl maxfiles N".  0 (the default): no such
 * events, NetBSD 1.5's boot defaults.
 */
void		 imp_set_nofile(struct imp *im, uint64_t n);

/* The time of the next events, in ns; kept non-decreasing. */
void		 imp_settime(struct imp *im, uint64_t ns);
uint64_t	 imp_time(const struct imp *im);

/* Tasks. */
struct imp_task	*imp_task(struct imp *im, uint32_t tid);
struct imp_task	*imp_task_add(struct imp *im, uint32_t tid);
/* Give task T the number TID (an unnamed task whose number is learnt). */
int		 imp_task_rekey(struct imp *im, struct imp_task *t,
		    uint32_t tid);
size_t		 imp_ntasks(const struct imp *im);
/* Call FN on every task until it returns non-zero; returns that. */
/*
 * The unfinished fork-like calls an importer has seen, oldest first (by
 * the line each started on), so that the latest still unfinished is
 * found without a walk of every task: a walk per new PID made import
 * quadratic in the PIDs of a log.  An entry names its task by number
 * and line; one whose task ended, finished the call or started another
 * is dropped when met, so a lookup costs O(1) amortized.
 */
struct imp_forkent {
	uint32_t	 fe_tid;
	uint64_t	 fe_seq;	/* the task's t_pendseq when added */
};
struct imp_forkq {
	struct imp_forkent *fq_v;
	size_t		 fq_n, fq_cap;
};
/* Task TID's pending call, begun at SEQ, is fork-like.  0 or IMP_NOMEM. */
int		 imp_forkq_add(struct imp_forkq *q, uint32_t tid, uint64_t seq);
/* Task number OLD is now NEW (imp_task_rekey). */
void		 imp_forkq_rekey(struct imp_forkq *q, uint32_t old, uint32_t new);
/*
 * The task, other than NOT, whose fork-like call began last and is
 * still pending, among those ELIGIBLE(T) says 1 to (0: not now, but
 * keep it; -1: drop it); or NULL.
 */
struct imp_task	*imp_forkq_latest(struct imp *im, struct imp_forkq *q,
		    const struct imp_task *not,
		    int (*eligible)(const struct imp_task *));
void		 imp_forkq_free(struct imp_forkq *q);
int		 imp_task_foreach(struct imp *im,
		    int (*fn)(struct imp_task *, void *), void *arg);
/*
 * Set or clear (TEXT NULL) the task's unfinished call.  0, IMP_NOMEM,
 * IMP_TOOLONG (LEN past IMP_LINE_MAX) or IMP_TOOMANY (past
 * IMP_PEND_MAX calls or IMP_PEND_BYTES bytes in all); then the task
 * keeps what it had.
 */
int		 imp_task_pend(struct imp_task *t, const char *text,
		    size_t len, uint64_t seq);

/*
 * Processes.  Each returns 0, IMP_EMIT or IMP_NOMEM.  PID is the log's
 * number, used as the trace's PID when no live process has it.
 */
int	imp_spawn(struct imp *im, struct imp_task *t, uint32_t pid);
int	imp_fork(struct imp *im, struct imp_proc *parent,
	    struct imp_task *child, uint32_t pid);
/* CHILD becomes a thread of PARENT's process (no event). */
void	imp_thread(struct imp *im, struct imp_proc *parent,
	    struct imp_task *child);
int	imp_exec(struct imp *im, struct imp_task *t);
/* Task T ends; its process ends with its last task. */
int	imp_task_exit(struct imp *im, struct imp_task *t);
/* The whole process ends. */
int	imp_proc_exit(struct imp *im, struct imp_proc *p);
uint32_t imp_pid(const struct imp_proc *p);
int	imp_nthreads(const struct imp_proc *p);

/* Descriptors. */
int	imp_open(struct imp *im, struct imp_proc *p, uint32_t fd,
	    int cloexec);
int	imp_dup(struct imp *im, struct imp_proc *p, uint32_t oldfd,
	    uint32_t fd, int cloexec);
int	imp_close(struct imp *im, struct imp_proc *p, uint32_t fd);
int	imp_close_range(struct imp *im, struct imp_proc *p, uint64_t lo,
	    uint64_t hi);
int	imp_isopen(const struct imp_proc *p, uint32_t fd);
/* The lowest descriptor not open, other than NOT (a guess of fdalloc). */
uint32_t imp_lowest_free(const struct imp_proc *p, uint32_t not);
int	imp_limit(struct imp *im, struct imp_proc *p, uint64_t n);

/*
 * Memory.  imp_mmap: a new mapping of LEN bytes at ADDR; TRACK says
 * whether it is one kmtrace models (anonymous or private writable),
 * WRITE whether it is writable (then it is touched), FIXED whether it
 * was MAP_FIXED.  Whatever the view had in its range is unmapped first
 * in any case: without MAP_FIXED the kernel chose free space, so what
 * the view still holds there is stale.
 */
int	imp_mmap(struct imp *im, struct imp_proc *p, uint64_t addr,
	    uint64_t len, int track, int write, int fixed);
int	imp_munmap(struct imp *im, struct imp_proc *p, uint64_t addr,
	    uint64_t len);
/* Pages of [ADDR, ADDR+LEN) made writable: touched. */
int	imp_mprotect_write(struct imp *im, struct imp_proc *p,
	    uint64_t addr, uint64_t len);
int	imp_mremap(struct imp *im, struct imp_proc *p, uint64_t oldaddr,
	    uint64_t oldlen, uint64_t newaddr, uint64_t newlen);
/*
 * The heap.  imp_heap_base sets where it starts (when not yet known);
 * imp_heap_set makes it end at END (grow, shrink, map or unmap "heap").
 */
int	imp_heap_known(const struct imp_proc *p);
void	imp_heap_base(struct imp_proc *p, uint64_t base);
int	imp_heap_set(struct imp *im, struct imp_proc *p, uint64_t end);
/* The heap's pages now. */
uint64_t imp_heap_pages(const struct imp_proc *p);
/*
 * The program wrote its heap just after moving the break from OLDPAGES
 * pages: when the heap is shared copy-on-write since a fork (of the
 * parent or of the child) and was not written since, "touch heap P 1",
 * P the page below the old break or the new, whichever is lower; the
 * replay copies the heap's amap there, as uvm_fault does.
 */
int	imp_heap_written(struct imp *im, struct imp_proc *p,
	    uint64_t oldpages);

/* How many events went out. */
uint64_t imp_nevents(const struct imp *im);

/* -------------------------------------------------------------------
 * The strace converter.
 */
struct strace_conv;

struct strace_conv *strace_new(imp_emit_fn emit, void *arg);
void	strace_free(struct strace_conv *c);
/* imp_set_nofile() of the converter's view; before the first line. */
void	strace_set_nofile(struct strace_conv *c, uint64_t n);

/*
 * One line of the log (without its newline; it need not be
 * NUL-terminated).  Returns IMP_OK, or IMP_MALFORMED with "what is
 * wrong" in ERR, or IMP_EMIT / IMP_NOMEM.
 */
int	strace_line(struct strace_conv *c, const char *line, size_t len,
	    char *err, size_t errlen);
/* The end of the log. */
int	strace_end(struct strace_conv *c, char *err, size_t errlen);

/* The argv of the first successful execve, joined by blanks, or NULL. */
const char *strace_command(const struct strace_conv *c);
/* Whether the log's first timestamp was seen, and whether it was -ttt. */
int	strace_started(const struct strace_conv *c);
int	strace_epoch(const struct strace_conv *c, uint64_t *secp);
/* How many lines were fed. */
uint64_t strace_lines(const struct strace_conv *c);

/* The system calls the converter needs, for "strace -e trace=". */
extern const char strace_trace_set[];

#endif /* KM_STRACE_H */
