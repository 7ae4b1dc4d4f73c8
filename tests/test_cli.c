/*
 * test_cli.c: the kmbench command, run as a program ($KMBENCH) through
 * kmtest_cmd(): help and listings, exit status and one-line messages for
 * bad input, malformed traces, and the --json report, read with a small
 * JSON parser of this file rather than by substring matching.
 *
 * Exit status (runner/main.c): 0 when the command did its work (a
 * simulated panic is a result), 2 for bad input, 1 for an internal
 * failure.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(cli);

/*
 * A minimal JSON reader: recursive descent over the text, enough to
 * check that the output is one well-formed object and to fetch the
 * value at a dotted path of object keys ("procs.1.max_fds").
 */
enum jtype { J_NONE, J_NULL, J_BOOL, J_NUMBER, J_STRING, J_OBJECT,
    J_ARRAY };

struct jcur {
	const char	*p;
	int		 depth;
};

static int jvalue(struct jcur *);

static void
jws(struct jcur *c)
{

	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' ||
	    *c->p == '\r')
		c->p++;
}

static unsigned
jhex(char ch)
{

	if (ch >= '0' && ch <= '9')
		return (unsigned)(ch - '0');
	return (unsigned)(tolower((unsigned char)ch) - 'a' + 10);
}

/* A string at C->p; decoded into BUF (LEN bytes) unless BUF is NULL. */
static int
jstring(struct jcur *c, char *buf, size_t len)
{
	size_t n = 0;
	unsigned v;
	int i;
	char ch;

	if (*c->p != '"')
		return -1;
	c->p++;
	for (;;) {
		ch = *c->p++;
		if (ch == '"')
			break;
		if (ch == '\0' || (unsigned char)ch < 0x20)
			return -1;
		if (ch == '\\') {
			ch = *c->p++;
			switch (ch) {
			case '"': case '\\': case '/': break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u':
				for (i = 0, v = 0; i < 4; i++, c->p++) {
					if (!isxdigit((unsigned char)*c->p))
						return -1;
					v = v * 16 + jhex(*c->p);
				}
				ch = v < 0x80 ? (char)v : '?';
				break;
			default:
				return -1;
			}
		}
		if (buf != NULL && n + 1 < len)
			buf[n++] = ch;
	}
	if (buf != NULL && len > 0)
		buf[n] = '\0';
	return 0;
}

static int
jdigits(struct jcur *c)
{

	if (!isdigit((unsigned char)*c->p))
		return -1;
	while (isdigit((unsigned char)*c->p))
		c->p++;
	return 0;
}

static int
jnumber(struct jcur *c)
{

	if (*c->p == '-')
		c->p++;
	if (*c->p == '0')
		c->p++;
	else if (jdigits(c) != 0)
		return -1;
	if (*c->p == '.') {
		c->p++;
		if (jdigits(c) != 0)
			return -1;
	}
	if (*c->p == 'e' || *c->p == 'E') {
		c->p++;
		if (*c->p == '+' || *c->p == '-')
			c->p++;
		if (jdigits(c) != 0)
			return -1;
	}
	return 0;
}

static int
jliteral(struct jcur *c, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* Members or elements up to CLOSE; KEYS for an object. */
static int
jcompound(struct jcur *c, char close, int keys)
{

	if (++c->depth > 64)
		return -1;
	c->p++;
	jws(c);
	if (*c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		jws(c);
		if (keys) {
			if (jstring(c, NULL, 0) != 0)
				return -1;
			jws(c);
			if (*c->p++ != ':')
				return -1;
			jws(c);
		}
		if (jvalue(c) != 0)
			return -1;
		jws(c);
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p++ != close)
			return -1;
		c->depth--;
		return 0;
	}
}

/* Any value at C->p, skipped (and checked). */
static int
jvalue(struct jcur *c)
{

	switch (*c->p) {
	case '{': return jcompound(c, '}', 1);
	case '[': return jcompound(c, ']', 0);
	case '"': return jstring(c, NULL, 0);
	case 't': return jliteral(c, "true");
	case 'f': return jliteral(c, "false");
	case 'n': return jliteral(c, "null");
	default:
		if (*c->p == '-' || isdigit((unsigned char)*c->p))
			return jnumber(c);
		return -1;
	}
}

