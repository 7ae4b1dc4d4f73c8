/*
 * kp_clock.c: choosing and calibrating the latency hooks' clock
 * (kp_clock.h, docs/metrics.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp_clock.h"

/* The calibration's span: long against the error of one bracketed read. */
#define KP_CALIB_NS	2000000
/* Reads bracketed at each end; the tightest bracket is kept. */
#define KP_CALIB_TRIES	7
/* Start and stop pairs timed for the overhead. */
#define KP_OVERHEAD_PAIRS 10000

const char *
kp_clock_methodname(enum kp_clockmethod method)
{

	return method == KC_TSC ? "tsc" : "monotonic";
}

/*
 * 1 if /proc/cpuinfo's flags name both constant_tsc (the rate does not
 * follow the core's frequency) and nonstop_tsc (nor stops in deep
 * sleep); else 0, with the first missing in WHY.
 */
static int
tsc_flags(char *why, size_t whylen)
{
	static const char *const need[] = {
		"constant_tsc", "nonstop_tsc"
	};
	char line[8192];
	FILE *f;
	size_t i;
	int found = 0;

	if ((f = fopen("/proc/cpuinfo", "r")) == NULL) {
		snprintf(why, whylen, "no /proc/cpuinfo");
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags", 5) == 0) {
			found = 1;
			break;
		}
	fclose(f);
	if (!found) {
		snprintf(why, whylen, "no flags in /proc/cpuinfo");
		return 0;
	}
	line[strcspn(line, "\n")] = ' ';
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char word[32];

		snprintf(word, sizeof(word), " %s ", need[i]);
		if (strstr(line, word) == NULL) {
			snprintf(why, whylen, "/proc/cpuinfo lacks %s",
			    need[i]);
			return 0;
		}
	}
	return 1;
}

/*
 * The counter and CLOCK_MONOTONIC at one moment: the counter read
 * between two clock reads, the clock taken as their midpoint, from the
 * tightest of a few tries (a try that was descheduled is not kept).
 */
static void
bracket(uint64_t *ns, uint64_t *ticks)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < KP_CALIB_TRIES; i++) {
		uint64_t a = kp_clock();
		uint64_t t = kp_tsc_start();
		uint64_t b = kp_clock();

		if (b - a < best) {
			best = b - a;
			*ns = a + (b - a) / 2;
			*ticks = t;
		}
	}
}

/* Ticks per ns over KP_CALIB_NS; 0 if the counter does not advance. */
static double
tsc_calibrate(void)
{
	uint64_t ns0, ns1, t0, t1;

	bracket(&ns0, &t0);
	while (kp_clock() - ns0 < KP_CALIB_NS)
		continue;
	bracket(&ns1, &t1);
	if (t1 <= t0 || ns1 <= ns0)
		return 0;
	return (double)(t1 - t0) / (double)(ns1 - ns0);
}

/* What one timed call costs: a start and a stop read, in ns. */
static double
overhead(const struct kp_clockinfo *ki)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < KP_OVERHEAD_PAIRS; i++) {
		if (ki->ki_method == KC_TSC) {
			uint64_t a = kp_tsc_start();

			sum += kp_tsc_stop() - a;
		} else {
			uint64_t a = kp_clock();

			sum += kp_clock() - a;
		}
	}
	if (ki->ki_method == KC_TSC)
		return (double)sum * ki->ki_ns_per_tick / KP_OVERHEAD_PAIRS;
	return (double)sum / KP_OVERHEAD_PAIRS;
}

/* Parse FORCE: 0 default, 1 tsc, 2 monotonic (and *EVERY); -1 bad. */
static int
parse_force(const char *force, uint32_t *every)
{
	const char *colon;
	char *end;
	unsigned long n;
	size_t len;
	int how;

	*every = KP_SAMPLE_EVERY;
	if (force == NULL || *force == '\0')
		return 0;
	colon = strchr(force, ':');
	len = colon != NULL ? (size_t)(colon - force) : strlen(force);
	if (len == 3 && strncmp(force, "tsc", 3) == 0)
		how = 1;
	else if (len == 9 && strncmp(force, "monotonic", 9) == 0)
		how = 2;
	else
		return -1;
	if (colon == NULL)
		return how;
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	n = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || n < 1 || n > 1000000)
		return -1;
	*every = (uint32_t)n;
	return how;
}

int
kp_clock_check(char *err, size_t errlen)
{
	const char *env = getenv("KMBENCH_CLOCK");
	uint32_t every;

	if (parse_force(env, &every) >= 0)
		return 0;
	snprintf(err, errlen, "KMBENCH_CLOCK=%s: not tsc or monotonic, "
	    "optionally with :N (N from 1 to 1000000)", env);
	return -1;
}

int
kp_clock_setup(struct kp_clockinfo *ki, const char *force, char *err,
    size_t errlen)
{
	const char *env = force != NULL ? force : getenv("KMBENCH_CLOCK");
	uint32_t every;
	int how, rc = 0;
	double rate;

	memset(ki, 0, sizeof(*ki));
	if ((how = parse_force(env, &every)) < 0) {
		if (force != NULL)
			snprintf(err, errlen, "%s: not tsc or monotonic, "
			    "optionally with :N (N from 1 to 1000000)", env);
		else
			(void)kp_clock_check(err, errlen);
		rc = -1;
		how = 0;
		every = KP_SAMPLE_EVERY;
	}
	ki->ki_method = KC_MONOTONIC;
	ki->ki_first = KP_SAMPLE_FIRST;
	ki->ki_every = every;
	if (how == 2)
		snprintf(ki->ki_how, sizeof(ki->ki_how), "KMBENCH_CLOCK=%s",
		    env);
	else if (!KP_HAVE_TSC)
		snprintf(ki->ki_how, sizeof(ki->ki_how), "no cycle counter "
		    "on this architecture");
	else if (tsc_flags(ki->ki_how, sizeof(ki->ki_how))) {
		if ((rate = tsc_calibrate()) < 0.05 || rate > 20)
			snprintf(ki->ki_how, sizeof(ki->ki_how),
			    "implausible counter rate %.4g ticks/ns", rate);
		else {
			ki->ki_method = KC_TSC;
			ki->ki_ticks_per_ns = rate;
			ki->ki_ns_per_tick = 1 / rate;
			snprintf(ki->ki_how, sizeof(ki->ki_how), "rdtsc "
			    "against CLOCK_MONOTONIC over %d ms, best of %d "
			    "bracketed reads at each end", KP_CALIB_NS /
			    1000000, KP_CALIB_TRIES);
		}
	}
	ki->ki_overhead_ns = overhead(ki);
	return rc;
}

const struct kp_clockinfo *
kp_clock_host(void)
{
	static struct kp_clockinfo host;
	static int done;
	char err[160];

	if (!done) {
		/* A bad KMBENCH_CLOCK was reported by main(); default. */
		(void)kp_clock_setup(&host, NULL, err, sizeof(err));
		done = 1;
	}
	return &host;
}
