/*
 * test_vmem.c: vmem(9) (kernel/subr_vmem.c) on its own: boundary tags,
 * the power-of-two free lists and instant fit, best fit, merging, and
 * the quantum caches.  An arena of 64 quanta of 4096 bytes at 0x100000,
 * so page N of the arena is at 0x100000 + N * 4096.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "../kernel/subr_vmem.h"

#define PG	4096u
#define BASE	0x100000u
#define AT(n)	(BASE + (n) * PG)

static void
checked(const struct vmem *vm)
{
	char err[256];

	cr_assert_eq(vmem_check(vm, err, sizeof(err)), 0, "%s", err);
}

static vaddr_t
xalloc(struct vmem *vm, uint32_t pages, int strat)
{
	vaddr_t va = 0;

	cr_assert_eq(vmem_xalloc(vm, (vsize_t)pages * PG, strat, &va), 0,
	    "xalloc of %u pages failed", pages);
	checked(vm);
	return va;
}

/*
 * Boundary tags: 3 then 5 pages come from the front of the one free
 * segment (pages 0-2, 3-7), leaving 56 free; freeing the 3 gives free
 * (3), busy (5), free (56): two free tags, on lists 1 (2-3 quanta) and
 * 5 (32-63).  Freeing the 5 merges all three into one free tag of 64
 * pages on list 6.
 */
Test(vmem, boundary_tags_split_and_merge)
{
	struct vmem vm;
	vaddr_t a, b;

	cr_assert_eq(vmem_init(&vm, "t", BASE, 64 * PG, PG, 0), 0);
	checked(&vm);
	cr_expect_eq(vm.vm_freelist[6], vm.vm_seg);
	a = xalloc(&vm, 3, VM_INSTANTFIT);
	b = xalloc(&vm, 5, VM_INSTANTFIT);
	cr_expect_eq(a, AT(0));
	cr_expect_eq(b, AT(3));
	cr_expect_eq(vm.vm_inuse, 8 * PG);
	vmem_xfree(&vm, a, 3 * PG);
	checked(&vm);
	cr_expect_eq(vm.vm_nfree, 2);
	cr_expect_eq(vm.vm_nbusy, 1);
	cr_assert_not_null(vm.vm_freelist[1]);
	cr_expect_eq(vm.vm_freelist[1]->bt_start, AT(0));
	cr_assert_not_null(vm.vm_freelist[5]);
	cr_expect_eq(vm.vm_freelist[5]->bt_size, 56 * PG);
	vmem_xfree(&vm, b, 5 * PG);
	checked(&vm);
	cr_expect_eq(vm.vm_nfree, 1);
	cr_expect_eq(vm.vm_seg->bt_size, 64 * PG);
	cr_expect_eq(vm.vm_freelist[6], vm.vm_seg);
	vmem_destroy(&vm);
}

/*
 * Instant fit against best fit.  A = pages 0-3, B = 4, C = 5-10, D = 11,
 * the rest (52 pages, 12-63) free.  Free A, then C: list 2 (4-7 quanta)
 * holds C (6 pages, the newest, at its head) and A (4).
 *   - 4 pages, instant fit: 4 is a power of two, so list 2 qualifies
 *     and its head, C, is taken: page 5, not A's page 0.
 *   - 5 pages, instant fit: 5 is not, so lists from 3 up: only the
 *     52-page tail (list 5): page 12.
 *   - 5 pages, best fit: list 2 is searched, C (6 >= 5) first: page 5.
 *   - 53 pages: nothing is that large: ENOMEM.
 */
Test(vmem, instant_fit_takes_the_head_of_a_sufficient_list)
{
	struct vmem vm;
	vaddr_t a, c, va;

	cr_assert_eq(vmem_init(&vm, "t", BASE, 64 * PG, PG, 0), 0);
	a = xalloc(&vm, 4, VM_INSTANTFIT);
	(void)xalloc(&vm, 1, VM_INSTANTFIT);
	c = xalloc(&vm, 6, VM_INSTANTFIT);
	(void)xalloc(&vm, 1, VM_INSTANTFIT);
	vmem_xfree(&vm, a, 4 * PG);
	vmem_xfree(&vm, c, 6 * PG);
	checked(&vm);
	cr_expect_eq(vm.vm_freelist[2]->bt_start, AT(5));
	cr_expect_eq(vm.vm_freelist[2]->bt_fnext->bt_start, AT(0));

	va = xalloc(&vm, 4, VM_INSTANTFIT);
	cr_expect_eq(va, AT(5));
	vmem_xfree(&vm, va, 4 * PG);
	va = xalloc(&vm, 5, VM_INSTANTFIT);
	cr_expect_eq(va, AT(12));
	vmem_xfree(&vm, va, 5 * PG);
	va = xalloc(&vm, 5, VM_BESTFIT);
	cr_expect_eq(va, AT(5));
	vmem_xfree(&vm, va, 5 * PG);
	checked(&vm);
	cr_expect_eq(vmem_largest_free(&vm), 52 * PG);
	cr_expect_eq(vmem_xalloc(&vm, 53 * PG, VM_INSTANTFIT, &va), ENOMEM);
	vmem_destroy(&vm);
}

