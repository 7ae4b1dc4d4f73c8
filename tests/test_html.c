/*
 * test_html.c: kmbench report --format html: the escaping and the SVG
 * inlining on their own, then a site made from a store of two commits,
 * loaded from disk by headless Chromium (the Debian package, make deps
 * installs it): no console error on any page, and the elements each
 * page must have (the grid's cells, a point per commit, the verdicts).
 * Screenshots go to build/test-html/ for people to look at.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../runner/html.h"
#include "../runner/html_svg.h"
#include "kmtest.h"

/* F's output as a string (malloc'ed). */
static char *
memout(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void
esc(FILE *f, const void *s)
{

	html_esc(f, s);
}

/* Every character HTML gives a meaning to, escaped; the rest kept. */
Test(html, escape)
{
	char *s = memout(esc, "a<b>&\"c'd\te");

	cr_expect_str_eq(s, "a&lt;b&gt;&amp;&quot;c&#39;d\te");
	free(s);
}

static const char *svg_in =
"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"
"<svg width=\"600\" height=\"480\" viewBox=\"0 0 600 480\" "
"xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\">\n"
"<title>Gnuplot</title>\n<desc>Produced by GNUPLOT</desc>\n"
"<script type=\"text/javascript\" xlink:href=\"http://x/gnuplot_svg.js\"/>\n"
"<script><![CDATA[ alert(1) ]]></script>\n"
"<style>text { fill: red }</style>\n"
"<!-- a comment -->\n"
"<defs><path id='gpPt0' d='M0,0'/><filter id=\"textbox\"/></defs>\n"
"<g id=\"gnuplot_canvas\" onclick=\"go()\">\n"
"<use xlink:href='#gpPt0' x='1'/>\n"
"<a xlink:href=\"http://example.org/\"><text>x &lt; y</text></a>\n"
"<rect filter=\"url(#textbox)\" fill=\"url(http://evil/#p)\"/>\n"
"<g><title>kept</title></g>\n"
"</g>\n</svg>\n";

struct svgarg {
	const char	*text, *prefix;
	int		 rc;
};

static void
svg(FILE *f, const void *a)
{
	struct svgarg *sa = (struct svgarg *)a;
	char err[256];

	sa->rc = html_svg_text(f, sa->text, "test.svg", sa->prefix, err,
	    sizeof(err));
}

/*
 * The prolog, doctype, comment, scripts, style sheet, handlers and
 * links out are gone; ids and the references to them carry the
 * prefix; text, gnuplot's inner titles and the rest are kept.
 */
Test(html, svg_inline)
{
	struct svgarg sa = { svg_in, "p7-", -1 };
	char *s = memout(svg, &sa);

	cr_assert_eq(sa.rc, 0);
	cr_expect_null(strstr(s, "<?xml"), "%s", s);
	cr_expect_null(strstr(s, "DOCTYPE"), "%s", s);
	cr_expect_null(strstr(s, "comment"), "%s", s);
	cr_expect_null(strstr(s, "script"), "%s", s);
	cr_expect_null(strstr(s, "alert"), "%s", s);
	cr_expect_null(strstr(s, "<style"), "%s", s);
	cr_expect_null(strstr(s, "onload"), "%s", s);
	cr_expect_null(strstr(s, "onclick"), "%s", s);
	cr_expect_null(strstr(s, "http://example.org"), "%s", s);
	cr_expect_null(strstr(s, "evil"), "%s", s);
	cr_expect_null(strstr(s, "Gnuplot"), "%s", s);
	cr_expect_null(strstr(s, "Produced"), "%s", s);
	cr_expect_null(strstr(s, "width=\"600\""), "%s", s);
	cr_expect_not_null(strstr(s, "<svg class=\"plot\""), "%s", s);
	cr_expect_not_null(strstr(s, "viewBox=\"0 0 600 480\""), "%s", s);
	cr_expect_not_null(strstr(s, "id='p7-gpPt0'"), "%s", s);
	cr_expect_not_null(strstr(s, "id=\"p7-textbox\""), "%s", s);
	cr_expect_not_null(strstr(s, "id=\"p7-gnuplot_canvas\""), "%s", s);
	cr_expect_not_null(strstr(s, "xlink:href='#p7-gpPt0'"), "%s", s);
	cr_expect_not_null(strstr(s, "filter=\"url(#p7-textbox)\""), "%s", s);
	cr_expect_not_null(strstr(s, "<text>x &lt; y</text>"), "%s", s);
	cr_expect_not_null(strstr(s, "<title>kept</title>"), "%s", s);
	free(s);

	/* Not an SVG: refused, nothing written. */
	sa.text = "<html><body>no</body></html>";
	s = memout(svg, &sa);
	cr_expect_eq(sa.rc, -1);
	cr_expect_str_eq(s, "");
	free(s);
}

/* kmtest_cmd, freeing what the last call returned. */
static int
cmd(const char *args, char **out, char **err)
{

	free(*out);
	free(*err);
	*out = *err = NULL;
	return kmtest_cmd(args, out, err);
}

static void
sql(const char *db, const char *q)
{
	sqlite3 *h;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 10000);
	cr_assert_eq(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK, "%s: %s",
	    q, sqlite3_errmsg(h));
	sqlite3_close(h);
}

