/*
 * test_gen.c: Criterion tests of the trace writer
 * (workloads/kmtrace_write.c), the generators (workloads/gen*.c) and
 * the "kmbench gen" command (runner/cmd_gen.c): determinism, the counts
 * each generator's parameters promise, read-back through the kmtrace
 * reader, a strict check of the rules a replay applies, replays under
 * every strategy, gzip and zstd output, and what the writer refuses.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runner/cmd_gen.h"
#include "../workloads/gen.h"
#include "../workloads/kmtrace.h"
#include "../workloads/kmtrace_write.h"
#include "kmtest.h"

#define ERRSZ		1024
#define MAXTMP		64
#define MAXPID		(1 << 16)

/*
 * Temporary files of one test, removed when it ends (Criterion runs
 * each test in a process of its own).
 */
static char tmppaths[MAXTMP][128];
static int ntmp;

static void
cleanup(void)
{
	int i;

	for (i = 0; i < ntmp; i++)
		unlink(tmppaths[i]);
	ntmp = 0;
}

TestSuite(gen, .fini = cleanup);

/* A new empty temporary file whose name ends in SUFFIX. */
static const char *
tmpname(const char *suffix)
{
	char *path;
	int fd;

	cr_assert_lt(ntmp, MAXTMP, "too many temporary files");
	path = tmppaths[ntmp];
	snprintf(path, sizeof(tmppaths[0]), "/tmp/kmgen-test-XXXXXX%s",
	    suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	cr_assert_geq(fd, 0, "mkstemps %s", path);
	close(fd);
	ntmp++;
	return path;
}

/* Parameter values of generator G: its defaults, then SETS ("K=V"). */
static void
values(const struct gen *g, const char *const *sets, int64_t *v)
{
	char err[ERRSZ];

	gen_defaults(g, v);
	for (; sets != NULL && *sets != NULL; sets++)
		cr_assert_eq(gen_set(g, v, *sets, err, sizeof(err)), 0, "%s",
		    err);
}

/* Generator NAME with SETS into a new temporary file named *SUFFIX. */
static const char *
gen_to(const char *name, const char *const *sets, const char *suffix)
{
	const struct gen *g = gen_find(name);
	int64_t v[GEN_MAXPARAMS];
	struct kmt_writer *w;
	char err[ERRSZ];
	const char *path;

	cr_assert_not_null(g, "no generator %s", name);
	values(g, sets, v);
	path = tmpname(suffix);
	w = kmt_wopen(path, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	cr_assert_eq(gen_write(g, v, w, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), 0, "%s", err);
	return path;
}

/* The whole of file PATH (NUL-terminated); its length in *LENP. */
static char *
slurp_file(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 1 << 16, n;
	char *buf;
	FILE *f;

	f = fopen(path, "rb");
	cr_assert_not_null(f, "open %s", path);
	buf = malloc(cap);
	cr_assert_not_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	fclose(f);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static int
same_files(const char *a, const char *b)
{
	size_t na, nb;
	char *x = slurp_file(a, &na), *y = slurp_file(b, &nb);
	int same = na == nb && memcmp(x, y, na) == 0;

	free(x);
	free(y);
	return same;
}

/* The text of PATH after its header lines (from the first event). */
static const char *
events_text(const char *text)
{
	const char *p = text;

	while (*p == '@' || strncmp(p, "kmtrace", 7) == 0)
		p = strchr(p, '\n') + 1;
	return p;
}

/*
 * Small parameters of every generator, for fast tests, and whether the
 * generator draws random numbers.
 */
static const char *const small_pr[] = { "procs=2", "fds=1000", NULL };
static const char *const small_fd[] = { "conns=2000", "rate=20000",
	"mean_ms=5", "max_conns=20", NULL };
static const char *const small_fork[] = { "children=3", "heap_pages=16",
	"requests=5", "rounds=4", NULL };
static const char *const small_storm[] = { "maps=500", "max_pages=4",
	"unmap_pct=30", NULL };
static const char *const small_heap[] = { "init_pages=2", "steps=50",
	"step_pages=3", NULL };
static const char *const small_intr[] = { "rate=2000", "seconds=1",
	"hold_us=2000", NULL };
static const char *const small_ua[] = { "seed=9", "attack_at_ms=50",
	"attack.procs=2", "attack.fds=3000", "fd.conns=300",
	"fork.children=2", "fork.rounds=3", "fork.requests=4",
	"intr.rate=1000", "intr.seconds=1", NULL };

static const struct {
	const char		*sm_name;
	const char *const	*sm_sets;
	int			 sm_random;
} smalls[] = {
	{ "pr14721", small_pr, 0 },
	{ "fd-server", small_fd, 1 },
	{ "fork-server", small_fork, 1 },
	{ "amap-storm", small_storm, 1 },
	{ "heap-growth", small_heap, 0 },
	{ "intr-load", small_intr, 1 },
	{ "under-attack", small_ua, 1 },
};
#define NSMALLS	(sizeof(smalls) / sizeof(smalls[0]))

/*
 * A strict view of a trace, stricter than the replayer: processes exist
 * from spawn or fork to exit, descriptors are opened only when closed
 * and closed or dup'ed only when open, IDs are live exactly once, and
 * touch, grow and unmap stay inside their mapping.
 */
struct vproc {
	int		 vp_alive;
	int		 vp_seen;
	uint8_t		*vp_fds;
	size_t		 vp_fdcap;
	uint64_t	 vp_nopen;
};

struct vitem {
	uint32_t	 vi_pid;
	uint64_t	 vi_n;		/* pages of a mapping */
	char		 vi_id[KMT_TOKEN_MAX + 1];
};

struct vlist {
	struct vitem	*vl_it;
	size_t		 vl_n, vl_cap;
};

struct view {
	struct vproc	*v_procs;
	struct vlist	 v_maps;
	struct vlist	 v_kms;
	uint64_t	 v_ops[KMT_NOPS];
	uint64_t	 v_nevents;
	uint64_t	 v_lasttime;
	uint32_t	 v_maxfd;
	uint64_t	 v_maxopen;	/* most open at once in a process */
	uint64_t	 v_nalive, v_maxalive;
	uint64_t	 v_npids;	/* processes that ever existed */
	int		 v_lowest;	/* check: opens take the lowest free */
	/* Called for every event after the checks, if not NULL. */
	void		(*v_cb)(const struct kmt_event *, void *);
	void		*v_arg;
};

static int
vfd_isopen(const struct vproc *vp, uint32_t fd)
{

	return fd < vp->vp_fdcap && vp->vp_fds[fd];
}

static void
vfd_set(struct view *v, struct vproc *vp, uint32_t fd, int open)
{
	size_t cap;

	if (fd >= vp->vp_fdcap) {
		cap = vp->vp_fdcap == 0 ? 64 : vp->vp_fdcap;
		while (cap <= fd)
			cap *= 2;
		vp->vp_fds = realloc(vp->vp_fds, cap);
		cr_assert_not_null(vp->vp_fds);
		memset(vp->vp_fds + vp->vp_fdcap, 0, cap - vp->vp_fdcap);
		vp->vp_fdcap = cap;
	}
	if (vp->vp_fds[fd] == open)
		return;
	vp->vp_fds[fd] = (uint8_t)open;
	if (open) {
		vp->vp_nopen++;
		if (vp->vp_nopen > v->v_maxopen)
			v->v_maxopen = vp->vp_nopen;
		if (fd > v->v_maxfd)
			v->v_maxfd = fd;
	} else
		vp->vp_nopen--;
}

static struct vitem *
vl_find(struct vlist *l, uint32_t pid, const char *id)
{
	size_t i;

	for (i = 0; i < l->vl_n; i++)
		if (l->vl_it[i].vi_pid == pid &&
		    strcmp(l->vl_it[i].vi_id, id) == 0)
			return &l->vl_it[i];
	return NULL;
}

static struct vitem *
vl_add(struct vlist *l, uint32_t pid, const char *id, uint64_t n)
{
	struct vitem *it;

	if (l->vl_n == l->vl_cap) {
		l->vl_cap = l->vl_cap == 0 ? 64 : l->vl_cap * 2;
		l->vl_it = realloc(l->vl_it, l->vl_cap * sizeof(*l->vl_it));
		cr_assert_not_null(l->vl_it);
	}
	it = &l->vl_it[l->vl_n++];
	it->vi_pid = pid;
	it->vi_n = n;
	snprintf(it->vi_id, sizeof(it->vi_id), "%s", id);
	return it;
}

static void
vl_del(struct vlist *l, struct vitem *it)
{

	*it = l->vl_it[--l->vl_n];
}

/* Remove every item of PID. */
static void
vl_delpid(struct vlist *l, uint32_t pid)
{
	size_t i = 0;

	while (i < l->vl_n)
		if (l->vl_it[i].vi_pid == pid)
			vl_del(l, &l->vl_it[i]);
		else
			i++;
}

static void
view_init(struct view *v)
{

	memset(v, 0, sizeof(*v));
	v->v_procs = calloc(MAXPID, sizeof(*v->v_procs));
	cr_assert_not_null(v->v_procs);
}

static void
view_free(struct view *v)
{
	size_t i;

	for (i = 0; i < MAXPID; i++)
		free(v->v_procs[i].vp_fds);
	free(v->v_procs);
	free(v->v_maps.vl_it);
	free(v->v_kms.vl_it);
}

static void
proc_start(struct view *v, uint32_t pid, const struct kmt_event *ev)
{
	struct vproc *vp;

	cr_assert(pid > 0 && pid < MAXPID, "event %" PRIu64 ": PID %" PRIu32,
	    ev->ke_no, pid);
	vp = &v->v_procs[pid];
	cr_assert(!vp->vp_alive, "event %" PRIu64 ": PID %" PRIu32 " is "
	    "alive", ev->ke_no, pid);
	vp->vp_alive = 1;
	vp->vp_seen = 1;
	vp->vp_nopen = 0;
	if (vp->vp_fdcap > 0)
		memset(vp->vp_fds, 0, vp->vp_fdcap);
	v->v_npids++;
	if (++v->v_nalive > v->v_maxalive)
		v->v_maxalive = v->v_nalive;
}

static void
view_event(struct view *v, const struct kmt_event *ev)
{
	struct vproc *vp = NULL, *cp;
	struct vitem *it;
	uint64_t end;
	uint32_t fd, low;
	size_t i, n;

	v->v_ops[ev->ke_op]++;
	v->v_nevents++;
	cr_assert_geq(ev->ke_time, v->v_lasttime);
	v->v_lasttime = ev->ke_time;
	if (ev->ke_op == KMT_SPAWN) {
		proc_start(v, ev->ke_pid, ev);
		for (fd = 0; fd < 3; fd++)
			vfd_set(v, &v->v_procs[ev->ke_pid], fd, 1);
		goto done;
	}
	if (ev->ke_pid != 0) {
		cr_assert_lt(ev->ke_pid, MAXPID);
		vp = &v->v_procs[ev->ke_pid];
		cr_assert(vp->vp_alive, "event %" PRIu64 ": PID %" PRIu32
		    " does not exist", ev->ke_no, ev->ke_pid);
	} else
		cr_assert(ev->ke_op == KMT_KMALLOC || ev->ke_op == KMT_KFREE);
	switch (ev->ke_op) {
	case KMT_FORK:
		proc_start(v, ev->ke_child, ev);
		cp = &v->v_procs[ev->ke_child];
		for (fd = 0; fd < vp->vp_fdcap; fd++)
			if (vp->vp_fds[fd])
				vfd_set(v, cp, fd, 1);
		n = v->v_maps.vl_n;
		for (i = 0; i < n; i++)
			if (v->v_maps.vl_it[i].vi_pid == ev->ke_pid)
				vl_add(&v->v_maps, ev->ke_child,
				    v->v_maps.vl_it[i].vi_id,
				    v->v_maps.vl_it[i].vi_n);
		break;
	case KMT_EXIT:
		vp->vp_alive = 0;
		v->v_nalive--;
		vl_delpid(&v->v_maps, ev->ke_pid);
		vl_delpid(&v->v_kms, ev->ke_pid);
		break;
	case KMT_OPEN:
		cr_assert(!vfd_isopen(vp, ev->ke_fd), "event %" PRIu64
		    ": open of open descriptor %" PRIu32, ev->ke_no,
		    ev->ke_fd);
		if (v->v_lowest) {
			for (low = 0; vfd_isopen(vp, low); low++)
				continue;
			cr_assert_eq(ev->ke_fd, low, "event %" PRIu64
			    ": open %" PRIu32 ", lowest free %" PRIu32,
			    ev->ke_no, ev->ke_fd, low);
		}
		vfd_set(v, vp, ev->ke_fd, 1);
		break;
	case KMT_DUP:
		cr_assert(vfd_isopen(vp, ev->ke_oldfd), "event %" PRIu64
		    ": dup of closed descriptor", ev->ke_no);
		vfd_set(v, vp, ev->ke_fd, 1);
		break;
	case KMT_CLOSE:
		cr_assert(vfd_isopen(vp, ev->ke_fd), "event %" PRIu64
		    ": close of closed descriptor %" PRIu32, ev->ke_no,
		    ev->ke_fd);
		vfd_set(v, vp, ev->ke_fd, 0);
		break;
	case KMT_MAP:
		cr_assert_null(vl_find(&v->v_maps, ev->ke_pid, ev->ke_id),
		    "event %" PRIu64 ": map of mapped %s", ev->ke_no,
		    ev->ke_id);
		vl_add(&v->v_maps, ev->ke_pid, ev->ke_id, ev->ke_n);
		break;
	case KMT_TOUCH:
	case KMT_GROW:
	case KMT_UNMAP:
		it = vl_find(&v->v_maps, ev->ke_pid, ev->ke_id);
		cr_assert_not_null(it, "event %" PRIu64 ": no mapping %s",
		    ev->ke_no, ev->ke_id);
		end = ev->ke_off + ev->ke_npages;
		cr_assert(!ev->ke_ranged || end <= it->vi_n, "event %" PRIu64
		    ": pages to %" PRIu64 " outside %s of %" PRIu64,
		    ev->ke_no, end, ev->ke_id, it->vi_n);
		if (ev->ke_op == KMT_GROW) {
			cr_assert_gt(ev->ke_n, it->vi_n);
			it->vi_n = ev->ke_n;
		} else if (ev->ke_op == KMT_UNMAP && !ev->ke_ranged)
			vl_del(&v->v_maps, it);
		break;
	case KMT_KMALLOC:
		cr_assert_null(vl_find(&v->v_kms, ev->ke_pid, ev->ke_id),
		    "event %" PRIu64 ": kmalloc of live %s", ev->ke_no,
		    ev->ke_id);
		vl_add(&v->v_kms, ev->ke_pid, ev->ke_id, ev->ke_time);
		break;
	case KMT_KFREE:
		it = vl_find(&v->v_kms, ev->ke_pid, ev->ke_id);
		cr_assert_not_null(it, "event %" PRIu64 ": kfree of %s",
		    ev->ke_no, ev->ke_id);
		vl_del(&v->v_kms, it);
		break;
	default:
		break;
	}
done:
	if (v->v_cb != NULL)
		v->v_cb(ev, v->v_arg);
}

/*
 * Read PATH back through the kmtrace reader into V, checking the
 * headers generator NAME writes and every event.
 */
static void
check_trace(const char *path, const char *name, struct view *v)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ], want[128];
	const char *h;
	int rc;

	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	snprintf(want, sizeof(want), "gen %s", name);
	h = kmt_header(r, "source");
	cr_assert(h != NULL && strcmp(h, want) == 0, "source %s", h);
	snprintf(want, sizeof(want), "kmbench gen %s --param ", name);
	h = kmt_header(r, "command");
	cr_assert(h != NULL && strncmp(h, want, strlen(want)) == 0,
	    "command %s", h);
	cr_assert_not_null(kmt_header(r, "seed"));
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		view_event(v, &ev);
	cr_assert_eq(rc, 0, "%s", err);
	kmt_close(r);
}

/* Generate NAME with SETS and check it; the view is in V. */
static const char *
gen_check_view(const char *name, const char *const *sets, struct view *v)
{
	const char *path = gen_to(name, sets, ".kmt");

	check_trace(path, name, v);
	return path;
}

Test(gen, registry)
{
	const struct gen *g, *part;
	const struct gen_param *p, *q;
	int64_t v[GEN_MAXPARAMS];
	char err[ERRSZ], prefix[16];
	const char *dot;
	size_t i, j, k;

	cr_assert_eq(gen_nall, 7);
	for (i = 0; i < gen_nall; i++) {
		g = gen_all[i];
		cr_assert_eq(gen_find(g->g_name), g);
		cr_assert(g->g_summary != NULL && *g->g_summary != '\0');
		cr_assert_leq(g->g_nparams, GEN_MAXPARAMS);
		cr_assert_geq(gen_param_index(g, "seed"), 0, "%s has no seed",
		    g->g_name);
		for (j = 0; j < g->g_nparams; j++) {
			p = &g->g_params[j];
			cr_assert(p->gp_doc != NULL && *p->gp_doc != '\0');
			cr_assert(p->gp_def >= p->gp_min &&
			    p->gp_def <= p->gp_max, "%s.%s", g->g_name,
			    p->gp_name);
			cr_assert_eq(gen_param_index(g, p->gp_name), (int)j,
			    "%s.%s twice", g->g_name, p->gp_name);
			if (p->gp_words != NULL)
				for (k = 0; k <= (size_t)p->gp_max; k++)
					cr_assert_not_null(p->gp_words[k]);
		}
		gen_defaults(g, v);
		cr_assert_eq(gen_check(g, v, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_null(gen_find("nope"));

	/* under-attack's "part.K" are the parts' K, with their ranges. */
	g = &gen_under_attack;
	for (j = 0; j < g->g_nparams; j++) {
		p = &g->g_params[j];
		if ((dot = strchr(p->gp_name, '.')) == NULL)
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s",
		    (int)(dot - p->gp_name), p->gp_name);
		part = strcmp(prefix, "attack") == 0 ? &gen_pr14721 :
		    strcmp(prefix, "fd") == 0 ? &gen_fd_server :
		    strcmp(prefix, "fork") == 0 ? &gen_fork_server :
		    strcmp(prefix, "intr") == 0 ? &gen_intr_load : NULL;
		cr_assert_not_null(part, "%s", p->gp_name);
		k = (size_t)gen_param_index(part, dot + 1);
		cr_assert_neq((int)k, -1, "%s", p->gp_name);
		q = &part->g_params[k];
		cr_assert(p->gp_min == q->gp_min && p->gp_max == q->gp_max &&
		    (p->gp_words == NULL) == (q->gp_words == NULL),
		    "%s", p->gp_name);
	}
	/* And every parameter of a part but seed and pid is there. */
	for (i = 0; i < 4; i++) {
		static const char *const pre[] = { "attack", "fd", "fork",
		    "intr" };
		static const struct gen *const pg[] = { &gen_pr14721,
		    &gen_fd_server, &gen_fork_server, &gen_intr_load };
		char name[64];

		for (k = 0; k < pg[i]->g_nparams; k++) {
			q = &pg[i]->g_params[k];
			if (strcmp(q->gp_name, "seed") == 0 ||
			    strcmp(q->gp_name, "pid") == 0)
				continue;
			snprintf(name, sizeof(name), "%s.%s", pre[i],
			    q->gp_name);
			cr_assert_geq(gen_param_index(g, name), 0, "%s", name);
		}
	}
}

Test(gen, params)
{
	const struct gen *g = &gen_pr14721;
	int64_t v[GEN_MAXPARAMS];
	char err[ERRSZ];

	gen_defaults(g, v);
	cr_assert_eq(v[gen_param_index(g, "fds")], 2000000);
	cr_assert_eq(v[gen_param_index(g, "procs")], 1);
	cr_assert_eq(v[gen_param_index(g, "limit")], 10000000);
	cr_assert_eq(v[gen_param_index(g, "pid")], 100);
	cr_assert_eq(v[gen_param_index(g, "step_ns")], 1000);
	cr_assert_eq(v[gen_param_index(g, "seed")], 1);

	cr_assert_eq(gen_set(g, v, "fds=12", err, sizeof(err)), 0);
	cr_assert_eq(v[gen_param_index(g, "fds")], 12);
	cr_assert_eq(gen_set(g, v, "mode=interleaved", err, sizeof(err)), 0);
	cr_assert_eq(v[gen_param_index(g, "mode")], 1);

	cr_assert_eq(gen_set(g, v, "nope=1", err, sizeof(err)), -1);
	cr_assert(strstr(err, "'nope'") != NULL, "%s", err);
	cr_assert_eq(gen_set(g, v, "fds=3", err, sizeof(err)), -1);
	cr_assert(strstr(err, "fds") && strstr(err, "'3'"), "%s", err);
	cr_assert_eq(gen_set(g, v, "fds=1x", err, sizeof(err)), -1);
	cr_assert_eq(gen_set(g, v, "fds=", err, sizeof(err)), -1);
	cr_assert_eq(gen_set(g, v, "fds=-5", err, sizeof(err)), -1);
	cr_assert_eq(gen_set(g, v, "fds=99999999999999999999999", err,
	    sizeof(err)), -1);
	cr_assert_eq(gen_set(g, v, "fds", err, sizeof(err)), -1);
	cr_assert_eq(gen_set(g, v, "mode=random", err, sizeof(err)), -1);
	cr_assert(strstr(err, "serial or interleaved") != NULL, "%s", err);
	/* A refused value leaves the old one. */
	cr_assert_eq(v[gen_param_index(g, "fds")], 12);

	/* Checks across parameters. */
	gen_defaults(g, v);
	cr_assert_eq(gen_set(g, v, "pid=2147483647", err, sizeof(err)), 0);
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(gen_set(g, v, "procs=2", err, sizeof(err)), 0);
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), -1);
	g = &gen_heap_growth;
	gen_defaults(g, v);
	cr_assert_eq(gen_set(g, v, "steps=1048576", err, sizeof(err)), 0);
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), -1);
	g = &gen_intr_load;
	gen_defaults(g, v);
	gen_set(g, v, "w_mbuf=0", err, sizeof(err));
	gen_set(g, v, "w_cluster=0", err, sizeof(err));
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), 0, "%s", err);
	gen_set(g, v, "w_big=0", err, sizeof(err));
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), -1);
	g = &gen_under_attack;
	gen_defaults(g, v);
	cr_assert_eq(gen_set(g, v, "fork.children=10000", err, sizeof(err)),
	    0);
	cr_assert_eq(gen_set(g, v, "fork.rounds=1000000", err, sizeof(err)),
	    0);
	cr_assert_eq(gen_check(g, v, err, sizeof(err)), -1);
	cr_assert(strstr(err, "under-attack") != NULL, "%s", err);
}

