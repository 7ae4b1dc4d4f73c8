/*
 * test_regress.c: make regress BASE=COMMIT (tools/regress.sh, the CI
 * gate of docs/regress.md) on a temporary git repository holding a copy
 * of this source tree: a commit that changes one deterministic figure
 * fails the gate and names the figure; a commit that changes no model
 * passes it; bad input gets exit 2 before anything is built; and the
 * temporary worktree is gone afterwards, also when BASE does not build.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

TestSuite(regress);

static char dir[64];

#define sh(...)		kmtest_sh(dir, __VA_ARGS__)
#define slurp(file)	kmtest_read(dir, file)

/*
 * make and the builds must not inherit the flags of the make that runs
 * the tests (make check's -fsanitize, VARIANT=check): the copy is built
 * as a user would build it, but with -O0 (OPT, which regress passes on
 * to BASE's build), three times faster to compile.
 */
#define CLEANENV "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS " \
	"-u OPT -u VARIANT -u CC -u KMBENCH_MACHINES OPT=-O0 "
/* A tiny matrix: one trace, two strategies, one machine, one rep. */
#define TINY "REGRESS_GEN=pr14721:fds=500000 REGRESS_TRACES= " \
	"REGRESS_STRATEGIES=fdlimit,nointr REGRESS_MACHINES=i386-64M " \
	"REGRESS_REPS=1 REGRESS_JOBS=2 "
#define GIT "git -c user.name=t -c user.email=t@t "