static char *
slurp_path(const char *path)
{
	FILE *f = fopen(path, "r");
	char *t;

	cr_assert_not_null(f, "%s", path);
	t = kmtest_slurp(f);
	fclose(f);
	return t;
}

/* How often NEEDLE occurs in HAY. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

static int
strpcmp(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An id given twice in TEXT (malloc'ed), or NULL. */
static char *
dup_id(const char *text)
{
	char *ids[8192], *dup = NULL;
	const char *p = text, *e;
	size_t n = 0, i;

	while ((p = strstr(p, " id=")) != NULL && n < 8192) {
		char q = p[4];

		p += 5;
		if ((q != '"' && q != '\'') || (e = strchr(p, q)) == NULL)
			continue;
		ids[n++] = strndup(p, (size_t)(e - p));
	}
	qsort(ids, n, sizeof(ids[0]), strpcmp);
	for (i = 0; i + 1 < n; i++)
		if (dup == NULL && strcmp(ids[i], ids[i + 1]) == 0)
			dup = strdup(ids[i]);
	for (i = 0; i < n; i++)
		free(ids[i]);
	return dup;
}

/* Chromium on $PATH (Debian calls it chromium), or NULL. */
static const char *
chromium(void)
{
	static const char *const names[] = { "chromium", "chromium-browser",
	    "google-chrome" };
	char cmdline[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(cmdline, sizeof(cmdline), "command -v %s >/dev/null "
		    "2>&1", names[i]);
		if (system(cmdline) == 0)
			return names[i];
	}
	return NULL;
}

/*
 * Load DIR/PAGE in headless Chromium (as root it needs --no-sandbox; a
 * profile of its own in DIR/profile; at most 60 s): its DOM after the
 * scripts ran (malloc'ed), and into *CONSOLE every console message the
 * page gave, an uncaught exception among them (malloc'ed, "" if none).
 * With SHOT, a screenshot of the page into it as well.
 */
static char *
browse(const char *dir, const char *page, const char *shot, char **console)
{
	const char *chr = chromium();
	char path[1024], *log, *p, *nl;
	size_t n = 0;
	int rc;

	cr_assert_not_null(chr);
	rc = kmtest_sh(dir, "timeout 60 %s --headless --no-sandbox "
	    "--disable-gpu --user-data-dir=profile --enable-logging=stderr "
	    "--v=0 --dump-dom 'file://%s/%s' >dom.out 2>dom.log", chr, dir,
	    page);
	cr_assert_eq(rc, 0, "chromium --dump-dom %s: exit %d", page, rc);
	if (shot != NULL) {
		rc = kmtest_sh(dir, "timeout 60 %s --headless --no-sandbox "
		    "--disable-gpu --hide-scrollbars --user-data-dir=profile "
		    "--window-size=1280,1800 --screenshot='%s' 'file://%s/%s' "
		    ">/dev/null 2>&1", chr, shot, dir, page);
		cr_assert_eq(rc, 0, "chromium --screenshot %s: exit %d", page,
		    rc);
	}
	/* Console lines: "[...:INFO:CONSOLE:1] "message", source: ...". */
	snprintf(path, sizeof(path), "%s/dom.log", dir);
	log = slurp_path(path);
	*console = calloc(1, strlen(log) + 1);
	cr_assert_not_null(*console);
	for (p = log; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (memmem(p, (size_t)(nl - p), ":CONSOLE", 8) != NULL ||
		    memmem(p, (size_t)(nl - p), "Uncaught", 8) != NULL) {
			memcpy(*console + n, p, (size_t)(nl - p));
			n += (size_t)(nl - p);
			(*console)[n++] = '\n';
		}
	}
	free(log);
	snprintf(path, sizeof(path), "%s/dom.out", dir);
	return slurp_path(path);
}

