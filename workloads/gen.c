/*
 * gen.c: the generator registry, parameters, the loop that writes a
 * generator's trace, and the helpers the generators share (the PRNG,
 * event constructors, a min-heap of timed entries).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

const struct gen *const gen_all[] = {
	&gen_pr14721,
	&gen_fd_server,
	&gen_fork_server,
	&gen_amap_storm,
	&gen_heap_growth,
	&gen_intr_load,
	&gen_under_attack,
};
const size_t gen_nall = sizeof(gen_all) / sizeof(gen_all[0]);

const struct gen *
gen_find(const char *name)
{
	size_t i;

	for (i = 0; i < gen_nall; i++)
		if (strcmp(gen_all[i]->g_name, name) == 0)
			return gen_all[i];
	return NULL;
}

int
gen_param_index(const struct gen *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->g_nparams; i++)
		if (strcmp(g->g_params[i].gp_name, name) == 0)
			return (int)i;
	return -1;
}

void
gen_defaults(const struct gen *g, int64_t *v)
{
	size_t i;

	for (i = 0; i < g->g_nparams; i++)
		v[i] = g->g_params[i].gp_def;
}

void
gen_format(const struct gen_param *p, int64_t val, char *buf,
    size_t buflen)
{

	if (p->gp_words != NULL && val >= p->gp_min && val <= p->gp_max)
		snprintf(buf, buflen, "%s", p->gp_words[val]);
	else
		snprintf(buf, buflen, "%" PRId64, val);
}

/* What values P takes, for a message: "serial or interleaved", ... */
static void
describe(const struct gen_param *p, char *buf, size_t buflen)
{
	size_t n = 0;
	int64_t i;

	if (p->gp_words == NULL) {
		snprintf(buf, buflen, "an integer from %" PRId64 " to %"
		    PRId64, p->gp_min, p->gp_max);
		return;
	}
	buf[0] = '\0';
	for (i = p->gp_min; i <= p->gp_max && n < buflen; i++)
		n += (size_t)snprintf(buf + n, buflen - n, "%s%s",
		    i == p->gp_min ? "" : i == p->gp_max ? " or " : ", ",
		    p->gp_words[i]);
}

/* A decimal integer, optionally negative, all of S; 0 or -1. */
static int
parse_int(const char *s, int64_t *vp)
{
	uint64_t v = 0, lim;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s == '\0')
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (lim - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*vp = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int
gen_set(const struct gen *g, int64_t *v, const char *kv, char *err,
    size_t errlen)
{
	const struct gen_param *p;
	const char *eq, *val;
	char name[64], what[256];
	size_t n;
	int64_t x;
	int i;

	if ((eq = strchr(kv, '=')) == NULL) {
		snprintf(err, errlen, "%s: bad parameter '%.64s' (expected "
		    "K=V)", g->g_name, kv);
		return -1;
	}
	n = (size_t)(eq - kv);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, kv, n);
	name[n] = '\0';
	if ((i = gen_param_index(g, name)) < 0) {
		snprintf(err, errlen, "%s: unknown parameter '%s' (kmbench gen "
		    "%s --help lists them)", g->g_name, name, g->g_name);
		return -1;
	}
	p = &g->g_params[i];
	val = eq + 1;
	if (p->gp_words != NULL) {
		for (x = p->gp_min; x <= p->gp_max; x++)
			if (strcmp(p->gp_words[x], val) == 0) {
				v[i] = x;
				return 0;
			}
	} else if (parse_int(val, &x) == 0 && x >= p->gp_min &&
	    x <= p->gp_max) {
		v[i] = x;
		return 0;
	}
	describe(p, what, sizeof(what));
	snprintf(err, errlen, "%s: bad value '%.64s' for parameter %s (%s)",
	    g->g_name, val, p->gp_name, what);
	return -1;
}

int
gen_check(const struct gen *g, const int64_t *v, char *err, size_t errlen)
{
	uint64_t npids;
	int i;

	if (g->g_check != NULL && g->g_check(v, err, errlen) != 0)
		return -1;
	if (g->g_npids == NULL || (i = gen_param_index(g, "pid")) < 0)
		return 0;
	npids = g->g_npids(v);
	if (npids > KMT_INT_MAX || (uint64_t)v[i] + npids - 1 > KMT_INT_MAX) {
		snprintf(err, errlen, "%s: needs %" PRIu64 " PIDs from pid=%"
		    PRId64 ", past %llu", g->g_name, npids, v[i],
		    (unsigned long long)KMT_INT_MAX);
		return -1;
	}
	return 0;
}

/* "kmbench gen NAME --param K=V ..." into BUF; 0, or -1 if too long. */
static int
command_line(const struct gen *g, const int64_t *v, char *buf,
    size_t buflen)
{
	char val[64];
	size_t n, i;
	int k;

	k = snprintf(buf, buflen, "kmbench gen %s", g->g_name);
	if (k < 0 || (size_t)k >= buflen)
		return -1;
	n = (size_t)k;
	for (i = 0; i < g->g_nparams; i++) {
		gen_format(&g->g_params[i], v[i], val, sizeof(val));
		k = snprintf(buf + n, buflen - n, " --param %s=%s",
		    g->g_params[i].gp_name, val);
		if (k < 0 || (size_t)k >= buflen - n)
			return -1;
		n += (size_t)k;
	}
	return 0;
}

