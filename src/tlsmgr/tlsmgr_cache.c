/*++
 * NAME
 *	tlsmgr_cache - tlsmgr's session caches and their requests
 * SYNOPSIS
 *	#include "tlsmgr.h"
 *
 *	void	tlsmgr_cache_pre_jail(MAIL_SERVER *server,
 *				const TLSMGR_CONFIG *config,
 *				const unsigned char *secret,
 *				size_t secret_len);
 *	void	tlsmgr_cache_post_jail(MAIL_SERVER *server);
 *	int	tlsmgr_cache_timeout(const char *cache_type);
 *	int	tlsmgr_policy_request(VSTREAM *client);
 *	int	tlsmgr_lookup_request(VSTREAM *client);
 *	int	tlsmgr_update_request(VSTREAM *client);
 *	int	tlsmgr_delete_request(VSTREAM *client);
 *	int	tlsmgr_list_request(VSTREAM *client);
 *	int	tlsmgr_flush_request(VSTREAM *client);
 * DESCRIPTION
 *	Each cache type (smtpd, smtp, lmtp) has its own
 *	*_tls_session_cache_database, *_tls_session_cache_timeout and
 *	*_tls_loglevel (the "cache" bit, on from level 2, logs each cache
 *	operation). A type is cached when its database is set and its
 *	timeout is positive; a timeout below 120 seconds counts as 120.
 *	The TLS capability cache of the smtp and lmtp clients (type
 *	"tlscaps": smtp_tls_capability_cache_database and _timeout, at
 *	least 10 seconds) is served the same way, but its table is not
 *	emptied when tlsmgr starts: what it knows outlives restarts. A
 *	capability cache that cannot be opened is a warning, not fatal:
 *	the clients then learn nothing, and mail flows as before.
 *
 *	tlsmgr_cache_pre_jail() takes these parameters from config (bound
 *	by tlsmgr.c), refuses two types
 *	that name one file, and opens each database as mail_owner, emptied
 *	(tls_cachedb(3)). A database that other hosts share (memcache:) is
 *	sealed with secret (tlsmgr_shared_secret_file, read by tlsmgr.c;
 *	the caller wipes it); without one (secret_len 0) its entries are
 *	stored as they are, with a warning.
 *
 *	tlsmgr_cache_post_jail() starts, for each open cache, a timer that
 *	every timeout seconds starts a walk which removes expired and
 *	malformed entries, one entry per event loop turn.
 *
 *	tlsmgr_cache_timeout() returns the timeout of a type after the
 *	limits (0: caching off), whether or not a database is set; the
 *	smtpd value is also the lifetime of session tickets.
 *
 *	The request functions read the arguments of the request of that
 *	name (tls_mgr.h), serve it and write the reply. They return -1 when
 *	the request is malformed or the reply cannot be sent (the caller
 *	drops the client), 0 otherwise. An unknown cache type is logged and
 *	gets TLS_MGR_STAT_ERR, like a type that is not cached, an entry
 *	that is not found, or a session that is refused. The list and flush
 *	requests serve the capability cache only; for another type they
 *	get TLS_MGR_STAT_ERR.
 * DIAGNOSTICS
 *	Fatal: two types sharing a file, a database that cannot be opened
 *	or cannot update, delete and walk. Warnings: unknown cache types;
 *	tls_cachedb(3) warns about oversized sessions and table errors.
 * SEE ALSO
 *	tls_cachedb(3), tlsmgr(8)
 *--*/

/* System library. */
#include <string.h>
#include <time.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_cachedb.h"
#include "tls_log.h"
#include "tls_mgr.h"

/* Application-specific. */
#include "tlsmgr.h"

#define TLSMGR_CACHE_LIFEMIN 120     /* shortest cache timeout, seconds */
#define TLSMGR_CACHE_LIFEMAX 8640000 /* longest (100 days) */

/* One cache type. */
typedef struct TLSMGR_CACHE {
    const char *type;           /* smtpd, smtp, lmtp */
    const char *db_param;       /* *_tls_session_cache_database */
    const char *timeout_param;  /* *_tls_session_cache_timeout */
    const char *loglevel_param; /* *_tls_loglevel */
    const char *dbname;         /* database, "" when none; owned by the CONFIG */
    const char *loglevel;       /* *_tls_loglevel; owned by the CONFIG */
    int timeout;                /* seconds after the limits, 0: off */
    TLS_CACHEDB *db;            /* open cache, or NULL */
    bool kept;                  /* entries outlive tlsmgr (not emptied at start) */
    int lifemin;                /* shortest timeout, seconds */
    EVENT_LOOP *loop;           /* for the walk's timers; not owned */
} TLSMGR_CACHE;

