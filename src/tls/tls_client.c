/*++
 * NAME
 *	tls_client - the client TLS engine
 * SYNOPSIS
 *	#include <tls_client.h>
 *
 *	TLS_APPL_STATE *tls_client_init(const TLS_CLIENT_INIT_PROPS *props);
 *	TLS_SESS_STATE *tls_client_start(const TLS_CLIENT_START_PROPS *props);
 *	TLS_SESS_STATE *tls_client_open(const TLS_CLIENT_START_PROPS *props);
 *	int	tls_client_post_connect(TLS_SESS_STATE *state);
 *	void	tls_client_stop(TLS_SESS_STATE *state, VSTREAM *stream,
 *				int timeout, bool failure);
 *	void	tls_client_free(TLS_APPL_STATE *ctx);
 * DESCRIPTION
 *	tls_client_init() builds the per-process client context: trusted
 *	CAs, optional client keys and chains, session caching through
 *	props->cache, and the protocol and cipher settings for each level
 *	(checked here, applied per connection). It returns NULL after one
 *	warning that names the failing parameter and ends in "disabling TLS
 *	support".
 *
 *	tls_client_start() prepares one connection for the security level
 *	in props (protocols and ciphers: the mandatory settings above may,
 *	unless the policy overrides them; "eNULL" excluded from encrypt up,
 *	"aNULL" from fingerprint up; OpenSSL security level 1 where the peer
 *	must match), sets SNI, builds the reference names or fingerprints,
 *	computes the cache key (service, next hop, host, address, port and a
 *	digest of the whole policy: level, match list, protocols, cipher
 *	list, CA files, trust anchor files, TLSA RRset, digest, SNI, EHLO name,
 *	post-quantum mode, OpenSSL version), sets the key exchange groups
 *	for props->pq_mode (tls_dh(3); a mode that leaves no group fails
 *	the connection set-up), offers a
 *	cached session, runs the handshake, and records and logs the peer
 *	status. When props->stream is given the session is plugged into it;
 *	purge it afterwards. It returns NULL after logging the reason (bad
 *	protocol or cipher settings, handshake failure); the application
 *	then decides about a plaintext fallback. After a failed handshake
 *	*props->out_pq_suspect (when not NULL) tells whether the
 *	ClientHello offered a post-quantum group and no ServerHello came
 *	back (a reset, an alert or silence right after it): the mark of a
 *	peer that cannot take such a ClientHello. Likewise
 *	*props->out_tls12_retry_ok tells whether the failed ClientHello
 *	offered TLS 1.3 and the policy allows TLS 1.2, so that a retry with
 *	props->tls12_max set (TLS 1.2 at most; ignored where the policy
 *	allows nothing below TLS 1.3) makes sense.
 *
 *	At the verify and secure levels props->tafile (trust anchor files,
 *	tls_tafile(3)) replaces the CAs of the context for the connection.
 *
 *	Raw public keys (RFC 7250, tls_rpk(3)): with a client certificate
 *	the client sends its key bare to a server that asks for that. It
 *	asks the server for a raw public key at may, encrypt and
 *	fingerprint when props->enable_rpk is set, and at the DANE levels
 *	when every TLSA record is DANE-EE(3) SPKI(1), whatever enable_rpk
 *	says; a certificate is still accepted. A raw public key matches at
 *	the fingerprint level by its public-key fingerprint and at the DANE
 *	levels through OpenSSL's DANE verification.
 *
 *	At the DANE levels (halfdane, dane, dane-only) props->dane holds
 *	the server's usable TLSA records (tls_dane(3)); OpenSSL's DANE
 *	verification matches them, and the RRset is part of the cache key.
 *	Without records (or without DANE support in the context) the
 *	server cannot match. A match makes the peer "Verified", except at
 *	halfdane (an insecure MX host name), where it is only "Trusted".
 *
 *	tls_client_open() and tls_client_post_connect() are the halves of
 *	tls_client_start() around the handshake, for callers that drive the
 *	engine with tls_bio_step().
 *
 *	tls_client_stop() ends a session like tls_server_stop(); after a
 *	failure it removes the cached session.
 *
 *	tls_client_free() releases a context.
 *--*/

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "tls.h"
#include "tls_appl.h"
#include "tls_bio.h"
#include "tls_certkey.h"
#include "tls_cipher.h"
#include "tls_client.h"
#include "tls_dane.h"
#include "tls_dh.h"
#include "tls_facts.h"
#include "tls_fprint.h"
#include "tls_hello.h"
#include "tls_level.h"
#include "tls_log.h"
#include "tls_name.h"
#include "tls_proto.h"
#include "tls_rpk.h"
#include "tls_scache.h"
#include "tls_sni.h"
#include "tls_stream.h"
#include "tls_tafile.h"
#include "tls_verify.h"