int
gen_write(const struct gen *g, const int64_t *v, struct kmt_writer *w,
    char *err, size_t errlen)
{
	char cmd[KMT_WHDR_VAL_MAX + 1], buf[128];
	struct gen_out *out = NULL;
	void *st = NULL;
	size_t i;
	int rc, seed;

	if (gen_check(g, v, err, errlen) != 0)
		return -1;
	if (command_line(g, v, cmd, sizeof(cmd)) != 0) {
		snprintf(err, errlen, "%s: command line too long for a header",
		    g->g_name);
		return -1;
	}
	snprintf(buf, sizeof(buf), "gen %s", g->g_name);
	seed = gen_param_index(g, "seed");
	if (kmt_wheader(w, "source", buf) != 0 ||
	    kmt_wheader(w, "command", cmd) != 0)
		goto werr;
	if (seed >= 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, v[seed]);
		if (kmt_wheader(w, "seed", buf) != 0)
			goto werr;
	}
	if ((out = malloc(sizeof(*out))) == NULL ||
	    (st = g->g_new(v)) == NULL)
		goto nomem;
	do {
		out->o_head = out->o_n = 0;
		out->o_overflow = 0;
		rc = g->g_step(st, out);
		if (rc < 0)
			goto nomem;
		if (out->o_overflow) {
			snprintf(err, errlen, "%s: internal error: more than "
			    "%d events in one step", g->g_name, GEN_STEP_MAX);
			goto bad;
		}
		for (i = 0; i < out->o_n; i++)
			if (kmt_wevent(w, &out->o_ev[i]) != 0)
				goto werr;
	} while (rc > 0);
	g->g_free(st);
	free(out);
	return 0;
werr:
	snprintf(err, errlen, "%s", kmt_werror(w));
	goto bad;
nomem:
	snprintf(err, errlen, "%s: %s", g->g_name, strerror(ENOMEM));
bad:
	if (st != NULL)
		g->g_free(st);
	free(out);
	return -1;
}

/*
 * The PRNG: splitmix64 (Steele, Lea and Flood), one 64-bit word of
 * state, every seed a good one.
 */
void
gen_rng_seed(struct gen_rng *r, uint64_t seed)
{

	r->gr_s = seed;
}

uint64_t
gen_rng_next(struct gen_rng *r)
{
	uint64_t z;

	z = (r->gr_s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
gen_rng_below(struct gen_rng *r, uint64_t n)
{
	uint64_t x, min = (0 - n) % n;

	/* Reject the low values that would bias the modulo. */
	do
		x = gen_rng_next(r);
	while (x < min);
	return x % n;
}

double
gen_rng_unit(struct gen_rng *r)
{

	return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

static uint64_t
round_pos(double x)
{

	if (!(x >= 1.0))
		return 1;
	if (x > 1e18)
		return (uint64_t)1e18;
	return (uint64_t)(x + 0.5);
}

uint64_t
gen_rng_exp(struct gen_rng *r, double mean)
{

	return round_pos(-log(1.0 - gen_rng_unit(r)) * mean);
}

uint64_t
gen_rng_lognormal(struct gen_rng *r, double mean)
{
	double z = -6.0;
	int i;

	/* A standard normal, near enough: the sum of 12 uniforms. */
	for (i = 0; i < 12; i++)
		z += gen_rng_unit(r);
	/* exp(mu + z) has mean exp(mu + 1/2). */
	return round_pos(exp(log(mean) - 0.5 + z));
}

struct kmt_event *
gen_ev(struct gen_out *out, uint64_t t, uint32_t pid, enum kmt_op op)
{
	struct kmt_event *ev;

	if (out->o_n == GEN_STEP_MAX) {
		out->o_overflow = 1;
		return NULL;
	}
	ev = &out->o_ev[out->o_n++];
	ev->ke_time = t;
	ev->ke_no = ev->ke_line = 0;
	ev->ke_pid = pid;
	ev->ke_op = op;
	kmt_clear_args(ev);
	return ev;
}

static void
set_token(char *dst, const char *src)
{

	snprintf(dst, KMT_TOKEN_MAX + 1, "%s", src);
}

void
gen_spawn(struct gen_out *out, uint64_t t, uint32_t pid)
{

	gen_ev(out, t, pid, KMT_SPAWN);
}

void
gen_fork(struct gen_out *out, uint64_t t, uint32_t pid, uint32_t child)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_FORK)) != NULL)
		ev->ke_child = child;
}

void
gen_exit(struct gen_out *out, uint64_t t, uint32_t pid)
{

	gen_ev(out, t, pid, KMT_EXIT);
}

