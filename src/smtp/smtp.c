/*++
 * NAME
 *	smtp - the SMTP client delivery agent
 * SYNOPSIS
 *	smtp [options] (started by master(8))
 * DESCRIPTION
 *	smtp serves the "smtp" and "relay" transports. For each delivery
 *	request from the queue manager (deliver_request(3)) it delivers
 *	the message to the servers of the next hop and reports each
 *	recipient's outcome: sent, bounced, or deferred. See smtp(8) for
 *	the parameters and smtp.h for the parts.
 *
 *	main() binds the parameters (one table for both protocols, each
 *	row with its smtp_* and its lmtp_* name) and starts the
 *	single-server loop.
 *	smtp_pre_jail() makes the DNS resolver (smtp_dns_resolver: the
 *	system's, or libunbound with its trust anchors read now), builds
 *	the TLS engine (reading private keys while
 *	still privileged), opens the TLS policy tables and, with
 *	smtp_sasl_auth_enable, the SASL password tables and the SASL
 *	library (smtp_sasl.c). smtp_service()
 *	serves one request; a connection kept for reuse (smtp_cache.c)
 *	outlives it and is closed with QUIT by its idle timer or by
 *	smtp_pre_exit() before the process exits.
 * DIAGNOSTICS
 *	Fatal: an unknown smtp_tls_security_level, smtp_dns_support_level,
 *	smtp_dns_resolver or smtp_tls_dane_insecure_mx_policy, a resolver
 *	that cannot be set up (trust anchor file, forwarders), a table that cannot be
 *	opened, SMTP AUTH without smtp_sasl_password_maps, an unknown SASL
 *	security option or smtp_sasl_type. Outcomes are logged by deliver_request(3).
 *--*/

/* System library. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

/* Global library. */
#include "config.h"
#include "deliver_request.h"
#include "mail_params.h"
#include "mail_server.h"
#include "mail_tls_params.h"
#include "maps.h"

/* TLS library. */
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_level.h"

/* Application-specific. */
#include "smtp.h"

static SMTP_CONFIG smtp_config;

/* Table names, opened by smtp_pre_jail(). */
static const char *smtp_policy_maps;
static const char *smtp_per_site;

/* smtp_tls_wanted - might any destination use TLS? */

static bool smtp_tls_wanted(const SMTP_CONFIG *config)
{
    return config->tls.level != TLS_LEV_NONE || config->tls.policy_maps || config->tls.per_site ||
           config->tls_wrappermode;
}

/* smtp_tls_level - parse the main.cf level, once */

static void smtp_tls_level(SMTP_TLS_CONFIG *tls)
{
    VSTRING *why = vstring_alloc(100);
    int named = TLS_LEV_NONE;

    if (tls->security_level && *tls->security_level &&
        (named = tls_level_lookup(tls->security_level)) == TLS_LEV_INVALID)
        msg_fatal("invalid %s value \"%s\"", SMTP_TLS_PARAM(tls, TLS_SECURITY_LEVEL),
                  tls->security_level);
    /* A level this client cannot serve (dane-only) defers each delivery with the reason. */
    if ((tls->level = smtp_tls_global_level(tls, why)) == TLS_LEV_INVALID)
        tls->level_problem = vstring_export(why);
    else
        vstring_free(why);
    tls->level_dane_fallback = named == TLS_LEV_DANE && !tls->dane_ok;
}

/* smtp_dns_level - parse smtp_dns_support_level, once */

static int smtp_dns_level(const char *name, const char *value, bool disable_dns_lookups)
{
    /* Empty: the deprecated disable_dns_lookups decides, as in Postfix. */
    if (value == NULL || *value == 0)
        return disable_dns_lookups ? SMTP_DNS_LEVEL_DISABLED : SMTP_DNS_LEVEL_ENABLED;
    if (strcasecmp(value, "enabled") == 0)
        return SMTP_DNS_LEVEL_ENABLED;
    if (strcasecmp(value, "disabled") == 0)
        return SMTP_DNS_LEVEL_DISABLED;
    if (strcasecmp(value, "dnssec") == 0)
        return SMTP_DNS_LEVEL_DNSSEC;
    msg_fatal("invalid %s value \"%s\": want disabled, enabled or dnssec", name, value);
}

