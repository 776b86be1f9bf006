/*++
 * NAME
 *	proxymap - lookup tables served to other processes
 * SYNOPSIS
 *	proxymap [generic daemon options]
 * DESCRIPTION
 *	proxymap(8) opens lookup tables in its own process and answers the
 *	"proxy:type:name" tables of other processes (dict_proxy(3)) over the
 *	protocol of dict_proxy.h: a chrooted or unprivileged daemon reaches
 *	tables that it cannot open itself (the system passwd file, a
 *	database .cf file with a password that only mail_owner's group may
 *	read), and many processes share one open table and one database
 *	connection. It runs under two service names (master.cf):
 *
 *	    proxymap   unix  -  -  n  -  -  proxymap
 *	    proxywrite unix  -  -  n  -  1  proxymap
 *
 *	The read service (proxymap_service_name) opens tables read-only,
 *	answers open, lookup and sequence requests for the tables that
 *	proxy_read_maps lists as "proxy:type:name", and refuses updates.
 *	The write service (proxywrite_service_name, one process, so that
 *	updates never race each other: a proxywrite process that master.cf
 *	lets run beside others says so in a warning when it starts) opens
 *	tables for update, creating
 *	them when needed, and serves the tables that proxy_write_maps lists;
 *	every update and delete is flushed to disk (DICT_FLAG_SYNC_UPDATE)
 *	and an update replaces an existing value. A table that the list does
 *	not name is refused with Postfix's two warnings:
 *
 *	    request for unapproved table: "type:name"
 *	    to approve this table for read-only access, list
 *	    proxy:type:name in main.cf:proxy_read_maps
 *
 *	Each table is opened once per process and flags, on first request,
 *	and kept; a file-based table whose file was replaced is closed and
 *	opened again at the next request ("table ... has changed --
 *	reopening"). A table that cannot be opened is not kept: its error
 *	goes back to the client, and the next request tries again.
 *
 *	Every client connection may carry any number of requests; each is
 *	answered before the next is read. A malformed request ends the
 *	connection. The wake-up requests of master(8) are read and ignored.
 * DIAGNOSTICS
 *	Warnings: unapproved tables, updates asked of the read service,
 *	malformed requests, a proxywrite service whose maxproc is not 1. Fatal: a service name that is neither of the
 *	two.
 * SEE ALSO
 *	dict_proxy(3) the client, proxymap(8) the manual page
 *--*/

/* System library. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */
#include "argv.h"
#include "attr.h"
#include "dict.h"
#include "dict_proxy.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* Global library. */
#include "attr_dispatch.h"
#include "mail_params.h"
#include "mail_server.h"

/* Time limit for one request. */
#define PROXYMAP_REQUEST_TIMEOUT 3600

/* Flags a client may ask for; the service decides locking and syncing itself. */
#define PROXYMAP_FLAG_MASK                                                                         \
    (DICT_FLAG_DUP_MASK | DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL | DICT_FLAG_FOLD_FIX |           \
     DICT_FLAG_NO_REGSUB)

/* The parameters, bound by main(). */
static ARGV *proxymap_read_maps;    /* proxy_read_maps */
static ARGV *proxymap_write_maps;   /* proxy_write_maps */
static const char *proxymap_name;   /* proxymap_service_name */
static const char *proxywrite_name; /* proxywrite_service_name */
static int proxymap_timeout;        /* ipc_timeout */

/* Process state, made by proxymap_post_jail(). */
static bool proxymap_writer;      /* serving as proxywrite */
static HTABLE *proxymap_approved; /* "type:name" -> NULL: the approved tables */
static HTABLE *proxymap_tables;   /* "flags:type:name" -> open DICT */

/* One request, as read. */
typedef struct PROXYMAP_REQUEST {
    const char *table; /* type:name */
    int flags;         /* the client's DICT_FLAG_* */
    const char *key;   /* or NULL */
    const char *value; /* or NULL */
    long function;     /* sequence function */
} PROXYMAP_REQUEST;

