/*
 * cmp_label.c: how compare names a case (cmp_label.h): "strategy
 * machine trace", and after it every setting in which the compared
 * cases of that strategy, machine and trace differ -- the points of a
 * matrix --sweep, which would otherwise print the same label.  Settings
 * come from a case's stored inputs (store.c: "strategy=S;params=k=v;
 * ...;;machine=M;k=v;...;trace=SHA256"): a strategy's as S.k.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmp_label.h"
#include "compare.h"

#define KV_MAX		128	/* settings in one case's inputs */
#define SHA_SHOWN	12	/* hex digits of a trace's digest shown */

/* One setting of a case: key and value, pointing into a copy. */
struct kv {
	char	*k, *v;
};

/* The cases of one strategy, machine and trace: what varies. */
struct smt {
	char	*s, *m, *t;
	char	**keys;		/* the settings that differ, in order */
	size_t	 nkeys;
};

struct labels {
	struct smt	*l_smt;
	size_t		 l_n, l_cap;
};

/*
 * The settings of INPUTS (a writable copy) into KV: at most KV_MAX;
 * strategy settings as "S.k" in SBUF (SBUFLEN bytes).
 */
static size_t
parse(char *in, struct kv *kv, char *sbuf, size_t sbuflen)
{
	char *tok, *next, *eq, *strat = NULL;
	size_t n = 0, used = 0;
	int params = 0;

	for (tok = in; tok != NULL && n < KV_MAX; tok = next) {
		if ((next = strchr(tok, ';')) != NULL)
			*next++ = '\0';
		if (*tok == '\0') {
			params = 0;		/* the end of params */
			continue;
		}
		if (strncmp(tok, "strategy=", 9) == 0) {
			strat = tok + 9;
			continue;
		}
		if (strncmp(tok, "params=", 7) == 0) {
			params = 1;
			tok += 7;
			if (*tok == '\0') {
				params = 0;
				continue;
			}
		} else if (strncmp(tok, "machine=", 8) == 0 ||
		    strncmp(tok, "rep=", 4) == 0)
			continue;
		if ((eq = strchr(tok, '=')) == NULL)
			continue;
		*eq = '\0';
		if (params && strat != NULL) {
			int w = snprintf(sbuf + used, sbuflen - used, "%s.%s",
			    strat, tok);

			if (w < 0 || (size_t)w >= sbuflen - used)
				continue;
			kv[n].k = sbuf + used;
			used += (size_t)w + 1;
		} else
			kv[n].k = tok;
		kv[n++].v = eq + 1;
	}
	return n;
}

static const char *
kvget(const struct kv *kv, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].k, k) == 0)
			return kv[i].v;
	return NULL;
}

static void
labels_free(void *p)
{
	struct labels *l = p;
	size_t i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->l_n; i++) {
		free(l->l_smt[i].s);
		free(l->l_smt[i].m);
		free(l->l_smt[i].t);
		for (j = 0; j < l->l_smt[i].nkeys; j++)
			free(l->l_smt[i].keys[j]);
		free(l->l_smt[i].keys);
	}
	free(l->l_smt);
	free(l);
}

static int
smtcmp(const void *a, const void *b)
{
	const struct smt *x = a, *y = b;
	int c;

	if ((c = strcmp(x->s, y->s)) != 0)
		return c;
	if ((c = strcmp(x->m, y->m)) != 0)
		return c;
	return strcmp(x->t, y->t);
}