/* Per-connection settings derived from the level and policy. */
typedef struct TLS_CLIENT_POLICY {
    const char *protocols; /* protocol list in force */
    int min_version;       /* parsed range */
    int max_version;
    VSTRING *cipherlist; /* OpenSSL cipher list */
    VSTRING *exclusions; /* exclusions in force */
} TLS_CLIENT_POLICY;

/* tls_client_dup - copy a setting with a default */

static char *tls_client_dup(const char *value, const char *def)
{
    return mystrdup(value ? value : def);
}

/* tls_client_copy - copy the settings into the context */

static void tls_client_copy(TLS_APPL_STATE *app, const TLS_CLIENT_INIT_PROPS *props)
{
    app->param_prefix = tls_client_dup(props->param_prefix, "smtp");
    if (props->params)
        app->params = *props->params;
    app->log_mask = tls_log_mask(props->log_param ? props->log_param : "smtp_tls_loglevel",
                                 props->log_level ? props->log_level : "0");
    app->mdalg = mystrdup(props->mdalg && *props->mdalg ? props->mdalg : TLS_DEFAULT_MDALG);
    app->cache_type = tls_client_dup(props->cache_type, "smtp");
    app->verifydepth = props->verifydepth > 0 ? props->verifydepth : 9;
    app->session_timeout = props->session_timeout;
    app->cache = props->cache;
    app->fast_shutdown = app->params.fast_shutdown_enable;
    app->protocols = tls_client_dup(props->protocols, ">=TLSv1");
    app->mandatory_protocols = tls_client_dup(props->mandatory_protocols, ">=TLSv1");
    app->ciphers = tls_client_dup(props->ciphers, "medium");
    app->mandatory_ciphers = tls_client_dup(props->mandatory_ciphers, "medium");
    app->exclude_ciphers = tls_client_dup(props->exclude_ciphers, "");
    app->mandatory_exclude_ciphers = tls_client_dup(props->mandatory_exclude_ciphers, "");
}

/* tls_client_check - check the settings once, before any connection */

static int tls_client_check(TLS_APPL_STATE *app, const TLS_CLIENT_INIT_PROPS *props, VSTRING *why)
{
    const char *prefix = app->param_prefix;
    int min_version, max_version, status = -1;
    VSTRING *list = vstring_alloc(100);

    if (app->log_mask < 0)
        vstring_sprintf(why, "invalid %s \"%s\"",
                        props->log_param ? props->log_param : "smtp_tls_loglevel",
                        props->log_level);
    else if (!tls_digest_ok(app->mdalg))
        vstring_sprintf(why, "invalid %s_tls_fingerprint_digest \"%s\"", prefix, app->mdalg);
    else if (tls_proto_parse(app->protocols, &min_version, &max_version, NULL) < 0)
        vstring_sprintf(why, "Invalid TLS protocol list \"%s\" in %s_tls_protocols", app->protocols,
                        prefix);
    else if (tls_proto_parse(app->mandatory_protocols, &min_version, &max_version, NULL) < 0)
        vstring_sprintf(why, "Invalid TLS protocol list \"%s\" in %s_tls_mandatory_protocols",
                        app->mandatory_protocols, prefix);
    else if (tls_cipher_list(list, &app->params, app->ciphers, app->exclude_ciphers, why) &&
             tls_cipher_list(list, &app->params, app->mandatory_ciphers, app->exclude_ciphers, why))
        status = 0;
    vstring_free(list);
    return status;
}

/* tls_client_dane - DANE support on the context, or a warning without it */

