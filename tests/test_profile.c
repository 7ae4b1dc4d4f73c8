/*
 * test_profile.c: machine profiles (kernel/profile.h): kmem_map's size
 * as kmeminit_nkmempages() computes it, the buffer cache rule, --set
 * parsing and profile_check(), and what booting makes of them.
 *
 * Facts used (netbsd-model.md): pages are 4096 bytes; kmem_map is
 * physmem/4 pages, clamped down to NKMEMPAGES_MAX = 32768 and raised to
 * NKMEMPAGES_MIN = 2048, unless options NKMEMPAGES sets it; the kernel
 * space is 0xc0000000 to 0xffc00000.  allocsys(): the buffer cache has
 * 10% of the first 2 MiB (512 pages) and 5% of the rest, i.e.
 * (512 + physmem pages) / 20 pages from 2 MiB up.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/machine.h"
#include "../kernel/profile.h"
#include "kmtest.h"

TestSuite(profile);

static const char *
machines(void)
{
	const char *d = getenv("KMBENCH_MACHINES");

	return d != NULL && *d != '\0' ? d : "machines";
}

static void
load(struct profile *pr, const char *name)
{
	char err[512];

	cr_assert_eq(profile_load(pr, machines(), name, err, sizeof(err)), 0,
	    "%s", err);
}

static void
set(struct profile *pr, const char *assignment)
{
	char err[512];

	cr_assert_eq(profile_set(pr, assignment, err, sizeof(err)), 0,
	    "%s: %s", assignment, err);
}

/*
 * kmem_map of every profile in machines/, in pages (physmem / 4096 / 4):
 *   i386-16M:  4096 pages / 4 = 1024, raised to MIN        -> 2048
 *   i386-32M:  8192 / 4 = 2048, exactly MIN                -> 2048
 *   i386-64M:  16384 / 4                                   -> 4096
 *   i386-128M: 32768 / 4                                   -> 8192
 *   i386-256M: 65536 / 4                                   -> 16384
 *   i386-512M: 131072 / 4 = 32768, exactly MAX             -> 32768
 * Booting each makes kmem_map that many pages, and every profile passes
 * profile_check().
 */
static const struct {
	const char	*name;
	uint64_t	 physmem;
	uint64_t	 kmempages;
} sizes[] = {
	{ "i386-16M", 16ULL << 20, 2048 },
	{ "i386-32M", 32ULL << 20, 2048 },
	{ "i386-64M", 64ULL << 20, 4096 },
	{ "i386-128M", 128ULL << 20, 8192 },
	{ "i386-256M", 256ULL << 20, 16384 },
	{ "i386-512M", 512ULL << 20, 32768 },
};

Test(profile, kmem_map_size_of_every_profile)
{
	struct profile pr;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		load(&pr, sizes[i].name);
		cr_expect_str_eq(pr.pr_name, sizes[i].name);
		cr_expect_eq(pr.pr_physmem, sizes[i].physmem, "%s",
		    sizes[i].name);
		cr_expect_eq(pr.pr_pagesize, 4096);
		cr_expect_eq(profile_nkmempages(&pr), sizes[i].kmempages,
		    "%s", sizes[i].name);
		cr_expect_eq(profile_check(&pr, err, sizeof(err)), 0,
		    "%s: %s", sizes[i].name, err);
	}
}

Test(profile, boot_sets_kmem_map_size)
{
	struct machine *m;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		m = kmtest_boot(NULL, sizes[i].name, NULL);
		cr_expect_eq(m->m_kmem_map.vm_npages, sizes[i].kmempages,
		    "%s", sizes[i].name);
		cr_expect_eq(m->m_physpages, sizes[i].physmem / 4096, "%s",
		    sizes[i].name);
		machine_free(m);
	}
}

/*
 * physmem=1G: 262144 pages / 4 = 65536, clamped down to MAX 32768; the
 * machine boots with a 32768-page kmem_map.
 */
Test(profile, one_gigabyte_clamps_to_max)
{
	static const char *const sets[] = { "physmem=1G", NULL };
	struct profile pr;
	struct machine *m;

	load(&pr, "i386-64M");
	set(&pr, "physmem=1G");
	cr_expect_eq(pr.pr_physmem, 1ULL << 30);
	cr_expect_eq(profile_nkmempages(&pr), 32768);
	m = kmtest_boot(NULL, "i386-64M", sets);
	cr_expect_eq(m->m_kmem_map.vm_npages, 32768);
	machine_free(m);
}

