/*
 * socketmap_proto.h - the socketmap protocol: requests and replies
 */
#ifndef SOCKETMAP_PROTO_H
#define SOCKETMAP_PROTO_H

#include <stddef.h>

#include "vstring.h"

#define SOCKETMAP_MAX_REPLY 100000 /* longest reply data, as in Postfix */

/* Results of socketmap_reply_parse(). */
#define SOCKETMAP_OK       0  /* found: the text is the value */
#define SOCKETMAP_NOTFOUND 1  /* not found */
#define SOCKETMAP_TEMP     2  /* the server failed for now: the text is why */
#define SOCKETMAP_TIMEOUT  3  /* the server timed out: the text is why */
#define SOCKETMAP_PERM     4  /* the server failed: the text is why */
#define SOCKETMAP_BAD      -1 /* not a socketmap reply */

extern void socketmap_request(VSTRING *buf, const char *name, const char *key);
extern long socketmap_reply_frame(const char *buf, size_t len, VSTRING *why);
extern int socketmap_reply_parse(const char *data, size_t len, const char **out_text,
                                 size_t *out_text_len);

#endif
