/*
 * test_record.c: Criterion tests of "kmbench record" (runner/
 * cmd_record.c): a program written for the test (tests/data/record/
 * prog.c) is compiled, recorded under strace, and its trace must hold
 * exactly the operations it makes, in order, once Linux's start-up is
 * filtered out by the rule of docs/recording.md ("Testing the
 * recorder"); also the exit status and the command's, the standard
 * output, a missing strace and bad usage.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runner/cmd_record.h"
#include "../workloads/kmtrace.h"
#include "kmtest.h"

#define ERRSZ	1024
#define MAXEV	64

TestSuite(record);

static void
need_strace(void)
{

	if (system("command -v strace >/dev/null 2>&1") != 0)
		cr_skip_test("strace is not installed (apt-get install "
		    "strace)");
}

/* Read all of file PATH (malloc'ed, NUL-terminated). */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert(buf != NULL);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * cmd_record(ARGV) in a child process with only descriptors 0, 1 and 2
 * (the test runner's own are not inherited by the recorded command),
 * its standard error (and, when OUT is not NULL, its standard output)
 * going to files; returns the status, the stderr text in *ERRTEXT
 * (malloc'ed).
 */
static int
run_record(int argc, char **argv, const char *out, char **errtext)
{
	char errpath[64];
	int efd, ofd = -1, fd, status;
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "/tmp/kmtest-err-XXXXXX");
	efd = mkstemp(errpath);
	cr_assert(efd >= 0);
	if (out != NULL) {
		ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		cr_assert(ofd >= 0);
	}
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (ofd >= 0)
			dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		status = cmd_record(argc, argv);
		fflush(NULL);
		_exit(status);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	close(efd);
	if (ofd >= 0)
		close(ofd);
	*errtext = slurp(errpath);
	unlink(errpath);
	cr_assert(WIFEXITED(status), "cmd_record died: %s", *errtext);
	return WEXITSTATUS(status);
}

/* The test program, compiled into a new file whose path is in BIN. */
static void
compile_prog(char *bin, size_t len)
{
	char cmd[1024];
	int fd;

	snprintf(bin, len, "/tmp/kmtest-prog-XXXXXX");
	fd = mkstemp(bin);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cc -O0 -o %s %s/record/prog.c", bin,
	    kmtest_data());
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/*
 * The filter (docs/recording.md, "Testing the recorder"): events
 * before the marker "dup 2 63" are start-up and dropped; from it on,
 * only the events of the marker's process and of the processes it
 * forks (and theirs) are kept, and of a process that has made an exec,
 * only its exit (what follows an exec is the new program's start-up).
 * Returns the kept events as text; *P is the marker's process.
 */
static char *
filtered(const char *path, uint32_t *pp)
{
	uint32_t ours[MAXEV], execd[MAXEV];
	size_t nours = 0, nexecd = 0, i, len = 0;
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ], line[256], *out;
	int rc, mine, gone, started = 0;

	r = kmt_open(path, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	out = calloc(1, 8192);
	cr_assert(out != NULL);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1) {
		if (!started) {
			if (ev.ke_op != KMT_DUP || ev.ke_oldfd != 2 ||
			    ev.ke_fd != 63)
				continue;
			started = 1;
			*pp = ev.ke_pid;
			ours[nours++] = ev.ke_pid;
		}
		for (mine = 0, i = 0; i < nours; i++)
			mine |= ours[i] == ev.ke_pid;
		for (gone = 0, i = 0; i < nexecd; i++)
			gone |= execd[i] == ev.ke_pid;
		if (!mine || (gone && ev.ke_op != KMT_EXIT))
			continue;
		if (ev.ke_op == KMT_FORK && nours < MAXEV)
			ours[nours++] = ev.ke_child;
		if (ev.ke_op == KMT_EXEC && nexecd < MAXEV)
			execd[nexecd++] = ev.ke_pid;
		kmtest_event_text(&ev, 0, line, sizeof(line));
		cr_assert_lt(len + strlen(line), 8191);
		memcpy(out + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert(started, "no marker 'dup 2 63' in the trace");
	kmt_close(r);
	return out;
}

/* The first ID that PID maps after the marker, and its child. */
static void
find_id_and_child(const char *kept, uint32_t p, char *id, size_t idlen,
    uint32_t *childp)
{
	char pat[64];
	const char *s;

	snprintf(pat, sizeof(pat), "\n%" PRIu32 " map m", p);
	s = strstr(kept, pat);
	cr_assert(s != NULL, "no mapping in:\n%s", kept);
	s += strlen(pat) - 1;
	snprintf(id, idlen, "%.*s", (int)strcspn(s, " "), s);
	snprintf(pat, sizeof(pat), "\n%" PRIu32 " fork ", p);
	s = strstr(kept, pat);
	cr_assert(s != NULL, "no fork in:\n%s", kept);
	*childp = (uint32_t)strtoul(s + strlen(pat), NULL, 10);
}

/*
 * prog.c's operations, in order: after the marker (dup 2 63, close
 * 63), open 3, dup 3 10, open 4 cloexec, close 3; a 4-page anonymous
 * mapping written (map, touch) and its page 1 unmapped; sbrk 3 pages
 * (the heap's first: map heap 3, touch heap), +2 (grow 5), -1 (grow
 * 4); fork; the child closes 10 and execs /bin/true (its start-up is
 * filtered) and exits; then the rest of the mapping (whole unmap), close
 * 4, exit.
 */
Test(record, program_ops, .timeout = 120)
{
	char bin[64], trace[256], id[64], want[2048], *errtext, *kept;
	char *argv[] = { "record", "-o", trace, "--", bin, NULL };
	uint32_t p = 0, c = 0;
	struct kmcase kc;
	struct kmt_reader *r;
	char err[ERRSZ];

	need_strace();
	compile_prog(bin, sizeof(bin));
	kmtest_write(trace, sizeof(trace), ".kmt", "");
	cr_assert_eq(run_record(5, argv, NULL, &errtext), 0, "stderr: %s",
	    errtext);
	cr_expect(strstr(errtext, ": exit status 0") != NULL, "stderr: %s",
	    errtext);

	r = kmt_open(trace, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	cr_expect_str_eq(kmt_header(r, "source"), "strace");
	cr_expect_str_eq(kmt_header(r, "command"), bin);
	cr_expect(kmt_header(r, "recorded") != NULL &&
	    strlen(kmt_header(r, "recorded")) == 20 &&
	    kmt_header(r, "recorded")[19] == 'Z');
	kmt_close(r);

	kept = filtered(trace, &p);
	find_id_and_child(kept, p, id, sizeof(id), &c);
	snprintf(want, sizeof(want),
	    "%1$u dup 2 63\n"
	    "%1$u close 63\n"
	    "%1$u open 3\n"
	    "%1$u dup 3 10\n"
	    "%1$u open 4 cloexec\n"
	    "%1$u close 3\n"
	    "%1$u map %2$s 4\n"
	    "%1$u touch %2$s\n"
	    "%1$u unmap %2$s 1 1\n"
	    "%1$u map heap 3\n"
	    "%1$u touch heap\n"
	    "%1$u grow heap 5\n"
	    "%1$u grow heap 4\n"
	    "%1$u fork %3$u\n"
	    "%3$u close 10\n"
	    "%3$u exec\n"
	    "%3$u exit\n"
	    "%1$u unmap %2$s\n"
	    "%1$u close 4\n"
	    "%1$u exit\n", (unsigned)p, id, (unsigned)c);
	cr_expect_str_eq(kept, want);

	/* The whole trace, start-up and all, replays. */
	kmcase_runfile(&kc, "panic-only", "i386-64M", NULL, trace);
	cr_expect_eq(kc.rc, 0, "%s", kc.err);
	kmcase_free(&kc);
	free(kept);
	free(errtext);
	unlink(trace);
	unlink(bin);
}

/*
 * The command's exit status is reported, not returned; a command killed
 * by a signal too.  With no -o the trace goes to the standard output
 * and the command's own output to the standard error.
 */
Test(record, exit_status_and_stdout)
{
	char out[256], *errtext, *text;
	char *exit3[] = { "record", "--", "sh", "-c", "echo hello; exit 3",
	    NULL };
	char *killed[] = { "record", "--", "sh", "-c", "kill -TERM $$",
	    NULL };

	need_strace();
	kmtest_write(out, sizeof(out), ".kmt", "");
	cr_assert_eq(run_record(5, exit3, out, &errtext), 0, "%s", errtext);
	cr_expect(strstr(errtext, "sh -c 'echo hello; exit 3': exit status "
	    "3") != NULL, "stderr: %s", errtext);
	cr_expect(strstr(errtext, "hello\n") != NULL, "stderr: %s", errtext);
	text = slurp(out);
	cr_expect(strncmp(text, "kmtrace 2\n@ source strace\n", 26) == 0,
	    "%s", text);
	cr_expect(strstr(text, "\nhello\n") == NULL, "%s", text);
	cr_expect(strstr(text, " spawn\n") != NULL, "%s", text);
	free(text);
	free(errtext);

	cr_assert_eq(run_record(5, killed, out, &errtext), 0, "%s", errtext);
	cr_expect(strstr(errtext, "killed by signal 15") != NULL, "stderr: %s",
	    errtext);
	free(errtext);
	unlink(out);
}

/* strace missing (not on PATH): status 1 and a message. */
Test(record, strace_missing)
{
	char out[256], *errtext;
	char *argv[] = { "record", "-o", out, "--", "/bin/true", NULL };

	kmtest_write(out, sizeof(out), ".kmt", "");
	setenv("PATH", "/nonexistent", 1);
	cr_assert_eq(run_record(5, argv, NULL, &errtext), 1);
	cr_expect(strstr(errtext, "strace not found") != NULL, "%s", errtext);
	free(errtext);
	unlink(out);
}

/*
 * A command that cannot run: status 2 (it is bad usage, not strace's
 * failure; record/cannot_execute has the cases), and no trace.
 */
Test(record, strace_fails)
{
	struct stat st;
	char out[256], *errtext;
	char *argv[] = { "record", "-o", out, "--", "/nonexistent/cmd",
	    NULL };

	need_strace();
	kmtest_write(out, sizeof(out), ".kmt", "");
	cr_assert_eq(run_record(5, argv, NULL, &errtext), 2);
	cr_expect(strstr(errtext, "cannot execute") != NULL, "%s", errtext);
	/* The output keeps what it had (empty), nothing of the trace. */
	cr_expect(stat(out, &st) == 0 && st.st_size == 0, "a trace was written");
	free(errtext);
	unlink(out);
}

/* Bad usage: no command, an unknown option: status 2. */
Test(record, bad_usage)
{
	char *errtext;
	char *none[] = { "record", "-o", "/tmp/x.kmt", NULL };
	char *dashes[] = { "record", "--", NULL };
	char *opt[] = { "record", "-q", "--", "true", NULL };

	cr_expect_eq(run_record(3, none, NULL, &errtext), 2);
	cr_expect(strstr(errtext, "needs a command") != NULL, "%s", errtext);
	free(errtext);
	cr_expect_eq(run_record(2, dashes, NULL, &errtext), 2);
	free(errtext);
	cr_expect_eq(run_record(4, opt, NULL, &errtext), 2);
	cr_expect(strstr(errtext, "unknown") != NULL, "%s", errtext);
	free(errtext);
}

/* Through the kmbench binary: bad usage is status 2, one line. */
Test(record, command_line)
{
	char *out, *errs;

	cr_expect_eq(kmtest_cmd("record", &out, &errs), 2);
	cr_expect_str_eq(errs, "kmbench record: needs a command: kmbench "
	    "record [-o TRACE] -- COMMAND [ARGS...]\n");
	free(out);
	free(errs);
}

/*
 * --limits (docs/recording.md, "Limits the command ran with").  The
 * program: bash opening /dev/null at descriptors 3 to 302 one after
 * another ("exec N</dev/null" opens at the lowest free descriptor,
 * which is N), 300 at once, run with a soft RLIMIT_NOFILE of 1024.
 */
#define HOLD300 "i=3; while [ $i -le 302 ]; do eval \"exec $i</dev/null\"; " \
	"i=$((i+1)); done"
#define NOFILE	1024

static void
need_nofile(void)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < NOFILE)
		cr_skip_test("the hard descriptor limit is below %d", NOFILE);
	rl.rlim_cur = NOFILE;
	/* This test's process only: the command inherits it. */
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* The first three events of PATH as text; *PIDP the first's PID. */
static char *
first_three(const char *path, uint32_t *pidp)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ], line[256], *out;
	int i;

	r = kmt_open(path, err, sizeof(err));
	cr_assert(r != NULL, "%s", err);
	out = calloc(1, 1024);
	cr_assert(out != NULL);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(kmt_read(r, &ev, err, sizeof(err)), 1, "%s", err);
		if (i == 0)
			*pidp = ev.ke_pid;
		kmtest_event_text(&ev, 0, line, sizeof(line));
		strcat(out, line);
	}
	kmt_close(r);
	return out;
}

