/*
 * cmd_micro.c: kmbench micro-import FILE [--db DB] [--no-ratios]: the
 * JSON that Google Benchmark writes (--benchmark_out_format=json, from
 * make microbench) into the micro table, and the table of ratios of
 * the simulated kernel's allocators to the host's (docs/microbench.md).
 * runner/json.c only writes JSON, so a small reader is here: the file
 * is parsed whole into a tree of values.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/store.h"
#include "cmd_micro.h"
#include "commands.h"
#include "hex.h"

/* A JSON value. */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype	 j_type;
	double		 j_num;		/* J_NUM; J_BOOL: 0 or 1 */
	char		*j_str;		/* J_STR */
	size_t		 j_n;		/* J_ARR, J_OBJ: members */
	struct jval	*j_items;	/* J_ARR, J_OBJ: the values */
	char	       **j_keys;	/* J_OBJ: the names */
};

struct jparse {
	const char	*p;
	const char	*start;
	char		 err[128];
};

static int	jparse_value(struct jparse *, struct jval *, int depth);

static int
jfail(struct jparse *jp, const char *what)
{

	if (jp->err[0] == '\0')
		snprintf(jp->err, sizeof(jp->err), "%s at offset %ld", what,
		    (long)(jp->p - jp->start));
	return -1;
}

static void
jskip(struct jparse *jp)
{

	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	    *jp->p == '\r')
		jp->p++;
}

static void
jfree(struct jval *v)
{
	size_t i;

	if (v->j_type == J_STR)
		free(v->j_str);
	if (v->j_type == J_ARR || v->j_type == J_OBJ) {
		for (i = 0; i < v->j_n; i++) {
			jfree(&v->j_items[i]);
			if (v->j_keys != NULL)
				free(v->j_keys[i]);
		}
		free(v->j_items);
		free(v->j_keys);
	}
	memset(v, 0, sizeof(*v));
}

