/*
 * html.c: the pages of kmbench report --format html as files (html.h):
 * escaping, the shared head and style sheet, and the atomic write.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../workloads/outfile.h"
#include "html.h"

/*
 * One style sheet for every page: plain, printable, readable without
 * colour (every mark also has a word or a shape).  The outcomes have
 * the hues of kmbench plot's outcome grid (plots/outcome.gp), lighter.
 */
static const char css[] =
"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Helvetica,Arial,"
"sans-serif;color:#1d1d1f;background:#fff;margin:0}\n"
"main{max-width:1180px;margin:0 auto;padding:8px 24px 40px}\n"
"nav{background:#23313f;color:#fff;padding:9px 24px;font-size:14px}\n"
"nav a{color:#cfe3ff;text-decoration:none;margin-right:18px}\n"
"nav a.here{color:#fff;font-weight:600;border-bottom:2px solid #8fc1ff}\n"
"nav .brand{font-weight:700;margin-right:26px;color:#fff}\n"
"h1{font-size:24px;margin:18px 0 6px}\n"
"h2{font-size:19px;margin:30px 0 8px;padding-bottom:3px;"
"border-bottom:1px solid #d8dde3}\n"
"h3{font-size:16px;margin:20px 0 6px}\n"
"p.note,p.sub{color:#4a5560;font-size:13.5px;max-width:900px}\n"
"code,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,monospace;"
"font-size:13px}\n"
"table{border-collapse:collapse;margin:6px 0 10px;font-size:14px}\n"
"th,td{border:1px solid #d3d9df;padding:4px 9px;text-align:left;"
"vertical-align:top}\n"
"th{background:#f1f4f7;font-weight:600}\n"
"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
"table.ctx th{width:110px}\n"
"table.lat,table.det{font-size:13px}\n"
"table.lat td,table.det td{white-space:nowrap}\n"
"table.lat td.case,table.det td.case{white-space:normal;min-width:200px}\n"
"div.grids,div.charts{display:flex;flex-wrap:wrap;gap:0 34px}\n"
"div.grid h3,div.chart h3{margin-top:14px}\n"
"p code{white-space:nowrap}\n"
"table.grid{font-size:13px}\n"
"table.grid th,table.grid td{padding:3px 6px}\n"
"table.grid td{text-align:center;min-width:64px;line-height:1.2}\n"
"table.grid td small{display:block;color:#333;font-size:12px}\n"
"td.o-survived{background:#dff3e0}\n"
"td.o-exhausted{background:#fbf1a9}\n"
"td.o-panic{background:#f6c5c5;font-weight:700;color:#8a1111}\n"
"td.o-hung{background:#fcd4a4}\n"
"td.o-notrun{background:#f4f4f4;color:#888}\n"
"td.v-changed,td.v-regressed{background:#f6c5c5;font-weight:600}\n"
"td.v-improved{background:#dff3e0;font-weight:600}\n"
"td.v-toofew{background:#fff1c2}\n"
"td.k-ok{background:#dff3e0}td.k-bad{background:#f6c5c5}"
"td.k-inf{color:#777}\n"
".warn{background:#fff6d6;border:1px solid #e8cf72;padding:8px 12px;"
"border-radius:4px;max-width:900px}\n"
".ok{background:#e8f6e9;border:1px solid #9fd3a5;padding:8px 12px;"
"border-radius:4px;max-width:900px}\n"
".bad{background:#fbe3e3;border:1px solid #e39a9a;padding:8px 12px;"
"border-radius:4px;max-width:900px}\n"
"figure{margin:14px 0 22px}\n"
"figure svg.plot{width:100%;max-width:900px;height:auto;"
"border:1px solid #e3e7eb}\n"
"figcaption{font-size:13px;color:#4a5560}\n"
"svg.hist{border:none}\n"
"svg.hist .point{cursor:pointer}\n"
"svg.hist .point:hover{stroke-width:3}\n"
"ul.figs{columns:3;font-size:14px}\n"
"#picked{font-family:ui-monospace,monospace;font-size:13px;"
"min-height:1.4em;color:#23313f}\n"
".legend span{margin-right:16px;font-size:13px}\n"
"details>summary{cursor:pointer;color:#23313f}\n"
"footer{color:#777;font-size:12px;margin-top:36px}\n";