/* One reply. */
typedef struct PROXYMAP_REPLY {
    int status;        /* PROXY_STAT_* */
    VSTRING *reason;   /* error text, or empty */
    int flags;         /* open: the table's flags */
    const char *key;   /* sequence: the element's key */
    const char *value; /* lookup, sequence: the value */
} PROXYMAP_REPLY;

/* proxymap_approve - fill the approved set from a list parameter */

static void proxymap_approve(const ARGV *list)
{
    size_t prefix_len = strlen(PROXY_PREFIX);

    proxymap_approved = htable_create(13);
    for (size_t i = 0; i < list->argc; i++) {
        const char *name = list->argv[i];

        /* Only tables that main.cf names through proxy: are approved. */
        if (strncmp(name, PROXY_PREFIX, prefix_len) != 0)
            continue;
        while (strncmp(name, PROXY_PREFIX, prefix_len) == 0)
            name += prefix_len;
        if (strchr(name, ':') != NULL && htable_locate(proxymap_approved, name) == NULL)
            htable_enter(proxymap_approved, name, NULL);
    }
}

/* proxymap_status - the PROXY_STAT_* of a table error */

static int proxymap_status(const DICT *dict)
{
    return dict->error == DICT_ERR_RETRY ? PROXY_STAT_RETRY : PROXY_STAT_CONFIG;
}

/* proxymap_find - the open table of a request, or NULL with the reply status set */

static DICT *proxymap_find(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    VSTRING *key = vstring_alloc(100);
    int flags = req->flags & PROXYMAP_FLAG_MASK;
    DICT *dict;

    if (strchr(req->table, ':') == NULL ||
        strncmp(req->table, PROXY_PREFIX, strlen(PROXY_PREFIX)) == 0) {
        reply->status = PROXY_STAT_BAD;
        vstring_free(key);
        return NULL;
    }
    if (htable_locate(proxymap_approved, req->table) == NULL) {
        msg_warn("request for unapproved table: \"%s\"", req->table);
        msg_warn("to approve this table for %s access, list %s%s in main.cf:%s",
                 proxymap_writer ? "read-write" : "read-only", PROXY_PREFIX, req->table,
                 proxymap_writer ? VAR_PROXY_WRITE_MAPS : VAR_PROXY_READ_MAPS);
        reply->status = PROXY_STAT_DENY;
        vstring_free(key);
        return NULL;
    }
    vstring_sprintf(key, "%o:%s", (unsigned)flags, req->table);
    if ((dict = htable_find(proxymap_tables, vstring_str(key))) != NULL && dict_changed(dict)) {
        msg_info("table %s has changed -- reopening", req->table);
        htable_delete(proxymap_tables, vstring_str(key), NULL);
        dict_close(dict);
        dict = NULL;
    }
    if (dict == NULL) {
        /* The writer syncs every change; both lock against postmap and each other. */
        flags |= DICT_FLAG_LOCK | (proxymap_writer ? DICT_FLAG_SYNC_UPDATE : 0);
        dict = dict_open(req->table, proxymap_writer ? O_RDWR | O_CREAT : O_RDONLY, flags);
        if (!dict_open_ok(dict)) {
            reply->status = proxymap_status(dict);
            vstring_strcpy(reply->reason, dict_reason(dict));
            msg_warn("%s", dict_reason(dict));
            dict_close(dict);
            vstring_free(key);
            return NULL;
        }
        htable_enter(proxymap_tables, vstring_str(key), dict);
    }
    vstring_free(key);
    return dict;
}

/* proxymap_open - approve and open a table */

static void proxymap_open(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    DICT *dict;

    if ((dict = proxymap_find(req, reply)) != NULL) {
        reply->status = PROXY_STAT_OK;
        reply->flags = dict->flags;
    }
}

/* proxymap_lookup - look a key up */

