/*
 * test_plot.c: kmbench plot (suite "plot") and kmbench report (suite
 * "report").  The plot tests fill a small store by running kmbench gen
 * and kmbench matrix, draw it, and check every output: each PNG decodes
 * to the promised size (chunks, CRCs and the inflated image data), each
 * SVG is well-formed XML, each text plot fits 72 columns.  The report
 * tests build a store by hand whose figures are known and check the
 * cells and headline numbers printed.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../db/store.h"
#include "../runner/hist.h"
#include "kmtest.h"

#define PNG_W	1024
#define PNG_H	640

static char tdir[256];

static void
mktemp_dir(void)
{

	snprintf(tdir, sizeof(tdir), "/tmp/kmtest-plot-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
rm_dir(void)
{
	char cmd[PATH_MAX + 16];

	if (tdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "test_plot: cannot remove %s\n", tdir);
	}
}

static void
setup_plot(void)
{
	char dir[PATH_MAX];

	mktemp_dir();
	snprintf(dir, sizeof(dir), "%s/plots", kmtest_src());
	setenv("KMBENCH_PLOTS", dir, 1);
}

TestSuite(plot, .init = setup_plot, .fini = rm_dir, .timeout = 180);
TestSuite(report, .init = mktemp_dir, .fini = rm_dir, .timeout = 60);

static void
run_ok(const char *args)
{
	char *out, *err;
	int rc;

	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "kmbench %s: exit %d: %s", args, rc, err);
	free(out);
	free(err);
}

/* A store in tdir/d.db: pr14721 (fds=30000), a small under-attack and
 * a small amap-storm on i386-16M and i386-64M, when ALL; else only the
 * amap-storm. */
static void
fill_store(int all)
{
	char args[4 * PATH_MAX];

	if (all) {
		snprintf(args, sizeof(args), "gen pr14721 --param fds=30000 "
		    "-o %s/pr14721.kmt", tdir);
		run_ok(args);
		snprintf(args, sizeof(args), "gen under-attack --param "
		    "attack.fds=20000 --param fd.conns=2000 --param "
		    "intr.seconds=1 --param fork.rounds=5 -o "
		    "%s/under-attack.kmt", tdir);
		run_ok(args);
	}
	snprintf(args, sizeof(args), "gen amap-storm --param maps=2000 -o "
	    "%s/amap-storm.kmt", tdir);
	run_ok(args);
	if (all)
		snprintf(args, sizeof(args), "matrix --db %s/d.db --machines "
		    "i386-16M,i386-64M --traces %s/pr14721.kmt,"
		    "%s/under-attack.kmt,%s/amap-storm.kmt", tdir, tdir, tdir,
		    tdir);
	else
		snprintf(args, sizeof(args), "matrix --db %s/d.db --machines "
		    "i386-64M --traces %s/amap-storm.kmt", tdir, tdir);
	run_ok(args);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_gt(n, 0, "%s is empty", path);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint32_t
be32(const unsigned char *p)
{

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Check PATH is a PNG of W x H whose image data inflate to the size
 * its colour type, depth and size call for. */
static void
check_png(const char *path, uint32_t w, uint32_t h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };
	unsigned char *buf, *idat = NULL, out[65536];
	size_t len, off, ilen = 0, total = 0, rowbytes;
	uint32_t clen, iw = 0, ih = 0;
	int depth = 0, ctype = -1, chans = 0, ended = 0, first = 1, zrc;
	z_stream z;

	buf = slurp(path, &len);
	cr_assert_geq(len, 8);
	cr_assert_eq(memcmp(buf, sig, 8), 0, "%s: no PNG signature", path);
	for (off = 8; off + 12 <= len && !ended; off += 12 + clen) {
		clen = be32(buf + off);
		cr_assert_leq(off + 12 + clen, len, "%s: chunk past the end",
		    path);
		cr_assert_eq(crc32(0, buf + off + 4, 4 + clen),
		    be32(buf + off + 8 + clen), "%s: bad CRC at %zu", path,
		    off);
		if (first) {
			cr_assert_eq(memcmp(buf + off + 4, "IHDR", 4), 0,
			    "%s: IHDR is not first", path);
			cr_assert_eq(clen, 13);
			iw = be32(buf + off + 8);
			ih = be32(buf + off + 12);
			depth = buf[off + 16];
			ctype = buf[off + 17];
			cr_assert_eq(buf[off + 20], 0, "%s: interlaced", path);
			first = 0;
		} else if (memcmp(buf + off + 4, "IDAT", 4) == 0) {
			idat = realloc(idat, ilen + clen + 1);
			cr_assert_not_null(idat);
			memcpy(idat + ilen, buf + off + 8, clen);
			ilen += clen;
		} else if (memcmp(buf + off + 4, "IEND", 4) == 0)
			ended = 1;
	}
	cr_assert(ended, "%s: no IEND", path);
	cr_assert_eq(iw, w, "%s: width %u, not %u", path, iw, w);
	cr_assert_eq(ih, h, "%s: height %u, not %u", path, ih, h);
	switch (ctype) {
	case 0: chans = 1; break;
	case 2: chans = 3; break;
	case 3: chans = 1; break;
	case 4: chans = 2; break;
	case 6: chans = 4; break;
	default: cr_assert_fail("%s: colour type %d", path, ctype);
	}
	cr_assert(depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
	    depth == 16, "%s: bit depth %d", path, depth);
	rowbytes = ((size_t)iw * (size_t)chans * (size_t)depth + 7) / 8;
	cr_assert_gt(ilen, 0, "%s: no IDAT", path);
	memset(&z, 0, sizeof(z));
	cr_assert_eq(inflateInit(&z), Z_OK);
	z.next_in = idat;
	z.avail_in = (uInt)ilen;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		zrc = inflate(&z, Z_NO_FLUSH);
		cr_assert(zrc == Z_OK || zrc == Z_STREAM_END,
		    "%s: inflate: %d", path, zrc);
		total += sizeof(out) - z.avail_out;
	} while (zrc != Z_STREAM_END);
	inflateEnd(&z);
	cr_assert_eq(total, (size_t)ih * (1 + rowbytes),
	    "%s: %zu bytes of image data, not %zu", path, total,
	    (size_t)ih * (1 + rowbytes));
	free(idat);
	free(buf);
}

