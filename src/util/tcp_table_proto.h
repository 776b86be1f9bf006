/*
 * tcp_table_proto.h - the tcp_table(5) protocol: requests and replies
 */
#ifndef TCP_TABLE_PROTO_H
#define TCP_TABLE_PROTO_H

#include <stddef.h>

#include "vstring.h"

#define TCP_TABLE_MAX_REPLY 4096 /* longest reply line, newline included */

/* Results of tcp_table_reply_parse(). */
#define TCP_TABLE_FOUND    0  /* 200: the text is the value */
#define TCP_TABLE_NOTFOUND 1  /* 500: not found */
#define TCP_TABLE_RETRY    2  /* 400: the server failed for now */
#define TCP_TABLE_BAD      -1 /* not a tcp_table reply */

extern void tcp_table_request(VSTRING *buf, const char *key);
extern long tcp_table_reply_frame(const char *buf, size_t len, VSTRING *why);
extern int tcp_table_reply_parse(const char *line, size_t len, VSTRING *out_text);

#endif