/*
 * Host limits: the trace begins "spawn", "sysctl maxfiles 1024",
 * "limit nofile 1024", and under every strategy on i386-64M bash holds
 * descriptors 0 to 302 at once, 303 (0, 1, 2 from spawn and the 300),
 * with nothing refused and no event skipped.  1024 is below fdlimit's
 * cap on i386-64M (819200, README), so fdlimit grants it too.
 */
static void
expect_all_300(const char *trace)
{
	static const char *const strategies[] = { "panic-only", "canfail",
	    "nointr", "fdlimit" };
	struct kmcase kc;
	struct rproc *rp;
	char want[256], *first;
	uint32_t pid;
	size_t i;
	int e;

	first = first_three(trace, &pid);
	snprintf(want, sizeof(want), "%1$u spawn\n%1$u sysctl maxfiles %2$d\n"
	    "%1$u limit nofile %2$d\n", (unsigned)pid, NOFILE);
	cr_expect_str_eq(first, want);
	free(first);
	for (i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
		kmcase_runfile(&kc, strategies[i], "i386-64M", NULL, trace);
		cr_assert_eq(kc.rc, 0, "%s: %s", strategies[i], kc.err);
		rp = kmcase_proc(&kc, pid);
		cr_expect_eq(rp->rp_max_fds, 303, "%s: max_fds %ld",
		    strategies[i], rp->rp_max_fds);
		for (e = 0; e < KE_NERR; e++)
			cr_expect_eq(rp->rp_errors[e], 0, "%s: error %d: %ld",
			    strategies[i], e, rp->rp_errors[e]);
		cr_expect_eq(kc.r.r_skipped, 0, "%s: %llu skipped",
		    strategies[i], (unsigned long long)kc.r.r_skipped);
		cr_expect_eq(kc.r.r_panicked, 0, "%s", strategies[i]);
		kmcase_free(&kc);
	}
}

