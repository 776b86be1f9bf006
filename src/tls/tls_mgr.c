/*++
 * NAME
 *	tls_mgr - the tlsmgr client: seed, session cache and ticket keys
 * SYNOPSIS
 *	#include <tls_mgr.h>
 *
 *	void	tls_mgr_init(const char *endpoint, int timeout);
 *	int	tls_mgr_seed(VSTRING *out_buf, int len);
 *	int	tls_mgr_policy(const char *cache_type, int *out_cachable,
 *				int *out_timeout);
 *	int	tls_mgr_lookup(const char *cache_type, const char *cache_id,
 *				VSTRING *out_session);
 *	int	tls_mgr_update(const char *cache_type, const char *cache_id,
 *				const void *session, size_t len);
 *	int	tls_mgr_delete(const char *cache_type, const char *cache_id);
 *	int	tls_mgr_list(const char *cache_type, VSTRING *out_entries);
 *	int	tls_mgr_flush(const char *cache_type);
 *	int	tls_mgr_ticket_key(const unsigned char *name,
 *				TLS_TICKET_KEY *out_key);
 *	TLS_CACHE_OPS tls_mgr_cache_ops(const char *cache_type);
 *	int	tls_mgr_available(void);
 *	void	tls_mgr_reset(void);
 * DESCRIPTION
 *	These functions talk to tlsmgr(8) with the requests of tls_mgr.h,
 *	over one connection per process that is opened on first use and
 *	kept (it is replaced after 5 idle seconds, after 1000 seconds, and
 *	in a child after fork()). Each returns TLS_MGR_STAT_OK,
 *	TLS_MGR_STAT_ERR (not found, refused, or caching is off) or
 *	TLS_MGR_STAT_FAIL (tlsmgr cannot be reached or answered nonsense).
 *
 *	The first failure to reach tlsmgr, or a malformed reply, is logged
 *	once and turns the client off for the rest of the process: every
 *	later call returns TLS_MGR_STAT_FAIL at once, so a missing or hung
 *	tlsmgr costs each connection nothing but the cache.
 *
 *	tls_mgr_init() sets where tlsmgr listens and the time limit in
 *	seconds for connecting and for each request (default: 10). endpoint
 *	is a service name ("tlsmgr": the socket private/tlsmgr below the
 *	current directory, which for a daemon is queue_directory), a path,
 *	or "unix:path"; NULL means TLS_MGR_SERVICE. Call it before the
 *	first request (daemons: with $tlsmgr_service_name).
 *
 *	tls_mgr_seed() asks for len (1..TLS_MGR_SEED_MAX) random bytes from
 *	tlsmgr's generator and puts them in out_buf.
 *
 *	tls_mgr_policy() reports whether tlsmgr keeps a cache of
 *	cache_type ("smtpd", "smtp", "lmtp") and its timeout in seconds.
 *
 *	tls_mgr_lookup() copies the session cached under cache_id into
 *	out_session (emptied when not found). tls_mgr_update() stores one;
 *	tls_mgr_delete() removes one. tls_mgr_list() copies the live
 *	entries of the TLS capability cache into out_entries (one line
 *	each: id, TAB, seconds left, TAB, value); tls_mgr_flush() removes
 *	them all.
 *
 *	tls_mgr_ticket_key() returns a session ticket key: with a null
 *	name the current encryption key, otherwise the key of that name
 *	(TLS_TICKET_NAMELEN bytes) if tlsmgr still has it. The two most
 *	recent current keys are kept in the process and asked for again
 *	only once they stop encrypting, so a busy smtpd costs tlsmgr one
 *	request per key period, not one per handshake.
 *
 *	tls_mgr_cache_ops() returns the TLS_CACHE_OPS that put a daemon's
 *	cache_type sessions and its ticket keys in tlsmgr: set it as the
 *	cache member of TLS_SERVER_INIT_PROPS or TLS_CLIENT_INIT_PROPS.
 *	Its context lives as long as the process.
 *
 *	tls_mgr_available() is false once the client has turned itself
 *	off. tls_mgr_reset() turns it on again and forgets the connection
 *	and the local keys (for tests, and for a program that knows that
 *	tlsmgr is back).
 * DIAGNOSTICS
 *	One warning per process when tlsmgr cannot be reached, breaks the
 *	connection or answers with a malformed reply (attr_clnt(3) adds the
 *	system's reason). Panic: a seed length out of range.
 * SEE ALSO
 *	tlsmgr(8), attr_clnt(3)
 *--*/

/* System library. */
#include <string.h>
#include <time.h>
#include <unistd.h>

/* OpenSSL. */
#include <openssl/crypto.h>

