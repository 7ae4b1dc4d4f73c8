/*
 * kmtest.c: helpers shared by the tests (see kmtest.h).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kernel/profile.h"
#include "../kernel/subr_pool.h"
#include "../strategies/strategy.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

const char *
kmtest_data(void)
{

	return env_or("KMBENCH_TESTDATA", "tests/data");
}

const char *
kmtest_src(void)
{

	return env_or("KMBENCH_SRC", ".");
}

void
kmtest_write(char *path, size_t pathlen, const char *suffix,
    const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, pathlen, "/tmp/kmtest-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	cr_assert(fd >= 0, "mkstemps %s", path);
	f = fdopen(fd, "w");
	cr_assert(f != NULL);
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

FILE *
kmtest_create(char *path, size_t pathlen, const char *stem)
{
	FILE *f;
	int fd;

	snprintf(path, pathlen, "/tmp/kmtest-%s-XXXXXX", stem);
	fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp %s", path);
	f = fdopen(fd, "w");
	cr_assert(f != NULL);
	return f;
}

struct machine *
kmtest_boot(const char *strategy, const char *machine,
    const char *const *sets)
{
	const char *params[64];
	const struct strategy *s = NULL;
	struct profile pr;
	struct machine *m;
	char err[1024];
	size_t np = 0;

	if (strategy != NULL) {
		s = strategy_lookup(strategy);
		cr_assert(s != NULL, "strategy %s", strategy);
	}
	cr_assert(profile_load(&pr, env_or("KMBENCH_MACHINES", "machines"),
	    machine, err, sizeof(err)) == 0, "%s", err);
	for (; sets != NULL && *sets != NULL; sets++) {
		const char *dot = strchr(*sets, '.'), *eq = strchr(*sets, '=');

		if (dot != NULL && eq != NULL && dot < eq)
			params[np++] = dot + 1;
		else
			cr_assert(profile_set(&pr, *sets, err,
			    sizeof(err)) == 0, "%s", err);
	}
	m = strategy_boot(&pr, s, params, np, err, sizeof(err));
	cr_assert(m != NULL, "boot %s: %s", machine, err);
	return m;
}

void
kmcase_run(struct kmcase *c, const char *strategy, const char *machine,
    const char *const *sets, const char *trace)
{

	memset(c, 0, sizeof(*c));
	kmtest_write(c->path, sizeof(c->path), ".kmt", trace);
	c->m = kmtest_boot(strategy, machine, sets);
	c->rc = replay_run(&c->r, c->m, NULL, c->path, c->err, sizeof(c->err));
}

void
kmcase_runfile(struct kmcase *c, const char *strategy, const char *machine,
    const char *const *sets, const char *path)
{

	memset(c, 0, sizeof(*c));
	c->m = kmtest_boot(strategy, machine, sets);
	c->rc = replay_run(&c->r, c->m, NULL, path, c->err, sizeof(c->err));
}

void
kmcase_free(struct kmcase *c)
{

	replay_free(&c->r);
	machine_free(c->m);
	if (c->path[0] != '\0')
		unlink(c->path);
}

struct rproc *
kmcase_proc(struct kmcase *c, uint32_t pid)
{
	struct rproc *rp = replay_proc(&c->r, pid);

	cr_assert(rp != NULL, "no process %u", pid);
	return rp;
}

struct kmemstats *
kmcase_type(struct kmcase *c, const char *name)
{
	int t;

	for (t = 0; t < c->m->m_kmem.ntypes; t++)
		if (strcmp(c->m->m_kmem.kmemstats[t].ks_shortdesc, name) == 0)
			return &c->m->m_kmem.kmemstats[t];
	cr_assert_fail("no malloc type %s", name);
	return NULL;
}

struct pool *
kmcase_pool(struct kmcase *c, const char *name)
{
	struct pool *pp;

	for (pp = c->m->m_poollist; pp != NULL; pp = pp->pr_next)
		if (strcmp(pp->pr_wchan, name) == 0)
			return pp;
	cr_assert_fail("no pool %s", name);
	return NULL;
}

/* The paths kmtest_tmppath() gave, for kmtest_tmpclean(). */
#define KMTEST_NTMP	16
static char kmtest_tmps[KMTEST_NTMP][64];
static int kmtest_ntmps;

