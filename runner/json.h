/*
 * json.h: a small streaming JSON writer for --json output.
 */
#ifndef KM_JSON_H
#define KM_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH	16

struct json {
	FILE	*j_f;
	int	 j_depth;
	int	 j_first[JSON_DEPTH];	/* nothing written yet at this level */
	char	 j_close[JSON_DEPTH];	/* '}' or ']' */
	int	 j_pretty;
};

void	json_init(struct json *, FILE *, int pretty);
/* KEY is NULL inside arrays and at the top. */
void	json_object(struct json *, const char *key);
void	json_array(struct json *, const char *key);
void	json_end(struct json *);		/* closes object or array */
void	json_string(struct json *, const char *key, const char *value);
void	json_int(struct json *, const char *key, int64_t value);
void	json_uint(struct json *, const char *key, uint64_t value);
void	json_double(struct json *, const char *key, double value);
void	json_bool(struct json *, const char *key, int value);
void	json_null(struct json *, const char *key);

#endif /* KM_JSON_H */
