/*
 * cmd_convert.c: kmbench convert IN OUT.
 *
 * IN is any trace kmt_open() reads (text or binary, plain, gzip or
 * zstd).  OUT is written by the trace writer: binary when its name ends
 * in .kmb, .kmb.gz or .kmb.zst, text otherwise (compressed by .gz and
 * .zst).  The headers and every event are copied as they are, so
 * converting back gives the same events.  OUT is written to a
 * temporary file and renamed into place when it is whole (outfile.h):
 * a failure leaves OUT as it was, and OUT that is IN is refused.  A
 * version-1 IN is written as version 2, with its end line; with
 * --allow-truncated a version-2 IN without its end line is converted as
 * far as it goes (and OUT gets its end line).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../workloads/kmtrace.h"
#include "../workloads/kmtrace_write.h"
#include "../workloads/outfile.h"
#include "cmd_convert.h"

int
cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-truncated", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct kmt_reader *rd;
	struct kmt_writer *w;
	struct kmt_event ev;
	const char *key, *in, *out, *warning;
	char err[1024];
	int i, n, ch, rc = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'T':
			kmt_set_defaults(KMT_ALLOW_TRUNCATED);
			break;
		default:
			fprintf(stderr, "usage: kmbench convert "
			    "[--allow-truncated] IN OUT\n");
			return 2;
		}
	}
	if (argc - optind != 2 || argv[optind][0] == '\0' ||
	    argv[optind + 1][0] == '\0') {
		fprintf(stderr, "usage: kmbench convert [--allow-truncated] "
		    "IN OUT\n");
		return 2;
	}
	in = argv[optind];
	out = argv[optind + 1];
	/* Before anything is opened for writing. */
	if (outfile_is_input(out, in, err, sizeof(err))) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		return 2;
	}
	if ((rd = kmt_open(in, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		return 2;
	}
	if ((w = kmt_wopen(out, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		kmt_close(rd);
		return 1;
	}
	for (i = 0; i < kmt_nheaders(rd); i++) {
		key = kmt_header_key(rd, i);
		if (kmt_wheader(w, key, kmt_header(rd, key)) != 0) {
			fprintf(stderr, "kmbench convert: %s\n",
			    kmt_werror(w));
			rc = 1;
			goto out;
		}
	}
	while ((n = kmt_read(rd, &ev, err, sizeof(err))) == 1)
		if (kmt_wevent(w, &ev) != 0) {
			fprintf(stderr, "kmbench convert: %s\n",
			    kmt_werror(w));
			rc = 1;
			goto out;
		}
	if (n < 0) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		rc = 2;
	} else if ((warning = kmt_warning(rd)) != NULL)
		fprintf(stderr, "kmbench convert: warning: %s\n", warning);
out:
	kmt_close(rd);
	/* A failure leaves OUT as it was. */
	if (rc != 0)
		kmt_wabort(w);
	else if (kmt_wclose(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		rc = 1;
	}
	return rc;
}
