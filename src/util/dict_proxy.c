/*++
 * NAME
 *	dict_proxy - "proxy:type:name" tables, served by proxymap(8)
 * SYNOPSIS
 *	#include <dict.h>
 *	#include <dict_proxy.h>
 *
 *	DICT	*dict_proxy_open(const char *name, int open_flags,
 *			int dict_flags);
 *	void	dict_proxy_init(const char *socket_dir,
 *			const char *read_service, const char *write_service,
 *			int timeout, int max_idle, int max_ttl);
 * DESCRIPTION
 *	dict_proxy_open() opens "proxy:type:name" (name is "type:name"): a
 *	table that the proxymap(8) service opens and searches for this
 *	process, so that a process in a chroot jail, or without the
 *	privileges to read a table's files (a database password in a .cf
 *	file), still gets its answers, and so that many processes share one
 *	open table (one database connection). A table opened read-only
 *	(O_RDONLY) is asked of the read service; any other open mode of the
 *	write service (proxywrite), which alone updates and deletes. Keys
 *	and values go over the protocol of dict_proxy.h, on one connection
 *	per service and process, shared by every proxy: table of the
 *	process.
 *
 *	The open request asks the service to approve the table (it must be
 *	listed in proxy_read_maps or proxy_write_maps) and returns the
 *	table's flags. A table that the service refuses, or cannot open,
 *	gives a surrogate table (dict_open(3)) with the service's reason.
 *	When the service cannot be reached at open time, the open is tried
 *	again at each operation, which meanwhile fails with DICT_ERR_RETRY:
 *	a daemon defers mail until proxymap answers, it never reads "not
 *	found".
 *
 *	A lookup, update, delete or walk step that cannot be completed (the
 *	service is gone, or times out) fails with DICT_ERR_RETRY; the
 *	table's own errors come back as they were (DICT_ERR_RETRY,
 *	DICT_ERR_CONFIG). "proxy:proxy:..." is a configuration error.
 *
 *	dict_proxy_init() sets where the services listen and the limits of
 *	their connections, for the whole process: socket_dir is the
 *	directory of the service sockets (PROXY_CLASS, "private", relative
 *	to the current directory: right for a daemon, whose current
 *	directory is queue_directory inside or outside a chroot jail; a
 *	command gives "$queue_directory/private"), read_service and
 *	write_service the service names (proxymap_service_name,
 *	proxywrite_service_name), timeout the time limit in seconds of a
 *	connect and of each request (ipc_timeout), max_idle and max_ttl the
 *	seconds after which an idle or old connection is replaced (ipc_idle,
 *	ipc_ttl; 0: no limit). A NULL or 0 argument keeps the default.
 * DIAGNOSTICS
 *	Warnings: the service cannot be reached or breaks the connection
 *	(attr_clnt(3)); the service refuses a table.
 * SEE ALSO
 *	proxymap(8), dict_open(3), attr_clnt(3)
 *--*/

/* System library. */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */
#include "attr.h"
#include "dict.h"
#include "dict_proxy.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Defaults of dict_proxy_init(). */
#define DICT_PROXY_TIMEOUT  3600 /* seconds per connect or request: ipc_timeout */
#define DICT_PROXY_MAX_IDLE 5    /* ipc_idle */
#define DICT_PROXY_MAX_TTL  1000 /* ipc_ttl */

/* Client flags that the service may act on: the rest stay in this process. */
#define DICT_PROXY_SEND_MASK                                                                       \
    (DICT_FLAG_DUP_MASK | DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL | DICT_FLAG_LOCK |               \
     DICT_FLAG_OPEN_LOCK | DICT_FLAG_SYNC_UPDATE | DICT_FLAG_FOLD_FIX | DICT_FLAG_NO_REGSUB)

/* The two services: index 0 reads, index 1 writes. */
typedef struct {
    char *service;   /* service name, owned */
    ATTR_CLNT *clnt; /* the connection, or NULL before the first use */
    pid_t pid;       /* process that made clnt */
} DICT_PROXY_SERVICE;

static char *dict_proxy_dir; /* socket directory, owned */
static DICT_PROXY_SERVICE dict_proxy_services[2];
static int dict_proxy_timeout = DICT_PROXY_TIMEOUT;
static int dict_proxy_max_idle = DICT_PROXY_MAX_IDLE;
static int dict_proxy_max_ttl = DICT_PROXY_MAX_TTL;