static void tls_client_dane(TLS_APPL_STATE *app, const TLS_CLIENT_INIT_PROPS *props)
{
    VSTRING *why = vstring_alloc(100);
    int mask =
        tls_dane_digest_mask(props->dane_digests ? props->dane_digests : "sha512 sha256", why);

    if (mask >= 0 && tls_dane_ctx_init(app->ssl_ctx, mask, why) == 0)
        app->dane_enabled = true;
    else
        msg_warn("%s: disabling DANE support", vstring_str(why));
    vstring_free(why);
}

/* tls_client_ctx - client context with trust and optional keys */

static int tls_client_ctx(TLS_APPL_STATE *app, const TLS_CLIENT_INIT_PROPS *props, VSTRING *why)
{
    TLS_CERTKEY_FILES files = {
        .param_prefix = app->param_prefix,
        .chain_files = props->chain_files,
        .cert_file = props->cert_file,
        .key_file = props->key_file,
        .dcert_file = props->dcert_file,
        .dkey_file = props->dkey_file,
        .eccert_file = props->eccert_file,
        .eckey_file = props->eckey_file,
    };
    VSTRING *identity;
    int status;

    if ((app->ssl_ctx = tls_appl_ctx_new(app, NULL, NULL, NULL, why)) == NULL)
        return -1;
    if (tls_certkey_set_ca(app->ssl_ctx, app->param_prefix, props->CAfile, props->CApath,
                           app->params.append_default_CA, why) < 0)
        return -1;
    identity = vstring_alloc(100);
    tls_certkey_file_identity(identity, props->CAfile);
    tls_certkey_file_identity(identity, props->CApath);
    vstring_sprintf_append(identity, "default=%d", app->params.append_default_CA);
    app->ca_identity = vstring_export(identity);
    if ((status = tls_certkey_load(app->ssl_ctx, &files, why)) < 0)
        return -1;
    /* Like Postfix, always willing to send our key bare to a server that asks for it. */
    if (status != TLS_CERTKEY_NONE && tls_rpk_client_ctx(app->ssl_ctx) < 0) {
        vstring_sprintf(why, "cannot enable raw public keys");
        ERR_clear_error();
        return -1;
    }
    tls_scache_client_setup(app, app->ssl_ctx);
    tls_client_dane(app, props);
    return 0;
}

/* tls_client_init - build the client context */

TLS_APPL_STATE *tls_client_init(const TLS_CLIENT_INIT_PROPS *props)
{
    TLS_APPL_STATE *app;
    VSTRING *why;

    if (tls_library_init() < 0)
        return NULL;
    app = tls_appl_alloc(false);
    why = vstring_alloc(100);
    tls_client_copy(app, props);
    if (tls_client_check(app, props, why) < 0 || tls_client_ctx(app, props, why) < 0) {
        msg_warn("%s: disabling TLS support", vstring_str(why));
        tls_appl_free(app);
        app = NULL;
    }
    ERR_clear_error();
    vstring_free(why);
    return app;
}

/* tls_client_policy - protocols and ciphers for the level */

static int tls_client_policy(TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props,
                             TLS_CLIENT_POLICY *policy)
{
    TLS_APPL_STATE *app = state->app;
    bool mandatory = TLS_REQUIRED(props->tls_level);
    VSTRING *why = vstring_alloc(100);
    const char *grade;
    int status = 0;

    policy->protocols = props->protocols ? props->protocols
                        : mandatory      ? app->mandatory_protocols
                                         : app->protocols;
    grade = props->cipher_grade ? props->cipher_grade
            : mandatory         ? app->mandatory_ciphers
                                : app->ciphers;
    if (props->cipher_exclusions)
        vstring_strcpy(policy->exclusions, props->cipher_exclusions);
    else if (mandatory)
        vstring_sprintf(policy->exclusions, "%s %s", app->exclude_ciphers,
                        app->mandatory_exclude_ciphers);
    else
        vstring_strcpy(policy->exclusions, app->exclude_ciphers);
    if (props->tls_level >= TLS_LEV_ENCRYPT)
        vstring_strcat(policy->exclusions, " eNULL");
    if (props->tls_level >= TLS_LEV_FPRINT)
        vstring_strcat(policy->exclusions, " aNULL");
    if (tls_proto_parse(policy->protocols, &policy->min_version, &policy->max_version, NULL) < 0) {
        msg_warn("%s: Invalid TLS protocol list \"%s\": aborting TLS session", state->namaddr,
                 policy->protocols);
        status = -1;
    } else if (tls_cipher_list(policy->cipherlist, &app->params, grade,
                               vstring_str(policy->exclusions), why) == NULL) {
        msg_warn("%s: %s: aborting TLS session", state->namaddr, vstring_str(why));
        status = -1;
    }
    /* Never below the range of the policy: TLS 1.2 only where it allows it. */
    if (status == 0 && props->tls12_max &&
        tls_proto_caps_to_tls12(policy->min_version, policy->max_version))
        policy->max_version = TLS1_2_VERSION;
    state->proto_min = policy->min_version;
    state->proto_max = policy->max_version;
    vstring_free(why);
    return status;
}