/* Utility library. */
#include "attr.h"
#include "msg.h"
#include "mymalloc.h"

/* TLS library. */
#include "tls_mgr.h"

#define TLS_MGR_TIMEOUT  10   /* seconds per connect or request */
#define TLS_MGR_MAX_IDLE 5    /* seconds before an idle connection is replaced */
#define TLS_MGR_MAX_TTL  1000 /* seconds before any connection is replaced */

static ATTR_CLNT *tls_mgr_clnt;               /* the connection, or NULL */
static char *tls_mgr_endpoint;                /* where tlsmgr listens, owned */
static int tls_mgr_timeout = TLS_MGR_TIMEOUT; /* seconds */
static pid_t tls_mgr_pid;                     /* process that owns the connection */
static int tls_mgr_off;                       /* disabled after a failure */
static TLS_TICKET_KEY tls_mgr_keys[2];        /* [0] current, [1] previous */
static int tls_mgr_key_count;                 /* keys in tls_mgr_keys */

/* tls_mgr_client - the connection, or NULL when the client is off */

static ATTR_CLNT *tls_mgr_client(void)
{
    if (tls_mgr_off)
        return NULL;
    if (tls_mgr_clnt == NULL) {
        ATTR_OPTS opts = {.value_max = 2 * TLS_MGR_SESSION_MAX};

        if (tls_mgr_endpoint == NULL)
            tls_mgr_init(NULL, 0);
        tls_mgr_clnt =
            attr_clnt_create(tls_mgr_endpoint, tls_mgr_timeout, TLS_MGR_MAX_IDLE, TLS_MGR_MAX_TTL);
        attr_clnt_set_protocol(tls_mgr_clnt, TLS_MGR_PROTOCOL, TLS_MGR_VERSION);
        attr_clnt_set_opts(tls_mgr_clnt, &opts);
        tls_mgr_pid = getpid();
    } else if (tls_mgr_pid != getpid()) {
        attr_clnt_disconnect(tls_mgr_clnt);
        tls_mgr_pid = getpid();
    }
    return tls_mgr_clnt;
}

/* tls_mgr_result - check a reply; any IPC failure turns the client off */

static int tls_mgr_result(const char *request, int got, int want, int status)
{
    if (got != want) {
        msg_warn("%s: %s request to the tlsmgr service failed: disabling the TLS session cache "
                 "and session tickets in this process",
                 tls_mgr_endpoint, request);
        tls_mgr_off = 1;
        attr_clnt_disconnect(tls_mgr_clnt);
        return TLS_MGR_STAT_FAIL;
    }
    if (status != TLS_MGR_STAT_OK && status != TLS_MGR_STAT_ERR)
        return TLS_MGR_STAT_FAIL;
    return status;
}

/* tls_mgr_init - where tlsmgr listens */

void tls_mgr_init(const char *endpoint, int timeout)
{
    if (endpoint == NULL || *endpoint == 0)
        endpoint = TLS_MGR_SERVICE;
    myfree(tls_mgr_endpoint);
    if (strchr(endpoint, '/') == NULL && strchr(endpoint, ':') == NULL) {
        size_t len = strlen(TLS_MGR_CLASS) + strlen(endpoint) + 2;

        tls_mgr_endpoint = mymalloc(len);
        snprintf(tls_mgr_endpoint, len, "%s/%s", TLS_MGR_CLASS, endpoint);
    } else {
        tls_mgr_endpoint = mystrdup(endpoint);
    }
    tls_mgr_timeout = timeout > 0 ? timeout : TLS_MGR_TIMEOUT;
    if (tls_mgr_clnt)
        tls_mgr_clnt = attr_clnt_free(tls_mgr_clnt);
}

/* tls_mgr_seed - random bytes from tlsmgr */

int tls_mgr_seed(VSTRING *out_buf, int len)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    if (len < 1 || len > TLS_MGR_SEED_MAX)
        msg_panic("%s: bad length %d", __func__, len);
    VSTRING_RESET(out_buf);
    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got = attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_SEED),
                            SEND_ATTR_INT(TLS_MGR_ATTR_SIZE, len), ATTR_TYPE_END, ATTR_FLAG_STRICT,
                            RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
                            RECV_ATTR_DATA(TLS_MGR_ATTR_SEED, out_buf), ATTR_TYPE_END);
    return tls_mgr_result(TLS_MGR_REQ_SEED, got, 2, status);
}

/* tls_mgr_policy - is a cache type enabled, and for how long */