Test(gen, determinism)
{
	const char *a, *b, *c, *seed2[16];
	char *ta, *tc;
	size_t i, j, na, nc;

	for (i = 0; i < NSMALLS; i++) {
		a = gen_to(smalls[i].sm_name, smalls[i].sm_sets, ".kmt");
		b = gen_to(smalls[i].sm_name, smalls[i].sm_sets, ".kmt");
		cr_assert(same_files(a, b), "%s: not the same twice",
		    smalls[i].sm_name);

		/* Another seed (set last, so it wins). */
		for (j = 0; smalls[i].sm_sets[j] != NULL; j++)
			seed2[j] = smalls[i].sm_sets[j];
		seed2[j++] = "seed=2";
		seed2[j] = NULL;
		c = gen_to(smalls[i].sm_name, seed2, ".kmt");
		ta = slurp_file(a, &na);
		tc = slurp_file(c, &nc);
		cr_assert(strstr(tc, "\n@ seed 2\n") != NULL);
		if (smalls[i].sm_random)
			cr_assert_str_neq(events_text(ta), events_text(tc),
			    "%s: seed 2 gives the same events",
			    smalls[i].sm_name);
		else
			cr_assert_str_eq(events_text(ta), events_text(tc),
			    "%s: uses no randomness, but the seed changes it",
			    smalls[i].sm_name);
		free(ta);
		free(tc);
	}
}