static TLSMGR_CACHE tlsmgr_caches[] = {
    {.type = TLS_MGR_SCACHE_SMTPD,
     .db_param = VAR_SMTPD_TLS_SESSION_CACHE_DATABASE,
     .timeout_param = VAR_SMTPD_TLS_SESSION_CACHE_TIMEOUT,
     .loglevel_param = VAR_SMTPD_TLS_LOGLEVEL},
    {.type = TLS_MGR_SCACHE_SMTP,
     .db_param = VAR_SMTP_TLS_SESSION_CACHE_DATABASE,
     .timeout_param = VAR_SMTP_TLS_SESSION_CACHE_TIMEOUT,
     .loglevel_param = VAR_SMTP_TLS_LOGLEVEL},
    {.type = TLS_MGR_SCACHE_LMTP,
     .db_param = VAR_LMTP_TLS_SESSION_CACHE_DATABASE,
     .timeout_param = VAR_LMTP_TLS_SESSION_CACHE_TIMEOUT,
     .loglevel_param = VAR_LMTP_TLS_LOGLEVEL},
    {.type = TLS_MGR_SCACHE_CAPS,
     .db_param = VAR_SMTP_TLS_CAPABILITY_CACHE_DATABASE,
     .timeout_param = VAR_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT,
     .loglevel_param = VAR_SMTP_TLS_LOGLEVEL,
     .kept = true,
     .lifemin = 10},
    {.type = NULL},
};

/* tlsmgr_cache_find - a cache type by name, or NULL */

static TLSMGR_CACHE *tlsmgr_cache_find(const char *type)
{
    for (TLSMGR_CACHE *cp = tlsmgr_caches; cp->type; cp++)
        if (strcmp(cp->type, type) == 0)
            return cp;
    return NULL;
}

/* tlsmgr_cache_path - the file part of "type:name" */

static const char *tlsmgr_cache_path(const char *dbname)
{
    const char *colon = strchr(dbname, ':');

    return colon ? colon + 1 : dbname;
}

/* tlsmgr_cache_settings - one type's parameters */

static void tlsmgr_cache_settings(const TLSMGR_CONFIG *config, TLSMGR_CACHE *cp)
{
    const TLSMGR_CACHE_CONFIG *settings =
        strcmp(cp->type, TLS_MGR_SCACHE_SMTPD) == 0  ? &config->smtpd
        : strcmp(cp->type, TLS_MGR_SCACHE_SMTP) == 0 ? &config->smtp
        : strcmp(cp->type, TLS_MGR_SCACHE_LMTP) == 0 ? &config->lmtp
                                                     : &config->caps;
    int timeout = settings->timeout;
    int lifemin = cp->lifemin ? cp->lifemin : TLSMGR_CACHE_LIFEMIN;

    if (timeout > 0 && timeout < lifemin)
        timeout = lifemin;
    if (timeout > TLSMGR_CACHE_LIFEMAX)
        timeout = TLSMGR_CACHE_LIFEMAX;
    cp->timeout = timeout > 0 ? timeout : 0;
    cp->dbname = settings->database ? settings->database : "";
    cp->loglevel = settings->loglevel;
}

/* tlsmgr_cache_pre_jail - read the settings, open the caches */