/* A string; JP->p is at the opening quote.  Malloc'ed into *OUT. */
static int
jparse_string(struct jparse *jp, char **out)
{
	const char *s = jp->p + 1;
	size_t len = 0, cap = 32;
	unsigned cp;
	char *buf, *nb;
	int i, h;

	if ((buf = malloc(cap)) == NULL)
		return jfail(jp, "out of memory");
	for (;;) {
		if (cap - len < 8) {
			if ((nb = realloc(buf, cap *= 2)) == NULL) {
				free(buf);
				return jfail(jp, "out of memory");
			}
			buf = nb;
		}
		if (*s == '"')
			break;
		if (*s == '\0' || (unsigned char)*s < 0x20) {
			free(buf);
			jp->p = s;
			return jfail(jp, "unterminated string");
		}
		if (*s != '\\') {
			buf[len++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"': case '\\': case '/':
			buf[len++] = *s;
			break;
		case 'b': buf[len++] = '\b'; break;
		case 'f': buf[len++] = '\f'; break;
		case 'n': buf[len++] = '\n'; break;
		case 'r': buf[len++] = '\r'; break;
		case 't': buf[len++] = '\t'; break;
		case 'u':
			for (cp = 0, i = 1; i <= 4; i++) {
				if ((h = hexval(s[i])) < 0) {
					free(buf);
					jp->p = s;
					return jfail(jp, "bad \\u escape");
				}
				cp = cp << 4 | (unsigned)h;
			}
			s += 4;
			/* UTF-8; a lone surrogate half becomes '?'. */
			if (cp >= 0xd800 && cp <= 0xdfff)
				buf[len++] = '?';
			else if (cp < 0x80)
				buf[len++] = (char)cp;
			else if (cp < 0x800) {
				buf[len++] = (char)(0xc0 | cp >> 6);
				buf[len++] = (char)(0x80 | (cp & 0x3f));
			} else {
				buf[len++] = (char)(0xe0 | cp >> 12);
				buf[len++] = (char)(0x80 | (cp >> 6 & 0x3f));
				buf[len++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			free(buf);
			jp->p = s;
			return jfail(jp, "bad escape");
		}
		s++;
	}
	buf[len] = '\0';
	jp->p = s + 1;
	*out = buf;
	return 0;
}

/* The members of an array or object, up to the closing CLOSE. */
static int
jparse_members(struct jparse *jp, struct jval *v, int close, int depth)
{
	size_t cap = 0;
	struct jval *ni;
	char **nk, *key = NULL;

	jp->p++;
	jskip(jp);
	if (*jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			jskip(jp);
			if (*jp->p != '"')
				return jfail(jp, "expected a member name");
			if (jparse_string(jp, &key) != 0)
				return -1;
			jskip(jp);
			if (*jp->p != ':') {
				free(key);
				return jfail(jp, "expected ':'");
			}
			jp->p++;
		}
		if (v->j_n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((ni = realloc(v->j_items, cap * sizeof(*ni))) ==
			    NULL) {
				free(key);
				return jfail(jp, "out of memory");
			}
			v->j_items = ni;
			if (close == '}') {
				if ((nk = realloc(v->j_keys,
				    cap * sizeof(*nk))) == NULL) {
					free(key);
					return jfail(jp, "out of memory");
				}
				v->j_keys = nk;
			}
		}
		memset(&v->j_items[v->j_n], 0, sizeof(*v->j_items));
		if (close == '}')
			v->j_keys[v->j_n] = key;
		key = NULL;
		v->j_n++;
		if (jparse_value(jp, &v->j_items[v->j_n - 1], depth + 1) != 0)
			return -1;
		jskip(jp);
		if (*jp->p == close) {
			jp->p++;
			return 0;
		}
		if (*jp->p != ',')
			return jfail(jp, close == '}' ? "expected ',' or '}'" :
			    "expected ',' or ']'");
		jp->p++;
	}
}

static int
jparse_value(struct jparse *jp, struct jval *v, int depth)
{
	char *end;

	if (depth > 64)
		return jfail(jp, "nested too deeply");
	jskip(jp);
	switch (*jp->p) {
	case '{':
		v->j_type = J_OBJ;
		return jparse_members(jp, v, '}', depth);
	case '[':
		v->j_type = J_ARR;
		return jparse_members(jp, v, ']', depth);
	case '"':
		if (jparse_string(jp, &v->j_str) != 0)
			return -1;
		v->j_type = J_STR;
		return 0;
	}
	if (strncmp(jp->p, "true", 4) == 0 || strncmp(jp->p, "false", 5) ==
	    0) {
		v->j_type = J_BOOL;
		v->j_num = *jp->p == 't';
		jp->p += *jp->p == 't' ? 4 : 5;
		return 0;
	}
	if (strncmp(jp->p, "null", 4) == 0) {
		v->j_type = J_NULL;
		jp->p += 4;
		return 0;
	}
	/* Google Benchmark writes inf and nan unquoted, too. */
	errno = 0;
	v->j_num = strtod(jp->p, &end);
	if (end == jp->p || (*jp->p != '-' && (*jp->p < '0' || *jp->p > '9') &&
	    strncmp(jp->p, "inf", 3) != 0 && strncmp(jp->p, "nan", 3) != 0))
		return jfail(jp, "unexpected character");
	v->j_type = J_NUM;
	jp->p = end;
	return 0;
}

/* Parse TEXT into *V.  0, or -1 with ERR. */
static int
json_parse(const char *text, struct jval *v, char *err, size_t errlen)
{
	struct jparse jp;

	memset(&jp, 0, sizeof(jp));
	memset(v, 0, sizeof(*v));
	jp.p = jp.start = text;
	if (jparse_value(&jp, v, 0) == 0) {
		jskip(&jp);
		if (*jp.p == '\0')
			return 0;
		jfail(&jp, "trailing text");
	}
	jfree(v);
	snprintf(err, errlen, "%s", jp.err);
	return -1;
}

static const struct jval *
jget(const struct jval *o, const char *key)
{
	size_t i;

	if (o == NULL || o->j_type != J_OBJ)
		return NULL;
	for (i = 0; i < o->j_n; i++)
		if (strcmp(o->j_keys[i], key) == 0)
			return &o->j_items[i];
	return NULL;
}

static const char *
jstr(const struct jval *o, const char *key)
{
	const struct jval *v = jget(o, key);

	return v != NULL && v->j_type == J_STR ? v->j_str : NULL;
}

static double
jnum(const struct jval *o, const char *key, double dflt)
{
	const struct jval *v = jget(o, key);

	return v != NULL && (v->j_type == J_NUM || v->j_type == J_BOOL) ?
	    v->j_num : dflt;
}

/* One entry of "benchmarks". */
struct mentry {
	const struct jval *me_obj;
	const char	*me_name;
	const char	*me_run;	/* run_name: without _median etc. */
	const char	*me_agg;	/* aggregate_name, or NULL */
	double		 me_iters;
	double		 me_real_ns;
	double		 me_cpu_ns;
	int		 me_error;
};

static double
unit_ns(const char *unit)
{

	if (unit == NULL || strcmp(unit, "ns") == 0)
		return 1.0;
	if (strcmp(unit, "us") == 0)
		return 1e3;
	if (strcmp(unit, "ms") == 0)
		return 1e6;
	return 1e9;
}

/* The entries of ROOT's "benchmarks", malloc'ed; -1 with ERR. */
static int
micro_entries(const struct jval *root, struct mentry **out, size_t *np,
    char *err, size_t errlen)
{
	const struct jval *bs = jget(root, "benchmarks"), *o;
	struct mentry *e;
	const char *rt;
	double u;
	size_t i;

	if (bs == NULL || bs->j_type != J_ARR) {
		snprintf(err, errlen, "no \"benchmarks\" array (not Google "
		    "Benchmark JSON?)");
		return -1;
	}
	if ((e = calloc(bs->j_n + 1, sizeof(*e))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < bs->j_n; i++) {
		o = &bs->j_items[i];
		if ((e[i].me_name = jstr(o, "name")) == NULL) {
			snprintf(err, errlen, "benchmark %zu has no name", i);
			free(e);
			return -1;
		}
		e[i].me_obj = o;
		e[i].me_run = jstr(o, "run_name");
		if (e[i].me_run == NULL)
			e[i].me_run = e[i].me_name;
		rt = jstr(o, "run_type");
		e[i].me_agg = rt != NULL && strcmp(rt, "aggregate") == 0 ?
		    jstr(o, "aggregate_name") : NULL;
		e[i].me_error = jnum(o, "error_occurred", 0) != 0;
		u = unit_ns(jstr(o, "time_unit"));
		e[i].me_iters = jnum(o, "iterations", 0);
		e[i].me_real_ns = jnum(o, "real_time", NAN) * u;
		e[i].me_cpu_ns = jnum(o, "cpu_time", NAN) * u;
		/* cv and the like are fractions, not times. */
		if (e[i].me_agg != NULL && jstr(o, "aggregate_unit") != NULL &&
		    strcmp(jstr(o, "aggregate_unit"), "time") != 0) {
			e[i].me_real_ns = jnum(o, "real_time", NAN);
			e[i].me_cpu_ns = jnum(o, "cpu_time", NAN);
		}
	}
	*out = e;
	*np = bs->j_n;
	return 0;
}

/* The members Google Benchmark writes for every run; the rest are
 * user counters. */
static int
is_standard(const char *key)
{
	static const char *const std[] = {
		"name", "family_index", "per_family_instance_index",
		"run_name", "run_type", "repetitions", "repetition_index",
		"threads", "iterations", "real_time", "cpu_time",
		"time_unit", "aggregate_name", "aggregate_unit", "label",
		"error_occurred", "error_message", "big_o", "rms", NULL
	};
	int i;

	for (i = 0; std[i] != NULL; i++)
		if (strcmp(key, std[i]) == 0)
			return 1;
	return 0;
}

/* The counters of O as a JSON object into BUF. */
static void
counters_json(const struct jval *o, char *buf, size_t len)
{
	size_t i, n = 0;
	const char *k;
	int first = 1;

	n += (size_t)snprintf(buf, len, "{");
	for (i = 0; i < o->j_n && n < len; i++) {
		if (is_standard(o->j_keys[i]) ||
		    o->j_items[i].j_type != J_NUM ||
		    !isfinite(o->j_items[i].j_num))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s\"", first ? "" :
		    ",");
		for (k = o->j_keys[i]; *k != '\0' && n + 8 < len; k++) {
			if (*k == '"' || *k == '\\')
				buf[n++] = '\\';
			if ((unsigned char)*k >= 0x20)
				buf[n++] = *k;
		}
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "\":%.17g",
			    o->j_items[i].j_num);
		first = 0;
	}
	if (n + 2 <= len) {
		buf[n++] = '}';
		buf[n] = '\0';
	} else {
		/* Too many to keep: an empty object, still valid. */
		snprintf(buf, len, "{}");
	}
}

/* The median (else the single run's) CPU time of RUN, or NAN. */
static double
median_ns(const struct mentry *e, size_t n, const char *run)
{
	double single = NAN;
	size_t i;

	for (i = 0; i < n; i++) {
		if (e[i].me_error || strcmp(e[i].me_run, run) != 0)
			continue;
		if (e[i].me_agg != NULL && strcmp(e[i].me_agg, "median") == 0)
			return e[i].me_cpu_ns;
		if (e[i].me_agg == NULL && isnan(single))
			single = e[i].me_cpu_ns;
	}
	return single;
}

static double
ratio(const struct mentry *e, size_t n, const char *num, const char *den,
    long arg)
{
	char a[128], b[128];
	double x, y;

	if (arg >= 0) {
		snprintf(a, sizeof(a), "%s/%ld", num, arg);
		snprintf(b, sizeof(b), "%s/%ld", den, arg);
	} else {
		snprintf(a, sizeof(a), "%s", num);
		snprintf(b, sizeof(b), "%s", den);
	}
	x = median_ns(e, n, a);
	y = median_ns(e, n, b);
	return isnan(x) || isnan(y) || y <= 0 ? NAN : x / y;
}

struct mcmp {
	const char	*c_label;
	const char	*c_num;
	const char	*c_den;
	long		 c_max;		/* largest size compared */
};

static void
put_ratio(FILE *out, double r, int width)
{

	if (isnan(r))
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*.2f", width, r);
}

/* A table: one row per size LO..HI (times STEP), one column per cmp. */
static void
ratio_table(FILE *out, const struct mentry *e, size_t n, const char *title,
    const struct mcmp *c, size_t nc, long lo, long hi, long step)
{
	double lsum[8], r;
	char label[32];
	int cnt[8];
	size_t j;
	long s;

	fprintf(out, "\n%s (median CPU time, kernel / reference)\n%-8s",
	    title, "size");
	for (j = 0; j < nc; j++) {
		fprintf(out, " %15s", c[j].c_label);
		lsum[j] = 0;
		cnt[j] = 0;
	}
	fprintf(out, "\n");
	for (s = lo; s <= hi; s *= step) {
		if (s >= 1024)
			snprintf(label, sizeof(label), "%ld KiB", s >> 10);
		else
			snprintf(label, sizeof(label), "%ld B", s);
		fprintf(out, "%-8s", label);
		for (j = 0; j < nc; j++) {
			r = s <= c[j].c_max ? ratio(e, n, c[j].c_num,
			    c[j].c_den, s) : NAN;
			put_ratio(out, r, 15);
			if (!isnan(r) && r > 0) {
				lsum[j] += log(r);
				cnt[j]++;
			}
		}
		fprintf(out, "\n");
	}
	fprintf(out, "%-8s", "geomean");
	for (j = 0; j < nc; j++)
		put_ratio(out, cnt[j] ? exp(lsum[j] / cnt[j]) : NAN, 15);
	fprintf(out, "\n");
}

int
micro_ratios(FILE *out, const char *json, char *err, size_t errlen)
{
	static const struct mcmp pairs[] = {
		{ "bucket/glibc", "pair/bucket", "pair/glibc", 8192 },
		{ "nointr/mimalloc", "pair/nointr", "pair/mimalloc",
		    512 << 10 },
		{ "pool/mimalloc", "pair/pool", "pair/mimalloc", 4096 },
		{ "nointr/bucket", "pair/nointr", "pair/bucket", 512 << 10 },
		{ "jemalloc/glibc", "pair/jemalloc", "pair/glibc", 512 << 10 },
	};
	static const struct mcmp bursts[] = {
		{ "bucket/glibc", "burst/bucket", "burst/glibc", 4096 },
		{ "nointr/mimalloc", "burst/nointr", "burst/mimalloc", 4096 },
		{ "pool/mimalloc", "burst/pool", "burst/mimalloc", 4096 },
		{ "nointr/bucket", "burst/nointr", "burst/bucket", 4096 },
	};
	static const long slots[] = { 16, 256, 4096 };
	struct mentry *e;
	struct jval root;
	double r, worst = 0, x, lsum, lo, hi;
	long s, worsts = 0;
	int cnt;
	size_t n, i;

	if (json_parse(json, &root, err, errlen) != 0)
		return -1;
	if (micro_entries(&root, &e, &n, err, errlen) != 0) {
		jfree(&root);
		return -1;
	}
	ratio_table(out, e, n, "malloc/free pairs", pairs,
	    sizeof(pairs) / sizeof(pairs[0]), 16, 512 << 10, 2);
	ratio_table(out, e, n, "1000 mallocs, then all freed (per pair)",
	    bursts, sizeof(bursts) / sizeof(bursts[0]), 16, 4096, 4);
	fprintf(out, "\n");
	r = ratio(e, n, "fdexpand/nointr", "fdexpand/panic-only", -1);
	fprintf(out, "fdexpand to 100000 descriptors: panic-only %.3f ms, "
	    "nointr %.3f ms, nointr/panic-only", median_ns(e, n,
	    "fdexpand/panic-only") / 1e6, median_ns(e, n, "fdexpand/nointr") /
	    1e6);
	put_ratio(out, r, 1);
	fprintf(out, "\namap alloc+extend+free, nointr/panic-only:");
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		fprintf(out, " %ld slots", slots[i]);
		put_ratio(out, ratio(e, n, "amap/nointr", "amap/panic-only",
		    slots[i]), 1);
		fprintf(out, i + 1 < sizeof(slots) / sizeof(slots[0]) ? "," :
		    "\n");
	}
	x = median_ns(e, n, "addrcheck/nointr");
	fprintf(out, "nointr free()'s kmem_map address check: %.2f ns, ",
	    x);
	r = x / median_ns(e, n, "pair/nointr/64");
	if (isnan(r))
		fprintf(out, "- of a 64 B nointr pair\n");
	else
		fprintf(out, "%.1f%% of a 64 B nointr pair\n", 100 * r);

	/* The targets. */
	lo = INFINITY;
	hi = 0;
	for (lsum = 0, cnt = 0, s = 16; s <= 8192; s *= 2)
		if (!isnan(r = ratio(e, n, "pair/bucket", "pair/glibc", s))) {
			lsum += log(r);
			cnt++;
			lo = fmin(lo, r);
			hi = fmax(hi, r);
		}
	if (cnt > 0)
		fprintf(out, "bucket malloc/free vs glibc, 16 B .. 8 KiB: "
		    "geomean %.2f, from %.2f to %.2f\n", exp(lsum / cnt), lo,
		    hi);
	for (s = 16; s <= 4096; s *= 2)
		if (!isnan(r = ratio(e, n, "pair/pool", "pair/mimalloc", s)) &&
		    r > worst) {
			worst = r;
			worsts = s;
		}
	if (worsts != 0)
		fprintf(out, "pool get/put vs mimalloc, 16 B .. 4 KiB: worst "
		    "%.2f at %ld B: %s 1.5x\n", worst, worsts, worst <= 1.5 ?
		    "within" : "NOT within");
	free(e);
	jfree(&root);
	return 0;
}

