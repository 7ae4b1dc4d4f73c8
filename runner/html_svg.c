/*
 * html_svg.c: gnuplot's SVG made fit to sit inline in a page
 * (html_svg.h).  A small scanner over the markup: tags are taken apart
 * into their attributes and put back together, text between them is
 * copied as it is (gnuplot escapes it as XML, which an HTML parser reads
 * the same inside <svg>).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_svg.h"

/* Elements dropped whole, with what they hold. */
static int
dropped(const char *name, size_t n)
{

	return (n == 6 && strncasecmp(name, "script", 6) == 0) ||
	    (n == 5 && strncasecmp(name, "style", 5) == 0) ||
	    (n == 13 && strncasecmp(name, "foreignObject", 13) == 0);
}

/* Past the end of element NAME from P (after its start tag). */
static const char *
skip_element(const char *p, const char *name, size_t n)
{
	const char *q;

	for (q = p; (q = strstr(q, "</")) != NULL; q += 2)
		if (strncasecmp(q + 2, name, n) == 0 &&
		    !isalnum((unsigned char)q[2 + n])) {
			q = strchr(q, '>');
			return q != NULL ? q + 1 : p + strlen(p);
		}
	return p + strlen(p);
}

/* VALUE (N bytes) with every "url(#" made "url(#PREFIX"; 0, or -1 when
 * it holds a url() to anything else. */
static int
put_value(FILE *f, const char *v, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if (strncasecmp(v + i, "url(", 4) == 0) {
			size_t j = i + 4;

			while (j < n && (v[j] == ' ' || v[j] == '\'' ||
			    v[j] == '"'))
				j++;
			if (j >= n || v[j] != '#')
				return -1;
		}
	for (i = 0; i < n; i++) {
		fputc(v[i], f);
		if (v[i] == '#' && i >= 4 && strncasecmp(v + i - 4, "url(", 4)
		    == 0)
			fputs(prefix, f);
	}
	return 0;
}

/*
 * The start tag whose name of N bytes is at NAME (after its '<'); writes
 * it, rewritten, and returns what follows it.  The root <svg> (ROOT)
 * gets class "plot" and loses its fixed size.
 */
static const char *
put_tag(FILE *f, const char *name, size_t n, const char *prefix, int root)
{
	const char *a, *an, *v;
	size_t anl, vl;
	char quote;

	fputc('<', f);
	fwrite(name, 1, n, f);
	if (root)
		fputs(" class=\"plot\" role=\"img\"", f);
	a = name + n;
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		if (*a == '\0')
			return a;
		if (*a == '>' || (*a == '/' && a[1] == '>')) {
			if (*a == '/')
				fputc('/', f);
			fputc('>', f);
			return a + (*a == '/' ? 2 : 1);
		}
		an = a;
		while (*a != '\0' && *a != '=' && *a != '>' && *a != '/' &&
		    !isspace((unsigned char)*a))
			a++;
		anl = (size_t)(a - an);
		if (anl == 0) {
			/* A stray character: skip it. */
			a++;
			continue;
		}
		while (isspace((unsigned char)*a))
			a++;
		v = NULL;
		vl = 0;
		quote = '"';
		if (*a == '=') {
			a++;
			while (isspace((unsigned char)*a))
				a++;
			if (*a == '"' || *a == '\'') {
				quote = *a++;
				v = a;
				while (*a != '\0' && *a != quote)
					a++;
				vl = (size_t)(a - v);
				if (*a == quote)
					a++;
			} else {
				v = a;
				while (*a != '\0' && *a != '>' &&
				    !isspace((unsigned char)*a))
					a++;
				vl = (size_t)(a - v);
			}
		}
		/* Handlers never; the root's size is the page's to set. */
		if (anl > 2 && strncasecmp(an, "on", 2) == 0)
			continue;
		if (root && ((anl == 5 && strncmp(an, "width", 5) == 0) ||
		    (anl == 6 && strncmp(an, "height", 6) == 0) ||
		    (anl == 5 && strncmp(an, "class", 5) == 0)))
			continue;
		if ((anl == 4 && strncasecmp(an, "href", 4) == 0) ||
		    (anl == 10 && strncasecmp(an, "xlink:href", 10) == 0)) {
			/* Only links within the plot, prefixed. */
			if (v == NULL || vl < 2 || *v != '#')
				continue;
			fputc(' ', f);
			fwrite(an, 1, anl, f);
			fprintf(f, "=%c#%s", quote, prefix);
			fwrite(v + 1, 1, vl - 1, f);
			fputc(quote, f);
			continue;
		}
		if (v != NULL && anl == 2 && strncasecmp(an, "id", 2) == 0) {
			fprintf(f, " id=%c%s", quote, prefix);
			fwrite(v, 1, vl, f);
			fputc(quote, f);
			continue;
		}
		if (v == NULL) {
			fputc(' ', f);
			fwrite(an, 1, anl, f);
			continue;
		}
		{
			char *buf = NULL;
			size_t blen = 0;
			FILE *m = open_memstream(&buf, &blen);

			if (m == NULL)
				continue;
			if (put_value(m, v, vl, prefix) == 0) {
				fclose(m);
				fputc(' ', f);
				fwrite(an, 1, anl, f);
				fprintf(f, "=%c", quote);
				fwrite(buf, 1, blen, f);
				fputc(quote, f);
			} else
				fclose(m);
			free(buf);
		}
	}
}

