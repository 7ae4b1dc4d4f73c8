/*
 * micro_main.c: the microbench program: runs the benchmarks that
 * micro_kernel.c and micro_host.c register, with Google Benchmark's
 * command line (--benchmark_filter, --benchmark_out=FILE, ...).
 *
 * jemalloc and mimalloc are dlopen()ed, and jemalloc's initial-exec
 * thread-local storage only fits in the static TLS block if glibc
 * reserves more of it than the default; the program re-executes itself
 * once with that reservation (GLIBC_TUNABLES) set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbench.h"

#define MM_TUNABLE	"glibc.rtld.optional_static_tls=65536"

int
main(int argc, char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");
	char buf[1024];

	if (t == NULL || strstr(t, "optional_static_tls") == NULL) {
		if (t != NULL && *t != '\0')
			snprintf(buf, sizeof(buf), "%s:%s", t, MM_TUNABLE);
		else
			snprintf(buf, sizeof(buf), "%s", MM_TUNABLE);
		if (setenv("GLIBC_TUNABLES", buf, 1) == 0)
			execv("/proc/self/exe", argv);
		/* If that failed, run without jemalloc. */
	}
	return gb_main(argc, argv);
}