/* Nonzero when TEXT is exactly one JSON object (and white space). */
static int
json_is_one_object(const char *text)
{
	struct jcur c = { text, 0 };

	jws(&c);
	if (*c.p != '{' || jvalue(&c) != 0)
		return 0;
	jws(&c);
	return *c.p == '\0';
}

/*
 * The value at PATH (object keys separated by dots) in TEXT: its type,
 * and *VALP pointing at its first character.
 */
static enum jtype
json_find(const char *text, const char *path, const char **valp)
{
	struct jcur c = { text, 0 };
	char want[128], key[128];
	const char *comp = path, *dot;
	size_t n;
	int found;

	jws(&c);
	while (*comp != '\0') {
		dot = strchr(comp, '.');
		n = dot != NULL ? (size_t)(dot - comp) : strlen(comp);
		if (n >= sizeof(want))
			return J_NONE;
		memcpy(want, comp, n);
		want[n] = '\0';
		comp += n + (dot != NULL);
		if (*c.p != '{')
			return J_NONE;
		c.p++;
		jws(&c);
		found = 0;
		while (*c.p != '}') {
			if (jstring(&c, key, sizeof(key)) != 0)
				return J_NONE;
			jws(&c);
			if (*c.p++ != ':')
				return J_NONE;
			jws(&c);
			if (strcmp(key, want) == 0) {
				found = 1;
				break;
			}
			if (jvalue(&c) != 0)
				return J_NONE;
			jws(&c);
			if (*c.p == ',') {
				c.p++;
				jws(&c);
			} else if (*c.p != '}')
				return J_NONE;
		}
		if (!found)
			return J_NONE;
	}
	*valp = c.p;
	switch (*c.p) {
	case '{': return J_OBJECT;
	case '[': return J_ARRAY;
	case '"': return J_STRING;
	case 't': case 'f': return J_BOOL;
	case 'n': return J_NULL;
	default:
		return *c.p == '-' || isdigit((unsigned char)*c.p) ?
		    J_NUMBER : J_NONE;
	}
}

static enum jtype
jtype(const char *text, const char *path)
{
	const char *v;

	return json_find(text, path, &v);
}

/* The number at PATH; a failed assertion if there is none. */
static long long
jnum(const char *text, const char *path)
{
	const char *v = NULL;

	cr_assert_eq(json_find(text, path, &v), J_NUMBER,
	    "no number at %s", path);
	return strtoll(v, NULL, 10);
}

/* The string at PATH, in a static buffer. */
static const char *
jstr(const char *text, const char *path)
{
	static char buf[1024];
	struct jcur c;
	const char *v = NULL;

	cr_assert_eq(json_find(text, path, &v), J_STRING,
	    "no string at %s", path);
	c.p = v;
	c.depth = 0;
	cr_assert_eq(jstring(&c, buf, sizeof(buf)), 0);
	return buf;
}

/* The reader itself, on a known document. */
Test(cli, json_reader_self_test)
{
	static const char doc[] = " {\"a\": {\"b\": 12,"
	    " \"c\": \"x\\\"y\\u0041\"}, \"d\": null,"
	    " \"e\": [1, {\"f\": 2}], \"g\": -3.5e2,"
	    " \"h\": true, \"7\": {\"max\": 4}} ";

	cr_assert(json_is_one_object(doc));
	cr_expect_eq(jnum(doc, "a.b"), 12);
	cr_expect_str_eq(jstr(doc, "a.c"), "x\"yA");
	cr_expect_eq(jtype(doc, "d"), J_NULL);
	cr_expect_eq(jtype(doc, "e"), J_ARRAY);
	cr_expect_eq(jtype(doc, "g"), J_NUMBER);
	cr_expect_eq(jtype(doc, "h"), J_BOOL);
	cr_expect_eq(jnum(doc, "7.max"), 4);
	cr_expect_eq(jtype(doc, "a.z"), J_NONE);
	cr_expect_eq(jtype(doc, "b"), J_NONE);
	cr_expect_not(json_is_one_object("{\"a\":1}{\"b\":2}"));
	cr_expect_not(json_is_one_object("{\"a\":1,}"));
	cr_expect_not(json_is_one_object("[1]"));
	cr_expect_not(json_is_one_object("{\"a\":01}"));
}

