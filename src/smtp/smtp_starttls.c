/*++
 * NAME
 *	smtp_starttls - TLS for the SMTP client
 * SYNOPSIS
 *	#include "smtp.h"
 *
 *	void	smtp_tls_init_props(const SMTP_CONFIG *config,
 *				TLS_CLIENT_INIT_PROPS *props);
 *	TLS_APPL_STATE *smtp_tls_init(SMTP_CONFIG *config);
 *	int	smtp_starttls_wanted(SMTP_SESSION *session);
 *	int	smtp_starttls(SMTP_SESSION *session);
 *	int	smtp_tls_wrapper(SMTP_SESSION *session);
 *	void	smtp_tls_end(SMTP_SESSION *session, bool failure);
 * DESCRIPTION
 *	smtp_tls_init_props() fills props with the client TLS engine's
 *	settings; smtp_tls_init() builds the engine from the smtp_tls_*
 *	and tls_* parameters that smtp.c bound into config->tls_engine
 *	(client certificates, trusted CAs, protocols and ciphers by level,
 *	the session cache). It returns NULL when TLS
 *	cannot be used (the library has logged why); mail that requires
 *	TLS is then deferred.
 *
 *	smtp_starttls_wanted() decides after EHLO or HELO: it returns 1
 *	when STARTTLS must be sent, 0 to go on in plaintext (level none,
 *	which logs "Host offered STARTTLS: [host]" with
 *	smtp_tls_note_starttls_offer; or level may without an offer or
 *	without a TLS engine), and -1 after recording the failure when TLS
 *	is required but not offered ("TLS is required, but was not offered
 *	by host %s", 4.7.4) or the engine is missing (4.7.5).
 *
 *	smtp_starttls() sends STARTTLS and takes exactly 220 as success.
 *	Then it discards whatever plaintext the server sent after that
 *	reply (it must not be read as a reply inside TLS), runs the
 *	handshake, and checks the certificate where the level demands a
 *	match ("Server certificate not verified", 4.7.5). At the DANE
 *	levels the server's TLSA records (session->tlsa, smtp_dane.c) go to
 *	the TLS library, and SNI is the TLSA base domain. Any other reply
 *	at level may continues the session in plaintext for a 4xx or 5xx
 *	reply, and counts as a failed handshake otherwise; when TLS is
 *	required it fails the server ("TLS is required, but host %s
 *	refused to start TLS: %s", 4.7.4). A failed handshake breaks the
 *	connection ("Cannot start TLS: handshake failure", 4.7.5) and sets
 *	session->tls_failed, so that the caller can decide about a
 *	plaintext retry, and session->pq_suspect when the ClientHello
 *	offered post-quantum key exchange and no ServerHello came back
 *	(tls_client(3)), so that it can retry without, and
 *	session->tls12_retry_ok when the ClientHello offered TLS 1.3 and the
 *	policy allows TLS 1.2 (a retry then sets session->tls12_max). It returns SMTP_OK (session->tls says whether TLS
 *	is on) or SMTP_FAIL.
 *
 *	smtp_tls_wrapper() does the handshake right after connecting
 *	(smtp_tls_wrappermode), at level encrypt at least.
 *
 *	Each of the above records the session's TLSRPT result
 *	(smtp_tlsrpt(3)): starttls-not-supported, a failed handshake
 *	(validation-failure), a certificate that the level does not
 *	accept, or success.
 *
 *	With smtp_tls_connection_reuse the handshake goes through
 *	tlsproxy(8) where smtp_tlsproxy_wanted() says so (smtp_tlsproxy(3));
 *	when tlsproxy is unavailable it is done here, under the same policy.
 *
 *	smtp_tls_end() ends the TLS session, if any: with close_notify
 *	after a normal end, or forgetting the cached session after a
 *	failure; a session through tlsproxy ends there when the stream is
 *	closed.
 * DIAGNOSTICS
 *	The TLS library logs the handshake (smtp_tls_loglevel).
 *--*/

