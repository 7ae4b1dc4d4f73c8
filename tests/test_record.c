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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	cr_expect(strncmp(text, "kmtrace 1\n@ source strace\n", 26) == 0,
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

/* strace that fails (a command it cannot run): status 1, no trace. */
Test(record, strace_fails)
{
	char out[256], *errtext;
	char *argv[] = { "record", "-o", out, "--", "/nonexistent/cmd",
	    NULL };

	need_strace();
	kmtest_write(out, sizeof(out), ".kmt", "");
	cr_assert_eq(run_record(5, argv, NULL, &errtext), 1);
	cr_expect(strstr(errtext, "strace failed") != NULL, "%s", errtext);
	cr_expect_neq(access(out, F_OK), 0, "a trace was left");
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
