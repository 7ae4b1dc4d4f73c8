/*
 * test_table.c: the replayer's table of mappings and kmallocs by the
 * trace's ID (runner/table.c), against a plain array that holds the
 * same keys.  The IDs are of every length from 1 to 63 (the hash takes
 * a word at a time, with a masked or overlapping last word), and many
 * differ only in their last byte or only in their length.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runner/table.h"

#define NKEYS	3000

struct refkey {
	char	 buf[IDTAB_KEYMAX + 1];	/* as kmt_event's ke_id */
	int	 live;
	uint64_t tag;			/* what the table should hold */
};

static struct refkey keys[NKEYS];

/*
 * Key I: "k" and I's digits, padded with 'x' to a length of 1 to 63,
 * with 'Y' after its NUL.
 */
static void
make_keys(void)
{
	int i, len, n;

	for (i = 0; i < NKEYS; i++) {
		memset(keys[i].buf, 'Y', sizeof(keys[i].buf));
		len = 1 + i % IDTAB_KEYMAX;
		n = snprintf(keys[i].buf, sizeof(keys[i].buf), "k%d", i);
		if (n > len)
			len = n;
		memset(keys[i].buf + n, 'x', (size_t)(len - n));
		keys[i].buf[len] = '\0';
		keys[i].live = 0;
	}
}

/*
 * Look BUF up from a copy with other bytes after its NUL: a reader's
 * ke_id holds what longer IDs left there, which the hash must ignore.
 */
static struct idval *
get(const struct idtab *t, const char *buf)
{
	char other[IDTAB_KEYMAX + 1];
	struct idkey k;

	memset(other, 'Z', sizeof(other));
	memcpy(other, buf, strlen(buf) + 1);
	idkey_init(&k, other, strlen(other));
	return idtab_get(t, &k);
}

/* Every key: in T exactly when live, holding its tag. */
static void
check(const struct idtab *t)
{
	struct idval *iv;
	size_t n = 0;
	int i;

	for (i = 0; i < NKEYS; i++) {
		iv = get(t, keys[i].buf);
		if (!keys[i].live) {
			cr_assert_null(iv, "dead key %s found", keys[i].buf);
			continue;
		}
		n++;
		cr_assert_not_null(iv, "live key %s lost", keys[i].buf);
		cr_assert_eq(iv->iv_start, keys[i].tag, "key %s",
		    keys[i].buf);
	}
	cr_assert_eq(t->it_n, n);
}

Test(table, put_get_remove)
{
	struct idtab t = { 0 }, copy;
	struct idval *iv;
	struct idkey k;
	int i, found, round;

	make_keys();
	/* Insert all: each new, each zeroed. */
	for (i = 0; i < NKEYS; i++) {
		idkey_init(&k, keys[i].buf, strlen(keys[i].buf));
		iv = idtab_put(&t, &k, &found);
		cr_assert_not_null(iv);
		cr_assert_eq(found, 0, "key %s there before", keys[i].buf);
		cr_assert_eq(iv->iv_start, 0);
		iv->iv_start = keys[i].tag = 1000 + (uint64_t)i;
		keys[i].live = 1;
	}
	check(&t);
	/* A second put finds the entry and leaves it be. */
	for (i = 0; i < NKEYS; i += 7) {
		idkey_init(&k, keys[i].buf, strlen(keys[i].buf));
		iv = idtab_put(&t, &k, &found);
		cr_assert_eq(found, 1);
		cr_assert_eq(iv->iv_start, keys[i].tag);
	}
	check(&t);
	/*
	 * Remove in three interleaved rounds, checking everything after
	 * each: the backward shift must keep every other key findable.
	 */
	for (round = 0; round < 3; round++) {
		for (i = round; i < NKEYS; i += 3) {
			iv = get(&t, keys[i].buf);
			cr_assert_not_null(iv);
			idtab_remove(&t, iv);
			keys[i].live = 0;
		}
		check(&t);
		if (round == 0) {
			/* A copy is the same table, and independent. */
			cr_assert_eq(idtab_copy(&copy, &t), 0);
			check(&copy);
			idtab_clear(&copy);
			cr_assert_eq(copy.it_n, 0);
			cr_assert_null(get(&copy, keys[1].buf));
			cr_assert_not_null(get(&t, keys[1].buf));
			idtab_free(&copy);
		}
	}
	cr_assert_eq(t.it_n, 0);
	idtab_free(&t);
}

/* "a", "aa", ... : prefixes of one another, told apart by length. */
Test(table, prefixes)
{
	char bufs[IDTAB_KEYMAX][IDTAB_KEYMAX + 1];
	struct idtab t = { 0 };
	struct idval *iv;
	struct idkey k;
	int i, found;

	memset(bufs, 'b', sizeof(bufs));
	for (i = 0; i < IDTAB_KEYMAX; i++) {
		memset(bufs[i], 'a', (size_t)i + 1);
		bufs[i][i + 1] = '\0';
		idkey_init(&k, bufs[i], strlen(bufs[i]));
		cr_assert_eq(k.ik_len, (size_t)i + 1);
		iv = idtab_put(&t, &k, &found);
		cr_assert_eq(found, 0, "length %d found", i + 1);
		iv->iv_npages = (uint64_t)i + 1;
	}
	for (i = 0; i < IDTAB_KEYMAX; i++) {
		iv = get(&t, bufs[i]);
		cr_assert_not_null(iv);
		cr_assert_eq(iv->iv_npages, (uint64_t)i + 1);
	}
	idtab_free(&t);
}
