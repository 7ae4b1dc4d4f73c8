/*
 * test_kp_clock.c: the latency hooks' clock (kernel/kp_clock.c): the
 * cycle counter's calibration, KMBENCH_CLOCK, and the deterministic
 * sample of timed calls, counted by hand.  Nothing here asserts how long
 * anything took.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernel/kp_clock.h"
#include "../kernel/machine.h"
#include "../runner/probe.h"
#include "kmtest.h"

/*
 * Where the counter can be used, the calibration gives a rate between
 * 0.05 and 20 ticks a nanosecond (50 MHz to 20 GHz: any x86-64 TSC), and
 * a second calibration agrees with the first within 2% (both measure
 * the same counter over 2 ms; a bracketed read is off by well under a
 * microsecond).  Where it cannot, the clock is CLOCK_MONOTONIC and says
 * why.
 */
Test(kp_clock, calibration_is_plausible)
{
	struct kp_clockinfo a, b;
	char err[160];

	cr_assert_eq(kp_clock_setup(&a, "tsc", err, sizeof(err)), 0);
	cr_expect_eq(a.ki_first, KP_SAMPLE_FIRST);
	cr_expect_eq(a.ki_every, KP_SAMPLE_EVERY);
	cr_expect(a.ki_how[0] != '\0');
	if (a.ki_method != KC_TSC) {
		cr_expect_eq(a.ki_ticks_per_ns, 0);
		/*
		 * Info, not warn: Criterion 2.4 exits 1 after any
		 * cr_log_warn, even when every test passed.
		 */
		cr_log_info("no usable cycle counter: %s", a.ki_how);
		return;
	}
	cr_expect(a.ki_ticks_per_ns >= 0.05 && a.ki_ticks_per_ns <= 20,
	    "%g ticks/ns", a.ki_ticks_per_ns);
	cr_expect(a.ki_ns_per_tick > 0.999 / a.ki_ticks_per_ns &&
	    a.ki_ns_per_tick < 1.001 / a.ki_ticks_per_ns);
	cr_assert_eq(kp_clock_setup(&b, "tsc", err, sizeof(err)), 0);
	cr_assert_eq(b.ki_method, KC_TSC);
	cr_expect(b.ki_ticks_per_ns > 0.98 * a.ki_ticks_per_ns &&
	    b.ki_ticks_per_ns < 1.02 * a.ki_ticks_per_ns, "%g and %g",
	    a.ki_ticks_per_ns, b.ki_ticks_per_ns);
}

/* KMBENCH_CLOCK's values: METHOD or METHOD:N, N from 1 to 1000000. */
Test(kp_clock, override_values)
{
	static const char *const bad[] = {
		"sample", "tsc:", "tsc:0", "monotonic:x", "monotonic:-1",
		"monotonic:1000001", "monotonic:4x", "TSC", "tsc:4:4"
	};
	struct kp_clockinfo ki;
	char err[160];
	size_t i;

	cr_assert_eq(kp_clock_setup(&ki, "monotonic:7", err, sizeof(err)), 0);
	cr_expect_eq(ki.ki_method, KC_MONOTONIC);
	cr_expect_eq(ki.ki_every, 7);
	cr_expect_str_eq(ki.ki_how, "KMBENCH_CLOCK=monotonic:7");
	cr_assert_eq(kp_clock_setup(&ki, "monotonic", err, sizeof(err)), 0);
	cr_expect_eq(ki.ki_every, KP_SAMPLE_EVERY);
	cr_assert_eq(kp_clock_setup(&ki, "tsc:1", err, sizeof(err)), 0);
	cr_expect_eq(ki.ki_every, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(kp_clock_setup(&ki, bad[i], err, sizeof(err)), -1,
		    "%s", bad[i]);
		cr_expect(strstr(err, bad[i]) != NULL, "%s", err);
		/* The default then: sampled, as without the variable. */
		cr_expect_eq(ki.ki_every, KP_SAMPLE_EVERY);
	}
	setenv("KMBENCH_CLOCK", "monotonic:0", 1);
	cr_expect_eq(kp_clock_check(err, sizeof(err)), -1);
	cr_expect_str_eq(err, "KMBENCH_CLOCK=monotonic:0: not tsc or "
	    "monotonic, optionally with :N (N from 1 to 1000000)");
	setenv("KMBENCH_CLOCK", "monotonic:3", 1);
	cr_expect_eq(kp_clock_check(err, sizeof(err)), 0);
	unsetenv("KMBENCH_CLOCK");
	cr_expect_eq(kp_clock_check(err, sizeof(err)), 0);
}

