/*
 * kern_site.c: the calls of the allocation sites (kern_site.h), through
 * the machine's site allocator, or to malloc(9) when it has none.
 */
#include "kern_malloc.h"
#include "kern_site.h"
#include "machine.h"

int
site_malloc(struct machine *m, enum alloc_site site, unsigned long size,
    int type, int flags, vaddr_t *vap)
{

	if (m->m_sitealloc == NULL)
		return kern_malloc(m, size, type, flags, vap);
	return m->m_sitealloc->sa_malloc(m, site, size, type, flags, vap);
}

void
site_free(struct machine *m, enum alloc_site site, vaddr_t va, int type)
{

	if (m->m_sitealloc == NULL)
		kern_free(m, va, type);
	else
		m->m_sitealloc->sa_free(m, site, va, type);
}

uint64_t
site_limit(struct machine *m, uint64_t requested)
{

	if (m->m_sitealloc == NULL)
		return requested;
	return m->m_sitealloc->sa_limit(m, requested);
}
