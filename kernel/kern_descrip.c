/*
 * kern_descrip.c: descriptor tables as NetBSD 1.5 grows and copies them.
 *
 * A process starts with NDFILE slots embedded in filedesc0.  When no
 * slot is free below the limit, fdalloc() grows the table to NDEXTENT
 * slots, then doubles it, with one malloc of nfiles * OFILESIZE bytes
 * (the pointers, then a flag byte a slot); the old slots are copied and
 * the old table freed right after.  fork copies the table, shrinking it
 * while it is at least 2 * NDEXTENT and more than twice the highest open
 * descriptor.  Tables are allocated through the machine's site
 * allocator (kern_site.h).
 */
#include <errno.h>
#include <string.h>

#include "kern_descrip.h"
#include "kern_proc.h"
#include "kern_site.h"
#include "machine.h"
#include "subr_pool.h"

/*
 * struct file keeps its reference count at this offset (f_type and
 * f_count); the model counts in 32 bits where 1.5 has a short.
 */
#define F_COUNT_OFF	12

static inline unsigned
ptrsize(const struct machine *m)
{

	return (unsigned)m->m_prof.pr_ptrsize;
}

static inline unsigned long
ofilesize(const struct machine *m)
{

	return ptrsize(m) + 1;
}

unsigned long
filedesc0_size(unsigned psize)
{

	/* struct filedesc: two pointers, four ints; then the slots. */
	return 2 * psize + 16 + NDFILE * (psize + 1);
}

static inline vaddr_t
fd_getfile(const struct machine *m, const struct filedesc *fdp, int i)
{
	const void *p = kva(m, fdp->fd_ofiles + (vaddr_t)i * ptrsize(m));
	uint32_t fp32;
	uint64_t fp64;

	/* A slot holds a pointer of the machine's size. */
	if (ptrsize(m) == 4) {
		memcpy(&fp32, p, sizeof(fp32));
		return fp32;
	}
	memcpy(&fp64, p, sizeof(fp64));
	return fp64;
}

static inline void
fd_setfile(struct machine *m, struct filedesc *fdp, int i, vaddr_t fp)
{
	void *p = kva(m, fdp->fd_ofiles + (vaddr_t)i * ptrsize(m));
	uint32_t fp32 = (uint32_t)fp;

	if (ptrsize(m) == 4)
		memcpy(p, &fp32, sizeof(fp32));
	else
		memcpy(p, &fp, sizeof(fp));
}

static inline uint8_t *
fd_flags(struct machine *m, struct filedesc *fdp, int i)
{

	return (uint8_t *)kva(m, fdp->fd_ofileflags + (vaddr_t)i);
}

static inline uint32_t *
f_count(struct machine *m, vaddr_t fp)
{

	return (uint32_t *)kva(m, fp + F_COUNT_OFF);
}

long
fd_limit(const struct machine *m, const struct proc *p)
{
	uint64_t lim = p->p_limit->pl_nofile;

	if (lim > (uint64_t)m->m_maxfiles)
		lim = (uint64_t)m->m_maxfiles;
	return (long)lim;
}

int
fd_isopen(const struct machine *m, const struct proc *p, int fd)
{

	return fd >= 0 && fd < p->p_fd.fd_nfiles &&
	    fd_getfile(m, &p->p_fd, fd) != 0;
}

/* Point FDP at a table of NFILES slots at VA. */
static void
fd_settable(struct machine *m, struct filedesc *fdp, vaddr_t va, int nfiles)
{

	fdp->fd_ofiles = va;
	fdp->fd_ofileflags = va + (vaddr_t)nfiles * ptrsize(m);
	fdp->fd_nfiles = nfiles;
}

/* The slots embedded in filedesc0. */
static vaddr_t
fd_embedded(const struct machine *m, const struct filedesc *fdp)
{

	return fdp->fd_fd0 + 2 * ptrsize(m) + 16;
}