/*
 * Quantum caches up to 4 pages: their pool pages are the least power of
 * two above 3 * 16 KiB, 64 KiB (16 pages); they carve 16, 8, 5 and 4
 * items.  Two 1-page items come from one 16-page segment (pages 0 and
 * 1); a 2-page item opens the 2-page cache's own segment at page 16; a
 * 3-page one, at 32, its second item at 35.  Freeing keeps the pages;
 * vmem_qc_drain() returns those whose items are all free: 1-page,
 * 2-page and 3-page segments go, the arena is whole again.  A request
 * over 4 pages bypasses the caches.
 */
Test(vmem, quantum_caches)
{
	struct vmem vm;
	vaddr_t a, b, c, d, e, f;

	cr_assert_eq(vmem_init(&vm, "t", BASE, 64 * PG, PG, 4 * PG), 0);
	cr_expect_eq(vm.vm_qc_pagesz, 16 * PG);
	cr_expect_eq(vm.vm_qcache[0].qc_perpage, 16);
	cr_expect_eq(vm.vm_qcache[1].qc_perpage, 8);
	cr_expect_eq(vm.vm_qcache[2].qc_perpage, 5);
	cr_expect_eq(vm.vm_qcache[3].qc_perpage, 4);
	cr_assert_eq(vmem_alloc(&vm, PG, VM_INSTANTFIT, &a), 0);
	cr_assert_eq(vmem_alloc(&vm, 100, VM_INSTANTFIT, &b), 0);
	cr_assert_eq(vmem_alloc(&vm, 2 * PG, VM_INSTANTFIT, &c), 0);
	cr_assert_eq(vmem_alloc(&vm, 3 * PG, VM_INSTANTFIT, &d), 0);
	cr_assert_eq(vmem_alloc(&vm, 3 * PG, VM_INSTANTFIT, &e), 0);
	cr_assert_eq(vmem_alloc(&vm, 5 * PG, VM_INSTANTFIT, &f), 0);
	checked(&vm);
	cr_expect_eq(a, AT(0));
	cr_expect_eq(b, AT(1));
	cr_expect_eq(c, AT(16));
	cr_expect_eq(d, AT(32));
	cr_expect_eq(e, AT(35));
	cr_expect_eq(f, AT(48));
	cr_expect_eq(vm.vm_inuse, (3 * 16 + 5) * PG);
	vmem_free(&vm, a, PG);
	vmem_free(&vm, b, 100);
	vmem_free(&vm, c, 2 * PG);
	vmem_free(&vm, d, 3 * PG);
	checked(&vm);
	cr_expect_eq(vm.vm_inuse, (3 * 16 + 5) * PG);
	/* The 3-page cache still holds e: its page stays. */
	cr_expect_eq(vmem_qc_drain(&vm), 2);
	checked(&vm);
	cr_expect_eq(vm.vm_inuse, (16 + 5) * PG);
	vmem_free(&vm, e, 3 * PG);
	vmem_free(&vm, f, 5 * PG);
	cr_expect_eq(vmem_qc_drain(&vm), 1);
	checked(&vm);
	cr_expect_eq(vm.vm_inuse, 0);
	cr_expect_eq(vm.vm_nfree, 1);
	vmem_destroy(&vm);
}

/*
 * Caches that would carve as many items from a page are one: up to 8
 * pages the pool page is 128 KiB (32 pages; 3 * 32 KiB = 96 KiB), so 7
 * and 8 pages both give 4 items, and a 7-page request takes an item of
 * the 8-page cache: two of them lie 8 pages apart.
 */
Test(vmem, quantum_caches_shared)
{
	struct vmem vm;
	vaddr_t a, b;

	cr_assert_eq(vmem_init(&vm, "t", BASE, 64 * PG, PG, 8 * PG), 0);
	cr_expect_eq(vm.vm_qc_pagesz, 32 * PG);
	cr_expect_eq(vm.vm_qcidx[6], &vm.vm_qcache[7]);
	cr_expect_eq(vm.vm_qcidx[5], &vm.vm_qcache[5]);
	cr_assert_eq(vmem_alloc(&vm, 7 * PG, VM_INSTANTFIT, &a), 0);
	cr_assert_eq(vmem_alloc(&vm, 7 * PG, VM_INSTANTFIT, &b), 0);
	cr_expect_eq(b - a, 8 * PG);
	checked(&vm);
	vmem_destroy(&vm);
}
