/*++
 * NAME
 *	dict_socketmap - socketmap: tables, asked of a server
 * SYNOPSIS
 *	#include <dict.h>
 *
 *	DICT	*dict_socketmap_open(const char *name, int open_flags,
 *			int dict_flags);
 * DESCRIPTION
 *	dict_socketmap_open() opens "socketmap:inet:host:port:name" or
 *	"socketmap:unix:/path:name": each lookup sends "name key" to the
 *	server as a netstring and reads one netstring reply (see
 *	socketmap_proto(3)), over a connection that is kept for the next
 *	lookup (see dict_remote(3)).
 *
 *	"OK value" is found; "NOTFOUND " is not found; "TEMP", "TIMEOUT" and
 *	"PERM" replies, a server that cannot be reached, that closes the
 *	connection, that does not answer within the time limit, or that
 *	answers with anything else, make the lookup fail with
 *	DICT_ERR_RETRY, so that the mail waits instead of being treated as
 *	if the key were not there. The reason names the server and what
 *	went wrong, with the server's own text for TEMP, TIMEOUT and PERM.
 *
 *	Keys are sent as given (no case folding), and the table counts as a
 *	pattern table: searches send it the whole key only, never the
 *	partial keys (parent domains, the address without its localpart)
 *	that fixed-string tables get. Only lookups are supported; a key
 *	with a null byte or a line break is not sent and is not found.
 * DIAGNOSTICS
 *	A malformed table name gives a surrogate table (DICT_ERR_CONFIG).
 * SEE ALSO
 *	socketmap_table(5)
 *--*/

#include <stdbool.h>
#include <string.h>

#include "dict.h"
#include "dict_remote.h"
#include "msg.h"
#include "mymalloc.h"
#include "netstring.h"
#include "socketmap_proto.h"
#include "vstring.h"

typedef struct {
    DICT dict;           /* common part; must be first */
    DICT_REMOTE *remote; /* the server connection */
    char *map;           /* the server's map name; owned */
    VSTRING *request;    /* request buffer; owned */
    VSTRING *result;     /* lookup result; owned */
    VSTRING *why;        /* failure reason; owned */
} DICT_SOCKETMAP;

/* dict_socketmap_frame - dict_remote(3) parser of one reply netstring */

static long dict_socketmap_frame(const char *buf, size_t len, void *unused_context, VSTRING *why)
{
    (void)unused_context;
    return socketmap_reply_frame(buf, len, why);
}

/* dict_socketmap_lookup - ask the server */

static const char *dict_socketmap_lookup(DICT *dict, const char *key)
{
    DICT_SOCKETMAP *sm = (DICT_SOCKETMAP *)dict;
    static const char *const names[] = {"OK", "NOTFOUND", "TEMP", "TIMEOUT", "PERM"};
    const char *reply, *data, *text;
    size_t reply_len, data_len, text_len, used;
    int status;

    if (key[strcspn(key, "\r\n")] != 0)
        return NULL;
    socketmap_request(sm->request, sm->map, key);
    if (dict_remote_request(sm->remote, vstring_str(sm->request), VSTRING_LEN(sm->request),
                            dict_socketmap_frame, NULL, sm->why) != DICT_REMOTE_OK) {
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: %s", dict->type, dict->name,
                       vstring_str(sm->why));
        return NULL;
    }
    reply = dict_remote_reply(sm->remote, &reply_len);
    if (netstring_parse(reply, reply_len, SOCKETMAP_MAX_REPLY, &data, &data_len, &used) !=
        NETSTRING_OK)
        msg_panic("%s: dict_remote_request() returned an incomplete reply", __func__);
    switch (status = socketmap_reply_parse(data, data_len, &text, &text_len)) {
    case SOCKETMAP_OK:
        vstring_memcpy(sm->result, text, text_len);
        return vstring_str(sm->result);
    case SOCKETMAP_NOTFOUND:
        return NULL;
    case SOCKETMAP_BAD:
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: malformed reply from server: \"%.*s\"",
                       dict->type, dict->name, (int)(data_len < 100 ? data_len : 100), data);
        return NULL;
    default:
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: server %s error for key \"%s\": %.*s",
                       dict->type, dict->name, names[status], key, (int)text_len, text);
        return NULL;
    }
}

/* dict_socketmap_close - release the table */

static void dict_socketmap_close(DICT *dict)
{
    DICT_SOCKETMAP *sm = (DICT_SOCKETMAP *)dict;

    dict_remote_free(sm->remote);
    myfree(sm->map);
    vstring_free(sm->request);
    vstring_free(sm->result);
    vstring_free(sm->why);
    dict_free(dict);
}

/* dict_socketmap_name_ok - "inet:host:port:name" or "unix:/path:name", name at colon + 1 */

static bool dict_socketmap_name_ok(const char *name, const char *colon)
{
    const char *port_colon;

    if (colon == NULL || colon[1] == 0 || colon - name <= 5)
        return false;
    if (strncmp(name, "unix:", 5) == 0)
        return true;
    if (strncmp(name, "inet:", 5) != 0)
        return false;
    /* The endpoint host:port: a host, and a port after its last colon. */
    port_colon = memrchr(name + 5, ':', (size_t)(colon - (name + 5)));
    return port_colon != NULL && port_colon > name + 5 && port_colon + 1 < colon;
}

/* dict_socketmap_open - "inet:host:port:name" or "unix:/path:name" */

DICT *dict_socketmap_open(const char *name, int open_flags, int dict_flags)
{
    const char *colon = strrchr(name, ':');
    DICT_SOCKETMAP *sm;
    char *endpoint;

    if (!dict_socketmap_name_ok(name, colon))
        return dict_surrogate(DICT_TYPE_SOCKETMAP, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s: expected inet:host:port:name or unix:pathname:name",
                              DICT_TYPE_SOCKETMAP, name);
    sm = (DICT_SOCKETMAP *)dict_alloc(DICT_TYPE_SOCKETMAP, name, sizeof(*sm), open_flags,
                                      dict_flags | DICT_FLAG_PATTERN);
    endpoint = mystrndup(name, colon - name);
    sm->remote = dict_remote_alloc(endpoint, SOCKETMAP_MAX_REPLY + 20);
    myfree(endpoint);
    sm->map = mystrdup(colon + 1);
    sm->request = vstring_alloc(100);
    sm->result = vstring_alloc(100);
    sm->why = vstring_alloc(100);
    sm->dict.lookup = dict_socketmap_lookup;
    sm->dict.close = dict_socketmap_close;
    return &sm->dict;
}