/*
 * NetBSD limits: no limit events; RLIMIT_NOFILE is 1.5's 64, so bash
 * gets descriptors 3 to 63 (61 of the 300) and stops at 64 open; each
 * of the 239 opens of 64 to 302 is refused with EMFILE (bash's start-up
 * may be refused more, never fewer).
 */
static void
expect_stop_at_64(const char *trace)
{
	struct kmcase kc;
	struct rproc *rp;
	char *first;
	uint32_t pid;

	first = first_three(trace, &pid);
	cr_expect(strstr(first, "sysctl") == NULL && strstr(first, "limit") ==
	    NULL, "%s", first);
	free(first);
	kmcase_runfile(&kc, "panic-only", "i386-64M", NULL, trace);
	cr_assert_eq(kc.rc, 0, "%s", kc.err);
	rp = kmcase_proc(&kc, pid);
	cr_expect_eq(rp->rp_max_fds, 64, "max_fds %ld", rp->rp_max_fds);
	cr_expect_geq(rp->rp_errors[KE_EMFILE], 239, "EMFILE %ld",
	    rp->rp_errors[KE_EMFILE]);
	kmcase_free(&kc);
}

Test(record, limits_host_and_netbsd, .timeout = 120)
{
	char trace[256], *errtext;
	char *host[] = { "record", "-o", trace, "--", "bash", "-c", HOLD300,
	    NULL };
	char *netbsd[] = { "record", "--limits", "netbsd", "-o", trace, "--",
	    "bash", "-c", HOLD300, NULL };

	need_strace();
	need_nofile();
	kmtest_write(trace, sizeof(trace), ".kmt", "");
	cr_assert_eq(run_record(7, host, NULL, &errtext), 0, "%s", errtext);
	free(errtext);
	expect_all_300(trace);
	cr_assert_eq(run_record(9, netbsd, NULL, &errtext), 0, "%s", errtext);
	free(errtext);
	expect_stop_at_64(trace);
	unlink(trace);
}

