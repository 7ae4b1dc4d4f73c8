/*
 * fuzz_replay.c: libFuzzer target replaying a fuzzed trace under every
 * strategy on a small machine with the invariant checker on; a broken
 * invariant aborts, so libFuzzer reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/kcheck.h"
#include "../../kernel/machine.h"
#include "../../kernel/profile.h"
#include "../../runner/replay.h"
#include "../../strategies/strategy.h"

/* fuzz_common.c */
const char	*fuzz_file(const char *, const uint8_t *, size_t);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct strategy *const *s;
	struct profile pr;
	struct machine *m;
	struct replay r;
	char err[1024];
	const char *path;
	int rc;

	path = fuzz_file(".kmt", data, size);
	profile_defaults(&pr);
	/* 16 MiB keeps each case small and quick. */
	if (profile_set(&pr, "physmem=16M", err, sizeof(err)) != 0 ||
	    profile_check(&pr, err, sizeof(err)) != 0) {
		fprintf(stderr, "profile: %s\n", err);
		abort();
	}
	for (s = strategies; *s != NULL; s++) {
		if ((m = strategy_boot(&pr, *s, NULL, 0, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "boot %s: %s\n", (*s)->s_name, err);
			abort();
		}
		if (machine_check_enable(m) != 0)
			abort();
		err[0] = '\0';
		rc = replay_run(&r, m, NULL, path, err, sizeof(err));
		if (rc != 0 && err[0] == '\0') {
			fprintf(stderr, "%s: replay failed silently\n",
			    (*s)->s_name);
			abort();
		}
		if (machine_check(m, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: invariant broken: %s\n",
			    (*s)->s_name, err);
			abort();
		}
		replay_free(&r);
		machine_free(m);
	}
	return 0;
}