/*
 * options NKMEMPAGES overrides the formula (and its clamping): 3000 on a
 * 64 MiB machine, where the formula would give 4096; 1000, below MIN
 * 2048, is taken as it is too.
 */
Test(profile, nkmempages_option_overrides)
{
	static const char *const sets[] = { "nkmempages=3000", NULL };
	struct profile pr;
	struct machine *m;

	load(&pr, "i386-64M");
	set(&pr, "nkmempages=3000");
	cr_expect_eq(profile_nkmempages(&pr), 3000);
	set(&pr, "nkmempages=1000");
	cr_expect_eq(profile_nkmempages(&pr), 1000);
	m = kmtest_boot(NULL, "i386-64M", sets);
	cr_expect_eq(m->m_kmem_map.vm_npages, 3000);
	machine_free(m);
}

/*
 * Where kmem_map lands in kernel_map, first fit after what boot takes
 * before it (kernel image from kernbase, then kmemusage[], 4 bytes a
 * kmem_map page):
 *   image: kerntext - kernbase + kernimage = 1 MiB + 4 MiB = 0x500000.
 *   i386-64M:  4096 * 4 = 16 KiB = 0x4000:   kmem_map at 0xc0504000
 *   i386-16M:  2048 * 4 = 8 KiB = 0x2000:    kmem_map at 0xc0502000
 *   i386-512M: 32768 * 4 = 128 KiB = 0x20000: kmem_map at 0xc0520000
 */
Test(profile, kmem_map_base)
{
	static const struct {
		const char *name;
		vaddr_t base;
	} c[] = {
		{ "i386-64M", 0xc0504000u },
		{ "i386-16M", 0xc0502000u },
		{ "i386-512M", 0xc0520000u },
	};
	struct machine *m;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = kmtest_boot(NULL, c[i].name, NULL);
		cr_expect_eq(m->m_kmem_map.vm_min, c[i].base, "%s: 0x%x",
		    c[i].name, m->m_kmem_map.vm_min);
		cr_expect(vm_map_contains(&m->m_kernel_map,
		    m->m_kmem_map.vm_min));
		machine_free(m);
	}
}

/*
 * The buffer cache: (512 + physmem pages) / 20, rounded down.
 *   16 MiB:  (512 + 4096) / 20 = 4608 / 20 = 230
 *   64 MiB:  (512 + 16384) / 20 = 16896 / 20 = 844
 *   512 MiB: (512 + 131072) / 20 = 131584 / 20 = 6579
 *   1 MiB (256 pages, under 2 MiB): 10% = 25
 *   options BUFPAGES=1000 overrides: 1000
 */
Test(profile, bufpages_rule)
{
	struct profile pr;

	load(&pr, "i386-16M");
	cr_expect_eq(profile_bufpages(&pr), 230);
	load(&pr, "i386-64M");
	cr_expect_eq(profile_bufpages(&pr), 844);
	load(&pr, "i386-512M");
	cr_expect_eq(profile_bufpages(&pr), 6579);
	profile_defaults(&pr);
	set(&pr, "physmem=1M");
	cr_expect_eq(profile_bufpages(&pr), 25);
	load(&pr, "i386-64M");
	set(&pr, "bufpages=1000");
	cr_expect_eq(profile_bufpages(&pr), 1000);
}

/*
 * Boot wires the kernel image, kmemusage[] and the buffer cache:
 *   i386-64M: 4 MiB image = 1024 pages; kmemusage[] 4096 * 4 bytes =
 *   4 pages; buffers 844 pages: 1872 wired, 16384 - 1872 = 14512 free.
 */
Test(profile, boot_wires_image_and_buffers)
{
	struct machine *m = kmtest_boot(NULL, "i386-64M", NULL);

	cr_expect_eq(m->m_wired, 1872);
	cr_expect_eq(m->m_freepages, 14512);
	cr_expect_eq(m->m_physpages, 16384);
	machine_free(m);
}