/* An XML name: a letter, _ or : and then those, digits, - and . */
static const char *
xml_name(const char *p)
{

	if (!isalpha((unsigned char)*p) && *p != '_' && *p != ':')
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':' ||
	    *p == '-' || *p == '.')
		p++;
	return p;
}

/* An entity or character reference at P ('&'): its end, or NULL. */
static const char *
xml_ref(const char *p)
{
	static const char *const ents[] = { "lt;", "gt;", "amp;", "quot;",
	    "apos;" };
	size_t i;

	p++;
	if (*p == '#') {
		p++;
		if (*p == 'x') {
			p++;
			if (!isxdigit((unsigned char)*p))
				return NULL;
			while (isxdigit((unsigned char)*p))
				p++;
		} else {
			if (!isdigit((unsigned char)*p))
				return NULL;
			while (isdigit((unsigned char)*p))
				p++;
		}
		return *p == ';' ? p + 1 : NULL;
	}
	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (strncmp(p, ents[i], strlen(ents[i])) == 0)
			return p + strlen(ents[i]);
	return NULL;
}

/*
 * Whether S is well-formed XML: one root element, tags balanced and
 * properly nested, attributes quoted and not repeated in a tag, every
 * & a known entity or a character reference, no < in text or
 * attribute values; declarations, comments, processing instructions
 * and CDATA sections skipped whole.  0, or -1 with WHY.
 */
static int
xml_check(const char *s, char *why, size_t whylen)
{
	const char *stack[512], *p = s, *n, *e, *attrs[64];
	size_t slen[512], alen[64];
	int depth = 0, roots = 0, na, i, bracket;
	char q;

#define BAD(...) do { snprintf(why, whylen, __VA_ARGS__); return -1; } \
	while (0)
	while (*p != '\0') {
		if (*p == '&') {
			if ((p = xml_ref(p)) == NULL)
				BAD("bad entity in text");
			continue;
		}
		if (*p != '<') {
			if (depth == 0 && !isspace((unsigned char)*p))
				BAD("text outside the root element");
			p++;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			if ((e = strstr(p + 4, "-->")) == NULL)
				BAD("unclosed comment");
			p = e + 3;
		} else if (strncmp(p, "<![CDATA[", 9) == 0) {
			if (depth == 0 || (e = strstr(p, "]]>")) == NULL)
				BAD("bad CDATA section");
			p = e + 3;
		} else if (strncmp(p, "<?", 2) == 0) {
			if ((e = strstr(p + 2, "?>")) == NULL)
				BAD("unclosed processing instruction");
			p = e + 2;
		} else if (strncmp(p, "<!", 2) == 0) {
			/* DOCTYPE, with an internal subset in [ ]. */
			if (depth > 0 || roots > 0)
				BAD("declaration inside the document");
			for (bracket = 0, p += 2; *p != '\0' &&
			    (*p != '>' || bracket); p++)
				bracket += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			if (*p++ != '>')
				BAD("unclosed declaration");
		} else if (p[1] == '/') {
			if ((n = xml_name(p + 2)) == NULL)
				BAD("bad end tag");
			if (depth == 0 || slen[depth - 1] != (size_t)(n -
			    (p + 2)) || strncmp(stack[depth - 1], p + 2,
			    slen[depth - 1]) != 0)
				BAD("end tag </%.*s> does not match",
				    (int)(n - (p + 2)), p + 2);
			depth--;
			while (isspace((unsigned char)*n))
				n++;
			if (*n != '>')
				BAD("bad end tag");
			p = n + 1;
		} else {
			if ((n = xml_name(p + 1)) == NULL)
				BAD("bad tag name at offset %zu",
				    (size_t)(p - s));
			if (depth == 0 && roots++ > 0)
				BAD("more than one root element");
			if (depth == 512)
				BAD("too deep");
			stack[depth] = p + 1;
			slen[depth] = (size_t)(n - (p + 1));
			depth++;
			for (na = 0, p = n;;) {
				while (isspace((unsigned char)*p))
					p++;
				if (*p == '>') {
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					depth--;
					p += 2;
					break;
				}
				if ((n = xml_name(p)) == NULL)
					BAD("bad attribute in <%.*s>",
					    (int)slen[depth - 1],
					    stack[depth - 1]);
				for (i = 0; i < na; i++)
					if (alen[i] == (size_t)(n - p) &&
					    strncmp(attrs[i], p, alen[i]) == 0)
						BAD("attribute %.*s repeated",
						    (int)alen[i], p);
				if (na < 64) {
					attrs[na] = p;
					alen[na++] = (size_t)(n - p);
				}
				for (p = n; isspace((unsigned char)*p); p++)
					;
				if (*p++ != '=')
					BAD("attribute without a value");
				while (isspace((unsigned char)*p))
					p++;
				if (*p != '"' && *p != '\'')
					BAD("attribute value not quoted");
				for (q = *p++; *p != q; ) {
					if (*p == '\0' || *p == '<')
						BAD("bad attribute value");
					if (*p == '&') {
						if ((p = xml_ref(p)) == NULL)
							BAD("bad entity in "
							    "attribute");
					} else
						p++;
				}
				p++;
				if (!isspace((unsigned char)*p) &&
				    *p != '>' && *p != '/')
					BAD("no space between attributes");
			}
		}
	}
	if (depth != 0)
		BAD("%d elements left open", depth);
	if (roots != 1)
		BAD("no root element");
	return 0;
#undef BAD
}

