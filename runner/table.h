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

/* Descriptor flags in the trace's view. */
#define FD_OPEN		0x01
#define FD_CLOEXEC	0x02
#define FD_GHOST	0x04	/* open in the trace, refused in the kernel */

struct fdtab {
	uint32_t	*ft_keys;
	uint8_t		*ft_vals;	/* 0: empty slot */
	size_t		 ft_cap;
	size_t		 ft_n;
};

/* 0 when FD is not in the table. */
uint8_t	fdtab_get(const struct fdtab *, uint32_t fd);
/* Set FD's flags (nonzero).  0, or -1 when the host is out of memory. */
int	fdtab_set(struct fdtab *, uint32_t fd, uint8_t flags);
void	fdtab_del(struct fdtab *, uint32_t fd);
int	fdtab_copy(struct fdtab *dst, const struct fdtab *src);
void	fdtab_free(struct fdtab *);
/* Visit every entry; delete nothing while visiting. */
#define FDTAB_FOREACH(t, i) \
	for ((i) = 0; (i) < (t)->ft_cap; (i)++) if ((t)->ft_vals[i] != 0)

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
