/*
 * kern_proc.c: what creating, exec'ing and ending a process allocates
 * and frees (kern_fork.c fork1, kern_exec.c, kern_exit.c exit1,
 * kern_resource.c limcopy).  struct proc, pcred, plimit, cwdinfo and
 * vmspace come from their nointr pools; the u-area is the profile's
 * upages (UPAGES) wired pages of kernel_map; the descriptor table from
 * kern_descrip.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern_proc.h"
#include "kern_site.h"
#include "kp_ledger.h"
#include "machine.h"
#include "subr_pool.h"
#include "uvm_km.h"
#include "uvm_map.h"

/* Release what proc_create() got; fields left 0 were not got. */
static void
proc_release(struct machine *m, struct proc *p)
{

	fdfree(m, p);
	if (p->p_vmspace != NULL)
		uvmspace_free(m, p->p_vmspace);
	if (p->p_cwdi != 0)
		pool_put(m, m->m_pools[POOL_CWDI], p->p_cwdi);
	if (p->p_limit != NULL && --p->p_limit->pl_refcnt == 0) {
		pool_put(m, m->m_pools[POOL_PLIMIT], p->p_limit->pl_va);
		free(p->p_limit);
	}
	if (p->p_cred != NULL && --p->p_cred->pc_refcnt == 0) {
		pool_put(m, m->m_pools[POOL_PCRED], p->p_cred->pc_va);
		free(p->p_cred);
	}
	if (p->p_va != 0)
		pool_put(m, m->m_pools[POOL_PROC], p->p_va);
	if (p->p_uarea != 0) {
		kp_free(m, KA_KERNEL, p->p_uarea,
		    (uint64_t)m->m_upages << m->m_pageshift);
		uvm_km_free(m, &m->m_kernel_map, p->p_uarea,
		    (vsize_t)m->m_upages << m->m_pageshift);
		m->m_uareapages -= m->m_upages;
	}
	p->p_vmspace = NULL;
	p->p_cwdi = p->p_va = p->p_uarea = 0;
	p->p_limit = NULL;
	p->p_cred = NULL;
}

/*
 * The steps fork1() and a spawn share: maxproc, the u-area, struct proc
 * and cwdinfo.  PARENT is NULL for a spawn.
 */
static int
proc_create(struct machine *m, struct proc *parent, struct proc *p)
{
	int error;

	memset(&p->p_fd, 0, sizeof(p->p_fd));
	p->p_vmspace = NULL;
	p->p_cwdi = p->p_va = p->p_uarea = 0;
	p->p_limit = NULL;
	p->p_cred = NULL;
	p->p_wmesg = NULL;
	if (m->m_nprocs >= m->m_maxproc)
		return EAGAIN;
	error = uvm_km_kmemalloc(m, &m->m_kernel_map,
	    (vsize_t)m->m_upages << m->m_pageshift, 0, &p->p_uarea);
	if (error != 0) {
		p->p_uarea = 0;
		return error == ENOSPC ? ENOMEM : error;
	}
	m->m_uareapages += m->m_upages;
	kp_alloc(m, KA_KERNEL, p->p_uarea, (uint64_t)m->m_upages << m->m_pageshift,
	    (uint64_t)m->m_upages << m->m_pageshift);
	if ((error = pool_get(m, m->m_pools[POOL_PROC], PR_WAITOK,
	    &p->p_va)) != 0)
		goto fail;
	if (parent != NULL) {
		p->p_cred = parent->p_cred;
		p->p_cred->pc_refcnt++;
		p->p_limit = parent->p_limit;
		p->p_limit->pl_refcnt++;
	} else {
		if ((p->p_cred = calloc(1, sizeof(*p->p_cred))) == NULL ||
		    (p->p_limit = calloc(1, sizeof(*p->p_limit))) == NULL) {
			error = ENOMEM;
			goto fail;
		}
		p->p_cred->pc_refcnt = 1;
		p->p_limit->pl_refcnt = 1;
		p->p_limit->pl_nofile = NOFILE_DEFAULT;
		if ((error = pool_get(m, m->m_pools[POOL_PCRED], PR_WAITOK,
		    &p->p_cred->pc_va)) != 0 ||
		    (error = pool_get(m, m->m_pools[POOL_PLIMIT], PR_WAITOK,
		    &p->p_limit->pl_va)) != 0)
			goto fail;
	}
	if ((error = pool_get(m, m->m_pools[POOL_CWDI], PR_WAITOK,
	    &p->p_cwdi)) != 0)
		goto fail;
	return 0;
fail:
	if (error != EPANIC) {
		/* A half-made pcred or plimit has no page yet. */
		if (p->p_cred != NULL && p->p_cred->pc_va == 0) {
			free(p->p_cred);
			p->p_cred = NULL;
		}
		if (p->p_limit != NULL && p->p_limit->pl_va == 0) {
			free(p->p_limit);
			p->p_limit = NULL;
		}
		proc_release(m, p);
	}
	return error;
}

int
proc_spawn(struct machine *m, struct proc *p)
{
	int error;

	if ((error = proc_create(m, NULL, p)) != 0)
		return error;
	if ((error = uvmspace_alloc(m, &p->p_vmspace)) != 0 ||
	    (error = fdinit(m, p)) != 0) {
		if (error != EPANIC)
			proc_release(m, p);
		return error;
	}
	m->m_nprocs++;
	return 0;
}

int
proc_fork(struct machine *m, struct proc *parent, struct proc *child)
{
	int error;

	if ((error = proc_create(m, parent, child)) != 0)
		return error;
	if ((error = fdcopy(m, parent, child)) != 0 ||
	    (error = uvmspace_fork(m, parent->p_vmspace,
	    &child->p_vmspace)) != 0) {
		if (error != EPANIC)
			proc_release(m, child);
		return error;
	}
	m->m_nprocs++;
	return 0;
}

void
proc_exec(struct machine *m, struct proc *p)
{

	fd_closeexec(m, p);
	uvmspace_clear(m, p->p_vmspace);
}

void
proc_exit(struct machine *m, struct proc *p)
{

	proc_release(m, p);
	m->m_nprocs--;
}

int
proc_setnofile(struct machine *m, struct proc *p, uint64_t n)
{
	struct plimit *pl = p->p_limit;
	int error;

	if (pl->pl_refcnt > 1) {
		/* limcopy(): a private copy before the change. */
		struct plimit *npl = calloc(1, sizeof(*npl));

		if (npl == NULL)
			return ENOMEM;
		if ((error = pool_get(m, m->m_pools[POOL_PLIMIT], PR_WAITOK,
		    &npl->pl_va)) != 0) {
			free(npl);
			return error;
		}
		npl->pl_refcnt = 1;
		pl->pl_refcnt--;
		p->p_limit = pl = npl;
	}
	pl->pl_nofile = site_limit(m, n);
	return 0;
}

void
sysctl_maxfiles(struct machine *m, uint64_t n)
{

	m->m_maxfiles = (long)site_limit(m, n);
}
