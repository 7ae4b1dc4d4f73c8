/*
 * kdump.c: the importer of NetBSD kdump(1) output (a ktrace -i
 * recording) into kmtrace events.
 *
 * kdump prints one record a line, "PID COMMAND [TIME] TYPE  DATA":
 * CALL records a system call and its arguments as numbers (hex unless
 * kdump -d), RET its result ("-1 errno N ..." when it failed).  A CALL
 * is kept per process until its RET; then the pair becomes events
 * through the view shared with the strace importer (strace.h).  NAMI,
 * GIO, PSIG, CSW and EMUL records make no events; the data lines that
 * follow a GIO record are skipped.  The rules are in docs/recording.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "kdump.h"

#define NS		1000000000ULL
#define CMD_MAX		1000
#define MAXARGS		8
/* A first timestamp past this many seconds is a date (kdump -T). */
#define EPOCH_MIN	100000000ULL

struct kdump_conv {
	struct imp	*c_im;
	uint64_t	 c_lineno;
	int		 c_body;	/* the last record has data lines */
	uint64_t	 c_nts;		/* timestamps seen */
	int		 c_rel;		/* they are kdump -R's differences */
	uint64_t	 c_first;	/* the first, in ns */
	uint64_t	 c_sum;		/* -R: the time so far */
	struct imp_forkq c_forks;	/* CALLs of fork not returned yet */
	char		*c_cmd;
};

/* Record types kdump prints; those after T_BODY have data lines. */
static const char *const types[] = {
	"CALL", "RET", "NAMI", "EMUL", "PSIG", "CSW",
#define T_CALL	0
#define T_RET	1
#define T_NAMI	2
#define T_BODY	6
	"GIO", "MISC", "ARG", "ENV", "MIB", "MMSG", "MOOL", "SAU",
	"STRU", "USER"
};

struct kdump_conv *
kdump_new(imp_emit_fn emit, void *arg)
{
	struct kdump_conv *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->c_im = imp_new(emit, arg)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
kdump_set_nofile(struct kdump_conv *c, uint64_t n)
{

	imp_set_nofile(c->c_im, n);
}

void
kdump_free(struct kdump_conv *c)
{

	if (c == NULL)
		return;
	imp_free(c->c_im);
	imp_forkq_free(&c->c_forks);
	free(c->c_cmd);
	free(c);
}

const char *
kdump_command(const struct kdump_conv *c)
{

	return c->c_cmd;
}

/*
 * Keep the program of the first successful execve, PATH, for "@
 * command": one argument of a shell command line (cmdline.h), quoted if
 * a shell would split it, as kmbench record writes it.
 */
static void
kd_keep_command(struct kdump_conv *c, const char *path)
{
	size_t n = 0, len = strlen(path);

	if ((c->c_cmd = malloc(CMD_MAX + 1)) == NULL)
		return;
	if (cmdline_add(c->c_cmd, CMD_MAX + 1, &n, path,
	    len < CMD_MAX ? len : CMD_MAX - 2) != 0 || n == 0) {
		free(c->c_cmd);
		c->c_cmd = NULL;
	}
}

int
kdump_epoch(const struct kdump_conv *c, uint64_t *secp)
{

	if (c->c_nts == 0 || c->c_first / NS < EPOCH_MIN)
		return 0;
	*secp = c->c_first / NS;
	return 1;
}

int
kdump_end(struct kdump_conv *c, char *err, size_t errlen)
{

	(void)c;
	(void)err;
	(void)errlen;
	return IMP_OK;
}

static int
malformed(char *err, size_t errlen, const char *what, const char *s,
    size_t n)
{

	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s '%.*s%s'", what,
		    (int)(n > 40 ? 40 : n), s, n > 40 ? "..." : "");
	return IMP_MALFORMED;
}

