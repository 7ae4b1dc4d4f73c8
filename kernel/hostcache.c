/*
 * hostcache.c: unwired kernel pages keep their host memory until the
 * cache passes its high-water mark, then go back to the host in whole
 * runs (see hostcache.h).
 *
 * A bit per kernel page says it is in the cache, and a bit per word of
 * those says the word is not 0, so that emptying the cache looks at
 * the words that have pages and finds its runs in address order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostcache.h"
#include "kp_ledger.h"
#include "machine.h"

int
hostcache_init(struct hostcache *hc, uint32_t npages, uint32_t hiwat_pages)
{

	memset(hc, 0, sizeof(*hc));
	hc->hc_nwords = ((size_t)npages + 63) / 64;
	hc->hc_bits = calloc(hc->hc_nwords + 1, sizeof(*hc->hc_bits));
	hc->hc_sum = calloc(hc->hc_nwords / 64 + 1, sizeof(*hc->hc_sum));
	hc->hc_hiwat = hiwat_pages;
	if (hc->hc_bits == NULL || hc->hc_sum == NULL) {
		hostcache_fini(hc);
		return ENOMEM;
	}
	return 0;
}

void
hostcache_fini(struct hostcache *hc)
{

	free(hc->hc_bits);
	free(hc->hc_sum);
	hc->hc_bits = hc->hc_sum = NULL;
	hc->hc_nwords = 0;
	hc->hc_pages = 0;
}

/* Bits LO..HI-1 of a word (HI up to 64). */
static inline uint64_t
bitmask(unsigned lo, unsigned hi)
{

	return (hi == 64 ? ~0ULL : (1ULL << hi) - 1) & ~((1ULL << lo) - 1);
}

/* Bits set in X among MASK, which has N bits. */
static inline uint32_t
bitcount(uint64_t x, uint64_t mask, unsigned n)
{

	/* All or none, the common cases, without a popcount call. */
	if ((x & mask) == 0)
		return 0;
	if ((x & mask) == mask)
		return n;
	return (uint32_t)__builtin_popcountll(x & mask);
}

/*
 * Set (SET) or clear the bits of pages PG..PG+N-1; returns how many
 * changed, and keeps the word summary.
 */
static uint32_t
hc_mark(struct hostcache *hc, uint32_t pg, uint32_t n, int set)
{
	uint64_t end = (uint64_t)pg + n, mask, old;
	size_t w = pg / 64, wlast = (size_t)((end - 1) / 64);
	unsigned lo = pg % 64, hi;
	uint32_t changed = 0;

	for (; w <= wlast; w++, lo = 0) {
		hi = w == wlast ? (unsigned)((end - 1) % 64) + 1 : 64;
		mask = bitmask(lo, hi);
		old = hc->hc_bits[w];
		if (set) {
			hc->hc_bits[w] = old | mask;
			changed += bitcount(~old, mask, hi - lo);
			hc->hc_sum[w / 64] |= 1ULL << (w % 64);
		} else if ((old & mask) != 0) {
			hc->hc_bits[w] = old & ~mask;
			changed += bitcount(old, mask, hi - lo);
			if (hc->hc_bits[w] == 0)
				hc->hc_sum[w / 64] &= ~(1ULL << (w % 64));
		}
	}
	return changed;
}

void
host_unwired(struct machine *m, vaddr_t va, uint32_t npages)
{
	struct hostcache *hc = &m->m_hcache;

	/*
	 * The cache past its mark goes back before these pages join it,
	 * not after: the caller may still read the ledger record of the
	 * block it is freeing (kmem-vmem frees, then counts the free).
	 */
	if (hc->hc_pages > hc->hc_hiwat)
		host_flush(m);
	if (npages > 0)
		hc->hc_pages += hc_mark(hc, kva_page(m, va), npages, 1);
}

void
host_wired(struct machine *m, vaddr_t va, uint32_t npages)
{
	struct hostcache *hc = &m->m_hcache;

	if (hc->hc_pages != 0 && npages > 0)
		hc->hc_pages -= hc_mark(hc, kva_page(m, va), npages, 0);
}

/* Give the host pages PG..PG+N-1 back, and their ledger records. */
static void
hc_release(struct machine *m, uint32_t pg, uint32_t n)
{
	struct hostcache *hc = &m->m_hcache;
	vaddr_t va = m->m_kernbase + ((vaddr_t)pg << m->m_pageshift);
	size_t len = (size_t)n << m->m_pageshift;

	host_release(kva(m, va), len);
	hc->hc_runs++;
	/* The records of those addresses: all 0, no object lives there. */
	if (m->m_kledger != NULL && m->m_kledger->kl_rec != NULL) {
		host_release(kp_rec(m, m->m_kledger, va),
		    (len >> KP_GRAIN_SHIFT) * sizeof(uint64_t));
		hc->hc_runs++;
	}
	hc->hc_released += n;
}

void
host_flush(struct machine *m)
{
	struct hostcache *hc = &m->m_hcache;
	uint64_t run0 = 0, runend = 0;	/* the run being gathered */
	size_t s, w;

	if (hc->hc_pages == 0)
		return;
	hc->hc_flushes++;
	for (s = 0; s <= hc->hc_nwords / 64; s++) {
		uint64_t sum = hc->hc_sum[s];

		while (sum != 0) {
			uint64_t x;

			w = s * 64 + (size_t)__builtin_ctzll(sum);
			sum &= sum - 1;
			x = hc->hc_bits[w];
			hc->hc_bits[w] = 0;
			while (x != 0) {
				unsigned lo = (unsigned)__builtin_ctzll(x);
				uint64_t inv = ~x & bitmask(lo, 64);
				unsigned hi = inv == 0 ? 64 :
				    (unsigned)__builtin_ctzll(inv);
				uint64_t a = (uint64_t)w * 64 + lo;

				if (a != runend || runend == run0) {
					if (runend > run0)
						hc_release(m, (uint32_t)run0,
						    (uint32_t)(runend - run0));
					run0 = a;
				}
				runend = (uint64_t)w * 64 + hi;
				x &= ~bitmask(lo, hi);
			}
		}
		hc->hc_sum[s] = 0;
	}
	if (runend > run0)
		hc_release(m, (uint32_t)run0, (uint32_t)(runend - run0));
	hc->hc_pages = 0;
}
