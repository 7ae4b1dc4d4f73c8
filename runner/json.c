/*
 * json.c: the JSON writer (see json.h).  Strings are escaped as RFC 8259
 * asks; numbers are written exactly.
 */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void
json_init(struct json *j, FILE *f, int pretty)
{

	j->j_f = f;
	j->j_depth = 0;
	j->j_first[0] = 1;
	j->j_pretty = pretty;
}

static void
json_str(FILE *f, const char *s)
{

	putc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

/* Separator, indentation and key before a value. */
static void
json_key(struct json *j, const char *key)
{
	int i;

	if (!j->j_first[j->j_depth])
		putc(',', j->j_f);
	j->j_first[j->j_depth] = 0;
	if (j->j_pretty && j->j_depth > 0) {
		putc('\n', j->j_f);
		for (i = 0; i < j->j_depth; i++)
			fputs("  ", j->j_f);
	}
	if (key != NULL) {
		json_str(j->j_f, key);
		fputs(j->j_pretty ? ": " : ":", j->j_f);
	}
}

static void
json_open(struct json *j, const char *key, int c)
{

	json_key(j, key);
	putc(c, j->j_f);
	if (j->j_depth + 1 < JSON_DEPTH)
		j->j_depth++;
	j->j_close[j->j_depth] = c == '{' ? '}' : ']';
	j->j_first[j->j_depth] = 1;
}

void
json_object(struct json *j, const char *key)
{

	json_open(j, key, '{');
}

void
json_array(struct json *j, const char *key)
{

	json_open(j, key, '[');
}

void
json_end(struct json *j)
{
	int i, empty = j->j_first[j->j_depth];
	char c = j->j_close[j->j_depth];

	if (j->j_depth > 0)
		j->j_depth--;
	if (j->j_pretty && !empty) {
		putc('\n', j->j_f);
		for (i = 0; i < j->j_depth; i++)
			fputs("  ", j->j_f);
	}
	putc(c, j->j_f);
	if (j->j_depth == 0)
		putc('\n', j->j_f);
}

void
json_string(struct json *j, const char *key, const char *value)
{

	json_key(j, key);
	json_str(j->j_f, value);
}

void
json_int(struct json *j, const char *key, int64_t value)
{

	json_key(j, key);
	fprintf(j->j_f, "%" PRId64, value);
}

void
json_uint(struct json *j, const char *key, uint64_t value)
{

	json_key(j, key);
	fprintf(j->j_f, "%" PRIu64, value);
}

void
json_double(struct json *j, const char *key, double value)
{

	json_key(j, key);
	if (isfinite(value))
		fprintf(j->j_f, "%.17g", value);
	else
		fputs("null", j->j_f);
}

void
json_bool(struct json *j, const char *key, int value)
{

	json_key(j, key);
	fputs(value ? "true" : "false", j->j_f);
}

void
json_null(struct json *j, const char *key)
{

	json_key(j, key);
	fputs("null", j->j_f);
}