/* The varying settings of one strategy, machine and trace, from S. */
static int
collect(struct labels *l, sqlite3_stmt *s, int *rcp)
{
	struct kv ref[KV_MAX], kv[KV_MAX];
	char refin[4096], in[4096], refs[2048], sb[2048];
	int vary[KV_MAX];
	size_t nref, n, i, j;
	struct smt *e;
	int rc;

	if (l->l_n == l->l_cap) {
		size_t ncap = l->l_cap ? 2 * l->l_cap : 64;
		struct smt *p = realloc(l->l_smt, ncap * sizeof(*p));

		if (p == NULL)
			return -1;
		l->l_smt = p;
		l->l_cap = ncap;
	}
	e = &l->l_smt[l->l_n];
	memset(e, 0, sizeof(*e));
	e->s = strdup((const char *)sqlite3_column_text(s, 0));
	e->m = strdup((const char *)sqlite3_column_text(s, 1));
	e->t = strdup((const char *)sqlite3_column_text(s, 2));
	l->l_n++;
	if (e->s == NULL || e->m == NULL || e->t == NULL)
		return -1;
	snprintf(refin, sizeof(refin), "%s",
	    (const char *)sqlite3_column_text(s, 3));
	nref = parse(refin, ref, refs, sizeof(refs));
	memset(vary, 0, sizeof(vary));
	/* Every other case of the same three against the first. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct smt key;

		key.s = (char *)sqlite3_column_text(s, 0);
		key.m = (char *)sqlite3_column_text(s, 1);
		key.t = (char *)sqlite3_column_text(s, 2);
		if (smtcmp(&key, e) != 0)
			break;
		snprintf(in, sizeof(in), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		n = parse(in, kv, sb, sizeof(sb));
		for (i = 0; i < nref; i++) {
			const char *v;

			if (vary[i])
				continue;
			v = kvget(kv, n, ref[i].k);
			if (v == NULL || strcmp(v, ref[i].v) != 0)
				vary[i] = 1;
		}
		/* A setting the first case lacks varies too. */
		for (j = 0; j < n; j++) {
			int found = 0;

			for (i = 0; i < nref && !found; i++)
				if (strcmp(ref[i].k, kv[j].k) == 0)
					found = 1;
			if (found || nref == KV_MAX)
				continue;
			/* Its key lives in this row's buffers: copy it. */
			ref[nref].k = strdup(kv[j].k);
			ref[nref].v = NULL;
			if (ref[nref].k == NULL)
				return -1;
			vary[nref++] = 2;	/* 2: owned copy */
		}
	}
	*rcp = rc;
	for (i = 0; i < nref; i++)
		if (vary[i])
			e->nkeys++;
	if (e->nkeys > 0 && (e->keys = calloc(e->nkeys, sizeof(char *))) ==
	    NULL)
		return -1;
	for (i = j = 0; i < nref; i++) {
		if (!vary[i])
			continue;
		if (vary[i] == 2)
			e->keys[j++] = ref[i].k;	/* already a copy */
		else if ((e->keys[j++] = strdup(ref[i].k)) == NULL)
			return -1;
	}
	return 0;
}

/* cmp_label(strategy, machine, trace, inputs) */
static void
label_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct labels *l = sqlite3_user_data(ctx);
	struct smt key, *e = NULL;
	struct kv kv[KV_MAX];
	char in[4096], sb[2048], out[4096];
	const char *v;
	size_t n, i, len;

	(void)argc;
	key.s = (char *)sqlite3_value_text(argv[0]);
	key.m = (char *)sqlite3_value_text(argv[1]);
	key.t = (char *)sqlite3_value_text(argv[2]);
	if (key.s == NULL || key.m == NULL || key.t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	len = (size_t)snprintf(out, sizeof(out), "%s %s %s", key.s, key.m,
	    key.t);
	if (l != NULL && l->l_n > 0)
		e = bsearch(&key, l->l_smt, l->l_n, sizeof(*e), smtcmp);
	if (e != NULL && e->nkeys > 0 && sqlite3_value_text(argv[3]) != NULL) {
		snprintf(in, sizeof(in), "%s",
		    (const char *)sqlite3_value_text(argv[3]));
		n = parse(in, kv, sb, sizeof(sb));
		for (i = 0; i < e->nkeys && len < sizeof(out); i++) {
			v = kvget(kv, n, e->keys[i]);
			len += (size_t)snprintf(out + len, sizeof(out) - len,
			    " %s=%.*s", e->keys[i], strcmp(e->keys[i],
			    "trace") == 0 ? SHA_SHOWN : (int)sizeof(out),
			    v != NULL ? v : "-");
		}
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int
cmp_label_register(sqlite3 *db, const char *bcond, const char *hcond)
{
	struct labels *l;
	sqlite3_stmt *s;
	char sql[2048];
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT DISTINCT c.strategy, c.machine, "
	    "c.trace, " CMP_GROUP_SQL " FROM \"case\" c JOIN run r ON "
	    "r.id = c.run_id WHERE (%s) OR (%s) ORDER BY 1, 2, 3", bcond,
	    hcond);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		labels_free(l);
		return -1;
	}
	rc = sqlite3_step(s);
	while (rc == SQLITE_ROW)
		if (collect(l, s, &rc) != 0) {
			sqlite3_finalize(s);
			labels_free(l);
			return -1;
		}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		labels_free(l);
		return -1;
	}
	/* SQLite frees L when the function is replaced or the db closed. */
	return sqlite3_create_function_v2(db, "cmp_label", 4, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, l, label_fn, NULL, NULL, labels_free) ==
	    SQLITE_OK ? 0 : -1;
}

void
cmp_label_unregister(sqlite3 *db)
{

	sqlite3_create_function_v2(db, "cmp_label", 4, SQLITE_UTF8, NULL,
	    NULL, NULL, NULL, NULL);
}