Test(gen, readback_all)
{
	struct view v;
	size_t i;

	for (i = 0; i < NSMALLS; i++) {
		view_init(&v);
		gen_check_view(smalls[i].sm_name, smalls[i].sm_sets, &v);
		cr_assert_gt(v.v_nevents, 0);
		view_free(&v);
	}
}

/*
 * pr14721 (see gen_pr14721.c): a process's actions are 0 .. fds-1 and
 * an exit with exit=1: spawn, sysctl, limit, open 3, then "dup 3 k" for
 * k = 4 .. fds-1, that is fds - 4 dups, so descriptors 0 .. fds-1 are
 * open at the end.
 */
static void
pr_cb(const struct kmt_event *ev, void *arg)
{
	uint64_t *limits = arg;

	if (ev->ke_op == KMT_SYSCTL || ev->ke_op == KMT_LIMIT) {
		cr_assert_eq(ev->ke_n, 10000000);
		(*limits)++;
	}
	if (ev->ke_op == KMT_DUP)
		cr_assert_eq(ev->ke_oldfd, 3);
	cr_assert_eq(ev->ke_time, (ev->ke_no - 1) * 1000);
}

Test(gen, pr14721_counts)
{
	struct view v;
	uint64_t limits = 0;

	view_init(&v);
	v.v_cb = pr_cb;
	v.v_arg = &limits;
	gen_check_view("pr14721", small_pr, &v);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 2);
	cr_assert_eq(v.v_ops[KMT_SYSCTL], 2);
	cr_assert_eq(v.v_ops[KMT_LIMIT], 2);
	cr_assert_eq(v.v_ops[KMT_OPEN], 2);
	cr_assert_eq(v.v_ops[KMT_DUP], 2 * (1000 - 4));
	cr_assert_eq(v.v_ops[KMT_EXIT], 0);
	cr_assert_eq(v.v_nevents, 2 * 1000);
	cr_assert_eq(limits, 4);
	cr_assert_eq(v.v_maxfd, 999);
	cr_assert_eq(v.v_maxopen, 1000);
	cr_assert(v.v_procs[100].vp_alive && v.v_procs[101].vp_alive);
	cr_assert_eq(v.v_procs[100].vp_nopen, 1000);
	cr_assert_eq(v.v_npids, 2);
	/* Serial: the second starts when the first is done. */
	cr_assert_eq(v.v_maxalive, 2);
	view_free(&v);
}

