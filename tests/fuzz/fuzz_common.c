/*
 * fuzz_common.c: what the libFuzzer targets share: the fuzzer's bytes in
 * a file the readers open by path, and the body of the importer targets.
 * Each target declares what it uses; this file is linked into each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runner/cmd_import.h"
#include "../../workloads/kmtrace.h"

const char	*fuzz_file(const char *, const uint8_t *, size_t);
const char	*fuzz_outpath(const char *);
int		 fuzz_import(const char *, const uint8_t *, size_t);

/*
 * Write DATA to a private temporary file (made once per process, in
 * $TMPDIR or /tmp) and return its path; abort() if that fails, since the
 * target can test nothing without it.  SUFFIX is kept at the name's end.
 */
const char *
fuzz_file(const char *suffix, const uint8_t *data, size_t size)
{
	static char path[4096];
	const char *dir;
	FILE *f;
	int fd;

	if (path[0] == '\0') {
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		snprintf(path, sizeof(path), "%s/kmfuzz-XXXXXX%s", dir,
		    suffix);
		if ((fd = mkstemps(path, (int)strlen(suffix))) < 0)
			abort();
		close(fd);
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	return path;
}

/* A second temporary path, for output; the file is made empty. */
const char *
fuzz_outpath(const char *suffix)
{
	static char path[4096];
	const char *dir;
	int fd;

	if (path[0] == '\0') {
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		snprintf(path, sizeof(path), "%s/kmfuzz-out-XXXXXX%s", dir,
		    suffix);
		if ((fd = mkstemps(path, (int)strlen(suffix))) < 0)
			abort();
		close(fd);
	}
	return path;
}

/*
 * Import the fuzzed log in FORMAT into a temporary kmtrace file and read
 * that back: a refusal must say why, and what is written must be read.
 */
int
fuzz_import(const char *format, const uint8_t *data, size_t size)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[1024];
	const char *log, *trace;
	int rc;

	log = fuzz_file(".log", data, size);
	trace = fuzz_outpath(".kmt");
	err[0] = '\0';
	rc = import_log(format, log, trace, err, sizeof(err));
	if (rc != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	/* What the importer writes, the reader must take. */
	if ((r = kmt_open(trace, err, sizeof(err))) == NULL)
		abort();
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1)
		;
	if (rc != 0)
		abort();
	kmt_close(r);
	return 0;
}