/* The screenshots' directory, made: build/test-html of the checkout. */
static void
shotdir(char *buf, size_t len)
{

	snprintf(buf, len, "%s/build/test-html", kmtest_src());
	cr_assert_eq(kmtest_sh(".", "mkdir -p '%s'", buf), 0);
}

/*
 * The cases of the head side: those not relabelled "aaaa".
 */
#define HEAD_CASES "SELECT c.id FROM \"case\" c JOIN run r ON r.id = " \
	"c.run_id WHERE r.commit_id != 'aaaa'"

/* The head's latency: the base's made 10 times slower plus a second,
 * so that every latency figure regresses (4 against 4 repetitions,
 * every head value above every base value: p = 2/70 each). */
#define SLOW_HEAD "INSERT INTO latency SELECT h.id, l.op, l.arena, " \
	"l.count, 1000000000 + 10 * l.p50, l.p90, l.p99, l.p999, l.max, " \
	"l.mean, l.hist FROM latency l JOIN \"case\" b ON b.id = l.case_id " \
	"JOIN run rb ON rb.id = b.run_id JOIN \"case\" h ON h.inputs = " \
	"b.inputs JOIN run rh ON rh.id = h.run_id WHERE rb.commit_id = " \
	"'aaaa' AND rh.commit_id != 'aaaa'"

/*
 * A store of two commits in DIR/s.db: the trace DIR/w<&"1.kmt (a name
 * that needs escaping) under nointr and panic-only on i386-32M and
 * i386-64M, REPS repetitions; the first matrix relabelled as an older
 * commit "aaaa", the second without latency, then given the first's
 * made slower (SLOW_HEAD); nointr's max_fds one higher at the head.
 */
static void
two_commits(const char *dir, int reps)
{
	char args[2048], db[1024], *out = NULL, *err = NULL;

	snprintf(db, sizeof(db), "%s/s.db", dir);
	cr_assert_eq(kmtest_sh(dir, "printf 'kmtrace 1\\n0 1 spawn\\n1 1 map h "
	    "50\\n2 1 touch h\\n3 1 open 3\\n4 1 dup 3 60\\n' >'w<&\"1.kmt'"),
	    0);
	snprintf(args, sizeof(args), "matrix --db %s --reps %d --strategies "
	    "nointr,panic-only --machines i386-32M,i386-64M --traces "
	    "'%s/w<&\"1.kmt'", db, reps, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, "UPDATE run SET commit_id = 'aaaa'; "
	    "UPDATE \"case\" SET key = 'aaaa' || key");
	strcat(args, " --no-latency");
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, SLOW_HEAD);
	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (SELECT c.id FROM \"case\" c JOIN run r ON r.id "
	    "= c.run_id WHERE r.commit_id != 'aaaa' AND c.strategy = "
	    "'nointr')");
	free(out);
	free(err);
}

/* The head commit of the store: the one that is not "aaaa". */
static void
head_commit(const char *dir, char *buf, size_t len)
{
	char path[1024];
	sqlite3_stmt *s;
	sqlite3 *h;

	snprintf(path, sizeof(path), "%s/s.db", dir);
	cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, "SELECT commit_id FROM run WHERE "
	    "commit_id != 'aaaa' LIMIT 1", -1, &s, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(h);
}

/* The <svg> element of the chart of case LABEL in page TEXT (malloc'ed). */
static char *
chart_of(const char *text, const char *label)
{
	char attr[512];
	const char *a, *b;

	snprintf(attr, sizeof(attr), "data-case=\"%s\"", label);
	cr_assert_not_null(a = strstr(text, attr), "no chart of %s", label);
	while (a > text && strncmp(a, "<svg", 4) != 0)
		a--;
	cr_assert_not_null(b = strstr(a, "</svg>"));
	return strndup(a, (size_t)(b - a));
}