static void
interleaved_cb(const struct kmt_event *ev, void *arg)
{

	(void)arg;
	/* Round-robin: event n is process n mod 3's. */
	cr_assert_eq(ev->ke_pid, 500 + (ev->ke_no - 1) % 3);
	cr_assert_eq(ev->ke_time, (ev->ke_no - 1) * 7);
}

Test(gen, pr14721_interleaved)
{
	static const char *const sets[] = { "procs=3", "fds=10", "exit=1",
		"mode=interleaved", "pid=500", "step_ns=7", NULL };
	struct view v;

	view_init(&v);
	v.v_cb = interleaved_cb;
	gen_check_view("pr14721", sets, &v);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 3);
	cr_assert_eq(v.v_ops[KMT_DUP], 3 * 6);
	cr_assert_eq(v.v_ops[KMT_EXIT], 3);
	cr_assert_eq(v.v_nevents, 3 * 11);
	cr_assert_eq(v.v_maxopen, 10);
	cr_assert_eq(v.v_maxalive, 3);
	cr_assert_eq(v.v_nalive, 0);
	view_free(&v);
}

static void
fd_cb(const struct kmt_event *ev, void *arg)
{

	(void)arg;
	cr_assert_eq(ev->ke_pid, 100);
	if (ev->ke_op == KMT_LIMIT)
		cr_assert_eq(ev->ke_n, 20 + 4);
}

/*
 * fd-server (see gen_fd_server.c): spawn, limit, open 3, an open and a
 * close for each connection, close 3 and exit; every open takes the
 * lowest free descriptor, and at most max_conns connections are open.
 */
Test(gen, fd_server_counts)
{
	struct view v;

	view_init(&v);
	v.v_lowest = 1;
	v.v_cb = fd_cb;
	gen_check_view("fd-server", small_fd, &v);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 1);
	cr_assert_eq(v.v_ops[KMT_LIMIT], 1);
	cr_assert_eq(v.v_ops[KMT_OPEN], 2000 + 1);
	cr_assert_eq(v.v_ops[KMT_CLOSE], 2000 + 1);
	cr_assert_eq(v.v_ops[KMT_EXIT], 1);
	cr_assert_eq(v.v_nevents, 2 * 2000 + 5);
	/* 0, 1, 2, the socket and 20 connections: the ceiling is reached. */
	cr_assert_eq(v.v_maxopen, 24);
	cr_assert_eq(v.v_maxfd, 23);
	view_free(&v);
}

Test(gen, fd_server_default_shape)
{
	static const char *const sets[] = { "conns=5000", NULL };
	struct view v;

	/* 2000/s for 50 ms: about 100 at once, well below 500. */
	view_init(&v);
	v.v_lowest = 1;
	gen_check_view("fd-server", sets, &v);
	cr_assert_eq(v.v_ops[KMT_OPEN], 5000 + 1);
	cr_assert(v.v_maxopen > 50 && v.v_maxopen < 300, "%" PRIu64,
	    v.v_maxopen);
	/* 5000 arrivals at 2000/s: about 2.5 s. */
	cr_assert(v.v_lasttime > 2000000000ULL &&
	    v.v_lasttime < 3500000000ULL, "%" PRIu64, v.v_lasttime);
	view_free(&v);
}

static void
fork_cb(const struct kmt_event *ev, void *arg)
{

	(void)arg;
	if (ev->ke_op == KMT_FORK)
		cr_assert_eq(ev->ke_pid, 100);
	if (ev->ke_op == KMT_OPEN && ev->ke_pid != 100)
		cr_assert_eq(ev->ke_fd, 4);
	if (ev->ke_op == KMT_TOUCH && ev->ke_pid != 100)
		cr_assert(ev->ke_ranged);
}

/*
 * fork-server (see gen_fork_server.c): the parent's spawn, open 3, map,
 * touch, close 3 and exit; children * rounds lives, each a fork, a
 * touch, an open and a close per request, and an exit.
 */
Test(gen, fork_server_counts)
{
	struct view v;
	uint32_t pid;

	view_init(&v);
	v.v_cb = fork_cb;
	gen_check_view("fork-server", small_fork, &v);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 1);
	cr_assert_eq(v.v_ops[KMT_FORK], 3 * 4);
	cr_assert_eq(v.v_ops[KMT_EXIT], 3 * 4 + 1);
	cr_assert_eq(v.v_ops[KMT_MAP], 1);
	cr_assert_eq(v.v_ops[KMT_TOUCH], 3 * 4 + 1);
	cr_assert_eq(v.v_ops[KMT_OPEN], 3 * 4 * 5 + 1);
	cr_assert_eq(v.v_ops[KMT_CLOSE], 3 * 4 * 5 + 1);
	cr_assert_eq(v.v_nevents, 6 + 3 * 4 * (3 + 2 * 5));
	cr_assert_eq(v.v_npids, 1 + 3 * 4);
	for (pid = 100; pid <= 112; pid++)
		cr_assert(v.v_procs[pid].vp_seen, "PID %u", pid);
	/* The parent and at most one child a slot. */
	cr_assert_eq(v.v_maxalive, 1 + 3);
	cr_assert_eq(v.v_nalive, 0);
	view_free(&v);
}

static void
storm_cb(const struct kmt_event *ev, void *arg)
{
	uint64_t *sizes = arg;

	if (ev->ke_op == KMT_MAP) {
		cr_assert(ev->ke_n >= 1 && ev->ke_n <= 4);
		sizes[ev->ke_n]++;
	}
	if (ev->ke_op == KMT_TOUCH || ev->ke_op == KMT_UNMAP)
		cr_assert(!ev->ke_ranged);
}