/*
 * A plain "strace -f -ttt -o LOG" of the same run, imported with
 * --nofile 1024, is the same as the recording; without --nofile (or
 * with --limits netbsd) it stops at 64.
 */
Test(record, import_nofile_as_record, .timeout = 120)
{
	char log[256], trace[256], args[1024], *out, *errs;
	int fd, status;
	pid_t pid;

	need_strace();
	need_nofile();
	kmtest_write(log, sizeof(log), ".log", "");
	kmtest_write(trace, sizeof(trace), ".kmt", "");
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		execlp("strace", "strace", "-f", "-ttt", "-o", log, "bash",
		    "-c", HOLD300, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	snprintf(args, sizeof(args), "import strace %s --nofile %d -o %s",
	    log, NOFILE, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &errs), 0, "%s", errs);
	free(out);
	free(errs);
	expect_all_300(trace);

	snprintf(args, sizeof(args), "import strace %s -o %s", log, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &errs), 0, "%s", errs);
	free(out);
	free(errs);
	expect_stop_at_64(trace);
	snprintf(args, sizeof(args), "import strace --limits netbsd %s -o %s",
	    log, trace);
	cr_assert_eq(kmtest_cmd(args, &out, &errs), 0, "%s", errs);
	free(out);
	free(errs);
	expect_stop_at_64(trace);
	unlink(log);
	unlink(trace);
}