const char *
kmtest_tmppath(const char *suffix)
{
	char *p;

	cr_assert_lt(kmtest_ntmps, KMTEST_NTMP);
	p = kmtest_tmps[kmtest_ntmps++];
	snprintf(p, sizeof(kmtest_tmps[0]), "/tmp/kmtest-tmp-%d-%d%s",
	    (int)getpid(), kmtest_ntmps, suffix);
	return p;
}

void
kmtest_tmpclean(void)
{
	int i;

	for (i = 0; i < kmtest_ntmps; i++)
		unlink(kmtest_tmps[i]);
	kmtest_ntmps = 0;
}

void
kmtest_same_event(const struct kmt_event *a, const struct kmt_event *b,
    int lines)
{

	cr_assert_eq(a->ke_no, b->ke_no);
	if (lines)
		cr_assert_eq(a->ke_line, b->ke_line, "event %" PRIu64,
		    a->ke_no);
	cr_assert_eq(a->ke_time, b->ke_time, "event %" PRIu64, a->ke_no);
	cr_assert_eq(a->ke_pid, b->ke_pid, "event %" PRIu64, a->ke_no);
	cr_assert_eq(a->ke_op, b->ke_op, "event %" PRIu64, a->ke_no);
	cr_assert_eq(a->ke_child, b->ke_child);
	cr_assert_eq(a->ke_fd, b->ke_fd);
	cr_assert_eq(a->ke_oldfd, b->ke_oldfd);
	cr_assert_eq(a->ke_cloexec, b->ke_cloexec);
	cr_assert_eq(a->ke_n, b->ke_n);
	cr_assert_eq(a->ke_ranged, b->ke_ranged);
	cr_assert_eq(a->ke_off, b->ke_off);
	cr_assert_eq(a->ke_npages, b->ke_npages);
	cr_assert_eq(a->ke_mflags, b->ke_mflags);
	cr_assert_str_eq(a->ke_id, b->ke_id, "event %" PRIu64, a->ke_no);
	cr_assert_str_eq(a->ke_type, b->ke_type);
}

/* One event as "[TIME ]PID OP ARGS\n", as a trace writes it. */
void
kmtest_event_text(const struct kmt_event *ev, int withtime, char *buf,
    size_t len)
{
	int n = 0;

	if (withtime)
		n = snprintf(buf, len, "%" PRIu64 " ", ev->ke_time);
	n += snprintf(buf + n, len - (size_t)n, "%" PRIu32 " %s", ev->ke_pid,
	    kmt_opname(ev->ke_op));
	switch (ev->ke_op) {
	case KMT_FORK:
		n += snprintf(buf + n, len - (size_t)n, " %" PRIu32,
		    ev->ke_child);
		break;
	case KMT_SYSCTL:
		n += snprintf(buf + n, len - (size_t)n, " maxfiles %" PRIu64,
		    ev->ke_n);
		break;
	case KMT_LIMIT:
		n += snprintf(buf + n, len - (size_t)n, " nofile %" PRIu64,
		    ev->ke_n);
		break;
	case KMT_OPEN:
	case KMT_CLOSE:
		n += snprintf(buf + n, len - (size_t)n, " %" PRIu32, ev->ke_fd);
		break;
	case KMT_DUP:
		n += snprintf(buf + n, len - (size_t)n, " %" PRIu32 " %" PRIu32,
		    ev->ke_oldfd, ev->ke_fd);
		break;
	case KMT_MAP:
	case KMT_GROW:
		n += snprintf(buf + n, len - (size_t)n, " %s %" PRIu64,
		    ev->ke_id, ev->ke_n);
		break;
	case KMT_TOUCH:
	case KMT_UNMAP:
		n += snprintf(buf + n, len - (size_t)n, " %s", ev->ke_id);
		if (ev->ke_ranged)
			n += snprintf(buf + n, len - (size_t)n, " %" PRIu64
			    " %" PRIu64, ev->ke_off, ev->ke_npages);
		break;
	case KMT_KMALLOC:
		n += snprintf(buf + n, len - (size_t)n, " %s %" PRIu64 " %s %s%s"
		    "%s", ev->ke_id, ev->ke_n, ev->ke_type,
		    ev->ke_mflags & KMT_M_NOWAIT ? "NOWAIT" : "WAITOK",
		    ev->ke_mflags & KMT_M_ZERO ? ",ZERO" : "",
		    ev->ke_mflags & KMT_M_CANFAIL ? ",CANFAIL" : "");
		break;
	case KMT_KFREE:
		n += snprintf(buf + n, len - (size_t)n, " %s", ev->ke_id);
		break;
	default:
		break;
	}
	if (ev->ke_cloexec && (ev->ke_op == KMT_OPEN || ev->ke_op == KMT_DUP))
		n += snprintf(buf + n, len - (size_t)n, " cloexec");
	snprintf(buf + n, len - (size_t)n, "\n");
}

