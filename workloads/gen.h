/*
 * gen.h: workload generators, which write synthetic kmtrace files.
 *
 * A generator is a name, a one-line summary, a table of integer
 * parameters with defaults, and an iterator: each call of its step
 * function appends the next few events (in time order) to a small
 * queue.  gen_write() drains the queue into a kmtrace writer; the
 * under-attack generator merges the queues of others by time.  Every
 * generator is a pure function of its parameters: randomness comes
 * from gen_rng, seeded by the parameter "seed", never from rand() or
 * the clock.
 */
#ifndef KM_GEN_H
#define KM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "kmtrace.h"
#include "kmtrace_write.h"

#define GEN_MAXPARAMS	32	/* parameters of one generator */
#define GEN_STEP_MAX	64	/* events one step may append */

/* One parameter: an integer, or one of a list of words (0, 1, ...). */
struct gen_param {
	const char		*gp_name;
	int64_t			 gp_def;
	int64_t			 gp_min;
	int64_t			 gp_max;
	const char *const	*gp_words;	/* NULL-terminated, or NULL */
	const char		*gp_doc;
};

/* The events of one step, and those not yet taken. */
struct gen_out {
	struct kmt_event	 o_ev[GEN_STEP_MAX];
	size_t			 o_head, o_n;
	int			 o_overflow;	/* a step appended too many */
};

struct gen {
	const char		*g_name;
	const char		*g_summary;
	const struct gen_param	*g_params;
	size_t			 g_nparams;
	/* Checks across parameters: 0, or -1 with a message; may be NULL. */
	int			(*g_check)(const int64_t *v, char *err,
				    size_t errlen);
	/* How many PIDs from parameter "pid" on it uses (0: no "pid"). */
	uint64_t		(*g_npids)(const int64_t *v);
	/* Its state for parameter values V, or NULL (out of memory). */
	void			*(*g_new)(const int64_t *v);
	/*
	 * Append the next events to OUT; returns 1 to be called again, 0
	 * when it has finished (after appending its last events, if any),
	 * -1 on failure (out of memory).
	 */
	int			(*g_step)(void *st, struct gen_out *out);
	void			(*g_free)(void *st);
};

/* Every generator, in the order kmbench gen --help lists them. */
extern const struct gen *const gen_all[];
extern const size_t gen_nall;

extern const struct gen gen_pr14721;
extern const struct gen gen_fd_server;
extern const struct gen gen_fork_server;
extern const struct gen gen_amap_storm;
extern const struct gen gen_heap_growth;
extern const struct gen gen_intr_load;
extern const struct gen gen_under_attack;

const struct gen *gen_find(const char *name);

/* Index of parameter NAME of G, or -1. */
int	gen_param_index(const struct gen *g, const char *name);

/* Set V to the defaults of G's parameters. */
void	gen_defaults(const struct gen *g, int64_t *v);

/*
 * Set one parameter from "K=V".  Returns 0, or -1 with a one-line
 * message naming the parameter (unknown, or a bad value) in ERR.
 */
int	gen_set(const struct gen *g, int64_t *v, const char *kv, char *err,
	    size_t errlen);

/* "2000", or the word of a word parameter, into BUF. */
void	gen_format(const struct gen_param *p, int64_t val, char *buf,
	    size_t buflen);

/* The checks across parameters (including the PID range): 0 or -1. */
int	gen_check(const struct gen *g, const int64_t *v, char *err,
	    size_t errlen);

/*
 * Write G's trace for parameter values V through W: the headers
 * "@ source gen NAME", "@ command kmbench gen NAME --param K=V ...",
 * "@ seed N", then the events.  Returns 0, or -1 with a message in ERR
 * (a write failed, memory ran out, or an event was refused).
 */
int	gen_write(const struct gen *g, const int64_t *v,
	    struct kmt_writer *w, char *err, size_t errlen);

/*
 * Helpers of the generators.
 */

/* A small deterministic PRNG (splitmix64). */
struct gen_rng {
	uint64_t	gr_s;
};

void	 gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, N); N > 0. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);
/* Uniform in [0, 1). */
double	 gen_rng_unit(struct gen_rng *r);
/* Exponential with mean MEAN, rounded, at least 1. */
uint64_t gen_rng_exp(struct gen_rng *r, double mean);
/* Log-normal (sigma 1) with mean MEAN, rounded, at least 1. */
uint64_t gen_rng_lognormal(struct gen_rng *r, double mean);

/*
 * Append one event to OUT (a cleared event with time, PID and op set),
 * or NULL when the step has appended GEN_STEP_MAX already (OUT is then
 * marked and gen_write fails).
 */
struct kmt_event *gen_ev(struct gen_out *out, uint64_t t, uint32_t pid,
	    enum kmt_op op);

void	gen_spawn(struct gen_out *, uint64_t t, uint32_t pid);
void	gen_fork(struct gen_out *, uint64_t t, uint32_t pid, uint32_t child);
void	gen_exit(struct gen_out *, uint64_t t, uint32_t pid);
void	gen_sysctl_maxfiles(struct gen_out *, uint64_t t, uint32_t pid,
	    uint64_t n);
void	gen_limit_nofile(struct gen_out *, uint64_t t, uint32_t pid,
	    uint64_t n);
void	gen_open(struct gen_out *, uint64_t t, uint32_t pid, uint32_t fd);
void	gen_dup(struct gen_out *, uint64_t t, uint32_t pid, uint32_t oldfd,
	    uint32_t fd);
void	gen_close(struct gen_out *, uint64_t t, uint32_t pid, uint32_t fd);
void	gen_map(struct gen_out *, uint64_t t, uint32_t pid, const char *id,
	    uint64_t npages);
/* All of ID when NPAGES is 0. */
void	gen_touch(struct gen_out *, uint64_t t, uint32_t pid, const char *id,
	    uint64_t off, uint64_t npages);
void	gen_grow(struct gen_out *, uint64_t t, uint32_t pid, const char *id,
	    uint64_t npages);
/* All of ID when NPAGES is 0. */
void	gen_unmap(struct gen_out *, uint64_t t, uint32_t pid, const char *id,
	    uint64_t off, uint64_t npages);
void	gen_kmalloc(struct gen_out *, uint64_t t, uint32_t pid,
	    const char *id, uint64_t size, const char *type, int flags);
void	gen_kfree(struct gen_out *, uint64_t t, uint32_t pid, const char *id);

/* PREFIX followed by N in decimal, into BUF (at least 32 bytes). */
void	gen_id(char *buf, const char *prefix, uint64_t n);

/*
 * A binary min-heap of (time, key) pairs, ordered by time and then key,
 * so that ties come out the same way every time.
 */
struct gen_heap_ent {
	uint64_t	he_time;
	uint64_t	he_key;
};

struct gen_heap {
	struct gen_heap_ent	*h_ent;
	size_t			 h_n, h_cap;
};

int	gen_heap_push(struct gen_heap *h, uint64_t t, uint64_t key);
/* The least entry; the heap must not be empty. */
struct gen_heap_ent gen_heap_pop(struct gen_heap *h);
void	gen_heap_free(struct gen_heap *h);

#endif /* KM_GEN_H */