/* System library. */
#include <string.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"

/* Global library. */
#include "mail_params.h"

/* TLS library. */
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_level.h"
#include "tls_name.h"
#include "tls_mgr.h"
#include "tls_proxy.h"

/* Application-specific. */
#include "smtp.h"

/* smtp_tls_cache_ops - session storage through tlsmgr, in the cache of the client's protocol */

static TLS_CACHE_OPS smtp_tls_cache_ops(const SMTP_TLS_ENGINE *engine, const char *type)
{
    if (*engine->session_cache_database == 0 || engine->session_cache_timeout <= 0)
        return (TLS_CACHE_OPS){0};
    tls_mgr_init(engine->tlsmgr_service, 0);
    return tls_mgr_cache_ops(type);
}

/* smtp_tls_init_props - the client TLS engine's settings */

void smtp_tls_init_props(const SMTP_CONFIG *config, TLS_CLIENT_INIT_PROPS *props)
{
    const SMTP_TLS_ENGINE *engine = &config->tls_engine;
    const char *type = config->lmtp ? TLS_MGR_SCACHE_LMTP : TLS_MGR_SCACHE_SMTP;
    TLS_CACHE_OPS cache = smtp_tls_cache_ops(engine, type);

    *props = (TLS_CLIENT_INIT_PROPS){
        .params = &engine->params,
        .param_prefix = config->lmtp ? "lmtp" : "smtp",
        .log_param = SMTP_PARAM(config, TLS_LOGLEVEL),
        .log_level = engine->loglevel,
        .verifydepth = engine->verifydepth,
        .cache_type = type,
        .session_timeout = engine->session_cache_timeout,
        .chain_files = engine->chain_files,
        .cert_file = engine->cert_file,
        .key_file = engine->key_file,
        .dcert_file = engine->dcert_file,
        .dkey_file = engine->dkey_file,
        .eccert_file = engine->eccert_file,
        .eckey_file = engine->eckey_file,
        .CAfile = engine->CAfile,
        .CApath = engine->CApath,
        .mdalg = engine->fingerprint_digest,
        .protocols = engine->protocols,
        .mandatory_protocols = engine->mandatory_protocols,
        .ciphers = engine->ciphers,
        .mandatory_ciphers = engine->mandatory_ciphers,
        .exclude_ciphers = engine->exclude_ciphers,
        .mandatory_exclude_ciphers = engine->mandatory_exclude_ciphers,
        .cache = cache,
        .dane_digests = engine->dane_digests,
    };
}

/* smtp_tls_init - the client TLS engine */

TLS_APPL_STATE *smtp_tls_init(SMTP_CONFIG *config)
{
    TLS_CLIENT_INIT_PROPS props;

    smtp_tls_init_props(config, &props);
    return tls_client_init(&props);
}

/* smtp_starttls_wanted - STARTTLS or plaintext after EHLO/HELO */

int smtp_starttls_wanted(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    bool offered = (session->features & SMTP_FEATURE_STARTTLS) != 0;

    /* The TLS decision for this server is made here. */
    smtp_tls_feature_session(session, true);
    if (session->tls_level == TLS_LEV_NONE) {
        if (offered && config->tls_note_starttls_offer)
            msg_info("Host offered STARTTLS: [%s]", session->host);
        return 0;
    }
    if (!offered) {
        if (session->sts_mode != STS_MODE_NONE) {
            smtp_sts_verdict(session->state, session->host, session->addr, session->sts_mode,
                             "starttls-not-supported", "STARTTLS was not offered");
        }
        smtp_tlsrpt_failure(session, TLSRPT_STARTTLS_NOT_SUPPORTED, "STARTTLS was not offered");
        if (!TLS_REQUIRED(session->tls_level))
            return 0;
        smtp_site_fail(session->state, session->relay, "4.7.4",
                       "TLS is required, but was not offered by host %s", session->namaddr);
        return -1;
    }
    if (config->tls_ctx == NULL) {
        if (!TLS_REQUIRED(session->tls_level))
            return 0;
        smtp_site_fail(session->state, session->relay, "4.7.5",
                       "TLS is required, but our TLS engine is unavailable");
        return -1;
    }
    return 1;
}