/* amap-storm: maps maps and touches, maps * unmap_pct / 100 unmaps. */
Test(gen, amap_storm_counts)
{
	struct view v;
	uint64_t sizes[5] = { 0 };
	int i;

	view_init(&v);
	v.v_cb = storm_cb;
	v.v_arg = sizes;
	gen_check_view("amap-storm", small_storm, &v);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 1);
	cr_assert_eq(v.v_ops[KMT_MAP], 500);
	cr_assert_eq(v.v_ops[KMT_TOUCH], 500);
	cr_assert_eq(v.v_ops[KMT_UNMAP], 150);
	cr_assert_eq(v.v_ops[KMT_EXIT], 1);
	cr_assert_eq(v.v_nevents, 2 + 2 * 500 + 150);
	for (i = 1; i <= 4; i++)
		cr_assert_gt(sizes[i], 50, "few mappings of %d pages", i);
	view_free(&v);
}

static void
heap_cb(const struct kmt_event *ev, void *arg)
{
	uint64_t *last = arg;

	if (ev->ke_op == KMT_GROW) {
		cr_assert_eq(ev->ke_n, *last + 3);
		*last = ev->ke_n;
	}
	if (ev->ke_op == KMT_MAP)
		*last = ev->ke_n;
}

/* heap-growth: 2 * steps + 4 events, ending at init + steps * by. */
Test(gen, heap_growth_counts)
{
	struct view v;
	uint64_t last = 0;

	view_init(&v);
	v.v_cb = heap_cb;
	v.v_arg = &last;
	gen_check_view("heap-growth", small_heap, &v);
	cr_assert_eq(v.v_ops[KMT_MAP], 1);
	cr_assert_eq(v.v_ops[KMT_GROW], 50);
	cr_assert_eq(v.v_ops[KMT_TOUCH], 51);
	cr_assert_eq(v.v_nevents, 2 * 50 + 4);
	cr_assert_eq(last, 2 + 50 * 3);
	view_free(&v);
}

struct intr_arg {
	uint64_t	ia_nalloc;
	uint64_t	ia_sizes[3];
	uint64_t	ia_when[2000];
};

static void
intr_cb(const struct kmt_event *ev, void *arg)
{
	struct intr_arg *ia = arg;
	unsigned long n;
	uint64_t held;

	cr_assert_eq(ev->ke_pid, 0);
	n = strtoul(ev->ke_id + 2, NULL, 10);
	cr_assert_lt(n, 2000);
	if (ev->ke_op == KMT_KMALLOC) {
		/* Allocation n at n * 10^9 / rate. */
		cr_assert_eq(n, ia->ia_nalloc);
		cr_assert_eq(ev->ke_time, n * 500000);
		cr_assert_str_eq(ev->ke_type, "M_MBUF");
		cr_assert_eq(ev->ke_mflags, KMT_M_NOWAIT);
		switch (ev->ke_n) {
		case 256:
			cr_assert(strncmp(ev->ke_id, "mb", 2) == 0);
			ia->ia_sizes[0]++;
			break;
		case 2048:
			cr_assert(strncmp(ev->ke_id, "cl", 2) == 0);
			ia->ia_sizes[1]++;
			break;
		case 8192:
			cr_assert(strncmp(ev->ke_id, "bg", 2) == 0);
			ia->ia_sizes[2]++;
			break;
		default:
			cr_assert_fail("size %" PRIu64, ev->ke_n);
		}
		ia->ia_when[n] = ev->ke_time;
		ia->ia_nalloc++;
	} else {
		cr_assert_eq(ev->ke_op, KMT_KFREE);
		/* hold_us=2000: held 1 to 3 ms. */
		held = ev->ke_time - ia->ia_when[n];
		cr_assert(held >= 1000000 && held <= 3000000, "held %" PRIu64,
		    held);
	}
}

/* intr-load: rate * seconds kmallocs and as many kfrees, all PID 0. */
Test(gen, intr_load_counts)
{
	struct intr_arg *ia;
	struct view v;

	ia = calloc(1, sizeof(*ia));
	cr_assert_not_null(ia);
	view_init(&v);
	v.v_cb = intr_cb;
	v.v_arg = ia;
	gen_check_view("intr-load", small_intr, &v);
	cr_assert_eq(v.v_ops[KMT_KMALLOC], 2000);
	cr_assert_eq(v.v_ops[KMT_KFREE], 2000);
	cr_assert_eq(v.v_nevents, 4000);
	cr_assert_eq(v.v_npids, 0);
	/* Weights 70, 25 and 5. */
	cr_assert(ia->ia_sizes[0] > 1200 && ia->ia_sizes[0] < 1600);
	cr_assert(ia->ia_sizes[1] > 350 && ia->ia_sizes[1] < 650);
	cr_assert(ia->ia_sizes[2] > 40 && ia->ia_sizes[2] < 180);
	view_free(&v);
	free(ia);
}

static int
ev_same(const struct kmt_event *a, const struct kmt_event *b,
    uint64_t toff)
{

	return a->ke_time == b->ke_time + toff && a->ke_pid == b->ke_pid &&
	    a->ke_op == b->ke_op && a->ke_child == b->ke_child &&
	    a->ke_fd == b->ke_fd && a->ke_oldfd == b->ke_oldfd &&
	    a->ke_cloexec == b->ke_cloexec && a->ke_n == b->ke_n &&
	    a->ke_ranged == b->ke_ranged && a->ke_off == b->ke_off &&
	    a->ke_npages == b->ke_npages && a->ke_mflags == b->ke_mflags &&
	    strcmp(a->ke_id, b->ke_id) == 0 &&
	    strcmp(a->ke_type, b->ke_type) == 0;
}

/*
 * under-attack is its four parts merged by time: each part generated on
 * its own (with the seed drawn for it and its PID range) gives exactly
 * the events of under-attack in its PID range, in the same order, and
 * the attacker's are shifted by attack_at_ms.
 */
Test(gen, under_attack_merge)
{
	static const char *const names[4] = { "pr14721", "fd-server",
		"fork-server", "intr-load" };
	static const char *const psets[4][5] = {
		{ "procs=2", "fds=3000", "pid=100", NULL },
		{ "conns=300", "pid=200", NULL },
		{ "children=2", "rounds=3", "requests=4", "pid=300", NULL },
		{ "rate=1000", "seconds=1", NULL },
	};
	const char *sets[8], *ua, *path;
	struct kmt_reader *r, *pr[4];
	struct kmt_event ev, pev;
	struct gen_rng rng;
	struct view v;
	char err[ERRSZ], seed[4][64];
	uint64_t n[4] = { 0 }, first_attack = 0;
	int i, j, rc, part;

	view_init(&v);
	ua = gen_check_view("under-attack", small_ua, &v);
	cr_assert_eq(v.v_ops[KMT_DUP], 2 * (3000 - 4));
	cr_assert_eq(v.v_ops[KMT_KMALLOC], 1000);
	cr_assert_eq(v.v_ops[KMT_FORK], 2 * 3);
	cr_assert_eq(v.v_ops[KMT_SPAWN], 2 + 1 + 1);
	cr_assert_eq(v.v_nevents, 2 * 3000 + (2 * 300 + 5) +
	    (6 + 2 * 3 * (3 + 2 * 4)) + 2 * 1000);
	view_free(&v);

	/* The parts' seeds: the first four numbers from seed 9. */
	gen_rng_seed(&rng, 9);
	for (i = 0; i < 4; i++) {
		snprintf(seed[i], sizeof(seed[i]), "seed=%" PRIu64,
		    gen_rng_next(&rng) >> 1);
		for (j = 0; psets[i][j] != NULL; j++)
			sets[j] = psets[i][j];
		sets[j++] = seed[i];
		sets[j] = NULL;
		path = gen_to(names[i], sets, ".kmt");
		pr[i] = kmt_open(path, err, sizeof(err));
		cr_assert_not_null(pr[i], "%s", err);
	}
	r = kmt_open(ua, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1) {
		part = ev.ke_pid == 0 ? 3 : ev.ke_pid < 200 ? 0 :
		    ev.ke_pid < 300 ? 1 : 2;
		cr_assert(ev.ke_pid < 400, "PID %" PRIu32, ev.ke_pid);
		cr_assert_eq(kmt_read(pr[part], &pev, err, sizeof(err)), 1,
		    "event %" PRIu64 ": part %d ended: %s", ev.ke_no, part,
		    err);
		cr_assert(ev_same(&ev, &pev, part == 0 ? 50000000 : 0),
		    "event %" PRIu64 " is not event %" PRIu64 " of %s",
		    ev.ke_no, pev.ke_no, names[part]);
		if (part == 0 && n[0] == 0)
			first_attack = ev.ke_time;
		n[part]++;
	}
	cr_assert_eq(rc, 0, "%s", err);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(kmt_read(pr[i], &pev, err, sizeof(err)), 0,
		    "%s has more", names[i]);
		cr_assert_gt(n[i], 0);
		kmt_close(pr[i]);
	}
	kmt_close(r);
	cr_assert_eq(first_attack, 50000000);
}