/*
 * A number as kdump prints it: 0x hex, or decimal with an optional
 * '-'; the RET form "N/0xH" is read from its hex.  Returns the end of
 * the number, or NULL.  *BIG is set if 64 bits cannot hold it (more
 * than 2^64 - 1, or below -2^63); *VP is then 0.
 */
static const char *
kd_number(const char *p, const char *end, int64_t *vp, int *big)
{
	const char *s, *slash;
	uint64_t v = 0;
	int neg = 0, base = 10, d, ovf = 0;

	for (slash = p; slash < end && *slash != '/' && *slash != ',' &&
	    *slash != ' ' && *slash != ')'; slash++)
		continue;
	if (slash < end && *slash == '/')
		p = slash + 1;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (s = p; p < end; p++) {
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			ovf = 1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (p == s)
		return NULL;
	if (neg && v > (uint64_t)INT64_MAX + 1)
		ovf = 1;
	if (ovf) {
		*big = 1;
		v = 0;
	}
	*vp = neg ? (int64_t)(0 - v) : (int64_t)v;
	return p;
}

/*
 * The arguments of "name(a,b,...)": up to MAXARGS numbers (0 if not).
 * How many, or -1 if one is beyond 64 bits.
 */
static int
call_args(const char *text, int64_t *args)
{
	const char *p = strchr(text, '('), *end;
	int n = 0, big = 0;

	memset(args, 0, MAXARGS * sizeof(*args));
	if (p == NULL)
		return 0;
	end = text + strlen(text);
	for (p++; p < end && n < MAXARGS; n++) {
		if (kd_number(p, end, &args[n], &big) == NULL)
			args[n] = 0;
		/* To the next top-level comma. */
		while (p < end && *p != ',' && *p != ')') {
			if (*p == '(')
				while (p < end && *p != ')')
					p++;
			if (p < end)
				p++;
		}
		if (p == end || *p == ')') {
			n++;
			break;
		}
		p++;
	}
	return big ? -1 : n;
}

static int
name_is(const char *text, const char *name)
{
	size_t n = strlen(name);

	return strncmp(text, name, n) == 0 &&
	    (text[n] == '(' || text[n] == '\0' || text[n] == '\n');
}

static int
is_fork(const char *text)
{

	return name_is(text, "fork") || name_is(text, "vfork") ||
	    name_is(text, "__vfork14") || name_is(text, "__clone") ||
	    name_is(text, "rfork");
}

/* A pending fork a new PID may be the child of (its process known). */
static int
forking(const struct imp_task *t)
{

	if (!is_fork(t->t_pend))
		return -1;
	return t->t_proc != NULL;
}

/*
 * The process of PID, made if new: the child of the process whose fork
 * is unfinished (the latest), or else a spawn.
 */
static int
task_of(struct kdump_conv *c, uint32_t pid, struct imp_task **tp)
{
	struct imp_task *t, *f;

	if ((t = imp_task(c->c_im, pid)) != NULL) {
		*tp = t;
		return IMP_OK;
	}
	if ((t = imp_task_add(c->c_im, pid)) == NULL)
		return IMP_NOMEM;
	*tp = t;
	if ((f = imp_forkq_latest(c->c_im, &c->c_forks, t, forking)) == NULL)
		return imp_spawn(c->c_im, t, pid);
	f->t_hchild = pid;
	return imp_fork(c->c_im, f->t_proc, t, pid);
}

/*
 * Set the time from a timestamp token; 0, -1 if it is not one, -2 if
 * it (or the sum of -R's gaps) is past 2^64 ns.
 */
static int
kd_timestamp(struct kdump_conv *c, const char *p, const char *end)
{
	uint64_t sec = 0, frac = 0, scale = NS, v;
	int digits = 0;

	for (; p < end && isdigit((unsigned char)*p); p++, digits++)
		sec = sec * 10 + (uint64_t)(*p - '0');
	if (digits == 0 || digits > 12 || p == end || *p != '.')
		return -1;
	for (p++, digits = 0; p < end && isdigit((unsigned char)*p); p++) {
		if (digits++ < 9) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale /= 10;
		}
	}
	if (digits == 0 || p != end)
		return -1;
	if (sec > (UINT64_MAX - NS) / NS)
		return -2;
	v = sec * NS + frac * scale;
	if (c->c_nts++ == 0) {
		c->c_first = v;
		imp_settime(c->c_im, 0);
		return 0;
	}
	if (c->c_nts == 2)
		/* -T times are dates and never go back; -R's are gaps. */
		c->c_rel = !(v >= c->c_first && v / NS >= 1000000);
	if (c->c_rel) {
		if (c->c_sum > UINT64_MAX - v)
			return -2;
		c->c_sum += v;
		imp_settime(c->c_im, c->c_sum);
	} else
		imp_settime(c->c_im, v > c->c_first ? v - c->c_first : 0);
	return 0;
}

