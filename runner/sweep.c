/*
 * sweep.c: parsing matrix --sweep (see sweep.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/profile.h"
#include "../strategies/strategy.h"
#include "sweep.h"

/* Whether S is a number as a setting takes it: digits, a sign, a point. */
static int
numeric(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	errno = 0;
	(void)strtod(s, &end);
	return errno == 0 && *end == '\0' && strspn(s, "0123456789.+-") ==
	    strlen(s);
}

static int
whole(const char *s, size_t len, uint64_t *v)
{
	char buf[32], *end;
	unsigned long long x;

	if (len == 0 || len >= sizeof(buf) || strspn(s, "0123456789") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v = x;
	return 0;
}

static int
add(struct sweep *sw, const char *val, char *err, size_t errlen)
{
	char **n;
	size_t i, len;

	for (i = 0; i < sw->sw_n; i++)
		if (strcmp(strchr(sw->sw_sets[i], '=') + 1, val) == 0) {
			snprintf(err, errlen, "--sweep %s: value %s given "
			    "twice", sw->sw_key, val);
			return -1;
		}
	if (sw->sw_n == SWEEP_MAXVALS) {
		snprintf(err, errlen, "--sweep %s: more than %d values",
		    sw->sw_key, SWEEP_MAXVALS);
		return -1;
	}
	if ((sw->sw_n & (sw->sw_n - 1)) == 0) {
		n = realloc(sw->sw_sets, (sw->sw_n ? 2 * sw->sw_n : 1) *
		    sizeof(*n));
		if (n == NULL)
			goto nomem;
		sw->sw_sets = n;
	}
	len = strlen(sw->sw_key) + strlen(val) + 2;
	if ((sw->sw_sets[sw->sw_n] = malloc(len)) == NULL)
		goto nomem;
	snprintf(sw->sw_sets[sw->sw_n++], len, "%s=%s", sw->sw_key, val);
	return 0;
nomem:
	snprintf(err, errlen, "--sweep %s: out of memory", sw->sw_key);
	return -1;
}

int
sweep_parse(const char *arg, struct sweep *sw, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '='), *dot, *vals, *dd, *sl, *p;
	const struct strategy *s;
	char val[64];
	uint64_t lo, hi, step, v;
	size_t i, klen;

	memset(sw, 0, sizeof(*sw));
	if (eq == NULL || eq == arg || eq[1] == '\0') {
		snprintf(err, errlen, "--sweep '%s': not KEY=V1,V2,... or "
		    "KEY=LO..HI/STEP", arg);
		return -1;
	}
	klen = (size_t)(eq - arg);
	if (klen >= sizeof(sw->sw_key)) {
		snprintf(err, errlen, "--sweep '%s': key too long", arg);
		return -1;
	}
	memcpy(sw->sw_key, arg, klen);
	sw->sw_key[klen] = '\0';
	if ((dot = strchr(sw->sw_key, '.')) != NULL) {
		char want[80];

		snprintf(sw->sw_strategy, sizeof(sw->sw_strategy), "%.*s",
		    (int)(dot - sw->sw_key), sw->sw_key);
		snprintf(want, sizeof(want), "%s=", sw->sw_key);
		if ((s = strategy_lookup(sw->sw_strategy)) == NULL) {
			snprintf(err, errlen, "--sweep %s: no strategy '%s' "
			    "(kmbench strategies lists them)", sw->sw_key,
			    sw->sw_strategy);
			return -1;
		}
		if (s->s_params == NULL || strstr(s->s_params, want) == NULL) {
			snprintf(err, errlen, "--sweep %s: not a setting of "
			    "strategy %s (kmbench strategies -v lists them)",
			    sw->sw_key, sw->sw_strategy);
			return -1;
		}
	} else {
		for (i = 0; i < nprofile_keys &&
		    strcmp(profile_keys[i].pk_name, sw->sw_key) != 0; i++)
			continue;
		if (i == nprofile_keys || profile_keys[i].pk_unit == PU_BOOL) {
			snprintf(err, errlen, "--sweep %s: not a numeric "
			    "machine setting (kmbench machines --settings lists "
			    "them) nor STRATEGY.KEY", sw->sw_key);
			return -1;
		}
	}
	vals = eq + 1;
	if ((dd = strstr(vals, "..")) != NULL) {
		/* LO..HI/STEP, whole numbers, HI included. */
		sl = strchr(dd, '/');
		if (sl == NULL || whole(vals, (size_t)(dd - vals), &lo) != 0 ||
		    whole(dd + 2, (size_t)(sl - dd - 2), &hi) != 0 ||
		    whole(sl + 1, strlen(sl + 1), &step) != 0 || step == 0 ||
		    lo > hi) {
			snprintf(err, errlen, "--sweep %s: '%s' is not LO..HI/"
			    "STEP (whole numbers, LO <= HI, STEP > 0)",
			    sw->sw_key, vals);
			return -1;
		}
		if ((hi - lo) / step >= SWEEP_MAXVALS) {
			snprintf(err, errlen, "--sweep %s: %s is more than %d "
			    "values", sw->sw_key, vals, SWEEP_MAXVALS);
			return -1;
		}
		for (v = lo;; v += step) {
			snprintf(val, sizeof(val), "%" PRIu64, v);
			if (add(sw, val, err, errlen) != 0)
				goto fail;
			if (hi - v < step)
				break;
		}
		return 0;
	}
	for (p = vals; *p != '\0'; p += *p == ',') {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(val)) {
			snprintf(err, errlen, "--sweep %s: an empty or too "
			    "long value in '%s'", sw->sw_key, vals);
			goto fail;
		}
		memcpy(val, p, n);
		val[n] = '\0';
		if (!numeric(val)) {
			snprintf(err, errlen, "--sweep %s: '%s' is not a "
			    "number", sw->sw_key, val);
			goto fail;
		}
		if (add(sw, val, err, errlen) != 0)
			goto fail;
		p += n;
	}
	return 0;
