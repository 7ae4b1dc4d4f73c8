/*
 * table.c: the replayer's hash tables (see table.h).
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

/*
 * Keys are descriptor numbers (small and mostly consecutive) and kernel
 * addresses (aligned).  Folding the high bits into the low ones keeps
 * consecutive keys in consecutive slots, which the descriptor tables of
 * a dup storm walk through, and still spreads aligned addresses.
 */
static inline size_t
hash32(uint32_t k)
{

	return k ^ (k >> 12) ^ (k >> 22);
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
u32tab_find(const struct u32tab *t, uint32_t key)
{
	size_t i = hash32(key) & (t->ut_cap - 1);

	while (t->ut_keys[i] != U32TAB_EMPTY && t->ut_keys[i] != key)
		i = (i + 1) & (t->ut_cap - 1);
	return i;
}

int
u32tab_get(const struct u32tab *t, uint32_t key, uint64_t *val)
{
	size_t i;

	if (t->ut_cap == 0)
		return 0;
	i = u32tab_find(t, key);
	if (t->ut_keys[i] == U32TAB_EMPTY)
		return 0;
	*val = t->ut_vals[i];
	return 1;
}

static int
u32tab_resize(struct u32tab *t, size_t cap)
{
	struct u32tab n = { 0 };
	size_t i;

	n.ut_cap = cap;
	n.ut_keys = malloc(cap * sizeof(*n.ut_keys));
	n.ut_vals = malloc(cap * sizeof(*n.ut_vals));
	if (n.ut_keys == NULL || n.ut_vals == NULL) {
		free(n.ut_keys);
		free(n.ut_vals);
		return -1;
	}
	memset(n.ut_keys, 0xff, cap * sizeof(*n.ut_keys));
	U32TAB_FOREACH(t, i) {
		size_t j = u32tab_find(&n, t->ut_keys[i]);

		n.ut_keys[j] = t->ut_keys[i];
		n.ut_vals[j] = t->ut_vals[i];
		n.ut_n++;
	}
	free(t->ut_keys);
	free(t->ut_vals);
	*t = n;
	return 0;
}

int
u32tab_set(struct u32tab *t, uint32_t key, uint64_t val)
{
	size_t i;

	if ((t->ut_n + 1) * 4 >= t->ut_cap * 3 &&
	    u32tab_resize(t, t->ut_cap ? 2 * t->ut_cap : 16) != 0)
		return -1;
	i = u32tab_find(t, key);
	if (t->ut_keys[i] == U32TAB_EMPTY)
		t->ut_n++;
	t->ut_keys[i] = key;
	t->ut_vals[i] = val;
	return 0;
}

void
u32tab_del(struct u32tab *t, uint32_t key)
{
	size_t i, j, home, mask = t->ut_cap - 1;

	if (t->ut_cap == 0 ||
	    t->ut_keys[i = u32tab_find(t, key)] == U32TAB_EMPTY)
		return;
	/* Backward shift: pull later members of the run into the gap. */
	for (j = (i + 1) & mask; t->ut_keys[j] != U32TAB_EMPTY;
	    j = (j + 1) & mask) {
		home = hash32(t->ut_keys[j]) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->ut_keys[i] = t->ut_keys[j];
			t->ut_vals[i] = t->ut_vals[j];
			i = j;
		}
	}
	t->ut_keys[i] = U32TAB_EMPTY;
	t->ut_n--;
}

int
u32tab_copy(struct u32tab *dst, const struct u32tab *src)
{

	memset(dst, 0, sizeof(*dst));
	if (src->ut_cap == 0)
		return 0;
	dst->ut_keys = malloc(src->ut_cap * sizeof(*dst->ut_keys));
	dst->ut_vals = malloc(src->ut_cap * sizeof(*dst->ut_vals));
	if (dst->ut_keys == NULL || dst->ut_vals == NULL) {
		u32tab_free(dst);
		return -1;
	}
	memcpy(dst->ut_keys, src->ut_keys, src->ut_cap * sizeof(*dst->ut_keys));
	memcpy(dst->ut_vals, src->ut_vals, src->ut_cap * sizeof(*dst->ut_vals));
	dst->ut_cap = src->ut_cap;
	dst->ut_n = src->ut_n;
	return 0;
}

void
u32tab_free(struct u32tab *t)
{

	free(t->ut_keys);
	free(t->ut_vals);
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
