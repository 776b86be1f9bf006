/*++
 * NAME
 *	tlsproxy_client - the TLS client role of tlsproxy(8)
 * SYNOPSIS
 *	#include "tlsproxy.h"
 *
 *	void	tlsproxy_client_pre_jail(const TLSPROXY_CONFIG *cfg);
 *	TLS_APPL_STATE *tlsproxy_client_engine(const TLSPROXY_CONFIG *cfg,
 *				TLSPROXY_REQUEST *req);
 *	void	tlsproxy_client_session(const TLSPROXY_CONFIG *cfg,
 *				VSTREAM *stream, TLSPROXY_REQUEST *req,
 *				TLS_APPL_STATE *ctx, int peer_fd);
 * DESCRIPTION
 *	The smtp client (smtp_tls_connection_reuse) asks for the client role
 *	with its engine settings and the settings of one connection
 *	(tls_proxy(3)). Engines are kept per process by their settings
 *	(tls_proxy_init_key()), so that each set of settings is built once.
 *
 *	tlsproxy_client_pre_jail() builds, while the process still has its
 *	privileges, the engine of the tlsproxy_client_* parameters (whose
 *	defaults are the smtp_tls_* ones): client certificates and keys
 *	are read here. It does so when tlsproxy_client_security_level (or
 *	tlsproxy_client_use_tls, _enforce_tls) is not "none", or
 *	tlsproxy_client_policy_maps or tlsproxy_client_per_site is set.
 *
 *	tlsproxy_client_engine() returns the engine for the request's
 *	settings: the one built before, or one built now (without
 *	privileges: a key file readable only by root then fails, which is
 *	logged), or NULL.
 *
 *	tlsproxy_client_session() does the handshake on peer_fd with the
 *	request's connection settings (the library logs as the smtp client
 *	would, except the summary line, which the smtp client logs from the
 *	facts), sends the outcome and the facts on stream, and relays
 *	plaintext until either side ends; a session that ended in order
 *	stays in the session cache.
 * DIAGNOSTICS
 *	Warnings: an engine that cannot be built.
 *--*/

/* Utility library. */
#include "htable.h"
#include "msg.h"
#include "vstring.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_client.h"
#include "tls_level.h"
#include "tls_mgr.h"
#include "tls_proxy.h"

/* Application-specific. */
#include "tlsproxy.h"

static HTABLE *tlsproxy_client_engines; /* init key -> TLS_APPL_STATE, for the process */

/* tlsproxy_client_build - an engine for the settings, remembered under its key */

static TLS_APPL_STATE *tlsproxy_client_build(const TLSPROXY_CONFIG *cfg,
                                             const TLS_CLIENT_INIT_PROPS *init, const char *key)
{
    TLS_CLIENT_INIT_PROPS props = *init;
    TLS_APPL_STATE *ctx;

    props.params = &cfg->params;
    props.cache = (TLS_CACHE_OPS){0};
    if (props.session_timeout > 0 && props.cache_type) {
        tls_mgr_init(cfg->tlsmgr_service, 0);
        props.cache = tls_mgr_cache_ops(props.cache_type);
    }
    if ((ctx = tls_client_init(&props)) == NULL)
        return NULL;
    if (tlsproxy_client_engines == NULL)
        tlsproxy_client_engines = htable_create(4);
    htable_enter(tlsproxy_client_engines, key, ctx);
    return ctx;
}

/* tlsproxy_client_level - tlsproxy_client_security_level, or the legacy booleans */

static int tlsproxy_client_level(const TLSPROXY_CLIENT_CONFIG *client)
{
    if (client->security_level && *client->security_level)
        return tls_level_lookup(client->security_level);
    return client->enforce_tls ? TLS_LEV_ENCRYPT : client->use_tls ? TLS_LEV_MAY : TLS_LEV_NONE;
}

/* tlsproxy_client_pre_jail - the engine of the tlsproxy_client_* parameters */

