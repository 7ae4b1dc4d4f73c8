/*
 * registry.c: the list of strategies, and the calls through which the
 * simulated kernel reaches the one in force.
 */
#include <string.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "strategy.h"

extern const struct strategy strategy_panic_only;
extern const struct strategy strategy_canfail;
extern const struct strategy strategy_nointr;
extern const struct strategy strategy_fdlimit;
extern const struct strategy strategy_kvmalloc;
extern const struct strategy strategy_reclaim;
extern const struct strategy strategy_kmem_vmem;

const char *const strategy_origins[ORIGIN_N] = {
	"the 2001 proposals (PR kern/14721)",
	"later kernels",
};

const struct strategy *const strategies[] = {
	&strategy_panic_only,
	&strategy_canfail,
	&strategy_nointr,
	&strategy_fdlimit,
	&strategy_kvmalloc,
	&strategy_reclaim,
	&strategy_kmem_vmem,
	NULL
};

const struct strategy *
strategy_lookup(const char *name)
{
	size_t i;

	for (i = 0; strategies[i] != NULL; i++)
		if (strcmp(strategies[i]->s_name, name) == 0)
			return strategies[i];
	return NULL;
}

int
strategy_kmalloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{

	(void)site;
	return kern_malloc(m, size, type, flags, vap);
}

void
strategy_kfree(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{

	(void)site;
	kern_free(m, va, type);
}

uint64_t
strategy_nolimit(struct machine *m, uint64_t requested)
{

	(void)m;
	return requested;
}

int
site_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{

	if (m->m_strategy == NULL)
		return kern_malloc(m, size, type, flags, vap);
	return m->m_strategy->s_malloc(m, site, size, type, flags, vap);
}

void
site_free(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{

	if (m->m_strategy == NULL)
		kern_free(m, va, type);
	else
		m->m_strategy->s_free(m, site, va, type);
}

uint64_t
site_limit(struct machine *m, uint64_t requested)
{

	if (m->m_strategy == NULL)
		return requested;
	return m->m_strategy->s_limit(m, requested);
}
