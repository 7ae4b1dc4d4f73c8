# fuzz.mk: libFuzzer targets for the hostile-input readers (included from
# the Makefile).  See docs/hostile.md.
#
#   make fuzz          run each target FUZZ_SECONDS (60) on its corpus
#   make fuzz-smoke    a short deterministic run of each, for CI
#   make fuzz-build    only build them, in build/fuzz/
#
# The library is built again with clang and the fuzzer's instrumentation
# in build/fuzz/; the targets link it with -fsanitize=fuzzer.

# The top makefile, for the recursive build of the library.
FUZZ_TOP	:= $(firstword $(MAKEFILE_LIST))
FUZZ_CC		?= clang
FUZZ_SAN	 = address,undefined
FUZZ_LIBFLAGS	 = -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
		   -fno-sanitize-recover=undefined \
		   -fsanitize-coverage-ignorelist=$(CURDIR)/$(FUZZ_B)/cov-ignore.txt
FUZZ_LDFLAGS	 = -fsanitize=fuzzer,$(FUZZ_SAN)
FUZZ_B		 = build/fuzz
FUZZ_TARGETS	 = kmtrace strace kdump replay
FUZZ_BINS	 = $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
FUZZ_SECONDS	?= 60
# Per-input limits: seconds, and bytes (traces larger than this find
# nothing the small ones do not, and slow the replay target down).
FUZZ_TIMEOUT	?= 10
FUZZ_MAXLEN	?= 16384
FUZZ_FLAGS	?=
FUZZ_OPTS	 = -timeout=$(FUZZ_TIMEOUT) -max_len=$(FUZZ_MAXLEN) \
		   -rss_limit_mb=2048 -print_final_stats=1 $(FUZZ_FLAGS)
# Where new inputs go (the seed corpora in tests/fuzz/corpus stay as they
# are) and where crashes land.
FUZZ_WORK	 = $(FUZZ_B)/work

.PHONY: fuzz fuzz-smoke fuzz-build

# In the recursive make (VARIANT=fuzz) the Makefile's own rule builds
# the library; this one only starts it.
ifneq ($(VARIANT),fuzz)
$(FUZZ_B)/libkm.a: $(FUZZ_B)/cov-ignore.txt FORCE
	$(MAKE) -f $(FUZZ_TOP) --no-print-directory VARIANT=fuzz UNITY=0 \
	    CC=$(FUZZ_CC) CFLAGS="$(FUZZ_LIBFLAGS)" $@
endif

# machine_check() walks every page of the machine; its comparisons are
# no guide to new input and, traced, took three quarters of fuzz_replay's
# time.  The file must exist before anything is compiled.  The list
# names source files, so the library is built file by file (UNITY=0).
$(FUZZ_B)/cov-ignore.txt:
	@mkdir -p $(FUZZ_B)
	echo 'src:*kernel/kcheck.c' >$@

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c \
    $(FUZZ_B)/libkm.a
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE $(WARN) -Werror $(FUZZ_LIBFLAGS) \
	    $(FUZZ_LDFLAGS) -I$(FUZZ_B) -o $@ $< tests/fuzz/fuzz_common.c \
	    $(FUZZ_B)/libkm.a $(LIBS)

fuzz-build: $(FUZZ_BINS)

# Run every target for $(1) seconds; stop at the first that fails.
define fuzz_all
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_WORK)/$$t/corpus $(FUZZ_WORK)/$$t/crashes && \
	    echo "fuzz_$$t: $(1) s" && \
	    (cd $(FUZZ_WORK)/$$t && $(CURDIR)/$(FUZZ_B)/fuzz_$$t \
	    $(FUZZ_OPTS) -max_total_time=$(1) -artifact_prefix=crashes/ \
	    corpus $(CURDIR)/tests/fuzz/corpus/$$t) || exit 1; \
	done
endef

fuzz: fuzz-build
	$(call fuzz_all,$(FUZZ_SECONDS))

# The smoke run is deterministic, so that CI sees what a developer saw:
# a fixed seed, a fixed number of runs, from the seed corpus alone.
FUZZ_SMOKE_RUNS	?= 20000
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    runs=$(FUZZ_SMOKE_RUNS); \
	    [ $$t = replay ] && runs=$$(( $(FUZZ_SMOKE_RUNS) / 50 )); \
	    rm -rf $(FUZZ_WORK)/smoke-$$t && \
	    mkdir -p $(FUZZ_WORK)/smoke-$$t/corpus \
	        $(FUZZ_WORK)/smoke-$$t/crashes && \
	    echo "fuzz_$$t: $$runs runs, seed 1" && \
	    (cd $(FUZZ_WORK)/smoke-$$t && $(CURDIR)/$(FUZZ_B)/fuzz_$$t \
	    $(FUZZ_OPTS) -seed=1 -runs=$$runs -artifact_prefix=crashes/ \
	    corpus $(CURDIR)/tests/fuzz/corpus/$$t) || exit 1; \
	done