fail:
	sweep_free(sw);
	return -1;
}

void
sweep_free(struct sweep *sw)
{
	size_t i;

	for (i = 0; i < sw->sw_n; i++)
		free(sw->sw_sets[i]);
	free(sw->sw_sets);
	sw->sw_sets = NULL;
	sw->sw_n = 0;
}

int
sweep_applies(const struct sweep *sw, const struct strategy *s)
{

	return sw->sw_strategy[0] == '\0' ||
	    strcmp(sw->sw_strategy, s->s_name) == 0;
}

/*
 * The value of KEY in a case's INPUTS (store.c: "strategy=S;params=
 * k=v;...;machine=M;setting=v;...;trace=...;rep=N") into OUT: a machine
 * setting, or STRATEGY.KEY among the strategy's settings; "-" if none.
 */
void
sweep_value(const char *inputs, const char *key, char *out, size_t len)
{
	const char *dot = strchr(key, '.'), *from, *to, *p;
	char want[96];
	size_t n;

	snprintf(out, len, "-");
	if ((from = strstr(inputs, ";machine=")) == NULL)
		return;
	if (dot == NULL) {
		to = inputs + strlen(inputs);
		snprintf(want, sizeof(want), ";%s=", key);
	} else {
		snprintf(want, sizeof(want), "strategy=%.*s;",
		    (int)(dot - key), key);
		if (strncmp(inputs, want, strlen(want)) != 0)
			return;
		to = from;
		from = strstr(inputs, ";params=");
		if (from == NULL)
			return;
		from += strlen(";params=") - 1;	/* at the ';' or '=' */
		snprintf(want, sizeof(want), "%s=", dot + 1);
	}
	for (p = from; p != NULL && p < to; p = strstr(p + 1, want)) {
		if (p > from && dot != NULL && p[-1] != ';' && p[-1] != '=')
			continue;
		if (dot == NULL && p[0] != ';')
			continue;
		if (strncmp(p, want, strlen(want)) != 0)
			continue;
		p += strlen(want);
		n = strcspn(p, ";");
		snprintf(out, len, "%.*s", (int)n, p);
		return;
	}
}