static void
setup(void)
{
	char tmp[80];

	snprintf(dir, sizeof(dir), "/tmp/kmtest-regress-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	cr_assert_eq(sh("mkdir tmp src"), 0);
	/* The script's temporary directory goes here, to be seen gone. */
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	cr_assert_eq(setenv("TMPDIR", tmp, 1), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

/* No worktree but the repository's own, nothing left in $TMPDIR. */
static void
expect_clean(void)
{

	cr_expect_eq(sh("cd src && test \"$(git worktree list | wc -l)\" "
	    "-eq 1"), 0, "a temporary worktree was left behind");
	cr_expect_eq(sh("test -z \"$(ls tmp)\""), 0,
	    "something was left in TMPDIR");
}

/*
 * src/ as a git repository of one commit holding the files of this
 * source tree (tracked and new ones, as they are now, not as
 * committed), without the builds.
 */
static void
copy_tree(void)
{

	cr_assert_eq(sh("cd '%s' && if git rev-parse --git-dir >/dev/null "
	    "2>&1; then git ls-files -z --cached --others --exclude-standard |"
	    " xargs -0 sh -c 'for f; do [ -f \"$f\" ] && printf \"%%s\\0\" "
	    "\"$f\"; done' sh | tar --null -T - -cf -; else tar "
	    "--exclude=./build --exclude=./kmbench --exclude=./bench-out "
	    "--exclude='./bench.db*' -cf - .; fi | tar -C %s/src -xf - && "
	    "cd %s/src && git init -q -b trunk && git add -A && " GIT "commit -qm base",
	    kmtest_src(), dir, dir), 0);
}

/*
 * One repository, three commits:
 *   C1 the tree as it is;
 *   C2 fdlimit's default share 50 -> 20 percent of kmem_map;
 *   C3 a README line, no model change.
 *
 * The trace: pr14721 with fds=500000, one process dup'ing to 500000
 * descriptors; fdlimit and nointr on i386-64M (kmem_map 4096 pages of
 * 4096 bytes), one repetition.
 *
 * fdlimit caps RLIMIT_NOFILE at the largest table N of fdexpand's growth
 * (20, 50, 100, 200, ... doubling) whose malloc plus that of the table
 * before it fits in SHARE percent of kmem_map; a slot is 5 bytes on
 * i386, and these tables are whole pages:
 *   409600 slots = 2048000 bytes = 500 pages, 204800 = 250, 819200 = 1000,
 *   1638400 = 2000.
 * share 50: budget 2048 pages; 819200 needs 1000 + 500 = 1500 <= 2048,
 *   1638400 needs 2000 + 1000 = 3000 > 2048: cap 819200, above 500000, so
 *   max_fds = 500000 and no EMFILE.
 * share 20: budget 4096 * 20 / 100 = 819.2 pages; 409600 needs 500 + 250
 *   = 750 <= 819.2, 819200 needs 1500 > 819.2: cap 409600, so max_fds =
 *   409600 and the other 500000 - 409600 = 90400 dups get EMFILE.
 * nointr has no cap: unchanged.  So regress HEAD~1 at C2 exits 1 and its
 * JUnit report has a failure for fdlimit's max_fds (500000 -> 409600)
 * and errors.EMFILE (0 -> 90400), none for nointr; at C3 against C2
 * nothing changes: make regress exits 0.
 */
Test(regress, figure_changed_then_none, .init = setup, .fini = teardown,
    .timeout = 600)
{
	char *x;

	copy_tree();
	cr_assert_eq(sh("cd src && grep -q 'fl->share = 50;' "
	    "strategies/fdlimit.c && sed -i 's/fl->share = 50;/fl->share = "
	    "20;/' strategies/fdlimit.c && " GIT "commit -qam share20"), 0);

	/* The script itself: exit 1 exactly. */
	cr_assert_eq(sh("cd src && " CLEANENV "make -j2 kmbench >../build.log "
	    "2>&1"), 0);
	cr_expect_eq(sh("cd src && " CLEANENV TINY "REGRESS_FORMAT=junit "
	    "REGRESS_OUT=../out.xml sh tools/regress.sh HEAD~1 >../o1 2>../e1"),
	    1, "%s", slurp("e1"));
	expect_clean();
	x = slurp("out.xml");
	cr_expect_eq(sh("xmllint --noout out.xml"), 0, "%s", x);
	/* fdlimit's max_fds and EMFILE fail with the derived values; no
	 * figure of nointr fails. */
	cr_expect_eq(sh("xmllint --xpath 'string(//testcase[@name=\"max_fds\""
	    " and starts-with(@classname, \"fdlimit i386-64M\")]/failure/"
	    "@message)' out.xml | grep -q '500000 -> 409600'"), 0, "%s", x);
	cr_expect_eq(sh("xmllint --xpath 'string(//testcase[@name=\""
	    "errors.EMFILE\" and starts-with(@classname, \"fdlimit \")]/"
	    "failure/@message)' out.xml | grep -q '0 -> 90400'"), 0, "%s", x);
	cr_expect_eq(sh("test \"$(xmllint --xpath 'count(//testcase[failure]"
	    "[not(starts-with(@classname, \"fdlimit \"))])' out.xml)\" = 0"),
	    0, "%s", x);
	cr_expect(strstr(slurp("e1"), "REGRESSION") != NULL, "%s",
	    slurp("e1"));
	/* The store is kept for a look: both commits in it. */
	cr_expect_eq(sh("test \"$(sqlite3 src/bench-out/regress.db 'SELECT "
	    "count(DISTINCT commit_id) FROM run')\" -eq 2"), 0);

	/* No model change: exit 0 (make's, which passes it on). */
	cr_assert_eq(sh("cd src && echo 'A line.' >>README.md && "
	    GIT "commit -qam readme"), 0);
	cr_expect_eq(sh("cd src && " CLEANENV TINY "make regress BASE=HEAD~1 "
	    ">../o3 2>../e3"), 0, "%s", slurp("e3"));
	cr_expect(strstr(slurp("o3"), "0 changed, 0 accepted, 0 regressed")
	    != NULL, "%s", slurp("o3"));
	expect_clean();
}

/*
 * Bad input: exit 2 with one line naming it, before anything is built
 * or checked out.  A BASE that does not build: exit 2, and its worktree
 * is removed all the same.
 */
Test(regress, bad_input, .init = setup, .fini = teardown, .timeout = 120)
{
	char *e;

	/* A repository of two commits; the second breaks the build. */
	copy_tree();
	cr_assert_eq(sh("cd src && echo 'this is not C' >>kernel/kcheck.c && "
	    GIT "commit -qam broken && cp '%s' kmbench", getenv("KMBENCH")),
	    0);
	cr_expect_eq(sh("cd src && " CLEANENV "sh tools/regress.sh 2>../e"),
	    2);
	cr_expect(strstr(slurp("e"), "no BASE") != NULL, "%s", slurp("e"));
	cr_expect_eq(sh("cd src && " CLEANENV "sh tools/regress.sh "
	    "no-such-rev 2>../e"), 2);
	e = slurp("e");
	cr_expect(strstr(e, "'no-such-rev' names no commit") != NULL, "%s", e);
	cr_expect(strchr(e, '\n') == e + strlen(e) - 1, "%s", e);
	cr_expect_eq(sh("cd src && " CLEANENV "sh tools/regress.sh HEAD "
	    "2>../e"), 2);
	cr_expect(strstr(slurp("e"), "HEAD's own commit") != NULL, "%s",
	    slurp("e"));
	cr_expect_eq(sh("cd src && " CLEANENV "REGRESS_FORMAT=xml sh "
	    "tools/regress.sh HEAD~1 2>../e"), 2);
	cr_expect(strstr(slurp("e"), "REGRESS_FORMAT 'xml'") != NULL, "%s",
	    slurp("e"));
	cr_expect_eq(sh("cd src && " CLEANENV "REGRESS_TRACES=nothere.kmt sh "
	    "tools/regress.sh HEAD~1 2>../e"), 2);
	cr_expect(strstr(slurp("e"), "'nothere.kmt'") != NULL, "%s",
	    slurp("e"));
	/* A store that is not regress's own is not removed. */
	cr_expect_eq(sh("cd src && touch keep.db && " CLEANENV "REGRESS_DB="
	    "keep.db sh tools/regress.sh HEAD~1 2>../e; s=$?; test -e keep.db "
	    "&& exit $s"), 2);
	cr_expect(strstr(slurp("e"), "REGRESS_DB 'keep.db' exists") != NULL,
	    "%s", slurp("e"));
	expect_clean();
	/* HEAD~1 builds, HEAD does not: BASE=HEAD is refused above, so
	 * swap them -- check out the broken commit's parent and name the
	 * broken one as BASE. */
	cr_assert_eq(sh("cd src && git checkout -q HEAD~1 && cp '%s' kmbench",
	    getenv("KMBENCH")), 0);
	cr_expect_eq(sh("cd src && " CLEANENV TINY "sh tools/regress.sh "
	    "trunk 2>../e || { s=$?; git checkout -q -; exit $s; }; "
	    "git checkout -q -"), 2);
	cr_expect(strstr(slurp("e"), "does not build") != NULL, "%s",
	    slurp("e"));
	expect_clean();
}