static void
check_svg(const char *path)
{
	char why[256];
	unsigned char *buf;
	size_t len;

	buf = slurp(path, &len);
	cr_assert_eq(xml_check((const char *)buf, why, sizeof(why)), 0,
	    "%s: not well-formed XML: %s", path, why);
	cr_assert_not_null(strstr((const char *)buf, "<svg"), "%s", path);
	free(buf);
}

Test(plot, xml_checker)
{
	static const char *const good[] = {
		"<?xml version=\"1.0\"?>\n<!DOCTYPE svg [ <!ENTITY x \"y\"> ]>"
		    "<svg a=\"1\" b='2'><g><!-- <x> --><t>&amp;&#38;&#x26;"
		    "</t><e/></g></svg>\n",
	};
	static const char *const bad[] = {
		"<svg><g></svg></g>", "<svg a=1></svg>", "<svg>&nbsp;</svg>",
		"<svg><g></g>", "<svg></svg><svg></svg>",
		"<svg a=\"1\" a=\"2\"/>",
		"<svg a=\"<\"/>", "text<svg/>", "<svg><!-- x</svg>",
	};
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(xml_check(good[i], why, sizeof(why)), 0, "%s: %s",
		    good[i], why);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(xml_check(bad[i], why, sizeof(why)), -1, "%s",
		    bad[i]);
}

static void
check_txt(const char *path)
{
	unsigned char *buf;
	size_t len, col = 0, i, lines = 0;

	buf = slurp(path, &len);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			col = 0;
			lines++;
			continue;
		}
		cr_assert(buf[i] >= 0x20 && buf[i] < 0x7f,
		    "%s: byte 0x%02x", path, buf[i]);
		cr_assert_leq(++col, 72, "%s: line %zu over 72 columns",
		    path, lines + 1);
	}
	cr_assert_gt(lines, 5, "%s: %zu lines", path, lines);
	free(buf);
}

/*
 * Every text plot: no title of the key inside a frame.  A frame is the
 * rows between two border lines (from the first '+' to the last, only
 * '-' and '+'); within it, what lies between the first '|' and the last
 * is the plot area, where a key row would overprint data.  The key must
 * be somewhere else: at least one of its titles outside every frame,
 * unless the figure has no key (NOKEY).
 */
static const char *const keytitles[] = { "panic-only", "canfail",
    "nointr", "fdlimit", "panic or hang", "panicked or hung", "size:",
    "regressed", "bars:" };

static int
border(const char *l)
{
	const char *a = strstr(l, "+-"), *b = strrchr(l, '+'), *p;

	if (a == NULL || b == a || strchr(l, '|') != NULL)
		return 0;
	for (p = a; p <= b; p++)
		if (*p != '+' && *p != '-')
			return 0;
	return b - a > 20;
}

static void
check_txt_key(const char *path, int nokey)
{
	unsigned char *buf;
	char *line, *next, *a, *b;
	size_t len, k;
	int inframe = 0, outside = 0, n = 0;

	buf = slurp(path, &len);
	for (line = (char *)buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n++;
		if (border(line)) {
			inframe = !inframe;
			continue;
		}
		a = strchr(line, '|');
		b = strrchr(line, '|');
		for (k = 0; k < sizeof(keytitles) / sizeof(keytitles[0]); k++) {
			char *t = strstr(line, keytitles[k]);

			if (t == NULL)
				continue;
			if (inframe && a != NULL && b != a && t > a && t < b)
				cr_expect(0, "%s: line %d: key title '%s' "
				    "inside the plot: %s", path, n,
				    keytitles[k], line);
			else if (!inframe)
				outside = 1;
		}
	}
	if (!nokey)
		cr_expect(outside, "%s: no key outside the plot", path);
	free(buf);
}

