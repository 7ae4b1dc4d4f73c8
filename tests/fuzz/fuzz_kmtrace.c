/*
 * fuzz_kmtrace.c: libFuzzer target for the kmtrace reader.  The input is
 * opened by path, so gzip and zstd magic leads into the decompressors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../workloads/kmtrace.h"

/* fuzz_common.c */
const char	*fuzz_file(const char *, const uint8_t *, size_t);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmt_reader *r;
	struct kmt_event ev;
	char err[1024];
	const char *path;
	int rc;

	path = fuzz_file(".kmt", data, size);
	err[0] = '\0';
	if ((r = kmt_open(path, err, sizeof(err))) == NULL) {
		/* A refusal must say why. */
		if (err[0] == '\0')
			abort();
		return 0;
	}
	(void)kmt_header(r, "source");
	(void)kmt_path(r);
	while ((rc = kmt_read(r, &ev, err, sizeof(err))) == 1) {
		if (ev.ke_op >= KMT_NOPS || kmt_opname(ev.ke_op) == NULL)
			abort();
		if (memchr(ev.ke_id, '\0', sizeof(ev.ke_id)) == NULL ||
		    memchr(ev.ke_type, '\0', sizeof(ev.ke_type)) == NULL)
			abort();
	}
	if (rc < 0 && err[0] == '\0')
		abort();
	kmt_close(r);
	return 0;
}
