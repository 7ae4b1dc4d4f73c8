/*
 * test_vm_map.c: the page-granular kernel address map (kernel/vm_map.h):
 * address-ordered first fit, coalescing on release, reservations, and
 * the used, peak and largest-free counts.  Every expected figure is
 * derived by hand in the comment above it; the maps start at 0xc1000000
 * with 4 KiB pages (pageshift 12) unless said otherwise.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>

#include "../kernel/vm_map.h"

#define BASE	0xc1000000u
#define PG	4096u

/* Page N of a map at BASE, as an address. */
#define PAGE(n)	(BASE + (vaddr_t)(n) * PG)

TestSuite(vm_map);

static void
init_map(struct vm_map *map, uint32_t npages)
{

	cr_assert_eq(vm_map_init(map, "test_map", BASE, npages, 12), 0);
}

/* First fit, asserting success; returns the address. */
static vaddr_t
take(struct vm_map *map, uint32_t npages)
{
	vaddr_t va = 0;

	cr_assert_eq(vm_map_findspace(map, npages, &va), 0,
	    "findspace of %u pages failed", npages);
	return va;
}

/*
 * A fresh map of 16 pages is one free extent of 16 pages, nothing in
 * use, no peak yet.
 */
Test(vm_map, fresh_map_is_one_extent)
{
	struct vm_map map;

	init_map(&map, 16);
	cr_expect_eq(map.vm_min, BASE);
	cr_expect_eq(map.vm_npages, 16);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(map.vm_used, 0);
	cr_expect_eq(map.vm_peak, 0);
	cr_expect_eq(vm_map_largest_free(&map), 16);
	vm_map_destroy(&map);
}

/*
 * Address-ordered first fit in an empty map: the first request starts at
 * the map's first page, the next one right after it.
 *   4 pages at page 0 = 0xc1000000; 4 more at page 4 = 0xc1004000;
 *   then 8 in use, one free extent of 16 - 8 = 8 pages left.
 */
Test(vm_map, first_fit_from_the_bottom)
{
	struct vm_map map;

	init_map(&map, 16);
	cr_expect_eq(take(&map, 4), 0xc1000000u);
	cr_expect_eq(take(&map, 4), 0xc1004000u);
	cr_expect_eq(map.vm_used, 8);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 8);
	vm_map_destroy(&map);
}

/*
 * A hole too small is skipped, and a later request that fits goes into
 * the lowest hole.
 *   A = 2 pages at page 0, B = 4 at page 2, C = 2 at page 6; free A:
 *   holes are [0,2) and [8,16).  3 pages do not fit in the 2-page hole,
 *   so they land at page 8 = 0xc1008000.  Then 2 pages fit the lowest
 *   hole exactly: page 0 = 0xc1000000, and that hole disappears, leaving
 *   only [11,16): one extent of 5 pages.
 */
Test(vm_map, small_hole_is_skipped)
{
	struct vm_map map;
	vaddr_t a;

	init_map(&map, 16);
	a = take(&map, 2);
	cr_assert_eq(take(&map, 4), PAGE(2));
	cr_assert_eq(take(&map, 2), PAGE(6));
	vm_map_release(&map, a, 2);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(take(&map, 3), 0xc1008000u);
	cr_expect_eq(take(&map, 2), 0xc1000000u);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 5);
	cr_expect_eq(map.vm_used, 11);
	vm_map_destroy(&map);
}

/*
 * Of several holes that fit, the lowest address wins, not the best fit.
 *   Pages 0..15 taken one at a time (1-page blocks), then 4 pages free
 *   at [1,5) and 2 pages free at [8,10): a 2-page request goes to page
 *   1 (first fit), not into the exact 2-page hole at page 8.
 */
Test(vm_map, lowest_hole_not_best_fit)
{
	struct vm_map map;
	uint32_t i;

	init_map(&map, 16);
	for (i = 0; i < 16; i++)
		cr_assert_eq(take(&map, 1), PAGE(i));
	for (i = 1; i < 5; i++)
		vm_map_release(&map, PAGE(i), 1);
	vm_map_release(&map, PAGE(8), 1);
	vm_map_release(&map, PAGE(9), 1);
	cr_expect_eq(take(&map, 2), PAGE(1));
	vm_map_destroy(&map);
}