/* ERR names KEY. */
static void
expect_set_error(const char *assignment, const char *key)
{
	struct profile pr;
	char err[512];

	load(&pr, "i386-64M");
	err[0] = '\0';
	cr_expect_eq(profile_set(&pr, assignment, err, sizeof(err)), -1,
	    "%s accepted", assignment);
	cr_expect(strstr(err, key) != NULL, "%s: message '%s' does not name "
	    "%s", assignment, err, key);
	cr_expect(strchr(err, '\n') == NULL, "%s: message '%s' is not one "
	    "line", assignment, err);
	/* Nothing was changed: still 64 MiB, no kmemstats, formula. */
	cr_expect_eq(pr.pr_physmem, 64ULL << 20);
	cr_expect_eq(pr.pr_kmemstats, 0);
	cr_expect_eq(pr.pr_nkmempages, 0);
}

Test(profile, set_unknown_key)
{

	expect_set_error("frobnicate=1", "frobnicate");
}

Test(profile, set_bad_number)
{

	expect_set_error("physmem=lots", "physmem");
	expect_set_error("nkmempages=12x", "nkmempages");
	expect_set_error("nkmempages=-5", "nkmempages");
}

Test(profile, set_bad_bool)
{

	expect_set_error("kmemstats=maybe", "kmemstats");
}

Test(profile, set_without_value)
{

	expect_set_error("physmem", "physmem");
	expect_set_error("physmem=", "physmem");
}

/*
 * Values: on/off for booleans; sizes in bytes with K, M or G; hex.
 *   physmem=0x4000000 = 64 MiB; physmem=131072K = 128 MiB.
 */
Test(profile, set_values)
{
	struct profile pr;

	load(&pr, "i386-64M");
	set(&pr, "kmemstats=on");
	cr_expect_eq(pr.pr_kmemstats, 1);
	set(&pr, "kmemstats=off");
	cr_expect_eq(pr.pr_kmemstats, 0);
	set(&pr, "physmem=0x4000000");
	cr_expect_eq(pr.pr_physmem, 64ULL << 20);
	set(&pr, "physmem=131072K");
	cr_expect_eq(pr.pr_physmem, 128ULL << 20);
	set(&pr, "maxusers=64");
	cr_expect_eq(pr.pr_maxusers, 64);
}

/*
 * profile_check() rejects a kmem_map bigger than the kernel space:
 * (0xffc00000 - 0xc0000000) / 4096 = 0x3fc00 = 261120 pages, and
 * nkmempages=300000 alone is more.  The message names kmem_map; the
 * machine does not boot.
 */
Test(profile, check_kmem_map_too_big)
{
	struct profile pr;
	struct machine *m;
	char err[512];

	load(&pr, "i386-64M");
	set(&pr, "nkmempages=300000");
	err[0] = '\0';
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), -1);
	cr_expect(strstr(err, "kmem_map") != NULL, "message '%s'", err);
	cr_expect(strstr(err, "300000") != NULL, "message '%s'", err);
	err[0] = '\0';
	m = machine_boot(&pr, err, sizeof(err));
	cr_expect_null(m);
	cr_expect(strstr(err, "kmem_map") != NULL, "message '%s'", err);
	machine_free(m);
}

/* NKMEMPAGES_MIN above NKMEMPAGES_MAX contradicts itself. */
Test(profile, check_min_above_max)
{
	struct profile pr;
	char err[512];

	load(&pr, "i386-64M");
	set(&pr, "nkmempages_min=40000");
	err[0] = '\0';
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), -1);
	cr_expect(strstr(err, "nkmempages_min") != NULL, "message '%s'", err);
}

/* A page size that is not a power of two is refused. */
Test(profile, check_bad_pagesize)
{
	struct profile pr;
	char err[512];

	load(&pr, "i386-64M");
	set(&pr, "pagesize=3000");
	err[0] = '\0';
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), -1);
	cr_expect(strstr(err, "pagesize") != NULL, "message '%s'", err);
}

/* An unknown profile name is an error naming it. */
Test(profile, load_unknown_machine)
{
	struct profile pr;
	char err[512];

	err[0] = '\0';
	cr_expect_eq(profile_load(&pr, machines(), "i386-3M", err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "i386-3M") != NULL, "message '%s'", err);
}