/* smtp_dane_config - can the DANE levels work here? */

static void smtp_dane_config(SMTP_CONFIG *config)
{
    SMTP_TLS_CONFIG *tls = &config->tls;
    VSTRING *why = vstring_alloc(100);

    config->dns_level = smtp_dns_level(SMTP_PARAM(config, DNS_SUPPORT_LEVEL), config->dns_support,
                                       config->disable_dns_lookups);
    tls->insecure_mx_policy = tls_level_lookup(config->dane_insecure_mx);
    if (tls->insecure_mx_policy != TLS_LEV_MAY && tls->insecure_mx_policy != TLS_LEV_ENCRYPT &&
        tls->insecure_mx_policy != TLS_LEV_DANE)
        msg_fatal("invalid %s value \"%s\": want may, encrypt or dane",
                  VAR_SMTP_TLS_DANE_INSECURE_MX_POLICY, config->dane_insecure_mx);
    tls->dane_mtype_mask = tls_dane_digest_mask(config->tls_engine.dane_digests, why);
    if (config->dns_level != SMTP_DNS_LEVEL_DNSSEC)
        tls->dane_problem = config->lmtp ? "lmtp_dns_support_level is not dnssec"
                                         : "smtp_dns_support_level is not dnssec";
    else if (strstr(config->host_lookup, "dns") == NULL)
        tls->dane_problem = config->lmtp ? "lmtp_host_lookup does not include dns"
                                         : "smtp_host_lookup does not include dns";
    else if (tls->dane_mtype_mask < 0)
        tls->dane_problem = "tls_dane_digests is invalid";
    tls->dane_ok = tls->dane_problem == NULL;
    vstring_free(why);
}

/* smtp_resolver_open - the one resolver of every DNS lookup */

static void smtp_resolver_open(SMTP_CONFIG *config)
{
    VSTRING *why;

    if (config->dns_level == SMTP_DNS_LEVEL_DISABLED)
        return;
    why = vstring_alloc(100);
    /* Trust anchors are read now, before a chroot jail hides them. */
    if ((config->resolver = dns_resolver_open(&config->resolver_props, why)) == NULL)
        msg_fatal("%s = %s: %s", VAR_SMTP_DNS_RESOLVER, config->resolver_props.type,
                  vstring_str(why));
    vstring_free(why);
}

/* smtp_pre_jail - TLS engine and tables, while still privileged */

static void smtp_pre_jail(MAIL_SERVER *unused_server)
{
    SMTP_CONFIG *config = &smtp_config;

    smtp_dane_config(config);
    smtp_resolver_open(config);
    smtp_tls_level(&config->tls);
    smtp_generic_open(&config->generic, config->lmtp);
    config->checks.generic = &config->generic;
    smtp_checks_open(&config->checks, config->lmtp);
    smtp_requiretls_init(&config->requiretls);
    smtp_tlsrpt_init(&config->tlsrpt);
    if (*config->discard_ehlo_maps_names)
        config->discard_ehlo_maps =
            maps_create(config->lmtp ? VAR_LMTP_DISCARD_LHLO_KEYWORD_ADDRESS_MAPS
                                     : VAR_SMTP_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS,
                        config->discard_ehlo_maps_names, DICT_FLAG_LOCK);
    if (*smtp_policy_maps)
        config->tls.policy_maps =
            maps_create(SMTP_PARAM(config, TLS_POLICY_MAPS), smtp_policy_maps, DICT_FLAG_LOCK);
    else if (*smtp_per_site)
        config->tls.per_site =
            maps_create(SMTP_PARAM(config, TLS_PER_SITE), smtp_per_site, DICT_FLAG_LOCK);
    if (smtp_tls_wanted(config))
        config->tls_ctx = smtp_tls_init(config);
    if (config->sasl.auth_enable) {
        if (config->sasl.recipient_delimiter && *config->sasl.recipient_delimiter == 0)
            config->sasl.recipient_delimiter = NULL;
        smtp_sasl_init(&config->sasl);
    }
    srandom((unsigned)time(NULL) ^ (unsigned)getpid());
}