static const char *const figures[] = {
	"01-outcome-pr14721", "01-outcome-under-attack",
	"01-outcome-amap-storm", "02-maxfds-pr14721",
	"02-maxfds-under-attack", "03-maps-pr14721-kmem_map",
	"03-maps-pr14721-kernel_map", "03-maps-under-attack-kmem_map",
	"03-maps-under-attack-kernel_map", "04-latency-pct",
	"04-latency-cdf-malloc", "04-latency-cdf-fdexpand",
	"05-frag-under-attack-kmem_map", "06-history-kmem_map-peak"
};
#define NFIGURES	(sizeof(figures) / sizeof(figures[0]))

Test(plot, every_figure_every_format)
{
	char args[3 * PATH_MAX], path[2 * PATH_MAX], *out, *err, *p;
	size_t i;
	int rc;

	fill_store(1);
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p", tdir,
	    tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	/* Only fdexpand's refusals may be missing: at 30000 descriptors
	 * no table is refused. */
	for (p = err; (p = strstr(p, "skipping")) != NULL; p++)
		cr_expect(strncmp(p, "skipping 04-latency-cdf-fdexpand.refused",
		    40) == 0, "%s", err);
	for (i = 0; i < NFIGURES; i++) {
		snprintf(path, sizeof(path), "%s/p/%s.png", tdir, figures[i]);
		check_png(path, PNG_W, PNG_H);
		snprintf(path, sizeof(path), "%s/p/%s.svg", tdir, figures[i]);
		check_svg(path);
		snprintf(path, sizeof(path), "%s/p/%s.txt", tdir, figures[i]);
		check_txt(path);
		check_txt_key(path, strncmp(figures[i], "01-", 3) == 0);
	}
	/* The data are files kmbench wrote, with the outcomes in them. */
	snprintf(path, sizeof(path), "%s/p/data/grid-pr14721.tsv", tdir);
	cr_assert_eq(access(path, R_OK), 0);
	free(out);
	free(err);
}

Test(plot, one_format)
{
	char args[3 * PATH_MAX], path[2 * PATH_MAX], *out, *err;
	int rc;

	fill_store(1);
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p "
	    "--format txt", tdir, tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	snprintf(path, sizeof(path), "%s/p/01-outcome-pr14721.txt", tdir);
	check_txt(path);
	snprintf(path, sizeof(path), "%s/p/01-outcome-pr14721.png", tdir);
	cr_expect_neq(access(path, F_OK), 0, "a PNG was drawn");
	free(out);
	free(err);
}

/*
 * A store of one trace that is not pr14721 (amap-storm on i386-64M):
 * its own figures are drawn, titled by its name; fdexpand, which it
 * never calls, is skipped with a note; the report names amap-storm and
 * never PR kern/14721.
 */
Test(plot, any_store)
{
	static const char *const drawn[] = { "01-outcome-amap-storm",
	    "03-maps-amap-storm-kmem_map", "04-latency-cdf-malloc",
	    "05-frag-amap-storm-kmem_map" };
	char args[3 * PATH_MAX], path[2 * PATH_MAX], *out, *err;
	size_t i;
	int rc;

	fill_store(0);
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p", tdir,
	    tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(err, "skipping 04-latency-cdf-fdexpand"),
	    "%s", err);
	cr_expect_null(strstr(err, "pr14721"), "%s", err);
	for (i = 0; i < sizeof(drawn) / sizeof(drawn[0]); i++) {
		snprintf(path, sizeof(path), "%s/p/%s.png", tdir, drawn[i]);
		check_png(path, PNG_W, PNG_H);
		snprintf(path, sizeof(path), "%s/p/%s.txt", tdir, drawn[i]);
		check_txt(path);
	}
	free(out);
	free(err);
	snprintf(args, sizeof(args), "report --db %s/d.db --plots %s/p", tdir,
	    tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(out, "kmbench report: amap-storm\n"), "%s",
	    out);
	cr_expect_not_null(strstr(out, "Outcome of amap-storm"), "%s", out);
	cr_expect_not_null(strstr(out, "Headline figures: amap-storm on "
	    "i386-64M"), "%s", out);
	cr_expect_not_null(strstr(out, "--- 01-outcome-amap-storm\n"), "%s",
	    out);
	cr_expect_null(strstr(out, "14721"), "%s", out);
	free(out);
	free(err);
}

Test(plot, bad_options)
{
	char args[3 * PATH_MAX], *out, *err;

	fill_store(0);
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p "
	    "--format gif", tdir, tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	cr_expect_not_null(strstr(err, "unknown format 'gif'"), "%s", err);
	free(out);
	free(err);
	snprintf(args, sizeof(args), "plot --db %s/none.db", tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	free(out);
	free(err);
}

Test(plot, gnuplot_missing)
{
	char args[3 * PATH_MAX], *out, *err;

	char *path;
	int rc;

	fill_store(0);
	path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	cr_assert_not_null(path);
	setenv("PATH", "/nonexistent", 1);
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p", tdir,
	    tdir);
	rc = kmtest_cmd(args, &out, &err);
	setenv("PATH", path, 1);
	free(path);
	cr_expect_eq(rc, 1);
	cr_expect_not_null(strstr(err, "gnuplot is not installed"), "%s",
	    err);
	free(out);
	free(err);
}

/*
 * The full store, and the plots drawn with a copy of plots/ whose
 * maxfds.gp names a variable that does not exist (its line 2).
 */