/* The number of lines in S (each ended by '\n'). */
static int
nlines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* Exit 2, nothing on stdout, one line on stderr that contains WHAT. */
static void
expect_bad_input(const char *args, const char *what)
{
	char *out, *err;
	int rc;

	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "kmbench %s: exit %d", args, rc);
	cr_expect_str_empty(out, "kmbench %s: stdout '%s'", args, out);
	cr_expect_eq(nlines(err), 1, "kmbench %s: stderr '%s'", args, err);
	cr_expect(strstr(err, what) != NULL, "kmbench %s: stderr '%s' "
	    "does not name %s", args, err, what);
	free(out);
	free(err);
}

/* A trace file for one test. */
struct tfile {
	char	path[256];
};

static void
tfile_write(struct tfile *t, const char *text)
{

	kmtest_write(t->path, sizeof(t->path), ".kmt", text);
}

/* "run" arguments for TRACE with EXTRA options. */
static const char *
runargs(char *buf, size_t len, const char *extra, const char *trace)
{

	snprintf(buf, len, "run --strategy panic-only --machine i386-64M "
	    "%s %s", extra, trace);
	return buf;
}

Test(cli, help_lists_commands)
{
	char *out, *err;

	cr_expect_eq(kmtest_cmd("--help", &out, &err), 0);
	cr_expect(strstr(out, "run") != NULL);
	cr_expect(strstr(out, "strategies") != NULL);
	cr_expect(strstr(out, "machines") != NULL);
	cr_expect_str_empty(err);
	free(out);
	free(err);
	cr_expect_eq(kmtest_cmd("help", &out, &err), 0);
	cr_expect(strstr(out, "run") != NULL);
	free(out);
	free(err);
}

/* No command at all: usage on stderr, exit 2. */
Test(cli, no_command_is_bad_input)
{
	char *out, *err;

	cr_expect_eq(kmtest_cmd("", &out, &err), 2);
	cr_expect_str_empty(out);
	cr_expect(strstr(err, "usage") != NULL, "stderr '%s'", err);
	free(out);
	free(err);
}

/*
 * kmbench strategies: with six or more, grouped by origin: a heading
 * ending in ':' for the 2001 proposals and their four lines (panic-only,
 * canfail, nointr, fdlimit, indented by two spaces, in the registry's
 * order), a blank line, a heading for later kernels and theirs.
 */
Test(cli, strategies_grouped_by_origin)
{
	static const char *const names[] = { "", "  panic-only ",
	    "  canfail ", "  nointr ", "  fdlimit ", "", "", "  kvmalloc " };
	char *out, *err, *line;
	size_t i;

	cr_assert_eq(kmtest_cmd("strategies", &out, &err), 0);
	line = out;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && line != NULL;
	    i++) {
		if (i == 0 || i == 6)
			cr_expect(strchr(line, ':') != NULL &&
			    strchr(line, ':') < strchr(line, '\n') &&
			    strncmp(line, i == 0 ? "the 2001" : "later", 5) == 0,
			    "line %zu is not a heading: '%.40s'", i + 1, line);
		else if (i == 5)
			cr_expect(line[0] == '\n', "line 6 is not blank");
		else
			cr_expect(strncmp(line, names[i], strlen(names[i])) ==
			    0, "line %zu does not start with '%s': '%.40s'",
			    i + 1, names[i], line);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	cr_expect_not_null(line, "fewer lines than expected: '%s'", out);
	free(out);
	free(err);
}

/*
 * kmbench strategies --json: one object whose "strategies" array holds
 * the seven in the registry's order, each with its origin, "2001" for
 * the proposals of PR kern/14721 and "later" for later kernels'.
 */
