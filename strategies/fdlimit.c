/*
 * fdlimit.c: cap the descriptor limits so that the table can never
 * outgrow the arena.  Allocation is as in panic-only, but kern.maxfiles
 * and RLIMIT_NOFILE (for root too) are held to the largest table size
 * whose growth, with the old table still live during the copy, needs no
 * more than a share of kmem_map (half by default, fdlimit.share=PERCENT).
 * A process then meets EMFILE at the cap instead of panicking the
 * machine, as long as fewer than 1/share such processes grow at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kern_malloc.h"
#include "../kernel/machine.h"
#include "strategy.h"

struct fdlimit {
	unsigned	share;		/* percent of kmem_map */
	uint64_t	cap;		/* descriptors */
};

/*
 * The cap: walk fdexpand's growth (NDFILE, NDEXTENT, then doubling) and
 * keep the last size N whose malloc plus that of the table before it
 * fits in SHARE percent of kmem_map.
 */
uint64_t
fdlimit_cap(const struct machine *m, unsigned share)
{
	uint64_t budget = (uint64_t)m->m_kmem_map.vm_npages * m->m_pagesize *
	    share / 100;
	unsigned long ofile = (unsigned long)m->m_prof.pr_ptrsize + 1;
	uint64_t prev = NDFILE, n = NDEXTENT, cap = NDFILE, need;

	for (;;) {
		need = malloc_allocsize(m, n * ofile);
		if (prev > NDFILE)
			need += malloc_allocsize(m, prev * ofile);
		if (need > budget || n > 0x7fffffffULL)
			break;
		cap = n;
		prev = n;
		n *= 2;
	}
	return cap;
}

static int
fdlimit_attach(struct machine *m, const char *const *params, size_t nparams,
    char *err, size_t errlen)
{
	struct fdlimit *fl;
	size_t i;

	if ((fl = calloc(1, sizeof(*fl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fl->share = 50;
	for (i = 0; i < nparams; i++) {
		char *end;
		unsigned long v;

		if (strncmp(params[i], "share=", 6) != 0) {
			snprintf(err, errlen, "unknown setting 'fdlimit.%s' "
			    "(fdlimit takes share=PERCENT)", params[i]);
			free(fl);
			return -1;
		}
		errno = 0;
		v = strtoul(params[i] + 6, &end, 10);
		/* Digits only: strtoul() takes blanks and a sign first. */
		if (errno != 0 || params[i][6] < '0' || params[i][6] > '9' ||
		    *end != '\0' || v < 1 || v > 100) {
			snprintf(err, errlen, "fdlimit.share: '%s' is not a "
			    "percentage from 1 to 100", params[i] + 6);
			free(fl);
			return -1;
		}
		fl->share = (unsigned)v;
	}
	fl->cap = fdlimit_cap(m, fl->share);
	m->m_sdata = fl;
	return 0;
}

static void
fdlimit_detach(struct machine *m)
{

	free(m->m_sdata);
	m->m_sdata = NULL;
}

static uint64_t
fdlimit_limit(struct machine *m, uint64_t requested)
{
	const struct fdlimit *fl = m->m_sdata;

	return requested < fl->cap ? requested : fl->cap;
}

const struct strategy strategy_fdlimit = {
	.s_name = "fdlimit",
	.s_summary = "cap kern.maxfiles and RLIMIT_NOFILE so a table fits "
	    "in a share of kmem_map",
	.s_doc = "Allocation as in panic-only, but kern.maxfiles and "
	    "RLIMIT_NOFILE are capped, even for root, at the largest table "
	    "size whose growth (new table plus the old one live during the "
	    "copy) needs at most fdlimit.share percent of kmem_map (default "
	    "50).  A process meets EMFILE at the cap.",
	.s_params = "fdlimit.share=PERCENT",
	.s_attach = fdlimit_attach,
	.s_sites = {
		.sa_malloc = strategy_kmalloc,
		.sa_free = strategy_kfree,
		.sa_limit = fdlimit_limit,
		.sa_detach = fdlimit_detach,
	},
};