/* smtp_tls_dane - the TLSA records as the TLS library takes them */

static TLS_DANE_RR *smtp_tls_dane(const SMTP_SESSION *session, TLS_DANE *dane, ARGV *names)
{
    const SMTP_TLSA_LIST *tlsa = &session->tlsa;
    TLS_DANE_RR *rr = mycalloc(tlsa->count + 1, sizeof(*rr));

    for (size_t i = 0; i < tlsa->count; i++)
        rr[i] = (TLS_DANE_RR){
            .usage = tlsa->rr[i].usage,
            .selector = tlsa->rr[i].selector,
            .mtype = tlsa->rr[i].mtype,
            .data = tlsa->rr[i].data,
            .len = tlsa->rr[i].len,
        };
    /* DANE-TA: the base domain, the MX host name as found and as expanded, the match= names. */
    argv_add(names, session->host);
    if (session->rname)
        argv_add(names, session->rname);
    if (session->policy.match) {
        ARGV *more =
            tls_name_expand(session->policy.match, session->host, session->state->dest.name);

        for (size_t i = 0; i < more->argc; i++)
            argv_add(names, more->argv[i]);
        argv_free(more);
    }
    *dane = (TLS_DANE){
        .base_domain = tlsa->base_domain,
        .names = (const char *const *)names->argv,
        .rr = rr,
        .count = tlsa->count,
    };
    return rr;
}

/* smtp_tls_secured - did the server authenticate as the level demands */

static bool smtp_tls_secured(const SMTP_SESSION *session)
{
    if (session->tls_level == TLS_LEV_HALF_DANE)
        return TLS_CERT_IS_MATCHED(session->tls);
    return TLS_CERT_IS_SECURED(session->tls);
}

/* smtp_tls_handshake - the handshake and the certificate check */

static int smtp_tls_handshake(SMTP_SESSION *session)
{
    SMTP_STATE *state = session->state;
    SMTP_CONFIG *config = state->config;
    SMTP_TLS_POLICY *policy = &session->policy;
    bool dane_level = TLS_DANE_BASED(session->tls_level) && session->tlsa.base_domain != NULL;
    TLS_DANE dane = {0};
    ARGV *names = argv_alloc(4);
    TLS_DANE_RR *rr = dane_level ? smtp_tls_dane(session, &dane, names) : NULL;

    session->doing = "performing the TLS handshake";
    TLS_CLIENT_START_PROPS props = {
        .ctx = config->tls_ctx,
        .stream = session->stream,
        .timeout = config->starttls_timeout,
        .tls_level = session->tls_level,
        .nexthop = state->dest.name,
        .host = session->host,
        .addr = session->addr,
        .port = session->port,
        .namaddr = session->relay,
        .serverid = state->request->transport,
        .helo = config->helo_name,
        .sni = dane_level ? dane.base_domain
                          : smtp_tls_policy_sni(policy, session->host, state->dest.name),
        .protocols = policy->protocols,
        .cipher_grade = policy->grade,
        .cipher_exclusions = policy->exclusions,
        .match = policy->match,
        .tafile = policy->tafile,
        .dane = dane_level ? &dane : NULL,
        .enable_rpk = policy->enable_rpk,
        .pq_mode = policy->pq_mode,
        .out_pq_suspect = &session->pq_suspect,
        .tls12_max = session->tls12_max,
        .out_tls12_retry_ok = &session->tls12_retry_ok,
    };
    /* Through tlsproxy when it takes the connection; else (or when it is unavailable) here. */
    if (!smtp_tlsproxy_wanted(session) || smtp_tlsproxy_start(session, &props) < 0)
        session->tls = tls_client_start(&props);
    myfree(rr);
    argv_free(names);
    if (session->tls == NULL) {
        if (session->sts_mode != STS_MODE_NONE) {
            smtp_sts_verdict(state, session->host, session->addr, session->sts_mode,
                             "validation-failure", "TLS handshake failed");
        }
        smtp_tlsrpt_failure(session, TLSRPT_VALIDATION_FAILURE, "TLS handshake failure");
        session->broken = true;
        session->tls_failed = true;
        smtp_site_fail(state, session->relay, "4.7.5", "Cannot start TLS: handshake failure");
        return SMTP_FAIL;
    }
    session->tls_done = true;
    smtp_sts_handshake(session);
    if (TLS_MUST_MATCH(session->tls_level) && !smtp_tls_secured(session)) {
        smtp_tlsrpt_failure(session, smtp_tlsrpt_cert_result(session),
                            "Server certificate not verified");
        smtp_site_fail(state, session->relay, "4.7.5", "Server certificate not verified");
        return SMTP_FAIL;
    }
    smtp_tlsrpt_success(session);
    /* What we knew before TLS is void: EHLO comes again. */
    session->features = 0;
    session->size_limit = 0;
    return SMTP_OK;
}