Test(cli, strategies_json_origin)
{
	static const struct {
		const char *name, *origin;
	} want[] = {
		{ "panic-only", "2001" }, { "canfail", "2001" },
		{ "nointr", "2001" }, { "fdlimit", "2001" },
		{ "kvmalloc", "later" }, { "reclaim", "later" },
		{ "kmem-vmem", "later" },
	};
	char *out, *err, *p, key[64];
	size_t i;

	cr_assert_eq(kmtest_cmd("strategies --json", &out, &err), 0, "%s",
	    err);
	cr_expect_str_empty(err);
	cr_expect(strncmp(out, "{\n  \"strategies\": [\n", 20) == 0, "%s",
	    out);
	p = out;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(key, sizeof(key), "\"name\": \"%s\",", want[i].name);
		cr_assert_not_null(p = strstr(p, key), "no %s after %s",
		    want[i].name, i > 0 ? want[i - 1].name : "the start");
		cr_assert_not_null(p = strstr(p, "\"origin\": \""));
		p += strlen("\"origin\": \"");
		cr_expect(strncmp(p, want[i].origin, strlen(want[i].origin))
		    == 0 && p[strlen(want[i].origin)] == '"',
		    "%s: origin %.10s", want[i].name, p);
	}
	cr_expect_null(strstr(p, "\"name\": "), "more than seven: %s", p);
	free(out);
	free(err);
	cr_expect_eq(kmtest_cmd("strategies --xml", &out, &err), 2);
	cr_expect(strstr(err, "'--xml'") != NULL, "%s", err);
	free(out);
	free(err);
}

/*
 * kmbench machines: one line each, i386-16M to i386-512M by size, then
 * the 64-bit amd64-1G to amd64-16G; the 64 MiB line shows its kmem_map
 * of 16384 / 4 = 4096 pages.
 */
Test(cli, machines_one_line_each)
{
	static const char *const names[] = { "i386-16M", "i386-32M",
	    "i386-64M", "i386-128M", "i386-256M", "i386-512M", "amd64-1G",
	    "amd64-4G", "amd64-16G" };
	char *out, *err, *line, *end;
	size_t i, n;

	cr_assert_eq(kmtest_cmd("machines", &out, &err), 0);
	cr_expect_eq(nlines(out), 9, "stdout '%s'", out);
	line = out;
	for (i = 0; i < 9 && line != NULL; i++) {
		n = strlen(names[i]);
		cr_expect(strncmp(line, names[i], n) == 0 && line[n] == ' ',
		    "line %zu does not start with %s: '%.40s'", i + 1,
		    names[i], line);
		end = strchr(line, '\n');
		if (i == 2 && end != NULL) {
			*end = '\0';
			cr_expect(strstr(line, "4096 pages") != NULL,
			    "line '%s'", line);
		}
		line = end != NULL ? end + 1 : NULL;
	}
	free(out);
	free(err);
}

Test(cli, unknown_command)
{

	expect_bad_input("frobnicate", "frobnicate");
}

Test(cli, unknown_strategy)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	snprintf(args, sizeof(args), "run --strategy frobnicate --machine "
	    "i386-64M %s", t.path);
	expect_bad_input(args, "frobnicate");
	unlink(t.path);
}

Test(cli, unknown_machine)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	snprintf(args, sizeof(args), "run --strategy panic-only --machine "
	    "i386-3M %s", t.path);
	expect_bad_input(args, "i386-3M");
	unlink(t.path);
}

Test(cli, unknown_option)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	expect_bad_input(runargs(args, sizeof(args), "--frobnicate", t.path),
	    "--frobnicate");
	unlink(t.path);
}

/* An unknown short option, and an option missing its value. */
Test(cli, unknown_short_option_and_missing_value)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	expect_bad_input(runargs(args, sizeof(args), "-q", t.path), "-q");
	expect_bad_input("run --machine i386-64M --strategy", "--strategy");
	unlink(t.path);
}

/*
 * In a group of short options ("-qz") getopt stays on the same argument
 * while it reports 'q', so argv[optind - 1] is the argument before it;
 * the message must name -q itself (from optopt).
 */
Test(cli, unknown_option_in_group_is_named)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	expect_bad_input(runargs(args, sizeof(args), "-qz", t.path), "-q");
	unlink(t.path);
}

Test(cli, unknown_machine_setting)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	expect_bad_input(runargs(args, sizeof(args), "--set frobnicate=1",
	    t.path), "frobnicate");
	expect_bad_input(runargs(args, sizeof(args), "--set physmem=lots",
	    t.path), "physmem");
	unlink(t.path);
}

/* A setting of a strategy that takes it, with a key it does not know. */
Test(cli, unknown_strategy_setting)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	snprintf(args, sizeof(args), "run --strategy nointr --machine "
	    "i386-64M --set nointr.frobnicate=1 %s", t.path);
	expect_bad_input(args, "frobnicate");
	snprintf(args, sizeof(args), "run --strategy fdlimit --machine "
	    "i386-64M --set fdlimit.frobnicate=1 %s", t.path);
	expect_bad_input(args, "frobnicate");
	/* A setting of another strategy than the one in force. */
	expect_bad_input(runargs(args, sizeof(args),
	    "--set fdlimit.share=10", t.path), "fdlimit.share");
	unlink(t.path);
}

