/*
 * gbench.cc: the C interface of bench/gbench.h over Google Benchmark.
 * Each function forwards to the benchmark::State or Benchmark method of
 * the same meaning; C statistics callbacks, which need their (FN, ARG)
 * pair, reach Google Benchmark's plain function pointers through a
 * fixed table of trampolines.
 */
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "gbench.h"

namespace {

using benchmark::State;
using benchmark::internal::Benchmark;

inline State *
S(gb_state *st)
{

	return reinterpret_cast<State *>(st);
}

inline const State *
S(const gb_state *st)
{

	return reinterpret_cast<const State *>(st);
}

inline Benchmark *
B(gb_bench *b)
{

	return reinterpret_cast<Benchmark *>(b);
}

inline gb_bench *
G(Benchmark *b)
{

	return reinterpret_cast<gb_bench *>(b);
}

/* The C statistics, one slot per distinct (fn, arg). */
struct stat_slot {
	gb_stat_fn	*fn;
	void		*arg;
};

stat_slot stat_slots[GB_MAXSTATS];
int nstat_slots;

template <int I>
double
stat_trampoline(const std::vector<double> &v)
{

	if (v.empty())
		return 0.0;
	return stat_slots[I].fn(v.data(), v.size(), stat_slots[I].arg);
}

template <int... I>
constexpr std::array<benchmark::StatisticsFunc *, sizeof...(I)>
make_trampolines(std::integer_sequence<int, I...>)
{

	return { &stat_trampoline<I>... };
}

const auto trampolines =
    make_trampolines(std::make_integer_sequence<int, GB_MAXSTATS>());

} /* namespace */

extern "C" {

gb_bench *
gb_register(const char *name, gb_fn *fn, void *arg)
{

	return G(benchmark::RegisterBenchmark(name,
	    [fn, arg](State &st) { fn(reinterpret_cast<gb_state *>(&st),
	    arg); }));
}

gb_bench *
gb_arg(gb_bench *b, int64_t a)
{

	return b == nullptr ? b : G(B(b)->Arg(a));
}

gb_bench *
gb_args2(gb_bench *b, int64_t a0, int64_t a1)
{

	return b == nullptr ? b : G(B(b)->Args({ a0, a1 }));
}

gb_bench *
gb_args_range(gb_bench *b, int64_t lo, int64_t hi)
{

	return b == nullptr ? b : G(B(b)->Range(lo, hi));
}

gb_bench *
gb_range_multiplier(gb_bench *b, int mult)
{

	return b == nullptr ? b : G(B(b)->RangeMultiplier(mult));
}

gb_bench *
gb_dense_range(gb_bench *b, int64_t lo, int64_t hi, int step)
{

	return b == nullptr ? b : G(B(b)->DenseRange(lo, hi, step));
}

gb_bench *
gb_arg_name(gb_bench *b, const char *name)
{

	return b == nullptr ? b : G(B(b)->ArgName(name));
}

gb_bench *
gb_fixed_iterations(gb_bench *b, int64_t n)
{

	return b == nullptr ? b : G(B(b)->Iterations(n));
}

gb_bench *
gb_min_time(gb_bench *b, double secs)
{

	return b == nullptr ? b : G(B(b)->MinTime(secs));
}

gb_bench *
gb_repetitions(gb_bench *b, int n)
{

	return b == nullptr ? b : G(B(b)->Repetitions(n));
}

gb_bench *
gb_aggregates_only(gb_bench *b, int on)
{

	return b == nullptr ? b : G(B(b)->ReportAggregatesOnly(on != 0));
}

gb_bench *
gb_use_real_time(gb_bench *b)
{

	return b == nullptr ? b : G(B(b)->UseRealTime());
}

gb_bench *
gb_unit(gb_bench *b, enum gb_unit unit)
{
	benchmark::TimeUnit u = benchmark::kNanosecond;

	if (b == nullptr)
		return b;
	switch (unit) {
	case GB_NS:
		u = benchmark::kNanosecond;
		break;
	case GB_US:
		u = benchmark::kMicrosecond;
		break;
	case GB_MS:
		u = benchmark::kMillisecond;
		break;
	case GB_S:
		u = benchmark::kSecond;
		break;
	}
	return G(B(b)->Unit(u));
}

gb_bench *
gb_statistic(gb_bench *b, const char *name, gb_stat_fn *fn, void *arg,
    int percentage)
{
	int i;

	if (b == nullptr)
		return b;
	for (i = 0; i < nstat_slots; i++)
		if (stat_slots[i].fn == fn && stat_slots[i].arg == arg)
			break;
	if (i == nstat_slots) {
		if (nstat_slots == GB_MAXSTATS) {
			std::fprintf(stderr, "gbench: more than %d statistics;"
			    " %s left out\n", GB_MAXSTATS, name);
			return b;
		}
		stat_slots[nstat_slots++] = { fn, arg };
	}
	return G(B(b)->ComputeStatistics(name, trampolines[i],
	    percentage ? benchmark::kPercentage : benchmark::kTime));
}

int
gb_keep_running(gb_state *st)
{

	return S(st)->KeepRunning();
}

int
gb_keep_running_batch(gb_state *st, int64_t n)
{

	return S(st)->KeepRunningBatch(n);
}

void
gb_pause(gb_state *st)
{

	S(st)->PauseTiming();
}

void
gb_resume(gb_state *st)
{

	S(st)->ResumeTiming();
}

int64_t
gb_range(const gb_state *st, size_t i)
{

	return S(st)->range(i);
}

int64_t
gb_iterations(const gb_state *st)
{

	return S(st)->iterations();
}

void
gb_set_items(gb_state *st, int64_t items)
{

	S(st)->SetItemsProcessed(items);
}

void
gb_set_bytes(gb_state *st, int64_t bytes)
{

	S(st)->SetBytesProcessed(bytes);
}

void
gb_counter(gb_state *st, const char *name, double value, unsigned flags)
{
	int f = 0;

	if (flags & GB_COUNTER_RATE)
		f |= benchmark::Counter::kIsRate;
	if (flags & GB_COUNTER_AVG_THREADS)
		f |= benchmark::Counter::kAvgThreads;
	if (flags & GB_COUNTER_INVARIANT)
		f |= benchmark::Counter::kIsIterationInvariant;
	if (flags & GB_COUNTER_AVG_ITER)
		f |= benchmark::Counter::kAvgIterations;
	S(st)->counters[name] = benchmark::Counter(value,
	    static_cast<benchmark::Counter::Flags>(f),
	    (flags & GB_COUNTER_1024) ? benchmark::Counter::kIs1024 :
	    benchmark::Counter::kIs1000);
}

void
gb_label(gb_state *st, const char *label)
{

	S(st)->SetLabel(label);
}

void
gb_error(gb_state *st, const char *msg)
{

	S(st)->SkipWithError(msg);
}

double
gb_quantile(const double *v, size_t n, double q)
{
	std::vector<double> s(v, v + n);
	double pos, frac;
	size_t lo;

	if (n == 0)
		return 0.0;
	std::sort(s.begin(), s.end());
	q = std::min(1.0, std::max(0.0, q));
	pos = q * static_cast<double>(n - 1);
	lo = static_cast<size_t>(std::floor(pos));
	frac = pos - static_cast<double>(lo);
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + frac * (s[lo + 1] - s[lo]);
}

int
gb_main(int argc, char **argv)
{
	size_t n;

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	n = benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return n == 0 ? 1 : 0;
}

} /* extern "C" */