/* fdexpand(): grow the table once. */
static int
fdexpand1(struct machine *m, struct proc *p)
{
	struct filedesc *fdp = &p->p_fd, old = *fdp;
	vaddr_t nt;
	int nfiles, error;

	nfiles = fdp->fd_nfiles < NDEXTENT ? NDEXTENT : 2 * fdp->fd_nfiles;
	error = site_malloc(m, SITE_FDEXPAND,
	    (unsigned long)nfiles * ofilesize(m), m->m_type_filedesc,
	    M_WAITOK, &nt);
	if (error != 0)
		return error;
	fd_settable(m, fdp, nt, nfiles);
	/* Copy the pointers and the flags, and clear the rest. */
	memcpy(kva(m, fdp->fd_ofiles), kva(m, old.fd_ofiles),
	    (size_t)old.fd_nfiles * ptrsize(m));
	memset((char *)kva(m, fdp->fd_ofiles) + (size_t)old.fd_nfiles *
	    ptrsize(m), 0, (size_t)(nfiles - old.fd_nfiles) * ptrsize(m));
	memcpy(kva(m, fdp->fd_ofileflags), kva(m, old.fd_ofileflags),
	    (size_t)old.fd_nfiles);
	memset((char *)kva(m, fdp->fd_ofileflags) + old.fd_nfiles, 0,
	    (size_t)(nfiles - old.fd_nfiles));
	if (old.fd_nfiles > NDFILE)
		site_free(m, SITE_FDEXPAND, old.fd_ofiles, m->m_type_filedesc);
	return 0;
}

static int
fdexpand(struct machine *m, struct proc *p)
{
	uint64_t t = KP_START(m, KP_FDEXPAND);
	int error;

	error = fdexpand1(m, p);
	KP_END_ERR(m, KP_FDEXPAND, KA_PATH, t, error);
	return error;
}

/*
 * fdalloc(): the lowest free slot at or above WANT, growing the table
 * while none is free below the limit.
 */
static int
fdalloc(struct machine *m, struct proc *p, int want, int *result)
{
	struct filedesc *fdp = &p->p_fd;
	long lim = fd_limit(m, p);
	int i, last, error;

	for (;;) {
		last = fdp->fd_nfiles < lim ? fdp->fd_nfiles : (int)lim;
		i = want < fdp->fd_freefile ? fdp->fd_freefile : want;
		for (; i < last; i++) {
			if (fd_getfile(m, fdp, i) == 0) {
				*fd_flags(m, fdp, i) = 0;
				if (i > fdp->fd_lastfile)
					fdp->fd_lastfile = i;
				if (want <= fdp->fd_freefile)
					fdp->fd_freefile = i;
				*result = i;
				return 0;
			}
		}
		if (fdp->fd_nfiles >= lim)
			return EMFILE;
		if ((error = fdexpand(m, p)) != 0)
			return error;
	}
}

/* Put FP in slot FD, which fdalloc() returned. */
static void
fd_install(struct machine *m, struct proc *p, int fd, vaddr_t fp,
    int cloexec)
{
	struct filedesc *fdp = &p->p_fd;

	fd_setfile(m, fdp, fd, fp);
	*fd_flags(m, fdp, fd) = cloexec ? UF_EXCLOSE : 0;
	fdp->fd_nopen++;
}

/* closef(): drop a reference; the last frees the file. */
static void
closef(struct machine *m, vaddr_t fp)
{

	if (--*f_count(m, fp) == 0) {
		pool_put(m, m->m_pools[POOL_FILE], fp);
		m->m_nfiles--;
	}
}

/* Want exactly FD: past the limit it is EMFILE, as dup2 refuses it. */
static int
fd_place(struct machine *m, struct proc *p, int fd)
{
	int got, error;

	if (fd >= fd_limit(m, p))
		return EMFILE;
	if ((error = fdalloc(m, p, fd, &got)) != 0)
		return error;
	/* FD is free (the replayer checks), so it is the lowest free. */
	return got == fd ? 0 : EMFILE;
}

int
fd_open(struct machine *m, struct proc *p, int fd, int cloexec)
{
	vaddr_t fp;
	int error;

	if ((error = fd_place(m, p, fd)) != 0)
		return error;
	if (m->m_nfiles >= m->m_maxfiles)
		return ENFILE;
	error = pool_get(m, m->m_pools[POOL_FILE], PR_WAITOK, &fp);
	if (error != 0)
		return error;
	memset(kva(m, fp), 0, m->m_sizeof_file);
	*f_count(m, fp) = 1;
	m->m_nfiles++;
	fd_install(m, p, fd, fp, cloexec);
	return 0;
}

int
fd_dup(struct machine *m, struct proc *p, int old, int fd, int cloexec)
{
	vaddr_t fp = fd_getfile(m, &p->p_fd, old);
	int error;

	if (fd == old) {
		/* dup2(fd, fd) does nothing. */
		return 0;
	}
	if (fd >= fd_limit(m, p))
		return EMFILE;
	/* Hold the file so that closing FD cannot free it. */
	++*f_count(m, fp);
	if (fd_isopen(m, p, fd))
		fd_close(m, p, fd);
	if ((error = fd_place(m, p, fd)) != 0) {
		closef(m, fp);
		return error;
	}
	fd_install(m, p, fd, fp, cloexec);
	return 0;
}

