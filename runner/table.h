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
	/*
	 * Descriptor tables only (the fdtab_* functions): the flags of
	 * every key below ut_nsmall, directly indexed, 0 when absent;
	 * keys at or above it are in the hash.  The u32tab_* functions
	 * other than u32tab_free() see only the hash.
	 */
	uint8_t		*ut_small;
	size_t		 ut_nsmall;
};

/* 1 and *VAL when KEY is in the table, else 0. */
int	u32tab_get(const struct u32tab *, uint32_t key, uint64_t *val);
/* 0, or -1 when the host is out of memory. */
int	u32tab_set(struct u32tab *, uint32_t key, uint64_t val);
void	u32tab_del(struct u32tab *, uint32_t key);
/* Like u32tab_get(), and the entry is deleted. */
int	u32tab_take(struct u32tab *, uint32_t key, uint64_t *val);
/* The value of KEY, added as 0 when absent; NULL on ENOMEM. */
uint64_t *u32tab_ref(struct u32tab *, uint32_t key);
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

/*
 * A descriptor table: the trace's descriptors of one process, by
 * number.  Small numbers (the usual case) are kept in a directly
 * indexed array that grows while it stays dense enough; sparse large
 * ones in the hash.  A descriptor with flags 0 is not open.
 */

/* A descriptor's flags, 0 when it is not open in the trace. */
static inline uint8_t
fdtab_get(const struct u32tab *t, uint32_t fd)
{
	uint64_t v;

	if (fd < t->ut_nsmall)
		return t->ut_small[fd];
	return t->ut_cap > 0 && u32tab_get(t, fd, &v) ? (uint8_t)v : 0;
}

/* 0, or -1 when the host is out of memory. */
int	fdtab_set(struct u32tab *, uint32_t fd, uint8_t flags);
void	fdtab_del(struct u32tab *, uint32_t fd);
int	fdtab_copy(struct u32tab *dst, const struct u32tab *src);
/* Close every descriptor whose flags hold all of MASK. */
void	fdtab_close(struct u32tab *, uint8_t mask);
void	fdtab_free(struct u32tab *);

/* One mapping or kmalloc named by the trace. */
struct idval {
	uint64_t	iv_start;	/* mapping: first page */
	uint64_t	iv_npages;	/* mapping: pages in the trace */
	uint64_t	iv_simpages;	/* mapping: pages in the kernel */
	uint64_t	iv_va;		/* kmalloc: the address */
	int		iv_type;	/* kmalloc: the malloc type */
	int		iv_ghost;	/* refused by the kernel */
};

/* An ID of the trace, hashed once for every lookup of one event. */
#define IDTAB_KEYMAX	63
#define IDTAB_USED	0x80000000U	/* set in every live slot's hash */

struct idkey {
	const char	*ik_s;
	size_t		 ik_len;	/* at most IDTAB_KEYMAX */
	uint32_t	 ik_hash;	/* with IDTAB_USED */
};

/*
 * The key of the ID of LEN bytes in S (as kmt_event's ke_id and
 * ke_idlen are), which must be a whole buffer of IDTAB_KEYMAX + 1 bytes:
 * the hash and the compares read it a word at a time.
 */
void	idkey_init(struct idkey *, const char s[static IDTAB_KEYMAX + 1],
	    size_t len);

struct identry {
	char		ie_key[IDTAB_KEYMAX + 1];
	struct idval	ie_val;
	uint8_t		ie_len;		/* strlen(ie_key) */
};

/*
 * The hashes are apart from the entries, so that a probe reads 4 bytes
 * a slot, sixteen to a cache line, until it meets its own.
 */
struct idtab {
	uint32_t	*it_hash;	/* 0: an empty slot */
	struct identry	*it_slots;
	size_t		 it_cap;
	size_t		 it_n;
};

struct idval *idtab_get(const struct idtab *, const struct idkey *);
/*
 * The entry of KEY: *FOUNDP 1 if it was there, else 0 and a new zeroed
 * entry; NULL on ENOMEM.  One probe sequence, where get then add took two.
 */
struct idval *idtab_put(struct idtab *, const struct idkey *, int *foundp);
/*
 * Delete the entry IV, as returned by idtab_get() or idtab_put() with no
 * idtab_put() since (which may move entries).
 */
void	idtab_remove(struct idtab *, struct idval *iv);
int	idtab_copy(struct idtab *dst, const struct idtab *src);
void	idtab_clear(struct idtab *);
void	idtab_free(struct idtab *);

#endif /* KM_TABLE_H */