/* smtp_state_requiretls - REQUIRETLS and TLS-Required: no for this message and next hop */

static int smtp_state_requiretls(SMTP_STATE *state, VSTRING *why)
{
    const SMTP_REQUIRETLS_CONFIG *config = &state->config->requiretls;
    const char *tls_required = queue_msg_attr(state->request->msg, REC_ATTR_TLS_REQUIRED);

    state->requiretls =
        smtp_requiretls_mode(config, queue_msg_attr(state->request->msg, REC_ATTR_REQUIRETLS),
                             state->dest.key, state->dest.name, why);
    if (state->requiretls == SMTP_REQUIRETLS_ERROR)
        return -1;
    /* REQUIRETLS wins over the header (RFC 8689 section 5). */
    state->tls_required_no = config->tls_required_enable && tls_required != NULL &&
                             strcmp(tls_required, "no") == 0 &&
                             state->requiretls == SMTP_REQUIRETLS_NONE;
    return 0;
}

/* smtp_state_alloc - per-request state */

static SMTP_STATE *smtp_state_alloc(DELIVER_REQUEST *request, VSTRING *why)
{
    SMTP_STATE *state = mycalloc(1, sizeof(*state));
    const char *nexthop = request->nexthop;
    const char *at;

    state->config = &smtp_config;
    state->request = request;
    state->site_reason = vstring_alloc(100);
    state->rcpts = mycalloc(request->rcpt_count, sizeof(*state->rcpts));
    for (size_t i = 0; i < request->rcpt_count; i++)
        if (!deliver_rcpt_pending(request, i))
            state->rcpts[i].status = SMTP_RCPT_SKIP;
    state->size = queue_msg_content_size(request->msg);
    state->encoding = queue_msg_attr(request->msg, REC_ATTR_ENCODING);
    if (*nexthop == 0 && (at = strrchr(request->rcpts[0].address, '@')) != NULL)
        nexthop = at + 1;
    if (smtp_nexthop_parse(nexthop, smtp_config.tcp_port, smtp_config.lmtp, &state->dest, why) <
        0) {
        smtp_site_fail(state, NULL, "4.3.5", "%s", vstring_str(why));
        state->dest.name = NULL;
    } else if (smtp_state_requiretls(state, why) < 0 || smtp_generic_state(state, why) < 0) {
        smtp_site_fail(state, NULL, "4.3.0", "%s", vstring_str(why));
        smtp_nexthop_free(&state->dest);
        state->dest.name = NULL;
    }
    return state;
}

/* smtp_state_free - release per-request state */

static void smtp_state_free(SMTP_STATE *state)
{
    for (size_t i = 0; i < state->request->rcpt_count; i++) {
        myfree(state->rcpts[i].dsn);
        myfree(state->rcpts[i].reason);
        myfree(state->rcpts[i].relay);
        myfree(state->rcpts[i].address);
    }
    myfree(state->sender);
    myfree(state->rcpts);
    vstring_free(state->site_reason);
    smtp_sts_free(state);
    if (state->dest.name)
        smtp_nexthop_free(&state->dest);
    myfree(state);
}

/* smtp_service - one delivery request */

static void smtp_service(MAIL_SERVER *server, VSTREAM *client)
{
    VSTRING *why = vstring_alloc(100);
    DELIVER_REQUEST *request;
    SMTP_STATE *state;

    smtp_cache_init(server->loop);
    if ((request = deliver_request_receive(client, why)) != NULL) {
        int status = SMTP_DELIVER_DONE;

        state = smtp_state_alloc(request, why);
        if (state->dest.name)
            status = smtp_deliver(state);
        smtp_rcpt_finish(state);
        vstring_strcpy(why, vstring_str(state->site_reason));
        smtp_state_free(state);
        if (status == SMTP_DELIVER_DEAD)
            (void)deliver_request_finish_dead(request, vstring_str(why));
        else
            (void)deliver_request_finish(request);
    }
    vstring_free(why);
}

/* smtp_pre_exit - close a cached connection with QUIT */

static void smtp_pre_exit(MAIL_SERVER *unused_server)
{
    smtp_cache_close();
}

