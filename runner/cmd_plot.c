/*
 * cmd_plot.c: kmbench plot [--db FILE] [--out DIR] [--format LIST]
 * [--trace LIST] [--machine NAME] [--strategies LIST]: exports the
 * store's figures as TSV files under DIR/data (export.c) and draws each
 * figure with its gnuplot script from plots/ as PNG, SVG and 72-column
 * text (docs/plots.md says what each shows): an outcome grid for every
 * trace shown, the single-trace figures for the featured traces
 * (select.h), latency and history for the headline trace and machine.
 * A figure whose data the store lacks is skipped with a note.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/store.h"
#include "cmd_plot.h"
#include "commands.h"
#include "export.h"
#include "select.h"

#define FIG_MAXDEFS	16

/* A figure to draw: its script, its outputs' name, its definitions. */
struct fig {
	char		 f_script[PATH_MAX];
	char		 f_name[256];
	char		*f_defs[FIG_MAXDEFS];	/* NAME="VALUE", without fmt, out */
	int		 f_ndefs;
	int		 f_failed;
};

struct plotopt {
	const char	*po_out;
	char		 po_data[PATH_MAX];
	const char	*po_dir;		/* the scripts */
	int		 po_fmt[3];		/* png, svg, txt */
	int		 po_drawn;
	int		 po_skipped;
	struct fig	*po_figs;		/* to draw, in order */
	int		 po_nfigs, po_capfigs;
};

static const char *const fmtnames[3] = { "png", "svg", "txt" };

const char *
plots_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("KMBENCH_PLOTS");
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 16);
	if (n > 0) {
		dir[n] = '\0';
		if ((slash = strrchr(dir, '/')) != NULL) {
			strcpy(slash + 1, "plots");
			if (access(dir, R_OK) == 0)
				return dir;
		}
	}
	return "plots";
}

int
plot_mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* 1 when an executable NAME is on $PATH. */
static int
onpath(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[PATH_MAX];

	if (path == NULL)
		path = "/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p),
		    e == p ? "." : p, name);
		if (e == p)
			snprintf(buf, sizeof(buf), "./%s", name);
		if (access(buf, X_OK) == 0)
			return 1;
		if (*e == '\0')
			return 0;
	}
}

/* NAME="VALUE" for gnuplot -e, with \ and " escaped. */
static void
gpdef(char *buf, size_t len, const char *name, const char *value)
{
	size_t n;

	n = (size_t)snprintf(buf, len, "%s=\"", name);
	for (; *value != '\0' && n + 4 < len; value++) {
		if (*value == '"' || *value == '\\')
			buf[n++] = '\\';
		buf[n++] = *value;
	}
	if (n + 2 > len)
		n = len - 2;
	buf[n++] = '"';
	buf[n] = '\0';
}

/* The first line of gnuplot's complaint in F: the one naming a line
 * of a script, else the first that is not blank. */
static void
firsterr(FILE *f, char *msg, size_t len)
{
	char line[1024];
	int got = 0;

	*msg = '\0';
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '"' && strstr(line, " line ") != NULL) {
			snprintf(msg, len, "%s", line);
			return;
		}
		if (!got && line[strspn(line, " \t^")] != '\0') {
			snprintf(msg, len, "%s", line + strspn(line, " \t"));
			got = 1;
		}
	}
	if (!got)
		snprintf(msg, len, "no message");
}

/* A gnuplot started by gnuplot_start(), its complaints going to gr_err. */
struct gprun {
	pid_t		 gr_pid;
	FILE		*gr_err;
	const char	*gr_script;
};

/*
 * Start gnuplot on SCRIPT with the definitions DEFS[0..N-1] (copied
 * into the child: the caller may reuse them at once).  0, or -1 with
 * the reason on stderr.
 */
