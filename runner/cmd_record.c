/*
 * cmd_record.c: "kmbench record [-o TRACE] -- COMMAND [ARGS...]": runs
 * COMMAND under "strace -f -q -ttt -e trace=..." (only the calls the
 * converter needs), with strace writing into a FIFO that this process
 * reads and converts line by line as the command runs, so that memory
 * does not grow with the length of the log.  The trace's headers are
 * "@ source strace", "@ command" (the command line) and "@ recorded"
 * (the date, UTC).  With --limits host (the default) the command's
 * first events carry the soft RLIMIT_NOFILE it inherits from us.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../workloads/cmdline.h"
#include "../workloads/kmtrace.h"
#include "../workloads/kmtrace_write.h"
#include "../workloads/strace.h"
#include "cmd_import.h"
#include "cmd_record.h"

#define ERRSZ		1024
#define CHUNK		(64 * 1024)
#define CMDLINE_MAX	1000
#define POLL_MS		200
#define GRACE_MS	5000	/* after a signal, before SIGKILL */

static const char record_usage_text[] =
"usage: kmbench record [-o TRACE] [--limits host|netbsd] -- COMMAND\n"
"                      [ARGS...]\n"
"\n"
"Runs COMMAND under strace -f and writes what it and its children do to\n"
"descriptors and memory as a kmtrace file (TRACE, default - for the\n"
"standard output, where the command's own standard output then goes to\n"
"the standard error; a name ending in .gz is written gzip, in .zst\n"
"zstd).  The command's exit status is reported on the standard error.\n"
"Needs strace (the Debian package strace).  docs/recording.md has the\n"
"rules.\n"
"\n"
"  --limits host    (the default) the limits the command ran with: the\n"
"                   command's first events are \"sysctl maxfiles N\" and\n"
"                   \"limit nofile N\", N the soft RLIMIT_NOFILE it\n"
"                   inherited (ulimit -n; unlimited is 2147483647), so a\n"
"                   replay grants what the host granted.\n"
"  --limits netbsd  no such events: NetBSD 1.5's boot defaults apply\n"
"                   (RLIMIT_NOFILE 64, kern.maxfiles from maxusers).\n"
"\n"
"exit status: 0 when the command was recorded, 2 for bad usage or a\n"
"command that cannot be executed, 1 when strace is missing or fails or\n"
"the trace cannot be written, 130 or 143 after SIGINT or SIGTERM (passed\n"
"on to strace and the command; the trace of what ran until then is\n"
"written, with the header \"@ interrupted SIGINT\" or SIGTERM).\n";

/* ARGV joined for "@ command", quoting what a shell would split. */
static void
command_line(char *buf, size_t len, char **argv)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *argv != NULL; argv++)
		if (cmdline_add(buf, len, &n, *argv, strlen(*argv)) != 0)
			break;
}

struct recorder {
	struct strace_conv *r_conv;
	struct import_sink *r_sink;
	char		*r_buf;		/* text not yet cut into lines */
	size_t		 r_len, r_cap;
	int		 r_failed;	/* the trace cannot be written */
	char		 r_err[ERRSZ];
	uint64_t	 r_nlines;	/* lines of strace output seen */
	char		 r_execerr[128]; /* the command's exec failed: why */
};

/*
 * The first line of strace's output is the command's own execve(); if
 * it failed ("= -1 EACCES (Permission denied)"), strace's child exits 1
 * and the command never ran: keep why.
 */
static void
first_line(struct recorder *r, const char *p, size_t len)
{
	const char *q, *end = p + len;
	size_t n;

	q = memmem(p, len, " execve(", 8);
	if (q == NULL || (q = memmem(q, (size_t)(end - q), ") = -1 ", 7)) ==
	    NULL)
		return;
	q += 7;
	n = (size_t)(end - q);
	if (n >= sizeof(r->r_execerr))
		n = sizeof(r->r_execerr) - 1;
	memcpy(r->r_execerr, q, n);
	r->r_execerr[n] = '\0';
}