/*
 * The site in a real browser.  Two commits; the head has nointr's
 * max_fds one higher than the base (a changed deterministic figure) and
 * every latency figure ten times slower plus a second (regressed).
 *  - index.html: a grid cell per strategy and machine (2 x 2), each
 *    survived; an inline SVG per plot kmbench plot drew, no id twice.
 *  - fig-max_fds.html: the chart of nointr on i386-64M has one point
 *    per commit; the head's is marked changed, the base's is not; the
 *    chart of panic-only (unchanged) has no changed point.
 *  - fig-latency.malloc.kmem_map.p50.html: the head's point regressed.
 *  - compare.html: the two changed max_fds rows come before every
 *    latency row, and the latency rows say regressed with 4 and 4
 *    repetitions.
 *  - none logs anything on the console; the trace's name is never
 *    written unescaped.
 * A page with a deliberate script error shows that the console check
 * catches one.
 */
Test(html, site_in_browser, .timeout = 300)
{
	char dir[] = "/tmp/kmtest-html-XXXXXX", args[4096], shots[1024];
	char shot[1200], head[64], point[256], site[1024], *out = NULL;
	char *err = NULL, *dom, *con, *page, *ch, *p, *dup;
	const char *pages[] = { "index.html", "compare.html", "history.html",
	    "fig-max_fds.html", "fig-latency.malloc.kmem_map.p50.html" };
	size_t i;
	int nsvg;

	if (chromium() == NULL)
		cr_skip("chromium not found on $PATH: make deps installs the "
		    "Debian package chromium; the browser test is skipped");
	cr_assert_not_null(mkdtemp(dir));
	two_commits(dir, 4);
	head_commit(dir, head, sizeof(head));
	snprintf(args, sizeof(args), "plot --db %s/s.db --out %s/plots "
	    "--format svg", dir, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	snprintf(args, sizeof(args), "report --db %s/s.db --format html -o "
	    "%s/site --plots %s/plots", dir, dir, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	cr_expect_str_eq(out, "");
	shotdir(shots, sizeof(shots));

	/* The check catches a script error. */
	cr_assert_eq(kmtest_sh(dir, "mkdir -p site && printf '<!DOCTYPE "
	    "html><p>x</p><script>undefinedFn();</script>' >site/bad.html"),
	    0);
	snprintf(site, sizeof(site), "%s/site", dir);
	dom = browse(site, "bad.html", NULL, &con);
	cr_expect_not_null(strstr(con, "undefinedFn"), "the console check "
	    "missed a deliberate error: '%s'", con);
	free(dom);
	free(con);

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char src[1200];

		/* Nothing unescaped, nothing fetched from anywhere. */
		snprintf(src, sizeof(src), "%s/site/%s", dir, pages[i]);
		page = slurp_path(src);
		cr_expect_null(strstr(page, "w<&"), "%s: the trace's name "
		    "unescaped", pages[i]);
		cr_expect_null(strstr(page, " src="), "%s", pages[i]);
		cr_expect_null(strstr(page, "href=\"http"), "%s", pages[i]);
		cr_expect_null(strstr(page, "<link"), "%s", pages[i]);
		free(page);

		snprintf(shot, sizeof(shot), "%s/%s", shots, pages[i]);
		strcpy(shot + strlen(shot) - 4, "png");
		dom = browse(site, pages[i], shot, &con);
		cr_expect_str_eq(con, "", "%s: console: %s", pages[i], con);
		free(con);

		if (strcmp(pages[i], "index.html") == 0) {
			cr_expect_eq(count(dom, "class=\"cell o-"), 4, "%s",
			    dom);
			cr_expect_eq(count(dom, "class=\"cell o-survived\""),
			    4);
			cr_expect_not_null(strstr(dom, "data-strategy="
			    "\"nointr\" data-machine=\"i386-64M\">survived"));
			/* The trace's name, escaped, in the grid's title. */
			cr_expect_not_null(strstr(dom, "Outcome of w&lt;&amp;"
			    "\"1"), "%s", dom);
			nsvg = kmtest_sh(dir, "exit $(ls plots/*.svg | wc -l)");
			cr_expect_gt(nsvg, 3);
			cr_expect_eq(count(dom, "<svg class=\"plot\""), nsvg);
			/* No id twice: gnuplot's are prefixed per plot. */
			dup = dup_id(dom);
			cr_expect_null(dup, "id %s twice in index.html", dup);
			free(dup);
			cr_expect_gt(count(dom, "id=\"p2-gpPt0\""), 0);
		} else if (strcmp(pages[i], "fig-max_fds.html") == 0) {
			/* Chromium writes < in attributes as &lt; too. */
			snprintf(point, sizeof(point), "nointr i386-64M "
			    "%s/w&lt;&amp;&quot;1.kmt", dir);
			ch = chart_of(dom, point);
			cr_expect_eq(count(ch, "<circle class=\"point "), 2,
			    "%s", ch);
			cr_expect_not_null(strstr(ch, "class=\"point v-first\" "
			    "data-commit=\"aaaa\""), "%s", ch);
			snprintf(point, sizeof(point), "class=\"point v-changed"
			    "\" data-commit=\"%s\"", head);
			cr_expect_not_null(strstr(ch, point), "%s", ch);
			/* The hover text: commit and value. */
			cr_expect_not_null(strstr(ch, "<title>commit aaaa"));
			free(ch);
			snprintf(point, sizeof(point), "panic-only i386-64M "
			    "%s/w&lt;&amp;&quot;1.kmt", dir);
			ch = chart_of(dom, point);
			cr_expect_eq(count(ch, "<circle class=\"point "), 2);
			cr_expect_null(strstr(ch, "v-changed"), "%s", ch);
			free(ch);
			/*
			 * 4 cases, 3 charts (nointr's two moved, panic-only
			 * on the headline machine): the fourth is named.
			 */
			cr_expect_eq(count(dom, "<svg class=\"hist\""), 3);
			cr_expect_not_null(strstr(dom, "1 case of other "
			    "traces or machines, where the figure did not "
			    "move, is not drawn"), "%s", dom);
		} else if (strcmp(pages[i], "fig-latency.malloc.kmem_map."
		    "p50.html") == 0) {
			snprintf(point, sizeof(point), "class=\"point "
			    "v-regressed\" data-commit=\"%s\"", head);
			cr_expect_gt(count(dom, point), 0, "%s", dom);
			cr_expect_eq(count(dom, "class=\"point v-improved"), 0);
		} else if (strcmp(pages[i], "compare.html") == 0) {
			cr_expect_eq(count(dom, "data-kind=\"deterministic\" "
			    "data-verdict=\"changed\""), 2, "%s", dom);
			p = strstr(dom, "data-kind=\"latency\"");
			cr_expect_not_null(p);
			cr_expect_lt(strstr(dom, "max_fds") - dom, p - dom);
			cr_expect_gt(count(dom, "data-kind=\"latency\" "
			    "data-verdict=\"regressed\""), 0);
			cr_expect_eq(count(dom, "data-verdict=\"unchanged\""),
			    0);
			cr_expect_not_null(strstr(dom, "<td class=\"num\">4"
			    "</td><td class=\"num\">4</td>"));
			cr_expect_not_null(strstr(dom, "Regression."));
		} else
			cr_expect_not_null(strstr(dom, "href=\"fig-max_fds."
			    "html\""));
		free(dom);
	}
	free(out);
	free(err);
	kmtest_sh("/tmp", "rm -rf '%s'", dir);
}

/*
 * Too few repetitions (2 a side: the test cannot go below p = 1/3):
 * compare.html warns and says "too few reps" where it would judge.
 */
Test(html, too_few_reps_warned, .timeout = 120)
{
	char dir[] = "/tmp/kmtest-html-XXXXXX", args[2048], *out = NULL;
	char *err = NULL, *page;

	cr_assert_not_null(mkdtemp(dir));
	two_commits(dir, 2);
	snprintf(args, sizeof(args), "report --db %s/s.db --format html -o "
	    "%s/site", dir, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	page = kmtest_read(dir, "site/compare.html");
	cr_expect_not_null(strstr(page, "id=\"toofew\""), "%s", page);
	cr_expect_not_null(strstr(page, "fewer than 4 repetitions a side"));
	cr_expect_gt(count(page, "data-verdict=\"too few reps\""), 0);
	cr_expect_eq(count(page, "data-verdict=\"regressed\""), 0);
	free(page);
	free(out);
	free(err);
	kmtest_sh("/tmp", "rm -rf '%s'", dir);
}

/*
 * A directory that cannot be made: one line naming it, exit 2, and no
 * page anywhere; a side of --base that is not in the store: exit 2.
 */
Test(html, unwritable_dir, .timeout = 120)
{
	char dir[] = "/tmp/kmtest-html-XXXXXX", args[2048], *out = NULL;
	char *err = NULL, want[1100];

	cr_assert_not_null(mkdtemp(dir));
	two_commits(dir, 1);
	/* Under a regular file: not even root makes that directory. */
	snprintf(args, sizeof(args), "report --db %s/s.db --format html -o "
	    "%s/s.db/site", dir, dir);
	cr_expect_eq(cmd(args, &out, &err), 2);
	snprintf(want, sizeof(want), "kmbench report: %s/s.db/site: ", dir);
	cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	cr_expect_eq(kmtest_nlines(err), 1, "%s", err);
	snprintf(args, sizeof(args), "report --db %s/s.db --format html -o "
	    "%s/site --base 12345", dir, dir);
	cr_expect_eq(cmd(args, &out, &err), 2);
	cr_expect_not_null(strstr(err, "12345"), "%s", err);
	cr_expect_eq(kmtest_nlines(err), 1, "%s", err);
	snprintf(args, sizeof(args), "report --db %s/s.db -o %s/site", dir,
	    dir);
	cr_expect_eq(cmd(args, &out, &err), 2);
	cr_expect_not_null(strstr(err, "--format html"), "%s", err);
	free(out);
	free(err);
	kmtest_sh("/tmp", "rm -rf '%s'", dir);
}

/*
 * The points of a sweep on the figure pages: each has a chart of its
 * own, headed by the setting that tells it apart, and only the point
 * whose figure moved is marked.  Two commits of nointr on i386-64M over
 * the trace of two_commits(), swept over nkmempages 4096 and 8192; at
 * the head, max_fds of the 8192 point is one higher.  So fig-max_fds
 * has two charts (data-case "... nkmempages=4096" and "...=8192"),
 * the second with its head point "v-changed", the first with none.
 */
Test(html, sweep_points_apart, .timeout = 120)
{
	char dir[] = "/tmp/kmtest-html-XXXXXX", args[2048], db[1024];
	char *out = NULL, *err = NULL, *page, *ch, label[1100];
	int k;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/s.db", dir);
	cr_assert_eq(kmtest_sh(dir, "printf 'kmtrace 1\\n0 1 spawn\\n1 1 "
	    "open 3\\n2 1 dup 3 60\\n' >w.kmt"), 0);
	snprintf(args, sizeof(args), "matrix --db %s --no-latency "
	    "--strategies nointr --machines i386-64M --sweep "
	    "nkmempages=4096,8192 --traces %s/w.kmt", db, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, "UPDATE run SET commit_id = 'aaaa'; "
	    "UPDATE \"case\" SET key = 'aaaa' || key");
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	sql(db, "UPDATE result SET value = value + 1 WHERE name = 'max_fds' "
	    "AND case_id IN (SELECT c.id FROM \"case\" c JOIN run r ON r.id "
	    "= c.run_id WHERE r.commit_id != 'aaaa' AND c.settings LIKE "
	    "'%nkmempages=8192%')");
	snprintf(args, sizeof(args), "report --db %s --format html -o "
	    "%s/site", db, dir);
	cr_assert_eq(cmd(args, &out, &err), 0, "%s", err);
	page = kmtest_read(dir, "site/fig-max_fds.html");
	cr_expect_eq(count(page, "<svg class=\"hist\""), 2, "%s", page);
	/* The headings name the points too. */
	cr_expect_not_null(strstr(page, ", w nkmempages=4096</h3>"), "%s",
	    page);
	cr_expect_not_null(strstr(page, ", w nkmempages=8192 (moved)</h3>"),
	    "%s", page);
	cr_expect_null(strstr(page, "id=\"undrawn\""), "%s", page);
	for (k = 4096; k <= 8192; k *= 2) {
		snprintf(label, sizeof(label), "nointr i386-64M %s/w.kmt "
		    "nkmempages=%d", dir, k);
		ch = chart_of(page, label);
		cr_expect_eq(count(ch, "<circle class=\"point "), 2, "%s", ch);
		cr_expect_eq(count(ch, "class=\"point v-changed\""),
		    k == 8192, "%d: %s", k, ch);
		free(ch);
	}
	free(page);
	free(out);
	free(err);
	kmtest_sh("/tmp", "rm -rf '%s'", dir);
}