/* tls_client_fprint_ok - looks like a hex fingerprint */

static int tls_client_fprint_ok(const char *fp)
{
    int digits = 0;

    for (const char *cp = fp; *cp; cp++) {
        if (isxdigit((unsigned char)*cp))
            digits++;
        else if (*cp != ':')
            return 0;
    }
    return digits >= 32 && digits % 2 == 0;
}

/* tls_client_match - reference names or fingerprints for the level */

static void tls_client_match(TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props)
{
    if (state->level == TLS_LEV_FPRINT) {
        ARGV *list = argv_split(props->match ? props->match : "", " \t\r\n,|");

        state->match_fprints = argv_alloc(list->argc + 1);
        for (size_t i = 0; i < list->argc; i++) {
            if (tls_client_fprint_ok(list->argv[i]))
                argv_add(state->match_fprints, list->argv[i]);
            else
                msg_warn("%s: ignoring malformed fingerprint \"%s\"", state->namaddr,
                         list->argv[i]);
        }
        argv_free(list);
        if (state->match_fprints->argc == 0) {
            msg_warn("%s: no usable fingerprints: the server cannot match", state->namaddr);
            state->must_fail = true;
        }
    } else if (TLS_DANE_BASED(state->level)) {
        if (props->dane == NULL || props->dane->count == 0 || !state->app->dane_enabled) {
            msg_warn("%s: no usable TLSA records: the server cannot match", state->namaddr);
            state->must_fail = true;
        }
    } else if (TLS_MUST_PKIX(state->level)) {
        const char *strategies = props->match                     ? props->match
                                 : state->level == TLS_LEV_SECURE ? "nexthop, dot-nexthop"
                                                                  : "hostname";

        state->match_names = tls_name_expand(strategies, props->host, props->nexthop);
        if (state->match_names->argc == 0) {
            msg_warn("%s: no usable peer names in \"%s\": the server cannot match", state->namaddr,
                     strategies);
            state->must_fail = true;
        }
    }
}

/* tls_client_cache_id - cache key with the policy digest */

static void tls_client_cache_id(TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props,
                                const TLS_CLIENT_POLICY *policy)
{
    VSTRING *text = vstring_alloc(300);
    char *names = state->match_names ? argv_join(state->match_names, ",") : mystrdup("");
    char *fprints = state->match_fprints ? argv_join(state->match_fprints, ",") : mystrdup("");
    VSTRING *tafile = vstring_alloc(50);
    VSTRING *dane = vstring_alloc(50);

    if (TLS_MUST_PKIX(state->level))
        tls_tafile_identity(tafile, props->tafile);
    if (TLS_DANE_BASED(state->level))
        tls_dane_identity(dane, props->dane);

    vstring_sprintf(text,
                    "level=%s\nmatch=%s\nfingerprints=%s\nmdalg=%s\nprotocols=%x-%x\n"
                    "ciphers=%s\nca=%s\nsni=%s\nhelo=%s\nopenssl=%s\nmust_fail=%d\ntafile=%s\n"
                    "dane=%s\npq=%s\nrpk=%d\n",
                    tls_level_name(state->level), names, fprints, state->mdalg, policy->min_version,
                    policy->max_version, vstring_str(policy->cipherlist),
                    state->app->ca_identity ? state->app->ca_identity : "",
                    props->sni ? props->sni : "", props->helo ? props->helo : "",
                    OpenSSL_version(OPENSSL_VERSION), state->must_fail, vstring_str(tafile),
                    vstring_str(dane), tls_dh_pq_name(props->pq_mode), props->enable_rpk);
    state->cache_id = tls_scache_client_id(
        props->serverid ? props->serverid : state->app->cache_type, props->nexthop, props->host,
        props->addr, props->port, vstring_str(text));
    myfree(names);
    myfree(fprints);
    vstring_free(tafile);
    vstring_free(dane);
    vstring_free(text);
}

