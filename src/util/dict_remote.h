/*
 * dict_remote.h - one request, one reply, to a table server (socketmap:, tcp:)
 */
#ifndef DICT_REMOTE_H
#define DICT_REMOTE_H

#include <stddef.h>

#include "vstring.h"

typedef struct DICT_REMOTE DICT_REMOTE;

/*
 * A reply parser looks at everything received so far: DICT_REMOTE_MORE to
 * read on, the bytes that the complete reply takes up, or DICT_REMOTE_BAD
 * with a reason in why.
 */
typedef long (*DICT_REMOTE_PARSE_FN)(const char *buf, size_t len, void *context, VSTRING *why);

#define DICT_REMOTE_MORE 0
#define DICT_REMOTE_BAD  (-1)

/* Results of dict_remote_request(). */
#define DICT_REMOTE_OK      0  /* a complete reply is in the reply buffer */
#define DICT_REMOTE_FAILED  -1 /* connect, I/O, end of input, or garbage */
#define DICT_REMOTE_TIMEOUT -2 /* the time limit passed */

extern DICT_REMOTE *dict_remote_alloc(const char *endpoint, size_t max_reply);
extern int dict_remote_request(DICT_REMOTE *remote, const char *request, size_t len,
                               DICT_REMOTE_PARSE_FN parse, void *context, VSTRING *why);
extern const char *dict_remote_reply(const DICT_REMOTE *remote, size_t *out_len);
extern void dict_remote_limit(DICT_REMOTE *remote, int timeout_ms);
extern void dict_remote_free(DICT_REMOTE *remote);

#endif
