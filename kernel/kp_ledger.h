/*
 * kp_ledger.h: the probes' ledger of live objects, which the kernel
 * keeps inline as it allocates and frees (runner/probe.c owns it and
 * reads it; docs/metrics.md defines its figures).
 *
 * An object is counted where the kernel asks for it: a malloc, a pool
 * item of a modelled pool, a u-area.  Its record sits at an index that
 * its address gives, so allocating one is a store and three sums, and
 * freeing it a load, a store and three differences; no call is made
 * unless a process other than the last one's counter is touched.  The
 * kernel only writes the ledger: nothing it decides depends on it.
 */
#ifndef KM_KP_LEDGER_H
#define KM_KP_LEDGER_H

#include <stdint.h>

#include "machine.h"

/* A record per 8 bytes of kernel space: pool items are as small. */
#define KP_GRAIN_SHIFT	3

/*
 * A live object's record is the complement of: bytes asked (32 bits),
 * owner PID (31 bits, as every trace PID is below 2^31), arena (1 bit).
 * Only an object of 2^32 - 1 bytes could make it 0, and none fits in
 * the kernel space, so 0 is "no object here".
 */
#define KP_REC(asked, pid, arena)					\
	(~((uint64_t)(asked) | (uint64_t)(pid) << 32 |			\
	    (uint64_t)(arena) << 63))
#define KP_REC_ASKED(r)	(~(r) & 0xffffffffULL)
#define KP_REC_PID(r)	((uint32_t)((~(r) >> 32) & 0x7fffffffU))
#define KP_REC_ARENA(r)	((enum kp_arena)(~(r) >> 63))

/* A map's live objects (KA_KMEM, KA_KERNEL). */
struct kp_account {
	uint64_t	 ka_live;	/* bytes asked */
	uint64_t	 ka_given;	/* bytes the allocators gave them */
	uint64_t	 ka_peak_live;
	uint32_t	 ka_used_at_peak; /* the map's vm_used then */
	/* The bytes of this map held by the last process seen. */
	uint32_t	 ka_heldpid;	/* KP_NOPID: none */
	uint64_t	*ka_heldv;
	/*
	 * The process that holds the most of this map (on a tie the
	 * lowest PID; none while ka_bestv is 0), kept as the counters
	 * change.  Only a fall in its own bytes can hand the lead to
	 * another unseen: then ka_beststale is set, and the reader walks
	 * the counters (runner/probe.c).
	 */
	uint32_t	 ka_bestpid;
	int		 ka_beststale;
	uint64_t	 ka_bestv;
};

#define KP_NOPID	UINT32_MAX

struct kp_ledger {
	uint64_t	*kl_rec;	/* a record per 1 << KP_GRAIN_SHIFT bytes */
	uint32_t	 kl_pid;	/* who allocates now; 0: the kernel */
	struct kp_account kl_acct[KP_NMAPS];
	/*
	 * Another process's bytes: add BYTES to PID's counter of ARENA and
	 * make it the kept one (ka_heldpid, ka_heldv), or set ka_heldpid
	 * to KP_NOPID if the counter cannot be had.
	 */
	void		(*kl_held)(struct kp_ledger *, enum kp_arena arena,
			    uint32_t pid, int64_t bytes);
	void		*kl_arg;	/* the owner's, for kl_held */
};

/* PID's counter of A is now V, after a change of BYTES. */
static inline void
kp_best_note(struct kp_account *a, uint32_t pid, uint64_t v, int64_t bytes)
{

	if (pid == a->ka_bestpid) {
		if (bytes < 0)
			a->ka_beststale = 1;
		a->ka_bestv = v;
	} else if (!a->ka_beststale && (v > a->ka_bestv ||
	    (v == a->ka_bestv && v > 0 && pid < a->ka_bestpid))) {
		a->ka_bestpid = pid;
		a->ka_bestv = v;
	}
}

static inline void
kp_held_add(struct kp_ledger *l, enum kp_arena arena, uint32_t pid,
    int64_t bytes)
{
	struct kp_account *a = &l->kl_acct[arena];
	uint64_t v;

	if (__builtin_expect(a->ka_heldpid == pid, 1))
		v = *a->ka_heldv += (uint64_t)bytes;
	else {
		l->kl_held(l, arena, pid, bytes);
		if (a->ka_heldpid != pid)
			return;		/* no counter: the probes say so */
		v = *a->ka_heldv;
	}
	kp_best_note(a, pid, v, bytes);
}

static inline uint64_t *
kp_rec(const struct machine *m, const struct kp_ledger *l, vaddr_t va)
{

	return &l->kl_rec[(va - m->m_kernbase) >> KP_GRAIN_SHIFT];
}

/* An object of ASKED bytes took GIVEN bytes at VA in ARENA. */
static inline void
kp_alloc(struct machine *m, enum kp_arena arena, vaddr_t va,
    uint64_t asked, uint64_t given)
{
	struct kp_ledger *l = m->m_kledger;
	struct kp_account *a;

	if (l == NULL)
		return;
	a = &l->kl_acct[arena];
	*kp_rec(m, l, va) = KP_REC(asked, l->kl_pid, arena);
	a->ka_live += asked;
	a->ka_given += given;
	if (a->ka_live > a->ka_peak_live) {
		a->ka_peak_live = a->ka_live;
		a->ka_used_at_peak = kp_map(m, arena)->vm_used;
	}
	kp_held_add(l, arena, l->kl_pid, (int64_t)given);
}

/* The object at VA, which took GIVEN bytes of ARENA, is freed. */
static inline void
kp_free(struct machine *m, enum kp_arena arena, vaddr_t va, uint64_t given)
{
	struct kp_ledger *l = m->m_kledger;
	uint64_t *rp, r;

	if (l == NULL)
		return;
	rp = kp_rec(m, l, va);
	if ((r = *rp) == 0)
		return;		/* allocated before the probes came */
	*rp = 0;
	l->kl_acct[arena].ka_live -= KP_REC_ASKED(r);
	l->kl_acct[arena].ka_given -= given;
	kp_held_add(l, KP_REC_ARENA(r), KP_REC_PID(r), -(int64_t)given);
}

#endif /* KM_KP_LEDGER_H */