/* smtp_starttls - STARTTLS, handshake, certificate check */

int smtp_starttls(SMTP_SESSION *session)
{
    SMTP_CONFIG *config = session->state->config;
    SMTP_RESP *resp = &session->resp;

    session->doing = "sending STARTTLS";
    if (smtp_chat_cmd(session, "STARTTLS") != SMTP_OK ||
        smtp_chat_resp(session, config->helo_timeout) != SMTP_OK)
        return SMTP_FAIL;
    if (resp->code != 220) {
        smtp_tlsrpt_failure(session, TLSRPT_STARTTLS_NOT_SUPPORTED, vstring_str(resp->text));
        if (TLS_REQUIRED(session->tls_level)) {
            smtp_site_fail(session->state, session->relay, "4.7.4",
                           "TLS is required, but host %s refused to start TLS: %s",
                           session->namaddr, vstring_str(resp->text));
            return SMTP_FAIL;
        }
        if (resp->code / 100 == 4 || resp->code / 100 == 5)
            return SMTP_OK; /* opportunistic: go on in plaintext */
        session->tls_failed = true;
        smtp_site_fail(session->state, session->relay, "4.7.5",
                       "Cannot start TLS: unexpected reply to STARTTLS from host %s: %s",
                       session->namaddr, vstring_str(resp->text));
        return SMTP_FAIL;
    }
    /* Plaintext that came after the 220 must not be read as a reply inside TLS. */
    if (vstream_peek(session->stream) > 0 && msg_verbose)
        msg_info("%s: discarding %zu bytes of plaintext sent after the STARTTLS reply",
                 session->namaddr, vstream_peek(session->stream));
    vstream_purge(session->stream, VSTREAM_PURGE_BOTH);
    return smtp_tls_handshake(session);
}

/* smtp_tls_wrapper - TLS before the greeting */

int smtp_tls_wrapper(SMTP_SESSION *session)
{
    if (session->state->config->tls_ctx == NULL) {
        smtp_site_fail(session->state, session->relay, "4.7.5",
                       "TLS is required, but our TLS engine is unavailable");
        return SMTP_FAIL;
    }
    if (session->tls_level < TLS_LEV_ENCRYPT)
        session->tls_level = TLS_LEV_ENCRYPT;
    return smtp_tls_handshake(session);
}

/* smtp_tls_end - end the TLS session */

void smtp_tls_end(SMTP_SESSION *session, bool failure)
{
    if (session->tls == NULL)
        return;
    /* Through tlsproxy: closing the stream ends the session there (close_notify). */
    if (TLS_PROXY_STATE(session->tls))
        tls_sess_free(session->tls);
    else
        tls_client_stop(session->tls, session->stream, session->state->config->starttls_timeout,
                        failure);
    session->tls = NULL;
}
