/*
 * test_output.c: output files (workloads/outfile.c) as convert, import,
 * gen and record use them: OUT is whole or untouched, OUT that is the
 * input is refused before anything is written, a device or FIFO is
 * written in place and never removed, and a trace cut short is
 * refused when read back (kmtrace 2's end line).  Each case once lost
 * data (issue 22, items 1 to 3).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "../workloads/outfile.h"
#include "kmtest.h"

TestSuite(output, .timeout = 60);

/* A fresh directory for one test. */
static void
mkdir_tmp(char *dir, size_t len)
{

	snprintf(dir, len, "/tmp/kmtest-out-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The whole of PATH (malloc'ed). */
static char *
get(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	s = kmtest_slurp(f);
	fclose(f);
	return s;
}

/* How many entries DIR holds (not . and ..): no temporary file left. */
static int
entries(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	cr_assert_not_null(dp);
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void
rmtree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
}

/* Exactly one line. */
static int
one_line(const char *s)
{
	size_t len = strlen(s);

	return len > 1 && s[len - 1] == '\n' && strchr(s, '\n') == s + len - 1;
}

/* A whole version-2 trace of 3 events. */
static const char good[] =
    "kmtrace 2\n@ source test\n0 1 spawn\n5 1 open 3\n9 1 exit\n"
    "# end 3 events\n";
/* A trace malformed at line 4 (event 3). */
static const char bad[] =
    "kmtrace 2\n0 1 spawn\n5 1 open 3\n6 1 frob 3\n9 1 exit\n"
    "# end 4 events\n";

/*
 * convert IN OUT where OUT names IN (the same name, ./IN, a symbolic
 * link, a hard link): refused with status 2 and one line, and IN is
 * untouched.  It once truncated IN, failed on the damaged file and
 * then unlinked it.
 */
Test(output, convert_onto_its_input_is_refused)
{
	char dir[64], in[128], alias[4][160], args[1024], *out, *err, *text;
	int i, rc;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(in, sizeof(in), "%s/big.kmt", dir);
	put(in, good);
	snprintf(alias[0], sizeof(alias[0]), "%s", in);
	snprintf(alias[1], sizeof(alias[1]), "%s/./big.kmt", dir);
	snprintf(alias[2], sizeof(alias[2]), "%s/link.kmt", dir);
	snprintf(alias[3], sizeof(alias[3]), "%s/hard.kmt", dir);
	cr_assert_eq(symlink("big.kmt", alias[2]), 0);
	cr_assert_eq(link(in, alias[3]), 0);
	for (i = 0; i < 4; i++) {
		snprintf(args, sizeof(args), "convert %s %s", in, alias[i]);
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 2, "%s: exit %d: %s", alias[i], rc, err);
		cr_expect(one_line(err) && strstr(err, "is the input") !=
		    NULL, "%s: %s", alias[i], err);
		free(out);
		free(err);
		/* And the other way round. */
		snprintf(args, sizeof(args), "convert %s %s", alias[i], in);
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 2, "%s: exit %d: %s", alias[i], rc, err);
		free(out);
		free(err);
		text = get(in);
		cr_expect_str_eq(text, good, "%s damaged its input", alias[i]);
		free(text);
	}
	cr_expect_eq(entries(dir), 3, "a temporary file was left");
	rmtree(dir);
}

/* import strace LOG -o LOG: refused, the log is untouched. */
Test(output, import_onto_its_log_is_refused)
{
	static const char log_text[] =
	    "30 open(\"/a\", O_RDONLY) = 3\n30 close(3) = 0\n";
	char dir[64], log[128], link_[128], args[512], *out, *err, *text;
	int rc;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/s.log", dir);
	snprintf(link_, sizeof(link_), "%s/s.kmt", dir);
	put(log, log_text);
	cr_assert_eq(symlink(log, link_), 0);
	snprintf(args, sizeof(args), "import strace %s -o %s", log, link_);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	cr_expect(one_line(err) && strstr(err, "is the input") != NULL, "%s",
	    err);
	text = get(log);
	cr_expect_str_eq(text, log_text);
	free(text);
	free(out);
	free(err);
	rmtree(dir);
}

