/*
 * panic_only.c: NetBSD 1.5 as it was.  Descriptor tables and amap arrays
 * are ordinary malloc(9) from kmem_map with M_WAITOK, so a kmem_map
 * that cannot hold the next table panics the machine.
 */
#include "strategy.h"

const struct strategy strategy_panic_only = {
	.s_name = "panic-only",
	.s_summary = "NetBSD 1.5 as it was: tables in kmem_map, M_WAITOK, "
	    "panic when full",
	.s_doc = "Descriptor tables and amap arrays are malloc(9)'ed from "
	    "kmem_map with M_WAITOK, as in NetBSD 1.5; when kmem_map has no "
	    "room the machine panics with \"malloc: out of space in "
	    "kmem_map\".",
	.s_sites = {
		.sa_malloc = strategy_kmalloc,
		.sa_free = strategy_kfree,
		.sa_limit = strategy_nolimit,
	},
};
