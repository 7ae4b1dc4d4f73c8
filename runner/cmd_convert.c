/*
 * cmd_convert.c: kmbench convert IN OUT.
 *
 * IN is any trace kmt_open() reads (text or binary, plain, gzip or
 * zstd).  OUT is written by the trace writer: binary when its name ends
 * in .kmb, .kmb.gz or .kmb.zst, text otherwise (compressed by .gz and
 * .zst).  The headers and every event are copied as they are, so
 * converting back gives the same events.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../workloads/kmtrace.h"
#include "../workloads/kmtrace_write.h"
#include "cmd_convert.h"

int
cmd_convert(int argc, char **argv)
{
	struct kmt_reader *rd;
	struct kmt_writer *w;
	struct kmt_event ev;
	const char *key;
	char err[1024];
	int i, n, rc = 0;

	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '\0') {
		fprintf(stderr, "usage: kmbench convert IN OUT\n");
		return 2;
	}
	if ((rd = kmt_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		return 2;
	}
	if ((w = kmt_wopen(argv[2], err, sizeof(err))) == NULL) {
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
	}
out:
	kmt_close(rd);
	if (kmt_wclose(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "kmbench convert: %s\n", err);
		if (rc == 0)
			rc = 1;
	}
	/* A partial OUT is not left behind. */
	if (rc != 0 && strcmp(argv[2], "-") != 0)
		(void)unlink(argv[2]);
	return rc;
}