static int
gnuplot_start(struct gprun *gr, const char *script, char **defs, int n)
{
	char *argv[2 * 16 + 3];
	int i, k = 0, fd;

	argv[k++] = "gnuplot";
	for (i = 0; i < n && i < 16; i++) {
		argv[k++] = "-e";
		argv[k++] = defs[i];
	}
	argv[k++] = (char *)script;
	argv[k] = NULL;
	gr->gr_script = script;
	if ((gr->gr_err = tmpfile()) == NULL) {
		fprintf(stderr, "kmbench plot: temporary file: %s\n",
		    strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((gr->gr_pid = fork()) == -1) {
		fprintf(stderr, "kmbench plot: fork: %s\n", strerror(errno));
		fclose(gr->gr_err);
		return -1;
	}
	if (gr->gr_pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		dup2(fileno(gr->gr_err), 2);
		execvp("gnuplot", argv);
		fprintf(stderr, "cannot run gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	return 0;
}

/*
 * Wait for GR's gnuplot.  0, or -1 with its first complaint on stderr
 * (unless QUIET).
 */
static int
gnuplot_wait(struct gprun *gr, int quiet)
{
	char msg[1024];
	int status;

	while (waitpid(gr->gr_pid, &status, 0) == -1)
		if (errno != EINTR) {
			fprintf(stderr, "kmbench plot: waitpid: %s\n",
			    strerror(errno));
			fclose(gr->gr_err);
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		fclose(gr->gr_err);
		return 0;
	}
	firsterr(gr->gr_err, msg, sizeof(msg));
	fclose(gr->gr_err);
	if (quiet)
		return -1;
	if (WIFSIGNALED(status))
		fprintf(stderr, "kmbench plot: gnuplot %s: killed by signal "
		    "%d\n", gr->gr_script, WTERMSIG(status));
	else
		fprintf(stderr, "kmbench plot: gnuplot %s failed: %s\n",
		    gr->gr_script, msg);
	return -1;
}

/*
 * Tidy a text plot: gnuplot's dumb terminal starts each page with a
 * form feed and pads every line with blanks; drop both, and the blank
 * lines at the end.  0 or -1.
 */
static int
tidytext(const char *path)
{
	char *buf = NULL, *p, *q, *line;
	size_t cap = 0, len, keep;
	FILE *f;
	int rc = 0, wrote;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	len = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
		}
		keep = fread(buf + len, 1, 4096, f);
		len += keep;
		if (keep == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	if ((f = fopen(path, "w")) == NULL) {
		free(buf);
		return -1;
	}
	/* Write each line without trailing blanks, holding back blank
	 * lines until something follows them. */
	keep = 0;
	wrote = 0;
	for (line = buf; line != NULL && *line != '\0'; line = q) {
		if ((q = strchr(line, '\n')) != NULL)
			*q++ = '\0';
		while (*line == '\f')
			line++;
		for (p = line + strlen(line); p > line &&
		    (p[-1] == ' ' || p[-1] == '\r' || p[-1] == '\f'); p--)
			;
		*p = '\0';
		if (*line == '\0') {
			keep += wrote;
			continue;
		}
		wrote = 1;
		for (; keep > 0; keep--)
			fputc('\n', f);
		fprintf(f, "%s\n", line);
	}
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	free(buf);
	return rc;
}

/*
 * One figure: RC is its export's result (WHY its note), SCRIPT its
 * script in plots/, NAME the file name of its outputs, VARS its own
 * definitions (name, value, ..., NULL).  It is queued, and drawn with
 * the others by draw_all().  0, or -1 when out of memory.
 */
static int
figure(struct plotopt *po, int rc, const char *why, const char *script,
    const char *name, const char *const *vars)
{
	char def[PATH_MAX + 64];
	struct fig *fg;
	int i;

	if (rc == 0) {
		fprintf(stderr, "kmbench plot: skipping %s: %s\n", name, why);
		po->po_skipped++;
		return 0;
	}
	if (po->po_nfigs == po->po_capfigs) {
		int n = po->po_capfigs ? 2 * po->po_capfigs : 32;
		struct fig *nf = realloc(po->po_figs, (size_t)n * sizeof(*nf));

		if (nf == NULL)
			goto nomem;
		po->po_figs = nf;
		po->po_capfigs = n;
	}
	fg = &po->po_figs[po->po_nfigs];
	memset(fg, 0, sizeof(*fg));
	snprintf(fg->f_script, sizeof(fg->f_script), "%s/%s", po->po_dir,
	    script);
	snprintf(fg->f_name, sizeof(fg->f_name), "%s", name);
	gpdef(def, sizeof(def), "data", po->po_data);
	if ((fg->f_defs[fg->f_ndefs++] = strdup(def)) == NULL)
		goto nomemfig;
	gpdef(def, sizeof(def), "plotdir", po->po_dir);
	if ((fg->f_defs[fg->f_ndefs++] = strdup(def)) == NULL)
		goto nomemfig;
	for (i = 0; vars != NULL && vars[i] != NULL && vars[i + 1] != NULL &&
	    fg->f_ndefs < FIG_MAXDEFS - 2; i += 2) {
		gpdef(def, sizeof(def), vars[i], vars[i + 1]);
		if ((fg->f_defs[fg->f_ndefs++] = strdup(def)) == NULL)
			goto nomemfig;
	}
	po->po_nfigs++;
	return 0;
nomemfig:
	for (i = 0; i < fg->f_ndefs; i++)
		free(fg->f_defs[i]);
nomem:
	fprintf(stderr, "kmbench plot: out of memory\n");
	return -1;
}

/* Figure FG's output in format F. */
static void
fig_out(const struct plotopt *po, const struct fig *fg, int f, char *buf,
    size_t len)
{

	snprintf(buf, len, "%s/%s.%s", po->po_out, fg->f_name, fmtnames[f]);
}

/* The definitions FG gets in format F before its own: fmt and out. */
static void
fig_head(const struct plotopt *po, const struct fig *fg, int f,
    char head[2][PATH_MAX + 64])
{
	char out[PATH_MAX];

	fig_out(po, fg, f, out, sizeof(out));
	gpdef(head[0], sizeof(head[0]), "fmt", fmtnames[f]);
	gpdef(head[1], sizeof(head[1]), "out", out);
}

/* Start gnuplot on FG alone in format F. */
static int
draw_one_start(const struct plotopt *po, const struct fig *fg, int f,
    struct gprun *gr)
{
	char defs[2][PATH_MAX + 64], *dp[FIG_MAXDEFS];
	int i, n = 0;

	fig_head(po, fg, f, defs);
	dp[n++] = defs[0];
	dp[n++] = defs[1];
	for (i = 0; i < fg->f_ndefs && n < FIG_MAXDEFS; i++)
		dp[n++] = fg->f_defs[i];
	return gnuplot_start(gr, fg->f_script, dp, n);
}

/* Draw every figure in format F, one gnuplot each; failures marked. */
static void
draw_singly(struct plotopt *po, int f)
{
	struct gprun gr;
	int k;

	for (k = 0; k < po->po_nfigs; k++) {
		struct fig *fg = &po->po_figs[k];

		if (draw_one_start(po, fg, f, &gr) != 0 ||
		    gnuplot_wait(&gr, 0) != 0)
			fg->f_failed = 1;
	}
}

/*
 * A script drawing every figure in format F, one after the other in
 * one gnuplot (each with a fresh session), into PATH.  0 or -1.
 */
static int
batch_script(const struct plotopt *po, int f, const char *path)
{
	char head[2][PATH_MAX + 64], def[PATH_MAX + 64];
	FILE *fp;
	int k, i;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	for (k = 0; k < po->po_nfigs; k++) {
		const struct fig *fg = &po->po_figs[k];

		fig_head(po, fg, f, head);
		fprintf(fp, "%s\n%s\n", head[0], head[1]);
		for (i = 0; i < fg->f_ndefs; i++)
			fprintf(fp, "%s\n", fg->f_defs[i]);
		gpdef(def, sizeof(def), "script_", fg->f_script);
		fprintf(fp, "%s\nload script_\nunset output\nreset session\n",
		    def);
	}
	if (ferror(fp)) {
		fclose(fp);
		return -1;
	}
	return fclose(fp);
}

/*
 * Draw the queued figures.  A gnuplot costs some 40 ms to start on the
 * hosts measured, and cairo's fonts more, so PNG and text are drawn by
 * one gnuplot each, all their figures in turn, while SVG, whose
 * terminal in gnuplot 5.4 carries a stroke colour from one file into
 * the next, gets a gnuplot a figure on the other core.  A batch that
 * fails is drawn again a figure at a time, which names the figure and
 * gnuplot's complaint.  make bench's 28 figures: 3.9 s before, in a
 * gnuplot per figure and format (docs/replay-speed.md).
 */
static void
draw_all(struct plotopt *po)
{
	static const int batched[] = { 0, 2 };	/* png, txt */
	char path[2][PATH_MAX + 16], out[PATH_MAX];
	struct gprun gr[2];
	int started[2] = { 0, 0 }, k, b, f;

	if (po->po_nfigs == 0)
		return;
	for (b = 0; b < 2; b++) {
		f = batched[b];
		if (!po->po_fmt[f])
			continue;
		snprintf(path[b], sizeof(path[b]), "%s/draw-%s.gp",
		    po->po_data, fmtnames[f]);
		if (batch_script(po, f, path[b]) == 0 &&
		    gnuplot_start(&gr[b], path[b], NULL, 0) == 0)
			started[b] = 1;
	}
	if (po->po_fmt[1])
		draw_singly(po, 1);
	for (b = 0; b < 2; b++) {
		f = batched[b];
		if (!po->po_fmt[f])
			continue;
		if (!started[b] || gnuplot_wait(&gr[b], 1) != 0)
			draw_singly(po, f);
		unlink(path[b]);
	}
	for (k = 0; k < po->po_nfigs; k++) {
		struct fig *fg = &po->po_figs[k];

		if (po->po_fmt[2] && !fg->f_failed) {
			fig_out(po, fg, 2, out, sizeof(out));
			if (tidytext(out) != 0) {
				fprintf(stderr, "kmbench plot: %s: %s\n", out,
				    strerror(errno));
				fg->f_failed = 1;
			}
		}
		if (!fg->f_failed)
			po->po_drawn++;
	}
}

static void
figs_free(struct plotopt *po)
{
	int k, i;

	for (k = 0; k < po->po_nfigs; k++)
		for (i = 0; i < po->po_figs[k].f_ndefs; i++)
			free(po->po_figs[k].f_defs[i]);
	free(po->po_figs);
	po->po_figs = NULL;
	po->po_nfigs = po->po_capfigs = 0;
}

static int
parsefmt(struct plotopt *po, const char *list)
{
	char buf[256], *tok, *save;
	int f, ok;

	memset(po->po_fmt, 0, sizeof(po->po_fmt));
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (ok = 0, f = 0; f < 3; f++)
			if (strcmp(tok, fmtnames[f]) == 0)
				po->po_fmt[f] = ok = 1;
		if (!ok) {
			fprintf(stderr, "kmbench plot: unknown format '%s' "
			    "(png, svg or txt)\n", tok);
			return -1;
		}
	}
	if (!po->po_fmt[0] && !po->po_fmt[1] && !po->po_fmt[2]) {
		fprintf(stderr, "kmbench plot: no format given\n");
		return -1;
	}
	return 0;
}

/* How many cases the store holds; -1 if it cannot be read. */
static int64_t
count_cases(sqlite3 *h)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM \"case\"", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int
cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "trace", required_argument, NULL, 't' },
		{ "machine", required_argument, NULL, 'm' },
		{ "strategies", required_argument, NULL, 's' },
		{ "sweep", required_argument, NULL, 'w' },
		{ "figure", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const maps_map[] = { "kmem_map", "kernel_map" };
	/* Successful calls, and fdexpand's refused ones apart. */
	static const char *const lat_ops[] = { "malloc", "fdexpand",
	    "fdexpand.refused" };
	const char *db = "bench.db", *fmt = "png,svg,txt", *traces = NULL,
	    *machine = NULL, *strats = NULL, *wl, *mach, *sweepkey = NULL,
	    *figname = "max_fds";
	char err[1024], why[1024], name[256], tfile[PATH_MAX],
	    slist[SEL_MAXSTRAT * SEL_NAMELEN];
	struct plotopt po;
	struct store st;
	struct stat sb;
	struct sel sel;
	sqlite3 *h;
	size_t i, j;
	int c, rc, bad = 0, t;

	memset(&po, 0, sizeof(po));
	po.po_out = "bench-out/plots";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': po.po_out = optarg; break;
		case 'f': fmt = optarg; break;
		case 't': traces = optarg; break;
		case 'm': machine = optarg; break;
		case 's': strats = optarg; break;
		case 'w': sweepkey = optarg; break;
		case 'F': figname = optarg; break;
		default:
			bad_option("plot", argv, optind);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kmbench plot: unexpected argument '%s'\n",
		    argv[optind]);
		return 2;
	}
	if (parsefmt(&po, fmt) != 0)
		return 2;
	po.po_dir = plots_dir();
	snprintf(tfile, sizeof(tfile), "%s/common.gp", po.po_dir);
	if (access(tfile, R_OK) != 0) {
		fprintf(stderr, "kmbench plot: no gnuplot scripts in %s (set "
		    "KMBENCH_PLOTS to the plots directory)\n", po.po_dir);
		return 1;
	}
	if (!onpath("gnuplot")) {
		fprintf(stderr, "kmbench plot: gnuplot is not installed (or "
		    "not on PATH); install it (apt-get install gnuplot-nox)\n");
		return 1;
	}
	if (stat(db, &sb) != 0) {
		fprintf(stderr, "kmbench plot: %s: %s\n", db, strerror(errno));
		return 2;
	}
	if (store_open_ro(&st, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench plot: %s\n", err);
		return 2;
	}
	h = st.st_db;
	if (count_cases(h) == 0) {
		fprintf(stderr, "kmbench plot: %s: nothing to plot (no cases "
		    "stored)\n", db);
		store_close(&st);
		return 2;
	}
	if ((rc = sel_build(h, traces, machine, strats, &sel, why,
	    sizeof(why))) != 0) {
		fprintf(stderr, "kmbench plot: %s: %s\n", db, why);
		store_close(&st);
		return rc > 0 ? 2 : 1;
	}
	/* The scripts' strategies: their names, one word each. */
	for (i = 0, *slist = '\0'; i < (size_t)sel.s_nstrat; i++)
		snprintf(slist + strlen(slist), sizeof(slist) - strlen(slist),
		    "%s%s", i ? " " : "", sel.s_strat[i]);
	mach = sel.s_hlmachine;
	snprintf(po.po_data, sizeof(po.po_data), "%s/data", po.po_out);
	if (plot_mkdirs(po.po_data) != 0) {
		fprintf(stderr, "kmbench plot: %s: %s\n", po.po_data,
		    strerror(errno));
		store_close(&st);
		return 1;
	}

#define FIG(call, script, nm, ...) do {					\
	const char *const v_[] = { "strategies", slist, __VA_ARGS__,	\
	    NULL };							\
	*why = '\0';							\
	if ((rc = (call)) < 0) {					\
		fprintf(stderr, "kmbench plot: %s: %s\n", nm, why);	\
		goto fail;						\
	}								\
	if (figure(&po, rc, why, script, nm, v_) != 0)			\
		goto fail;						\
} while (0)

	/* --sweep: the one figure against the swept key, alone. */
	if (sweepkey != NULL) {
		snprintf(name, sizeof(name), "07-sweep-%s-%s", figname,
		    sweepkey);
		FIG(export_sweep(h, &sel, po.po_data, figname, sweepkey,
		    sel.s_hltrace, mach, why, sizeof(why)), "sweep.gp", name,
		    "figure", figname, "key", sweepkey, "wl", sel.s_hltrace,
		    "machine", mach);
		goto done;
	}
	/* Every trace: its outcome grid. */
	for (t = 0; t < sel.s_ntrace; t++) {
		wl = sel.s_trace[t];
		snprintf(name, sizeof(name), "01-outcome-%s", wl);
		FIG(export_grid(h, &sel, po.po_data, wl, why, sizeof(why)),
		    "outcome.gp", name, "wl", wl);
	}
	/* The featured traces: descriptors, maps, fragmentation. */
	for (t = 0; t < sel.s_ntrace; t++) {
		wl = sel.s_trace[t];
		if (!sel_featured(&sel, wl))
			continue;
		snprintf(name, sizeof(name), "02-maxfds-%s", wl);
		FIG(export_maxfds(h, &sel, po.po_data, wl, why, sizeof(why)),
		    "maxfds.gp", name, "wl", wl);
		for (j = 0; j < 2; j++) {
			snprintf(name, sizeof(name), "03-maps-%s-%s", wl,
			    maps_map[j]);
			FIG(export_maps(h, &sel, po.po_data, wl, mach,
			    maps_map[j], why, sizeof(why)), "maps.gp", name,
			    "wl", wl, "map", maps_map[j], "machine", mach);
		}
		/* pr14721 alone holds one table: under-attack shows more. */
		if (strcmp(wl, "pr14721") == 0 &&
		    sel_has_trace(&sel, "under-attack") && !sel.s_chosen)
			continue;
		snprintf(name, sizeof(name), "05-frag-%s-kmem_map", wl);
		FIG(export_frag(h, &sel, po.po_data, wl, mach, "kmem_map",
		    why, sizeof(why)), "frag.gp", name, "wl", wl, "map",
		    "kmem_map", "machine", mach);
	}
	/* The headline trace and machine: latency and history. */
	FIG(export_latpct(h, &sel, po.po_data, why, sizeof(why)),
	    "latency-pct.gp", "04-latency-pct", "wl", sel.s_hltrace,
	    "machine", mach);
	for (i = 0; i < sizeof(lat_ops) / sizeof(lat_ops[0]); i++) {
		snprintf(name, sizeof(name), "04-latency-cdf-%s", lat_ops[i]);
		FIG(export_latcdf(h, &sel, po.po_data, lat_ops[i], why,
		    sizeof(why)), "latency-cdf.gp", name, "op", lat_ops[i],
		    "wl", sel.s_hltrace, "machine", mach);
	}
	FIG(export_history(h, &sel, po.po_data, "kmem_map.peak_pages",
	    sel.s_hltrace, mach, why, sizeof(why)), "history.gp",
	    "06-history-kmem_map-peak", "metric", "kmem_map.peak_pages",
	    "wl", sel.s_hltrace, "machine", mach);
#undef FIG

done:
	store_close(&st);
	draw_all(&po);
	bad = po.po_nfigs - po.po_drawn;
	figs_free(&po);
	if (po.po_drawn == 0 && !bad) {
		/* Not a plot made: the store holds none of their cases. */
		fprintf(stderr, "kmbench plot: %s: nothing to plot (%d "
		    "figures skipped, no cases for them)\n", db,
		    po.po_skipped);
		return 2;
	}
	fprintf(stderr, "kmbench plot: %d figures in %s (%d skipped)\n",
	    po.po_drawn, po.po_out, po.po_skipped);
	return bad ? 1 : 0;
fail:
	store_close(&st);
	figs_free(&po);
	return 1;
}