/*
 * A convert or import that fails leaves an existing OUT exactly as it
 * was, and no temporary file; one that succeeds replaces it whole.
 * Both once unlinked OUT on failure.
 */
Test(output, failure_keeps_the_old_output)
{
	char dir[64], in[128], badin[128], log[128], o[128], args[512];
	char *out, *err, *text;
	int rc;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(in, sizeof(in), "%s/good.kmt", dir);
	snprintf(badin, sizeof(badin), "%s/bad.kmt", dir);
	snprintf(log, sizeof(log), "%s/bad.log", dir);
	snprintf(o, sizeof(o), "%s/out.kmt", dir);
	put(in, good);
	put(badin, bad);
	put(log, "30 open(\"/a\", O_RDONLY) = 3\nnot strace at all\n");
	put(o, "precious\n");

	snprintf(args, sizeof(args), "convert %s %s", badin, o);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	cr_expect(strstr(err, ":4: event 3:") != NULL, "%s", err);
	free(out);
	free(err);
	text = get(o);
	cr_expect_str_eq(text, "precious\n", "convert: OUT changed");
	free(text);

	snprintf(args, sizeof(args), "import strace %s -o %s", log, o);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	free(out);
	free(err);
	text = get(o);
	cr_expect_str_eq(text, "precious\n", "import: OUT changed");
	free(text);
	cr_expect_eq(entries(dir), 4, "a temporary file was left");

	/* Success replaces it, keeping its mode. */
	cr_assert_eq(chmod(o, 0640), 0);
	snprintf(args, sizeof(args), "convert %s %s", in, o);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	text = get(o);
	cr_expect_str_eq(text, good);
	free(text);
	{
		struct stat st;

		cr_assert_eq(stat(o, &st), 0);
		cr_expect_eq(st.st_mode & 07777, 0640);
	}
	cr_expect_eq(entries(dir), 4, "a temporary file was left");
	rmtree(dir);
}

/*
 * A write that fails half way (the file size limit, as a full disk
 * would): gen exits 1 and the old OUT is kept whole.  It was once left
 * truncated and half written.
 */
Test(output, failed_write_keeps_the_old_output)
{
	char dir[64], o[128], bin[1024], args[512], *out, *err, *text;
	const char *kmb = getenv("KMBENCH");
	int rc;

	cr_assert_not_null(kmb);
	mkdir_tmp(dir, sizeof(dir));
	snprintf(o, sizeof(o), "%s/pr.kmt", dir);
	put(o, "precious\n");
	/* 4 blocks of 512 bytes, much less than the trace. */
	snprintf(bin, sizeof(bin), "trap '' XFSZ; ulimit -f 4; %s", kmb);
	snprintf(args, sizeof(args), "gen pr14721 -o %s", o);
	rc = kmtest_cmd_bin(bin, args, &out, &err);
	cr_expect_eq(rc, 1, "exit %d: %s", rc, err);
	cr_expect(one_line(err) && strstr(err, "File too large") != NULL,
	    "%s", err);
	free(out);
	free(err);
	text = get(o);
	cr_expect_str_eq(text, "precious\n", "gen: OUT changed");
	free(text);
	cr_expect_eq(entries(dir), 1, "a temporary file was left");
	rmtree(dir);
}

/*
 * OUT that is a FIFO (or a device) is written in place and is never
 * removed, whether the command fails or succeeds.  As root, a failed
 * convert once removed /dev/full.
 */