static int
istoken(const char *s, size_t n, const char *w)
{

	return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* "-1 errno N ..." or "-1 unknown errno N": the call failed. */
static int
starts_with_fail(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	return (n >= 8 && memcmp(p, "-1 errno", 8) == 0) ||
	    (n >= 10 && memcmp(p, "-1 unknown", 10) == 0);
}

/* Whether CALL returns a descriptor or a PID (an int in the trace). */
static int
returns_int(const char *call)
{
	static const char *const names[] = {
		"open", "compat_43_ocreat", "fhopen", "socket", "__socket30",
		"accept", "compat_43_oaccept", "kqueue", "paccept", "pipe",
		"dup", "dup2", "dup3", "fcntl", NULL
	};
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (name_is(call, names[i]))
			return 1;
	return is_fork(call);
}

/* Whether CALL's first argument is a descriptor the trace names. */
static int
takes_fd(const char *call)
{

	return name_is(call, "dup") || name_is(call, "dup2") ||
	    name_is(call, "dup3") || name_is(call, "fcntl") ||
	    name_is(call, "close");
}

/* A RET: the pending CALL of task T and its result. */
static int
do_ret(struct kdump_conv *c, struct imp_task *t, const char *p,
    const char *end, char *err, size_t errlen)
{
	struct imp *im = c->c_im;
	struct imp_proc *pr = t->t_proc;
	struct imp_task *ct;
	const char *name = p, *q, *call, *path;
	int64_t v = 0, v2 = -1, a[MAXARGS];
	size_t n;
	uint32_t fd;
	int rc = IMP_OK, hasv = 1, big = 0;

	while (p < end && *p != ' ')
		p++;
	n = (size_t)(p - name);
	while (p < end && *p == ' ')
		p++;
	if (n == 0 || p == end)
		return malformed(err, errlen, "RET without a name and a value:",
		    name, (size_t)(end - name));
	call = t->t_pend;
	/* strnlen: a NUL inside NAME must not match a shorter call. */
	if (call == NULL || strnlen(call, n) != n ||
	    strncmp(call, name, n) != 0 ||
	    (call[n] != '(' && call[n] != '\0' && call[n] != '\n')) {
		/* A child's "RET fork 0", or a CALL before the log began. */
		imp_task_pend(t, NULL, 0, 0);
		return IMP_OK;
	}
	if (starts_with_fail(p, end))
		goto done;
	if (istoken(p, (size_t)(end - p), "RESTART"))
		goto done;		/* the CALL comes again */
	if (istoken(p, (size_t)(end - p), "JUSTRETURN"))
		hasv = 0;
	else {
		if ((q = kd_number(p, end, &v, &big)) == NULL)
			return malformed(err, errlen, "RET value is not a "
			    "number:", p, (size_t)(end - p));
		while (q < end && *q != ',' && *q != ' ')
			q++;
		if (q + 1 < end && *q == ',') {
			for (q++; q < end && *q == ' '; q++)
				continue;
			if (kd_number(q, end, &v2, &big) == NULL)
				v2 = -1;
		}
	}
	if (big)
		return malformed(err, errlen, "RET value out of range:", p,
		    (size_t)(end - p));
	if (call_args(call, a) < 0)
		return malformed(err, errlen, "CALL argument out of range:",
		    call, strcspn(call, "\n"));
	/* Descriptors and PIDs are ints in the trace format. */
	if (hasv && (v > (int64_t)KMT_INT_MAX || v2 > (int64_t)KMT_INT_MAX) &&
	    returns_int(call))
		return malformed(err, errlen, "RET value out of range:", p,
		    (size_t)(end - p));
	if (takes_fd(call) && a[0] > (int64_t)KMT_INT_MAX)
		return malformed(err, errlen, "CALL descriptor out of range:",
		    call, strcspn(call, "\n"));
	if (name_is(call, "open") || name_is(call, "compat_43_ocreat") ||
	    name_is(call, "fhopen")) {
		if (hasv && v >= 0)
			rc = imp_open(im, pr, (uint32_t)v, name_is(call,
			    "open") && (a[1] & NB_O_CLOEXEC));
	} else if (name_is(call, "socket") || name_is(call, "__socket30")) {
		if (hasv && v >= 0)
			rc = imp_open(im, pr, (uint32_t)v,
			    (a[1] & NB_SOCK_CLOEXEC) != 0);
	} else if (name_is(call, "accept") ||
	    name_is(call, "compat_43_oaccept") || name_is(call, "kqueue")) {
		if (hasv && v >= 0)
			rc = imp_open(im, pr, (uint32_t)v, 0);
	} else if (name_is(call, "paccept")) {
		if (hasv && v >= 0)
			rc = imp_open(im, pr, (uint32_t)v,
			    (a[4] & NB_SOCK_CLOEXEC) != 0);
	} else if (name_is(call, "pipe")) {
		/*
		 * NetBSD 1.5's kdump shows only the first descriptor; the
		 * second is the lowest free one, as fdalloc() takes it.
		 */
		if (hasv && v >= 0) {
			rc = imp_open(im, pr, (uint32_t)v, 0);
			fd = v2 >= 0 ? (uint32_t)v2 :
			    imp_lowest_free(pr, (uint32_t)v);
			if (rc == IMP_OK)
				rc = imp_open(im, pr, fd, 0);
		}
	} else if (name_is(call, "socketpair")) {
		/* The pair is written to memory: the two lowest free. */
		fd = imp_lowest_free(pr, UINT32_MAX);
		rc = imp_open(im, pr, fd, (a[1] & NB_SOCK_CLOEXEC) != 0);
		if (rc == IMP_OK)
			rc = imp_open(im, pr, imp_lowest_free(pr, UINT32_MAX),
			    (a[1] & NB_SOCK_CLOEXEC) != 0);
	} else if (name_is(call, "dup") || name_is(call, "dup2")) {
		if (hasv && v >= 0 && a[0] >= 0)
			rc = imp_dup(im, pr, (uint32_t)a[0], (uint32_t)v, 0);
	} else if (name_is(call, "dup3")) {
		if (hasv && v >= 0 && a[0] >= 0)
			rc = imp_dup(im, pr, (uint32_t)a[0], (uint32_t)v,
			    (a[2] & NB_O_CLOEXEC) != 0);
	} else if (name_is(call, "fcntl")) {
		if (hasv && v >= 0 && a[0] >= 0 && (a[1] == NB_F_DUPFD ||
		    a[1] == NB_F_DUPFD_CLOEXEC))
			rc = imp_dup(im, pr, (uint32_t)a[0], (uint32_t)v,
			    a[1] == NB_F_DUPFD_CLOEXEC);
	} else if (name_is(call, "close")) {
		if (a[0] >= 0 && a[0] <= (int64_t)KMT_INT_MAX)
			rc = imp_close(im, pr, (uint32_t)a[0]);
	} else if (is_fork(call)) {
		if (hasv && v > 0 && v <= (int64_t)KMT_INT_MAX) {
			if (t->t_hchild == (uint32_t)v) {
				t->t_hchild = 0;
				goto done;	/* met already */
			}
			if ((ct = imp_task(im, (uint32_t)v)) == t)
				goto done;	/* its own number */
			if (ct != NULL && (rc = imp_task_exit(im, ct)) !=
			    IMP_OK)
				return rc;	/* a stale one ended unseen */
			if ((ct = imp_task_add(im, (uint32_t)v)) == NULL)
				return IMP_NOMEM;
			rc = imp_fork(im, pr, ct, (uint32_t)v);
		}
	} else if (name_is(call, "execve")) {
		if (c->c_cmd == NULL && (path = strchr(call, '\n')) != NULL &&
		    path[1] != '\0')
			kd_keep_command(c, path + 1);
		rc = imp_exec(im, t);
	} else if (name_is(call, "mmap")) {
		if (hasv)
			rc = imp_mmap(im, pr, (uint64_t)v, (uint64_t)a[1],
			    (a[3] & NB_MAP_ANON) || ((a[3] & (NB_MAP_PRIVATE |
			    NB_MAP_COPY)) && (a[2] & NB_PROT_WRITE)),
			    (a[2] & NB_PROT_WRITE) != 0,
			    (a[3] & NB_MAP_FIXED) != 0);
	} else if (name_is(call, "munmap")) {
		rc = imp_munmap(im, pr, (uint64_t)a[0], (uint64_t)a[1]);
	} else if (name_is(call, "mprotect")) {
		if (a[2] & NB_PROT_WRITE)
			rc = imp_mprotect_write(im, pr, (uint64_t)a[0],
			    (uint64_t)a[1]);
	} else if (name_is(call, "break")) {
		/*
		 * obreak(2) takes the new end of the data segment; where the
		 * heap began is not in the log: the first break of a
		 * program grows it from the page below.
		 */
		if (a[0] < (int64_t)IMP_PAGE)
			goto done;
		if (!imp_heap_known(pr))
			imp_heap_base(pr, ((uint64_t)a[0] - 1) &
			    ~(IMP_PAGE - 1));
		rc = imp_heap_set(im, pr, (uint64_t)a[0]);
	}
	/*
	 * setrlimit(RLIMIT_NOFILE, rlp): the limit is behind a pointer
	 * that ktrace does not follow, so it makes no event.
	 */
done:
	imp_task_pend(t, NULL, 0, 0);
	return rc;
}

/* A CALL: keep it until its RET. */
static int
kd_do_call(struct kdump_conv *c, struct imp_task *t, const char *p,
    const char *end, char *err, size_t errlen)
{
	const char *q;
	int rc;

	for (q = p; q < end && *q != '(' && *q != ' '; q++)
		continue;
	if (q == p)
		return malformed(err, errlen, "CALL without a name:", p,
		    (size_t)(end - p));
	if (q < end && (*q != '(' || end[-1] != ')'))
		return malformed(err, errlen, "CALL with a broken argument "
		    "list:", p, (size_t)(end - p));
	if ((rc = imp_task_pend(t, p, (size_t)(end - p), c->c_lineno)) != 0)
		return rc;
	if (is_fork(t->t_pend) &&
	    imp_forkq_add(&c->c_forks, t->t_tid, t->t_pendseq) != 0)
		return IMP_NOMEM;
	t->t_hchild = 0;
	if (name_is(t->t_pend, "exit")) {
		/* No RET follows. */
		return imp_proc_exit(c->c_im, t->t_proc);
	}
	return IMP_OK;
}

/* A NAMI while an execve is pending: the program, for "@ command". */
static int
do_nami(struct imp_task *t, const char *p, const char *end)
{
	size_t n, m;
	char *buf;
	int rc;

	if (t->t_pend == NULL || !name_is(t->t_pend, "execve") ||
	    strchr(t->t_pend, '\n') != NULL)
		return IMP_OK;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	/* Kept as "execve(...)\nPATH" until the RET. */
	n = strlen(t->t_pend);
	m = (size_t)(end - p);
	if ((buf = malloc(n + 1 + m)) == NULL)
		return IMP_NOMEM;
	memcpy(buf, t->t_pend, n);
	buf[n] = '\n';
	memcpy(buf + n + 1, p, m);
	rc = imp_task_pend(t, buf, n + 1 + m, t->t_pendseq);
	free(buf);
	return rc;
}

/* Which record type TOK is, or -1. */
static int
record_type(const char *tok, size_t n)
{
	size_t ty;

	for (ty = 0; ty < sizeof(types) / sizeof(types[0]); ty++)
		if (istoken(tok, n, types[ty]))
			return (int)ty;
	if (n > 8 && memcmp(tok, "UNKNOWN(", 8) == 0)
		return T_BODY;
	return -1;
}

int
kdump_line(struct kdump_conv *c, const char *line, size_t len, char *err,
    size_t errlen)
{
	const char *p = line, *end = line + len, *tok, *prev = NULL, *start;
	const char *body;
	struct imp_task *t;
	uint64_t pid = 0;
	size_t n, k;
	int found = 0, rc, ty = 0;

	c->c_lineno++;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return IMP_OK;
	start = tok = p;
	for (; p < end && isdigit((unsigned char)*p); p++)
		if (pid <= KMT_INT_MAX)
			pid = pid * 10 + (uint64_t)(*p - '0');
	if (p == tok || p == end || *p != ' ') {
		if (c->c_body)
			return IMP_OK;	/* data of a GIO record */
		return malformed(err, errlen, "not kdump output:", start,
		    (size_t)(end - start));
	}
	/* Tokens after the PID: COMMAND (one or more), [TIME], TYPE. */
	for (k = 0; p < end && !found; k++) {
		while (p < end && *p == ' ')
			p++;
		for (tok = p; p < end && *p != ' '; p++)
			continue;
		n = (size_t)(p - tok);
		if (k > 0 && (ty = record_type(tok, n)) >= 0)
			found = 1;
		else
			prev = tok;
	}
	if (!found) {
		if (c->c_body)
			return IMP_OK;
		return malformed(err, errlen, "not kdump output (no CALL, RET, "
		    "NAMI... record):", start, (size_t)(end - start));
	}
	if (pid > KMT_INT_MAX)
		return malformed(err, errlen, "PID out of range in", start,
		    (size_t)(end - start));
	if (pid == 0)
		return malformed(err, errlen, "bad PID in", start,
		    (size_t)(end - start));
	c->c_body = ty >= T_BODY;
	/* A timestamp (kdump -T or -R) stands before the type. */
	if (k > 2 && prev != NULL && isdigit((unsigned char)*prev) &&
	    memchr(prev, '.', (size_t)(tok - prev)) != NULL) {
		for (body = prev; body < tok && *body != ' '; body++)
			continue;
		if ((rc = kd_timestamp(c, prev, body)) == -2)
			return malformed(err, errlen, "timestamp out of range:",
			    prev, (size_t)(body - prev));
		if (rc != 0)
			return malformed(err, errlen, "bad timestamp", prev,
			    (size_t)(body - prev));
	} else if (c->c_nts == 0)
		imp_settime(c->c_im, (c->c_lineno - 1) * 1000);
	for (body = p; body < end && *body == ' '; body++)
		continue;
	if ((rc = task_of(c, (uint32_t)pid, &t)) != IMP_OK)
		return rc;
	switch (ty) {
	case T_CALL:
		return kd_do_call(c, t, body, end, err, errlen);
	case T_RET:
		return do_ret(c, t, body, end, err, errlen);
	case T_NAMI:
		return do_nami(t, body, end);
	default:
		return IMP_OK;
	}
}