/* Every small trace replays under every strategy without an error. */
Test(gen, replays, .timeout = 120)
{
	static const char *const strategies[] = { "panic-only", "canfail",
		"nointr", "fdlimit" };
	struct kmcase c;
	const char *path;
	size_t i, s;

	for (i = 0; i < NSMALLS; i++) {
		path = gen_to(smalls[i].sm_name, smalls[i].sm_sets, ".kmt");
		for (s = 0; s < 4; s++) {
			kmcase_runfile(&c, strategies[s], "i386-64M", NULL,
			    path);
			cr_assert_eq(c.rc, 0, "%s under %s: %s",
			    smalls[i].sm_name, strategies[s], c.err);
			kmcase_free(&c);
		}
	}
}

/* Read A, B and C in step: the same headers and events. */
static void
same_events(const char *a, const char *b, const char *c)
{
	const char *paths[3] = { a, b, c }, *keys[3] = { "source",
	    "command", "seed" };
	struct kmt_reader *r[3];
	struct kmt_event ev[3];
	char err[ERRSZ];
	int i, k, rc[3];
	uint64_t n = 0;

	for (i = 0; i < 3; i++) {
		r[i] = kmt_open(paths[i], err, sizeof(err));
		cr_assert_not_null(r[i], "%s", err);
	}
	for (k = 0; k < 3; k++)
		for (i = 1; i < 3; i++)
			cr_assert_str_eq(kmt_header(r[0], keys[k]),
			    kmt_header(r[i], keys[k]));
	do {
		for (i = 0; i < 3; i++) {
			rc[i] = kmt_read(r[i], &ev[i], err, sizeof(err));
			cr_assert_geq(rc[i], 0, "%s", err);
		}
		cr_assert(rc[0] == rc[1] && rc[0] == rc[2]);
		if (rc[0] == 1) {
			cr_assert(ev_same(&ev[0], &ev[1], 0) &&
			    ev_same(&ev[0], &ev[2], 0), "event %" PRIu64,
			    ev[0].ke_no);
			n++;
		}
	} while (rc[0] == 1);
	cr_assert_gt(n, 0);
	for (i = 0; i < 3; i++)
		kmt_close(r[i]);
}

static void
has_magic(const char *path, const unsigned char *magic, size_t n)
{
	unsigned char buf[8];
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f);
	cr_assert_eq(fread(buf, 1, n, f), n);
	fclose(f);
	cr_assert(memcmp(buf, magic, n) == 0, "%s: wrong magic", path);
}

Test(gen, compressed)
{
	static const unsigned char gz[] = { 0x1f, 0x8b };
	static const unsigned char zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	/* Several megabytes of text: many buffers of each compressor. */
	static const char *const big[] = { "fds=300000", NULL };
	const char *p, *g, *z;
	size_t np, ng;
	char *tp, *tg;

	p = gen_to("fork-server", small_fork, ".kmt");
	g = gen_to("fork-server", small_fork, ".gz");
	z = gen_to("fork-server", small_fork, ".zst");
	has_magic(g, gz, sizeof(gz));
	has_magic(z, zst, sizeof(zst));
	same_events(p, g, z);

	p = gen_to("pr14721", big, ".kmt");
	g = gen_to("pr14721", big, ".gz");
	z = gen_to("pr14721", big, ".zst");
	has_magic(g, gz, sizeof(gz));
	has_magic(z, zst, sizeof(zst));
	same_events(p, g, z);
	/* Compressed output is deterministic too. */
	cr_assert(same_files(z, gen_to("pr14721", big, ".zst")));
	cr_assert(same_files(g, gen_to("pr14721", big, ".gz")));
	tp = slurp_file(p, &np);
	tg = slurp_file(g, &ng);
	cr_assert_lt(ng, np / 4);
	free(tp);
	free(tg);
}

/* A cleared event. */
static struct kmt_event
mkev(uint64_t t, uint32_t pid, enum kmt_op op)
{
	struct kmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ke_time = t;
	ev.ke_pid = pid;
	ev.ke_op = op;
	return ev;
}

Test(gen, writer_format)
{
	/* Version 2: the end line counts the events written. */
	static const char want[] =
	    "kmtrace 2\n"
	    "@ source test\n"
	    "@ empty\n"
	    "0 7 spawn\n"
	    "1 7 fork 8\n"
	    "2 8 exec\n"
	    "3 7 sysctl maxfiles 2147483647\n"
	    "4 7 limit nofile 0\n"
	    "5 7 open 3\n"
	    "6 7 open 4 cloexec\n"
	    "7 7 dup 3 9 cloexec\n"
	    "8 7 dup 3 10\n"
	    "9 7 close 4\n"
	    "10 7 map heap 1048576\n"
	    "11 7 touch heap\n"
	    "12 7 touch heap 1048575 1\n"
	    "13 7 grow heap 3\n"
	    "14 7 unmap heap 0 2\n"
	    "15 7 unmap heap\n"
	    "16 0 kmalloc a 0 M_MBUF NOWAIT\n"
	    "17 7 kmalloc b 4294967295 M_TEMP WAITOK,ZERO,CANFAIL\n"
	    "18 0 kfree a\n"
	    "18446744073709551615 8 exit\n"
	    "# end 20 events\n";
	struct kmt_event evs[22], ev;
	struct kmt_writer *w;
	struct kmt_reader *r;
	char err[ERRSZ], *text;
	const char *path;
	size_t n = 0, len, i;

	evs[n++] = mkev(0, 7, KMT_SPAWN);
	evs[n] = mkev(1, 7, KMT_FORK);
	evs[n++].ke_child = 8;
	evs[n++] = mkev(2, 8, KMT_EXEC);
	evs[n] = mkev(3, 7, KMT_SYSCTL);
	evs[n++].ke_n = KMT_INT_MAX;
	evs[n] = mkev(4, 7, KMT_LIMIT);
	evs[n++].ke_n = 0;
	evs[n] = mkev(5, 7, KMT_OPEN);
	evs[n++].ke_fd = 3;
	evs[n] = mkev(6, 7, KMT_OPEN);
	evs[n].ke_fd = 4;
	evs[n++].ke_cloexec = 1;
	evs[n] = mkev(7, 7, KMT_DUP);
	evs[n].ke_oldfd = 3;
	evs[n].ke_fd = 9;
	evs[n++].ke_cloexec = 1;
	evs[n] = mkev(8, 7, KMT_DUP);
	evs[n].ke_oldfd = 3;
	evs[n++].ke_fd = 10;
	evs[n] = mkev(9, 7, KMT_CLOSE);
	evs[n++].ke_fd = 4;
	evs[n] = mkev(10, 7, KMT_MAP);
	strcpy(evs[n].ke_id, "heap");
	evs[n++].ke_n = KMT_NPAGES_MAX;
	evs[n] = mkev(11, 7, KMT_TOUCH);
	strcpy(evs[n++].ke_id, "heap");
	evs[n] = mkev(12, 7, KMT_TOUCH);
	strcpy(evs[n].ke_id, "heap");
	evs[n].ke_ranged = 1;
	evs[n].ke_off = KMT_NPAGES_MAX - 1;
	evs[n++].ke_npages = 1;
	evs[n] = mkev(13, 7, KMT_GROW);
	strcpy(evs[n].ke_id, "heap");
	evs[n++].ke_n = 3;
	evs[n] = mkev(14, 7, KMT_UNMAP);
	strcpy(evs[n].ke_id, "heap");
	evs[n].ke_ranged = 1;
	evs[n].ke_off = 0;
	evs[n++].ke_npages = 2;
	evs[n] = mkev(15, 7, KMT_UNMAP);
	strcpy(evs[n++].ke_id, "heap");
	evs[n] = mkev(16, 0, KMT_KMALLOC);
	strcpy(evs[n].ke_id, "a");
	strcpy(evs[n].ke_type, "M_MBUF");
	evs[n++].ke_mflags = KMT_M_NOWAIT;
	evs[n] = mkev(17, 7, KMT_KMALLOC);
	strcpy(evs[n].ke_id, "b");
	evs[n].ke_n = KMT_SIZE_MAX;
	strcpy(evs[n].ke_type, "M_TEMP");
	evs[n++].ke_mflags = KMT_M_ZERO | KMT_M_CANFAIL;
	evs[n] = mkev(18, 0, KMT_KFREE);
	strcpy(evs[n++].ke_id, "a");
	evs[n++] = mkev(UINT64_MAX, 8, KMT_EXIT);

	path = tmpname(".kmt");
	w = kmt_wopen(path, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	cr_assert_eq(kmt_wheader(w, "source", "test"), 0, "%s",
	    kmt_werror(w));
	cr_assert_eq(kmt_wheader(w, "empty", ""), 0, "%s", kmt_werror(w));
	for (i = 0; i < n; i++)
		cr_assert_eq(kmt_wevent(w, &evs[i]), 0, "%zu: %s", i,
		    kmt_werror(w));
	cr_assert_eq(kmt_wcount(w), n);
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), 0, "%s", err);
	text = slurp_file(path, &len);
	cr_assert_str_eq(text, want);
	free(text);

	/* And each reads back as it was. */
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_str_eq(kmt_header(r, "source"), "test");
	for (i = 0; i < n; i++) {
		cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
		cr_assert(ev_same(&ev, &evs[i], 0), "event %zu", i + 1);
	}
	cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 0);
	kmt_close(r);
}

