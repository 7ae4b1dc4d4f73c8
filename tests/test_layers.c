/*
 * test_layers.c: dependencies run one way, down the data flow (suite
 * "layers").  tools/layers.sh, which make check also runs, finds no
 * #include against it in the tree, and names the file and line of one
 * put into a copy of a tree's layout.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmtest.h"

static char tdir[64];

static void
setup(void)
{

	snprintf(tdir, sizeof(tdir), "/tmp/kmtest-layers-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
teardown(void)
{

	if (tdir[0] != '\0')
		cr_expect_eq(kmtest_sh("/tmp", "rm -rf '%s'", tdir), 0);
}

/* Write TEXT to DIR/NAME under the test's directory, making DIR. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tdir, dir);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", tdir, dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* layers.sh on ROOT: its exit status; its stderr in *ERR. */
static int
layers(const char *root, char **err)
{
	int rc;

	rc = kmtest_sh(tdir, "sh '%s/tools/layers.sh' '%s' 2>layers.err",
	    kmtest_src(), root);
	*err = kmtest_read(tdir, "layers.err");
	return rc;
}

/*
 * The sources as they are: kernel/ includes nothing from strategies/,
 * result/, runner/, db/ or workloads/; result/ nothing above it; db/
 * nothing from runner/.  (Before kern_site.h and result/, this named
 * four kernel files and db/store.c.)
 */
Test(layers, tree_runs_down, .init = setup, .fini = teardown)
{
	char *err;

	cr_expect_eq(layers(kmtest_src(), &err), 0, "stderr: %s", err);
	cr_expect_str_empty(err);
	free(err);
}

/*
 * A tree with one upward include in each of kernel/ (line 3, with the
 * '#' apart from "include"), result/ (line 1) and db/ (line 2, an
 * angle-bracket include): each is named FILE:LINE with its rule, and
 * the exit status is 1.  Includes that run down (db/ of kernel/, runner/
 * of db/, a system header, a file whose name only contains "db") and a
 * comment that names runner/ pass.
 */
Test(layers, upward_include_named, .init = setup, .fini = teardown)
{
	char *err;

	put("kernel", "vm_x.c", "/* vm_x.c: see runner/replay.h */\n"
	    "#include <stdint.h>\n"
	    "#  include \"../strategies/strategy.h\"\n"
	    "#include \"machine.h\"\n#include \"db.h\"\n");
	put("result", "result.h", "#include \"../runner/probe.h\"\n"
	    "#include \"../kernel/kprobe.h\"\n");
	put("db", "store.c", "#include \"../kernel/machine.h\"\n"
	    "#include <../runner/replay.h>\n#include \"store.h\"\n");
	put("runner", "case.c", "#include \"../db/store.h\"\n"
	    "#include \"../strategies/strategy.h\"\n");
	cr_assert_eq(layers(tdir, &err), 1, "stderr: %s", err);
	cr_expect(strstr(err, "kernel/vm_x.c:3: #include "
	    "\"../strategies/strategy.h\": kernel/ may not include from "
	    "strategies/\n") != NULL, "stderr: %s", err);
	cr_expect(strstr(err, "result/result.h:1: #include "
	    "\"../runner/probe.h\": result/ may not include from runner/\n")
	    != NULL, "stderr: %s", err);
	cr_expect(strstr(err, "db/store.c:2: #include \"../runner/replay.h\": "
	    "db/ may not include from runner/\n") != NULL, "stderr: %s", err);
	/* Three lines named, and the closing one. */
	cr_expect_eq(kmtest_nlines(err), 4, "stderr: %s", err);
	cr_expect(strstr(err, "runner/case.c") == NULL, "stderr: %s", err);
	free(err);
}
