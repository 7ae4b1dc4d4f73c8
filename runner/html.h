/*
 * html.h: writing the pages of kmbench report --format html: text
 * escaped for HTML, and a page that is whole or not there.  A page is
 * built in memory and written through outfile.h (a temporary file
 * renamed over the old page), so a reader never sees half of one and a
 * failure leaves the old page as it was.  Every page carries its own
 * style sheet: the site needs no file but its pages and no network.
 */
#ifndef KM_HTML_H
#define KM_HTML_H

#include <stddef.h>
#include <stdio.h>

struct html {
	FILE	*h_f;		/* write the body here */
	char	*h_buf;
	size_t	 h_len;
	char	 h_path[4096];
};

/* Which page of the site a page is, for the bar of links on top. */
enum html_nav { HN_INDEX, HN_COMPARE, HN_HISTORY, HN_FIGURE };

/*
 * Start page FILE of directory DIR titled TITLE: the head, the style
 * sheet, the links to the other pages and the heading.  0, or -1 with a
 * message in ERR.
 */
int	html_begin(struct html *, const char *dir, const char *file,
	    const char *title, enum html_nav, char *err, size_t errlen);

/*
 * End the page (SCRIPT, when not NULL, goes in a <script> element at
 * its end) and write it to its file.  0, or -1 with a message naming
 * the file in ERR (the file keeps what it had).
 */
int	html_end(struct html *, const char *script, char *err, size_t errlen);

/* Give a page up: nothing is written. */
void	html_abort(struct html *);

/* S on F with &, <, >, " and ' escaped. */
void	html_esc(FILE *f, const char *s);
/* The first N bytes of S (or up to its NUL) the same way. */
void	html_escn(FILE *f, const char *s, size_t n);
/* printf FMT, ... on F, all of it escaped. */
void	html_escf(FILE *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* NAME as a file name: letters, digits, '.', '-' and '_' kept, every
 * other byte '_'. */
void	html_filename(const char *name, char *buf, size_t len);

#endif /* KM_HTML_H */