void
fd_close(struct machine *m, struct proc *p, int fd)
{
	struct filedesc *fdp = &p->p_fd;
	vaddr_t fp = fd_getfile(m, fdp, fd);

	fd_setfile(m, fdp, fd, 0);
	*fd_flags(m, fdp, fd) = 0;
	fdp->fd_nopen--;
	if (fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	while (fdp->fd_lastfile >= 0 &&
	    fd_getfile(m, fdp, fdp->fd_lastfile) == 0)
		fdp->fd_lastfile--;
	closef(m, fp);
}

void
fd_closeexec(struct machine *m, struct proc *p)
{
	struct filedesc *fdp = &p->p_fd;
	int i;

	for (i = 0; i <= fdp->fd_lastfile; i++)
		if (fd_getfile(m, fdp, i) != 0 &&
		    (*fd_flags(m, fdp, i) & UF_EXCLOSE))
			fd_close(m, p, i);
}

int
fdinit(struct machine *m, struct proc *p)
{
	struct filedesc *fdp = &p->p_fd;
	int error;

	memset(fdp, 0, sizeof(*fdp));
	error = kern_malloc(m, filedesc0_size(ptrsize(m)), m->m_type_filedesc,
	    M_WAITOK, &fdp->fd_fd0);
	if (error != 0)
		return error;
	memset(kva(m, fdp->fd_fd0), 0, filedesc0_size(ptrsize(m)));
	fd_settable(m, fdp, fd_embedded(m, fdp), NDFILE);
	fdp->fd_lastfile = -1;
	return 0;
}

static int
fdcopy1(struct machine *m, struct proc *parent, struct proc *child)
{
	struct filedesc *fdp = &parent->p_fd, *newfdp = &child->p_fd;
	vaddr_t table;
	int i, n, error;

	memset(newfdp, 0, sizeof(*newfdp));
	error = kern_malloc(m, filedesc0_size(ptrsize(m)), m->m_type_filedesc,
	    M_WAITOK, &newfdp->fd_fd0);
	if (error != 0)
		return error;
	memset(kva(m, newfdp->fd_fd0), 0, filedesc0_size(ptrsize(m)));
	if (fdp->fd_lastfile < NDFILE) {
		n = NDFILE;
		table = fd_embedded(m, newfdp);
	} else {
		n = fdp->fd_nfiles;
		while (n >= 2 * NDEXTENT && n > fdp->fd_lastfile * 2)
			n /= 2;
		error = site_malloc(m, SITE_FDCOPY,
		    (unsigned long)n * ofilesize(m), m->m_type_filedesc,
		    M_WAITOK, &table);
		if (error != 0) {
			kern_free(m, newfdp->fd_fd0, m->m_type_filedesc);
			memset(newfdp, 0, sizeof(*newfdp));
			return error;
		}
	}
	fd_settable(m, newfdp, table, n);
	memset(kva(m, newfdp->fd_ofiles), 0, (size_t)n * ofilesize(m));
	newfdp->fd_lastfile = fdp->fd_lastfile;
	newfdp->fd_freefile = fdp->fd_freefile;
	newfdp->fd_nopen = fdp->fd_nopen;
	for (i = 0; i <= fdp->fd_lastfile; i++) {
		vaddr_t fp = fd_getfile(m, fdp, i);

		if (fp != 0) {
			fd_setfile(m, newfdp, i, fp);
			*fd_flags(m, newfdp, i) = *fd_flags(m, fdp, i);
			++*f_count(m, fp);
		}
	}
	return 0;
}

int
fdcopy(struct machine *m, struct proc *parent, struct proc *child)
{
	uint64_t t = KP_START(m, KP_FDCOPY);
	int error;

	error = fdcopy1(m, parent, child);
	KP_END_ERR(m, KP_FDCOPY, KA_PATH, t, error);
	return error;
}

void
fdfree(struct machine *m, struct proc *p)
{
	struct filedesc *fdp = &p->p_fd;
	int i;

	if (fdp->fd_fd0 == 0)
		return;
	for (i = 0; i <= fdp->fd_lastfile; i++) {
		vaddr_t fp = fd_getfile(m, fdp, i);

		if (fp != 0) {
			fd_setfile(m, fdp, i, 0);
			closef(m, fp);
		}
	}
	if (fdp->fd_nfiles > NDFILE)
		site_free(m, SITE_FDEXPAND, fdp->fd_ofiles, m->m_type_filedesc);
	kern_free(m, fdp->fd_fd0, m->m_type_filedesc);
	memset(fdp, 0, sizeof(*fdp));
}
