/*
 * param.h: fixed facts of the simulated NetBSD 1.5 i386 kernel.
 *
 * Everything that a machine profile may change lives in profile.h; what
 * is here is fixed by the kernel sources (see docs/model.md for where
 * each value was read).
 */
#ifndef KM_PARAM_H
#define KM_PARAM_H

#include <stdint.h>
#include <stddef.h>

/*
 * A simulated kernel virtual address and a size in the kernel space:
 * 64 bits, so that one type holds an i386 address (below 2^32) and an
 * amd64 one (0xffff800000000000 up).  Page counts stay 32-bit: a kernel
 * space of at most 2^32 pages (profile_check() makes sure).
 */
typedef uint64_t vaddr_t;
typedef uint64_t vsize_t;

/* kern_malloc.c, sys/param.h, malloc.h */
#define MINBUCKET	4		/* 16 bytes, the smallest bucket */
#define MAXBUCKET	19		/* 512 KiB, BUCKETINDX's largest */
#define MAXALLOCSAVE_PAGES 2		/* MAXALLOCSAVE is 2 * PAGE_SIZE */
#define MALLOC_MAXPAGES	65535		/* "malloc: allocation too large" */
#define KMEMSTATS_LIMIT_NUM 6		/* ks_limit = 6/10 of kmem_map */
#define KMEMSTATS_LIMIT_DEN 10

/* malloc(9) flags, malloc.h 1.77; M_NOINTR is the proposal in the seed. */
#define M_WAITOK	0x0000
#define M_NOWAIT	0x0001
#define M_ZERO		0x0002
#define M_CANFAIL	0x0004
#define M_NOINTR	0x0100

/* filedesc.h 1.18 */
#define NDFILE		20		/* slots embedded in filedesc0 */
#define NDEXTENT	50		/* 250 bytes in a 256-byte bucket */

/* uvm_amap.h */
#define UVM_AMAP_LARGE	256		/* entries this big are chunked */
#define UVM_AMAP_CHUNK	16		/* pages per amap chunk */

/* subr_pool.c 1.31: idle pages older than this are drained. */
#define POOL_INACTIVE_NS (10ULL * 1000000000ULL)

/*
 * Sizes of kernel structures on i386, counted from their definitions in
 * the 1.5-era headers (docs/model.md lists the fields counted).
 */
#define SIZEOF_FILE		48	/* struct file, sys/file.h */
#define SIZEOF_VM_AMAP		40	/* struct vm_amap, uvm_amap_i.h */
#define SIZEOF_POOL_ITEM_HEADER	40	/* struct pool_item_header */
#define SIZEOF_POOL_ITEM	8	/* struct pool_item: a TAILQ entry */
#define SIZEOF_KMEMUSAGE	4	/* struct kmemusage */
#define SIZEOF_FILEDESC		24	/* struct filedesc without slots */
#define SIZEOF_CWDINFO		16	/* struct cwdinfo */
#define SIZEOF_PLIMIT		152	/* struct plimit: 9 rlimits + 2 ints */
#define SIZEOF_PCRED		24	/* struct pcred */
#define SIZEOF_PROC		320	/* struct proc (hand count, model.md) */
#define SIZEOF_VMSPACE		184	/* struct vmspace (hand count) */
#define SIZEOF_VM_MAP_ENTRY	64	/* struct vm_map_entry */
#define UPAGES			2	/* i386 u-area pages (USPACE 8192) */

/*
 * The same structures with 8-byte pointers and longs (ptrsize 8, amd64):
 * estimates, each pointer and long of the i386 count doubled and the
 * whole rounded to 8 bytes (docs/model.md, "64-bit machines").  plimit
 * and kmemusage hold no pointer; filedesc0 is computed from ptrsize.
 */
#define SIZEOF_FILE_LP64		72	/* 5 pointers: 48 + 20, aligned */
#define SIZEOF_VM_AMAP_LP64		56	/* 4 array pointers */
#define SIZEOF_POOL_ITEM_HEADER_LP64	80	/* 3 list entries, page, timeval */
#define SIZEOF_POOL_ITEM_LP64		16	/* a TAILQ entry */
#define SIZEOF_CWDINFO_LP64		24	/* 2 vnode pointers */
#define SIZEOF_PLIMIT_LP64		152	/* rlim_t is 64-bit on both */
#define SIZEOF_PCRED_LP64		32	/* 1 pointer: 24 + 4, aligned */
#define SIZEOF_PROC_LP64		480	/* about 40 pointers and longs */
#define SIZEOF_VMSPACE_LP64		264	/* about 20 in its vm_map */
#define SIZEOF_VM_MAP_ENTRY_LP64	88	/* 6 pointers and addresses */

/* Buffer cache (kern_allocsys.c 1.8): MAXBSIZE of kernel space a buffer. */
#define MAXBSIZE	(64 * 1024)

/* Internal results of kernel paths, beside the errno values. */
#define ESLEEP		1001	/* the process must sleep; see kern_synch.c */
#define EPANIC		1002	/* the machine has panicked */

#endif /* KM_PARAM_H */
