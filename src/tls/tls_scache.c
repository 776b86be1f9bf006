/*++
 * NAME
 *	tls_scache - session caching: cache keys and the OpenSSL callbacks
 * SYNOPSIS
 *	#include <tls_scache.h>
 *
 *	void	tls_scache_server_setup(TLS_APPL_STATE *app, SSL_CTX *ctx,
 *				bool set_sessid);
 *	void	tls_scache_client_setup(TLS_APPL_STATE *app, SSL_CTX *ctx);
 *	char	*tls_scache_server_id(const unsigned char *session_id,
 *				size_t len, const char *serverid);
 *	char	*tls_scache_client_id(const char *serverid,
 *				const char *nexthop, const char *host,
 *				const char *addr, unsigned port,
 *				const char *policy);
 *	int	tls_scache_client_load(TLS_SESS_STATE *state);
 *	void	tls_scache_forget(TLS_SESS_STATE *state);
 * DESCRIPTION
 *	tls_scache_server_setup() configures server-side session-id
 *	caching on ctx: with a cache (a positive app->session_timeout and
 *	lookup and update callbacks) OpenSSL's internal store is bypassed and
 *	sessions go to the daemon's store; without one, session ids are
 *	still issued when set_sessid is true (so clients can try), and
 *	caching is off otherwise. The session id context is derived from
 *	the service name, so a session of one service (say, port 25) is never
 *	resumed by another (say, submission with client certificates).
 *
 *	tls_scache_client_setup() makes the client store every new session
 *	(including TLS 1.3 tickets that arrive after the handshake) under
 *	the cache key of its connection.
 *
 *	tls_scache_server_id() returns "<hex session id>&s=<serverid>&l=<
 *	OpenSSL version number>". tls_scache_client_id() returns
 *	"<serverid>&<nexthop>&<host>&<addr>&<port>&<hex SHA-256 of policy>",
 *	with '&' and '%' inside fields written as %26 and %25. Both results
 *	are new strings.
 *
 *	tls_scache_client_load() looks up the session for state->cache_id and
 *	offers it in the handshake. A TLS 1.3 session is removed from the
 *	cache once used, since the server sends a fresh ticket for each
 *	connection (single-use tickets). An entry that does not decode is
 *	deleted. It returns 1 when a session is offered.
 *
 *	tls_scache_forget() deletes the connection's cache entry (after a
 *	failed handshake or session).
 *--*/

#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_log.h"
#include "tls_scache.h"
#include "tls_session.h"

/* tls_scache_app - engine context of a connection */

static TLS_APPL_STATE *tls_scache_app(SSL *ssl)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);

    return state ? state->app : SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
}

/* tls_scache_store - encode and store a session */

static void tls_scache_store(TLS_APPL_STATE *app, TLS_SESS_STATE *state, const char *cache_id,
                             SSL_SESSION *session)
{
    TLS_SESSION_INFO info = {
        .created = time(NULL),
        .lifetime = app->session_timeout,
        .peer_status = state ? state->peer_status : 0,
        .verify_result = state ? state->verify_result : 0,
    };
    VSTRING *value;

    if (app->cache.cache_update == NULL || app->session_timeout <= 0 ||
        !SSL_SESSION_is_resumable(session))
        return;
    value = vstring_alloc(1024);
    if (tls_session_encode(value, session, &info) == 0) {
        if (app->log_mask & TLS_LOG_CACHE)
            msg_info("save session %s to %s cache", cache_id, app->cache_type);
        app->cache.cache_update(app->cache.context, cache_id, vstring_str(value),
                                VSTRING_LEN(value));
    }
    vstring_free(value);
}

/* tls_scache_fetch - look up and decode a session; bad entries are deleted */

static SSL_SESSION *tls_scache_fetch(TLS_APPL_STATE *app, const char *cache_id)
{
    VSTRING *value = vstring_alloc(1024);
    SSL_SESSION *session = NULL;
    const char *why = NULL;

    if (app->log_mask & TLS_LOG_CACHE)
        msg_info("looking for session %s in %s cache", cache_id, app->cache_type);
    if (app->cache.cache_lookup(app->cache.context, cache_id, value)) {
        session =
            tls_session_decode(vstring_str(value), VSTRING_LEN(value), time(NULL), NULL, &why);
        if (session == NULL) {
            if (app->log_mask & TLS_LOG_CACHE)
                msg_info("discarding session %s from %s cache: %s", cache_id, app->cache_type, why);
            if (app->cache.cache_delete)
                app->cache.cache_delete(app->cache.context, cache_id);
        } else if (app->log_mask & TLS_LOG_CACHE) {
            msg_info("reloaded session %s from %s cache", cache_id, app->cache_type);
        }
    }
    vstring_free(value);
    return session;
}

/* tls_scache_server_id - server cache key */

char *tls_scache_server_id(const unsigned char *session_id, size_t len, const char *serverid)
{
    VSTRING *id = vstring_alloc(2 * len + 40);

    for (size_t i = 0; i < len; i++)
        vstring_sprintf_append(id, "%02X", session_id[i]);
    vstring_sprintf_append(id, "&s=%s&l=%ld", serverid ? serverid : "",
                           (long)OpenSSL_version_num());
    return vstring_export(id);
}

/* tls_scache_server_new_cb - store a new server session */