/*
 * The parameters of the SMTP and the LMTP client, one row per setting: its
 * smtp(8) name, its lmtp(8) name and where the value goes. A global
 * parameter (myhostname, tls_*, minimal_backoff_time, recipient_delimiter)
 * has the same name in both columns; NULL: the protocol has no such
 * setting (smtp_always_send_ehlo, lmtp_assume_final). The greeting's names
 * differ (smtp_helo_name, lmtp_lhlo_name). smtp_parameters() picks the
 * column of the program's protocol at start-up. A row whose names differ
 * only in their smtp_ and lmtp_ prefixes is written once, as
 * SMTP_LMTP_<type>(NAME, ...): grep for NAME without the VAR_SMTP_ prefix.
 */
typedef struct SMTP_BIND {
    const char *smtp_name; /* VAR_ macro of smtp(8), or NULL */
    const char *lmtp_name; /* VAR_ macro of lmtp(8), or NULL */
    CONFIG_BIND bind;      /* type and target; the name is the picked column */
} SMTP_BIND;

#define SMTP_BIND_STR(S, L, P)  {(S), (L), CONFIG_BIND_STR(NULL, (P))}
#define SMTP_BIND_INT(S, L, P)  {(S), (L), CONFIG_BIND_INT(NULL, (P))}
#define SMTP_BIND_BOOL(S, L, P) {(S), (L), CONFIG_BIND_BOOL(NULL, (P))}
#define SMTP_BIND_TIME(S, L, P) {(S), (L), CONFIG_BIND_TIME(NULL, (P))}

/* Both rows from one name: smtp_NAME and lmtp_NAME (VAR_SMTP_NAME, VAR_LMTP_NAME). */
#define SMTP_LMTP_STR(NAME, P)  SMTP_BIND_STR(VAR_SMTP_##NAME, VAR_LMTP_##NAME, (P))
#define SMTP_LMTP_INT(NAME, P)  SMTP_BIND_INT(VAR_SMTP_##NAME, VAR_LMTP_##NAME, (P))
#define SMTP_LMTP_BOOL(NAME, P) SMTP_BIND_BOOL(VAR_SMTP_##NAME, VAR_LMTP_##NAME, (P))
#define SMTP_LMTP_TIME(NAME, P) SMTP_BIND_TIME(VAR_SMTP_##NAME, VAR_LMTP_##NAME, (P))

