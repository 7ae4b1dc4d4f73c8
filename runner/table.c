/*
 * table.c: the replayer's hash tables (see table.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../workloads/kmtrace.h"
#include "table.h"

/* IDs are trace tokens, compared with kmt_tokeq(). */
_Static_assert(IDTAB_KEYMAX == KMT_TOKEN_MAX, "an ID is a token");

/*
 * Keys are sparse descriptor numbers (the dense ones are in the direct
 * array of a descriptor table), kernel addresses (aligned, many to a
 * page) and PIDs.  A full mix (the finaliser of MurmurHash3) keeps
 * aligned keys from piling into long runs, which made every deletion
 * walk them.  No caller depends on the order of the slots.
 */
static inline size_t
hash32(uint32_t k)
{

	k ^= k >> 16;
	k *= 0x85ebca6bU;
	k ^= k >> 13;
	k *= 0xc2b2ae35U;
	k ^= k >> 16;
	return k;
}

/*
 * The IDs of a trace ("mb1234567"): eight bytes a step, each step a
 * multiply and a shift, the last step the eight bytes that end the key
 * (overlapping the one before), then MurmurHash3's 64-bit finaliser.
 * A byte at a time, the hash was a third of a kmalloc-heavy replay.
 */
static uint32_t
hashstr(const char s[static IDTAB_KEYMAX + 1], size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;
	size_t i;

	if (len >= 8) {
		for (i = 0; i + 8 < len; i += 8) {
			memcpy(&w, s + i, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdULL;
			h ^= h >> 32;
		}
		memcpy(&w, s + len - 8, 8);
	} else {
		/* S has IDTAB_KEYMAX + 1 bytes: read 8, keep LEN of them. */
		memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w &= len == 0 ? 0 : ~0ULL >> (8 * (8 - len));
#else
		w &= len == 0 ? 0 : ~0ULL << (8 * (8 - len));
#endif
	}
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
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
	n.ut_small = t->ut_small;
	n.ut_nsmall = t->ut_nsmall;
	*t = n;
	return 0;
}

int
u32tab_set(struct u32tab *t, uint32_t key, uint64_t val)
{
	size_t i;

	if ((t->ut_n + 1) * 2 >= t->ut_cap &&
	    u32tab_resize(t, t->ut_cap ? 2 * t->ut_cap : 16) != 0)
		return -1;
	i = u32tab_find(t, key);
	if (t->ut_keys[i] == U32TAB_EMPTY)
		t->ut_n++;
	t->ut_keys[i] = key;
	t->ut_vals[i] = val;
	return 0;
}

uint64_t *
u32tab_ref(struct u32tab *t, uint32_t key)
{
	size_t i;

	if ((t->ut_n + 1) * 2 >= t->ut_cap &&
	    u32tab_resize(t, t->ut_cap ? 2 * t->ut_cap : 16) != 0)
		return NULL;
	i = u32tab_find(t, key);
	if (t->ut_keys[i] == U32TAB_EMPTY) {
		t->ut_n++;
		t->ut_keys[i] = key;
		t->ut_vals[i] = 0;
	}
	return &t->ut_vals[i];
}

/* Delete the entry in slot I. */
static void
u32tab_delslot(struct u32tab *t, size_t i)
{
	size_t j, home, mask = t->ut_cap - 1;

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

void
u32tab_del(struct u32tab *t, uint32_t key)
{
	size_t i;

	if (t->ut_cap == 0 ||
	    t->ut_keys[i = u32tab_find(t, key)] == U32TAB_EMPTY)
		return;
	u32tab_delslot(t, i);
}

int
u32tab_take(struct u32tab *t, uint32_t key, uint64_t *val)
{
	size_t i;

	if (t->ut_cap == 0 ||
	    t->ut_keys[i = u32tab_find(t, key)] == U32TAB_EMPTY)
		return 0;
	*val = t->ut_vals[i];
	u32tab_delslot(t, i);
	return 1;
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
	free(t->ut_small);
	memset(t, 0, sizeof(*t));
}

/* The direct array covers at least this many descriptors once used. */
#define FDTAB_MIN	64
/* It grows to cover FD while FD is below this many times the count. */
#define FDTAB_DENSITY	4

/*
 * Grow the direct array to N slots (a power of two, above ut_nsmall),
 * moving the hash's keys below N into it.
 */
static int
fdtab_grow(struct u32tab *t, size_t n)
{
	uint8_t *s;
	uint32_t *gone = NULL;
	size_t i, k = 0;

	if ((s = realloc(t->ut_small, n)) == NULL)
		return -1;
	memset(s + t->ut_nsmall, 0, n - t->ut_nsmall);
	t->ut_small = s;
	t->ut_nsmall = n;
	if (t->ut_n == 0)
		return 0;
	if ((gone = malloc(t->ut_n * sizeof(*gone))) == NULL)
		return -1;
	U32TAB_FOREACH(t, i)
		if (t->ut_keys[i] < n) {
			s[t->ut_keys[i]] = (uint8_t)t->ut_vals[i];
			gone[k++] = t->ut_keys[i];
		}
	for (i = 0; i < k; i++)
		u32tab_del(t, gone[i]);
	free(gone);
	return 0;
}

int
fdtab_set(struct u32tab *t, uint32_t fd, uint8_t flags)
{
	size_t n, count;

	if (fd < t->ut_nsmall) {
		t->ut_small[fd] = flags;
		return 0;
	}
	count = t->ut_nsmall + t->ut_n;
	if (fd < FDTAB_MIN || (uint64_t)fd < (uint64_t)FDTAB_DENSITY *
	    (count + 1)) {
		for (n = t->ut_nsmall ? t->ut_nsmall : FDTAB_MIN; n <= fd;
		    n *= 2)
			continue;
		if (fdtab_grow(t, n) != 0)
			return -1;
		t->ut_small[fd] = flags;
		return 0;
	}
	return u32tab_set(t, fd, flags);
}

void
fdtab_del(struct u32tab *t, uint32_t fd)
{

	if (fd < t->ut_nsmall)
		t->ut_small[fd] = 0;
	else
		u32tab_del(t, fd);
}

int
fdtab_copy(struct u32tab *dst, const struct u32tab *src)
{

	if (u32tab_copy(dst, src) != 0)
		return -1;
	if (src->ut_nsmall == 0)
		return 0;
	if ((dst->ut_small = malloc(src->ut_nsmall)) == NULL) {
		u32tab_free(dst);
		return -1;
	}
	memcpy(dst->ut_small, src->ut_small, src->ut_nsmall);
	dst->ut_nsmall = src->ut_nsmall;
	return 0;
}

void
fdtab_close(struct u32tab *t, uint8_t mask)
{
	uint32_t *gone;
	size_t i, n = 0;

	for (i = 0; i < t->ut_nsmall; i++)
		if ((t->ut_small[i] & mask) == mask)
			t->ut_small[i] = 0;
	if (t->ut_n == 0)
		return;
	if ((gone = malloc(t->ut_n * sizeof(*gone))) == NULL)
		return;
	U32TAB_FOREACH(t, i)
		if ((t->ut_vals[i] & mask) == mask)
			gone[n++] = t->ut_keys[i];
	for (i = 0; i < n; i++)
		u32tab_del(t, gone[i]);
	free(gone);
}

void
fdtab_free(struct u32tab *t)
{

	u32tab_free(t);
}

void
idkey_init(struct idkey *k, const char s[static IDTAB_KEYMAX + 1],
    size_t len)
{

	k->ik_s = s;
	k->ik_len = len > IDTAB_KEYMAX ? IDTAB_KEYMAX : len;
	k->ik_hash = hashstr(s, k->ik_len) | IDTAB_USED;
}

/* The slot of KEY, or the empty slot where it would go. */
static inline size_t
idtab_find(const struct idtab *t, const struct idkey *k)
{
	size_t i = k->ik_hash & (t->it_cap - 1);
	const struct identry *e;

	for (;; i = (i + 1) & (t->it_cap - 1)) {
		if (t->it_hash[i] == 0)
			return i;
		if (t->it_hash[i] != k->ik_hash)
			continue;
		e = &t->it_slots[i];
		if (e->ie_len == k->ik_len &&
		    kmt_tokeq(e->ie_key, k->ik_s, k->ik_len))
			return i;
	}
}

struct idval *
idtab_get(const struct idtab *t, const struct idkey *k)
{
	size_t i;

	if (t->it_cap == 0)
		return NULL;
	i = idtab_find(t, k);
	return t->it_hash[i] != 0 ? &t->it_slots[i].ie_val : NULL;
}

static int
idtab_resize(struct idtab *t, size_t cap)
{
	struct idtab n = { 0 };
	size_t i, j;

	if ((n.it_hash = calloc(cap, sizeof(*n.it_hash))) == NULL ||
	    (n.it_slots = malloc(cap * sizeof(*n.it_slots))) == NULL) {
		free(n.it_hash);
		return -1;
	}
	n.it_cap = cap;
	for (i = 0; i < t->it_cap; i++) {
		if (t->it_hash[i] == 0)
			continue;
		for (j = t->it_hash[i] & (cap - 1); n.it_hash[j] != 0;
		    j = (j + 1) & (cap - 1))
			continue;
		n.it_hash[j] = t->it_hash[i];
		n.it_slots[j] = t->it_slots[i];
		n.it_n++;
	}
	idtab_free(t);
	*t = n;
	return 0;
}

struct idval *
idtab_put(struct idtab *t, const struct idkey *k, int *foundp)
{
	struct identry *e;
	size_t i;

	if ((t->it_n + 1) * 4 >= t->it_cap * 3 &&
	    idtab_resize(t, t->it_cap ? 2 * t->it_cap : 16) != 0)
		return NULL;
	i = idtab_find(t, k);
	e = &t->it_slots[i];
	if ((*foundp = t->it_hash[i] != 0) != 0)
		return &e->ie_val;
	memset(&e->ie_val, 0, sizeof(e->ie_val));
	/* The whole buffer: a fixed size is copied without a call. */
	memcpy(e->ie_key, k->ik_s, sizeof(e->ie_key));
	e->ie_key[k->ik_len] = '\0';
	e->ie_len = (uint8_t)k->ik_len;
	t->it_hash[i] = k->ik_hash;
	t->it_n++;
	return &e->ie_val;
}

void
idtab_remove(struct idtab *t, struct idval *iv)
{
	size_t i, j, home, mask = t->it_cap - 1;

	i = (size_t)((struct identry *)((char *)iv -
	    offsetof(struct identry, ie_val)) - t->it_slots);
	for (j = (i + 1) & mask; t->it_hash[j] != 0; j = (j + 1) & mask) {
		home = t->it_hash[j] & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->it_hash[i] = t->it_hash[j];
			t->it_slots[i] = t->it_slots[j];
			i = j;
		}
	}
	t->it_hash[i] = 0;
	t->it_n--;
}

int
idtab_copy(struct idtab *dst, const struct idtab *src)
{

	memset(dst, 0, sizeof(*dst));
	if (src->it_cap == 0)
		return 0;
	if ((dst->it_hash = malloc(src->it_cap * sizeof(*dst->it_hash))) ==
	    NULL || (dst->it_slots = malloc(src->it_cap *
	    sizeof(*dst->it_slots))) == NULL) {
		free(dst->it_hash);
		dst->it_hash = NULL;
		return -1;
	}
	memcpy(dst->it_hash, src->it_hash, src->it_cap * sizeof(*dst->it_hash));
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
		memset(t->it_hash, 0, t->it_cap * sizeof(*t->it_hash));
	t->it_n = 0;
}

void
idtab_free(struct idtab *t)
{

	free(t->it_hash);
	free(t->it_slots);
	memset(t, 0, sizeof(*t));
}