static int tls_scache_server_new_cb(SSL *ssl, SSL_SESSION *session)
{
    TLS_APPL_STATE *app = tls_scache_app(ssl);
    unsigned int len;
    const unsigned char *sid = SSL_SESSION_get_id(session, &len);
    char *cache_id;

    if (app == NULL || len == 0)
        return 0;
    /* TLS 1.3 with tickets: the ticket carries the session, nothing to store. */
    if (SSL_version(ssl) >= TLS1_3_VERSION && !(SSL_get_options(ssl) & SSL_OP_NO_TICKET))
        return 0;
    cache_id = tls_scache_server_id(sid, len, app->serverid);
    tls_scache_store(app, SSL_get_app_data(ssl), cache_id, session);
    myfree(cache_id);
    return 0;
}

/* tls_scache_server_get_cb - find a server session by id */

static SSL_SESSION *tls_scache_server_get_cb(SSL *ssl, const unsigned char *sid, int len, int *copy)
{
    TLS_APPL_STATE *app = tls_scache_app(ssl);
    SSL_SESSION *session;
    char *cache_id;

    *copy = 0;
    if (app == NULL || len <= 0)
        return NULL;
    cache_id = tls_scache_server_id(sid, (size_t)len, app->serverid);
    session = tls_scache_fetch(app, cache_id);
    myfree(cache_id);
    return session;
}

/* tls_scache_server_setup - server session-id caching */

void tls_scache_server_setup(TLS_APPL_STATE *app, SSL_CTX *ctx, bool set_sessid)
{
    unsigned char sid_ctx[SHA256_DIGEST_LENGTH];
    const char *name = app->serverid ? app->serverid : "";

    SHA256((const unsigned char *)name, strlen(name), sid_ctx);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx));
    if (app->session_timeout > 0)
        SSL_CTX_set_timeout(ctx, app->session_timeout);
    if (app->session_timeout > 0 && app->cache.cache_lookup && app->cache.cache_update) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL |
                                                SSL_SESS_CACHE_NO_AUTO_CLEAR);
        SSL_CTX_sess_set_new_cb(ctx, tls_scache_server_new_cb);
        SSL_CTX_sess_set_get_cb(ctx, tls_scache_server_get_cb);
    } else if (set_sessid) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, 1);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
}

/* tls_scache_client_new_cb - store a new client session */

static int tls_scache_client_new_cb(SSL *ssl, SSL_SESSION *session)
{
    TLS_SESS_STATE *state = SSL_get_app_data(ssl);

    if (state && state->app && state->cache_id)
        tls_scache_store(state->app, state, state->cache_id, session);
    return 0;
}

/* tls_scache_client_setup - client session caching */

void tls_scache_client_setup(TLS_APPL_STATE *app, SSL_CTX *ctx)
{
    if (app->session_timeout > 0)
        SSL_CTX_set_timeout(ctx, app->session_timeout);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE |
                                            SSL_SESS_CACHE_NO_AUTO_CLEAR);
    SSL_CTX_sess_set_new_cb(ctx, tls_scache_client_new_cb);
}

/* tls_scache_escape - append a cache key field */

static void tls_scache_escape(VSTRING *out, const char *field)
{
    for (const char *cp = field ? field : ""; *cp; cp++) {
        if (*cp == '&')
            vstring_strcat(out, "%26");
        else if (*cp == '%')
            vstring_strcat(out, "%25");
        else
            vstring_addch(out, *cp);
    }
    vstring_addch(out, '&');
}

/* tls_scache_client_id - client cache key */

char *tls_scache_client_id(const char *serverid, const char *nexthop, const char *host,
                           const char *addr, unsigned port, const char *policy)
{
    VSTRING *id = vstring_alloc(200);
    unsigned char md[SHA256_DIGEST_LENGTH];
    char portbuf[16];

    snprintf(portbuf, sizeof(portbuf), "%u", port);
    tls_scache_escape(id, serverid);
    tls_scache_escape(id, nexthop);
    tls_scache_escape(id, host);
    tls_scache_escape(id, addr);
    tls_scache_escape(id, portbuf);
    SHA256((const unsigned char *)(policy ? policy : ""), policy ? strlen(policy) : 0, md);
    for (size_t i = 0; i < sizeof(md); i++)
        vstring_sprintf_append(id, "%02x", md[i]);
    return vstring_export(id);
}

/* tls_scache_client_load - offer a cached session */

int tls_scache_client_load(TLS_SESS_STATE *state)
{
    TLS_APPL_STATE *app = state->app;
    SSL_SESSION *session;
    int ok;

    if (app->cache.cache_lookup == NULL || app->session_timeout <= 0 || state->cache_id == NULL)
        return 0;
    if ((session = tls_scache_fetch(app, state->cache_id)) == NULL)
        return 0;
    if (SSL_SESSION_get_protocol_version(session) >= TLS1_3_VERSION && app->cache.cache_delete)
        app->cache.cache_delete(app->cache.context, state->cache_id);
    ok = SSL_set_session(state->ssl, session) == 1;
    SSL_SESSION_free(session);
    return ok;
}

/* tls_scache_forget - delete the connection's cache entry */

void tls_scache_forget(TLS_SESS_STATE *state)
{
    TLS_APPL_STATE *app = state->app;

    if (app && app->cache.cache_delete && state->cache_id) {
        if (app->log_mask & TLS_LOG_CACHE)
            msg_info("remove session %s from %s cache", state->cache_id, app->cache_type);
        app->cache.cache_delete(app->cache.context, state->cache_id);
    }
}