void tlsmgr_cache_pre_jail(MAIL_SERVER *server, const TLSMGR_CONFIG *config,
                           const unsigned char *secret, size_t secret_len)
{
    VSTRING *why = vstring_alloc(100);

    for (TLSMGR_CACHE *cp = tlsmgr_caches; cp->type; cp++)
        tlsmgr_cache_settings(config, cp);
    for (TLSMGR_CACHE *cp = tlsmgr_caches; cp->type; cp++)
        for (TLSMGR_CACHE *other = cp + 1; other->type; other++)
            if (*cp->dbname && *other->dbname &&
                strcmp(tlsmgr_cache_path(cp->dbname), tlsmgr_cache_path(other->dbname)) == 0)
                msg_fatal("do not use the same TLS cache file %s for %s and %s",
                          tlsmgr_cache_path(cp->dbname), cp->type, other->type);
    for (TLSMGR_CACHE *cp = tlsmgr_caches; cp->type; cp++) {
        int mask;

        if (*cp->dbname == 0 || cp->timeout <= 0)
            continue;
        mask = tls_log_mask(cp->loglevel_param, cp->loglevel);
        tlsmgr_owner_enter(server);
        cp->db = (cp->kept ? tls_cachedb_open_kept : tls_cachedb_open)(
            cp->type, cp->dbname, cp->timeout, (mask & TLS_LOG_CACHE) != 0, why);
        tlsmgr_owner_leave();
        if (cp->db == NULL && cp->kept)
            msg_warn("%s = %s: %s: running without it", cp->db_param, cp->dbname, vstring_str(why));
        else if (cp->db == NULL)
            msg_fatal("%s = %s: %s", cp->db_param, cp->dbname, vstring_str(why));
        else if (tls_cachedb_shared(cp->db) && secret_len > 0)
            tls_cachedb_seal(cp->db, secret, secret_len);
        else if (tls_cachedb_shared(cp->db))
            msg_warn("%s = %s: a cache shared with other hosts, and %s is not set: whoever can "
                     "write to it can plant sessions, whoever can read it can learn them",
                     cp->db_param, cp->dbname, VAR_TLSMGR_SHARED_SECRET_FILE);
    }
    vstring_free(why);
}

/* tlsmgr_cache_step_event - one step of a walk */

static void tlsmgr_cache_step_event(EVENT_LOOP *loop, void *context)
{
    TLSMGR_CACHE *cp = context;

    if (tls_cachedb_sweep_step(cp->db, time(NULL)))
        event_timer_add(loop, 0, tlsmgr_cache_step_event, cp);
}

/* tlsmgr_cache_expire_event - time to walk a cache */

static void tlsmgr_cache_expire_event(EVENT_LOOP *loop, void *context)
{
    TLSMGR_CACHE *cp = context;

    tls_cachedb_sweep_start(cp->db);
    event_timer_add(loop, 0, tlsmgr_cache_step_event, cp);
    event_timer_add(loop, cp->timeout * 1000, tlsmgr_cache_expire_event, cp);
}

/* tlsmgr_cache_post_jail - the expiry timers */

void tlsmgr_cache_post_jail(MAIL_SERVER *server)
{
    for (TLSMGR_CACHE *cp = tlsmgr_caches; cp->type; cp++) {
        if (cp->db == NULL)
            continue;
        cp->loop = server->loop;
        event_timer_add(server->loop, cp->timeout * 1000, tlsmgr_cache_expire_event, cp);
    }
}

/* tlsmgr_cache_timeout - a type's timeout after the limits */

int tlsmgr_cache_timeout(const char *cache_type)
{
    TLSMGR_CACHE *cp = tlsmgr_cache_find(cache_type);

    return cp ? cp->timeout : 0;
}

/* tlsmgr_cache_open_type - the open cache of a type, or NULL */

static TLS_CACHEDB *tlsmgr_cache_open_type(const char *type, const char *request)
{
    TLSMGR_CACHE *cp = tlsmgr_cache_find(type);

    if (cp == NULL) {
        msg_warn("bogus cache type \"%.100s\" in \"%s\" request", type, request);
        return NULL;
    }
    return cp->db;
}

/* tlsmgr_policy_request - is a type cached, and for how long */

int tlsmgr_policy_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10);
    int status = TLS_MGR_STAT_ERR, cachable = 0, timeout = 0, result = -1;
    TLSMGR_CACHE *cp;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  ATTR_TYPE_END) == 1) {
        if ((cp = tlsmgr_cache_find(vstring_str(type))) == NULL) {
            msg_warn("bogus cache type \"%.100s\" in \"%s\" request", vstring_str(type),
                     TLS_MGR_REQ_POLICY);
        } else {
            status = TLS_MGR_STAT_OK;
            cachable = cp->db != NULL;
            timeout = cp->db ? cp->timeout : 0;
        }
        result = attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
                            SEND_ATTR_INT(TLS_MGR_ATTR_CACHABLE, cachable),
                            SEND_ATTR_INT(TLS_MGR_ATTR_SESSTOUT, timeout), ATTR_TYPE_END);
    }
    vstring_free(type);
    return result;
}

/* tlsmgr_lookup_request - a cached session */