int tls_mgr_policy(const char *cache_type, int *out_cachable, int *out_timeout)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, cachable = 0, timeout = 0, got;

    *out_cachable = *out_timeout = 0;
    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got =
        attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_POLICY),
                          SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type), ATTR_TYPE_END,
                          ATTR_FLAG_STRICT, RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
                          RECV_ATTR_INT(TLS_MGR_ATTR_CACHABLE, &cachable),
                          RECV_ATTR_INT(TLS_MGR_ATTR_SESSTOUT, &timeout), ATTR_TYPE_END);
    if ((status = tls_mgr_result(TLS_MGR_REQ_POLICY, got, 3, status)) == TLS_MGR_STAT_OK) {
        *out_cachable = cachable != 0;
        *out_timeout = timeout;
    }
    return status;
}

/* tls_mgr_lookup - a cached session */

int tls_mgr_lookup(const char *cache_type, const char *cache_id, VSTRING *out_session)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    VSTRING_RESET(out_session);
    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got =
        attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_LOOKUP),
                          SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type),
                          SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, cache_id), ATTR_TYPE_END,
                          ATTR_FLAG_STRICT, RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
                          RECV_ATTR_DATA(TLS_MGR_ATTR_SESSION, out_session), ATTR_TYPE_END);
    if ((status = tls_mgr_result(TLS_MGR_REQ_LOOKUP, got, 2, status)) != TLS_MGR_STAT_OK)
        VSTRING_RESET(out_session);
    return status;
}

/* tls_mgr_update - cache a session */

int tls_mgr_update(const char *cache_type, const char *cache_id, const void *session, size_t len)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got = attr_clnt_request(
        clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_UPDATE),
        SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type),
        SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, cache_id),
        SEND_ATTR_DATA(TLS_MGR_ATTR_SESSION, len, session), ATTR_TYPE_END, ATTR_FLAG_STRICT,
        RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status), ATTR_TYPE_END);
    return tls_mgr_result(TLS_MGR_REQ_UPDATE, got, 1, status);
}

/* tls_mgr_delete - forget a session */

int tls_mgr_delete(const char *cache_type, const char *cache_id)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got = attr_clnt_request(
        clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_DELETE),
        SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type),
        SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_ID, cache_id), ATTR_TYPE_END, ATTR_FLAG_STRICT,
        RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status), ATTR_TYPE_END);
    return tls_mgr_result(TLS_MGR_REQ_DELETE, got, 1, status);
}

/* tls_mgr_list - the live entries of a cache */

int tls_mgr_list(const char *cache_type, VSTRING *out_entries)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    VSTRING_RESET(out_entries);
    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got = attr_clnt_request(clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_LIST),
                            SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type), ATTR_TYPE_END,
                            ATTR_FLAG_STRICT, RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
                            RECV_ATTR_DATA(TLS_MGR_ATTR_ENTRIES, out_entries), ATTR_TYPE_END);
    if ((status = tls_mgr_result(TLS_MGR_REQ_LIST, got, 2, status)) != TLS_MGR_STAT_OK)
        VSTRING_RESET(out_entries);
    return status;
}

/* tls_mgr_flush - remove every entry of a cache */

int tls_mgr_flush(const char *cache_type)
{
    ATTR_CLNT *clnt;
    int status = TLS_MGR_STAT_FAIL, got;

    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    got = attr_clnt_request(
        clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_FLUSH),
        SEND_ATTR_STR(TLS_MGR_ATTR_CACHE_TYPE, cache_type), ATTR_TYPE_END, ATTR_FLAG_STRICT,
        RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status), ATTR_TYPE_END);
    return tls_mgr_result(TLS_MGR_REQ_FLUSH, got, 1, status);
}

/* tls_mgr_key_local - a key from the local copies, or NULL */

static const TLS_TICKET_KEY *tls_mgr_key_local(const unsigned char *name, time_t now)
{
    /* Only keys that still encrypt are used without asking: tlsmgr knows how long the rest decrypt. */
    for (int i = 0; i < tls_mgr_key_count; i++) {
        const TLS_TICKET_KEY *key = tls_mgr_keys + i;

        if (key->tout < now)
            continue;
        if (name == NULL ? i == 0 : memcmp(key->name, name, TLS_TICKET_NAMELEN) == 0)
            return key;
    }
    return NULL;
}

/* tls_mgr_key_remember - keep a new current key locally */

static void tls_mgr_key_remember(const TLS_TICKET_KEY *key)
{
    if (tls_mgr_key_count > 0 && memcmp(tls_mgr_keys[0].name, key->name, TLS_TICKET_NAMELEN) == 0) {
        tls_mgr_keys[0] = *key;
        return;
    }
    OPENSSL_cleanse(&tls_mgr_keys[1], sizeof(tls_mgr_keys[1]));
    tls_mgr_keys[1] = tls_mgr_keys[0];
    tls_mgr_keys[0] = *key;
    if (tls_mgr_key_count < 2)
        tls_mgr_key_count++;
}