void
gen_sysctl_maxfiles(struct gen_out *out, uint64_t t, uint32_t pid,
    uint64_t n)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_SYSCTL)) != NULL)
		ev->ke_n = n;
}

void
gen_limit_nofile(struct gen_out *out, uint64_t t, uint32_t pid, uint64_t n)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_LIMIT)) != NULL)
		ev->ke_n = n;
}

void
gen_open(struct gen_out *out, uint64_t t, uint32_t pid, uint32_t fd)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_OPEN)) != NULL)
		ev->ke_fd = fd;
}

void
gen_dup(struct gen_out *out, uint64_t t, uint32_t pid, uint32_t oldfd,
    uint32_t fd)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_DUP)) != NULL) {
		ev->ke_oldfd = oldfd;
		ev->ke_fd = fd;
	}
}

void
gen_close(struct gen_out *out, uint64_t t, uint32_t pid, uint32_t fd)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_CLOSE)) != NULL)
		ev->ke_fd = fd;
}

void
gen_map(struct gen_out *out, uint64_t t, uint32_t pid, const char *id,
    uint64_t npages)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_MAP)) != NULL) {
		set_token(ev->ke_id, id);
		ev->ke_n = npages;
	}
}

/* touch and unmap: all of ID, or NPAGES pages from OFF. */
static void
ranged(struct gen_out *out, uint64_t t, uint32_t pid, enum kmt_op op,
    const char *id, uint64_t off, uint64_t npages)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, op)) != NULL) {
		set_token(ev->ke_id, id);
		if (npages > 0) {
			ev->ke_ranged = 1;
			ev->ke_off = off;
			ev->ke_npages = npages;
		}
	}
}

void
gen_touch(struct gen_out *out, uint64_t t, uint32_t pid, const char *id,
    uint64_t off, uint64_t npages)
{

	ranged(out, t, pid, KMT_TOUCH, id, off, npages);
}

void
gen_grow(struct gen_out *out, uint64_t t, uint32_t pid, const char *id,
    uint64_t npages)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_GROW)) != NULL) {
		set_token(ev->ke_id, id);
		ev->ke_n = npages;
	}
}

void
gen_unmap(struct gen_out *out, uint64_t t, uint32_t pid, const char *id,
    uint64_t off, uint64_t npages)
{

	ranged(out, t, pid, KMT_UNMAP, id, off, npages);
}

void
gen_kmalloc(struct gen_out *out, uint64_t t, uint32_t pid, const char *id,
    uint64_t size, const char *type, int flags)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_KMALLOC)) != NULL) {
		set_token(ev->ke_id, id);
		ev->ke_n = size;
		set_token(ev->ke_type, type);
		ev->ke_mflags = flags;
	}
}

void
gen_kfree(struct gen_out *out, uint64_t t, uint32_t pid, const char *id)
{
	struct kmt_event *ev;

	if ((ev = gen_ev(out, t, pid, KMT_KFREE)) != NULL)
		set_token(ev->ke_id, id);
}

void
gen_id(char *buf, const char *prefix, uint64_t n)
{
	char tmp[20];
	size_t len = strlen(prefix);
	int k = 0;

	memcpy(buf, prefix, len);
	do {
		tmp[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	while (k > 0)
		buf[len++] = tmp[--k];
	buf[len] = '\0';
}

static inline int
heap_less(const struct gen_heap_ent *a, const struct gen_heap_ent *b)
{

	return a->he_time < b->he_time ||
	    (a->he_time == b->he_time && a->he_key < b->he_key);
}

int
gen_heap_push(struct gen_heap *h, uint64_t t, uint64_t key)
{
	struct gen_heap_ent e = { t, key }, *ne;
	size_t i, parent, cap;

	if (h->h_n == h->h_cap) {
		cap = h->h_cap == 0 ? 64 : h->h_cap * 2;
		if ((ne = realloc(h->h_ent, cap * sizeof(*ne))) == NULL)
			return -1;
		h->h_ent = ne;
		h->h_cap = cap;
	}
	for (i = h->h_n++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (!heap_less(&e, &h->h_ent[parent]))
			break;
		h->h_ent[i] = h->h_ent[parent];
	}
	h->h_ent[i] = e;
	return 0;
}

struct gen_heap_ent
gen_heap_pop(struct gen_heap *h)
{
	struct gen_heap_ent top = h->h_ent[0], last;
	size_t i, c, n;

	n = --h->h_n;
	if (n == 0)
		return top;
	last = h->h_ent[n];
	for (i = 0; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && heap_less(&h->h_ent[c + 1], &h->h_ent[c]))
			c++;
		if (!heap_less(&h->h_ent[c], &last))
			break;
		h->h_ent[i] = h->h_ent[c];
	}
	h->h_ent[i] = last;
	return top;
}

void
gen_heap_free(struct gen_heap *h)
{

	free(h->h_ent);
	h->h_ent = NULL;
	h->h_n = h->h_cap = 0;
}
