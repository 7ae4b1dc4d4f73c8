/*
 * vm_map.c: address-ordered first fit over page extents.
 *
 * The free extents sit in one sorted array.  Maps of the simulated
 * kernel stay small (a few thousand extents when badly fragmented), so a
 * scan and a move are cheaper than a tree and easy to check.
 *
 * Their sizes sit in a second sorted array, distinct sizes with a count
 * each, so that the largest free extent is known without a scan.  There
 * are never more distinct sizes than extents, so the two arrays share
 * one capacity; first fit mostly shrinks the last, largest extent, whose
 * entry is the last one, and then nothing moves.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm_map.h"

int
vm_map_init(struct vm_map *map, const char *name, vaddr_t min,
    uint32_t npages, unsigned pageshift)
{

	memset(map, 0, sizeof(*map));
	map->vm_name = name;
	map->vm_min = min;
	map->vm_npages = npages;
	map->vm_pageshift = pageshift;
	map->vm_nfreealloc = 64;
	map->vm_free = malloc(map->vm_nfreealloc * sizeof(*map->vm_free));
	map->vm_sizes = malloc(map->vm_nfreealloc * sizeof(*map->vm_sizes));
	if (map->vm_free == NULL || map->vm_sizes == NULL) {
		vm_map_destroy(map);
		return ENOMEM;
	}
	if (npages > 0) {
		map->vm_free[0].ve_start = 0;
		map->vm_free[0].ve_npages = npages;
		map->vm_nfree = 1;
		map->vm_sizes[0].vs_size = npages;
		map->vm_sizes[0].vs_count = 1;
		map->vm_nsizes = 1;
	}
	return 0;
}

void
vm_map_destroy(struct vm_map *map)
{

	free(map->vm_free);
	free(map->vm_sizes);
	map->vm_free = NULL;
	map->vm_sizes = NULL;
	map->vm_nfree = 0;
	map->vm_nsizes = 0;
}

uint32_t
vm_map_sizeindex(const struct vm_map *map, uint32_t size)
{
	uint32_t lo = 0, hi = map->vm_nsizes;

	/* The last entry first: first fit mostly changes the largest. */
	if (hi > 0 && map->vm_sizes[hi - 1].vs_size <= size)
		lo = hi - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (map->vm_sizes[mid].vs_size < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * One more free extent of SIZE pages (none if SIZE is 0).  Room is
 * there: a new size is a new extent's, or takes the place of one that
 * sz_del() has just removed.
 */
static void
sz_add(struct vm_map *map, uint32_t size)
{
	struct vm_sizecount *v = map->vm_sizes;
	uint32_t i;

	if (size == 0)
		return;
	i = vm_map_sizeindex(map, size);
	if (i < map->vm_nsizes && v[i].vs_size == size) {
		v[i].vs_count++;
		return;
	}
	assert(map->vm_nsizes < map->vm_nfreealloc);
	memmove(&v[i + 1], &v[i], (map->vm_nsizes - i) * sizeof(*v));
	v[i].vs_size = size;
	v[i].vs_count = 1;
	map->vm_nsizes++;
}

/* One free extent of SIZE pages fewer; there is one. */
static void
sz_del(struct vm_map *map, uint32_t size)
{
	struct vm_sizecount *v = map->vm_sizes;
	uint32_t i = vm_map_sizeindex(map, size);

	assert(i < map->vm_nsizes && v[i].vs_size == size);
	if (--v[i].vs_count > 0)
		return;
	memmove(&v[i], &v[i + 1], (map->vm_nsizes - i - 1) * sizeof(*v));
	map->vm_nsizes--;
}

/*
 * One free extent of FROM pages now has TO (0: it is gone).  The common
 * case, first fit shrinking or release growing the only extent of its
 * size without passing a neighbour's, rewrites the entry in place.
 */
static void
sz_move(struct vm_map *map, uint32_t from, uint32_t to)
{
	struct vm_sizecount *v = map->vm_sizes;
	uint32_t i = vm_map_sizeindex(map, from);

	assert(i < map->vm_nsizes && v[i].vs_size == from);
	if (to != 0 && v[i].vs_count == 1 &&
	    (i == 0 || v[i - 1].vs_size < to) &&
	    (i + 1 == map->vm_nsizes || v[i + 1].vs_size > to)) {
		v[i].vs_size = to;
		return;
	}
	sz_del(map, from);
	sz_add(map, to);
}

static void
vm_map_take(struct vm_map *map, uint32_t i, uint32_t start, uint32_t npages)
{
	struct vm_extent *e = &map->vm_free[i];
	uint32_t end = start + npages, eend = e->ve_start + e->ve_npages;

	assert(start >= e->ve_start && end <= eend);
	/* The extent keeps what lies before START, or after END, or both. */
	if (start == e->ve_start)
		sz_move(map, e->ve_npages, eend - end);
	else {
		sz_move(map, e->ve_npages, start - e->ve_start);
		sz_add(map, eend - end);
	}
	if (start == e->ve_start && end == eend) {
		memmove(e, e + 1, (map->vm_nfree - i - 1) * sizeof(*e));
		map->vm_nfree--;
	} else if (start == e->ve_start) {
		e->ve_start = end;
		e->ve_npages = eend - end;
	} else if (end == eend) {
		e->ve_npages = start - e->ve_start;
	} else {
		/* A hole in the middle splits the extent; room was made. */
		memmove(e + 2, e + 1, (map->vm_nfree - i - 1) * sizeof(*e));
		map->vm_nfree++;
		e->ve_npages = start - e->ve_start;
		e[1].ve_start = end;
		e[1].ve_npages = eend - end;
	}
	map->vm_used += npages;
	if (map->vm_used > map->vm_peak)
		map->vm_peak = map->vm_used;
	if (end > map->vm_top)
		map->vm_top = end;
}

static int
vm_map_grow(struct vm_map *map)
{
	struct vm_extent *n;
	struct vm_sizecount *v;

	if (map->vm_nfree + 1 < map->vm_nfreealloc)
		return 0;
	n = realloc(map->vm_free, 2 * map->vm_nfreealloc * sizeof(*n));
	if (n == NULL)
		return ENOMEM;
	map->vm_free = n;
	/* Until both have grown, the old capacity stands for both. */
	v = realloc(map->vm_sizes, 2 * map->vm_nfreealloc * sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	map->vm_sizes = v;
	map->vm_nfreealloc *= 2;
	return 0;
}

int
vm_map_findspace(struct vm_map *map, uint32_t npages, vaddr_t *vap)
{
	uint32_t i;

	if (npages == 0)
		return ENOSPC;
	for (i = 0; i < map->vm_nfree; i++) {
		if (map->vm_free[i].ve_npages >= npages) {
			*vap = map->vm_min +
			    (map->vm_free[i].ve_start << map->vm_pageshift);
			vm_map_take(map, i, map->vm_free[i].ve_start, npages);
			return 0;
		}
	}
	return ENOSPC;
}

int
vm_map_reserve(struct vm_map *map, vaddr_t va, uint32_t npages)
{
	uint32_t i, start;

	if (!vm_map_contains(map, va) || npages == 0)
		return ENOSPC;
	start = (va - map->vm_min) >> map->vm_pageshift;
	for (i = 0; i < map->vm_nfree; i++) {
		struct vm_extent *e = &map->vm_free[i];

		if (start >= e->ve_start &&
		    start + (uint64_t)npages <= e->ve_start + e->ve_npages) {
			if (vm_map_grow(map) != 0)
				return ENOMEM;
			vm_map_take(map, i, start, npages);
			return 0;
		}
	}
	return ENOSPC;
}

void
vm_map_release(struct vm_map *map, vaddr_t va, uint32_t npages)
{
	uint32_t start = (va - map->vm_min) >> map->vm_pageshift;
	uint32_t lo = 0, hi = map->vm_nfree, i;
	struct vm_extent *e;
	int joinprev, joinnext;

	assert(vm_map_contains(map, va) && npages <= map->vm_used);
	/* Binary search for the first extent after START. */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (map->vm_free[mid].ve_start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	e = map->vm_free;
	assert(i == map->vm_nfree || start + npages <= e[i].ve_start);
	assert(i == 0 || e[i - 1].ve_start + e[i - 1].ve_npages <= start);
	joinprev = i > 0 && e[i - 1].ve_start + e[i - 1].ve_npages == start;
	joinnext = i < map->vm_nfree && start + npages == e[i].ve_start;
	if (!joinprev && !joinnext) {
		/* A new extent: make room first. */
		if (vm_map_grow(map) != 0)
			abort();	/* host out of memory */
		e = map->vm_free;
	}
	if (joinprev && joinnext) {
		sz_del(map, e[i].ve_npages);
		sz_move(map, e[i - 1].ve_npages,
		    e[i - 1].ve_npages + npages + e[i].ve_npages);
	} else if (joinprev)
		sz_move(map, e[i - 1].ve_npages, e[i - 1].ve_npages + npages);
	else if (joinnext)
		sz_move(map, e[i].ve_npages, npages + e[i].ve_npages);
	else
		sz_add(map, npages);
	if (joinprev && joinnext) {
		e[i - 1].ve_npages += npages + e[i].ve_npages;
		memmove(&e[i], &e[i + 1],
		    (map->vm_nfree - i - 1) * sizeof(*e));
		map->vm_nfree--;
	} else if (joinprev) {
		e[i - 1].ve_npages += npages;
	} else if (joinnext) {
		e[i].ve_start = start;
		e[i].ve_npages += npages;
	} else {
		memmove(&e[i + 1], &e[i], (map->vm_nfree - i) * sizeof(*e));
		e[i].ve_start = start;
		e[i].ve_npages = npages;
		map->vm_nfree++;
	}
	map->vm_used -= npages;
}

uint32_t
vm_map_largest_walk(const struct vm_map *map)
{
	uint32_t i, best = 0;

	for (i = 0; i < map->vm_nfree; i++)
		if (map->vm_free[i].ve_npages > best)
			best = map->vm_free[i].ve_npages;
	return best;
}
