/*
 * table.c: the replayer's hash tables (see table.h).
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

static inline size_t
hash32(uint32_t k)
{

	k ^= k >> 16;
	k *= 0x7feb352dU;
	k ^= k >> 15;
	k *= 0x846ca68bU;
	k ^= k >> 16;
	return k;
}

static size_t
hashstr(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t
fdtab_find(const struct fdtab *t, uint32_t fd)
{
	size_t i = hash32(fd) & (t->ft_cap - 1);

	while (t->ft_vals[i] != 0 && t->ft_keys[i] != fd)
		i = (i + 1) & (t->ft_cap - 1);
	return i;
}

uint8_t
fdtab_get(const struct fdtab *t, uint32_t fd)
{

	if (t->ft_cap == 0)
		return 0;
	return t->ft_vals[fdtab_find(t, fd)];
}

static int
fdtab_resize(struct fdtab *t, size_t cap)
{
	struct fdtab n = { 0 };
	size_t i;

	n.ft_cap = cap;
	n.ft_keys = malloc(cap * sizeof(*n.ft_keys));
	n.ft_vals = calloc(cap, sizeof(*n.ft_vals));
	if (n.ft_keys == NULL || n.ft_vals == NULL) {
		free(n.ft_keys);
		free(n.ft_vals);
		return -1;
	}
	for (i = 0; i < t->ft_cap; i++) {
		if (t->ft_vals[i] != 0) {
			size_t j = fdtab_find(&n, t->ft_keys[i]);

			n.ft_keys[j] = t->ft_keys[i];
			n.ft_vals[j] = t->ft_vals[i];
			n.ft_n++;
		}
	}
	free(t->ft_keys);
	free(t->ft_vals);
	*t = n;
	return 0;
}

int
fdtab_set(struct fdtab *t, uint32_t fd, uint8_t flags)
{
	size_t i;

	if ((t->ft_n + 1) * 4 >= t->ft_cap * 3 &&
	    fdtab_resize(t, t->ft_cap ? 2 * t->ft_cap : 16) != 0)
		return -1;
	i = fdtab_find(t, fd);
	if (t->ft_vals[i] == 0)
		t->ft_n++;
	t->ft_keys[i] = fd;
	t->ft_vals[i] = flags;
	return 0;
}

void
fdtab_del(struct fdtab *t, uint32_t fd)
{
	size_t i, j, home, mask = t->ft_cap - 1;

	if (t->ft_cap == 0 || t->ft_vals[i = fdtab_find(t, fd)] == 0)
		return;
	/* Backward shift: pull later members of the run into the gap. */
	for (j = (i + 1) & mask; t->ft_vals[j] != 0; j = (j + 1) & mask) {
		home = hash32(t->ft_keys[j]) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->ft_keys[i] = t->ft_keys[j];
			t->ft_vals[i] = t->ft_vals[j];
			i = j;
		}
	}
	t->ft_vals[i] = 0;
	t->ft_n--;
}

int
fdtab_copy(struct fdtab *dst, const struct fdtab *src)
{

	memset(dst, 0, sizeof(*dst));
	if (src->ft_cap == 0)
		return 0;
	dst->ft_keys = malloc(src->ft_cap * sizeof(*dst->ft_keys));
	dst->ft_vals = malloc(src->ft_cap * sizeof(*dst->ft_vals));
	if (dst->ft_keys == NULL || dst->ft_vals == NULL) {
		fdtab_free(dst);
		return -1;
	}
	memcpy(dst->ft_keys, src->ft_keys, src->ft_cap * sizeof(*dst->ft_keys));
	memcpy(dst->ft_vals, src->ft_vals, src->ft_cap * sizeof(*dst->ft_vals));
	dst->ft_cap = src->ft_cap;
	dst->ft_n = src->ft_n;
	return 0;
}

void
fdtab_free(struct fdtab *t)
{

	free(t->ft_keys);
	free(t->ft_vals);
	memset(t, 0, sizeof(*t));
}

static size_t
idtab_find(const struct idtab *t, const char *key)
{
	size_t i = hashstr(key) & (t->it_cap - 1);

	while (t->it_slots[i].ie_used &&
	    strcmp(t->it_slots[i].ie_key, key) != 0)
		i = (i + 1) & (t->it_cap - 1);
	return i;
}

struct idval *
idtab_get(const struct idtab *t, const char *key)
{
	size_t i;

	if (t->it_cap == 0)
		return NULL;
	i = idtab_find(t, key);
	return t->it_slots[i].ie_used ? &t->it_slots[i].ie_val : NULL;
}

static int
idtab_resize(struct idtab *t, size_t cap)
{
	struct idtab n = { 0 };
	size_t i;

	if ((n.it_slots = calloc(cap, sizeof(*n.it_slots))) == NULL)
		return -1;
	n.it_cap = cap;
	for (i = 0; i < t->it_cap; i++)
		if (t->it_slots[i].ie_used) {
			n.it_slots[idtab_find(&n, t->it_slots[i].ie_key)] =
			    t->it_slots[i];
			n.it_n++;
		}
	free(t->it_slots);
	*t = n;
	return 0;
}

struct idval *
idtab_add(struct idtab *t, const char *key)
{
	struct identry *e;

	if ((t->it_n + 1) * 4 >= t->it_cap * 3 &&
	    idtab_resize(t, t->it_cap ? 2 * t->it_cap : 16) != 0)
		return NULL;
	e = &t->it_slots[idtab_find(t, key)];
	memset(e, 0, sizeof(*e));
	strncpy(e->ie_key, key, sizeof(e->ie_key) - 1);
	e->ie_used = 1;
	t->it_n++;
	return &e->ie_val;
}

void
idtab_del(struct idtab *t, const char *key)
{
	size_t i, j, home, mask = t->it_cap - 1;

	if (t->it_cap == 0 || !t->it_slots[i = idtab_find(t, key)].ie_used)
		return;
	for (j = (i + 1) & mask; t->it_slots[j].ie_used; j = (j + 1) & mask) {
		home = hashstr(t->it_slots[j].ie_key) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->it_slots[i] = t->it_slots[j];
			i = j;
		}
	}
	t->it_slots[i].ie_used = 0;
	t->it_n--;
}

int
idtab_copy(struct idtab *dst, const struct idtab *src)
{

	memset(dst, 0, sizeof(*dst));
	if (src->it_cap == 0)
		return 0;
	if ((dst->it_slots = malloc(src->it_cap * sizeof(*dst->it_slots))) ==
	    NULL)
		return -1;
	memcpy(dst->it_slots, src->it_slots,
	    src->it_cap * sizeof(*dst->it_slots));
	dst->it_cap = src->it_cap;
	dst->it_n = src->it_n;
	return 0;
}

void
idtab_clear(struct idtab *t)
{

	if (t->it_cap > 0)
		memset(t->it_slots, 0, t->it_cap * sizeof(*t->it_slots));
	t->it_n = 0;
}

void
idtab_free(struct idtab *t)
{

	free(t->it_slots);
	memset(t, 0, sizeof(*t));
}