static void proxymap_lookup(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    DICT *dict;

    if ((dict = proxymap_find(req, reply)) == NULL)
        return;
    if ((reply->value = dict_get(dict, req->key)) != NULL) {
        reply->status = PROXY_STAT_OK;
    } else if (dict->error == DICT_ERR_NONE) {
        reply->status = PROXY_STAT_NOKEY;
    } else {
        reply->status = proxymap_status(dict);
        vstring_strcpy(reply->reason, dict_reason(dict));
    }
}

/* proxymap_change_reply - the reply to an update or delete */

static void proxymap_change_reply(DICT *dict, int dict_status, PROXYMAP_REPLY *reply)
{
    if (dict_status == DICT_STAT_SUCCESS) {
        reply->status = PROXY_STAT_OK;
    } else if (dict_status == DICT_STAT_FAIL) {
        reply->status = PROXY_STAT_NOKEY;
    } else {
        reply->status = proxymap_status(dict);
        vstring_strcpy(reply->reason, dict_reason(dict));
    }
}

/* proxymap_writable - refuse a change on the read service */

static bool proxymap_writable(const PROXYMAP_REQUEST *req, const char *what, PROXYMAP_REPLY *reply)
{
    if (proxymap_writer)
        return true;
    msg_warn("refusing %s %s request on non-%s service", req->table, what, proxywrite_name);
    reply->status = PROXY_STAT_DENY;
    return false;
}

/* proxymap_update - store a value (proxywrite only); it replaces an old one */

static void proxymap_update(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    DICT *dict;
    int saved;

    if (!proxymap_writable(req, PROXY_REQ_UPDATE, reply) ||
        (dict = proxymap_find(req, reply)) == NULL)
        return;
    saved = dict->flags;
    dict->flags = (dict->flags & ~DICT_FLAG_DUP_MASK) | DICT_FLAG_DUP_REPLACE;
    proxymap_change_reply(dict, dict_put(dict, req->key, req->value), reply);
    dict->flags = saved;
}

/* proxymap_delete - remove a key (proxywrite only) */

static void proxymap_delete(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    DICT *dict;

    if (!proxymap_writable(req, PROXY_REQ_DELETE, reply) ||
        (dict = proxymap_find(req, reply)) == NULL)
        return;
    proxymap_change_reply(dict, dict_del(dict, req->key), reply);
}

/* proxymap_sequence - one step of a walk */

static void proxymap_sequence(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply)
{
    DICT *dict;
    int status;

    if (req->function != DICT_SEQ_FUN_FIRST && req->function != DICT_SEQ_FUN_NEXT) {
        reply->status = PROXY_STAT_BAD;
        return;
    }
    if ((dict = proxymap_find(req, reply)) == NULL)
        return;
    status = dict_seq(dict, (int)req->function, &reply->key, &reply->value);
    if (status == DICT_STAT_SUCCESS) {
        reply->status = PROXY_STAT_OK;
    } else if (status == DICT_STAT_FAIL) {
        reply->status = PROXY_STAT_NOKEY;
    } else {
        reply->status = proxymap_status(dict);
        vstring_strcpy(reply->reason, dict_reason(dict));
    }
}

/* The requests: the attributes each carries besides request, table and flags. */
#define PROXYMAP_NEED_KEY      (1 << 0)
#define PROXYMAP_NEED_VALUE    (1 << 1)
#define PROXYMAP_NEED_FUNCTION (1 << 2)

/* What a reply carries besides status and reason. */
#define PROXYMAP_SEND_FLAGS (1 << 0)
#define PROXYMAP_SEND_KEY   (1 << 1)
#define PROXYMAP_SEND_VALUE (1 << 2)

typedef struct PROXYMAP_HANDLER {
    const char *name;                                                    /* PROXY_REQ_* */
    void (*handler)(const PROXYMAP_REQUEST *req, PROXYMAP_REPLY *reply); /* the work */
    int need;                                                            /* PROXYMAP_NEED_* */
    int send;                                                            /* PROXYMAP_SEND_* */
} PROXYMAP_HANDLER;