/*
 * Release coalesces with the neighbours on both sides.
 *   16 pages as four 4-page blocks P0..P3: no free extent (vm_nfree 0).
 *   free P1 -> [4,8): 1 extent.
 *   free P3 -> [4,8) and [12,16), not adjacent: 2 extents.
 *   free P2 -> joins [4,8) before and [12,16) after: [4,16), 1 extent of
 *             12 pages.
 *   free P0 -> joins [4,16) after it: [0,16), 1 extent of 16, none used.
 */
Test(vm_map, release_coalesces_both_sides)
{
	struct vm_map map;
	vaddr_t p[4];
	int i;

	init_map(&map, 16);
	for (i = 0; i < 4; i++)
		p[i] = take(&map, 4);
	cr_assert_eq(map.vm_nfree, 0);
	cr_expect_eq(vm_map_largest_free(&map), 0);
	vm_map_release(&map, p[1], 4);
	cr_expect_eq(map.vm_nfree, 1);
	vm_map_release(&map, p[3], 4);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(vm_map_largest_free(&map), 4);
	vm_map_release(&map, p[2], 4);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 12);
	vm_map_release(&map, p[0], 4);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 16);
	cr_expect_eq(map.vm_used, 0);
	/* The whole map is one hole again: 16 pages from page 0. */
	cr_expect_eq(take(&map, 16), BASE);
	vm_map_destroy(&map);
}

/*
 * Release joins only the previous extent when the next one is not
 * adjacent.
 *   Full map of four 4-page blocks; free P0 -> [0,4); free P1 -> joins
 *   [0,4) before it: [0,8), still 1 extent, 8 pages.  Free P3 -> [12,16)
 *   is not adjacent to [0,8): 2 extents.
 */
Test(vm_map, release_joins_previous_only)
{
	struct vm_map map;
	vaddr_t p[4];
	int i;

	init_map(&map, 16);
	for (i = 0; i < 4; i++)
		p[i] = take(&map, 4);
	vm_map_release(&map, p[0], 4);
	vm_map_release(&map, p[1], 4);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 8);
	vm_map_release(&map, p[3], 4);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(map.vm_used, 4);
	vm_map_destroy(&map);
}

/*
 * vm_map_reserve() takes a given free range and refuses a used one.
 *   reserve pages [4,8) of a fresh 16-page map: splits [0,16) into [0,4)
 *   and [8,16): 2 extents, 4 used, largest 8.
 *   reserve [4,8) again: used -> ENOSPC.  [6,10) overlaps it -> ENOSPC.
 *   [2,6) overlaps it from below -> ENOSPC.  Nothing changed: 4 used.
 *   first fit of 4 pages now lands at page 0 (the [0,4) hole fits).
 */
Test(vm_map, reserve_used_range_fails)
{
	struct vm_map map;

	init_map(&map, 16);
	cr_assert_eq(vm_map_reserve(&map, PAGE(4), 4), 0);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(map.vm_used, 4);
	cr_expect_eq(vm_map_largest_free(&map), 8);
	cr_expect_eq(vm_map_reserve(&map, PAGE(4), 4), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(6), 4), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(2), 4), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(7), 1), ENOSPC);
	cr_expect_eq(map.vm_used, 4);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(take(&map, 4), PAGE(0));
	vm_map_destroy(&map);
}

/*
 * Reservations outside the map fail.
 *   The map is [0xc1000000, 0xc1010000) (16 pages).  One page below it,
 *   the page just past its end, and a range from page 14 running 4
 *   pages (past page 15, the last) are all ENOSPC; a zero-page
 *   reservation is refused too.  The last two pages [14,16) do fit.
 */
