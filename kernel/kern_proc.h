/*
 * kern_proc.h: processes: creation (spawn, fork1), exec, exit, limits.
 */
#ifndef KM_KERN_PROC_H
#define KM_KERN_PROC_H

#include <stdint.h>

#include "kern_descrip.h"
#include "param.h"

struct machine;
struct vmspace;

/* struct plimit: shared by fork, copied when changed (limcopy). */
struct plimit {
	vaddr_t		pl_va;		/* from plimitpl */
	int		pl_refcnt;
	uint64_t	pl_nofile;	/* RLIMIT_NOFILE, soft = hard */
};

#define NOFILE_DEFAULT	64		/* OPEN_MAX: the soft limit at boot */

/* struct pcred: shared by fork (crhold). */
struct pcred {
	vaddr_t		pc_va;		/* from pcredpl */
	int		pc_refcnt;
};

struct proc {
	uint32_t	 p_pid;
	const char	*p_wmesg;	/* what it sleeps on, or NULL */
	vaddr_t		 p_va;		/* struct proc, from procpl */
	vaddr_t		 p_uarea;	/* UPAGES wired pages of kernel_map */
	vaddr_t		 p_cwdi;	/* struct cwdinfo, from cwdipl */
	struct pcred	*p_cred;
	struct plimit	*p_limit;
	struct filedesc	 p_fd;
	struct vmspace	*p_vmspace;
};

/*
 * Create a process from nothing (a spawn in a trace): struct proc,
 * u-area, credentials, limits, vmspace, descriptor table, and files on
 * descriptors 0, 1 and 2.  On failure nothing is left allocated.
 * 0, EAGAIN (maxproc), ENOMEM, ESLEEP, EPANIC.
 */
int	proc_spawn(struct machine *, struct proc *);
/* fork1(): CHILD becomes a copy of PARENT. */
int	proc_fork(struct machine *, struct proc *parent, struct proc *child);
/* execve(): close-on-exec descriptors closed, mappings dropped. */
void	proc_exec(struct machine *, struct proc *);
/* exit1(): everything released. */
void	proc_exit(struct machine *, struct proc *);

/* setrlimit(RLIMIT_NOFILE): soft = hard = N (capped by site_limit()). */
int	proc_setnofile(struct machine *, struct proc *, uint64_t n);
/* sysctl kern.maxfiles = N (capped by site_limit()). */
void	sysctl_maxfiles(struct machine *, uint64_t n);

#endif /* KM_KERN_PROC_H */