static const PROXYMAP_HANDLER proxymap_handlers[] = {
    {PROXY_REQ_OPEN, proxymap_open, 0, PROXYMAP_SEND_FLAGS},
    {PROXY_REQ_LOOKUP, proxymap_lookup, PROXYMAP_NEED_KEY, PROXYMAP_SEND_VALUE},
    {PROXY_REQ_UPDATE, proxymap_update, PROXYMAP_NEED_KEY | PROXYMAP_NEED_VALUE, 0},
    {PROXY_REQ_DELETE, proxymap_delete, PROXYMAP_NEED_KEY, 0},
    {PROXY_REQ_SEQUENCE, proxymap_sequence, PROXYMAP_NEED_FUNCTION,
     PROXYMAP_SEND_KEY | PROXYMAP_SEND_VALUE},
    {NULL, NULL, 0, 0},
};

/* proxymap_parse - the request in an attribute table; NULL when malformed */

static const PROXYMAP_HANDLER *proxymap_parse(HTABLE *attrs, int count, PROXYMAP_REQUEST *req)
{
    const char *name = attr_table_str(attrs, PROXY_ATTR_REQ);
    const PROXYMAP_HANDLER *hp;
    long flags;
    int want = 3;

    if (name == NULL)
        return NULL;
    for (hp = proxymap_handlers; hp->name && strcmp(hp->name, name) != 0; hp++)
        /* void */;
    if (hp->name == NULL) {
        msg_warn("unrecognized request: \"%.100s\"", name);
        return NULL;
    }
    req->table = attr_table_str(attrs, PROXY_ATTR_TABLE);
    req->key = attr_table_str(attrs, PROXY_ATTR_KEY);
    req->value = attr_table_str(attrs, PROXY_ATTR_VALUE);
    if (req->table == NULL || attr_table_long(attrs, PROXY_ATTR_FLAGS, &flags) < 0)
        return NULL;
    req->flags = (int)flags;
    if ((hp->need & PROXYMAP_NEED_KEY) && (want++, req->key == NULL))
        return NULL;
    if ((hp->need & PROXYMAP_NEED_VALUE) && (want++, req->value == NULL))
        return NULL;
    if ((hp->need & PROXYMAP_NEED_FUNCTION) &&
        (want++, attr_table_long(attrs, PROXY_ATTR_FUNCTION, &req->function) < 0))
        return NULL;
    return count == want ? hp : NULL;
}

/* proxymap_send - the reply that a request gets */

static int proxymap_send(VSTREAM *client, const PROXYMAP_HANDLER *hp, const PROXYMAP_REPLY *reply)
{
    const char *key = reply->status == PROXY_STAT_OK && reply->key ? reply->key : "";
    const char *value = reply->status == PROXY_STAT_OK && reply->value ? reply->value : "";

    if (attr_print(client, ATTR_FLAG_MORE, SEND_ATTR_INT(PROXY_ATTR_STATUS, reply->status),
                   SEND_ATTR_STR(PROXY_ATTR_REASON, vstring_str(reply->reason)), ATTR_TYPE_END) < 0)
        return -1;
    if ((hp->send & PROXYMAP_SEND_FLAGS) &&
        attr_print(client, ATTR_FLAG_MORE, SEND_ATTR_INT(PROXY_ATTR_FLAGS, reply->flags),
                   ATTR_TYPE_END) < 0)
        return -1;
    if ((hp->send & PROXYMAP_SEND_KEY) &&
        attr_print(client, ATTR_FLAG_MORE, SEND_ATTR_STR(PROXY_ATTR_KEY, key), ATTR_TYPE_END) < 0)
        return -1;
    if ((hp->send & PROXYMAP_SEND_VALUE) &&
        attr_print(client, ATTR_FLAG_MORE, SEND_ATTR_STR(PROXY_ATTR_VALUE, value), ATTR_TYPE_END) <
            0)
        return -1;
    return attr_print(client, ATTR_FLAG_NONE, ATTR_TYPE_END) < 0 || vstream_fflush(client) != 0 ? -1
                                                                                                : 0;
}