static const SMTP_BIND smtp_bindings[] = {
    SMTP_BIND_STR(VAR_MYHOSTNAME, VAR_MYHOSTNAME, &smtp_config.myhostname),
    SMTP_BIND_STR(VAR_SMTP_HELO_NAME, VAR_LMTP_LHLO_NAME, &smtp_config.helo_name),
    SMTP_LMTP_STR(TCP_PORT, &smtp_config.tcp_port),
    SMTP_LMTP_STR(HOST_LOOKUP, &smtp_config.host_lookup),
    SMTP_LMTP_STR(DNS_SUPPORT_LEVEL, &smtp_config.dns_support),
    SMTP_BIND_BOOL(VAR_DISABLE_DNS_LOOKUPS, VAR_DISABLE_DNS_LOOKUPS,
                   &smtp_config.disable_dns_lookups),
    /* The DNS back end is one per host, shared with the LMTP client: no lmtp_ names. */
    SMTP_BIND_STR(VAR_SMTP_DNS_RESOLVER, VAR_SMTP_DNS_RESOLVER, &smtp_config.resolver_props.type),
    SMTP_BIND_STR(VAR_SMTP_DNS_TRUST_ANCHOR_FILE, VAR_SMTP_DNS_TRUST_ANCHOR_FILE,
                  &smtp_config.resolver_props.trust_anchor_file),
    SMTP_BIND_STR(VAR_SMTP_DNS_FORWARDERS, VAR_SMTP_DNS_FORWARDERS,
                  &smtp_config.resolver_props.forwarders),
    /* An MX-only setting with no lmtp_ name: the LMTP client never looks up MX records. */
    SMTP_BIND_STR(VAR_SMTP_TLS_DANE_INSECURE_MX_POLICY, VAR_SMTP_TLS_DANE_INSECURE_MX_POLICY,
                  &smtp_config.dane_insecure_mx),
    SMTP_LMTP_BOOL(TLS_FORCE_INSECURE_HOST_TLSA_LOOKUP, &smtp_config.tls.force_insecure_tlsa),
    SMTP_BIND_STR(VAR_TLS_DANE_DIGESTS, VAR_TLS_DANE_DIGESTS, &smtp_config.tls_engine.dane_digests),
    SMTP_LMTP_TIME(CONNECT_TIMEOUT, &smtp_config.connect_timeout),
    SMTP_BIND_TIME(VAR_SMTP_HELO_TIMEOUT, VAR_LMTP_LHLO_TIMEOUT, &smtp_config.helo_timeout),
    SMTP_LMTP_TIME(MAIL_TIMEOUT, &smtp_config.mail_timeout),
    SMTP_LMTP_TIME(RCPT_TIMEOUT, &smtp_config.rcpt_timeout),
    SMTP_LMTP_TIME(DATA_INIT_TIMEOUT, &smtp_config.data_init_timeout),
    SMTP_LMTP_TIME(DATA_XFER_TIMEOUT, &smtp_config.data_xfer_timeout),
    SMTP_LMTP_TIME(DATA_DONE_TIMEOUT, &smtp_config.data_done_timeout),
    SMTP_LMTP_TIME(QUIT_TIMEOUT, &smtp_config.quit_timeout),
    SMTP_LMTP_TIME(STARTTLS_TIMEOUT, &smtp_config.starttls_timeout),
    SMTP_BIND_TIME(VAR_MINIMAL_BACKOFF_TIME, VAR_MINIMAL_BACKOFF_TIME,
                   &smtp_config.minimal_backoff_time),
    SMTP_LMTP_TIME(RSET_TIMEOUT, &smtp_config.rset_timeout),
    SMTP_LMTP_BOOL(CONNECTION_CACHE_ON_DEMAND, &smtp_config.cache_on_demand),
    SMTP_LMTP_STR(CONNECTION_CACHE_DESTINATIONS, &smtp_config.cache_dests),
    SMTP_LMTP_TIME(CONNECTION_CACHE_TIME_LIMIT, &smtp_config.cache_time_limit),
    SMTP_LMTP_INT(CONNECTION_REUSE_COUNT_LIMIT, &smtp_config.reuse_count_limit),
    SMTP_LMTP_TIME(CONNECTION_REUSE_TIME_LIMIT, &smtp_config.reuse_time_limit),
    SMTP_LMTP_INT(MX_ADDRESS_LIMIT, &smtp_config.mx_address_limit),
    SMTP_LMTP_INT(MX_SESSION_LIMIT, &smtp_config.mx_session_limit),
    SMTP_LMTP_INT(LINE_LENGTH_LIMIT, &smtp_config.line_length_limit),
    SMTP_LMTP_BOOL(SKIP_5XX_GREETING, &smtp_config.skip_5xx_greeting),
    SMTP_LMTP_BOOL(SKIP_QUIT_RESPONSE, &smtp_config.skip_quit_response),
    SMTP_LMTP_BOOL(RANDOMIZE_ADDRESSES, &smtp_config.randomize_addresses),
    SMTP_LMTP_BOOL(QUOTE_RFC821_ENVELOPE, &smtp_config.quote_rfc821_envelope),
    SMTP_LMTP_BOOL(SEND_XFORWARD_COMMAND, &smtp_config.send_xforward),
    SMTP_LMTP_TIME(XFORWARD_TIMEOUT, &smtp_config.xforward_timeout),
    SMTP_LMTP_BOOL(TLS_WRAPPERMODE, &smtp_config.tls_wrappermode),
    SMTP_LMTP_BOOL(TLS_CONNECTION_REUSE, &smtp_config.tls_connection_reuse),
    SMTP_BIND_STR(VAR_TLSPROXY_SERVICE_NAME, VAR_TLSPROXY_SERVICE_NAME,
                  &smtp_config.tlsproxy_service),
    SMTP_LMTP_BOOL(TLS_NOTE_STARTTLS_OFFER, &smtp_config.tls_note_starttls_offer),
    SMTP_LMTP_STR(TLS_SECURITY_LEVEL, &smtp_config.tls.security_level),
    SMTP_LMTP_BOOL(USE_TLS, &smtp_config.tls.use_tls),
    SMTP_LMTP_BOOL(ENFORCE_TLS, &smtp_config.tls.enforce_tls),
    SMTP_LMTP_BOOL(TLS_ENFORCE_PEERNAME, &smtp_config.tls.enforce_peername),
    SMTP_LMTP_STR(TLS_POLICY_MAPS, &smtp_policy_maps),
    SMTP_BIND_BOOL(VAR_REQUIRETLS_ENABLE, VAR_REQUIRETLS_ENABLE, &smtp_config.requiretls.enable),
    SMTP_BIND_BOOL(VAR_TLS_REQUIRED_ENABLE, VAR_TLS_REQUIRED_ENABLE,
                   &smtp_config.requiretls.tls_required_enable),
    SMTP_LMTP_STR(REQUIRETLS_POLICY, &smtp_config.requiretls.policy),
    SMTP_LMTP_BOOL(LOG_TLS_FEATURE_STATUS, &smtp_config.log_tls_feature_status),
    SMTP_BIND_BOOL(VAR_SMTP_TLSRPT_ENABLE, VAR_SMTP_TLSRPT_ENABLE, &smtp_config.tlsrpt.enable),
    SMTP_BIND_STR(VAR_SMTP_TLSRPT_SOCKET_NAME, VAR_SMTP_TLSRPT_SOCKET_NAME,
                  &smtp_config.tlsrpt.socket_name),
    SMTP_BIND_BOOL(VAR_SMTP_TLSRPT_SKIP_REUSED_HANDSHAKES, VAR_SMTP_TLSRPT_SKIP_REUSED_HANDSHAKES,
                   &smtp_config.tlsrpt.skip_reused),
    SMTP_LMTP_STR(TLS_PER_SITE, &smtp_per_site),
    SMTP_BIND_BOOL(VAR_SMTP_TLS_MTA_STS_ENABLE, NULL, &smtp_config.sts.enable),
    SMTP_BIND_STR(VAR_MTA_STS_SERVICE_NAME, VAR_MTA_STS_SERVICE_NAME, &smtp_config.sts.service),
    SMTP_BIND_STR(VAR_MTA_STS_CAFILE, VAR_MTA_STS_CAFILE, &smtp_config.sts.CAfile),
    SMTP_BIND_TIME(VAR_MTA_STS_FETCH_TIMEOUT, VAR_MTA_STS_FETCH_TIMEOUT,
                   &smtp_config.sts.fetch_timeout),
    SMTP_LMTP_STR(TLS_VERIFY_CERT_MATCH, &smtp_config.tls.verify_cert_match),
    SMTP_LMTP_STR(TLS_SECURE_CERT_MATCH, &smtp_config.tls.secure_cert_match),
    SMTP_LMTP_STR(TLS_FINGERPRINT_CERT_MATCH, &smtp_config.tls.fingerprint_cert_match),
    SMTP_LMTP_STR(TLS_TRUST_ANCHOR_FILE, &smtp_config.tls.trust_anchor_file),
    SMTP_LMTP_STR(TLS_SERVERNAME, &smtp_config.tls.servername),
    SMTP_LMTP_BOOL(TLS_ENABLE_RPK, &smtp_config.tls.enable_rpk),
    SMTP_LMTP_STR(TLS_LOGLEVEL, &smtp_config.tls_engine.loglevel),
    SMTP_LMTP_INT(TLS_SCERT_VERIFYDEPTH, &smtp_config.tls_engine.verifydepth),
    SMTP_LMTP_TIME(TLS_SESSION_CACHE_TIMEOUT, &smtp_config.tls_engine.session_cache_timeout),
    SMTP_LMTP_STR(TLS_SESSION_CACHE_DATABASE, &smtp_config.tls_engine.session_cache_database),
    SMTP_BIND_STR(VAR_TLSMGR_SERVICE_NAME, VAR_TLSMGR_SERVICE_NAME,
                  &smtp_config.tls_engine.tlsmgr_service),
    SMTP_BIND_STR(VAR_SMTP_TLS_CAPABILITY_CACHE_DATABASE, VAR_SMTP_TLS_CAPABILITY_CACHE_DATABASE,
                  &smtp_config.tls_engine.capability_cache_database),
    SMTP_BIND_TIME(VAR_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT, VAR_SMTP_TLS_CAPABILITY_CACHE_TIMEOUT,
                   &smtp_config.tls_engine.capability_cache_timeout),
    SMTP_LMTP_STR(TLS_CHAIN_FILES, &smtp_config.tls_engine.chain_files),
    SMTP_LMTP_STR(TLS_CERT_FILE, &smtp_config.tls_engine.cert_file),
    SMTP_LMTP_STR(TLS_KEY_FILE, &smtp_config.tls_engine.key_file),
    SMTP_LMTP_STR(TLS_DCERT_FILE, &smtp_config.tls_engine.dcert_file),
    SMTP_LMTP_STR(TLS_DKEY_FILE, &smtp_config.tls_engine.dkey_file),
    SMTP_LMTP_STR(TLS_ECCERT_FILE, &smtp_config.tls_engine.eccert_file),
    SMTP_LMTP_STR(TLS_ECKEY_FILE, &smtp_config.tls_engine.eckey_file),
    SMTP_LMTP_STR(TLS_CAFILE, &smtp_config.tls_engine.CAfile),
    SMTP_LMTP_STR(TLS_CAPATH, &smtp_config.tls_engine.CApath),
    SMTP_LMTP_STR(TLS_FINGERPRINT_DIGEST, &smtp_config.tls_engine.fingerprint_digest),
    SMTP_LMTP_STR(TLS_PROTOCOLS, &smtp_config.tls_engine.protocols),
    SMTP_LMTP_STR(TLS_MANDATORY_PROTOCOLS, &smtp_config.tls_engine.mandatory_protocols),
    SMTP_LMTP_STR(TLS_CIPHERS, &smtp_config.tls_engine.ciphers),
    SMTP_LMTP_STR(TLS_MANDATORY_CIPHERS, &smtp_config.tls_engine.mandatory_ciphers),
    SMTP_LMTP_STR(TLS_EXCLUDE_CIPHERS, &smtp_config.tls_engine.exclude_ciphers),
    SMTP_LMTP_STR(TLS_MANDATORY_EXCLUDE_CIPHERS, &smtp_config.tls_engine.mandatory_exclude_ciphers),
    SMTP_LMTP_BOOL(SASL_AUTH_ENABLE, &smtp_config.sasl.auth_enable),
    SMTP_LMTP_BOOL(SASL_AUTH_SOFT_BOUNCE, &smtp_config.sasl.auth_soft_bounce),
    SMTP_LMTP_BOOL(SENDER_DEPENDENT_AUTHENTICATION, &smtp_config.sasl.sender_dependent),
    SMTP_LMTP_STR(SASL_PASSWORD_MAPS, &smtp_config.sasl.password_maps_names),
    SMTP_LMTP_STR(SASL_SECURITY_OPTIONS, &smtp_config.sasl.security_options),
    SMTP_LMTP_STR(SASL_TLS_SECURITY_OPTIONS, &smtp_config.sasl.tls_security_options),
    SMTP_LMTP_STR(SASL_TLS_VERIFIED_SECURITY_OPTIONS,
                  &smtp_config.sasl.tls_verified_security_options),
    SMTP_LMTP_STR(SASL_MECHANISM_FILTER, &smtp_config.sasl.mechanism_filter_names),
    SMTP_LMTP_STR(SASL_TYPE, &smtp_config.sasl.type),
    SMTP_LMTP_STR(SASL_PATH, &smtp_config.sasl.path),
    SMTP_BIND_STR(VAR_RECIPIENT_DELIMITER, VAR_RECIPIENT_DELIMITER,
                  &smtp_config.sasl.recipient_delimiter),
    SMTP_BIND_BOOL(VAR_SMTP_ALWAYS_SEND_EHLO, NULL, &smtp_config.always_send_ehlo),
    SMTP_BIND_STR(VAR_SMTP_DISCARD_EHLO_KEYWORDS, VAR_LMTP_DISCARD_LHLO_KEYWORDS,
                  &smtp_config.discard_ehlo),
    SMTP_BIND_STR(VAR_SMTP_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS,
                  VAR_LMTP_DISCARD_LHLO_KEYWORD_ADDRESS_MAPS, &smtp_config.discard_ehlo_maps_names),
    SMTP_BIND_BOOL(VAR_SMTP_NEVER_SEND_EHLO, NULL, &smtp_config.never_send_ehlo),
    SMTP_LMTP_STR(HEADER_CHECKS, &smtp_config.checks.header_checks),
    SMTP_LMTP_STR(MIME_HEADER_CHECKS, &smtp_config.checks.mime_header_checks),
    SMTP_LMTP_STR(NESTED_HEADER_CHECKS, &smtp_config.checks.nested_header_checks),
    SMTP_LMTP_STR(BODY_CHECKS, &smtp_config.checks.body_checks),
    SMTP_BIND_BOOL(NULL, VAR_LMTP_ASSUME_FINAL, &smtp_config.assume_final),
    SMTP_LMTP_STR(GENERIC_MAPS, &smtp_config.generic.maps_names),
    SMTP_BIND_STR(VAR_MYORIGIN, VAR_MYORIGIN, &smtp_config.generic.myorigin),
    SMTP_BIND_STR(VAR_PROPAGATE_UNMATCHED_EXTENSIONS, VAR_PROPAGATE_UNMATCHED_EXTENSIONS,
                  &smtp_config.generic.propagate_names),
    SMTP_BIND_STR(VAR_MYDESTINATION, VAR_MYDESTINATION, &smtp_config.generic.local.mydestination),
    SMTP_BIND_STR(VAR_INET_INTERFACES, VAR_INET_INTERFACES,
                  &smtp_config.generic.local.inet_interfaces),
    SMTP_BIND_STR(VAR_PROXY_INTERFACES, VAR_PROXY_INTERFACES,
                  &smtp_config.generic.local.proxy_interfaces),
    SMTP_BIND_STR(VAR_INET_PROTOCOLS, VAR_INET_PROTOCOLS,
                  &smtp_config.generic.local.inet_protocols),
    SMTP_BIND_STR(VAR_RECIPIENT_DELIMITER, VAR_RECIPIENT_DELIMITER,
                  &smtp_config.generic.local.recipient_delimiter),
};

