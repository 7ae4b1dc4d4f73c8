/*
 * hex.h: the value of a hexadecimal digit, for the readers of %XX
 * escapes (caseline.c) and of JSON's \uXXXX (cmd_micro.c).
 */
#ifndef KM_HEX_H
#define KM_HEX_H

/* 0 to 15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for any other C. */
static inline int
hexval(int c)
{

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* KM_HEX_H */
