/*
 * registry.c: the list of strategies, the mechanisms they share, and
 * booting a machine under one.
 */
#include <stdio.h>
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

const char *const strategy_origin_keys[ORIGIN_N] = { "2001", "later" };

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

struct machine *
strategy_boot(const struct profile *pr, const struct strategy *s,
    const char *const *params, size_t nparams, char *err, size_t errlen)
{
	struct machine *m;

	if ((m = machine_boot(pr, err, errlen)) == NULL)
		return NULL;
	if (s != NULL) {
		m->m_sitealloc = &s->s_sites;
		if (s->s_attach != NULL &&
		    s->s_attach(m, params, nparams, err, errlen) != 0)
			goto fail;
	}
	if ((s == NULL || s->s_attach == NULL) && nparams > 0) {
		snprintf(err, errlen, "unknown setting '%s.%s' (%s has no "
		    "settings)", s != NULL ? s->s_name : "strategy", params[0],
		    s != NULL ? s->s_name : "this strategy");
		goto fail;
	}
	m->m_maxfiles = (long)site_limit(m, (uint64_t)m->m_maxfiles);
	return m;
fail:
	/* Nothing of a failed attach is left to detach. */
	m->m_sitealloc = NULL;
	machine_free(m);
	return NULL;
}
