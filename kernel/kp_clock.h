/*
 * kp_clock.h: the clock of the latency hooks (kprobe.h).  Where the host
 * has a cycle counter that ticks at one constant rate whatever the
 * core's frequency or sleep state (x86-64 with constant_tsc and
 * nonstop_tsc), calls are timed with it, and ticks become nanoseconds
 * at a rate calibrated once against CLOCK_MONOTONIC.  Elsewhere
 * (another architecture, no such counter, or KMBENCH_CLOCK=monotonic)
 * they are timed with clock_gettime(CLOCK_MONOTONIC).
 *
 * Either way a deterministic sample of the calls is timed: the first
 * KP_SAMPLE_FIRST calls of each operation, then every Nth
 * (KP_SAMPLE_EVERY unless KMBENCH_CLOCK=METHOD:N says otherwise; N = 1
 * times every call).  Reading a counter costs tens of nanoseconds on
 * the hosts measured, as much as a whole malloc(9), so timing every call
 * would more than double a replay (docs/metrics.md, docs/replay-speed.md).
 * The store keeps the method, rate and N with the run.
 */
#ifndef KM_KP_CLOCK_H
#define KM_KP_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The compiler's builtins for RDTSC and LFENCE rather than
 * <x86intrin.h>: that header brings every intrinsic up to AVX-512,
 * some 45000 lines, into each of the 32 files that include this one,
 * and parsing them was most of the build (docs/replay-speed.md).
 */
#if defined(__x86_64__)
#define KP_HAVE_TSC	1
#else
#define KP_HAVE_TSC	0
#endif

/* What the timed calls are read with. */
enum kp_clockmethod {
	KC_TSC,		/* the cycle counter */
	KC_MONOTONIC	/* clock_gettime(CLOCK_MONOTONIC) */
};

/* Calls of each op timed before sampling starts, and the period after. */
#define KP_SAMPLE_FIRST	256
#define KP_SAMPLE_EVERY	16

struct kp_clockinfo {
	enum kp_clockmethod ki_method;
	double		 ki_ticks_per_ns;	/* KC_TSC: the counter's rate */
	double		 ki_ns_per_tick;	/* its inverse */
	uint32_t	 ki_first;	/* KP_SAMPLE_FIRST */
	uint32_t	 ki_every;	/* N: 1 times every call */
	double		 ki_overhead_ns;	/* one start and stop pair */
	/* How the rate was found, or why the counter is not used. */
	char		 ki_how[160];
};

static inline uint64_t
kp_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The counter at either end of a call: LFENCE does not complete until
 * every earlier instruction has, so the LFENCE before RDTSC keeps the
 * read from being done ahead of what precedes it (at the start, the
 * caller; at the end, the call itself), and the LFENCE after keeps what
 * follows (the call, or the histogram update) out of the interval.
 * RDTSCP would order the end as well, but some hosts (KVM guests on
 * AMD EPYC among them) do not expose it, and the fenced RDTSC costs no
 * more (docs/replay-speed.md).
 */
static inline uint64_t
kp_tsc_read(void)
{
#if KP_HAVE_TSC
	uint64_t t;

	__builtin_ia32_lfence();
	t = __builtin_ia32_rdtsc();
	__builtin_ia32_lfence();
	return t;
#else
	return 0;
#endif
}

static inline uint64_t
kp_tsc_start(void)
{

	return kp_tsc_read();
}

static inline uint64_t
kp_tsc_stop(void)
{

	return kp_tsc_read();
}

/*
 * The host's clock, calibrated on the first call in the process (about
 * 2 ms) and the same after: a fact of the host, like its CPU model, so
 * the matrix's workers share their parent's.  Never fails: a counter
 * that cannot be used gives KC_MONOTONIC, with the reason in ki_how.
 */
const struct kp_clockinfo *kp_clock_host(void);

/*
 * Work out the clock afresh into KI, as kp_clock_host() does once.
 * FORCE: NULL to follow KMBENCH_CLOCK, else its value: "tsc" (the
 * counter where it can be used, the default), "monotonic", each
 * optionally followed by ":N".  -1 with a one-line message in ERR when
 * FORCE (or the variable) is none of these; KI is then the default.
 */
int	kp_clock_setup(struct kp_clockinfo *ki, const char *force, char *err,
	    size_t errlen);

/* -1 with a one-line message in ERR if KMBENCH_CLOCK is set but bad. */
int	kp_clock_check(char *err, size_t errlen);

/* "tsc" or "monotonic". */
const char *kp_clock_methodname(enum kp_clockmethod);

#endif /* KM_KP_CLOCK_H */
