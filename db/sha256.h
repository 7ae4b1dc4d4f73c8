/*
 * sha256.h: SHA-256 (FIPS 180-4), to name traces by their content.
 */
#ifndef KM_SHA256_H
#define KM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t	s_h[8];
	uint64_t	s_len;		/* bytes hashed */
	uint8_t		s_buf[64];
	size_t		s_nbuf;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
/* sha256_update() for a reader's tap: CTX is the struct sha256. */
void	sha256_tap(void *ctx, const void *bytes, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void	sha256_hex(struct sha256 *, char hex[65]);

/*
 * The SHA extensions: ON 1 uses them where the CPU has them, 0 never,
 * -1 leaves the choice as it is (made at the first hash: where the CPU
 * has them).  Returns 1 when they are used.  For the tests; the digest
 * is the same either way.
 */
int	sha256_accel(int on);

/* The digest of file PATH: 0, or -1 with errno set. */
int	sha256_file(const char *path, char hex[65]);

#endif /* KM_SHA256_H */