/*
 * A setting given to a strategy that has none (panic-only and canfail
 * have no s_attach) is refused, not silently ignored.
 */
Test(cli, unknown_setting_of_strategy_without_settings)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n");
	expect_bad_input(runargs(args, sizeof(args),
	    "--set panic-only.frobnicate=1", t.path), "frobnicate");
	snprintf(args, sizeof(args), "run --strategy canfail --machine "
	    "i386-64M --set canfail.frobnicate=1 %s", t.path);
	expect_bad_input(args, "frobnicate");
	unlink(t.path);
}

/* run without a trace, or with two. */
Test(cli, run_needs_one_trace)
{

	expect_bad_input("run --strategy panic-only --machine i386-64M",
	    "TRACE");
	expect_bad_input("run --strategy panic-only --machine i386-64M a b",
	    "TRACE");
}

/* A trace file that does not exist: exit 2, the message names it. */
Test(cli, missing_trace_file)
{
	struct tfile t;
	char args[512];

	tfile_write(&t, "");
	cr_assert_eq(unlink(t.path), 0);
	expect_bad_input(runargs(args, sizeof(args), "", t.path), t.path);
}

/* A malformed trace: exit 2, stderr "PATH:LINE: event N: ...", no report. */
static void
expect_malformed(const char *text, int line, int event, const char *what)
{
	struct tfile t;
	char args[512], prefix[512], *out, *err;
	int rc;

	tfile_write(&t, text);
	snprintf(prefix, sizeof(prefix), "%s:%d: event %d: ", t.path, line,
	    event);
	rc = kmtest_cmd(runargs(args, sizeof(args), "--json", t.path), &out,
	    &err);
	cr_expect_eq(rc, 2, "exit %d, stderr '%s'", rc, err);
	cr_expect_str_empty(out, "stdout '%s'", out);
	cr_expect_eq(strncmp(err, prefix, strlen(prefix)), 0,
	    "stderr '%s' does not start with '%s'", err, prefix);
	cr_expect_eq(nlines(err), 1, "stderr '%s'", err);
	if (what != NULL)
		cr_expect(strstr(err, what) != NULL, "stderr '%s' does not "
		    "mention %s", err, what);
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * Line 3 is event 2 (line 1 is the "kmtrace 1" header): descriptor 2 is
 * already open, spawn having opened 0, 1 and 2.
 */
Test(cli, malformed_open_of_open_descriptor)
{

	expect_malformed("kmtrace 1\n0 1 spawn\n5 1 open 2\n", 3, 2,
	    "descriptor 2");
}

/* An event for PID 2, which no spawn or fork made. */
Test(cli, malformed_unknown_pid)
{

	expect_malformed("kmtrace 1\n0 1 spawn\n5 2 open 3\n", 3, 2, "PID 2");
}

/* A second spawn of PID 1 while it is alive; line 4 is event 3. */
Test(cli, malformed_second_spawn)
{

	expect_malformed("kmtrace 1\n0 1 spawn\n5 1 open 3\n6 1 spawn\n",
	    4, 3, "PID 1");
}

/* An event for a PID after its exit. */
Test(cli, malformed_event_after_exit)
{

	expect_malformed("kmtrace 1\n0 1 spawn\n5 1 exit\n6 1 open 3\n",
	    4, 3, "PID 1");
}

/* A PID may be spawned again after it exited: a valid trace, exit 0. */
Test(cli, respawn_after_exit_is_valid)
{
	struct tfile t;
	char args[512], *out, *err;

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n5 1 exit\n6 1 spawn\n");
	cr_expect_eq(kmtest_cmd(runargs(args, sizeof(args), "--json",
	    t.path), &out, &err), 0, "stderr '%s'", err);
	cr_expect(json_is_one_object(out), "stdout '%s'", out);
	cr_expect_eq(jnum(out, "events"), 3);
	cr_expect_str_eq(jstr(out, "procs.1.state"), "running");
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * The JSON report of a tiny trace:
 *   event 1: spawn 1 (descriptors 0, 1, 2)
 *   event 2: open 3         -> 4 descriptors open: max_fds 4
 *   event 3: close 3
 *   event 4: close 7        -> never opened: EBADF for PID 1, skipped
 *   event 5: exit
 * events 5, skipped 1, survived, panic null.
 * Maps: kmem_map 16384 / 4 = 4096 pages; kernel_map the kernel space,
 * (0xffc00000 - 0xc0000000) / 4096 = 261120 pages; phys 16384 pages.
 * kmem_map use: fdinit's filedesc0, 2 * 4 + 16 + 20 * 5 = 124 bytes
 * (bucket 128), takes one page for bucket 7; struct proc (320 bytes,
 * off-page header) puts a header in phpool, whose page is in kmem_map;
 * the other pools of a spawn are nointr.  2 pages, at pages 0 and 1, so
 * peak 2; at the end the bucket page is kept (bucket pages are never
 * given back) and so is the procpl page with its header (empty pool
 * pages stay): end 2, largest free extent 4096 - 2 = 4094.
 * M_FILEDESC: 1 call, freed at exit: inuse 0, memuse 0, maxused 128;
 * limit 60% of 16 MiB = 10066329; limblocks 0.
 * Wired pages: boot wires 1024 (image) + 4 (kmemusage[]) + 844 (buffers,
 * (512 + 16384) / 20) = 1872; the spawn adds the u-area (UPAGES 2) and
 * one page each for procpl, phpool, pcredpl, plimitpl, cwdipl, vmsppl,
 * filepl and bucket 7: 8.  Peak 1872 + 2 + 8 = 1882.
 */
Test(cli, json_report_of_tiny_trace)
{
	struct tfile t;
	char args[512], *out, *err;
	int rc;

	/* Version 2 (with its end line): no warning on stderr. */
	tfile_write(&t, "kmtrace 2\n0 1 spawn\n10 1 open 3\n20 1 close 3\n"
	    "30 1 close 7\n40 1 exit\n# end 5 events\n");
	rc = kmtest_cmd(runargs(args, sizeof(args), "--json", t.path), &out,
	    &err);
	cr_assert_eq(rc, 0, "exit %d, stderr '%s'", rc, err);
	cr_assert(json_is_one_object(out), "stdout is not one JSON object: "
	    "'%s'", out);
	cr_expect_str_eq(jstr(out, "strategy"), "panic-only");
	cr_expect_str_eq(jstr(out, "machine"), "i386-64M");
	cr_expect_str_eq(jstr(out, "trace"), t.path);
	cr_expect_eq(jnum(out, "events"), 5);
	cr_expect_eq(jnum(out, "skipped"), 1);
	cr_expect_str_eq(jstr(out, "outcome"), "survived");
	cr_expect_eq(jtype(out, "panic"), J_NULL);

	cr_expect_eq(jnum(out, "maps.kmem_map.pages"), 4096);
	cr_expect_eq(jnum(out, "maps.kmem_map.peak_pages"), 2);
	cr_expect_eq(jnum(out, "maps.kmem_map.end_pages"), 2);
	cr_expect_eq(jnum(out, "maps.kmem_map.largest_free_end"), 4094);
	cr_expect_eq(jnum(out, "maps.kernel_map.pages"), 261120);
	cr_expect_eq(jtype(out, "maps.kernel_map.peak_pages"), J_NUMBER);
	cr_expect_eq(jtype(out, "maps.kernel_map.end_pages"), J_NUMBER);
	cr_expect_eq(jtype(out, "maps.kernel_map.largest_free_end"),
	    J_NUMBER);
	cr_expect_eq(jnum(out, "phys.pages"), 16384);
	cr_expect_eq(jnum(out, "phys.peak_wired"), 1882);

	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.calls"), 1);
	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.inuse"), 0);
	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.memuse"), 0);
	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.maxused"), 128);
	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.limit"), 10066329);
	cr_expect_eq(jnum(out, "malloc_types.M_FILEDESC.limblocks"), 0);

	cr_expect_str_eq(jstr(out, "procs.1.state"), "exited");
	cr_expect_eq(jnum(out, "procs.1.max_fds"), 4);
	cr_expect_eq(jnum(out, "procs.1.errors.EMFILE"), 0);
	cr_expect_eq(jnum(out, "procs.1.errors.ENFILE"), 0);
	cr_expect_eq(jnum(out, "procs.1.errors.ENOMEM"), 0);
	cr_expect_eq(jnum(out, "procs.1.errors.EBADF"), 1);
	cr_expect_eq(jnum(out, "procs.1.skipped"), 1);
	cr_expect_eq(jtype(out, "procs.2"), J_NONE);

	cr_expect_eq(jnum(out, "errors.EBADF"), 1);
	cr_expect_eq(jnum(out, "errors.EMFILE"), 0);
	cr_expect_eq(jnum(out, "errors.ENFILE"), 0);
	cr_expect_eq(jnum(out, "errors.ENOMEM"), 0);
	cr_expect_str_empty(err, "stderr '%s'", err);
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * Closing descriptors never opened: two of them (7 and 8) count 2 EBADF
 * for PID 2 and 2 skipped events; PID 1, untouched, has none.
 */
Test(cli, close_never_opened_counts_ebadf)
{
	struct tfile t;
	char args[512], *out, *err;

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n1 2 spawn\n2 2 close 7\n"
	    "3 2 close 8\n4 1 close 2\n");
	cr_assert_eq(kmtest_cmd(runargs(args, sizeof(args), "--json",
	    t.path), &out, &err), 0, "stderr '%s'", err);
	cr_assert(json_is_one_object(out));
	cr_expect_eq(jnum(out, "procs.2.errors.EBADF"), 2);
	cr_expect_eq(jnum(out, "procs.2.skipped"), 2);
	cr_expect_eq(jnum(out, "procs.1.errors.EBADF"), 0);
	cr_expect_eq(jnum(out, "procs.1.skipped"), 0);
	cr_expect_eq(jnum(out, "errors.EBADF"), 2);
	cr_expect_eq(jnum(out, "skipped"), 2);
	cr_expect_eq(jnum(out, "events"), 5);
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * A simulated panic is a result: exit 0.  20000000 bytes = 4883 pages
 * (4882.8 rounded up) > the 4096 pages of i386-64M's kmem_map, so the
 * M_WAITOK kmalloc of event 2 (line 3) by PID 1 panics "malloc: out of
 * space in kmem_map"; the replay stops there: events 2, and the exit of
 * event 3 is never read.
 */
Test(cli, json_report_of_panic)
{
	struct tfile t;
	char args[512], *out, *err;
	int rc;

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n"
	    "10 1 kmalloc x 20000000 M_TEMP WAITOK\n20 1 exit\n");
	rc = kmtest_cmd(runargs(args, sizeof(args), "--json", t.path), &out,
	    &err);
	cr_assert_eq(rc, 0, "exit %d, stderr '%s'", rc, err);
	cr_assert(json_is_one_object(out), "stdout '%s'", out);
	cr_expect_str_eq(jstr(out, "outcome"), "panic");
	cr_expect_eq(jtype(out, "panic"), J_OBJECT);
	cr_expect_str_eq(jstr(out, "panic.message"),
	    "malloc: out of space in kmem_map");
	cr_expect_eq(jnum(out, "panic.event"), 2);
	cr_expect_eq(jnum(out, "panic.pid"), 1);
	cr_expect_eq(jnum(out, "events"), 2);
	free(out);
	free(err);
	unlink(t.path);
}

/* The same kmalloc from the kernel (PID 0, event 1): panic.pid 0. */
Test(cli, json_report_of_kernel_panic)
{
	struct tfile t;
	char args[512], *out, *err;

	tfile_write(&t, "kmtrace 1\n0 0 kmalloc x 20000000 M_TEMP WAITOK\n");
	cr_assert_eq(kmtest_cmd(runargs(args, sizeof(args), "--json",
	    t.path), &out, &err), 0, "stderr '%s'", err);
	cr_assert(json_is_one_object(out), "stdout '%s'", out);
	cr_expect_str_eq(jstr(out, "outcome"), "panic");
	cr_expect_eq(jnum(out, "panic.event"), 1);
	cr_expect_eq(jnum(out, "panic.pid"), 0);
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * With NOWAIT, or WAITOK,CANFAIL, the same request returns NULL: no
 * panic, and each refusal counts ENOMEM for PID 1: 2 in all.
 */
Test(cli, kmalloc_nowait_and_canfail_count_enomem)
{
	struct tfile t;
	char args[512], *out, *err;

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n"
	    "10 1 kmalloc x 20000000 M_TEMP NOWAIT\n"
	    "11 1 kmalloc y 20000000 M_TEMP WAITOK,CANFAIL\n");
	cr_assert_eq(kmtest_cmd(runargs(args, sizeof(args), "--json",
	    t.path), &out, &err), 0, "stderr '%s'", err);
	cr_assert(json_is_one_object(out), "stdout '%s'", out);
	cr_expect_str_eq(jstr(out, "outcome"), "survived");
	cr_expect_eq(jtype(out, "panic"), J_NULL);
	cr_expect_eq(jnum(out, "procs.1.errors.ENOMEM"), 2);
	cr_expect_eq(jnum(out, "errors.ENOMEM"), 2);
	free(out);
	free(err);
	unlink(t.path);
}

/* The text report says PANIC too, and the exit status is 0. */
Test(cli, text_report_of_panic)
{
	struct tfile t;
	char args[512], *out, *err;

	tfile_write(&t, "kmtrace 1\n0 1 spawn\n"
	    "10 1 kmalloc x 20000000 M_TEMP WAITOK\n");
	cr_assert_eq(kmtest_cmd(runargs(args, sizeof(args), "", t.path),
	    &out, &err), 0, "stderr '%s'", err);
	cr_expect(strstr(out, "PANIC") != NULL, "stdout '%s'", out);
	cr_expect(strstr(out, "malloc: out of space in kmem_map") != NULL);
	free(out);
	free(err);
	unlink(t.path);
}

/*
 * Numeric options refuse nan, inf, signs, blanks, trailing text and
 * values out of range with exit 2 and one line naming the option
 * (issue 22, item 10).  Before: run --sample -1 and --sample 2^64 were
 * taken (strtoull() wraps a sign and saturates), matrix --jobs
 * 4294967297 ran one job (a long cast to int), and fdlimit.share took
 * " 5" and "+5".
 */
Test(cli, numeric_options_are_checked)
{
	static const char *const bad[] = {
		"nan", "inf", "-1", "0", "+5", " 5", "5x", "1e3", "",
		"18446744073709551616", "4294967297", NULL
	};
	struct tfile t;
	char args[1024], what[64];
	const char *const *b;

	tfile_write(&t, "kmtrace 2\n0 1 spawn\n# end 1 event\n");
	for (b = bad; *b != NULL; b++) {
		/* A sample every 2^32 + 1 events is allowed (10^12 at most). */
		snprintf(args, sizeof(args), "run --strategy canfail --machine "
		    "i386-64M --sample '%s' %s", *b, t.path);
		if (strcmp(*b, "4294967297") != 0)
			expect_bad_input(args, "--sample");
		if (strcmp(*b, "0") != 0) {
			snprintf(args, sizeof(args), "run --strategy canfail "
			    "--machine i386-64M --rep '%s' %s", *b, t.path);
			expect_bad_input(args, "--rep");
		}
		snprintf(args, sizeof(args), "matrix --db /nonexistent/x.db "
		    "--jobs '%s' %s", *b, t.path);
		expect_bad_input(args, "--jobs");
		snprintf(args, sizeof(args), "matrix --db /nonexistent/x.db "
		    "--reps '%s' %s", *b, t.path);
		expect_bad_input(args, "--reps");
		snprintf(args, sizeof(args), "run --strategy fdlimit --machine "
		    "i386-64M --set 'fdlimit.share=%s' %s", *b, t.path);
		expect_bad_input(args, "fdlimit.share");
		snprintf(args, sizeof(args), "run --strategy canfail --machine "
		    "i386-64M --set 'physmem=%s' %s", *b, t.path);
		snprintf(what, sizeof(what), "physmem");
		if (strcmp(*b, "0") != 0 && strcmp(*b, "4294967297") != 0)
			expect_bad_input(args, what);
	}
	/* The edges are taken. */
	snprintf(args, sizeof(args), "run --brief --strategy fdlimit --machine "
	    "i386-64M --sample 1 --rep 1000000 --set fdlimit.share=100 %s",
	    t.path);
	{
		char *out, *err;

		cr_expect_eq(kmtest_cmd(args, &out, &err), 0, "%s", err);
		free(out);
		free(err);
	}
	unlink(t.path);
}