/* EV is refused with a message holding WHY. */
static void
refused(struct kmt_writer *w, const struct kmt_event *ev, const char *why)
{
	uint64_t n = kmt_wcount(w);

	cr_assert_eq(kmt_wevent(w, ev), -1, "not refused: %s", why);
	cr_assert(strstr(kmt_werror(w), why) != NULL, "'%s' not in '%s'",
	    why, kmt_werror(w));
	cr_assert_eq(kmt_wcount(w), n);
}

Test(gen, writer_refuses)
{
	struct kmt_writer *w;
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ];
	const char *path;
	int n;

	path = tmpname(".kmt");
	w = kmt_wopen(path, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	ev = mkev(10, 5, KMT_SPAWN);
	cr_assert_eq(kmt_wevent(w, &ev), 0);

	ev = mkev(9, 5, KMT_OPEN);
	ev.ke_fd = 3;
	refused(w, &ev, "time goes backwards (9 after 10)");
	ev = mkev(10, 0, KMT_SPAWN);
	refused(w, &ev, "PID 0");
	ev = mkev(10, 0, KMT_OPEN);
	refused(w, &ev, "PID 0");
	ev = mkev(10, (uint32_t)KMT_INT_MAX + 1, KMT_EXIT);
	refused(w, &ev, "PID");
	ev = mkev(10, 5, KMT_NOPS);
	refused(w, &ev, "unknown op");
	ev = mkev(10, 5, KMT_FORK);
	ev.ke_child = 5;
	refused(w, &ev, "same as PID");
	ev.ke_child = 0;
	refused(w, &ev, "CHILD");
	ev = mkev(10, 5, KMT_OPEN);
	ev.ke_fd = (uint32_t)KMT_INT_MAX + 1;
	refused(w, &ev, "descriptor");
	ev = mkev(10, 5, KMT_LIMIT);
	ev.ke_n = KMT_INT_MAX + 1;
	refused(w, &ev, "out of range");
	ev = mkev(10, 5, KMT_MAP);
	strcpy(ev.ke_id, "m");
	refused(w, &ev, "NPAGES");
	ev.ke_n = KMT_NPAGES_MAX + 1;
	refused(w, &ev, "NPAGES");
	ev.ke_n = 1;
	ev.ke_id[0] = '\0';
	refused(w, &ev, "ID is empty");
	strcpy(ev.ke_id, "a b");
	refused(w, &ev, "blank");
	strcpy(ev.ke_id, "a\nb");
	refused(w, &ev, "blank");
	memset(ev.ke_id, 'x', KMT_TOKEN_MAX);
	ev.ke_id[KMT_TOKEN_MAX] = 'x';	/* no NUL in the array */
	refused(w, &ev, "too long");
	ev = mkev(10, 5, KMT_TOUCH);
	strcpy(ev.ke_id, "m");
	ev.ke_ranged = 1;
	ev.ke_npages = 0;
	refused(w, &ev, "out of range");
	ev = mkev(10, 0, KMT_KMALLOC);
	strcpy(ev.ke_id, "k");
	strcpy(ev.ke_type, "MBUF");
	refused(w, &ev, "malloc type");
	strcpy(ev.ke_type, "M_mbuf");
	refused(w, &ev, "malloc type");
	strcpy(ev.ke_type, "M_");
	refused(w, &ev, "malloc type");
	strcpy(ev.ke_type, "M_MBUF");
	ev.ke_mflags = 0x10;
	refused(w, &ev, "flags");
	ev.ke_mflags = 0;
	ev.ke_n = KMT_SIZE_MAX + 1;
	refused(w, &ev, "SIZE");
	cr_assert_eq(kmt_wheader(w, "late", "x"), -1);
	cr_assert(strstr(kmt_werror(w), "after the first event") != NULL);

	/* The writer goes on after a refusal. */
	ev = mkev(10, 5, KMT_OPEN);
	ev.ke_fd = 3;
	cr_assert_eq(kmt_wevent(w, &ev), 0, "%s", kmt_werror(w));
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), 0, "%s", err);

	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	n = 0;
	while (kmt_read(r, &ev, err, sizeof(err)) == 1)
		n++;
	cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 2);
	kmt_close(r);
}

Test(gen, writer_headers)
{
	struct kmt_writer *w;
	struct kmt_reader *r;
	char err[ERRSZ], big[KMT_WHDR_VAL_MAX + 2];
	const char *path;

	path = tmpname(".kmt");
	w = kmt_wopen(path, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	cr_assert_eq(kmt_wheader(w, "", "x"), -1);
	cr_assert_eq(kmt_wheader(w, "a b", "x"), -1);
	cr_assert_eq(kmt_wheader(w, "k", "x\ny"), -1);
	cr_assert_eq(kmt_wheader(w, "k", " x"), -1);
	cr_assert_eq(kmt_wheader(w, "k", "x\t"), -1);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(kmt_wheader(w, "k", big), -1);
	big[sizeof(big) - 2] = '\0';
	cr_assert_eq(kmt_wheader(w, "k", big), 0, "%s", kmt_werror(w));
	cr_assert_eq(kmt_wheader(w, "cmd", "a  b\tc"), 0);
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), 0, "%s", err);
	r = kmt_open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_str_eq(kmt_header(r, "k"), big);
	cr_assert_str_eq(kmt_header(r, "cmd"), "a  b\tc");
	kmt_close(r);
}

