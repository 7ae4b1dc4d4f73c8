/*
 * cmd_matrix.c: kmbench matrix, every combination of strategies,
 * machines, traces and repetitions, run by parallel worker processes
 * that each store their cases (WAL and a busy timeout let them queue).
 * A case already stored for this commit and these inputs is skipped;
 * --force runs every case again as further repetitions, numbered after
 * the last this build stored, so that a case key is still stored once
 * and two forced runs of one binary can be compared (an A/A test).  SIGINT or SIGTERM stops new
 * cases; finished cases stay, a case cut short leaves nothing.  A worker
 * that fails or dies (killed, say) is reported in one line naming its
 * case; the others go on, and the matrix exits 1.  A store that fails
 * (a full disk, an I/O error) stops the matrix at once: one line names
 * the store and the error.  Workers die with the matrix
 * (PR_SET_PDEATHSIG), so a killed matrix leaves none storing behind it.
 * --list runs nothing: it prints each case as the line kmbench case
 * runs (caseline.h), for an engine that spreads them over machines.
 * --sweep (sweep.h) multiplies the cases by the points of each sweep
 * that applies to their strategy; a point is --set assignments more.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/store.h"
#include "../kernel/kprobe.h"
#include "../strategies/strategy.h"
#include "case.h"
#include "caseline.h"
#include "commands.h"
#include "numopt.h"
#include "sweep.h"
#include "tracehold.h"

#define MAXLIST	256
#define MAXCASES	200000	/* a matrix, a list: jobs held in memory */
#define MAXJOBS	1000	/* --jobs */

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{

	(void)sig;
	stopping = 1;
}

/*
 * Split a comma-separated LIST (of option --OPT) into V (pointers into
 * LIST).  A name given twice is kept once, with a warning: it would
 * only run the same cases again.
 */
static int
split(char *list, char **v, int max, const char *opt)
{
	int n = 0, i;
	char *p;

	for (p = strtok(list, ","); p != NULL && n < max;
	    p = strtok(NULL, ",")) {
		if (*p == '\0')
			continue;
		for (i = 0; i < n && strcmp(v[i], p) != 0; i++)
			continue;
		if (i < n) {
			fprintf(stderr, "kmbench matrix: --%s: '%s' given more "
			    "than once; its cases run once\n", opt, p);
			continue;
		}
		v[n++] = p;
	}
	return n;
}

/* Every profile in the machines directory, in machines_list()'s order. */
static int
all_machines(char **v, int max)
{

	return machines_list(v, max);
}

struct job {
	struct case_spec cs;
	char		 key[65];
	const char	*machine;
	int		 skip;
	const char	*sets[CASE_MAXSETS];	/* the --set applied */
	size_t		 nsets;
	size_t		 nswept;	/* the last of them: --sweep's */
};

/*
 * What a worker tells the matrix of its last case, in memory shared
 * with it (a slot per worker): its one-line message, and whether the
 * case was stored already (by another matrix) when it came to store it.
 */
struct wslot {
	int		 ws_already;
	char		 ws_msg[1024];
	char		 ws_warn[1024];	/* the trace reader's warning */
};

/*
 * A worker process: it runs case after case, each given by its index
 * in the job array on w_cmd, into a store connection of its own that
 * stays open, and answers each with the case's status on w_res.  A
 * process per case cost a fork(), the first touch of a fresh heap and
 * the opening of the store, and closing the last connection made
 * SQLite checkpoint, fdatasync and make a new -wal and -shm for the
 * next case: about 9 ms a case in all on the 2-core VM of
 * docs/replay-speed.md.  Nothing of a case outlives it in the worker
 * but glibc's heap: the kernel keeps no global state.
 */
struct worker {
	pid_t		 w_pid;		/* 0: none */
	int		 w_cmd;		/* job indexes to it */
	int		 w_res;		/* their statuses from it */
	int		 w_job;		/* the one it runs; -1: idle */
};