/* Feed the complete lines of the buffer to the converter. */
static void
feed(struct recorder *r, int final)
{
	char msg[ERRSZ], *p, *nl, *end;
	int rc;

	if (r->r_len == 0)
		return;
	p = r->r_buf;
	end = r->r_buf + r->r_len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && !final)
			break;
		if (nl == NULL)
			nl = end;
		if (r->r_nlines++ == 0)
			first_line(r, p, (size_t)(nl - p));
		if (!r->r_failed) {
			rc = strace_line(r->r_conv, p, (size_t)(nl - p), msg,
			    sizeof(msg));
			if (rc == IMP_MALFORMED)
				/* Not expected from strace: say so, go on. */
				fprintf(stderr, "kmbench record: strace output "
				    "line %llu: %s (skipped)\n",
				    (unsigned long long)strace_lines(
				    r->r_conv), msg);
			else if (rc == IMP_EMIT) {
				r->r_failed = 1;
				snprintf(r->r_err, sizeof(r->r_err), "%s",
				    isink_error(r->r_sink));
			} else if (rc == IMP_TOOLONG || rc == IMP_TOOMANY) {
				r->r_failed = 1;
				snprintf(r->r_err, sizeof(r->r_err), "strace "
				    "output:%llu: %s", (unsigned long long)
				    strace_lines(r->r_conv), rc == IMP_TOOLONG ?
				    "line too long" :
				    "too many unfinished calls");
			} else if (rc != IMP_OK) {
				r->r_failed = 1;
				snprintf(r->r_err, sizeof(r->r_err), "%s",
				    strerror(ENOMEM));
			}
		}
		p = nl < end ? nl + 1 : end;
	}
	r->r_len = (size_t)(end - p);
	memmove(r->r_buf, p, r->r_len);
	if (r->r_len > IMP_LINE_MAX) {
		/* A line not kept whole: memory stays bounded. */
		if (!r->r_failed)
			snprintf(r->r_err, sizeof(r->r_err), "strace "
			    "output:%llu: line too long", (unsigned long long)
			    strace_lines(r->r_conv) + 1);
		r->r_failed = 1;
		r->r_len = 0;
	}
}

/* Read what is there; 1 data, 0 end of file, -1 nothing now. */
static int
take(struct recorder *r, int fd)
{
	char scratch[512], *n, *dst;
	ssize_t got;
	size_t ncap, room;

	if (r->r_cap - r->r_len < CHUNK) {
		ncap = r->r_cap ? 2 * r->r_cap : 2 * CHUNK;
		while (ncap - r->r_len < CHUNK)
			ncap *= 2;
		if ((n = realloc(r->r_buf, ncap)) != NULL) {
			r->r_buf = n;
			r->r_cap = ncap;
		} else {
			/* No trace any more; drain strace all the same. */
			r->r_len = 0;
			r->r_failed = 1;
			snprintf(r->r_err, sizeof(r->r_err), "%s",
			    strerror(ENOMEM));
		}
	}
	if (r->r_cap - r->r_len >= CHUNK) {
		dst = r->r_buf + r->r_len;
		room = CHUNK;
	} else {
		dst = scratch;
		room = sizeof(scratch);
	}
	do
		got = read(fd, dst, room);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	if (got == 0)
		return 0;
	if (dst == scratch)
		return 1;
	r->r_len += (size_t)got;
	feed(r, 0);
	return 1;
}

/* The first SIGINT or SIGTERM received, or 0. */
static volatile sig_atomic_t record_sig;

static void
record_catch(int sig)
{

	if (record_sig == 0)
		record_sig = sig;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The first child of process PID (the command strace runs), or 0. */
static pid_t
first_child(pid_t pid)
{
	char path[64];
	long c = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &c) != 1)
		c = 0;
	fclose(f);
	return (pid_t)c;
}

/*
 * COMMAND, as execvp() would find it: 0, or -1 with why it cannot be
 * executed (strace's own exec would fail the same way).
 */
static int
executable(const char *cmd, char *err, size_t errlen)
{
	const char *path, *p, *colon;
	char buf[4096];
	struct stat st;
	int e = ENOENT;
	size_t n;

	if (strchr(cmd, '/') != NULL) {
		if (stat(cmd, &st) != 0)
			e = errno;
		else if (S_ISDIR(st.st_mode))
			e = EISDIR;
		else if (access(cmd, X_OK) != 0)
			e = errno;
		else
			return 0;
		snprintf(err, errlen, "%s", strerror(e));
		return -1;
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		n = colon != NULL ? (size_t)(colon - p) : strlen(p);
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, p,
		    n > 0 ? "/" : "", cmd);
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			e = EACCES;
		}
		if (colon == NULL)
			break;
	}
	snprintf(err, errlen, "%s", strerror(e));
	return -1;
}

/*
 * The trace at PATH, whole, again with the header "@ interrupted SIG"
 * added before its events: a recording cut by a signal says so.  Only
 * a regular file can be rewritten (through a temporary file, so PATH
 * stays whole); 0, or -1 with ERR.
 */
