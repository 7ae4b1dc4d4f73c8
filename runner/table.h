/*
 * table.h: the hash tables in which the replayer keeps a trace's view of
 * each process: descriptors by number, and mappings and kmallocs by the
 * trace's ID token.  Open addressing with linear probing and
 * backward-shift deletion; memory follows what is live, not the trace.
 */
#ifndef KM_TABLE_H
#define KM_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* A table of 32-bit keys (never U32TAB_EMPTY) to 64-bit values. */
#define U32TAB_EMPTY	0xffffffffU

struct u32tab {
	uint32_t	*ut_keys;	/* U32TAB_EMPTY: an empty slot */
	uint64_t	*ut_vals;
	size_t		 ut_cap;
	size_t		 ut_n;
};

/* 1 and *VAL when KEY is in the table, else 0. */
int	u32tab_get(const struct u32tab *, uint32_t key, uint64_t *val);
/* 0, or -1 when the host is out of memory. */
int	u32tab_set(struct u32tab *, uint32_t key, uint64_t val);
void	u32tab_del(struct u32tab *, uint32_t key);
int	u32tab_copy(struct u32tab *dst, const struct u32tab *src);
void	u32tab_free(struct u32tab *);
/* Visit every entry; delete nothing while visiting. */
#define U32TAB_FOREACH(t, i) \
	for ((i) = 0; (i) < (t)->ut_cap; (i)++) \
		if ((t)->ut_keys[i] != U32TAB_EMPTY)

/* Descriptor flags in the trace's view, kept in a u32tab by number. */
#define VFD_OPEN		0x01
#define VFD_CLOEXEC	0x02
#define VFD_GHOST	0x04	/* open in the trace, refused in the kernel */

/* A descriptor's flags, 0 when it is not open in the trace. */
static inline uint8_t
fdtab_get(const struct u32tab *t, uint32_t fd)
{
	uint64_t v;

	return u32tab_get(t, fd, &v) ? (uint8_t)v : 0;
}

/* One mapping or kmalloc named by the trace. */
struct idval {
	uint64_t	iv_start;	/* mapping: first page */
	uint64_t	iv_npages;	/* mapping: pages in the trace */
	uint64_t	iv_simpages;	/* mapping: pages in the kernel */
	uint32_t	iv_va;		/* kmalloc: the address */
	int		iv_type;	/* kmalloc: the malloc type */
	int		iv_ghost;	/* refused by the kernel */
};

struct identry {
	char		ie_key[64];
	struct idval	ie_val;
	int		ie_used;
};

struct idtab {
	struct identry	*it_slots;
	size_t		 it_cap;
	size_t		 it_n;
};

struct idval *idtab_get(const struct idtab *, const char *key);
/* A new entry for KEY (which must be absent), zeroed; NULL on ENOMEM. */
struct idval *idtab_add(struct idtab *, const char *key);
void	idtab_del(struct idtab *, const char *key);
int	idtab_copy(struct idtab *dst, const struct idtab *src);
void	idtab_clear(struct idtab *);
void	idtab_free(struct idtab *);

#endif /* KM_TABLE_H */
