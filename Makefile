# kmbench: build, test and benchmark.  See README.md.
#
#   make            build ./kmbench (UNITY=0: file by file, see below)
#   make deps       install the Debian packages it needs (apt-get)
#   make test       deps, then build and run the Criterion tests
#   make check      includes run down the data flow (tools/layers.sh), then
#                   the tests built with -Werror, ASan and UBSan
#   make broken     build/broken/kmbench, with a pool(9) bug the tests
#                   expect run --check to catch (docs/invariants.md)
#   make slow       build/VARIANT-slow/kmbench, whose malloc(9) takes five
#                   times as long, for the test that compare catches it
#   make check-traces  every trace of make bench under every strategy on
#                   every machine with run --check (tools/check-all.sh)
#   make bench      deps, build, replay the workloads under every strategy;
#                   the report in bench-out/report.txt and bench-out/html/
#   make bench-full make bench, with every scale cliff and least kmem_map
#   make regress BASE=COMMIT  the CI gate: the same matrix built at BASE
#                   and at HEAD, kmbench compare between them; fails on a
#                   regression (tools/regress.sh, docs/regress.md)
#   make traces     re-record the traces of real programs in workloads/traces
#                   (TRACES_ONLY="nginx-c10k postgres" for some of them)
#   make replay-speed  events per second of the replay (docs/replay-speed.md)
#   make microbench the allocator microbenchmarks, with ratios to glibc,
#                   jemalloc and mimalloc
#   make fuzz       each fuzz target for FUZZ_SECONDS (make fuzz-smoke: a
#                   short deterministic run of each, as CI runs them)
#   make test-slurm a matrix run by a one-node Slurm cluster, merged
#   make test-ssh   the GNU parallel --sshloginfile recipe over ssh to
#                   127.0.0.1 (docs/scale-out.md)

CC	?= cc
OPT	?= -O2
# -g1: line tables and function names, enough for perf, addr2line and a
# backtrace, and a fifth less compile time than -g, whose variable and
# type information a release build seldom needs (make check's
# sanitizer build keeps -g; CFLAGS="-O2 -g" for a debugger).
CFLAGS	?= $(OPT) -g1
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
KMCFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I$(B)
LIBS	 = -lsqlite3 -lzstd -lz -lm
TESTLIBS = -lcriterion

# Builds run in parallel on every core unless the caller gave -j itself.
JOBS	?= $(shell nproc 2>/dev/null || echo 2)
PAR	 = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS))

B	 = build/$(VARIANT)
VARIANT	?= release