/* A worker's loop: what it reads on CMD until that closes. */
static void
worker_main(int cmd, int res, struct job *jv, struct wslot *ws,
    const char *db, int64_t run_id)
{
	struct store st;
	int open = 0, k, wrc;

	/* Its cases come a trace at a time: read each file once. */
	tracehold_enable(TRACEHOLD_MAX);
	while (read(cmd, &k, sizeof(k)) == (ssize_t)sizeof(k)) {
		memset(ws, 0, sizeof(*ws));
		if (!open && store_open(&st, db, ws->ws_msg,
		    sizeof(ws->ws_msg)) != 0)
			wrc = CASE_ESTORE;
		else {
			open = 1;
			wrc = case_run(&jv[k].cs, CR_NONE, stdout, &st, run_id,
			    ws->ws_msg, sizeof(ws->ws_msg));
			ws->ws_already = jv[k].cs.cs_already;
			memcpy(ws->ws_warn, jv[k].cs.cs_warning,
			    sizeof(ws->ws_warn));
		}
		if (write(res, &wrc, sizeof(wrc)) != (ssize_t)sizeof(wrc))
			break;
	}
	if (open)
		store_close(&st);
	_exit(0);
}

/* Start worker I of WV: 0, or -1 with errno. */
static int
worker_start(struct worker *wv, int n, int i, struct job *jv,
    struct wslot *ws, const char *db, int64_t run_id, pid_t parent)
{
	struct worker *w = &wv[i];
	int cmd[2], res[2], x;