typedef struct {
    DICT dict;       /* common part; must be first; name is "type:name" */
    int writer;      /* 1: the write service, 0: the read service */
    int send_flags;  /* DICT_FLAG_* sent with every request */
    int opened;      /* the service approved and opened the table */
    VSTRING *key;    /* sequence result; owned */
    VSTRING *value;  /* lookup and sequence result; owned */
    VSTRING *reason; /* the service's error text; owned */
    int status;      /* PROXY_STAT_* of the last reply */
} DICT_PROXY;

/*
 * The attributes that every request about a table starts with, and those
 * that every reply starts with (see dict_proxy.h), for dict_proxy_request().
 */
#define DICT_PROXY_REQUEST_HEAD(dp, request)                                                       \
    SEND_ATTR_STR(PROXY_ATTR_REQ, (request)), SEND_ATTR_STR(PROXY_ATTR_TABLE, (dp)->dict.name),    \
        SEND_ATTR_INT(PROXY_ATTR_FLAGS, (dp)->send_flags)
#define DICT_PROXY_REPLY_HEAD(dp)                                                                  \
    ATTR_FLAG_STRICT, RECV_ATTR_INT(PROXY_ATTR_STATUS, &(dp)->status),                             \
        RECV_ATTR_STR(PROXY_ATTR_REASON, (dp)->reason)

/* dict_proxy_set - replace an owned string unless the new one is empty */

static void dict_proxy_set(char **slot, const char *value, const char *fallback)
{
    if (value == NULL || *value == 0) {
        if (*slot != NULL)
            return;
        value = fallback;
    }
    myfree(*slot);
    *slot = mystrdup(value);
}

/* dict_proxy_init - where the services listen and their connection limits */

void dict_proxy_init(const char *socket_dir, const char *read_service, const char *write_service,
                     int timeout, int max_idle, int max_ttl)
{
    dict_proxy_set(&dict_proxy_dir, socket_dir, PROXY_CLASS);
    dict_proxy_set(&dict_proxy_services[0].service, read_service, PROXY_READ_SERVICE);
    dict_proxy_set(&dict_proxy_services[1].service, write_service, PROXY_WRITE_SERVICE);
    if (timeout > 0)
        dict_proxy_timeout = timeout;
    if (max_idle >= 0)
        dict_proxy_max_idle = max_idle;
    if (max_ttl >= 0)
        dict_proxy_max_ttl = max_ttl;
    for (int i = 0; i < 2; i++)
        if (dict_proxy_services[i].clnt)
            dict_proxy_services[i].clnt = attr_clnt_free(dict_proxy_services[i].clnt);
}

/* dict_proxy_client - the connection to a service, made on first use */

static DICT_PROXY_SERVICE *dict_proxy_client(int writer)
{
    DICT_PROXY_SERVICE *sp = dict_proxy_services + writer;

    if (dict_proxy_dir == NULL)
        dict_proxy_init(NULL, NULL, NULL, 0, -1, -1);
    if (sp->clnt == NULL) {
        VSTRING *endpoint = vstring_alloc(100);

        vstring_sprintf(endpoint, "%s/%s", dict_proxy_dir, sp->service);
        sp->clnt = attr_clnt_create(vstring_str(endpoint), dict_proxy_timeout, dict_proxy_max_idle,
                                    dict_proxy_max_ttl);
        attr_clnt_set_protocol(sp->clnt, PROXY_PROTOCOL, PROXY_VERSION);
        sp->pid = getpid();
        vstring_free(endpoint);
    } else if (sp->pid != getpid()) {
        /* A child must not share its parent's connection. */
        attr_clnt_disconnect(sp->clnt);
        sp->pid = getpid();
    }
    return sp;
}

/* dict_proxy_error - an error reply, or an exchange that failed, as dict->error */

