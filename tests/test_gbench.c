/*
 * test_gbench.c: the Google Benchmark C shim (bench/gbench.h) and the
 * microbenchmark import.  The shim is C++ inside, so the C benchmark
 * program $(B)/gbench-selftest (bench/micro_selftest.c) is run as a
 * subprocess and its JSON read back: fixed iterations, repetitions,
 * counters and their flags, labels, arguments and the custom p99 and
 * max statistics.  Skipped when that program was not built.  Then the
 * ratio table and "kmbench micro-import" (runner/cmd_micro.c).
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/store.h"
#include "../runner/cmd_micro.h"
#include "kmtest.h"

TestSuite(gbench);

/* $(B)/gbench-selftest, beside $KMBENCH. */
static void
selftest_path(char *buf, size_t len)
{
	const char *km = getenv("KMBENCH");
	char tmp[1024];

	if (km != NULL && *km != '\0') {
		snprintf(tmp, sizeof(tmp), "%s", km);
		snprintf(buf, len, "%s/gbench-selftest", dirname(tmp));
	} else
		snprintf(buf, len, "build/release/gbench-selftest");
}

static char *
slurp_file(const char *path)
{
	size_t len = 0, cap = 1 << 16, n;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "r");

	cr_assert(f != NULL, "%s", path);
	cr_assert(buf != NULL);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			cr_assert(buf != NULL);
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Run the self-test program; its JSON (malloc'ed). */
static char *
run_selftest(void)
{
	char prog[1024], out[64], cmd[2048];
	char *json;
	int fd, st;

	selftest_path(prog, sizeof(prog));
	if (access(prog, X_OK) != 0)
		cr_skip_test("%s not built (make %s)", prog, prog);
	snprintf(out, sizeof(out), "/tmp/kmtest-gb-XXXXXX");
	fd = mkstemp(out);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s --benchmark_out=%s "
	    "--benchmark_out_format=json >/dev/null 2>&1", prog, out);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status %d",
	    cmd, st);
	json = slurp_file(out);
	unlink(out);
	return json;
}

/*
 * The Nth (from 0) benchmark entry named NAME: Google Benchmark writes
 * each as a flat object, so it spans from its name to the next '}'.
 * Copied into BUF; 0 if there is none.
 */
static int
entry(const char *json, const char *name, int nth, char *buf, size_t len)
{
	char pat[512];
	const char *p = json, *end;

	snprintf(pat, sizeof(pat), "\"name\": \"%s\",", name);
	for (;;) {
		if ((p = strstr(p, pat)) == NULL)
			return 0;
		if (nth-- == 0)
			break;
		p += strlen(pat);
	}
	end = strchr(p, '}');
	cr_assert(end != NULL);
	cr_assert((size_t)(end - p) < len);
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	return 1;
}

/* The number KEY in an entry; the test fails if it is missing. */
static double
field(const char *ent, const char *key)
{
	char pat[128], *end;
	const char *p;
	double v;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(ent, pat);
	cr_assert(p != NULL, "no %s in %s", key, ent);
	v = strtod(p + strlen(pat), &end);
	cr_assert(end != p + strlen(pat), "%s is not a number", key);
	return v;
}

#define LOOP	"selftest/loop/64/iterations:1000/repeats:5"

Test(gbench, fixed_iterations_counters_label)
{
	char *json = run_selftest(), ent[4096];
	int i;

	/* The five repetitions, each of exactly 1000 iterations. */
	for (i = 0; i < 5; i++) {
		cr_assert(entry(json, LOOP, i, ent, sizeof(ent)),
		    "repetition %d missing", i);
		cr_expect(strstr(ent, "\"run_type\": \"iteration\"") != NULL);
		cr_expect_eq(field(ent, "iterations"), 1000);
		cr_expect_eq(field(ent, "repetition_index"), i);
		cr_expect_eq(field(ent, "objs"), 7.0);
		/* AVG_ITER: the loop count over the iterations. */
		cr_expect_eq(field(ent, "per_iter"), 1.0);
		cr_expect_eq(field(ent, "loops"), 1000.0);
		cr_expect_eq(field(ent, "rep"), i + 1.0);
		cr_expect(field(ent, "items_per_second") > 0);
		cr_expect(strstr(ent, "\"label\": \"selftest-label\"") !=
		    NULL);
	}
	cr_expect_not(entry(json, LOOP, 5, ent, sizeof(ent)),
	    "a sixth repetition");
	free(json);
}