	if (pipe(cmd) != 0)
		return -1;
	if (pipe(res) != 0) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	if ((w->w_pid = fork()) < 0) {
		w->w_pid = 0;
		close(cmd[0]);
		close(cmd[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (w->w_pid == 0) {
		/*
		 * Die with the matrix: a worker left running after it is
		 * killed would store its case behind a rerun's back.  The
		 * matrix may have died before prctl: then it is gone
		 * already.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
		    getppid() != parent)
			_exit(1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		/* The other workers' pipes would hide their ends. */
		for (x = 0; x < n; x++)
			if (x != i && wv[x].w_pid != 0) {
				close(wv[x].w_cmd);
				close(wv[x].w_res);
			}
		close(cmd[1]);
		close(res[0]);
		worker_main(cmd[0], res[1], jv, ws, db, run_id);
	}
	close(cmd[0]);
	close(res[1]);
	w->w_cmd = cmd[1];
	w->w_res = res[0];
	w->w_job = -1;
	return 0;
}

/* Give job K to W: 0, or -1 if it is gone. */
static int
worker_give(struct worker *w, int k)
{
	ssize_t n;

	while ((n = write(w->w_cmd, &k, sizeof(k))) < 0 && errno == EINTR)
		continue;
	if (n != (ssize_t)sizeof(k))
		return -1;
	w->w_job = k;
	return 0;
}

/* W's status for its case: 0, or -1 if it died instead. */
static int
worker_result(struct worker *w, int *wrc)
{
	ssize_t n;

	while ((n = read(w->w_res, wrc, sizeof(*wrc))) < 0 && errno == EINTR)
		continue;
	return n == (ssize_t)sizeof(*wrc) ? 0 : -1;
}

/* Close W's pipes and wait for it to end; how it ended in STATUS. */
static void
worker_reap(struct worker *w, int *status)
{
	int st = 0;

	if (w->w_pid == 0)
		return;
	close(w->w_cmd);
	close(w->w_res);
	while (waitpid(w->w_pid, &st, 0) < 0 && errno == EINTR)
		continue;
	if (status != NULL)
		*status = st;
	w->w_pid = 0;
	w->w_job = -1;
}

/* The stored figure NAME of the newest case with KEY, or -1. */
static double
stored_figure(struct sqlite3 *db, const char *key, const char *name)
{
	sqlite3_stmt *s;
	double v = -1;

	if (sqlite3_prepare_v2(db, "SELECT r.value FROM result r JOIN "
	    "\"case\" c ON c.id = r.case_id WHERE c.key = ? AND r.name = ? "
	    "ORDER BY c.id DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* One line a case, from the store, as run --brief prints it. */
static void
print_table(const char *db, const struct job *jv, int total, int swept)
{
	static const char *const errs[] = {
		"errors.EMFILE", "errors.ENFILE", "errors.ENOMEM",
		"errors.EBADF", "errors.EAGAIN"
	};
	struct store st;
	char err[1024], outcome[48];
	const char *base;
	double refused;
	int k, e;

	if (store_open(&st, db, err, sizeof(err)) != 0)
		return;
	printf("%-11s %-10s %-20s %-24s %9s %9s %5s %11s%s\n", "strategy",
	    "machine", "trace", "outcome", "max_fds", "refused", "hung",
	    "kmem_map pk", swept ? "  sweep" : "");
	for (k = 0; k < total; k++) {
		const struct job *j = &jv[k];
		double pe = stored_figure(st.st_db, j->key, "panic_event");

		if (stored_figure(st.st_db, j->key, "events") < 0)
			continue;	/* not stored: failed or interrupted */
		if (pe > 0)
			snprintf(outcome, sizeof(outcome), "panic at event %.0f",
			    pe);
		else
			snprintf(outcome, sizeof(outcome), "survived");
		for (refused = 0, e = 0; e < 5; e++)
			refused += stored_figure(st.st_db, j->key, errs[e]);
		base = strrchr(j->cs.cs_trace, '/');
		printf("%-11s %-10s %-20.20s %-24s %9.0f %9.0f %5.0f %5.0f/%-5llu",
		    j->cs.cs_strategy->s_name, j->machine,
		    base ? base + 1 : j->cs.cs_trace, outcome,
		    stored_figure(st.st_db, j->key, "max_fds"), refused,
		    stored_figure(st.st_db, j->key, "hung"),
		    stored_figure(st.st_db, j->key, "kmem_map.peak_pages"),
		    (unsigned long long)profile_nkmempages(&j->cs.cs_prof));
		/* The swept values of the case. */
		for (e = (int)(j->nsets - j->nswept); e < (int)j->nsets; e++)
			printf(" %s%s", e == (int)(j->nsets - j->nswept) ?
			    " " : "", j->sets[e]);
		putchar('\n');
	}
	store_close(&st);
}

static void
progress(int tty, int done, int total, const struct job *j, const char *what)
{

	if (!tty)
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %s %s %s rep %d: %s", done, total,
	    j->cs.cs_strategy->s_name, j->machine, j->cs.cs_trace,
	    j->cs.cs_rep, what);
	if (done == total)
		fputs("\r\033[K", stderr);
}

/*
 * One line naming the case of a worker that failed or died: nothing of
 * it is stored, and a rerun without --force runs it again.
 */
static void
report_failed(int tty, const struct job *j, int status, const char *msg)
{
	char why[1100];

	if (WIFEXITED(status) && msg[0] != '\0')
		snprintf(why, sizeof(why), "%s", msg);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "worker killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why), "worker exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	fprintf(stderr, "%skmbench matrix: case %s %s %s rep %d not stored: "
	    "%s\n", tty ? "\r\033[K" : "", j->cs.cs_strategy->s_name,
	    j->machine, j->cs.cs_trace, j->cs.cs_rep, why);
}

/*
 * --force: shift every job's repetition past the last one this build
 * stored (every case of it, whatever its inputs: numbers are labels,
 * and one offset for all keeps the reps of a run together), and name
 * its key anew.
 */
static int
renumber_reps(struct store *st, struct job *jv, int total, char *err,
    size_t errlen)
{
	int next, k;

	if (store_next_rep(st, &next, err, errlen) != 0)
		return -1;
	for (k = 0; k < total; k++) {
		jv[k].cs.cs_rep += next;
		if (case_key(&jv[k].cs, jv[k].key, NULL, 0, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Whether warning W was printed already; if not, it is noted. */
static int
warned(const char *w)
{
	static char *seen[MAXLIST];
	static int nseen;
	int i;

	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i], w) == 0)
			return 1;
	if (nseen < MAXLIST && (seen[nseen] = strdup(w)) != NULL)
		nseen++;
	return 0;
}

/*
 * --list: each case as the line kmbench case runs (caseline.h), in the
 * order the matrix would run them.  Nothing is run or stored.
 */
static int
list_cases(struct job *jv, int total)
{
	char inputs[2048], line[16384], err[1024];
	int k, rc = 0;

	for (k = 0; k < total && rc == 0; k++) {
		struct job *j = &jv[k];

		if (case_key(&j->cs, j->key, inputs, sizeof(inputs), err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "kmbench matrix: %s\n", err);
			rc = 2;
		} else if (caseline_format(&j->cs, j->machine, j->sets,
		    j->nsets, inputs, line, sizeof(line)) != 0) {
			fprintf(stderr, "kmbench matrix: case %s %s %s rep %d: "
			    "its line would be longer than %zu bytes\n",
			    j->cs.cs_strategy->s_name, j->machine,
			    j->cs.cs_trace, j->cs.cs_rep, sizeof(line));
			rc = 2;
		} else
			printf("%s\n", line);
	}
	if (fflush(stdout) != 0 && rc == 0) {
		perror("kmbench matrix: --list");
		rc = 1;
	}
	free(jv);
	return rc;
}

int
cmd_matrix(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strategies", required_argument, NULL, 's' },
		{ "machines", required_argument, NULL, 'm' },
		{ "traces", required_argument, NULL, 't' },
		{ "reps", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "set", required_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-latency", no_argument, NULL, 'L' },
		{ "list", no_argument, NULL, 'l' },
		{ "sweep", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	char *snames[MAXLIST], *mnames[MAXLIST], *tnames[MAXLIST];
	const char *sets[CASE_MAXSETS], *db = NULL;
	int ns = 0, nm = 0, nt = 0, nsets = 0, reps = 1, jobs = 1;
	int force = 0, latency = 1, c, i, k, total, running = 0, done = 0;
	int failed = 0, skipped = 0, tty = isatty(STDERR_FILENO), badinput = 0;
	int storefail = 0, raced = 0, list = 0, nsweeps = 0, rc = 2;
	static struct sweep sweeps[SWEEP_MAX];
	const struct strategy *sv[MAXLIST];
	long long ntotal;
	struct wslot *slots;
	struct worker *wv;
	int restarts = 0;
	struct job *jv;
	pid_t parent;
	struct store st;
	int64_t run_id;
	char err[1024];
	uint64_t num;
	struct sigaction sa;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': ns = split(optarg, snames, MAXLIST, "strategies");
			break;
		case 'm': nm = split(optarg, mnames, MAXLIST, "machines");
			break;
		case 't': nt = split(optarg, tnames, MAXLIST, "traces");
			break;
		case 'd': db = optarg; break;
		case 'f': force = 1; break;
		case 'L': latency = 0; break;
		case 'l': list = 1; break;
		case 'w':
			if (nsweeps == SWEEP_MAX) {
				fprintf(stderr, "kmbench matrix: more than %d "
				    "--sweep\n", SWEEP_MAX);
				goto sweepbad;
			}
			if (sweep_parse(optarg, &sweeps[nsweeps], err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "kmbench matrix: %s\n", err);
				goto sweepbad;
			}
			for (i = 0; i < nsweeps; i++)
				if (strcmp(sweeps[i].sw_key,
				    sweeps[nsweeps].sw_key) == 0) {
					fprintf(stderr, "kmbench matrix: "
					    "--sweep %s given twice\n",
					    sweeps[i].sw_key);
					nsweeps++;
					goto sweepbad;
				}
			nsweeps++;
			break;
		case 'S':
			if (nsets == CASE_MAXSETS) {
				fprintf(stderr, "kmbench matrix: more than %d "
				    "--set\n", CASE_MAXSETS);
				goto sweepbad;
			}
			sets[nsets++] = optarg;
			break;
		case 'r':
		case 'j':
			/* strtol() and a cast took 4294967297 as 1. */
			if (numopt_uint("matrix", c == 'r' ? "reps" : "jobs",
			    optarg, 1, 1000, &num) != 0)
				goto sweepbad;
			if (c == 'r')
				reps = (int)num;
			else
				jobs = (int)num;
			break;
		default:
			bad_option("matrix", argv, optind);
			goto sweepbad;
		}
	}
	/* A key both set and swept: which value would be meant? */
	for (i = 0; i < nsweeps; i++)
		for (k = 0; k < nsets; k++) {
			size_t kl = strlen(sweeps[i].sw_key);

			if (strncmp(sets[k], sweeps[i].sw_key, kl) == 0 &&
			    sets[k][kl] == '=') {
				fprintf(stderr, "kmbench matrix: %s is both "
				    "--set and --sweep\n", sweeps[i].sw_key);
				goto sweepbad;
			}
		}
	if (nsets + nsweeps > CASE_MAXSETS) {
		fprintf(stderr, "kmbench matrix: more than %d --set and "
		    "--sweep together\n", CASE_MAXSETS);
		goto sweepbad;
	}
	for (; optind < argc && nt < MAXLIST; optind++) {
		for (i = 0; i < nt && strcmp(tnames[i], argv[optind]) != 0;
		    i++)
			continue;
		if (i < nt)
			fprintf(stderr, "kmbench matrix: trace '%s' given more "
			    "than once; its cases run once\n", argv[optind]);
		else
			tnames[nt++] = argv[optind];
	}
	if ((db == NULL && !list) || nt == 0) {
		fprintf(stderr, "kmbench matrix: needs --db FILE (or --list) "
		    "and at least one trace (--traces A,B or arguments)\n");
		goto sweepbad;
	}
	if (ns == 0)
		for (i = 0; strategies[i] != NULL && ns < MAXLIST; i++)
			snames[ns++] = (char *)strategies[i]->s_name;
	if (nm == 0 && (nm = all_machines(mnames, MAXLIST)) == 0) {
		fprintf(stderr, "kmbench matrix: no machine profiles in %s\n",
		    machines_dir());
		goto sweepbad;
	}
	/* Each strategy's cases: the product of the sweeps that apply. */
	for (ntotal = 0, i = 0; i < ns; i++) {
		long long n = (long long)nm * nt * reps;

		if ((sv[i] = strategy_lookup(snames[i])) == NULL) {
			fprintf(stderr, "kmbench matrix: unknown strategy '%s' "
			    "(kmbench strategies lists them)\n", snames[i]);
			goto sweepbad;
		}
		for (k = 0; k < nsweeps && n <= MAXCASES; k++)
			if (sweep_applies(&sweeps[k], sv[i]))
				n *= (long long)sweeps[k].sw_n;
		ntotal += n;
		if (ntotal > MAXCASES) {
			fprintf(stderr, "kmbench matrix: more than %d cases; "
			    "split the study (--list and several stores)\n",
			    MAXCASES);
			goto sweepbad;
		}
	}
	total = (int)ntotal;
	if ((jv = calloc((size_t)total, sizeof(*jv))) == NULL) {
		fprintf(stderr, "kmbench matrix: out of memory\n");
		rc = 1;
		goto sweepbad;
	}
	/* Build and check every case before running any. */
	k = 0;
	for (i = 0; i < ns * nm * nt; i++) {
		const struct strategy *s = sv[i % ns];
		const char *mn = mnames[(i / ns) % nm];
		const char *tn = tnames[i / (ns * nm)];
		struct profile pr;
		long long ncomb = 1, cb;
		int r, x;

		if (profile_load(&pr, machines_dir(), mn, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "kmbench matrix: %s\n", err);
			goto bad;
		}
		for (x = 0; x < nsweeps; x++)
			if (sweep_applies(&sweeps[x], s))
				ncomb *= (long long)sweeps[x].sw_n;
		for (cb = 0; cb < ncomb * reps; cb++, k++) {
			struct job *j = &jv[k];
			long long pt = cb / reps;

			r = (int)(cb % reps);

			case_init(&j->cs, s, &pr, tn);
			j->cs.cs_rep = r;
			j->cs.cs_latency = latency;
			j->cs.cs_keepwarning = 1;
			j->machine = mn;
			for (x = 0; x < nsets; x++) {
				const char *dot = strchr(sets[x], '.');

				/* Strategy settings go to their strategy. */
				if (dot != NULL && strchr(sets[x], '=') > dot &&
				    (strlen(s->s_name) != (size_t)(dot - sets[x]) ||
				    strncmp(sets[x], s->s_name,
				    (size_t)(dot - sets[x])) != 0))
					continue;
				if (case_set(&j->cs, sets[x], err,
				    sizeof(err)) != 0) {
					fprintf(stderr, "kmbench matrix: %s\n",
					    err);
					goto bad;
				}
				j->sets[j->nsets++] = sets[x];
			}
			/* This point of the sweeps, the first varying fastest. */
			for (x = 0; x < nsweeps; x++) {
				const struct sweep *sw = &sweeps[x];
				const char *a;

				if (!sweep_applies(sw, s))
					continue;
				a = sw->sw_sets[pt % (long long)sw->sw_n];
				pt /= (long long)sw->sw_n;
				if (case_set(&j->cs, a, err, sizeof(err)) != 0) {
					fprintf(stderr, "kmbench matrix: "
					    "--sweep %s\n", err);
					goto bad;
				}
				j->sets[j->nsets++] = a;
				j->nswept++;
			}
			/* The trace's digest is shared by its cases. */
			if (k > 0 && jv[k - 1].cs.cs_trace == tn)
				memcpy(j->cs.cs_sha256, jv[k - 1].cs.cs_sha256,
				    65);
			if (case_key(&j->cs, j->key, NULL, 0, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "kmbench matrix: %s\n", err);
				goto bad;
			}
		}
	}
	if (list) {
		rc = list_cases(jv, total);
		goto sweepdone;
	}
	if (store_open(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench matrix: %s\n", err);
		goto bad;
	}
	/* --force: the repetitions come after the last one stored. */
	if (force && renumber_reps(&st, jv, total, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench matrix: %s\n", err);
		store_close(&st);
		goto fail;
	}
	for (k = 0; k < total; k++) {
		int has = store_has_case(&st, jv[k].key, err, sizeof(err));

		if (has < 0) {
			fprintf(stderr, "kmbench matrix: %s\n", err);
			store_close(&st);
			goto fail;
		}
		jv[k].skip = has;
		skipped += jv[k].skip;
	}
	if (store_run(&st, "matrix", &run_id, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench matrix: %s\n", err);
		store_close(&st);
		goto fail;
	}
	store_close(&st);
	/* One message slot per worker, shared with it. */
	slots = mmap(NULL, (size_t)jobs * sizeof(*slots), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		perror("kmbench matrix: mmap");
		goto fail;
	}
	if ((wv = calloc((size_t)jobs, sizeof(*wv))) == NULL) {
		fprintf(stderr, "kmbench matrix: out of memory\n");
		munmap(slots, (size_t)jobs * sizeof(*slots));
		goto fail;
	}
	for (i = 0; i < jobs; i++)
		wv[i].w_job = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A worker that died is seen at its pipe's end, not by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fflush(NULL);
	done = skipped;
	parent = getpid();
	for (k = 0;;) {
		struct pollfd pfd[MAXJOBS];
		int np = 0;

		/* Each idle worker gets the next case (started if need be). */
		for (i = 0; i < jobs; i++) {
			struct worker *w = &wv[i];

			while (k < total && jv[k].skip)
				k++;
			if (stopping || storefail || k >= total)
				break;
			if (w->w_job >= 0)
				continue;
			if (w->w_pid == 0 && worker_start(wv, jobs, i, jv,
			    &slots[i], db, run_id, parent) != 0) {
				perror("kmbench matrix: fork");
				stopping = 1;
				failed++;
				break;
			}
			if (worker_give(w, k) != 0) {
				/* It died idle: another takes its place. */
				worker_reap(w, NULL);
				if (++restarts > 8) {
					fprintf(stderr, "kmbench matrix: "
					    "workers die before their cases; "
					    "stopped\n");
					stopping = 1;
					failed++;
					break;
				}
				i--;
				continue;
			}
			running++;
			progress(tty, done, total, &jv[k], "running");
			k++;
		}
		if (running == 0)
			break;
		for (i = 0; i < jobs; i++)
			if (wv[i].w_job >= 0) {
				pfd[np].fd = wv[i].w_res;
				pfd[np].events = POLLIN;
				np++;
			}
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("kmbench matrix: poll");
			break;
		}
		for (i = 0, np = 0; i < jobs; i++) {
			struct worker *w = &wv[i];
			struct wslot *ws;
			struct job *j;
			int status, wrc, ok, code;

			if (w->w_job < 0 || pfd[np++].revents == 0)
				continue;
			j = &jv[w->w_job];
			if (worker_result(w, &wrc) == 0)
				status = W_EXITCODE(wrc, 0);
			else	/* it died in its case: how, from wait */
				worker_reap(w, &status);
			w->w_job = -1;
			running--;
			done++;
			ws = &slots[i];
			ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
			code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			if (ok && ws->ws_already)
				raced++;
			/* A trace's warning once, not once a case. */
			if (ws->ws_warn[0] != '\0' && !warned(ws->ws_warn)) {
				fprintf(stderr, "%swarning: %s\n",
				    tty ? "\r\033[K" : "", ws->ws_warn);
			}
			if (!ok)
				failed++;
			if (code == CASE_ESTORE) {
				/*
				 * The store failed: the next case would fail
				 * the same way.  Say so once, and stop.
				 */
				if (!storefail)
					fprintf(stderr, "%skmbench matrix: %s; "
					    "stopped (the cases stored are "
					    "whole; a rerun runs the rest)\n",
					    tty ? "\r\033[K" : "",
					    ws->ws_msg[0] != '\0' ? ws->ws_msg :
					    db);
				storefail = 1;
			} else if (!ok)
				report_failed(tty, j, status, ws->ws_msg);
			/* A malformed trace is bad input: status 2. */
			if (code == 2)
				badinput = 1;
			progress(tty, done, total, j, ok ? "stored" :
			    "FAILED");
		}
	}
	/* The workers see their pipes close, close their stores and end. */
	for (i = 0; i < jobs; i++)
		worker_reap(&wv[i], NULL);
	free(wv);
	munmap(slots, (size_t)jobs * sizeof(*slots));
	print_table(db, jv, total, nsweeps > 0);
	fflush(stdout);
	fprintf(stderr, "kmbench matrix: %d cases: %d run, %d already "
	    "stored, %d failed%s; run %lld in %s\n", total,
	    done - skipped - failed - raced, skipped + raced, failed,
	    storefail ? ", stopped" : stopping ? ", interrupted" : "",
	    (long long)run_id, db);
	free(jv);
	rc = storefail ? 1 : stopping ? 130 : badinput ? 2 : failed ? 1 : 0;
	goto sweepdone;
fail:
	free(jv);
	rc = 1;
	goto sweepdone;
bad:
	free(jv);
	rc = 2;
sweepbad:
sweepdone:
	for (i = 0; i < nsweeps; i++)
		sweep_free(&sweeps[i]);
	return rc;
}