Test(vm_map, reserve_outside_map_fails)
{
	struct vm_map map;

	init_map(&map, 16);
	cr_expect_eq(vm_map_reserve(&map, BASE - PG, 1), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(16), 1), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(14), 4), ENOSPC);
	cr_expect_eq(vm_map_reserve(&map, PAGE(3), 0), ENOSPC);
	cr_expect_eq(map.vm_used, 0);
	cr_expect_eq(vm_map_reserve(&map, PAGE(14), 2), 0);
	cr_expect_eq(map.vm_used, 2);
	cr_expect_eq(vm_map_largest_free(&map), 14);
	vm_map_destroy(&map);
}

/*
 * Used and peak counts.
 *   take 4, take 4            -> used 8,  peak 8
 *   release the first 4       -> used 4,  peak stays 8
 *   take 2 (lands in the hole) -> used 6, peak 8
 *   take 8 (pages 8..15)      -> used 14, peak 14
 *   release 8                 -> used 6,  peak 14
 */
Test(vm_map, used_and_peak)
{
	struct vm_map map;
	vaddr_t a, big;

	init_map(&map, 16);
	a = take(&map, 4);
	(void)take(&map, 4);
	cr_expect_eq(map.vm_used, 8);
	cr_expect_eq(map.vm_peak, 8);
	vm_map_release(&map, a, 4);
	cr_expect_eq(map.vm_used, 4);
	cr_expect_eq(map.vm_peak, 8);
	cr_expect_eq(take(&map, 2), PAGE(0));
	cr_expect_eq(map.vm_used, 6);
	cr_expect_eq(map.vm_peak, 8);
	big = take(&map, 8);
	cr_expect_eq(big, PAGE(8));
	cr_expect_eq(map.vm_used, 14);
	cr_expect_eq(map.vm_peak, 14);
	vm_map_release(&map, big, 8);
	cr_expect_eq(map.vm_used, 6);
	cr_expect_eq(map.vm_peak, 14);
	vm_map_destroy(&map);
}

/*
 * The largest free extent, and a full map.
 *   16 pages: take 3 (pages 0..2), 5 (3..7), 2 (8..9), 6 (10..15): full,
 *   largest 0, any request is ENOSPC.  Free the 5 and the 6: holes of 5
 *   and 6 pages, not adjacent (the 2-page block between): largest 6.  A
 *   7-page request fits nowhere: ENOSPC, and nothing changes.
 */
Test(vm_map, largest_free_and_full_map)
{
	struct vm_map map;
	vaddr_t va = 0, b5, b6;

	init_map(&map, 16);
	(void)take(&map, 3);
	b5 = take(&map, 5);
	(void)take(&map, 2);
	b6 = take(&map, 6);
	cr_expect_eq(map.vm_used, 16);
	cr_expect_eq(vm_map_largest_free(&map), 0);
	cr_expect_eq(vm_map_findspace(&map, 1, &va), ENOSPC);
	vm_map_release(&map, b5, 5);
	vm_map_release(&map, b6, 6);
	cr_expect_eq(vm_map_largest_free(&map), 6);
	cr_expect_eq(map.vm_nfree, 2);
	cr_expect_eq(vm_map_findspace(&map, 7, &va), ENOSPC);
	cr_expect_eq(map.vm_used, 5);
	/* 6 pages skip the 5-page hole at page 3 and take page 10. */
	cr_expect_eq(take(&map, 6), PAGE(10));
	vm_map_destroy(&map);
}

/* A zero-page request is refused rather than given an address. */
Test(vm_map, zero_pages_refused)
{
	struct vm_map map;
	vaddr_t va = 0;

	init_map(&map, 16);
	cr_expect_eq(vm_map_findspace(&map, 0, &va), ENOSPC);
	cr_expect_eq(map.vm_used, 0);
	vm_map_destroy(&map);
}

/*
 * Many extents (more than the array's first allocation).
 *   1000 one-page blocks fill a 1000-page map.  Freeing every other one
 *   (pages 0, 2, ..., 998) leaves 500 separate 1-page holes: vm_nfree
 *   500, largest 1.  Freeing the rest (1, 3, ..., 999) joins each with
 *   both neighbours: one extent of 1000 pages.
 */
