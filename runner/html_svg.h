/*
 * html_svg.h: a plot gnuplot drew as SVG (kmbench plot --format svg),
 * made fit to sit inline in an HTML page among others: no XML prolog,
 * doctype or comments; its ids and the references to them prefixed, so
 * that two plots on one page never share an id; and nothing that could
 * run or fetch: no <script> or <style> element, no on* handler, no link
 * or url() that leaves the plot.
 */
#ifndef KM_HTML_SVG_H
#define KM_HTML_SVG_H

#include <stddef.h>
#include <stdio.h>

/*
 * The SVG of file PATH onto F, every id prefixed with PREFIX (letters,
 * digits and '-').  0, or -1 with a message naming PATH in ERR (nothing
 * written): unreadable, or not an SVG.
 */
int	html_svg(FILE *f, const char *path, const char *prefix, char *err,
	    size_t errlen);

/* The same for the text SVG of TEXT (NUL-terminated); NAME for ERR. */
int	html_svg_text(FILE *f, const char *text, const char *name,
	    const char *prefix, char *err, size_t errlen);

#endif /* KM_HTML_SVG_H */
