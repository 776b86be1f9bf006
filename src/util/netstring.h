/*
 * netstring.h - netstrings ("12:hello world!,"): encoding and parsing
 */
#ifndef NETSTRING_H
#define NETSTRING_H

#include <stddef.h>

#include "vstring.h"

/* Results of netstring_parse(). */
#define NETSTRING_OK       0  /* one complete netstring */
#define NETSTRING_MORE     1  /* a valid start: more input is needed */
#define NETSTRING_BAD_LEN  -1 /* the length is not a decimal number before ':' */
#define NETSTRING_TOO_LONG -2 /* the length is over the caller's limit */
#define NETSTRING_BAD_END  -3 /* the data is not followed by ',' */

extern void netstring_put(VSTRING *buf, const char *data, size_t len);
extern int netstring_parse(const char *buf, size_t len, size_t max_len, const char **out_data,
                           size_t *out_len, size_t *out_used);
extern const char *netstring_strerror(int status);

#endif
