/*
 * kern_descrip.h: descriptor tables and open files (kern_descrip.c 1.63,
 * filedesc.h 1.18).
 */
#ifndef KM_KERN_DESCRIP_H
#define KM_KERN_DESCRIP_H

#include <stdint.h>

#include "param.h"

struct machine;
struct proc;

/*
 * struct filedesc0 is one M_FILEDESC malloc holding the table header and
 * the NDFILE embedded slots.  The slot arrays live in simulated memory
 * (pointers, then one flag byte per slot: OFILESIZE bytes a slot); this
 * host structure holds the header's fields.
 */
struct filedesc {
	vaddr_t		fd_fd0;		/* the filedesc0 block */
	vaddr_t		fd_ofiles;	/* struct file *[fd_nfiles] */
	vaddr_t		fd_ofileflags;	/* char [fd_nfiles] */
	int		fd_nfiles;	/* slots in the table */
	int		fd_lastfile;	/* highest slot in use, or -1 */
	int		fd_freefile;	/* lowest slot that may be free */
	int		fd_nopen;	/* slots in use (model's count) */
};

#define UF_EXCLOSE	0x01		/* close on exec */

/* The size of filedesc0 and its embedded table for pointer size PTR. */
unsigned long filedesc0_size(unsigned ptrsize);

/* fdinit(): a fresh table.  0, ENOMEM, ESLEEP, EPANIC. */
int	fdinit(struct machine *, struct proc *);
/* fdcopy(): the child's table on fork.  0, ENOMEM, ESLEEP, EPANIC. */
int	fdcopy(struct machine *, struct proc *parent, struct proc *child);
/* fdfree(): close everything and free the table. */
void	fdfree(struct machine *, struct proc *);

/*
 * Open a new file at descriptor FD (falloc: fdalloc, then the ENFILE
 * check, then a struct file from filepl).  0, EMFILE, ENFILE, ENOMEM,
 * ESLEEP, EPANIC.
 */
int	fd_open(struct machine *, struct proc *, int fd, int cloexec);
/* dup2(OLD, FD): FD closed first if open; no new file. */
int	fd_dup(struct machine *, struct proc *, int old, int fd, int cloexec);
/* close(FD); FD must be open. */
void	fd_close(struct machine *, struct proc *, int fd);
/* Close every close-on-exec descriptor (execve). */
void	fd_closeexec(struct machine *, struct proc *);
/* Nonzero when FD is open. */
int	fd_isopen(const struct machine *, const struct proc *, int fd);

/* The limit fdalloc() applies: min(RLIMIT_NOFILE, maxfiles). */
long	fd_limit(const struct machine *, const struct proc *);

#endif /* KM_KERN_DESCRIP_H */