/* The events of trace PATH, one a line (malloc'ed). */
/* Every event of the trace at PATH as text. */
char *
kmtest_trace_text(const char *path, int withtime)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[1024], line[256], *out;
	size_t len = 0, cap = 4096, n;
	int rc;

	r = kmt_open(path, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	out = malloc(cap);
	cr_assert(out != NULL);
	out[0] = '\0';
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1) {
		kmtest_event_text(&ev, withtime, line, sizeof(line));
		n = strlen(line);
		if (len + n + 1 > cap) {
			cap *= 2;
			out = realloc(out, cap);
			cr_assert(out != NULL);
		}
		memcpy(out + len, line, n + 1);
		len += n;
	}
	cr_assert_eq(rc, 0, "%s", err);
	kmt_close(r);
	return out;
}

/* The trace must replay without a malformed event. */
/* The trace at PATH replays under panic-only on i386-64M. */
void
kmtest_replays(const char *path)
{
	struct kmcase c;

	kmcase_runfile(&c, "panic-only", "i386-64M", NULL, path);
	cr_assert_eq(c.rc, 0, "replay of %s: %s", path, c.err);
	kmcase_free(&c);
}
char *
kmtest_slurp(FILE *f)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap);

	cr_assert(buf != NULL);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert(buf != NULL);
		}
	}
	buf[len] = '\0';
	return buf;
}

void
kmtest_write_opens(char *path, size_t pathlen, int last, int limit)
{
	char text[8192];
	size_t n = 0;
	int fd;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
	    "kmtrace 1\n0 1 spawn\n0 1 limit nofile %d\n", limit);
	for (fd = 3; fd <= last && n < sizeof(text); fd++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 1 open %d\n", fd, fd);
	cr_assert(n < sizeof(text) - 16, "%d opens do not fit", last - 2);
	snprintf(text + n, sizeof(text) - n, "100 1 exit\n");
	kmtest_write(path, pathlen, ".kmt", text);
}

char *
kmtest_read(const char *dir, const char *name)
{
	char path[512];
	FILE *f;
	char *t;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	cr_assert(f != NULL, "%s", path);
	t = kmtest_slurp(f);
	fclose(f);
	return t;
}

int
kmtest_nlines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

int
kmtest_sh(const char *dir, const char *fmt, ...)
{
	char cmd[4096], body[3800];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd %s && KB='%s' && %s", dir,
	    env_or("KMBENCH", "./kmbench"), body);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int
kmtest_cmd(const char *args, char **out, char **err)
{

	return kmtest_cmd_bin(env_or("KMBENCH", "./kmbench"), args, out, err);
}

int
kmtest_cmd_bin(const char *bin, const char *args, char **out, char **err)
{
	char cmd[8192], errpath[64];
	FILE *p, *e;
	int status, fd;

	snprintf(errpath, sizeof(errpath), "/tmp/kmtest-err-XXXXXX");
	fd = mkstemp(errpath);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s 2>%s", bin, args, errpath);
	p = popen(cmd, "r");
	cr_assert(p != NULL);
	*out = kmtest_slurp(p);
	status = pclose(p);
	e = fopen(errpath, "r");
	cr_assert(e != NULL);
	*err = kmtest_slurp(e);
	fclose(e);
	unlink(errpath);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