static char *
slurp(const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 1 << 16, k;
	char *buf, *nb;
	FILE *f;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += k;
		if (cap - len < 2) {
			if ((nb = realloc(buf, cap *= 2)) == NULL)
				goto nomem;
			buf = nb;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
	} else
		buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
	free(buf);
	if (f != stdin)
		fclose(f);
	return NULL;
}

static int
store_micro(struct store *st, const struct mentry *e, size_t n,
    int64_t *run_id, size_t *rows, char *err, size_t errlen)
{
	static char counters[16384];
	sqlite3_stmt *s = NULL;
	size_t i;

	*rows = 0;
	if (sqlite3_exec(st->st_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (store_run(st, "microbench", run_id, err, errlen) != 0) {
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_prepare_v2(st->st_db, "INSERT INTO micro (run_id, name, "
	    "iterations, real_ns, cpu_ns, aggregate, counters) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if (e[i].me_error || isnan(e[i].me_real_ns) ||
		    isnan(e[i].me_cpu_ns))
			continue;
		counters_json(e[i].me_obj, counters, sizeof(counters));
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, *run_id);
		sqlite3_bind_text(s, 2, e[i].me_name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)e[i].me_iters);
		sqlite3_bind_double(s, 4, e[i].me_real_ns);
		sqlite3_bind_double(s, 5, e[i].me_cpu_ns);
		if (e[i].me_agg != NULL)
			sqlite3_bind_text(s, 6, e[i].me_agg, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 6);
		sqlite3_bind_text(s, 7, counters, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto fail;
		(*rows)++;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_exec(st->st_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", st->st_path,
	    sqlite3_errmsg(st->st_db));
	sqlite3_finalize(s);
	sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
cmd_micro_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "no-ratios", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = "bench.db";
	struct mentry *e;
	struct store st;
	struct jval root;
	char err[1024], *text;
	int64_t run_id;
	size_t n, rows, skipped, i;
	int c, noratios = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': noratios = 1; break;
		default:
			bad_option("micro-import", argv, optind);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "kmbench micro-import: needs one FILE (the "
		    "--benchmark_out JSON of Google Benchmark)\n");
		return 2;
	}
	if ((text = slurp(argv[optind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench micro-import: %s\n", err);
		return 2;
	}
	if (json_parse(text, &root, err, sizeof(err)) != 0 ||
	    micro_entries(&root, &e, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench micro-import: %s: %s\n",
		    argv[optind], err);
		jfree(&root);
		free(text);
		return 2;
	}
	if (store_open(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench micro-import: %s\n", err);
		free(e);
		jfree(&root);
		free(text);
		return 2;
	}
	rc = store_micro(&st, e, n, &run_id, &rows, err, sizeof(err));
	store_close(&st);
	for (skipped = 0, i = 0; i < n; i++)
		skipped += e[i].me_error;
	free(e);
	jfree(&root);
	if (rc != 0) {
		fprintf(stderr, "kmbench micro-import: %s\n", err);
		free(text);
		return 1;
	}
	printf("micro-import: %zu rows into %s, run %lld", rows, db,
	    (long long)run_id);
	if (skipped > 0)
		printf(" (%zu runs with errors left out)", skipped);
	printf("\n");
	if (!noratios && micro_ratios(stdout, text, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench micro-import: %s\n", err);
		free(text);
		return 1;
	}
	free(text);
	return 0;
}