Test(gen, writer_errors)
{
	struct kmt_writer *w;
	struct kmt_event ev;
	char err[ERRSZ];
	uint32_t fd;

	w = kmt_wopen("/nonexistent-dir/x.kmt", err, sizeof(err));
	cr_assert_null(w);
	cr_assert(strstr(err, "/nonexistent-dir/x.kmt") != NULL, "%s", err);

	if (access("/dev/full", W_OK) != 0)
		return;
	/* A full device: the error comes with a flush, or at the close. */
	w = kmt_wopen("/dev/full", err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	ev = mkev(0, 5, KMT_SPAWN);
	cr_assert_eq(kmt_wevent(w, &ev), 0);
	for (fd = 3; fd < 100000; fd++) {
		ev = mkev(fd, 5, KMT_DUP);
		ev.ke_oldfd = 0;
		ev.ke_fd = fd;
		if (kmt_wevent(w, &ev) != 0)
			break;
	}
	cr_assert_lt(fd, 100000, "no error from a full device");
	cr_assert(strstr(kmt_werror(w), "No space") != NULL, "%s",
	    kmt_werror(w));
	cr_assert_eq(kmt_wclose(w, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/dev/full") != NULL, "%s", err);
}

/*
 * Run cmd_gen with the blank-separated arguments ARGS (after "gen"),
 * the standard output into OUTPATH and the standard error into ERRPATH
 * (each NULL for /dev/null).  Returns the exit status.
 */
static int
run_gen(const char *args, const char *outpath, const char *errpath)
{
	char *copy, *argv[64], *tok, *save;
	int argc = 0, so, se, fo, fe, rc;

	copy = strdup(args);
	cr_assert_not_null(copy);
	argv[argc++] = (char *)"gen";
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		cr_assert_lt(argc, 63);
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(outpath != NULL ? outpath : "/dev/null",
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(errpath != NULL ? errpath : "/dev/null",
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(so >= 0 && se >= 0 && fo >= 0 && fe >= 0);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = cmd_gen(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	free(copy);
	return rc;
}

/* The one line of the file ERRPATH holds WHAT. */
static void
one_line(const char *errpath, const char *what)
{
	size_t len;
	char *text = slurp_file(errpath, &len);

	cr_assert(len > 0 && text[len - 1] == '\n' &&
	    strchr(text, '\n') == text + len - 1, "not one line: %s", text);
	cr_assert(strstr(text, what) != NULL, "'%s' not in: %s", what, text);
	free(text);
}

Test(gen, cmd_status)
{
	const char *out = tmpname(".kmt"), *ep = tmpname(".txt");
	char args[512];

	cr_assert_eq(run_gen("nope -o /dev/null", NULL, ep), 2);
	one_line(ep, "'nope'");
	cr_assert_eq(run_gen("pr14721 --param bogus=1 -o /dev/null", NULL,
	    ep), 2);
	one_line(ep, "'bogus'");
	cr_assert_eq(run_gen("pr14721 --param fds=many -o /dev/null", NULL,
	    ep), 2);
	one_line(ep, "fds");
	cr_assert_eq(run_gen("pr14721 --seed x -o /dev/null", NULL, ep), 2);
	one_line(ep, "seed");
	cr_assert_eq(run_gen("pr14721 --frobnicate", NULL, ep), 2);
	one_line(ep, "--frobnicate");
	cr_assert_eq(run_gen("pr14721 --param fds=10", NULL, ep), 2);
	one_line(ep, "-o");
	cr_assert_eq(run_gen("pr14721 heap-growth -o /dev/null", NULL, ep), 2);
	cr_assert_eq(run_gen("pr14721 --param", NULL, ep), 2);
	cr_assert_eq(run_gen("heap-growth --param steps=2000000 -o /dev/null",
	    NULL, ep), 2);
	one_line(ep, "steps");
	cr_assert_eq(run_gen("", NULL, NULL), 2);

	/* Output errors are 1. */
	cr_assert_eq(run_gen("heap-growth -o /nonexistent-dir/x.kmt", NULL,
	    ep), 1);
	one_line(ep, "/nonexistent-dir/x.kmt");

	snprintf(args, sizeof(args), "heap-growth --param steps=10 -o %s",
	    out);
	cr_assert_eq(run_gen(args, NULL, ep), 0);
	snprintf(args, sizeof(args), "heap-growth --param=steps=10 --seed=3 "
	    "-o%s", out);
	cr_assert_eq(run_gen(args, NULL, ep), 0);
	snprintf(args, sizeof(args), "--output %s --param steps=10 "
	    "heap-growth", out);
	cr_assert_eq(run_gen(args, NULL, ep), 0);
}

Test(gen, cmd_help)
{
	const char *out = tmpname(".txt");
	size_t len, i, j;
	char *text, kv[128], val[64];
	const struct gen *g;

	cr_assert_eq(run_gen("--help", out, NULL), 0);
	text = slurp_file(out, &len);
	for (i = 0; i < gen_nall; i++) {
		g = gen_all[i];
		cr_assert(strstr(text, g->g_name) != NULL, "%s", g->g_name);
		cr_assert(strstr(text, g->g_summary) != NULL);
		for (j = 0; j < g->g_nparams; j++) {
			gen_format(&g->g_params[j], g->g_params[j].gp_def, val,
			    sizeof(val));
			snprintf(kv, sizeof(kv), " %s=%s ",
			    g->g_params[j].gp_name, val);
			cr_assert(strstr(text, kv) != NULL, "%s", kv);
		}
	}
	cr_assert(strstr(text, "fds=2000000") != NULL);
	free(text);

	/* No name: the same list, on the standard error, and 2. */
	cr_assert_eq(run_gen("", NULL, out), 2);
	text = slurp_file(out, &len);
	cr_assert(strstr(text, "missing generator") != NULL);
	cr_assert(strstr(text, "under-attack") != NULL);
	free(text);

	/* One generator's help. */
	cr_assert_eq(run_gen("fd-server --help", out, NULL), 0);
	text = slurp_file(out, &len);
	cr_assert(strstr(text, "max_conns=500") != NULL);
	cr_assert(strstr(text, "fds=2000000") == NULL);
	free(text);
}

/*
 * The "@ command" header names every parameter: running it again gives
 * the same bytes.  Also writes to the standard output with -o -.
 */
Test(gen, cmd_reproduce)
{
	const char *a = tmpname(".kmt"), *b = tmpname(".kmt");
	const char *c = tmpname(".kmt");
	struct kmt_reader *r;
	char args[2048], err[ERRSZ];
	const char *cmd;

	snprintf(args, sizeof(args), "under-attack --seed 5 "
	    "--param attack.fds=500 --param fd.conns=50 --param "
	    "fork.rounds=2 --param intr.seconds=1 --param intr.rate=100 "
	    "--param attack.mode=interleaved -o %s", a);
	cr_assert_eq(run_gen(args, NULL, NULL), 0);
	r = kmt_open(a, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_str_eq(kmt_header(r, "seed"), "5");
	cmd = kmt_header(r, "command");
	cr_assert(strncmp(cmd, "kmbench gen ", 12) == 0);
	cr_assert(strstr(cmd, "--param attack.mode=interleaved") != NULL);
	cr_assert(strstr(cmd, "--param fork.children=8") != NULL);
	snprintf(args, sizeof(args), "%s -o %s", cmd + 12, b);
	kmt_close(r);
	cr_assert_eq(run_gen(args, NULL, NULL), 0);
	cr_assert(same_files(a, b));

	snprintf(args, sizeof(args), "under-attack --seed 5 "
	    "--param attack.fds=500 --param fd.conns=50 --param "
	    "fork.rounds=2 --param intr.seconds=1 --param intr.rate=100 "
	    "--param attack.mode=interleaved -o -");
	cr_assert_eq(run_gen(args, c, NULL), 0);
	cr_assert(same_files(a, c));
}

/*
 * The command as a program ($KMBENCH), once runner/main.c dispatches
 * "gen" to cmd_gen.
 */
Test(gen, binary)
{
	const char *out;
	char *o, *e, args[512];
	struct view v;
	int rc;

	rc = kmtest_cmd("gen --help", &o, &e);
	if (rc != 0 && strstr(e, "unknown command") != NULL) {
		free(o);
		free(e);
		cr_skip_test("kmbench does not have the gen command yet");
	}
	cr_assert_eq(rc, 0, "%s", e);
	cr_assert(strstr(o, "pr14721") != NULL);
	free(o);
	free(e);

	rc = kmtest_cmd("gen nope -o /dev/null", &o, &e);
	cr_assert_eq(rc, 2);
	cr_assert(strstr(e, "nope") != NULL);
	free(o);
	free(e);

	out = tmpname(".kmt.gz");
	snprintf(args, sizeof(args), "gen fork-server --param rounds=2 -o %s",
	    out);
	rc = kmtest_cmd(args, &o, &e);
	cr_assert_eq(rc, 0, "%s", e);
	free(o);
	free(e);
	view_init(&v);
	check_trace(out, "fork-server", &v);
	cr_assert_eq(v.v_ops[KMT_FORK], 8 * 2);
	view_free(&v);
}
