/*++
 * NAME
 *	dict_tcp - tcp: tables, asked of a server
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_tcp_open(const char *name, int open_flags, int dict_flags);
 * DESCRIPTION
 *	dict_tcp_open() opens "tcp:host:port" (tcp_table(5)): each lookup
 *	sends "get key" as one line, with the key %XX-encoded, and reads one
 *	reply line of at most 4096 bytes (see tcp_table_proto(3)), over a
 *	connection that is kept for the next lookup (see dict_remote(3)).
 *
 *	"200 value" is found (the value decoded); "500 text" is not found.
 *	"400 text", a server that cannot be reached, that closes the
 *	connection, that does not answer within the time limit, or that
 *	answers with anything else, make the lookup fail with
 *	DICT_ERR_RETRY: the mail waits, it is never handled as if the key
 *	were not there.
 *
 *	Keys are sent as given, and the table counts as a pattern table:
 *	searches send it the whole key only, never partial keys. Only
 *	lookups are supported.
 * DIAGNOSTICS
 *	A malformed table name gives a surrogate table (DICT_ERR_CONFIG).
 * SEE ALSO
 *	tcp_table(5)
 *--*/

#include <string.h>

#include "dict.h"
#include "dict_remote.h"
#include "mymalloc.h"
#include "tcp_table_proto.h"
#include "vstring.h"

typedef struct {
    DICT dict;           /* common part; must be first */
    DICT_REMOTE *remote; /* the server connection */
    VSTRING *request;    /* request buffer; owned */
    VSTRING *result;     /* lookup result, or the server's text; owned */
    VSTRING *why;        /* failure reason; owned */
} DICT_TCP;

/* dict_tcp_frame - dict_remote(3) parser of one reply line */

static long dict_tcp_frame(const char *buf, size_t len, void *unused_context, VSTRING *why)
{
    (void)unused_context;
    return tcp_table_reply_frame(buf, len, why);
}

/* dict_tcp_lookup - ask the server */

static const char *dict_tcp_lookup(DICT *dict, const char *key)
{
    DICT_TCP *tcp = (DICT_TCP *)dict;
    const char *reply;
    size_t reply_len;

    tcp_table_request(tcp->request, key);
    if (dict_remote_request(tcp->remote, vstring_str(tcp->request), VSTRING_LEN(tcp->request),
                            dict_tcp_frame, NULL, tcp->why) != DICT_REMOTE_OK) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                       vstring_str(tcp->why));
        return NULL;
    }
    reply = dict_remote_reply(tcp->remote, &reply_len);
    reply_len = (size_t)(memchr(reply, '\n', reply_len) - (const void *)reply);
    switch (tcp_table_reply_parse(reply, reply_len, tcp->result)) {
    case TCP_TABLE_FOUND:
        return vstring_str(tcp->result);
    case TCP_TABLE_NOTFOUND:
        return NULL;
    case TCP_TABLE_RETRY:
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: server error for key \"%s\": %s", dict->type,
                       dict->name, key, vstring_str(tcp->result));
        return NULL;
    default:
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: malformed reply from server: \"%.*s\"",
                       dict->type, dict->name, (int)(reply_len < 100 ? reply_len : 100), reply);
        return NULL;
    }
}

/* dict_tcp_close - release the table */

static void dict_tcp_close(DICT *dict)
{
    DICT_TCP *tcp = (DICT_TCP *)dict;

    dict_remote_free(tcp->remote);
    vstring_free(tcp->request);
    vstring_free(tcp->result);
    vstring_free(tcp->why);
    dict_free(dict);
}

/* dict_tcp_open - "host:port" */

DICT *dict_tcp_open(const char *name, int open_flags, int dict_flags)
{
    const char *colon = strrchr(name, ':');
    DICT_TCP *tcp;

    if (colon == NULL || colon == name || colon[1] == 0 || colon[-1] == ':')
        return dict_surrogate(DICT_TYPE_TCP, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s: expected host:port", DICT_TYPE_TCP, name);
    tcp = (DICT_TCP *)dict_alloc(DICT_TYPE_TCP, name, sizeof(*tcp), open_flags,
                                 dict_flags | DICT_FLAG_PATTERN);
    tcp->remote = dict_remote_alloc(name, TCP_TABLE_MAX_REPLY);
    tcp->request = vstring_alloc(100);
    tcp->result = vstring_alloc(100);
    tcp->why = vstring_alloc(100);
    tcp->dict.lookup = dict_tcp_lookup;
    tcp->dict.close = dict_tcp_close;
    return &tcp->dict;
}