void tlsproxy_client_pre_jail(const TLSPROXY_CONFIG *cfg)
{
    const TLSPROXY_CLIENT_CONFIG *client = &cfg->client;
    int level = tlsproxy_client_level(client);
    bool cache = *client->session_cache_database && client->session_cache_timeout > 0;
    TLS_CLIENT_INIT_PROPS init = {
        .param_prefix = "smtp",
        .log_param = client->loglevel_parameter,
        .log_level = client->loglevel,
        .verifydepth = client->verifydepth,
        .cache_type = TLS_MGR_SCACHE_SMTP,
        .session_timeout = cache ? client->session_cache_timeout : 0,
        .chain_files = client->chain_files,
        .cert_file = client->cert_file,
        .key_file = client->key_file,
        .dcert_file = client->dcert_file,
        .dkey_file = client->dkey_file,
        .eccert_file = client->eccert_file,
        .eckey_file = client->eckey_file,
        .CAfile = client->CAfile,
        .CApath = client->CApath,
        .mdalg = client->fingerprint_digest,
        .protocols = client->protocols,
        .mandatory_protocols = client->mandatory_protocols,
        .ciphers = client->ciphers,
        .mandatory_ciphers = client->mandatory_ciphers,
        .exclude_ciphers = client->exclude_ciphers,
        .mandatory_exclude_ciphers = client->mandatory_exclude_ciphers,
        .dane_digests = client->dane_digests,
    };
    VSTRING *key;

    if (level == TLS_LEV_NONE && !*client->policy_maps && !*client->per_site)
        return;
    key = vstring_alloc(500);
    if (tlsproxy_client_build(cfg, &init, tls_proxy_init_key(key, &init)) == NULL)
        msg_warn("cannot build the TLS client engine of the %s parameters: the client role "
                 "builds one per request",
                 "tlsproxy_client_*");
    vstring_free(key);
}

/* tlsproxy_client_engine - the engine for a request's settings */

TLS_APPL_STATE *tlsproxy_client_engine(const TLSPROXY_CONFIG *cfg, TLSPROXY_REQUEST *req)
{
    const char *key = vstring_str(req->client.init_key);
    TLS_APPL_STATE *ctx;

    if (tlsproxy_client_engines && (ctx = htable_find(tlsproxy_client_engines, key)) != NULL)
        return ctx;
    /* Settings other than the tlsproxy_client_* ones: built now, without privileges. */
    msg_info("%s: building the TLS client engine of the %s client's settings",
             vstring_str(req->endpoint),
             req->client.init.param_prefix ? req->client.init.param_prefix : "smtp");
    if ((ctx = tlsproxy_client_build(cfg, &req->client.init, key)) == NULL)
        msg_warn("%s: cannot build the TLS client engine of the %s client: are its key and "
                 "certificate files readable without privileges? (set the tlsproxy_client_* "
                 "parameters to its settings)",
                 vstring_str(req->endpoint),
                 req->client.init.param_prefix ? req->client.init.param_prefix : "smtp");
    return ctx;
}

/* tlsproxy_client_session - handshake, facts, relay */

void tlsproxy_client_session(const TLSPROXY_CONFIG *cfg, VSTREAM *stream, TLSPROXY_REQUEST *req,
                             TLS_APPL_STATE *ctx, int peer_fd)
{
    TLS_CLIENT_START_PROPS props = req->client.start;
    bool pq_suspect = false, tls12_retry_ok = false;
    TLS_SESS_STATE *tls;
    int status;

    props.ctx = ctx;
    props.stream = NULL;
    props.fd = peer_fd;
    props.transport = NULL;
    props.dane = NULL;
    props.out_pq_suspect = &pq_suspect;
    props.out_tls12_retry_ok = &tls12_retry_ok;
    props.summary_by_caller = true;
    if (props.namaddr == NULL)
        props.namaddr = vstring_str(req->endpoint);
    tls = tls_client_start(&props);
    if (tls_proxy_facts_print(stream, tls, pq_suspect, tls12_retry_ok) < 0) {
        msg_warn("%s: cannot send the TLS session facts: %m", vstring_str(req->endpoint));
        tls_client_stop(tls, NULL, cfg->watchdog_timeout, true);
        return;
    }
    if (tls == NULL)
        return;
    status = tlsproxy_relay(tls, vstream_fileno(stream), peer_fd,
                            (req->idle_timeout + cfg->watchdog_timeout) * 1000,
                            cfg->watchdog_timeout * 1000);
    if (msg_verbose)
        msg_info("%s: %s", vstring_str(req->endpoint), tlsproxy_relay_str(status));
    tls_client_stop(tls, NULL, cfg->watchdog_timeout,
                    status != TLSPROXY_RELAY_PLAIN_EOF && status != TLSPROXY_RELAY_TLS_EOF);
}