void
html_escn(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		switch (s[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* No control characters but tab and newline. */
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
			    s[i] != '\n')
				fputc('?', f);
			else
				fputc(s[i], f);
		}
}

void
html_esc(FILE *f, const char *s)
{

	html_escn(f, s, (size_t)-1);
}

void
html_escf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s != NULL) {
		html_esc(f, s);
		free(s);
	}
}

void
html_filename(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '-' || name[i] == '_' ? name[i] : '_';
	if (len > 0)
		buf[i] = '\0';
}

static void
navlink(FILE *f, const char *href, const char *text, int here)
{

	fprintf(f, "<a href=\"%s\"%s>%s</a>", href, here ?
	    " class=\"here\"" : "", text);
}

int
html_begin(struct html *h, const char *dir, const char *file,
    const char *title, enum html_nav nav, char *err, size_t errlen)
{

	memset(h, 0, sizeof(*h));
	if (snprintf(h->h_path, sizeof(h->h_path), "%s/%s", dir, file) >=
	    (int)sizeof(h->h_path)) {
		snprintf(err, errlen, "%s/%s: %s", dir, file,
		    strerror(ENAMETOOLONG));
		return -1;
	}
	if ((h->h_f = open_memstream(&h->h_buf, &h->h_len)) == NULL) {
		snprintf(err, errlen, "%s: %s", h->h_path, strerror(errno));
		return -1;
	}
	fprintf(h->h_f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_esc(h->h_f, title);
	fprintf(h->h_f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
	    "<nav><span class=\"brand\">kmbench</span>", css);
	navlink(h->h_f, "index.html", "Summary", nav == HN_INDEX);
	navlink(h->h_f, "compare.html", "Compare", nav == HN_COMPARE);
	navlink(h->h_f, "history.html", "Figures across commits",
	    nav == HN_HISTORY || nav == HN_FIGURE);
	fprintf(h->h_f, "</nav>\n<main>\n<h1>");
	html_esc(h->h_f, title);
	fprintf(h->h_f, "</h1>\n");
	return 0;
}

void
html_abort(struct html *h)
{

	if (h->h_f != NULL)
		fclose(h->h_f);
	free(h->h_buf);
	h->h_f = NULL;
	h->h_buf = NULL;
}

int
html_end(struct html *h, const char *script, char *err, size_t errlen)
{
	struct outfile of;
	size_t off = 0;
	ssize_t n;

	fprintf(h->h_f, "<footer>Written by <code>kmbench report --format "
	    "html</code>: static pages that need no server and fetch "
	    "nothing.</footer>\n</main>\n");
	if (script != NULL)
		fprintf(h->h_f, "<script>\n%s\n</script>\n", script);
	fprintf(h->h_f, "</body>\n</html>\n");
	if (fclose(h->h_f) != 0) {
		h->h_f = NULL;
		snprintf(err, errlen, "%s: %s", h->h_path, strerror(errno));
		html_abort(h);
		return -1;
	}
	h->h_f = NULL;
	if (outfile_open(&of, h->h_path, err, errlen) != 0) {
		html_abort(h);
		return -1;
	}
	while (off < h->h_len) {
		n = write(of.of_fd, h->h_buf + off, h->h_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", h->h_path,
			    strerror(n < 0 ? errno : EIO));
			outfile_abort(&of);
			html_abort(h);
			return -1;
		}
		off += (size_t)n;
	}
	html_abort(h);
	return outfile_commit(&of, err, errlen);
}