/* tls_mgr_ticket_key - the current ticket key, or one by name */

int tls_mgr_ticket_key(const unsigned char *name, TLS_TICKET_KEY *out_key)
{
    const TLS_TICKET_KEY *local;
    ATTR_CLNT *clnt;
    VSTRING *keybuf;
    int status = TLS_MGR_STAT_FAIL, got;

    if ((local = tls_mgr_key_local(name, time(NULL))) != NULL) {
        *out_key = *local;
        return TLS_MGR_STAT_OK;
    }
    if ((clnt = tls_mgr_client()) == NULL)
        return TLS_MGR_STAT_FAIL;
    keybuf = vstring_alloc(sizeof(TLS_TICKET_KEY));
    got = attr_clnt_request(
        clnt, ATTR_FLAG_NONE, SEND_ATTR_STR(TLS_MGR_ATTR_REQ, TLS_MGR_REQ_TKTKEY),
        SEND_ATTR_DATA(TLS_MGR_ATTR_KEYNAME, name ? TLS_TICKET_NAMELEN : 0,
                       name ? (const void *)name : ""),
        ATTR_TYPE_END, ATTR_FLAG_STRICT, RECV_ATTR_INT(TLS_MGR_ATTR_STATUS, &status),
        RECV_ATTR_DATA(TLS_MGR_ATTR_KEYBUF, keybuf), ATTR_TYPE_END);
    status = tls_mgr_result(TLS_MGR_REQ_TKTKEY, got, 2, status);
    if (status == TLS_MGR_STAT_OK && VSTRING_LEN(keybuf) != sizeof(*out_key)) {
        msg_warn("%s: ticket key of %zu bytes where %zu were expected", tls_mgr_endpoint,
                 VSTRING_LEN(keybuf), sizeof(*out_key));
        status = TLS_MGR_STAT_FAIL;
    }
    if (status == TLS_MGR_STAT_OK) {
        memcpy(out_key, vstring_str(keybuf), sizeof(*out_key));
        if (name == NULL)
            tls_mgr_key_remember(out_key);
    }
    OPENSSL_cleanse(vstring_str(keybuf), VSTRING_LEN(keybuf));
    vstring_free(keybuf);
    return status;
}

/* tls_mgr_cache_lookup_cb - TLS_CACHE_OPS lookup */

static int tls_mgr_cache_lookup_cb(void *context, const char *cache_id, VSTRING *out_session)
{
    return tls_mgr_lookup(context, cache_id, out_session) == TLS_MGR_STAT_OK;
}

/* tls_mgr_cache_update_cb - TLS_CACHE_OPS update */

static int tls_mgr_cache_update_cb(void *context, const char *cache_id, const void *session,
                                   size_t len)
{
    return tls_mgr_update(context, cache_id, session, len) == TLS_MGR_STAT_OK;
}

/* tls_mgr_cache_delete_cb - TLS_CACHE_OPS delete */

static int tls_mgr_cache_delete_cb(void *context, const char *cache_id)
{
    return tls_mgr_delete(context, cache_id) == TLS_MGR_STAT_OK;
}

/* tls_mgr_ticket_key_cb - TLS_CACHE_OPS ticket_key */

static int tls_mgr_ticket_key_cb(void *unused_context, const unsigned char *name,
                                 TLS_TICKET_KEY *out_key)
{
    return tls_mgr_ticket_key(name, out_key) == TLS_MGR_STAT_OK;
}

/* tls_mgr_cache_ops - the callbacks for a daemon's TLS init props */

TLS_CACHE_OPS tls_mgr_cache_ops(const char *cache_type)
{
    return (TLS_CACHE_OPS){
        .cache_lookup = tls_mgr_cache_lookup_cb,
        .cache_update = tls_mgr_cache_update_cb,
        .cache_delete = tls_mgr_cache_delete_cb,
        .ticket_key = tls_mgr_ticket_key_cb,
        .context = mystrdup(cache_type),
    };
}

/* tls_mgr_available - is the client still on */

int tls_mgr_available(void)
{
    return !tls_mgr_off;
}

/* tls_mgr_reset - on again, with no connection and no local keys */

void tls_mgr_reset(void)
{
    tls_mgr_off = 0;
    if (tls_mgr_clnt)
        attr_clnt_disconnect(tls_mgr_clnt);
    OPENSSL_cleanse(tls_mgr_keys, sizeof(tls_mgr_keys));
    tls_mgr_key_count = 0;
}