static void
broken_maxfds(void)
{
	char path[2 * PATH_MAX];
	FILE *f;

	fill_store(1);
	snprintf(path, sizeof(path), "%s/gp", tdir);
	cr_assert_eq(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "cp %s/plots/*.gp %s/gp/", kmtest_src(),
	    tdir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/gp/maxfds.gp", tdir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "load plotdir.\"/common.gp\"\nplot nosuchvariable\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/gp", tdir);
	setenv("KMBENCH_PLOTS", path, 1);
}

Test(plot, script_error_is_one_line)
{
	char args[4 * PATH_MAX], *out, *err, *nl, *line;

	broken_maxfds();
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p "
	    "--format txt", tdir, tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 1);
	/* The line naming the script (after the notes of figures skipped). */
	line = strstr(err, "kmbench plot: gnuplot ");
	cr_assert_not_null(line, "%s", err);
	nl = strchr(line, '\n');
	cr_assert_not_null(nl);
	*nl = '\0';
	cr_expect_not_null(strstr(line, "maxfds.gp"), "%s", line);
	cr_expect_not_null(strstr(line, "line 2"), "%s", line);
	cr_expect_not_null(strstr(line, "undefined"), "%s", line);
	free(out);
	free(err);
}

/*
 * A script that fails in every format, the others drawn in full: PNG
 * and text are drawn by one gnuplot each for all figures (cmd_plot.c,
 * draw_all()), and a failure there draws that format again a figure at
 * a time, so that the complaint names the script and the figures after
 * the broken one are still drawn.  maxfds.gp comes before maps.gp and
 * the latency figures in the order drawn.
 */
Test(plot, script_error_spares_the_others)
{
	static const char *const fmts[] = { "png", "svg", "txt" };
	static const char *const figs[] = { "01-outcome-pr14721",
	    "03-maps-pr14721-kmem_map", "04-latency-pct" };
	char args[4 * PATH_MAX], *out, *err;
	struct stat sb;
	size_t i, j;

	broken_maxfds();
	snprintf(args, sizeof(args), "plot --db %s/d.db --out %s/p", tdir,
	    tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 1);
	cr_expect_not_null(strstr(err, "maxfds.gp failed"), "%s", err);
	cr_expect_null(strstr(err, "draw-"), "%s", err);
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		for (j = 0; j < 3; j++) {
			snprintf(args, sizeof(args), "%s/p/%s.%s", tdir,
			    figs[i], fmts[j]);
			cr_expect(stat(args, &sb) == 0 && sb.st_size > 0,
			    "%s not drawn: %s", args, err);
		}
	snprintf(args, sizeof(args), "%s/p/data/draw-png.gp", tdir);
	cr_expect(stat(args, &sb) != 0, "%s left behind", args);
	free(out);
	free(err);
}

/*
 * The hand-made store: pr14721 on i386-16M and i386-64M under the four
 * strategies, and one fd-server case.  (strategy, machine, outcome,
 * hung, max_fds, kmem_map.peak_pages, kmem_map.jw4.)
 */
