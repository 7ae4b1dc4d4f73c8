/*
 * sha256.c: SHA-256 as FIPS 180-4 specifies it.  On x86-64 with the SHA
 * extensions (cpuid leaf 7 EBX bit 29, and SSSE3 and SSE4.1) the blocks
 * are compressed by the SHA-NI instructions, several times faster: every
 * case of make bench hashes its trace as it replays it, and the portable
 * compression was 6% of the matrix (perf).  Both give the same digest
 * (tests/test_store.c compares them).
 */
#include <stdio.h>
#include <string.h>

/* __builtin_shufflevector came to gcc in 12; clang has long had it. */
#if defined(__x86_64__) && (defined(__clang__) || __GNUC__ >= 12)
#include <cpuid.h>
#define SHA_HAVE_NI	1
#else
#define SHA_HAVE_NI	0
#endif

#include "sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

void
sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->s_h, h0, sizeof(h0));
	s->s_len = 0;
	s->s_nbuf = 0;
}

static void
sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) +
		    w[i - 7] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 16];
	a = s->s_h[0]; b = s->s_h[1]; c = s->s_h[2]; d = s->s_h[3];
	e = s->s_h[4]; f = s->s_h[5]; g = s->s_h[6]; h = s->s_h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->s_h[0] += a; s->s_h[1] += b; s->s_h[2] += c; s->s_h[3] += d;
	s->s_h[4] += e; s->s_h[5] += f; s->s_h[6] += g; s->s_h[7] += h;
}

#if SHA_HAVE_NI
/*
 * NBLOCKS blocks at P into H with SHA-NI.  The instructions keep the
 * state as ABEF and CDGH; sha256rnds2 does two rounds with the message
 * words plus constants in the low half of its third operand; the
 * schedule W[t] for t >= 16, four words at a time, is
 * msg2(msg1(W[t-16..], W[t-12..]) + W[t-7..t-4], W[t-4..]).
 *
 * Written with the compiler's vector extension and its three SHA
 * builtins rather than <immintrin.h>: that header is 45000 lines, and
 * parsing it was half of compiling the store's part of the build.  The
 * shuffles are given as lane orders (lanes are 32-bit words, lane 0
 * the lowest), from which the compiler picks its instructions.
 */
typedef int sha_v4i __attribute__((vector_size(16)));
typedef unsigned int sha_v4u __attribute__((vector_size(16)));
typedef char sha_v16c __attribute__((vector_size(16)));

#define SHUF(a, b, i, j, k, l) \
	__builtin_shufflevector((sha_v4i)(a), (sha_v4i)(b), i, j, k, l)
#define ADD(a, b)	((sha_v4i)((sha_v4u)(a) + (sha_v4u)(b)))
#define RNDS2(a, b, k)	__builtin_ia32_sha256rnds2(a, b, k)

static inline sha_v4i
load4(const void *p)
{
	sha_v4i v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Each 32-bit word of 16 message bytes, big-endian. */
__attribute__((target("ssse3"))) static inline sha_v4i
load_be(const uint8_t *p)
{
	sha_v16c b;

	memcpy(&b, p, sizeof(b));
	return (sha_v4i)__builtin_shufflevector(b, b, 3, 2, 1, 0, 7, 6, 5, 4,
	    11, 10, 9, 8, 15, 14, 13, 12);
}

__attribute__((target("sha,ssse3,sse4.1"))) static void
sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	sha_v4i st0, st1, tmp, msg, w[16], abef, cdgh;
	int i;

	tmp = load4(&h[0]);				/* DCBA */
	st1 = load4(&h[4]);				/* HGFE */
	tmp = SHUF(tmp, tmp, 1, 0, 3, 2);		/* CDAB */
	st1 = SHUF(st1, st1, 3, 2, 1, 0);		/* EFGH */
	st0 = SHUF(st1, tmp, 2, 3, 4, 5);		/* ABEF */
	st1 = SHUF(st1, tmp, 0, 1, 6, 7);		/* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		abef = st0;
		cdgh = st1;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				w[i] = load_be(p + 16 * i);
			else	/* W[t-7..t-4]: words 1-3 of i-2, 0 of i-1 */
				w[i] = __builtin_ia32_sha256msg2(ADD(
				    __builtin_ia32_sha256msg1(w[i - 4],
				    w[i - 3]), SHUF(w[i - 2], w[i - 1],
				    1, 2, 3, 4)), w[i - 1]);
			msg = ADD(w[i], load4(&K[4 * i]));
			st1 = RNDS2(st1, st0, msg);
			msg = SHUF(msg, msg, 2, 3, 0, 0);
			st0 = RNDS2(st0, st1, msg);
		}
		st0 = ADD(st0, abef);
		st1 = ADD(st1, cdgh);
	}
	tmp = SHUF(st0, st0, 3, 2, 1, 0);		/* FEBA */
	st1 = SHUF(st1, st1, 1, 0, 3, 2);		/* DCHG */
	st0 = SHUF(tmp, st1, 0, 1, 6, 7);		/* DCBA */
	st1 = SHUF(tmp, st1, 2, 3, 4, 5);		/* HGFE */
	memcpy(&h[0], &st0, sizeof(st0));
	memcpy(&h[4], &st1, sizeof(st1));
}
#endif

#if SHA_HAVE_NI
/* -1: not yet asked; 0: portable; 1: SHA-NI. */
static int sha_ni = -1;
#endif

int
sha256_accel(int on)
{
#if SHA_HAVE_NI
	unsigned int a, b, c, d;

	if (sha_ni < 0 || on >= 0) {
		sha_ni = 0;
		if (on != 0 && __get_cpuid(1, &a, &b, &c, &d) &&
		    (c & bit_SSSE3) && (c & bit_SSE4_1) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA))
			sha_ni = 1;
	}
	return sha_ni;
#else
	(void)on;
	return 0;
#endif
}

/* NBLOCKS whole blocks at P. */
static void
sha256_blocks(struct sha256 *s, const uint8_t *p, size_t nblocks)
{

#if SHA_HAVE_NI
	if (sha_ni < 0)
		(void)sha256_accel(-1);
	if (sha_ni) {
		sha256_blocks_ni(s->s_h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		sha256_block(s, p);
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->s_len += len;
	if (s->s_nbuf > 0) {
		size_t n = 64 - s->s_nbuf < len ? 64 - s->s_nbuf : len;

		memcpy(s->s_buf + s->s_nbuf, p, n);
		s->s_nbuf += n;
		p += n;
		len -= n;
		if (s->s_nbuf < 64)
			return;
		sha256_blocks(s, s->s_buf, 1);
		s->s_nbuf = 0;
	}
	sha256_blocks(s, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(s->s_buf, p, len);
	s->s_nbuf = len;
}

void
sha256_tap(void *ctx, const void *bytes, size_t len)
{

	sha256_update(ctx, bytes, len);
}

void
sha256_hex(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->s_len * 8;
	uint8_t pad[72];
	size_t npad;
	int i;

	/* 0x80, zeros to 56 mod 64, then the length in bits. */
	npad = (s->s_nbuf < 56 ? 56 : 120) - s->s_nbuf;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[npad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, npad + 8);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", s->s_h[i]);
}

int
sha256_file(const char *path, char hex[65])
{
	struct sha256 s;
	uint8_t buf[65536];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	sha256_init(&s);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&s, buf, n);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sha256_hex(&s, hex);
	return 0;
}