/* Bad --limits and --nofile: status 2 and one line naming the option. */
Test(record, limits_bad_usage)
{
	static const struct {
		const char *args, *says;
	} bad[] = {
		{ "record --limits bsd -- true", "--limits 'bsd'" },
		{ "import strace --limits linux x.log", "--limits 'linux'" },
		{ "import strace --nofile 0 x.log", "--nofile '0'" },
		{ "import strace --nofile -5 x.log", "--nofile '-5'" },
		{ "import strace --nofile 2147483648 x.log",
		    "--nofile '2147483648'" },
		{ "import strace --nofile 12x x.log", "--nofile '12x'" },
		{ "import strace --limits netbsd --nofile 64 x.log",
		    "--limits netbsd takes none" },
		{ "import strace --limits host x.log", "needs --nofile" },
	};
	char *out, *errs;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(kmtest_cmd(bad[i].args, &out, &errs), 2, "%s",
		    bad[i].args);
		cr_expect(strstr(errs, bad[i].says) != NULL &&
		    strchr(errs, '\n') == errs + strlen(errs) - 1,
		    "%s: %s", bad[i].args, errs);
		free(out);
		free(errs);
	}
}

/*
 * record under SIGTERM or SIGINT (issue 22, item 11).  kmbench record
 * runs a shell that writes its PID and then sleeps; once it runs,
 * kmbench gets SIG.  It must pass the signal on to strace and the
 * command, wait for them, write a whole trace (kmtrace 2, its end line)
 * with "@ interrupted SIG", remove its temporary directory and exit
 * 128 + SIG.  Before, SIGTERM killed kmbench alone: strace and the
 * command ran on as orphans, the output was empty and the directory
 * stayed.
 */
static void
record_signal(int sig, const char *name)
{
	char dir[64], out[128], pidf[128], script[512], tmpdir[160];
	const char *kmb = getenv("KMBENCH");
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[ERRSZ], stat_path[64], *st;
	int status, i, n, rc, fd;
	long cmdpid = 0;
	FILE *f;
	pid_t pid;

	need_strace();
	cr_assert_not_null(kmb);
	snprintf(dir, sizeof(dir), "/tmp/kmtest-sig-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out.kmt", dir);
	snprintf(pidf, sizeof(pidf), "%s/pid", dir);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	cr_assert_eq(mkdir(tmpdir, 0700), 0);
	snprintf(script, sizeof(script), "echo $$ >%s.new && mv %s.new %s && "
	    "exec sleep 60", pidf, pidf, pidf);
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		setenv("TMPDIR", tmpdir, 1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDERR_FILENO);
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		execl(kmb, kmb, "record", "-o", out, "--", "sh", "-c", script,
		    (char *)NULL);
		_exit(127);
	}
	/* Until the command runs (at most 20 s). */
	for (i = 0; i < 200 && (f = fopen(pidf, "r")) == NULL; i++)
		usleep(100000);
	cr_assert_lt(i, 200, "the command never ran");
	cr_assert_eq(fscanf(f, "%ld", &cmdpid), 1);
	fclose(f);
	usleep(200000);
	cr_assert_eq(kill(pid, sig), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig,
	    "%s: status 0x%x, not exit %d", name, status, 128 + sig);

	/* The command is gone (or a zombie no one reaps, in a container). */
	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", cmdpid);
	for (i = 0; i < 50; i++) {
		if ((f = fopen(stat_path, "r")) == NULL)
			break;
		st = kmtest_slurp(f);
		fclose(f);
		n = strchr(st, ')') != NULL && strchr(st, ')')[2] == 'Z';
		free(st);
		if (n)
			break;
		usleep(100000);
	}
	cr_expect_lt(i, 50, "%s: the command %ld runs on", name, cmdpid);
	if (i == 50)
		kill((pid_t)cmdpid, SIGKILL);

	/* A whole trace, marked. */
	r = kmt_open(out, err, sizeof(err));
	cr_assert_not_null(r, "%s: %s", name, err);
	cr_expect_eq(kmt_version(r), 2);
	cr_expect(kmt_header(r, "interrupted") != NULL &&
	    strcmp(kmt_header(r, "interrupted"), name) == 0, "%s", name);
	n = 0;
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		n++;
	cr_expect_eq(rc, 0, "%s: %s", name, err);
	cr_expect_gt(n, 0);
	kmt_close(r);

	/* The temporary directory is gone: TMPDIR is empty. */
	cr_expect_eq(rmdir(tmpdir), 0, "%s: %s is not empty", name, tmpdir);
	unlink(out);
	unlink(pidf);
	rmdir(dir);
}