Test(output, fifo_is_written_in_place_and_kept)
{
	char dir[64], in[128], badin[128], fifo[128], args[512], buf[4096];
	char *out, *err;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int rc, rd;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(in, sizeof(in), "%s/good.kmt", dir);
	snprintf(badin, sizeof(badin), "%s/bad.kmt", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	put(in, good);
	put(badin, bad);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	/* A reader, so that the writer's open does not block. */
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rd, 0);

	snprintf(args, sizeof(args), "convert %s %s", badin, fifo);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, err);
	free(out);
	free(err);
	cr_expect(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode),
	    "the FIFO was removed");

	snprintf(args, sizeof(args), "convert %s %s", in, fifo);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	cr_expect(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode),
	    "the FIFO was replaced");
	/* The good trace came through it (the bad one stopped at line 4). */
	while ((n = read(rd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	cr_expect(strstr(buf, good) != NULL, "read '%s'", buf);
	close(rd);

	/* /dev/null: written, still a device. */
	snprintf(args, sizeof(args), "convert %s /dev/null", badin);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2);
	free(out);
	free(err);
	cr_expect(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	rmtree(dir);
}

/*
 * A trace cut short, as a full disk once left a recording, is refused
 * ("truncated", status 2), where it once replayed as "survived" with
 * status 0; --allow-truncated replays what is there.  The cut trace
 * here is a whole one less its last bytes: the end line, or the end
 * line and the newline of the last event.
 */
Test(output, cut_trace_is_refused)
{
	char dir[64], whole[128], cut[128], args[512], *out, *err, *text;
	size_t len;
	int rc, k;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(whole, sizeof(whole), "%s/whole.kmt", dir);
	snprintf(cut, sizeof(cut), "%s/cut.kmt", dir);
	snprintf(args, sizeof(args), "gen fd-server -o %s", whole);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "%s", err);
	free(out);
	free(err);
	text = get(whole);
	len = strlen(text);
	cr_assert(len > 100);
	for (k = 0; k < 2; k++) {
		FILE *f;
		/* The end line is the last line; cut it, or its newline too. */
		size_t keep = len - 1;

		while (keep > 0 && text[keep - 1] != '\n')
			keep--;
		if (k == 1)
			keep -= 1;
		f = fopen(cut, "w");
		cr_assert_not_null(f);
		fwrite(text, 1, keep, f);
		fclose(f);
		snprintf(args, sizeof(args), "run --brief --strategy "
		    "panic-only --machine i386-64M %s", cut);
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 2, "cut %d: exit %d: %s", k, rc, err);
		cr_expect(one_line(err) && strstr(err, cut) != NULL &&
		    strstr(err, ": truncated") != NULL, "cut %d: %s", k, err);
		cr_expect_str_empty(out, "cut %d: a report: %s", k, out);
		free(out);
		free(err);
		snprintf(args, sizeof(args), "run --allow-truncated --brief "
		    "--strategy panic-only --machine i386-64M %s", cut);
		rc = kmtest_cmd(args, &out, &err);
		cr_expect_eq(rc, 0, "cut %d: exit %d: %s", k, rc, err);
		cr_expect(strstr(err, "truncated") != NULL, "%s", err);
		free(out);
		free(err);
	}
	free(text);
	rmtree(dir);
}

/* The helper itself: a failed open leaves nothing; abort removes. */
Test(output, outfile_abort_and_commit)
{
	struct outfile of;
	char dir[64], p[128], err[512], *text;

	mkdir_tmp(dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/x", dir);
	put(p, "old\n");
	cr_assert_eq(outfile_open(&of, p, err, sizeof(err)), 0, "%s", err);
	cr_assert(write(of.of_fd, "new\n", 4) == 4);
	cr_expect_eq(entries(dir), 2);
	outfile_abort(&of);
	text = get(p);
	cr_expect_str_eq(text, "old\n");
	free(text);
	cr_expect_eq(entries(dir), 1);
	cr_assert_eq(outfile_open(&of, p, err, sizeof(err)), 0, "%s", err);
	cr_assert(write(of.of_fd, "new\n", 4) == 4);
	cr_assert_eq(outfile_commit(&of, err, sizeof(err)), 0, "%s", err);
	text = get(p);
	cr_expect_str_eq(text, "new\n");
	free(text);
	cr_expect_eq(entries(dir), 1);
	snprintf(p, sizeof(p), "%s/no/such/dir", dir);
	cr_expect_eq(outfile_open(&of, p, err, sizeof(err)), -1);
	cr_expect(strstr(err, p) != NULL, "%s", err);
	rmtree(dir);
}
