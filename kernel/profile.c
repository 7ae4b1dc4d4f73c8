/*
 * profile.c: reading, overriding and checking machine profiles.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "profile.h"

#define KEY(name, field, unit, doc) \
	{ name, offsetof(struct profile, field), unit, doc }

const struct profile_key profile_keys[] = {
	KEY("physmem", pr_physmem, PU_BYTES, "physical memory"),
	KEY("pagesize", pr_pagesize, PU_BYTES, "page size (PAGE_SIZE)"),
	KEY("kernbase", pr_kernbase, PU_ADDR,
	    "start of kernel virtual space (VM_MIN_KERNEL_ADDRESS)"),
	KEY("kernend", pr_kernend, PU_ADDR,
	    "end of kernel virtual space (VM_MAX_KERNEL_ADDRESS)"),
	KEY("kerntext", pr_kerntext, PU_ADDR,
	    "where the kernel image starts (KERNTEXTOFF)"),
	KEY("kernimage", pr_kernimage, PU_BYTES,
	    "kernel text, data and bss, wired at boot"),
	KEY("nkmempages_min", pr_nkmempages_min, PU_PAGES,
	    "NKMEMPAGES_MIN: smallest kmem_map"),
	KEY("nkmempages_max", pr_nkmempages_max, PU_PAGES,
	    "NKMEMPAGES_MAX: largest kmem_map"),
	KEY("nkmempages", pr_nkmempages, PU_PAGES,
	    "options NKMEMPAGES (0: physmem/4, clamped)"),
	KEY("kmemstats", pr_kmemstats, PU_BOOL,
	    "options KMEMSTATS: enforce the 60% per-type limit"),
	KEY("maxusers", pr_maxusers, PU_COUNT,
	    "MAXUSERS: sets maxproc and maxfiles"),
	KEY("ptrsize", pr_ptrsize, PU_BYTES, "bytes in a pointer"),
	KEY("bufpages", pr_bufpages, PU_PAGES,
	    "options BUFPAGES: buffer cache pages (0: 10% of 2 MiB + 5% of the rest)"),
	KEY("submaps", pr_submaps, PU_BYTES,
	    "kernel_map taken by exec_map, pager_map, phys_map, mb_map, msgbuf"),
	KEY("upages", pr_upages, PU_COUNT,
	    "UPAGES: wired kernel_map pages of a process's u-area"),
	KEY("maxkernbuf", pr_maxkernbuf, PU_BYTES,
	    "VM_MAX_KERNEL_BUF: most kernel_map for buffers (0: no cap)"),
};
const size_t nprofile_keys = sizeof(profile_keys) / sizeof(profile_keys[0]);

void
profile_defaults(struct profile *pr)
{

	memset(pr, 0, sizeof(*pr));
	snprintf(pr->pr_name, sizeof(pr->pr_name), "default");
	pr->pr_physmem = 64ULL << 20;
	pr->pr_pagesize = 4096;
	pr->pr_kernbase = 0xc0000000ULL;
	pr->pr_kernend = 0xffc00000ULL;
	pr->pr_kerntext = 0xc0100000ULL;
	pr->pr_kernimage = 4ULL << 20;
	pr->pr_nkmempages_min = 2048;
	pr->pr_nkmempages_max = 32768;
	pr->pr_nkmempages = 0;
	pr->pr_kmemstats = 0;
	pr->pr_maxusers = 32;
	pr->pr_ptrsize = 4;
	pr->pr_bufpages = 0;
	/* exec_map 4 MiB, pager_map 4 MiB, phys_map 1200 KiB, mb_map 512 KiB,
	 * msgbuf 8 KiB. */
	pr->pr_submaps = (4096 + 4096 + 1200 + 512 + 8) * 1024ULL;
	pr->pr_upages = UPAGES;
	pr->pr_maxkernbuf = 0;
}

static const struct profile_key *
profile_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nprofile_keys; i++)
		if (strlen(profile_keys[i].pk_name) == len &&
		    strncmp(profile_keys[i].pk_name, name, len) == 0)
			return &profile_keys[i];
	return NULL;
}

/* Parse VALUE for KEY into *OUT; 0 or -1 with a message naming KEY. */
static int
profile_parse(const struct profile_key *k, const char *value, uint64_t *out,
    char *err, size_t errlen)
{
	const char *s = value;
	char *end;
	uint64_t v, mul = 1;
	int base = 10;

	if (k->pk_unit == PU_BOOL) {
		if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1"))
			*out = 1;
		else if (!strcmp(s, "off") || !strcmp(s, "no") ||
		    !strcmp(s, "0"))
			*out = 0;
		else {
			snprintf(err, errlen, "%s: '%s' is not on or off",
			    k->pk_name, value);
			return -1;
		}
		return 0;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s) ||
	    (base == 10 && !isdigit((unsigned char)*s))) {
		snprintf(err, errlen, "%s: '%s' is not a number", k->pk_name,
		    value);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		goto range;
	if (k->pk_unit == PU_BYTES && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K': mul = 1ULL << 10; end++; break;
		case 'm': case 'M': mul = 1ULL << 20; end++; break;
		case 'g': case 'G': mul = 1ULL << 30; end++; break;
		}
	}
	if (*end != '\0') {
		snprintf(err, errlen, "%s: '%s' is not a number%s", k->pk_name,
		    value, k->pk_unit == PU_BYTES ? " of bytes (K, M, G)" : "");
		return -1;
	}
	if (v > UINT64_MAX / mul)
		goto range;
	*out = v * mul;
	return 0;