int tlsmgr_lookup_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10), *id = vstring_alloc(100), *session = vstring_alloc(1024);
    int status = TLS_MGR_STAT_ERR, result = -1;
    TLS_CACHEDB *db;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, id), ATTR_TYPE_END) == 2) {
        if ((db = tlsmgr_cache_open_type(vstring_str(type), TLS_MGR_REQ_LOOKUP)) != NULL &&
            tls_cachedb_lookup(db, vstring_str(id), time(NULL), session))
            status = TLS_MGR_STAT_OK;
        result = attr_print(
            client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
            SEND_ATTR_DATA(TLS_MGR_ATTR_SESSION, VSTRING_LEN(session), vstring_str(session)),
            ATTR_TYPE_END);
    }
    vstring_free(type);
    vstring_free(id);
    vstring_free(session);
    return result;
}

/* tlsmgr_update_request - cache a session */

int tlsmgr_update_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10), *id = vstring_alloc(100), *session = vstring_alloc(1024);
    int status = TLS_MGR_STAT_ERR, result = -1;
    TLS_CACHEDB *db;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, id),
                  RECV_ATTR_DATA(TLS_MGR_ATTR_SESSION, session), ATTR_TYPE_END) == 3) {
        if ((db = tlsmgr_cache_open_type(vstring_str(type), TLS_MGR_REQ_UPDATE)) != NULL &&
            tls_cachedb_update(db, vstring_str(id), vstring_str(session), VSTRING_LEN(session),
                               time(NULL)))
            status = TLS_MGR_STAT_OK;
        result = tlsmgr_reply_status(client, status);
    }
    vstring_free(type);
    vstring_free(id);
    vstring_free(session);
    return result;
}

/* tlsmgr_delete_request - forget a session */

int tlsmgr_delete_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10), *id = vstring_alloc(100);
    int status = TLS_MGR_STAT_ERR, result = -1;
    TLS_CACHEDB *db;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, id), ATTR_TYPE_END) == 2) {
        if ((db = tlsmgr_cache_open_type(vstring_str(type), TLS_MGR_REQ_DELETE)) != NULL &&
            tls_cachedb_delete(db, vstring_str(id), time(NULL)))
            status = TLS_MGR_STAT_OK;
        result = tlsmgr_reply_status(client, status);
    }
    vstring_free(type);
    vstring_free(id);
    return result;
}

/* tlsmgr_kept_cache - the open capability cache named in a request, or NULL */

static TLS_CACHEDB *tlsmgr_kept_cache(const char *type, const char *request)
{
    TLSMGR_CACHE *cp = tlsmgr_cache_find(type);

    if (cp == NULL || !cp->kept) {
        msg_warn("cache type \"%.100s\" in \"%s\" request: only \"%s\" is served", type, request,
                 TLS_MGR_SCACHE_CAPS);
        return NULL;
    }
    return cp->db;
}

/* tlsmgr_list_request - the live entries of the capability cache */

int tlsmgr_list_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10), *entries = vstring_alloc(100);
    int status = TLS_MGR_STAT_ERR, result = -1;
    TLS_CACHEDB *db;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  ATTR_TYPE_END) == 1) {
        if ((db = tlsmgr_kept_cache(vstring_str(type), TLS_MGR_REQ_LIST)) != NULL) {
            tls_cachedb_list(db, time(NULL), entries);
            status = TLS_MGR_STAT_OK;
        }
        result = attr_print(
            client, ATTR_FLAG_NONE, SEND_ATTR_INT(TLS_MGR_ATTR_STATUS, status),
            SEND_ATTR_DATA(TLS_MGR_ATTR_ENTRIES, VSTRING_LEN(entries), vstring_str(entries)),
            ATTR_TYPE_END);
    }
    vstring_free(type);
    vstring_free(entries);
    return result;
}

/* tlsmgr_flush_request - empty the capability cache */

int tlsmgr_flush_request(VSTREAM *client)
{
    VSTRING *type = vstring_alloc(10);
    int status = TLS_MGR_STAT_ERR, result = -1;
    TLS_CACHEDB *db;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, type),
                  ATTR_TYPE_END) == 1) {
        if ((db = tlsmgr_kept_cache(vstring_str(type), TLS_MGR_REQ_FLUSH)) != NULL) {
            tls_cachedb_flush(db);
            status = TLS_MGR_STAT_OK;
        }
        result = tlsmgr_reply_status(client, status);
    }
    vstring_free(type);
    return result;
}