int
html_svg_text(FILE *out, const char *text, const char *what,
    const char *prefix, char *err, size_t errlen)
{
	const char *p = text, *q, *name;
	char *buf = NULL;
	size_t blen = 0, n;
	int depth = 0, seen = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &blen)) == NULL) {
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
		return -1;
	}
	while (*p != '\0') {
		if (*p != '<') {
			/* Text: as it is, but none before the root. */
			q = strchr(p, '<');
			if (q == NULL)
				q = p + strlen(p);
			if (seen)
				fwrite(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		if (strncmp(p, "<?", 2) == 0) {
			q = strstr(p, "?>");
			p = q != NULL ? q + 2 : p + strlen(p);
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			q = strstr(p, "-->");
			p = q != NULL ? q + 3 : p + strlen(p);
			continue;
		}
		if (strncmp(p, "<![CDATA[", 9) == 0) {
			q = strstr(p, "]]>");
			q = q != NULL ? q + 3 : p + strlen(p);
			if (seen)
				fwrite(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		if (strncmp(p, "<!", 2) == 0) {
			/* A doctype. */
			q = strchr(p, '>');
			p = q != NULL ? q + 1 : p + strlen(p);
			continue;
		}
		if (p[1] == '/') {
			q = strchr(p, '>');
			q = q != NULL ? q + 1 : p + strlen(p);
			fwrite(p, 1, (size_t)(q - p), f);
			depth--;
			p = q;
			continue;
		}
		name = p + 1;
		for (n = 0; name[n] != '\0' && (isalnum((unsigned char)name[n])
		    || name[n] == ':' || name[n] == '-' || name[n] == '_'); n++)
			;
		if (n == 0) {
			fputs("&lt;", f);
			p++;
			continue;
		}
		if (!seen && !(n == 3 && strncmp(name, "svg", 3) == 0))
			break;
		/* gnuplot's own title ("Gnuplot") and description. */
		if (dropped(name, n) || (depth == 1 && ((n == 5 &&
		    strncmp(name, "title", 5) == 0) || (n == 4 &&
		    strncmp(name, "desc", 4) == 0)))) {
			q = strchr(p, '>');
			if (q != NULL && q[-1] == '/')
				p = q + 1;
			else
				p = skip_element(q != NULL ? q + 1 : p +
				    strlen(p), name, n);
			continue;
		}
		q = put_tag(f, name, n, prefix, !seen);
		seen = 1;
		if (q[-1] == '>' && q[-2] != '/')
			depth++;
		p = q;
	}
	if (fclose(f) != 0 || !seen) {
		snprintf(err, errlen, "%s: %s", what, seen ? strerror(errno) :
		    "not an SVG image");
		free(buf);
		return -1;
	}
	fwrite(buf, 1, blen, out);
	fputc('\n', out);
	free(buf);
	return 0;
}

int
html_svg(FILE *out, const char *path, const char *prefix, char *err,
    size_t errlen)
{
	char *text;
	size_t len, n;
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = NULL;
	len = 0;
	for (;;) {
		char *t = realloc(text, len + 65537);

		if (t == NULL) {
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
			return -1;
		}
		text = t;
		n = fread(text + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	text[len] = '\0';
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	if (rc != 0) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		return -1;
	}
	rc = html_svg_text(out, text, path, prefix, err, errlen);
	free(text);
	return rc;
}
