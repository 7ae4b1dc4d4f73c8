/*
 * fuzz_kdump.c: libFuzzer target for the kdump importer.
 */
#include <stddef.h>
#include <stdint.h>

/* fuzz_common.c */
int	fuzz_import(const char *, const uint8_t *, size_t);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import("kdump", data, size);
}