static void dict_proxy_error(DICT_PROXY *dp, int status)
{
    DICT *dict = &dp->dict;
    const char *service = dict_proxy_services[dp->writer].service;

    switch (status) {
    case -1:
        dict_set_error(dict, DICT_ERR_RETRY, "%s:%s: the %s service is not available", dict->type,
                       dict->name, service);
        break;
    case PROXY_STAT_RETRY:
        dict_set_error(dict, DICT_ERR_RETRY, "%s", vstring_str(dp->reason));
        break;
    case PROXY_STAT_DENY:
        dict_set_error(dict, DICT_ERR_CONFIG, "%s service is not configured for table \"%s\"",
                       service, dict->name);
        break;
    case PROXY_STAT_BAD:
        dict_set_error(dict, DICT_ERR_CONFIG, "%s:%s: the %s service refused the request",
                       dict->type, dict->name, service);
        break;
    default:
        dict_set_error(dict, DICT_ERR_CONFIG, "%s",
                       VSTRING_LEN(dp->reason) ? vstring_str(dp->reason) : "table error");
        break;
    }
}

/* dict_proxy_request - one request about the table; the reply's PROXY_STAT_*, or -1 */

static int dict_proxy_request(DICT_PROXY *dp, int want, ...)
{
    DICT_PROXY_SERVICE *sp = dict_proxy_client(dp->writer);
    va_list ap;
    int got;

    dp->status = -1;
    va_start(ap, want);
    got = attr_clnt_request_va(sp->clnt, ATTR_FLAG_NONE, ap);
    va_end(ap);
    return got == want ? dp->status : -1;
}

/* dict_proxy_open_request - ask the service to approve and open the table */

static int dict_proxy_open_request(DICT_PROXY *dp)
{
    int status, flags = 0;

    status = dict_proxy_request(dp, 3, DICT_PROXY_REQUEST_HEAD(dp, PROXY_REQ_OPEN), ATTR_TYPE_END,
                                DICT_PROXY_REPLY_HEAD(dp), RECV_ATTR_INT(PROXY_ATTR_FLAGS, &flags),
                                ATTR_TYPE_END);
    if (status == PROXY_STAT_OK) {
        dp->opened = 1;
        dp->dict.flags = (dp->dict.flags & ~DICT_FLAG_TYPE_MASK) | (flags & DICT_FLAG_TYPE_MASK);
    }
    return status;
}

/* dict_proxy_ready - the table is open at the service; else the error is set */

static int dict_proxy_ready(DICT_PROXY *dp)
{
    int status;

    if (dp->opened)
        return 1;
    if ((status = dict_proxy_open_request(dp)) == PROXY_STAT_OK)
        return 1;
    dict_proxy_error(dp, status);
    return 0;
}

/* dict_proxy_change_status - the DICT_STAT_* of an update, delete or walk step */

static int dict_proxy_change_status(DICT_PROXY *dp, int status)
{
    if (status == PROXY_STAT_OK)
        return DICT_STAT_SUCCESS;
    if (status == PROXY_STAT_NOKEY)
        return DICT_STAT_FAIL;
    dict_proxy_error(dp, status);
    return DICT_STAT_ERROR;
}

/* dict_proxy_lookup - ask the service for a key */

static const char *dict_proxy_lookup(DICT *dict, const char *key)
{
    DICT_PROXY *dp = (DICT_PROXY *)dict;
    int status;

    if (!dict_proxy_ready(dp))
        return NULL;
    status = dict_proxy_request(dp, 3, DICT_PROXY_REQUEST_HEAD(dp, PROXY_REQ_LOOKUP),
                                SEND_ATTR_STR(PROXY_ATTR_KEY, key), ATTR_TYPE_END,
                                DICT_PROXY_REPLY_HEAD(dp),
                                RECV_ATTR_STR(PROXY_ATTR_VALUE, dp->value), ATTR_TYPE_END);
    if (status == PROXY_STAT_OK)
        return vstring_str(dp->value);
    if (status != PROXY_STAT_NOKEY)
        dict_proxy_error(dp, status);
    return NULL;
}

/* dict_proxy_update - store a value through the write service */

static int dict_proxy_update(DICT *dict, const char *key, const char *value)
{
    DICT_PROXY *dp = (DICT_PROXY *)dict;

    if (!dict_proxy_ready(dp))
        return DICT_STAT_ERROR;
    return dict_proxy_change_status(
        dp, dict_proxy_request(dp, 2, DICT_PROXY_REQUEST_HEAD(dp, PROXY_REQ_UPDATE),
                               SEND_ATTR_STR(PROXY_ATTR_KEY, key),
                               SEND_ATTR_STR(PROXY_ATTR_VALUE, value), ATTR_TYPE_END,
                               DICT_PROXY_REPLY_HEAD(dp), ATTR_TYPE_END));
}

