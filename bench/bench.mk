# bench.mk: the Google Benchmark microbenchmarks (docs/microbench.md),
# included by the top Makefile, whose B, CC, CFLAGS, KMCFLAGS and LIBS
# it uses.
#
#   make microbench     build, run, store in $(MICRODB), print the ratios
#
# bench/gbench.cc, the C interface to Google Benchmark, is the only C++
# and goes into $(B)/libgbench.a; the benchmarks are C (bench/micro_*.c).
# $(B)/gbench-selftest is the small program tests/test_gbench.c runs.

GBCXXFLAGS = -std=c++17 -Wall -Wextra -Wshadow $(CFLAGS)
GBLIBS	 = -lbenchmark -lpthread -ldl
MICROSRCS = bench/micro_kernel.c bench/micro_host.c bench/micro_main.c
MICROOBJS = $(MICROSRCS:%.c=$(B)/%.o)
MICRODB	?= bench.db
MICROOUT ?= bench-out/micro.json
MICROFLAGS ?= --benchmark_repetitions=9 --benchmark_min_time=0.1 \
	   --benchmark_enable_random_interleaving=true \
	   --benchmark_min_warmup_time=0.01 \
	   --benchmark_report_aggregates_only=true

.PHONY: microbench

microbench: deps $(B)/microbench $(B)/kmbench
	@mkdir -p $(dir $(MICROOUT))
	KMBENCH_MACHINES=$(CURDIR)/machines $(B)/microbench $(MICROFLAGS) \
	    --benchmark_out=$(MICROOUT) --benchmark_out_format=json
	$(B)/kmbench micro-import $(MICROOUT) --db $(MICRODB)

$(B)/bench/gbench.o: bench/gbench.cc
	@mkdir -p $(dir $@)
	$(CXX) $(GBCXXFLAGS) -MMD -MP -c $< -o $@

$(B)/libgbench.a: $(B)/bench/gbench.o
	rm -f $@
	ar rcs $@ $^

$(B)/microbench: $(MICROOBJS) $(B)/libgbench.a $(B)/libkm.a
	$(CXX) $(CFLAGS) -o $@ $^ $(GBLIBS) $(LIBS)

$(B)/gbench-selftest: $(B)/bench/micro_selftest.o $(B)/libgbench.a
	$(CXX) $(CFLAGS) -o $@ $^ $(GBLIBS)

-include $(wildcard $(B)/bench/*.d)