/*
 * The amd64 profiles (NetBSD 2.0; docs/model.md, "64-bit machines"):
 * NKMEMPAGES_MIN 2048 and NKMEMPAGES_MAX 32768 as on i386, the same
 * physmem/4 rule, so kmem_map is 128 MiB whatever the memory:
 *   amd64-1G:  262144 pages / 4 = 65536,     clamped to MAX -> 32768
 *   amd64-4G:  1048576 / 4 = 262144,         clamped        -> 32768
 *   amd64-16G: 4194304 / 4 = 1048576,        clamped        -> 32768
 * kernel_map spans VM_MIN_KERNEL_ADDRESS 0xffff800000000000 to
 * VM_MAX_KERNEL_ADDRESS 0xffff800100000000: 4 GiB, 1048576 pages.  The
 * image is linked at KERNBASE 0xffffffff80000000, above kernel_map, so
 * kernel_map begins with kmemusage[]: 32768 * 4 bytes = 128 KiB =
 * 0x20000, and kmem_map starts at 0xffff800000020000.  Then the buffers
 * (nbuf capped by VM_MAX_KERNEL_BUF, 384 MiB / 64 KiB = 6144 buffers,
 * 98304 pages) and the submaps (9912K: 2478 pages): kernel_map holds
 * 32 + 32768 + 98304 + 2478 = 133582 pages after boot.
 */
Test(profile, amd64_kmem_map)
{
	static const struct {
		const char *name;
		uint64_t physmem;
	} c[] = {
		{ "amd64-1G", 1ULL << 30 },
		{ "amd64-4G", 4ULL << 30 },
		{ "amd64-16G", 16ULL << 30 },
	};
	struct profile pr;
	struct machine *m;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		load(&pr, c[i].name);
		cr_expect_eq(pr.pr_physmem, c[i].physmem, "%s", c[i].name);
		cr_expect_eq(pr.pr_ptrsize, 8, "%s", c[i].name);
		cr_expect_eq(profile_nkmempages(&pr), 32768, "%s", c[i].name);
		cr_expect_eq(profile_check(&pr, err, sizeof(err)), 0, "%s: %s",
		    c[i].name, err);
		cr_expect_eq(profile_bufkva(&pr), 384ULL << 20, "%s",
		    c[i].name);
		m = kmtest_boot(NULL, c[i].name, NULL);
		cr_expect_eq(m->m_kmem_map.vm_npages, 32768, "%s", c[i].name);
		cr_expect_eq(m->m_kmem_map.vm_npages * 4096ULL, 128ULL << 20);
		cr_expect_eq(m->m_kernel_map.vm_npages, 1048576, "%s",
		    c[i].name);
		cr_expect_eq(m->m_kmem_map.vm_min, 0xffff800000020000ULL,
		    "%s: %#llx", c[i].name,
		    (unsigned long long)m->m_kmem_map.vm_min);
		cr_expect_eq(m->m_kernel_map.vm_used, 133582, "%s",
		    c[i].name);
		machine_free(m);
	}
}

/*
 * The checks that follow ptrsize: a 4-byte pointer keeps the kernel
 * space within 32 bits (amd64-1G's with ptrsize=4 is refused, naming
 * the 32-bit space); more than 1 TiB of kernel space cannot be
 * simulated: kernend 0xffff810000000000 is 0x10000000000 = 2^40 bytes
 * above kernbase, allowed; 0xffff810000001000 is one page more.
 */
Test(profile, amd64_kernel_space_checks)
{
	struct profile pr;
	char err[512];

	load(&pr, "amd64-1G");
	set(&pr, "ptrsize=4");
	err[0] = '\0';
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), -1);
	cr_expect(strstr(err, "32-bit") != NULL, "message '%s'", err);
	load(&pr, "amd64-1G");
	set(&pr, "kernend=0xffff810000000000");
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), 0, "%s", err);
	set(&pr, "kernend=0xffff810000001000");
	err[0] = '\0';
	cr_expect_eq(profile_check(&pr, err, sizeof(err)), -1);
	cr_expect(strstr(err, "1 TiB") != NULL, "message '%s'", err);
}