/* tls_client_groups - key exchange groups of the connection */

static int tls_client_groups(TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props)
{
    VSTRING *list = vstring_alloc(100);
    int status = 0;

    if (tls_dh_apply_ssl(state->ssl, &state->app->params, props->pq_mode, list) < 0) {
        msg_warn("%s: no key exchange group left for pq=%s in tls_eecdh_auto_curves or "
                 "tls_ffdhe_auto_groups",
                 state->namaddr, tls_dh_pq_name(props->pq_mode));
        status = -1;
    }
    state->groups_configured = vstring_export(list);
    return status;
}

/* tls_client_ask_rpk - does the connection ask the server for a raw public key */

static bool tls_client_ask_rpk(const TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props)
{
    /*
     * Postfix 3.9: at may, encrypt and fingerprint as configured (at the
     * fingerprint level only safe when every fingerprint is that of a
     * public key: a bare key has no certificate fingerprint); never at
     * verify and secure (a bare key has no chain); at the DANE levels
     * whatever the setting, when every record is DANE-EE(3) SPKI(1), the
     * only kind that a bare key can match.
     */
    if (!tls_rpk_available() || state->must_fail)
        return false;
    if (TLS_DANE_BASED(state->level)) {
        if (props->dane == NULL || props->dane->count == 0)
            return false;
        for (size_t i = 0; i < props->dane->count; i++)
            if (props->dane->rr[i].usage != 3 || props->dane->rr[i].selector != 1)
                return false;
        return true;
    }
    return props->enable_rpk && (state->level == TLS_LEV_MAY || state->level == TLS_LEV_ENCRYPT ||
                                 state->level == TLS_LEV_FPRINT);
}

/* tls_client_ssl - the SSL object with the session settings */

static int tls_client_ssl(TLS_SESS_STATE *state, const TLS_CLIENT_START_PROPS *props,
                          const TLS_CLIENT_POLICY *policy)
{
    TLS_TRANSPORT transport;

    if ((state->ssl = SSL_new(state->app->ssl_ctx)) == NULL)
        return -1;
    if (TLS_MUST_MATCH(state->level))
        SSL_set_security_level(state->ssl, 1);
    if (tls_proto_apply_ssl(state->ssl, policy->min_version, policy->max_version) < 0 ||
        SSL_set_cipher_list(state->ssl, vstring_str(policy->cipherlist)) != 1)
        return -1;
    if (tls_client_groups(state, props) < 0)
        return -1;
    if (props->sni && *props->sni) {
        if (!tls_sni_name_ok(props->sni))
            msg_warn("%s: ignoring invalid SNI name \"%s\"", state->namaddr, props->sni);
        else if (SSL_set_tlsext_host_name(state->ssl, props->sni) != 1)
            return -1;
    }
    transport =
        props->transport
            ? *props->transport
            : tls_transport_socket(props->stream ? vstream_fileno(props->stream) : props->fd);
    if (tls_bio_attach(state, &transport) < 0) {
        if (transport.release)
            transport.release(transport.context);
        return -1;
    }
    tls_verify_setup(state->ssl, SSL_VERIFY_PEER, state->app->verifydepth);
    if (TLS_MUST_PKIX(state->level) && props->tafile && *props->tafile) {
        VSTRING *why = vstring_alloc(100);

        if (tls_tafile_load(state->ssl, props->tafile, why) < 0) {
            msg_warn("%s: %s: the server cannot match", state->namaddr, vstring_str(why));
            state->must_fail = true;
        }
        vstring_free(why);
    }
    if (TLS_DANE_BASED(state->level) && !state->must_fail &&
        tls_dane_ssl_setup(state, props->dane) == 0) {
        msg_warn("%s: no usable TLSA records: the server cannot match", state->namaddr);
        state->must_fail = true;
    }
    if (tls_client_ask_rpk(state, props) && tls_rpk_client_ask(state->ssl) < 0)
        return -1;
    tls_scache_client_load(state);
    SSL_set_connect_state(state->ssl);
    return 0;
}

