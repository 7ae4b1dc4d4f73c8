/*
 * kmtest.h: what the tests share: replaying a trace written in the test
 * on a booted machine, and running the kmbench command.
 */
#ifndef KM_KMTEST_H
#define KM_KMTEST_H

#include <stddef.h>
#include <stdio.h>

#include "../kernel/machine.h"
#include "../runner/replay.h"

struct kmcase {
	struct machine	*m;
	struct replay	 r;
	int		 rc;		/* replay_run's result */
	char		 err[1024];
	char		 path[256];	/* the trace file */
};

/* Write TEXT to a new temporary file named *SUFFIX; returns its path
 * (static storage of the caller's PATH buffer of PATHLEN). */
void	kmtest_write(char *path, size_t pathlen, const char *suffix,
	    const char *text);
/*
 * A new temporary file /tmp/kmtest-STEM-XXXXXX, open for writing (its
 * path in PATH): for a trace written line by line.  Criterion-asserts.
 */
FILE	*kmtest_create(char *path, size_t pathlen, const char *stem);
/*
 * Write, as kmtest_write() does, a trace of one process that opens
 * descriptors 3 to LAST at times 3 to LAST under RLIMIT_NOFILE LIMIT,
 * then exits at time 100.
 */
void	kmtest_write_opens(char *path, size_t pathlen, int last, int limit);

/*
 * Boot MACHINE (a profile in machines/) with the NULL-terminated SETS
 * ("KEY=VALUE", or "STRATEGY.KEY=VALUE") under STRATEGY, and replay
 * TRACE (the text of a kmtrace file).  Criterion-asserts that the
 * machine boots; the replay's result is in C->rc.
 */
void	kmcase_run(struct kmcase *c, const char *strategy, const char *machine,
	    const char *const *sets, const char *trace);
/* The same, for a trace already in file PATH (which is not removed). */
void	kmcase_runfile(struct kmcase *c, const char *strategy,
	    const char *machine, const char *const *sets, const char *path);
void	kmcase_free(struct kmcase *c);

/* The process record of PID in a replayed case (asserted to exist). */
struct rproc *kmcase_proc(struct kmcase *c, uint32_t pid);
/* The statistics of malloc type NAME (asserted to exist). */
struct kmemstats *kmcase_type(struct kmcase *c, const char *name);
/* The pool named NAME (asserted to exist). */
struct pool *kmcase_pool(struct kmcase *c, const char *name);

/* A booted machine without a replay, for tests of the mechanisms. */
struct machine *kmtest_boot(const char *strategy, const char *machine,
	    const char *const *sets);

/*
 * Run "$KMBENCH ARGS" through the shell; the exit status is returned,
 * stdout and stderr are in *OUT and *ERR (malloc'ed, NUL-terminated).
 */
int	kmtest_cmd(const char *args, char **out, char **err);
/* The same with the kmbench binary BIN. */
int	kmtest_cmd_bin(const char *bin, const char *args, char **out,
	    char **err);

/* The rest of F (malloc'ed, NUL-terminated). */
char	*kmtest_slurp(FILE *f);
/* The contents of file NAME in directory DIR (malloc'ed); asserts. */
char	*kmtest_read(const char *dir, const char *name);
/* The lines of S: its newlines. */
int	kmtest_nlines(const char *s);
/*
 * Run the shell command FMT, ... in directory DIR, with $KB naming the
 * kmbench binary ($KMBENCH); its exit status (128 when killed).
 */
int	kmtest_sh(const char *dir, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

struct kmt_event;

/*
 * A fresh temporary path ending in SUFFIX (not created), at most 16 at
 * once; kmtest_tmpclean() removes them all (a suite's .fini).
 */
const char *kmtest_tmppath(const char *suffix);
void	kmtest_tmpclean(void);
/* Assert every field of A and B the same, ke_line too if LINES. */
void	kmtest_same_event(const struct kmt_event *a,
	    const struct kmt_event *b, int lines);
/* EV as a trace line "[TIME ]PID OP ARGS\n" into BUF. */
void	kmtest_event_text(const struct kmt_event *ev, int withtime,
	    char *buf, size_t len);
/* Every event of the trace at PATH as such lines (malloc'ed). */
char	*kmtest_trace_text(const char *path, int withtime);
/* Assert that the trace at PATH replays (panic-only, i386-64M). */
void	kmtest_replays(const char *path);

/* The directory of the test data (tests/data). */
const char *kmtest_data(void);
/* The top of the source tree. */
const char *kmtest_src(void);

#endif /* KM_KMTEST_H */