Test(gbench, custom_statistics)
{
	char *json = run_selftest(), ent[4096];

	/* The callbacks see the five values of each figure. */
	cr_assert(entry(json, LOOP "_p99", 0, ent, sizeof(ent)));
	cr_expect(strstr(ent, "\"aggregate_name\": \"p99\"") != NULL);
	cr_expect(fabs(field(ent, "rep") - 4.96) < 1e-9, "p99 %g",
	    field(ent, "rep"));
	cr_expect(field(ent, "real_time") > 0);
	cr_assert(entry(json, LOOP "_max", 0, ent, sizeof(ent)));
	cr_expect(strstr(ent, "\"aggregate_name\": \"max\"") != NULL);
	cr_expect_eq(field(ent, "rep"), 5.0);
	cr_expect_eq(field(ent, "objs"), 7.0);
	/* The built-in ones are still there. */
	cr_assert(entry(json, LOOP "_median", 0, ent, sizeof(ent)));
	cr_expect_eq(field(ent, "rep"), 3.0);
	cr_assert(entry(json, LOOP "_mean", 0, ent, sizeof(ent)));
	cr_expect_eq(field(ent, "rep"), 3.0);
	free(json);
}

Test(gbench, batch_pause_args)
{
	char *json = run_selftest(), ent[4096], name[64];
	int i;

	/* 1000 iterations in batches of 100: ten batches. */
	cr_assert(entry(json, "selftest/batch/iterations:1000", 0, ent,
	    sizeof(ent)));
	cr_expect_eq(field(ent, "iterations"), 1000);
	cr_expect_eq(field(ent, "batches"), 10.0);
	/* Two arguments, and pause/resume inside the loop. */
	cr_assert(entry(json, "selftest/paused/3/4/iterations:10", 0, ent,
	    sizeof(ent)));
	cr_expect_eq(field(ent, "iterations"), 10);
	cr_expect_eq(field(ent, "args"), 34.0);
	/* A dense range 1, 2, 3. */
	for (i = 1; i <= 3; i++) {
		snprintf(name, sizeof(name), "selftest/dense/%d/iterations:1",
		    i);
		cr_assert(entry(json, name, 0, ent, sizeof(ent)), "%s", name);
		cr_expect_eq(field(ent, "arg"), i);
	}
	cr_expect_not(entry(json, "selftest/dense/4/iterations:1", 0, ent,
	    sizeof(ent)));
	free(json);
}

/* Google Benchmark JSON of three runs (medians) and an error. */
static const char sample[] =
"{\n"
"  \"context\": {\"date\": \"x\", \"caches\": [ {\"size\": 32768} ]},\n"
"  \"benchmarks\": [\n"
"    {\"name\": \"pair/bucket/16_median\", \"run_name\": \"pair/bucket/16\","
" \"run_type\": \"aggregate\", \"aggregate_name\": \"median\","
" \"iterations\": 5, \"real_time\": 31.0, \"cpu_time\": 30.0,"
" \"time_unit\": \"ns\", \"items_per_second\": 3.3e+07},\n"
"    {\"name\": \"pair/glibc/16\", \"run_name\": \"pair/glibc/16\","
" \"run_type\": \"iteration\", \"iterations\": 1000,"
" \"real_time\": 0.021, \"cpu_time\": 0.020, \"time_unit\": \"us\","
" \"label\": \"a \\\"q\\\" \\u00e9\"},\n"
"    {\"name\": \"pair/pool/64_median\", \"run_name\": \"pair/pool/64\","
" \"run_type\": \"aggregate\", \"aggregate_name\": \"median\","
" \"iterations\": 5, \"real_time\": 40, \"cpu_time\": 40,"
" \"time_unit\": \"ns\"},\n"
"    {\"name\": \"pair/mimalloc/64_median\","
" \"run_name\": \"pair/mimalloc/64\", \"run_type\": \"aggregate\","
" \"aggregate_name\": \"median\", \"iterations\": 5,"
" \"real_time\": 20, \"cpu_time\": 20, \"time_unit\": \"ns\"},\n"
"    {\"name\": \"pair/jemalloc/16\", \"run_name\": \"pair/jemalloc/16\","
" \"run_type\": \"iteration\", \"iterations\": 0, \"real_time\": 0,"
" \"cpu_time\": 0, \"time_unit\": \"ns\", \"error_occurred\": true,"
" \"error_message\": \"no jemalloc\"}\n"
"  ]\n"
"}\n";