/*
 * 1001 kmallocs of 16 bytes by PID 0 (interrupt context, panic-only,
 * i386-64M), then 1001 kfrees, replayed with latency on.  Each is one
 * malloc(9) or free(9) call; the 16-byte bucket fills a 4096-byte page
 * with 256 elements, so the kmallocs take ceil(1001 / 256) = 4 pages of
 * kmem_map: 4 km_alloc calls, and the frees give none back (1.5's
 * malloc keeps bucket pages).
 *
 * Under KMBENCH_CLOCK=monotonic:4 (the fallback, forced): of C calls of
 * an op, calls 1 to 256 are timed, then 256 + 4, 256 + 8, ...:
 * 256 + floor((C - 256) / 4) of them.  malloc: 256 + floor(745 / 4) =
 * 256 + 186 = 442, and free the same; km_alloc: all 4.  442 + 442 + 4 =
 * 888 timed calls.  Each of the 186 sampled calls stands for 4, so the
 * histograms count 256 + 4 x 186 = 1000 mallocs and 1000 frees (the
 * last call, the 1001st, is in no period that ended).
 *
 * Under monotonic:1 every call is timed: 1001 + 1001 + 4 = 2006, and
 * the histograms count 1001 each.
 */
static void
sampled(const char *clock, uint64_t timed_malloc, uint64_t count_malloc,
    uint64_t ncalls)
{
	static char text[1001 * 64 + 16];
	struct kmcase c;
	struct probe p;
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "kmtrace 1\n");
	for (i = 0; i < 1001; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 0 kmalloc k%d 16 M_TEMP NOWAIT\n", i, i);
	for (i = 0; i < 1001; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 0 kfree k%d\n", 1001 + i, i);
	setenv("KMBENCH_CLOCK", clock, 1);
	memset(&c, 0, sizeof(c));
	kmtest_write(c.path, sizeof(c.path), ".kmt", text);
	c.m = kmtest_boot("panic-only", "i386-64M", NULL);
	probe_attach(&p, c.m, 1, 10000);
	c.rc = replay_run(&c.r, c.m, &p, c.path, c.err, sizeof(c.err));
	cr_assert_eq(c.rc, 0, "%s", c.err);
	cr_assert(p.p_clock != NULL);
	cr_expect_eq(p.p_clock->ki_method, KC_MONOTONIC);
	cr_expect_eq(p.p_ntimed[KP_MALLOC], timed_malloc);
	cr_expect_eq(p.p_ntimed[KP_FREE], timed_malloc);
	cr_expect_eq(p.p_ntimed[KP_KM_ALLOC], 4);
	cr_expect_eq(p.p_ncalls, ncalls);
	cr_expect_eq(p.p_lat[PR_OK][KP_MALLOC][KA_KMEM].h_count,
	    count_malloc);
	cr_expect_eq(p.p_lat[PR_OK][KP_FREE][KA_KMEM].h_count, count_malloc);
	cr_expect_eq(p.p_lat[PR_OK][KP_KM_ALLOC][KA_KMEM].h_count, 4);
	probe_detach(&p);
	kmcase_free(&c);
	unsetenv("KMBENCH_CLOCK");
}

Test(kp_clock, fallback_times_a_deterministic_sample)
{

	sampled("monotonic:4", 442, 1000, 888);
}

Test(kp_clock, every_call_when_n_is_1)
{

	sampled("monotonic:1", 1001, 1001, 2006);
}

/*
 * The store keeps the clock with the run (migrate/006.sql): forced to
 * CLOCK_MONOTONIC with N = 4, no counter rate; by default, the counter
 * where it can be used, with its calibrated rate.
 */
Test(kp_clock, run_row_keeps_the_clock)
{
	char trace[256], dir[] = "/tmp/kmtest-clk-XXXXXX";
	char *o, *e;

	cr_assert(mkdtemp(dir) != NULL);
	kmtest_write(trace, sizeof(trace), ".kmt",
	    "kmtrace 1\n0 0 kmalloc a 100 M_TEMP NOWAIT\n1 0 kfree a\n");
	cr_assert_eq(kmtest_sh(dir, "KMBENCH_CLOCK=monotonic:4 $KB run --db "
	    "k.db --brief -s panic-only -m i386-64M %s >/dev/null 2>&1 && "
	    "$KB run --db k.db --brief -s panic-only -m i386-64M %s "
	    ">/dev/null 2>&1", trace, trace), 0);
	cr_assert_eq(kmtest_sh(dir, "sqlite3 k.db \"SELECT clock, "
	    "coalesce(clock_ticks_per_ns, 'null'), clock_first, clock_every, "
	    "clock_how FROM run ORDER BY id\" >rows"), 0);
	o = kmtest_read(dir, "rows");
	e = strchr(o, '\n');
	cr_assert(e != NULL);
	*e++ = '\0';
	cr_expect_str_eq(o, "monotonic|null|256|4|KMBENCH_CLOCK=monotonic:4");
	if (strncmp(e, "tsc|", 4) == 0)
		cr_expect(atof(e + 4) >= 0.05 && atof(e + 4) <= 20, "%s", e);
	else
		cr_expect(strncmp(e, "monotonic|null|256|16|", 22) == 0, "%s",
		    e);
	free(o);
	cr_expect_eq(kmtest_sh(dir, "KMBENCH_CLOCK=cycles $KB run --brief "
	    "-s panic-only -m i386-64M %s 2>err", trace), 2);
	o = kmtest_read(dir, "err");
	cr_expect_str_eq(o, "kmbench: KMBENCH_CLOCK=cycles: not tsc or "
	    "monotonic, optionally with :N (N from 1 to 1000000)\n");
	free(o);
	(void)kmtest_sh(dir, "rm -f k.db rows err");
	(void)rmdir(dir);
	unlink(trace);
}