/* dict_proxy_delete - remove a key through the write service */

static int dict_proxy_delete(DICT *dict, const char *key)
{
    DICT_PROXY *dp = (DICT_PROXY *)dict;

    if (!dict_proxy_ready(dp))
        return DICT_STAT_ERROR;
    return dict_proxy_change_status(
        dp, dict_proxy_request(dp, 2, DICT_PROXY_REQUEST_HEAD(dp, PROXY_REQ_DELETE),
                               SEND_ATTR_STR(PROXY_ATTR_KEY, key), ATTR_TYPE_END,
                               DICT_PROXY_REPLY_HEAD(dp), ATTR_TYPE_END));
}

/* dict_proxy_sequence - one step of a walk, done by the service */

static int dict_proxy_sequence(DICT *dict, int func, const char **out_key, const char **out_value)
{
    DICT_PROXY *dp = (DICT_PROXY *)dict;
    int status;

    if (!dict_proxy_ready(dp))
        return DICT_STAT_ERROR;
    status = dict_proxy_change_status(
        dp, dict_proxy_request(dp, 4, DICT_PROXY_REQUEST_HEAD(dp, PROXY_REQ_SEQUENCE),
                               SEND_ATTR_INT(PROXY_ATTR_FUNCTION, func), ATTR_TYPE_END,
                               DICT_PROXY_REPLY_HEAD(dp), RECV_ATTR_STR(PROXY_ATTR_KEY, dp->key),
                               RECV_ATTR_STR(PROXY_ATTR_VALUE, dp->value), ATTR_TYPE_END));
    if (status == DICT_STAT_SUCCESS) {
        *out_key = vstring_str(dp->key);
        *out_value = vstring_str(dp->value);
    }
    return status;
}

/* dict_proxy_close - release the client side; the service keeps its table */

static void dict_proxy_close(DICT *dict)
{
    DICT_PROXY *dp = (DICT_PROXY *)dict;

    vstring_free(dp->key);
    vstring_free(dp->value);
    vstring_free(dp->reason);
    dict_free(dict);
}

/* dict_proxy_open - a table that proxymap(8) opens and searches */

DICT *dict_proxy_open(const char *name, int open_flags, int dict_flags)
{
    DICT_PROXY *dp;
    int status;

    if (strncmp(name, PROXY_PREFIX, strlen(PROXY_PREFIX)) == 0 || strchr(name, ':') == NULL)
        return dict_surrogate(DICT_TYPE_PROXY, name, open_flags, dict_flags, DICT_ERR_CONFIG,
                              "%s:%s: need %stype:name, one level of proxy", DICT_TYPE_PROXY, name,
                              PROXY_PREFIX);
    dp = (DICT_PROXY *)dict_alloc(DICT_TYPE_PROXY, name, sizeof(*dp), open_flags,
                                  dict_flags & ~DICT_FLAG_TYPE_MASK);
    dp->writer = (open_flags & O_ACCMODE) != O_RDONLY;
    dp->send_flags = dict_flags & DICT_PROXY_SEND_MASK;
    dp->key = vstring_alloc(100);
    dp->value = vstring_alloc(100);
    dp->reason = vstring_alloc(100);
    dp->dict.lookup = dict_proxy_lookup;
    if (dp->writer) {
        dp->dict.update = dict_proxy_update;
        dp->dict.delete = dict_proxy_delete;
    }
    dp->dict.sequence = dict_proxy_sequence;
    dp->dict.close = dict_proxy_close;

    /* Refused or broken tables fail at once; an absent service, at each use. */
    status = dict_proxy_open_request(dp);
    if (status != PROXY_STAT_OK && status != -1) {
        dict_proxy_error(dp, status);
        if (status == PROXY_STAT_DENY)
            msg_warn("%s", dict_reason(&dp->dict));
        DICT *sur = dict_surrogate(DICT_TYPE_PROXY, name, open_flags, dict_flags, dp->dict.error,
                                   "%s", dict_reason(&dp->dict));
        dict_proxy_close(&dp->dict);
        return sur;
    }
    dp->dict.error = DICT_ERR_NONE;
    return &dp->dict;
}