LIBSRCS	 = $(wildcard kernel/*.c) $(wildcard strategies/*.c) \
	   $(wildcard workloads/*.c) $(wildcard result/*.c) $(wildcard db/*.c) \
	   $(filter-out runner/main.c, $(wildcard runner/*.c))
MIGRATIONS = $(sort $(wildcard db/migrate/*.sql))
# What make bench spends its time in (the kernel model, the strategies,
# the trace reader and writer, the generators, the store, the replay,
# the matrix and the searches) is compiled at $(OPT).  The rest, the
# commands around the replay that run once a command (reports, plots,
# HTML, compare, help, the strace and ktrace importers, merge), is
# "cold" and compiled at -O0 instead of -O2: under half their compile
# time, and no run of it that would notice (the reports and the site as
# fast as at -O1; a 10 MB strace log imported in 0.08 s against 0.06:
# docs/replay-speed.md, "A smaller build" and "Records, blocks and a
# cheaper build").
# The store records both (version.sh).
HOT_RUNNER = $(addprefix runner/,capacity.c case.c cmd_capacity.c \
	   cmd_matrix.c hist.c probe.c replay.c replay_result.c table.c \
	   tracehold.c)
COLDSRCS = $(filter-out $(HOT_RUNNER),$(filter runner/%,$(LIBSRCS))) \
	   workloads/strace.c workloads/kdump.c db/merge.c
COLDCFLAGS = $(patsubst -O2,-O0,$(KMCFLAGS))
COLDNOTE = $(if $(filter-out $(KMCFLAGS),$(COLDCFLAGS)),; cold files \
	   $(filter-out $(KMCFLAGS),$(COLDCFLAGS)))
# UNITY=1 (the default) compiles the library a part at a time: each part
# is one translation unit that includes its .c files (tools/unity.sh),
# so the compiler starts and reads the system headers 11 times instead
# of 89.  A part is DIR-IofN, every Nth of the files UNIT_DIR lists
# from the Ith; the cold files are their own parts.  UNITY=0 compiles
# file by file, for editing one of them; the program is the same
# either way.
UNITY	?= 1
UNIT_kernel	= $(wildcard kernel/*.c)
UNIT_strategies	= $(wildcard strategies/*.c)
UNIT_workloads	= $(filter-out $(COLDSRCS),$(wildcard workloads/*.c))
UNIT_result	= $(wildcard result/*.c)
UNIT_db		= $(filter-out $(COLDSRCS),$(wildcard db/*.c))
UNIT_runner	= $(HOT_RUNNER)
UNIT_cold	= $(COLDSRCS)
# The longest first, so that two jobs finish together.
UNITS	 = kernel-2of2 workloads-1of2 kernel-1of2 runner-1of2 \
	   workloads-2of2 runner-2of2 cold-1of2 cold-2of2 db-1of1 \
	   strategies-1of1 result-1of1
COLDUNITS = $(filter cold-%,$(UNITS))
ifeq ($(UNITY),1)
LIBOBJS	 = $(UNITS:%=$(B)/unity/%.o)
COLDOBJS = $(COLDUNITS:%=$(B)/unity/%.o)
else
LIBOBJS	 = $(LIBSRCS:%.c=$(B)/%.o)
COLDOBJS = $(COLDSRCS:%.c=$(B)/%.o)
endif
TESTSRCS = tests/kmtest.c $(wildcard tests/test_*.c)
TESTOBJS = $(TESTSRCS:%.c=$(B)/%.o)

.PHONY: all deps test check broken slow check-traces bench bench-full traces \
	replay-speed clean FORCE test-slurm test-ssh regress

all: kmbench

kmbench: $(B)/kmbench
	cp $< $@

# A library object's flags: the cold ones' are COLDCFLAGS.
OBJCFLAGS = $(KMCFLAGS)
$(COLDOBJS): OBJCFLAGS = $(COLDCFLAGS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(OBJCFLAGS) -MMD -MP -c $< -o $@

# The schema and migrations travel inside the binary.
$(B)/sql.h: tools/embed.sh db/schema.sql $(MIGRATIONS)
	@mkdir -p $(B)
	sh tools/embed.sh db/schema.sql $(MIGRATIONS) >$@

# The commit and flags the store records; rewritten only when they change.
$(B)/version.h: FORCE
	@mkdir -p $(B)
	@sh tools/version.sh "$(KMCFLAGS)$(COLDNOTE)" >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

$(B)/db/store.o: $(B)/sql.h
$(B)/db/buildinfo.o: $(B)/version.h

$(UNITS:%=$(B)/unity/%.c): $(B)/unity/%.c: FORCE
	@sh tools/unity.sh $* $@ $(UNIT_$(firstword $(subst -, ,$*)))

$(UNITS:%=$(B)/unity/%.o): $(B)/unity/%.o: $(B)/unity/%.c
	$(CC) $(OBJCFLAGS) -iquote . -MMD -MP -c $< -o $@

$(B)/unity/db-1of1.o: $(B)/sql.h $(B)/version.h

$(B)/libkm.a: $(LIBOBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/kmbench: $(B)/runner/main.o $(B)/libkm.a
	$(CC) $(KMCFLAGS) -o $@ $^ $(LIBS)

$(B)/kmtest: $(TESTOBJS) $(B)/libkm.a
	$(CC) $(KMCFLAGS) -o $@ $^ $(TESTLIBS) $(LIBS)

deps:
	@sh tools/deps.sh

# A one-node Slurm cluster on localhost (munged, slurmctld, slurmd on
# loopback, started and stopped by the script) runs a 20-case matrix as
# a job array with a dependent merge (tools/test-slurm.sh,
# docs/scale-out.md); about 20 s.
test-slurm:
	@sh tools/deps.sh slurm-wlm munge
	$(MAKE) $(PAR) --no-print-directory VARIANT=release build/release/kmbench
	sh tools/test-slurm.sh build/release/kmbench

# The GNU parallel --sshloginfile recipe over ssh to 127.0.0.1: an sshd
# of the script's own on a loopback port, with keys made for the test,
# runs a 12-case matrix as 2 jobs; the shards are collected by scp and
# merged (tools/test-ssh.sh, docs/scale-out.md); 20 to 40 s.  ./kmbench,
# for the machines/ beside it: a job's ssh session has no
# KMBENCH_MACHINES.
test-ssh:
	@sh tools/deps.sh openssh-server openssh-client parallel
	$(MAKE) $(PAR) --no-print-directory VARIANT=release kmbench
	sh tools/test-ssh.sh kmbench

# The tests find the binary and the profiles through these.
TESTENV	= KMBENCH=$(CURDIR)/$(B)/kmbench KMBENCH_MACHINES=$(CURDIR)/machines \
	  KMBENCH_TESTDATA=$(CURDIR)/tests/data KMBENCH_SRC=$(CURDIR) \
	  KMBENCH_BROKEN=$(CURDIR)/build/broken/kmbench \
	  KMBENCH_SLOW=$(CURDIR)/build/$(VARIANT)-slow/kmbench \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

test: deps
	$(MAKE) $(PAR) --no-print-directory VARIANT=release run-tests

run-tests: $(B)/kmtest $(B)/kmbench $(B)/gbench-selftest broken slow
	$(TESTENV) $(B)/kmtest --jobs 2

check: deps
	sh tools/layers.sh
	$(MAKE) $(PAR) --no-print-directory VARIANT=check OPT=-O1 \
	    CFLAGS="-O1 -g -Werror -fsanitize=address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    run-tests

# kmbench with a deliberate pool(9) bug (KMBENCH_BROKEN_POOL in
# kernel/subr_pool.c), always built with the same flags whoever asks, for
# the test that run --check catches it (tests/test_broken.c).
broken:
	@$(MAKE) --no-print-directory VARIANT=broken OPT=-O2 \
	    CFLAGS="-O2 -g1 -DKMBENCH_BROKEN_POOL" build/broken/kmbench

# kmbench whose timed malloc(9) takes five times as long
# (KMBENCH_SLOW_MALLOC in kernel/kern_malloc.c), for the test that
# kmbench compare catches a latency regression (tests/test_compare.c);
# built with the flags of the variant under test, so that the flag is
# the only difference.
slow:
	@$(MAKE) --no-print-directory VARIANT=$(VARIANT)-slow OPT="$(OPT)" \
	    CFLAGS="$(CFLAGS) -DKMBENCH_SLOW_MALLOC" build/$(VARIANT)-slow/kmbench

# Every trace of make bench, every strategy, every machine, run --check.
check-traces: kmbench
	@sh tools/check-all.sh

# The build's time goes into the total that bench.sh prints (through
# the file KMBENCH_PHASES names).  make bench-full is make bench with
# the scale cliffs of every recorded server on every machine and the
# least kmem_map of each over a wider range (tools/bench-scale.sh).
bench bench-full: deps
	@rm -f $(B)/bench.phases
	@KMBENCH_PHASES=$(B)/bench.phases sh tools/bench-phase.sh build \
	    $(MAKE) $(PAR) --no-print-directory kmbench
	@KMBENCH_PHASES=$(B)/bench.phases sh tools/bench.sh \
	    $(if $(filter bench-full,$@),full)

# The CI gate (docs/regress.md): BASE built in a temporary git worktree,
# one fixed matrix (REGRESS_* variables, tools/regress.sh) run by BASE's
# and HEAD's kmbench into one store, kmbench compare BASE HEAD.  The
# script exits 0, 1 on a regression, 2 without a verdict; make reports
# a failure of it as "Error 1" or "Error 2".
regress:
	@$(MAKE) $(PAR) --no-print-directory kmbench
	@sh tools/regress.sh "$(BASE)"

# Events per second of the replay, text and binary, probes on and off.
replay-speed: kmbench
	KMBENCH=$(CURDIR)/kmbench sh tools/replay-speed.sh

# Re-record the shipped traces of real programs (workloads/traces/ and
# its README.md): the programs, their load generators, Linux's source.
traces: kmbench
	@sh tools/deps.sh nginx-light wrk sqlite3 curl git redis-server \
	    redis-tools postgresql-15 linux-source-6.1 flex bison bc \
	    xz-utils util-linux spamd spamc
	@sh tools/traces.sh $(TRACES_ONLY)

# make microbench: Google Benchmark through the C shim (bench/).
include bench/bench.mk

# make fuzz, make fuzz-smoke: libFuzzer targets built with clang.
include fuzz.mk

clean:
	rm -rf build kmbench

-include $(LIBOBJS:.o=.d) $(TESTOBJS:.o=.d) $(B)/runner/main.d