range:
	snprintf(err, errlen, "%s: '%s' is out of range", k->pk_name, value);
	return -1;
}

static int
profile_assign(struct profile *pr, const char *key, size_t keylen,
    const char *value, char *err, size_t errlen)
{
	const struct profile_key *k;
	uint64_t v;

	if ((k = profile_key(key, keylen)) == NULL) {
		snprintf(err, errlen, "unknown setting '%.*s' (see kmbench "
		    "machines --settings)", (int)keylen, key);
		return -1;
	}
	if (profile_parse(k, value, &v, err, errlen) != 0)
		return -1;
	memcpy((char *)pr + k->pk_off, &v, sizeof(v));
	return 0;
}

int
profile_set(struct profile *pr, const char *assignment, char *err,
    size_t errlen)
{
	const char *eq = strchr(assignment, '=');

	if (eq == NULL || eq == assignment || eq[1] == '\0') {
		snprintf(err, errlen, "--set '%s': expected KEY=VALUE",
		    assignment);
		return -1;
	}
	return profile_assign(pr, assignment, (size_t)(eq - assignment),
	    eq + 1, err, errlen);
}

int
profile_load(struct profile *pr, const char *dir, const char *name,
    char *err, size_t errlen)
{
	char path[4096], line[512], msg[256];
	const char *base;
	FILE *f;
	unsigned lineno = 0;

	profile_defaults(pr);
	if (strchr(name, '/') != NULL)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		if (strchr(name, '/') == NULL && errno == ENOENT)
			snprintf(err, errlen, "unknown machine '%s' (kmbench "
			    "machines lists them)", name);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	snprintf(pr->pr_name, sizeof(pr->pr_name), "%s", base);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *key, *value, *e;

		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		key = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
		while (isspace((unsigned char)*s))
			s++;
		value = s;
		/* A comment may follow the value. */
		if ((e = strchr(value, '#')) != NULL)
			*e = '\0';
		e = value + strlen(value);
		while (e > value && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*value == '\0') {
			snprintf(err, errlen, "%s:%u: %s has no value", path,
			    lineno, key);
			fclose(f);
			return -1;
		}
		if (profile_assign(pr, key, strlen(key), value, msg,
		    sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

uint64_t
profile_bufpages(const struct profile *pr)
{
	uint64_t physpages = pr->pr_physmem / pr->pr_pagesize;
	uint64_t twomeg = (2ULL << 20) / pr->pr_pagesize;

	if (pr->pr_bufpages != 0)
		return pr->pr_bufpages;
	/* 10% of the first 2 MiB and 5% of the rest. */
	if (physpages < twomeg)
		return physpages / 10;
	return (twomeg + physpages) / 20;
}

uint64_t
profile_bufkva(const struct profile *pr)
{
	uint64_t nbuf = profile_bufpages(pr);

	if (nbuf < 16)
		nbuf = 16;
	/* kern_allocsys.c: at most VM_MAX_KERNEL_BUF of buffer space. */
	if (pr->pr_maxkernbuf != 0 && nbuf > pr->pr_maxkernbuf / MAXBSIZE)
		nbuf = pr->pr_maxkernbuf / MAXBSIZE;
	return nbuf * MAXBSIZE;
}

int
profile_image_in_map(const struct profile *pr)
{

	return pr->pr_kerntext < pr->pr_kernend;
}

uint64_t
profile_nkmempages(const struct profile *pr)
{
	uint64_t npages;

	if (pr->pr_nkmempages != 0)
		return pr->pr_nkmempages;
	/* kern_malloc.c kmeminit_nkmempages(): a quarter of RAM, clamped. */
	npages = pr->pr_physmem / pr->pr_pagesize / 4;
	if (npages > pr->pr_nkmempages_max)
		npages = pr->pr_nkmempages_max;
	if (npages < pr->pr_nkmempages_min)
		npages = pr->pr_nkmempages_min;
	return npages;
}

int
profile_check(const struct profile *pr, char *err, size_t errlen)
{
	uint64_t ps = pr->pr_pagesize, kva, boot, least, hdr;

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)
	if (ps < 512 || ps > (1 << 16) || (ps & (ps - 1)) != 0)
		BAD("pagesize: %" PRIu64 " is not a power of two from 512 "
		    "to 65536", ps);
	/*
	 * pool(9) keeps a page's header in the page only when its items
	 * are under a sixteenth of it; phpool, which holds the others,
	 * must, or getting one of its pages needs one of its items.
	 */
	if (pr->pr_ptrsize != 4 && pr->pr_ptrsize != 8)
		BAD("ptrsize: %" PRIu64 " is not 4 or 8", pr->pr_ptrsize);
	hdr = pr->pr_ptrsize == 8 ? SIZEOF_POOL_ITEM_HEADER_LP64 :
	    SIZEOF_POOL_ITEM_HEADER;
	for (least = 512; hdr >= least / 16; least *= 2)
		continue;
	if (ps < least)
		BAD("pagesize: %" PRIu64 " is too small for pool(9): phpool's "
		    "%" PRIu64 "-byte items would need off-page headers from "
		    "phpool itself (pages of %" PRIu64 " bytes at least)", ps,
		    hdr, least);
	if (pr->pr_ptrsize == 4 && (pr->pr_kernend > 0xffffffffULL + 1 ||
	    pr->pr_kernbase >= pr->pr_kernend))
		BAD("kernbase 0x%" PRIx64 " and kernend 0x%" PRIx64 " do not "
		    "make a 32-bit kernel space", pr->pr_kernbase,
		    pr->pr_kernend);
	if (pr->pr_kernbase >= pr->pr_kernend)
		BAD("kernbase 0x%" PRIx64 " is not below kernend 0x%" PRIx64,
		    pr->pr_kernbase, pr->pr_kernend);
	/* The host reserves the whole space twice (kernel and ledger). */
	if (pr->pr_kernend - pr->pr_kernbase > (1ULL << 40))
		BAD("kernbase 0x%" PRIx64 " to kernend 0x%" PRIx64 ": more "
		    "than 1 TiB of kernel space cannot be simulated",
		    pr->pr_kernbase, pr->pr_kernend);
	if (pr->pr_kernbase % ps != 0 || pr->pr_kernend % ps != 0 ||
	    pr->pr_kerntext % ps != 0)
		BAD("kernbase, kernend and kerntext must be page aligned");
	/* At or above kernend: the image lies outside kernel_map (amd64). */
	if (pr->pr_kerntext < pr->pr_kernbase)
		BAD("kerntext 0x%" PRIx64 " is below the kernel space",
		    pr->pr_kerntext);
	if (pr->pr_upages == 0 || pr->pr_upages > 64)
		BAD("upages: %" PRIu64 " is out of range (1 to 64)",
		    pr->pr_upages);
	if (pr->pr_physmem < 16 * ps || pr->pr_physmem % ps != 0)
		BAD("physmem: %" PRIu64 " bytes is not a whole number of "
		    "pages (at least 16)", pr->pr_physmem);
	if (pr->pr_physmem > (1ULL << 36))
		BAD("physmem: more than 64 GiB cannot be simulated");
	if (pr->pr_nkmempages_min == 0 ||
	    pr->pr_nkmempages_min > pr->pr_nkmempages_max)
		BAD("nkmempages_min %" PRIu64 " and nkmempages_max %" PRIu64
		    " contradict each other", pr->pr_nkmempages_min,
		    pr->pr_nkmempages_max);
	if (pr->pr_maxusers == 0 || pr->pr_maxusers > 100000)
		BAD("maxusers: %" PRIu64 " is out of range (1 to 100000)",
		    pr->pr_maxusers);
	kva = (pr->pr_kernend - pr->pr_kernbase) / ps;
	boot = profile_image_in_map(pr) ? (pr->pr_kerntext -
	    pr->pr_kernbase + pr->pr_kernimage + ps - 1) / ps : 0;
	if (boot + profile_nkmempages(pr) + (pr->pr_submaps + ps - 1) / ps +
	    profile_bufkva(pr) / ps + profile_nkmempages(pr) / 64 + 16 > kva)
		BAD("kmem_map of %" PRIu64 " pages, the kernel image, the "
		    "buffers and the submaps do not fit in %" PRIu64 " pages "
		    "of kernel space", profile_nkmempages(pr), kva);
	if (pr->pr_kernimage / ps + profile_bufpages(pr) + 16 >
	    pr->pr_physmem / ps)
		BAD("physmem: %" PRIu64 " bytes do not hold the kernel image "
		    "and the buffer cache", pr->pr_physmem);
#undef BAD
	return 0;
}

void
profile_format(const struct profile *pr, const struct profile_key *k,
    char *buf, size_t len)
{
	uint64_t v;

	memcpy(&v, (const char *)pr + k->pk_off, sizeof(v));
	switch (k->pk_unit) {
	case PU_ADDR:
		snprintf(buf, len, "0x%08" PRIx64, v);
		break;
	case PU_BOOL:
		snprintf(buf, len, "%s", v ? "on" : "off");
		break;
	case PU_BYTES:
		if (v != 0 && v % (1ULL << 30) == 0)
			snprintf(buf, len, "%" PRIu64 "G", v >> 30);
		else if (v != 0 && v % (1ULL << 20) == 0)
			snprintf(buf, len, "%" PRIu64 "M", v >> 20);
		else if (v != 0 && v % (1ULL << 10) == 0 && v >= 65536)
			snprintf(buf, len, "%" PRIu64 "K", v >> 10);
		else
			snprintf(buf, len, "%" PRIu64, v);
		break;
	default:
		snprintf(buf, len, "%" PRIu64, v);
		break;
	}
}