Test(record, sigterm_is_passed_on, .timeout = 60)
{

	record_signal(SIGTERM, "SIGTERM");
}

Test(record, sigint_is_passed_on, .timeout = 60)
{

	record_signal(SIGINT, "SIGINT");
}

/*
 * A command that cannot be executed is an error, not a recording
 * (issue 22, item 12): exit 2, "cannot execute", no trace.  Before,
 * record -- /etc/passwd exited 0 with a trace, strace's exec failure
 * given as the command's exit status 1.  Three ways: no such file, not
 * executable (caught before strace runs), and executable but not a
 * program, which only strace's execve() finds (ENOEXEC).
 */
Test(record, cannot_execute)
{
	char out[256], bad[256], *errtext;
	char *argv1[] = { "record", "-o", out, "--", "/etc/passwd", NULL };
	char *argv2[] = { "record", "-o", out, "--", "/nonexistent/cmd",
	    NULL };
	char *argv3[] = { "record", "-o", out, "--", bad, NULL };
	char **argvs[] = { argv1, argv2, argv3 };
	int fd, i;

	need_strace();
	kmtest_write(bad, sizeof(bad), ".sh", "");
	fd = open(bad, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "\x01\x02\x03garbage\n", 11), 11);
	close(fd);
	cr_assert_eq(chmod(bad, 0755), 0);
	for (i = 0; i < 3; i++) {
		snprintf(out, sizeof(out), "/tmp/kmtest-noexec-%d-%ld.kmt", i,
		    (long)getpid());
		cr_expect_eq(run_record(5, argvs[i], NULL, &errtext), 2,
		    "%s: %s", argvs[i][4], errtext);
		cr_expect(strstr(errtext, "cannot execute") != NULL, "%s",
		    errtext);
		cr_expect_neq(access(out, F_OK), 0, "%s: a trace was written",
		    argvs[i][4]);
		free(errtext);
		unlink(out);
	}
	unlink(bad);
}

/*
 * A recording whose trace cannot be written whole (the file size limit
 * as a full disk would): exit 1 and no trace, not a trace cut mid-line
 * that then replayed as "survived" (issue 22, item 3).  The command
 * opens and closes a descriptor 300 times: more than 512 bytes of trace
 * (ulimit -f 1 in sh's 512-byte blocks).
 */
Test(record, full_disk_leaves_no_trace, .timeout = 60)
{
	char dir[64], out[128], bin[1024], args[1024], *o, *e;
	const char *kmb = getenv("KMBENCH");
	int rc;

	need_strace();
	cr_assert_not_null(kmb);
	snprintf(dir, sizeof(dir), "/tmp/kmtest-full-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out.kmt", dir);
	snprintf(bin, sizeof(bin), "trap '' XFSZ; ulimit -f 1; %s", kmb);
	snprintf(args, sizeof(args), "record -o %s -- sh -c 'i=0; while "
	    "[ $i -lt 300 ]; do exec 3</dev/null; exec 3<&-; i=$((i+1)); "
	    "done'", out);
	rc = kmtest_cmd_bin(bin, args, &o, &e);
	cr_expect_eq(rc, 1, "exit %d: %s", rc, e);
	cr_expect(strstr(e, "File too large") != NULL, "%s", e);
	cr_expect_neq(access(out, F_OK), 0, "a trace cut short was left");
	free(o);
	free(e);
	cr_expect_eq(rmdir(dir), 0, "a temporary file was left in %s", dir);
}