static int
mark_interrupted(const char *path, int sig, char *err, size_t errlen)
{
	struct kmt_reader *rd;
	struct kmt_writer *w;
	struct kmt_event ev;
	struct stat st;
	const char *key;
	int i, n, rc = 0;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if ((rd = kmt_open(path, err, errlen)) == NULL)
		return -1;
	if ((w = kmt_wopen(path, err, errlen)) == NULL) {
		kmt_close(rd);
		return -1;
	}
	for (i = 0; i < kmt_nheaders(rd) && rc == 0; i++) {
		key = kmt_header_key(rd, i);
		rc = kmt_wheader(w, key, kmt_header(rd, key));
	}
	if (rc == 0)
		rc = kmt_wheader(w, "interrupted", sig == SIGINT ? "SIGINT" :
		    "SIGTERM");
	while (rc == 0 && (n = kmt_read(rd, &ev, err, errlen)) == 1)
		rc = kmt_wevent(w, &ev);
	if (rc == 0 && n < 0)
		rc = -2;
	kmt_close(rd);
	if (rc != 0) {
		if (rc == -1)
			snprintf(err, errlen, "%s", kmt_werror(w));
		kmt_wabort(w);
		return -1;
	}
	return kmt_wclose(w, err, errlen);
}

/* Run strace; returns its PID, or -1 with a message. */
static pid_t
start_strace(const char *fifo, char **cmd, int tostderr, char *err,
    size_t errlen)
{
	static char trace_opt[4096];
	char **av;
	int sp[2], e, argc, i;
	ssize_t n;
	pid_t pid;

	for (argc = 0; cmd[argc] != NULL; argc++)
		continue;
	if ((av = calloc((size_t)argc + 12, sizeof(*av))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	snprintf(trace_opt, sizeof(trace_opt), "trace=%s", strace_trace_set);
	i = 0;
	av[i++] = "strace";
	av[i++] = "-f";
	av[i++] = "-q";
	av[i++] = "-ttt";
	av[i++] = "-o";
	av[i++] = (char *)fifo;
	av[i++] = "-e";
	av[i++] = trace_opt;
	av[i++] = "--";
	memcpy(av + i, cmd, ((size_t)argc + 1) * sizeof(*av));
	if (pipe2(sp, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(av);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sp[0]);
		close(sp[1]);
		free(av);
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		if (tostderr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp("strace", av);
		e = errno;
		(void)!write(sp[1], &e, sizeof(e));
		_exit(127);
	}
	free(av);
	close(sp[1]);
	do
		n = read(sp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(sp[0]);
	if (n == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		if (e == ENOENT)
			snprintf(err, errlen, "strace not found (install the "
			    "strace package)");
		else
			snprintf(err, errlen, "cannot run strace: %s",
			    strerror(e));
		return -1;
	}
	return pid;
}

int
cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "limits", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction ign, catch, oldint, oldterm, oldquit;
	struct rlimit rl;
	uint64_t nofile = 0;
	int host = 1;
	char err[ERRSZ], cmdline[CMDLINE_MAX + 8], when[64];
	char dir[256], fifo[300];
	const char *out = "-", *tmp;
	struct recorder r;
	struct pollfd pfd;
	pid_t pid, child;
	int ch, fd = -1, status = 0, rc = 1, exited = 0, eof = 0, got;
	int forwarded = 0, killed = 0, sig;
	uint64_t since = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'L':
			if (limits_opt("record", optarg, &host) != 0)
				return 2;
			break;
		case 'h':
			fputs(record_usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "kmbench record: unknown or incomplete "
			    "option '%s' (kmbench record --help)\n",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "kmbench record: needs a command: kmbench "
		    "record [-o TRACE] -- COMMAND [ARGS...]\n");
		return 2;
	}
	/* A command that cannot run is no recording (and not its status). */
	if (executable(argv[optind], err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench record: cannot execute %s: %s\n",
		    argv[optind], err);
		return 2;
	}
	/* strace and then the command inherit our descriptor limit. */
	if (host) {
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
			fprintf(stderr, "kmbench record: getrlimit: %s\n",
			    strerror(errno));
			return 1;
		}
		nofile = rl.rlim_cur == RLIM_INFINITY ||
		    rl.rlim_cur > KMT_INT_MAX ? KMT_INT_MAX :
		    (uint64_t)rl.rlim_cur;
		if (nofile == 0)
			nofile = 1;
	}
	memset(&r, 0, sizeof(r));
	dir[0] = fifo[0] = '\0';
	command_line(cmdline, sizeof(cmdline), argv + optind);
	if ((r.r_sink = isink_open(out, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench record: %s\n", err);
		return 1;
	}
	iso_time(when, sizeof(when), 0);
	if (isink_header(r.r_sink, "source", "strace") != 0 ||
	    isink_header(r.r_sink, "command", cmdline) != 0 ||
	    isink_header(r.r_sink, "recorded", when) != 0 ||
	    isink_release(r.r_sink) != 0 ||
	    (r.r_conv = strace_new(isink_emit, r.r_sink)) == NULL) {
		fprintf(stderr, "kmbench record: %s\n",
		    isink_error(r.r_sink)[0] != '\0' ? isink_error(r.r_sink) :
		    strerror(ENOMEM));
		isink_abort(r.r_sink);
		return 1;
	}

	strace_set_nofile(r.r_conv, nofile);

	/* strace writes into a FIFO in a directory of our own. */
	tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/kmbench-record-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "kmbench record: %s: %s\n", dir,
		    strerror(errno));
		dir[0] = '\0';
		goto fail;
	}
	snprintf(fifo, sizeof(fifo), "%s/strace.log", dir);
	if (mkfifo(fifo, 0600) != 0 ||
	    (fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "kmbench record: %s: %s\n", fifo,
		    strerror(errno));
		goto fail;
	}

	/*
	 * SIGINT and SIGTERM are passed on to strace and the command; we
	 * wait for them and finish the trace of what ran (no SA_RESTART:
	 * poll() returns at once).
	 */
	record_sig = 0;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	memset(&catch, 0, sizeof(catch));
	catch.sa_handler = record_catch;
	sigemptyset(&catch.sa_mask);
	sigaction(SIGINT, &catch, &oldint);
	sigaction(SIGTERM, &catch, &oldterm);
	sigaction(SIGQUIT, &ign, &oldquit);
	pid = start_strace(fifo, argv + optind, strcmp(out, "-") == 0, err,
	    sizeof(err));
	if (pid < 0) {
		fprintf(stderr, "kmbench record: %s\n", err);
		goto restore;
	}

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!eof) {
		if ((sig = record_sig) != 0 && !forwarded) {
			/* strace also passes it on to the command. */
			if ((child = first_child(pid)) > 0)
				kill(child, sig);
			kill(pid, sig);
			forwarded = 1;
			since = now_ms();
		}
		if (forwarded && !killed && !exited &&
		    now_ms() - since > GRACE_MS) {
			/* Neither would stop: kill them. */
			if ((child = first_child(pid)) > 0)
				kill(child, SIGKILL);
			kill(pid, SIGKILL);
			killed = 1;
		}
		if (poll(&pfd, 1, POLL_MS) > 0) {
			got = take(&r, fd);
			if (got == 0 && (pfd.revents & POLLHUP))
				eof = 1;
			continue;
		}
		if (exited)
			break;
		/* Quiet: has strace ended (perhaps without opening it)? */
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			while (take(&r, fd) > 0)
				continue;
			break;
		}
	}
	if (!exited)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
	sig = record_sig;
	feed(&r, 1);
	if (strace_end(r.r_conv, err, sizeof(err)) != IMP_OK && !r.r_failed) {
		r.r_failed = 1;
		snprintf(r.r_err, sizeof(r.r_err), "%s", err);
	}
	if (r.r_execerr[0] != '\0' && sig == 0) {
		/* strace's exec of the command failed: no recording. */
		fprintf(stderr, "kmbench record: cannot execute %s: %s\n",
		    argv[optind], r.r_execerr);
		rc = 2;
		goto restore;
	}
	if (strace_lines(r.r_conv) == 0 && sig == 0) {
		/* strace said why on stderr. */
		if (WIFEXITED(status))
			fprintf(stderr, "kmbench record: strace failed (exit "
			    "status %d)\n", WEXITSTATUS(status));
		else
			fprintf(stderr, "kmbench record: strace failed\n");
		goto restore;
	}
	if (r.r_failed) {
		fprintf(stderr, "kmbench record: %s\n", r.r_err);
		goto restore;
	}
	strace_free(r.r_conv);
	r.r_conv = NULL;
	if (isink_close(r.r_sink, err, sizeof(err)) != 0) {
		r.r_sink = NULL;
		fprintf(stderr, "kmbench record: %s\n", err);
		goto restore;
	}
	r.r_sink = NULL;
	if (sig != 0) {
		if (mark_interrupted(out, sig, err, sizeof(err)) != 0) {
			fprintf(stderr, "kmbench record: %s\n", err);
			goto restore;
		}
		fprintf(stderr, "kmbench record: %s: interrupted by %s; the "
		    "trace holds what ran until then\n", cmdline,
		    sig == SIGINT ? "SIGINT" : "SIGTERM");
		rc = 128 + sig;
		goto restore;
	}
	if (WIFEXITED(status))
		fprintf(stderr, "kmbench record: %s: exit status %d\n",
		    cmdline, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "kmbench record: %s: killed by signal %d "
		    "(%s)\n", cmdline, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	rc = 0;
restore:
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	sigaction(SIGQUIT, &oldquit, NULL);
	/* A signal while we failed: still its status, 130 or 143. */
	if (rc == 1 && record_sig != 0)
		rc = 128 + record_sig;
fail:
	if (fd >= 0)
		close(fd);
	if (fifo[0] != '\0')
		unlink(fifo);
	if (dir[0] != '\0')
		rmdir(dir);
	if (r.r_conv != NULL)
		strace_free(r.r_conv);
	if (r.r_sink != NULL)
		isink_abort(r.r_sink);
	free(r.r_buf);
	return rc;
}