static char *
ratios_of(const char *json, int *rc)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f != NULL);
	*rc = micro_ratios(f, json, err, sizeof(err));
	fclose(f);
	return buf;
}

Test(gbench, ratio_table)
{
	char *out, *row;
	int rc;

	out = ratios_of(sample, &rc);
	cr_assert_eq(rc, 0);
	/* 30 ns over 20 ns (0.020 us): bucket/glibc 1.50 at 16 B. */
	row = strstr(out, "\n16 B ");
	cr_assert(row != NULL, "%s", out);
	cr_expect(strncmp(row + 1 + 8, "            1.50", 16) == 0,
	    "row: %.80s", row + 1);
	/* pool 40 ns, mimalloc 20 ns at 64 B: 2.00, the worst. */
	cr_expect(strstr(out, "worst 2.00 at 64 B: NOT within 1.5x") !=
	    NULL, "%s", out);
	free(out);

	out = ratios_of("{\"benchmarks\": [ {\"name\": 1} ]}", &rc);
	cr_expect_eq(rc, -1);
	free(out);
	out = ratios_of("{\"benchmarks\": [", &rc);
	cr_expect_eq(rc, -1);
	free(out);
	out = ratios_of("{\"context\": {}}", &rc);
	cr_expect_eq(rc, -1);
	free(out);
}

static long long
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long n;

	cr_assert(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert(sqlite3_step(s) == SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

Test(gbench, micro_import)
{
	char json[256], db[64], args[1024], *out, *err;
	struct store st;
	char serr[512];
	int rc, fd;

	kmtest_write(json, sizeof(json), ".json", sample);
	snprintf(db, sizeof(db), "/tmp/kmtest-gbdb-XXXXXX");
	fd = mkstemp(db);
	cr_assert(fd >= 0);
	close(fd);
	unlink(db);
	snprintf(args, sizeof(args), "micro-import %s --db %s", json, db);
	rc = kmtest_cmd(args, &out, &err);
	if (rc == 2 && strstr(err, "unknown command") != NULL) {
		unlink(json);
		cr_skip_test("kmbench has no micro-import command yet");
	}
	cr_assert_eq(rc, 0, "%s", err);
	cr_expect(strstr(out, "4 rows") != NULL, "%s", out);
	cr_expect(strstr(out, "1 runs with errors left out") != NULL, "%s",
	    out);
	cr_expect(strstr(out, "bucket/glibc") != NULL, "%s", out);
	cr_assert(store_open(&st, db, serr, sizeof(serr)) == 0, "%s", serr);
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM run WHERE "
	    "command = 'microbench'"), 1);
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM micro"), 4);
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM micro WHERE "
	    "aggregate = 'median'"), 3);
	/* Microseconds become nanoseconds; counters are a JSON object. */
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM micro WHERE "
	    "name = 'pair/glibc/16' AND aggregate IS NULL AND "
	    "abs(cpu_ns - 20) < 1e-9 AND iterations = 1000 AND "
	    "counters = '{}'"), 1);
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM micro WHERE "
	    "name = 'pair/bucket/16_median' AND json_extract(counters, "
	    "'$.items_per_second') = 3.3e7"), 1);
	store_close(&st);
	free(out);
	free(err);
	/* A file that is not JSON: exit status 2, nothing stored. */
	kmtest_write(json, sizeof(json), ".json", "{\"benchmarks\": [ 1,");
	snprintf(args, sizeof(args), "micro-import %s --db %s", json, db);
	rc = kmtest_cmd(args, &out, &err);
	cr_expect_eq(rc, 2, "%s", err);
	cr_expect(strstr(err, "micro-import") != NULL, "%s", err);
	cr_assert(store_open(&st, db, serr, sizeof(serr)) == 0, "%s", serr);
	cr_expect_eq(count(st.st_db, "SELECT count(*) FROM run"), 1);
	store_close(&st);
	free(out);
	free(err);
	unlink(json);
	unlink(db);
	unlink(db);
}
