/*
 * caseline.c: a case as one line of text (see caseline.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/sha256.h"
#include "../strategies/strategy.h"
#include "caseline.h"
#include "hex.h"

static const char hexdig[] = "0123456789abcdef";

static int
safe(unsigned char c)
{

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._/=+@-", c) != NULL;
}

/* Append S percent-encoded to BUF at *N; -1 when it does not fit. */
static int
put(char *buf, size_t len, size_t *n, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*n + 4 >= len)
			return -1;
		if (safe(*p))
			buf[(*n)++] = (char)*p;
		else {
			buf[(*n)++] = '%';
			buf[(*n)++] = hexdig[*p >> 4];
			buf[(*n)++] = hexdig[*p & 15];
		}
	}
	buf[*n] = '\0';
	return 0;
}

static int
putc_(char *buf, size_t len, size_t *n, char c)
{

	if (*n + 2 >= len)
		return -1;
	buf[(*n)++] = c;
	buf[*n] = '\0';
	return 0;
}

void
caseline_digest(const char *inputs, char out[17])
{
	struct sha256 s;
	char hex[65];

	sha256_init(&s);
	sha256_update(&s, inputs, strlen(inputs));
	sha256_hex(&s, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

int
caseline_format(const struct case_spec *cs, const char *machine,
    const char *const *sets, size_t nsets, const char *inputs, char *buf,
    size_t len)
{
	char num[32], dig[17];
	size_t n = 0, i;

	caseline_digest(inputs, dig);
	snprintf(num, sizeof(num), "%d", cs->cs_rep);
	if (put(buf, len, &n, "km1") || putc_(buf, len, &n, ':') ||
	    put(buf, len, &n, cs->cs_strategy->s_name) ||
	    putc_(buf, len, &n, ':') || put(buf, len, &n, machine) ||
	    putc_(buf, len, &n, ':') || put(buf, len, &n, num) ||
	    putc_(buf, len, &n, ':') ||
	    put(buf, len, &n, cs->cs_latency ? "1" : "0") ||
	    putc_(buf, len, &n, ':') || put(buf, len, &n, cs->cs_sha256) ||
	    putc_(buf, len, &n, ':') || put(buf, len, &n, dig) ||
	    putc_(buf, len, &n, ':'))
		return -1;
	for (i = 0; i < nsets; i++)
		if ((i > 0 && putc_(buf, len, &n, ',')) ||
		    put(buf, len, &n, sets[i]))
			return -1;
	if (putc_(buf, len, &n, ':') || put(buf, len, &n, cs->cs_trace))
		return -1;
	return 0;
}

/*
 * Decode the field [P, END) into OUT (OUTLEN bytes), stopping at STOP
 * (',' for a list, 0 for none) too; *NEXT is where it stopped.
 */
static int
decode(const char *p, const char *end, char stop, char *out, size_t outlen,
    const char **next)
{
	size_t n = 0;
	int hi, lo;

	for (; p < end && *p != stop; p++) {
		char c = *p;

		if (c == '%') {
			if (end - p < 3 || (hi = hexval(p[1])) < 0 ||
			    (lo = hexval(p[2])) < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi << 4 | lo);
			p += 2;
		} else if (!safe((unsigned char)c))
			return -1;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	*next = p;
	return 0;
}

static int
ishex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hexval((unsigned char)s[i]) < 0 || (s[i] >= 'A' &&
		    s[i] <= 'F'))
			return 0;
	return s[n] == '\0';
}

int
caseline_parse(const char *line, struct caseline *cl, char *err,
    size_t errlen)
{
	static const char *const names[] = { "version", "strategy",
	    "machine", "rep", "latency", "sha256", "inputs", "sets",
	    "trace" };
	const char *f[10], *p, *next;
	char tmp[64], *end;
	size_t nf = 0, used = 0;
	long rep;

	memset(cl, 0, sizeof(*cl));
	f[nf++] = line;
	for (p = line; *p != '\0' && *p != '\n'; p++)
		if (*p == ':') {
			if (nf == 9) {
				snprintf(err, errlen, "case line: more than 9 "
				    "fields (a ':' is %%3a inside a field)");
				return -1;
			}
			f[nf++] = p + 1;
		}
	f[nf] = p + 1;		/* one past the end of the last field */
	if (nf != 9 || strncmp(line, "km1:", 4) != 0) {
		snprintf(err, errlen, "case line: not a line of kmbench "
		    "matrix --list (km1: and 9 fields separated by ':')");
		return -1;
	}
#define FIELD(i, buf)	decode(f[i], f[(i) + 1] - 1, 0, (buf), sizeof(buf), \
			    &next)
#define BAD(i)	do {							\
	snprintf(err, errlen, "case line: field %d (%s) is not valid",	\
	    (i) + 1, names[i]);						\
	return -1;							\
} while (0)
	if (FIELD(1, cl->cl_strategy) != 0 || cl->cl_strategy[0] == '\0')
		BAD(1);
	if (FIELD(2, cl->cl_machine) != 0 || cl->cl_machine[0] == '\0' ||
	    strchr(cl->cl_machine, '/') != NULL)
		BAD(2);
	if (FIELD(3, tmp) != 0)
		BAD(3);
	errno = 0;
	rep = strtol(tmp, &end, 10);
	if (tmp[0] < '0' || tmp[0] > '9' || *end != '\0' || errno != 0 ||
	    rep < 0 || rep > 1000000000L)
		BAD(3);
	cl->cl_rep = (int)rep;
	if (FIELD(4, tmp) != 0 || (strcmp(tmp, "0") != 0 &&
	    strcmp(tmp, "1") != 0))
		BAD(4);
	cl->cl_latency = tmp[0] == '1';
	if (FIELD(5, cl->cl_sha256) != 0 || !ishex(cl->cl_sha256, 64))
		BAD(5);
	if (FIELD(6, cl->cl_inputs) != 0 || !ishex(cl->cl_inputs, 16))
		BAD(6);
	/* The sets: a ','-separated list, each decoded on its own. */
	for (p = f[7]; p < f[8] - 1; p = next + 1) {
		if (cl->cl_nsets == CASE_MAXSETS)
			BAD(7);
		if (decode(p, f[8] - 1, ',', cl->cl_buf + used,
		    sizeof(cl->cl_buf) - used, &next) != 0 ||
		    cl->cl_buf[used] == '\0' ||
		    strchr(cl->cl_buf + used, '=') == NULL)
			BAD(7);
		cl->cl_sets[cl->cl_nsets++] = cl->cl_buf + used;
		used += strlen(cl->cl_buf + used) + 1;
		if (next >= f[8] - 1)
			break;
	}
	if (FIELD(8, cl->cl_trace) != 0 || cl->cl_trace[0] == '\0')
		BAD(8);
#undef FIELD
#undef BAD
	return 0;
}