/* proxymap_dispatch - read one request and answer it; -1: drop the client */

static int proxymap_dispatch(VSTREAM *client)
{
    ATTR_OPTS opts = {.count_max = 8};
    HTABLE *attrs = htable_create(8);
    PROXYMAP_REQUEST req = {0};
    PROXYMAP_REPLY reply = {.status = PROXY_STAT_BAD, .reason = vstring_alloc(100)};
    const PROXYMAP_HANDLER *hp = NULL;
    int count, status = -1;

    /* End of input, or a master wake-up ("W"): no attribute message follows. */
    if (attr_dispatch_ready(client) == 0) {
        if ((count = attr_scan_table(client, ATTR_FLAG_NONE, &opts, attrs)) > 0 &&
            (hp = proxymap_parse(attrs, count, &req)) != NULL) {
            if (msg_verbose)
                msg_info("%s: %s %s", __func__, hp->name, req.table);
            hp->handler(&req, &reply);
            status = proxymap_send(client, hp, &reply);
        } else if (count > 0) {
            msg_warn("malformed request from a client");
        }
    }
    attr_table_free(attrs);
    vstring_free(reply.reason);
    return status;
}

/* proxymap_service - serve one request of a client */

static void proxymap_service(MAIL_SERVER *server, VSTREAM *client)
{
    if (proxymap_dispatch(client) < 0)
        multi_server_disconnect(server, client);
}

/* proxymap_accept - greet a new client */

static void proxymap_accept(MAIL_SERVER *server, VSTREAM *client)
{
    vstream_set_timeout(client, proxymap_timeout > 0 ? proxymap_timeout : PROXYMAP_REQUEST_TIMEOUT);
    if (attr_hello_send(client, PROXY_PROTOCOL, PROXY_VERSION) < 0 || vstream_fflush(client) != 0)
        multi_server_disconnect(server, client);
}

/* proxymap_post_jail - which service this is, and what it may open */

static void proxymap_post_jail(MAIL_SERVER *server)
{
    if (strcmp(server->service, proxywrite_name) == 0)
        proxymap_writer = true;
    else if (strcmp(server->service, proxymap_name) != 0)
        msg_fatal("service name must be one of %s or %s", proxymap_name, proxywrite_name);
    /* Two writers could interleave the updates of one table. */
    if (proxymap_writer && !server->stand_alone && !server->solitary)
        msg_warn("service %s: more than one process may update the same tables at once: "
                 "set the maxproc column of %s in master.cf to 1",
                 server->service, server->service);
    proxymap_approve(proxymap_writer ? proxymap_write_maps : proxymap_read_maps);
    proxymap_tables = htable_create(13);
}

int main(int argc, char **argv)
{
    static const CONFIG_BIND parameters[] = {
        CONFIG_BIND_LIST(VAR_PROXY_READ_MAPS, &proxymap_read_maps),
        CONFIG_BIND_LIST(VAR_PROXY_WRITE_MAPS, &proxymap_write_maps),
        CONFIG_BIND_STR(VAR_PROXYMAP_SERVICE_NAME, &proxymap_name),
        CONFIG_BIND_STR(VAR_PROXYWRITE_SERVICE_NAME, &proxywrite_name),
        CONFIG_BIND_TIME(VAR_IPC_TIMEOUT, &proxymap_timeout),
        CONFIG_BIND_END,
    };

    multi_server_main(argc, argv, proxymap_service,
                      &(MAIL_SERVER_PROPS){
                          .parameters = parameters,
                          .post_jail = proxymap_post_jail,
                          .on_accept = proxymap_accept,
                      });
}
