/*
 * profile.h: a machine profile, the settings of one simulated machine.
 *
 * A profile is a small text file in machines/ ("KEY VALUE" lines); any
 * setting can be overridden with --set KEY=VALUE.  Where the NetBSD
 * sources leave a choice open, it is a setting here rather than a
 * constant in the code.
 */
#ifndef KM_PROFILE_H
#define KM_PROFILE_H

#include <stdint.h>
#include <stddef.h>

struct profile {
	char		pr_name[64];
	uint64_t	pr_physmem;	/* bytes of RAM */
	uint64_t	pr_pagesize;	/* bytes, a power of two */
	uint64_t	pr_kernbase;	/* VM_MIN_KERNEL_ADDRESS */
	uint64_t	pr_kernend;	/* VM_MAX_KERNEL_ADDRESS */
	uint64_t	pr_kerntext;	/* KERNTEXTOFF */
	uint64_t	pr_kernimage;	/* bytes of text, data and bss */
	uint64_t	pr_nkmempages_min;
	uint64_t	pr_nkmempages_max;
	uint64_t	pr_nkmempages;	/* options NKMEMPAGES; 0: the formula */
	uint64_t	pr_kmemstats;	/* options KMEMSTATS: 0 or 1 */
	uint64_t	pr_maxusers;
	uint64_t	pr_ptrsize;	/* bytes in a pointer */
	uint64_t	pr_bufpages;	/* BUFPAGES: wired buffer pages; 0: rule */
	uint64_t	pr_submaps;	/* kernel_map bytes of the other submaps */
	uint64_t	pr_upages;	/* UPAGES: pages of a u-area */
	uint64_t	pr_maxkernbuf;	/* VM_MAX_KERNEL_BUF; 0: no cap */
};

/* One setting: its name, where it lives, and how it is written. */
enum profile_unit { PU_BYTES, PU_PAGES, PU_ADDR, PU_BOOL, PU_COUNT };

struct profile_key {
	const char		*pk_name;
	size_t			 pk_off;
	enum profile_unit	 pk_unit;
	const char		*pk_doc;
};

extern const struct profile_key profile_keys[];
extern const size_t nprofile_keys;

/* Defaults: NetBSD 1.5 GENERIC on i386 with 64 MiB. */
void	profile_defaults(struct profile *);

/*
 * Load profile NAME: a path if it contains '/', else DIR/NAME.
 * Returns 0, or -1 with a one-line message in ERR.
 */
int	profile_load(struct profile *, const char *dir, const char *name,
	    char *err, size_t errlen);

/* Apply "KEY=VALUE".  Returns 0, or -1 with a message in ERR. */
int	profile_set(struct profile *, const char *assignment,
	    char *err, size_t errlen);

/* Check that the settings make a machine.  0, or -1 with ERR. */
int	profile_check(const struct profile *, char *err, size_t errlen);

/* The value of a setting formatted as in a profile file. */
void	profile_format(const struct profile *, const struct profile_key *,
	    char *buf, size_t len);

/* allocsys(): pages wired by the buffer cache. */
uint64_t profile_bufpages(const struct profile *);
/*
 * cpu_startup(): kernel_map bytes the buffers take, nbuf * MAXBSIZE,
 * nbuf at most maxkernbuf / MAXBSIZE when maxkernbuf is set.
 */
uint64_t profile_bufkva(const struct profile *);

/*
 * Nonzero when the kernel image lies in kernel_map (kerntext below
 * kernend, as on i386); amd64 links it at KERNBASE, above kernel_map.
 */
int	profile_image_in_map(const struct profile *);

/* kmeminit_nkmempages(): kmem_map's size in pages. */
uint64_t profile_nkmempages(const struct profile *);

#endif /* KM_PROFILE_H */
