/*
 * memcache_proto.h - the memcache text protocol: get, set and delete
 */
#ifndef MEMCACHE_PROTO_H
#define MEMCACHE_PROTO_H

#include <stddef.h>

#include "vstring.h"

/* Results of memcache_reply_parse(). */
#define MEMCACHE_FOUND 0  /* get: the value; set: STORED; delete: DELETED */
#define MEMCACHE_MISS  1  /* get: END; set: NOT_STORED; delete: NOT_FOUND */
#define MEMCACHE_ERROR 2  /* ERROR, CLIENT_ERROR or SERVER_ERROR: the text says */
#define MEMCACHE_BAD   -1 /* not a memcache reply */

extern int memcache_key_ok(const char *key);
extern long memcache_reply_frame(const char *buf, size_t len, size_t max_data, VSTRING *why);
extern int memcache_reply_parse(const char *buf, size_t len, const char **out_text,
                                size_t *out_text_len);

#endif