Test(vm_map, many_extents_then_one)
{
	struct vm_map map;
	uint32_t i;

	init_map(&map, 1000);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(take(&map, 1), PAGE(i));
	for (i = 0; i < 1000; i += 2)
		vm_map_release(&map, PAGE(i), 1);
	cr_expect_eq(map.vm_nfree, 500);
	cr_expect_eq(vm_map_largest_free(&map), 1);
	cr_expect_eq(map.vm_used, 500);
	for (i = 1; i < 1000; i += 2)
		vm_map_release(&map, PAGE(i), 1);
	cr_expect_eq(map.vm_nfree, 1);
	cr_expect_eq(vm_map_largest_free(&map), 1000);
	cr_expect_eq(map.vm_used, 0);
	cr_expect_eq(map.vm_peak, 1000);
	vm_map_destroy(&map);
}

/*
 * Reserving in the middle of every other hole splits it; the extents
 * array must grow for this too.
 *   A 400-page map; reserve page 2k+1 for k = 0..199 (odd pages): each
 *   reservation cuts one more piece off, leaving the 200 even pages as
 *   200 separate holes.
 */
Test(vm_map, reserve_splits_many)
{
	struct vm_map map;
	vaddr_t va = 0;
	uint32_t k;

	init_map(&map, 400);
	for (k = 0; k < 200; k++)
		cr_assert_eq(vm_map_reserve(&map, PAGE(2 * k + 1), 1), 0);
	cr_expect_eq(map.vm_nfree, 200);
	cr_expect_eq(map.vm_used, 200);
	cr_expect_eq(vm_map_largest_free(&map), 1);
	/* Two pages fit nowhere now. */
	cr_expect_eq(vm_map_findspace(&map, 2, &va), ENOSPC);
	vm_map_destroy(&map);
}

/*
 * vm_map_contains(): [vm_min, vm_min + npages << pageshift).
 *   16 pages of 4 KiB from 0xc1000000: 0xc1000000 and 0xc100ffff are in,
 *   0xc1010000 (the end) and 0xc0ffffff are out.
 */
Test(vm_map, contains_bounds)
{
	struct vm_map map;

	init_map(&map, 16);
	cr_expect(vm_map_contains(&map, 0xc1000000u));
	cr_expect(vm_map_contains(&map, 0xc100ffffu));
	cr_expect_not(vm_map_contains(&map, 0xc1010000u));
	cr_expect_not(vm_map_contains(&map, 0xc0ffffffu));
	vm_map_destroy(&map);
}

/*
 * The page shift is the map's: with 8 KiB pages (pageshift 13) the
 * second 1-page block is at 0xc1000000 + 0x2000, and 16 pages span
 * 0x20000 bytes.
 */
Test(vm_map, other_page_shift)
{
	struct vm_map map;
	vaddr_t va = 0;

	cr_assert_eq(vm_map_init(&map, "big_pages", BASE, 16, 13), 0);
	cr_assert_eq(vm_map_findspace(&map, 1, &va), 0);
	cr_expect_eq(va, 0xc1000000u);
	cr_assert_eq(vm_map_findspace(&map, 1, &va), 0);
	cr_expect_eq(va, 0xc1002000u);
	cr_expect(vm_map_contains(&map, 0xc101ffffu));
	cr_expect_not(vm_map_contains(&map, 0xc1020000u));
	vm_map_release(&map, 0xc1000000u, 1);
	cr_expect_eq(map.vm_used, 1);
	vm_map_destroy(&map);
}

/* The size table's entries as "SIZExCOUNT ...", for the tests below. */
static const char *
sizes_str(const struct vm_map *map)
{
	static char buf[256];
	size_t n = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < map->vm_nsizes && n < sizeof(buf) - 24; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%ux%u",
		    i ? " " : "", map->vm_sizes[i].vs_size,
		    map->vm_sizes[i].vs_count);
	return buf;
}