static const struct known {
	const char	*k_strategy;
	const char	*k_machine;
	const char	*k_trace;
	const char	*k_outcome;
	int		 k_hung;
	int		 k_fds;
	int		 k_peak;
	double		 k_jw4;
} known[] = {
	{ "panic-only", "i386-16M", "t/pr14721.kmt", "panic", 0, 1000, 90,
	    1.75 },
	{ "panic-only", "i386-64M", "t/pr14721.kmt", "panic", 0, 5000, 111,
	    1.5 },
	{ "panic-only", "i386-64M", "t/fd-server.kmt", "survived", 0, 300,
	    7, 1.0 },
	{ "canfail", "i386-16M", "t/pr14721.kmt", "survived", 0, 1000, 90,
	    1.75 },
	{ "canfail", "i386-64M", "t/pr14721.kmt", "survived", 0, 5000, 222,
	    1.25 },
	{ "nointr", "i386-16M", "t/pr14721.kmt", "survived", 1, 7000, 2,
	    9 },
	{ "nointr", "i386-64M", "t/pr14721.kmt", "survived", 0, 9000, 333,
	    2 },
	{ "fdlimit", "i386-16M", "t/pr14721.kmt", "survived", 0, 500, 45,
	    1.1 },
	{ "fdlimit", "i386-64M", "t/pr14721.kmt", "survived", 0, 2500, 444,
	    1.125 },
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

/* Latency of the i386-64M pr14721 cases: every call of malloc takes
 * 100 << i ns and of fdexpand 1024 * (i + 1) ns (i: the strategy). */
static int
strat_index(const char *s)
{
	static const char *const names[] = { "panic-only", "canfail",
	    "nointr", "fdlimit" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
exec_sql(sqlite3 *db, char *sql)
{
	char *msg = NULL;

	cr_assert_not_null(sql);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK,
	    "%s: %s", sql, msg ? msg : "");
	sqlite3_free(sql);
}

static void
add_latency_in(sqlite3 *db, int64_t id, const char *op, const char *arena,
    uint64_t v, uint64_t n)
{
	unsigned char blob[10];
	unsigned b = hist_bucket(v);
	sqlite3_stmt *s;
	int k;

	blob[0] = (unsigned char)(b & 0xff);
	blob[1] = (unsigned char)(b >> 8);
	for (k = 0; k < 8; k++)
		blob[2 + k] = (unsigned char)(n >> (8 * k));
	cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO latency VALUES "
	    "(?1, ?2, ?6, ?3, ?4, ?4, ?4, ?4, ?4, ?4, ?5)", -1, &s,
	    NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, arena, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)n);
	sqlite3_bind_int64(s, 4, (int64_t)v);
	sqlite3_bind_blob(s, 5, blob, sizeof(blob), SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void
add_latency(sqlite3 *db, int64_t id, const char *op, uint64_t v,
    uint64_t n)
{

	add_latency_in(db, id, op, "kmem_map", v, n);
}

static void
add_result(sqlite3 *db, int64_t id, const char *name, double v)
{

	exec_sql(db, sqlite3_mprintf("INSERT INTO result VALUES (%lld, %Q, "
	    "%.17g, 1)", (long long)id, name, v));
}

static void
known_store(const char *path)
{
	char err[512];
	struct store st;
	size_t i;
	int64_t id;
	int si;

	cr_assert_eq(store_open(&st, path, err, sizeof(err)), 0, "%s", err);
	exec_sql(st.st_db, sqlite3_mprintf("INSERT INTO run (id, commit_id, "
	    "dirty, compiler, cflags, host, cpu, date, version, command) "
	    "VALUES (1, 'abcdef0123456789abcdef', 0, 'cc 1', '-O2', "
	    "'testhost', "
	    "'Test CPU 9000', '2026-01-02T03:04:05Z', '0.1', 'matrix')"));
	for (i = 0; i < NKNOWN; i++) {
		id = (int64_t)i + 1;
		exec_sql(st.st_db, sqlite3_mprintf("INSERT INTO \"case\" "
		    "VALUES (%lld, 1, 'k%d', 'i%d', %Q, %Q, "
		    "'physmem=%s;pagesize=4096;', %Q, %Q, 0, %Q, 1000)",
		    (long long)id, (int)i, (int)i, known[i].k_strategy,
		    known[i].k_machine, strcmp(known[i].k_machine,
		    "i386-16M") == 0 ? "16M" : "64M", known[i].k_trace,
		    strstr(known[i].k_trace, "pr14721") ? "aa" : "bb",
		    known[i].k_outcome));
		exec_sql(st.st_db, sqlite3_mprintf("INSERT INTO result VALUES "
		    "(%lld, 'max_fds', %d, 1), (%lld, 'hung', %d, 1), "
		    "(%lld, 'kmem_map.peak_pages', %d, 1), "
		    "(%lld, 'kmem_map.jw4', %.17g, 1)", (long long)id,
		    known[i].k_fds, (long long)id, known[i].k_hung,
		    (long long)id, known[i].k_peak, (long long)id,
		    known[i].k_jw4));
		si = strat_index(known[i].k_strategy);
		if (strcmp(known[i].k_machine, "i386-64M") == 0 &&
		    strstr(known[i].k_trace, "pr14721") != NULL) {
			add_latency(st.st_db, id, "malloc", 100u << si, 1000);
			add_latency(st.st_db, id, "fdexpand",
			    1024u * (unsigned)(si + 1), 500);
		}
	}
	/*
	 * The figures the report must not take for headlines, and those it
	 * must mark (docs/metrics.md):
	 * - fd-server's malloc takes 983040 ns: another workload, not
	 *   merged into pr14721's p99;
	 * - panic-only on i386-64M made one more malloc, of 50000000 ns, in
	 *   kernel_map: with 1000 of 100 ns, p99.9 is rank ceil(0.999 x
	 *   1001) = 1000, 100 ns, and the max is 500000 times that: a host
	 *   stall;
	 * - canfail on i386-64M has a second repetition (case 10, same
	 *   commit and trace): malloc 640 ns, fdexpand 6144 ns, so the
	 *   medians are (200 + 640) / 2 = 420 and (2048 + 6144) / 2 = 4096,
	 *   with 100000 refused fdexpand calls of 16 ns, which stay out of
	 *   its p99;
	 * - canfail's largest M_WAITOK request needs 4000 pages and its
	 *   largest free extent at the end is 1998: exhausted; fdlimit's
	 *   needs 1000 of 3000: survived;
	 * - peak live bytes in kmem_map: 124 for nointr, under 16 pages, so
	 *   no J&W; 65536, exactly 16 pages, for fdlimit: shown.
	 */
	add_latency(st.st_db, 3, "malloc", 983040, 1000);
	add_latency_in(st.st_db, 2, "malloc", "kernel_map", 50000000, 1);
	exec_sql(st.st_db, sqlite3_mprintf("INSERT INTO \"case\" VALUES (10, "
	    "1, 'k10', 'i10', 'canfail', 'i386-64M', "
	    "'physmem=64M;pagesize=4096;', 't/pr14721.kmt', 'aa', 1, "
	    "'survived', 1000)"));
	exec_sql(st.st_db, sqlite3_mprintf("INSERT INTO result SELECT 10, "
	    "name, value, deterministic FROM result WHERE case_id = 5"));
	add_latency(st.st_db, 10, "malloc", 640, 1000);
	add_latency(st.st_db, 10, "fdexpand", 6144, 500);
	add_latency(st.st_db, 10, "fdexpand.refused", 16, 100000);
	for (id = 5; id <= 10; id += 5) {
		add_result(st.st_db, id, "kmem_map.waitok_max_pages", 4000);
		add_result(st.st_db, id, "kmem_map.largest_free_end", 1998);
	}
	add_result(st.st_db, 9, "kmem_map.waitok_max_pages", 1000);
	add_result(st.st_db, 9, "kmem_map.largest_free_end", 3000);
	add_result(st.st_db, 7, "kmem_map.peak_live_bytes", 124);
	add_result(st.st_db, 9, "kmem_map.peak_live_bytes", 65536);
	store_close(&st);
}

/* The words of the first line of TEXT after the line starting AFTER
 * that starts with PREFIX, PREFIX dropped, into W; their count. */
static int
words(const char *text, const char *after, const char *prefix,
    char w[8][32])
{
	const char *p = text, *e = NULL;
	char line[512], *tok, *save;
	int n = 0;

	if (after != NULL && (p = strstr(text, after)) == NULL)
		return -1;
	for (; p != NULL && *p != '\0'; p = e == NULL ? NULL : e + 1) {
		e = strchr(p, '\n');
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			break;
	}
	if (p == NULL || *p == '\0')
		return -1;
	snprintf(line, sizeof(line), "%.*s", (int)((e ? e : p + strlen(p)) -
	    p - (ptrdiff_t)strlen(prefix)), p + strlen(prefix));
	for (tok = strtok_r(line, " \t", &save); tok != NULL && n < 8;
	    tok = strtok_r(NULL, " \t", &save))
		snprintf(w[n++], 32, "%s", tok);
	return n;
}

static void
expect_words(const char *text, const char *after, const char *prefix,
    const char *const *want, int nwant)
{
	char w[8][32];
	int n, i;

	n = words(text, after, prefix, w);
	cr_assert_eq(n, nwant, "line '%s': %d words, not %d\n%s", prefix, n,
	    nwant, text);
	for (i = 0; i < n; i++)
		cr_expect_str_eq(w[i], want[i], "line '%s', word %d", prefix,
		    i + 1);
}

Test(report, known_store_txt)
{
	static const char *const hdr[] = { "16", "MiB", "64", "MiB" };
	static const char *const po[] = { "PANIC", "PANIC" };
	static const char *const pofds[] = { "1000", "5000" };
	static const char *const ni[] = { "hung", "survived" };
	static const char *const cf[] = { "survived", "exhausted" };
	static const char *const surv[] = { "1/3", "1/2", "1/2", "2/2" };
	static const char *const fds[] = { "5000", "5000", "9000", "2500" };
	static const char *const peak[] = { "111", "222", "333", "444" };
	static const char *const jw4[] = { "1.500", "1.250", "-",
	    "1.125" };
	static const char *const mal[] = { "100", "420", "400", "800" };
	static const char *const malmax[] = { "stall", "420", "400", "800" };
	static const char *const fde[] = { "1024", "4096", "3072", "4096" };
	static const char *const fdesp[] = { "1024-1024", "2048-6144",
	    "3072-3072", "4096-4096" };
	static const char *const fdec[] = { "500", "500", "500", "500" };
	static const char *const fder[] = { "0", "100000", "0", "0" };
	static const char *const cfcase[] = { "exhausted", "5000", "222",
	    "-", "-" };
	char db[PATH_MAX + 8], args[3 * PATH_MAX], *out, *err, *p, *e, *flat;
	FILE *f;
	int rc;

	snprintf(db, sizeof(db), "%s/k.db", tdir);
	known_store(db);
	snprintf(args, sizeof(args), "%s/plots", tdir);
	cr_assert_eq(mkdir(args, 0777), 0);
	snprintf(args, sizeof(args), "%s/plots/01-test.txt", tdir);
	cr_assert_not_null(f = fopen(args, "w"));
	fprintf(f, "a text plot\n");
	fclose(f);
	snprintf(args, sizeof(args), "report --db %s --plots %s/plots", db,
	    tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(out, "commit:     abcdef012345\n"), "%s",
	    out);
	cr_expect_not_null(strstr(out, "machine:    testhost, Test CPU "
	    "9000\n"), "%s", out);
	expect_words(out, "Outcome", "strategy", hdr, 4);
	expect_words(out, "Outcome", "panic-only", po, 2);
	/* The line after the outcomes holds the descriptors. */
	p = strstr(strstr(out, "Outcome"), "\npanic-only");
	cr_assert_not_null(p);
	p = strchr(p + 1, '\n');
	cr_assert_not_null(p);
	expect_words(p + 1, NULL, " ", pofds, 2);
	expect_words(out, "Outcome", "nointr", ni, 2);
	expect_words(out, "Outcome", "canfail", cf, 2);
	cr_expect_not_null(strstr(out, "kmbench report: PR kern/14721, and "
	    "1 other trace\n"), "%s", out);
	cr_expect_not_null(strstr(out, "Headline figures: pr14721 on "
	    "i386-64M\n"), "%s", out);
	expect_words(out, "Headline", "survived, all cases", surv, 4);
	expect_words(out, "Headline", "attacker's most fds", fds, 4);
	expect_words(out, "Headline", "kmem_map peak pages", peak, 4);
	expect_words(out, "Headline", "J&W measure 4, kmem_map", jw4, 4);
	cr_expect_not_null(strstr(out, "(nointr 124 bytes)"), "%s", out);
	expect_words(out, "Headline", "malloc p99 (ns)", mal, 4);
	expect_words(out, "Headline", "malloc max (ns)", malmax, 4);
	expect_words(out, "Headline", "fdexpand p99 (ns)", fde, 4);
	expect_words(out, "fdexpand p99", "  least-greatest", fdesp, 4);
	expect_words(out, "Headline", "fdexpand calls", fdec, 4);
	expect_words(out, "fdexpand calls", "  refused", fder, 4);
	/* In a wrapped paragraph. */
	cr_assert_not_null(flat = strdup(out));
	for (p = flat; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	cr_expect_not_null(strstr(flat, "median over the 2 repetitions"),
	    "%s", out);
	free(flat);
	/* Every case in its trace's table, refusals by errno. */
	expect_words(out, "Cases of pr14721", "canfail    i386-64M ", cfcase,
	    5);
	cr_expect_not_null(strstr(out, "--- 01-test\na text plot\n"), "%s",
	    out);
	for (p = out; *p != '\0'; p = e + 1) {
		e = strchr(p, '\n');
		cr_assert_not_null(e);
		cr_expect_leq(e - p, 72, "over 72 columns: %.*s",
		    (int)(e - p), p);
	}
	free(out);
	free(err);
}

Test(report, known_store_md)
{
	char db[PATH_MAX + 8], args[3 * PATH_MAX], *out, *err;
	int rc;

	snprintf(db, sizeof(db), "%s/k.db", tdir);
	known_store(db);
	snprintf(args, sizeof(args), "report --db %s --format md --plots "
	    "%s/none", db, tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(out, "| strategy | 16 MiB | 64 MiB |\n"
	    "|---|---|---|\n| panic-only | PANIC, 1000 fds | PANIC, 5000 fds "
	    "|\n"), "%s", out);
	cr_expect_not_null(strstr(out, "| nointr | hung, 7000 fds | "
	    "survived, 9000 fds |\n"), "%s", out);
	cr_expect_not_null(strstr(out, "| canfail | survived, 1000 fds | "
	    "survived, kmem_map exhausted, 5000 fds |\n"), "%s", out);
	cr_expect_not_null(strstr(out, "| survived, all cases | 1/3 | 1/2 | "
	    "1/2 | 2/2 |\n"), "%s", out);
	cr_expect_not_null(strstr(out, "| malloc p99 (ns) | 100 | 420 | 400 "
	    "| 800 |\n"), "%s", out);
	cr_expect_not_null(strstr(out, "No text plots in"), "%s", out);
	free(out);
	free(err);
}

/*
 * --trace, --machine and --strategies choose what is shown; the title
 * names it.  fd-server alone: its one case (panic-only on i386-64M),
 * malloc p99 983040 ns, no PR kern/14721 anywhere.
 */
Test(report, selection)
{
	static const char *const fdhdr[] = { "64", "MiB" };
	static const char *const fdmal[] = { "983040" };
	static const char *const m16[] = { "16", "MiB" };
	static const char *const two[] = { "canfail", "nointr" };
	char db[PATH_MAX + 8], args[3 * PATH_MAX], *out, *err;
	int rc;

	snprintf(db, sizeof(db), "%s/k.db", tdir);
	known_store(db);
	snprintf(args, sizeof(args), "report --db %s --plots %s/none "
	    "--trace t/fd-server.kmt --strategies panic-only", db, tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(out, "kmbench report: fd-server\n"), "%s",
	    out);
	cr_expect_null(strstr(out, "14721"), "%s", out);
	expect_words(out, "Outcome of fd-server", "strategy", fdhdr, 2);
	expect_words(out, "Headline figures: fd-server on i386-64M",
	    "malloc p99 (ns)", fdmal, 1);
	free(out);
	free(err);

	snprintf(args, sizeof(args), "report --db %s --plots %s/none "
	    "--machine i386-16M --strategies canfail,nointr", db, tdir);
	rc = kmtest_cmd(args, &out, &err);
	cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
	cr_expect_not_null(strstr(out, "on i386-16M\n"), "%s", out);
	expect_words(out, "Outcome of the pr14721", "strategy", m16, 2);
	expect_words(out, "Headline figures: pr14721 on i386-16M", " ", two,
	    2);
	free(out);
	free(err);

	/* What the store does not hold: exit 2, naming what it holds. */
	snprintf(args, sizeof(args), "report --db %s --trace git", db);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	cr_expect_not_null(strstr(err, "fd-server"), "%s", err);
	free(out);
	free(err);
	snprintf(args, sizeof(args), "report --db %s --machine i386-1G", db);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	free(out);
	free(err);
	snprintf(args, sizeof(args), "report --db %s --strategies nope", db);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	free(out);
	free(err);
}

Test(report, bad_input)
{
	char args[3 * PATH_MAX], *out, *err;

	snprintf(args, sizeof(args), "report --db %s/none.db", tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	free(out);
	free(err);
	snprintf(args, sizeof(args), "report --format pdf --db %s/x.db",
	    tdir);
	cr_expect_eq(kmtest_cmd(args, &out, &err), 2);
	cr_expect_not_null(strstr(err, "unknown format 'pdf' (txt, md or "
	    "html)"), "%s", err);
	free(out);
	free(err);
}