/* tls_client_open - per-connection state and SSL object, before the handshake */

TLS_SESS_STATE *tls_client_open(const TLS_CLIENT_START_PROPS *props)
{
    TLS_APPL_STATE *app = props->ctx;
    int log_mask = app->log_mask | (TLS_MUST_MATCH(props->tls_level) ? TLS_LOG_UNTRUSTED : 0);
    TLS_SESS_STATE *state = tls_sess_alloc(false, props->namaddr, log_mask);
    TLS_CLIENT_POLICY policy = {.cipherlist = vstring_alloc(200), .exclusions = vstring_alloc(50)};
    int status;

    state->app = app;
    state->level = props->tls_level;
    state->mdalg = mystrdup(app->mdalg);
    if (log_mask & TLS_LOG_VERBOSE)
        msg_info("setting up TLS connection to %s", state->namaddr);
    if ((status = tls_client_policy(state, props, &policy)) == 0) {
        tls_client_match(state, props);
        tls_client_cache_id(state, props, &policy);
        if ((status = tls_client_ssl(state, props, &policy)) < 0) {
            msg_warn("%s: cannot set up the TLS session", state->namaddr);
            tls_print_errors();
        }
    }
    vstring_free(policy.cipherlist);
    vstring_free(policy.exclusions);
    if (status < 0) {
        tls_sess_free(state);
        return NULL;
    }
    return state;
}

/* tls_client_post_connect - facts, status and logging after the handshake */

int tls_client_post_connect(TLS_SESS_STATE *state)
{
    tls_facts_collect(state);
    tls_verify_peer(state);
    tls_verify_match(state);
    tls_log_peercert(state);
    tls_verify_log_failure(state);
    tls_log_summary(state);
    return 0;
}

/* tls_client_start - handshake with one server */

TLS_SESS_STATE *tls_client_start(const TLS_CLIENT_START_PROPS *props)
{
    TLS_SESS_STATE *state = tls_client_open(props);

    if (state == NULL)
        return NULL;
    if (tls_bio_handshake(state, props->timeout > 0 ? props->timeout * 1000 : -1) < 0) {
        tls_log_handshake_error(state, errno);
        if (props->out_pq_suspect)
            *props->out_pq_suspect = !state->server_hello && tls_hello_offered_pq(state);
        if (props->out_tls12_retry_ok)
            *props->out_tls12_retry_ok =
                (state->proto_max == 0 || state->proto_max > TLS1_2_VERSION) &&
                (state->proto_min == 0 || state->proto_min <= TLS1_2_VERSION);
        tls_scache_forget(state);
        tls_sess_free(state);
        return NULL;
    }
    /* tlsproxy's user logs the summary, under its own name, from the facts it receives. */
    if (props->summary_by_caller) {
        int log_mask = state->log_mask;

        state->log_mask &= ~TLS_LOG_SUMMARY;
        tls_client_post_connect(state);
        state->log_mask = log_mask;
    } else {
        tls_client_post_connect(state);
    }
    if (props->stream)
        tls_stream_start(props->stream, state);
    return state;
}

/* tls_client_stop - end a session */

void tls_client_stop(TLS_SESS_STATE *state, VSTREAM *stream, int timeout, bool failure)
{
    if (state == NULL)
        return;
    if (failure)
        tls_scache_forget(state);
    else if (state->engine)
        tls_bio_shutdown(state, timeout > 0 ? timeout * 1000 : -1,
                         state->app ? state->app->fast_shutdown : true);
    if (stream)
        tls_stream_stop(stream);
    tls_sess_free(state);
}

/* tls_client_free - release a context */

void tls_client_free(TLS_APPL_STATE *ctx)
{
    tls_appl_free(ctx);
}