/*
 * The size table follows every take and release, and its last entry is
 * the largest free extent a walk finds.  A 16-page map:
 *   fresh:            free [0,16)                     16x1, largest 16
 *   take 4, 4, 4:     A=[0,4) B=[4,8) C=[8,12); free [12,16)   4x1, 4
 *   release B:        free [4,8) [12,16)              4x2 (one entry), 4
 *   release A:        joins B's hole: [0,8) [12,16)   4x1 8x1, 8
 *   take 2:           first fit at 0: [2,8) [12,16)   4x1 6x1, 6
 *   reserve page 13:  splits [12,16): [2,8) [12,13) [14,16)
 *                                                     1x1 2x1 6x1, 6
 *   release C [8,12): joins both sides: [2,13) [14,16)  2x1 11x1, 11
 *   take 11:          the whole of [2,13): [14,16)    2x1, 2
 *   take 2:           nothing free                    (empty), 0
 */
Test(vm_map, size_table_follows_extents)
{
	struct vm_map map;
	vaddr_t a, b, c, va = 0;

	init_map(&map, 16);
	cr_expect_str_eq(sizes_str(&map), "16x1");
	a = take(&map, 4);
	b = take(&map, 4);
	c = take(&map, 4);
	cr_expect_str_eq(sizes_str(&map), "4x1");
	vm_map_release(&map, b, 4);
	cr_expect_str_eq(sizes_str(&map), "4x2");
	cr_expect_eq(vm_map_largest_free(&map), 4);
	vm_map_release(&map, a, 4);
	cr_expect_str_eq(sizes_str(&map), "4x1 8x1");
	cr_expect_eq(vm_map_largest_free(&map), 8);
	cr_expect_eq(take(&map, 2), PAGE(0));
	cr_expect_str_eq(sizes_str(&map), "4x1 6x1");
	cr_expect_eq(vm_map_largest_free(&map), 6);
	cr_assert_eq(vm_map_reserve(&map, PAGE(13), 1), 0);
	cr_expect_str_eq(sizes_str(&map), "1x1 2x1 6x1");
	cr_expect_eq(vm_map_largest_free(&map), 6);
	vm_map_release(&map, c, 4);
	cr_expect_str_eq(sizes_str(&map), "2x1 11x1");
	cr_expect_eq(vm_map_largest_free(&map), 11);
	cr_expect_eq(vm_map_largest_walk(&map), 11);
	cr_expect_eq(take(&map, 11), PAGE(2));
	cr_expect_str_eq(sizes_str(&map), "2x1");
	cr_expect_eq(vm_map_largest_free(&map), 2);
	cr_expect_eq(take(&map, 2), PAGE(14));
	cr_expect_eq(map.vm_nsizes, 0);
	cr_expect_eq(vm_map_largest_free(&map), 0);
	cr_expect_eq(vm_map_largest_walk(&map), 0);
	cr_expect_eq(vm_map_findspace(&map, 1, &va), ENOSPC);
	vm_map_destroy(&map);
}

/*
 * Many extents of many sizes make the table grow with the extents
 * array (64 entries at first).  A 2100-page map: for k = 1..63 a run
 * of k pages, then one page kept.  Runs and keepers take 63 * 64 / 2 +
 * 63 = 2079 pages, leaving pages 2079..2099 free: one extent of 21.
 * Freeing every run leaves 64 extents: sizes 1..63 once each and 21
 * twice, so 63 entries (the 21st, index 20, counts 2), largest 63.
 * Freeing the keepers joins everything: one extent of 2100 pages.
 */
Test(vm_map, size_table_many_sizes)
{
	struct vm_map map;
	vaddr_t run[64], keep[64];
	uint32_t k;

	init_map(&map, 2100);
	for (k = 1; k <= 63; k++) {
		run[k] = take(&map, k);
		keep[k] = take(&map, 1);
	}
	for (k = 1; k <= 63; k++)
		vm_map_release(&map, run[k], k);
	cr_expect_eq(map.vm_nfree, 64);
	cr_expect_eq(map.vm_nsizes, 63);
	cr_expect_eq(map.vm_sizes[20].vs_size, 21);
	cr_expect_eq(map.vm_sizes[20].vs_count, 2);
	cr_expect_eq(vm_map_largest_free(&map), 63);
	cr_expect_eq(vm_map_largest_walk(&map), 63);
	for (k = 1; k <= 63; k++)
		vm_map_release(&map, keep[k], 1);
	cr_expect_str_eq(sizes_str(&map), "2100x1");
	vm_map_destroy(&map);
}