/* The tls_* cipher lists and options, the same for both protocols. */
static const CONFIG_BIND smtp_tls_parameters[] = {
    MAIL_TLS_PARAMS_BIND(&smtp_config.tls_engine.params),
    CONFIG_BIND_END,
};

#define SMTP_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* smtp_parameters - the CONFIG_BIND table of the SMTP or the LMTP client */

static const CONFIG_BIND *smtp_parameters(bool lmtp)
{
    static CONFIG_BIND table[SMTP_COUNT(smtp_bindings) + SMTP_COUNT(smtp_tls_parameters)];
    size_t n = 0;

    for (size_t i = 0; i < SMTP_COUNT(smtp_bindings); i++) {
        const char *name = lmtp ? smtp_bindings[i].lmtp_name : smtp_bindings[i].smtp_name;

        if (name != NULL) {
            table[n] = smtp_bindings[i].bind;
            table[n++].name = name;
        }
    }
    for (size_t i = 0; i < SMTP_COUNT(smtp_tls_parameters); i++)
        table[n++] = smtp_tls_parameters[i];
    return table;
}

/* main - bind the parameters and serve */

int main(int argc, char **argv)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    const char *name = argc > 0 ? (slash ? slash + 1 : argv[0]) : "smtp";

    /* The program's name chooses the protocol and the parameter names. */
    smtp_config.lmtp = strcmp(name, "lmtp") == 0;
    smtp_config.protocol = smtp_config.lmtp ? "LMTP" : "SMTP";
    smtp_config.tls.lmtp = smtp_config.sasl.lmtp = smtp_config.requiretls.lmtp = smtp_config.lmtp;
    single_server_main(argc, argv, smtp_service,
                       &(MAIL_SERVER_PROPS){
                           .parameters = smtp_parameters(smtp_config.lmtp),
                           .pre_jail = smtp_pre_jail,
                           .pre_exit = smtp_pre_exit,
                       });
}
